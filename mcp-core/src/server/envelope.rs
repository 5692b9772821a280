//! The per-request envelope of the stateless revision (`_meta` with its protocol version,
//! client capabilities and log level), checked the same way by every transport.

use serde_json::json;

use crate::logging::LogLevel;
use crate::wire::{code, Message, RpcError, Version};

/// The `_meta` envelope: its protocol version, client capabilities (an object) and log
/// level (a known one); the version it names.
pub(crate) fn check_envelope<'m>(msg: &'m Message<'_>) -> Result<&'m str, RpcError> {
    let Some(meta) = msg.params.meta.as_ref() else {
        let why = "Invalid params: the request is missing the required per-request envelope key(s): _meta";
        return Err(RpcError::new(code::INVALID_PARAMS, why)
            .with_data(json!({"envelope": {"missing": ["_meta"]}})));
    };
    let problem = |key: &str, problem: &str| {
        let why =
            format!("Invalid _meta envelope for protocol revision 2026-07-28: {key}: {problem}");
        RpcError::new(code::INVALID_PARAMS, why)
            .with_data(json!({"envelope": {"key": key, "problem": problem}}))
    };
    let body_version = meta
        .protocol_version
        .as_deref()
        .ok_or_else(|| problem("io.modelcontextprotocol/protocolVersion", "missing"))?;
    let capabilities = "io.modelcontextprotocol/clientCapabilities";
    match meta.client_capabilities {
        None => return Err(problem(capabilities, "missing")),
        Some(c) if !c.get().starts_with('{') => {
            return Err(problem(capabilities, "expected an object"))
        }
        Some(_) => {}
    }
    if let Some(level) = meta.log_level.as_deref() {
        if LogLevel::parse(level).is_none() {
            let expected = format!("expected one of {}", LogLevel::names().join(", "));
            return Err(problem("io.modelcontextprotocol/logLevel", &expected));
        }
    }
    Ok(body_version)
}

/// The version is one of ours. The error lists the stateless revisions, as
/// `server/discover` does; the session revisions are reached through `initialize`.
pub(crate) fn supported(body_version: &str) -> Result<Version, RpcError> {
    Version::parse_stateless(body_version).ok_or_else(|| {
        let supported: Vec<&str> = Version::STATELESS.iter().map(|v| v.as_str()).collect();
        RpcError::new(
            code::UNSUPPORTED_PROTOCOL_VERSION,
            format!("Unsupported protocol version: {body_version}"),
        )
        .with_data(json!({"supported": supported, "requested": body_version}))
    })
}
