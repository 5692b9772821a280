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

use std::collections::VecDeque;
use std::sync::Arc;

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use base64::Engine as _;
use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use serde_json::json;
use serde_json::value::RawValue;

use crate::dispatch::{self, Kind, Message, Reply};
use crate::notify::{LogLevel, MessageStream, Out};
use crate::protocol::{code, RpcError, Version};
use crate::server::Server;
use crate::session::{self, Session, Spawn};

/// HTTP settings of one mounted server.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    allowed_hosts: Option<Vec<String>>,
    allowed_origins: Vec<String>,
    any_origin: bool,
    max_body_bytes: usize,
    keep_alive: Option<std::time::Duration>,
    background: Option<Spawn>,
    max_batch_len: usize,
    body_timeout: std::time::Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            allowed_hosts: Some(Vec::new()),
            allowed_origins: Vec::new(),
            any_origin: false,
            max_body_bytes: 4 * 1024 * 1024,
            keep_alive: Some(std::time::Duration::from_secs(15)),
            background: None,
            max_batch_len: 64,
            body_timeout: std::time::Duration::from_secs(30),
        }
    }
}

const LOOPBACK: [&str; 4] = ["localhost", "127.0.0.1", "[::1]", "::1"];

impl HttpConfig {
    /// The defaults: only loopback `Host` names (`localhost`, `127.0.0.1`, `[::1]`, any
    /// port), only same-host or loopback `Origin`s, 4 MiB bodies.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also accepts requests whose `Host` is `host` (a name, or `name:port`). Needed when
    /// the server is reached under a public name.
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        if let Some(hosts) = &mut self.allowed_hosts {
            hosts.push(host.into().to_ascii_lowercase());
        }
        self
    }

    /// Accepts any `Host` (for servers behind a proxy that checks it). Weakens DNS-rebinding
    /// protection for servers on a local machine.
    pub fn allow_any_host(mut self) -> Self {
        self.allowed_hosts = None;
        self
    }

    /// Also accepts browser requests from `origin` (e.g. `"https://app.example.com"`).
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins
            .push(normalize_origin(&origin.into()).unwrap_or_default());
        self
    }

    /// Accepts browser requests from any origin.
    pub fn allow_any_origin(mut self) -> Self {
        self.any_origin = true;
        self
    }

    /// Largest accepted request body (default 4 MiB); larger bodies get 413.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The body limit, for adapters that read the body.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// How long an event stream may stay silent before a keep-alive comment (`:`) is sent,
    /// so that proxies do not close long-lived streams (`subscriptions/listen`, a session's
    /// `GET` stream, slow tools); `None` turns keep-alives off. Default 15 seconds.
    pub fn sse_keep_alive(mut self, every: Option<std::time::Duration>) -> Self {
        self.keep_alive = every;
        self
    }

    /// For transports: how to run a future in the background (e.g. `tokio::spawn`). With it,
    /// a call in a session whose stream closes before its response (the client's connection
    /// dropped, or the handler called [`Context::close_stream`](crate::Context::close_stream))
    /// goes on running, and the client collects its events when it reconnects with
    /// `Last-Event-ID`. Without it, such a call waits, paused, for the reconnection.
    /// `mcp-actix` sets this.
    pub fn background(mut self, spawn: fn(dispatch::BoxFuture<'static, ()>)) -> Self {
        self.background = Some(spawn);
        self
    }

    /// Whether a background spawner was set.
    pub fn has_background(&self) -> bool {
        self.background.is_some()
    }

    /// The keep-alive period, for adapters that write event streams.
    pub fn keep_alive(&self) -> Option<std::time::Duration> {
        self.keep_alive
    }

    /// Most messages in one JSON-RPC batch (revision 2025-03-26; default 64); a longer batch
    /// is refused whole (400, `-32600`). A batch's calls run concurrently.
    pub fn max_batch_len(mut self, len: usize) -> Self {
        self.max_batch_len = len.max(1);
        self
    }

    /// How long a client may take to send its request body once the headers are in
    /// (default 30 seconds); a slower body gets 408 and the connection is closed.
    pub fn body_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// The body read deadline, for adapters that read the body.
    pub fn body_read_timeout(&self) -> std::time::Duration {
        self.body_timeout
    }
}

/// Protocol headers that must appear at most once: a gateway that reads another copy than
/// the server could be made to route or authorize one request as another.
const SINGLE_HEADERS: [&str; 6] = [
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
    "mcp-session-id",
    "last-event-id",
    "content-type",
];

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
    /// The headers.
    pub headers: &'a dyn Headers,
    /// The whole body (the adapter enforces [`HttpConfig::body_limit`]).
    pub body: &'a [u8],
    /// The client's address (the socket's peer), for per-client bounds; `None` if unknown.
    pub peer: Option<std::net::IpAddr>,
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

/// A `text/event-stream` body: each item is one complete event carrying one JSON-RPC
/// message. Send the items as they come, without buffering.
///
/// In a session, events carry ids (`id: <stream>-<n>`) and are kept for replay. Revision
/// 2025-11-25 streams open with a priming event (an id, `retry:` and empty data). If the
/// connection drops before a call's response, the call waits for the client to reconnect
/// (`GET` with `Last-Event-ID`), which replays what it missed and carries on.
pub struct EventStream {
    /// A message already taken from `messages` (to choose between JSON and a stream).
    first: Option<Bytes>,
    messages: Option<MessageStream>,
    /// Framed events to send before any message: a priming event, replayed events.
    queued: VecDeque<Bytes>,
    ids: Option<EventIds>,
    /// Runs a call in the background if its stream closes early.
    spawn: Option<Spawn>,
    /// A background call this stream follows: `(session, stream, last event fetched)`.
    follow: Option<(Arc<Session>, Arc<str>, u64)>,
}

/// How long clients wait before reconnecting to a closed stream (`retry:`).
const RETRY_MS: u32 = 1000;

struct EventIds {
    session: Arc<Session>,
    stream: Arc<str>,
    next: u64,
}

impl EventStream {
    fn new(first: Option<Bytes>, messages: MessageStream, spawn: Option<Spawn>) -> EventStream {
        let mut queued = VecDeque::new();
        let ids = messages.session().cloned().map(|session| {
            let stream = session.new_stream(!messages.awaits_response());
            if session.version == Version::V2025_11_25 {
                queued.push_back(Bytes::from(format!(
                    "id: {stream}-0\nretry: {RETRY_MS}\ndata: \n\n"
                )));
            }
            EventIds {
                session,
                stream,
                next: 1,
            }
        });
        EventStream {
            first,
            messages: Some(messages),
            queued,
            ids,
            spawn,
            follow: None,
        }
    }

    /// The stream a `Last-Event-ID` names: the events it missed, then the rest of the call
    /// (or, for the standalone stream, a new standalone stream).
    fn resume(
        session: Arc<Session>,
        stream: &str,
        after: u64,
        spawn: Option<Spawn>,
    ) -> EventStream {
        let resumed = session.resume(stream, after);
        if resumed.live {
            // A call running in the background: its events so far, then the rest as they
            // come.
            return EventStream {
                first: None,
                messages: None,
                queued: VecDeque::new(),
                ids: None,
                spawn,
                follow: Some((session, stream.into(), after)),
            };
        }
        let replayed = resumed.events.into_iter();
        if resumed.standalone {
            let messages = MessageStream::listen(session.reopen_stream()).in_session(session);
            let mut events = EventStream::new(None, messages, spawn);
            let priming = std::mem::take(&mut events.queued);
            events.queued = replayed.chain(priming).collect();
            return events;
        }
        let (messages, ids) = match resumed.call {
            Some((mut messages, next)) => {
                messages.reopen();
                let ids = EventIds {
                    session,
                    stream: stream.into(),
                    next,
                };
                (Some(messages), Some(ids))
            }
            None => (None, None),
        };
        EventStream {
            first: None,
            messages,
            queued: replayed.collect(),
            ids,
            spawn,
            follow: None,
        }
    }
}

impl Stream for EventStream {
    type Item = Bytes;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Bytes>> {
        let this = &mut *self;
        if let Some(event) = this.queued.pop_front() {
            return Poll::Ready(Some(event));
        }
        if let Some((session, stream, last)) = &mut this.follow {
            return match session.follow(stream, *last, cx) {
                Poll::Ready(Some((events, newest))) => {
                    *last = newest;
                    this.queued.extend(events);
                    Poll::Ready(this.queued.pop_front())
                }
                Poll::Ready(None) => {
                    this.follow = None;
                    Poll::Ready(None)
                }
                Poll::Pending => Poll::Pending,
            };
        }
        let next = match (this.first.take(), this.messages.as_mut()) {
            (Some(first), _) => Poll::Ready(Some(first)),
            (None, Some(messages)) => messages.poll_next_unpin(cx),
            (None, None) => Poll::Ready(None),
        };
        if let Poll::Ready(None) = next {
            // The call closed its stream (or ended): park it now, so that a client that
            // reconnects at once finds it.
            this.park();
        }
        next.map(|message| {
            message.map(|json| {
                let Some(ids) = &mut this.ids else {
                    let mut event = Vec::with_capacity(json.len() + 24);
                    event.extend_from_slice(b"event: message\ndata: ");
                    event.extend_from_slice(&json);
                    event.extend_from_slice(b"\n\n");
                    return Bytes::from(event);
                };
                let event = session::frame(&ids.stream, ids.next, &json);
                ids.session.record(&ids.stream, ids.next, event.clone());
                ids.next += 1;
                event
            })
        })
    }
}

impl EventStream {
    /// Hands a call whose response has not been sent to its session, to finish when the
    /// client reconnects.
    fn park(&mut self) {
        if let (Some(ids), Some(messages)) = (self.ids.take(), self.messages.take()) {
            if messages.awaits_response() {
                match self.spawn {
                    Some(spawn) => ids.session.detach(ids.stream, messages, ids.next, spawn),
                    None => ids.session.park(ids.stream, messages, ids.next),
                }
            }
        }
    }
}

impl Drop for EventStream {
    /// A call whose connection ends before its response waits for the client to reconnect.
    fn drop(&mut self) {
        self.park();
    }
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

/// A document in up to three parts, so that prepared responses (such as list pages) are
/// framed per request without being copied.
#[derive(Clone, Debug, Default)]
pub struct Chunks {
    parts: [Bytes; 3],
}

impl Chunks {
    pub(crate) fn framed(head: Vec<u8>, shared: Bytes, tail: &'static [u8]) -> Chunks {
        Chunks {
            parts: [Bytes::from(head), shared, Bytes::from_static(tail)],
        }
    }

    /// Total length in bytes.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Bytes::len).sum()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The non-empty parts, in order.
    pub fn into_parts(self) -> impl Iterator<Item = Bytes> {
        self.parts.into_iter().filter(|p| !p.is_empty())
    }

    /// The whole document in one buffer (copies when there are several parts).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.len());
        for p in &self.parts {
            v.extend_from_slice(p);
        }
        v
    }
}

impl From<Vec<u8>> for Chunks {
    fn from(body: Vec<u8>) -> Self {
        Chunks {
            parts: [Bytes::from(body), Bytes::new(), Bytes::new()],
        }
    }
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
    fn from_reply(reply: Reply) -> HttpResponse {
        let mut headers = Vec::new();
        if let Some(session) = &reply.new_session {
            headers.push(("mcp-session-id", session.id.to_string()));
        }
        if reply.status == 503 {
            headers.push(("retry-after", RETRY_AFTER_SECS.to_string()));
        }
        HttpResponse {
            status: reply.status,
            headers,
            body: match reply.stream {
                Some(messages) => HttpBody::EventStream(EventStream::new(None, messages, None)),
                None if reply.body.is_empty() => HttpBody::Empty,
                None => HttpBody::Json(reply.body),
            },
        }
    }

    fn retry_after(mut self) -> HttpResponse {
        self.headers
            .push(("retry-after", RETRY_AFTER_SECS.to_string()));
        self
    }

    fn error(status: u16, id: Option<&RawValue>, err: &RpcError) -> HttpResponse {
        HttpResponse::from_reply(Reply::error(status, id, err))
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

fn server_error(message: String) -> RpcError {
    RpcError::new(code::SERVER_ERROR, message)
}

/// A header/body disagreement. `body` may quote client values (already shortened with
/// [`quoted`]); the message is capped so that no request can make a large error.
fn mismatch(header_value: Option<&str>, body: String) -> RpcError {
    let header = header_value.map_or("(missing)".into(), quoted);
    RpcError::new(
        code::HEADER_MISMATCH,
        format!(
            "Bad Request: the request headers and body disagree: {}",
            quoted_long(&body)
        ),
    )
    .with_data(json!({"mismatch": {"header": header}}))
}

/// A message that may embed several client values, capped at four times [`QUOTE_CHARS`].
fn quoted_long(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(4 * QUOTE_CHARS) {
        None => text.into(),
        Some((end, _)) => format!("{}…", &text[..end]).into(),
    }
}

/// Decodes the `=?base64?...?=` form of header values.
pub(crate) fn decode_header_value(value: &str) -> Option<String> {
    match value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    {
        None => Some(value.to_string()),
        Some(b64) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok()),
    }
}

impl Endpoint {
    /// Mounts `server` with `config`.
    pub fn new(server: Server, config: HttpConfig) -> Self {
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

    /// Answers one HTTP request.
    pub async fn handle(&self, req: HttpRequest<'_>) -> HttpResponse {
        if let Some(rejection) = self.host_or_origin_rejection(&req) {
            return rejection;
        }
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
        let mut resp = match req.method {
            "POST" => self.post(&req).await,
            "DELETE" => self.delete(&req),
            "GET" if req.headers.get("mcp-session-id").is_some() => self.listen(&req),
            // Without a session there is no stream to open: for this request, GET is not
            // among the allowed methods.
            "GET" => method_not_allowed(
                "POST, DELETE, OPTIONS",
                "Method Not Allowed: GET opens a session's event stream and needs the \
                 Mcp-Session-Id header from `initialize`; in revision 2026-07-28, POST \
                 `subscriptions/listen` instead",
            ),
            "OPTIONS" => preflight(&req),
            _ => method_not_allowed(
                "GET, POST, DELETE, OPTIONS",
                "Method Not Allowed: send MCP messages with POST",
            ),
        };
        // The Origin, if any, passed the checks above: let the page read the answer.
        if let Ok(Some(origin)) = header(&req, "origin") {
            resp.headers
                .push(("access-control-allow-origin", origin.to_string()));
            resp.headers
                .push(("access-control-expose-headers", "mcp-session-id".into()));
            resp.headers.push(("vary", "Origin".into()));
        }
        resp
    }

    /// The 403 answer when `Host` or `Origin` is not allowed.
    fn host_or_origin_rejection(&self, req: &HttpRequest<'_>) -> Option<HttpResponse> {
        let forbid = |what: &str, value: &str| {
            let value = quoted(value);
            tracing::warn!(server = self.server.name(), "{what} rejected: {value}");
            Some(HttpResponse::error(
                403,
                None,
                &server_error(format!("Invalid {what}: {value}")),
            ))
        };
        let host = req.host.unwrap_or("").trim().to_ascii_lowercase();
        let Some(host_name) = host_name(&host) else {
            return forbid("Host", &host);
        };
        if let Some(allowed) = &self.config.allowed_hosts {
            let ok = LOOPBACK.contains(&host_name)
                || allowed.iter().any(|a| *a == host || *a == host_name);
            if !ok {
                return forbid("Host", if host.is_empty() { "(missing)" } else { &host });
            }
        }
        if req.headers.count("origin") > 1 {
            return forbid("Origin", "several Origin headers");
        }
        let origin = req.headers.get("origin")?;
        if self.config.any_origin {
            return None;
        }
        let origin = String::from_utf8_lossy(origin);
        let Some(normalized) = normalize_origin(&origin) else {
            return forbid("Origin", &origin);
        };
        let origin_host = url::Url::parse(&normalized)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let allowed = self.config.allowed_origins.contains(&normalized)
            || (!origin_host.is_empty() && origin_host == host_name)
            || (LOOPBACK.contains(&origin_host.as_str()) && LOOPBACK.contains(&host_name));
        if allowed {
            None
        } else {
            forbid("Origin", &origin_host_or(&origin, &origin_host))
        }
    }

    /// `GET` with a session id: the session's standalone event stream, which carries what the
    /// server sends outside any request (resource updates).
    fn listen(&self, req: &HttpRequest<'_>) -> HttpResponse {
        if refuses_event_stream(req) {
            return HttpResponse::error(
                406,
                None,
                &server_error("Not Acceptable: the standalone stream is text/event-stream".into()),
            );
        }
        let Ok(Some(id)) = header(req, "mcp-session-id") else {
            return HttpResponse::error(
                400,
                None,
                &server_error("Bad Request: Mcp-Session-Id header is required".into()),
            );
        };
        let Some(session) = self.server.inner.sessions.get(id) else {
            return HttpResponse::error(
                404,
                None,
                &RpcError::new(code::SESSION_NOT_FOUND, "Session not found"),
            );
        };
        let events = match header(req, "last-event-id") {
            Ok(None) => {
                let Some(rx) = session.open_stream() else {
                    return HttpResponse::error(
                        409,
                        None,
                        &server_error(
                            "Conflict: this session's standalone stream is already open".into(),
                        ),
                    );
                };
                EventStream::new(
                    None,
                    MessageStream::listen(rx).in_session(session),
                    self.config.background,
                )
            }
            Ok(Some(last)) => {
                let Some((stream, seq)) = last
                    .rsplit_once('-')
                    .and_then(|(stream, seq)| Some((stream, seq.parse::<u64>().ok()?)))
                    .filter(|(stream, _)| session.issued(stream))
                else {
                    return HttpResponse::error(
                        400,
                        None,
                        &server_error(
                            "Bad Request: Last-Event-ID names no event stream of this session"
                                .into(),
                        ),
                    );
                };
                EventStream::resume(session, stream, seq, self.config.background)
            }
            Err(()) => {
                return HttpResponse::error(
                    400,
                    None,
                    &server_error("Bad Request: Last-Event-ID is not valid text".into()),
                )
            }
        };
        HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: HttpBody::EventStream(events),
        }
    }

    fn delete(&self, req: &HttpRequest<'_>) -> HttpResponse {
        let sessions = &self.server.inner.sessions;
        match header(req, "mcp-session-id") {
            Ok(Some(id)) if sessions.remove(id) => HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: HttpBody::Empty,
            },
            Ok(Some(_)) => HttpResponse::error(
                404,
                None,
                &RpcError::new(code::SESSION_NOT_FOUND, "Session not found"),
            ),
            _ => HttpResponse::error(
                400,
                None,
                &server_error("Bad Request: Mcp-Session-Id header is required".into()),
            ),
        }
    }

    async fn post(&self, req: &HttpRequest<'_>) -> HttpResponse {
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
            return self.batch(req).await;
        }
        let msg = match dispatch::parse(req.body) {
            Ok(msg) => msg,
            Err(reply) => return HttpResponse::from_reply(*reply),
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
        let modern_header = mpv.and_then(Version::parse).is_some_and(Version::is_modern);
        let session_header = header(req, "mcp-session-id").ok().flatten();
        let is_initialize = msg.kind == Kind::Request && msg.method == "initialize";
        let meta_version = msg
            .params
            .meta
            .as_ref()
            .map(|m| m.protocol_version.is_some());

        if is_initialize && meta_version != Some(true) {
            if modern_header {
                return HttpResponse::error(400, msg.id, &mismatch(mpv, "an initialize request (legacy handshake) was sent with a modern MCP-Protocol-Version header".into()));
            }
            return self.legacy(req, &msg, mpv, session_header).await;
        }
        // `_meta` alone is no era marker: session-era requests carry it too (progressToken).
        let modern = meta_version == Some(true)
            || modern_header
            || (session_header.is_none()
                && matches!(
                    msg.method.as_ref(),
                    "server/discover" | "subscriptions/listen"
                ));
        if modern {
            self.modern(req, &msg, mpv).await
        } else if msg.kind == Kind::Notification && session_header.is_none() {
            HttpResponse::from_reply(Reply::accepted())
        } else {
            self.legacy(req, &msg, mpv, session_header).await
        }
    }

    async fn modern(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        mpv: Option<&str>,
    ) -> HttpResponse {
        let id = msg.id;
        let body_version = msg
            .params
            .meta
            .as_ref()
            .and_then(|m| m.protocol_version.as_deref());
        if msg.kind != Kind::Request {
            if msg.kind == Kind::Response {
                return HttpResponse::error(400, None, &RpcError::new(code::INVALID_REQUEST, "Invalid Request: clients must not send responses in protocol revision 2026-07-28"));
            }
            // Notifications: only disagreements between headers and body are rejected.
            if let (Ok(Some(h)), method) = (header(req, "mcp-method"), msg.method.as_ref()) {
                if h != method {
                    return HttpResponse::error(400, None, &mismatch(Some(h), format!("the notification body names method {method} but the Mcp-Method header names {h}")));
                }
            }
            if let (Some(h), Some(b)) = (mpv, body_version) {
                if h != b {
                    return HttpResponse::error(400, None, &mismatch(Some(h), format!("the notification envelope names protocol version {b} but the MCP-Protocol-Version header names {h}")));
                }
            }
            return HttpResponse::from_reply(Reply::accepted());
        }
        // 1. The envelope.
        let Some(meta) = msg.params.meta.as_ref() else {
            return HttpResponse::error(400, id, &RpcError::new(code::INVALID_PARAMS, "Invalid params: the request is missing the required per-request envelope key(s): _meta").with_data(json!({"envelope": {"missing": ["_meta"]}})));
        };
        let envelope_problem = |key: &str, problem: &str| {
            HttpResponse::error(
                400,
                id,
                &RpcError::new(
                    code::INVALID_PARAMS,
                    format!(
                        "Invalid _meta envelope for protocol revision 2026-07-28: {key}: {problem}"
                    ),
                )
                .with_data(json!({"envelope": {"key": key, "problem": problem}})),
            )
        };
        let Some(body_version) = body_version else {
            return envelope_problem("io.modelcontextprotocol/protocolVersion", "missing");
        };
        match meta.client_capabilities {
            None => {
                return envelope_problem("io.modelcontextprotocol/clientCapabilities", "missing")
            }
            Some(c) if !c.get().starts_with('{') => {
                return envelope_problem(
                    "io.modelcontextprotocol/clientCapabilities",
                    "expected an object",
                )
            }
            Some(_) => {}
        }
        if let Some(level) = meta.log_level.as_deref() {
            if LogLevel::parse(level).is_none() {
                return envelope_problem(
                    "io.modelcontextprotocol/logLevel",
                    &format!("expected one of {}", LogLevel::names().join(", ")),
                );
            }
        }
        // 2. The version header must repeat the envelope's version.
        match mpv {
            None => return HttpResponse::error(400, id, &mismatch(None, format!("the body envelope names protocol version {body_version} but the required MCP-Protocol-Version header is absent"))),
            Some(h) if h != body_version => {
                return HttpResponse::error(400, id, &mismatch(Some(h), format!("the body envelope names protocol version {body_version} but the MCP-Protocol-Version header names {h}")))
            }
            Some(_) => {}
        }
        // 3. The version must be one of ours.
        let Some(version) = Version::parse(body_version).filter(|v| v.is_modern()) else {
            // The stateless revisions, as `server/discover` lists them; the session revisions
            // are reached through `initialize`, not through this envelope.
            let supported: Vec<&str> = Version::MODERN.iter().map(|v| v.as_str()).collect();
            return HttpResponse::error(
                400,
                id,
                &RpcError::new(
                    code::UNSUPPORTED_PROTOCOL_VERSION,
                    format!("Unsupported protocol version: {body_version}"),
                )
                .with_data(json!({"supported": supported, "requested": body_version})),
            );
        };
        // 4. Mcp-Method and Mcp-Name.
        let method = msg.method.as_ref();
        match header(req, "mcp-method") {
            Ok(None) => return HttpResponse::error(400, id, &mismatch(None, format!("the body names method {method} but the required Mcp-Method header is absent"))),
            Ok(Some(h)) if h != method => {
                return HttpResponse::error(400, id, &mismatch(Some(h), format!("the body names method {method} but the Mcp-Method header names {h}")))
            }
            Err(()) => return HttpResponse::error(400, id, &mismatch(None, "the Mcp-Method header is not valid text".into())),
            Ok(Some(_)) => {}
        }
        let named = match method {
            "tools/call" | "prompts/get" => msg.params.name.as_deref().map(|n| ("name", n)),
            "resources/read" => msg.params.uri.as_deref().map(|u| ("uri", u)),
            _ => None,
        };
        if let Some((field, value)) = named {
            match header(req, "mcp-name") {
                Ok(None) => return HttpResponse::error(400, id, &mismatch(None, format!("the body carries params.{field}={value:?} but the required Mcp-Name header is absent"))),
                Err(()) => return HttpResponse::error(400, id, &mismatch(None, "the Mcp-Name header is not valid text".into())),
                Ok(Some(h)) => match decode_header_value(h) {
                    None => return HttpResponse::error(400, id, &mismatch(Some(h), "the Mcp-Name header carries an invalid Base64 sentinel value".into())),
                    Some(decoded) if decoded != value => {
                        return HttpResponse::error(400, id, &mismatch(Some(h), format!("the body carries params.{field}={value:?} but the Mcp-Name header names {decoded:?}")))
                    }
                    Some(_) => {}
                },
            }
        }
        // 5. `Mcp-Param-*` headers of `x-mcp-header` arguments.
        if method == "tools/call" {
            if let Some(rejection) = self.check_param_headers(req, msg) {
                return rejection;
            }
        }
        // 6. A listen stream can only be sent as events.
        if msg.method == "subscriptions/listen" && refuses_event_stream(req) {
            return HttpResponse::error(
                406,
                id,
                &server_error(
                    "Not Acceptable: subscriptions/listen answers with text/event-stream".into(),
                ),
            );
        }
        // 7. Method lookup and dispatch.
        respond(
            self.server.dispatch(msg, version, None).await,
            self.config.background,
        )
        .await
    }

    /// Each `x-mcp-header` argument present in the body must be repeated, equal, in its
    /// `Mcp-Param-*` header, and a header needs its argument (SEP-2243).
    fn check_param_headers(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
    ) -> Option<HttpResponse> {
        let name = msg.params.name.as_deref()?;
        let inner = &self.server.inner;
        let entry = &inner.tools[*inner.tool_index.get(name)?];
        if entry.headers.is_empty() {
            return None;
        }
        let args: serde_json::Map<String, serde_json::Value> = msg
            .params
            .arguments
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default();
        for param in &entry.headers {
            let value = args.get(&param.property).filter(|v| !v.is_null());
            let sent = match header(req, &param.header) {
                Ok(sent) => sent,
                Err(()) => {
                    return Some(HttpResponse::error(
                        400,
                        msg.id,
                        &mismatch(
                            None,
                            format!("the {} header is not valid text", param.header),
                        ),
                    ))
                }
            };
            let problem = match (value, sent) {
                (None, None) => continue,
                (Some(_), None) => format!("the body carries argument `{}` but the required {} header is absent", param.property, param.header),
                (None, Some(_)) => format!("the {} header is present but the body has no argument `{}`", param.header, param.property),
                (Some(value), Some(sent)) => match decode_header_value(sent) {
                    None => format!("the {} header carries an invalid Base64 sentinel value", param.header),
                    Some(decoded) if header_matches(param.kind, value, &decoded) => continue,
                    Some(decoded) => format!("the body carries argument `{}`={value} but the {} header names {decoded:?}", param.property, param.header),
                },
            };
            return Some(HttpResponse::error(400, msg.id, &mismatch(sent, problem)));
        }
        None
    }

    /// `initialize`: a new session, counted against its client's quota.
    async fn initialize(&self, msg: &Message<'_>, peer: Option<std::net::IpAddr>) -> HttpResponse {
        let sessions = &self.server.inner.sessions;
        if let Some(limit) = sessions.refuses(peer) {
            return HttpResponse::error(
                503,
                msg.id,
                &server_error(format!(
                    "Service Unavailable: this client holds its maximum of {limit} sessions; end one (DELETE) or retry later"
                )),
            )
            .retry_after();
        }
        let reply = self
            .server
            .dispatch(msg, Version::LATEST_LEGACY, None)
            .await;
        if let (Some(session), Some(peer)) = (&reply.new_session, peer) {
            sessions.assign(session, peer);
        }
        HttpResponse::from_reply(reply)
    }

    async fn legacy(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        mpv: Option<&str>,
        session_header: Option<&str>,
    ) -> HttpResponse {
        let sessions = &self.server.inner.sessions;
        let id = msg.id;
        if msg.kind == Kind::Request && msg.method == "initialize" {
            if session_header.is_some_and(|s| sessions.get(s).is_some()) {
                return HttpResponse::error(
                    400,
                    id,
                    &RpcError::new(
                        code::INVALID_REQUEST,
                        "Invalid Request: Server already initialized",
                    ),
                );
            }
            return self.initialize(msg, req.peer).await;
        }
        if let Some(v) = mpv {
            if Version::parse(v).is_none_or(Version::is_modern) {
                let supported: Vec<&str> = Version::LEGACY.iter().map(|v| v.as_str()).collect();
                return HttpResponse::error(
                    400,
                    id,
                    &server_error(format!(
                        "Bad Request: Unsupported protocol version: {} (supported versions: {})",
                        quoted(v),
                        supported.join(", ")
                    )),
                );
            }
        }
        let Some(session_id) = session_header else {
            return HttpResponse::error(
                400,
                id,
                &server_error("Bad Request: Mcp-Session-Id header is required".into()),
            );
        };
        let Some(session) = sessions.get(session_id) else {
            return HttpResponse::error(
                404,
                id,
                &RpcError::new(code::SESSION_NOT_FOUND, "Session not found"),
            );
        };
        // A revision newer than the negotiated one claims what the session never agreed to.
        // An older session revision is tolerated, as the reference implementation and the
        // official conformance suite (`server-sse-multiple-streams`) expect.
        if let Some(v) = mpv.filter(|v| Version::parse(v).is_some_and(|v| v > session.version)) {
            return HttpResponse::error(
                400,
                id,
                &server_error(format!(
                    "Bad Request: MCP-Protocol-Version {} is newer than the revision this session negotiated ({})",
                    quoted(v),
                    session.version.as_str()
                )),
            );
        }
        respond(
            self.server
                .dispatch(msg, session.version, Some(&session))
                .await,
            self.config.background,
        )
        .await
    }
}

impl Endpoint {
    /// A JSON-RPC batch: only sessions of revision 2025-03-26 accept them (later revisions
    /// removed batching). The answer is a JSON array of the responses, or an event stream
    /// when a call streams; only notifications and responses get 202.
    async fn batch(&self, req: &HttpRequest<'_>) -> HttpResponse {
        let unsupported = || {
            HttpResponse::error(
                400,
                None,
                &RpcError::new(
                    code::INVALID_REQUEST,
                    "Invalid Request: batches are only accepted in sessions of protocol revision 2025-03-26; send one JSON-RPC message per request",
                ),
            )
        };
        let Ok(Some(session_id)) = header(req, "mcp-session-id") else {
            return unsupported();
        };
        let Some(session) = self.server.inner.sessions.get(session_id) else {
            return HttpResponse::error(
                404,
                None,
                &RpcError::new(code::SESSION_NOT_FOUND, "Session not found"),
            );
        };
        if session.version != Version::V2025_03_26 {
            return unsupported();
        }
        let items: Vec<&RawValue> = match serde_json::from_slice(req.body) {
            Ok(items) => items,
            Err(err) => {
                let expected = "Invalid Request: a batch is an array of JSON-RPC messages";
                return HttpResponse::error(400, None, &dispatch::body_error(&err, expected));
            }
        };
        if items.is_empty() {
            return HttpResponse::error(
                400,
                None,
                &RpcError::new(code::INVALID_REQUEST, "Invalid Request: the batch is empty"),
            );
        }
        if items.len() > self.config.max_batch_len {
            return HttpResponse::error(
                400,
                None,
                &RpcError::new(
                    code::INVALID_REQUEST,
                    format!(
                        "Invalid Request: the batch has {} messages; at most {} are accepted",
                        items.len(),
                        self.config.max_batch_len
                    ),
                ),
            );
        }
        // The items run concurrently: one call waiting on its client holds up no other.
        let replies = futures_util::future::join_all(
            items
                .into_iter()
                .map(|item| self.batch_item(item, &session)),
        )
        .await;
        let mut bodies: Vec<Bytes> = Vec::new();
        let mut streams: Vec<MessageStream> = Vec::new();
        for reply in replies {
            match reply.stream {
                Some(stream) => streams.push(stream),
                None if reply.body.is_empty() => {}
                None => bodies.push(reply.body.to_vec().into()),
            }
        }
        if streams.is_empty() {
            if bodies.is_empty() {
                return HttpResponse::from_reply(Reply::accepted());
            }
            let mut array =
                Vec::with_capacity(bodies.iter().map(|b| b.len() + 1).sum::<usize>() + 2);
            array.push(b'[');
            for (i, body) in bodies.iter().enumerate() {
                if i > 0 {
                    array.push(b',');
                }
                array.extend_from_slice(body);
            }
            array.push(b']');
            return HttpResponse::from_reply(Reply::ok(array));
        }
        // Some calls stream: one event stream carries the ready responses, then the calls'
        // messages as they come, interleaved.
        let (sink, rx) = MessageStream::channel();
        let run = async move {
            for body in bodies {
                let _ = sink.unbounded_send(Out::Message(body));
            }
            let mut all = futures_util::stream::select_all(streams);
            while let Some(message) = all.next().await {
                let _ = sink.unbounded_send(Out::Message(message));
            }
        };
        respond(
            Reply::stream(MessageStream::new(run, rx).in_session(session)),
            self.config.background,
        )
        .await
    }
}

impl Endpoint {
    /// One message of a batch.
    async fn batch_item(&self, item: &RawValue, session: &Arc<Session>) -> Reply {
        match dispatch::parse(item.get().as_bytes()) {
            Err(reply) => *reply,
            Ok(msg) if msg.kind == Kind::Request && msg.method == "initialize" => Reply::error(
                400,
                msg.id,
                &RpcError::new(
                    code::INVALID_REQUEST,
                    "Invalid Request: initialize must not be part of a batch",
                ),
            ),
            Ok(msg) => {
                self.server
                    .dispatch(&msg, session.version, Some(session))
                    .await
            }
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

/// Answers with plain JSON when a streamed reply turns out to be just the response (the
/// handler sent nothing before finishing); otherwise with an event stream.
async fn respond(mut reply: Reply, spawn: Option<Spawn>) -> HttpResponse {
    let Some(mut messages) = reply.stream.take() else {
        return HttpResponse::from_reply(reply);
    };
    let first = messages.next().await;
    match first {
        Some(only) if messages.finished() => {
            if messages.rejected() {
                reply.status = 400;
            }
            reply.body = only.to_vec().into();
            HttpResponse::from_reply(reply)
        }
        first => HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: HttpBody::EventStream(EventStream::new(first, messages, spawn)),
        },
    }
}

/// Whether a header value equals an argument: strings exactly, integers numerically
/// (`42` and `42.0`), booleans as `true`/`false`.
fn header_matches(kind: &str, value: &serde_json::Value, header: &str) -> bool {
    match kind {
        "integer" => header
            .trim()
            .parse::<f64>()
            .ok()
            .zip(value.as_f64())
            .is_some_and(|(h, v)| h == v),
        "boolean" => value.as_bool().map(|b| b.to_string()).as_deref() == Some(header),
        _ => value.as_str() == Some(header),
    }
}

/// The name part of a `Host` value (lowercase): an IPv6 literal in brackets or a name of
/// letters, digits, `-` and `.`, then an optional `:port` and nothing else. An empty `Host`
/// (HTTP/1.0) is an empty name; anything else is `None`.
fn host_name(host: &str) -> Option<&str> {
    let (name, rest) = if host.starts_with('[') {
        let end = host.find(']')?;
        let literal = &host[1..end];
        if literal.is_empty()
            || !literal
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return None;
        }
        (&host[..=end], &host[end + 1..])
    } else {
        let end = host.find(':').unwrap_or(host.len());
        let name = &host[..end];
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return None;
        }
        (name, &host[end..])
    };
    match rest.strip_prefix(':') {
        None if rest.is_empty() => Some(name),
        Some(port)
            if !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// `scheme://host[:port]`, lowercased, without default ports; `None` if it is not an origin.
fn normalize_origin(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

fn origin_host_or(origin: &str, host: &str) -> String {
    if host.is_empty() {
        origin.to_string()
    } else {
        host.to_string()
    }
}

/// A CORS preflight (`OPTIONS`) from an allowed origin, or a plain `OPTIONS`: 204 with the
/// methods and, for a preflight, the request headers the endpoint takes.
fn preflight(req: &HttpRequest<'_>) -> HttpResponse {
    let mut headers = vec![("allow", "GET, POST, DELETE, OPTIONS".to_string())];
    if header(req, "origin").ok().flatten().is_some() {
        headers.push(("access-control-allow-methods", "GET, POST, DELETE".into()));
        // The headers an MCP client sends: the standard ones, the protocol's, and any
        // `Mcp-Param-*` the page asks for (only HTTP tokens are echoed).
        let asked = header(req, "access-control-request-headers").ok().flatten();
        let tokens = asked.map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|h| {
                    !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
                .take(32)
                .collect::<Vec<_>>()
                .join(", ")
        });
        headers.push((
            "access-control-allow-headers",
            tokens.filter(|t| !t.is_empty()).unwrap_or_else(|| {
                "content-type, accept, authorization, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name, last-event-id".into()
            }),
        ));
        headers.push(("access-control-max-age", "600".into()));
    }
    HttpResponse {
        status: 204,
        headers,
        body: HttpBody::Empty,
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
