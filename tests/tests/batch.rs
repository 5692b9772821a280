//! JSON-RPC batches: accepted in sessions of revision 2025-03-26 (the only revision with
//! batching), rejected everywhere else.

use mcp_core::{tool, Context, Server};
use mcp_tests::{initialize, post, request};
use serde_json::{json, Value};

/// Add two integers.
#[tool(server = "batch")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Reports progress, then answers.
#[tool(server = "batch")]
async fn slow(ctx: Context) -> &'static str {
    ctx.progress(1.0, Some(2.0), None).await;
    "slow done"
}

macro_rules! app {
    () => {
        actix_web::test::init_service(actix_web::App::new().service(mcp_actix::scope(
            "/mcp",
            Server::builder("batch").collect().build().unwrap(),
        )))
        .await
    };
}

fn call(id: i64, name: &str, args: Value) -> Value {
    request(id, "tools/call", json!({"name": name, "arguments": args}))
}

#[actix_web::test]
async fn a_2025_03_26_session_answers_batches_in_order() {
    let app = app!();
    let (_, session) = initialize(&app, "/mcp", "2025-03-26").await;
    let headers = [("mcp-session-id", session.as_str())];
    let batch = json!([
        call(1, "add", json!({"a": 1, "b": 2})),
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        request(2, "tools/list", json!({})),
        5,
        request(3, "initialize", json!({"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}})),
    ]);
    let a = post(&app, "/mcp", &headers, &batch).await;
    assert_eq!(a.status, 200);
    let answers = a.body.as_array().expect("an array of responses");
    assert_eq!(answers.len(), 4, "{answers:?}");
    assert_eq!(
        answers[0],
        json!({"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "text", "text": "3"}]}})
    );
    assert_eq!(answers[1]["id"], 2);
    assert_eq!(answers[1]["result"]["tools"].as_array().unwrap().len(), 2);
    assert_eq!(answers[2]["id"], Value::Null);
    assert_eq!(answers[2]["error"]["code"], -32600);
    assert_eq!(answers[3]["id"], 3);
    assert_eq!(answers[3]["error"]["code"], -32600);

    // Only notifications: nothing to answer.
    let notes = json!([{"jsonrpc": "2.0", "method": "notifications/initialized"}]);
    assert_eq!(post(&app, "/mcp", &headers, &notes).await.status, 202);
    // An empty batch is invalid.
    let a = post(&app, "/mcp", &headers, &json!([])).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
}

#[actix_web::test]
async fn a_batch_with_a_streaming_call_is_an_event_stream() {
    let app = app!();
    let (_, session) = initialize(&app, "/mcp", "2025-03-26").await;
    let batch = json!([
        request(
            1,
            "tools/call",
            json!({"name": "slow", "arguments": {}, "_meta": {"progressToken": "t"}})
        ),
        call(2, "add", json!({"a": 2, "b": 2})),
    ]);
    let a = post(
        &app,
        "/mcp",
        &[("mcp-session-id", session.as_str())],
        &batch,
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers.get("content-type").unwrap(), "text/event-stream");
    let messages = a.body.as_array().unwrap();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[0]["id"], 2);
    assert_eq!(messages[1]["method"], "notifications/progress");
    assert_eq!(messages[2]["id"], 1);
    assert_eq!(messages[2]["result"]["content"][0]["text"], "slow done");
}

#[actix_web::test]
async fn later_revisions_and_the_stateless_one_reject_batches() {
    let app = app!();
    let batch = json!([call(1, "add", json!({"a": 1, "b": 2}))]);
    let (_, session) = initialize(&app, "/mcp", "2025-06-18").await;
    let a = post(
        &app,
        "/mcp",
        &[("mcp-session-id", session.as_str())],
        &batch,
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = post(
        &app,
        "/mcp",
        &[("mcp-protocol-version", "2026-07-28")],
        &batch,
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
}
