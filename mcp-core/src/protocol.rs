//! Wire-level pieces shared by the dispatcher and the transports: protocol revisions,
//! JSON-RPC error codes, and writing responses without intermediate values.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Serialize;

use crate::http::Chunks;
use serde_json::value::RawValue;

/// A protocol revision this framework speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Version {
    V2025_03_26,
    V2025_06_18,
    V2025_11_25,
    V2026_07_28,
}

impl Version {
    /// Every supported revision, newest first.
    pub(crate) const ALL: [Version; 4] = [
        Version::V2026_07_28,
        Version::V2025_11_25,
        Version::V2025_06_18,
        Version::V2025_03_26,
    ];
    /// The session-based revisions, newest first.
    pub(crate) const LEGACY: [Version; 3] = [
        Version::V2025_11_25,
        Version::V2025_06_18,
        Version::V2025_03_26,
    ];
    /// The stateless revisions.
    pub(crate) const MODERN: [Version; 1] = [Version::V2026_07_28];
    pub(crate) const LATEST_LEGACY: Version = Version::V2025_11_25;

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Version::V2025_03_26 => "2025-03-26",
            Version::V2025_06_18 => "2025-06-18",
            Version::V2025_11_25 => "2025-11-25",
            Version::V2026_07_28 => "2026-07-28",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Version> {
        Version::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub(crate) fn is_modern(self) -> bool {
        self >= Version::V2026_07_28
    }

    /// Index into per-revision tables.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// JSON-RPC and MCP error codes.
pub(crate) mod code {
    pub(crate) const PARSE_ERROR: i64 = -32700;
    pub(crate) const INVALID_REQUEST: i64 = -32600;
    pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
    pub(crate) const INVALID_PARAMS: i64 = -32602;
    pub(crate) const INTERNAL_ERROR: i64 = -32603;
    /// Legacy, implementation-defined: transport and session problems (session revisions).
    pub(crate) const SERVER_ERROR: i64 = -32000;
    /// Legacy "resource not found" (2024-11-05 through 2025-11-25).
    pub(crate) const RESOURCE_NOT_FOUND: i64 = -32002;
    /// The `Mcp-Session-Id` names no live session (HTTP 404).
    pub(crate) const SESSION_NOT_FOUND: i64 = -32001;
    pub(crate) const HEADER_MISMATCH: i64 = -32020;
    pub(crate) const MISSING_REQUIRED_CLIENT_CAPABILITY: i64 = -32021;
    pub(crate) const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
}

/// A JSON-RPC error object, before it is written.
#[derive(Debug, Serialize)]
pub(crate) struct RpcError {
    pub(crate) code: i64,
    pub(crate) message: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<serde_json::Value>,
}

impl RpcError {
    pub(crate) fn new(code: i64, message: impl Into<Cow<'static, str>>) -> Self {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }

    pub(crate) fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// Starts `{"jsonrpc":"2.0","id":<id>,"result":` in `buf`.
pub(crate) fn begin_result(buf: &mut Vec<u8>, id: &RawValue) {
    buf.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
    buf.extend_from_slice(id.get().as_bytes());
    buf.extend_from_slice(b",\"result\":");
}

/// A complete response whose result is `result` (already JSON).
pub(crate) fn result_bytes(id: &RawValue, result: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(40 + id.get().len() + result.len());
    begin_result(&mut buf, id);
    buf.extend_from_slice(result);
    buf.push(b'}');
    buf
}

/// A complete response whose result is a prepared, shared document: the document is not
/// copied, only framed.
pub(crate) fn framed_result(id: &RawValue, result: &Bytes) -> Chunks {
    let mut head = Vec::with_capacity(32 + id.get().len());
    begin_result(&mut head, id);
    Chunks::framed(head, result.clone(), b"}")
}

/// A complete error response; `id` is `null` when the request's id could not be read.
pub(crate) fn error_bytes(id: Option<&RawValue>, err: &RpcError) -> Vec<u8> {
    let mut buf = Vec::with_capacity(96);
    buf.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
    buf.extend_from_slice(id.map_or("null", RawValue::get).as_bytes());
    buf.extend_from_slice(b",\"error\":");
    serde_json::to_writer(&mut buf, err).expect("error objects serialize");
    buf.push(b'}');
    buf
}

/// Closes a serialized result object, inserting the fields a revision requires on every
/// result (`suffix`, e.g. `"resultType":"complete","_meta":{..}` for 2026-07-28). `buf` ends
/// with the result object's closing `}`.
pub(crate) fn close_result(buf: &mut Vec<u8>, suffix: &[u8]) {
    if suffix.is_empty() {
        return;
    }
    let closing = buf.pop();
    debug_assert_eq!(closing, Some(b'}'));
    if buf.last() != Some(&b'{') {
        buf.push(b',');
    }
    buf.extend_from_slice(suffix);
    buf.push(b'}');
}
