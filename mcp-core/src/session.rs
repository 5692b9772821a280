//! Sessions of the session-based revisions (2025-03-26 to 2025-11-25): created by
//! `initialize`, bounded in number, expired when idle.

use crate::util::{lock, BoxFuture};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use futures_util::future::AbortHandle;

use serde_json::value::RawValue;

use bytes::Bytes;

use crate::logging::LogLevel;
use crate::runtime::stream::{self, MessageStream, Out, Receiver, Sink};
use crate::wire::{self, code, RpcError, Version};

/// What `initialize` negotiated.
pub(crate) struct Session {
    pub(crate) id: Arc<str>,
    pub(crate) version: Version,
    pub(crate) client_capabilities: Option<Box<RawValue>>,
    pub(crate) client_info: Option<Box<RawValue>>,
    pub(crate) initialized: AtomicBool,
    ended: AtomicBool,
    /// Replayable event bytes of all the server's sessions (shared by them).
    all_replay: Arc<std::sync::atomic::AtomicUsize>,
    /// The client address the session counts against, if known.
    peer: std::sync::OnceLock<std::net::IpAddr>,
    /// The name of the API key that opened the session, when the server takes keys.
    owner: std::sync::OnceLock<Arc<str>>,
    /// The level set by `logging/setLevel`; 0 until then (no log messages).
    log_level: AtomicU8,
    last_seen_ms: AtomicU64,
    /// Held by a transport for as long as its connection lasts (stdio): never idle.
    pinned: AtomicBool,
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
/// Responses of calls that went on in the background are kept apart (see `RESULTS_KEPT`).
const REPLAY_BYTES: usize = 256 * 1024;
/// The most bytes of replayable events all sessions of a server keep together.
const ALL_REPLAY_BYTES: usize = 64 * 1024 * 1024;
/// The most calls that may run at once in one session (each may hold an open stream).
pub(crate) const CALLS_IN_FLIGHT: usize = 64;

/// Why a call could not be tracked.
pub(crate) enum Busy {
    /// A request with the same id is still running.
    SameId,
    /// [`CALLS_IN_FLIGHT`] calls are running.
    Full,
}

/// The most calls a session keeps waiting for their client to reconnect, or running in the
/// background; beyond that the oldest waiting one is dropped (cancelled), and a call that
/// would run in the background is stopped with an error response its client can collect.
const PARKED_CALLS: usize = 16;
/// The most uncollected responses of background calls a session keeps, whatever their size.
const RESULTS_KEPT: usize = 16;
/// The most responses a session remembers having dropped (to answer their ids with an error).
const DROPPED_KEPT: usize = 256;

#[derive(Default)]
struct Replay {
    /// `(stream, seq, framed event)`, oldest first.
    events: VecDeque<(Arc<str>, u64, Bytes)>,
    bytes: usize,
    /// Responses of background calls: `(stream, seq, framed event)`, never pushed out by
    /// other events.
    results: VecDeque<(Arc<str>, u64, Bytes)>,
    /// Responses dropped beyond `RESULTS_KEPT`, as error responses for their ids.
    dropped: VecDeque<(Arc<str>, u64, Bytes)>,
    /// Calls whose stream was closed before their response: `(stream, messages, next seq)`.
    parked: VecDeque<(Arc<str>, MessageStream, u64)>,
    /// Calls running in the background after their stream closed, by stream.
    live: VecDeque<(Arc<str>, Live)>,
}

impl Replay {
    /// The events of `stream` after number `after`, responses included, in order.
    fn after(&self, stream: &str, after: u64) -> Vec<(u64, Bytes)> {
        let mut found: Vec<(u64, Bytes)> = self
            .events
            .iter()
            .chain(&self.results)
            .chain(&self.dropped)
            .filter(|(s, seq, _)| &**s == stream && *seq > after)
            .map(|(_, seq, event)| (*seq, event.clone()))
            .collect();
        found.sort_by_key(|(seq, _)| *seq);
        found.dedup_by_key(|(seq, _)| *seq);
        found
    }
}

/// A call that goes on in the background: its events land in the replay buffer.
#[derive(Default)]
struct Live {
    finished: bool,
    /// Reconnected clients waiting for its next event.
    waiting: Vec<std::task::Waker>,
}

/// Runs a future in the background (supplied by the transport).
pub(crate) type Spawn = fn(BoxFuture<'static, ()>);

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

    /// Delivers the client's answer to the request with JSON id text `id` (in any spelling:
    /// `"s-1"` and `"s\u002d1"` are the same id).
    pub(crate) fn answer(&self, id: &str, answer: Result<&str, &str>) {
        if let Some(tx) = lock(&self.pending).remove(&*canonical_id(id)) {
            let _ = tx.send(answer.map(str::to_string).map_err(str::to_string));
        }
    }

    /// Makes the running request `request` cancellable; `Err` (and nothing tracked) when a
    /// request with the same id is still running in this session, or when
    /// [`CALLS_IN_FLIGHT`] are.
    pub(crate) fn track(&self, request: &str, abort: AbortHandle) -> Result<(), Busy> {
        let mut in_flight = lock(&self.in_flight);
        if in_flight.len() >= CALLS_IN_FLIGHT {
            return Err(Busy::Full);
        }
        match in_flight.entry(canonical_id(request).into_owned()) {
            std::collections::hash_map::Entry::Occupied(_) => Err(Busy::SameId),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(abort);
                Ok(())
            }
        }
    }

    pub(crate) fn untrack(&self, request: &str) {
        lock(&self.in_flight).remove(&*canonical_id(request));
    }

    /// Stops the request whose JSON id text is `request`, if it is still running. A call
    /// waiting for its client to reconnect is dropped at once.
    pub(crate) fn cancel(&self, request: &str) {
        let request = &*canonical_id(request);
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
        let len = event.len();
        replay.bytes += len;
        self.all_replay.fetch_add(len, Ordering::Relaxed);
        replay.events.push_back((stream.clone(), seq, event));
        // This session's own limit, then the server's: past either, this session's oldest
        // events go (the newest too, if it holds nothing else).
        while replay.bytes > REPLAY_BYTES
            || self.all_replay.load(Ordering::Relaxed) > ALL_REPLAY_BYTES
        {
            match replay.events.pop_front() {
                Some((_, _, old)) => {
                    replay.bytes -= old.len();
                    self.all_replay.fetch_sub(old.len(), Ordering::Relaxed);
                }
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
            // Forget the oldest finished calls beyond the limit.
            while replay.live.len() >= PARKED_CALLS {
                match replay.live.iter().position(|(_, l)| l.finished) {
                    Some(i) => drop(replay.live.remove(i)),
                    None => break,
                }
            }
            if replay.live.len() >= PARKED_CALLS {
                // Every slot holds a running call: this one stops, and says so.
                let event = busy_error(&stream, next, messages.request());
                push_result(&mut replay, stream, next, event);
                drop(replay);
                drop(messages);
                return;
            }
            replay.live.push_back((stream.clone(), Live::default()));
        }
        let session = self.clone();
        // A stream the handler closed yields nothing until reopened.
        messages.reopen();
        spawn(Box::pin(async move {
            let mut seq = next;
            loop {
                match futures_util::StreamExt::next(&mut messages).await {
                    Some(json) => {
                        let event = frame(&stream, seq, &json);
                        if messages.finished() {
                            session.keep_result(&stream, seq, event);
                        } else {
                            session.record(&stream, seq, event);
                        }
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

    /// Keeps the response of a background call until its client collects it.
    fn keep_result(&self, stream: &Arc<str>, seq: u64, event: Bytes) {
        push_result(&mut lock(&self.replay), stream.clone(), seq, event);
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
            .after(stream, after)
            .into_iter()
            .map(|(seq, event)| {
                last = last.max(seq);
                event
            })
            .collect();
        if !events.is_empty() {
            return std::task::Poll::Ready(Some((events, last)));
        }
        match replay.live.iter_mut().find(|(s, _)| &**s == stream) {
            Some((_, live)) if !live.finished => {
                // One waker per waiting client; a client that reconnected and left again
                // leaves at most a bounded number behind.
                if !live.waiting.iter().any(|w| w.will_wake(cx.waker())) {
                    if live.waiting.len() >= 8 {
                        live.waiting.remove(0);
                    }
                    live.waiting.push(cx.waker().clone());
                }
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
            let evicted = (replay.parked.len() > PARKED_CALLS)
                .then(|| replay.parked.pop_front())
                .flatten();
            if let Some((stream, messages, next)) = &evicted {
                // Its client gets an error response instead of nothing.
                let event = busy_error(stream, *next, messages.request());
                push_result(&mut replay, stream.clone(), *next, event);
            }
            evicted
        };
        // Dropped outside the lock: dropping a call runs its destructors.
        drop(evicted);
    }

    /// The events of `stream` after number `after`, and the call still running on it.
    pub(crate) fn resume(&self, stream: &str, after: u64) -> Resumed {
        let mut replay = lock(&self.replay);
        let events = replay
            .after(stream, after)
            .into_iter()
            .map(|(_, event)| event)
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
        self.ended.store(true, Ordering::Relaxed);
        let replay = std::mem::take(&mut *lock(&self.replay));
        self.all_replay.fetch_sub(replay.bytes, Ordering::Relaxed);
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

    /// Keeps the session from expiring while its transport holds it (a stdio process has one
    /// session for its whole life, however long the client stays quiet).
    #[cfg_attr(not(feature = "stdio"), allow(dead_code))]
    pub(crate) fn pin(&self) {
        self.pinned.store(true, Ordering::Relaxed);
    }

    /// Stops waiting for the client's answers: the questions asked are answered with an
    /// error (the client has gone).
    #[cfg_attr(not(feature = "stdio"), allow(dead_code))]
    pub(crate) fn drop_questions(&self) {
        lock(&self.pending).clear();
    }

    /// Binds the session to the API key called `name` (once; later calls change nothing).
    pub(crate) fn bind_owner(&self, name: Arc<str>) {
        let _ = self.owner.set(name);
    }

    /// The name of the API key the session belongs to, if any.
    pub(crate) fn owner(&self) -> Option<&str> {
        self.owner.get().map(|o| &**o)
    }

    /// Whether the session was ended (deleted, expired).
    pub(crate) fn has_ended(&self) -> bool {
        self.ended.load(Ordering::Relaxed)
    }

    /// Subscribes to `uri`; false when the session already holds `max` other subscriptions,
    /// or `max_bytes` of subscribed URIs.
    pub(crate) fn subscribe(&self, uri: &str, max: usize, max_bytes: usize) -> bool {
        let mut subscriptions = lock(&self.subscriptions);
        if subscriptions.contains(uri) {
            return true;
        }
        let bytes: usize = subscriptions.iter().map(String::len).sum();
        if subscriptions.len() >= max || bytes + uri.len() > max_bytes {
            return false;
        }
        subscriptions.insert(uri.to_string());
        true
    }

    pub(crate) fn unsubscribe(&self, uri: &str) {
        lock(&self.subscriptions).remove(uri);
    }

    pub(crate) fn is_subscribed(&self, uri: &str) -> bool {
        lock(&self.subscriptions).contains(uri)
    }

    /// Opens the standalone stream; `None` while another is open (a client gets one).
    pub(crate) fn open_stream(&self) -> Option<Receiver> {
        let mut stream = lock(&self.stream);
        if stream.as_ref().is_some_and(|s| !s.is_closed()) {
            return None;
        }
        let (sink, rx) = stream::channel();
        *stream = Some(sink);
        Some(rx)
    }

    /// Opens the standalone stream for a client resuming it: one opened before is closed.
    pub(crate) fn reopen_stream(&self) -> Receiver {
        let (sink, rx) = stream::channel();
        *lock(&self.stream) = Some(sink);
        rx
    }

    /// Whether `stream` names an event stream this session has opened.
    pub(crate) fn issued(&self, stream: &str) -> bool {
        let n = stream.strip_prefix('g').unwrap_or(stream);
        n.parse::<u64>()
            .is_ok_and(|n| n >= 1 && n < self.next_stream.load(Ordering::Relaxed))
            && !n.starts_with('0')
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

/// One spelling of a JSON-RPC id: a string id re-encoded with serde_json's escapes, so ids
/// that differ only in how they are escaped compare equal; numbers as they are.
pub(crate) fn canonical_id(id: &str) -> std::borrow::Cow<'_, str> {
    if !id.starts_with('"') || !id.contains('\\') {
        return id.into();
    }
    serde_json::from_str::<String>(id)
        .ok()
        .and_then(|s| serde_json::to_string(&s).ok())
        .map_or(id.into(), Into::into)
}

/// Keeps a background call's response; past `RESULTS_KEPT`, the oldest is replaced by an
/// error response for its id, so that no client waits for a result that is gone.
fn push_result(replay: &mut Replay, stream: Arc<str>, seq: u64, event: Bytes) {
    replay.results.push_back((stream, seq, event));
    while replay.results.len() > RESULTS_KEPT {
        let Some((stream, seq, event)) = replay.results.pop_front() else {
            break;
        };
        let id = response_id(&event);
        let error = dropped_error(&stream, seq, id.as_deref());
        replay.dropped.push_back((stream, seq, error));
        if replay.dropped.len() > DROPPED_KEPT {
            replay.dropped.pop_front();
        }
    }
}

/// The `id` of the response framed in `event`, as JSON text.
fn response_id(event: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id<'a> {
        #[serde(borrow)]
        id: &'a RawValue,
    }
    let data = event
        .split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(b"data: "))?;
    let id: Id<'_> = serde_json::from_slice(data).ok()?;
    Some(id.id.get().to_string())
}

fn error_event(stream: &str, seq: u64, id: Option<&str>, message: &'static str) -> Bytes {
    let id = id.and_then(|id| RawValue::from_string(id.to_string()).ok());
    let json = wire::error_bytes(id.as_deref(), &RpcError::new(code::SERVER_ERROR, message));
    frame(stream, seq, &json)
}

fn dropped_error(stream: &str, seq: u64, id: Option<&str>) -> Bytes {
    error_event(
        stream,
        seq,
        id,
        "Server error: the response was dropped before the client collected it (too many uncollected responses in this session)",
    )
}

fn busy_error(stream: &str, seq: u64, id: Option<&str>) -> Bytes {
    error_event(
        stream,
        seq,
        id,
        "Server error: the call was stopped when its stream closed: too many calls are running in the background in this session",
    )
}

/// The table of live sessions of one server.
pub(crate) struct Sessions {
    map: Mutex<HashMap<Arc<str>, Arc<Session>>>,
    /// Live sessions per client address.
    per_client: Mutex<HashMap<std::net::IpAddr, usize>>,
    /// The most sessions one client address may hold (0: no limit).
    max_per_client: usize,
    max: usize,
    idle: Duration,
    epoch: Instant,
    /// When expired sessions were last swept out, in ms since `epoch`.
    last_sweep_ms: AtomicU64,
    /// Replayable event bytes of all sessions.
    all_replay: Arc<std::sync::atomic::AtomicUsize>,
}

/// `initialize` found the session table full of live sessions.
#[derive(Debug)]
pub(crate) struct TableFull;

/// How often any request sweeps expired sessions out of the table.
const SWEEP_EVERY_MS: u64 = 10_000;

/// The most bytes of `capabilities` a session keeps; a larger `initialize` is refused.
pub(crate) const MAX_CAPABILITIES_BYTES: usize = 16 * 1024;

/// The most characters kept of each `clientInfo` field.
const CLIENT_INFO_CHARS: usize = 256;

/// What a session keeps of `clientInfo`: its name, version and title, each shortened to
/// [`CLIENT_INFO_CHARS`]; the rest of what the client sent is not held.
pub(crate) fn compact_client_info(raw: &RawValue) -> Option<Box<RawValue>> {
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Info {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
    }
    let mut info: Info = serde_json::from_str(raw.get()).ok()?;
    for field in [&mut info.name, &mut info.title, &mut info.version]
        .into_iter()
        .flatten()
    {
        if let Some((end, _)) = field.char_indices().nth(CLIENT_INFO_CHARS) {
            field.truncate(end);
        }
    }
    serde_json::value::to_raw_value(&info).ok()
}

impl Sessions {
    pub(crate) fn new(max: usize, max_per_client: usize, idle: Duration) -> Self {
        Sessions {
            map: Mutex::new(HashMap::new()),
            per_client: Mutex::new(HashMap::new()),
            max_per_client,
            max: max.max(1),
            idle,
            epoch: Instant::now(),
            last_sweep_ms: AtomicU64::new(0),
            all_replay: Arc::default(),
        }
    }

    /// Ends the sessions idle past the limit, at most every [`SWEEP_EVERY_MS`]: any request
    /// reaps them, not only one that names an expired session.
    fn sweep(&self, now: u64) {
        let last = self.last_sweep_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) < SWEEP_EVERY_MS.min(self.idle_ms())
            || self
                .last_sweep_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let mut expired = Vec::new();
        lock(&self.map).retain(|_, s| {
            let keep = !self.expired(s, now);
            if !keep {
                expired.push(s.clone());
            }
            keep
        });
        // Ended outside the lock: ending a session drops its calls.
        self.release(expired);
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn idle_ms(&self) -> u64 {
        u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX)
    }

    fn expired(&self, s: &Session, now: u64) -> bool {
        !s.pinned.load(Ordering::Relaxed)
            && now.saturating_sub(s.last_seen_ms.load(Ordering::Relaxed)) > self.idle_ms()
    }

    /// Starts a session. When the table is full, expired sessions are dropped first; if it is
    /// still full, the new session is refused: a flood of `initialize` calls must not log out
    /// the clients already connected.
    pub(crate) fn create(
        &self,
        version: Version,
        client_capabilities: Option<Box<RawValue>>,
        client_info: Option<Box<RawValue>>,
    ) -> Result<Arc<Session>, TableFull> {
        let id: Arc<str> = uuid::Uuid::new_v4().simple().to_string().into();
        let now = self.now_ms();
        let session = Arc::new(Session {
            id: id.clone(),
            version,
            client_capabilities,
            client_info,
            initialized: AtomicBool::new(false),
            ended: AtomicBool::new(false),
            all_replay: self.all_replay.clone(),
            peer: std::sync::OnceLock::new(),
            owner: std::sync::OnceLock::new(),
            log_level: AtomicU8::new(0),
            subscriptions: Mutex::new(HashSet::new()),
            stream: Mutex::new(None),
            in_flight: Mutex::new(HashMap::new()),
            pending: Mutex::new(HashMap::new()),
            next_request: AtomicU64::new(1),
            last_seen_ms: AtomicU64::new(now),
            pinned: AtomicBool::new(false),
            replay: Mutex::new(Replay::default()),
            next_stream: AtomicU64::new(1),
        });
        let mut map = lock(&self.map);
        if map.len() >= self.max {
            let mut expired = Vec::new();
            map.retain(|_, s| {
                let keep = !self.expired(s, now);
                if !keep {
                    expired.push(s.clone());
                }
                keep
            });
            drop(map);
            self.release(expired);
            map = lock(&self.map);
        }
        if map.len() >= self.max {
            tracing::warn!(
                sessions = map.len(),
                "session table full: refusing a new session"
            );
            return Err(TableFull);
        }
        map.insert(id, session.clone());
        Ok(session)
    }

    /// The most sessions held at once.
    pub(crate) fn capacity(&self) -> usize {
        self.max
    }

    /// The per-client limit, if `peer` has reached it.
    pub(crate) fn refuses(&self, peer: Option<std::net::IpAddr>) -> Option<usize> {
        let peer = peer.filter(|_| self.max_per_client > 0)?;
        let held = lock(&self.per_client).get(&peer).copied().unwrap_or(0);
        (held >= self.max_per_client).then_some(self.max_per_client)
    }

    /// Counts `session` against `peer` until it ends.
    pub(crate) fn assign(&self, session: &Session, peer: std::net::IpAddr) {
        if session.peer.set(peer).is_ok() {
            *lock(&self.per_client).entry(peer).or_insert(0) += 1;
        }
    }

    /// Ends sessions taken out of the table, releasing their clients' quota.
    fn release(&self, ended: impl IntoIterator<Item = Arc<Session>>) {
        for session in ended {
            if let Some(peer) = session.peer.get() {
                let mut per_client = lock(&self.per_client);
                if let Some(n) = per_client.get_mut(peer) {
                    *n -= 1;
                    if *n == 0 {
                        per_client.remove(peer);
                    }
                }
            }
            session.end();
        }
    }

    /// The live session with this id, marked as used now.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<Session>> {
        let now = self.now_ms();
        self.sweep(now);
        let mut map = lock(&self.map);
        let session = map.get(id)?.clone();
        if self.expired(&session, now) {
            map.remove(id);
            drop(map);
            self.release([session]);
            return None;
        }
        session.last_seen_ms.store(now, Ordering::Relaxed);
        Some(session)
    }

    /// Ends a session; whether it existed.
    pub(crate) fn remove(&self, id: &str) -> bool {
        let removed = lock(&self.map).remove(id);
        let existed = removed.is_some();
        self.release(removed);
        existed
    }

    /// Every live session.
    pub(crate) fn all(&self) -> Vec<Arc<Session>> {
        lock(&self.map).values().cloned().collect()
    }

    /// Number of sessions held (including any not yet found expired).
    pub(crate) fn len(&self) -> usize {
        lock(&self.map).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_tables_refuse_new_sessions_and_keep_the_old_ones() {
        let sessions = Sessions::new(2, 0, Duration::from_secs(60));
        let a = sessions.create(Version::V2025_11_25, None, None).unwrap();
        let b = sessions.create(Version::V2025_11_25, None, None).unwrap();
        assert!(sessions.create(Version::V2025_06_18, None, None).is_err());
        assert_eq!(sessions.len(), 2);
        assert!(sessions.get(&a.id).is_some());
        assert!(sessions.get(&b.id).is_some());
        // An ended session makes room.
        assert!(sessions.remove(&a.id));
        let c = sessions.create(Version::V2025_06_18, None, None).unwrap();
        assert_eq!(
            sessions.get(&c.id).map(|s| s.version),
            Some(Version::V2025_06_18)
        );
    }

    #[test]
    fn reconnections_that_leave_again_leave_little_behind() {
        struct Wake;
        impl futures_util::task::ArcWake for Wake {
            fn wake_by_ref(_: &Arc<Self>) {}
        }
        let sessions = Sessions::new(10, 0, Duration::from_secs(60));
        let s = sessions.create(Version::V2025_11_25, None, None).unwrap();
        let stream: Arc<str> = "1".into();
        lock(&s.replay)
            .live
            .push_back((stream.clone(), Live::default()));
        // A thousand clients reconnect to the running call and leave before it says anything.
        for _ in 0..1000 {
            let waker = futures_util::task::waker(Arc::new(Wake));
            let mut cx = std::task::Context::from_waker(&waker);
            assert!(s.follow(&stream, 0, &mut cx).is_pending());
        }
        let waiting = lock(&s.replay).live[0].1.waiting.len();
        assert!(waiting <= 8, "{waiting}");
    }

    #[test]
    fn any_request_sweeps_out_idle_sessions() {
        let sessions = Sessions::new(100, 0, Duration::from_millis(20));
        for _ in 0..10 {
            sessions.create(Version::V2025_11_25, None, None).unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
        // A request naming some other session (or none) reaps them.
        assert!(sessions.get("no-such-session").is_none());
        assert_eq!(sessions.len(), 0);
    }

    #[test]
    fn expired_sessions_make_room() {
        let sessions = Sessions::new(1, 0, Duration::from_millis(20));
        let a = sessions.create(Version::V2025_11_25, None, None).unwrap();
        std::thread::sleep(Duration::from_millis(40));
        assert!(sessions.create(Version::V2025_11_25, None, None).is_ok());
        assert!(sessions.get(&a.id).is_none());
    }

    #[test]
    fn ids_compare_by_value_not_spelling() {
        assert_eq!(canonical_id(r#""s\u002d1""#), r#""s-1""#);
        assert_eq!(canonical_id(r#""s-1""#), r#""s-1""#);
        assert_eq!(canonical_id("7"), "7");
        assert_eq!(canonical_id(r#""a\"b""#), r#""a\"b""#);
    }

    #[test]
    fn replay_buffers_are_bounded_per_session_and_in_all() {
        let sessions = Sessions::new(1000, 0, Duration::from_secs(60));
        let event = Bytes::from(vec![b'x'; 64 * 1024]);
        let all: Vec<_> = (0..600)
            .map(|_| {
                let s = sessions.create(Version::V2025_11_25, None, None).unwrap();
                let stream = s.new_stream(false);
                for seq in 0..8 {
                    s.record(&stream, seq, event.clone());
                }
                assert!(lock(&s.replay).bytes <= REPLAY_BYTES);
                s
            })
            .collect();
        let held: usize = all.iter().map(|s| lock(&s.replay).bytes).sum();
        assert!(held <= ALL_REPLAY_BYTES, "{held}");
        assert_eq!(sessions.all_replay.load(Ordering::Relaxed), held);
        all.iter().for_each(|s| s.end());
        assert_eq!(sessions.all_replay.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn client_info_is_kept_short() {
        let long = "x".repeat(100_000);
        let raw = serde_json::value::to_raw_value(&serde_json::json!({
            "name": long, "version": "1.0", "extra": {"big": long},
        }))
        .unwrap();
        let kept = compact_client_info(&raw).unwrap();
        let value: serde_json::Value = serde_json::from_str(kept.get()).unwrap();
        assert_eq!(value["name"].as_str().unwrap().len(), CLIENT_INFO_CHARS);
        assert_eq!(value["version"], "1.0");
        assert!(value.get("extra").is_none());
    }

    #[test]
    fn idle_sessions_expire() {
        let sessions = Sessions::new(10, 0, Duration::from_millis(20));
        let a = sessions.create(Version::V2025_11_25, None, None).unwrap();
        assert!(sessions.get(&a.id).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(sessions.get(&a.id).is_none());
        assert_eq!(sessions.len(), 0);
    }

    #[test]
    fn ids_are_unique_and_visible_ascii() {
        let sessions = Sessions::new(100, 0, Duration::from_secs(60));
        let ids: std::collections::HashSet<String> = (0..50)
            .map(|_| {
                sessions
                    .create(Version::V2025_11_25, None, None)
                    .unwrap()
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
