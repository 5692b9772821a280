//! [`Store`]: where a server keeps the state that every instance of one deployment must
//! share (rate-limit buckets, the nonces of signed requests, tasks), and [`MemoryStore`],
//! the in-memory default for a single instance.

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::DefaultKeyedRateLimiter;
use serde::{Deserialize, Serialize};

use crate::util::{lock, BoxFuture};

/// How often (in checks) buckets that have filled up again are forgotten, so that many
/// clients passing by do not pile up.
const SWEEP_EVERY: u64 = 4096;

/// Most nonces a [`MemoryStore`] remembers at once; past it, claims fail (closed) until old
/// ones expire.
const MAX_CLAIMS: usize = 1 << 20;

/// Most tasks a [`MemoryStore`] holds at once; past it, expired ones are dropped and, if
/// none has expired, new tasks are refused until some do.
const MAX_TASKS: usize = 10_000;

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

/// Where a task is in its life. `Completed`, `Failed` and `Cancelled` are terminal: a task
/// in one of them never changes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Running.
    Working,
    /// Waiting for the client to answer the task's questions.
    InputRequired,
    /// Finished with a result (which may be an `isError` tool result).
    Completed,
    /// Finished with a JSON-RPC error.
    Failed,
    /// Stopped at the client's request.
    Cancelled,
}

impl TaskStatus {
    /// The wire word: `working`, `input_required`, `completed`, `failed`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Working => "working",
            TaskStatus::InputRequired => "input_required",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the task is over (and so never changes again).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }
}

/// What a store keeps of one task. JSON fields are kept as text, so that a store can save
/// the record as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The subject of the caller that created it (`None`: an anonymous caller); only the
    /// same subject sees it.
    pub owner: Option<String>,
    /// Where it is.
    pub status: TaskStatus,
    /// A human-readable note on the status.
    pub status_message: Option<String>,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// When its status last changed, in milliseconds since the Unix epoch.
    pub updated_at_ms: u64,
    /// How long it is kept after its creation.
    pub ttl_ms: u64,
    /// How often clients should poll it.
    pub poll_interval_ms: u64,
    /// While `InputRequired`: the questions waiting for answers, a JSON object of
    /// `{"<key>": {"method": .., "params": ..}}`.
    pub input_requests: Option<String>,
    /// Once over: the result object (also of a `Failed` task whose tool reported an error,
    /// in revision 2025-11-25).
    pub result: Option<String>,
    /// Once `Failed` without a result: the JSON-RPC error object.
    pub error: Option<String>,
}

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

    /// Saves a new task under `key`, kept for `record.ttl_ms`. The record must be readable
    /// by [`task`](Self::task) as soon as the future completes: its id is returned to the
    /// client next.
    fn create_task<'a>(
        &'a self,
        key: &'a str,
        record: &'a TaskRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// The task saved under `key`, unless it is unknown or expired.
    fn task<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<TaskRecord>, StoreError>>;

    /// Replaces the task under `key` with `record`, unless the saved one is terminal (then
    /// nothing changes) or gone: `true` if `record` was saved. Must be atomic with respect to
    /// other updates of the same key.
    fn update_task<'a>(
        &'a self,
        key: &'a str,
        record: &'a TaskRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// The unexpired tasks whose keys start with `prefix` and whose owner is `owner`, with
    /// their keys, newest first (`tasks/list`).
    fn tasks_of<'a>(
        &'a self,
        prefix: &'a str,
        owner: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<(String, TaskRecord)>, StoreError>>;
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
    tasks: Mutex<HashMap<String, (TaskRecord, Instant)>>,
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

impl MemoryStore {
    fn insert_task(&self, key: &str, record: &TaskRecord) -> Result<(), StoreError> {
        let now = Instant::now();
        let mut tasks = lock(&self.inner.tasks);
        if tasks.len() >= MAX_TASKS {
            tasks.retain(|_, (_, expires)| *expires > now);
            if tasks.len() >= MAX_TASKS {
                return Err(StoreError(format!(
                    "the in-memory store holds its maximum of {MAX_TASKS} tasks"
                )));
            }
        }
        let expires = now + Duration::from_millis(record.ttl_ms);
        tasks.insert(key.to_string(), (record.clone(), expires));
        Ok(())
    }

    fn find_task(&self, key: &str) -> Option<TaskRecord> {
        let mut tasks = lock(&self.inner.tasks);
        match tasks.get(key) {
            Some((record, expires)) if *expires > Instant::now() => Some(record.clone()),
            Some(_) => {
                tasks.remove(key);
                None
            }
            None => None,
        }
    }

    fn owned_tasks(&self, prefix: &str, owner: Option<&str>) -> Vec<(String, TaskRecord)> {
        let now = Instant::now();
        let tasks = lock(&self.inner.tasks);
        let mut found: Vec<(String, TaskRecord)> = tasks
            .iter()
            .filter(|(key, (record, expires))| {
                key.starts_with(prefix) && *expires > now && record.owner.as_deref() == owner
            })
            .map(|(key, (record, _))| (key.clone(), record.clone()))
            .collect();
        found.sort_by(|a, b| (b.1.created_at_ms, &b.0).cmp(&(a.1.created_at_ms, &a.0)));
        found
    }

    fn replace_task(&self, key: &str, record: &TaskRecord) -> bool {
        let mut tasks = lock(&self.inner.tasks);
        match tasks.get_mut(key) {
            Some((saved, expires)) if *expires > Instant::now() && !saved.status.is_terminal() => {
                *saved = record.clone();
                true
            }
            _ => false,
        }
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

    fn create_task<'a>(
        &'a self,
        key: &'a str,
        record: &'a TaskRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::ready(self.insert_task(key, record)))
    }

    fn task<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<TaskRecord>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.find_task(key))))
    }

    fn update_task<'a>(
        &'a self,
        key: &'a str,
        record: &'a TaskRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(Ok(self.replace_task(key, record))))
    }

    fn tasks_of<'a>(
        &'a self,
        prefix: &'a str,
        owner: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<(String, TaskRecord)>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.owned_tasks(prefix, owner))))
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

    fn record(status: TaskStatus, ttl_ms: u64) -> TaskRecord {
        TaskRecord {
            owner: None,
            status,
            status_message: None,
            created_at_ms: 1,
            updated_at_ms: 1,
            ttl_ms,
            poll_interval_ms: 500,
            input_requests: None,
            result: None,
            error: None,
        }
    }

    #[test]
    fn a_terminal_task_never_changes_and_tasks_expire() {
        let store = MemoryStore::new();
        let working = record(TaskStatus::Working, 60_000);
        now(store.create_task("t", &working)).unwrap();
        assert_eq!(now(store.task("t")), Ok(Some(working.clone())));
        let done = record(TaskStatus::Completed, 60_000);
        assert_eq!(now(store.update_task("t", &done)), Ok(true));
        assert_eq!(now(store.update_task("t", &working)), Ok(false));
        assert_eq!(now(store.task("t")), Ok(Some(done)));
        assert_eq!(now(store.update_task("unknown", &working)), Ok(false));
        now(store.create_task("gone", &record(TaskStatus::Working, 0))).unwrap();
        assert_eq!(now(store.task("gone")), Ok(None), "expired");
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
