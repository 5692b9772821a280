//! Every method in both protocol eras, over the actix adapter, with exact wire shapes and
//! HTTP statuses: one fixture server, the tests grouped by feature.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{test, App};
use mcp_core::{
    prompt, resource, tool, Content, Context, Error, Json, LogLevel, PromptMessage,
    ResourceContents, Server, State, ToolResult,
};
use mcp_tests::{call_tool, envelope, initialize, legacy, modern, post, request, send, MODERN};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Add two integers.
#[tool(server = "fx", read_only)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Say hello.
#[tool(server = "fx", title = "Greeter")]
async fn greet(
    /// Who to greet
    name: String,
    /// Punctuation to end with
    punctuation: Option<String>,
) -> String {
    format!("Hello, {name}{}", punctuation.unwrap_or_else(|| "!".into()))
}

#[derive(Serialize, JsonSchema)]
struct Point {
    x: i32,
    y: i32,
}

/// A point.
#[tool(server = "fx")]
fn point() -> Json<Point> {
    Json(Point { x: 1, y: 2 })
}

/// A bare number as structured output.
#[tool(server = "fx")]
fn answer() -> Json<u32> {
    Json(42)
}

#[derive(Deserialize, JsonSchema)]
struct Order {
    /// Item identifiers
    items: Vec<String>,
    /// Delivery address
    address: Address,
}

#[derive(Deserialize, JsonSchema)]
struct Address {
    city: String,
}

/// Place an order.
#[tool(server = "fx", destructive)]
fn order(Json(order): Json<Order>) -> String {
    format!("{} items to {}", order.items.len(), order.address.city)
}

/// Fails on purpose.
#[tool(server = "fx")]
fn fails() -> Result<String, String> {
    Err("it went wrong".into())
}

/// Panics on purpose.
#[tool(server = "fx")]
fn explodes() -> String {
    panic!("boom")
}

/// Several content blocks.
#[tool(server = "fx")]
fn mixed() -> Vec<Content> {
    vec![
        Content::text("a picture:"),
        Content::image([1u8, 2, 3], "image/png"),
        Content::resource(ResourceContents::text("test://x", "embedded").mime_type("text/plain")),
    ]
}

/// The protocol revision of the request.
#[tool(server = "fx")]
fn whoami(ctx: Context) -> String {
    format!(
        "{} {}",
        ctx.protocol_version(),
        ctx.client_name().unwrap_or("?")
    )
}

/// Reports progress and logs while it works.
#[tool(server = "fx")]
async fn slow(ctx: Context) -> String {
    ctx.log(LogLevel::Debug, "debug detail").await;
    ctx.log(LogLevel::Info, "started").await;
    ctx.progress(0.0, Some(100.0), None).await;
    ctx.progress(100.0, Some(100.0), Some("done")).await;
    ctx.log(LogLevel::Warning, serde_json::json!({"step": "end"}))
        .await;
    "finished".into()
}

/// Waits until cancelled.
#[tool(server = "fx")]
async fn forever(ctx: Context) -> String {
    ctx.progress(1.0, None, Some("waiting")).await;
    std::future::pending::<()>().await;
    unreachable!("only cancellation ends this tool")
}

struct Counter(AtomicU64);

/// Counts calls.
#[tool(server = "fx")]
fn count(counter: State<Counter>) -> u64 {
    counter.0.fetch_add(1, Ordering::SeqCst) + 1
}

/// Plain text.
#[resource(server = "fx", uri = "text://hello", mime_type = "text/plain")]
fn hello_text() -> &'static str {
    "hello"
}

/// Some bytes.
#[resource(
    server = "fx",
    uri = "bin://bytes",
    mime_type = "application/octet-stream"
)]
fn bytes() -> Vec<u8> {
    vec![0, 1, 2]
}

/// A file in a folder.
#[resource(server = "fx", uri = "files://{folder}/{name}")]
async fn file(folder: String, name: String) -> Result<String, Error> {
    if folder == "missing" {
        return Err(Error::not_found(format!("no folder {folder}")));
    }
    Ok(format!("{folder}/{name}"))
}

/// Numbered items.
#[resource(server = "fx", uri = "items://{n}")]
fn item(#[complete(values = ["1", "2", "10"])] n: u32) -> Vec<ResourceContents> {
    vec![ResourceContents::text(
        format!("items://{n}"),
        format!("item {n}"),
    )]
}

/// Review some code.
#[prompt(server = "fx")]
fn review(
    /// The code
    code: String,
    /// Language
    #[complete(values = ["rust", "python", "ruby"])]
    language: Option<String>,
) -> Vec<PromptMessage> {
    vec![
        PromptMessage::user(format!(
            "Review this {}:",
            language.unwrap_or_else(|| "code".into())
        )),
        PromptMessage::user(code),
        PromptMessage::assistant("Sure."),
    ]
}

/// Repeat a word.
#[prompt(server = "fx")]
fn repeat(word: String, times: u8) -> String {
    word.repeat(times as usize)
}

fn server() -> Server {
    Server::builder("fx")
        .version("1.2.3")
        .instructions("Test fixture.")
        .state(Counter(AtomicU64::new(0)))
        .collect()
        .build()
        .expect("fixture server builds")
}

macro_rules! app {
    () => {
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server()))).await
    };
}

/// The entry for tool `name` in a `tools/list` result.
fn tool<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

fn server_info_meta() -> Value {
    json!({"io.modelcontextprotocol/serverInfo": {"name": "fx", "version": "1.2.3"}})
}

// After `app!`, which the modules use.
mod discovery;
mod resources;
mod sessions;
mod tools;
mod transport;
