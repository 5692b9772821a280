//! The HTTP layer: the stateless envelope and headers, malformed input, paths, `Host` and `Origin`, several servers in one app.

use super::*;

#[actix_web::test]
async fn stateless_envelope_and_header_validation() {
    let app = app!();
    let list = request(1, "tools/list", json!({"_meta": envelope()}));
    let h = |method: &'static str| vec![("mcp-protocol-version", MODERN), ("mcp-method", method)];

    // Missing _meta with a modern version header.
    let a = post(
        &app,
        "/mcp",
        &h("tools/list"),
        &request(1, "tools/list", json!({})),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.error()["code"], -32602);
    assert_eq!(
        a.error()["data"],
        json!({"envelope": {"missing": ["_meta"]}})
    );
    assert_eq!(a.body["id"], 1);
    // Missing clientCapabilities.
    let bad = request(
        1,
        "tools/list",
        json!({"_meta": {"io.modelcontextprotocol/protocolVersion": MODERN}}),
    );
    let a = post(&app, "/mcp", &h("tools/list"), &bad).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error()["data"],
        json!({"envelope": {"key": "io.modelcontextprotocol/clientCapabilities", "problem": "missing"}})
    );
    // Unsupported version.
    let mut old = envelope();
    old["io.modelcontextprotocol/protocolVersion"] = json!("1900-01-01");
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-protocol-version", "1900-01-01"),
            ("mcp-method", "tools/list"),
        ],
        &request(1, "tools/list", json!({"_meta": old})),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error(),
        &json!({"code": -32022, "message": "Unsupported protocol version: 1900-01-01", "data": {"supported": ["2026-07-28"], "requested": "1900-01-01"}})
    );
    // Header problems.
    let a = post(&app, "/mcp", &[("mcp-method", "tools/list")], &list).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    assert_eq!(a.error()["data"]["mismatch"]["header"], "(missing)");
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-protocol-version", "2025-11-25"),
            ("mcp-method", "tools/list"),
        ],
        &list,
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let a = post(&app, "/mcp", &[("mcp-protocol-version", MODERN)], &list).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let a = post(&app, "/mcp", &h("prompts/list"), &list).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let call = request(
        1,
        "tools/call",
        json!({"_meta": envelope(), "name": "add", "arguments": {"a": 1, "b": 2}}),
    );
    let a = post(&app, "/mcp", &h("tools/call"), &call).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let mut with_name = h("tools/call");
    with_name.push(("mcp-name", "greet"));
    let a = post(&app, "/mcp", &with_name, &call).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    // Base64-encoded Mcp-Name values are decoded before comparing ("add").
    let mut encoded = h("tools/call");
    encoded.push(("mcp-name", "=?base64?YWRk?="));
    let a = post(&app, "/mcp", &encoded, &call).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.result()["content"][0]["text"], "3");
    // Unknown methods, and methods of the other era, are 404.
    for method in ["nope/nothing", "ping", "initialize", "logging/setLevel"] {
        let a = post(
            &app,
            "/mcp",
            &h(method),
            &request(7, method, json!({"_meta": envelope()})),
        )
        .await;
        assert_eq!(a.status, 404, "{method}");
        assert_eq!(
            a.body,
            json!({"jsonrpc": "2.0", "id": 7, "error": {"code": -32601, "message": format!("Method not found: {method}")}})
        );
    }
    // Notifications are accepted without a body; posted responses are not.
    let note = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"_meta": envelope(), "requestId": 1}});
    let a = post(&app, "/mcp", &h("notifications/cancelled"), &note).await;
    assert_eq!((a.status, a.body.clone()), (202, Value::Null));
    let a = post(
        &app,
        "/mcp",
        &h("tools/list"),
        &json!({"jsonrpc": "2.0", "id": 1, "result": {"_meta": envelope()}}),
    )
    .await;
    assert_eq!(
        (a.status, a.error()["code"].clone()),
        (400, json!(-32600)),
        "clients must not post responses"
    );
    // Pages: an unknown cursor is invalid params.
    let a = modern(&app, "/mcp", "tools/list", None, json!({"cursor": "bogus"})).await;
    assert_eq!(a.error()["code"], -32602);
}

#[actix_web::test]
async fn malformed_requests() {
    let app = app!();
    let raw = |body: &str, ct: &'static str| {
        let app = &app;
        let body = body.to_string();
        async move {
            send(
                app,
                test::TestRequest::post().uri("/mcp"),
                &[("content-type", ct)],
                body,
            )
            .await
        }
    };
    let a = raw("{not json", "application/json").await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["id"], Value::Null);
    assert_eq!(a.error()["code"], -32700);
    let a = raw("[]", "application/json").await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = raw(
        r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#,
        "application/json",
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 3, "error": {"code": -32600, "message": "Invalid Request: `jsonrpc` must be \"2.0\""}})
    );
    let a = raw(
        r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
        "application/json",
    )
    .await;
    assert_eq!(
        (a.status, a.error()["code"].clone(), a.body["id"].clone()),
        (400, json!(-32600), Value::Null)
    );
    let a = raw(
        r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
        "application/json",
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = raw("42", "application/json").await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = raw(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, "text/plain").await;
    assert_eq!(a.status, 415);
    let a = raw(
        r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
        "application/json; charset=utf-8",
    )
    .await;
    assert_eq!(a.status, 400, "a legacy request without a session");
    // Oversized bodies.
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"x":"{}"}}}}"#,
        "a".repeat(5 * 1024 * 1024)
    );
    let a = raw(&big, "application/json").await;
    assert_eq!(a.status, 413);
    // Other HTTP methods.
    let a = send(
        &app,
        test::TestRequest::get().uri("/mcp"),
        &[],
        String::new(),
    )
    .await;
    // Without a session, GET has no stream to open: not allowed for this request.
    assert_eq!(a.status, 405);
    assert_eq!(a.headers.get("allow").unwrap(), "POST, DELETE, OPTIONS");
    assert_eq!(a.error()["code"], -32000);
    assert!(
        a.error()["message"]
            .as_str()
            .unwrap()
            .contains("needs the Mcp-Session-Id header"),
        "{}",
        a.body
    );
    let a = send(
        &app,
        test::TestRequest::put().uri("/mcp"),
        &[],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 405);
    assert_eq!(
        a.headers.get("allow").unwrap(),
        "GET, POST, DELETE, OPTIONS"
    );
    assert_eq!(
        a.error()["message"],
        "Method Not Allowed: send MCP messages with POST"
    );
}

#[actix_web::test]
async fn paths_without_an_endpoint_get_a_json_404() {
    let app = test::init_service(
        App::new()
            .service(mcp_actix::scope("/mcp", server()))
            .default_service(actix_web::web::to(mcp_actix::not_found)),
    )
    .await;
    for path in ["/mcp/extra", "/elsewhere"] {
        let a = send(&app, test::TestRequest::post().uri(path), &[], "{}".into()).await;
        assert_eq!(a.status, 404, "{path}");
        assert_eq!(a.headers.get("content-type").unwrap(), "application/json");
        assert_eq!(
            a.body,
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32000, "message": format!("Not Found: no MCP endpoint at {path}")}})
        );
    }
    let long = format!("/{}", "x".repeat(500));
    let a = send(
        &app,
        test::TestRequest::get().uri(&long),
        &[],
        String::new(),
    )
    .await;
    let message = a.error()["message"].as_str().unwrap();
    assert!(message.ends_with("...") && message.len() < 200, "{message}");
}

#[actix_web::test]
async fn origin_and_host_checks() {
    let app = app!();
    let ping = request(1, "server/discover", json!({"_meta": envelope()}));
    let h = |extra: (&'static str, &'static str)| {
        vec![
            ("mcp-protocol-version", MODERN),
            ("mcp-method", "server/discover"),
            extra,
        ]
    };
    let a = post(
        &app,
        "/mcp",
        &h(("origin", "http://evil.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 403);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32000, "message": "Invalid Origin: evil.example.com"}})
    );
    let a = post(
        &app,
        "/mcp",
        &h(("origin", "http://localhost:1@evil.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 403);
    let a = post(&app, "/mcp", &h(("origin", "null")), &ping).await;
    assert_eq!(a.status, 403);
    let a = post(&app, "/mcp", &h(("origin", "http://localhost:5173")), &ping).await;
    assert_eq!(a.status, 200);
    let a = post(&app, "/mcp", &h(("host", "evil.example.com")), &ping).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.error()["message"], "Invalid Host: evil.example.com");
    let a = post(&app, "/mcp", &h(("host", "127.0.0.1:9999")), &ping).await;
    assert_eq!(a.status, 200);

    // Per-mount settings: a public mount accepting one origin and any host.
    let config = mcp_actix::HttpConfig::new()
        .allow_any_host()
        .allow_origin("https://app.example.com");
    let public =
        test::init_service(App::new().service(mcp_actix::scope("/pub", (server(), config)))).await;
    let a = post(
        &public,
        "/pub",
        &h(("origin", "https://app.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 200);
    let a = post(&public, "/pub", &h(("host", "mcp.example.com")), &ping).await;
    assert_eq!(a.status, 200);
    let a = post(
        &public,
        "/pub",
        &h(("origin", "https://other.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 403);
}

#[actix_web::test]
async fn several_servers_in_one_app() {
    /// Only on the other server.
    #[tool(server = "other")]
    fn only_other() -> &'static str {
        "other"
    }
    let other = Server::builder("other").collect().build().unwrap();
    let app = test::init_service(
        App::new()
            .service(mcp_actix::scope("/mcp/fx", server()))
            .service(mcp_actix::scope("/mcp/other", other)),
    )
    .await;
    let a = modern(&app, "/mcp/other", "tools/list", None, json!({})).await;
    assert_eq!(a.result()["tools"].as_array().unwrap().len(), 1);
    assert_eq!(
        a.result()["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "other"
    );
    assert_eq!(
        a.result()["tools"][0]["description"],
        "Only on the other server."
    );
    let a = modern(&app, "/mcp/fx", "tools/list", None, json!({})).await;
    assert_eq!(a.result()["tools"].as_array().unwrap().len(), 12);
    // Sessions belong to one server.
    let (_, s) = initialize(&app, "/mcp/fx", "2025-11-25").await;
    assert_eq!(
        legacy(&app, "/mcp/other", &s, "ping", json!({}))
            .await
            .status,
        404
    );
    assert_eq!(
        legacy(&app, "/mcp/fx", &s, "ping", json!({})).await.status,
        200
    );
}
