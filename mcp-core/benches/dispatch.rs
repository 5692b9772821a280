//! Micro-benchmarks of the dispatcher with no network: one request through
//! `Endpoint::handle` (header checks, parsing, dispatch, response writing).
//!
//! Run with `cargo bench -p mcp-core --bench dispatch`.

use std::collections::HashMap;

use futures_executor::block_on;
use mcp_core::__private::{
    Item, Location, RequestScope, ToolArgs, ToolDef, ToolHandler, ToolHints,
};
use mcp_core::http::{Endpoint, Headers, HttpRequest, HttpResponse};
use mcp_core::{prompt, resource, tool, Json, Server, ToolResult};
use schemars::JsonSchema;
use serde::Deserialize;

fn main() {
    divan::main();
}

/// Add two integers.
#[tool(server = "bench")]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[derive(Deserialize, JsonSchema)]
struct Line {
    sku: String,
    quantity: u32,
    options: Vec<String>,
}

#[derive(Deserialize, JsonSchema)]
struct Address {
    street: String,
    city: String,
    country: String,
}

#[derive(Deserialize, JsonSchema)]
struct Order {
    customer: String,
    lines: Vec<Line>,
    shipping: Address,
    billing: Option<Address>,
    notes: Option<String>,
}

/// Place an order (nested arguments).
#[tool(server = "bench")]
fn place_order(Json(order): Json<Order>) -> String {
    let items: u32 = order.lines.iter().map(|l| l.quantity).sum();
    let options: usize = order
        .lines
        .iter()
        .map(|l| l.options.len() + l.sku.len())
        .sum();
    let billing = order.billing.as_ref().unwrap_or(&order.shipping);
    format!(
        "{} lines ({items} items, {options} options) for {}, to {} {} {}, billed in {}{}",
        order.lines.len(),
        order.customer,
        order.shipping.street,
        order.shipping.city,
        order.shipping.country,
        billing.city,
        order.notes.map(|n| format!(" ({n})")).unwrap_or_default()
    )
}

/// The configuration.
#[resource(server = "bench", uri = "config://app", mime_type = "application/json")]
fn config() -> &'static str {
    "{\"debug\":true}"
}

/// Summarise a text.
#[prompt(server = "bench")]
fn summarise(text: String) -> String {
    format!("Summarise:\n\n{text}")
}

struct Map(HashMap<&'static str, &'static str>);

impl Headers for Map {
    fn get(&self, name: &str) -> Option<&[u8]> {
        self.0.get(name).map(|v| v.as_bytes())
    }
    fn count(&self, name: &str) -> usize {
        usize::from(self.0.contains_key(name))
    }
}

const META: &str = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#;

fn modern_headers(method: &'static str, name: Option<&'static str>) -> Map {
    let mut h = HashMap::from([
        ("content-type", "application/json"),
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", method),
    ]);
    if let Some(name) = name {
        h.insert("mcp-name", name);
    }
    Map(h)
}

fn handle(endpoint: &Endpoint, headers: &Map, body: &[u8]) -> HttpResponse {
    block_on(endpoint.handle(HttpRequest {
        method: "POST",
        host: Some("127.0.0.1:8000"),
        path: "/mcp",
        headers,
        body,
        peer: None,
    }))
}

fn bench_endpoint() -> Endpoint {
    Server::builder("bench").collect().build().unwrap().into()
}

#[divan::bench]
fn modern_tools_call(bencher: divan::Bencher<'_, '_>) {
    let ep = bench_endpoint();
    let headers = modern_headers("tools/call", Some("add"));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"add","arguments":{{"a":2,"b":3}},{META}}}}}"#
    );
    assert_eq!(handle(&ep, &headers, body.as_bytes()).status, 200);
    bencher.bench_local(|| handle(&ep, &headers, body.as_bytes()));
}

#[divan::bench]
fn session_tools_call(bencher: divan::Bencher<'_, '_>) {
    let ep = bench_endpoint();
    let init = br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"b","version":"1"}}}"#;
    let resp = handle(
        &ep,
        &Map(HashMap::from([("content-type", "application/json")])),
        init,
    );
    let session: &'static str = Box::leak(resp.headers[0].1.clone().into_boxed_str());
    let headers = Map(HashMap::from([
        ("content-type", "application/json"),
        ("mcp-protocol-version", "2025-11-25"),
        ("mcp-session-id", session),
    ]));
    let body = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}"#;
    assert_eq!(handle(&ep, &headers, body).status, 200);
    bencher.bench_local(|| handle(&ep, &headers, body));
}

#[divan::bench]
fn nested_arguments_call(bencher: divan::Bencher<'_, '_>) {
    let ep = bench_endpoint();
    let headers = modern_headers("tools/call", Some("place_order"));
    let line = r#"{"sku":"A-1","quantity":2,"options":["gift","express"]}"#;
    let lines = [line; 10].join(",");
    let address = r#"{"street":"1 Main St","city":"Lisbon","country":"PT"}"#;
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"place_order","arguments":{{"customer":"Ada","lines":[{lines}],"shipping":{address},"billing":{address},"notes":"leave at the door"}},{META}}}}}"#
    );
    let resp = handle(&ep, &headers, body.as_bytes());
    assert!(
        matches!(resp.body, mcp_core::http::HttpBody::Json(ref b) if String::from_utf8_lossy(&b.to_vec()).contains("10 lines"))
    );
    bencher.bench_local(|| handle(&ep, &headers, body.as_bytes()));
}

#[derive(Deserialize, JsonSchema)]
struct EchoArgs {
    x: i64,
}

fn echo(args: ToolArgs<'_>, _: &RequestScope<'_>) -> ToolResult {
    match args.parse::<EchoArgs>() {
        Ok(a) => ToolResult::text(a.x.to_string()),
        Err(e) => e,
    }
}

/// A server with `n` tools, registered at run time through the registration records.
fn many_tools(n: usize) -> Endpoint {
    let items = (0..n).map(|i| {
        let item: &'static Item = Box::leak(Box::new(Item::Tool(ToolDef {
            location: Location {
                module: module_path!(),
                file: file!(),
                line: line!(),
            },
            name: Box::leak(format!("tool_{i:04}").into_boxed_str()),
            servers: &[],
            icons: &[],
            roles: &[],
            title: None,
            description: Some("Echo `x`."),
            annotations: ToolHints::default(),
            input_schema: mcp_core::__private::schema_for::<EchoArgs>,
            output_schema: |_| None,
            handler: ToolHandler::Sync(echo),
            requires: &[],
            streaming: false,
            task: mcp_core::__private::TaskSupport::Forbidden,
        })));
        item
    });
    Server::builder("many")
        .items(items.map(mcp_core::ItemRef::from))
        .build()
        .unwrap()
        .into()
}

#[divan::bench(args = [10, 100, 1000])]
fn tools_list(bencher: divan::Bencher<'_, '_>, n: usize) {
    let ep = many_tools(n);
    let headers = modern_headers("tools/list", None);
    let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{{{META}}}}}"#);
    assert_eq!(handle(&ep, &headers, body.as_bytes()).status, 200);
    bencher.bench_local(|| handle(&ep, &headers, body.as_bytes()));
}

#[divan::bench]
fn resources_read(bencher: divan::Bencher<'_, '_>) {
    let ep = bench_endpoint();
    let headers = modern_headers("resources/read", Some("config://app"));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{{"uri":"config://app",{META}}}}}"#
    );
    assert_eq!(handle(&ep, &headers, body.as_bytes()).status, 200);
    bencher.bench_local(|| handle(&ep, &headers, body.as_bytes()));
}

#[divan::bench]
fn prompts_get(bencher: divan::Bencher<'_, '_>) {
    let ep = bench_endpoint();
    let headers = modern_headers("prompts/get", Some("summarise"));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{{"name":"summarise","arguments":{{"text":"hello"}},{META}}}}}"#
    );
    assert_eq!(handle(&ep, &headers, body.as_bytes()).status, 200);
    bencher.bench_local(|| handle(&ep, &headers, body.as_bytes()));
}

#[divan::bench]
fn rejected_header_mismatch(bencher: divan::Bencher<'_, '_>) {
    let ep = bench_endpoint();
    let headers = modern_headers("tools/call", Some("other"));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"add","arguments":{{"a":2,"b":3}},{META}}}}}"#
    );
    assert_eq!(handle(&ep, &headers, body.as_bytes()).status, 400);
    bencher.bench_local(|| handle(&ep, &headers, body.as_bytes()));
}

#[divan::bench]
fn rejected_missing_envelope(bencher: divan::Bencher<'_, '_>) {
    let ep = bench_endpoint();
    let headers = modern_headers("tools/list", None);
    let body = br#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#;
    assert_eq!(handle(&ep, &headers, body).status, 400);
    bencher.bench_local(|| handle(&ep, &headers, body));
}

/// Doubles `n`, as a task when the client accepts tasks (it finishes at once, so the task is
/// created already complete: this measures creating and saving a task, not running one).
#[tool(server = "bench-tasks", task)]
fn double(n: i64) -> i64 {
    n * 2
}

const TASKS_META: &str = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}"#;

/// An endpoint that can run tasks (their background runs are never needed here).
fn tasks_endpoint() -> Endpoint {
    let server = Server::builder("bench-tasks").collect().build().unwrap();
    let config = mcp_core::http::HttpConfig::new().background(|_| {});
    Endpoint::new(server, config)
}

fn create_task(ep: &Endpoint) -> HttpResponse {
    let headers = modern_headers("tools/call", Some("double"));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"double","arguments":{{"n":21}},{TASKS_META}}}}}"#
    );
    handle(ep, &headers, body.as_bytes())
}

fn json_body(resp: &HttpResponse) -> serde_json::Value {
    match &resp.body {
        mcp_core::http::HttpBody::Json(b) => serde_json::from_slice(&b.to_vec()).unwrap(),
        _ => panic!("a JSON answer"),
    }
}

/// `tools/call` answered with a new task (saved in the in-memory store first). Each sample
/// gets a fresh server, so that the store's bound (10,000 tasks) is never reached.
#[divan::bench(sample_size = 100)]
fn task_create(bencher: divan::Bencher<'_, '_>) {
    let ep = tasks_endpoint();
    assert_eq!(json_body(&create_task(&ep))["result"]["resultType"], "task");
    bencher
        .with_inputs(tasks_endpoint)
        .bench_local_refs(|ep| create_task(ep));
}

/// `tasks/get` of a finished task: the store's record, with the tool's result.
#[divan::bench]
fn task_get(bencher: divan::Bencher<'_, '_>) {
    let ep = tasks_endpoint();
    let created = json_body(&create_task(&ep));
    let id: &'static str = Box::leak(
        created["result"]["taskId"]
            .as_str()
            .unwrap()
            .to_string()
            .into_boxed_str(),
    );
    let headers = modern_headers("tasks/get", Some(id));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":2,"method":"tasks/get","params":{{"taskId":"{id}",{TASKS_META}}}}}"#
    );
    let got = json_body(&handle(&ep, &headers, body.as_bytes()));
    assert_eq!(got["result"]["status"], "completed");
    bencher.bench_local(|| handle(&ep, &headers, body.as_bytes()));
}

/// One change of the live registry of a server with 1,000 tools: a tool disabled or enabled
/// again, which renders every list of every revision once and swaps them in.
#[divan::bench]
fn registry_change_1000_tools(bencher: divan::Bencher<'_, '_>) {
    let ep = many_tools(1000);
    let server = ep.server().clone();
    let mut enabled = true;
    bencher.bench_local(|| {
        enabled = !enabled;
        server.set_tool_enabled("tool_0500", enabled).unwrap();
    });
}
