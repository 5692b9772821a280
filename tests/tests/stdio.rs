//! The stdio transport driven through an in-memory pipe: framing, errors that leave the
//! process serving, both eras on one channel, concurrency, cancellation and the end of input.

use std::time::{Duration, Instant};

use mcp_core::stdio::Stdio;
use mcp_core::{tool, Server};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Add two integers.
#[tool(server = "stdio")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Waits `ms` milliseconds, then answers with `ms`.
#[tool(server = "stdio")]
async fn wait(ms: u64) -> String {
    actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
    ms.to_string()
}

/// Panics.
#[tool(server = "stdio")]
fn explode() -> String {
    panic!("boom")
}

fn server() -> Server {
    Server::builder("stdio").collect().build().expect("valid")
}

fn envelope() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

fn call(id: u64, name: &str, arguments: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": name, "arguments": arguments, "_meta": envelope()}})
    .to_string()
}

/// A client on a pipe: writes lines, reads every message the server writes until it stops.
struct Pipe {
    input: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    served: actix_web::rt::task::JoinHandle<Vec<Value>>,
}

fn start(stdio: Stdio) -> Pipe {
    let (client, server) = tokio::io::duplex(1 << 16);
    let (server_in, server_out) = tokio::io::split(server);
    let (client_in, input) = tokio::io::split(client);
    actix_web::rt::spawn(async move {
        stdio.serve_on(server_in, server_out).await.expect("served");
    });
    let served = actix_web::rt::spawn(async move {
        let mut lines = BufReader::new(client_in).lines();
        let mut all = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            all.push(serde_json::from_str(&line).expect("every line is one JSON message"));
        }
        all
    });
    Pipe { input, served }
}

impl Pipe {
    async fn send(&mut self, line: &str) {
        self.input.write_all(line.as_bytes()).await.unwrap();
        self.input.write_all(b"\n").await.unwrap();
    }

    /// Ends the input; every message the server wrote before it returned.
    async fn finish(mut self) -> Vec<Value> {
        self.input.shutdown().await.unwrap();
        drop(self.input);
        self.served.await.unwrap()
    }
}

fn by_id(messages: &[Value], id: u64) -> Vec<&Value> {
    messages.iter().filter(|m| m["id"] == id).collect()
}

#[actix_web::test]
async fn a_malformed_line_gets_a_parse_error_and_the_server_carries_on() {
    let mut pipe = start(Stdio::new(server()));
    pipe.send("{not json").await;
    pipe.send("").await;
    pipe.send("   ").await;
    pipe.send(r#"{"jsonrpc":"2.0","id":1}"#).await;
    pipe.send(&call(2, "add", json!({"a": 2, "b": 3}))).await;
    let out = pipe.finish().await;
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(out[0]["error"]["code"], -32700);
    assert_eq!(out[0]["id"], Value::Null);
    assert_eq!(out[1]["error"]["code"], -32600);
    assert_eq!(out[2]["result"]["content"][0]["text"], "5");
}

#[actix_web::test]
async fn a_line_over_the_limit_is_skipped_with_an_error() {
    let mut pipe = start(Stdio::new(server()).max_line_bytes(256));
    let long = call(1, "add", json!({"a": 1, "b": 2, "pad": "x".repeat(1000)}));
    pipe.send(&long).await;
    pipe.send(&call(2, "add", json!({"a": 1, "b": 2}))).await;
    let out = pipe.finish().await;
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[0]["error"]["code"], -32600);
    assert!(out[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("256 bytes"));
    assert_eq!(out[1]["id"], 2);
    assert_eq!(out[1]["result"]["content"][0]["text"], "3");
}

#[actix_web::test]
async fn a_hundred_calls_in_flight_all_get_their_answer() {
    let mut pipe = start(Stdio::new(server()));
    let started = Instant::now();
    for id in 0..100u64 {
        // The earliest sent waits longest: answers come back in another order.
        pipe.send(&call(id, "wait", json!({"ms": 300 - id * 2})))
            .await;
    }
    let out = pipe.finish().await;
    assert_eq!(out.len(), 100);
    for id in 0..100u64 {
        let answer = by_id(&out, id);
        assert_eq!(answer.len(), 1, "id {id}: {out:?}");
        assert_eq!(
            answer[0]["result"]["content"][0]["text"],
            (300 - id * 2).to_string()
        );
    }
    assert_ne!(out[0]["id"], 0, "answers are sent as they finish");
    // Concurrent, not one after another (that would take 20 s).
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[actix_web::test]
async fn notifications_cancelled_stops_the_request_and_nothing_is_sent_for_it() {
    let mut pipe = start(Stdio::new(server()));
    let started = Instant::now();
    pipe.send(&call(1, "wait", json!({"ms": 20_000}))).await;
    pipe.send(&call(2, "add", json!({"a": 1, "b": 1}))).await;
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                        "params": {"requestId": 1, "reason": "changed my mind"}});
    pipe.send(&cancel.to_string()).await;
    let out = pipe.finish().await;
    assert!(by_id(&out, 1).is_empty(), "{out:?}");
    assert_eq!(by_id(&out, 2).len(), 1);
    // The end of input did not wait for the cancelled call.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[actix_web::test]
async fn the_end_of_input_waits_for_the_calls_in_flight() {
    let mut pipe = start(Stdio::new(server()));
    pipe.send(&call(7, "wait", json!({"ms": 200}))).await;
    let out = pipe.finish().await;
    assert_eq!(by_id(&out, 7)[0]["result"]["content"][0]["text"], "200");
}

#[actix_web::test]
async fn a_panicking_tool_is_an_error_result_and_the_server_stays_up() {
    let mut pipe = start(Stdio::new(server()));
    pipe.send(&call(1, "explode", json!({}))).await;
    pipe.send(&call(2, "add", json!({"a": 1, "b": 1}))).await;
    let out = pipe.finish().await;
    assert_eq!(by_id(&out, 1)[0]["result"]["isError"], true);
    assert_eq!(by_id(&out, 2)[0]["result"]["content"][0]["text"], "2");
}

#[actix_web::test]
async fn both_eras_share_the_channel() {
    let mut pipe = start(Stdio::new(server()));
    let discover = json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover",
                          "params": {"_meta": envelope()}});
    pipe.send(&discover.to_string()).await;
    let init = json!({"jsonrpc": "2.0", "id": 2, "method": "initialize",
                      "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                 "clientInfo": {"name": "t", "version": "1"}}});
    pipe.send(&init.to_string()).await;
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    pipe.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        .await;
    // No envelope: the session's request.
    pipe.send(r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":4,"b":5}}}"#).await;
    pipe.send(r#"{"jsonrpc":"2.0","id":4,"method":"ping"}"#)
        .await;
    pipe.send(&init.to_string().replace("\"id\":2", "\"id\":5"))
        .await;
    // With the envelope: stateless, beside the session.
    pipe.send(&call(6, "add", json!({"a": 1, "b": 2}))).await;
    let out = pipe.finish().await;
    assert_eq!(
        by_id(&out, 1)[0]["result"]["supportedVersions"],
        json!(["2026-07-28"])
    );
    assert_eq!(by_id(&out, 2)[0]["result"]["protocolVersion"], "2025-06-18");
    let session_call = &by_id(&out, 3)[0]["result"];
    assert_eq!(session_call["content"][0]["text"], "9");
    assert!(
        session_call.get("resultType").is_none(),
        "session revisions have no resultType"
    );
    assert_eq!(by_id(&out, 4)[0]["result"], json!({}));
    assert_eq!(by_id(&out, 5)[0]["error"]["code"], -32600);
    assert_eq!(by_id(&out, 6)[0]["result"]["resultType"], "complete");
}

#[actix_web::test]
async fn a_request_without_envelope_or_session_is_told_what_is_missing() {
    let mut pipe = start(Stdio::new(server()));
    pipe.send(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .await;
    let bad_version = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "1900-01-01",
        "io.modelcontextprotocol/clientCapabilities": {}}}});
    pipe.send(&bad_version.to_string()).await;
    let out = pipe.finish().await;
    assert_eq!(out[0]["error"]["code"], -32602);
    assert_eq!(out[1]["error"]["code"], -32022);
    assert_eq!(out[1]["error"]["data"]["supported"], json!(["2026-07-28"]));
}

#[actix_web::test]
async fn batches_are_answered_as_arrays_in_2025_03_26_sessions() {
    let mut pipe = start(Stdio::new(server()));
    let early = r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#;
    pipe.send(early).await;
    let init = json!({"jsonrpc": "2.0", "id": 2, "method": "initialize",
                      "params": {"protocolVersion": "2025-03-26", "capabilities": {},
                                 "clientInfo": {"name": "t", "version": "1"}}});
    pipe.send(&init.to_string()).await;
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    pipe.send(r#"[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":3,"method":"ping"},{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":1}}}]"#).await;
    let out = pipe.finish().await;
    assert_eq!(
        out[0]["error"]["code"], -32600,
        "no batches before a 2025-03-26 session"
    );
    let batch = out.iter().find(|m| m.is_array()).expect("a batch answer");
    let ids: Vec<&Value> = batch.as_array().unwrap().iter().map(|m| &m["id"]).collect();
    assert_eq!(ids, [&json!(3), &json!(4)]);
}

/// The application's configuration.
#[mcp_core::resource(server = "stdio", uri = "config://app", mime_type = "application/json")]
fn config() -> mcp_core::Json<Value> {
    mcp_core::Json(json!({"debug": true}))
}

#[actix_web::test]
async fn a_session_gets_resource_updates_on_the_same_channel() {
    let server = server();
    let mut pipe = start(Stdio::new(server.clone()));
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                      "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                 "clientInfo": {"name": "t", "version": "1"}}});
    pipe.send(&init.to_string()).await;
    pipe.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        .await;
    pipe.send(r#"{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"config://app"}}"#).await;
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.notify_resource_updated("config://app"), 1);
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let out = pipe.finish().await;
    assert_eq!(by_id(&out, 2)[0]["result"], json!({}));
    let updated: Vec<&Value> = out
        .iter()
        .filter(|m| m["method"] == "notifications/resources/updated")
        .collect();
    assert_eq!(updated.len(), 1, "{out:?}");
    assert_eq!(updated[0]["params"]["uri"], "config://app");
    // The process's session ends with it.
    assert_eq!(server.session_count(), 0);
}

#[actix_web::test]
async fn a_session_is_told_when_lists_change() {
    let server = server();
    let mut pipe = start(Stdio::new(server.clone()));
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                      "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                 "clientInfo": {"name": "t", "version": "1"}}});
    pipe.send(&init.to_string()).await;
    pipe.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        .await;
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    let tool = mcp_core::DynamicTool::new("late", |_, _| async { "late" });
    server.add_tool(tool).unwrap();
    let prompt = mcp_core::DynamicPrompt::new("later", |_, _| async { "later" });
    server.add_prompt(prompt).unwrap();
    server.remove_resource("config://app").unwrap();
    pipe.send(r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"late"}}"#)
        .await;
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    let out = pipe.finish().await;
    let init = &by_id(&out, 1)[0]["result"]["capabilities"];
    assert_eq!(init["tools"], json!({"listChanged": true}));
    assert_eq!(
        init["resources"],
        json!({"listChanged": true, "subscribe": true})
    );
    let told: Vec<&str> = out
        .iter()
        .filter_map(|m| m["method"].as_str())
        .filter(|m| m.ends_with("/list_changed"))
        .collect();
    assert_eq!(
        told,
        [
            "notifications/tools/list_changed",
            "notifications/prompts/list_changed",
            "notifications/resources/list_changed"
        ]
    );
    assert_eq!(by_id(&out, 2)[0]["result"]["content"][0]["text"], "late");
}

/// Operators only.
#[tool(server = "stdio", roles = ["operator"])]
fn drain() -> &'static str {
    "drained"
}

#[actix_web::test]
async fn the_launching_process_chooses_the_caller_and_its_roles() {
    let mut anonymous = start(Stdio::new(server()));
    anonymous.send(&call(1, "drain", json!({}))).await;
    let out = anonymous.finish().await;
    assert_eq!(out[0]["error"]["message"], "Unknown tool: drain");
    let caller = mcp_core::Caller::new("local", ["operator"]);
    let mut operator = start(Stdio::new(server()).caller(caller));
    operator.send(&call(1, "drain", json!({}))).await;
    let out = operator.finish().await;
    assert_eq!(out[0]["result"]["content"][0]["text"], "drained");
}
