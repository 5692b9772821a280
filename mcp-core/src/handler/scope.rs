//! What a handler receives: the request's scope, and the tool arguments, resource request or
//! prompt arguments the macros' generated code reads; and what resource and prompt bodies
//! produce.

use std::any::TypeId;
use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::content::{PromptMessage, ResourceContents, ToolResult};
use crate::error::Error;
use crate::handler::inject::InjectError;
use crate::handler::registry::AnyState;
use crate::logging::LogLevel;
use crate::runtime::mrtr::Inputs;
use crate::runtime::stream::{CancelGuard, Sink};
use crate::runtime::task::TaskCell;
use crate::session::Session;
use crate::wire::{strip_position, Version};

/// What every handler of one server shares: its name, its registered state, its limits.
pub(crate) struct Shared {
    pub(crate) name: Arc<str>,
    pub(crate) state: HashMap<TypeId, AnyState>,
    /// How long a question to the client (in a session) waits for its answer.
    pub(crate) client_request_timeout: Duration,
}

/// What a handler sees of the request, beyond its arguments.
pub struct RequestScope<'a> {
    pub(crate) server: &'a Shared,
    pub(crate) version: Version,
    pub(crate) id: &'a RawValue,
    /// From the session (session revisions) or the request's envelope (2026-07-28).
    pub(crate) client_info: Option<&'a RawValue>,
    pub(crate) client_capabilities: Option<&'a RawValue>,
    pub(crate) progress_token: Option<&'a RawValue>,
    /// The minimum level of log messages the client wants, if any.
    pub(crate) log_level: Option<LogLevel>,
    pub(crate) session: Option<&'a Arc<Session>>,
    /// Who made the request.
    pub(crate) caller: &'a crate::Caller,
    /// Where notifications go while the handler runs, when the answer is a stream.
    pub(crate) sink: Option<&'a Sink>,
    /// Answers to the handler's questions (2026-07-28 `tools/call`, `prompts/get` and
    /// `resources/read`).
    pub(crate) inputs: Option<&'a Arc<Inputs>>,
    /// Fires if the handler is dropped before it finishes.
    pub(crate) cancel: Option<&'a CancelGuard>,
    /// Set when the call may become a task (2026-07-28, a task-capable tool, a client that
    /// declares the tasks extension).
    pub(crate) task: Option<&'a Arc<TaskCell>>,
}

/// A tool's raw arguments.
pub struct ToolArgs<'a> {
    pub(crate) raw: Option<&'a RawValue>,
    pub(crate) tool: &'a str,
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
    pub(crate) uri: &'a str,
    pub(crate) vars: Vec<(String, String)>,
    pub(crate) mime_type: Option<&'static str>,
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
    pub(crate) values: Vec<(Cow<'a, str>, String)>,
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
