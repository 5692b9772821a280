//! Questions for the client in revision 2026-07-28 (multi-round-trip requests): the handlers
//! `server_requests.rs` runs in sessions (`mcp_tests::asking`), unchanged, answer with `resultType: "input_required"`, and run
//! again when the client calls back with `inputResponses` and the sealed `requestState`.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use futures_util::future::join;
use mcp_core::{prompt, resource, tool, Context, ElicitAction, Elicitation, Error, Server};
use mcp_tests::{envelope, post, request, Answer, MODERN};
use serde_json::{json, Value};
use std::future::IntoFuture as _;

// `confirm` and `ask_model` are `mcp_tests::asking`, shared with `server_requests.rs`.

/// Asks two named questions at once: one round.
#[tool(server = "mrtr")]
async fn both(ctx: Context) -> Result<String, Error> {
    let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}});
    let (name, roots) = join(
        ctx.elicit("Name?", schema).key("name").into_future(),
        ctx.roots().key("roots").into_future(),
    )
    .await;
    Ok(format!(
        "{} {}",
        name?.content.unwrap_or_default()["name"],
        roots?["roots"].as_array().map_or(0, Vec::len)
    ))
}

/// A prompt that needs context from the user.
#[prompt(server = "mrtr")]
async fn briefing(ctx: Context, topic: String) -> Result<String, Error> {
    let schema = json!({"type": "object", "properties": {"audience": {"type": "string"}}});
    let answer = ctx.elicit("Who is it for?", schema).key("audience").await?;
    Ok(format!(
        "Brief {} on {topic}",
        answer.content.unwrap_or_default()["audience"]
    ))
}

/// A document only shown after the user agrees.
#[resource(server = "mrtr", uri = "docs://{name}", mime_type = "text/plain")]
async fn document(ctx: Context, name: String) -> Result<String, Error> {
    let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}}});
    let answer = ctx.elicit(format!("Open {name}?"), schema).await?;
    match answer.action {
        ElicitAction::Accept => Ok(format!("contents of {name}")),
        _ => Err(Error::invalid_params("the user declined")),
    }
}

/// A table booking.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Booking {
    /// The name on the reservation
    name: String,
    /// How many people
    guests: u8,
    /// Outside, if possible
    terrace: Option<bool>,
}

/// Book a table, asking the user for the details.
#[tool(server = "mrtr")]
async fn book(ctx: Context) -> Result<String, Error> {
    Ok(
        match ctx
            .elicit_form::<Booking>("Who is it for?")
            .key("booking")
            .await?
        {
            Elicitation::Accept(b) => format!("{} x{} terrace={:?}", b.name, b.guests, b.terrace),
            Elicitation::Decline => "declined".into(),
            Elicitation::Cancel => "cancelled".into(),
        },
    )
}

const ALL: &str = r#"{"elicitation": {}, "sampling": {}, "roots": {}}"#;

fn server(key: &str) -> Server {
    Server::builder("mrtr")
        .collect()
        .request_state_key(key)
        .build()
        .unwrap()
}

/// Sends `method` with `params`, declaring `capabilities`, with the headers it needs.
async fn send<S>(app: &S, method: &str, mut params: Value, capabilities: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut meta = envelope();
    meta["io.modelcontextprotocol/clientCapabilities"] =
        serde_json::from_str(capabilities).unwrap();
    params["_meta"] = meta;
    let name = params
        .get("name")
        .or_else(|| params.get("uri"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut headers = vec![("mcp-protocol-version", MODERN), ("mcp-method", method)];
    if method != "tools/list" {
        headers.push(("mcp-name", name.as_str()));
    }
    post(app, "/mcp", &headers, &request(7, method, params)).await
}

fn accept(content: Value) -> Value {
    json!({"action": "accept", "content": content})
}

#[actix_web::test]
async fn one_question_one_round() {
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let call = json!({"name": "confirm", "arguments": {"action": "deploy"}});
    let first = send(&app, "tools/call", call.clone(), ALL).await;
    assert_eq!(first.status, 200);
    assert_eq!(
        first.headers.get("content-type").unwrap(),
        "application/json"
    );
    let result = first.result();
    let state = result["requestState"].as_str().expect("a requestState");
    assert_eq!(
        result,
        &json!({
            "resultType": "input_required",
            "inputRequests": {"elicitation-0": {"method": "elicitation/create", "params": {
                "message": "Really deploy?",
                "requestedSchema": {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]},
            }}},
            "requestState": state,
        })
    );
    let mut retry = call.clone();
    retry["inputResponses"] = json!({"elicitation-0": accept(json!({"ok": true}))});
    retry["requestState"] = json!(state);
    let second = send(&app, "tools/call", retry, ALL).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.result()["resultType"], "complete");
    assert_eq!(
        second.result()["content"],
        json!([{"type": "text", "text": "accepted: ok=true"}])
    );
    // Without a requestState the answers alone are enough; unknown keys are ignored.
    let mut retry = call;
    retry["inputResponses"] = json!({
        "elicitation-0": {"action": "decline"},
        "something-else": {"action": "accept"},
    });
    let third = send(&app, "tools/call", retry, ALL).await;
    assert_eq!(
        third.result()["content"][0]["text"],
        "Decline",
        "{:?}",
        third.body
    );
}

#[actix_web::test]
async fn questions_in_sequence_take_rounds_and_the_state_carries_earlier_answers() {
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let call = json!({"name": "ask_model", "arguments": {"question": "hi?"}});
    let r1 = send(&app, "tools/call", call.clone(), ALL).await;
    assert_eq!(
        r1.result()["inputRequests"]["sampling-0"]["method"],
        "sampling/createMessage"
    );
    let mut retry = call.clone();
    retry["inputResponses"] = json!({"sampling-0": {"role": "assistant", "content": {"type": "text", "text": "hello"}, "model": "m"}});
    retry["requestState"] = r1.result()["requestState"].clone();
    let r2 = send(&app, "tools/call", retry, ALL).await;
    let requests = r2.result()["inputRequests"].as_object().unwrap();
    assert_eq!(requests.keys().collect::<Vec<_>>(), ["roots-1"]);
    assert_eq!(
        requests["roots-1"],
        json!({"method": "roots/list", "params": {}})
    );
    assert_ne!(r2.result()["requestState"], r1.result()["requestState"]);
    // The last round sends only the new answer; the first comes back in the state.
    let mut retry = call;
    retry["inputResponses"] = json!({"roots-1": {"roots": [{"uri": "file:///w"}]}});
    retry["requestState"] = r2.result()["requestState"].clone();
    let r3 = send(&app, "tools/call", retry, ALL).await;
    assert_eq!(
        r3.result()["content"][0]["text"],
        "\"hello\" / \"file:///w\""
    );
}

#[actix_web::test]
async fn questions_asked_together_go_out_together() {
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let call = json!({"name": "both", "arguments": {}});
    let r1 = send(&app, "tools/call", call.clone(), ALL).await;
    let requests = r1.result()["inputRequests"].as_object().unwrap();
    let mut keys: Vec<_> = requests.keys().collect();
    keys.sort();
    assert_eq!(keys, ["name", "roots"]);
    // Half the answers: the other question is asked again.
    let mut retry = call.clone();
    retry["inputResponses"] = json!({"name": accept(json!({"name": "Ada"}))});
    retry["requestState"] = r1.result()["requestState"].clone();
    let r2 = send(&app, "tools/call", retry, ALL).await;
    assert_eq!(
        r2.result()["inputRequests"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["roots"]
    );
    let mut retry = call;
    retry["inputResponses"] = json!({"roots": {"roots": []}});
    retry["requestState"] = r2.result()["requestState"].clone();
    let r3 = send(&app, "tools/call", retry, ALL).await;
    assert_eq!(r3.result()["content"][0]["text"], "\"Ada\" 0");
}

#[actix_web::test]
async fn prompts_and_resources_ask_too() {
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let get = json!({"name": "briefing", "arguments": {"topic": "rust"}});
    let r1 = send(&app, "prompts/get", get.clone(), ALL).await;
    assert_eq!(r1.result()["resultType"], "input_required");
    assert!(r1.result()["inputRequests"]["audience"].is_object());
    let mut retry = get;
    retry["inputResponses"] = json!({"audience": accept(json!({"audience": "ops"}))});
    retry["requestState"] = r1.result()["requestState"].clone();
    let r2 = send(&app, "prompts/get", retry, ALL).await;
    assert_eq!(r2.result()["resultType"], "complete");
    assert_eq!(
        r2.result()["messages"][0]["content"]["text"],
        "Brief \"ops\" on rust"
    );

    let read = json!({"uri": "docs://plan"});
    let r1 = send(&app, "resources/read", read.clone(), ALL).await;
    assert_eq!(r1.result()["resultType"], "input_required");
    assert!(r1.result().get("ttlMs").is_none());
    let mut retry = read;
    retry["inputResponses"] = json!({"elicitation-0": accept(json!({"ok": true}))});
    retry["requestState"] = r1.result()["requestState"].clone();
    let r2 = send(&app, "resources/read", retry, ALL).await;
    assert_eq!(r2.result()["contents"][0]["text"], "contents of plan");
    assert_eq!(r2.result()["ttlMs"], 0);
}

#[actix_web::test]
async fn forged_tampered_foreign_and_misused_states_are_rejected() {
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let call = json!({"name": "confirm", "arguments": {"action": "deploy"}});
    let r1 = send(&app, "tools/call", call.clone(), ALL).await;
    let state = r1.result()["requestState"].as_str().unwrap().to_string();
    let answers = json!({"elicitation-0": accept(json!({"ok": true}))});
    let invalid = |a: &Answer, why: &str| {
        assert_eq!(a.status, 200);
        assert_eq!(a.error()["code"], -32602, "{:?}", a.body);
        let message = a.error()["message"].as_str().unwrap();
        assert!(message.contains(why), "{message}");
    };
    for forged in [
        format!("{state}-TAMPERED"),
        "garbage".to_string(),
        state.replacen('e', "f", 1),
    ] {
        let mut retry = call.clone();
        retry["inputResponses"] = answers.clone();
        retry["requestState"] = json!(forged);
        invalid(&send(&app, "tools/call", retry, ALL).await, "requestState");
    }
    // The same state with other arguments, or for another tool.
    let mut other = json!({"name": "confirm", "arguments": {"action": "destroy"}});
    other["inputResponses"] = answers.clone();
    other["requestState"] = json!(state);
    invalid(
        &send(&app, "tools/call", other, ALL).await,
        "different request",
    );
    // Another server's key (another deployment, or a rotated key).
    let elsewhere =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server("other")))).await;
    let mut retry = call.clone();
    retry["inputResponses"] = answers.clone();
    retry["requestState"] = json!(state);
    let a = send(&elsewhere, "tools/call", retry.clone(), ALL).await;
    invalid(&a, "integrity");
    // Instances sharing a key accept each other's states.
    let twin = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let a = send(&twin, "tools/call", retry, ALL).await;
    assert_eq!(a.result()["content"][0]["text"], "accepted: ok=true");
}

#[actix_web::test]
async fn malformed_answers_and_missing_capabilities_are_errors() {
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let mut call = json!({"name": "confirm", "arguments": {"action": "x"}});
    call["inputResponses"] = json!({"elicitation-0": 12345});
    let a = send(&app, "tools/call", call.clone(), ALL).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.error()["code"], -32602);
    assert!(a.error()["message"]
        .as_str()
        .unwrap()
        .contains("`inputResponses.elicitation-0` is not a valid `elicitation/create` result"));
    call["inputResponses"] = json!([1]);
    let a = send(&app, "tools/call", call, ALL).await;
    assert_eq!(a.error()["code"], -32602);

    // A question the request's capabilities do not allow ends the request (HTTP 400).
    let call = json!({"name": "confirm", "arguments": {"action": "x"}});
    let a = send(&app, "tools/call", call, r#"{"sampling": {}}"#).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 7, "error": {
            "code": -32021,
            "message": "Missing required client capability: elicitation",
            "data": {"requiredCapabilities": {"elicitation": {}}}}})
    );
    // Other methods ignore the fields.
    let a = send(
        &app,
        "tools/list",
        json!({"name": "x", "inputResponses": {"a": 1}, "requestState": "junk"}),
        ALL,
    )
    .await;
    assert_eq!(a.result()["resultType"], "complete");
}

#[actix_web::test]
async fn typed_forms_ask_with_the_type_schema_and_parse_the_answer() {
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server("k")))).await;
    let call = json!({"name": "book", "arguments": {}});
    let r1 = send(&app, "tools/call", call.clone(), ALL).await;
    assert_eq!(
        r1.result()["inputRequests"]["booking"]["params"],
        json!({
            "message": "Who is it for?",
            "requestedSchema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The name on the reservation"},
                    "guests": {"type": "integer", "description": "How many people", "minimum": 0, "maximum": 255},
                    "terrace": {"type": "boolean", "description": "Outside, if possible"},
                },
                "required": ["name", "guests"],
            },
        })
    );
    let answer = |content: Value| {
        let mut retry = call.clone();
        retry["inputResponses"] = json!({"booking": content});
        retry
    };
    let a = send(
        &app,
        "tools/call",
        answer(accept(json!({"name": "Ada", "guests": 2}))),
        ALL,
    )
    .await;
    assert_eq!(a.result()["content"][0]["text"], "Ada x2 terrace=None");
    let a = send(
        &app,
        "tools/call",
        answer(json!({"action": "decline"})),
        ALL,
    )
    .await;
    assert_eq!(a.result()["content"][0]["text"], "declined");
    // An accepted form that does not fit the type is the tool's error, not the protocol's.
    let a = send(
        &app,
        "tools/call",
        answer(accept(json!({"name": "Ada", "guests": "many"}))),
        ALL,
    )
    .await;
    assert_eq!(a.result()["isError"], true, "{:?}", a.body);
}
