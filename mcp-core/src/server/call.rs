//! Running handlers: tools (inline, or streaming when they take a `Context`), resource
//! reads, prompts and completions, each guarded so that a panic becomes an error result.

use std::borrow::Cow;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt as _;
use serde_json::json;
use serde_json::value::RawValue;

use super::access::{visible, Mask};
use super::dispatch::{invalid_params, Failure, MethodResult, Outcome};
use super::dynamic::{DynPrompt, ReadCall};
use super::{Catalog, Completer, PromptRun, ResourceRun, Server, ToolEntry, ToolRun};
use crate::content::ToolResult;
use crate::error::{Error, ErrorKind};
use crate::handler::caller::Caller;
use crate::handler::inject::Context;
use crate::handler::registry::{PromptHandler, ResourceHandler, ToolHandler};
use crate::handler::scope::{
    PromptArgs, PromptOutcome, ReadOutcome, RequestScope, ResourceRequest, ToolArgs,
};
use crate::logging::LogLevel;
use crate::runtime::mrtr::{Halted, Inputs};
use crate::runtime::stream::{CancelGuard, MessageStream, Out, Sink};
use crate::runtime::task::TaskCell;
use crate::session::{self, Session};
use crate::util::{panic_text, BoxFuture};
use crate::wire::{self, code, Chunks, Message, Reference, RpcError, Version};

/// A [`RequestScope`] that owns what it refers to, for handlers that outlive the request
/// body (streamed answers).
pub(super) struct OwnedScope {
    pub(super) server: Server,
    version: Version,
    id: Box<RawValue>,
    client_info: Option<Box<RawValue>>,
    client_capabilities: Option<Box<RawValue>>,
    progress_token: Option<Box<RawValue>>,
    log_level: Option<LogLevel>,
    session: Option<Arc<Session>>,
    caller: Caller,
    inputs: Option<Arc<Inputs>>,
    pub(super) cancel: CancelGuard,
    task: Option<Arc<TaskCell>>,
}

impl OwnedScope {
    pub(super) fn new(
        server: &Server,
        scope: &RequestScope<'_>,
        session: Option<&Arc<Session>>,
        cancel: CancelGuard,
    ) -> Self {
        OwnedScope {
            server: server.clone(),
            version: scope.version,
            id: scope.id.to_owned(),
            client_info: scope.client_info.map(ToOwned::to_owned),
            client_capabilities: scope.client_capabilities.map(ToOwned::to_owned),
            progress_token: scope.progress_token.map(ToOwned::to_owned),
            log_level: scope.log_level,
            session: session.cloned(),
            caller: scope.caller.clone(),
            inputs: scope.inputs.cloned(),
            cancel,
            task: None,
        }
    }

    /// The same, for a call that may become a task.
    pub(super) fn in_task(mut self, cell: &Arc<TaskCell>) -> Self {
        self.task = Some(cell.clone());
        self
    }

    pub(super) fn scope<'a>(&'a self, sink: &'a Sink) -> RequestScope<'a> {
        RequestScope {
            server: &self.server.inner.shared,
            version: self.version,
            id: &self.id,
            client_info: self.client_info.as_deref(),
            client_capabilities: self.client_capabilities.as_deref(),
            progress_token: self.progress_token.as_deref(),
            log_level: self.log_level,
            session: self.session.as_ref(),
            caller: &self.caller,
            sink: Some(sink),
            inputs: self.inputs.as_ref(),
            cancel: Some(&self.cancel),
            task: self.task.as_ref(),
        }
    }
}

impl Server {
    /// Runs a tool whose answer streams its notifications before the result. Polling the
    /// stream drives the tool; everything it needs is owned, since it outlives the request.
    pub(super) fn call_tool_streaming(
        &self,
        entry: &ToolEntry,
        msg: &Message<'_>,
        scope: &RequestScope<'_>,
        session: Option<&Arc<Session>>,
    ) -> Outcome {
        // The handler runs in the stream, with its own cancellation signal.
        let owned = OwnedScope::new(self, scope, session, CancelGuard::default());
        let args: Option<Box<RawValue>> = msg.params.arguments.map(ToOwned::to_owned);
        // The call keeps the definition it started with, whatever the registry does.
        let entry = entry.clone();
        let (sink, rx) = MessageStream::channel();
        let end_sink = sink.clone();
        let run = async move {
            let out = {
                let scope = owned.scope(&sink);
                match owned
                    .server
                    .call_tool(&entry, args.as_deref(), &scope)
                    .await
                {
                    Ok(body) => Out::Final(body.to_vec().into()),
                    Err(halted) if halted.refused => Out::Reject(halted.body.into()),
                    Err(halted) => Out::Final(halted.body.into()),
                }
            };
            owned.cancel.finish();
            let _ = sink.unbounded_send(out);
        };
        match session {
            None => Outcome::Stream(MessageStream::new(run, rx), None),
            Some(session) => in_session(session, scope.id, run, rx, end_sink),
        }
    }
}

/// A streaming call in a session: `notifications/cancelled` naming it stops it (the stream
/// then ends without a response), and a session that ends answers it with an error.
pub(super) fn in_session(
    session: &Arc<Session>,
    id: &RawValue,
    run: impl Future<Output = ()> + Send + 'static,
    rx: crate::runtime::stream::Receiver,
    end_sink: Sink,
) -> Outcome {
    let (run, abort) = futures_util::future::abortable(run);
    let request = id.get().to_string();
    if let Err(busy) = session.track(&request, abort) {
        let err = match busy {
            session::Busy::SameId => RpcError::new(
                code::INVALID_REQUEST,
                "Invalid Request: a request with this id is still in progress in this session",
            ),
            session::Busy::Full => RpcError::new(
                code::SERVER_ERROR,
                format!(
                    "Server busy: {} calls are already in progress in this session",
                    session::CALLS_IN_FLIGHT
                ),
            ),
        };
        return Outcome::error(Some(id), &err);
    }
    let tracked = session.clone();
    let messages = MessageStream::new(
        async move {
            let stopped = run.await.is_err();
            tracked.untrack(&request);
            // A call stopped because its session ended still gets a response (a call the
            // client cancelled does not: it asked for none).
            if stopped && tracked.has_ended() {
                let id = RawValue::from_string(request.clone()).ok();
                let ended = RpcError::new(
                    code::SERVER_ERROR,
                    "Session ended: the session was deleted or expired before this call finished",
                );
                let error = wire::error_bytes(id.as_deref(), &ended);
                let _ = end_sink.unbounded_send(Out::Final(error.into()));
            }
        },
        rx,
    );
    Outcome::Stream(messages.for_request(id.get()), Some(session.clone()))
}

impl Server {
    /// Runs a tool and writes the complete response.
    pub(super) async fn call_tool(
        &self,
        entry: &ToolEntry,
        arguments: Option<&RawValue>,
        scope: &RequestScope<'_>,
    ) -> Result<Chunks, Halted> {
        let result = self
            .tool_result(entry, arguments, scope)
            .await?
            .unwrap_or_else(|panic| tool_panicked(&entry.name, &panic));
        let mut buf = Vec::with_capacity(128);
        wire::begin_result(&mut buf, scope.id);
        write_tool_result(&mut buf, &result, entry, scope.version);
        wire::close_result(&mut buf, &self.inner.v(scope.version).suffix);
        buf.push(b'}');
        Ok(buf.into())
    }

    /// Runs a tool: its result, or the message of its panic.
    pub(super) async fn tool_result(
        &self,
        entry: &ToolEntry,
        arguments: Option<&RawValue>,
        scope: &RequestScope<'_>,
    ) -> Result<Result<ToolResult, String>, Halted> {
        let args = ToolArgs {
            raw: arguments,
            tool: &entry.name,
        };
        Ok(match &entry.run {
            ToolRun::Static(ToolHandler::Sync(f)) => guarded(|| f(args, scope)),
            ToolRun::Static(ToolHandler::Async(f)) => {
                self.guarded_async(scope, || f(args, scope)).await?
            }
            ToolRun::Dynamic(f) => match dynamic_args(arguments) {
                Ok(args) => {
                    let ctx = Context::from_scope(scope);
                    self.guarded_async(scope, || f(args, ctx)).await?
                }
                Err(bad) => Ok(bad),
            },
        })
    }

    /// Runs an asynchronous handler body, a panic coming back as `Err` with its message; see
    /// [`Server::until_input`].
    async fn guarded_async<T, F: Future<Output = T>>(
        &self,
        scope: &RequestScope<'_>,
        body: impl FnOnce() -> F,
    ) -> Result<Result<T, String>, Halted> {
        let run = AssertUnwindSafe(async move { body().await }).catch_unwind();
        let outcome = self.until_input(scope, run).await?;
        Ok(outcome.map_err(|panic| panic_text(&*panic).to_string()))
    }

    /// Runs an asynchronous handler; in a 2026-07-28 request it may stop early by asking the
    /// client for input (or by failing the request), and that answer is returned instead.
    async fn until_input<F: Future>(
        &self,
        scope: &RequestScope<'_>,
        handler: F,
    ) -> Result<F::Output, Halted> {
        match scope.inputs {
            Some(inputs) => inputs.run(&self.inner.sealer, scope.id, handler).await,
            None => Ok(handler.await),
        }
    }

    pub(super) async fn read_resource(
        &self,
        msg: &Message<'_>,
        scope: &RequestScope<'_>,
        catalog: &Catalog,
    ) -> MethodResult {
        let uri = msg
            .params
            .uri
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `uri` is required"))?;
        let outcome = self.read_from(catalog, uri, scope).await?;
        let not_found = |message: String| {
            RpcError::new(scope.version.resource_not_found_code(), message)
                .with_data(json!({ "uri": uri }))
        };
        let contents = match outcome {
            ReadOutcome::Contents(c) if c.is_empty() => {
                return Err(RpcError::new(
                    code::INTERNAL_ERROR,
                    "The resource returned no contents",
                )
                .into())
            }
            ReadOutcome::Contents(c) => c,
            ReadOutcome::NoMatch => {
                return Err(not_found(format!("Resource not found: {uri}")).into())
            }
            ReadOutcome::Failed(err) => {
                return Err(match err.kind {
                    ErrorKind::NotFound => not_found(err.message),
                    ErrorKind::InvalidParams => invalid_params(err.message),
                    ErrorKind::Failed => RpcError::new(code::INTERNAL_ERROR, err.message),
                }
                .into())
            }
        };
        let mut buf = Vec::with_capacity(128);
        wire::begin_result(&mut buf, scope.id);
        buf.extend_from_slice(b"{\"contents\":");
        serde_json::to_writer(&mut buf, &contents).map_err(internal)?;
        buf.push(b'}');
        wire::close_result(&mut buf, &self.inner.v(scope.version).read_suffix);
        buf.push(b'}');
        Ok(buf.into())
    }

    /// Reads `uri` from the resource of that URI, or else from the first template that
    /// matches it and whose handler takes it; only items the caller can see are tried.
    async fn read_from(
        &self,
        catalog: &Catalog,
        uri: &str,
        scope: &RequestScope<'_>,
    ) -> Result<ReadOutcome, Failure> {
        let mask = catalog.access.mask(scope.caller);
        let resource = catalog.resource_index.get(uri);
        if let Some(entry) = resource
            .map(|&i| &catalog.resources[i])
            .filter(|e| visible(e.need, mask))
        {
            return self.run_resource(&entry.run, uri, Vec::new(), scope).await;
        }
        for t in catalog.templates.iter().filter(|t| visible(t.need, mask)) {
            let Some(vars) = t.template.matches(uri) else {
                continue;
            };
            let outcome = self.run_resource(&t.run, uri, vars, scope).await?;
            if !matches!(outcome, ReadOutcome::NoMatch) {
                return Ok(outcome);
            }
        }
        Ok(ReadOutcome::NoMatch)
    }

    pub(super) async fn get_prompt(
        &self,
        msg: &Message<'_>,
        scope: &RequestScope<'_>,
        catalog: &Catalog,
    ) -> MethodResult {
        let name = msg
            .params
            .name
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `name` is required"))?;
        let mask = catalog.access.mask(scope.caller);
        let run = catalog
            .prompt_index
            .get(name)
            .map(|&i| &catalog.prompts[i])
            .filter(|e| visible(e.need, mask))
            .map(|e| &e.run)
            .ok_or_else(|| invalid_params(format!("Unknown prompt: {name}")))?;
        let args = prompt_args(msg.params.arguments)?;
        let (outcome, description) = self.run_prompt(run, args, scope).await?;
        let outcome =
            outcome.unwrap_or_else(|panic| PromptOutcome::Failed(panicked("prompt", name, &panic)));
        let messages = match outcome {
            PromptOutcome::Messages(m) => m,
            PromptOutcome::Failed(err) => {
                return Err(match err.kind {
                    ErrorKind::InvalidParams | ErrorKind::NotFound => invalid_params(err.message),
                    ErrorKind::Failed => RpcError::new(code::INTERNAL_ERROR, err.message),
                }
                .into())
            }
        };
        let mut buf = Vec::with_capacity(128);
        wire::begin_result(&mut buf, scope.id);
        buf.push(b'{');
        if let Some(d) = description {
            buf.extend_from_slice(b"\"description\":");
            serde_json::to_writer(&mut buf, d).map_err(internal)?;
            buf.push(b',');
        }
        buf.extend_from_slice(b"\"messages\":");
        serde_json::to_writer(&mut buf, &messages).map_err(internal)?;
        buf.push(b'}');
        wire::close_result(&mut buf, &self.inner.v(scope.version).suffix);
        buf.push(b'}');
        Ok(buf.into())
    }

    /// Runs a prompt: its outcome (or the message of its panic) and its description.
    async fn run_prompt<'r>(
        &self,
        run: &'r PromptRun,
        args: PromptArgs<'_>,
        scope: &RequestScope<'_>,
    ) -> Result<(Result<PromptOutcome, String>, Option<&'r str>), Failure> {
        Ok(match run {
            PromptRun::Static(def) => {
                let outcome = match def.handler {
                    PromptHandler::Sync(f) => guarded(|| f(&args, scope)),
                    PromptHandler::Async(f) => self
                        .guarded_async(scope, || f(&args, scope))
                        .await
                        .map_err(Failure::Halted)?,
                };
                (outcome, def.description)
            }
            PromptRun::Dynamic(prompt) => {
                let outcome = self.run_dynamic_prompt(prompt, args, scope).await?;
                (outcome, prompt.description.as_deref())
            }
        })
    }

    /// Runs a run-time prompt, once every argument it requires is there.
    async fn run_dynamic_prompt(
        &self,
        prompt: &DynPrompt,
        args: PromptArgs<'_>,
        scope: &RequestScope<'_>,
    ) -> Result<Result<PromptOutcome, String>, Failure> {
        let args: HashMap<String, String> = args
            .values
            .into_iter()
            .map(|(name, value)| (name.into_owned(), value))
            .collect();
        if let Some(missing) = prompt.required.iter().find(|a| !args.contains_key(*a)) {
            let why = format!("Invalid params: missing required argument `{missing}`");
            return Err(invalid_params(why).into());
        }
        let ctx = Context::from_scope(scope);
        let outcome = self
            .guarded_async(scope, || (prompt.handler)(args, ctx))
            .await
            .map_err(Failure::Halted)?;
        Ok(outcome.map(|messages| match messages {
            Ok(messages) => PromptOutcome::Messages(messages),
            Err(err) => PromptOutcome::Failed(err),
        }))
    }

    /// Reads `uri` from a resource, or from a template with the values of its variables.
    async fn run_resource(
        &self,
        run: &ResourceRun,
        uri: &str,
        vars: Vec<(String, String)>,
        scope: &RequestScope<'_>,
    ) -> Result<ReadOutcome, Failure> {
        let outcome = match run {
            ResourceRun::Static(def) => {
                let req = ResourceRequest {
                    uri,
                    vars,
                    mime_type: def.mime_type,
                };
                match def.handler {
                    ResourceHandler::Sync(f) => guarded(|| f(&req, scope)),
                    ResourceHandler::Async(f) => self
                        .guarded_async(scope, || f(&req, scope))
                        .await
                        .map_err(Failure::Halted)?,
                }
            }
            ResourceRun::Dynamic(resource) => {
                let call = ReadCall {
                    uri: uri.to_string(),
                    vars: vars.into_iter().collect(),
                    mime_type: resource.mime_type.clone(),
                };
                let ctx = Context::from_scope(scope);
                self.guarded_async(scope, || (resource.handler)(call, ctx))
                    .await
                    .map_err(Failure::Halted)?
                    .map(|read| match read {
                        Ok(contents) => ReadOutcome::Contents(contents),
                        Err(err) => ReadOutcome::Failed(err),
                    })
            }
        };
        Ok(outcome.unwrap_or_else(|panic| ReadOutcome::Failed(panicked("resource", uri, &panic))))
    }

    pub(super) async fn complete(
        &self,
        msg: &Message<'_>,
        scope: &RequestScope<'_>,
        catalog: &Catalog,
    ) -> MethodResult {
        let reference = msg
            .params
            .reference
            .as_ref()
            .ok_or_else(|| invalid_params("Invalid params: `ref` is required"))?;
        let argument = msg
            .params
            .argument
            .as_ref()
            .ok_or_else(|| invalid_params("Invalid params: `argument` is required"))?;
        let name = argument.name.as_ref();
        let completer = completer(catalog, reference, catalog.access.mask(scope.caller), name)?;
        let panicked = |panic: String| {
            tracing::error!(argument = %argument.name, panic, "completion panicked");
            Vec::new()
        };
        let prefix = &argument.value;
        // A synchronous function runs in the call; an async one in the future.
        let future = match completer {
            Some(Completer::Static(c)) => guarded(|| (c.complete)(prefix, scope)),
            Some(Completer::Dynamic(f)) => {
                let ctx = Context::from_scope(scope);
                guarded(|| f(prefix.to_string(), ctx))
            }
            None => Ok(Box::pin(async { Vec::new() }) as BoxFuture<'_, Vec<String>>),
        };
        let mut values = match future {
            Ok(future) => AssertUnwindSafe(future)
                .catch_unwind()
                .await
                .map_err(|p| panic_text(&*p).to_string())
                .unwrap_or_else(panicked),
            Err(panic) => panicked(panic),
        };
        let total = values.len();
        values.truncate(100);
        let body = json!({"completion": {"values": values, "total": total, "hasMore": total > values.len()}});
        let mut buf = Vec::with_capacity(128);
        wire::begin_result(&mut buf, scope.id);
        serde_json::to_writer(&mut buf, &body).map_err(internal)?;
        wire::close_result(&mut buf, &self.inner.v(scope.version).suffix);
        buf.push(b'}');
        Ok(buf.into())
    }
}

/// The completion of `argument` of the item `reference` names, if it has one; an item the
/// caller cannot see is unknown.
fn completer<'c>(
    catalog: &'c Catalog,
    reference: &Reference<'_>,
    mask: Mask,
    argument: &str,
) -> Result<Option<Completer<'c>>, RpcError> {
    Ok(match reference {
        Reference::Prompt { name } => catalog
            .prompt_index
            .get(name.as_ref())
            .map(|&i| &catalog.prompts[i])
            .filter(|e| visible(e.need, mask))
            .ok_or_else(|| invalid_params(format!("Unknown prompt: {name}")))?
            .run
            .completion(argument),
        Reference::Resource { uri } => {
            let templates = catalog.templates.iter().map(|t| (&t.run, t.need));
            let resources = catalog.resources.iter().map(|r| (&r.run, r.need));
            templates
                .chain(resources)
                .filter(|(_, need)| visible(*need, mask))
                .map(|(run, _)| run)
                .find(|run| run.uri() == uri.as_ref())
                .ok_or_else(|| invalid_params(format!("Unknown resource template: {uri}")))?
                .completion(argument)
        }
    })
}

fn prompt_args(raw: Option<&RawValue>) -> Result<PromptArgs<'_>, RpcError> {
    let Some(raw) = raw.filter(|r| r.get() != "null") else {
        return Ok(PromptArgs { values: Vec::new() });
    };
    let map: Vec<(Cow<'_, str>, serde_json::Value)> = serde_json::from_str::<
        serde_json::Map<String, serde_json::Value>,
    >(raw.get())
    .map_err(|_| invalid_params("Invalid params: `arguments` must be an object of strings"))?
    .into_iter()
    .map(|(k, v)| (Cow::Owned(k), v))
    .collect();
    let mut values = Vec::with_capacity(map.len());
    for (name, value) in map {
        let text = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Null => continue,
            _ => {
                return Err(invalid_params(format!(
                    "Invalid params: argument `{name}` must be a string"
                )))
            }
        };
        values.push((name, text));
    }
    Ok(PromptArgs { values })
}

pub(super) fn write_tool_result(
    buf: &mut Vec<u8>,
    result: &ToolResult,
    entry: &ToolEntry,
    version: Version,
) {
    buf.extend_from_slice(b"{\"content\":");
    serde_json::to_writer(&mut *buf, &result.content).expect("content serializes");
    if version.has_titles_and_structured_content() {
        if let Some(structured) = &result.structured {
            let text = structured.get();
            if entry.wrap_output || !text.starts_with('{') {
                buf.extend_from_slice(b",\"structuredContent\":{\"result\":");
                buf.extend_from_slice(text.as_bytes());
                buf.push(b'}');
            } else {
                buf.extend_from_slice(b",\"structuredContent\":");
                buf.extend_from_slice(text.as_bytes());
            }
        }
    }
    if result.is_error {
        buf.extend_from_slice(b",\"isError\":true");
    }
    buf.push(b'}');
}

/// A run-time tool's arguments: a JSON object (`{}` when absent).
fn dynamic_args(raw: Option<&RawValue>) -> Result<serde_json::Value, ToolResult> {
    match raw.map(RawValue::get) {
        None | Some("null") => Ok(json!({})),
        Some(text) => serde_json::from_str(text)
            .map_err(|_| ToolResult::error("Invalid arguments: not a JSON object")),
    }
}

fn internal(err: serde_json::Error) -> RpcError {
    tracing::error!(error = %err, "serializing a result failed");
    RpcError::new(code::INTERNAL_ERROR, "Internal error")
}

/// Runs a synchronous handler body, a panic coming back as `Err` with its message.
fn guarded<T>(body: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(body))
        .map_err(|panic| panic_text(&*panic).to_string())
}

fn tool_panicked(name: &str, panic: &str) -> ToolResult {
    tracing::error!(tool = name, panic, "tool panicked");
    ToolResult::error(format!("Tool `{name}` failed with an internal error."))
}

fn panicked(kind: &str, name: &str, panic: &str) -> Error {
    tracing::error!(kind, name, panic, "handler panicked");
    Error::new(format!("The {kind} handler failed with an internal error."))
}
