//! Tasks: a `tools/call` that becomes a task, in revision 2026-07-28 (the
//! `io.modelcontextprotocol/tasks` extension: `tasks/get`, `tasks/update`, `tasks/cancel`)
//! and in 2025-11-25 sessions (experimental tasks: `params.task`, `tasks/get`,
//! `tasks/result`, `tasks/list`, `tasks/cancel`). One implementation runs the tool in both.
//!
//! A task-capable tool called by a client that declares the extension starts inline: if it
//! asks the client a question before it first waits on anything else, the request is
//! answered with `input_required` as any call is (those exchanges stay synchronous). Otherwise
//! its record is saved in the server's [`Store`](crate::store::Store), the client gets the
//! task's id, and the handler goes on in the background. Each change of state is saved, so
//! that `tasks/get` reads the store alone. In a 2025-11-25 session the task starts at once;
//! its questions and notifications wait for a `tasks/result` stream to carry them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::Poll;

use futures_util::StreamExt as _;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::call::OwnedScope;
use super::dispatch::{invalid_params, Failure, Outcome, Refusal};
use super::{Server, ToolEntry};
use crate::handler::caller::Caller;
use crate::handler::registry::TaskSupport;
use crate::handler::scope::RequestScope;
use crate::runtime::mrtr::Halted;
use crate::runtime::stream::{CancelGuard, MessageStream, Out, Receiver, Sink};
use crate::runtime::task::{now_ms, Ending, LiveTask, OnChange, TaskCell};
use crate::session::{Session, Spawn};
use crate::store::{TaskRecord, TaskStatus};
use crate::util::{lock, BoxFuture};
use crate::wire::{self, code, Chunks, Message, Method, RpcError, Version};

/// The extension's identifier, in capabilities.
pub(crate) const EXTENSION: &str = "io.modelcontextprotocol/tasks";

/// How long a task is kept after it is created, unless the client asks otherwise (2025-11-25).
const TTL_MS: u64 = 10 * 60 * 1000;

/// The longest a client may ask a task to be kept.
const MAX_TTL_MS: u64 = 24 * 60 * 60 * 1000;

/// Tasks per `tasks/list` page.
const LIST_PAGE: usize = 50;

/// `_meta` naming the task a result or message belongs to (2025-11-25).
const RELATED: &str = "io.modelcontextprotocol/related-task";

/// How often clients are asked to poll.
const POLL_INTERVAL_MS: u64 = 500;

/// The tasks running on this instance, and how to run them.
#[derive(Default)]
pub(crate) struct Tasks {
    live: Mutex<HashMap<String, Arc<LiveTask>>>,
    spawn: OnceLock<Spawn>,
}

impl Tasks {
    /// Sets how tasks run in the background, unless a transport did already.
    pub(crate) fn set_spawn(&self, spawn: Spawn) {
        let _ = self.spawn.set(spawn);
    }

    fn live(&self, id: &str) -> Option<Arc<LiveTask>> {
        lock(&self.live).get(id).cloned()
    }
}

/// How a handler running as a task ended.
enum End {
    /// A result object (`CallToolResult`), and whether it is a tool error (`isError`).
    Result(Vec<u8>, bool),
    /// A JSON-RPC error object.
    Error(Vec<u8>),
    /// It asked a question before becoming a task: the `input_required` response (or the
    /// refusal) to send instead.
    Halted(Halted),
}

/// Whether the request's capabilities (`_meta`) declare the tasks extension.
pub(crate) fn declares_tasks(capabilities: Option<&RawValue>) -> bool {
    #[derive(Deserialize)]
    struct Caps<'a> {
        #[serde(borrow, default)]
        extensions: Option<HashMap<std::borrow::Cow<'a, str>, &'a RawValue>>,
    }
    capabilities
        .and_then(|raw| serde_json::from_str::<Caps<'_>>(raw.get()).ok())
        .and_then(|caps| caps.extensions)
        .is_some_and(|ext| ext.get(EXTENSION).is_some_and(|v| v.get() != "null"))
}

/// `-32021`, naming the extension the request lacks.
pub(super) fn missing_extension(why: &str) -> RpcError {
    RpcError::new(
        code::MISSING_REQUIRED_CLIENT_CAPABILITY,
        format!("Missing required client capability: the {EXTENSION} extension ({why})"),
    )
    .with_data(serde_json::json!({
        "requiredCapabilities": { "extensions": { EXTENSION: {} } }
    }))
}

fn unknown_task() -> RpcError {
    invalid_params("Invalid params: unknown or expired `taskId`")
}

/// A task id: 128 random bits, hex.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn iso(ms: u64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    humantime::format_rfc3339_millis(time).to_string()
}

/// The task's fields on the wire, opening a JSON object (without its closing brace):
/// 2026-07-28 names (`ttlMs`, `pollIntervalMs`) with `resultType`, or 2025-11-25 names (`ttl`,
/// `pollInterval`) when `result_type` is `None`.
fn write_task(buf: &mut Vec<u8>, id: &str, r: &TaskRecord, result_type: Option<&str>) {
    let text = serde_json::to_vec(&task_json(id, r, result_type)).expect("serializes");
    buf.extend_from_slice(&text[..text.len() - 1]);
}

fn task_json(id: &str, r: &TaskRecord, result_type: Option<&str>) -> Value {
    let mut m = Map::new();
    if let Some(result_type) = result_type {
        m.insert("resultType".into(), result_type.into());
    }
    m.insert("taskId".into(), id.into());
    m.insert("status".into(), r.status.as_str().into());
    if let Some(message) = &r.status_message {
        m.insert("statusMessage".into(), message.clone().into());
    }
    m.insert("createdAt".into(), iso(r.created_at_ms).into());
    m.insert("lastUpdatedAt".into(), iso(r.updated_at_ms).into());
    let (ttl, poll) = match result_type {
        Some(_) => ("ttlMs", "pollIntervalMs"),
        None => ("ttl", "pollInterval"),
    };
    m.insert(ttl.into(), r.ttl_ms.into());
    m.insert(poll.into(), r.poll_interval_ms.into());
    Value::Object(m)
}

/// Who may see a task: the caller's subject or, for an anonymous caller in a session, the
/// session (an anonymous 2026-07-28 task is reached by its id alone).
fn owner(caller: &Caller, session: Option<&Arc<Session>>) -> Option<String> {
    match (caller.subject(), session) {
        (Some(subject), _) => Some(subject.to_owned()),
        (None, Some(session)) => Some(format!("\u{0}session:{}", session.id)),
        (None, None) => None,
    }
}

/// The TTL a 2025-11-25 client asked for (`params.task.ttl`), within bounds.
fn requested_ttl(task: Option<&RawValue>) -> u64 {
    #[derive(Deserialize)]
    struct Meta {
        ttl: Option<f64>,
    }
    task.and_then(|raw| serde_json::from_str::<Meta>(raw.get()).ok())
        .and_then(|m| m.ttl)
        .filter(|ttl| ttl.is_finite() && *ttl > 0.0)
        .map_or(TTL_MS, |ttl| (ttl as u64).clamp(1_000, MAX_TTL_MS))
}

fn method_not_found(message: String) -> Failure {
    Failure::Rpc(RpcError::new(code::METHOD_NOT_FOUND, message))
}

impl Server {
    /// Whether `tools/call` of `entry` runs as a task: the tool may, and the request
    /// declares the extension (2026-07-28) or asks with `task` (2025-11-25). A tool that must
    /// run as one fails a request that does neither.
    pub(super) fn runs_as_task(
        &self,
        entry: &ToolEntry,
        msg: &Message<'_>,
        version: Version,
    ) -> Result<bool, Failure> {
        let support = entry.task;
        let name = &entry.name;
        if !version.is_stateless() {
            let asked =
                msg.params.task.is_some_and(|t| t.get() != "null") && version.has_session_tasks();
            return match (support, asked) {
                (TaskSupport::Forbidden, true) => Err(method_not_found(format!(
                    "Method not found: tool `{name}` does not run as a task; call it without `task`"
                ))),
                (TaskSupport::Required, false) => Err(method_not_found(format!(
                    "Method not found: tool `{name}` runs only as a task; call it with `task` (revision 2025-11-25 or later)"
                ))),
                (_, asked) => Ok(asked && self.inner.tasks.spawn.get().is_some()),
            };
        }
        if support == TaskSupport::Forbidden {
            return Ok(false);
        }
        let caps = msg.params.meta.as_ref().and_then(|m| m.client_capabilities);
        let declared = declares_tasks(caps) && self.inner.tasks.spawn.get().is_some();
        if !declared && support == TaskSupport::Required {
            let err = missing_extension("this tool runs only as a task");
            return Err(Failure::Refused(err, Refusal::MissingCapability));
        }
        Ok(declared)
    }

    fn task_key(&self, id: &str) -> String {
        format!("mcp:{}:task:{id}", self.inner.info.name)
    }

    /// `tools/call` as a task: runs the tool inline until it first waits, then saves the
    /// task and answers with its id while the tool goes on in the background.
    pub(super) async fn call_as_task(
        &self,
        entry: &ToolEntry,
        msg: &Message<'_>,
        scope: &RequestScope<'_>,
    ) -> Result<Outcome, Failure> {
        let session = scope.session;
        let cell = Arc::new(TaskCell::default());
        let (mut run, outbox) = self.task_body(entry, msg, scope, &cell);
        // A 2026-07-28 call runs inline until it first waits (its questions until then are
        // answered synchronously); a 2025-11-25 one is a task from the start.
        let first = match session {
            None => std::future::poll_fn(|cx| Poll::Ready(run.as_mut().poll(cx))).await,
            Some(_) => Poll::Pending,
        };
        let end = match first {
            Poll::Ready(End::Halted(halted)) if halted.refused => {
                return Ok(Outcome::Refused(
                    halted.body.into(),
                    Refusal::MissingCapability,
                ))
            }
            Poll::Ready(End::Halted(halted)) => return Ok(Outcome::Response(halted.body.into())),
            Poll::Ready(end) => Some(end),
            Poll::Pending => None,
        };
        let id = new_id();
        let ttl_ms = match session {
            None => TTL_MS,
            Some(_) => requested_ttl(msg.params.task),
        };
        let mut record = new_record(owner(scope.caller, session), ttl_ms);
        if let Some(end) = end {
            ending(end, session.is_some()).apply(&mut record);
        }
        let key = self.task_key(&id);
        if let Err(err) = self.inner.store.create_task(&key, &record).await {
            tracing::warn!(error = %err, "a task could not be saved");
            let err = RpcError::new(
                code::SERVER_ERROR,
                "Service Unavailable: the task could not be saved; retry later",
            );
            return Err(Failure::Refused(err, Refusal::AtCapacity));
        }
        let body = self.created(scope, &id, &record);
        if !record.status.is_terminal() {
            let live = self.live_task(id, key, record, (&cell, session));
            if let Some(outbox) = outbox {
                live.set_outbox(outbox);
            }
            self.run_in_background(live, run, session.is_some());
        }
        Ok(Outcome::Response(body.into()))
    }

    /// The tool's run as a task, owning all it needs; in a session, also where what it sends
    /// waits for a `tasks/result` stream (in 2026-07-28 a task sends nothing).
    fn task_body(
        &self,
        entry: &ToolEntry,
        msg: &Message<'_>,
        scope: &RequestScope<'_>,
        cell: &Arc<TaskCell>,
    ) -> (BoxFuture<'static, End>, Option<Receiver>) {
        let owned =
            OwnedScope::new(self, scope, scope.session, CancelGuard::default()).in_task(cell);
        let args: Option<Box<RawValue>> = msg.params.arguments.map(ToOwned::to_owned);
        // The task keeps the definition it started with, whatever the registry does.
        let entry = entry.clone();
        let (sink, outbox) = MessageStream::channel();
        let run = Box::pin(async move {
            let end = {
                let scope = owned.scope(&sink);
                let body = owned.server.run_task_body(&entry, args.as_deref(), &scope);
                body.await
            };
            owned.cancel.finish();
            end
        });
        (run, scope.session.map(|_| outbox))
    }

    /// The answer to a call that became a task: `CreateTaskResult`, flat in 2026-07-28,
    /// `{"task": ..}` in a 2025-11-25 session.
    fn created(&self, scope: &RequestScope<'_>, id: &str, record: &TaskRecord) -> Vec<u8> {
        let mut body = Vec::with_capacity(256);
        wire::begin_result(&mut body, scope.id);
        if scope.session.is_some() {
            body.extend_from_slice(b"{\"task\":");
            write_task(&mut body, id, record, None);
            body.extend_from_slice(b"}}");
        } else {
            write_task(&mut body, id, record, Some("task"));
            body.push(b'}');
            wire::close_result(&mut body, &self.inner.v(scope.version).meta_suffix);
        }
        body.push(b'}');
        body
    }

    fn live_task(
        &self,
        id: String,
        key: String,
        record: TaskRecord,
        (cell, session): (&TaskCell, Option<&Arc<Session>>),
    ) -> Arc<LiveTask> {
        let listeners = self.clone();
        // 2025-11-25: each new status also goes to the session (`notifications/tasks/status`,
        // on its standalone stream), while it lasts.
        let session = session.map(Arc::downgrade);
        let on_change: OnChange = Arc::new(move |id, record| {
            if let Some(session) = session.as_ref().and_then(std::sync::Weak::upgrade) {
                let status = serde_json::json!({
                    "jsonrpc": "2.0",
                    "method": "notifications/tasks/status",
                    "params": task_json(id, record, None),
                });
                session.send(status.to_string().into());
            }
            listeners.inner.listeners.task_changed(id, record, || {
                let mut buf = Vec::new();
                write_detailed(&mut buf, id, record);
                let mut task: Map<String, Value> =
                    serde_json::from_slice(&buf).expect("a task is JSON");
                task.remove("resultType");
                task
            })
        });
        let live = Arc::new(LiveTask::new(
            id.clone(),
            key,
            self.inner.store.clone(),
            record,
            on_change,
        ));
        cell.start(live.clone());
        live
    }

    fn run_in_background(
        &self,
        live: Arc<LiveTask>,
        run: BoxFuture<'static, End>,
        in_session: bool,
    ) {
        let id = live.id.clone();
        let (run, abort) = futures_util::future::abortable(run);
        live.set_abort(abort);
        lock(&self.inner.tasks.live).insert(id.clone(), live.clone());
        let server = self.clone();
        let spawn = self
            .inner
            .tasks
            .spawn
            .get()
            .expect("checked by runs_as_task");
        spawn(Box::pin(async move {
            if let Ok(end) = run.await {
                live.finish(ending(end, in_session)).await;
            }
            lock(&server.inner.tasks.live).remove(&id);
        }));
    }

    /// `tasks/get`, `tasks/update`, `tasks/cancel` (2026-07-28); `tasks/get`,
    /// `tasks/cancel`, `tasks/result`, `tasks/list` (2025-11-25 sessions).
    pub(super) async fn task_request(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        method: Method,
        (version, session, caller): (Version, Option<&Arc<Session>>, &Caller),
    ) -> Result<Outcome, Failure> {
        if version.is_stateless() {
            let caps = msg.params.meta.as_ref().and_then(|m| m.client_capabilities);
            if !declares_tasks(caps) {
                let err = missing_extension("tasks/* requests must declare it");
                return Err(Failure::Refused(err, Refusal::MissingCapability));
            }
        }
        let owner = owner(caller, session);
        if method == Method::TasksList {
            return self.list_tasks(msg, id, owner.as_deref()).await;
        }
        let task_id = msg
            .params
            .task_id
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `taskId` is required"))?;
        let key = self.task_key(task_id);
        let record = self.load_task(&key).await?;
        // Another caller's task is as unknown as a task that never existed.
        let record = record
            .filter(|r| r.owner == owner)
            .ok_or_else(unknown_task)?;
        match (version.is_stateless(), session) {
            (false, Some(session)) => {
                self.session_task_request(id, method, (task_id, key, record), session)
                    .await
            }
            _ => {
                self.modern_task_request(msg, id, method, (task_id, key, record))
                    .await
            }
        }
    }

    async fn modern_task_request(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        method: Method,
        (task_id, key, record): (&str, String, TaskRecord),
    ) -> Result<Outcome, Failure> {
        let suffix = &self.inner.v(Version::V2026_07_28).suffix;
        let mut body = Vec::with_capacity(256);
        wire::begin_result(&mut body, id);
        match method {
            Method::TasksGet => write_detailed(&mut body, task_id, &record),
            Method::TasksUpdate => {
                let responses = input_responses(msg.params.input_responses)?;
                if let Some(live) = self.inner.tasks.live(task_id) {
                    live.answer(responses).await;
                }
                body.extend_from_slice(b"{}");
            }
            _ => {
                self.cancel_task(task_id, &key, record).await;
                body.extend_from_slice(b"{}");
            }
        }
        wire::close_result(&mut body, suffix);
        body.push(b'}');
        Ok(Outcome::Response(Chunks::from(body)))
    }

    /// The experimental tasks of 2025-11-25.
    async fn session_task_request(
        &self,
        id: &RawValue,
        method: Method,
        (task_id, key, record): (&str, String, TaskRecord),
        session: &Arc<Session>,
    ) -> Result<Outcome, Failure> {
        let record = match method {
            Method::TasksResult => {
                return self.task_result(id, task_id, key, record, session).await
            }
            Method::TasksCancel if record.status.is_terminal() => {
                return Err(invalid_params(format!(
                    "Invalid params: the task is {} already and cannot be cancelled",
                    record.status.as_str()
                ))
                .into())
            }
            Method::TasksCancel => {
                self.cancel_task(task_id, &key, record).await;
                self.load_task(&key).await?.ok_or_else(unknown_task)?
            }
            _ => record,
        };
        let mut body = Vec::with_capacity(256);
        wire::begin_result(&mut body, id);
        write_task(&mut body, task_id, &record, None);
        body.extend_from_slice(b"}}");
        Ok(Outcome::Response(Chunks::from(body)))
    }

    /// `tasks/list`: the caller's tasks, newest first, a page at a time.
    async fn list_tasks(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        owner: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let start = match msg.params.cursor.as_deref() {
            None => 0,
            Some(cursor) => super::render::decode_cursor(cursor)
                .ok_or_else(|| invalid_params("Invalid params: unknown `cursor`"))?,
        };
        let prefix = self.task_key("");
        let tasks = self
            .inner
            .store
            .tasks_of(&prefix, owner)
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, "the task store could not be read");
                Failure::Refused(
                    RpcError::new(
                        code::SERVER_ERROR,
                        "Service Unavailable: the task store could not be read; retry later",
                    ),
                    Refusal::AtCapacity,
                )
            })?;
        let page: Vec<Value> = tasks
            .iter()
            .skip(start)
            .take(LIST_PAGE)
            .map(|(key, record)| task_json(&key[prefix.len()..], record, None))
            .collect();
        let mut result = serde_json::json!({ "tasks": page });
        if start + LIST_PAGE < tasks.len() {
            result["nextCursor"] = super::render::encode_cursor(start + LIST_PAGE).into();
        }
        let bytes = serde_json::to_vec(&result).expect("serializes");
        Ok(Outcome::Response(wire::result_bytes(id, &bytes).into()))
    }

    /// `tasks/result`: once the task is over, exactly its result (or error), tagged with the
    /// task. Until then the answer streams what the handler sends: its questions, tagged the
    /// same way, which the client answers as any request in the session.
    async fn task_result(
        &self,
        id: &RawValue,
        task_id: &str,
        key: String,
        record: TaskRecord,
        session: &Arc<Session>,
    ) -> Result<Outcome, Failure> {
        let live = match self.inner.tasks.live(task_id) {
            Some(live) if !record.status.is_terminal() => live,
            _ => return Ok(Outcome::Response(task_outcome(id, task_id, &record).into())),
        };
        let (sink, rx) = MessageStream::channel();
        let end_sink = sink.clone();
        let server = self.clone();
        let request = id.to_owned();
        let task_id = task_id.to_owned();
        let run = async move {
            let outbox = live.take_outbox();
            let outbox = forward_until_over(&live, outbox, &sink).await;
            if let Some(outbox) = outbox {
                live.return_outbox(outbox);
            }
            let body = match server.inner.store.task(&key).await {
                Ok(Some(record)) => task_outcome(&request, &task_id, &record),
                _ => wire::error_bytes(Some(&request), &unknown_task()),
            };
            let _ = sink.unbounded_send(Out::Final(body.into()));
        };
        Ok(super::call::in_session(session, id, run, rx, end_sink))
    }
}

/// Passes the handler's messages on to a `tasks/result` stream until the task is over;
/// gives the outbox back.
async fn forward_until_over(
    live: &LiveTask,
    mut outbox: Option<Receiver>,
    sink: &Sink,
) -> Option<Receiver> {
    let mut ended = std::pin::pin!(live.ended());
    loop {
        let Some(messages) = outbox.as_mut() else {
            ended.await;
            return None;
        };
        match futures_util::future::select(messages.next(), ended.as_mut()).await {
            futures_util::future::Either::Left((Some(out), _)) => {
                if sink.unbounded_send(out).is_err() {
                    return outbox;
                }
            }
            futures_util::future::Either::Left((None, _)) => outbox = None,
            futures_util::future::Either::Right(_) => return outbox,
        }
    }
}

/// What `tasks/result` answers for a task that is over: its result with the task's
/// `_meta`, its error, or an error saying it was cancelled.
fn task_outcome(id: &RawValue, task_id: &str, record: &TaskRecord) -> Vec<u8> {
    let related = serde_json::json!({ RELATED: { "taskId": task_id } });
    match (record.result.as_deref(), record.error.as_deref()) {
        (Some(result), _) => {
            let mut buf = Vec::with_capacity(result.len() + 96);
            wire::begin_result(&mut buf, id);
            buf.extend_from_slice(result.as_bytes());
            let meta = format!("\"_meta\":{related}");
            wire::close_result(&mut buf, meta.as_bytes());
            buf.push(b'}');
            buf
        }
        (None, Some(error)) => {
            let mut buf = Vec::with_capacity(error.len() + 64);
            buf.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
            buf.extend_from_slice(id.get().as_bytes());
            buf.extend_from_slice(b",\"error\":");
            buf.extend_from_slice(error.as_bytes());
            buf.push(b'}');
            buf
        }
        (None, None) => {
            let err = RpcError::new(
                code::SERVER_ERROR,
                format!("Task {}: it has no result", record.status.as_str()),
            )
            .with_data(related);
            wire::error_bytes(Some(id), &err)
        }
    }
}

impl Server {
    async fn load_task(&self, key: &str) -> Result<Option<TaskRecord>, Failure> {
        self.inner.store.task(key).await.map_err(|err| {
            tracing::warn!(error = %err, "the task store could not be read");
            let err = RpcError::new(
                code::SERVER_ERROR,
                "Service Unavailable: the task store could not be read; retry later",
            );
            Failure::Refused(err, Refusal::AtCapacity)
        })
    }

    /// Cancels a task that is not over; a terminal one stays as it is.
    async fn cancel_task(&self, task_id: &str, key: &str, mut record: TaskRecord) {
        if record.status.is_terminal() {
            return;
        }
        match self.inner.tasks.live(task_id) {
            Some(live) => live.cancel().await,
            None => {
                // Its handler runs nowhere (an instance restarted): record the end.
                record.status = TaskStatus::Cancelled;
                record.input_requests = None;
                record.updated_at_ms = now_ms();
                let _ = self.inner.store.update_task(key, &record).await;
            }
        }
    }
}

/// A task that starts now, working.
fn new_record(owner: Option<String>, ttl_ms: u64) -> TaskRecord {
    let now = now_ms();
    TaskRecord {
        owner,
        status: TaskStatus::Working,
        status_message: None,
        created_at_ms: now,
        updated_at_ms: now,
        ttl_ms,
        poll_interval_ms: POLL_INTERVAL_MS,
        input_requests: None,
        result: None,
        error: None,
    }
}

/// How a task ends for how its handler ended. A tool error (`isError`) completes the task
/// in 2026-07-28 (`failed` is for JSON-RPC errors there) and fails it in 2025-11-25, whose
/// `tasks/result` still answers the result.
fn ending(end: End, in_session: bool) -> Ending {
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    match end {
        End::Result(result, is_error) if is_error && in_session => Ending {
            status: TaskStatus::Failed,
            status_message: Some("the tool reported an error".into()),
            result: Some(text(result)),
            error: None,
        },
        End::Result(result, _) => Ending {
            status: TaskStatus::Completed,
            status_message: None,
            result: Some(text(result)),
            error: None,
        },
        End::Error(error) | End::Halted(Halted { body: error, .. }) => {
            let message = serde_json::from_slice::<Value>(&error)
                .ok()
                .and_then(|e| e["message"].as_str().map(str::to_owned));
            Ending {
                status: TaskStatus::Failed,
                status_message: message,
                result: None,
                error: Some(text(error)),
            }
        }
    }
}

/// A `DetailedTask`: the task, with its questions, result or error.
fn write_detailed(buf: &mut Vec<u8>, id: &str, record: &TaskRecord) {
    write_task(buf, id, record, Some("complete"));
    let field = match record.status {
        TaskStatus::InputRequired => record
            .input_requests
            .as_deref()
            .map(|r| ("inputRequests", r)),
        TaskStatus::Completed => record.result.as_deref().map(|r| ("result", r)),
        TaskStatus::Failed => record.error.as_deref().map(|r| ("error", r)),
        _ => None,
    };
    if let Some((name, json)) = field {
        buf.extend_from_slice(format!(",\"{name}\":").as_bytes());
        buf.extend_from_slice(json.as_bytes());
    }
    buf.push(b'}');
}

fn input_responses(raw: Option<&RawValue>) -> Result<Map<String, Value>, RpcError> {
    let raw = raw.ok_or_else(|| invalid_params("Invalid params: `inputResponses` is required"))?;
    serde_json::from_str(raw.get())
        .map_err(|_| invalid_params("Invalid params: `inputResponses` must be an object"))
}

impl Server {
    /// Runs a tool for a task: its result object, or a JSON-RPC error when it panicked.
    async fn run_task_body(
        &self,
        entry: &ToolEntry,
        arguments: Option<&RawValue>,
        scope: &RequestScope<'_>,
    ) -> End {
        match self.tool_result(entry, arguments, scope).await {
            Err(halted) => End::Halted(halted),
            Ok(Err(panic)) => {
                let err = RpcError::new(
                    code::INTERNAL_ERROR,
                    format!("Internal error: tool `{}` panicked: {panic}", entry.name),
                );
                End::Error(serde_json::to_vec(&err).expect("errors serialize"))
            }
            Ok(Ok(result)) => {
                let mut buf = Vec::with_capacity(128);
                super::call::write_tool_result(&mut buf, &result, entry, scope.version);
                wire::close_result(&mut buf, &self.inner.v(scope.version).suffix);
                End::Result(buf, result.is_error)
            }
        }
    }
}
