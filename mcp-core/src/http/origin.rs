//! DNS-rebinding protection (`Host` and `Origin` checks) and CORS preflights.

use super::{header, quoted, server_error, Endpoint, HttpBody, HttpRequest, HttpResponse};

/// Host names that are always allowed: the local machine.
const LOOPBACK: [&str; 4] = ["localhost", "127.0.0.1", "[::1]", "::1"];

impl Endpoint {
    /// The 403 answer when `Host` or `Origin` is not allowed.
    pub(super) fn host_or_origin_rejection(&self, req: &HttpRequest<'_>) -> Option<HttpResponse> {
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
}

/// The name part of a `Host` value (lowercase): an IPv6 literal in brackets or a name of
/// letters, digits, `-` and `.`, then an optional `:port` and nothing else. An empty `Host`
/// (HTTP/1.0) is an empty name; anything else is `None`.
pub(super) fn host_name(host: &str) -> Option<&str> {
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
pub(super) fn normalize_origin(origin: &str) -> Option<String> {
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
pub(super) fn preflight(req: &HttpRequest<'_>) -> HttpResponse {
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
                "content-type, accept, authorization, x-api-key, mcp-signature, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name, last-event-id".into()
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
