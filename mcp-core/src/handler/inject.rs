//! Values the framework passes to handlers instead of client arguments: [`State`] and
//! [`Context`].

use std::any::Any;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use std::future::IntoFuture;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::Error;
use crate::handler::registry::StateKey;
use crate::handler::scope::RequestScope;
use crate::logging::LogLevel;
use crate::runtime::mrtr::Inputs;
use crate::runtime::stream::{CancelGuard, Cancellation, Out, Sink};
use crate::runtime::task::{LiveTask, TaskCell};
use crate::session::Session;
use crate::util::{lock, BoxFuture};
use crate::wire::{code, RpcError, Version};

/// Shared state registered with [`ServerBuilder::state`](crate::ServerBuilder::state).
///
/// A parameter of type `State<T>` is filled by the framework, never by the client, and is not
/// part of the tool's schema. `build()` fails if a handler needs a `T` that was not registered.
pub struct State<T: ?Sized>(Arc<T>);

impl<T: ?Sized> State<T> {
    /// The shared pointer.
    pub fn into_arc(self) -> Arc<T> {
        self.0
    }
}

impl<T: ?Sized> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The request being handled: protocol revision, client, session, and a channel back to the
/// client while a tool runs.
///
/// Add a `Context` parameter to any tool, resource or prompt function to receive it. A tool
/// that takes a `Context` can report progress and send log messages; when the request asks
/// for either (a progress token, a log level), its answer is a stream (`text/event-stream`
/// over HTTP) carrying those messages before the result. Otherwise it is answered like any
/// other tool.
///
/// ```
/// use mcp_core::{tool, Context, LogLevel};
///
/// /// Index the documents.
/// #[tool]
/// async fn reindex(ctx: Context, documents: Vec<String>) -> String {
///     let total = documents.len() as f64;
///     for (done, doc) in documents.iter().enumerate() {
///         ctx.log(LogLevel::Debug, format!("indexing {doc}")).await;
///         ctx.progress(done as f64, Some(total), None).await;
///     }
///     ctx.progress(total, Some(total), Some("done")).await;
///     format!("indexed {total} documents")
/// }
/// ```
#[derive(Clone)]
pub struct Context {
    inner: Arc<ContextInner>,
}

struct ContextInner {
    server: Arc<str>,
    version: Version,
    request_id: Box<RawValue>,
    /// The client's info and capabilities as sent (from the request's envelope; in a session,
    /// read from the session), parsed on first use.
    client_info: Option<Box<RawValue>>,
    client_capabilities: Option<Box<RawValue>>,
    parsed_info: OnceLock<Option<Value>>,
    parsed_capabilities: OnceLock<Value>,
    progress_token: Option<Box<RawValue>>,
    log_level: Option<LogLevel>,
    sink: Option<Sink>,
    session: Option<Arc<Session>>,
    inputs: Option<Arc<Inputs>>,
    cancel: Option<Cancellation>,
    /// Set when the call may become a task.
    task: Option<Arc<TaskCell>>,
    /// How long a question to the client (in a session) waits for its answer.
    client_timeout: std::time::Duration,
}

/// How the user answered an elicitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElicitAction {
    /// The user submitted the form.
    Accept,
    /// The user refused.
    Decline,
    /// The user dismissed the request without choosing.
    Cancel,
}

/// The user's answer to [`Context::elicit`].
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[non_exhaustive]
pub struct ElicitResult {
    /// What the user did.
    pub action: ElicitAction,
    /// The submitted values, when `action` is `Accept`.
    #[serde(default)]
    pub content: Option<serde_json::Map<String, Value>>,
}

#[derive(Serialize)]
struct Request<'a> {
    jsonrpc: &'static str,
    id: &'a RawValue,
    method: &'a str,
    params: &'a Value,
}

/// Returns `Pending` once (waking at once), so that whoever polls the handler sees it wait.
struct YieldNow(bool);

impl std::future::Future for YieldNow {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

/// Forgets a request to the client if its caller stops waiting (cancellation).
struct Awaiting<'a>(&'a Session, &'a str);

impl Drop for Awaiting<'_> {
    fn drop(&mut self) {
        self.0.forget(self.1);
    }
}

#[derive(Serialize)]
struct Notification<'a, P> {
    jsonrpc: &'static str,
    method: &'a str,
    params: P,
}

#[derive(Serialize)]
struct ProgressParams<'a> {
    #[serde(rename = "progressToken")]
    progress_token: &'a RawValue,
    progress: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct LogParams<'a, D> {
    level: LogLevel,
    logger: &'a str,
    data: D,
}

impl Context {
    /// Copies what the handler may ask for out of the request; nothing is parsed until it
    /// is asked for.
    pub(crate) fn from_scope(scope: &RequestScope<'_>) -> Context {
        // In a session, the client's info and capabilities are read from the session.
        let own = |raw: Option<&RawValue>| match scope.session {
            Some(_) => None,
            None => raw.map(ToOwned::to_owned),
        };
        Context {
            inner: Arc::new(ContextInner {
                server: scope.server.name.clone(),
                version: scope.version,
                request_id: scope.id.to_owned(),
                client_info: own(scope.client_info),
                client_capabilities: own(scope.client_capabilities),
                parsed_info: OnceLock::new(),
                parsed_capabilities: OnceLock::new(),
                progress_token: scope.progress_token.map(ToOwned::to_owned),
                log_level: scope.log_level,
                sink: scope.sink.cloned(),
                session: scope.session.cloned(),
                inputs: scope.inputs.cloned(),
                cancel: scope.cancel.map(CancelGuard::signal),
                task: scope.task.cloned(),
                client_timeout: scope.server.client_request_timeout,
            }),
        }
    }

    fn raw_client_info(&self) -> Option<&RawValue> {
        match &self.inner.session {
            Some(session) => session.client_info.as_deref(),
            None => self.inner.client_info.as_deref(),
        }
    }

    fn raw_client_capabilities(&self) -> Option<&RawValue> {
        match &self.inner.session {
            Some(session) => session.client_capabilities.as_deref(),
            None => self.inner.client_capabilities.as_deref(),
        }
    }

    fn send<P: Serialize>(&self, method: &str, params: P) {
        let Some(sink) = &self.inner.sink else { return };
        match serde_json::to_vec(&Notification {
            jsonrpc: "2.0",
            method,
            params,
        }) {
            Ok(bytes) => {
                // The response stream may be gone (the client left): nothing to do then.
                let _ = sink.unbounded_send(Out::Message(bytes.into()));
            }
            Err(err) => {
                tracing::warn!(error = %err, method, "a notification could not be serialized")
            }
        }
    }

    /// Reports progress (`notifications/progress`) if the client asked for it by sending a
    /// progress token; otherwise does nothing. `progress` should increase with each call;
    /// `total` is the value meaning "done", if known.
    ///
    /// In a task, progress also becomes the task's `statusMessage` (what `tasks/get` shows).
    pub async fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        if let Some(task) = self.inner.task.as_deref().and_then(TaskCell::started) {
            let note = match (total, message) {
                (Some(total), Some(message)) => format!("{progress}/{total}: {message}"),
                (Some(total), None) => format!("{progress}/{total}"),
                (None, Some(message)) => format!("{progress}: {message}"),
                (None, None) => format!("{progress}"),
            };
            task.note(note).await;
        }
        if let Some(token) = &self.inner.progress_token {
            self.send(
                "notifications/progress",
                ProgressParams {
                    progress_token: token,
                    progress,
                    total,
                    message,
                },
            );
        }
    }

    /// Whether a progress token came with the request.
    pub fn wants_progress(&self) -> bool {
        self.inner.progress_token.is_some() && self.inner.sink.is_some()
    }

    /// Sends a log message (`notifications/message`) if the client asked for messages at
    /// `level` or above: with `logging/setLevel` in a session, or with the request's
    /// `logLevel` in revision 2026-07-28. `data` is any JSON value, usually a string.
    pub async fn log(&self, level: LogLevel, data: impl Serialize) {
        if self.log_enabled(level) {
            self.send(
                "notifications/message",
                LogParams {
                    level,
                    logger: &self.inner.server,
                    data,
                },
            );
        }
    }

    /// Asks the user, through the client, to fill in a form (`elicitation/create`).
    ///
    /// `requested_schema` is a flat JSON Schema object whose properties are strings, numbers,
    /// booleans or enums. Never ask for secrets this way.
    ///
    /// Works the same in both protocol eras; see [`Question`] for how. Fails when the client did
    /// not declare the `elicitation` capability (check [`can_elicit`](Self::can_elicit)
    /// first to offer a fallback).
    ///
    /// ```
    /// use mcp_core::{tool, Context, ElicitAction};
    /// use serde_json::json;
    ///
    /// /// Delete a file, after asking.
    /// #[tool(destructive)]
    /// async fn delete(ctx: Context, path: String) -> Result<String, mcp_core::Error> {
    ///     let schema = json!({
    ///         "type": "object",
    ///         "properties": {"confirm": {"type": "boolean"}},
    ///         "required": ["confirm"],
    ///     });
    ///     let answer = ctx.elicit(format!("Delete {path}?"), schema).key("confirm").await?;
    ///     let confirmed = answer.action == ElicitAction::Accept
    ///         && answer.content.as_ref().and_then(|c| c.get("confirm")) == Some(&json!(true));
    ///     Ok(if confirmed { format!("deleted {path}") } else { "kept".into() })
    /// }
    /// ```
    pub fn elicit(
        &self,
        message: impl Into<String>,
        requested_schema: Value,
    ) -> Question<'_, ElicitResult> {
        let params =
            serde_json::json!({ "message": message.into(), "requestedSchema": requested_schema });
        Question::new(self, &Ask::ELICIT, params)
    }

    /// Asks the user to fill in a form described by `T` (`elicitation/create`): the form's
    /// schema is `T`'s JSON Schema (doc comments become field descriptions), and an accepted
    /// form is deserialized into `T`.
    ///
    /// `T` should be a flat struct of strings, numbers, booleans and enums, which is what
    /// clients can render. Its schema is generated once per type. Otherwise like
    /// [`elicit`](Self::elicit).
    ///
    /// ```
    /// use mcp_core::{tool, Context, Elicitation, Error};
    ///
    /// /// Who to book the table for.
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Booking {
    ///     /// The name on the reservation
    ///     name: String,
    ///     /// How many people
    ///     guests: u8,
    /// }
    ///
    /// /// Book a table.
    /// #[tool]
    /// async fn book(ctx: Context) -> Result<String, Error> {
    ///     Ok(match ctx.elicit_form::<Booking>("Who is the booking for?").await? {
    ///         Elicitation::Accept(b) => format!("booked for {} ({} guests)", b.name, b.guests),
    ///         Elicitation::Decline | Elicitation::Cancel => "no booking made".into(),
    ///     })
    /// }
    /// ```
    pub fn elicit_form<T>(&self, message: impl Into<String>) -> Question<'_, Elicitation<T>>
    where
        T: JsonSchema + DeserializeOwned + 'static,
    {
        let params = serde_json::json!({
            "message": message.into(),
            "requestedSchema": form_schema::<T>(),
        });
        Question::new(self, &Ask::ELICIT, params)
    }

    /// Asks the client's language model for a message (`sampling/createMessage`). `params`
    /// are the request's parameters (`messages`, `maxTokens`, `systemPrompt`, ...); the result
    /// is the client's (`role`, `content`, `model`, `stopReason`).
    ///
    /// Works the same in both protocol eras; see [`Question`]. Fails when the client did not
    /// declare the `sampling` capability (see [`can_sample`](Self::can_sample)).
    pub fn sample(&self, params: Value) -> Question<'_, Value> {
        Question::new(self, &Ask::SAMPLE, params)
    }

    /// The client's roots (`roots/list`): `{"roots": [{"uri": "file://..", "name": ..}]}`.
    ///
    /// Works the same in both protocol eras; see [`Question`]. Fails when the client did not
    /// declare the `roots` capability (see [`can_list_roots`](Self::can_list_roots)).
    pub fn roots(&self) -> Question<'_, Value> {
        Question::new(self, &Ask::ROOTS, serde_json::json!({}))
    }

    /// Whether the client declared the `elicitation` capability (for this request, or at
    /// `initialize`).
    pub fn can_elicit(&self) -> bool {
        self.has_capability("elicitation")
    }

    /// Whether the client declared the `sampling` capability.
    pub fn can_sample(&self) -> bool {
        self.has_capability("sampling")
    }

    /// Whether the client declared the `roots` capability.
    pub fn can_list_roots(&self) -> bool {
        self.has_capability("roots")
    }

    fn has_capability(&self, name: &str) -> bool {
        self.client_capabilities()
            .get(name)
            .is_some_and(|c| !c.is_null())
    }

    async fn ask(&self, ask: &Ask, key: Option<String>, params: Value) -> Result<Value, Error> {
        if let Some(task) = self.inner.task.as_deref().and_then(TaskCell::started) {
            return self.ask_in_task(task, ask, key, params).await;
        }
        if !self.inner.version.asks_by_retry() {
            return self.request(ask, &params).await;
        }
        let Some(inputs) = &self.inner.inputs else {
            return Err(Error::new(format!(
                "`{}` is only available while handling tools/call, prompts/get or resources/read",
                ask.method
            )));
        };
        if !self.has_capability(ask.capability) {
            // A server must not ask for what the request's capabilities lack: the request
            // ends with MissingRequiredClientCapability (HTTP 400).
            let capability = ask.capability;
            inputs.halt(
                true,
                RpcError::new(
                    code::MISSING_REQUIRED_CLIENT_CAPABILITY,
                    format!("Missing required client capability: {capability}"),
                )
                .with_data(serde_json::json!({ "requiredCapabilities": { capability: {} } })),
            );
            return std::future::pending().await;
        }
        let key = key.unwrap_or_else(|| inputs.auto_key(ask.kind));
        match inputs.answer(&key) {
            Some(answer) => match (ask.check)(&answer) {
                Ok(()) => Ok(answer),
                Err(why) => {
                    inputs.halt(
                        false,
                        RpcError::new(
                            code::INVALID_PARAMS,
                            format!(
                                "Invalid params: `inputResponses.{key}` is not a valid `{}` result: {why}",
                                ask.method
                            ),
                        ),
                    );
                    std::future::pending().await
                }
            },
            None => {
                // The request is answered with `input_required`; this handler is dropped and
                // runs again when the client calls back with the answer.
                inputs.ask(key, ask.method, params);
                std::future::pending().await
            }
        }
    }

    /// Asks through the task this call became: the task waits in `input_required` until the
    /// client answers (`tasks/update` in 2026-07-28; in a 2025-11-25 session, the answer to
    /// the request sent on its `tasks/result` stream).
    async fn ask_in_task(
        &self,
        task: &LiveTask,
        ask: &Ask,
        key: Option<String>,
        mut params: Value,
    ) -> Result<Value, Error> {
        if !self.inner.version.asks_by_retry() {
            // A session: the question goes out on the task's stream (to the client's
            // `tasks/result` call), tagged with the task, while the task is `input_required`.
            if let Value::Object(fields) = &mut params {
                let meta = fields
                    .entry("_meta")
                    .or_insert_with(|| serde_json::json!({}));
                if let Value::Object(meta) = meta {
                    meta.insert(
                        "io.modelcontextprotocol/related-task".into(),
                        serde_json::json!({ "taskId": task.id }),
                    );
                }
            }
            task.waiting(true).await;
            let answer = self.request(ask, &params).await;
            task.waiting(false).await;
            return answer;
        }
        if !self.has_capability(ask.capability) {
            return Err(Error::new(format!(
                "the client does not support {}",
                ask.capability
            )));
        }
        let key = match (key, &self.inner.inputs) {
            (Some(key), _) => key,
            (None, Some(inputs)) => inputs.auto_key(ask.kind),
            (None, None) => task.auto_key(ask.kind),
        };
        let answer = task
            .ask(key, ask.method, params)
            .await
            .map_err(Error::new)?;
        (ask.check)(&answer).map_err(|why| {
            Error::new(format!(
                "the client's `{}` result is invalid: {why}",
                ask.method
            ))
        })?;
        Ok(answer)
    }

    /// Makes this call a task now, if it may become one: a `tools/call` of a tool declared
    /// with `#[tool(task)]` (or `task = "required"`), from a client that accepts tasks
    /// (revision 2026-07-28 with the `io.modelcontextprotocol/tasks` extension). The client
    /// gets the task's id at once; the rest of the handler runs in the background, and its
    /// questions ([`elicit`](Self::elicit), [`sample`](Self::sample), [`roots`](Self::roots))
    /// wait in the task until the client answers them. Returns whether the call is a task.
    ///
    /// Without it, such a call becomes a task at the handler's first wait that is not a
    /// question: questions asked before that are answered synchronously, by the client
    /// calling again (multi-round-trip requests), as the protocol recommends. In a 2025-11-25
    /// session, a call the client made with `task` is a task from the start (this returns
    /// `true` at once), and its questions travel on the client's `tasks/result` stream.
    ///
    /// ```
    /// use mcp_core::{tool, Context, ElicitAction, Error};
    /// use serde_json::json;
    ///
    /// /// Delete a file, after asking; runs as a task when the client accepts tasks.
    /// #[tool(task)]
    /// async fn purge(ctx: Context, path: String) -> Result<String, Error> {
    ///     ctx.start_task().await;
    ///     let schema = json!({"type": "object", "properties": {"confirm": {"type": "boolean"}}});
    ///     let answer = ctx.elicit(format!("Delete {path}?"), schema).key("confirm").await?;
    ///     Ok(match answer.action {
    ///         ElicitAction::Accept => format!("deleted {path}"),
    ///         _ => "kept".into(),
    ///     })
    /// }
    /// ```
    pub async fn start_task(&self) -> bool {
        let Some(cell) = &self.inner.task else {
            return false;
        };
        if cell.started().is_none() {
            YieldNow(false).await;
        }
        cell.started().is_some()
    }

    /// The id of the task this call became, if it is one.
    pub fn task_id(&self) -> Option<&str> {
        self.inner
            .task
            .as_deref()
            .and_then(TaskCell::started)
            .map(|t| t.id.as_str())
    }

    /// Sends a request to the client on this call's stream and waits for its answer, which
    /// arrives as a separate message in the session.
    async fn request(&self, ask: &Ask, params: &Value) -> Result<Value, Error> {
        let method = ask.method;
        let (Some(session), Some(sink)) = (&self.inner.session, &self.inner.sink) else {
            return Err(Error::new(format!(
                "`{method}` needs a session and a response stream"
            )));
        };
        if !self.has_capability(ask.capability) {
            return Err(Error::new(format!(
                "the client does not support {}",
                ask.capability
            )));
        }
        let (id, answer) = session.expect_answer();
        let _awaiting = Awaiting(session, &id);
        let raw_id = RawValue::from_string(id.clone()).map_err(Error::new)?;
        let request = Request {
            jsonrpc: "2.0",
            id: &raw_id,
            method,
            params,
        };
        let bytes = serde_json::to_vec(&request).map_err(Error::new)?;
        sink.unbounded_send(Out::Message(bytes.into()))
            .map_err(|_| Error::new("the client is no longer connected"))?;
        let timeout = self.inner.client_timeout;
        let answer =
            match futures_util::future::select(answer, futures_timer::Delay::new(timeout)).await {
                futures_util::future::Either::Left((answer, _)) => answer,
                futures_util::future::Either::Right(_) => {
                    // Stop waiting, and tell the client so (it may drop its prompt).
                    let cancelled = serde_json::json!({
                        "jsonrpc": "2.0",
                        "method": "notifications/cancelled",
                        "params": {"requestId": raw_id, "reason": "timed out"},
                    });
                    if let Ok(bytes) = serde_json::to_vec(&cancelled) {
                        let _ = sink.unbounded_send(Out::Message(bytes.into()));
                    }
                    return Err(Error::new(format!(
                        "the client did not answer `{method}` within {timeout:?}"
                    )));
                }
            };
        let result: Value = match answer {
            Ok(Ok(result)) => serde_json::from_str(&result).map_err(Error::new)?,
            Ok(Err(error)) => {
                let error: Value = serde_json::from_str(&error).unwrap_or_default();
                let message = error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("no message");
                return Err(Error::new(format!(
                    "the client answered `{method}` with an error: {message}"
                )));
            }
            Err(_) => return Err(Error::new("the session ended before the client answered")),
        };
        (ask.check)(&result).map_err(|why| {
            Error::new(format!("the client's `{method}` result is invalid: {why}"))
        })?;
        Ok(result)
    }

    /// Ends this call's event stream now, while the handler carries on: the client
    /// reconnects after the stream's `retry` delay (`GET` with `Last-Event-ID`) and receives
    /// what it missed, then the rest of the call. Long calls use this to avoid holding a
    /// connection open (SSE polling).
    ///
    /// Only sessions of revision 2025-11-25 support this; elsewhere it does nothing and
    /// returns `false`. While no client is connected the handler keeps running in the
    /// background (with `mcp-actix`, or any transport that sets
    /// [`HttpConfig::background`](crate::http::HttpConfig::background); otherwise it pauses
    /// until the client is back), and it is stopped if the session ends.
    pub fn close_stream(&self) -> bool {
        let (Some(session), Some(sink)) = (&self.inner.session, &self.inner.sink) else {
            return false;
        };
        session.version.primes_event_streams() && sink.unbounded_send(Out::Close).is_ok()
    }

    /// Whether the request was cancelled: the client closed the response stream (revision
    /// 2026-07-28, or a plain HTTP request), sent `notifications/cancelled`, or its session
    /// ended.
    ///
    /// A cancelled handler is simply dropped at its next `.await`, so handlers rarely need
    /// this; it is for work the handler hands to other tasks or threads (which hold a clone of
    /// the `Context`), so they can stop too. See also [`cancelled`](Self::cancelled).
    pub fn is_cancelled(&self) -> bool {
        self.inner
            .cancel
            .as_ref()
            .is_some_and(Cancellation::is_cancelled)
    }

    /// Completes when the request is cancelled (see [`is_cancelled`](Self::is_cancelled));
    /// never, if the handler finishes first.
    ///
    /// ```
    /// use futures_channel::oneshot;
    /// use mcp_core::{tool, Context};
    ///
    /// /// Crunch numbers on a worker thread, which stops if the client gives up.
    /// #[tool]
    /// async fn crunch(ctx: Context, n: u64) -> String {
    ///     let (done, result) = oneshot::channel();
    ///     let worker_ctx = ctx.clone();
    ///     std::thread::spawn(move || {
    ///         let mut sum = 0u64;
    ///         for i in 0..n {
    ///             if i % 1_000_000 == 0 && worker_ctx.is_cancelled() {
    ///                 return;
    ///             }
    ///             sum = sum.wrapping_add(i);
    ///         }
    ///         let _ = done.send(sum);
    ///     });
    ///     result.await.map_or("stopped".into(), |sum| sum.to_string())
    /// }
    /// ```
    pub async fn cancelled(&self) {
        match &self.inner.cancel {
            Some(cancel) => cancel.cancelled().await,
            None => std::future::pending().await,
        }
    }

    /// Whether a message at `level` would be sent.
    pub fn log_enabled(&self, level: LogLevel) -> bool {
        self.inner.sink.is_some() && self.inner.log_level.is_some_and(|min| level >= min)
    }

    /// The name of the MCP server handling the request.
    pub fn server_name(&self) -> &str {
        &self.inner.server
    }

    /// The protocol revision of this request, e.g. `"2026-07-28"` or `"2025-11-25"`.
    pub fn protocol_version(&self) -> &str {
        self.inner.version.as_str()
    }

    /// Whether the request uses the stateless revision (no session).
    pub fn is_stateless(&self) -> bool {
        self.inner.version.is_stateless()
    }

    /// The JSON-RPC id of the request, as JSON text (`1` or `"abc"`).
    pub fn request_id(&self) -> &str {
        self.inner.request_id.get()
    }

    /// The session id, for session-based revisions.
    pub fn session_id(&self) -> Option<&str> {
        self.inner.session.as_ref().map(|s| &*s.id)
    }

    /// The client's `clientInfo` (`{"name": .., "version": ..}`), if it sent one.
    pub fn client_info(&self) -> Option<&Value> {
        self.inner
            .parsed_info
            .get_or_init(|| parse_raw(self.raw_client_info()))
            .as_ref()
    }

    /// The client's name from `clientInfo`.
    pub fn client_name(&self) -> Option<&str> {
        self.client_info()?.get("name")?.as_str()
    }

    /// The capabilities the client declared (for this request, or at `initialize`).
    pub fn client_capabilities(&self) -> &Value {
        self.inner.parsed_capabilities.get_or_init(|| {
            parse_raw(self.raw_client_capabilities())
                .unwrap_or_else(|| Value::Object(Default::default()))
        })
    }
}

fn parse_raw(raw: Option<&RawValue>) -> Option<Value> {
    raw.and_then(|r| serde_json::from_str(r.get()).ok())
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("server", &self.inner.server)
            .field("protocol_version", &self.protocol_version())
            .field("request_id", &self.request_id())
            .field("session_id", &self.session_id())
            .finish_non_exhaustive()
    }
}

/// The user's answer to [`Context::elicit_form`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Elicitation<T> {
    /// The user submitted the form.
    Accept(T),
    /// The user refused.
    Decline,
    /// The user dismissed the request without choosing.
    Cancel,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Elicitation<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let answer = ElicitResult::deserialize(deserializer)?;
        Ok(match answer.action {
            ElicitAction::Accept => {
                let content = Value::Object(answer.content.unwrap_or_default());
                Elicitation::Accept(T::deserialize(content).map_err(serde::de::Error::custom)?)
            }
            ElicitAction::Decline => Elicitation::Decline,
            ElicitAction::Cancel => Elicitation::Cancel,
        })
    }
}

/// The elicitation schema of `T`, generated once per type.
fn form_schema<T: JsonSchema + 'static>() -> Value {
    static SCHEMAS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<std::any::TypeId, Value>>,
    > = std::sync::OnceLock::new();
    let schemas = SCHEMAS.get_or_init(Default::default);
    let mut schemas = lock(schemas);
    schemas
        .entry(std::any::TypeId::of::<T>())
        .or_insert_with(|| {
            crate::schema::form(crate::schema::schema_for::<T>(
                &mut crate::schema::input_generator(),
            ))
        })
        .clone()
}

/// One kind of question for the client.
struct Ask {
    method: &'static str,
    capability: &'static str,
    /// The prefix of generated `inputRequests` keys.
    kind: &'static str,
    /// Checks the shape of the client's answer.
    check: fn(&Value) -> Result<(), String>,
}

impl Ask {
    const ELICIT: Ask = Ask {
        method: "elicitation/create",
        capability: "elicitation",
        kind: "elicitation",
        check: |v| {
            ElicitResult::deserialize(v)
                .map(drop)
                .map_err(|e| e.to_string())
        },
    };
    const SAMPLE: Ask = Ask {
        method: "sampling/createMessage",
        capability: "sampling",
        kind: "sampling",
        check: |v| match v {
            Value::Object(m) if m.contains_key("role") && m.contains_key("content") => Ok(()),
            _ => Err("expected an object with `role` and `content`".into()),
        },
    };
    const ROOTS: Ask = Ask {
        method: "roots/list",
        capability: "roots",
        kind: "roots",
        check: |v| match v.get("roots") {
            Some(Value::Array(_)) => Ok(()),
            _ => Err("expected an object with a `roots` array".into()),
        },
    };
}

/// A question for the client, from [`Context::elicit`], [`Context::sample`] or
/// [`Context::roots`]; `.await` it for the answer.
///
/// The same handler code works in both protocol eras:
/// - in a session (revisions up to 2025-11-25) the question is sent to the client as a
///   request on the call's stream, and the handler waits for the answer;
/// - in revision 2026-07-28 there is no stream back to the client. If the request already
///   carries the answer (`inputResponses`), `.await` returns it at once. If not, the handler is
///   stopped and the request is answered with `resultType: "input_required"` listing every
///   question asked so far, plus a sealed `requestState`. The client calls again with the
///   answers, and the handler runs again from the start, this time finding them.
///
/// So in revision 2026-07-28 everything before the last question may run more than once:
/// keep side effects after the questions, and ask questions in the same order each time.
/// Questions asked together (`futures::join!`) go to the client in one round.
///
/// Each question has a key in `inputRequests`: by default its kind and position
/// (`elicitation-0`, `sampling-1`, ...); [`key`](Self::key) names it.
#[must_use = "a question does nothing until it is awaited"]
pub struct Question<'a, T> {
    ctx: &'a Context,
    ask: &'static Ask,
    key: Option<String>,
    params: Value,
    _answer: PhantomData<fn() -> T>,
}

impl<'a, T> Question<'a, T> {
    fn new(ctx: &'a Context, ask: &'static Ask, params: Value) -> Self {
        Question {
            ctx,
            ask,
            key: None,
            params,
            _answer: PhantomData,
        }
    }

    /// Names the question's key in `inputRequests` (revision 2026-07-28), e.g. `"confirm"`.
    /// Keys must be unique within one request.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
}

impl<'a, T: DeserializeOwned + 'a> IntoFuture for Question<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'a, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let answer = self.ctx.ask(self.ask, self.key, self.params).await?;
            serde_json::from_value(answer).map_err(|err| {
                Error::new(format!(
                    "the client's `{}` result is invalid: {err}",
                    self.ask.method
                ))
            })
        })
    }
}

impl<T> fmt::Debug for Question<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Question")
            .field("method", &self.ask.method)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// Why an injected parameter could not be supplied.
#[derive(Debug)]
pub struct InjectError(pub(crate) String);

/// A parameter type the framework supplies (`State<T>`, `Context`, `Caller`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be injected into an MCP handler",
    note = "parameters whose type is named `State`, `Context` or `Caller` are supplied by the framework; use `mcp_core::State<T>`, `mcp_core::Context` or `mcp_core::Caller`"
)]
pub trait Inject: Sized {
    /// The state type this parameter needs registered, checked by `build()`.
    const REQUIRES: Option<fn() -> StateKey>;
    /// Produces the value for one request.
    fn inject(scope: &RequestScope<'_>) -> Result<Self, InjectError>;
}

impl<T: Send + Sync + 'static> Inject for State<T> {
    const REQUIRES: Option<fn() -> StateKey> = Some(StateKey::of::<T>);

    fn inject(scope: &RequestScope<'_>) -> Result<Self, InjectError> {
        let any: Arc<dyn Any + Send + Sync> = scope
            .server
            .state
            .get(&std::any::TypeId::of::<T>())
            .cloned()
            .ok_or_else(|| {
                InjectError(format!("no state of type `{}`", std::any::type_name::<T>()))
            })?;
        any.downcast::<T>()
            .map(State)
            .map_err(|_| InjectError("state type mismatch".into()))
    }
}

impl Inject for crate::Caller {
    const REQUIRES: Option<fn() -> StateKey> = None;

    fn inject(scope: &RequestScope<'_>) -> Result<Self, InjectError> {
        Ok(scope.caller.clone())
    }
}

impl Inject for Context {
    const REQUIRES: Option<fn() -> StateKey> = None;

    fn inject(scope: &RequestScope<'_>) -> Result<Self, InjectError> {
        Ok(Context::from_scope(scope))
    }
}
