//! The core endpoint driven directly, without any web framework: what the quickstart serves
//! in every revision, as `insta` snapshots (`tests/tests/snapshots/`), and the statuses the
//! HTTP layer gives each kind of outcome.
//!
//! After an intended change to what is served, review and accept the new snapshots with
//! `cargo insta review` (or rerun with `INSTA_UPDATE=always`).

#[allow(dead_code)]
#[path = "../../examples/quickstart/src/main.rs"]
mod quickstart;

use futures_executor::block_on;
use mcp_core::http::{Endpoint, Headers, HttpBody, HttpRequest, HttpResponse};
use mcp_core::Server;
use serde_json::{json, Value};

/// Request headers as a plain list.
struct List(Vec<(String, String)>);

impl Headers for List {
    fn get(&self, name: &str) -> Option<&[u8]> {
        let (_, value) = self.0.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        Some(value.as_bytes())
    }

    fn count(&self, name: &str) -> usize {
        self.0
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

fn endpoint(name: &str) -> Endpoint {
    let server = Server::builder(name)
        .version("1.0.0")
        .instructions(
            "Arithmetic, greetings, text statistics, user profiles and a summarising prompt.",
        )
        .collect()
        .build()
        .expect("the quickstart builds");
    Endpoint::from(server)
}

fn post(ep: &Endpoint, headers: &[(&str, &str)], body: &Value) -> HttpResponse {
    let mut list = vec![("content-type".to_string(), "application/json".to_string())];
    list.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    let headers = List(list);
    let body = serde_json::to_vec(body).unwrap();
    block_on(ep.handle(HttpRequest {
        method: "POST",
        host: Some("127.0.0.1:8000"),
        path: "/mcp",
        headers: &headers,
        body: &body,
        peer: None,
    }))
}

fn json_body(resp: HttpResponse) -> Value {
    match resp.body {
        HttpBody::Json(chunks) => serde_json::from_slice(&chunks.to_vec()).unwrap(),
        other => panic!("expected a JSON body, got {other:?}"),
    }
}

/// A stateless request: `_meta` envelope plus the headers that repeat it.
fn stateless(ep: &Endpoint, method: &str, params: Value) -> HttpResponse {
    let mut params = params;
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let name = params["name"].as_str().map(str::to_string);
    let mut headers = vec![
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", method),
    ];
    if let Some(name) = &name {
        headers.push(("mcp-name", name));
    }
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    post(ep, &headers, &body)
}

/// A session in `version`; its id.
fn open_session(ep: &Endpoint, version: &str) -> (String, Value) {
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let resp = post(ep, &[], &body);
    assert_eq!(resp.status, 200);
    let id = resp
        .headers
        .iter()
        .find(|(n, _)| *n == "mcp-session-id")
        .map(|(_, v)| v.clone())
        .expect("initialize issues a session id");
    (id, json_body(resp)["result"].clone())
}

fn in_session(ep: &Endpoint, session: &str, version: &str, method: &str) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": {}});
    let resp = post(
        ep,
        &[
            ("mcp-session-id", session),
            ("mcp-protocol-version", version),
        ],
        &body,
    );
    assert_eq!(resp.status, 200, "{method} in {version}");
    json_body(resp)["result"].clone()
}

const LISTS: [&str; 4] = [
    "tools/list",
    "resources/list",
    "resources/templates/list",
    "prompts/list",
];

#[test]
fn what_the_quickstart_serves_in_the_stateless_revision() {
    let ep = endpoint("tools");
    let discover = json_body(stateless(&ep, "server/discover", json!({})));
    insta::assert_json_snapshot!("2026-07-28_server-discover", discover["result"]);
    for method in LISTS {
        let list = json_body(stateless(&ep, method, json!({})));
        let name = format!("2026-07-28_{}", method.replace('/', "-"));
        insta::assert_json_snapshot!(name, list["result"]);
    }
}

#[test]
fn what_the_quickstart_serves_in_each_session_revision() {
    let ep = endpoint("tools");
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let (session, hello) = open_session(&ep, version);
        insta::assert_json_snapshot!(format!("{version}_initialize"), hello);
        for method in LISTS {
            let list = in_session(&ep, &session, version, method);
            insta::assert_json_snapshot!(format!("{version}_{}", method.replace('/', "-")), list);
        }
    }
}

#[test]
fn outcomes_get_their_http_statuses() {
    let ep = endpoint("tools");
    // An ordinary error response: 200.
    let resp = stateless(&ep, "tools/call", json!({"name": "nope", "arguments": {}}));
    assert_eq!(resp.status, 200);
    assert_eq!(json_body(resp)["error"]["code"], -32602);
    // An unknown method in the stateless revision fails the request: 404.
    let resp = stateless(&ep, "tools/unknown", json!({}));
    assert_eq!(resp.status, 404);
    assert_eq!(json_body(resp)["error"]["code"], -32601);
    // The same in a session is an ordinary error: 200.
    let (session, _) = open_session(&ep, "2025-11-25");
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/unknown"});
    let resp = post(&ep, &[("mcp-session-id", &session)], &body);
    assert_eq!(resp.status, 200);
    assert_eq!(json_body(resp)["error"]["code"], -32601);
    // A notification is taken in: 202, no body.
    let body = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let resp = post(&ep, &[("mcp-session-id", &session)], &body);
    assert_eq!(resp.status, 202);
    assert!(matches!(resp.body, HttpBody::Empty));
    // A result.
    let resp = stateless(
        &ep,
        "tools/call",
        json!({"name": "add", "arguments": {"a": 2, "b": 3}}),
    );
    assert_eq!(resp.status, 200);
    let result = &json_body(resp)["result"];
    assert_eq!(result["content"], json!([{"type": "text", "text": "5"}]));
    assert_eq!(result["resultType"], "complete");
}

#[test]
fn a_full_session_table_answers_503_with_retry_after() {
    let server = Server::builder("tools")
        .collect()
        .max_sessions(1)
        .build()
        .unwrap();
    let ep = Endpoint::from(server);
    open_session(&ep, "2025-11-25");
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}}});
    let resp = post(&ep, &[], &body);
    assert_eq!(resp.status, 503);
    assert!(resp.headers.iter().any(|(n, _)| *n == "retry-after"));
    assert_eq!(json_body(resp)["error"]["code"], -32000);
}
