//! The tools the conformance suite's `tasks-*` scenarios call (the
//! `io.modelcontextprotocol/tasks` extension of revision 2026-07-28), and the hooks with which
//! it changes the tool and prompt lists while it listens.

use std::future::IntoFuture;
use std::time::Duration;

use mcp_core::{
    tool, Context, DynamicPrompt, DynamicTool, ElicitAction, ElicitResult, Error, Server,
};
use serde_json::json;

/// Greets someone by name (never a task).
#[tool]
fn greet(name: String) -> String {
    format!("Hello, {name}!")
}

/// Waits `seconds`, then reports; runs as a task when the client accepts tasks.
#[tool(task)]
async fn slow_compute(
    /// How long to work, in seconds (at most an hour).
    seconds: Option<f64>,
    /// A name for this run.
    label: Option<String>,
) -> String {
    let seconds = seconds.unwrap_or(0.0).clamp(0.0, 3600.0);
    actix_web::rt::time::sleep(Duration::from_secs_f64(seconds)).await;
    let label = label.unwrap_or_else(|| "job".into());
    format!("slow_compute {label} done after {seconds}s")
}

/// Fails as a tool error after a second; only as a task.
#[tool(task = "required")]
async fn failing_job() -> Result<String, String> {
    actix_web::rt::time::sleep(Duration::from_secs(1)).await;
    Err("failing_job failed, as it always does".into())
}

/// Panics, so that its task fails with a protocol error; only as a task.
#[tool(task = "required")]
async fn protocol_error_job() -> String {
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    panic!("protocol_error_job breaks, as it always does")
}

/// Whether a form answer accepted with `confirm: true`.
fn confirmed(answer: &ElicitResult) -> bool {
    answer.action == ElicitAction::Accept
        && answer.content.as_ref().and_then(|c| c.get("confirm")) == Some(&json!(true))
}

/// Deletes a file after asking, from within its task.
#[tool(task, destructive)]
async fn confirm_delete(ctx: Context, filename: String) -> Result<String, Error> {
    ctx.start_task().await;
    let schema = json!({
        "type": "object",
        "properties": {"confirm": {"type": "boolean", "description": "Delete it?"}},
        "required": ["confirm"],
    });
    let answer = ctx
        .elicit(format!("Delete {filename}?"), schema)
        .key("confirm")
        .await?;
    Ok(if confirmed(&answer) {
        format!("Deleted {filename}")
    } else {
        format!("Kept {filename}")
    })
}

/// Asks two questions at once, from within its task.
#[tool(task)]
async fn multi_input(ctx: Context) -> Result<String, Error> {
    ctx.start_task().await;
    let schema = json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "confirm": {"type": "boolean"}},
        "required": ["name"],
    });
    let first = ctx.elicit("First answer?", schema.clone()).key("first");
    let second = ctx.elicit("Second answer?", schema).key("second");
    let (first, second) =
        futures_util::future::join(first.into_future(), second.into_future()).await;
    let name = |answer: &ElicitResult| {
        let content = answer.content.as_ref();
        let name = content.and_then(|c| c.get("name")).and_then(|n| n.as_str());
        name.unwrap_or("nobody").to_string()
    };
    Ok(format!("Got {} and {}", name(&first?), name(&second?)))
}

/// Asks for a name synchronously (the client calls again with it), then runs as a task.
#[tool(task = "required")]
async fn test_tool_with_task(ctx: Context) -> Result<String, Error> {
    let schema = json!({
        "type": "object",
        "properties": {"name": {"type": "string", "description": "Your name"}},
        "required": ["name"],
    });
    let answer = ctx
        .elicit("What is your name?", schema)
        .key("user_name")
        .await?;
    let content = answer.content.unwrap_or_default();
    let name = ["name", "user_name"]
        .iter()
        .find_map(|k| content.get(*k).and_then(|v| v.as_str()))
        .unwrap_or("stranger")
        .to_string();
    ctx.start_task().await;
    Ok(format!("Hello, {name}!"))
}

/// The server, once built: `test_trigger_tool_change` changes its tools.
pub(crate) static SERVER: std::sync::OnceLock<Server> = std::sync::OnceLock::new();

/// Changes the tool list (adds `test_dynamic_tool`, or removes it if it is there), so that
/// clients are told the list changed.
#[tool]
fn test_trigger_tool_change() -> Result<String, Error> {
    let server = SERVER
        .get()
        .ok_or_else(|| Error::new("the server is not running"))?;
    let name = "test_dynamic_tool";
    if server.remove_tool(name).is_ok() {
        return Ok(format!("removed `{name}`"));
    }
    let tool = DynamicTool::new(name, |_, _| async { "a tool added at run time" })
        .description("Added at run time by test_trigger_tool_change.");
    server.add_tool(tool).map_err(Error::new)?;
    Ok(format!("added `{name}`"))
}

/// Changes the prompt list (adds `test_dynamic_prompt`, or removes it if it is there), so
/// that clients are told the list changed.
#[tool]
fn test_trigger_prompt_change() -> Result<String, Error> {
    let server = SERVER
        .get()
        .ok_or_else(|| Error::new("the server is not running"))?;
    let name = "test_dynamic_prompt";
    if server.remove_prompt(name).is_ok() {
        return Ok(format!("removed `{name}`"));
    }
    let prompt = DynamicPrompt::new(name, |_, _| async { "A prompt added at run time." })
        .description("Added at run time by test_trigger_prompt_change.");
    server.add_prompt(prompt).map_err(Error::new)?;
    Ok(format!("added `{name}`"))
}
