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
