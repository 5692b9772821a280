//! [`EventStream`]: a response sent as server-sent events; in a session, numbered, kept for
//! replay, and resumable with `Last-Event-ID`.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};

use crate::runtime::stream::MessageStream;
use crate::session::{self, Session, Spawn};

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
    pub(super) fn new(
        first: Option<Bytes>,
        messages: MessageStream,
        session: Option<Arc<Session>>,
        spawn: Option<Spawn>,
    ) -> EventStream {
        let mut queued = VecDeque::new();
        let ids = session.map(|session| {
            let stream = session.new_stream(!messages.awaits_response());
            if session.version.primes_event_streams() {
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
    pub(super) fn resume(
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
            let messages = MessageStream::listen(session.reopen_stream());
            let mut events = EventStream::new(None, messages, Some(session), spawn);
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
