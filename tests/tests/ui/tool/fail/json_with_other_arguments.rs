use mcp_core::{tool, Json};

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Query {
    text: String,
}

/// Search.
#[tool]
fn search(Json(q): Json<Query>, limit: u32) -> String {
    format!("{} {limit}", q.text)
}

fn main() {}
