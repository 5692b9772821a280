//! Serve [`mcp_core`] MCP servers from [actix-web](https://actix.rs).
//!
//! [`scope`] turns a server into an `actix_web::Scope` with one MCP endpoint (Streamable
//! HTTP: `POST` for messages, `DELETE` to end a session). Mount as many as you like
//! in one `App`, each at its own path with its own [`HttpConfig`].
//!
//! ```no_run
//! use actix_web::{App, HttpServer};
//! use mcp_actix::HttpConfig;
//! use mcp_core::{tool, Server};
//!
//! /// Add two integers.
//! #[tool(server = "math")]
//! fn add(a: i64, b: i64) -> i64 { a + b }
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // Build once, outside the per-worker factory.
//!     let math = Server::builder("math").collect().build()?;
//!     HttpServer::new(move || {
//!         App::new()
//!             .service(mcp_actix::scope("/mcp/math", math.clone()))
//!             .service(mcp_actix::scope(
//!                 "/public/math",
//!                 (math.clone(), HttpConfig::new().allow_any_host().allow_origin("https://app.example.com")),
//!             ))
//!     })
//!     .bind(("127.0.0.1", 8000))?
//!     .run()
//!     .await?;
//!     Ok(())
//! }
//! ```

#![deny(missing_docs)]

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::SizedStream;
use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::{Stream, StreamExt as _};
use mcp_core::http::{Endpoint, Headers, HttpBody};

pub use mcp_core::http::HttpConfig;

#[cfg(feature = "cli")]
pub mod cli;

/// An `actix_web::Scope` at `path` serving `endpoint`: a [`mcp_core::Server`] (default
/// settings), a `(Server, HttpConfig)` pair, or an [`Endpoint`].
///
/// The MCP endpoint is the scope's root, so `scope("/mcp/tools", server)` serves
/// `POST /mcp/tools`. Add middleware with the returned scope's `.wrap(..)`.
pub fn scope(path: &str, endpoint: impl Into<Mount>) -> actix_web::Scope {
    let endpoint = endpoint.into().0;
    // Calls whose client disconnects in a session go on in the background.
    let endpoint = if endpoint.has_background() {
        endpoint
    } else {
        let config = endpoint.config().clone().background(spawn);
        Endpoint::new(endpoint.server().clone(), config)
    };
    let scope = web::scope(path)
        .app_data(web::Data::new(endpoint))
        .route("", web::route().to(handle));
    #[cfg(feature = "oauth")]
    let scope = scope.route(mcp_core::http::METADATA_PATH, web::get().to(metadata));
    scope.default_service(web::to(not_found))
}

/// An error answer with a JSON-RPC body, for failures before the MCP endpoint is reached
/// (a body that is malformed at the HTTP level, or too slow).
fn json_error(status: StatusCode, message: &str) -> HttpResponse {
    let message: String = message.chars().take(200).collect();
    HttpResponse::build(status).json(serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32000, "message": message},
    }))
}

/// Answers a request for a path where no MCP endpoint is mounted: `404` with a JSON-RPC error
/// body naming the path, so a client pointed at the wrong URL can say why.
///
/// The scopes made by [`scope`] answer their own sub-paths this way; make it the app's
/// default service to answer every other path alike:
///
/// ```no_run
/// # use actix_web::{web, App};
/// # let server: mcp_core::Server = unimplemented!();
/// App::new()
///     .service(mcp_actix::scope("/mcp", server))
///     .default_service(web::to(mcp_actix::not_found));
/// ```
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    let shown: String = path.chars().take(128).collect();
    let ellipsis = if shown.len() < path.len() { "..." } else { "" };
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {
            "code": -32000,
            "message": format!("Not Found: no MCP endpoint at {shown}{ellipsis}"),
        },
    });
    HttpResponse::NotFound().json(body)
}

/// Runs a session call in the background on the current worker's runtime; outside any
/// runtime (during shutdown) the call is dropped, which cancels it.
fn spawn(call: mcp_core::BoxFuture<'static, ()>) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(call);
    }
}

/// Tunes each accepted TCP connection: Nagle off (as `HttpServer::tcp_nodelay(true)` does), and a write deadline, so
/// that a client that stops reading cannot hold a connection and its unsent answer forever.
/// Pass it to `HttpServer::on_connect`.
///
/// The deadline is the kernel's `TCP_USER_TIMEOUT` (Linux): once sent data has waited
/// `timeout` without the peer taking it (its receive window stays closed), the connection is
/// aborted. Elsewhere only Nagle is turned off.
///
/// ```no_run
/// # use actix_web::{App, HttpServer};
/// # async fn run() -> std::io::Result<()> {
/// HttpServer::new(|| App::new())
///     .on_connect(mcp_actix::write_timeout(std::time::Duration::from_secs(30)))
///     .bind(("127.0.0.1", 8000))?
///     .run()
///     .await
/// # }
/// ```
pub fn write_timeout(
    timeout: Duration,
) -> impl Fn(&dyn std::any::Any, &mut actix_web::dev::Extensions) + Send + Sync + 'static {
    move |connection, _| {
        if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let socket = socket2::SockRef::from(tcp);
            let _ = socket.set_tcp_nodelay(true);
            #[cfg(any(target_os = "linux", target_os = "android", target_os = "fuchsia"))]
            let _ = socket.set_tcp_user_timeout(Some(timeout));
            #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "fuchsia")))]
            let _ = timeout;
        }
    }
}

/// What [`scope`] can mount.
#[derive(Debug)]
pub struct Mount(Endpoint);

impl From<Endpoint> for Mount {
    fn from(endpoint: Endpoint) -> Self {
        Mount(endpoint)
    }
}

impl From<mcp_core::Server> for Mount {
    fn from(server: mcp_core::Server) -> Self {
        Mount(server.into())
    }
}

impl From<(mcp_core::Server, HttpConfig)> for Mount {
    fn from((server, config): (mcp_core::Server, HttpConfig)) -> Self {
        Mount(Endpoint::new(server, config))
    }
}

struct ActixHeaders<'a>(&'a actix_web::http::header::HeaderMap);

impl Headers for ActixHeaders<'_> {
    fn get(&self, name: &str) -> Option<&[u8]> {
        self.0.get(name).map(HeaderValue::as_bytes)
    }

    fn count(&self, name: &str) -> usize {
        self.0.get_all(name).count()
    }
}

/// Reads the body up to the limit; `None` when it is larger.
async fn read_body(
    mut payload: web::Payload,
    limit: usize,
) -> Result<Option<web::Bytes>, actix_web::Error> {
    let mut first: Option<web::Bytes> = None;
    let mut rest: Option<web::BytesMut> = None;
    let mut len = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        len += chunk.len();
        if len > limit {
            return Ok(None);
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(chunk),
            (Some(f), None) => {
                let mut buf = web::BytesMut::with_capacity(len.max(f.len() * 2));
                buf.extend_from_slice(f);
                buf.extend_from_slice(&chunk);
                rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
    }
    Ok(Some(match rest {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    }))
}

/// An event stream that sends a comment line whenever it has been silent for `every`.
struct KeepAlive<S> {
    events: S,
    every: Option<Duration>,
    timer: Option<Pin<Box<actix_web::rt::time::Sleep>>>,
}

impl<S> KeepAlive<S> {
    fn new(events: S, every: Option<Duration>) -> Self {
        KeepAlive {
            events,
            every,
            timer: every.map(|d| Box::pin(actix_web::rt::time::sleep(d))),
        }
    }
}

impl<S: Stream<Item = Bytes> + Unpin> Stream for KeepAlive<S> {
    type Item = Bytes;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        let this = &mut *self;
        match this.events.poll_next_unpin(cx) {
            Poll::Ready(item) => {
                if let (Some(timer), Some(every)) = (this.timer.as_mut(), this.every) {
                    timer
                        .as_mut()
                        .reset(actix_web::rt::time::Instant::now() + every);
                }
                Poll::Ready(item)
            }
            Poll::Pending => {
                let (Some(timer), Some(every)) = (this.timer.as_mut(), this.every) else {
                    return Poll::Pending;
                };
                if timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                timer
                    .as_mut()
                    .reset(actix_web::rt::time::Instant::now() + every);
                // Registers the new deadline's waker.
                let _ = timer.as_mut().poll(cx);
                Poll::Ready(Some(Bytes::from_static(b": keep-alive\n\n")))
            }
        }
    }
}

/// The request body within the endpoint's size limit and read deadline: `None` when it is too
/// large; an error answer when it is malformed at the HTTP level or too slow.
async fn request_body(
    req: &HttpRequest,
    payload: web::Payload,
    endpoint: &Endpoint,
) -> Result<Option<Bytes>, HttpResponse> {
    let declared_too_large = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > endpoint.max_body_bytes());
    if declared_too_large {
        return Ok(None);
    }
    let read = read_body(payload, endpoint.max_body_bytes());
    match actix_web::rt::time::timeout(endpoint.body_timeout(), read).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(err)) => Err(json_error(
            err.as_response_error().status_code(),
            &err.to_string(),
        )),
        Err(_) => {
            let mut resp = json_error(
                StatusCode::REQUEST_TIMEOUT,
                "Request Timeout: the request body did not arrive in time",
            );
            resp.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Err(resp)
        }
    }
}

async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    endpoint: web::Data<Endpoint>,
) -> HttpResponse {
    let body = match request_body(&req, payload, &endpoint).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let response = match body {
        None => endpoint.payload_too_large(),
        Some(body) => {
            // Borrowed from the headers; only a missing `Host` (HTTP/1.0) allocates.
            let host: std::borrow::Cow<'_, str> =
                match req.headers().get(actix_web::http::header::HOST) {
                    Some(h) => String::from_utf8_lossy(h.as_bytes()),
                    None => req.connection_info().host().to_string().into(),
                };
            endpoint
                .handle(mcp_core::http::HttpRequest {
                    method: req.method().as_str(),
                    host: Some(&host),
                    path: req.uri().path_and_query().map_or("/", |p| p.as_str()),
                    headers: &ActixHeaders(req.headers()),
                    body: &body,
                    peer: req.peer_addr().map(|a| a.ip()),
                })
                .await
        }
    };
    into_actix(response, &endpoint)
}

/// The protected-resource metadata of a server that takes OAuth tokens.
#[cfg(feature = "oauth")]
async fn metadata(req: HttpRequest, endpoint: web::Data<Endpoint>) -> HttpResponse {
    match endpoint.protected_resource_metadata() {
        Some(response) => into_actix(response, &endpoint),
        None => not_found(req).await,
    }
}

pub(crate) fn into_actix(
    response: mcp_core::http::HttpResponse,
    endpoint: &Endpoint,
) -> HttpResponse {
    let mut out = HttpResponse::build(
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    for (name, value) in response.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            out.insert_header((HeaderName::from_static(name), value));
        }
    }
    match response.body {
        HttpBody::Json(chunks) => {
            out.insert_header((CONTENT_TYPE, "application/json"));
            let len = chunks.len() as u64;
            let mut parts = chunks.into_parts();
            match (parts.next(), parts.next()) {
                (first, None) => out.body(first.unwrap_or_default()),
                (Some(first), Some(second)) => {
                    // A prepared document framed per request: sent without being copied.
                    let all = [first, second].into_iter().chain(parts);
                    out.body(SizedStream::new(
                        len,
                        futures_util::stream::iter(all.map(Ok::<_, std::io::Error>)),
                    ))
                }
                (None, Some(_)) => unreachable!("parts come in order"),
            }
        }
        HttpBody::EventStream(events) => out
            .insert_header((CONTENT_TYPE, "text/event-stream"))
            .insert_header(("cache-control", "no-cache"))
            .insert_header(("x-accel-buffering", "no"))
            .streaming(
                KeepAlive::new(events, endpoint.sse_keep_alive())
                    .map(Ok::<_, std::convert::Infallible>),
            ),
        _ => out.finish(),
    }
}
