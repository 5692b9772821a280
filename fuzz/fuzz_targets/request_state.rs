//! A `requestState`, arguments and `inputResponses` (split at newlines): only a state sealed
//! under the fuzzing key opens, and nothing panics. Random input never forges one.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &str| {
    let mut parts = data.splitn(3, '\n');
    let state = parts.next().unwrap_or_default();
    let arguments = parts.next().unwrap_or("{}");
    let responses = parts.next().unwrap_or("{}");
    assert!(
        !mcp_core::fuzzing::open_request_state(state, arguments, responses),
        "a random requestState was accepted"
    );
});
