//! The cancellation signal of `Context`: work handed to another thread learns that the
//! request is over, when the client closes the stream (2026-07-28) or sends
//! `notifications/cancelled` (sessions).

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::{test, App};
use mcp_core::{tool, Context, Server, State};
use mcp_tests::{envelope, eventually, initialize, post, request, session_post, MODERN};
use serde_json::json;

/// Set by the worker thread once it sees the cancellation.
#[derive(Default)]
struct Seen(AtomicBool);

/// Starts a worker that waits for cancellation, then waits forever itself.
#[tool(server = "cancel")]
async fn forever(ctx: Context, seen: State<Arc<Seen>>) -> String {
    let worker = ctx.clone();
    let seen = seen.clone();
    std::thread::spawn(move || {
        while !worker.is_cancelled() {
            std::thread::sleep(Duration::from_millis(5));
        }
        seen.0.store(true, Ordering::SeqCst);
    });
    ctx.progress(1.0, None, Some("started")).await;
    ctx.cancelled().await;
    unreachable!("a cancelled handler is dropped, never resumed")
}

/// Finishes at once.
#[tool(server = "cancel")]
async fn quick(ctx: Context) -> String {
    format!("cancelled: {}", ctx.is_cancelled())
}

async fn wait_for(seen: &Seen) -> bool {
    eventually(|| seen.0.load(Ordering::SeqCst)).await
}

fn server(seen: &Arc<Seen>) -> Server {
    Server::builder("cancel")
        .collect()
        .state(seen.clone())
        .build()
        .unwrap()
}

#[actix_web::test]
async fn closing_the_stream_cancels_in_the_stateless_revision() {
    let seen = Arc::new(Seen::default());
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server(&seen)))).await;
    let mut meta = envelope();
    meta["progressToken"] = json!("p");
    let body = request(
        1,
        "tools/call",
        json!({"name": "forever", "arguments": {}, "_meta": meta}),
    );
    let req = test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json, text/event-stream"))
        .insert_header(("mcp-protocol-version", MODERN))
        .insert_header(("mcp-method", "tools/call"))
        .insert_header(("mcp-name", "forever"))
        .set_payload(body.to_string())
        .to_request();
    let resp = test::call_service(&app, req).await;
    let mut body = resp.into_body();
    let first = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await;
    assert!(String::from_utf8_lossy(&first.unwrap().unwrap()).contains("started"));
    assert!(!seen.0.load(Ordering::SeqCst));
    drop(body);
    assert!(
        wait_for(&seen).await,
        "the worker never saw the cancellation"
    );

    // A handler that finishes is not cancelled.
    let a = mcp_tests::call_tool(&app, "/mcp", "quick", json!({})).await;
    assert_eq!(a.result()["content"][0]["text"], "cancelled: false");
}

#[actix_web::test]
async fn notifications_cancelled_cancels_in_a_session() {
    let seen = Arc::new(Seen::default());
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server(&seen)))).await;
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let call = session_post(
        &session,
        &request(
            9,
            "tools/call",
            json!({"name": "forever", "arguments": {}, "_meta": {"progressToken": 1}}),
        ),
    );
    let resp = test::call_service(&app, call).await;
    let mut body = resp.into_body();
    // The priming event, then the progress event: the handler is running.
    for _ in 0..2 {
        std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await;
    }
    let cancel =
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 9}});
    let a = post(
        &app,
        "/mcp",
        &[("mcp-session-id", session.as_str())],
        &cancel,
    )
    .await;
    assert_eq!(a.status, 202);
    // The stream ends without a response once the aborted handler is polled.
    let rest = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await;
    assert!(rest.is_none());
    assert!(
        wait_for(&seen).await,
        "the worker never saw the cancellation"
    );
}
