//! Streamable HTTP, independent of any web framework: validates one HTTP exchange, picks the
//! protocol era for it, and answers.
//!
//! Web-framework adapters (such as `mcp-actix`) convert their request into an
//! [`HttpRequest`], call [`Endpoint::handle`], and send the [`HttpResponse`] back. Everything
//! protocol-specific happens here:
//!
//! - `Host` and `Origin` checks against DNS rebinding (403);
//! - `Content-Type` (415), JSON-RPC shape (400 with -32700 / -32600);
//! - era selection per request: an `initialize` request, or a request on an `Mcp-Session-Id`,
//!   uses the session revisions (2025-03-26 to 2025-11-25); a request carrying the `_meta`
//!   envelope, or a `2026-07-28` `MCP-Protocol-Version` header, uses the stateless revision;
//! - stateless revision: the envelope (400, -32602), `MCP-Protocol-Version`, `Mcp-Method` and
//!   `Mcp-Name` headers (400, -32020), supported versions (400, -32022), unknown methods
//!   (404, -32601);
//! - session revisions: `Mcp-Session-Id` issued on `initialize`, required afterwards (400
//!   when missing, 404 when unknown), ended by `DELETE`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::StreamExt as _;
use serde_json::value::RawValue;

use crate::handler::caller::Caller;
use crate::runtime::stream::MessageStream;
use crate::server::{Outcome, Refusal, Server};
use crate::session::{Session, Spawn};
use crate::store::{StoreError, Throttle};
use crate::wire::{self, code, Kind, Message, Method, RpcError, Version};

mod auth;
mod config;
mod events;
#[cfg(feature = "oauth")]
mod oauth;
mod origin;
mod rate;
mod sessions;
mod signing;
mod stateless;

pub use crate::wire::Chunks;
pub use auth::{ApiKeys, InvalidKeys};
use config::Auth;
pub use config::HttpConfig;
pub use events::EventStream;
#[cfg(feature = "oauth")]
pub use oauth::{InvalidJwks, OAuth, METADATA_PATH};
use origin::preflight;
pub use rate::{InvalidRateLimit, RateLimit, RateScope};
pub use signing::{sign_request, HmacKeys, DEFAULT_MAX_SKEW};
#[cfg(feature = "fuzzing")]
pub(crate) use stateless::decode_header_value;
use stateless::mismatch;

/// Protocol headers that must appear at most once: a gateway that reads another copy than
/// the server could be made to route or authorize one request as another.
const SINGLE_HEADERS: [&str; 9] = [
    "authorization",
    "x-api-key",
    "mcp-signature",
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
    "mcp-session-id",
    "last-event-id",
    "content-type",
];

/// The response headers a page may read: the session id, the revision, and why a request
/// was refused (the challenge of a 401, when to retry a 429 or 503).
const EXPOSED_HEADERS: &str = "mcp-session-id, mcp-protocol-version, www-authenticate, retry-after";

/// `Retry-After` of a 503 (seconds).
const RETRY_AFTER_SECS: u32 = 30;

/// Longest client value quoted back in an error message.
const QUOTE_CHARS: usize = 64;

/// `value` for an error message: at most [`QUOTE_CHARS`] characters, then `…`.
fn quoted(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(QUOTE_CHARS) {
        None => value.into(),
        Some((end, _)) => format!("{}…", &value[..end]).into(),
    }
}

/// Access to request headers. Names are matched case-insensitively by the implementation.
pub trait Headers {
    /// The value of the first header called `name`.
    fn get(&self, name: &str) -> Option<&[u8]>;
    /// How many headers called `name` there are.
    fn count(&self, name: &str) -> usize;
}

/// One HTTP request, as the adapter saw it.
pub struct HttpRequest<'a> {
    /// `GET`, `POST`, `DELETE`, ...
    pub method: &'a str,
    /// The `Host` (or `:authority`) of the request.
    pub host: Option<&'a str>,
    /// The request target's path and query, as sent (`/mcp?x=1`); signed requests sign it.
    pub path: &'a str,
    /// The headers.
    pub headers: &'a dyn Headers,
    /// The whole body (the adapter enforces [`Endpoint::max_body_bytes`]).
    pub body: &'a [u8],
    /// The client's address (the socket's peer), for per-client bounds; `None` if unknown.
    pub peer: Option<std::net::IpAddr>,
}

impl std::fmt::Debug for HttpRequest<'_> {
    /// The method, host, body length and peer; headers are not shown (they may carry keys).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("body_bytes", &self.body.len())
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

/// The body of an [`HttpResponse`].
#[derive(Debug)]
#[non_exhaustive]
pub enum HttpBody {
    /// No body.
    Empty,
    /// One JSON document (`Content-Type: application/json`), in up to three chunks that are
    /// sent in order.
    Json(Chunks),
    /// Server-sent events (`Content-Type: text/event-stream`): notifications, then the
    /// response. Dropping it cancels the handler that produces it.
    EventStream(EventStream),
}

/// The answer to send.
#[derive(Debug)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: HttpBody,
}

impl HttpResponse {
    fn json(status: u16, body: Chunks) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: HttpBody::Json(body),
        }
    }

    fn empty(status: u16) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: HttpBody::Empty,
        }
    }

    fn retry_after(mut self) -> HttpResponse {
        self.headers
            .push(("retry-after", RETRY_AFTER_SECS.to_string()));
        self
    }

    fn error(status: u16, id: Option<&RawValue>, err: &RpcError) -> HttpResponse {
        HttpResponse::json(status, wire::error_bytes(id, err).into())
    }
}

/// A [`Server`] with the HTTP settings it is mounted with. Cheap to clone.
#[derive(Clone)]
pub struct Endpoint {
    server: Server,
    config: Arc<HttpConfig>,
}

impl From<Server> for Endpoint {
    fn from(server: Server) -> Self {
        Endpoint::new(server, HttpConfig::default())
    }
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("server", &self.server.name())
            .field("config", &self.config)
            .finish()
    }
}

fn header<'a>(req: &HttpRequest<'a>, name: &str) -> Result<Option<&'a str>, ()> {
    match req.headers.get(name) {
        None => Ok(None),
        Some(bytes) => std::str::from_utf8(bytes)
            .map(|s| Some(s.trim()))
            .map_err(|_| ()),
    }
}

/// A tool call past its tool's own limit.
enum ToolThrottled<'a> {
    Wait(&'a RateLimit, Duration),
    Store(StoreError),
}

impl ToolThrottled<'_> {
    /// The answer to the call `id` on its own.
    fn response(self, id: Option<&RawValue>) -> HttpResponse {
        match self {
            ToolThrottled::Wait(limit, wait) => limit.too_many_for(id, wait),
            ToolThrottled::Store(err) => store_unavailable(&err),
        }
    }

    /// The call's error, as an entry of a batch.
    fn error(self) -> RpcError {
        match self {
            ToolThrottled::Wait(limit, wait) => limit.refusal(wait),
            ToolThrottled::Store(_) => server_error("Service Unavailable: retry later".into()),
        }
    }
}

/// The 503 of a request a guard could not decide on, because the store did not answer.
fn store_unavailable(err: &StoreError) -> HttpResponse {
    tracing::error!(error = %err, "the guard store did not answer");
    HttpResponse::error(
        503,
        None,
        &server_error("Service Unavailable: retry later".into()),
    )
    .retry_after()
}

fn server_error(message: String) -> RpcError {
    RpcError::new(code::SERVER_ERROR, message)
}

impl Endpoint {
    /// Mounts `server` with `config`.
    ///
    /// # Panics
    ///
    /// If [`HttpConfig::tool_rate_limit`] names a tool the server does not have: a mistake
    /// in the server's set-up, reported when it starts.
    pub fn new(server: Server, config: HttpConfig) -> Self {
        for name in config.tool_limits.keys() {
            assert!(
                server.inner.catalog.load().tool_index.contains_key(name.as_str()),
                "HttpConfig::tool_rate_limit names tool `{name}`, which server `{}` does not have (its tools: {})",
                server.name(),
                server.tool_names().collect::<Vec<_>>().join(", ")
            );
        }
        if let Some(spawn) = config.background {
            server.set_spawn(spawn);
        }
        Endpoint {
            server,
            config: Arc::new(config),
        }
    }

    /// The server.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// The HTTP settings.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// The largest accepted request body, for adapters that read the body (see
    /// [`HttpConfig::max_body_bytes`]).
    pub fn max_body_bytes(&self) -> usize {
        self.config.max_body_bytes
    }

    /// How long a client may take to send its body (see [`HttpConfig::body_timeout`]).
    pub fn body_timeout(&self) -> Duration {
        self.config.body_timeout
    }

    /// The keep-alive period of event streams, for adapters that write them (see
    /// [`HttpConfig::sse_keep_alive`]).
    pub fn sse_keep_alive(&self) -> Option<Duration> {
        self.config.keep_alive
    }

    /// Whether calls can run in the background (see [`HttpConfig::background`]).
    pub fn has_background(&self) -> bool {
        self.config.background.is_some()
    }

    /// The protected-resource metadata (RFC 9728) of a server that takes OAuth tokens, for
    /// adapters to serve at [`METADATA_PATH`] below the mount (and, if they like, at the
    /// well-known path of the host); `None` for other servers.
    #[cfg(feature = "oauth")]
    pub fn protected_resource_metadata(&self) -> Option<HttpResponse> {
        match &self.config.auth {
            Auth::OAuth(oauth) => Some(oauth.metadata_response()),
            _ => None,
        }
    }

    /// The 413 answer for a body over the limit.
    pub fn payload_too_large(&self) -> HttpResponse {
        HttpResponse::error(
            413,
            None,
            &server_error(format!(
                "Payload Too Large: the body exceeds {} bytes",
                self.config.max_body_bytes
            )),
        )
    }

    /// The caller `req` authenticates as (anonymous when the server takes no credentials),
    /// or the 401 (or 503) that answers it.
    async fn caller(&self, req: &HttpRequest<'_>) -> Result<Caller, HttpResponse> {
        let keys = match &self.config.auth {
            Auth::None => return Ok(Caller::anonymous()),
            Auth::ApiKeys(keys) => return keys.authenticate(req).map_err(|u| u.response()),
            #[cfg(feature = "oauth")]
            Auth::OAuth(oauth) => return oauth.authenticate(req).map_err(|r| *r),
            Auth::Hmac(keys) => keys,
        };
        let refuse = |u: auth::Unauthorized| u.signed().response();
        let (caller, nonce) = keys.verify(req, SystemTime::now()).map_err(refuse)?;
        let seen = format!("mcp:{}:nonce:{nonce}", self.server.name());
        match self.server.inner.store.claim(&seen, keys.skew() * 2).await {
            Ok(true) => Ok(caller),
            Ok(false) => Err(refuse(auth::unauthorized(
                "Unauthorized: the signature was used already; sign each request with a new nonce",
                Some("invalid_token"),
            ))),
            Err(err) => Err(store_unavailable(&err)),
        }
    }

    /// The 429 (or 503) that answers `req`, if it is over the server's rate limit.
    async fn throttle(&self, req: &HttpRequest<'_>, caller: &Caller) -> Option<HttpResponse> {
        let limit = self.config.rate_limit.as_ref()?;
        match self.take_token("rate", req, limit, caller).await {
            Ok(Throttle::Allowed) => None,
            Ok(Throttle::Wait(wait)) => Some(limit.too_many(wait)),
            Err(err) => Some(store_unavailable(&err)),
        }
    }

    /// Whether `msg` is a call of a tool with its own limit that its caller's bucket has no
    /// token left for: the limit, and how long to wait.
    async fn tool_throttle(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        caller: &Caller,
    ) -> Result<(), ToolThrottled<'_>> {
        if self.config.tool_limits.is_empty() || msg.method != Some(Method::ToolsCall) {
            return Ok(());
        }
        let Some(name) = msg.params.name.as_deref() else {
            return Ok(());
        };
        let Some(limit) = self.config.tool_limits.get(name) else {
            return Ok(());
        };
        // A tool the caller cannot see is "unknown" to it, limit or not.
        let catalog = self.server.inner.catalog.load();
        if self.server.find_tool(&catalog, msg, caller).is_err() {
            return Ok(());
        }
        match self
            .take_token(&format!("tool:{name}"), req, limit, caller)
            .await
        {
            Ok(Throttle::Allowed) => Ok(()),
            Ok(Throttle::Wait(wait)) => Err(ToolThrottled::Wait(limit, wait)),
            Err(err) => Err(ToolThrottled::Store(err)),
        }
    }

    /// Takes a token from `req`'s bucket of the limit `what` (`rate`, `tool:<name>`).
    async fn take_token(
        &self,
        what: &str,
        req: &HttpRequest<'_>,
        limit: &RateLimit,
        caller: &Caller,
    ) -> Result<Throttle, crate::store::StoreError> {
        let bucket = format!(
            "mcp:{}:{what}:{}",
            self.server.name(),
            self.bucket(req, limit, caller)
        );
        self.server
            .inner
            .store
            .throttle(&bucket, limit.quota())
            .await
    }

    /// The rate-limit bucket of `req`: its key's, or its client address's.
    fn bucket(&self, req: &HttpRequest<'_>, limit: &RateLimit, caller: &Caller) -> String {
        if let (RateScope::Key, Some(subject)) = (limit.scope(), caller.subject()) {
            return format!("key:{subject}");
        }
        let address = rate::client_address(
            req.peer,
            &self.config.trusted_proxies,
            header(req, "x-forwarded-for").ok().flatten(),
            header(req, "forwarded").ok().flatten(),
        );
        match address {
            Some(ip) => format!("ip:{ip}"),
            None => "ip:unknown".to_string(),
        }
    }

    /// The live session `id`, if it belongs to `caller` (a session opened with one API key
    /// is not found with another).
    fn session(&self, id: &str, caller: &Caller) -> Option<Arc<Session>> {
        let session = self.server.inner.sessions.get(id)?;
        (session.owner() == caller.subject()).then_some(session)
    }

    /// Answers one HTTP request.
    pub async fn handle(&self, req: HttpRequest<'_>) -> HttpResponse {
        if let Some(rejection) = self.host_or_origin_rejection(&req) {
            return rejection;
        }
        let mut resp = self.answer(&req).await;
        // The Origin, if any, passed the checks above: let the page read the answer, refusals
        // (401, 429, ...) included.
        if let Ok(Some(origin)) = header(&req, "origin") {
            resp.headers
                .push(("access-control-allow-origin", origin.to_string()));
            resp.headers
                .push(("access-control-expose-headers", EXPOSED_HEADERS.into()));
            resp.headers.push(("vary", "Origin".into()));
        }
        resp
    }

    /// Answers a request whose `Host` and `Origin` are allowed.
    async fn answer(&self, req: &HttpRequest<'_>) -> HttpResponse {
        if let Some(name) = SINGLE_HEADERS.iter().find(|h| req.headers.count(h) > 1) {
            return HttpResponse::error(
                400,
                None,
                &RpcError::new(
                    code::HEADER_MISMATCH,
                    format!("Bad Request: the {name} header appears more than once"),
                ),
            );
        }
        // A preflight carries no credentials; everything else must, when they are required.
        let preflight_request = req.method == "OPTIONS";
        let caller = match (&self.config.auth, preflight_request) {
            (Auth::None, _) | (_, true) => Caller::anonymous(),
            _ => match self.caller(req).await {
                Ok(caller) => caller,
                Err(rejection) => return rejection,
            },
        };
        if !preflight_request && self.config.rate_limit.is_some() {
            if let Some(refusal) = self.throttle(req, &caller).await {
                return refusal;
            }
        }
        match req.method {
            "POST" => self.post(req, &caller).await,
            "DELETE" => self.delete(req, &caller),
            "GET" if req.headers.get("mcp-session-id").is_some() => self.listen(req, &caller),
            // Without a session there is no stream to open: for this request, GET is not
            // among the allowed methods.
            "GET" => method_not_allowed(
                "POST, DELETE, OPTIONS",
                "Method Not Allowed: GET opens a session's event stream and needs the \
                 Mcp-Session-Id header from `initialize`; in revision 2026-07-28, POST \
                 `subscriptions/listen` instead",
            ),
            "OPTIONS" => preflight(req),
            _ => method_not_allowed(
                "GET, POST, DELETE, OPTIONS",
                "Method Not Allowed: send MCP messages with POST",
            ),
        }
    }

    async fn post(&self, req: &HttpRequest<'_>, caller: &Caller) -> HttpResponse {
        let json_body = matches!(header(req, "content-type"), Ok(Some(ct))
            if ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
        if !json_body {
            return HttpResponse::error(
                415,
                None,
                &server_error(
                    "Unsupported Media Type: Content-Type must be application/json".into(),
                ),
            );
        }
        if req.body.len() > self.config.max_body_bytes {
            return self.payload_too_large();
        }
        let first = req.body.iter().copied().find(|b| !b.is_ascii_whitespace());
        if first == Some(b'[') {
            return self.batch(req, caller).await;
        }
        let msg = match wire::parse(req.body) {
            Ok(msg) => msg,
            Err(malformed) => return HttpResponse::json(400, malformed.0.into()),
        };
        let Ok(mpv) = header(req, "mcp-protocol-version") else {
            return HttpResponse::error(
                400,
                msg.id,
                &mismatch(
                    None,
                    "the MCP-Protocol-Version header is not valid text".into(),
                ),
            );
        };
        let stateless_header = mpv.and_then(Version::parse_stateless).is_some();
        let session_header = header(req, "mcp-session-id").ok().flatten();
        let is_initialize = msg.is_request_for(Method::Initialize);
        let meta_version = msg
            .params
            .meta
            .as_ref()
            .map(|m| m.protocol_version.is_some());

        if is_initialize && meta_version != Some(true) {
            if stateless_header {
                return HttpResponse::error(400, msg.id, &mismatch(mpv, "an initialize request (the session handshake) was sent with a stateless-revision MCP-Protocol-Version header".into()));
            }
            return self
                .in_session(req, &msg, mpv, session_header, caller)
                .await;
        }
        // `_meta` alone is no era marker: session-era requests carry it too (progressToken).
        let stateless = meta_version == Some(true)
            || stateless_header
            || (session_header.is_none()
                && matches!(msg.method, Some(Method::Discover | Method::Listen)));
        if stateless {
            self.stateless(req, &msg, mpv, caller).await
        } else if msg.kind == Kind::Notification && session_header.is_none() {
            HttpResponse::empty(202)
        } else {
            self.in_session(req, &msg, mpv, session_header, caller)
                .await
        }
    }
}

/// Whether the request's `Accept` header rules out `text/event-stream` (no header accepts
/// anything).
fn refuses_event_stream(req: &HttpRequest<'_>) -> bool {
    match header(req, "accept") {
        Ok(Some(accept)) => !["text/event-stream", "text/*", "*/*"]
            .iter()
            .any(|t| accept.contains(t)),
        Ok(None) => false,
        Err(()) => true,
    }
}

/// Sends an outcome over HTTP. A refusal gets its status (404 for an unknown method, 400 for
/// a missing client capability, 503 and `Retry-After` at capacity); a new session its
/// `Mcp-Session-Id`; a stream of messages is sent as plain JSON when it turns out to be just
/// the response (the handler sent nothing before finishing), otherwise as events.
async fn respond(outcome: Outcome, spawn: Option<Spawn>) -> HttpResponse {
    match outcome {
        Outcome::Response(body) => HttpResponse::json(200, body),
        Outcome::Refused(body, Refusal::UnknownMethod) => HttpResponse::json(404, body),
        Outcome::Refused(body, Refusal::MissingCapability) => HttpResponse::json(400, body),
        Outcome::Refused(body, Refusal::AtCapacity) => HttpResponse::json(503, body).retry_after(),
        Outcome::Accepted => HttpResponse::empty(202),
        Outcome::Opened(body, session) => {
            let mut resp = HttpResponse::json(200, body);
            resp.headers
                .push(("mcp-session-id", session.id.to_string()));
            resp
        }
        Outcome::Stream(messages, session) => stream(messages, session, spawn).await,
    }
}

async fn stream(
    mut messages: MessageStream,
    session: Option<Arc<Session>>,
    spawn: Option<Spawn>,
) -> HttpResponse {
    let first = messages.next().await;
    match first {
        Some(only) if messages.finished() => {
            let status = if messages.rejected() { 400 } else { 200 };
            HttpResponse::json(status, only.to_vec().into())
        }
        first => HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: HttpBody::EventStream(EventStream::new(first, messages, session, spawn)),
        },
    }
}

/// A 405 with its `Allow` header and a JSON-RPC error body.
fn method_not_allowed(allow: &'static str, message: &str) -> HttpResponse {
    let mut resp = HttpResponse::error(405, None, &server_error(message.into()));
    resp.headers.push(("allow", allow.into()));
    resp
}

#[cfg(test)]
mod tests {
    use super::origin::{host_name, normalize_origin};
    use super::stateless::decode_header_value;
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("127.0.0.1:8000"), Some("127.0.0.1"));
        assert_eq!(host_name("[::1]:8000"), Some("[::1]"));
        assert_eq!(host_name("[::1]"), Some("[::1]"));
        assert_eq!(host_name("localhost"), Some("localhost"));
        assert_eq!(host_name("example.com:443"), Some("example.com"));
        assert_eq!(host_name(""), Some(""));
        for bad in [
            "[::1]evil.com",
            "[::1].evil.com:8080",
            "[::1]:80:80",
            "localhost:",
            "localhost:8000x",
            "evil.com@localhost",
            "local host",
            "[]",
            "[::1",
            "localhost:123456",
        ] {
            assert_eq!(host_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn quoted_values_are_short() {
        assert_eq!(quoted("short"), "short");
        let long = "é".repeat(10_000);
        let q = quoted(&long);
        assert_eq!(q.chars().count(), QUOTE_CHARS + 1);
        let m = mismatch(
            Some(&long),
            format!("the body names {} and {}", quoted(&long), quoted(&long)),
        );
        assert!(m.message.len() < 1200, "{}", m.message.len());
    }

    #[test]
    fn origins() {
        assert_eq!(
            normalize_origin("http://LOCALHOST:3000").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(
            normalize_origin("https://app.example.com:443").as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(normalize_origin("http://localhost:1@evil.com"), None);
        assert_eq!(normalize_origin("null"), None);
    }

    #[test]
    fn base64_header_values() {
        assert_eq!(decode_header_value("plain").as_deref(), Some("plain"));
        assert_eq!(
            decode_header_value("=?base64?aMOpbGxv?=").as_deref(),
            Some("héllo")
        );
        assert_eq!(decode_header_value("=?base64?***?="), None);
    }
}
