//! API-key authentication of one mounted server: `Authorization: Bearer <key>` or
//! `X-API-Key: <key>`, checked before anything else reads the request.
//!
//! Keys are kept only as SHA-256 digests, and a presented key is compared with every stored
//! digest in constant time, so neither memory nor timing gives a key away. A session belongs
//! to the key that opened it: another key gets "Session not found".

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{header, server_error, HttpRequest, HttpResponse};
use crate::handler::caller::Caller;

/// The API keys a server accepts, each with a name (shown in logs and bound to the sessions it
/// opens; never the key itself) and the roles it grants.
///
/// ```
/// use mcp_core::http::{ApiKeys, HttpConfig};
///
/// let keys = ApiKeys::new()
///     .key("reader", "s3cr3t-reader-key", ["read"])
///     .key("admin", "s3cr3t-admin-key", ["read", "admin"]);
/// let config = HttpConfig::new().api_keys(keys);
/// # let _ = config;
/// ```
#[derive(Clone, Default)]
pub struct ApiKeys {
    keys: Vec<Key>,
}

#[derive(Clone)]
struct Key {
    digest: [u8; 32],
    /// Its holder: the key's name as subject, and its roles.
    caller: Caller,
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .keys
            .iter()
            .filter_map(|k| k.caller.subject())
            .collect();
        f.debug_struct("ApiKeys").field("names", &names).finish()
    }
}

/// A key given to [`ApiKeys::from_env`] (or a secret given to
/// [`HmacKeys::from_env`](super::HmacKeys::from_env)) that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidKeys(String);

impl fmt::Display for InvalidKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidKeys {}

impl InvalidKeys {
    pub(super) fn new(why: String) -> InvalidKeys {
        InvalidKeys(why)
    }
}

impl ApiKeys {
    /// No keys yet.
    pub fn new() -> Self {
        ApiKeys::default()
    }

    /// Accepts `key`, naming its holder `name` and granting `roles`.
    pub fn key<R: Into<String>>(
        mut self,
        name: impl Into<String>,
        key: impl AsRef<[u8]>,
        roles: impl IntoIterator<Item = R>,
    ) -> Self {
        let roles: Vec<String> = roles.into_iter().map(Into::into).collect();
        self.keys.push(Key {
            digest: Sha256::digest(key.as_ref()).into(),
            caller: Caller::new(name, roles),
        });
        self
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Keys in the command line's environment format: `keys` is a comma-separated list of
    /// keys without roles (`MCP_API_KEYS`), `map` a `;`-separated list of `key:role|role`
    /// (`MCP_API_KEYS_MAP`). Keys are named `key-1`, `key-2`, ... in that order.
    pub fn from_env(keys: Option<&str>, map: Option<&str>) -> Result<ApiKeys, InvalidKeys> {
        let mut out = ApiKeys::new();
        let plain = keys.into_iter().flat_map(|k| k.split(','));
        let mapped = map.into_iter().flat_map(|m| m.split(';'));
        let entries = plain
            .map(|k| (k.trim(), ""))
            .chain(mapped.map(|e| e.split_once(':').unwrap_or((e, ""))))
            .filter(|(k, r)| !k.trim().is_empty() || !r.is_empty());
        for (key, roles) in entries {
            let key = key.trim();
            if key.len() < 16 {
                return Err(InvalidKeys(format!(
                    "API keys must be at least 16 characters long (key {} has {})",
                    out.len() + 1,
                    key.len()
                )));
            }
            let roles = roles.split('|').map(str::trim).filter(|r| !r.is_empty());
            let name = format!("key-{}", out.len() + 1);
            out = out.key(name, key, roles.map(String::from).collect::<Vec<_>>());
        }
        Ok(out)
    }

    /// The key that matches `presented`, checked against every key in constant time.
    fn verify(&self, presented: &[u8]) -> Option<&Key> {
        let digest: [u8; 32] = Sha256::digest(presented).into();
        let mut found = None;
        for key in &self.keys {
            if bool::from(key.digest.ct_eq(&digest)) {
                found = Some(key);
            }
        }
        found
    }

    /// The caller `req` authenticates as, or the 401 that answers it.
    pub(crate) fn authenticate(&self, req: &HttpRequest<'_>) -> Result<Caller, Unauthorized> {
        let presented = match credential(req) {
            Ok(Some(key)) => key,
            Ok(None) => {
                return Err(unauthorized(
                    "Unauthorized: this server requires an API key (Authorization: Bearer <key>, or X-API-Key: <key>)",
                    None,
                ))
            }
            Err(why) => return Err(unauthorized(why, Some("invalid_request"))),
        };
        match self.verify(presented.as_bytes()) {
            Some(key) => Ok(key.caller.clone()),
            None => Err(unauthorized(
                "Unauthorized: the API key is not valid",
                Some("invalid_token"),
            )),
        }
    }
}

/// The key a request presents, if any.
fn credential<'r>(req: &'r HttpRequest<'_>) -> Result<Option<&'r str>, &'static str> {
    let bearer = match header(req, "authorization") {
        Ok(Some(value)) => match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Some(token.trim()),
            _ => return Err("Unauthorized: the Authorization header must be `Bearer <key>`"),
        },
        Ok(None) => None,
        Err(()) => return Err("Unauthorized: the Authorization header is not valid text"),
    };
    let api_key = match header(req, "x-api-key") {
        Ok(value) => value.map(str::trim),
        Err(()) => return Err("Unauthorized: the X-API-Key header is not valid text"),
    };
    match (bearer, api_key) {
        (Some(a), Some(b)) if a != b => {
            Err("Unauthorized: Authorization and X-API-Key name different keys")
        }
        (Some(key), _) | (None, Some(key)) => Ok(Some(key)),
        (None, None) => Ok(None),
    }
}

/// Why a request was not authenticated: answered with 401.
#[derive(Debug, Clone)]
pub(crate) struct Unauthorized {
    message: &'static str,
    /// The RFC 6750 `error` of the challenge, if any.
    error: Option<&'static str>,
    /// The challenge's scheme.
    scheme: &'static str,
    /// Where the protected-resource metadata is (OAuth).
    metadata: Option<String>,
}

pub(super) fn unauthorized(message: &'static str, error: Option<&'static str>) -> Unauthorized {
    Unauthorized {
        message,
        error,
        scheme: "Bearer",
        metadata: None,
    }
}

impl Unauthorized {
    /// The same refusal, pointing at the protected-resource metadata (RFC 9728).
    #[cfg(feature = "oauth")]
    pub(super) fn with_metadata(self, url: String) -> Unauthorized {
        Unauthorized {
            metadata: Some(url),
            ..self
        }
    }

    /// The same refusal, challenging for a request signature instead of a bearer key.
    pub(super) fn signed(self) -> Unauthorized {
        Unauthorized {
            scheme: "MCP-HMAC-SHA256",
            ..self
        }
    }

    /// The 401 with its `WWW-Authenticate` challenge (RFC 6750) and a JSON-RPC error body.
    pub(crate) fn response(self) -> HttpResponse {
        let mut resp = HttpResponse::error(401, None, &server_error(self.message.into()));
        let mut challenge = format!("{} realm=\"mcp\"", self.scheme);
        if let Some(url) = &self.metadata {
            challenge.push_str(&format!(", resource_metadata=\"{url}\""));
        }
        if let Some(error) = self.error {
            challenge.push_str(&format!(", error=\"{error}\""));
        }
        resp.headers.push(("www-authenticate", challenge));
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_keys_and_roles() {
        let keys = ApiKeys::from_env(
            Some("aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb"),
            Some("cccccccccccccccc:admin|read;dddddddddddddddd:read"),
        )
        .unwrap();
        assert_eq!(keys.len(), 4);
        let key = keys.verify(b"cccccccccccccccc").unwrap();
        assert_eq!(key.caller.subject(), Some("key-3"));
        assert_eq!(key.caller.roles().collect::<Vec<_>>(), ["admin", "read"]);
        assert!(keys.verify(b"cccccccccccccccd").is_none());
        assert!(keys.verify(b"").is_none());
        let short = ApiKeys::from_env(Some("short"), None).unwrap_err();
        assert!(short.to_string().contains("at least 16 characters"));
        assert!(ApiKeys::from_env(None, None).unwrap().is_empty());
    }

    #[test]
    fn debug_shows_names_not_keys() {
        let keys = ApiKeys::new().key("ci", "the-secret-key-value", ["x"]);
        let shown = format!("{keys:?}");
        assert!(shown.contains("ci") && !shown.contains("the-secret-key-value"));
    }
}
