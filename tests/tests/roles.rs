//! Per-item roles: lists show a caller only what its roles reach, everything else is refused
//! exactly as an unknown item is (both eras), the caller is injected into handlers, and a
//! `requestState` works only for the caller it was issued to.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use mcp_core::http::{ApiKeys, HttpConfig};
use mcp_core::{prompt, resource, tool, Caller, Context, Error, Json, Server};
use mcp_tests::{envelope, post, request, Answer, MODERN};
use serde_json::{json, Value};

static ADMIN_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Everyone may echo.
#[tool(server = "roles")]
fn echo(text: String) -> String {
    text
}

/// What a handler knows of its caller.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct Identity {
    subject: Option<String>,
    roles: Vec<String>,
}

/// Who is calling, as the handler sees it.
#[tool(server = "roles")]
fn whoami(caller: Caller) -> Json<Identity> {
    Json(Identity {
        subject: caller.subject().map(String::from),
        roles: caller.roles().map(String::from).collect(),
    })
}

/// Resets everything: admins only.
#[tool(server = "roles", roles = ["admin"])]
fn reset() -> &'static str {
    ADMIN_CALLS.fetch_add(1, Ordering::SeqCst);
    "reset"
}

/// Operations work: ops or admins.
#[tool(server = "roles", roles = ["ops", "admin"])]
fn deploy() -> &'static str {
    "deployed"
}

/// Asks before it answers (every caller).
#[tool(server = "roles")]
async fn ask(ctx: Context) -> Result<String, Error> {
    let first = ctx.elicit("First?", json!({"type": "object"})).await?;
    let second = ctx.elicit("Second?", json!({"type": "object"})).await?;
    Ok(format!("{:?} {:?}", first.action, second.action))
}

/// Public settings.
#[resource(server = "roles", uri = "config://public")]
fn public_config() -> String {
    "public".into()
}

/// Secret settings: admins only.
#[resource(server = "roles", uri = "config://secret", roles = "admin")]
fn secret_config() -> String {
    "secret".into()
}

/// A user's record: admins only.
#[resource(server = "roles", uri = "users://{id}", roles = ["admin"])]
fn user(id: String) -> String {
    format!("user {id}")
}

/// A greeting for everyone.
#[prompt(server = "roles")]
fn greet(name: String) -> String {
    format!("Hello {name}")
}

/// An incident review: admins only.
#[prompt(server = "roles", roles = ["admin"])]
fn incident(#[complete(values = ["sev1", "sev2"])] severity: String) -> String {
    format!("Review {severity}")
}

const READER: &str = "reader-key-0123456789";
const OPS: &str = "ops-key-0123456789abcd";
const ADMIN: &str = "admin-key-0123456789ab";

fn keys() -> ApiKeys {
    ApiKeys::new()
        .key("reader", READER, ["read"])
        .key("ops", OPS, ["ops"])
        .key("admin", ADMIN, ["admin", "read"])
}

macro_rules! app {
    () => {
        test::init_service(App::new().service(mcp_actix::scope(
            "/mcp",
            (
                Server::builder("roles").collect().build().unwrap(),
                HttpConfig::new().api_keys(keys()),
            ),
        )))
        .await
    };
}

/// A stateless request as the holder of `key`; `Mcp-Name` is the params' name or URI.
async fn modern<S>(app: &S, key: &str, method: &str, mut params: Value) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut meta = envelope();
    meta["io.modelcontextprotocol/clientCapabilities"] = json!({"elicitation": {}});
    params["_meta"] = meta;
    let name = params
        .get("name")
        .or_else(|| params.get("uri"))
        .and_then(Value::as_str)
        .map(String::from);
    let mut headers = vec![
        ("mcp-protocol-version", MODERN),
        ("mcp-method", method),
        ("x-api-key", key),
    ];
    if let (Some(name), false) = (&name, method == "completion/complete") {
        headers.push(("mcp-name", name));
    }
    post(app, "/mcp", &headers, &request(1, method, params)).await
}

/// A session opened with `key`.
async fn session<S>(app: &S, key: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let init = request(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    );
    let answer = post(app, "/mcp", &[("x-api-key", key)], &init).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer
        .headers
        .get("mcp-session-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

/// A request in `session`, opened with `key`.
async fn legacy<S>(app: &S, key: &str, session: &str, method: &str, params: Value) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let headers = [
        ("x-api-key", key),
        ("mcp-session-id", session),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    post(app, "/mcp", &headers, &request(1, method, params)).await
}

fn names(list: &Value, key: &str, field: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|e| e[field].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn lists_show_each_caller_what_its_roles_reach_in_both_eras() {
    let app = app!();
    let expected = [
        (READER, vec!["ask", "echo", "whoami"]),
        (OPS, vec!["ask", "deploy", "echo", "whoami"]),
        (ADMIN, vec!["ask", "deploy", "echo", "reset", "whoami"]),
    ];
    for (key, tools) in &expected {
        let modern_list = modern(&app, key, "tools/list", json!({})).await;
        assert_eq!(names(modern_list.result(), "tools", "name"), *tools);
        let id = session(&app, key).await;
        let legacy_list = legacy(&app, key, &id, "tools/list", json!({})).await;
        assert_eq!(names(legacy_list.result(), "tools", "name"), *tools);
    }
    let reader = modern(&app, READER, "resources/list", json!({})).await;
    assert_eq!(
        names(reader.result(), "resources", "uri"),
        ["config://public"]
    );
    let admin = modern(&app, ADMIN, "resources/list", json!({})).await;
    assert_eq!(
        names(admin.result(), "resources", "uri"),
        ["config://public", "config://secret"]
    );
    let reader = modern(&app, READER, "resources/templates/list", json!({})).await;
    assert_eq!(
        names(reader.result(), "resourceTemplates", "uriTemplate"),
        Vec::<String>::new()
    );
    let admin = modern(&app, ADMIN, "resources/templates/list", json!({})).await;
    assert_eq!(
        names(admin.result(), "resourceTemplates", "uriTemplate"),
        ["users://{id}"]
    );
    let reader = modern(&app, READER, "prompts/list", json!({})).await;
    assert_eq!(names(reader.result(), "prompts", "name"), ["greet"]);
    let admin = modern(&app, ADMIN, "prompts/list", json!({})).await;
    assert_eq!(
        names(admin.result(), "prompts", "name"),
        ["greet", "incident"]
    );
}

/// The answer to `params` with `hidden` replaced by `unknown` must be the same answer.
async fn same_as_unknown<S>(app: &S, method: &str, params: Value, hidden: &str, unknown: &str)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let text = params.to_string();
    let other: Value = serde_json::from_str(&text.replace(hidden, unknown)).unwrap();
    let refused = modern(app, READER, method, params).await;
    let missing = modern(app, READER, method, other).await;
    assert_eq!(refused.status, missing.status, "{method} {hidden}");
    assert!(
        refused.error().is_object(),
        "{method} {hidden}: {:?}",
        refused.body
    );
    assert_eq!(
        refused.body.to_string().replace(hidden, unknown),
        missing.body.to_string(),
        "{method} {hidden}"
    );
}

#[actix_web::test]
async fn items_outside_the_callers_roles_are_refused_exactly_like_unknown_ones() {
    let app = app!();
    let before = ADMIN_CALLS.load(Ordering::SeqCst);
    let call = json!({"name": "reset", "arguments": {}});
    same_as_unknown(&app, "tools/call", call, "reset", "nosuch").await;
    let read = json!({"uri": "config://secret"});
    same_as_unknown(
        &app,
        "resources/read",
        read,
        "config://secret",
        "config://nosuch",
    )
    .await;
    let read = json!({"uri": "users://7"});
    same_as_unknown(&app, "resources/read", read, "users://7", "nobody://7").await;
    let get = json!({"name": "incident", "arguments": {"severity": "sev1"}});
    same_as_unknown(&app, "prompts/get", get, "incident", "nosuchprompt").await;
    let complete = json!({"ref": {"type": "ref/prompt", "name": "incident"}, "argument": {"name": "severity", "value": "s"}});
    same_as_unknown(
        &app,
        "completion/complete",
        complete,
        "incident",
        "nosuchprompt",
    )
    .await;
    let complete = json!({"ref": {"type": "ref/resource", "uri": "users://{id}"}, "argument": {"name": "id", "value": "1"}});
    same_as_unknown(
        &app,
        "completion/complete",
        complete,
        "users://{id}",
        "nobody://{id}",
    )
    .await;

    // In a session, the same.
    let id = session(&app, READER).await;
    let refused = legacy(&app, READER, &id, "tools/call", json!({"name": "reset"})).await;
    let missing = legacy(&app, READER, &id, "tools/call", json!({"name": "nosuch"})).await;
    assert_eq!(refused.status, missing.status);
    assert_eq!(
        refused.body.to_string().replace("reset", "nosuch"),
        missing.body.to_string()
    );
    assert_eq!(ADMIN_CALLS.load(Ordering::SeqCst), before, "no handler ran");

    // The holders of the role are served.
    let served = modern(&app, ADMIN, "tools/call", json!({"name": "reset"})).await;
    assert_eq!(served.result()["content"][0]["text"], "reset");
    let ops = modern(&app, OPS, "tools/call", json!({"name": "deploy"})).await;
    assert_eq!(ops.result()["content"][0]["text"], "deployed");
    let read = modern(&app, ADMIN, "resources/read", json!({"uri": "users://7"})).await;
    assert_eq!(read.result()["contents"][0]["text"], "user 7");
    let complete = json!({"ref": {"type": "ref/prompt", "name": "incident"}, "argument": {"name": "severity", "value": "sev"}});
    let done = modern(&app, ADMIN, "completion/complete", complete).await;
    assert_eq!(
        done.result()["completion"]["values"],
        json!(["sev1", "sev2"])
    );
}

#[actix_web::test]
async fn the_caller_is_injected_into_handlers() {
    let app = app!();
    let answer = modern(&app, ADMIN, "tools/call", json!({"name": "whoami"})).await;
    assert_eq!(
        answer.result()["structuredContent"],
        json!({"subject": "admin", "roles": ["admin", "read"]})
    );
    // The parameter is not part of the schema.
    let list = modern(&app, READER, "tools/list", json!({})).await;
    let whoami = &list.result()["tools"][2];
    assert_eq!(whoami["name"], "whoami");
    assert_eq!(whoami["inputSchema"]["properties"], json!({}));
}

#[actix_web::test]
async fn a_request_state_works_only_for_the_caller_it_was_issued_to() {
    let app = app!();
    let call = json!({"name": "ask"});
    let first = modern(&app, READER, "tools/call", call.clone()).await;
    assert_eq!(
        first.result()["resultType"],
        "input_required",
        "{:?}",
        first.body
    );
    let mut retry = call.clone();
    retry["inputResponses"] = json!({"elicitation-0": {"action": "accept", "content": {}}});
    retry["requestState"] = first.result()["requestState"].clone();
    let second = modern(&app, READER, "tools/call", retry).await;
    let state = second.result()["requestState"].clone();
    assert!(state.is_string(), "{:?}", second.body);
    let mut last = call;
    last["inputResponses"] = json!({"elicitation-1": {"action": "decline"}});
    last["requestState"] = state;
    let stolen = modern(&app, OPS, "tools/call", last.clone()).await;
    assert_eq!(stolen.error()["code"], -32602, "{:?}", stolen.body);
    assert!(stolen.error()["message"]
        .as_str()
        .unwrap()
        .contains("belongs to a different request"));
    let own = modern(&app, READER, "tools/call", last).await;
    assert_eq!(own.result()["content"][0]["text"], "Accept Decline");
}

/// Opens the standalone stream of `session` (opened with `key`) and holds it.
async fn standalone<S>(app: &S, key: &str, session: &str) -> actix_web::body::BoxBody
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let get = test::TestRequest::get()
        .uri("/mcp")
        .insert_header(("accept", "text/event-stream"))
        .insert_header(("x-api-key", key))
        .insert_header(("mcp-session-id", session))
        .to_request();
    let answer = test::call_service(app, get).await;
    assert_eq!(answer.status(), 200);
    answer.into_body()
}

#[actix_web::test]
async fn subscribing_to_a_hidden_resource_is_accepted_and_never_told() {
    let server = Server::builder("roles").collect().build().unwrap();
    let app = test::init_service(App::new().service(mcp_actix::scope(
        "/mcp",
        (server.clone(), HttpConfig::new().api_keys(keys())),
    )))
    .await;
    let uris = ["config://public", "config://secret", "users://7"];
    let mut streams = Vec::new();
    for key in [READER, ADMIN] {
        let session = session(&app, key).await;
        for uri in uris {
            let params = json!({"uri": uri});
            let answer = legacy(&app, key, &session, "resources/subscribe", params).await;
            assert_eq!(answer.body["result"], json!({}), "{uri}: {:?}", answer.body);
        }
        streams.push(standalone(&app, key, &session).await);
    }
    // A reader's 2026-07-28 listen stream: every URI is acknowledged as asked.
    let filter = json!({"resourceSubscriptions": uris});
    let body = request(
        2,
        "subscriptions/listen",
        json!({"_meta": envelope(), "notifications": filter}),
    );
    let listen = mcp_tests::listen_post(&body, &[("x-api-key", READER)]);
    let mut stream = test::call_service(&app, listen).await.into_body();
    let ack = mcp_tests::next_message(&mut stream).await;
    assert_eq!(ack["params"]["notifications"], filter);

    // The public resource reaches both sessions and the listen stream; the admin's resource
    // and template only the admin's session.
    assert_eq!(server.notify_resource_updated("config://public"), 3);
    assert_eq!(server.notify_resource_updated("config://secret"), 1);
    assert_eq!(server.notify_resource_updated("users://7"), 1);
}
