//! Every method in both protocol eras, over the actix adapter, with exact wire shapes and
//! HTTP statuses.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{test, App};
use mcp_core::{
    prompt, resource, tool, Content, Context, Error, Json, LogLevel, PromptMessage,
    ResourceContents, Server, State, ToolResult,
};
use mcp_tests::{call_tool, envelope, initialize, legacy, modern, post, request, send, MODERN};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Add two integers.
#[tool(server = "fx", read_only)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Say hello.
#[tool(server = "fx", title = "Greeter")]
async fn greet(
    /// Who to greet
    name: String,
    /// Punctuation to end with
    punctuation: Option<String>,
) -> String {
    format!("Hello, {name}{}", punctuation.unwrap_or_else(|| "!".into()))
}

#[derive(Serialize, JsonSchema)]
struct Point {
    x: i32,
    y: i32,
}

/// A point.
#[tool(server = "fx")]
fn point() -> Json<Point> {
    Json(Point { x: 1, y: 2 })
}

/// A bare number as structured output.
#[tool(server = "fx")]
fn answer() -> Json<u32> {
    Json(42)
}

#[derive(Deserialize, JsonSchema)]
struct Order {
    /// Item identifiers
    items: Vec<String>,
    /// Delivery address
    address: Address,
}

#[derive(Deserialize, JsonSchema)]
struct Address {
    city: String,
}

/// Place an order.
#[tool(server = "fx", destructive)]
fn order(Json(order): Json<Order>) -> String {
    format!("{} items to {}", order.items.len(), order.address.city)
}

/// Fails on purpose.
#[tool(server = "fx")]
fn fails() -> Result<String, String> {
    Err("it went wrong".into())
}

/// Panics on purpose.
#[tool(server = "fx")]
fn explodes() -> String {
    panic!("boom")
}

/// Several content blocks.
#[tool(server = "fx")]
fn mixed() -> Vec<Content> {
    vec![
        Content::text("a picture:"),
        Content::image([1u8, 2, 3], "image/png"),
        Content::resource(ResourceContents::text("test://x", "embedded").mime_type("text/plain")),
    ]
}

/// The protocol revision of the request.
#[tool(server = "fx")]
fn whoami(ctx: Context) -> String {
    format!(
        "{} {}",
        ctx.protocol_version(),
        ctx.client_name().unwrap_or("?")
    )
}

/// Reports progress and logs while it works.
#[tool(server = "fx")]
async fn slow(ctx: Context) -> String {
    ctx.log(LogLevel::Debug, "debug detail").await;
    ctx.log(LogLevel::Info, "started").await;
    ctx.progress(0.0, Some(100.0), None).await;
    ctx.progress(100.0, Some(100.0), Some("done")).await;
    ctx.log(LogLevel::Warning, serde_json::json!({"step": "end"}))
        .await;
    "finished".into()
}

/// Waits until cancelled.
#[tool(server = "fx")]
async fn forever(ctx: Context) -> String {
    ctx.progress(1.0, None, Some("waiting")).await;
    std::future::pending::<()>().await;
    unreachable!("only cancellation ends this tool")
}

struct Counter(AtomicU64);

/// Counts calls.
#[tool(server = "fx")]
fn count(counter: State<Counter>) -> u64 {
    counter.0.fetch_add(1, Ordering::SeqCst) + 1
}

/// Plain text.
#[resource(server = "fx", uri = "text://hello", mime_type = "text/plain")]
fn hello_text() -> &'static str {
    "hello"
}

/// Some bytes.
#[resource(
    server = "fx",
    uri = "bin://bytes",
    mime_type = "application/octet-stream"
)]
fn bytes() -> Vec<u8> {
    vec![0, 1, 2]
}

/// A file in a folder.
#[resource(server = "fx", uri = "files://{folder}/{name}")]
async fn file(folder: String, name: String) -> Result<String, Error> {
    if folder == "missing" {
        return Err(Error::not_found(format!("no folder {folder}")));
    }
    Ok(format!("{folder}/{name}"))
}

/// Numbered items.
#[resource(server = "fx", uri = "items://{n}")]
fn item(#[complete(values = ["1", "2", "10"])] n: u32) -> Vec<ResourceContents> {
    vec![ResourceContents::text(
        format!("items://{n}"),
        format!("item {n}"),
    )]
}

/// Review some code.
#[prompt(server = "fx")]
fn review(
    /// The code
    code: String,
    /// Language
    #[complete(values = ["rust", "python", "ruby"])]
    language: Option<String>,
) -> Vec<PromptMessage> {
    vec![
        PromptMessage::user(format!(
            "Review this {}:",
            language.unwrap_or_else(|| "code".into())
        )),
        PromptMessage::user(code),
        PromptMessage::assistant("Sure."),
    ]
}

/// Repeat a word.
#[prompt(server = "fx")]
fn repeat(word: String, times: u8) -> String {
    word.repeat(times as usize)
}

fn server() -> Server {
    Server::builder("fx")
        .version("1.2.3")
        .instructions("Test fixture.")
        .state(Counter(AtomicU64::new(0)))
        .collect()
        .build()
        .expect("fixture server builds")
}

macro_rules! app {
    () => {
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server()))).await
    };
}

/// The entry for tool `name` in a `tools/list` result.
fn tool<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

fn server_info_meta() -> Value {
    json!({"io.modelcontextprotocol/serverInfo": {"name": "fx", "version": "1.2.3"}})
}

#[actix_web::test]
async fn discover_and_lists_in_the_stateless_revision() {
    let app = app!();
    let a = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 1, "result": {
            "resultType": "complete",
            "supportedVersions": ["2026-07-28"],
            "capabilities": {"logging": {}, "tools": {}, "resources": {"subscribe": true}, "prompts": {}, "completions": {}},
            "instructions": "Test fixture.",
            "ttlMs": 300000,
            "cacheScope": "public",
            "_meta": server_info_meta(),
        }})
    );

    let a = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    let result = a.result();
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["ttlMs"], 300000);
    assert_eq!(result["cacheScope"], "public");
    assert_eq!(result["_meta"], server_info_meta());
    let names: Vec<&str> = result["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "add", "answer", "count", "explodes", "fails", "forever", "greet", "mixed", "order",
            "point", "slow", "whoami"
        ]
    );
    let greet = tool(result, "greet");
    assert_eq!(
        greet,
        &json!({
            "name": "greet",
            "title": "Greeter",
            "description": "Say hello.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "Who to greet"},
                    "punctuation": {"type": ["string", "null"], "description": "Punctuation to end with"},
                },
                "required": ["name"],
                "additionalProperties": false,
            },
        })
    );
    let add = &tool(result, "add");
    assert_eq!(add["annotations"], json!({"readOnlyHint": true}));
    assert_eq!(
        tool(result, "answer")["outputSchema"],
        json!({"type": "object", "properties": {"result": {"type": "integer", "minimum": 0}}, "required": ["result"]})
    );
    assert_eq!(
        tool(result, "point")["outputSchema"],
        json!({"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}, "required": ["x", "y"]})
    );
    // A tool without arguments still has an object schema that rejects extra keys.
    assert_eq!(
        tool(result, "explodes")["inputSchema"],
        json!({"type": "object", "properties": {}, "additionalProperties": false})
    );
    // A `Json<T>` argument's schema is T's, nested types inlined.
    let order_schema = &tool(result, "order")["inputSchema"];
    assert_eq!(
        order_schema["properties"]["address"]["properties"]["city"],
        json!({"type": "string"})
    );
    assert_eq!(
        order_schema["properties"]["items"]["description"],
        "Item identifiers"
    );

    let a = modern(&app, "/mcp", "resources/list", None, json!({})).await;
    assert_eq!(
        a.result()["resources"],
        json!([
            {"uri": "bin://bytes", "name": "bytes", "description": "Some bytes.", "mimeType": "application/octet-stream"},
            {"uri": "text://hello", "name": "hello_text", "description": "Plain text.", "mimeType": "text/plain"},
        ])
    );
    let a = modern(&app, "/mcp", "resources/templates/list", None, json!({})).await;
    assert_eq!(
        a.result()["resourceTemplates"],
        json!([
            {"uriTemplate": "files://{folder}/{name}", "name": "file", "description": "A file in a folder."},
            {"uriTemplate": "items://{n}", "name": "item", "description": "Numbered items."},
        ])
    );
    let a = modern(&app, "/mcp", "prompts/list", None, json!({})).await;
    assert_eq!(
        a.result()["prompts"],
        json!([
            {"name": "repeat", "description": "Repeat a word.", "arguments": [
                {"name": "word", "required": true}, {"name": "times", "required": true}]},
            {"name": "review", "description": "Review some code.", "arguments": [
                {"name": "code", "description": "The code", "required": true},
                {"name": "language", "description": "Language", "required": false}]},
        ])
    );
}

#[actix_web::test]
async fn tool_calls_in_the_stateless_revision() {
    let app = app!();
    let a = call_tool(&app, "/mcp", "add", json!({"a": 2, "b": 3})).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 1, "result": {
            "content": [{"type": "text", "text": "5"}],
            "resultType": "complete",
            "_meta": server_info_meta(),
        }})
    );
    let a = call_tool(&app, "/mcp", "greet", json!({"name": "Ada"})).await;
    assert_eq!(
        a.result()["content"],
        json!([{"type": "text", "text": "Hello, Ada!"}])
    );
    let a = call_tool(&app, "/mcp", "point", json!({})).await;
    assert_eq!(a.result()["structuredContent"], json!({"x": 1, "y": 2}));
    assert_eq!(
        a.result()["content"],
        json!([{"type": "text", "text": "{\"x\":1,\"y\":2}"}])
    );
    let a = call_tool(&app, "/mcp", "answer", json!({})).await;
    assert_eq!(a.result()["structuredContent"], json!({"result": 42}));
    let a = call_tool(
        &app,
        "/mcp",
        "order",
        json!({"items": ["a", "b"], "address": {"city": "Lisbon"}}),
    )
    .await;
    assert_eq!(a.result()["content"][0]["text"], "2 items to Lisbon");
    let a = call_tool(&app, "/mcp", "fails", json!({})).await;
    assert_eq!(a.result()["isError"], true);
    assert_eq!(
        a.result()["content"],
        json!([{"type": "text", "text": "it went wrong"}])
    );
    let a = call_tool(&app, "/mcp", "mixed", json!({})).await;
    assert_eq!(
        a.result()["content"],
        json!([
            {"type": "text", "text": "a picture:"},
            {"type": "image", "data": "AQID", "mimeType": "image/png"},
            {"type": "resource", "resource": {"uri": "test://x", "mimeType": "text/plain", "text": "embedded"}},
        ])
    );
    let a = call_tool(&app, "/mcp", "whoami", json!({})).await;
    assert_eq!(a.result()["content"][0]["text"], "2026-07-28 tests");
    let first =
        call_tool(&app, "/mcp", "count", json!({})).await.result()["content"][0]["text"].clone();
    let second =
        call_tool(&app, "/mcp", "count", json!({})).await.result()["content"][0]["text"].clone();
    assert_eq!(
        first.as_str().unwrap().parse::<u64>().unwrap() + 1,
        second.as_str().unwrap().parse::<u64>().unwrap()
    );
}

#[actix_web::test]
async fn bad_arguments_and_panics_are_tool_errors() {
    let app = app!();
    let a = call_tool(&app, "/mcp", "add", json!({"a": "two", "b": 3})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.result()["isError"], true);
    assert_eq!(
        a.result()["content"][0]["text"],
        "Invalid arguments for tool `add`: `a`: invalid type: string \"two\", expected i64"
    );
    let a = call_tool(&app, "/mcp", "add", json!({"a": 1})).await;
    assert_eq!(
        a.result()["content"][0]["text"],
        "Invalid arguments for tool `add`: missing field `b`"
    );
    let a = call_tool(&app, "/mcp", "add", json!({"a": 1, "b": 2, "c": 3})).await;
    assert_eq!(a.result()["isError"], true);
    assert!(a.result()["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("unknown field `c`"));
    let a = call_tool(
        &app,
        "/mcp",
        "order",
        json!({"items": [], "address": {"city": 5}}),
    )
    .await;
    assert_eq!(
        a.result()["content"][0]["text"],
        "Invalid arguments for tool `order`: `address.city`: invalid type: integer `5`, expected a string"
    );
    let a = call_tool(&app, "/mcp", "explodes", json!({})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.result()["isError"], true);
    assert_eq!(
        a.result()["content"][0]["text"],
        "Tool `explodes` failed with an internal error."
    );
    // The server is still up.
    assert_eq!(
        call_tool(&app, "/mcp", "add", json!({"a": 1, "b": 1}))
            .await
            .result()["content"][0]["text"],
        "2"
    );
    // Unknown tools and malformed params are protocol errors.
    let a = call_tool(&app, "/mcp", "nope", json!({})).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Unknown tool: nope"})
    );
    let a = modern(
        &app,
        "/mcp",
        "tools/call",
        Some("add"),
        json!({"name": "add", "arguments": [1, 2]}),
    )
    .await;
    assert_eq!(a.error()["code"], -32602);
}

#[actix_web::test]
async fn resources_prompts_and_completion_in_the_stateless_revision() {
    let app = app!();
    let read = |uri: &'static str| {
        let app = &app;
        async move {
            modern(
                app,
                "/mcp",
                "resources/read",
                Some(uri),
                json!({"uri": uri}),
            )
            .await
        }
    };
    let a = read("text://hello").await;
    assert_eq!(
        a.result(),
        &json!({
            "contents": [{"uri": "text://hello", "mimeType": "text/plain", "text": "hello"}],
            "ttlMs": 0, "cacheScope": "public", "resultType": "complete", "_meta": server_info_meta(),
        })
    );
    let a = read("bin://bytes").await;
    assert_eq!(
        a.result()["contents"],
        json!([{"uri": "bin://bytes", "mimeType": "application/octet-stream", "blob": "AAEC"}])
    );
    let a = read("files://docs/readme.md").await;
    assert_eq!(
        a.result()["contents"],
        json!([{"uri": "files://docs/readme.md", "mimeType": "text/plain", "text": "docs/readme.md"}])
    );
    let a = read("items://7").await;
    assert_eq!(
        a.result()["contents"],
        json!([{"uri": "items://7", "text": "item 7"}])
    );
    // `items://x` does not parse as a number: no template matches.
    let a = read("items://x").await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Resource not found: items://x", "data": {"uri": "items://x"}})
    );
    let a = read("files://missing/x").await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "no folder missing", "data": {"uri": "files://missing/x"}})
    );

    let get = |name: &'static str, args: Value| {
        let app = &app;
        async move {
            modern(
                app,
                "/mcp",
                "prompts/get",
                Some(name),
                json!({"name": name, "arguments": args}),
            )
            .await
        }
    };
    let a = get(
        "review",
        json!({"code": "fn main() {}", "language": "rust"}),
    )
    .await;
    assert_eq!(
        a.result(),
        &json!({
            "description": "Review some code.",
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Review this rust:"}},
                {"role": "user", "content": {"type": "text", "text": "fn main() {}"}},
                {"role": "assistant", "content": {"type": "text", "text": "Sure."}},
            ],
            "resultType": "complete", "_meta": server_info_meta(),
        })
    );
    let a = get("repeat", json!({"word": "ab", "times": "3"})).await;
    assert_eq!(a.result()["messages"][0]["content"]["text"], "ababab");
    let a = get("repeat", json!({"word": "ab"})).await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Missing required argument `times`"})
    );
    let a = get("repeat", json!({"word": "ab", "times": "many"})).await;
    assert_eq!(a.error()["code"], -32602);
    let a = get("nope", json!({})).await;
    assert_eq!(
        a.error(),
        &json!({"code": -32602, "message": "Unknown prompt: nope"})
    );

    let complete = |reference: Value, name: &str, value: &str| {
        let app = &app;
        let params = json!({"ref": reference, "argument": {"name": name, "value": value}});
        async move { modern(app, "/mcp", "completion/complete", None, params).await }
    };
    let a = complete(
        json!({"type": "ref/prompt", "name": "review"}),
        "language",
        "r",
    )
    .await;
    assert_eq!(
        a.result(),
        &json!({"completion": {"values": ["rust", "ruby"], "total": 2, "hasMore": false}, "resultType": "complete", "_meta": server_info_meta()})
    );
    let a = complete(
        json!({"type": "ref/resource", "uri": "items://{n}"}),
        "n",
        "1",
    )
    .await;
    assert_eq!(a.result()["completion"]["values"], json!(["1", "10"]));
    let a = complete(json!({"type": "ref/prompt", "name": "review"}), "code", "x").await;
    assert_eq!(a.result()["completion"]["values"], json!([]));
    let a = complete(json!({"type": "ref/prompt", "name": "nope"}), "x", "").await;
    assert_eq!(a.error()["code"], -32602);
}

#[actix_web::test]
async fn stateless_envelope_and_header_validation() {
    let app = app!();
    let list = request(1, "tools/list", json!({"_meta": envelope()}));
    let h = |method: &'static str| vec![("mcp-protocol-version", MODERN), ("mcp-method", method)];

    // Missing _meta with a modern version header.
    let a = post(
        &app,
        "/mcp",
        &h("tools/list"),
        &request(1, "tools/list", json!({})),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.error()["code"], -32602);
    assert_eq!(
        a.error()["data"],
        json!({"envelope": {"missing": ["_meta"]}})
    );
    assert_eq!(a.body["id"], 1);
    // Missing clientCapabilities.
    let bad = request(
        1,
        "tools/list",
        json!({"_meta": {"io.modelcontextprotocol/protocolVersion": MODERN}}),
    );
    let a = post(&app, "/mcp", &h("tools/list"), &bad).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error()["data"],
        json!({"envelope": {"key": "io.modelcontextprotocol/clientCapabilities", "problem": "missing"}})
    );
    // Unsupported version.
    let mut old = envelope();
    old["io.modelcontextprotocol/protocolVersion"] = json!("1900-01-01");
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-protocol-version", "1900-01-01"),
            ("mcp-method", "tools/list"),
        ],
        &request(1, "tools/list", json!({"_meta": old})),
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error(),
        &json!({"code": -32022, "message": "Unsupported protocol version: 1900-01-01", "data": {"supported": ["2026-07-28"], "requested": "1900-01-01"}})
    );
    // Header problems.
    let a = post(&app, "/mcp", &[("mcp-method", "tools/list")], &list).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    assert_eq!(a.error()["data"]["mismatch"]["header"], "(missing)");
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-protocol-version", "2025-11-25"),
            ("mcp-method", "tools/list"),
        ],
        &list,
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let a = post(&app, "/mcp", &[("mcp-protocol-version", MODERN)], &list).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let a = post(&app, "/mcp", &h("prompts/list"), &list).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let call = request(
        1,
        "tools/call",
        json!({"_meta": envelope(), "name": "add", "arguments": {"a": 1, "b": 2}}),
    );
    let a = post(&app, "/mcp", &h("tools/call"), &call).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    let mut with_name = h("tools/call");
    with_name.push(("mcp-name", "greet"));
    let a = post(&app, "/mcp", &with_name, &call).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32020)));
    // Base64-encoded Mcp-Name values are decoded before comparing ("add").
    let mut encoded = h("tools/call");
    encoded.push(("mcp-name", "=?base64?YWRk?="));
    let a = post(&app, "/mcp", &encoded, &call).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.result()["content"][0]["text"], "3");
    // Unknown methods, and methods of the other era, are 404.
    for method in ["nope/nothing", "ping", "initialize", "logging/setLevel"] {
        let a = post(
            &app,
            "/mcp",
            &h(method),
            &request(7, method, json!({"_meta": envelope()})),
        )
        .await;
        assert_eq!(a.status, 404, "{method}");
        assert_eq!(
            a.body,
            json!({"jsonrpc": "2.0", "id": 7, "error": {"code": -32601, "message": format!("Method not found: {method}")}})
        );
    }
    // Notifications are accepted without a body; posted responses are not.
    let note = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"_meta": envelope(), "requestId": 1}});
    let a = post(&app, "/mcp", &h("notifications/cancelled"), &note).await;
    assert_eq!((a.status, a.body.clone()), (202, Value::Null));
    let a = post(
        &app,
        "/mcp",
        &h("tools/list"),
        &json!({"jsonrpc": "2.0", "id": 1, "result": {"_meta": envelope()}}),
    )
    .await;
    assert_eq!(
        (a.status, a.error()["code"].clone()),
        (400, json!(-32600)),
        "clients must not post responses"
    );
    // Pages: an unknown cursor is invalid params.
    let a = modern(&app, "/mcp", "tools/list", None, json!({"cursor": "bogus"})).await;
    assert_eq!(a.error()["code"], -32602);
}

#[actix_web::test]
async fn malformed_requests() {
    let app = app!();
    let raw = |body: &str, ct: &'static str| {
        let app = &app;
        let body = body.to_string();
        async move {
            send(
                app,
                test::TestRequest::post().uri("/mcp"),
                &[("content-type", ct)],
                body,
            )
            .await
        }
    };
    let a = raw("{not json", "application/json").await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["id"], Value::Null);
    assert_eq!(a.error()["code"], -32700);
    let a = raw("[]", "application/json").await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = raw(
        r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#,
        "application/json",
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 3, "error": {"code": -32600, "message": "Invalid Request: `jsonrpc` must be \"2.0\""}})
    );
    let a = raw(
        r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
        "application/json",
    )
    .await;
    assert_eq!(
        (a.status, a.error()["code"].clone(), a.body["id"].clone()),
        (400, json!(-32600), Value::Null)
    );
    let a = raw(
        r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
        "application/json",
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = raw("42", "application/json").await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = raw(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, "text/plain").await;
    assert_eq!(a.status, 415);
    let a = raw(
        r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
        "application/json; charset=utf-8",
    )
    .await;
    assert_eq!(a.status, 400, "a legacy request without a session");
    // Oversized bodies.
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"x":"{}"}}}}"#,
        "a".repeat(5 * 1024 * 1024)
    );
    let a = raw(&big, "application/json").await;
    assert_eq!(a.status, 413);
    // Other HTTP methods.
    let a = send(
        &app,
        test::TestRequest::get().uri("/mcp"),
        &[],
        String::new(),
    )
    .await;
    // Without a session, GET has no stream to open: not allowed for this request.
    assert_eq!(a.status, 405);
    assert_eq!(a.headers.get("allow").unwrap(), "POST, DELETE, OPTIONS");
    assert_eq!(a.error()["code"], -32000);
    assert!(
        a.error()["message"]
            .as_str()
            .unwrap()
            .contains("needs the Mcp-Session-Id header"),
        "{}",
        a.body
    );
    let a = send(
        &app,
        test::TestRequest::put().uri("/mcp"),
        &[],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 405);
    assert_eq!(
        a.headers.get("allow").unwrap(),
        "GET, POST, DELETE, OPTIONS"
    );
    assert_eq!(
        a.error()["message"],
        "Method Not Allowed: send MCP messages with POST"
    );
}

#[actix_web::test]
async fn paths_without_an_endpoint_get_a_json_404() {
    let app = test::init_service(
        App::new()
            .service(mcp_actix::scope("/mcp", server()))
            .default_service(actix_web::web::to(mcp_actix::not_found)),
    )
    .await;
    for path in ["/mcp/extra", "/elsewhere"] {
        let a = send(&app, test::TestRequest::post().uri(path), &[], "{}".into()).await;
        assert_eq!(a.status, 404, "{path}");
        assert_eq!(a.headers.get("content-type").unwrap(), "application/json");
        assert_eq!(
            a.body,
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32000, "message": format!("Not Found: no MCP endpoint at {path}")}})
        );
    }
    let long = format!("/{}", "x".repeat(500));
    let a = send(
        &app,
        test::TestRequest::get().uri(&long),
        &[],
        String::new(),
    )
    .await;
    let message = a.error()["message"].as_str().unwrap();
    assert!(message.ends_with("...") && message.len() < 200, "{message}");
}

#[actix_web::test]
async fn origin_and_host_checks() {
    let app = app!();
    let ping = request(1, "server/discover", json!({"_meta": envelope()}));
    let h = |extra: (&'static str, &'static str)| {
        vec![
            ("mcp-protocol-version", MODERN),
            ("mcp-method", "server/discover"),
            extra,
        ]
    };
    let a = post(
        &app,
        "/mcp",
        &h(("origin", "http://evil.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 403);
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32000, "message": "Invalid Origin: evil.example.com"}})
    );
    let a = post(
        &app,
        "/mcp",
        &h(("origin", "http://localhost:1@evil.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 403);
    let a = post(&app, "/mcp", &h(("origin", "null")), &ping).await;
    assert_eq!(a.status, 403);
    let a = post(&app, "/mcp", &h(("origin", "http://localhost:5173")), &ping).await;
    assert_eq!(a.status, 200);
    let a = post(&app, "/mcp", &h(("host", "evil.example.com")), &ping).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.error()["message"], "Invalid Host: evil.example.com");
    let a = post(&app, "/mcp", &h(("host", "127.0.0.1:9999")), &ping).await;
    assert_eq!(a.status, 200);

    // Per-mount settings: a public mount accepting one origin and any host.
    let config = mcp_actix::HttpConfig::new()
        .allow_any_host()
        .allow_origin("https://app.example.com");
    let public =
        test::init_service(App::new().service(mcp_actix::scope("/pub", (server(), config)))).await;
    let a = post(
        &public,
        "/pub",
        &h(("origin", "https://app.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 200);
    let a = post(&public, "/pub", &h(("host", "mcp.example.com")), &ping).await;
    assert_eq!(a.status, 200);
    let a = post(
        &public,
        "/pub",
        &h(("origin", "https://other.example.com")),
        &ping,
    )
    .await;
    assert_eq!(a.status, 403);
}

#[actix_web::test]
async fn session_lifecycle() {
    let app = app!();
    for version in ["2025-11-25", "2025-06-18", "2025-03-26"] {
        let (a, session) = initialize(&app, "/mcp", version).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.result()["protocolVersion"], version);
        assert_eq!(
            a.result()["capabilities"],
            json!({"logging": {}, "tools": {}, "resources": {"subscribe": true}, "prompts": {}, "completions": {}})
        );
        assert_eq!(session.len(), 32);
        assert!(session.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    }
    let (a, _) = initialize(&app, "/mcp", "2024-01-01").await;
    assert_eq!(
        a.result()["protocolVersion"],
        "2025-11-25",
        "unknown versions get the newest"
    );
    assert_eq!(
        a.result()["serverInfo"],
        json!({"name": "fx", "version": "1.2.3"})
    );
    assert_eq!(a.result()["instructions"], "Test fixture.");

    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let a = post(&app, "/mcp", &[("mcp-session-id", &session)], &note).await;
    assert_eq!((a.status, a.body.clone()), (202, Value::Null));
    let a = legacy(&app, "/mcp", &session, "ping", json!({})).await;
    assert_eq!(a.body, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));

    // Missing, unknown and ended sessions.
    let a = post(&app, "/mcp", &[], &request(1, "tools/list", json!({}))).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32000)));
    let a = legacy(&app, "/mcp", "0000", "tools/list", json!({})).await;
    assert_eq!(a.status, 404);
    let a = legacy(&app, "/mcp", &session, "initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}})).await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32600)));
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &session)],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 200);
    let a = legacy(&app, "/mcp", &session, "tools/list", json!({})).await;
    assert_eq!(a.status, 404);
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &session)],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 404);
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 400);

    // The negotiated revision and older session revisions are accepted; a newer one, or an
    // unsupported one, is not.
    let (_, session) = initialize(&app, "/mcp", "2025-11-25").await;
    let body = request(1, "ping", json!({}));
    for older in ["2025-11-25", "2025-03-26"] {
        let a = post(
            &app,
            "/mcp",
            &[
                ("mcp-session-id", &session),
                ("mcp-protocol-version", older),
            ],
            &body,
        )
        .await;
        assert_eq!(a.status, 200, "{older}");
    }
    let (_, old_session) = initialize(&app, "/mcp", "2025-06-18").await;
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-session-id", &old_session),
            ("mcp-protocol-version", "2025-11-25"),
        ],
        &body,
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.error()["message"],
        "Bad Request: MCP-Protocol-Version 2025-11-25 is newer than the revision this session negotiated (2025-06-18)"
    );
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-session-id", &session),
            ("mcp-protocol-version", "1999-01-01"),
        ],
        &body,
    )
    .await;
    assert_eq!(a.status, 400);
    // A modern version header without the envelope is a stateless request missing `_meta`.
    let a = post(
        &app,
        "/mcp",
        &[
            ("mcp-session-id", &session),
            ("mcp-protocol-version", MODERN),
        ],
        &body,
    )
    .await;
    assert_eq!((a.status, a.error()["code"].clone()), (400, json!(-32602)));
}

#[actix_web::test]
async fn every_method_in_the_session_revisions() {
    let app = app!();
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let a = legacy(&app, "/mcp", &s, "tools/list", json!({})).await;
    assert!(a.result().get("resultType").is_none());
    assert!(a.result().get("ttlMs").is_none());
    assert_eq!(tool(a.result(), "greet")["title"], "Greeter");
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "tools/call",
        json!({"name": "add", "arguments": {"a": 2, "b": 3}}),
    )
    .await;
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "text", "text": "5"}]}})
    );
    let a = legacy(&app, "/mcp", &s, "tools/call", json!({"name": "point"})).await;
    assert_eq!(a.result()["structuredContent"], json!({"x": 1, "y": 2}));
    let a = legacy(&app, "/mcp", &s, "tools/call", json!({"name": "whoami"})).await;
    assert_eq!(a.result()["content"][0]["text"], "2025-11-25 tests");
    let a = legacy(&app, "/mcp", &s, "resources/list", json!({})).await;
    assert_eq!(a.result()["resources"].as_array().unwrap().len(), 2);
    let a = legacy(&app, "/mcp", &s, "resources/templates/list", json!({})).await;
    assert_eq!(a.result()["resourceTemplates"].as_array().unwrap().len(), 2);
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/read",
        json!({"uri": "text://hello"}),
    )
    .await;
    assert_eq!(
        a.body,
        json!({"jsonrpc": "2.0", "id": 1, "result": {"contents": [{"uri": "text://hello", "mimeType": "text/plain", "text": "hello"}]}})
    );
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/read",
        json!({"uri": "nothing://here"}),
    )
    .await;
    assert_eq!(
        a.error(),
        &json!({"code": -32002, "message": "Resource not found: nothing://here", "data": {"uri": "nothing://here"}})
    );
    let a = legacy(&app, "/mcp", &s, "prompts/list", json!({})).await;
    assert_eq!(a.result()["prompts"].as_array().unwrap().len(), 2);
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "prompts/get",
        json!({"name": "repeat", "arguments": {"word": "x", "times": "2"}}),
    )
    .await;
    assert_eq!(
        a.result(),
        &json!({"description": "Repeat a word.", "messages": [{"role": "user", "content": {"type": "text", "text": "xx"}}]})
    );
    let a = legacy(&app, "/mcp", &s, "completion/complete", json!({"ref": {"type": "ref/prompt", "name": "review"}, "argument": {"name": "language", "value": "p"}})).await;
    assert_eq!(
        a.result(),
        &json!({"completion": {"values": ["python"], "total": 1, "hasMore": false}})
    );
    let a = legacy(&app, "/mcp", &s, "server/discover", json!({})).await;
    assert_eq!((a.status, a.error()["code"].clone()), (200, json!(-32601)));
    let a = legacy(&app, "/mcp", &s, "tools/call", json!({"name": 5})).await;
    assert_eq!(a.error()["code"], -32602);

    // 2025-03-26 has no titles or structured content; 2025-06-18 has no icons.
    let (_, old) = initialize(&app, "/mcp", "2025-03-26").await;
    let a = legacy(&app, "/mcp", &old, "tools/list", json!({})).await;
    assert!(tool(a.result(), "greet").get("title").is_none());
    assert!(tool(a.result(), "point").get("outputSchema").is_none());
    let a = legacy(&app, "/mcp", &old, "tools/call", json!({"name": "point"})).await;
    assert_eq!(
        a.result(),
        &json!({"content": [{"type": "text", "text": "{\"x\":1,\"y\":2}"}]})
    );
}

#[actix_web::test]
async fn several_servers_in_one_app() {
    /// Only on the other server.
    #[tool(server = "other")]
    fn only_other() -> &'static str {
        "other"
    }
    let other = Server::builder("other").collect().build().unwrap();
    let app = test::init_service(
        App::new()
            .service(mcp_actix::scope("/mcp/fx", server()))
            .service(mcp_actix::scope("/mcp/other", other)),
    )
    .await;
    let a = modern(&app, "/mcp/other", "tools/list", None, json!({})).await;
    assert_eq!(a.result()["tools"].as_array().unwrap().len(), 1);
    assert_eq!(
        a.result()["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "other"
    );
    assert_eq!(
        a.result()["tools"][0]["description"],
        "Only on the other server."
    );
    let a = modern(&app, "/mcp/fx", "tools/list", None, json!({})).await;
    assert_eq!(a.result()["tools"].as_array().unwrap().len(), 12);
    // Sessions belong to one server.
    let (_, s) = initialize(&app, "/mcp/fx", "2025-11-25").await;
    assert_eq!(
        legacy(&app, "/mcp/other", &s, "ping", json!({}))
            .await
            .status,
        404
    );
    assert_eq!(
        legacy(&app, "/mcp/fx", &s, "ping", json!({})).await.status,
        200
    );
}

#[actix_web::test]
async fn annotated_functions_stay_callable() {
    // The macros keep the user's function as it was written.
    assert_eq!(add(2, 2), 4);
    assert!(fails().is_err());
    let _: ToolResult = ToolResult::text("x");
}

#[actix_web::test]
async fn tools_with_a_context_stream_progress_and_logs_in_the_stateless_revision() {
    let app = app!();
    let call = |meta_extra: Value| {
        let app = &app;
        async move {
            let mut meta = envelope();
            meta.as_object_mut()
                .unwrap()
                .extend(meta_extra.as_object().unwrap().clone());
            let body = request(
                7,
                "tools/call",
                json!({"name": "slow", "arguments": {}, "_meta": meta}),
            );
            let headers = [
                ("mcp-protocol-version", MODERN),
                ("mcp-method", "tools/call"),
                ("mcp-name", "slow"),
            ];
            post(app, "/mcp", &headers, &body).await
        }
    };
    // Nothing asked for: a plain JSON answer.
    let a = call(json!({})).await;
    assert_eq!(a.headers.get("content-type").unwrap(), "application/json");
    assert_eq!(a.result()["content"][0]["text"], "finished");

    // A progress token and a log level: notifications first, then the result, on one stream.
    let a =
        call(json!({"progressToken": "tok-1", "io.modelcontextprotocol/logLevel": "info"})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers.get("content-type").unwrap(), "text/event-stream");
    assert_eq!(
        a.body,
        json!([
            {"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "logger": "fx", "data": "started"}},
            {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": "tok-1", "progress": 0.0, "total": 100.0}},
            {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": "tok-1", "progress": 100.0, "total": 100.0, "message": "done"}},
            {"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "warning", "logger": "fx", "data": {"step": "end"}}},
            {"jsonrpc": "2.0", "id": 7, "result": {
                "content": [{"type": "text", "text": "finished"}],
                "resultType": "complete", "_meta": server_info_meta()}},
        ])
    );
    // Only progress: numeric tokens are echoed as numbers; no log messages.
    let a = call(json!({"progressToken": 42})).await;
    let methods: Vec<&str> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect();
    assert_eq!(
        methods,
        ["notifications/progress", "notifications/progress"]
    );
    assert_eq!(a.body[0]["params"]["progressToken"], 42);
    // Only warnings and above.
    let a = call(json!({"io.modelcontextprotocol/logLevel": "warning"})).await;
    assert_eq!(a.body.as_array().unwrap().len(), 2);
    assert_eq!(a.body[0]["params"]["level"], "warning");
}

#[actix_web::test]
async fn logging_set_level_and_progress_in_a_session() {
    let app = app!();
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let call = json!({"name": "slow", "arguments": {}, "_meta": {"progressToken": "p"}});
    // Before `logging/setLevel`, no log messages: only progress.
    let a = legacy(&app, "/mcp", &s, "tools/call", call.clone()).await;
    let methods: Vec<&str> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect();
    assert_eq!(
        methods,
        ["notifications/progress", "notifications/progress"]
    );
    assert_eq!(a.body[2]["result"]["content"][0]["text"], "finished");
    assert!(a.body[2]["result"].get("resultType").is_none());

    let a = legacy(
        &app,
        "/mcp",
        &s,
        "logging/setLevel",
        json!({"level": "debug"}),
    )
    .await;
    assert_eq!(a.body, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    let a = legacy(&app, "/mcp", &s, "tools/call", call).await;
    let levels: Vec<&str> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["params"]["level"].as_str())
        .collect();
    assert_eq!(levels, ["debug", "info", "warning"]);

    let a = legacy(
        &app,
        "/mcp",
        &s,
        "logging/setLevel",
        json!({"level": "loud"}),
    )
    .await;
    assert_eq!(a.error()["code"], -32602);
    // Without a progress token or a level, the same tool answers with plain JSON.
    let (_, quiet) = initialize(&app, "/mcp", "2025-06-18").await;
    let a = legacy(&app, "/mcp", &quiet, "tools/call", json!({"name": "slow"})).await;
    assert_eq!(a.headers.get("content-type").unwrap(), "application/json");
    // `logging/setLevel` is not a method of the stateless revision.
    let a = modern(
        &app,
        "/mcp",
        "logging/setLevel",
        None,
        json!({"level": "debug"}),
    )
    .await;
    assert_eq!(a.status, 404);
}

#[actix_web::test]
async fn resource_subscriptions_in_a_session() {
    let server = server();
    let app =
        test::init_service(App::new().service(mcp_actix::scope("/mcp", server.clone()))).await;
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/subscribe",
        json!({"uri": "text://hello"}),
    )
    .await;
    assert_eq!(a.body, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/subscribe",
        json!({"uri": "bin://bytes"}),
    )
    .await;
    assert_eq!(a.result(), &json!({}));
    let a = legacy(
        &app,
        "/mcp",
        &s,
        "resources/unsubscribe",
        json!({"uri": "bin://bytes"}),
    )
    .await;
    assert_eq!(a.result(), &json!({}));
    let a = legacy(&app, "/mcp", &s, "resources/subscribe", json!({})).await;
    assert_eq!(a.error()["code"], -32602);

    // Nothing is delivered until the client opens its standalone stream.
    assert_eq!(server.notify_resource_updated("text://hello"), 0);
    let get = test::TestRequest::get()
        .uri("/mcp")
        .insert_header(("mcp-session-id", s.as_str()))
        .insert_header(("accept", "text/event-stream"))
        .to_request();
    let stream = test::call_service(&app, get).await;
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    assert_eq!(server.notify_resource_updated("text://hello"), 1);
    assert_eq!(
        server.notify_resource_updated("bin://bytes"),
        0,
        "unsubscribed"
    );
    assert_eq!(
        server.notify_resource_updated("files://a/b"),
        0,
        "never subscribed"
    );
    // Ending the session ends its stream.
    let a = send(
        &app,
        test::TestRequest::delete().uri("/mcp"),
        &[("mcp-session-id", &s)],
        String::new(),
    )
    .await;
    assert_eq!(a.status, 200);
    let body = test::read_body(stream).await;
    assert_eq!(
        mcp_tests::sse_messages(&String::from_utf8_lossy(&body)),
        vec![
            json!({"jsonrpc": "2.0", "method": "notifications/resources/updated", "params": {"uri": "text://hello"}})
        ]
    );

    // The standalone stream needs a live session and an event-stream `Accept`.
    let get = |session: &'static str, accept: &'static str| {
        test::TestRequest::get()
            .uri("/mcp")
            .insert_header(("mcp-session-id", session))
            .insert_header(("accept", accept))
    };
    assert_eq!(
        test::call_service(&app, get("nope", "text/event-stream").to_request())
            .await
            .status(),
        404
    );
    let (_, s2) = initialize(&app, "/mcp", "2025-06-18").await;
    let s2: &'static str = Box::leak(s2.into_boxed_str());
    assert_eq!(
        test::call_service(&app, get(s2, "application/json").to_request())
            .await
            .status(),
        406
    );
    // The stateless revision has no subscribe methods (it has `subscriptions/listen`).
    let a = modern(
        &app,
        "/mcp",
        "resources/subscribe",
        None,
        json!({"uri": "text://hello"}),
    )
    .await;
    assert_eq!(a.status, 404);
    let a = modern(&app, "/mcp", "server/discover", None, json!({})).await;
    assert_eq!(
        a.result()["capabilities"]["resources"],
        json!({"subscribe": true}),
        "honours `resourceSubscriptions` on subscriptions/listen"
    );
}

#[actix_web::test]
async fn notifications_cancelled_stops_a_streamed_tool_in_a_session() {
    let app = app!();
    let (_, s) = initialize(&app, "/mcp", "2025-11-25").await;
    let call = request(
        5,
        "tools/call",
        json!({"name": "forever", "_meta": {"progressToken": "t"}}),
    );
    let req = test::TestRequest::post()
        .uri("/mcp")
        .insert_header(("content-type", "application/json"))
        .insert_header(("mcp-session-id", s.as_str()))
        .set_payload(call.to_string())
        .to_request();
    let stream = test::call_service(&app, req).await;
    assert_eq!(
        stream.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    // Another request id: ignored.
    let other =
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 6}});
    assert_eq!(
        post(&app, "/mcp", &[("mcp-session-id", &s)], &other)
            .await
            .status,
        202
    );
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5, "reason": "user"}});
    assert_eq!(
        post(&app, "/mcp", &[("mcp-session-id", &s)], &cancel)
            .await
            .status,
        202
    );
    // The stream ends, with no response for the cancelled request.
    let body = test::read_body(stream).await;
    let messages = mcp_tests::sse_messages(&String::from_utf8_lossy(&body));
    assert!(
        messages
            .iter()
            .all(|m| m.get("result").is_none() && m.get("id").is_none()),
        "{messages:?}"
    );
}
