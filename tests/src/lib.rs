//! Shared helpers for the integration tests: JSON-RPC request builders and an in-process
//! actix-web client.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use serde_json::{json, Value};

/// The protocol revision without sessions.
pub const MODERN: &str = "2026-07-28";

/// The `_meta` envelope of a stateless request.
pub fn envelope() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "tests", "version": "1.0.0"},
    })
}

/// A JSON-RPC request.
pub fn request(id: i64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// One HTTP answer.
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as JSON (`Value::Null` when empty). For a `text/event-stream` answer, the array
    /// of the messages its events carry, in order.
    pub body: Value,
}

impl Answer {
    /// The JSON-RPC `result`.
    pub fn result(&self) -> &Value {
        &self.body["result"]
    }

    /// The JSON-RPC `error`.
    pub fn error(&self) -> &Value {
        &self.body["error"]
    }
}

/// Sends `body` with `headers` (plus `Content-Type: application/json`) to `path`.
pub async fn post<S>(app: &S, path: &str, headers: &[(&str, &str)], body: &Value) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    send(
        app,
        TestRequest::post().uri(path),
        headers,
        body.to_string(),
    )
    .await
}

/// Sends a raw request.
pub async fn send<S>(app: &S, req: TestRequest, headers: &[(&str, &str)], body: String) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut req = req;
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        req = req.insert_header(("content-type", "application/json"));
    }
    for (name, value) in headers {
        req = req.insert_header((*name, *value));
    }
    let resp = test::call_service(app, req.set_payload(body).to_request()).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = test::read_body(resp).await;
    let is_stream = headers
        .get("content-type")
        .is_some_and(|ct| ct.as_bytes().starts_with(b"text/event-stream"));
    let body = if is_stream {
        Value::Array(sse_messages(&String::from_utf8_lossy(&bytes)))
    } else if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("body is not JSON: {}", String::from_utf8_lossy(&bytes)))
    };
    Answer {
        status,
        headers,
        body,
    }
}

/// The JSON messages of a `text/event-stream` body, checking each event's framing.
pub fn sse_messages(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            assert!(
                data.len() <= 1,
                "at most one data line per event: {event:?}"
            );
            // Priming events (an id and `retry:`, empty data) carry no message.
            let data = data.first().filter(|d| !d.is_empty())?;
            Some(serde_json::from_str(data).expect("each event carries JSON"))
        })
        .collect()
}

/// A stateless (2026-07-28) request with its headers; `name` is the `Mcp-Name` value.
pub async fn modern<S>(
    app: &S,
    path: &str,
    method: &str,
    name: Option<&str>,
    mut params: Value,
) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    params["_meta"] = envelope();
    let mut headers = vec![("mcp-protocol-version", MODERN), ("mcp-method", method)];
    if let Some(name) = name {
        headers.push(("mcp-name", name));
    }
    post(app, path, &headers, &request(1, method, params)).await
}

/// A stateless `tools/call` of tool `name` with `arguments`.
pub async fn call_tool<S>(app: &S, path: &str, name: &str, arguments: Value) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    modern(
        app,
        path,
        "tools/call",
        Some(name),
        json!({"name": name, "arguments": arguments}),
    )
    .await
}

/// Runs `initialize` at `version` and returns the session id.
pub async fn initialize<S>(app: &S, path: &str, version: &str) -> (Answer, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let body = request(
        0,
        "initialize",
        json!({"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "tests", "version": "1.0.0"}}),
    );
    let answer = post(app, path, &[], &body).await;
    let session = answer
        .headers
        .get("mcp-session-id")
        .expect("initialize issues a session id")
        .to_str()
        .unwrap()
        .to_string();
    (answer, session)
}

/// A request inside a legacy session.
pub async fn legacy<S>(app: &S, path: &str, session: &str, method: &str, params: Value) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    post(
        app,
        path,
        &[("mcp-session-id", session)],
        &request(1, method, params),
    )
    .await
}

/// A `POST` of `body` in a legacy session that accepts an event stream, for reading the
/// answer as it streams.
pub fn session_post(session: &str, body: &Value) -> actix_http::Request {
    TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json, text/event-stream"))
        .insert_header(("mcp-session-id", session))
        .set_payload(body.to_string())
        .to_request()
}

/// A stateless (2026-07-28) `POST` of a `subscriptions/listen` request `body` that accepts an
/// event stream, with `headers` added (an API key, say), for reading the stream as it comes.
pub fn listen_post(body: &Value, headers: &[(&str, &str)]) -> actix_http::Request {
    let mut req = TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("accept", "application/json, text/event-stream"))
        .insert_header(("mcp-protocol-version", MODERN))
        .insert_header(("mcp-method", "subscriptions/listen"));
    for &header in headers {
        req = req.insert_header(header);
    }
    req.set_payload(body.to_string()).to_request()
}

/// The next message on an event stream that stays open, skipping priming events and
/// keep-alives.
pub async fn next_message(body: &mut actix_web::body::BoxBody) -> Value {
    use actix_web::body::MessageBody as _;
    loop {
        let chunk = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *body).poll_next(cx))
            .await
            .expect("an event")
            .expect("no body error");
        if let Some(message) = sse_messages(&String::from_utf8_lossy(&chunk)).pop() {
            return message;
        }
    }
}

/// Runs `initialize` at `version` declaring `capabilities`; the session id.
pub async fn session_with<S>(app: &S, path: &str, version: &str, capabilities: Value) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let body = request(
        0,
        "initialize",
        json!({"protocolVersion": version, "capabilities": capabilities, "clientInfo": {"name": "tests", "version": "1.0.0"}}),
    );
    let answer = post(app, path, &[], &body).await;
    answer
        .headers
        .get("mcp-session-id")
        .expect("initialize issues a session id")
        .to_str()
        .unwrap()
        .to_string()
}

/// Waits up to 5 seconds for `done()` to hold; whether it did.
pub async fn eventually(done: impl Fn() -> bool) -> bool {
    for _ in 0..500 {
        if done() {
            return true;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    done()
}

/// Handlers that ask the client for input, written once and served in both eras: over the
/// call's event stream in a session (`server_requests.rs`, server `talk`) and as
/// `input_required` rounds in 2026-07-28 (`input_required.rs`, server `mrtr`).
pub mod asking {
    use mcp_core::{tool, Context, ElicitAction, Error};
    use serde_json::json;

    /// Asks the user to confirm an action.
    #[tool(server = ["talk", "mrtr"])]
    pub async fn confirm(ctx: Context, action: String) -> Result<String, Error> {
        let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]});
        let answer = ctx.elicit(format!("Really {action}?"), schema).await?;
        Ok(match (answer.action, answer.content) {
            (ElicitAction::Accept, Some(content)) => format!("accepted: ok={}", content["ok"]),
            (action, _) => format!("{action:?}"),
        })
    }

    /// Asks the client's model, then lists the client's roots (two rounds in 2026-07-28).
    #[tool(server = ["talk", "mrtr"])]
    pub async fn ask_model(ctx: Context, question: String) -> Result<String, Error> {
        let reply = ctx
            .sample(json!({"messages": [{"role": "user", "content": {"type": "text", "text": question}}], "maxTokens": 50}))
            .await?;
        let roots = ctx.roots().await?;
        Ok(format!(
            "{} / {}",
            reply["content"]["text"], roots["roots"][0]["uri"]
        ))
    }
}

/// The README's examples compile.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// Schema conformance of a server's tools: every listed schema compiles, sample arguments
/// satisfy `inputSchema`, and every `structuredContent` a call produces satisfies
/// `outputSchema`, checked with an independent JSON Schema validator.
pub mod schemas {
    use std::collections::HashMap;

    use actix_web::{test, App};
    use mcp_core::Server;
    use serde_json::{json, Value};

    use super::{post, request, Answer, MODERN};

    /// What [`check_every_tool`] did.
    #[derive(Debug, Default)]
    pub struct Checked {
        /// Calls made (one per sample).
        pub calls: usize,
        /// Of those, results whose `structuredContent` was validated.
        pub structured: usize,
        /// Of those, results with `null` somewhere in their structured content.
        pub with_null: usize,
    }

    /// Calls every tool of `server` (stateless revision): first the `samples`, in order, then
    /// `{}` for each tool without samples whose schema requires nothing. Panics on a tool that
    /// needs arguments and has no sample, on arguments its schema rejects, and on structured
    /// content that does not satisfy its output schema.
    pub async fn check_every_tool(server: Server, samples: &[(&str, Value)]) -> Checked {
        let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
        let listed = super::modern(&app, "/mcp", "tools/list", None, json!({})).await;
        let tools: HashMap<String, Value> = listed.result()["tools"]
            .as_array()
            .expect("a tool list")
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_string(), t.clone()))
            .collect();
        let mut calls: Vec<(String, Value)> = samples
            .iter()
            .map(|(name, args)| (name.to_string(), args.clone()))
            .collect();
        let mut names: Vec<&String> = tools.keys().collect();
        names.sort();
        for name in names {
            if samples.iter().any(|(n, _)| n == name) {
                continue;
            }
            let required = tools[name]["inputSchema"]["required"]
                .as_array()
                .is_some_and(|r| !r.is_empty());
            assert!(!required, "tool `{name}` needs sample arguments");
            calls.push((name.clone(), json!({})));
        }
        let mut checked = Checked::default();
        for (name, args) in calls {
            let tool = tools
                .get(&name)
                .unwrap_or_else(|| panic!("no tool `{name}`"));
            let input = jsonschema::validator_for(&tool["inputSchema"])
                .unwrap_or_else(|e| panic!("`{name}`: the input schema does not compile: {e}"));
            if let Err(e) = input.validate(&args) {
                panic!("`{name}`: sample {args} fails the input schema: {e}");
            }
            let output = tool.get("outputSchema").map(|schema| {
                jsonschema::validator_for(schema)
                    .unwrap_or_else(|e| panic!("`{name}`: the output schema does not compile: {e}"))
            });
            let answer = call(&app, tool, &args).await;
            checked.calls += 1;
            let Some(answer) = until_task_ends(&app, answer).await else {
                continue;
            };
            let result = answer.result();
            assert!(result.is_object(), "`{name}` {args}: {}", answer.body);
            if result["resultType"] == "input_required" || result["isError"] == true {
                continue;
            }
            let Some(structured) = result.get("structuredContent") else {
                assert!(
                    output.is_none(),
                    "`{name}` {args}: an output schema but no structured content"
                );
                continue;
            };
            let output = output
                .unwrap_or_else(|| panic!("`{name}`: structured content but no output schema"));
            if let Err(e) = output.validate(structured) {
                panic!("`{name}` {args}: {structured} fails the output schema: {e}");
            }
            checked.structured += 1;
            if has_null(structured) {
                checked.with_null += 1;
            }
        }
        checked
    }

    /// For a call answered with a task, the task's end as a call's answer (`None` when it
    /// failed, or waits for answers: then it is cancelled); any other answer as it is.
    async fn until_task_ends<S>(app: &S, answer: Answer) -> Option<Answer>
    where
        S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
    {
        if answer.result()["resultType"] != "task" {
            return Some(answer);
        }
        let id = answer.result()["taskId"].as_str().expect("a task id");
        let mut meta = super::envelope();
        meta["io.modelcontextprotocol/clientCapabilities"] = capabilities();
        let params = json!({"taskId": id, "_meta": meta});
        let task = |method: &'static str| {
            let params = params.clone();
            async move {
                let headers = [
                    ("mcp-protocol-version", MODERN),
                    ("mcp-method", method),
                    ("mcp-name", id),
                ];
                post(app, "/mcp", &headers, &request(2, method, params)).await
            }
        };
        for _ in 0..500 {
            let got = task("tasks/get").await;
            match got.result()["status"].as_str() {
                Some("completed") => {
                    let result = got.result()["result"].clone();
                    let body = json!({"jsonrpc": "2.0", "id": 1, "result": result});
                    return Some(Answer { body, ..got });
                }
                Some("working") => {
                    actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await
                }
                Some("input_required") => {
                    task("tasks/cancel").await;
                    return None;
                }
                _ => return None,
            }
        }
        panic!("task {id} did not end")
    }

    /// What the checking client declares: it answers questions and accepts tasks.
    fn capabilities() -> Value {
        json!({
            "elicitation": {"form": {}}, "sampling": {}, "roots": {},
            "extensions": {"io.modelcontextprotocol/tasks": {}},
        })
    }

    /// A stateless `tools/call`, with the `Mcp-Param-*` headers its schema declares.
    async fn call<S>(app: &S, tool: &Value, args: &Value) -> Answer
    where
        S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
    {
        let name = tool["name"].as_str().unwrap();
        let mut owned: Vec<(String, String)> = Vec::new();
        if let Some(Value::Object(props)) = tool["inputSchema"].get("properties") {
            for (prop, schema) in props {
                let (Some(header), Some(value)) = (schema["x-mcp-header"].as_str(), args.get(prop))
                else {
                    continue;
                };
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_string);
                owned.push((format!("mcp-param-{}", header.to_ascii_lowercase()), text));
            }
        }
        let mut headers = vec![
            ("mcp-protocol-version", MODERN),
            ("mcp-method", "tools/call"),
            ("mcp-name", name),
        ];
        headers.extend(owned.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        // A client that can answer questions (tools that ask get `input_required`) and
        // accepts tasks.
        let mut meta = super::envelope();
        meta["io.modelcontextprotocol/clientCapabilities"] = capabilities();
        let params = json!({"name": name, "arguments": args, "_meta": meta});
        post(app, "/mcp", &headers, &request(1, "tools/call", params)).await
    }

    fn has_null(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::Array(items) => items.iter().any(has_null),
            Value::Object(map) => map.values().any(has_null),
            _ => false,
        }
    }
}
