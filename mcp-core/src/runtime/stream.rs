//! What a handler sends while it runs (progress, log messages, questions) and the stream that
//! carries those messages, then the response, to the client; and a request's cancellation.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use futures_channel::{mpsc, oneshot};
use futures_util::future::{FutureExt as _, Shared};
use futures_util::{Stream, StreamExt as _};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::util::{lock, BoxFuture};

/// One message on a response stream.
pub(crate) enum Out {
    /// A notification sent while the handler runs.
    Message(Bytes),
    /// The response; nothing follows it.
    Final(Bytes),
    /// A JSON-RPC error that ends the whole request, answered with HTTP 400 (a missing
    /// client capability); nothing follows it, and the handler is stopped.
    Reject(Bytes),
    /// Ends the HTTP response now; the call goes on when the client reconnects with
    /// `Last-Event-ID` (sessions of revision 2025-11-25).
    Close,
}

/// The most bytes that may wait, unread, on one stream. A client that stops reading while
/// the server keeps sending is cut off when its stream holds this much: its connection is
/// ended, and in a session its call goes on in the background as if it had disconnected.
pub(crate) const STREAM_BUFFER_BYTES: usize = 4 * 1024 * 1024;

impl Out {
    fn len(&self) -> usize {
        match self {
            Out::Message(b) | Out::Final(b) | Out::Reject(b) => b.len(),
            Out::Close => 0,
        }
    }
}

/// Where a running handler's messages go: a channel bounded in bytes (see
/// [`STREAM_BUFFER_BYTES`]).
#[derive(Clone)]
pub(crate) struct Sink {
    tx: mpsc::UnboundedSender<Out>,
    queued: Arc<AtomicUsize>,
}

/// A message could not be queued: the stream's reader is gone, or too far behind.
#[derive(Debug)]
pub(crate) struct Gone;

impl Sink {
    /// Queues `out`; a stream whose unread messages would pass the limit is closed.
    pub(crate) fn unbounded_send(&self, out: Out) -> Result<(), Gone> {
        let len = out.len();
        let before = self.queued.fetch_add(len, Ordering::Relaxed);
        if before + len > STREAM_BUFFER_BYTES {
            self.queued.fetch_sub(len, Ordering::Relaxed);
            if !self.tx.is_closed() {
                tracing::warn!(
                    queued = before,
                    "a client stopped reading its event stream; closing the stream"
                );
                self.tx.close_channel();
            }
            return Err(Gone);
        }
        self.tx.unbounded_send(out).map_err(|_| {
            self.queued.fetch_sub(len, Ordering::Relaxed);
            Gone
        })
    }

    /// Whether the reader is gone.
    pub(crate) fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// The reading end of a [`Sink`].
pub(crate) struct Receiver {
    rx: mpsc::UnboundedReceiver<Out>,
    queued: Arc<AtomicUsize>,
}

impl Stream for Receiver {
    type Item = Out;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Out>> {
        let polled = self.rx.poll_next_unpin(cx);
        if let Poll::Ready(Some(out)) = &polled {
            self.queued.fetch_sub(out.len(), Ordering::Relaxed);
        }
        polled
    }
}

/// A new stream's two ends.
pub(crate) fn channel() -> (Sink, Receiver) {
    let (tx, rx) = mpsc::unbounded();
    let queued = Arc::new(AtomicUsize::new(0));
    (
        Sink {
            tx,
            queued: queued.clone(),
        },
        Receiver { rx, queued },
    )
}

/// A response given as JSON-RPC messages: notifications first, the response last.
///
/// Polling the stream also drives the handler, so dropping the stream (the client went away)
/// drops the handler: that is cancellation.
pub(crate) struct MessageStream {
    run: Option<BoxFuture<'static, ()>>,
    rx: Receiver,
    done: bool,
    rejected: bool,
    /// Set by [`Out::Close`]: the stream yields nothing until reopened.
    closed: bool,
    /// A call's stream, which ends with its response.
    call: bool,
    /// The JSON id text of the call, in a session.
    request: Option<Arc<str>>,
}

impl MessageStream {
    /// `run` drives the handler and ends by sending [`Out::Final`] through the sink paired
    /// with `rx`.
    pub(crate) fn new(run: impl Future<Output = ()> + Send + 'static, rx: Receiver) -> Self {
        MessageStream {
            run: Some(Box::pin(run)),
            rx,
            done: false,
            rejected: false,
            closed: false,
            call: true,
            request: None,
        }
    }

    /// A stream of whatever arrives on `rx` until the sender goes away (a session's
    /// standalone stream).
    pub(crate) fn listen(rx: Receiver) -> Self {
        MessageStream {
            run: None,
            rx,
            done: false,
            rejected: false,
            closed: false,
            call: false,
            request: None,
        }
    }

    /// Names the call the stream answers (its JSON id text), so `notifications/cancelled`
    /// can find it while it waits for a reconnection.
    pub(crate) fn for_request(mut self, request: &str) -> Self {
        self.request = Some(request.into());
        self
    }

    pub(crate) fn request(&self) -> Option<&str> {
        self.request.as_deref()
    }

    /// Whether this is a call's stream (not a standalone one) whose response is still to
    /// come.
    pub(crate) fn awaits_response(&self) -> bool {
        self.call && !self.done
    }

    /// Resumes a stream ended by [`Out::Close`].
    pub(crate) fn reopen(&mut self) {
        self.closed = false;
    }

    /// Whether the response has been yielded (nothing more will come).
    pub(crate) fn finished(&self) -> bool {
        self.done
    }

    /// Whether the request ended with an [`Out::Reject`] error.
    pub(crate) fn rejected(&self) -> bool {
        self.rejected
    }

    pub(crate) fn channel() -> (Sink, Receiver) {
        channel()
    }
}

impl Stream for MessageStream {
    type Item = Bytes;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Bytes>> {
        if self.done || self.closed {
            return Poll::Ready(None);
        }
        if let Some(run) = self.run.as_mut() {
            if run.as_mut().poll(cx).is_ready() {
                self.run = None;
            }
        }
        match self.rx.poll_next_unpin(cx) {
            Poll::Ready(Some(Out::Message(bytes))) => Poll::Ready(Some(bytes)),
            Poll::Ready(Some(Out::Final(bytes))) => {
                // Anything a handler sends after its result (e.g. from a task it spawned
                // with a cloned `Context`) is dropped.
                self.done = true;
                Poll::Ready(Some(bytes))
            }
            Poll::Ready(Some(Out::Reject(bytes))) => {
                self.done = true;
                self.rejected = true;
                self.run = None;
                Poll::Ready(Some(bytes))
            }
            Poll::Ready(Some(Out::Close)) => {
                self.closed = true;
                Poll::Ready(None)
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            // A call whose handler ended without a response (it was aborted by
            // `notifications/cancelled`) ends its stream, even if a task it spawned still
            // holds a `Context`.
            Poll::Pending if self.call && self.run.is_none() => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl std::fmt::Debug for MessageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageStream")
            .field("running", &self.run.is_some())
            .field("done", &self.done)
            .finish()
    }
}

/// A request's cancellation signal, made only if a handler asks for it (most requests never
/// do, and pay nothing). Finishing the guard means the handler completed; dropping it
/// unfinished (the handler's future was dropped: the client left, or cancelled) fires the
/// signal.
#[derive(Default)]
pub(crate) struct CancelGuard {
    tx: std::sync::Mutex<Option<oneshot::Sender<()>>>,
    signal: std::sync::OnceLock<Cancellation>,
}

impl CancelGuard {
    /// The signal, made on first use.
    pub(crate) fn signal(&self) -> Cancellation {
        self.signal
            .get_or_init(|| {
                let (tx, rx) = oneshot::channel();
                *lock(&self.tx) = Some(tx);
                Cancellation(rx.shared())
            })
            .clone()
    }

    /// The handler finished: the signal never fires.
    pub(crate) fn finish(self) {
        let tx = lock(&self.tx).take();
        if let Some(tx) = tx {
            let _ = tx.send(());
        }
    }
}

/// A request's cancellation signal, shared by clones of its `Context`. Dropping the guard's
/// sender unsent wakes every waiter with `Canceled`.
#[derive(Clone)]
pub(crate) struct Cancellation(Shared<oneshot::Receiver<()>>);

impl Cancellation {
    pub(crate) fn is_cancelled(&self) -> bool {
        matches!(self.0.clone().now_or_never(), Some(Err(_)))
    }

    pub(crate) async fn cancelled(&self) {
        if self.0.clone().await.is_err() {
            return;
        }
        std::future::pending::<()>().await;
    }
}
