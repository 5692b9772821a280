//! Resumable event streams in sessions: event ids, the priming event and `retry:` of
//! revision 2025-11-25, a call that closes its stream and finishes after the client
//! reconnects with `Last-Event-ID`, replay of missed events, and the standalone stream.

use std::pin::Pin;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::{test, App};
use mcp_core::{resource, tool, Context, Server};
use mcp_tests::{eventually, initialize, request, session_post};
use serde_json::{json, Value};

/// Reports progress, closes its stream, reports again and answers.
#[tool(server = "resume")]
async fn long_job(ctx: Context) -> String {
    ctx.progress(1.0, Some(3.0), None).await;
    let closed = ctx.close_stream();
    ctx.progress(2.0, Some(3.0), None).await;
    format!("done (stream closed: {closed})")
}

/// Set by a worker thread once its call is cancelled.
static PARKED_CANCELLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Closes its stream at once, then waits to be cancelled.
#[tool(server = "resume")]
async fn parked(ctx: Context) -> String {
    ctx.close_stream();
    let worker = ctx.clone();
    std::thread::spawn(move || {
        while !worker.is_cancelled() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        PARKED_CANCELLED.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    ctx.cancelled().await;
    "never".into()
}

/// Set when `background_job` finishes its work.
static BACKGROUND_DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Closes its stream, then works on without a client.
#[tool(server = "resume")]
async fn background_job(ctx: Context) -> &'static str {
    ctx.close_stream();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    ctx.progress(1.0, None, Some("half way")).await;
    // Closing again, with nobody connected, changes nothing.
    ctx.close_stream();
    BACKGROUND_DONE.store(true, std::sync::atomic::Ordering::SeqCst);
    "finished while you were away"
}

/// A watched document.
#[resource(server = "resume", uri = "doc://watched")]
fn watched() -> &'static str {
    "v1"
}

/// One server-sent event: its id, `retry`, and data.
#[derive(Debug, PartialEq)]
struct Event {
    id: Option<String>,
    retry: Option<String>,
    data: String,
}

fn events(text: &str) -> Vec<Event> {
    text.split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let field = |name: &str| {
                e.lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(|v| v.trim_start().to_string())
            };
            Event {
                id: field("id:"),
                retry: field("retry:"),
                data: field("data:").unwrap_or_default(),
            }
        })
        .collect()
}

fn message(event: &Event) -> Value {
    serde_json::from_str(&event.data).expect("a JSON-RPC message")
}

async fn app() -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
> {
    let server = Server::builder("resume").collect().build().unwrap();
    test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await
}

fn call(session: &str) -> actix_http::Request {
    session_post(
        session,
        &request(
            5,
            "tools/call",
            json!({"name": "long_job", "arguments": {}, "_meta": {"progressToken": "p"}}),
        ),
    )
}

fn get(session: &str, last_event_id: Option<&str>) -> actix_http::Request {
    let mut req = test::TestRequest::get()
        .uri("/mcp")
        .insert_header(("accept", "text/event-stream"))
        .insert_header(("mcp-session-id", session));
    if let Some(id) = last_event_id {
        req = req.insert_header(("last-event-id", id));
    }
    req.to_request()
}

/// The next event of a stream that stays open.
async fn next_event(body: &mut BoxBody) -> Event {
    let chunk = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx))
        .await
        .expect("an event")
        .expect("no body error");
    events(&String::from_utf8_lossy(&chunk)).remove(0)
}

#[actix_web::test]
async fn a_closed_call_stream_resumes_with_last_event_id() {
    let app = app().await;
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;

    // The POST stream: priming event, one progress event, then the server closes it.
    let resp = test::call_service(&app, call(&session)).await;
    assert_eq!(resp.status(), 200);
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let first = events(&text);
    assert_eq!(first.len(), 2, "{text}");
    let stream = first[0].id.as_deref().unwrap().strip_suffix("-0").unwrap();
    assert_eq!(first[0].retry.as_deref(), Some("1000"));
    assert_eq!(first[0].data, "");
    assert_eq!(first[1].id.as_deref(), Some(&*format!("{stream}-1")));
    assert_eq!(message(&first[1])["params"]["progress"], 1.0);

    // Reconnecting after the priming event replays the progress event, then the call
    // carries on to its result on the same stream.
    let resp = test::call_service(&app, get(&session, Some(&format!("{stream}-0")))).await;
    assert_eq!(resp.status(), 200);
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let rest = events(&text);
    let ids: Vec<_> = rest.iter().map(|e| e.id.clone().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3].map(|n| format!("{stream}-{n}")), "{text}");
    assert_eq!(message(&rest[1])["params"]["progress"], 2.0);
    assert_eq!(
        message(&rest[2]),
        json!({"jsonrpc": "2.0", "id": 5, "result": {"content": [{"type": "text", "text": "done (stream closed: true)"}]}})
    );

    // Once the call is over, a reconnection replays only what followed the given event.
    let resp = test::call_service(&app, get(&session, Some(&format!("{stream}-2")))).await;
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let tail = events(&text);
    assert_eq!(tail.len(), 1, "{text}");
    assert_eq!(message(&tail[0])["id"], 5);

    // An id this server never issued.
    let resp = test::call_service(&app, get(&session, Some("nonsense"))).await;
    assert_eq!(resp.status(), 400);
}

#[actix_web::test]
async fn older_revisions_get_ids_but_no_priming_and_keep_their_stream() {
    let app = app().await;
    let (_, session) = initialize(&app, "/mcp", "2025-06-18").await;
    let resp = test::call_service(&app, call(&session)).await;
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let all = events(&text);
    assert_eq!(all.len(), 3, "{text}");
    assert!(all.iter().all(|e| e.id.is_some() && e.retry.is_none()));
    assert_eq!(
        message(&all[2])["result"]["content"][0]["text"],
        "done (stream closed: false)"
    );
}

#[actix_web::test]
async fn the_standalone_stream_replays_what_a_dropped_connection_missed() {
    let server = Server::builder("resume").collect().build().unwrap();
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server.clone()))).await;
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let subscribe = test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("mcp-session-id", session.as_str()))
        .set_payload(request(2, "resources/subscribe", json!({"uri": "doc://watched"})).to_string())
        .to_request();
    assert_eq!(test::call_service(&app, subscribe).await.status(), 200);

    let resp = test::call_service(&app, get(&session, None)).await;
    let mut body = resp.into_body();
    let priming = next_event(&mut body).await;
    let stream = priming.id.unwrap().strip_suffix("-0").unwrap().to_string();
    assert_eq!(server.notify_resource_updated("doc://watched"), 1);
    let update = next_event(&mut body).await;
    assert_eq!(update.id.as_deref(), Some(&*format!("{stream}-1")));
    drop(body);

    // The client reconnects from the priming event: the update is replayed, then a new
    // standalone stream goes on.
    let resp = test::call_service(&app, get(&session, Some(&format!("{stream}-0")))).await;
    let mut body = resp.into_body();
    let replayed = next_event(&mut body).await;
    assert_eq!(replayed, update);
    let priming = next_event(&mut body).await;
    assert!(priming.id.is_some_and(|id| id != format!("{stream}-0")));
    assert_eq!(server.notify_resource_updated("doc://watched"), 1);
    let next = next_event(&mut body).await;
    assert_eq!(
        message(&next),
        json!({"jsonrpc": "2.0", "method": "notifications/resources/updated", "params": {"uri": "doc://watched"}})
    );
}

#[actix_web::test]
async fn notifications_cancelled_drops_a_call_waiting_for_its_client() {
    let app = app().await;
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let req = session_post(
        &session,
        &request(8, "tools/call", json!({"name": "parked", "arguments": {}})),
    );
    let resp = test::call_service(&app, req).await;
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert_eq!(events(&text).len(), 1, "only the priming event: {text}");
    let cancel = session_post(
        &session,
        &json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 8}}),
    );
    assert_eq!(test::call_service(&app, cancel).await.status(), 202);
    assert!(
        eventually(|| PARKED_CANCELLED.load(std::sync::atomic::Ordering::SeqCst)).await,
        "the parked call was not cancelled"
    );
}

#[actix_web::test]
async fn a_call_goes_on_while_its_client_is_away() {
    let app = app().await;
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let req = session_post(
        &session,
        &request(
            3,
            "tools/call",
            json!({"name": "background_job", "arguments": {}, "_meta": {"progressToken": 1}}),
        ),
    );
    let resp = test::call_service(&app, req).await;
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let priming = events(&text).remove(0);
    let stream = priming.id.unwrap().strip_suffix("-0").unwrap().to_string();
    // No client is connected, yet the work gets done.
    assert!(
        eventually(|| BACKGROUND_DONE.load(std::sync::atomic::Ordering::SeqCst)).await,
        "the call did not run while its client was away"
    );
    let resp = test::call_service(&app, get(&session, Some(&format!("{stream}-0")))).await;
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let rest = events(&text);
    assert_eq!(rest.len(), 2, "{text}");
    assert_eq!(message(&rest[0])["params"]["message"], "half way");
    assert_eq!(
        message(&rest[1])["result"]["content"][0]["text"],
        "finished while you were away"
    );
}

/// How many `bulky_job` calls have answered.
static BULKY_DONE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Closes its stream, reports 600 KB of progress (more than a session keeps for replay),
/// then answers with 400 KB.
#[tool(server = "resume")]
async fn bulky_job(ctx: Context) -> String {
    ctx.close_stream();
    let chatter = "p".repeat(15_000);
    for i in 0..40 {
        ctx.progress(f64::from(i), None, Some(&chatter)).await;
    }
    BULKY_DONE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    "r".repeat(400_000)
}

#[actix_web::test]
async fn a_background_result_survives_the_events_that_push_it_out() {
    let app = app().await;
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let mut streams = Vec::new();
    for id in [11, 12] {
        let req = session_post(
            &session,
            &request(
                id,
                "tools/call",
                json!({"name": "bulky_job", "arguments": {}, "_meta": {"progressToken": id}}),
            ),
        );
        let resp = test::call_service(&app, req).await;
        let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
        let priming = events(&text).remove(0);
        streams.push(priming.id.unwrap().strip_suffix("-0").unwrap().to_string());
        let done = streams.len();
        assert!(eventually(|| BULKY_DONE.load(std::sync::atomic::Ordering::SeqCst) == done).await);
    }
    // The second call's megabyte of events came after the first call's response.
    let resp = test::call_service(&app, get(&session, Some(&format!("{}-0", streams[0])))).await;
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    let rest = events(&text);
    let last = message(rest.last().expect("the first call's response"));
    assert_eq!(last["id"], 11);
    assert_eq!(
        last["result"]["content"][0]["text"].as_str().unwrap().len(),
        400_000
    );
}
