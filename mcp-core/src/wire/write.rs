//! Writing JSON-RPC responses without intermediate values: prepared documents are framed,
//! not copied.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Serialize;
use serde_json::value::RawValue;

/// A document in up to three parts, so that prepared responses (such as list pages) are
/// framed per request without being copied.
#[derive(Clone, Debug, Default)]
pub struct Chunks {
    parts: [Bytes; 3],
}

impl Chunks {
    pub(crate) fn framed(head: Vec<u8>, shared: Bytes, tail: &'static [u8]) -> Chunks {
        Chunks {
            parts: [Bytes::from(head), shared, Bytes::from_static(tail)],
        }
    }

    /// Total length in bytes.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Bytes::len).sum()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The non-empty parts, in order.
    pub fn into_parts(self) -> impl Iterator<Item = Bytes> {
        self.parts.into_iter().filter(|p| !p.is_empty())
    }

    /// The whole document in one buffer (copies when there are several parts).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.len());
        for p in &self.parts {
            v.extend_from_slice(p);
        }
        v
    }
}

impl From<Vec<u8>> for Chunks {
    fn from(body: Vec<u8>) -> Self {
        Chunks {
            parts: [Bytes::from(body), Bytes::new(), Bytes::new()],
        }
    }
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
