//! [`Store`]: where the guards keep the state that every instance of one deployment must
//! share (rate-limit buckets, the nonces of signed requests), and [`MemoryStore`], the
//! in-memory default for a single instance.

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::DefaultKeyedRateLimiter;

use crate::util::{lock, BoxFuture};

/// How often (in checks) buckets that have filled up again are forgotten, so that many
/// clients passing by do not pile up.
const SWEEP_EVERY: u64 = 4096;

/// Most nonces a [`MemoryStore`] remembers at once; past it, claims fail (closed) until old
/// ones expire.
const MAX_CLAIMS: usize = 1 << 20;

/// A token bucket's shape: `count` tokens per `period`, holding at most `burst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quota {
    count: NonZeroU32,
    period: Duration,
    burst: NonZeroU32,
}

impl Quota {
    /// `count` tokens (at least 1) per `period` (at least 1 ms), in bursts of up to `burst`
    /// (at least 1).
    pub fn new(count: u32, period: Duration, burst: u32) -> Quota {
        Quota {
            count: NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN),
            period: period.max(Duration::from_millis(1)),
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
        }
    }

    /// Tokens per period.
    pub fn count(&self) -> u32 {
        self.count.get()
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Most tokens the bucket holds.
    pub fn burst(&self) -> u32 {
        self.burst.get()
    }

    /// How long one token takes to come back.
    pub fn replenish_every(&self) -> Duration {
        (self.period / self.count.get()).max(Duration::from_nanos(1))
    }
}

/// What [`Store::throttle`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttle {
    /// A token was taken: serve the request.
    Allowed,
    /// The bucket is empty; a token is back after this long.
    Wait(Duration),
}

/// The store could not answer (e.g. a remote store is unreachable); the request is refused
/// with `503`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// Shared state of the guards. Every key a server uses starts with its own prefix (the
/// server's name), so one store can serve several servers and several instances.
///
/// Implement it over a shared database to run several instances behind one limit;
/// [`MemoryStore`] is the default.
pub trait Store: Send + Sync + 'static {
    /// Takes one token from the bucket `key`, shaped by `quota` (a generic cell rate
    /// algorithm: the bucket starts full).
    fn throttle<'a>(
        &'a self,
        key: &'a str,
        quota: &'a Quota,
    ) -> BoxFuture<'a, Result<Throttle, StoreError>>;

    /// Records `key` for `ttl`: `true` if it was not recorded already (or its record had
    /// expired), `false` if it was. Must be atomic: of two concurrent claims of one key, one
    /// wins.
    fn claim<'a>(&'a self, key: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool, StoreError>>;
}

/// The in-memory [`Store`]: token buckets in `governor` limiters (one per quota), nonces in
/// a bounded map. Cheap to clone (an `Arc`); clones share their state.
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Memory>,
}

#[derive(Default)]
struct Memory {
    limiters: Mutex<HashMap<Quota, Arc<DefaultKeyedRateLimiter<String>>>>,
    checks: AtomicU64,
    claims: Mutex<HashMap<String, Instant>>,
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("claims", &lock(&self.inner.claims).len())
            .finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn limiter(&self, quota: &Quota) -> Arc<DefaultKeyedRateLimiter<String>> {
        let mut limiters = lock(&self.inner.limiters);
        let limiter = limiters.entry(*quota).or_insert_with(|| {
            let shape = governor::Quota::with_period(quota.replenish_every())
                .expect("a non-zero period")
                .allow_burst(quota.burst);
            Arc::new(DefaultKeyedRateLimiter::keyed(shape))
        });
        limiter.clone()
    }

    fn take(&self, key: &str, quota: &Quota) -> Throttle {
        let limiter = self.limiter(quota);
        let n = self.inner.checks.fetch_add(1, Ordering::Relaxed);
        if n % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for limiter in lock(&self.inner.limiters).values() {
                limiter.retain_recent();
            }
        }
        match limiter.check_key(&key.to_string()) {
            Ok(()) => Throttle::Allowed,
            Err(not_until) => {
                Throttle::Wait(not_until.wait_time_from(DefaultClock::default().now()))
            }
        }
    }

    fn record(&self, key: &str, ttl: Duration) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut claims = lock(&self.inner.claims);
        if let Some(expires) = claims.get(key) {
            if *expires > now {
                return Ok(false);
            }
        }
        if claims.len() >= MAX_CLAIMS {
            claims.retain(|_, expires| *expires > now);
            if claims.len() >= MAX_CLAIMS {
                return Err(StoreError(format!(
                    "the in-memory store holds its maximum of {MAX_CLAIMS} nonces"
                )));
            }
        }
        claims.insert(key.to_string(), now + ttl);
        Ok(true)
    }
}

impl Store for MemoryStore {
    fn throttle<'a>(
        &'a self,
        key: &'a str,
        quota: &'a Quota,
    ) -> BoxFuture<'a, Result<Throttle, StoreError>> {
        let decided = self.take(key, quota);
        Box::pin(std::future::ready(Ok(decided)))
    }

    fn claim<'a>(&'a self, key: &'a str, ttl: Duration) -> BoxFuture<'a, Result<bool, StoreError>> {
        let claimed = self.record(key, ttl);
        Box::pin(std::future::ready(claimed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now<T>(future: BoxFuture<'_, T>) -> T {
        futures_util::FutureExt::now_or_never(future).expect("ready")
    }

    #[test]
    fn buckets_empty_and_say_how_long_to_wait() {
        let store = MemoryStore::new();
        let quota = Quota::new(2, Duration::from_secs(60), 2);
        assert_eq!(now(store.throttle("a", &quota)), Ok(Throttle::Allowed));
        assert_eq!(now(store.throttle("a", &quota)), Ok(Throttle::Allowed));
        let Ok(Throttle::Wait(wait)) = now(store.throttle("a", &quota)) else {
            panic!("the bucket is empty")
        };
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30));
        assert_eq!(now(store.throttle("b", &quota)), Ok(Throttle::Allowed));
        let other = Quota::new(1, Duration::from_secs(60), 1);
        assert_eq!(
            now(store.throttle("a", &other)),
            Ok(Throttle::Allowed),
            "quotas are apart"
        );
    }

    #[test]
    fn a_claim_wins_once_until_it_expires() {
        let store = MemoryStore::new();
        assert_eq!(now(store.claim("n", Duration::from_secs(60))), Ok(true));
        assert_eq!(now(store.claim("n", Duration::from_secs(60))), Ok(false));
        assert_eq!(now(store.claim("m", Duration::ZERO)), Ok(true));
        assert_eq!(
            now(store.claim("m", Duration::from_secs(1))),
            Ok(true),
            "expired"
        );
    }
}
