//! Rate limits: a flood past the limit gets `429` with `Retry-After` and a JSON-RPC error,
//! without reaching a handler; buckets are per address (or per key), and a forwarded address
//! is believed only from a trusted proxy.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{test, App};
use mcp_core::http::{ApiKeys, HttpConfig, RateLimit};
use mcp_core::{tool, Server};
use mcp_tests::{envelope, request, send, MODERN};
use serde_json::json;

static FLOOD_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Answers.
#[tool(server = "limited")]
fn tick() -> usize {
    1
}

/// Counts its calls (only the flood test calls it).
#[tool(server = "flood", name = "tick")]
fn flood_tick() -> usize {
    FLOOD_CALLS.fetch_add(1, Ordering::SeqCst) + 1
}

fn server() -> Server {
    Server::builder("limited").collect().build().unwrap()
}

async fn call<S>(app: &S, peer: &str, extra: &[(&str, &str)]) -> mcp_tests::Answer
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let body = request(
        1,
        "tools/call",
        json!({"name": "tick", "arguments": {}, "_meta": envelope()}),
    );
    let mut headers = vec![
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", "tick"),
    ];
    headers.extend_from_slice(extra);
    let req = test::TestRequest::post()
        .uri("/mcp")
        .peer_addr(peer.parse().unwrap());
    send(app, req, &headers, body.to_string()).await
}

#[actix_web::test]
async fn a_flood_past_the_limit_gets_429_and_reaches_no_handler() {
    let config = HttpConfig::new().rate_limit(RateLimit::per_minute(3));
    let flood = Server::builder("flood").collect().build().unwrap();
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", (flood, config)))).await;
    for _ in 0..3 {
        assert_eq!(call(&app, "192.0.2.1:5000", &[]).await.status, 200);
    }
    let before = FLOOD_CALLS.load(Ordering::SeqCst);
    for _ in 0..50 {
        let answer = call(&app, "192.0.2.1:5001", &[]).await;
        assert_eq!(answer.status, 429);
        assert_eq!(answer.error()["code"], -32000);
        assert!(answer.error()["message"]
            .as_str()
            .unwrap()
            .starts_with("Too Many Requests"));
        let retry: u64 = answer
            .headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=20).contains(&retry), "{retry}");
    }
    assert_eq!(FLOOD_CALLS.load(Ordering::SeqCst), before, "no handler ran");
    // Another address has its own bucket.
    assert_eq!(call(&app, "192.0.2.2:5000", &[]).await.status, 200);
}

#[actix_web::test]
async fn buckets_per_key_are_not_shared_and_not_escaped_by_changing_address() {
    let keys = ApiKeys::new()
        .key("one", "first-key-0123456789", ["r"])
        .key("two", "second-key-0123456789", ["r"]);
    let config = HttpConfig::new()
        .api_keys(keys)
        .rate_limit(RateLimit::per_minute(2).by_key());
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", (server(), config)))).await;
    let one = [("x-api-key", "first-key-0123456789")];
    let two = [("x-api-key", "second-key-0123456789")];
    assert_eq!(call(&app, "192.0.2.1:1", &one).await.status, 200);
    assert_eq!(call(&app, "192.0.2.2:1", &one).await.status, 200);
    assert_eq!(call(&app, "192.0.2.3:1", &one).await.status, 429);
    assert_eq!(call(&app, "192.0.2.3:1", &two).await.status, 200);
    // Without a valid key: 401 first, the bucket untouched.
    assert_eq!(
        call(
            &app,
            "192.0.2.3:1",
            &[("x-api-key", "wrong-key-0123456789")]
        )
        .await
        .status,
        401
    );
    assert_eq!(call(&app, "192.0.2.3:1", &two).await.status, 200);
    assert_eq!(call(&app, "192.0.2.3:1", &two).await.status, 429);
}

#[actix_web::test]
async fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
    let config = HttpConfig::new()
        .rate_limit(RateLimit::per_minute(1))
        .trusted_proxies(["10.0.0.1".parse().unwrap()]);
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", (server(), config)))).await;
    // Through the proxy, each forwarded client has its own bucket.
    for client in ["198.51.100.1", "198.51.100.2"] {
        let xff = [("x-forwarded-for", client)];
        assert_eq!(call(&app, "10.0.0.1:1", &xff).await.status, 200);
        assert_eq!(call(&app, "10.0.0.1:1", &xff).await.status, 429);
    }
    // A client that is not the proxy cannot pick its bucket by forging the header.
    assert_eq!(
        call(
            &app,
            "203.0.113.9:1",
            &[("x-forwarded-for", "198.51.100.3")]
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(
            &app,
            "203.0.113.9:1",
            &[("x-forwarded-for", "198.51.100.4")]
        )
        .await
        .status,
        429
    );
}

#[actix_web::test]
async fn workers_share_the_servers_buckets() {
    // Each worker builds its own App and HttpConfig from the one Server.
    let server = server();
    let worker = || {
        App::new().service(mcp_actix::scope(
            "/mcp",
            (
                server.clone(),
                HttpConfig::new().rate_limit(RateLimit::per_minute(2)),
            ),
        ))
    };
    let one = test::init_service(worker()).await;
    let two = test::init_service(worker()).await;
    assert_eq!(call(&one, "192.0.2.40:1", &[]).await.status, 200);
    assert_eq!(call(&two, "192.0.2.40:1", &[]).await.status, 200);
    assert_eq!(call(&one, "192.0.2.40:1", &[]).await.status, 429);
    assert_eq!(call(&two, "192.0.2.40:1", &[]).await.status, 429);
}

static EXPENSIVE_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Costs a lot: limited on its own.
#[tool(server = "per-tool")]
fn expensive() -> usize {
    EXPENSIVE_CALLS.fetch_add(1, Ordering::SeqCst) + 1
}

/// Costs nothing.
#[tool(server = "per-tool")]
fn cheap() -> &'static str {
    "cheap"
}

fn per_tool_app() -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let server = Server::builder("per-tool").collect().build().unwrap();
    let config = HttpConfig::new().tool_rate_limit("expensive", RateLimit::per_minute(2));
    App::new().service(mcp_actix::scope("/mcp", (server, config)))
}

async fn call_tool<S>(app: &S, peer: &str, tool: &str) -> mcp_tests::Answer
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let body = request(
        7,
        "tools/call",
        json!({"name": tool, "arguments": {}, "_meta": envelope()}),
    );
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", tool),
    ];
    let req = test::TestRequest::post()
        .uri("/mcp")
        .peer_addr(peer.parse().unwrap());
    send(app, req, &headers, body.to_string()).await
}

#[actix_web::test]
async fn a_tool_with_its_own_limit_is_refused_past_it_and_other_tools_are_not() {
    let app = test::init_service(per_tool_app()).await;
    assert_eq!(
        call_tool(&app, "192.0.2.60:1", "expensive").await.status,
        200
    );
    assert_eq!(
        call_tool(&app, "192.0.2.60:1", "expensive").await.status,
        200
    );
    let before = EXPENSIVE_CALLS.load(Ordering::SeqCst);
    let refused = call_tool(&app, "192.0.2.60:1", "expensive").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.body["id"], 7);
    assert!(refused.error()["message"]
        .as_str()
        .unwrap()
        .starts_with("Too Many Requests"));
    assert!(refused.headers.get("retry-after").is_some());
    assert_eq!(
        EXPENSIVE_CALLS.load(Ordering::SeqCst),
        before,
        "the tool did not run"
    );
    assert_eq!(call_tool(&app, "192.0.2.60:1", "cheap").await.status, 200);
    assert_eq!(
        call_tool(&app, "192.0.2.61:1", "expensive").await.status,
        200
    );

    // In a 2025-03-26 session's batch: an error entry for the call past the limit.
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    );
    let req = test::TestRequest::post()
        .uri("/mcp")
        .peer_addr("192.0.2.62:1".parse().unwrap());
    let opened = send(&app, req, &[], init.to_string()).await;
    let session = opened
        .headers
        .get("mcp-session-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let batch = json!([
        request(1, "tools/call", json!({"name": "expensive"})),
        request(2, "tools/call", json!({"name": "expensive"})),
        request(3, "tools/call", json!({"name": "expensive"})),
        request(4, "tools/call", json!({"name": "cheap"})),
    ]);
    let req = test::TestRequest::post()
        .uri("/mcp")
        .peer_addr("192.0.2.62:1".parse().unwrap());
    let answers = send(
        &app,
        req,
        &[("mcp-session-id", &session)],
        batch.to_string(),
    )
    .await;
    let answers = answers.body.as_array().unwrap().clone();
    let refused: Vec<&serde_json::Value> = answers
        .iter()
        .filter(|a| a.get("error").is_some())
        .collect();
    assert_eq!(refused.len(), 1, "{answers:?}");
    assert!(refused[0]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Too Many Requests"));
    assert_eq!(answers.len(), 4);
}

#[actix_web::test]
#[should_panic(expected = "names tool `nosuch`, which server `per-tool` does not have")]
async fn a_limit_for_a_tool_the_server_lacks_fails_at_start_up() {
    let server = Server::builder("per-tool").collect().build().unwrap();
    let config = HttpConfig::new().tool_rate_limit("nosuch", RateLimit::per_minute(2));
    let _ = mcp_core::http::Endpoint::new(server, config);
}
