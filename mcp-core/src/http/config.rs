//! [`HttpConfig`]: the HTTP settings of one mounted server.

use std::time::Duration;

use super::origin::normalize_origin;
use crate::session::Spawn;
use crate::util::BoxFuture;

/// HTTP settings of one mounted server.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    pub(super) allowed_hosts: Option<Vec<String>>,
    pub(super) allowed_origins: Vec<String>,
    pub(super) any_origin: bool,
    pub(super) max_body_bytes: usize,
    pub(super) keep_alive: Option<Duration>,
    pub(super) background: Option<Spawn>,
    pub(super) max_batch_len: usize,
    pub(super) body_timeout: Duration,
    pub(super) auth: Auth,
    pub(super) rate_limit: Option<super::RateLimit>,
    pub(super) tool_limits: std::collections::HashMap<String, super::RateLimit>,
    pub(super) trusted_proxies: Vec<std::net::IpAddr>,
}

/// How a mounted server authenticates its callers.
#[derive(Clone, Debug, Default)]
pub(super) enum Auth {
    /// Every caller is anonymous.
    #[default]
    None,
    /// `Authorization: Bearer <key>` or `X-API-Key`.
    ApiKeys(super::ApiKeys),
    /// `Mcp-Signature`.
    Hmac(super::HmacKeys),
    /// OAuth 2.1 bearer tokens (JWT).
    #[cfg(feature = "oauth")]
    OAuth(super::OAuth),
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            allowed_hosts: Some(Vec::new()),
            allowed_origins: Vec::new(),
            any_origin: false,
            max_body_bytes: 4 * 1024 * 1024,
            keep_alive: Some(Duration::from_secs(15)),
            background: None,
            max_batch_len: 64,
            body_timeout: Duration::from_secs(30),
            auth: Auth::None,
            rate_limit: None,
            tool_limits: std::collections::HashMap::new(),
            trusted_proxies: Vec::new(),
        }
    }
}

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

    /// Requires one of `keys` on every request (`Authorization: Bearer <key>` or
    /// `X-API-Key: <key>`); a request without a valid key gets 401 before anything reads it.
    /// A session opened with one key is not found with another.
    ///
    /// Replaces any other authentication set before ([`hmac`](HttpConfig::hmac)).
    pub fn api_keys(mut self, keys: super::ApiKeys) -> Self {
        self.auth = Auth::ApiKeys(keys);
        self
    }

    /// Requires every request to be signed by one of `keys` (see [`HmacKeys`](super::HmacKeys)
    /// for the `Mcp-Signature` header): a request without a valid, fresh, never-seen
    /// signature gets 401 before anything reads it. Nonces are kept in the
    /// server's [`store`](crate::ServerBuilder::store). Replaces any other authentication set before.
    pub fn hmac(mut self, keys: super::HmacKeys) -> Self {
        self.auth = Auth::Hmac(keys);
        self
    }

    /// Limits requests (see [`RateLimit`](super::RateLimit)): past the limit, `429` with
    /// `Retry-After`, before anything reads the request.
    pub fn rate_limit(mut self, limit: super::RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Limits calls of the tool `name` (see [`RateLimit`](super::RateLimit)), on top of any
    /// server-wide limit: past it, a `tools/call` of that tool gets `429` with `Retry-After`
    /// (in a batch, an error entry) before the tool runs; other requests are not counted.
    /// The tool must exist: mounting the server panics, at start-up, if it does not.
    pub fn tool_rate_limit(mut self, name: impl Into<String>, limit: super::RateLimit) -> Self {
        self.tool_limits.insert(name.into(), limit);
        self
    }

    /// The tools given their own limit with [`tool_rate_limit`](HttpConfig::tool_rate_limit).
    pub fn limited_tools(&self) -> impl Iterator<Item = &str> {
        self.tool_limits.keys().map(String::as_str)
    }

    /// Believes the client address that these proxies report (`X-Forwarded-For` or
    /// `Forwarded`) for requests they send; for everyone else, the socket's peer is the
    /// client.
    pub fn trusted_proxies(mut self, proxies: impl IntoIterator<Item = std::net::IpAddr>) -> Self {
        self.trusted_proxies.extend(proxies);
        self
    }

    /// Requires an OAuth 2.1 access token (a JWT, see [`OAuth`](super::OAuth)) on every
    /// request, and serves the server's protected-resource metadata (RFC 9728) at
    /// `<mount>/.well-known/oauth-protected-resource`. Replaces any other authentication set
    /// before.
    #[cfg(feature = "oauth")]
    pub fn oauth(mut self, oauth: super::OAuth) -> Self {
        self.auth = Auth::OAuth(oauth);
        self
    }

    /// Largest accepted request body (default 4 MiB); larger bodies get 413.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// How long an event stream may stay silent before a keep-alive comment (`:`) is sent,
    /// so that proxies do not close long-lived streams (`subscriptions/listen`, a session's
    /// `GET` stream, slow tools); `None` turns keep-alives off. Default 15 seconds.
    pub fn sse_keep_alive(mut self, every: Option<Duration>) -> Self {
        self.keep_alive = every;
        self
    }

    /// For transports: how to run a future in the background (e.g. `tokio::spawn`). With it,
    /// a call in a session whose stream closes before its response (the client's connection
    /// dropped, or the handler called [`Context::close_stream`](crate::Context::close_stream))
    /// goes on running, and the client collects its events when it reconnects with
    /// `Last-Event-ID`. Without it, such a call waits, paused, for the reconnection.
    /// `mcp-actix` sets this.
    pub fn background(mut self, spawn: fn(BoxFuture<'static, ()>)) -> Self {
        self.background = Some(spawn);
        self
    }

    /// Most messages in one JSON-RPC batch (revision 2025-03-26; default 64); a longer batch
    /// is refused whole (400, `-32600`). A batch's calls run concurrently.
    pub fn max_batch_len(mut self, len: usize) -> Self {
        self.max_batch_len = len.max(1);
        self
    }

    /// How long a client may take to send its request body once the headers are in
    /// (default 30 seconds); a slower body gets 408 and the connection is closed.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }
}
