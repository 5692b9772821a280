//! The wire format, below everything else: protocol revisions and the rules that differ
//! between them, the methods, JSON-RPC messages as parsed from a body, error codes, and
//! writing responses.

pub(crate) mod code;
mod message;
mod method;
mod version;
mod write;

pub(crate) use message::{body_error, parse, strip_position, Kind, Message, Reference};
pub(crate) use method::Method;
pub(crate) use version::Version;
pub use write::Chunks;
pub(crate) use write::{
    begin_result, close_result, error_bytes, framed_result, result_bytes, RpcError,
};
