//! A template and a URI (split at the first newline): parsed and matched, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &str| {
    let (template, uri) = data.split_once('\n').unwrap_or((data, data));
    let _ = mcp_core::fuzzing::match_template(template, uri);
});
