//! The session revisions: lifecycle, every method, logging, cancellation.

use super::*;

#[actix_web::test]
async fn session_lifecycle() {
    let app = app!();
    for version in ["2025-11-25", "2025-06-18", "2025-03-26"] {
        let (a, session) = initialize(&app, "/mcp", version).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.result()["protocolVersion"], version);
        assert_eq!(
            a.result()["capabilities"],
            json!({"logging": {}, "tools": {"listChanged": true}, "resources": {"listChanged": true, "subscribe": true}, "prompts": {"listChanged": true}, "completions": {}})
        );
        assert_eq!(session.len(), 32);
        assert!(session.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    }
    let (a, _) = initialize(&app, "/mcp", "2024-01-01").await;
    assert_eq!(
        a.result()["protocolVersion"],
        "2025-11-25",
        "unknown versions get the newest"
    );
    assert_eq!(
        a.result()["serverInfo"],
        json!({"name": "fx", "version": "1.2.3"})
    );
    assert_eq!(a.result()["instructions"], "Test fixture.");

    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let a = post(&app, "/mcp", &[("mcp-session-id", &session)], &note).await;
    assert_eq!((a.status, a.body.clone()), (202, Value::Null));
    let a = legacy(&app, "/mcp", &session, "ping", json!({})).await;
    assert_eq!(a.body, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));

    // Missing, unknown and ended sessions.
    let a = post(&app, "/mcp", &[], &request(1, "tools/list", json!({}))).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32000)));
    let a = legacy(&app, "/mcp", "0000", "tools/list", json!({})).await;
    assert_eq!(a.status, 404);
    let a = legacy(&app, "/mcp", &session, "initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}})).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &session)],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 200);
    let a = legacy(&app, "/mcp", &session, "tools/list", json!({})).await;
    assert_eq!(a.status, 404);
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &session)],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 404);
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 400);

    // The negotiated revision and older session revisions are accepted; a newer one, or an
    // unsupported one, is not.
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let body = request(1, "ping", json!({}));
    for older in ["2025-11-25", "2025-03-26"] {
        let a = post(
            &app,
            "/mcp",
            &[
                ("mcp-session-id", &session),
                ("mcp-protocol-version", older),
            ],
            &body,
        )
        .await;
        assert_eq!(a.status, 200, "{older}");
    }
    let (_, old_session) = initialize(&app, "/mcp", "2025-06-18").await;
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-session-id", &old_session),
            ("mcp-protocol-version", "2025-11-25"),
        ],
        &body,
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error()["message"],
        "Bad Request: MCP-Protocol-Version 2025-11-25 is newer than the revision this session negotiated (2025-06-18)"
    );
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-session-id", &session),
            ("mcp-protocol-version", "1999-01-01"),
        ],
        &body,
    )
    .await;
    assert_eq!(a.status, 400);
    // A modern version header without the envelope is a stateless request missing `_meta`.
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-session-id", &session),
            ("mcp-protocol-version", MODERN),
        ],
        &body,
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32602)));
}

#[actix_web::test]
async fn every_method_in_the_session_revisions() {
    let app = app!();
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let a = legacy(&app, "/mcp", &s, "tools/list", json!({})).await;
    assert!(a.result().get("resultType").is_none());
    assert!(a.result().get("ttlMs").is_none());
    assert_eq!(tool(a.result(), "greet")["title"], "Greeter");
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "tools/call",
        json!({"name": "add", "arguments": {"a": 2, "b": 3}}),
    )
    .await;
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "text", "text": "5"}]}})
    );
    let a = legacy(&app, "/mcp", &s, "tools/call", json!({"name": "point"})).await;
    assert_eq!(a.result()["structuredContent"], json!({"x": 1, "y": 2}));
    let a = legacy(&app, "/mcp", &s, "tools/call", json!({"name": "whoami"})).await;
    assert_eq!(a.result()["content"][0]["text"], "2025-11-25 tests");
    let a = legacy(&app, "/mcp", &s, "resources/list", json!({})).await;
    assert_eq!(a.result()["resources"].as_array().unwrap().len(), 2);
    let a = legacy(&app, "/mcp", &s, "resources/templates/list", json!({})).await;
    assert_eq!(a.result()["resourceTemplates"].as_array().unwrap().len(), 2);
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/read",
        json!({"uri": "text://hello"}),
    )
    .await;
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 1, "result": {"contents": [{"uri": "text://hello", "mimeType": "text/plain", "text": "hello"}]}})
    );
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/read",
        json!({"uri": "nothing://here"}),
    )
    .await;
    assert_eq!(
        a.error(),
        &json!({"code": -32002, "message": "Resource not found: nothing://here", "data": {"uri": "nothing://here"}})
    );
    let a = legacy(&app, "/mcp", &s, "prompts/list", json!({})).await;
    assert_eq!(a.result()["prompts"].as_array().unwrap().len(), 2);
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "prompts/get",
        json!({"name": "repeat", "arguments": {"word": "x", "times": "2"}}),
    )
    .await;
    assert_eq!(
        a.result(),
        &json!({"description": "Repeat a word.", "messages": [{"role": "user", "content": {"type": "text", "text": "xx"}}]})
    );
    let a = legacy(&app, "/mcp", &s, "completion/complete", json!({"ref": {"type": "ref/prompt", "name": "review"}, "argument": {"name": "language", "value": "p"}})).await;
    assert_eq!(
        a.result(),
        &json!({"completion": {"values": ["python"], "total": 1, "hasMore": false}})
    );
    let a = legacy(&app, "/mcp", &s, "server/discover", json!({})).await;
    assert_eq!((a.status, a.error()["code"].clone()), (200, json!(-32601)));
    let a = legacy(&app, "/mcp", &s, "tools/call", json!({"name": 5})).await;
    assert_eq!(a.error()["code"], -32602);

    // 2025-03-26 has no titles or structured content; 2025-06-18 has no icons.
    let (_, old) = initialize(&app, "/mcp", "2025-03-26").await;
    let a = legacy(&app, "/mcp", &old, "tools/list", json!({})).await;
    assert!(tool(a.result(), "greet").get("title").is_none());
    assert!(tool(a.result(), "point").get("outputSchema").is_none());
    let a = legacy(&app, "/mcp", &old, "tools/call", json!({"name": "point"})).await;
    assert_eq!(
        a.result(),
        &json!({"content": [{"type": "text", "text": "{\"x\":1,\"y\":2}"}]})
    );
}

#[actix_web::test]
async fn logging_set_level_and_progress_in_a_session() {
    let app = app!();
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let call = json!({"name": "slow", "arguments": {}, "_meta": {"progressToken": "p"}});
    // Before `logging/setLevel`, no log messages: only progress.
    let a = legacy(&app, "/mcp", &s, "tools/call", call.clone()).await;
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
    assert_eq!(a.body[2]["result"]["content"][0]["text"], "finished");
    assert!(a.body[2]["result"].get("resultType").is_none());

    let a = legacy(
        &app,
        "/mcp",
        &s,
        "logging/setLevel",
        json!({"level": "debug"}),
    )
    .await;
    assert_eq!(a.body, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    let a = legacy(&app, "/mcp", &s, "tools/call", call).await;
    let levels: Vec<&str> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["params"]["level"].as_str())
        .collect();
    assert_eq!(levels, ["debug", "info", "warning"]);

    let a = legacy(
        &app,
        "/mcp",
        &s,
        "logging/setLevel",
        json!({"level": "loud"}),
    )
    .await;
    assert_eq!(a.error()["code"], -32602);
    // Without a progress token or a level, the same tool answers with plain JSON.
    let (_, quiet) = initialize(&app, "/mcp", "2025-06-18").await;
    let a = legacy(&app, "/mcp", &quiet, "tools/call", json!({"name": "slow"})).await;
    assert_eq!(a.headers.get("content-type").unwrap(), "application/json");
    // `logging/setLevel` is not a method of the stateless revision.
    let a = modern(
        &app,
        "/mcp",
        "logging/setLevel",
        None,
        json!({"level": "debug"}),
    )
    .await;
    assert_eq!(a.status, 404);
}

#[actix_web::test]
async fn notifications_cancelled_stops_a_streamed_tool_in_a_session() {
    let app = app!();
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let call = request(
        5,
        "tools/call",
        json!({"name": "forever", "_meta": {"progressToken": "t"}}),
    );
    let req = test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("mcp-session-id", s.as_str()))
        .set_payload(call.to_string())
        .to_request();
    let stream = test::call_service(&app, req).await;
    assert_eq!(
        stream.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    // Another request id: ignored.
    let other =
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 6}});
    assert_eq!(
        post(&app, "/mcp", &[("mcp-session-id", &s)], &other)
            .await
            .status,
        202
    );
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5, "reason": "user"}});
    assert_eq!(
        post(&app, "/mcp", &[("mcp-session-id", &s)], &cancel)
            .await
            .status,
        202
    );
    // The stream ends, with no response for the cancelled request.
    let body = test::read_body(stream).await;
    let messages = mcp_tests::sse_messages(&String::from_utf8_lossy(&body));
    assert!(
        messages
            .iter()
            .all(|m| m.get("result").is_none() && m.get("id").is_none()),
        "{messages:?}"
    );
}
