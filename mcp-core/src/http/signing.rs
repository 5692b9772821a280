//! HMAC request signing of one mounted server: every request carries
//! `Mcp-Signature: k=<key id>, t=<unix seconds>, n=<nonce>, v1=<signature>`, where the
//! signature is HMAC-SHA256 under the key's secret over
//!
//! ```text
//! mcp-hmac-v1\n<METHOD>\n<path and query>\n<key id>\n<t>\n<n>\n<base64url(SHA-256(body))>
//! ```
//!
//! in unpadded base64url. A timestamp further than the allowed skew from the server's clock
//! is refused, and each nonce is good once (kept in the server's store for twice the skew),
//! so a captured request can be replayed neither later nor at once.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::auth::{unauthorized, InvalidKeys, Unauthorized};
use super::{header, HttpRequest};
use crate::handler::caller::Caller;

type HmacSha256 = Hmac<Sha256>;

/// The default allowed difference between a request's timestamp and the server's clock.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(300);

/// Shortest secret accepted, in bytes.
const MIN_SECRET_BYTES: usize = 32;

/// What the signed text starts with: the scheme and its version.
const SCHEME: &str = "mcp-hmac-v1";

/// The secrets a server accepts signatures from, each with an id (sent in the header, shown
/// in logs and bound to the sessions it opens) and the roles it grants.
///
/// ```
/// use mcp_core::http::{HmacKeys, HttpConfig};
///
/// let keys = HmacKeys::new().secret("billing", "a-secret-of-at-least-32-bytes-long!", ["billing"]);
/// let config = HttpConfig::new().hmac(keys);
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct HmacKeys {
    keys: Vec<Secret>,
    max_skew: Duration,
}

#[derive(Clone)]
struct Secret {
    mac: HmacSha256,
    caller: Caller,
}

impl Default for HmacKeys {
    fn default() -> Self {
        HmacKeys {
            keys: Vec::new(),
            max_skew: DEFAULT_MAX_SKEW,
        }
    }
}

impl fmt::Debug for HmacKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self
            .keys
            .iter()
            .filter_map(|k| k.caller.subject())
            .collect();
        f.debug_struct("HmacKeys")
            .field("ids", &ids)
            .field("max_skew", &self.max_skew)
            .finish()
    }
}

impl HmacKeys {
    /// No secrets yet.
    pub fn new() -> Self {
        HmacKeys::default()
    }

    /// Accepts signatures by `secret` under key id `id`, granting `roles`. Secrets shorter
    /// than 32 bytes are refused when the keys are read from the environment
    /// ([`from_env`](HmacKeys::from_env)); choose long random ones here too.
    pub fn secret<R: AsRef<str>>(
        mut self,
        id: impl Into<String>,
        secret: impl AsRef<[u8]>,
        roles: impl IntoIterator<Item = R>,
    ) -> Self {
        self.keys.push(Secret {
            mac: HmacSha256::new_from_slice(secret.as_ref())
                .expect("HMAC takes keys of any length"),
            caller: Caller::new(id, roles),
        });
        self
    }

    /// How far a request's timestamp may be from the server's clock (default 5 minutes).
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew.max(Duration::from_secs(1));
        self
    }

    /// The allowed skew.
    pub(crate) fn skew(&self) -> Duration {
        self.max_skew
    }

    /// The command line's format: `MCP_HMAC_SECRET` is one secret (key id `default`), or
    /// `id=secret;id=secret;...`; `roles` (`MCP_HMAC_ROLES`, `|`- or `,`-separated) are
    /// granted to every key.
    pub fn from_env(secrets: &str, roles: Option<&str>) -> Result<HmacKeys, InvalidKeys> {
        let roles: Vec<&str> = roles
            .unwrap_or_default()
            .split(['|', ','])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        let mut keys = HmacKeys::new();
        let entries: Vec<&str> = secrets
            .split(';')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        for entry in &entries {
            let (id, secret) = match entry.split_once('=') {
                Some((id, secret)) if entries.len() > 1 || !id.is_empty() => {
                    (id.trim(), secret.trim())
                }
                _ => ("default", *entry),
            };
            if secret.len() < MIN_SECRET_BYTES {
                return Err(InvalidKeys::new(format!(
                    "HMAC secrets must be at least {MIN_SECRET_BYTES} bytes long (key `{id}` has {})",
                    secret.len()
                )));
            }
            keys = keys.secret(id, secret, roles.iter().copied());
        }
        if keys.keys.is_empty() {
            return Err(InvalidKeys::new("no HMAC secret given".into()));
        }
        Ok(keys)
    }

    /// Checks the signature of `req`; the caller it is from and its nonce, which the caller
    /// must claim once.
    pub(crate) fn verify(
        &self,
        req: &HttpRequest<'_>,
        now: SystemTime,
    ) -> Result<(Caller, String), Unauthorized> {
        let value = match header(req, "mcp-signature") {
            Ok(Some(value)) => value,
            Ok(None) => {
                return Err(unauthorized(
                    "Unauthorized: this server requires signed requests (Mcp-Signature: k=<key id>, t=<unix seconds>, n=<nonce>, v1=<HMAC-SHA256>)",
                    None,
                ))
            }
            Err(()) => return Err(unauthorized("Unauthorized: the Mcp-Signature header is not valid text", Some("invalid_request"))),
        };
        let parts = Parts::parse(value).ok_or_else(|| {
            unauthorized(
                "Unauthorized: the Mcp-Signature header must be `k=<key id>, t=<unix seconds>, n=<nonce of 16 to 128 URL-safe characters>, v1=<base64url signature>`",
                Some("invalid_request"),
            )
        })?;
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        if now.abs_diff(parts.timestamp) > self.max_skew.as_secs() {
            return Err(unauthorized(
                "Unauthorized: the signature's timestamp is too far from the server's clock",
                Some("invalid_token"),
            ));
        }
        let invalid = || {
            unauthorized(
                "Unauthorized: the signature is not valid",
                Some("invalid_token"),
            )
        };
        let key = self
            .keys
            .iter()
            .find(|k| k.caller.subject() == Some(parts.key))
            .ok_or_else(invalid)?;
        let mut mac = key.mac.clone();
        mac.update(
            signed_text(
                req.method,
                req.path,
                parts.key,
                parts.timestamp,
                parts.nonce,
                req.body,
            )
            .as_bytes(),
        );
        mac.verify_slice(&parts.signature).map_err(|_| invalid())?;
        Ok((key.caller.clone(), format!("{}:{}", parts.key, parts.nonce)))
    }
}

/// The fields of an `Mcp-Signature` header.
struct Parts<'a> {
    key: &'a str,
    timestamp: u64,
    nonce: &'a str,
    signature: Vec<u8>,
}

impl<'a> Parts<'a> {
    fn parse(value: &'a str) -> Option<Parts<'a>> {
        let (mut key, mut timestamp, mut nonce, mut signature) = (None, None, None, None);
        for field in value.split(',') {
            let (name, value) = field.trim().split_once('=')?;
            let slot = match name.trim() {
                "k" => &mut key,
                "t" => &mut timestamp,
                "n" => &mut nonce,
                "v1" => &mut signature,
                _ => return None,
            };
            if slot.replace(value.trim()).is_some() {
                return None;
            }
        }
        let nonce = nonce?;
        let url_safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if !(16..=128).contains(&nonce.len()) || !nonce.chars().all(url_safe) {
            return None;
        }
        let key = key.filter(|k| !k.is_empty() && k.len() <= 128)?;
        let timestamp = timestamp.filter(|t| t.len() <= 20)?.parse().ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature?).ok()?;
        Some(Parts {
            key,
            timestamp,
            nonce,
            signature,
        })
    }
}

fn signed_text(
    method: &str,
    path: &str,
    key: &str,
    timestamp: u64,
    nonce: &str,
    body: &[u8],
) -> String {
    let body_hash = URL_SAFE_NO_PAD.encode(Sha256::digest(body));
    format!("{SCHEME}\n{method}\n{path}\n{key}\n{timestamp}\n{nonce}\n{body_hash}")
}

/// The `Mcp-Signature` header value that signs a request to `path` (its path and query, as
/// sent) with `method` and `body`, by `secret` under key id `key`, at `timestamp` (Unix
/// seconds) with a fresh random `nonce` (16 to 128 characters of `A-Z a-z 0-9 - _`).
///
/// For clients written in Rust, and for tests.
///
/// ```
/// let header = mcp_core::http::sign_request("billing", b"secret", "POST", "/mcp", b"{}", 1_767_225_600, "0123456789abcdef");
/// assert!(header.starts_with("k=billing, t=1767225600, n=0123456789abcdef, v1="));
/// ```
pub fn sign_request(
    key: &str,
    secret: &[u8],
    method: &str,
    path: &str,
    body: &[u8],
    timestamp: u64,
    nonce: &str,
) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(signed_text(method, path, key, timestamp, nonce, body).as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("k={key}, t={timestamp}, n={nonce}, v1={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_secrets() {
        let one =
            HmacKeys::from_env("0123456789abcdef0123456789abcdef", Some("read|write")).unwrap();
        assert_eq!(one.keys[0].caller.subject(), Some("default"));
        assert!(one.keys[0].caller.has_role("write"));
        let two = HmacKeys::from_env(
            "a=0123456789abcdef0123456789abcdef;b=fedcba9876543210fedcba9876543210",
            None,
        )
        .unwrap();
        assert_eq!(two.keys.len(), 2);
        assert!(HmacKeys::from_env("short", None).is_err());
        assert!(HmacKeys::from_env("", None).is_err());
    }

    #[test]
    fn headers_parse_strictly() {
        let good = "k=a, t=1, n=0123456789abcdef, v1=AAAA";
        assert!(Parts::parse(good).is_some());
        for bad in [
            "k=a, t=1, n=short, v1=AAAA",
            "k=a, t=1, n=0123456789abcdef",
            "k=a, t=x, n=0123456789abcdef, v1=AAAA",
            "k=a, t=1, n=0123456789abcdef, v1=AAAA, k=b",
            "k=a, t=1, n=0123456789abcde!, v1=AAAA",
            "k=a, t=1, n=0123456789abcdef, v1=AAAA, x=1",
            "k=a, t=1, n=0123456789abcdef, v1=@@",
        ] {
            assert!(Parts::parse(bad).is_none(), "{bad}");
        }
    }
}
