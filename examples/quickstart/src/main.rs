//! Two MCP servers in one actix-web app: `tools` at `/mcp/tools` and `math` at `/mcp/math`.
//!
//! Run with `cargo run -p quickstart` (listens on 127.0.0.1, port `$PORT` or 8000), or
//! `cargo run -p quickstart -- stdio --server tools` for a client that launches it; `--help`
//! lists the other commands (`list`, `call`, `read`, `prompt`).

use mcp_core::{prompt, resource, tool, Caller, Error, Json, Server};
use schemars::JsonSchema;
use serde::Serialize;

/// Add two integers.
#[tool(server = "tools", read_only, idempotent)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Greet someone by name.
#[tool(server = "tools")]
async fn greet(
    /// Who to greet
    name: String,
) -> String {
    format!("Hello, {name}!")
}

/// Divide `a` by `b`.
#[tool(server = "tools", read_only)]
fn divide(
    /// The dividend
    a: f64,
    /// The divisor; must not be zero
    b: f64,
) -> Result<f64, Error> {
    if b == 0.0 {
        return Err(Error::new("division by zero"));
    }
    Ok(a / b)
}

/// Word and character counts of a text.
#[derive(Serialize, JsonSchema)]
struct WordStats {
    /// Number of whitespace-separated words
    words: usize,
    /// Number of characters
    characters: usize,
    /// The first of the longest words; `null` for a text without words
    longest: Option<String>,
}

/// Count the words and characters in a text.
#[tool(server = "tools", read_only)]
fn word_stats(text: String) -> Json<WordStats> {
    let longest = text
        .split_whitespace()
        .fold(None, |best: Option<&str>, word| match best {
            Some(b) if b.chars().count() >= word.chars().count() => Some(b),
            _ => Some(word),
        });
    Json(WordStats {
        words: text.split_whitespace().count(),
        characters: text.chars().count(),
        longest: longest.map(str::to_string),
    })
}

/// The application's configuration.
#[resource(server = "tools", uri = "config://app", mime_type = "application/json")]
fn config() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "debug": true }))
}

const USERS: [(u64, &str); 3] = [(1, "Ada Lovelace"), (2, "Alan Turing"), (3, "Grace Hopper")];

fn user_ids(prefix: &str) -> Vec<String> {
    USERS
        .iter()
        .map(|(id, _)| id.to_string())
        .filter(|id| id.starts_with(prefix))
        .collect()
}

/// A user's profile.
#[resource(
    server = "tools",
    uri = "users://{id}/profile",
    mime_type = "text/plain"
)]
async fn profile(#[complete(with = user_ids)] id: u64) -> Result<String, Error> {
    USERS
        .iter()
        .find(|(uid, _)| *uid == id)
        .map(|(uid, name)| format!("User {uid}: {name}"))
        .ok_or_else(|| Error::not_found(format!("no user with id {id}")))
}

/// Summarise the given text.
#[prompt(server = "tools")]
fn summarise(
    /// The text to summarise
    text: String,
    /// How to summarise: brief, detailed or bullet points
    #[complete(values = ["brief", "detailed", "bullet points"])]
    style: Option<String>,
) -> String {
    match style {
        Some(style) => format!("Summarise the following ({style}):\n\n{text}"),
        None => format!("Summarise the following:\n\n{text}"),
    }
}

/// Who is calling, and with which roles: served only to callers with the `admin` role (an
/// API key from `MCP_API_KEYS_MAP=key:admin`, or `--roles admin` on the command line).
#[tool(server = "tools", read_only, roles = ["admin"])]
fn whoami(caller: Caller) -> String {
    let roles: Vec<&str> = caller.roles().collect();
    format!(
        "{} ({})",
        caller.subject().unwrap_or("anonymous"),
        roles.join(", ")
    )
}

/// Multiply two integers.
#[tool(server = "math", read_only, idempotent)]
fn multiply(a: i64, b: i64) -> i64 {
    a * b
}

fn main() -> std::process::ExitCode {
    // Start-up logs say what each server serves; `RUST_LOG` tunes them. They go to standard
    // error: over stdio, standard output carries only protocol messages.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    // Built once, at start-up: lists and schemas are prepared here.
    let built = Server::builder("tools")
        .version(env!("CARGO_PKG_VERSION"))
        .instructions(
            "Arithmetic, greetings, text statistics, user profiles and a summarising prompt.",
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
    // `serve` (the default: HTTP at /mcp/tools and /mcp/math), `stdio --server tools`,
    // `list`, `call`, `read`, `prompt`; see `--help`.
    mcp_actix::cli::Cli::new()
        .version(env!("CARGO_PKG_VERSION"))
        .server(tools)
        .server(math)
        .run()
}
