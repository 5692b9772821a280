//! The stdio transport: newline-delimited JSON-RPC on a reader and a writer (the process's
//! standard input and output, or any pair), for clients that launch the server as a child
//! process.
//!
//! Both eras share the one channel, chosen per message as over HTTP: a request carrying the
//! `_meta` envelope (with its protocol version) is answered in the stateless revision
//! `2026-07-28`; `initialize` opens the process's one session, and requests without the
//! envelope then belong to it. Requests run concurrently and are answered as they finish;
//! what a handler sends while it runs (progress, log messages, questions to the client in the
//! session revisions) and what the server sends outside any request (resource updates, list
//! changes) is interleaved on the same channel. `notifications/cancelled` stops the request
//! it names, in both eras.
//!
//! Only protocol messages are written to the writer: logs belong on standard error (the
//! framework logs through `tracing`; send its output to `stderr`). A line that is not a
//! JSON-RPC message gets a JSON-RPC error and the server carries on. At the end of the input
//! the server stops reading, ends its subscriptions, waits for the requests in flight and
//! returns.
//!
//! ```no_run
//! # async fn run(server: mcp_core::Server) -> std::io::Result<()> {
//! mcp_core::stdio::Stdio::new(server).serve().await
//! # }
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use bytes::Bytes;
use futures_channel::mpsc;
use futures_util::future::{AbortHandle, Abortable};
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt as _;
use serde_json::value::RawValue;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use crate::handler::caller::Caller;
use crate::runtime::stream::MessageStream;
use crate::server::envelope::{check_envelope, supported};
use crate::server::{Outcome, Server};
use crate::session::{canonical_id, Session};
use crate::wire::{self, code, Chunks, Kind, Message, Method, RpcError, Version};

/// The longest message line read by default (4 MiB).
pub const DEFAULT_MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// Serves one [`Server`] over newline-delimited JSON-RPC.
///
/// Needs a Tokio runtime (such as the one `#[actix_web::main]` or `#[tokio::main]` starts);
/// everything runs on the task that awaits [`serve`](Stdio::serve).
#[derive(Clone, Debug)]
pub struct Stdio {
    server: Server,
    max_line_bytes: usize,
    caller: Caller,
}

impl Stdio {
    /// Serves `server`.
    pub fn new(server: Server) -> Self {
        server.set_spawn(|task| {
            tokio::spawn(task);
        });
        Stdio {
            server,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            caller: Caller::anonymous(),
        }
    }

    /// Whom requests come from (default: anonymous, who sees no item that names `roles`).
    /// The process that launched the server decides: stdio carries no credentials.
    pub fn caller(mut self, caller: Caller) -> Self {
        self.caller = caller;
        self
    }

    /// The longest message accepted, in bytes (default [`DEFAULT_MAX_LINE_BYTES`]); a longer
    /// line is skipped and answered with an error.
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes.max(1);
        self
    }

    /// Serves on standard input and output until standard input ends.
    ///
    /// When both are pipes (as when a client launches the server) on Linux, they are read and
    /// written without blocking, on the runtime's I/O driver; otherwise through Tokio's
    /// `stdin`/`stdout`, which hand every read and write to a blocking thread.
    pub async fn serve(self) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        if let Some((input, output)) = pipes() {
            return self.serve_on(input, output).await;
        }
        self.serve_on(tokio::io::stdin(), tokio::io::stdout()).await
    }

    /// Serves on `input` and `output` until `input` ends; an error writing `output` ends it
    /// early.
    pub async fn serve_on<R, W>(self, input: R, output: W) -> io::Result<()>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let (tx, mut outgoing) = mpsc::unbounded();
        let conn = Connection {
            server: self.server,
            caller: self.caller,
            out: tx,
            session: RefCell::new(None),
            requests: RefCell::new(HashMap::new()),
            endless: RefCell::new(Vec::new()),
        };
        let mut lines = Lines::new(BufReader::new(input), self.max_line_bytes);
        let mut output = tokio::io::BufWriter::new(output);
        let mut work = FuturesUnordered::new();
        let mut reading = true;
        loop {
            tokio::select! {
                biased;
                // Each message is written, and flushed, on its own: a client that reads a
                // notification and the response after it in one chunk may handle them out of
                // order (the TypeScript SDK runs notification handlers a tick later).
                Some(message) = outgoing.next() => {
                    write_line(&mut output, &message).await?;
                    output.flush().await?;
                }
                Some(()) = work.next(), if !work.is_empty() => {}
                line = lines.next(), if reading => match line? {
                    Line::Message(line) => work.push(conn.handle(line)),
                    Line::TooLong => conn.send(wire::error_bytes(None, &too_long(self.max_line_bytes)).into()),
                    Line::End => {
                        reading = false;
                        conn.input_ended();
                    }
                },
            }
            if !reading && work.is_empty() {
                break;
            }
        }
        drop(work);
        conn.close();
        while let Ok(message) = outgoing.try_recv() {
            write_line(&mut output, &message).await?;
        }
        output.flush().await
    }
}

/// Standard input and output reopened as non-blocking pipes, when both are pipes. Reopened
/// through `/proc/self/fd`, they get open file descriptions of their own, so the process's
/// standard streams (and a child that inherits them) stay blocking.
#[cfg(target_os = "linux")]
fn pipes() -> Option<(
    tokio::net::unix::pipe::Receiver,
    tokio::net::unix::pipe::Sender,
)> {
    use tokio::net::unix::pipe::OpenOptions;
    let input = OpenOptions::new().open_receiver("/proc/self/fd/0").ok()?;
    let output = OpenOptions::new().open_sender("/proc/self/fd/1").ok()?;
    Some((input, output))
}

async fn write_line<W: AsyncWrite + Unpin>(output: &mut W, message: &[u8]) -> io::Result<()> {
    output.write_all(message).await?;
    output.write_all(b"\n").await
}

fn too_long(max: usize) -> RpcError {
    RpcError::new(
        code::INVALID_REQUEST,
        format!("Invalid Request: a message is longer than {max} bytes"),
    )
}

/// What one read from the input produced.
enum Line {
    Message(Vec<u8>),
    /// A line over the limit (skipped up to its end).
    TooLong,
    End,
}

/// Reads lines of at most a limit; [`next`](Lines::next) may be cancelled between reads
/// without losing input.
struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    max: usize,
    skipping: bool,
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    fn new(reader: R, max: usize) -> Self {
        Lines {
            reader,
            buf: Vec::new(),
            max,
            skipping: false,
        }
    }

    /// The next non-blank line, without its line ending.
    async fn next(&mut self) -> io::Result<Line> {
        loop {
            let available = self.reader.fill_buf().await?;
            if available.is_empty() {
                if self.skipping {
                    self.skipping = false;
                    return Ok(Line::TooLong);
                }
                if self.take_line().is_empty() {
                    return Ok(Line::End);
                }
                return Ok(Line::Message(std::mem::take(&mut self.buf)));
            }
            let (chunk, ends) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            if !self.skipping {
                if self.buf.len() + chunk > self.max {
                    self.skipping = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(&available[..chunk]);
                }
            }
            self.reader.consume(chunk + usize::from(ends));
            if !ends {
                continue;
            }
            if std::mem::take(&mut self.skipping) {
                return Ok(Line::TooLong);
            }
            if !self.take_line().is_empty() {
                return Ok(Line::Message(std::mem::take(&mut self.buf)));
            }
        }
    }

    /// The line read so far, trimmed of its `\r` and surrounding blanks (emptied when blank).
    fn take_line(&mut self) -> &[u8] {
        if self.buf.iter().all(u8::is_ascii_whitespace) {
            self.buf.clear();
        } else if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        &self.buf
    }
}

/// One client's channel: its session (once it sends `initialize`) and the requests in flight.
struct Connection {
    server: Server,
    caller: Caller,
    out: mpsc::UnboundedSender<Bytes>,
    session: RefCell<Option<Arc<Session>>>,
    /// The requests in flight, by id, for `notifications/cancelled`.
    requests: RefCell<HashMap<String, AbortHandle>>,
    /// The streams that run until the client leaves: listen streams and the session's own.
    endless: RefCell<Vec<AbortHandle>>,
}

impl Connection {
    fn send(&self, message: Bytes) {
        // The receiver lives as long as the serving loop, which outlives every request.
        let _ = self.out.unbounded_send(message);
    }

    fn send_chunks(&self, chunks: Chunks) {
        self.send(chunks.to_vec().into());
    }

    /// The input ended: subscriptions end, and questions to the client go unanswered.
    fn input_ended(&self) {
        for stream in self.endless.borrow_mut().drain(..) {
            stream.abort();
        }
        if let Some(session) = self.session.borrow().as_ref() {
            session.drop_questions();
        }
    }

    /// Everything has finished: the session ends.
    fn close(&self) {
        if let Some(session) = self.session.borrow_mut().take() {
            self.server.inner.sessions.remove(&session.id);
        }
    }

    async fn handle(&self, line: Vec<u8>) {
        if line.first() == Some(&b'[') {
            return self.batch(&line).await;
        }
        let msg = match wire::parse(&line) {
            Ok(msg) => msg,
            Err(malformed) => return self.send(malformed.0.into()),
        };
        let Some(id) = msg.request_id() else {
            return self.notification(&msg).await;
        };
        let key = canonical_id(id.get()).into_owned();
        let (abort, registration) = AbortHandle::new_pair();
        if self.requests.borrow().contains_key(&key) {
            let why = "Invalid Request: a request with this id is still in progress";
            let err = RpcError::new(code::INVALID_REQUEST, why);
            return self.send(wire::error_bytes(Some(id), &err).into());
        }
        self.requests.borrow_mut().insert(key.clone(), abort);
        // Cancelled: dropped where it stands, and nothing more is sent for it.
        let _ = Abortable::new(self.request(&msg, &key), registration).await;
        self.requests.borrow_mut().remove(&key);
    }

    /// A notification, or a response to a question the server asked (session revisions).
    async fn notification(&self, msg: &Message<'_>) {
        if msg.method == Some(Method::Cancelled) {
            let named = msg
                .params
                .request_id
                .map(|r| canonical_id(r.get()).into_owned());
            // `initialize` is no longer in the table once answered: it can't be cancelled.
            if let Some(abort) = named.and_then(|r| self.requests.borrow_mut().remove(&r)) {
                abort.abort();
            }
        }
        let session = self.session.borrow().clone();
        if let Some(session) = session {
            self.server
                .dispatch(msg, session.version, Some(&session), &self.caller)
                .await;
        }
    }

    async fn request(&self, msg: &Message<'_>, key: &str) {
        let outcome = match self.route(msg) {
            Ok((version, session)) => {
                self.server
                    .dispatch(msg, version, session.as_ref(), &self.caller)
                    .await
            }
            Err(err) => Outcome::error(msg.id, &err),
        };
        match outcome {
            Outcome::Response(body) | Outcome::Refused(body, _) => self.send_chunks(body),
            Outcome::Accepted => {}
            Outcome::Opened(body, session) => self.opened(body, session, key).await,
            Outcome::Stream(messages, _) if msg.method == Some(Method::Listen) => {
                self.endless(self.forward(messages)).await
            }
            Outcome::Stream(messages, _) => self.forward(messages).await,
        }
    }

    /// The revision a request is answered in, and its session: the envelope's revision, or
    /// the session's; `initialize` opens the session.
    fn route(&self, msg: &Message<'_>) -> Result<(Version, Option<Arc<Session>>), RpcError> {
        let session = self.session.borrow().clone();
        let has_envelope = msg
            .params
            .meta
            .as_ref()
            .is_some_and(|m| m.protocol_version.is_some());
        if has_envelope {
            return Ok((supported(check_envelope(msg)?)?, None));
        }
        match (session, msg.method) {
            (Some(_), Some(Method::Initialize)) => Err(RpcError::new(
                code::INVALID_REQUEST,
                "Invalid Request: Server already initialized",
            )),
            (None, Some(Method::Initialize)) => Ok((Version::NEWEST_SESSION, None)),
            (Some(session), _) => {
                // Marks it used; pinned, so it never expires while the process runs.
                self.server.inner.sessions.get(&session.id);
                Ok((session.version, Some(session)))
            }
            // Neither an envelope nor a session: the envelope's error says what is missing.
            (None, _) => Err(check_envelope(msg).err().unwrap_or_else(|| {
                RpcError::new(
                    code::INVALID_REQUEST,
                    "Invalid Request: send initialize first",
                )
            })),
        }
    }

    /// `initialize` answered: the session is this channel's from now on, and its messages
    /// outside any request (resource updates, list changes) follow on it.
    async fn opened(&self, body: Chunks, session: Arc<Session>, key: &str) {
        session.pin();
        self.send_chunks(body);
        *self.session.borrow_mut() = Some(session.clone());
        self.requests.borrow_mut().remove(key);
        if let Some(rx) = session.open_stream() {
            self.endless(self.forward(MessageStream::listen(rx))).await;
        }
    }

    /// Runs `stream` until it ends or the input does.
    async fn endless(&self, stream: impl std::future::Future<Output = ()>) {
        let (abort, registration) = AbortHandle::new_pair();
        self.endless.borrow_mut().push(abort);
        let _ = Abortable::new(stream, registration).await;
    }

    /// Sends a request's messages as they come, its response last.
    async fn forward(&self, mut messages: MessageStream) {
        loop {
            while let Some(message) = messages.next().await {
                self.send(message);
            }
            // An event stream's pause for a reconnection means nothing here: go on.
            if !messages.awaits_response() {
                return;
            }
            messages.reopen();
        }
    }

    /// A batch (sessions of revision 2025-03-26): its items run concurrently; the responses
    /// are answered together as one array, notifications sent while they run go ahead.
    async fn batch(&self, line: &[u8]) {
        let session = self.session.borrow().clone();
        let session = match session {
            Some(s) if s.version.accepts_batches() => s,
            _ => {
                let why =
                    "Invalid Request: batches are accepted only in sessions of revision 2025-03-26";
                let err = RpcError::new(code::INVALID_REQUEST, why);
                return self.send(wire::error_bytes(None, &err).into());
            }
        };
        let items: Vec<&RawValue> = match serde_json::from_slice(line) {
            Ok(items) => items,
            Err(_) => {
                let err = RpcError::new(code::PARSE_ERROR, "Parse error: invalid JSON array");
                return self.send(wire::error_bytes(None, &err).into());
            }
        };
        let answers = futures_util::future::join_all(
            items.iter().map(|item| self.batch_item(item, &session)),
        )
        .await;
        let answers: Vec<Bytes> = answers.into_iter().flatten().collect();
        if !answers.is_empty() {
            let mut array = b"[".to_vec();
            for (i, answer) in answers.iter().enumerate() {
                if i > 0 {
                    array.push(b',');
                }
                array.extend_from_slice(answer);
            }
            array.push(b']');
            self.send(array.into());
        }
    }

    /// One item of a batch: its response, if it has one.
    async fn batch_item(&self, item: &RawValue, session: &Arc<Session>) -> Option<Bytes> {
        let msg = match wire::parse(item.get().as_bytes()) {
            Ok(msg) => msg,
            Err(malformed) => return Some(malformed.0.into()),
        };
        if msg.kind != Kind::Request {
            self.notification(&msg).await;
            return None;
        }
        match self
            .server
            .dispatch(&msg, session.version, Some(session), &self.caller)
            .await
        {
            Outcome::Response(body) | Outcome::Refused(body, _) | Outcome::Opened(body, _) => {
                Some(body.to_vec().into())
            }
            Outcome::Accepted => None,
            Outcome::Stream(mut messages, _) => {
                while let Some(message) = messages.next().await {
                    if messages.finished() {
                        return Some(message);
                    }
                    self.send(message);
                }
                None
            }
        }
    }
}
