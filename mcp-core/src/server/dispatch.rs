//! The transport-agnostic dispatcher: one parsed message, in a revision the transport chose
//! (and, in the session revisions, the session it belongs to), comes out as an [`Outcome`]
//! in protocol terms. Transports map outcomes to their own framing: HTTP to statuses and
//! headers, stdio to lines.

use std::borrow::Cow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::value::RawValue;

use super::access::visible;
use super::render::decode_cursor;
use super::{Catalog, ListPages, Pages, Server, ToolEntry};
use crate::handler::caller::Caller;
use crate::handler::scope::RequestScope;
use crate::logging::LogLevel;
use crate::runtime::listen::Filter;
use crate::runtime::mrtr::{Halted, Inputs};
use crate::runtime::stream::{CancelGuard, MessageStream};
use crate::session::{self, Session};
use crate::wire::{self, code, Chunks, Kind, Message, Method, RpcError, Version};

/// What a message comes to.
pub(crate) enum Outcome {
    /// One response (a result or an error) to send.
    Response(Chunks),
    /// An error response that fails the request as a whole; [`Refusal`] says why, for
    /// transports that signal it (HTTP status codes).
    Refused(Chunks, Refusal),
    /// The messages answering the request, as they come: notifications, then the response.
    /// In a session, the session the stream belongs to (its events are numbered and kept
    /// for replay).
    Stream(MessageStream, Option<Arc<Session>>),
    /// A notification or a response, taken in: nothing to answer.
    Accepted,
    /// `initialize` opened this session; the response.
    Opened(Chunks, Arc<Session>),
}

/// Why a request failed as a whole rather than with an ordinary error response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A method the revision does not define (stateless revision; HTTP 404).
    UnknownMethod,
    /// The handler needs a client capability the request did not declare (HTTP 400).
    MissingCapability,
    /// The server holds as many sessions or streams as it may; retry later (HTTP 503).
    AtCapacity,
}

impl Outcome {
    /// An ordinary error response.
    pub(crate) fn error(id: Option<&RawValue>, err: &RpcError) -> Outcome {
        Outcome::Response(wire::error_bytes(id, err).into())
    }

    /// An error response that fails the request as a whole.
    pub(crate) fn refused(id: Option<&RawValue>, err: &RpcError, why: Refusal) -> Outcome {
        Outcome::Refused(wire::error_bytes(id, err).into(), why)
    }
}

/// The longest `progressToken` (JSON text) accepted: every progress notification echoes it.
pub(crate) const MAX_PROGRESS_TOKEN_BYTES: usize = 256;

/// The longest resource URI a client may subscribe to.
pub(crate) const MAX_URI_BYTES: usize = 2048;

/// The most bytes of subscribed URIs a session, or a listen stream, holds.
pub(crate) const SUBSCRIPTION_BYTES: usize = 64 * 1024;

/// A URI a client may subscribe to: absolute, and at most [`MAX_URI_BYTES`] long.
fn check_subscription_uri(uri: &str) -> Result<(), RpcError> {
    if uri.len() > MAX_URI_BYTES {
        return Err(invalid_params(format!(
            "Invalid params: resource URIs are at most {MAX_URI_BYTES} bytes"
        )));
    }
    if url::Url::parse(uri).is_err() {
        return Err(invalid_params(
            "Invalid params: a subscription names an absolute resource URI",
        ));
    }
    Ok(())
}

/// What a method produced, or why it produced no result.
pub(super) type MethodResult = Result<Chunks, Failure>;

/// Why a method produced no result.
pub(super) enum Failure {
    /// A JSON-RPC error response.
    Rpc(RpcError),
    /// The handler stopped early; this is the whole answer.
    Halted(Halted),
    /// An error that fails the request as a whole.
    Refused(RpcError, Refusal),
}

impl From<RpcError> for Failure {
    fn from(err: RpcError) -> Self {
        Failure::Rpc(err)
    }
}

impl Failure {
    fn into_outcome(self, id: &RawValue) -> Outcome {
        match self {
            Failure::Rpc(err) => Outcome::error(Some(id), &err),
            Failure::Halted(halted) if halted.refused => {
                Outcome::Refused(halted.body.into(), Refusal::MissingCapability)
            }
            Failure::Halted(halted) => Outcome::Response(halted.body.into()),
            Failure::Refused(err, why) => Outcome::refused(Some(id), &err, why),
        }
    }
}

pub(super) fn invalid_params(message: impl Into<Cow<'static, str>>) -> RpcError {
    RpcError::new(code::INVALID_PARAMS, message)
}

impl Server {
    /// Whether `method` is served in `version`, given the capabilities this server has.
    pub(crate) fn knows(&self, catalog: &Catalog, method: Method, version: Version) -> bool {
        let has = match method {
            Method::ToolsList | Method::ToolsCall => catalog.served.tools,
            Method::ResourcesList
            | Method::ResourceTemplatesList
            | Method::ResourcesRead
            | Method::ResourcesSubscribe
            | Method::ResourcesUnsubscribe => catalog.served.resources,
            Method::PromptsList | Method::PromptsGet => catalog.served.prompts,
            Method::Complete => catalog.served.completions,
            Method::TasksGet
            | Method::TasksUpdate
            | Method::TasksCancel
            | Method::TasksResult
            | Method::TasksList => catalog.served.tasks,
            Method::Initialized | Method::Cancelled => false,
            _ => true,
        };
        has && version.serves(method)
    }

    /// Runs one message in `version` for `caller`; `session` is the session it belongs to
    /// (session revisions, after `initialize`).
    pub(crate) async fn dispatch(
        &self,
        msg: &Message<'_>,
        version: Version,
        session: Option<&Arc<Session>>,
        caller: &Caller,
    ) -> Outcome {
        let Some(id) = msg.request_id() else {
            if let Some(session) = session {
                take_in(msg, session);
            }
            return Outcome::Accepted;
        };
        // One snapshot of the tools for the whole request.
        let catalog = self.inner.catalog.load();
        let Some(method) = msg.method.filter(|&m| self.knows(&catalog, m, version)) else {
            let err = RpcError::new(
                code::METHOD_NOT_FOUND,
                format!("Method not found: {}", msg.method_name),
            );
            if version.refuses_unknown_methods() {
                return Outcome::refused(Some(id), &err, Refusal::UnknownMethod);
            }
            return Outcome::error(Some(id), &err);
        };
        if let Some(why) = &msg.params_error {
            return Outcome::error(Some(id), &invalid_params(format!("Invalid params: {why}")));
        }
        let token = msg.params.meta.as_ref().and_then(|m| m.progress_token);
        if token.is_some_and(|t| t.get().len() > MAX_PROGRESS_TOKEN_BYTES) {
            let why = format!(
                "Invalid params: `_meta.progressToken` is longer than {MAX_PROGRESS_TOKEN_BYTES} bytes"
            );
            return Outcome::error(Some(id), &invalid_params(why));
        }
        match self
            .request(msg, id, method, (version, session, caller), &catalog)
            .await
        {
            Ok(outcome) => outcome,
            Err(failure) => failure.into_outcome(id),
        }
    }

    /// A request for a method this server serves in `version`.
    async fn request(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        method: Method,
        (version, session, caller): (Version, Option<&Arc<Session>>, &Caller),
        catalog: &Catalog,
    ) -> Result<Outcome, Failure> {
        let lists = |pick: fn(&ListPages) -> &Pages| {
            let mask = catalog.access.mask(caller);
            self.inner
                .with_lists(catalog, version, mask, |lists| page(pick(lists), msg, id))
        };
        let body = match method {
            Method::Initialize => return self.initialize(msg, id),
            Method::Listen => return self.listen(msg, id, caller),
            Method::TasksGet
            | Method::TasksUpdate
            | Method::TasksCancel
            | Method::TasksResult
            | Method::TasksList => {
                return self
                    .task_request(msg, id, method, (version, session, caller))
                    .await
            }
            Method::Ping => wire::result_bytes(id, b"{}").into(),
            Method::Discover => wire::framed_result(id, &catalog.rendered[version.index()].hello),
            Method::ToolsList => lists(|l| &l.tools)?,
            Method::ResourcesList => lists(|l| &l.resources)?,
            Method::ResourceTemplatesList => lists(|l| &l.templates)?,
            Method::PromptsList => lists(|l| &l.prompts)?,
            Method::SetLogLevel => set_log_level(msg, id, session)?,
            Method::ResourcesSubscribe => self.subscribe(msg, id, session, caller)?,
            Method::ResourcesUnsubscribe => unsubscribe(msg, id, session)?,
            Method::ToolsCall | Method::ResourcesRead | Method::PromptsGet | Method::Complete => {
                return self
                    .run_handler(msg, id, method, (version, session, caller), catalog)
                    .await
            }
            Method::Initialized | Method::Cancelled => unreachable!("not served: see knows()"),
        };
        Ok(Outcome::Response(body))
    }

    /// A request answered by a handler: `tools/call`, `resources/read`, `prompts/get` or
    /// `completion/complete`.
    async fn run_handler(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        method: Method,
        (version, session, caller): (Version, Option<&Arc<Session>>, &Caller),
        catalog: &Catalog,
    ) -> Result<Outcome, Failure> {
        let tool = match method {
            Method::ToolsCall => Some(self.find_tool(catalog, msg, caller)?),
            _ => None,
        };
        let inputs = self
            .inputs(msg, method, (version, caller), tool)?
            .map(Arc::new);
        let meta = msg.params.meta.as_ref();
        let progress_token = meta.and_then(|m| m.progress_token);
        let guard = CancelGuard::default();
        let scope = RequestScope {
            server: &self.inner.shared,
            version,
            id,
            client_info: match session {
                Some(s) => s.client_info.as_deref(),
                None => meta.and_then(|m| m.client_info),
            },
            client_capabilities: match session {
                Some(s) => s.client_capabilities.as_deref(),
                None => meta.and_then(|m| m.client_capabilities),
            },
            progress_token,
            log_level: match session {
                Some(s) => s.log_level(),
                None => meta
                    .and_then(|m| m.log_level.as_deref())
                    .and_then(LogLevel::parse),
            },
            session,
            caller,
            sink: None,
            inputs: inputs.as_ref(),
            cancel: Some(&guard),
            task: None,
        };
        let body = match (method, tool) {
            (_, Some(entry)) if self.runs_as_task(entry, msg, version)? => {
                return self.call_as_task(entry, msg, &scope).await
            }
            // A tool that takes a `Context` may talk to the client while it runs; the
            // transport answers with plain JSON if it finishes without doing so.
            (_, Some(entry)) if entry.streaming => {
                return Ok(self.call_tool_streaming(entry, msg, &scope, session))
            }
            (_, Some(entry)) => self
                .call_tool(entry, msg.params.arguments, &scope)
                .await
                .map_err(Failure::Halted)?,
            (Method::ResourcesRead, _) => self.read_resource(msg, &scope, catalog).await?,
            (Method::PromptsGet, _) => self.get_prompt(msg, &scope, catalog).await?,
            _ => self.complete(msg, &scope, catalog).await?,
        };
        guard.finish();
        Ok(Outcome::Response(body))
    }

    /// `subscriptions/listen`: a stream that opens with the acknowledgement of what the server
    /// grants, then carries those notifications until the client leaves.
    fn listen(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        caller: &Caller,
    ) -> Result<Outcome, Failure> {
        let requested = msg
            .params
            .notifications
            .and_then(|raw| serde_json::from_str::<Filter>(raw.get()).ok())
            .ok_or_else(|| {
                invalid_params(
                    "Invalid params: `notifications` must be a subscription filter object",
                )
            })?;
        let limits = &self.inner.limits;
        if let Some(uris) = &requested.resource_subscriptions {
            let bytes: usize = uris.iter().map(String::len).sum();
            if uris.len() > limits.subscriptions || bytes > SUBSCRIPTION_BYTES {
                return Err(invalid_params(format!(
                    "Invalid params: a listen stream subscribes to at most {} resources, of at most {SUBSCRIPTION_BYTES} bytes of URIs in all",
                    limits.subscriptions
                ))
                .into());
            }
            uris.iter().try_for_each(|u| check_subscription_uri(u))?;
        }
        if self.inner.listeners.len() >= limits.listen_streams {
            let err = RpcError::new(
                code::SERVER_ERROR,
                format!(
                    "Service Unavailable: this server holds its maximum of {} listen streams; retry later",
                    limits.listen_streams
                ),
            );
            return Ok(Outcome::refused(Some(id), &err, Refusal::AtCapacity));
        }
        // Every list may change at run time (the live registry), and each change is told.
        let has_resources = self.inner.catalog.load().served.resources;
        let task_ids = self.listened_tasks(msg, requested.task_ids)?;
        let granted = Filter {
            tools_list_changed: requested.tools_list_changed.filter(|&yes| yes),
            resources_list_changed: requested.resources_list_changed.filter(|&yes| yes),
            prompts_list_changed: requested.prompts_list_changed.filter(|&yes| yes),
            resource_subscriptions: requested.resource_subscriptions.filter(|_| has_resources),
            task_ids,
        };
        let (sink, rx) = MessageStream::channel();
        let catalog = self.inner.catalog.load();
        let mask = catalog.access.mask(caller);
        let hidden = |uri: &str| catalog.hides(uri, mask);
        self.inner
            .listeners
            .add(id, &granted, hidden, caller.subject(), sink);
        Ok(Outcome::Stream(MessageStream::listen(rx), None))
    }

    /// The tasks a listen stream may follow: those asked for, if the request declares the
    /// tasks extension (and the server has tasks).
    fn listened_tasks(
        &self,
        msg: &Message<'_>,
        ids: Option<Vec<String>>,
    ) -> Result<Option<Vec<String>>, Failure> {
        let Some(ids) = ids.filter(|_| self.inner.catalog.load().served.tasks) else {
            return Ok(None);
        };
        let caps = msg.params.meta.as_ref().and_then(|m| m.client_capabilities);
        if !super::tasks::declares_tasks(caps) {
            return Err(Failure::Refused(
                super::tasks::missing_extension("`taskIds` needs it"),
                Refusal::MissingCapability,
            ));
        }
        let most = self.inner.limits.subscriptions;
        if ids.len() > most {
            let why = format!("Invalid params: a listen stream follows at most {most} tasks");
            return Err(invalid_params(why).into());
        }
        Ok(Some(ids))
    }

    /// The answers a stateless request brings to its handler's questions (MRTR), for the
    /// methods that may ask them.
    fn inputs(
        &self,
        msg: &Message<'_>,
        method: Method,
        (version, caller): (Version, &Caller),
        tool: Option<&ToolEntry>,
    ) -> Result<Option<Inputs>, RpcError> {
        if !version.asks_by_retry() {
            return Ok(None);
        }
        let target = match method {
            // A tool without a `Context` cannot ask anything.
            Method::ToolsCall if tool.is_some_and(|t| t.streaming) => &msg.params.name,
            Method::PromptsGet => &msg.params.name,
            Method::ResourcesRead => &msg.params.uri,
            _ => return Ok(None),
        };
        // A `requestState` is bound to the caller too: another caller cannot use it.
        let target = target.as_deref().unwrap_or_default();
        let target = match caller.subject() {
            Some(subject) => Cow::Owned(format!("{target}\u{0}{subject}")),
            None => Cow::Borrowed(target),
        };
        Inputs::from_request(
            &self.inner.sealer,
            method.as_str(),
            &target,
            msg.params.arguments,
            msg.params.input_responses,
            msg.params.request_state.as_deref(),
        )
        .map(Some)
    }

    /// `initialize`: a new session in the negotiated revision.
    fn initialize(&self, msg: &Message<'_>, id: &RawValue) -> Result<Outcome, Failure> {
        let requested = msg
            .params
            .protocol_version
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `protocolVersion` is required"))?;
        let version = Version::negotiate(requested);
        let capabilities = msg.params.capabilities;
        if capabilities.is_some_and(|c| c.get().len() > session::MAX_CAPABILITIES_BYTES) {
            return Err(invalid_params(format!(
                "Invalid params: `capabilities` is larger than {} bytes",
                session::MAX_CAPABILITIES_BYTES
            ))
            .into());
        }
        let sessions = &self.inner.sessions;
        let client_info = msg
            .params
            .client_info
            .and_then(session::compact_client_info);
        let Ok(session) =
            sessions.create(version, capabilities.map(ToOwned::to_owned), client_info)
        else {
            let err = RpcError::new(
                code::SERVER_ERROR,
                format!(
                    "Service Unavailable: this server holds its maximum of {} sessions; retry later",
                    sessions.capacity()
                ),
            );
            return Ok(Outcome::refused(Some(id), &err, Refusal::AtCapacity));
        };
        tracing::debug!(server = %self.inner.info.name, session = %session.id, version = version.as_str(), "session started");
        let catalog = self.inner.catalog.load();
        let hello = wire::framed_result(id, &catalog.rendered[version.index()].hello);
        Ok(Outcome::Opened(hello, session))
    }

    /// `resources/subscribe`: bounded in number and size per session.
    fn subscribe(
        &self,
        msg: &Message<'_>,
        id: &RawValue,
        session: Option<&Arc<Session>>,
        caller: &Caller,
    ) -> MethodResult {
        let uri = required_uri(msg)?;
        if let Some(session) = session {
            check_subscription_uri(uri)?;
            // A resource the caller may not see is answered like an unknown one (accepted),
            // and its updates are never sent.
            let catalog = self.inner.catalog.load();
            if catalog.hides(uri, catalog.access.mask(caller)) {
                return Ok(wire::result_bytes(id, b"{}").into());
            }
            let max = self.inner.limits.subscriptions;
            if !session.subscribe(uri, max, SUBSCRIPTION_BYTES) {
                return Err(invalid_params(format!(
                    "Invalid params: a session subscribes to at most {max} resources, of at most {SUBSCRIPTION_BYTES} bytes of URIs in all"
                ))
                .into());
            }
        }
        Ok(wire::result_bytes(id, b"{}").into())
    }

    /// The tool a `tools/call` names, if `caller` may see it.
    pub(crate) fn find_tool<'c>(
        &self,
        catalog: &'c Catalog,
        msg: &Message<'_>,
        caller: &Caller,
    ) -> Result<&'c ToolEntry, RpcError> {
        let name = msg
            .params
            .name
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `name` is required"))?;
        let entry = catalog
            .tool_index
            .get(name)
            .map(|&i| &catalog.tools[i])
            .filter(|e| visible(e.need, catalog.access.mask(caller)))
            .ok_or_else(|| invalid_params(format!("Unknown tool: {name}")))?;
        if let Some(args) = msg.params.arguments {
            if !args.get().starts_with('{') && args.get() != "null" {
                return Err(invalid_params(
                    "Invalid params: `arguments` must be an object",
                ));
            }
        }
        Ok(entry)
    }
}

/// A notification, or the client's answer to a request the server sent during a call.
fn take_in(msg: &Message<'_>, session: &Session) {
    match (msg.kind, msg.method) {
        (Kind::Notification, Some(Method::Initialized)) => {
            session.initialized.store(true, Ordering::Relaxed);
        }
        (Kind::Notification, Some(Method::Cancelled)) => {
            if let Some(request) = msg.params.request_id {
                session.cancel(request.get());
            }
        }
        (Kind::Response, _) => {
            if let (Some(id), Some(response)) = (msg.id, msg.response) {
                session.answer(id.get(), response.map(|r| r.get()).map_err(|e| e.get()));
            }
        }
        _ => {}
    }
}

fn required_uri<'m>(msg: &'m Message<'_>) -> Result<&'m str, RpcError> {
    msg.params
        .uri
        .as_deref()
        .ok_or_else(|| invalid_params("Invalid params: `uri` is required"))
}

fn unsubscribe(msg: &Message<'_>, id: &RawValue, session: Option<&Arc<Session>>) -> MethodResult {
    let uri = required_uri(msg)?;
    if let Some(session) = session {
        session.unsubscribe(uri);
    }
    Ok(wire::result_bytes(id, b"{}").into())
}

fn page(pages: &Pages, msg: &Message<'_>, id: &RawValue) -> MethodResult {
    let index = match msg.params.cursor.as_deref() {
        None => 0,
        Some(cursor) => decode_cursor(cursor)
            .filter(|i| *i < pages.len())
            .ok_or_else(|| invalid_params("Invalid params: unknown pagination cursor"))?,
    };
    Ok(wire::framed_result(id, &pages[index]))
}

fn set_log_level(msg: &Message<'_>, id: &RawValue, session: Option<&Arc<Session>>) -> MethodResult {
    let level = msg
        .params
        .level
        .as_deref()
        .and_then(LogLevel::parse)
        .ok_or_else(|| {
            invalid_params(format!(
                "Invalid params: `level` must be one of {}",
                LogLevel::names().join(", ")
            ))
        })?;
    if let Some(session) = session {
        session.set_log_level(level);
    }
    Ok(wire::result_bytes(id, b"{}").into())
}
