//! Requests in the stateless revision (`2026-07-28`): the `_meta` envelope, the
//! `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` headers, checked in the
//! order the reference implementation checks them, then dispatch.

use base64::Engine as _;
use serde_json::json;

use super::{
    header, quoted, refuses_event_stream, respond, server_error, Endpoint, HttpRequest,
    HttpResponse, QUOTE_CHARS,
};
use crate::handler::caller::Caller;
use crate::server::envelope::{check_envelope, supported};
use crate::server::HeaderKind;
use crate::wire::{code, Kind, Message, Method, RpcError, Version};

impl Endpoint {
    /// A message in the stateless revision: checked, then dispatched.
    pub(super) async fn stateless(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        mpv: Option<&str>,
        caller: &Caller,
    ) -> HttpResponse {
        if msg.kind != Kind::Request {
            return notification(req, msg, mpv);
        }
        let version = match self.check(req, msg, mpv, caller) {
            Ok(version) => version,
            Err(err) => return HttpResponse::error(400, msg.id, &err),
        };
        // A listen stream can only be sent as events.
        if msg.method == Some(Method::Listen) && refuses_event_stream(req) {
            let why = "Not Acceptable: subscriptions/listen answers with text/event-stream";
            return HttpResponse::error(406, msg.id, &server_error(why.into()));
        }
        if let Err(throttled) = self.tool_throttle(req, msg, caller).await {
            return throttled.response(msg.id);
        }
        let outcome = self.server.dispatch(msg, version, None, caller).await;
        respond(outcome, self.config.background).await
    }

    /// The checks of a stateless request, in order; the revision it uses.
    fn check(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        mpv: Option<&str>,
        caller: &Caller,
    ) -> Result<Version, RpcError> {
        let body_version = check_envelope(msg)?;
        check_version_header(mpv, body_version)?;
        let version = supported(body_version)?;
        check_method_header(req, msg)?;
        check_name_header(req, msg)?;
        if msg.method == Some(Method::ToolsCall) {
            self.check_param_headers(req, msg, caller)?;
        }
        Ok(version)
    }

    /// Each `x-mcp-header` argument present in the body must be repeated, equal, in its
    /// `Mcp-Param-*` header, and a header needs its argument (SEP-2243).
    fn check_param_headers(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        caller: &Caller,
    ) -> Result<(), RpcError> {
        // A tool the caller cannot see has no headers to check: it is "unknown" later.
        let catalog = self.server.inner.catalog.load();
        let Ok(entry) = self.server.find_tool(&catalog, msg, caller) else {
            return Ok(());
        };
        if entry.headers.is_empty() {
            return Ok(());
        }
        let args: serde_json::Map<String, serde_json::Value> = msg
            .params
            .arguments
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default();
        for param in &entry.headers {
            let value = args.get(&param.property).filter(|v| !v.is_null());
            let sent = header(req, &param.header).map_err(|()| {
                mismatch(
                    None,
                    format!("the {} header is not valid text", param.header),
                )
            })?;
            let problem = match (value, sent) {
                (None, None) => continue,
                (Some(_), None) => format!("the body carries argument `{}` but the required {} header is absent", param.property, param.header),
                (None, Some(_)) => format!("the {} header is present but the body has no argument `{}`", param.header, param.property),
                (Some(value), Some(sent)) => match decode_header_value(sent) {
                    None => format!("the {} header carries an invalid Base64 sentinel value", param.header),
                    Some(decoded) if header_matches(param.kind, value, &decoded) => continue,
                    Some(decoded) => format!("the body carries argument `{}`={value} but the {} header names {decoded:?}", param.property, param.header),
                },
            };
            return Err(mismatch(sent, problem));
        }
        Ok(())
    }
}

/// A notification (or a response, which clients must not send in this revision): only
/// disagreements between headers and body are rejected.
fn notification(req: &HttpRequest<'_>, msg: &Message<'_>, mpv: Option<&str>) -> HttpResponse {
    if msg.kind == Kind::Response {
        let why =
            "Invalid Request: clients must not send responses in protocol revision 2026-07-28";
        return HttpResponse::error(400, None, &RpcError::new(code::INVALID_REQUEST, why));
    }
    let method = msg.method_name.as_ref();
    if let Ok(Some(h)) = header(req, "mcp-method") {
        if h != method {
            let why = format!(
                "the notification body names method {method} but the Mcp-Method header names {h}"
            );
            return HttpResponse::error(400, None, &mismatch(Some(h), why));
        }
    }
    let body_version = msg
        .params
        .meta
        .as_ref()
        .and_then(|m| m.protocol_version.as_deref());
    if let (Some(h), Some(b)) = (mpv, body_version) {
        if h != b {
            let why = format!("the notification envelope names protocol version {b} but the MCP-Protocol-Version header names {h}");
            return HttpResponse::error(400, None, &mismatch(Some(h), why));
        }
    }
    HttpResponse::empty(202)
}

/// Step 2: The `MCP-Protocol-Version` header repeats the envelope's version.
fn check_version_header(mpv: Option<&str>, body_version: &str) -> Result<(), RpcError> {
    match mpv {
        None => Err(mismatch(None, format!("the body envelope names protocol version {body_version} but the required MCP-Protocol-Version header is absent"))),
        Some(h) if h != body_version => Err(mismatch(Some(h), format!("the body envelope names protocol version {body_version} but the MCP-Protocol-Version header names {h}"))),
        Some(_) => Ok(()),
    }
}

/// Step 4: `Mcp-Method` names the body's method.
fn check_method_header(req: &HttpRequest<'_>, msg: &Message<'_>) -> Result<(), RpcError> {
    let method = msg.method_name.as_ref();
    match header(req, "mcp-method") {
        Ok(None) => Err(mismatch(
            None,
            format!("the body names method {method} but the required Mcp-Method header is absent"),
        )),
        Ok(Some(h)) if h != method => Err(mismatch(
            Some(h),
            format!("the body names method {method} but the Mcp-Method header names {h}"),
        )),
        Err(()) => Err(mismatch(
            None,
            "the Mcp-Method header is not valid text".into(),
        )),
        Ok(Some(_)) => Ok(()),
    }
}

/// Step 4: `Mcp-Name` names the tool or prompt (`params.name`) or resource (`params.uri`).
fn check_name_header(req: &HttpRequest<'_>, msg: &Message<'_>) -> Result<(), RpcError> {
    let named = match msg.method.and_then(Method::named_param) {
        Some("name") => msg.params.name.as_deref().map(|n| ("name", n)),
        Some("taskId") => msg.params.task_id.as_deref().map(|t| ("taskId", t)),
        Some(field) => msg.params.uri.as_deref().map(|u| (field, u)),
        None => None,
    };
    let Some((field, value)) = named else {
        return Ok(());
    };
    let h = match header(req, "mcp-name") {
        Ok(None) => return Err(mismatch(None, format!("the body carries params.{field}={value:?} but the required Mcp-Name header is absent"))),
        Err(()) => return Err(mismatch(None, "the Mcp-Name header is not valid text".into())),
        Ok(Some(h)) => h,
    };
    match decode_header_value(h) {
        None => Err(mismatch(Some(h), "the Mcp-Name header carries an invalid Base64 sentinel value".into())),
        Some(decoded) if decoded != value => Err(mismatch(Some(h), format!("the body carries params.{field}={value:?} but the Mcp-Name header names {decoded:?}"))),
        Some(_) => Ok(()),
    }
}

/// A header/body disagreement. `body` may quote client values (already shortened with
/// [`quoted`]); the message is capped so that no request can make a large error.
pub(super) fn mismatch(header_value: Option<&str>, body: String) -> RpcError {
    let header = header_value.map_or("(missing)".into(), quoted);
    RpcError::new(
        code::HEADER_MISMATCH,
        format!(
            "Bad Request: the request headers and body disagree: {}",
            quoted_long(&body)
        ),
    )
    .with_data(json!({"mismatch": {"header": header}}))
}

/// A message that may embed several client values, capped at four times [`QUOTE_CHARS`].
fn quoted_long(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(4 * QUOTE_CHARS) {
        None => text.into(),
        Some((end, _)) => format!("{}…", &text[..end]).into(),
    }
}

/// Decodes the `=?base64?...?=` form of header values.
pub(crate) fn decode_header_value(value: &str) -> Option<String> {
    match value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    {
        None => Some(value.to_string()),
        Some(b64) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok()),
    }
}

/// Whether a header value equals an argument: strings exactly, integers numerically
/// (`42` and `42.0`), booleans as `true`/`false`.
fn header_matches(kind: HeaderKind, value: &serde_json::Value, header: &str) -> bool {
    match kind {
        HeaderKind::Integer => header
            .trim()
            .parse::<f64>()
            .ok()
            .zip(value.as_f64())
            .is_some_and(|(h, v)| h == v),
        HeaderKind::Boolean => value.as_bool().map(|b| b.to_string()).as_deref() == Some(header),
        HeaderKind::String => value.as_str() == Some(header),
    }
}
