use mcp_core::tool;

/// Pick.
#[tool]
fn pick(#[complete(values = ["a", "b"])] choice: String) -> String {
    choice
}

fn main() {}
