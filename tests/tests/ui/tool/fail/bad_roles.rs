use mcp_core::tool;

/// Reset.
#[tool(roles = [])]
fn reset() {}

/// Purge.
#[tool(roles = ["admin", "ops team"])]
fn purge() {}

fn main() {}
