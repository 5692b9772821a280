//! Sessions of the session-based revisions (2025-03-26 to 2025-11-25): created by
//! `initialize`, bounded in number, expired when idle.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use futures_util::future::AbortHandle;

use serde_json::value::RawValue;

use bytes::Bytes;

use crate::notify::{LogLevel, MessageStream, Out, Sink};
use crate::protocol::Version;

/// What `initialize` negotiated.
pub(crate) struct Session {
    pub(crate) id: Arc<str>,
    pub(crate) version: Version,
    pub(crate) client_capabilities: Option<Box<RawValue>>,
    pub(crate) client_info: Option<Box<RawValue>>,
    pub(crate) initialized: AtomicBool,
    /// The level set by `logging/setLevel`; 0 until then (no log messages).
    log_level: AtomicU8,
    last_seen_ms: AtomicU64,
    /// Resource URIs the client subscribed to.
    subscriptions: Mutex<HashSet<String>>,
    /// The session's standalone stream (HTTP GET), while one is open.
    stream: Mutex<Option<Sink>>,
    /// Requests in progress that `notifications/cancelled` can stop, by JSON id text.
    in_flight: Mutex<HashMap<String, AbortHandle>>,
    /// Requests sent to the client and not answered yet, by JSON id text.
    pending: Mutex<HashMap<String, oneshot::Sender<Answer>>>,
    next_request: AtomicU64,
    /// Events sent on the session's streams, for `Last-Event-ID`, and calls whose stream
    /// ended before their response.
    replay: Mutex<Replay>,
    next_stream: AtomicU64,
}

/// The most bytes of sent events a session keeps for replay; older events are dropped.
const REPLAY_BYTES: usize = 1 << 20;
/// The most calls a session keeps waiting for their client to reconnect; beyond that the
/// oldest is dropped (cancelled).
const PARKED_CALLS: usize = 16;

#[derive(Default)]
struct Replay {
    /// `(stream, seq, framed event)`, oldest first.
    events: VecDeque<(Arc<str>, u64, Bytes)>,
    bytes: usize,
    /// Calls whose stream was closed before their response: `(stream, messages, next seq)`.
    parked: VecDeque<(Arc<str>, MessageStream, u64)>,
    /// Calls running in the background after their stream closed, by stream.
    live: VecDeque<(Arc<str>, Live)>,
}

/// A call that goes on in the background: its events land in the replay buffer.
#[derive(Default)]
struct Live {
    finished: bool,
    /// Reconnected clients waiting for its next event.
    waiting: Vec<std::task::Waker>,
}

/// Runs a future in the background (supplied by the transport).
pub(crate) type Spawn = fn(crate::dispatch::BoxFuture<'static, ()>);

/// One event of a session stream: `id: <stream>-<seq>`, then the message.
pub(crate) fn frame(stream: &str, seq: u64, json: &[u8]) -> Bytes {
    let mut event = Vec::with_capacity(json.len() + 40);
    event.extend_from_slice(format!("id: {stream}-{seq}\n").as_bytes());
    event.extend_from_slice(b"event: message\ndata: ");
    event.extend_from_slice(json);
    event.extend_from_slice(b"\n\n");
    Bytes::from(event)
}

/// What a `Last-Event-ID` leads back to.
pub(crate) struct Resumed {
    /// The stream's events after the given one, framed as they were sent.
    pub(crate) events: Vec<Bytes>,
    /// The call still running on that stream, with the next event number.
    pub(crate) call: Option<(MessageStream, u64)>,
    /// Whether the call goes on in the background (follow it with [`Session::follow`]).
    pub(crate) live: bool,
    /// Whether the stream was the session's standalone stream (which then reopens).
    pub(crate) standalone: bool,
}

/// The client's answer to a server-to-client request: its `result`, or its `error`, as JSON.
pub(crate) type Answer = Result<String, String>;

impl Session {
    /// The minimum level of log messages the client asked for, if it asked.
    pub(crate) fn log_level(&self) -> Option<LogLevel> {
        LogLevel::from_u8(self.log_level.load(Ordering::Relaxed))
    }

    pub(crate) fn set_log_level(&self, level: LogLevel) {
        self.log_level.store(level.to_u8(), Ordering::Relaxed);
    }

    /// A new id (JSON text) for a request to the client, and where its answer will arrive.
    pub(crate) fn expect_answer(&self) -> (String, oneshot::Receiver<Answer>) {
        let n = self.next_request.fetch_add(1, Ordering::Relaxed);
        let id = format!("\"s-{n}\"");
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id.clone(), tx);
        (id, rx)
    }

    /// Forgets a request whose answer is no longer awaited.
    pub(crate) fn forget(&self, id: &str) {
        lock(&self.pending).remove(id);
    }

    /// Delivers the client's answer to the request with JSON id text `id`.
    pub(crate) fn answer(&self, id: &str, answer: Result<&str, &str>) {
        if let Some(tx) = lock(&self.pending).remove(id) {
            let _ = tx.send(answer.map(str::to_string).map_err(str::to_string));
        }
    }

    pub(crate) fn track(&self, request: &str, abort: AbortHandle) {
        lock(&self.in_flight).insert(request.to_string(), abort);
    }

    pub(crate) fn untrack(&self, request: &str) {
        lock(&self.in_flight).remove(request);
    }

    /// Stops the request whose JSON id text is `request`, if it is still running. A call
    /// waiting for its client to reconnect is dropped at once.
    pub(crate) fn cancel(&self, request: &str) {
        if let Some(abort) = lock(&self.in_flight).remove(request) {
            abort.abort();
        }
        let parked = {
            let mut replay = lock(&self.replay);
            let i = replay
                .parked
                .iter()
                .position(|(_, m, _)| m.request() == Some(request));
            i.and_then(|i| replay.parked.remove(i))
        };
        // Dropped outside the lock: dropping a call runs its destructors.
        drop(parked);
    }

    /// Names a new event stream of this session: `"<n>"` for a call's stream, `"g<n>"` for
    /// the standalone stream.
    pub(crate) fn new_stream(&self, standalone: bool) -> Arc<str> {
        let n = self.next_stream.fetch_add(1, Ordering::Relaxed);
        if standalone {
            format!("g{n}")
        } else {
            n.to_string()
        }
        .into()
    }

    /// Keeps a sent event for replay.
    pub(crate) fn record(&self, stream: &Arc<str>, seq: u64, event: Bytes) {
        let mut replay = lock(&self.replay);
        replay.bytes += event.len();
        replay.events.push_back((stream.clone(), seq, event));
        while replay.bytes > REPLAY_BYTES {
            match replay.events.pop_front() {
                Some((_, _, old)) => replay.bytes -= old.len(),
                None => break,
            }
        }
    }

    /// Goes on with a call whose stream closed before its response, in the background: its
    /// events are kept for the client to fetch when it reconnects.
    pub(crate) fn detach(
        self: &Arc<Self>,
        stream: Arc<str>,
        mut messages: MessageStream,
        next: u64,
        spawn: Spawn,
    ) {
        {
            let mut replay = lock(&self.replay);
            replay.live.push_back((stream.clone(), Live::default()));
            // Forget the oldest finished calls beyond the limit (running ones end by
            // themselves, or with the session).
            while replay.live.len() > PARKED_CALLS {
                match replay.live.iter().position(|(_, l)| l.finished) {
                    Some(i) => drop(replay.live.remove(i)),
                    None => break,
                }
            }
        }
        let session = self.clone();
        // A stream the handler closed yields nothing until reopened.
        messages.reopen();
        spawn(Box::pin(async move {
            let mut seq = next;
            loop {
                match futures_util::StreamExt::next(&mut messages).await {
                    Some(json) => {
                        session.record(&stream, seq, frame(&stream, seq, &json));
                        seq += 1;
                        session.wake(&stream, false);
                    }
                    // The handler closed the stream again: nobody is connected anyway.
                    None if messages.awaits_response() => messages.reopen(),
                    None => break,
                }
            }
            session.wake(&stream, true);
        }));
    }

    fn wake(&self, stream: &str, finished: bool) {
        let waiting = {
            let mut replay = lock(&self.replay);
            match replay.live.iter_mut().find(|(s, _)| &**s == stream) {
                Some((_, live)) => {
                    live.finished |= finished;
                    std::mem::take(&mut live.waiting)
                }
                None => Vec::new(),
            }
        };
        waiting.into_iter().for_each(std::task::Waker::wake);
    }

    /// The events of a background call after number `after`, with the last one's number;
    /// `None` once it has finished and everything was fetched.
    pub(crate) fn follow(
        &self,
        stream: &str,
        after: u64,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<(Vec<Bytes>, u64)>> {
        let mut replay = lock(&self.replay);
        let mut last = after;
        let events: Vec<Bytes> = replay
            .events
            .iter()
            .filter(|(s, seq, _)| &**s == stream && *seq > after)
            .map(|(_, seq, event)| {
                last = last.max(*seq);
                event.clone()
            })
            .collect();
        if !events.is_empty() {
            return std::task::Poll::Ready(Some((events, last)));
        }
        match replay.live.iter_mut().find(|(s, _)| &**s == stream) {
            Some((_, live)) if !live.finished => {
                live.waiting.push(cx.waker().clone());
                std::task::Poll::Pending
            }
            _ => std::task::Poll::Ready(None),
        }
    }

    /// Keeps a call whose stream closed before its response, until the client reconnects.
    pub(crate) fn park(&self, stream: Arc<str>, messages: MessageStream, next: u64) {
        let evicted = {
            let mut replay = lock(&self.replay);
            replay.parked.push_back((stream, messages, next));
            (replay.parked.len() > PARKED_CALLS).then(|| replay.parked.pop_front())
        };
        // Dropped outside the lock: dropping a call runs its destructors.
        drop(evicted);
    }

    /// The events of `stream` after number `after`, and the call still running on it.
    pub(crate) fn resume(&self, stream: &str, after: u64) -> Resumed {
        let mut replay = lock(&self.replay);
        let events = replay
            .events
            .iter()
            .filter(|(s, seq, _)| &**s == stream && *seq > after)
            .map(|(_, _, event)| event.clone())
            .collect();
        let call = replay
            .parked
            .iter()
            .position(|(s, _, _)| &**s == stream)
            .and_then(|i| replay.parked.remove(i))
            .map(|(_, messages, next)| (messages, next));
        let live = replay.live.iter().any(|(s, _)| &**s == stream);
        Resumed {
            events,
            call,
            live,
            standalone: stream.starts_with('g'),
        }
    }

    /// Ends everything the session holds: calls waiting for a reconnection are dropped,
    /// running calls are stopped, the standalone stream is closed.
    pub(crate) fn end(&self) {
        let replay = std::mem::take(&mut *lock(&self.replay));
        // Clients following a background call see it end.
        for (_, live) in &replay.live {
            live.waiting.iter().for_each(std::task::Waker::wake_by_ref);
        }
        drop(replay);
        let in_flight = std::mem::take(&mut *lock(&self.in_flight));
        for abort in in_flight.values() {
            abort.abort();
        }
        lock(&self.pending).clear();
        *lock(&self.stream) = None;
    }

    pub(crate) fn subscribe(&self, uri: &str) {
        lock(&self.subscriptions).insert(uri.to_string());
    }

    pub(crate) fn unsubscribe(&self, uri: &str) {
        lock(&self.subscriptions).remove(uri);
    }

    pub(crate) fn is_subscribed(&self, uri: &str) -> bool {
        lock(&self.subscriptions).contains(uri)
    }

    /// Opens the standalone stream; a stream opened before is closed.
    pub(crate) fn open_stream(&self) -> futures_channel::mpsc::UnboundedReceiver<Out> {
        let (sink, rx) = futures_channel::mpsc::unbounded();
        *lock(&self.stream) = Some(sink);
        rx
    }

    /// Sends a message on the standalone stream; whether one was open to take it.
    pub(crate) fn send(&self, message: bytes::Bytes) -> bool {
        let mut stream = lock(&self.stream);
        let sent = stream
            .as_ref()
            .is_some_and(|s| s.unbounded_send(Out::Message(message)).is_ok());
        if !sent {
            *stream = None;
        }
        sent
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The table of live sessions of one server.
pub(crate) struct Sessions {
    map: Mutex<HashMap<Arc<str>, Arc<Session>>>,
    max: usize,
    idle: Duration,
    epoch: Instant,
}

impl Sessions {
    pub(crate) fn new(max: usize, idle: Duration) -> Self {
        Sessions {
            map: Mutex::new(HashMap::new()),
            max: max.max(1),
            idle,
            epoch: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn idle_ms(&self) -> u64 {
        u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX)
    }

    fn expired(&self, s: &Session, now: u64) -> bool {
        now.saturating_sub(s.last_seen_ms.load(Ordering::Relaxed)) > self.idle_ms()
    }

    /// Starts a session. When the table is full, expired sessions are dropped first, then
    /// the least recently used one.
    pub(crate) fn create(
        &self,
        version: Version,
        client_capabilities: Option<Box<RawValue>>,
        client_info: Option<Box<RawValue>>,
    ) -> Arc<Session> {
        let id: Arc<str> = uuid::Uuid::new_v4().simple().to_string().into();
        let now = self.now_ms();
        let session = Arc::new(Session {
            id: id.clone(),
            version,
            client_capabilities,
            client_info,
            initialized: AtomicBool::new(false),
            log_level: AtomicU8::new(0),
            subscriptions: Mutex::new(HashSet::new()),
            stream: Mutex::new(None),
            in_flight: Mutex::new(HashMap::new()),
            pending: Mutex::new(HashMap::new()),
            next_request: AtomicU64::new(1),
            last_seen_ms: AtomicU64::new(now),
            replay: Mutex::new(Replay::default()),
            next_stream: AtomicU64::new(1),
        });
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max {
            map.retain(|_, s| {
                let keep = !self.expired(s, now);
                if !keep {
                    s.end();
                }
                keep
            });
        }
        if map.len() >= self.max {
            let oldest = map
                .iter()
                .min_by_key(|(_, s)| s.last_seen_ms.load(Ordering::Relaxed))
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                tracing::warn!(session = %k, "session table full: ending the least recently used session");
                if let Some(s) = map.remove(&k) {
                    s.end();
                }
            }
        }
        map.insert(id, session.clone());
        session
    }

    /// The live session with this id, marked as used now.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<Session>> {
        let now = self.now_ms();
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let session = map.get(id)?.clone();
        if self.expired(&session, now) {
            map.remove(id);
            drop(map);
            session.end();
            return None;
        }
        session.last_seen_ms.store(now, Ordering::Relaxed);
        Some(session)
    }

    /// Ends a session; whether it existed.
    pub(crate) fn remove(&self, id: &str) -> bool {
        let removed = lock(&self.map).remove(id);
        removed.map(|s| s.end()).is_some()
    }

    /// Every live session.
    pub(crate) fn all(&self) -> Vec<Arc<Session>> {
        lock(&self.map).values().cloned().collect()
    }

    /// Number of sessions held (including any not yet found expired).
    pub(crate) fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_tables_end_the_least_recently_used_session() {
        let sessions = Sessions::new(2, Duration::from_secs(60));
        let a = sessions.create(Version::V2025_11_25, None, None);
        std::thread::sleep(Duration::from_millis(5));
        let b = sessions.create(Version::V2025_11_25, None, None);
        std::thread::sleep(Duration::from_millis(5));
        // Using `a` makes `b` the least recently used.
        assert!(sessions.get(&a.id).is_some());
        let c = sessions.create(Version::V2025_06_18, None, None);
        assert_eq!(sessions.len(), 2);
        assert!(sessions.get(&b.id).is_none());
        assert!(sessions.get(&a.id).is_some());
        assert_eq!(
            sessions.get(&c.id).map(|s| s.version),
            Some(Version::V2025_06_18)
        );
    }

    #[test]
    fn idle_sessions_expire() {
        let sessions = Sessions::new(10, Duration::from_millis(20));
        let a = sessions.create(Version::V2025_11_25, None, None);
        assert!(sessions.get(&a.id).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(sessions.get(&a.id).is_none());
        assert_eq!(sessions.len(), 0);
    }

    #[test]
    fn ids_are_unique_and_visible_ascii() {
        let sessions = Sessions::new(100, Duration::from_secs(60));
        let ids: std::collections::HashSet<String> = (0..50)
            .map(|_| {
                sessions
                    .create(Version::V2025_11_25, None, None)
                    .id
                    .to_string()
            })
            .collect();
        assert_eq!(ids.len(), 50);
        assert!(ids
            .iter()
            .all(|id| id.len() == 32 && id.bytes().all(|b| (0x21..=0x7e).contains(&b))));
        assert!(sessions.remove(ids.iter().next().unwrap()));
    }
}
