//! HMAC request signing: missing, malformed, wrong-key, stale, future, tampered and replayed
//! signatures each get a 401 with its challenge and JSON-RPC error, and nothing reaches a
//! handler; a valid one is served once, as its key's caller.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use mcp_core::http::{sign_request, HmacKeys, HttpConfig};
use mcp_core::{tool, Caller, Server};
use mcp_tests::{envelope, request, send, Answer, MODERN};
use serde_json::json;

static CALLS: AtomicUsize = AtomicUsize::new(0);

/// Counts its calls and says who called.
#[tool(server = "signed")]
fn count(caller: Caller) -> String {
    CALLS.fetch_add(1, Ordering::SeqCst);
    caller.subject().unwrap_or("anonymous").to_string()
}

static TARGET_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Only ever sent requests that must be refused.
#[tool(server = "signed")]
fn target() -> &'static str {
    TARGET_CALLS.fetch_add(1, Ordering::SeqCst);
    "reached"
}

/// Signers with the `ops` role only.
#[tool(server = "signed", roles = ["ops"])]
fn restart() -> &'static str {
    "restarted"
}

const SECRET: &str = "billing-secret-0123456789abcdef0123";
const OPS_SECRET: &str = "ops-secret-0123456789abcdef01234567";

macro_rules! app {
    () => {
        test::init_service(
            App::new().service(mcp_actix::scope(
                "/mcp",
                (
                    Server::builder("signed").collect().build().unwrap(),
                    HttpConfig::new().hmac(
                        HmacKeys::new()
                            .secret("billing", SECRET, ["billing"])
                            .secret("ops", OPS_SECRET, ["ops"]),
                    ),
                ),
            )),
        )
        .await
    };
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn body(tool: &str) -> String {
    request(
        1,
        "tools/call",
        json!({"name": tool, "arguments": {}, "_meta": envelope()}),
    )
    .to_string()
}

/// A nonce no other test uses.
fn nonce() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("nonce-{:016}", NEXT.fetch_add(1, Ordering::SeqCst))
}

async fn post<S>(app: &S, tool: &str, body: String, signature: Option<&str>) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut headers = vec![
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", tool),
    ];
    if let Some(signature) = signature {
        headers.push(("mcp-signature", signature));
    }
    send(app, test::TestRequest::post().uri("/mcp"), &headers, body).await
}

fn signed(key: &str, secret: &str, path: &str, body: &str, at: u64, nonce: &str) -> String {
    sign_request(
        key,
        secret.as_bytes(),
        "POST",
        path,
        body.as_bytes(),
        at,
        nonce,
    )
}

#[actix_web::test]
async fn every_bad_signature_is_refused_before_any_handler_runs() {
    let app = app!();
    let b = body("target");
    let t = now();
    let cases: Vec<(&str, Option<String>, String, &str)> = vec![
        ("missing", None, b.clone(), "requires signed requests"),
        (
            "malformed",
            Some("k=billing, t=1".into()),
            b.clone(),
            "must be",
        ),
        (
            "wrong secret",
            Some(signed("billing", OPS_SECRET, "/mcp", &b, t, &nonce())),
            b.clone(),
            "not valid",
        ),
        (
            "unknown key",
            Some(signed("nobody", SECRET, "/mcp", &b, t, &nonce())),
            b.clone(),
            "not valid",
        ),
        (
            "stale",
            Some(signed("billing", SECRET, "/mcp", &b, t - 301, &nonce())),
            b.clone(),
            "too far",
        ),
        (
            "future",
            Some(signed("billing", SECRET, "/mcp", &b, t + 301, &nonce())),
            b.clone(),
            "too far",
        ),
        (
            "other body",
            Some(signed(
                "billing",
                SECRET,
                "/mcp",
                &body("restart"),
                t,
                &nonce(),
            )),
            b.clone(),
            "not valid",
        ),
        (
            "other path",
            Some(signed("billing", SECRET, "/other", &b, t, &nonce())),
            b.clone(),
            "not valid",
        ),
        (
            "short nonce",
            Some(signed("billing", SECRET, "/mcp", &b, t, "abc")),
            b.clone(),
            "must be",
        ),
    ];
    for (case, signature, body, says) in cases {
        let answer = post(&app, "target", body, signature.as_deref()).await;
        assert_eq!(answer.status, 401, "{case}: {:?}", answer.body);
        let message = answer.error()["message"].as_str().unwrap();
        assert!(message.contains(says), "{case}: {message}");
        let challenge = answer.headers.get("www-authenticate").unwrap();
        assert!(
            challenge
                .to_str()
                .unwrap()
                .starts_with("MCP-HMAC-SHA256 realm=\"mcp\""),
            "{case}"
        );
        assert!(!message.contains(SECRET) && !message.contains(OPS_SECRET));
    }
    assert_eq!(TARGET_CALLS.load(Ordering::SeqCst), 0, "no handler ran");
}

#[actix_web::test]
async fn a_valid_signature_is_served_once_as_its_keys_caller() {
    let app = app!();
    let b = body("count");
    let signature = signed("billing", SECRET, "/mcp", &b, now(), &nonce());
    let first = post(&app, "count", b.clone(), Some(&signature)).await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    assert_eq!(first.result()["content"][0]["text"], "billing");
    let before = CALLS.load(Ordering::SeqCst);
    let replay = post(&app, "count", b.clone(), Some(&signature)).await;
    assert_eq!(replay.status, 401);
    assert!(replay.error()["message"]
        .as_str()
        .unwrap()
        .contains("used already"));
    assert_eq!(
        CALLS.load(Ordering::SeqCst),
        before,
        "the replay ran nothing"
    );
    // A small clock difference is allowed.
    let skewed = signed("billing", SECRET, "/mcp", &b, now() - 120, &nonce());
    assert_eq!(post(&app, "count", b, Some(&skewed)).await.status, 200);
}

#[actix_web::test]
async fn roles_come_with_the_key() {
    let app = app!();
    let b = body("restart");
    let as_billing = signed("billing", SECRET, "/mcp", &b, now(), &nonce());
    let refused = post(&app, "restart", b.clone(), Some(&as_billing)).await;
    assert_eq!(refused.error()["message"], "Unknown tool: restart");
    let as_ops = signed("ops", OPS_SECRET, "/mcp", &b, now(), &nonce());
    let served = post(&app, "restart", b, Some(&as_ops)).await;
    assert_eq!(served.result()["content"][0]["text"], "restarted");
}
