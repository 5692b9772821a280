//! Any bearer token: verified or refused, never a panic; only the one key's tokens pass.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &str| {
    let _ = mcp_core::fuzzing::verify_token(data);
});
