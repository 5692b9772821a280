//! Tasks (revision 2026-07-28, extension `io.modelcontextprotocol/tasks`): a task-capable
//! tool called by a client that declares the extension answers with a task at once; the
//! task is polled, answered, cancelled; its result is exactly the call's; and a task is
//! visible only to the caller that created it.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use mcp_core::http::{ApiKeys, HttpConfig};
use mcp_core::{tool, Context, Error, Server};
use mcp_tests::{envelope, post, request, sse_messages, Answer, MODERN};
use serde_json::{json, Value};

const EXT: &str = "io.modelcontextprotocol/tasks";

/// Doubles `n` after a short wait.
#[tool(server = "tasks", task)]
async fn double(n: i64) -> i64 {
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    n * 2
}

/// Always a tool error.
#[tool(server = "tasks", task = "required")]
async fn broken() -> Result<String, String> {
    actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    Err("broken, as always".into())
}

/// Panics inside its task.
#[tool(server = "tasks", task = "required")]
async fn explode() -> String {
    actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    panic!("exploded")
}

static STOPPED: AtomicBool = AtomicBool::new(false);

/// Sets [`STOPPED`] when dropped unfinished.
struct Stopped;

impl Drop for Stopped {
    fn drop(&mut self) {
        STOPPED.store(true, Ordering::SeqCst);
    }
}

/// Waits for a long time, unless cancelled.
#[tool(server = "tasks", task)]
async fn forever() -> &'static str {
    let _stopped = Stopped;
    actix_web::rt::time::sleep(Duration::from_secs(3600)).await;
    std::mem::forget(_stopped);
    "never"
}

/// Asks two things in its task.
#[tool(server = "tasks", task)]
async fn interview(ctx: Context) -> Result<String, Error> {
    assert!(ctx.start_task().await, "called with the extension");
    let schema = json!({"type": "object", "properties": {"v": {"type": "string"}}});
    let first = ctx.elicit("First?", schema.clone()).key("a");
    let second = ctx.elicit("Second?", schema).key("b");
    let (a, b) = futures_util::future::join(
        std::future::IntoFuture::into_future(first),
        std::future::IntoFuture::into_future(second),
    )
    .await;
    let v = |r: mcp_core::ElicitResult| r.content.unwrap_or_default()["v"].clone();
    Ok(format!("{} {}", v(a?), v(b?)))
}

/// A plain tool, never a task.
#[tool(server = "tasks")]
fn plain() -> &'static str {
    "plain"
}

fn caps(tasks: bool) -> Value {
    match tasks {
        true => json!({"elicitation": {}, "extensions": {EXT: {}}}),
        false => json!({"elicitation": {}}),
    }
}

/// A stateless request; `Mcp-Name` is the params' name or task id.
async fn call<S>(app: &S, key: Option<&str>, tasks: bool, method: &str, mut params: Value) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut meta = envelope();
    meta["io.modelcontextprotocol/clientCapabilities"] = caps(tasks);
    params["_meta"] = meta;
    let name = params
        .get("name")
        .or_else(|| params.get("taskId"))
        .and_then(Value::as_str)
        .map(String::from);
    let mut headers = vec![("mcp-protocol-version", MODERN), ("mcp-method", method)];
    if let Some(name) = &name {
        headers.push(("mcp-name", name));
    }
    if let Some(key) = key {
        headers.push(("x-api-key", key));
    }
    post(app, "/mcp", &headers, &request(7, method, params)).await
}

/// Polls `tasks/get` until the task is over.
async fn until_over<S>(app: &S, key: Option<&str>, id: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    for _ in 0..200 {
        let got = call(app, key, true, "tasks/get", json!({"taskId": id})).await;
        let status = got.result()["status"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if ["completed", "failed", "cancelled"].contains(&status.as_str()) {
            return got.result().clone();
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("task {id} did not end")
}

/// Polls `tasks/get` until the task waits for `n` answers.
async fn until_asking<S>(app: &S, id: &str, n: usize) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    for _ in 0..200 {
        let got = call(app, None, true, "tasks/get", json!({"taskId": id})).await;
        let requests = got.result()["inputRequests"]
            .as_object()
            .map_or(0, |m| m.len());
        if got.result()["status"] == "input_required" && requests == n {
            return got.result().clone();
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("task {id} did not ask")
}

macro_rules! app {
    () => {
        test::init_service(App::new().service(mcp_actix::scope(
            "/mcp",
            Server::builder("tasks").collect().build().unwrap(),
        )))
        .await
    };
}

#[actix_web::test]
async fn discovery_advertises_the_extension() {
    let app = app!();
    let found = call(&app, None, false, "server/discover", json!({})).await;
    assert_eq!(
        found.result()["capabilities"]["extensions"],
        json!({EXT: {}})
    );
    assert!(found.result()["capabilities"].get("tasks").is_none());
}

#[actix_web::test]
async fn a_task_answers_at_once_and_ends_with_the_calls_result() {
    let app = app!();
    let sync = call(
        &app,
        None,
        false,
        "tools/call",
        json!({"name": "double", "arguments": {"n": 21}}),
    )
    .await;
    assert_eq!(sync.status, 200);
    assert_eq!(sync.result()["content"][0]["text"], "42");

    let created = call(
        &app,
        None,
        true,
        "tools/call",
        json!({"name": "double", "arguments": {"n": 21}}),
    )
    .await;
    assert_eq!(created.status, 200);
    let task = created.result();
    assert_eq!(task["resultType"], "task");
    assert_eq!(task["status"], "working");
    let mut keys: Vec<&str> = task
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "_meta",
            "createdAt",
            "lastUpdatedAt",
            "pollIntervalMs",
            "resultType",
            "status",
            "taskId",
            "ttlMs"
        ]
    );
    let id = task["taskId"].as_str().unwrap();
    assert_eq!(id.len(), 32, "128 random bits");
    // Saved before it was returned.
    let got = call(&app, None, true, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got.result()["taskId"], id);
    assert_eq!(got.result()["resultType"], "complete");

    let done = until_over(&app, None, id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["result"], *sync.result(), "exactly the call's result");
    assert!(done.get("inputRequests").is_none() && done.get("error").is_none());
}

#[actix_web::test]
async fn tool_errors_complete_and_panics_fail() {
    let app = app!();
    let broken = call(&app, None, true, "tools/call", json!({"name": "broken"})).await;
    let done = until_over(&app, None, broken.result()["taskId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["result"]["isError"], true);

    let explode = call(&app, None, true, "tools/call", json!({"name": "explode"})).await;
    let done = until_over(&app, None, explode.result()["taskId"].as_str().unwrap()).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["error"]["code"], -32603);
    assert!(done["error"]["message"]
        .as_str()
        .unwrap()
        .contains("exploded"));
    assert!(done.get("result").is_none());
}

#[actix_web::test]
async fn the_extension_is_required_where_it_is_needed() {
    let app = app!();
    let missing = json!({
        "requiredCapabilities": {"extensions": {EXT: {}}}
    });
    let required = call(&app, None, false, "tools/call", json!({"name": "broken"})).await;
    assert_eq!(required.status, 400);
    assert_eq!(required.error()["code"], -32021);
    assert_eq!(required.error()["data"], missing);
    for method in ["tasks/get", "tasks/update", "tasks/cancel"] {
        let gated = call(
            &app,
            None,
            false,
            method,
            json!({"taskId": "x", "inputResponses": {}}),
        )
        .await;
        assert_eq!(gated.status, 400, "{method}");
        assert_eq!(
            gated.error()["code"],
            -32021,
            "{method}: checked before the id"
        );
        assert_eq!(gated.error()["data"], missing);
    }
    let unknown = call(&app, None, true, "tasks/get", json!({"taskId": "nope"})).await;
    assert_eq!(unknown.error()["code"], -32602);
    for method in ["tasks/result", "tasks/list"] {
        let gone = call(&app, None, true, method, json!({"taskId": "nope"})).await;
        assert_eq!(gone.error()["code"], -32601, "{method}");
    }
    // A plain tool ignores the extension and a legacy `task` parameter.
    let plain = call(
        &app,
        None,
        true,
        "tools/call",
        json!({"name": "plain", "task": {"ttl": 1000}}),
    )
    .await;
    assert_eq!(plain.result()["resultType"], "complete");
    assert_eq!(plain.result()["content"][0]["text"], "plain");
}

#[actix_web::test]
async fn mcp_name_must_be_the_task_id() {
    let app = app!();
    let created = call(&app, None, true, "tools/call", json!({"name": "forever"})).await;
    let id = created.result()["taskId"].as_str().unwrap().to_string();
    let mut params = json!({"taskId": id, "_meta": envelope()});
    params["_meta"]["io.modelcontextprotocol/clientCapabilities"] = caps(true);
    let headers = [
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tasks/get"),
        ("mcp-name", "another-task"),
    ];
    let wrong = post(&app, "/mcp", &headers, &request(1, "tasks/get", params)).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.error()["code"], -32020);
    call(&app, None, true, "tasks/cancel", json!({"taskId": id})).await;
}

#[actix_web::test]
async fn questions_wait_in_the_task_until_answered() {
    let app = app!();
    let created = call(&app, None, true, "tools/call", json!({"name": "interview"})).await;
    assert_eq!(created.result()["resultType"], "task");
    let id = created.result()["taskId"].as_str().unwrap().to_string();
    let asking = until_asking(&app, &id, 2).await;
    assert_eq!(asking["inputRequests"]["a"]["method"], "elicitation/create");
    assert_eq!(asking["inputRequests"]["a"]["params"]["message"], "First?");

    let answer = |v: &str| json!({"action": "accept", "content": {"v": v}});
    let ack = call(
        &app,
        None,
        true,
        "tasks/update",
        json!({"taskId": id, "inputResponses": {"a": answer("one"), "zzz": answer("ignored")}}),
    )
    .await;
    assert_eq!(ack.result()["resultType"], "complete");
    assert!(ack.result().get("taskId").is_none() && ack.result().get("status").is_none());
    // The answered key is gone at once; the other still waits.
    let got = call(&app, None, true, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got.result()["status"], "input_required");
    let left: Vec<&String> = got.result()["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(left, ["b"]);

    call(
        &app,
        None,
        true,
        "tasks/update",
        json!({"taskId": id, "inputResponses": {"b": answer("two")}}),
    )
    .await;
    let done = until_over(&app, None, &id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["result"]["content"][0]["text"], "\"one\" \"two\"");
}

#[actix_web::test]
async fn cancelling_stops_the_handler_and_the_task_stays_cancelled() {
    let app = app!();
    let created = call(&app, None, true, "tools/call", json!({"name": "forever"})).await;
    let id = created.result()["taskId"].as_str().unwrap().to_string();
    let ack = call(&app, None, true, "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(ack.status, 200);
    assert_eq!(ack.result()["resultType"], "complete");
    let done = until_over(&app, None, &id).await;
    assert_eq!(done["status"], "cancelled");
    assert!(mcp_tests::eventually(|| STOPPED.load(Ordering::SeqCst)).await);
    // Cancelling a finished task is acknowledged and changes nothing.
    let again = call(&app, None, true, "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(again.result()["resultType"], "complete");
    let still = call(&app, None, true, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(still.result()["status"], "cancelled");
}

#[actix_web::test]
async fn a_task_is_visible_only_to_its_creator() {
    const ALICE: &str = "alice-key-0123456789ab";
    const BOB: &str = "bob-key-0123456789abcd";
    let keys = ApiKeys::new()
        .key("alice", ALICE, ["user"])
        .key("bob", BOB, ["user"]);
    let app = test::init_service(App::new().service(mcp_actix::scope(
        "/mcp",
        (
            Server::builder("tasks").collect().build().unwrap(),
            HttpConfig::new().api_keys(keys),
        ),
    )))
    .await;
    let created = call(
        &app,
        Some(ALICE),
        true,
        "tools/call",
        json!({"name": "forever"}),
    )
    .await;
    let id = created.result()["taskId"].as_str().unwrap().to_string();
    let unknown = call(
        &app,
        Some(BOB),
        true,
        "tasks/get",
        json!({"taskId": "0".repeat(32)}),
    )
    .await;
    for method in ["tasks/get", "tasks/update", "tasks/cancel"] {
        let other = call(
            &app,
            Some(BOB),
            true,
            method,
            json!({"taskId": id, "inputResponses": {}}),
        )
        .await;
        assert_eq!(
            other.error(),
            unknown.error(),
            "{method}: as unknown as a task that never was"
        );
    }
    let mine = call(&app, Some(ALICE), true, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(
        mine.result()["status"],
        "working",
        "bob's cancel did nothing"
    );
    call(
        &app,
        Some(ALICE),
        true,
        "tasks/cancel",
        json!({"taskId": id}),
    )
    .await;
}

async fn next_message(body: &mut BoxBody) -> Option<Value> {
    let chunk = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx)).await?;
    Some(sse_messages(&String::from_utf8_lossy(&chunk.unwrap())).remove(0))
}

#[actix_web::test]
async fn listen_streams_follow_tasks() {
    let app = app!();
    let created = call(&app, None, true, "tools/call", json!({"name": "interview"})).await;
    let id = created.result()["taskId"].as_str().unwrap().to_string();
    until_asking(&app, &id, 2).await;
    let mut meta = envelope();
    meta["io.modelcontextprotocol/clientCapabilities"] = caps(true);
    let body = request(
        9,
        "subscriptions/listen",
        json!({"_meta": meta, "notifications": {"taskIds": [id]}}),
    );
    let listen = mcp_tests::listen_post(&body, &[]);
    let resp = test::call_service(&app, listen).await;
    let mut stream = resp.into_body();
    let ack = next_message(&mut stream).await.unwrap();
    assert_eq!(ack["params"]["notifications"], json!({"taskIds": [id]}));
    let answer = json!({"action": "accept", "content": {"v": "x"}});
    call(
        &app,
        None,
        true,
        "tasks/update",
        json!({"taskId": id, "inputResponses": {"a": answer, "b": answer}}),
    )
    .await;
    let mut statuses = Vec::new();
    while statuses.last().map(String::as_str) != Some("completed") {
        let note = next_message(&mut stream).await.unwrap();
        assert_eq!(note["method"], "notifications/tasks");
        assert_eq!(
            note["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
            9
        );
        assert_eq!(note["params"]["taskId"], id);
        statuses.push(note["params"]["status"].as_str().unwrap().to_string());
    }
    assert_eq!(statuses, ["working", "completed"]);
}

// --- Revision 2025-11-25: the experimental tasks of sessions -----------------------------

/// A request in session `session`.
async fn in_session<S>(app: &S, session: &str, method: &str, params: Value) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    post(
        app,
        "/mcp",
        &[("mcp-session-id", session)],
        &request(3, method, params),
    )
    .await
}

#[actix_web::test]
async fn sessions_advertise_tasks_and_each_tools_support() {
    let app = app!();
    let session = mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({})).await;
    let (init, _) = mcp_tests::initialize(&app, "/mcp", "2025-11-25").await;
    assert_eq!(
        init.result()["capabilities"]["tasks"],
        json!({"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}})
    );
    let tools = in_session(&app, &session, "tools/list", json!({})).await;
    let support = |name: &str| {
        let tools = tools.result()["tools"].as_array().unwrap();
        tools.iter().find(|t| t["name"] == name).unwrap()["execution"].clone()
    };
    assert_eq!(support("double"), json!({"taskSupport": "optional"}));
    assert_eq!(support("broken"), json!({"taskSupport": "required"}));
    assert_eq!(support("plain"), Value::Null);
    // Earlier revisions know no tasks.
    let (old, _) = mcp_tests::initialize(&app, "/mcp", "2025-06-18").await;
    assert!(old.result()["capabilities"].get("tasks").is_none());
}

#[actix_web::test]
async fn a_session_task_is_polled_listed_and_its_result_fetched() {
    let app = app!();
    let session = mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({})).await;
    let plain = in_session(
        &app,
        &session,
        "tools/call",
        json!({"name": "double", "arguments": {"n": 4}}),
    )
    .await;
    assert_eq!(plain.result()["content"][0]["text"], "8");

    let created = in_session(
        &app,
        &session,
        "tools/call",
        json!({"name": "double", "arguments": {"n": 4}, "task": {"ttl": 60000}}),
    )
    .await;
    let task = &created.result()["task"];
    assert_eq!(task["status"], "working");
    assert_eq!(task["ttl"], 60000);
    assert!(task["pollInterval"].as_u64().is_some() && task.get("ttlMs").is_none());
    let id = task["taskId"].as_str().unwrap().to_string();

    // `tasks/result` waits for the end, then answers exactly the call's result, tagged.
    let result = in_session(&app, &session, "tasks/result", json!({"taskId": id})).await;
    let result = match &result.body {
        Value::Array(messages) => messages.last().unwrap()["result"].clone(),
        body => body["result"].clone(),
    };
    let mut expected = plain.result().clone();
    expected["_meta"] = json!({"io.modelcontextprotocol/related-task": {"taskId": id}});
    assert_eq!(result, expected);

    let got = in_session(&app, &session, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got.result()["status"], "completed");
    assert_eq!(got.result()["taskId"], id);
    assert!(
        got.result().get("result").is_none(),
        "a Task, not the result"
    );

    let listed = in_session(&app, &session, "tasks/list", json!({})).await;
    let ids: Vec<&str> = listed.result()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["taskId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
    // Another session's tasks are its own.
    let other = mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({})).await;
    let theirs = in_session(&app, &other, "tasks/list", json!({})).await;
    assert_eq!(theirs.result()["tasks"], json!([]));
    let peek = in_session(&app, &other, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(peek.error()["code"], -32602);
}

#[actix_web::test]
async fn session_tasks_fail_cancel_and_refuse_as_the_revision_says() {
    let app = app!();
    let session = mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({})).await;
    let required = in_session(&app, &session, "tools/call", json!({"name": "broken"})).await;
    assert_eq!(required.error()["code"], -32601);
    let forbidden = in_session(
        &app,
        &session,
        "tools/call",
        json!({"name": "plain", "task": {}}),
    )
    .await;
    assert_eq!(forbidden.error()["code"], -32601);

    let explode = in_session(
        &app,
        &session,
        "tools/call",
        json!({"name": "explode", "task": {}}),
    )
    .await;
    let id = explode.result()["task"]["taskId"]
        .as_str()
        .unwrap()
        .to_string();
    let failed = in_session(&app, &session, "tasks/result", json!({"taskId": id})).await;
    let failed = match &failed.body {
        Value::Array(messages) => messages.last().unwrap().clone(),
        body => body.clone(),
    };
    assert_eq!(failed["error"]["code"], -32603);

    let forever = in_session(
        &app,
        &session,
        "tools/call",
        json!({"name": "forever", "task": {}}),
    )
    .await;
    let id = forever.result()["task"]["taskId"]
        .as_str()
        .unwrap()
        .to_string();
    let cancelled = in_session(&app, &session, "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(cancelled.result()["status"], "cancelled");
    assert_eq!(cancelled.result()["taskId"], id);
    let again = in_session(&app, &session, "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(
        again.error()["code"],
        -32602,
        "a terminal task cannot be cancelled"
    );
    let unknown = in_session(&app, &session, "tasks/get", json!({"taskId": "nope"})).await;
    assert_eq!(unknown.error()["code"], -32602);
}

#[actix_web::test]
async fn a_session_tasks_questions_come_on_its_result_stream() {
    let app = app!();
    let session =
        mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({"elicitation": {}})).await;
    let created = in_session(
        &app,
        &session,
        "tools/call",
        json!({"name": "interview", "task": {}}),
    )
    .await;
    let id = created.result()["task"]["taskId"]
        .as_str()
        .unwrap()
        .to_string();
    let body = request(5, "tasks/result", json!({"taskId": id}));
    let resp = test::call_service(&app, mcp_tests::session_post(&session, &body)).await;
    let mut stream = resp.into_body();
    for expected in ["First?", "Second?"] {
        let ask = mcp_tests::next_message(&mut stream).await;
        assert_eq!(ask["method"], "elicitation/create");
        assert_eq!(ask["params"]["message"], expected);
        assert_eq!(
            ask["params"]["_meta"]["io.modelcontextprotocol/related-task"],
            json!({"taskId": id})
        );
        let status = in_session(&app, &session, "tasks/get", json!({"taskId": id})).await;
        assert_eq!(status.result()["status"], "input_required");
        let answer = json!({"jsonrpc": "2.0", "id": ask["id"], "result": {"action": "accept", "content": {"v": expected}}});
        assert_eq!(
            post(&app, "/mcp", &[("mcp-session-id", &session)], &answer)
                .await
                .status,
            202
        );
    }
    let end = mcp_tests::next_message(&mut stream).await;
    assert_eq!(end["id"], 5);
    assert_eq!(
        end["result"]["content"][0]["text"],
        "\"First?\" \"Second?\""
    );
}

#[actix_web::test]
async fn a_session_is_told_each_status_of_its_tasks() {
    let app = app!();
    let session = mcp_tests::session_with(&app, "/mcp", "2025-11-25", json!({})).await;
    let get = test::TestRequest::get()
        .uri("/mcp")
        .insert_header(("accept", "text/event-stream"))
        .insert_header(("mcp-session-id", session.as_str()))
        .to_request();
    let mut standalone = test::call_service(&app, get).await.into_body();
    let created = in_session(
        &app,
        &session,
        "tools/call",
        json!({"name": "double", "arguments": {"n": 1}, "task": {}}),
    )
    .await;
    let id = created.result()["task"]["taskId"]
        .as_str()
        .unwrap()
        .to_string();
    let status = mcp_tests::next_message(&mut standalone).await;
    assert_eq!(status["method"], "notifications/tasks/status");
    assert_eq!(status["params"]["taskId"], id);
    assert_eq!(status["params"]["status"], "completed");
    assert!(status["params"]["ttl"].is_u64());
}
