use mcp_core::{items, tool, Content, Context, Json, Server, State, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, JsonSchema)]
struct Query {
    text: String,
}

#[derive(Serialize, JsonSchema)]
struct Out {
    n: usize,
}

struct Db;

/// Sync, plain arguments, `serde` attribute passed through.
#[tool(name = "plain.args", title = "Plain", read_only, destructive = false, idempotent, open_world = false)]
fn plain(a: i64, #[serde(default)] b: Option<String>) -> String {
    format!("{a}{}", b.unwrap_or_default())
}

/// Async with injected parameters in any position.
#[tool(server = ["a", "b"])]
async fn injected(ctx: Context, db: State<Db>, x: u8) -> Result<u8, std::io::Error> {
    let _ = (ctx.protocol_version(), &*db);
    Ok(x)
}

/// One struct parameter.
#[tool]
pub fn whole(Json(q): Json<Query>) -> Json<Out> {
    Json(Out { n: q.text.len() })
}

/// Content blocks.
#[tool]
fn blocks() -> Vec<Content> {
    vec![Content::text("x")]
}

/// Full control.
#[tool]
fn full() -> ToolResult {
    ToolResult::error("no")
}

/// Nothing at all.
#[tool]
fn nothing() {}

fn main() {
    let server = Server::builder("x")
        .state(Db)
        .items(items![plain, injected, whole, blocks, full, nothing])
        .build()
        .unwrap();
    assert_eq!(server.tool_names().count(), 6);
    assert_eq!(plain(1, None), "1");
}
