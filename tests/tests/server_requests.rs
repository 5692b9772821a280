//! Requests from server to client during a tool call (elicitation, sampling, roots) in the
//! session revisions: the request goes out on the call's event stream, the client answers
//! with a new message, the tool resumes.

use actix_web::{test, App};
use mcp_core::Server;
use mcp_tests::{envelope, next_message, post, request, session_post, sse_messages, MODERN};
use serde_json::{json, Value};

// The handlers, `confirm` and `ask_model`, are `mcp_tests::asking`, shared with
// `input_required.rs`.

async fn start(
    capabilities: Value,
) -> (
    impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    String,
) {
    let server = Server::builder("talk").collect().build().unwrap();
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": capabilities, "clientInfo": {"name": "t", "version": "1"}}),
    );
    let a = post(&app, "/mcp", &[], &init).await;
    let session = a
        .headers
        .get("mcp-session-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    (app, session)
}

fn call(session: &str, id: i64, name: &str, args: Value) -> actix_http::Request {
    session_post(
        session,
        &request(id, "tools/call", json!({"name": name, "arguments": args})),
    )
}

#[actix_web::test]
async fn elicitation_round_trip() {
    let (app, s) = start(json!({"elicitation": {}})).await;
    let resp = test::call_service(&app, call(&s, 9, "confirm", json!({"action": "delete"}))).await;
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let mut body = resp.into_body();
    let ask = next_message(&mut body).await;
    assert_eq!(
        ask,
        json!({"jsonrpc": "2.0", "id": "s-1", "method": "elicitation/create", "params": {
            "message": "Really delete?",
            "requestedSchema": {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}})
    );
    let answer = json!({"jsonrpc": "2.0", "id": "s-1", "result": {"action": "accept", "content": {"ok": true}}});
    assert_eq!(
        post(&app, "/mcp", &[("mcp-session-id", &s)], &answer)
            .await
            .status,
        202
    );
    let rest = actix_web::body::to_bytes(body).await.unwrap();
    let messages = sse_messages(&String::from_utf8_lossy(&rest));
    assert_eq!(
        messages,
        [
            json!({"jsonrpc": "2.0", "id": 9, "result": {"content": [{"type": "text", "text": "accepted: ok=true"}]}})
        ]
    );

    // A declined elicitation.
    let resp = test::call_service(&app, call(&s, 10, "confirm", json!({"action": "drop"}))).await;
    let mut body = resp.into_body();
    let ask = next_message(&mut body).await;
    let answer = json!({"jsonrpc": "2.0", "id": ask["id"], "result": {"action": "decline"}});
    post(&app, "/mcp", &[("mcp-session-id", &s)], &answer).await;
    let rest = sse_messages(&String::from_utf8_lossy(
        &actix_web::body::to_bytes(body).await.unwrap(),
    ));
    assert_eq!(rest[0]["result"]["content"][0]["text"], "Decline");
}

#[actix_web::test]
async fn sampling_and_roots_round_trip_and_errors() {
    let (app, s) = start(json!({"sampling": {}, "roots": {}})).await;
    let resp =
        test::call_service(&app, call(&s, 3, "ask_model", json!({"question": "2+2?"}))).await;
    let mut body = resp.into_body();
    let ask = next_message(&mut body).await;
    assert_eq!(ask["method"], "sampling/createMessage");
    assert_eq!(ask["params"]["maxTokens"], 50);
    let answer = json!({"jsonrpc": "2.0", "id": ask["id"], "result": {"role": "assistant", "content": {"type": "text", "text": "4"}, "model": "m"}});
    post(&app, "/mcp", &[("mcp-session-id", &s)], &answer).await;
    let ask = next_message(&mut body).await;
    assert_eq!(ask["method"], "roots/list");
    let answer =
        json!({"jsonrpc": "2.0", "id": ask["id"], "result": {"roots": [{"uri": "file:///work"}]}});
    post(&app, "/mcp", &[("mcp-session-id", &s)], &answer).await;
    let rest = sse_messages(&String::from_utf8_lossy(
        &actix_web::body::to_bytes(body).await.unwrap(),
    ));
    assert_eq!(
        rest[0]["result"]["content"][0]["text"],
        "\"4\" / \"file:///work\""
    );

    // The client answers with an error: the tool sees it as one.
    let resp = test::call_service(&app, call(&s, 4, "ask_model", json!({"question": "?"}))).await;
    let mut body = resp.into_body();
    let ask = next_message(&mut body).await;
    let answer = json!({"jsonrpc": "2.0", "id": ask["id"], "error": {"code": -1, "message": "User rejected sampling request"}});
    post(&app, "/mcp", &[("mcp-session-id", &s)], &answer).await;
    let rest = sse_messages(&String::from_utf8_lossy(
        &actix_web::body::to_bytes(body).await.unwrap(),
    ));
    assert_eq!(rest[0]["result"]["isError"], true);
    assert!(rest[0]["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("User rejected sampling request"));
}

#[actix_web::test]
async fn without_the_capability_the_tool_gets_an_error() {
    let (app, s) = start(json!({})).await;
    let a = post(
        &app,
        "/mcp",
        &[("mcp-session-id", &s)],
        &request(
            1,
            "tools/call",
            json!({"name": "confirm", "arguments": {"action": "x"}}),
        ),
    )
    .await;
    // Nothing was sent to the client, so the answer is plain JSON.
    assert_eq!(a.headers.get("content-type").unwrap(), "application/json");
    assert_eq!(a.body["result"]["isError"], true);
    assert_eq!(
        a.body["result"]["content"][0]["text"],
        "the client does not support elicitation"
    );

    // In the stateless revision, a capability the request did not declare ends the whole
    // request: -32021, HTTP 400.
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", "confirm"),
    ];
    let body = request(
        2,
        "tools/call",
        json!({"name": "confirm", "arguments": {"action": "x"}, "_meta": envelope()}),
    );
    let a = post(&app, "/mcp", &headers, &body).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 2, "error": {
            "code": -32021,
            "message": "Missing required client capability: elicitation",
            "data": {"requiredCapabilities": {"elicitation": {}}}}})
    );
    // With the capability declared, the question goes out as an `input_required` result
    // (see input_required.rs).
}
