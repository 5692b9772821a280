//! Flama's MCP demo, in full: two servers in one app, `tools` at `/mcp/tools` and `math` at
//! `/mcp/math`.
//!
//! - `add`, `greet`: plain tools.
//! - `square`: a long computation that runs as a task when the client accepts tasks (in
//!   `2026-07-28` with the tasks extension, or called with `task` in a `2025-11-25` session),
//!   reporting its progress.
//! - `confirm`: asks the user (elicitation) before it answers; as a task, the question waits
//!   in the task until the client answers it.
//! - `with_ui`: structured content (an object with an output schema).
//! - `config://app`: a resource; `summarise`: a prompt.
//! - `multiply` on `math`.
//! - `register_tool`: registers a new tool while the server runs (clients are told the list
//!   changed).
//!
//! Run with `cargo run -p flama-parity` (127.0.0.1, port `$PORT` or 8000); `--help` lists the
//! other commands.

use std::sync::OnceLock;
use std::time::Duration;

use mcp_core::{prompt, resource, tool, Context, DynamicTool, ElicitAction, Error, Json, Server};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

/// The `tools` server, once built: `register_tool` adds to it.
static TOOLS: OnceLock<Server> = OnceLock::new();

/// Add two integers.
#[tool(server = "tools", read_only, idempotent)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Greet someone by name.
#[tool(server = "tools")]
fn greet(
    /// Who to greet
    name: String,
) -> String {
    format!("Hello, {name}!")
}

/// Square a number, slowly: one step per `delay_ms`, reporting progress. Runs as a task when
/// the client accepts tasks.
#[tool(server = "tools", task)]
async fn square(
    ctx: Context,
    /// The number to square
    n: i64,
    /// How long each of the five steps takes, in milliseconds (default 200, at most 60000)
    delay_ms: Option<u64>,
) -> String {
    let delay = Duration::from_millis(delay_ms.unwrap_or(200).min(60_000));
    for step in 1..=5 {
        actix_web::rt::time::sleep(delay).await;
        ctx.progress(f64::from(step), Some(5.0), Some("squaring"))
            .await;
    }
    format!("{n} squared is {}", n.saturating_mul(n))
}

/// Do something only after the user confirms it.
#[tool(server = "tools", task)]
async fn confirm(
    ctx: Context,
    /// What to do
    action: String,
) -> Result<String, Error> {
    ctx.start_task().await;
    let schema = json!({
        "type": "object",
        "properties": {"confirm": {"type": "boolean", "description": "Go ahead?"}},
        "required": ["confirm"],
    });
    let answer = ctx
        .elicit(format!("Really {action}?"), schema)
        .key("confirm")
        .await?;
    let yes = answer.action == ElicitAction::Accept
        && answer.content.as_ref().and_then(|c| c.get("confirm")) == Some(&json!(true));
    Ok(match yes {
        true => format!("done: {action}"),
        false => format!("cancelled: {action}"),
    })
}

/// A card for a client to show.
#[derive(Serialize, JsonSchema)]
struct Card {
    /// The card's title
    title: String,
    /// Its lines
    lines: Vec<String>,
}

/// A card describing `topic`, as structured content.
#[tool(server = "tools", read_only)]
fn with_ui(topic: String) -> Json<Card> {
    Json(Card {
        title: topic.clone(),
        lines: vec![
            format!("About {topic}"),
            "Made with the flama-parity demo".into(),
        ],
    })
}

/// The application's configuration.
#[resource(server = "tools", uri = "config://app", mime_type = "application/json")]
fn config() -> Json<serde_json::Value> {
    Json(json!({ "debug": true, "name": "flama-parity" }))
}

/// Summarise the given text.
#[prompt(server = "tools")]
fn summarise(
    /// The text to summarise
    text: String,
) -> String {
    format!("Summarise the following:\n\n{text}")
}

/// Register a tool `name` that answers `reply`, while the server runs.
#[tool(server = "tools")]
fn register_tool(
    /// The new tool's name
    name: String,
    /// What it answers
    reply: String,
) -> Result<String, Error> {
    let server = TOOLS
        .get()
        .ok_or_else(|| Error::new("the server is not built yet"))?;
    let answer = reply.clone();
    let tool = DynamicTool::new(name.clone(), move |_args, _ctx| {
        let answer = answer.clone();
        async move { answer }
    })
    .description(format!("Answers {reply:?}."));
    server.replace_tool(tool).map_err(Error::new)?;
    Ok(format!("registered `{name}`"))
}

/// Multiply two integers.
#[tool(server = "math", read_only, idempotent)]
fn multiply(a: i64, b: i64) -> i64 {
    a * b
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let built = Server::builder("tools")
        .version(env!("CARGO_PKG_VERSION"))
        .instructions(
            "Arithmetic, greetings, a background task, a confirmation, a card, and run-time tools.",
        )
        .collect()
        .build()
        .and_then(|tools| {
            let math = Server::builder("math")
                .version(env!("CARGO_PKG_VERSION"))
                .collect()
                .build()?;
            Ok((tools, math))
        });
    let (tools, math) = match built {
        Ok(servers) => servers,
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::from(3);
        }
    };
    let _ = TOOLS.set(tools.clone());
    mcp_actix::cli::Cli::new()
        .version(env!("CARGO_PKG_VERSION"))
        .server(tools)
        .server(math)
        .run()
}
