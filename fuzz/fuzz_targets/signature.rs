//! Any `Mcp-Signature` header and body: verified or refused, never a panic; a forged
//! signature never passes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The header is the first line, the body the rest.
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let Ok(header) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let body = data.get(split + 1..).unwrap_or_default();
    let _ = mcp_core::fuzzing::verify_signature(header, body, 1_767_225_600);
});
