use mcp_core::tool;

struct Report;

/// Make a report.
#[tool]
fn report() -> Report {
    Report
}

fn main() {}
