use mcp_core::tool;

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Report {
    lines: usize,
}

/// Make a report.
#[tool]
async fn report() -> Report {
    Report { lines: 1 }
}

fn main() {}
