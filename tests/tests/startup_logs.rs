//! What `build()` logs: the items each server serves, untagged items it leaves out, tools
//! without a description. One test per binary: the log capture is process-wide.

use mcp_core::{tool, Server};

/// Shared with every server that collects.
#[tool(server = "*")]
fn three() -> u8 {
    3
}

/// Tagged for no server.
#[tool]
fn four() -> u8 {
    4
}

#[tool(server = "quiet")]
fn undocumented() -> u8 {
    0
}

/// A log sink for `build_logs`.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What `build()` logs, captured.
fn build_logs(builder: mcp_core::ServerBuilder) -> String {
    use tracing_subscriber::util::SubscriberInitExt as _;
    let captured = Captured::default();
    let buffer = captured.0.clone();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    {
        let _guard = subscriber.set_default();
        builder.build().unwrap();
    }
    let bytes = std::mem::take(&mut *buffer.lock().unwrap());
    String::from_utf8(bytes).unwrap()
}

#[test]
fn build_logs_what_it_serves_and_what_it_leaves_out() {
    let logs = build_logs(Server::builder("quiet").collect());
    assert!(
        logs.contains("MCP server `quiet` serves 2 tools (three, undocumented)"),
        "{logs}"
    );
    assert!(
        logs.contains(&format!(
            "tool `four` at startup_logs (tests/tests/startup_logs.rs:{}) names no server and is not served by `quiet`",
            line_of("fn four")
        )),
        "{logs}"
    );
    assert!(
        logs.contains(&format!(
            "tool `undocumented` at startup_logs (tests/tests/startup_logs.rs:{}) has no description",
            line_of("fn undocumented")
        )),
        "{logs}"
    );
    // Collected untagged items are not warned about.
    let logs = build_logs(Server::builder("quiet").collect_untagged());
    assert!(!logs.contains("names no server"), "{logs}");
}

/// The line of this file on which `needle` first appears.
fn line_of(needle: &str) -> usize {
    include_str!("startup_logs.rs")
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in this file")
        + 1
}
