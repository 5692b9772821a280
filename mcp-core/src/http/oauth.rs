//! OAuth 2.1 resource server of one mounted server: `Authorization: Bearer <JWT>` validated
//! for signature (against the issuer's JWKS), issuer, audience (this server's own resource
//! URI), expiry and not-before; RFC 9728 protected-resource metadata; `401` with
//! `WWW-Authenticate: Bearer resource_metadata="..."` and `403 insufficient_scope` for
//! step-up.
//!
//! Only asymmetric algorithms are accepted (RS*, PS*, ES256, ES384, EdDSA): `alg: none` and
//! shared-secret algorithms never pass. Keys come from a static JWKS or from a URL, fetched in
//! the background, cached, and fetched again (at most every 30 seconds) when a token names a
//! key the cache does not hold.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

use super::auth::{unauthorized, Unauthorized};
use super::{header, server_error, HttpBody, HttpRequest, HttpResponse};
use crate::handler::caller::Caller;
use crate::util::{lock, read, write};
use crate::wire::Chunks;

/// Shortest time between two fetches of the key set.
const REFETCH_AFTER: Duration = Duration::from_secs(30);

/// How long a fetched key set is used before it is fetched again in the background.
const KEYS_TTL: Duration = Duration::from_secs(600);

/// Largest key set accepted from a URL.
const MAX_JWKS_BYTES: u64 = 1 << 20;

/// Most verified tokens remembered; past it, expired ones are dropped, then all.
const MAX_VERIFIED: usize = 10_000;

/// Longest token looked at.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The path, below the server's own, of its protected-resource metadata.
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// An OAuth 2.1 resource server: which issuer's tokens a mounted server accepts, for which
/// audience, signed by which keys, with which scopes required.
///
/// ```
/// use mcp_core::http::{HttpConfig, OAuth};
///
/// let oauth = OAuth::new("https://auth.example.com", "https://mcp.example.com/mcp/tools")
///     .jwks_url("https://auth.example.com/.well-known/jwks.json")
///     .required_scopes(["mcp:tools"]);
/// let config = HttpConfig::new().oauth(oauth);
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct OAuth {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    required: Vec<String>,
    supported: Vec<String>,
    leeway: Duration,
    keys: RwLock<Keys>,
    url: Option<String>,
    fetching: AtomicBool,
    last_fetch: Mutex<Option<Instant>>,
    /// Tokens whose signature and claims were checked (the whole token is the key, so only
    /// the very same token matches): a client presents the same token on every request, and
    /// a signature check costs far more than a call.
    verified: Mutex<HashMap<Box<str>, Verified>>,
}

/// A token that passed every check, until it expires.
#[derive(Clone)]
struct Verified {
    caller: Caller,
    /// `exp`, plus the leeway (Unix seconds).
    until: u64,
}

#[derive(Default)]
struct Keys {
    set: Arc<JwkSet>,
    fetched: Option<Instant>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("issuer", &self.inner.issuer)
            .field("audience", &self.inner.audience)
            .field("jwks_url", &self.inner.url)
            .field("required_scopes", &self.inner.required)
            .field("keys", &read(&self.inner.keys).set.keys.len())
            .finish()
    }
}

/// A key set that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidJwks(String);

impl fmt::Display for InvalidJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidJwks {}

impl OAuth {
    /// Accepts tokens issued by `issuer` (the `iss` claim, exactly) for `audience` (the `aud`
    /// claim: this server's own resource URI, e.g. `https://mcp.example.com/mcp/tools`).
    /// Give it keys with [`jwks`](OAuth::jwks) or [`jwks_url`](OAuth::jwks_url).
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> OAuth {
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        OAuth {
            inner: Arc::new(Inner {
                issuer: issuer.into(),
                audience: audience.into(),
                required: Vec::new(),
                supported: Vec::new(),
                leeway: Duration::from_secs(30),
                keys: RwLock::default(),
                url: None,
                fetching: AtomicBool::new(false),
                last_fetch: Mutex::new(None),
                verified: Mutex::default(),
            }),
        }
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> OAuth {
        let mut inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            issuer: shared.issuer.clone(),
            audience: shared.audience.clone(),
            required: shared.required.clone(),
            supported: shared.supported.clone(),
            leeway: shared.leeway,
            keys: RwLock::new(Keys {
                set: read(&shared.keys).set.clone(),
                fetched: read(&shared.keys).fetched,
            }),
            url: shared.url.clone(),
            fetching: AtomicBool::new(false),
            last_fetch: Mutex::new(None),
            verified: Mutex::default(),
        });
        change(&mut inner);
        OAuth {
            inner: Arc::new(inner),
        }
    }

    /// Verifies signatures with the keys of `jwks` (a JSON Web Key Set, RFC 7517).
    pub fn jwks(self, jwks: &str) -> Result<OAuth, InvalidJwks> {
        let set: JwkSet = serde_json::from_str(jwks)
            .map_err(|e| InvalidJwks(format!("not a JSON Web Key Set: {e}")))?;
        Ok(self.with(|inner| {
            inner.keys = RwLock::new(Keys {
                set: Arc::new(set),
                fetched: None,
            });
        }))
    }

    /// Fetches the keys from `url` (in the background, now and whenever a token names a key
    /// not yet known, at most every 30 seconds, and every 10 minutes).
    pub fn jwks_url(self, url: impl Into<String>) -> OAuth {
        let oauth = self.with(|inner| inner.url = Some(url.into()));
        oauth.refresh();
        oauth
    }

    /// Scopes every token must hold (`scope` or `scp` claim); a token without them gets
    /// `403` with `error="insufficient_scope"` and the scopes to ask for.
    pub fn required_scopes<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> OAuth {
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        self.with(|inner| inner.required = scopes)
    }

    /// Scopes listed in the protected-resource metadata (`scopes_supported`), besides the
    /// required ones.
    pub fn scopes_supported<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> OAuth {
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        self.with(|inner| inner.supported = scopes)
    }

    /// How much clock difference `exp` and `nbf` allow (default 30 seconds).
    pub fn leeway(self, leeway: Duration) -> OAuth {
        self.with(|inner| inner.leeway = leeway)
    }

    /// The URL of the protected-resource metadata: below the resource URI.
    pub fn metadata_url(&self) -> String {
        format!(
            "{}{METADATA_PATH}",
            self.inner.audience.trim_end_matches('/')
        )
    }

    /// The RFC 9728 protected-resource metadata document.
    pub fn metadata(&self) -> Value {
        let mut scopes = self.inner.required.clone();
        scopes.extend(self.inner.supported.iter().cloned());
        scopes.dedup();
        json!({
            "resource": self.inner.audience,
            "authorization_servers": [self.inner.issuer],
            "scopes_supported": scopes,
            "bearer_methods_supported": ["header"],
        })
    }

    /// The metadata as an HTTP answer.
    pub(crate) fn metadata_response(&self) -> HttpResponse {
        let body = serde_json::to_vec(&self.metadata()).expect("metadata serializes");
        HttpResponse {
            status: 200,
            headers: vec![
                ("cache-control", "max-age=3600".into()),
                // A public document: any page may read it.
                ("access-control-allow-origin", "*".into()),
            ],
            body: HttpBody::Json(Chunks::from(body)),
        }
    }

    /// Fetches the key set again in the background, unless a fetch is running or was made
    /// less than [`REFETCH_AFTER`] ago.
    fn refresh(&self) {
        let Some(url) = self.inner.url.clone() else {
            return;
        };
        {
            let mut last = lock(&self.inner.last_fetch);
            if last.is_some_and(|t| t.elapsed() < REFETCH_AFTER) {
                return;
            }
            if self.inner.fetching.swap(true, Ordering::AcqRel) {
                return;
            }
            *last = Some(Instant::now());
        }
        let inner = self.inner.clone();
        let spawned = std::thread::Builder::new()
            .name("mcp-jwks".into())
            .spawn(move || {
                match fetch(&url) {
                    Ok(set) => {
                        tracing::debug!(url, keys = set.keys.len(), "fetched the JWKS");
                        *write(&inner.keys) = Keys {
                            set: Arc::new(set),
                            fetched: Some(Instant::now()),
                        };
                    }
                    Err(why) => tracing::warn!(url, "could not fetch the JWKS: {why}"),
                }
                inner.fetching.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            self.inner.fetching.store(false, Ordering::Release);
        }
    }

    /// The caller a bearer token authenticates, or the 401/403 that answers it.
    pub(crate) fn authenticate(&self, req: &HttpRequest<'_>) -> Result<Caller, Box<HttpResponse>> {
        let challenge = |u: Unauthorized| Box::new(u.with_metadata(self.metadata_url()).response());
        let token = match header(req, "authorization") {
            Ok(Some(value)) => match value.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
                _ => return Err(challenge(unauthorized("Unauthorized: the Authorization header must be `Bearer <access token>`", Some("invalid_request")))),
            },
            Ok(None) => return Err(challenge(unauthorized("Unauthorized: this server requires an OAuth access token (Authorization: Bearer <token>)", None))),
            Err(()) => return Err(challenge(unauthorized("Unauthorized: the Authorization header is not valid text", Some("invalid_request")))),
        };
        let now = unix_now();
        if let Some(known) = lock(&self.inner.verified).get(token).cloned() {
            if known.until >= now {
                return Ok(known.caller);
            }
        }
        let claims = self.verify(token).map_err(|why| {
            tracing::debug!(server_audience = %self.inner.audience, "access token refused: {why}");
            challenge(unauthorized(
                "Unauthorized: the access token is not valid",
                Some("invalid_token"),
            ))
        })?;
        let scopes = scopes(&claims);
        if !self.inner.required.iter().all(|s| scopes.contains(s)) {
            return Err(Box::new(self.insufficient_scope()));
        }
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let until =
            claims.get("exp").and_then(Value::as_u64).unwrap_or(0) + self.inner.leeway.as_secs();
        let caller = Caller::new(subject, scopes).with_claims(claims);
        self.remember(
            token,
            Verified {
                caller: caller.clone(),
                until,
            },
            now,
        );
        Ok(caller)
    }

    fn remember(&self, token: &str, verified: Verified, now: u64) {
        let mut known = lock(&self.inner.verified);
        if known.len() >= MAX_VERIFIED {
            known.retain(|_, v| v.until >= now);
            if known.len() >= MAX_VERIFIED {
                known.clear();
            }
        }
        known.insert(token.into(), verified);
    }

    /// The claims of a valid token, or why it is not.
    fn verify(&self, token: &str) -> Result<Value, String> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err("too long".into());
        }
        let head = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
        if !ALGORITHMS.contains(&head.alg) && head.alg != Algorithm::EdDSA {
            return Err(format!("algorithm {:?} is not accepted", head.alg));
        }
        let key = self.key(head.kid.as_deref())?;
        let mut validation = Validation::new(head.alg);
        validation.set_issuer(&[&self.inner.issuer]);
        validation.set_audience(&[&self.inner.audience]);
        validation.leeway = self.inner.leeway.as_secs();
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| e.to_string())
    }

    /// The key `kid` names (or the only key, for a token without `kid`).
    fn key(&self, kid: Option<&str>) -> Result<DecodingKey, String> {
        let (set, stale) = {
            let keys = read(&self.inner.keys);
            let stale = keys.fetched.is_some_and(|t| t.elapsed() > KEYS_TTL);
            (keys.set.clone(), stale)
        };
        if stale {
            self.refresh();
        }
        let jwk = match kid {
            Some(kid) => set.find(kid),
            None if set.keys.len() == 1 => set.keys.first(),
            None => None,
        };
        let Some(jwk) = jwk else {
            // A key the issuer has rotated in: look again, for the next request.
            self.refresh();
            return Err(format!("no key {kid:?} in the key set"));
        };
        DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())
    }

    /// The 403 that asks for the required scopes.
    fn insufficient_scope(&self) -> HttpResponse {
        let scope = self.inner.required.join(" ");
        let mut resp = HttpResponse::error(
            403,
            None,
            &server_error(format!(
                "Forbidden: the access token lacks the scopes this server requires ({scope})"
            )),
        );
        resp.headers.push((
            "www-authenticate",
            format!(
                "Bearer error=\"insufficient_scope\", scope=\"{scope}\", resource_metadata=\"{}\"",
                self.metadata_url()
            ),
        ));
        resp
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// The scopes a token holds: `scope` (space-separated) or `scp` (a list or a string).
fn scopes(claims: &Value) -> Vec<String> {
    let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
    match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(s)), _) => words(s),
        (_, Some(Value::Array(list))) => list
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        (_, Some(Value::String(s))) => words(s),
        _ => Vec::new(),
    }
}

fn fetch(url: &str) -> Result<JwkSet, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut resp = agent.get(url).call().map_err(|e| e.to_string())?;
    let text = resp
        .body_mut()
        .with_config()
        .limit(MAX_JWKS_BYTES)
        .read_to_string()
        .map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("not a JSON Web Key Set: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_from_either_claim() {
        assert_eq!(scopes(&json!({"scope": "a b"})), ["a", "b"]);
        assert_eq!(scopes(&json!({"scp": ["a", "b"]})), ["a", "b"]);
        assert!(scopes(&json!({})).is_empty());
    }

    #[test]
    fn metadata_names_the_resource_and_issuer() {
        let oauth =
            OAuth::new("https://as.example", "https://rs.example/mcp").required_scopes(["mcp"]);
        assert_eq!(
            oauth.metadata(),
            json!({"resource": "https://rs.example/mcp", "authorization_servers": ["https://as.example"],
                   "scopes_supported": ["mcp"], "bearer_methods_supported": ["header"]})
        );
        assert_eq!(
            oauth.metadata_url(),
            "https://rs.example/mcp/.well-known/oauth-protected-resource"
        );
        assert!(OAuth::new("a", "b").jwks("{}").is_err());
    }
}
