//! JSON-RPC messages as read from a body: parsed once, borrowing from the body, with every
//! parameter any method reads.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use serde_json::json;
use serde_json::value::RawValue;

use super::code;
use super::method::Method;
use super::write::{error_bytes, RpcError};

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
    pub(crate) name: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) value: Cow<'a, str>,
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
    #[serde(borrow, default, rename = "taskId")]
    pub(crate) task_id: Option<Cow<'a, str>>,
    /// `tools/call` as a task (2025-11-25): `{"ttl": ms}`.
    #[serde(borrow, default, deserialize_with = "present")]
    pub(crate) task: Option<&'a RawValue>,
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
    /// The method as sent (empty for a response).
    pub(crate) method_name: Cow<'a, str>,
    /// The method, if the framework knows it.
    pub(crate) method: Option<Method>,
    pub(crate) params: Params<'a>,
    /// Set when `params` is present but malformed; answered with -32602 once the method is
    /// known to exist.
    pub(crate) params_error: Option<String>,
    /// For a response: its `result` (`Ok`) or `error` (`Err`).
    pub(crate) response: Option<Result<&'a RawValue, &'a RawValue>>,
}

/// The longest request id (JSON text) accepted: every response echoes it.
pub(crate) const MAX_ID_BYTES: usize = 256;

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

/// A message that could not be read: the error response to send (-32700 or -32600; over
/// HTTP, with status 400).
#[derive(Debug)]
pub(crate) struct Malformed(pub(crate) Vec<u8>);

impl<'a> Message<'a> {
    /// The id of a request (`None` for a notification or a response).
    pub(crate) fn request_id(&self) -> Option<&'a RawValue> {
        self.id.filter(|_| self.kind == Kind::Request)
    }

    /// Whether this is a request for `method`.
    pub(crate) fn is_request_for(&self, method: Method) -> bool {
        self.kind == Kind::Request && self.method == Some(method)
    }
}

fn reject(id: Option<&RawValue>, err: &RpcError) -> Malformed {
    Malformed(error_bytes(id, err))
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

/// Parses one message.
pub(crate) fn parse(body: &[u8]) -> Result<Message<'_>, Malformed> {
    let env: Envelope<'_> = match serde_json::from_slice(body) {
        Ok(env) => env,
        Err(err) => {
            let expected = "Invalid Request: expected a JSON-RPC 2.0 message object";
            return Err(reject(None, &body_error(&err, expected)));
        }
    };
    let invalid = |id: Option<&RawValue>, why: &'static str| {
        let id = id.filter(|i| valid_id(i));
        Err(reject(id, &RpcError::new(code::INVALID_REQUEST, why)))
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
        method: env.method.as_deref().and_then(Method::parse),
        method_name: env.method.unwrap_or(Cow::Borrowed("")),
        params,
        params_error,
        response,
    })
}

/// A serde error message without its "at line L column C" suffix.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
