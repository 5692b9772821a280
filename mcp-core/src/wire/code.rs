//! JSON-RPC and MCP error codes: the only place they are written out.

pub(crate) const PARSE_ERROR: i64 = -32700;
pub(crate) const INVALID_REQUEST: i64 = -32600;
pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
pub(crate) const INVALID_PARAMS: i64 = -32602;
pub(crate) const INTERNAL_ERROR: i64 = -32603;
/// Implementation-defined: transport and session problems (session revisions).
pub(crate) const SERVER_ERROR: i64 = -32000;
/// "Resource not found" in the session revisions.
pub(crate) const RESOURCE_NOT_FOUND: i64 = -32002;
/// The `Mcp-Session-Id` names no live session (HTTP 404).
pub(crate) const SESSION_NOT_FOUND: i64 = -32001;
pub(crate) const HEADER_MISMATCH: i64 = -32020;
pub(crate) const MISSING_REQUIRED_CLIENT_CAPABILITY: i64 = -32021;
pub(crate) const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
