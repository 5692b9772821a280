//! API-key authentication: every way past it is tried, and each gets a 401 (or 400, or 404 for
//! another key's session) with its JSON-RPC error body, and nothing reaches a handler.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{test, App};
use mcp_core::http::{ApiKeys, HttpConfig};
use mcp_core::{tool, Server};
use mcp_tests::{envelope, post, request, send, MODERN};
use serde_json::json;

static CALLS: AtomicUsize = AtomicUsize::new(0);

/// Counts its calls: only requests that should be refused are sent to it.
#[tool(server = "keyed")]
fn count() -> usize {
    CALLS.fetch_add(1, Ordering::SeqCst) + 1
}

/// Answers (for the requests that should be served).
#[tool(server = "keyed")]
fn hello() -> &'static str {
    "hello"
}

const READER: &str = "reader-key-0123456789";
const ADMIN: &str = "admin-key-0123456789ab";

fn config() -> HttpConfig {
    HttpConfig::new().api_keys(ApiKeys::new().key("reader", READER, ["read"]).key(
        "admin",
        ADMIN,
        ["read", "admin"],
    ))
}

macro_rules! app {
    () => {
        test::init_service(App::new().service(mcp_actix::scope(
            "/mcp",
            (
                Server::builder("keyed").collect().build().unwrap(),
                config(),
            ),
        )))
        .await
    };
}

fn call() -> serde_json::Value {
    request(
        1,
        "tools/call",
        json!({"name": "count", "arguments": {}, "_meta": envelope()}),
    )
}

fn hello_call() -> serde_json::Value {
    request(
        1,
        "tools/call",
        json!({"name": "hello", "arguments": {}, "_meta": envelope()}),
    )
}

fn stateless_headers<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut headers = vec![
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", "count"),
    ];
    headers.extend_from_slice(extra);
    headers
}

#[actix_web::test]
async fn requests_without_a_valid_key_are_refused_before_any_handler_runs() {
    let app = app!();
    let before = CALLS.load(Ordering::SeqCst);
    let bearer_wrong = format!("Bearer {READER}x");
    // (extra headers, status, what the message says, the challenge)
    type Case<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str, Option<&'a str>);
    let cases: Vec<Case<'_>> = vec![
        (
            vec![],
            401,
            "requires an API key",
            Some("Bearer realm=\"mcp\""),
        ),
        (
            vec![("authorization", &bearer_wrong)],
            401,
            "not valid",
            Some("Bearer realm=\"mcp\", error=\"invalid_token\""),
        ),
        (
            vec![("x-api-key", "nope")],
            401,
            "not valid",
            Some("Bearer realm=\"mcp\", error=\"invalid_token\""),
        ),
        (
            vec![("authorization", "Basic cmVhZGVy")],
            401,
            "must be `Bearer <key>`",
            Some("Bearer realm=\"mcp\", error=\"invalid_request\""),
        ),
        (
            vec![("authorization", &bearer_wrong), ("x-api-key", ADMIN)],
            401,
            "different keys",
            None,
        ),
        (
            vec![("authorization", "Bearer")],
            401,
            "must be `Bearer <key>`",
            None,
        ),
    ];
    for (extra, status, says, challenge) in cases {
        let answer = post(&app, "/mcp", &stateless_headers(&extra), &call()).await;
        assert_eq!(answer.status, status, "{extra:?}: {:?}", answer.body);
        assert_eq!(answer.body["jsonrpc"], "2.0");
        assert_eq!(answer.error()["code"], -32000);
        let message = answer.error()["message"].as_str().unwrap();
        assert!(message.contains(says), "{extra:?}: {message}");
        assert!(
            !message.contains(READER) && !message.contains(ADMIN),
            "no key in errors"
        );
        if let Some(challenge) = challenge {
            assert_eq!(answer.headers.get("www-authenticate").unwrap(), challenge);
        }
    }
    // Two Authorization headers: refused as ambiguous.
    let req = test::TestRequest::post()
        .uri("/mcp")
        .append_header(("authorization", format!("Bearer {READER}")))
        .append_header(("authorization", format!("Bearer {ADMIN}")));
    let answer = send(&app, req, &stateless_headers(&[]), call().to_string()).await;
    assert_eq!(answer.status, 400);
    // GET and DELETE need a key too.
    for req in [test::TestRequest::get(), test::TestRequest::delete()] {
        let answer = send(
            &app,
            req.uri("/mcp"),
            &[("mcp-session-id", "x")],
            String::new(),
        )
        .await;
        assert_eq!(answer.status, 401);
    }
    assert_eq!(CALLS.load(Ordering::SeqCst), before, "no handler ran");
}

#[actix_web::test]
async fn a_valid_key_in_either_header_is_served() {
    let app = app!();
    let bearer = format!("Bearer {READER}");
    for extra in [[("authorization", bearer.as_str())], [("x-api-key", ADMIN)]] {
        let mut headers = stateless_headers(&extra);
        headers.retain(|(n, _)| *n != "mcp-name");
        headers.push(("mcp-name", "hello"));
        let answer = post(&app, "/mcp", &headers, &hello_call()).await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        assert_eq!(answer.result()["content"][0]["text"], "hello");
    }
}

#[actix_web::test]
async fn a_preflight_needs_no_key() {
    let app = app!();
    let req = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/mcp")
        .insert_header(("origin", "http://localhost:3000"))
        .insert_header(("access-control-request-method", "POST"))
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert!(resp.status().is_success(), "{}", resp.status());
}

#[actix_web::test]
async fn a_session_belongs_to_the_key_that_opened_it() {
    let app = app!();
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    );
    let answer = post(&app, "/mcp", &[("x-api-key", READER)], &init).await;
    assert_eq!(answer.status, 200);
    let session = answer
        .headers
        .get("mcp-session-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let list = request(2, "tools/list", json!({}));
    let with = |key: &'static str| {
        vec![
            ("x-api-key", key),
            ("mcp-session-id", session.as_str()),
            ("mcp-protocol-version", "2025-11-25"),
        ]
    };
    let own = post(&app, "/mcp", &with(READER), &list).await;
    assert_eq!(own.status, 200, "{:?}", own.body);
    let other = post(&app, "/mcp", &with(ADMIN), &list).await;
    assert_eq!(other.status, 404);
    assert_eq!(other.error()["code"], -32001);
    // Nor can the other key end it.
    let delete = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &with(ADMIN),
        String::new(),
    )
    .await;
    assert_eq!(delete.status, 404);
    let still = post(&app, "/mcp", &with(READER), &list).await;
    assert_eq!(still.status, 200);
}
