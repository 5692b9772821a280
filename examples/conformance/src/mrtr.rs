//! Fixtures for the multi-round-trip scenarios of revision 2026-07-28 (`input_required`
//! results). Each is an ordinary handler that asks the client through `Context`; the keys
//! named with `.key(..)` are the ones the suite expects in `inputRequests`.

use std::future::IntoFuture as _;

use futures_util::future::join3;
use mcp_core::{prompt, tool, Context, ElicitAction, ElicitResult, Error};
use serde_json::{json, Value};

fn text_schema(field: &str) -> Value {
    json!({
        "type": "object",
        "properties": {field: {"type": "string"}},
        "required": [field],
    })
}

fn confirm_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
    })
}

/// A submitted form field as text, or what the user did instead.
fn field(answer: &ElicitResult, name: &str) -> String {
    match (
        answer.action,
        answer.content.as_ref().and_then(|c| c.get(name)),
    ) {
        (ElicitAction::Accept, Some(Value::String(s))) => s.clone(),
        (ElicitAction::Accept, Some(other)) => other.to_string(),
        (action, _) => format!("({action:?})"),
    }
}

fn sampled_text(reply: &Value) -> &str {
    reply["content"]["text"].as_str().unwrap_or_default()
}

fn root_uris(roots: &Value) -> String {
    roots["roots"]
        .as_array()
        .map(|roots| {
            roots
                .iter()
                .filter_map(|r| r["uri"].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// Greets the user by the name they give.
#[tool]
async fn test_input_required_result_elicitation(ctx: Context) -> Result<String, Error> {
    let answer = ctx
        .elicit("What is your name?", text_schema("name"))
        .key("user_name")
        .await?;
    Ok(format!("Hello, {}!", field(&answer, "name")))
}

/// Asks the client's model a question.
#[tool]
async fn test_input_required_result_sampling(ctx: Context) -> Result<String, Error> {
    let reply = ctx
        .sample(json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": "What is the capital of France?"}}],
            "maxTokens": 100,
        }))
        .key("capital_question")
        .await?;
    Ok(format!("The model said: {}", sampled_text(&reply)))
}

/// Lists the client's roots.
#[tool]
async fn test_input_required_result_list_roots(ctx: Context) -> Result<String, Error> {
    let roots = ctx.roots().key("client_roots").await?;
    Ok(format!("Client roots: {}", root_uris(&roots)))
}

/// Asks for a confirmation; the answer comes back with the sealed `requestState`, which the
/// framework verifies before the handler runs again.
#[tool]
async fn test_input_required_result_request_state(ctx: Context) -> Result<String, Error> {
    let answer = ctx
        .elicit("Please confirm", confirm_schema())
        .key("confirm")
        .await?;
    Ok(format!("state-ok: confirmation {}", field(&answer, "ok")))
}

/// Asks three questions in one round: a form, the model and the roots.
#[tool]
async fn test_input_required_result_multiple_inputs(ctx: Context) -> Result<String, Error> {
    let (name, greeting, roots) = join3(
        ctx.elicit("What is your name?", text_schema("name"))
            .key("user_name")
            .into_future(),
        ctx.sample(json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": "Generate a greeting"}}],
            "maxTokens": 50,
        }))
        .key("greeting")
        .into_future(),
        ctx.roots().key("client_roots").into_future(),
    )
    .await;
    let (name, greeting, roots) = (name?, greeting?, roots?);
    Ok(format!(
        "{} {}; roots: {}",
        sampled_text(&greeting),
        field(&name, "name"),
        root_uris(&roots)
    ))
}

/// Asks two questions, one after the other (two rounds).
#[tool]
async fn test_input_required_result_multi_round(ctx: Context) -> Result<String, Error> {
    let name = ctx
        .elicit("Step 1: What is your name?", text_schema("name"))
        .key("step1")
        .await?;
    let color = ctx
        .elicit("Step 2: What is your favorite color?", text_schema("color"))
        .key("step2")
        .await?;
    Ok(format!(
        "{}'s favorite color is {}",
        field(&name, "name"),
        field(&color, "color")
    ))
}

/// Asks for a confirmation; a `requestState` that fails its integrity check is rejected.
#[tool]
async fn test_input_required_result_tampered_state(ctx: Context) -> Result<String, Error> {
    let answer = ctx
        .elicit("Please confirm", confirm_schema())
        .key("confirm")
        .await?;
    Ok(format!("Confirmed: {}", field(&answer, "ok")))
}

/// Asks only what the request's capabilities allow: a form if it declares `elicitation`, the
/// model if it declares `sampling`.
#[tool]
async fn test_input_required_result_capabilities(ctx: Context) -> Result<String, Error> {
    let form = async {
        match ctx.can_elicit() {
            true => Some(
                ctx.elicit("What is your name?", text_schema("name"))
                    .key("user_name")
                    .await,
            ),
            false => None,
        }
    };
    let model = async {
        match ctx.can_sample() {
            true => Some(
                ctx.sample(json!({
                    "messages": [{"role": "user", "content": {"type": "text", "text": "Say hello"}}],
                    "maxTokens": 20,
                }))
                .key("model_greeting")
                .await,
            ),
            false => None,
        }
    };
    let (form, model, ()) = join3(form, model, async {}).await;
    let mut parts = Vec::new();
    if let Some(answer) = form {
        parts.push(format!("name: {}", field(&answer?, "name")));
    }
    if let Some(reply) = model {
        parts.push(format!("model: {}", sampled_text(&reply?)));
    }
    if parts.is_empty() {
        parts.push("the client offers neither elicitation nor sampling".into());
    }
    Ok(parts.join("; "))
}

/// Asks for a confirmation: in a session the request goes out on the call's stream; in
/// 2026-07-28 the call is answered with `input_required`.
#[tool]
async fn test_streaming_elicitation(ctx: Context) -> Result<String, Error> {
    let answer = ctx
        .elicit("Continue?", confirm_schema())
        .key("continue")
        .await?;
    Ok(format!("Continue: {}", field(&answer, "ok")))
}

/// A prompt built from context the user supplies.
#[prompt]
async fn test_input_required_result_prompt(ctx: Context) -> Result<String, Error> {
    let answer = ctx
        .elicit(
            "What context should the prompt use?",
            text_schema("context"),
        )
        .key("user_context")
        .await?;
    Ok(format!(
        "Answer using this context: {}",
        field(&answer, "context")
    ))
}
