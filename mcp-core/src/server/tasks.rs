//! Tasks in revision 2026-07-28 (the `io.modelcontextprotocol/tasks` extension): a
//! `tools/call` that becomes a task, and `tasks/get`, `tasks/update` and `tasks/cancel`.
//!
//! A task-capable tool called by a client that declares the extension starts inline: if it
//! asks the client a question before it first waits on anything else, the request is
//! answered with `input_required` as any call is (those exchanges stay synchronous). Otherwise
//! its record is saved in the server's [`Store`](crate::store::Store), the client gets the
//! task's id, and the handler goes on in the background. Each change of state is saved, so
//! that `tasks/get` reads the store alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::Poll;

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
use crate::runtime::stream::{CancelGuard, MessageStream};
use crate::runtime::task::{now_ms, LiveTask, OnChange, TaskCell};
use crate::session::Spawn;
use crate::store::{TaskRecord, TaskStatus};
use crate::util::{lock, BoxFuture};
use crate::wire::{self, code, Chunks, Message, Method, RpcError};

/// The extension's identifier, in capabilities.
pub(crate) const EXTENSION: &str = "io.modelcontextprotocol/tasks";

/// How long a task is kept after it is created.
const TTL_MS: u64 = 10 * 60 * 1000;

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
    /// A result object (`CallToolResult`, possibly `isError`).
    Result(Vec<u8>),
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

/// The task's fields on the wire, opening a JSON object (without its closing brace).
fn write_task(buf: &mut Vec<u8>, id: &str, r: &TaskRecord, result_type: &str) {
    let mut m = Map::new();
    m.insert("resultType".into(), result_type.into());
    m.insert("taskId".into(), id.into());
    m.insert("status".into(), r.status.as_str().into());
    if let Some(message) = &r.status_message {
        m.insert("statusMessage".into(), message.clone().into());
    }
    m.insert("createdAt".into(), iso(r.created_at_ms).into());
    m.insert("lastUpdatedAt".into(), iso(r.updated_at_ms).into());
    m.insert("ttlMs".into(), r.ttl_ms.into());
    m.insert("pollIntervalMs".into(), r.poll_interval_ms.into());
    let text = serde_json::to_vec(&Value::Object(m)).expect("serializes");
    buf.extend_from_slice(&text[..text.len() - 1]);
}

impl Server {
    /// Whether `tools/call` of `entry` runs as a task: the tool may, and the request
    /// declares the extension. A tool that must run as one fails a request without it.
    pub(super) fn runs_as_task(
        &self,
        entry: &ToolEntry,
        msg: &Message<'_>,
    ) -> Result<bool, Failure> {
        let support = entry.def.task;
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
        let cell = Arc::new(TaskCell::default());
        let owned = OwnedScope::new(self, scope, None, CancelGuard::default()).in_task(&cell);
        let args: Option<Box<RawValue>> = msg.params.arguments.map(ToOwned::to_owned);
        let index = self.inner.tool_index[entry.def.name];
        let mut run: BoxFuture<'static, End> = Box::pin(async move {
            // Notifications have nowhere to go: a task sends none.
            let (sink, _none) = MessageStream::channel();
            let end = {
                let scope = owned.scope(&sink);
                let entry = &owned.server.inner.tools[index];
                let body = owned.server.run_task_body(entry, args.as_deref(), &scope);
                body.await
            };
            owned.cancel.finish();
            end
        });
        let first = std::future::poll_fn(|cx| Poll::Ready(run.as_mut().poll(cx))).await;
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
        let now = now_ms();
        let mut record = TaskRecord {
            owner: scope.caller.subject().map(str::to_owned),
            status: TaskStatus::Working,
            status_message: None,
            created_at_ms: now,
            updated_at_ms: now,
            ttl_ms: TTL_MS,
            poll_interval_ms: POLL_INTERVAL_MS,
            input_requests: None,
            outcome: None,
        };
        if let Some(end) = end {
            finished(&mut record, end);
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
        let mut body = Vec::with_capacity(256);
        wire::begin_result(&mut body, scope.id);
        write_task(&mut body, &id, &record, "task");
        body.push(b'}');
        wire::close_result(&mut body, &self.inner.v(scope.version).meta_suffix);
        body.push(b'}');
        if !record.status.is_terminal() {
            self.run_in_background(id, key, record, &cell, run);
        }
        Ok(Outcome::Response(body.into()))
    }

    fn run_in_background(
        &self,
        id: String,
        key: String,
        record: TaskRecord,
        cell: &TaskCell,
        run: BoxFuture<'static, End>,
    ) {
        let listeners = self.clone();
        let on_change: OnChange = Arc::new(move |id, record| {
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
                let (status, outcome) = match end {
                    End::Result(result) => (TaskStatus::Completed, result),
                    End::Error(error) | End::Halted(Halted { body: error, .. }) => {
                        (TaskStatus::Failed, error)
                    }
                };
                live.finish(status, String::from_utf8_lossy(&outcome).into_owned())
                    .await;
            }
            lock(&server.inner.tasks.live).remove(&id);
        }));
    }

    /// `tasks/get`, `tasks/update`, `tasks/cancel`.
    pub(super) async fn task_request(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        method: Method,
        caller: &Caller,
    ) -> Result<Outcome, Failure> {
        let caps = msg.params.meta.as_ref().and_then(|m| m.client_capabilities);
        if !declares_tasks(caps) {
            let err = missing_extension("tasks/* requests must declare it");
            return Err(Failure::Refused(err, Refusal::MissingCapability));
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
            .filter(|r| r.owner.as_deref() == caller.subject())
            .ok_or_else(unknown_task)?;
        let suffix = &self.inner.v(crate::wire::Version::V2026_07_28).suffix;
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

/// Records how a handler that finished before its task was saved ended.
fn finished(record: &mut TaskRecord, end: End) {
    let (status, outcome) = match end {
        End::Result(result) => (TaskStatus::Completed, result),
        End::Error(error) | End::Halted(Halted { body: error, .. }) => (TaskStatus::Failed, error),
    };
    record.status = status;
    record.outcome = Some(String::from_utf8_lossy(&outcome).into_owned());
}

/// A `DetailedTask`: the task, with its questions, result or error.
fn write_detailed(buf: &mut Vec<u8>, id: &str, record: &TaskRecord) {
    write_task(buf, id, record, "complete");
    let field = match record.status {
        TaskStatus::InputRequired => record
            .input_requests
            .as_deref()
            .map(|r| ("inputRequests", r)),
        TaskStatus::Completed => record.outcome.as_deref().map(|r| ("result", r)),
        TaskStatus::Failed => record.outcome.as_deref().map(|r| ("error", r)),
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
                    format!(
                        "Internal error: tool `{}` panicked: {panic}",
                        entry.def.name
                    ),
                );
                End::Error(serde_json::to_vec(&err).expect("errors serialize"))
            }
            Ok(Ok(result)) => {
                let mut buf = Vec::with_capacity(128);
                super::call::write_tool_result(&mut buf, &result, entry, scope.version);
                wire::close_result(&mut buf, &self.inner.v(scope.version).suffix);
                End::Result(buf)
            }
        }
    }
}
