//! Any header value, plain or `=?base64?...?=`: decoded or refused, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &str| {
    let _ = mcp_core::fuzzing::decode_header(data);
});
