//! Bounds on what a client can make the server hold, and the answers that enforce them:
//! each test tries to push past one bound and checks the refusal's exact shape, and that a
//! well-behaved client is still served.

use std::time::Duration;

use actix_web::{test, App};
use mcp_core::{resource, tool, Context, Error, Server};
use mcp_tests::{
    envelope, initialize, legacy, next_message, post, request, send, session_post, session_with,
    MODERN,
};
use serde_json::{json, Value};

/// Asks the user, and says what happened.
#[tool(server = "guard")]
async fn ask(ctx: Context) -> Result<String, Error> {
    let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}}});
    let answer = ctx.elicit("Sure?", schema).await?;
    Ok(format!("{:?}", answer.action))
}

/// Answers at once.
#[tool(server = "guard")]
fn quick() -> &'static str {
    "quick"
}

/// The client's name, as the session keeps it.
#[tool(server = "guard")]
fn whoami(ctx: Context) -> String {
    ctx.client_name().unwrap_or_default().to_string()
}

/// A large answer.
#[tool(server = "guard")]
fn big() -> String {
    "b".repeat(8 * 1024 * 1024)
}

/// A document clients subscribe to.
#[resource(server = "guard", uri = "doc://one")]
fn one() -> &'static str {
    "one"
}

fn guard() -> mcp_core::ServerBuilder {
    Server::builder("guard").collect()
}

async fn app_with(
    server: Server,
) -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
> {
    test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await
}

#[actix_web::test]
async fn subscriptions_are_validated_and_capped() {
    let app = app_with(guard().max_subscriptions(3).build().unwrap()).await;
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let subscribe = |uri: String| {
        let s = s.clone();
        let app = &app;
        async move {
            legacy(
                app,
                "/mcp",
                &s,
                "resources/subscribe",
                json!({ "uri": uri }),
            )
            .await
        }
    };
    let huge = format!("doc://{}", "x".repeat(4 * 1024 * 1024 - 100));
    let a = subscribe(huge).await;
    assert_eq!(a.error()["code"], -32602);
    assert_eq!(
        a.error()["message"],
        "Invalid params: resource URIs are at most 2048 bytes"
    );
    let a = subscribe("not a uri".into()).await;
    assert_eq!(
        a.error()["message"],
        "Invalid params: a subscription names an absolute resource URI"
    );
    for i in 0..3 {
        assert_eq!(subscribe(format!("doc://{i}")).await.result(), &json!({}));
    }
    // Subscribing again to a held URI is fine; a fourth is refused.
    assert_eq!(subscribe("doc://0".into()).await.result(), &json!({}));
    let a = subscribe("doc://3".into()).await;
    assert_eq!(
        a.error()["message"],
        "Invalid params: a session subscribes to at most 3 resources, of at most 65536 bytes of URIs in all"
    );
    // Long URIs run into the byte budget before the count.
    let app2 = app_with(guard().build().unwrap()).await;
    let (_, s2) = initialize(&app2, "/mcp", "2025-11-25").await;
    let mut refused = None;
    for i in 0..100 {
        let uri = format!("doc://{i}/{}", "x".repeat(2000));
        let a = legacy(
            &app2,
            "/mcp",
            &s2,
            "resources/subscribe",
            json!({ "uri": uri }),
        )
        .await;
        if a.body.get("error").is_some() {
            refused = Some(i);
            break;
        }
    }
    assert_eq!(refused, Some(32));
    // A listen stream is held to the same bounds.
    let uris: Vec<String> = (0..4).map(|i| format!("doc://{i}")).collect();
    let params = json!({"notifications": {"resourceSubscriptions": uris}, "_meta": envelope()});
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "subscriptions/listen"),
    ];
    let a = post(
        &app,
        "/mcp",
        &headers,
        &request(5, "subscriptions/listen", params),
    )
    .await;
    assert_eq!(
        a.error()["message"],
        "Invalid params: a listen stream subscribes to at most 3 resources, of at most 65536 bytes of URIs in all"
    );
}

#[actix_web::test]
async fn listen_streams_are_capped() {
    let app = app_with(guard().max_listen_streams(1).build().unwrap()).await;
    let params =
        json!({"notifications": {"resourceSubscriptions": ["doc://one"]}, "_meta": envelope()});
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "subscriptions/listen"),
    ];
    let body = request(5, "subscriptions/listen", params);
    let first = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/mcp")
            .insert_header(("content-type", "application/json"))
            .insert_header(headers[0])
            .insert_header(headers[1])
            .set_payload(body.to_string())
            .to_request(),
    )
    .await;
    assert_eq!(first.status(), 200);
    let a = post(&app, "/mcp", &headers, &body).await;
    assert_eq!(a.status, 503);
    assert_eq!(a.headers.get("retry-after").unwrap(), "30");
    assert_eq!(
        a.error()["message"],
        "Service Unavailable: this server holds its maximum of 1 listen streams; retry later"
    );
    drop(first);
}

#[actix_web::test]
async fn sessions_keep_little_of_what_initialize_sends() {
    let app = app_with(guard().build().unwrap()).await;
    let name = "n".repeat(1_000_000);
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {},
               "clientInfo": {"name": name, "version": "1", "padding": "p".repeat(2_000_000)}}),
    );
    let a = post(&app, "/mcp", &[], &init).await;
    let s = a
        .headers
        .get("mcp-session-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let a = legacy(&app, "/mcp", &s, "tools/call", json!({"name": "whoami"})).await;
    let kept = a.result()["content"][0]["text"].as_str().unwrap();
    assert_eq!(kept.len(), 256);
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {"experimental": {"x": "c".repeat(20_000)}},
               "clientInfo": {"name": "t", "version": "1"}}),
    );
    let a = post(&app, "/mcp", &[], &init).await;
    assert!(a.headers.get("mcp-session-id").is_none());
    assert_eq!(a.error()["code"], -32602);
    assert_eq!(
        a.error()["message"],
        "Invalid params: `capabilities` is larger than 16384 bytes"
    );
}

#[actix_web::test]
async fn a_full_session_table_refuses_newcomers_and_keeps_its_clients() {
    let app = app_with(guard().max_sessions(5).build().unwrap()).await;
    let (_, mine) = initialize(&app, "/mcp", "2025-11-25").await;
    for _ in 0..4 {
        initialize(&app, "/mcp", "2025-11-25").await;
    }
    // A flood of `initialize` calls: every one is refused, none logs anybody out.
    for _ in 0..200 {
        let init = request(
            0,
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "flood", "version": "1"}}),
        );
        let a = post(&app, "/mcp", &[], &init).await;
        assert_eq!(a.status, 503);
        assert_eq!(a.headers.get("retry-after").unwrap(), "30");
        assert!(a.headers.get("mcp-session-id").is_none());
        assert_eq!(
            a.error()["message"],
            "Service Unavailable: this server holds its maximum of 5 sessions; retry later"
        );
    }
    let a = legacy(&app, "/mcp", &mine, "tools/call", json!({"name": "quick"})).await;
    assert_eq!(a.result()["content"][0]["text"], "quick");
    // Ending a session makes room.
    let del = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &mine)],
        String::new(),
    )
    .await;
    assert_eq!(del.status, 200);
    initialize(&app, "/mcp", "2025-11-25").await;
}

#[actix_web::test]
async fn duplicate_protocol_headers_and_odd_hosts_are_refused() {
    let app = app_with(guard().build().unwrap()).await;
    let body = request(
        1,
        "tools/call",
        json!({"name": "quick", "arguments": {}, "_meta": envelope()}),
    );
    for name in ["mcp-name", "mcp-method", "mcp-protocol-version"] {
        let mut req = test::TestRequest::post()
            .uri("/mcp")
            .insert_header(("content-type", "application/json"))
            .insert_header(("mcp-protocol-version", MODERN))
            .insert_header(("mcp-method", "tools/call"))
            .insert_header(("mcp-name", "quick"));
        let value = match name {
            "mcp-name" => "wipe",
            "mcp-method" => "tools/list",
            _ => "2025-11-25",
        };
        req = req.append_header((name, value));
        let resp = test::call_service(&app, req.set_payload(body.to_string()).to_request()).await;
        assert_eq!(resp.status(), 400, "{name}");
        let body: Value = test::read_body_json(resp).await;
        assert_eq!(body["error"]["code"], -32020);
        assert_eq!(
            body["error"]["message"],
            format!("Bad Request: the {name} header appears more than once")
        );
    }
    for host in [
        "[::1]evil.com",
        "[::1].evil.com:8080",
        "localhost:80:80",
        "127.0.0.1:",
    ] {
        let a = send(
            &app,
            test::TestRequest::post()
                .uri("/mcp")
                .insert_header(("host", host)),
            &[],
            body.to_string(),
        )
        .await;
        assert_eq!(a.status, 403, "{host}");
        assert_eq!(a.error()["message"], format!("Invalid Host: {host}"));
    }
}

#[actix_web::test]
async fn client_values_are_quoted_once_and_short() {
    let app = app_with(guard().build().unwrap()).await;
    let long = "n".repeat(64 * 1024);
    let body = request(
        1,
        "tools/call",
        json!({"name": "quick", "arguments": {}, "_meta": envelope()}),
    );
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-protocol-version", MODERN),
            ("mcp-method", "tools/call"),
            ("mcp-name", &long),
        ],
        &body,
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(
        a.body.to_string().len() < 1024,
        "{}",
        a.body.to_string().len()
    );
    // Ids and progress tokens are echoed: both are bounded.
    let id = "i".repeat(300);
    let body = json!({"jsonrpc": "2.0", "id": id, "method": "ping"});
    let a = post(&app, "/mcp", &[], &body).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["id"], Value::Null);
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let params = json!({"name": "quick", "_meta": {"progressToken": "t".repeat(300)}});
    let a = legacy(&app, "/mcp", &s, "tools/call", params).await;
    assert_eq!(
        a.error()["message"],
        "Invalid params: `_meta.progressToken` is longer than 256 bytes"
    );
}

#[actix_web::test]
async fn batches_are_capped_and_run_concurrently() {
    let app = app_with(guard().build().unwrap()).await;
    let s = session_with(&app, "/mcp", "2025-03-26", json!({"elicitation": {}})).await;
    let too_long: Vec<Value> = (0..65).map(|i| request(i, "ping", json!({}))).collect();
    let a = post(&app, "/mcp", &[("mcp-session-id", &s)], &json!(too_long)).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error()["message"],
        "Invalid Request: the batch has 65 messages; at most 64 are accepted"
    );
    // A call waiting on the client holds up nothing else in its batch.
    let batch = json!([
        request(1, "tools/call", json!({"name": "ask"})),
        request(2, "tools/call", json!({"name": "quick"})),
    ]);
    let resp = test::call_service(&app, session_post(&s, &batch)).await;
    let mut body = resp.into_body();
    let first = next_message(&mut body).await;
    let second = next_message(&mut body).await;
    let mut seen = [first, second];
    seen.sort_by_key(|m| m.get("method").is_some());
    assert_eq!(seen[0]["id"], 2);
    assert_eq!(seen[1]["method"], "elicitation/create");
    // The client answers with an escaped spelling of the same id: it still matches.
    let escaped = seen[1]["id"].as_str().unwrap().replace('-', "\\u002d");
    let answer = format!(r#"{{"jsonrpc":"2.0","id":"{escaped}","result":{{"action":"decline"}}}}"#);
    let a = send(
        &app,
        test::TestRequest::post().uri("/mcp"),
        &[("mcp-session-id", &s)],
        answer,
    )
    .await;
    assert_eq!(a.status, 202);
    let last = next_message(&mut body).await;
    assert_eq!(last["id"], 1);
    assert_eq!(last["result"]["content"][0]["text"], "Decline");
}

#[actix_web::test]
async fn unanswered_questions_time_out() {
    let server = guard()
        .client_request_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let app = app_with(server).await;
    let s = session_with(&app, "/mcp", "2025-11-25", json!({"elicitation": {}})).await;
    let call = request(7, "tools/call", json!({"name": "ask"}));
    let resp = test::call_service(&app, session_post(&s, &call)).await;
    let mut body = resp.into_body();
    let asked = next_message(&mut body).await;
    assert_eq!(asked["method"], "elicitation/create");
    let cancelled = next_message(&mut body).await;
    assert_eq!(
        cancelled,
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": asked["id"], "reason": "timed out"}})
    );
    let result = next_message(&mut body).await;
    assert_eq!(result["id"], 7);
    assert_eq!(result["result"]["isError"], true);
    assert_eq!(
        result["result"]["content"][0]["text"],
        "the client did not answer `elicitation/create` within 200ms"
    );
}

#[actix_web::test]
async fn one_request_per_id_and_streams_per_session() {
    let app = app_with(guard().build().unwrap()).await;
    let s = session_with(&app, "/mcp", "2025-11-25", json!({"elicitation": {}})).await;
    let call = request(3, "tools/call", json!({"name": "ask"}));
    let running = test::call_service(&app, session_post(&s, &call)).await;
    let a = post(&app, "/mcp", &[("mcp-session-id", &s)], &call).await;
    assert_eq!(
        a.error()["message"],
        "Invalid Request: a request with this id is still in progress in this session"
    );
    drop(running);
    // At most 64 calls run at once in a session.
    let mut held = Vec::new();
    for id in 100..164 {
        let call = request(id, "tools/call", json!({"name": "ask"}));
        held.push(test::call_service(&app, session_post(&s, &call)).await);
    }
    let a = post(
        &app,
        "/mcp",
        &[("mcp-session-id", &s)],
        &request(200, "tools/call", json!({"name": "ask"})),
    )
    .await;
    assert_eq!(
        a.error()["message"],
        "Server busy: 64 calls are already in progress in this session"
    );
    drop(held);
    // One standalone stream per session; an unknown Last-Event-ID is an error.
    let get = || {
        test::TestRequest::get()
            .uri("/mcp")
            .insert_header(("accept", "text/event-stream"))
            .insert_header(("mcp-session-id", s.as_str()))
    };
    let open = test::call_service(&app, get().to_request()).await;
    assert_eq!(open.status(), 200);
    let second = send(&app, get(), &[], String::new()).await;
    assert_eq!(second.status, 409);
    assert_eq!(
        second.error()["message"],
        "Conflict: this session's standalone stream is already open"
    );
    let unknown = send(&app, get(), &[("last-event-id", "999-1")], String::new()).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(
        unknown.error()["message"],
        "Bad Request: Last-Event-ID names no event stream of this session"
    );
    drop(open);
}

#[actix_web::test]
async fn cors_preflight_for_allowed_origins() {
    let config = mcp_actix::HttpConfig::new().allow_origin("https://app.example.com");
    let app = test::init_service(
        App::new().service(mcp_actix::scope("/mcp", (guard().build().unwrap(), config))),
    )
    .await;
    let preflight = |origin: &'static str| {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/mcp")
            .insert_header(("origin", origin))
            .insert_header(("access-control-request-method", "POST"))
            .insert_header((
                "access-control-request-headers",
                "content-type, mcp-protocol-version, mcp-session-id",
            ))
            .to_request()
    };
    let resp = test::call_service(&app, preflight("https://app.example.com")).await;
    assert_eq!(resp.status(), 204);
    let h = resp.headers();
    assert_eq!(
        h.get("access-control-allow-origin").unwrap(),
        "https://app.example.com"
    );
    assert_eq!(
        h.get("access-control-allow-methods").unwrap(),
        "GET, POST, DELETE"
    );
    assert_eq!(
        h.get("access-control-allow-headers").unwrap(),
        "content-type, mcp-protocol-version, mcp-session-id"
    );
    let resp = test::call_service(&app, preflight("https://evil.example.com")).await;
    assert_eq!(resp.status(), 403);
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    // The answer to the real request can be read by the page, session id included.
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    );
    let a = post(
        &app,
        "/mcp",
        &[("origin", "https://app.example.com")],
        &init,
    )
    .await;
    assert_eq!(
        a.headers.get("access-control-allow-origin").unwrap(),
        "https://app.example.com"
    );
    assert_eq!(
        a.headers.get("access-control-expose-headers").unwrap(),
        "mcp-session-id, mcp-protocol-version, www-authenticate, retry-after"
    );
}

/// A server on a loopback port, for tests that need a real socket.
fn serve(config: mcp_actix::HttpConfig) -> std::net::SocketAddr {
    let server = guard().build().unwrap();
    let http = actix_web::HttpServer::new(move || {
        App::new().service(mcp_actix::scope("/mcp", (server.clone(), config.clone())))
    })
    .workers(1)
    .on_connect(mcp_actix::write_timeout(Duration::from_secs(1)))
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr = http.addrs()[0];
    actix_web::rt::spawn(http.run());
    addr
}

#[actix_web::test]
async fn a_body_that_never_arrives_gets_408_and_the_connection_closes() {
    use std::io::{Read as _, Write as _};
    let addr = serve(mcp_actix::HttpConfig::new().body_timeout(Duration::from_millis(300)));
    let answer = actix_web::rt::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // Promise 1,000 bytes, send 10, then fall silent.
        write!(
            conn,
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"jsonrpc\""
        )
        .unwrap();
        let started = std::time::Instant::now();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        (answer, started.elapsed())
    })
    .await
    .unwrap();
    let (answer, waited) = answer;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("Request Timeout: the request body did not arrive in time"),
        "{answer}"
    );
    // read_to_string returned: the server closed the connection.
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[actix_web::test]
async fn each_client_address_has_a_session_quota() {
    let app = app_with(guard().max_sessions_per_client(2).build().unwrap()).await;
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    );
    let from = |ip: &str| {
        let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
        test::TestRequest::post().uri("/mcp").peer_addr(addr)
    };
    let mut mine = Vec::new();
    for _ in 0..2 {
        let a = send(&app, from("127.0.0.2"), &[], init.to_string()).await;
        assert_eq!(a.status, 200);
        mine.push(
            a.headers
                .get("mcp-session-id")
                .unwrap()
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    let a = send(&app, from("127.0.0.2"), &[], init.to_string()).await;
    assert_eq!(a.status, 503);
    assert_eq!(a.headers.get("retry-after").unwrap(), "30");
    assert_eq!(
        a.error()["message"],
        "Service Unavailable: this client holds its maximum of 2 sessions; end one (DELETE) or retry later"
    );
    // Another client is served; ending a session gives its client room again.
    assert_eq!(
        send(&app, from("127.0.0.3"), &[], init.to_string())
            .await
            .status,
        200
    );
    let del = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &mine[0])],
        String::new(),
    )
    .await;
    assert_eq!(del.status, 200);
    assert_eq!(
        send(&app, from("127.0.0.2"), &[], init.to_string())
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn deleting_a_session_answers_its_waiting_calls() {
    let app = app_with(guard().build().unwrap()).await;
    let s = session_with(&app, "/mcp", "2025-11-25", json!({"elicitation": {}})).await;
    let call = request(4, "tools/call", json!({"name": "ask"}));
    let resp = test::call_service(&app, session_post(&s, &call)).await;
    let mut body = resp.into_body();
    assert_eq!(
        next_message(&mut body).await["method"],
        "elicitation/create"
    );
    let del = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &s)],
        String::new(),
    )
    .await;
    assert_eq!(del.status, 200);
    assert_eq!(
        next_message(&mut body).await,
        json!({"jsonrpc": "2.0", "id": 4, "error": {"code": -32000,
            "message": "Session ended: the session was deleted or expired before this call finished"}})
    );
}

#[actix_web::test]
async fn a_listener_that_stops_reading_is_cut_off() {
    let server = guard().build().unwrap();
    let app = app_with(server.clone()).await;
    let params =
        json!({"notifications": {"resourceSubscriptions": ["doc://one"]}, "_meta": envelope()});
    let listen = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/mcp")
            .insert_header(("content-type", "application/json"))
            .insert_header(("mcp-protocol-version", MODERN))
            .insert_header(("mcp-method", "subscriptions/listen"))
            .set_payload(request(5, "subscriptions/listen", params).to_string())
            .to_request(),
    )
    .await;
    assert_eq!(listen.status(), 200);
    assert_eq!(server.subscription_count(), 1);
    // Nobody reads the stream: past 4 MiB of unread notifications it is closed, not grown.
    let mut told = 0;
    for _ in 0..100_000 {
        if server.notify_resource_updated("doc://one") == 0 {
            break;
        }
        told += 1;
    }
    assert!((20_000..100_000).contains(&told), "{told}");
    assert_eq!(server.subscription_count(), 0);
    drop(listen);
}

#[actix_web::test]
async fn a_client_that_never_reads_its_answer_is_cut_off() {
    use std::io::{Read as _, Write as _};
    let addr = serve(mcp_actix::HttpConfig::new());
    let got = actix_web::rt::task::spawn_blocking(move || {
        let conn = std::net::TcpStream::connect(addr).unwrap();
        // A small receive buffer, so the 8 MiB answer cannot all sit in it.
        socket2::SockRef::from(&conn).set_recv_buffer_size(4096).unwrap();
        let body = request(1, "tools/call", json!({"name": "big", "arguments": {}, "_meta": envelope()}));
        let body = body.to_string();
        let mut conn = conn;
        write!(
            conn,
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nMcp-Protocol-Version: {MODERN}\r\nMcp-Method: tools/call\r\nMcp-Name: big\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        // Read nothing for a while: the server's write deadline passes.
        std::thread::sleep(Duration::from_secs(6));
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut got = 0usize;
        let mut buf = vec![0u8; 65536];
        loop {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        got
    })
    .await
    .unwrap();
    assert!(
        got < 8 * 1024 * 1024,
        "the whole answer arrived ({got} bytes): the connection was not cut off"
    );
}

#[actix_web::test]
async fn a_malformed_chunked_body_gets_a_json_rpc_error() {
    use std::io::{Read as _, Write as _};
    let addr = serve(mcp_actix::HttpConfig::new());
    let answer = actix_web::rt::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            conn,
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        let _ = conn.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let body = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let body: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{answer}"));
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["error"]["code"], -32000);
}
