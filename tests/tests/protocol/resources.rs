//! `resources/*`, `prompts/get`, `completion/complete`, and resource subscriptions.

use super::*;

#[actix_web::test]
async fn resources_prompts_and_completion_in_the_stateless_revision() {
    let app = app!();
    let read = |uri: &'static str| {
        let app = &app;
        async move {
            modern(
                app,
                "/mcp",
                "resources/read",
                Some(uri),
                json!({"uri": uri}),
            )
            .await
        }
    };
    let a = read("text://hello").await;
    assert_eq!(
        a.result(),
        &json!({
            "contents": [{"uri": "text://hello", "mimeType": "text/plain", "text": "hello"}],
            "ttlMs": 0, "cacheScope": "public", "resultType": "complete", "_meta": server_info_meta(),
        })
    );
    let a = read("bin://bytes").await;
    assert_eq!(
        a.result()["contents"],
        json!([{"uri": "bin://bytes", "mimeType": "application/octet-stream", "blob": "AAEC"}])
    );
    let a = read("files://docs/readme.md").await;
    assert_eq!(
        a.result()["contents"],
        json!([{"uri": "files://docs/readme.md", "mimeType": "text/plain", "text": "docs/readme.md"}])
    );
    let a = read("items://7").await;
    assert_eq!(
        a.result()["contents"],
        json!([{"uri": "items://7", "text": "item 7"}])
    );
    // `items://x` does not parse as a number: no template matches.
    let a = read("items://x").await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Resource not found: items://x", "data": {"uri": "items://x"}})
    );
    let a = read("files://missing/x").await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "no folder missing", "data": {"uri": "files://missing/x"}})
    );

    let get = |name: &'static str, args: Value| {
        let app = &app;
        async move {
            modern(
                app,
                "/mcp",
                "prompts/get",
                Some(name),
                json!({"name": name, "arguments": args}),
            )
            .await
        }
    };
    let a = get(
        "review",
        json!({"code": "fn main() {}", "language": "rust"}),
    )
    .await;
    assert_eq!(
        a.result(),
        &json!({
            "description": "Review some code.",
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Review this rust:"}},
                {"role": "user", "content": {"type": "text", "text": "fn main() {}"}},
                {"role": "assistant", "content": {"type": "text", "text": "Sure."}},
            ],
            "resultType": "complete", "_meta": server_info_meta(),
        })
    );
    let a = get("repeat", json!({"word": "ab", "times": "3"})).await;
    assert_eq!(a.result()["messages"][0]["content"]["text"], "ababab");
    let a = get("repeat", json!({"word": "ab"})).await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Missing required argument `times`"})
    );
    let a = get("repeat", json!({"word": "ab", "times": "many"})).await;
    assert_eq!(a.error()["code"], -32602);
    let a = get("nope", json!({})).await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Unknown prompt: nope"})
    );

    let complete = |reference: Value, name: &str, value: &str| {
        let app = &app;
        let params = json!({"ref": reference, "argument": {"name": name, "value": value}});
        async move { modern(app, "/mcp", "completion/complete", None, params).await }
    };
    let a = complete(
        json!({"type": "ref/prompt", "name": "review"}),
        "language",
        "r",
    )
    .await;
    assert_eq!(
        a.result(),
        &json!({"completion": {"values": ["rust", "ruby"], "total": 2, "hasMore": false}, "resultType": "complete", "_meta": server_info_meta()})
    );
    let a = complete(
        json!({"type": "ref/resource", "uri": "items://{n}"}),
        "n",
        "1",
    )
    .await;
    assert_eq!(a.result()["completion"]["values"], json!(["1", "10"]));
    let a = complete(json!({"type": "ref/prompt", "name": "review"}), "code", "x").await;
    assert_eq!(a.result()["completion"]["values"], json!([]));
    let a = complete(json!({"type": "ref/prompt", "name": "nope"}), "x", "").await;
    assert_eq!(a.error()["code"], -32602);
}

#[actix_web::test]
async fn resource_subscriptions_in_a_session() {
    let server = server();
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server.clone()))).await;
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/subscribe",
        json!({"uri": "text://hello"}),
    )
    .await;
    assert_eq!(a.body, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/subscribe",
        json!({"uri": "bin://bytes"}),
    )
    .await;
    assert_eq!(a.result(), &json!({}));
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/unsubscribe",
        json!({"uri": "bin://bytes"}),
    )
    .await;
    assert_eq!(a.result(), &json!({}));
    let a = legacy(&app, "/mcp", &s, "resources/subscribe", json!({})).await;
    assert_eq!(a.error()["code"], -32602);

    // Nothing is delivered until the client opens its standalone stream.
    assert_eq!(server.notify_resource_updated("text://hello"), 0);
    let get = test::TestRequest::get()
        .uri("/mcp")
        .insert_header(("mcp-session-id", s.as_str()))
        .insert_header(("accept", "text/event-stream"))
        .to_request();
    let stream = test::call_service(&app, get).await;
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    assert_eq!(server.notify_resource_updated("text://hello"), 1);
    assert_eq!(
        server.notify_resource_updated("bin://bytes"),
        0,
        "unsubscribed"
    );
    assert_eq!(
        server.notify_resource_updated("files://a/b"),
        0,
        "never subscribed"
    );
    // Ending the session ends its stream.
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &s)],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 200);
    let body = test::read_body(stream).await;
    assert_eq!(
        mcp_tests::sse_messages(&String::from_utf8_lossy(&body)),
        vec![
            json!({"jsonrpc": "2.0", "method": "notifications/resources/updated", "params": {"uri": "text://hello"}})
        ]
    );

    // The standalone stream needs a live session and an event-stream `Accept`.
    let get = |session: &'static str, accept: &'static str| {
        test::TestRequest::get()
            .uri("/mcp")
            .insert_header(("mcp-session-id", session))
            .insert_header(("accept", accept))
    };
    assert_eq!(
        test::call_service(&app, get("nope", "text/event-stream").to_request())
            .await
            .status(),
        404
    );
    let (_, s2) = initialize(&app, "/mcp", "2025-06-18").await;
    let s2: &'static str = Box::leak(s2.into_boxed_str());
    assert_eq!(
        test::call_service(&app, get(s2, "application/json").to_request())
            .await
            .status(),
        406
    );
    // The stateless revision has no subscribe methods (it has `subscriptions/listen`).
    let a = modern(
        &app,
        "/mcp",
        "resources/subscribe",
        None,
        json!({"uri": "text://hello"}),
    )
    .await;
    assert_eq!(a.status, 404);
    let a = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(
        a.result()["capabilities"]["resources"],
        json!({"listChanged": true, "subscribe": true}),
        "honours `resourceSubscriptions` on subscriptions/listen"
    );
}
