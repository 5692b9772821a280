//! Any bytes as one JSON-RPC message: parsed or refused, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = mcp_core::fuzzing::parse_message(data);
});
