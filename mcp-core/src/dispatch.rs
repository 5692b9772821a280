//! The transport-agnostic dispatcher: parses one JSON-RPC message (borrowing from the body),
//! checks it against the protocol revision in force, and runs the method.

use std::borrow::Cow;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use futures_util::FutureExt as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::json;
use serde_json::value::RawValue;

use crate::content::{PromptMessage, ResourceContents, ToolResult};
use crate::error::{Error, ErrorKind};
use crate::extract::InjectError;
use crate::http::Chunks;
use crate::listen::Filter;
use crate::mrtr::{Halted, Inputs};
use crate::notify::{CancelGuard, LogLevel, MessageStream, Out, Sink};
use crate::protocol::{self, code, RpcError, Version};
use crate::registry::{PromptHandler, ResourceHandler, ToolHandler};
use crate::server::{decode_cursor, Inner, Pages, Server, ToolEntry};
use crate::session::{self, Session};

/// A boxed, sendable future, as returned by asynchronous handlers.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// `id` present, even as `null` (which a plain `Option` would hide).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&'de RawValue>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    jsonrpc: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    params: Option<&'a RawValue>,
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(borrow, default)]
    error: Option<&'a RawValue>,
}

/// The request `_meta` object, as far as the framework reads it.
#[derive(Deserialize, Default)]
pub(crate) struct Meta<'a> {
    #[serde(borrow, default, rename = "io.modelcontextprotocol/protocolVersion")]
    pub(crate) protocol_version: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "io.modelcontextprotocol/clientCapabilities")]
    pub(crate) client_capabilities: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "io.modelcontextprotocol/clientInfo")]
    pub(crate) client_info: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "io.modelcontextprotocol/logLevel")]
    pub(crate) log_level: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "progressToken")]
    pub(crate) progress_token: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
pub(crate) enum Reference<'a> {
    #[serde(rename = "ref/prompt")]
    Prompt {
        #[serde(borrow)]
        name: Cow<'a, str>,
    },
    #[serde(rename = "ref/resource")]
    Resource {
        #[serde(borrow)]
        uri: Cow<'a, str>,
    },
}

#[derive(Deserialize)]
pub(crate) struct CompleteArgument<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    value: Cow<'a, str>,
}

/// Every parameter any method reads; each method takes the ones it needs.
#[derive(Deserialize, Default)]
pub(crate) struct Params<'a> {
    #[serde(borrow, default, rename = "_meta")]
    pub(crate) meta: Option<Meta<'a>>,
    #[serde(borrow, default)]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) uri: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) arguments: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) cursor: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "ref")]
    pub(crate) reference: Option<Reference<'a>>,
    #[serde(borrow, default)]
    pub(crate) argument: Option<CompleteArgument<'a>>,
    #[serde(borrow, default, rename = "protocolVersion")]
    pub(crate) protocol_version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) capabilities: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "clientInfo")]
    pub(crate) client_info: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) level: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "requestId")]
    pub(crate) request_id: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "inputResponses")]
    pub(crate) input_responses: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "requestState")]
    pub(crate) request_state: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) notifications: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct MetaOnly<'a> {
    #[serde(borrow, default, rename = "_meta")]
    meta: Option<Meta<'a>>,
}

/// What kind of JSON-RPC message arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Request,
    Notification,
    Response,
}

/// A parsed message, borrowing from the request body.
pub(crate) struct Message<'a> {
    pub(crate) kind: Kind,
    pub(crate) id: Option<&'a RawValue>,
    pub(crate) method: Cow<'a, str>,
    pub(crate) params: Params<'a>,
    /// Set when `params` is present but malformed; answered with -32602 once the method is
    /// known to exist.
    pub(crate) params_error: Option<String>,
    /// For a response: its `result` (`Ok`) or `error` (`Err`).
    pub(crate) response: Option<Result<&'a RawValue, &'a RawValue>>,
}

/// An answer ready to send: HTTP status (transports without one ignore it) and body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Chunks,
    pub(crate) new_session: Option<Arc<Session>>,
    /// Set instead of `body` when the answer is a stream of messages.
    pub(crate) stream: Option<MessageStream>,
}

impl Reply {
    pub(crate) fn ok(body: impl Into<Chunks>) -> Reply {
        Reply {
            status: 200,
            body: body.into(),
            new_session: None,
            stream: None,
        }
    }

    pub(crate) fn stream(stream: MessageStream) -> Reply {
        Reply {
            status: 200,
            body: Chunks::default(),
            new_session: None,
            stream: Some(stream),
        }
    }

    pub(crate) fn accepted() -> Reply {
        Reply {
            status: 202,
            body: Chunks::default(),
            new_session: None,
            stream: None,
        }
    }

    pub(crate) fn error(status: u16, id: Option<&RawValue>, err: &RpcError) -> Reply {
        Reply {
            status,
            body: protocol::error_bytes(id, err).into(),
            new_session: None,
            stream: None,
        }
    }
}

/// The longest request id (JSON text) accepted: every response echoes it.
pub(crate) const MAX_ID_BYTES: usize = 256;

/// The longest `progressToken` (JSON text) accepted: every progress notification echoes it.
pub(crate) const MAX_PROGRESS_TOKEN_BYTES: usize = 256;

fn valid_id(id: &RawValue) -> bool {
    let text = id.get();
    if text.len() > MAX_ID_BYTES {
        return false;
    }
    match text.as_bytes().first() {
        Some(b'"') => true,
        Some(b'-' | b'0'..=b'9') => !text.contains(['.', 'e', 'E']),
        _ => false,
    }
}

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

/// A boxed error reply: parse failures are rare, and a `Reply` is large.
fn reject(status: u16, id: Option<&RawValue>, err: &RpcError) -> Box<Reply> {
    Box::new(Reply::error(status, id, err))
}

/// Why a body could not be read: not JSON at all (-32700), or JSON of the wrong shape
/// (-32600, `expected` says which).
pub(crate) fn body_error(err: &serde_json::Error, expected: &'static str) -> RpcError {
    let (code, message) = if err.is_data() {
        (code::INVALID_REQUEST, expected)
    } else {
        (code::PARSE_ERROR, "Parse error: the body is not valid JSON")
    };
    RpcError::new(code, message).with_data(json!({"detail": err.to_string()}))
}

/// Parses one message. Failures come back as ready replies (-32700 or -32600, HTTP 400).
pub(crate) fn parse(body: &[u8]) -> Result<Message<'_>, Box<Reply>> {
    let env: Envelope<'_> = match serde_json::from_slice(body) {
        Ok(env) => env,
        Err(err) => {
            let expected = "Invalid Request: expected a JSON-RPC 2.0 message object";
            return Err(reject(400, None, &body_error(&err, expected)));
        }
    };
    let invalid = |id: Option<&RawValue>, why: &'static str| {
        let id = id.filter(|i| valid_id(i));
        Err(reject(400, id, &RpcError::new(code::INVALID_REQUEST, why)))
    };
    if env.jsonrpc.as_deref() != Some("2.0") {
        return invalid(env.id, "Invalid Request: `jsonrpc` must be \"2.0\"");
    }
    if let Some(id) = env.id {
        if !valid_id(id) {
            return invalid(
                None,
                "Invalid Request: `id` must be a string (of at most 256 bytes) or an integer",
            );
        }
    }
    let kind = match (
        &env.method,
        env.id,
        env.result.is_some() || env.error.is_some(),
    ) {
        (Some(_), Some(_), false) => Kind::Request,
        (Some(_), None, false) => Kind::Notification,
        (None, Some(_), true) => Kind::Response,
        _ => {
            return invalid(
                env.id,
                "Invalid Request: not a request, notification or response",
            )
        }
    };
    let (params, params_error) = match env.params {
        None => (Params::default(), None),
        Some(raw) => match serde_json::from_str::<Params<'_>>(raw.get()) {
            Ok(p) => (p, None),
            Err(err) => {
                // Keep `_meta` readable for the envelope checks if it alone is well formed.
                let meta = serde_json::from_str::<MetaOnly<'_>>(raw.get())
                    .ok()
                    .and_then(|m| m.meta);
                (
                    Params {
                        meta,
                        ..Params::default()
                    },
                    Some(strip_position(&err.to_string())),
                )
            }
        },
    };
    let response = match (env.result, env.error) {
        (Some(result), _) => Some(Ok(result)),
        (None, Some(error)) => Some(Err(error)),
        (None, None) => None,
    };
    Ok(Message {
        kind,
        id: env.id,
        method: env.method.unwrap_or(Cow::Borrowed("")),
        params,
        params_error,
        response,
    })
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// What a handler sees of the request, beyond its arguments.
pub struct RequestScope<'a> {
    pub(crate) server: &'a Inner,
    pub(crate) version: Version,
    pub(crate) id: &'a RawValue,
    /// From the session (session revisions) or the request's envelope (2026-07-28).
    pub(crate) client_info: Option<&'a RawValue>,
    pub(crate) client_capabilities: Option<&'a RawValue>,
    pub(crate) progress_token: Option<&'a RawValue>,
    /// The minimum level of log messages the client wants, if any.
    pub(crate) log_level: Option<LogLevel>,
    pub(crate) session: Option<&'a Arc<Session>>,
    /// Where notifications go while the handler runs, when the answer is a stream.
    pub(crate) sink: Option<&'a Sink>,
    /// Answers to the handler's questions (2026-07-28 `tools/call`, `prompts/get` and
    /// `resources/read`).
    pub(crate) inputs: Option<&'a Arc<Inputs>>,
    /// Fires if the handler is dropped before it finishes.
    pub(crate) cancel: Option<&'a CancelGuard>,
}

impl RequestScope<'_> {
    pub(crate) fn client_info(&self) -> Option<&RawValue> {
        self.client_info
    }

    pub(crate) fn client_capabilities(&self) -> Option<&RawValue> {
        self.client_capabilities
    }
}

/// A [`RequestScope`] that owns what it refers to, for handlers that outlive the request
/// body (streamed answers).
struct OwnedScope {
    server: Server,
    version: Version,
    id: Box<RawValue>,
    client_info: Option<Box<RawValue>>,
    client_capabilities: Option<Box<RawValue>>,
    progress_token: Option<Box<RawValue>>,
    log_level: Option<LogLevel>,
    session: Option<Arc<Session>>,
    inputs: Option<Arc<Inputs>>,
    cancel: CancelGuard,
}

impl OwnedScope {
    fn new(
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
            inputs: scope.inputs.cloned(),
            cancel,
        }
    }

    fn scope<'a>(&'a self, sink: &'a Sink) -> RequestScope<'a> {
        RequestScope {
            server: &self.server.inner,
            version: self.version,
            id: &self.id,
            client_info: self.client_info.as_deref(),
            client_capabilities: self.client_capabilities.as_deref(),
            progress_token: self.progress_token.as_deref(),
            log_level: self.log_level,
            session: self.session.as_ref(),
            sink: Some(sink),
            inputs: self.inputs.as_ref(),
            cancel: Some(&self.cancel),
        }
    }
}

/// A tool's raw arguments.
pub struct ToolArgs<'a> {
    raw: Option<&'a RawValue>,
    tool: &'static str,
}

impl ToolArgs<'_> {
    /// Deserializes the arguments; on failure, an `isError` result naming the field.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ToolResult> {
        let text = match self.raw.map(RawValue::get) {
            None | Some("null") => "{}",
            Some(text) => text,
        };
        match serde_json::from_str(text) {
            Ok(value) => Ok(value),
            Err(_) => {
                // Run again, tracking the path, only to explain the failure.
                let de = &mut serde_json::Deserializer::from_str(text);
                let detail = match serde_path_to_error::deserialize::<_, T>(de) {
                    Ok(_) => "invalid arguments".to_string(),
                    Err(err) => {
                        let path = err.path().to_string();
                        let inner = strip_position(&err.into_inner().to_string());
                        if path == "." || path.is_empty() {
                            inner
                        } else {
                            format!("`{path}`: {inner}")
                        }
                    }
                };
                Err(ToolResult::error(format!(
                    "Invalid arguments for tool `{}`: {detail}",
                    self.tool
                )))
            }
        }
    }
}

/// A resource read: the URI and, for templates, the variable values.
pub struct ResourceRequest<'a> {
    uri: &'a str,
    vars: Vec<(String, String)>,
    mime_type: Option<&'static str>,
}

impl ResourceRequest<'_> {
    /// The URI being read.
    pub fn uri(&self) -> &str {
        self.uri
    }

    /// The resource's declared MIME type.
    pub fn mime_type(&self) -> Option<&'static str> {
        self.mime_type
    }

    /// A required template variable, parsed; `None` when absent or unparsable (the URI then
    /// does not match this template).
    pub fn var<T: FromStr>(&self, name: &str) -> Option<T> {
        self.vars.iter().find(|(n, _)| n == name)?.1.parse().ok()
    }

    /// An optional template variable; `Err` when present but unparsable.
    #[allow(clippy::result_unit_err)]
    pub fn var_opt<T: FromStr>(&self, name: &str) -> Result<Option<T>, ()> {
        match self.vars.iter().find(|(n, _)| n == name) {
            None => Ok(None),
            Some((_, v)) => v.parse().map(Some).map_err(|_| ()),
        }
    }
}

/// What a resource handler produced.
pub enum ReadOutcome {
    /// The contents.
    Contents(Vec<ResourceContents>),
    /// The URI does not fit this template (a variable did not parse); try the next one.
    NoMatch,
    /// The handler failed.
    Failed(Error),
}

impl ReadOutcome {
    /// An injected parameter was unavailable.
    pub fn from_injection(err: InjectError) -> Self {
        ReadOutcome::Failed(Error::new(err.0))
    }
}

/// A prompt's arguments (strings on the wire).
pub struct PromptArgs<'a> {
    values: Vec<(Cow<'a, str>, String)>,
}

impl PromptArgs<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required argument, parsed.
    pub fn required<T: FromStr>(&self, name: &str) -> Result<T, PromptOutcome>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(name) {
            None => Err(PromptOutcome::Failed(Error::invalid_params(format!(
                "Missing required argument `{name}`"
            )))),
            Some(v) => parse_arg(name, v),
        }
    }

    /// An optional argument, parsed.
    pub fn optional<T: FromStr>(&self, name: &str) -> Result<Option<T>, PromptOutcome>
    where
        T::Err: std::fmt::Display,
    {
        self.get(name).map(|v| parse_arg(name, v)).transpose()
    }
}

fn parse_arg<T: FromStr>(name: &str, value: &str) -> Result<T, PromptOutcome>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| {
        PromptOutcome::Failed(Error::invalid_params(format!(
            "Invalid value for argument `{name}`: {e}"
        )))
    })
}

/// What a prompt handler produced.
pub enum PromptOutcome {
    /// The messages.
    Messages(Vec<PromptMessage>),
    /// The handler failed.
    Failed(Error),
}

impl PromptOutcome {
    /// An injected parameter was unavailable.
    pub fn from_injection(err: InjectError) -> Self {
        PromptOutcome::Failed(Error::new(err.0))
    }
}

type MethodResult = Result<Chunks, Failure>;

/// Why a method produced no result.
pub(crate) enum Failure {
    /// A JSON-RPC error, sent with HTTP 200.
    Rpc(RpcError),
    /// The handler stopped early; this is the whole answer.
    Halted(Halted),
}

impl From<RpcError> for Failure {
    fn from(err: RpcError) -> Self {
        Failure::Rpc(err)
    }
}

fn invalid_params(message: impl Into<Cow<'static, str>>) -> RpcError {
    RpcError::new(code::INVALID_PARAMS, message)
}

impl Server {
    /// Whether `method` is served in `version`, given the capabilities this server has.
    pub(crate) fn knows(&self, method: &str, version: Version) -> bool {
        let s = &self.inner;
        match method {
            "tools/list" | "tools/call" => !s.tools.is_empty(),
            "resources/list" | "resources/templates/list" | "resources/read" => {
                !s.resources.is_empty() || !s.templates.is_empty()
            }
            "prompts/list" | "prompts/get" => !s.prompts.is_empty(),
            "completion/complete" => s.has_completions,
            "server/discover" | "subscriptions/listen" => version.is_modern(),
            "ping" | "initialize" | "logging/setLevel" => !version.is_modern(),
            "resources/subscribe" | "resources/unsubscribe" => {
                !version.is_modern() && (!s.resources.is_empty() || !s.templates.is_empty())
            }
            _ => false,
        }
    }

    /// Runs one request or notification in `version`. `session` is the legacy session.
    pub(crate) async fn dispatch(
        &self,
        msg: &Message<'_>,
        version: Version,
        session: Option<&Arc<Session>>,
    ) -> Reply {
        match msg.kind {
            Kind::Notification => {
                match (msg.method.as_ref(), session) {
                    ("notifications/initialized", Some(s)) => {
                        s.initialized.store(true, Ordering::Relaxed);
                    }
                    ("notifications/cancelled", Some(s)) => {
                        if let Some(request) = msg.params.request_id {
                            s.cancel(request.get());
                        }
                    }
                    _ => {}
                }
                return Reply::accepted();
            }
            // The client's answer to a request the server sent during a tool call.
            Kind::Response => {
                if let (Some(session), Some(id), Some(response)) = (session, msg.id, msg.response) {
                    session.answer(id.get(), response.map(|r| r.get()).map_err(|e| e.get()));
                }
                return Reply::accepted();
            }
            Kind::Request => {}
        }
        let id = msg.id.expect("requests have ids");
        let method = msg.method.as_ref();
        if !self.knows(method, version) {
            let status = if version.is_modern() { 404 } else { 200 };
            return Reply::error(
                status,
                Some(id),
                &RpcError::new(
                    code::METHOD_NOT_FOUND,
                    format!("Method not found: {method}"),
                ),
            );
        }
        if let Some(why) = &msg.params_error {
            return Reply::error(
                200,
                Some(id),
                &invalid_params(format!("Invalid params: {why}")),
            );
        }
        let meta = msg.params.meta.as_ref();
        let tool = match method {
            "tools/call" => match self.find_tool(msg) {
                Ok(entry) => Some(entry),
                Err(err) => return Reply::error(200, Some(id), &err),
            },
            _ => None,
        };
        let inputs = match self.inputs(msg, version, tool) {
            Ok(inputs) => inputs.map(Arc::new),
            Err(err) => return Reply::error(200, Some(id), &err),
        };
        let log_level = match session {
            Some(s) => s.log_level(),
            None => meta
                .and_then(|m| m.log_level.as_deref())
                .and_then(LogLevel::parse),
        };
        let progress_token = meta.and_then(|m| m.progress_token);
        if progress_token.is_some_and(|t| t.get().len() > MAX_PROGRESS_TOKEN_BYTES) {
            return Reply::error(
                200,
                Some(id),
                &invalid_params(format!(
                    "Invalid params: `_meta.progressToken` is longer than {MAX_PROGRESS_TOKEN_BYTES} bytes"
                )),
            );
        }
        let guard = CancelGuard::default();
        let scope = RequestScope {
            server: &self.inner,
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
            log_level,
            session,
            sink: None,
            inputs: inputs.as_ref(),
            cancel: Some(&guard),
        };
        let result = match method {
            "initialize" => return self.initialize(msg, id),
            "ping" => Ok(protocol::result_bytes(id, b"{}").into()),
            "server/discover" => Ok(protocol::framed_result(id, &self.inner.v(version).hello)),
            "tools/list" => self.page(&self.inner.v(version).tools, msg, id),
            "resources/list" => self.page(&self.inner.v(version).resources, msg, id),
            "resources/templates/list" => self.page(&self.inner.v(version).templates, msg, id),
            "prompts/list" => self.page(&self.inner.v(version).prompts, msg, id),
            "logging/setLevel" => self.set_log_level(msg, &scope),
            "resources/subscribe" | "resources/unsubscribe" => {
                let Some(uri) = msg.params.uri.as_deref() else {
                    return Reply::error(
                        200,
                        Some(id),
                        &invalid_params("Invalid params: `uri` is required"),
                    );
                };
                if let Some(session) = session {
                    if method == "resources/subscribe" {
                        if let Err(err) = check_subscription_uri(uri) {
                            return Reply::error(200, Some(id), &err);
                        }
                        let limits = &self.inner.limits;
                        if !session.subscribe(uri, limits.subscriptions, SUBSCRIPTION_BYTES) {
                            return Reply::error(
                                200,
                                Some(id),
                                &invalid_params(format!(
                                    "Invalid params: a session subscribes to at most {} resources, of at most {SUBSCRIPTION_BYTES} bytes of URIs in all",
                                    limits.subscriptions
                                )),
                            );
                        }
                    } else {
                        session.unsubscribe(uri);
                    }
                }
                Ok(protocol::result_bytes(id, b"{}").into())
            }
            "tools/call" => {
                let entry = tool.expect("looked up above");
                // A tool that takes a `Context` may talk to the client while it runs; the
                // transport answers with plain JSON if it finishes without doing so.
                if entry.def.streaming {
                    return self.call_tool_streaming(entry, msg, &scope, session);
                }
                self.call_tool(entry, msg.params.arguments, &scope)
                    .await
                    .map_err(Failure::Halted)
            }
            "resources/read" => self.read_resource(msg, &scope).await,
            "prompts/get" => self.get_prompt(msg, &scope).await,
            "completion/complete" => self.complete(msg, &scope).await,
            "subscriptions/listen" => return self.listen(msg, id),
            _ => unreachable!("knows() covers every method"),
        };
        guard.finish();
        match result {
            Ok(body) => Reply::ok(body),
            Err(Failure::Rpc(err)) => Reply::error(200, Some(id), &err),
            Err(Failure::Halted(halted)) => {
                let mut reply = Reply::ok(halted.body);
                reply.status = halted.status;
                reply
            }
        }
    }

    /// `subscriptions/listen`: a stream that opens with the acknowledgement of what the server
    /// grants, then carries those notifications until the client leaves.
    fn listen(&self, msg: &Message<'_>, id: &RawValue) -> Reply {
        let filter = msg
            .params
            .notifications
            .map(|raw| serde_json::from_str::<Filter>(raw.get()));
        let requested = match filter {
            Some(Ok(filter)) => filter,
            _ => {
                return Reply::error(
                    200,
                    Some(id),
                    &invalid_params(
                        "Invalid params: `notifications` must be a subscription filter object",
                    ),
                )
            }
        };
        if let Some(uris) = &requested.resource_subscriptions {
            let bytes: usize = uris.iter().map(String::len).sum();
            if uris.len() > self.inner.limits.subscriptions || bytes > SUBSCRIPTION_BYTES {
                return Reply::error(
                    200,
                    Some(id),
                    &invalid_params(format!(
                        "Invalid params: a listen stream subscribes to at most {} resources, of at most {SUBSCRIPTION_BYTES} bytes of URIs in all",
                        self.inner.limits.subscriptions
                    )),
                );
            }
            if let Some(err) = uris.iter().find_map(|u| check_subscription_uri(u).err()) {
                return Reply::error(200, Some(id), &err);
            }
        }
        if self.inner.listeners.len() >= self.inner.limits.listen_streams {
            return Reply::error(
                503,
                Some(id),
                &RpcError::new(
                    code::SERVER_ERROR,
                    format!(
                        "Service Unavailable: this server holds its maximum of {} listen streams; retry later",
                        self.inner.limits.listen_streams
                    ),
                ),
            );
        }
        // Lists are fixed when the server is built, so they never change: only resource
        // updates can be granted.
        let has_resources = !self.inner.resources.is_empty() || !self.inner.templates.is_empty();
        let granted = Filter {
            resource_subscriptions: requested.resource_subscriptions.filter(|_| has_resources),
            ..Filter::default()
        };
        let (sink, rx) = MessageStream::channel();
        self.inner.listeners.add(id, &granted, sink);
        Reply::stream(MessageStream::listen(rx))
    }

    /// The answers a 2026-07-28 request brings to its handler's questions (MRTR), for the
    /// methods that may ask them.
    fn inputs(
        &self,
        msg: &Message<'_>,
        version: Version,
        tool: Option<&ToolEntry>,
    ) -> Result<Option<Inputs>, RpcError> {
        if !version.is_modern() {
            return Ok(None);
        }
        let (method, target) = match msg.method.as_ref() {
            "tools/call" => ("tools/call", msg.params.name.as_deref()),
            "prompts/get" => ("prompts/get", msg.params.name.as_deref()),
            "resources/read" => ("resources/read", msg.params.uri.as_deref()),
            _ => return Ok(None),
        };
        let target = target.unwrap_or_default();
        // A tool without a `Context` cannot ask anything.
        if method == "tools/call" && !tool.is_some_and(|t| t.def.streaming) {
            return Ok(None);
        }
        Inputs::from_request(
            &self.inner.sealer,
            method,
            target,
            msg.params.arguments,
            msg.params.input_responses,
            msg.params.request_state.as_deref(),
        )
        .map(Some)
    }

    fn initialize(&self, msg: &Message<'_>, id: &RawValue) -> Reply {
        let Some(requested) = msg.params.protocol_version.as_deref() else {
            return Reply::error(
                200,
                Some(id),
                &invalid_params("Invalid params: `protocolVersion` is required"),
            );
        };
        let version = Version::parse(requested)
            .filter(|v| !v.is_modern())
            .unwrap_or(Version::LATEST_LEGACY);
        if let Some(caps) = msg.params.capabilities {
            if caps.get().len() > session::MAX_CAPABILITIES_BYTES {
                return Reply::error(
                    200,
                    Some(id),
                    &invalid_params(format!(
                        "Invalid params: `capabilities` is larger than {} bytes",
                        session::MAX_CAPABILITIES_BYTES
                    )),
                );
            }
        }
        let sessions = &self.inner.sessions;
        let created = sessions.create(
            version,
            msg.params.capabilities.map(ToOwned::to_owned),
            msg.params
                .client_info
                .and_then(session::compact_client_info),
        );
        let Ok(session) = created else {
            return Reply::error(
                503,
                Some(id),
                &RpcError::new(
                    code::SERVER_ERROR,
                    format!(
                        "Service Unavailable: this server holds its maximum of {} sessions; retry later",
                        sessions.capacity()
                    ),
                ),
            );
        };
        tracing::debug!(server = %self.inner.info.name, session = %session.id, version = version.as_str(), "session started");
        let mut reply = Reply::ok(protocol::framed_result(id, &self.inner.v(version).hello));
        reply.new_session = Some(session);
        reply
    }

    fn page(&self, pages: &Pages, msg: &Message<'_>, id: &RawValue) -> MethodResult {
        let index = match msg.params.cursor.as_deref() {
            None => 0,
            Some(cursor) => decode_cursor(cursor)
                .filter(|i| *i < pages.len())
                .ok_or_else(|| invalid_params("Invalid params: unknown pagination cursor"))?,
        };
        Ok(protocol::framed_result(id, &pages[index]))
    }

    fn set_log_level(&self, msg: &Message<'_>, scope: &RequestScope<'_>) -> MethodResult {
        let level = msg
            .params
            .level
            .as_deref()
            .and_then(LogLevel::parse)
            .ok_or_else(|| {
                invalid_params("Invalid params: `level` must be one of debug, info, notice, warning, error, critical, alert, emergency")
            })?;
        if let Some(session) = scope.session {
            session.set_log_level(level);
        }
        Ok(protocol::result_bytes(scope.id, b"{}").into())
    }

    fn find_tool(&self, msg: &Message<'_>) -> Result<&ToolEntry, RpcError> {
        let name = msg
            .params
            .name
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `name` is required"))?;
        let entry = self
            .inner
            .tool_index
            .get(name)
            .map(|&i| &self.inner.tools[i])
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

    /// Runs a tool whose answer streams its notifications before the result. Polling the
    /// stream drives the tool; everything it needs is owned, since it outlives the request.
    fn call_tool_streaming(
        &self,
        entry: &ToolEntry,
        msg: &Message<'_>,
        scope: &RequestScope<'_>,
        session: Option<&Arc<Session>>,
    ) -> Reply {
        // The handler runs in the stream, with its own cancellation signal.
        let owned = OwnedScope::new(self, scope, session, CancelGuard::default());
        let args: Option<Box<RawValue>> = msg.params.arguments.map(ToOwned::to_owned);
        let index = self.inner.tool_index[entry.def.name];
        let (sink, rx) = MessageStream::channel();
        let end_sink = sink.clone();
        let run = async move {
            let out = {
                let scope = owned.scope(&sink);
                let entry = &owned.server.inner.tools[index];
                match owned.server.call_tool(entry, args.as_deref(), &scope).await {
                    Ok(body) => Out::Final(body.to_vec().into()),
                    Err(halted) if halted.status == 200 => Out::Final(halted.body.into()),
                    Err(halted) => Out::Reject(halted.body.into()),
                }
            };
            owned.cancel.finish();
            let _ = sink.unbounded_send(out);
        };
        // In a session, `notifications/cancelled` naming this request stops it; the stream
        // then ends without a response.
        let Some(session) = session.cloned() else {
            return Reply::stream(MessageStream::new(run, rx));
        };
        let (run, abort) = futures_util::future::abortable(run);
        let request = scope.id.get().to_string();
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
            return Reply::error(200, Some(scope.id), &err);
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
                    let error = protocol::error_bytes(
                        id.as_deref(),
                        &RpcError::new(
                            code::SERVER_ERROR,
                            "Session ended: the session was deleted or expired before this call finished",
                        ),
                    );
                    let _ = end_sink.unbounded_send(Out::Final(error.into()));
                }
            },
            rx,
        );
        Reply::stream(messages.in_session(session).for_request(scope.id.get()))
    }

    /// Runs a tool and writes the complete response.
    async fn call_tool(
        &self,
        entry: &ToolEntry,
        arguments: Option<&RawValue>,
        scope: &RequestScope<'_>,
    ) -> Result<Chunks, Halted> {
        let args = ToolArgs {
            raw: arguments,
            tool: entry.def.name,
        };
        let result = match entry.def.handler {
            ToolHandler::Sync(f) => std::panic::catch_unwind(AssertUnwindSafe(|| f(args, scope)))
                .unwrap_or_else(|panic| tool_panicked(entry.def.name, &panic)),
            ToolHandler::Async(f) => {
                let run = AssertUnwindSafe(async move { f(args, scope).await }).catch_unwind();
                self.until_input(scope, run)
                    .await?
                    .unwrap_or_else(|panic| tool_panicked(entry.def.name, &panic))
            }
        };
        let mut buf = Vec::with_capacity(128);
        protocol::begin_result(&mut buf, scope.id);
        write_tool_result(&mut buf, &result, entry, scope.version);
        protocol::close_result(&mut buf, &self.inner.v(scope.version).suffix);
        buf.push(b'}');
        Ok(buf.into())
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

    async fn read_resource(&self, msg: &Message<'_>, scope: &RequestScope<'_>) -> MethodResult {
        let uri = msg
            .params
            .uri
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `uri` is required"))?;
        let mut outcome = ReadOutcome::NoMatch;
        if let Some(&i) = self.inner.resource_index.get(uri) {
            let def = self.inner.resources[i].def;
            let req = ResourceRequest {
                uri,
                vars: Vec::new(),
                mime_type: def.mime_type,
            };
            outcome = self.run_resource(def.handler, &req, scope).await?;
        } else {
            for t in &self.inner.templates {
                let Some(vars) = t.template.matches(uri) else {
                    continue;
                };
                let req = ResourceRequest {
                    uri,
                    vars,
                    mime_type: t.def.mime_type,
                };
                outcome = self.run_resource(t.def.handler, &req, scope).await?;
                if !matches!(outcome, ReadOutcome::NoMatch) {
                    break;
                }
            }
        }
        let not_found = |message: String| {
            let code = if scope.version.is_modern() {
                code::INVALID_PARAMS
            } else {
                code::RESOURCE_NOT_FOUND
            };
            RpcError::new(code, message).with_data(json!({ "uri": uri }))
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
        protocol::begin_result(&mut buf, scope.id);
        buf.extend_from_slice(b"{\"contents\":");
        serde_json::to_writer(&mut buf, &contents).map_err(internal)?;
        buf.push(b'}');
        protocol::close_result(&mut buf, &self.inner.v(scope.version).read_suffix);
        buf.push(b'}');
        Ok(buf.into())
    }

    async fn get_prompt(&self, msg: &Message<'_>, scope: &RequestScope<'_>) -> MethodResult {
        let name = msg
            .params
            .name
            .as_deref()
            .ok_or_else(|| invalid_params("Invalid params: `name` is required"))?;
        let def = self
            .inner
            .prompt_index
            .get(name)
            .map(|&i| self.inner.prompts[i].def)
            .ok_or_else(|| invalid_params(format!("Unknown prompt: {name}")))?;
        let args = prompt_args(msg.params.arguments)?;
        let outcome = match def.handler {
            PromptHandler::Sync(f) => {
                std::panic::catch_unwind(AssertUnwindSafe(|| f(&args, scope)))
                    .unwrap_or_else(|p| PromptOutcome::Failed(panicked("prompt", def.name, &p)))
            }
            PromptHandler::Async(f) => {
                let run = AssertUnwindSafe(async { f(&args, scope).await }).catch_unwind();
                self.until_input(scope, run)
                    .await
                    .map_err(Failure::Halted)?
                    .unwrap_or_else(|p| PromptOutcome::Failed(panicked("prompt", def.name, &p)))
            }
        };
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
        protocol::begin_result(&mut buf, scope.id);
        buf.push(b'{');
        if let Some(d) = def.description {
            buf.extend_from_slice(b"\"description\":");
            serde_json::to_writer(&mut buf, d).map_err(internal)?;
            buf.push(b',');
        }
        buf.extend_from_slice(b"\"messages\":");
        serde_json::to_writer(&mut buf, &messages).map_err(internal)?;
        buf.push(b'}');
        protocol::close_result(&mut buf, &self.inner.v(scope.version).suffix);
        buf.push(b'}');
        Ok(buf.into())
    }

    async fn run_resource(
        &self,
        handler: ResourceHandler,
        req: &ResourceRequest<'_>,
        scope: &RequestScope<'_>,
    ) -> Result<ReadOutcome, Failure> {
        Ok(match handler {
            ResourceHandler::Sync(f) => {
                std::panic::catch_unwind(AssertUnwindSafe(|| f(req, scope)))
                    .unwrap_or_else(|p| ReadOutcome::Failed(panicked("resource", req.uri, &p)))
            }
            ResourceHandler::Async(f) => {
                let run = AssertUnwindSafe(async { f(req, scope).await }).catch_unwind();
                self.until_input(scope, run)
                    .await
                    .map_err(Failure::Halted)?
                    .unwrap_or_else(|p| ReadOutcome::Failed(panicked("resource", req.uri, &p)))
            }
        })
    }

    async fn complete(&self, msg: &Message<'_>, scope: &RequestScope<'_>) -> MethodResult {
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
        let completions = match reference {
            Reference::Prompt { name } => {
                let &i = self
                    .inner
                    .prompt_index
                    .get(name.as_ref())
                    .ok_or_else(|| invalid_params(format!("Unknown prompt: {name}")))?;
                self.inner.prompts[i].def.completions
            }
            Reference::Resource { uri } => {
                self.inner
                    .templates
                    .iter()
                    .map(|t| t.def)
                    .chain(self.inner.resources.iter().map(|r| r.def))
                    .find(|d| d.uri == uri.as_ref())
                    .ok_or_else(|| invalid_params(format!("Unknown resource template: {uri}")))?
                    .completions
            }
        };
        let panicked = |p: Box<dyn std::any::Any + Send>| {
            tracing::error!(argument = %argument.name, panic = panic_text(&p), "completion panicked");
            Vec::new()
        };
        let mut values = match completions
            .iter()
            .find(|c| c.argument == argument.name.as_ref())
        {
            // A synchronous function runs in the call; an async one in the future.
            Some(c) => {
                match std::panic::catch_unwind(AssertUnwindSafe(|| {
                    (c.complete)(&argument.value, scope)
                })) {
                    Ok(future) => AssertUnwindSafe(future)
                        .catch_unwind()
                        .await
                        .unwrap_or_else(panicked),
                    Err(p) => panicked(p),
                }
            }
            None => Vec::new(),
        };
        let total = values.len();
        values.truncate(100);
        let body = json!({"completion": {"values": values, "total": total, "hasMore": total > values.len()}});
        let mut buf = Vec::with_capacity(128);
        protocol::begin_result(&mut buf, scope.id);
        serde_json::to_writer(&mut buf, &body).map_err(internal)?;
        protocol::close_result(&mut buf, &self.inner.v(scope.version).suffix);
        buf.push(b'}');
        Ok(buf.into())
    }
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

fn write_tool_result(buf: &mut Vec<u8>, result: &ToolResult, entry: &ToolEntry, version: Version) {
    buf.extend_from_slice(b"{\"content\":");
    serde_json::to_writer(&mut *buf, &result.content).expect("content serializes");
    if version >= Version::V2025_06_18 {
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

fn internal(err: serde_json::Error) -> RpcError {
    tracing::error!(error = %err, "serializing a result failed");
    RpcError::new(code::INTERNAL_ERROR, "Internal error")
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("non-string panic payload")
}

fn tool_panicked(name: &str, panic: &(dyn std::any::Any + Send)) -> ToolResult {
    tracing::error!(tool = name, panic = panic_text(panic), "tool panicked");
    ToolResult::error(format!("Tool `{name}` failed with an internal error."))
}

fn panicked(kind: &str, name: &str, panic: &(dyn std::any::Any + Send)) -> Error {
    tracing::error!(kind, name, panic = panic_text(panic), "handler panicked");
    Error::new(format!("The {kind} handler failed with an internal error."))
}
