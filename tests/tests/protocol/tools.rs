//! `tools/call`: results, errors, panics, and tools that stream progress and logs.

use super::*;

#[actix_web::test]
async fn tool_calls_in_the_stateless_revision() {
    let app = app!();
    let a = call_tool(&app, "/mcp", "add", json!({"a": 2, "b": 3})).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 1, "result": {
            "content": [{"type": "text", "text": "5"}],
            "resultType": "complete",
            "_meta": server_info_meta(),
        }})
    );
    let a = call_tool(&app, "/mcp", "greet", json!({"name": "Ada"})).await;
    assert_eq!(
        a.result()["content"],
        json!([{"type": "text", "text": "Hello, Ada!"}])
    );
    let a = call_tool(&app, "/mcp", "point", json!({})).await;
    assert_eq!(a.result()["structuredContent"], json!({"x": 1, "y": 2}));
    assert_eq!(
        a.result()["content"],
        json!([{"type": "text", "text": "{\"x\":1,\"y\":2}"}])
    );
    let a = call_tool(&app, "/mcp", "answer", json!({})).await;
    assert_eq!(a.result()["structuredContent"], json!({"result": 42}));
    let a = call_tool(
        &app,
        "/mcp",
        "order",
        json!({"items": ["a", "b"], "address": {"city": "Lisbon"}}),
    )
    .await;
    assert_eq!(a.result()["content"][0]["text"], "2 items to Lisbon");
    let a = call_tool(&app, "/mcp", "fails", json!({})).await;
    assert_eq!(a.result()["isError"], true);
    assert_eq!(
        a.result()["content"],
        json!([{"type": "text", "text": "it went wrong"}])
    );
    let a = call_tool(&app, "/mcp", "mixed", json!({})).await;
    assert_eq!(
        a.result()["content"],
        json!([
            {"type": "text", "text": "a picture:"},
            {"type": "image", "data": "AQID", "mimeType": "image/png"},
            {"type": "resource", "resource": {"uri": "test://x", "mimeType": "text/plain", "text": "embedded"}},
        ])
    );
    let a = call_tool(&app, "/mcp", "whoami", json!({})).await;
    assert_eq!(a.result()["content"][0]["text"], "2026-07-28 tests");
    let first =
        call_tool(&app, "/mcp", "count", json!({})).await.result()["content"][0]["text"].clone();
    let second =
        call_tool(&app, "/mcp", "count", json!({})).await.result()["content"][0]["text"].clone();
    assert_eq!(
        first.as_str().unwrap().parse::<u64>().unwrap() + 1,
        second.as_str().unwrap().parse::<u64>().unwrap()
    );
}

#[actix_web::test]
async fn bad_arguments_and_panics_are_tool_errors() {
    let app = app!();
    let a = call_tool(&app, "/mcp", "add", json!({"a": "two", "b": 3})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.result()["isError"], true);
    assert_eq!(
        a.result()["content"][0]["text"],
        "Invalid arguments for tool `add`: `a`: invalid type: string \"two\", expected i64"
    );
    let a = call_tool(&app, "/mcp", "add", json!({"a": 1})).await;
    assert_eq!(
        a.result()["content"][0]["text"],
        "Invalid arguments for tool `add`: missing field `b`"
    );
    let a = call_tool(&app, "/mcp", "add", json!({"a": 1, "b": 2, "c": 3})).await;
    assert_eq!(a.result()["isError"], true);
    assert!(a.result()["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("unknown field `c`"));
    let a = call_tool(
        &app,
        "/mcp",
        "order",
        json!({"items": [], "address": {"city": 5}}),
    )
    .await;
    assert_eq!(
        a.result()["content"][0]["text"],
        "Invalid arguments for tool `order`: `address.city`: invalid type: integer `5`, expected a string"
    );
    let a = call_tool(&app, "/mcp", "explodes", json!({})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.result()["isError"], true);
    assert_eq!(
        a.result()["content"][0]["text"],
        "Tool `explodes` failed with an internal error."
    );
    // The server is still up.
    assert_eq!(
        call_tool(&app, "/mcp", "add", json!({"a": 1, "b": 1}))
            .await
            .result()["content"][0]["text"],
        "2"
    );
    // Unknown tools and malformed params are protocol errors.
    let a = call_tool(&app, "/mcp", "nope", json!({})).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Unknown tool: nope"})
    );
    let a = modern(
        &app,
        "/mcp",
        "tools/call",
        Some("add"),
        json!({"name": "add", "arguments": [1, 2]}),
    )
    .await;
    assert_eq!(a.error()["code"], -32602);
}

#[actix_web::test]
async fn tools_with_a_context_stream_progress_and_logs_in_the_stateless_revision() {
    let app = app!();
    let call = |meta_extra: Value| {
        let app = &app;
        async move {
            let mut meta = envelope();
            meta.as_object_mut()
                .unwrap()
                .extend(meta_extra.as_object().unwrap().clone());
            let body = request(
                7,
                "tools/call",
                json!({"name": "slow", "arguments": {}, "_meta": meta}),
            );
            let headers = [
                ("mcp-protocol-version", MODERN),
                ("mcp-method", "tools/call"),
                ("mcp-name", "slow"),
            ];
            post(app, "/mcp", &headers, &body).await
        }
    };
    // Nothing asked for: a plain JSON answer.
    let a = call(json!({})).await;
    assert_eq!(a.headers.get("content-type").unwrap(), "application/json");
    assert_eq!(a.result()["content"][0]["text"], "finished");

    // A progress token and a log level: notifications first, then the result, on one stream.
    let a =
        call(json!({"progressToken": "tok-1", "io.modelcontextprotocol/logLevel": "info"})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers.get("content-type").unwrap(), "text/event-stream");
    assert_eq!(
        a.body,
        json!([
            {"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "logger": "fx", "data": "started"}},
            {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": "tok-1", "progress": 0.0, "total": 100.0}},
            {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": "tok-1", "progress": 100.0, "total": 100.0, "message": "done"}},
            {"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "warning", "logger": "fx", "data": {"step": "end"}}},
            {"jsonrpc": "2.0", "id": 7, "result": {
                "content": [{"type": "text", "text": "finished"}],
                "resultType": "complete", "_meta": server_info_meta()}},
        ])
    );
    // Only progress: numeric tokens are echoed as numbers; no log messages.
    let a = call(json!({"progressToken": 42})).await;
    let methods: Vec<&str> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect();
    assert_eq!(
        methods,
        ["notifications/progress", "notifications/progress"]
    );
    assert_eq!(a.body[0]["params"]["progressToken"], 42);
    // Only warnings and above.
    let a = call(json!({"io.modelcontextprotocol/logLevel": "warning"})).await;
    assert_eq!(a.body.as_array().unwrap().len(), 2);
    assert_eq!(a.body[0]["params"]["level"], "warning");
}

#[actix_web::test]
async fn annotated_functions_stay_callable() {
    // The macros keep the user's function as it was written.
    assert_eq!(add(2, 2), 4);
    assert!(fails().is_err());
    let _: ToolResult = ToolResult::text("x");
}
