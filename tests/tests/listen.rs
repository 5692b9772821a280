//! `subscriptions/listen` (revision 2026-07-28): the acknowledgement first, only the granted
//! notifications, each tagged with the subscription id, and a graceful end.

use std::pin::Pin;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::{test, App};
use mcp_core::{resource, tool, Server};
use mcp_tests::{envelope, request, sse_messages, MODERN};
use serde_json::{json, Value};

/// A watched document.
#[resource(server = "listen", uri = "doc://a")]
fn doc_a() -> &'static str {
    "a"
}

/// Another document.
#[resource(server = "listen", uri = "doc://b")]
fn doc_b() -> &'static str {
    "b"
}

/// A tool, so that `toolsListChanged` has something to refer to.
#[tool(server = "listen")]
fn noop() {}

fn listen(id: Value, notifications: Value) -> actix_http::Request {
    let mut body = request(
        0,
        "subscriptions/listen",
        json!({"_meta": envelope(), "notifications": notifications}),
    );
    body["id"] = id;
    test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json, text/event-stream"))
        .insert_header(("mcp-protocol-version", MODERN))
        .insert_header(("mcp-method", "subscriptions/listen"))
        .set_payload(body.to_string())
        .to_request()
}

async fn next_message(body: &mut BoxBody) -> Option<Value> {
    let chunk = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx)).await?;
    Some(sse_messages(&String::from_utf8_lossy(&chunk.unwrap())).remove(0))
}

#[actix_web::test]
async fn listen_acknowledges_then_delivers_tagged_resource_updates() {
    let server = Server::builder("listen").collect().build().unwrap();
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server.clone()))).await;
    let resp = test::call_service(
        &app,
        listen(
            json!("listen-1"),
            json!({"toolsListChanged": true, "resourceSubscriptions": ["doc://a"]}),
        ),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let mut body = resp.into_body();
    // Tools change at run time, so tool list changes are granted with the resource
    // subscription (prompts and resources lists are fixed at build).
    assert_eq!(
        next_message(&mut body).await.unwrap(),
        json!({"jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged", "params": {
            "_meta": {"io.modelcontextprotocol/subscriptionId": "listen-1"},
            "notifications": {"toolsListChanged": true, "resourceSubscriptions": ["doc://a"]},
        }})
    );
    assert_eq!(server.subscription_count(), 1);
    assert_eq!(server.notify_resource_updated("doc://b"), 0);
    assert_eq!(server.notify_resource_updated("doc://a"), 1);
    assert_eq!(
        next_message(&mut body).await.unwrap(),
        json!({"jsonrpc": "2.0", "method": "notifications/resources/updated", "params": {
            "_meta": {"io.modelcontextprotocol/subscriptionId": "listen-1"},
            "uri": "doc://a",
        }})
    );
    // A graceful end: the result, tagged, then the end of the stream.
    assert_eq!(server.close_subscriptions(), 1);
    assert_eq!(
        next_message(&mut body).await.unwrap(),
        json!({"jsonrpc": "2.0", "id": "listen-1", "result": {
            "resultType": "complete",
            "_meta": {"io.modelcontextprotocol/subscriptionId": "listen-1"},
        }})
    );
    assert!(next_message(&mut body).await.is_none());
    assert_eq!(server.subscription_count(), 0);
}

#[actix_web::test]
async fn a_client_that_leaves_is_forgotten_and_bad_filters_are_rejected() {
    let server = Server::builder("listen").collect().build().unwrap();
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server.clone()))).await;
    let resp = test::call_service(
        &app,
        listen(json!(7), json!({"resourceSubscriptions": ["doc://a"]})),
    )
    .await;
    let mut body = resp.into_body();
    let ack = next_message(&mut body).await.unwrap();
    assert_eq!(
        ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        7
    );
    drop(body);
    assert_eq!(server.notify_resource_updated("doc://a"), 0);
    assert_eq!(server.subscription_count(), 0);

    // A client that does not take event streams cannot listen.
    let mut body = request(
        9,
        "subscriptions/listen",
        json!({"_meta": envelope(), "notifications": {}}),
    );
    body["id"] = json!(9);
    let req = test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json"))
        .insert_header(("mcp-protocol-version", MODERN))
        .insert_header(("mcp-method", "subscriptions/listen"))
        .set_payload(body.to_string())
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 406);

    for bad in [
        json!(null),
        json!([1]),
        json!({"resourceSubscriptions": "doc://a"}),
    ] {
        let resp = test::call_service(&app, listen(json!(8), bad)).await;
        assert_eq!(resp.status(), 200);
        let body: Value = serde_json::from_slice(&test::read_body(resp).await).unwrap();
        assert_eq!(body["error"]["code"], -32602, "{body}");
    }
}

#[actix_web::test]
async fn session_revisions_do_not_have_it() {
    let server = Server::builder("listen").collect().build().unwrap();
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
    let (_, session) = mcp_tests::initialize(&app, "/mcp", "2025-11-25").await;
    let a = mcp_tests::legacy(
        &app,
        "/mcp",
        &session,
        "subscriptions/listen",
        json!({"notifications": {}}),
    )
    .await;
    assert_eq!(a.error()["code"], -32601);
}

#[actix_web::test]
async fn silent_streams_get_keep_alive_comments() {
    let server = Server::builder("listen").collect().build().unwrap();
    let config =
        mcp_actix::HttpConfig::new().sse_keep_alive(Some(std::time::Duration::from_millis(20)));
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", (server.clone(), config))))
            .await;
    let resp = test::call_service(
        &app,
        listen(json!(1), json!({"resourceSubscriptions": ["doc://a"]})),
    )
    .await;
    let mut body = resp.into_body();
    assert!(
        next_message(&mut body).await.is_some(),
        "the acknowledgement"
    );
    let chunk = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await;
    assert_eq!(&chunk.unwrap().unwrap()[..], b": keep-alive\n\n");
    // Notifications still flow, and comments carry no message for clients.
    assert_eq!(server.notify_resource_updated("doc://a"), 1);
    let mut text = String::new();
    while !text.contains("resources/updated") {
        let chunk = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await;
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    assert_eq!(sse_messages(&text).len(), 1);
}
