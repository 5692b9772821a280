use mcp_core::tool;

/// Runs now and then.
#[tool(task = "sometimes")]
async fn crunch() -> u8 {
    1
}

/// Not in quotes.
#[tool(task = required)]
async fn crunch_more() -> u8 {
    2
}

fn main() {}
