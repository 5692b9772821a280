use mcp_core::{tool, Json};

struct Query {
    text: String,
}

/// Search.
#[tool(server = "demo")]
fn search(query: Json<Query>) -> String {
    query.0.text
}

fn main() {}
