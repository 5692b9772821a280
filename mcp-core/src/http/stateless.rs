//! Requests in the stateless revision (`2026-07-28`): the `_meta` envelope, the
//! `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` headers, checked in the
//! order the reference implementation checks them, then dispatch.

use base64::Engine as _;
use serde_json::json;

use super::{
    header, quoted, refuses_event_stream, respond, server_error, Endpoint, HttpRequest,
    HttpResponse, QUOTE_CHARS,
};
use crate::logging::LogLevel;
use crate::server::HeaderKind;
use crate::wire::{code, Kind, Message, Method, RpcError, Version};

impl Endpoint {
    pub(super) async fn stateless(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
        mpv: Option<&str>,
    ) -> HttpResponse {
        let id = msg.id;
        let body_version = msg
            .params
            .meta
            .as_ref()
            .and_then(|m| m.protocol_version.as_deref());
        if msg.kind != Kind::Request {
            if msg.kind == Kind::Response {
                return HttpResponse::error(400, None, &RpcError::new(code::INVALID_REQUEST, "Invalid Request: clients must not send responses in protocol revision 2026-07-28"));
            }
            // Notifications: only disagreements between headers and body are rejected.
            if let (Ok(Some(h)), method) = (header(req, "mcp-method"), msg.method_name.as_ref()) {
                if h != method {
                    return HttpResponse::error(400, None, &mismatch(Some(h), format!("the notification body names method {method} but the Mcp-Method header names {h}")));
                }
            }
            if let (Some(h), Some(b)) = (mpv, body_version) {
                if h != b {
                    return HttpResponse::error(400, None, &mismatch(Some(h), format!("the notification envelope names protocol version {b} but the MCP-Protocol-Version header names {h}")));
                }
            }
            return HttpResponse::empty(202);
        }
        // 1. The envelope.
        let Some(meta) = msg.params.meta.as_ref() else {
            return HttpResponse::error(400, id, &RpcError::new(code::INVALID_PARAMS, "Invalid params: the request is missing the required per-request envelope key(s): _meta").with_data(json!({"envelope": {"missing": ["_meta"]}})));
        };
        let envelope_problem = |key: &str, problem: &str| {
            HttpResponse::error(
                400,
                id,
                &RpcError::new(
                    code::INVALID_PARAMS,
                    format!(
                        "Invalid _meta envelope for protocol revision 2026-07-28: {key}: {problem}"
                    ),
                )
                .with_data(json!({"envelope": {"key": key, "problem": problem}})),
            )
        };
        let Some(body_version) = body_version else {
            return envelope_problem("io.modelcontextprotocol/protocolVersion", "missing");
        };
        match meta.client_capabilities {
            None => {
                return envelope_problem("io.modelcontextprotocol/clientCapabilities", "missing")
            }
            Some(c) if !c.get().starts_with('{') => {
                return envelope_problem(
                    "io.modelcontextprotocol/clientCapabilities",
                    "expected an object",
                )
            }
            Some(_) => {}
        }
        if let Some(level) = meta.log_level.as_deref() {
            if LogLevel::parse(level).is_none() {
                return envelope_problem(
                    "io.modelcontextprotocol/logLevel",
                    &format!("expected one of {}", LogLevel::names().join(", ")),
                );
            }
        }
        // 2. The version header must repeat the envelope's version.
        match mpv {
            None => return HttpResponse::error(400, id, &mismatch(None, format!("the body envelope names protocol version {body_version} but the required MCP-Protocol-Version header is absent"))),
            Some(h) if h != body_version => {
                return HttpResponse::error(400, id, &mismatch(Some(h), format!("the body envelope names protocol version {body_version} but the MCP-Protocol-Version header names {h}")))
            }
            Some(_) => {}
        }
        // 3. The version must be one of ours.
        let Some(version) = Version::parse_stateless(body_version) else {
            // The stateless revisions, as `server/discover` lists them; the session revisions
            // are reached through `initialize`, not through this envelope.
            let supported: Vec<&str> = Version::STATELESS.iter().map(|v| v.as_str()).collect();
            return HttpResponse::error(
                400,
                id,
                &RpcError::new(
                    code::UNSUPPORTED_PROTOCOL_VERSION,
                    format!("Unsupported protocol version: {body_version}"),
                )
                .with_data(json!({"supported": supported, "requested": body_version})),
            );
        };
        // 4. Mcp-Method and Mcp-Name.
        let method = msg.method_name.as_ref();
        match header(req, "mcp-method") {
            Ok(None) => return HttpResponse::error(400, id, &mismatch(None, format!("the body names method {method} but the required Mcp-Method header is absent"))),
            Ok(Some(h)) if h != method => {
                return HttpResponse::error(400, id, &mismatch(Some(h), format!("the body names method {method} but the Mcp-Method header names {h}")))
            }
            Err(()) => return HttpResponse::error(400, id, &mismatch(None, "the Mcp-Method header is not valid text".into())),
            Ok(Some(_)) => {}
        }
        let named = match msg.method.and_then(Method::named_param) {
            Some("name") => msg.params.name.as_deref().map(|n| ("name", n)),
            Some(field) => msg.params.uri.as_deref().map(|u| (field, u)),
            None => None,
        };
        if let Some((field, value)) = named {
            match header(req, "mcp-name") {
                Ok(None) => return HttpResponse::error(400, id, &mismatch(None, format!("the body carries params.{field}={value:?} but the required Mcp-Name header is absent"))),
                Err(()) => return HttpResponse::error(400, id, &mismatch(None, "the Mcp-Name header is not valid text".into())),
                Ok(Some(h)) => match decode_header_value(h) {
                    None => return HttpResponse::error(400, id, &mismatch(Some(h), "the Mcp-Name header carries an invalid Base64 sentinel value".into())),
                    Some(decoded) if decoded != value => {
                        return HttpResponse::error(400, id, &mismatch(Some(h), format!("the body carries params.{field}={value:?} but the Mcp-Name header names {decoded:?}")))
                    }
                    Some(_) => {}
                },
            }
        }
        // 5. `Mcp-Param-*` headers of `x-mcp-header` arguments.
        if msg.method == Some(Method::ToolsCall) {
            if let Some(rejection) = self.check_param_headers(req, msg) {
                return rejection;
            }
        }
        // 6. A listen stream can only be sent as events.
        if msg.method == Some(Method::Listen) && refuses_event_stream(req) {
            return HttpResponse::error(
                406,
                id,
                &server_error(
                    "Not Acceptable: subscriptions/listen answers with text/event-stream".into(),
                ),
            );
        }
        // 7. Method lookup and dispatch.
        respond(
            self.server.dispatch(msg, version, None).await,
            self.config.background,
        )
        .await
    }

    /// Each `x-mcp-header` argument present in the body must be repeated, equal, in its
    /// `Mcp-Param-*` header, and a header needs its argument (SEP-2243).
    fn check_param_headers(
        &self,
        req: &HttpRequest<'_>,
        msg: &Message<'_>,
    ) -> Option<HttpResponse> {
        let name = msg.params.name.as_deref()?;
        let inner = &self.server.inner;
        let entry = &inner.tools[*inner.tool_index.get(name)?];
        if entry.headers.is_empty() {
            return None;
        }
        let args: serde_json::Map<String, serde_json::Value> = msg
            .params
            .arguments
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default();
        for param in &entry.headers {
            let value = args.get(&param.property).filter(|v| !v.is_null());
            let sent = match header(req, &param.header) {
                Ok(sent) => sent,
                Err(()) => {
                    return Some(HttpResponse::error(
                        400,
                        msg.id,
                        &mismatch(
                            None,
                            format!("the {} header is not valid text", param.header),
                        ),
                    ))
                }
            };
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
            return Some(HttpResponse::error(400, msg.id, &mismatch(sent, problem)));
        }
        None
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
