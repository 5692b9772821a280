//! Compile-time diagnostics of the macros. Each file under `ui/<macro>/fail` holds one
//! mistake; its `.stderr` is what the user sees. Refresh with `TRYBUILD=overwrite` and review
//! the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/*/pass/*.rs");
    t.compile_fail("tests/ui/*/fail/*.rs");
}
