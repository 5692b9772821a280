//! Rate limits of one mounted server: a token bucket per client address, or per API key,
//! kept in the server's store, checked after authentication and before anything reads the
//! request; `429` with `Retry-After` past it.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use serde_json::value::RawValue;

use super::{server_error, HttpResponse};
use crate::store::Quota;
use crate::wire::RpcError;

/// Whose requests share a bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateScope {
    /// Each client address (the socket's peer, or what a trusted proxy says it is).
    Ip,
    /// Each API key (see [`HttpConfig::api_keys`](super::HttpConfig::api_keys)); requests
    /// to a server without keys share buckets by address.
    Key,
}

/// A limit on requests: `count` per `period`, in bursts of up to `count` (or
/// [`burst`](RateLimit::burst)), per client address or per key. The buckets live in the
/// server's [`Store`](crate::store::Store) (see [`ServerBuilder::store`](crate::ServerBuilder::store)),
/// shared by every mount and worker that serves it.
///
/// ```
/// use mcp_core::http::{HttpConfig, RateLimit};
///
/// let config = HttpConfig::new().rate_limit(RateLimit::per_minute(60).by_key());
/// let parsed: RateLimit = "60/m".parse().unwrap();
/// # let _ = (config, parsed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    quota: Quota,
    scope: RateScope,
}

/// A rate limit that could not be read (see [`RateLimit`]'s `FromStr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRateLimit(String);

impl fmt::Display for InvalidRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidRateLimit {}

impl RateLimit {
    /// `count` requests (at least 1) per `period`, per client address.
    pub fn new(count: u32, period: Duration) -> Self {
        RateLimit {
            quota: Quota::new(count, period, count),
            scope: RateScope::Ip,
        }
    }

    /// `count` requests per second.
    pub fn per_second(count: u32) -> Self {
        RateLimit::new(count, Duration::from_secs(1))
    }

    /// `count` requests per minute.
    pub fn per_minute(count: u32) -> Self {
        RateLimit::new(count, Duration::from_secs(60))
    }

    /// `count` requests per hour.
    pub fn per_hour(count: u32) -> Self {
        RateLimit::new(count, Duration::from_secs(3600))
    }

    /// Allows bursts of up to `burst` requests (default: the count per period).
    pub fn burst(mut self, burst: u32) -> Self {
        self.quota = Quota::new(self.quota.count(), self.quota.period(), burst);
        self
    }

    /// One bucket per API key instead of per address.
    pub fn by_key(self) -> Self {
        self.scoped(RateScope::Key)
    }

    /// Whose requests share a bucket.
    pub fn scoped(mut self, scope: RateScope) -> Self {
        self.scope = scope;
        self
    }

    pub(crate) fn scope(&self) -> RateScope {
        self.scope
    }

    /// The shape of each bucket.
    pub(crate) fn quota(&self) -> &Quota {
        &self.quota
    }

    /// The 429 answer, with how long to wait.
    pub(crate) fn too_many(&self, wait: Duration) -> HttpResponse {
        self.too_many_for(None, wait)
    }

    /// The 429 answer to request `id`, with how long to wait.
    pub(crate) fn too_many_for(&self, id: Option<&RawValue>, wait: Duration) -> HttpResponse {
        let secs = retry_secs(wait);
        let mut resp = HttpResponse::error(429, id, &self.refusal(wait));
        resp.headers.push(("retry-after", secs.to_string()));
        resp
    }

    /// The JSON-RPC error of a request past the limit.
    pub(crate) fn refusal(&self, wait: Duration) -> RpcError {
        server_error(format!(
            "Too Many Requests: more than {} requests in {:?}; retry after {} s",
            self.quota.count(),
            self.quota.period(),
            retry_secs(wait)
        ))
    }
}

/// Whole seconds to wait, at least 1.
fn retry_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl std::str::FromStr for RateLimit {
    type Err = InvalidRateLimit;

    /// `N/s`, `N/m` or `N/h` (also `N/second`, `N/minute`, `N/hour`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            InvalidRateLimit(format!(
                "expected COUNT/PERIOD such as `60/m` (PERIOD one of s, m, h), not `{s}`"
            ))
        };
        let (count, period) = s.trim().split_once('/').ok_or_else(invalid)?;
        let count: u32 = count.trim().parse().map_err(|_| invalid())?;
        if count == 0 {
            return Err(invalid());
        }
        let period = match period.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(invalid()),
        };
        Ok(RateLimit::new(count, period))
    }
}

/// The client's address: the socket's peer, or, when the peer is a trusted proxy, the last
/// address it and the proxies before it add to `X-Forwarded-For` (or `Forwarded: for=`) that
/// is not itself a trusted proxy.
pub(crate) fn client_address(
    peer: Option<IpAddr>,
    trusted: &[IpAddr],
    forwarded_for: Option<&str>,
    forwarded: Option<&str>,
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let from_xff = forwarded_for.map(|v| {
        v.split(',')
            .map(str::trim)
            .map(parse_address)
            .collect::<Vec<_>>()
    });
    let from_fwd = forwarded.map(|v| {
        v.split(',')
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.trim().split_once('=')?;
                    k.eq_ignore_ascii_case("for")
                        .then(|| parse_address(v.trim_matches('"')))
                })
            })
            .collect::<Vec<_>>()
    });
    let hops = from_fwd.or(from_xff).unwrap_or_default();
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) if trusted.contains(ip) => continue,
            Some(ip) => return Some(*ip),
            // An entry that is not an address: nothing before it can be trusted.
            None => return Some(peer),
        }
    }
    Some(peer)
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn parse_address(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    text.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limits() {
        let limit: RateLimit = "60/m".parse().unwrap();
        assert_eq!(
            (limit.quota.count(), limit.quota.period()),
            (60, Duration::from_secs(60))
        );
        for bad in ["", "60", "0/m", "x/m", "60/d", "-1/s"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_answer_says_how_long_to_wait() {
        let resp = RateLimit::per_minute(2).too_many(Duration::from_millis(29_500));
        assert_eq!(resp.status, 429);
        assert_eq!(resp.headers, [("retry-after", "30".to_string())]);
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let xff = Some("198.51.100.1, 203.0.113.7");
        assert_eq!(
            client_address(Some(client), &[proxy], xff, None),
            Some(client)
        );
        assert_eq!(
            client_address(Some(proxy), &[proxy], xff, None),
            Some(client)
        );
        assert_eq!(client_address(Some(proxy), &[], xff, None), Some(proxy));
        let fwd = Some("for=198.51.100.1, for=\"[2001:db8::1]:4711\"");
        assert_eq!(
            client_address(Some(proxy), &[proxy], None, fwd),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            client_address(Some(proxy), &[proxy], Some("garbage"), None),
            Some(proxy)
        );
        assert_eq!(
            client_address(Some(proxy), &[proxy], None, None),
            Some(proxy)
        );
    }
}
