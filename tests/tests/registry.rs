//! Building servers: explicit registration, start-up validation, pagination.

use actix_web::{test as actix_test, App};
use mcp_core::{items, prompt, resource, tool, Server, State};
use mcp_tests::{initialize, legacy, modern};
use serde_json::json;

/// One.
#[tool(server = "reg")]
fn one() -> u8 {
    1
}

/// Two.
#[tool(server = "reg")]
fn two() -> u8 {
    2
}

/// Three, shared by every server that collects.
#[tool(server = "*")]
fn three() -> u8 {
    3
}

/// Four, tagged for no server: only servers that collect untagged items serve it.
#[tool]
fn four() -> u8 {
    4
}

/// Same name as `one`.
#[tool(server = "dup", name = "one")]
fn one_again() -> u8 {
    1
}

/// Also called `one`.
#[tool(server = "dup", name = "one")]
fn one_more() -> u8 {
    1
}

struct Missing;

/// Needs state that is never registered.
#[tool(server = "needs-state")]
fn needs(_s: State<Missing>) -> u8 {
    0
}

/// A prompt.
#[prompt(server = "reg")]
fn hello() -> &'static str {
    "hello"
}

mod nested {
    use mcp_core::tool;

    /// Nested.
    #[tool(server = "nowhere")]
    pub(crate) fn nested_tool() -> u8 {
        9
    }
}

#[test]
fn untagged_items_join_only_servers_that_ask_for_them() {
    let server = Server::builder("reg").collect_untagged().build().unwrap();
    assert_eq!(
        server.tool_names().collect::<Vec<_>>(),
        ["four", "one", "three", "two"]
    );
    let other = Server::builder("elsewhere")
        .collect_untagged()
        .build()
        .unwrap();
    assert_eq!(other.tool_names().collect::<Vec<_>>(), ["four", "three"]);
}

#[test]
fn collect_takes_tagged_and_shared_items_in_name_order() {
    let server = Server::builder("reg").collect().build().unwrap();
    assert_eq!(
        server.tool_names().collect::<Vec<_>>(),
        ["one", "three", "two"]
    );
    let other = Server::builder("elsewhere")
        .collect()
        .allow_empty()
        .build()
        .unwrap();
    assert_eq!(other.tool_names().collect::<Vec<_>>(), ["three"]);
}

#[test]
fn explicit_registration_needs_no_inventory() {
    let server = Server::builder("explicit")
        .items(items![one, nested::nested_tool, hello])
        .build()
        .unwrap();
    assert_eq!(
        server.tool_names().collect::<Vec<_>>(),
        ["nested_tool", "one"]
    );
}

#[test]
fn duplicate_names_fail_at_start_up() {
    let err = Server::builder("dup").collect().build().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "MCP server `dup` is invalid:\n  - tool name `one` is defined 2 times: \
             at registry (tests/tests/registry.rs:{}) and at registry (tests/tests/registry.rs:{}); \
             rename all but one with `#[tool(name = \"...\")]` or move it to another server",
            line_of("fn one_again"),
            line_of("fn one_more"),
        )
    );
}

#[test]
fn missing_state_fails_at_start_up() {
    let err = Server::builder("needs-state")
        .collect()
        .build()
        .unwrap_err();
    assert_eq!(
        err.problems(),
        [format!(
            "tool `needs` at registry (tests/tests/registry.rs:{}) takes `State<registry::Missing>`, \
             but no state is registered; add `.state(value)` with a `registry::Missing` (or an \
             `Arc<registry::Missing>`) to the builder",
            line_of("fn needs")
        )]
    );
    let err = Server::builder("needs-state")
        .state(7_u32)
        .collect()
        .build()
        .unwrap_err();
    assert!(
        err.problems()[0].contains("but the registered state types are `u32`;"),
        "{err}"
    );
    Server::builder("needs-state")
        .state(Missing)
        .collect()
        .build()
        .unwrap();
}

#[test]
fn an_arc_serves_state_and_is_shared_not_copied() {
    let shared = std::sync::Arc::new(Missing);
    let a = Server::builder("needs-state")
        .state(shared.clone())
        .collect()
        .build()
        .unwrap();
    let b = Server::builder("needs-state")
        .state(shared.clone())
        .collect()
        .build()
        .unwrap();
    // The builders hold the user's `Arc`, not copies of `Missing`.
    assert_eq!(std::sync::Arc::strong_count(&shared), 5);
    drop((a, b));
    assert_eq!(std::sync::Arc::strong_count(&shared), 1);
}

/// The line of this file on which `needle` first appears.
fn line_of(needle: &str) -> usize {
    include_str!("registry.rs")
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in this file")
        + 1
}

/// A template the macro would refuse at compile time (the same grammar: see the UI test
/// `resource/fail/level4_template`), registered by hand to reach the run-time check.
static BAD_TEMPLATE: mcp_core::__private::Item =
    mcp_core::__private::Item::Resource(mcp_core::__private::ResourceDef {
        location: mcp_core::__private::Location {
            module: module_path!(),
            file: file!(),
            line: line!(),
        },
        uri: "files://{path*}",
        is_template: true,
        name: "bad",
        servers: &[],
        icons: &[],
        roles: &[],
        title: None,
        description: None,
        mime_type: None,
        handler: mcp_core::__private::ResourceHandler::Sync(|_, _| {
            mcp_core::__private::ReadOutcome::NoMatch
        }),
        completions: &[],
        requires: &[],
    });

#[test]
fn invalid_templates_fail_at_start_up() {
    let err = Server::builder("bad-template")
        .items([mcp_core::ItemRef::from(&BAD_TEMPLATE)])
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid URI template `files://{path*}`"),
        "{err}"
    );
    assert!(err.to_string().contains("level-4 modifier"), "{err}");
}

#[test]
fn empty_servers_fail_unless_allowed() {
    let err = Server::builder("nothing-here").build().unwrap_err();
    assert!(
        err.to_string()
            .contains("no tools, resources or prompts were registered"),
        "{err}"
    );
    Server::builder("nothing-here")
        .allow_empty()
        .build()
        .unwrap();
}

#[actix_web::test]
async fn lists_are_paginated_with_opaque_cursors() {
    let server = Server::builder("reg")
        .page_size(2)
        .collect()
        .build()
        .unwrap();
    let app = actix_test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
    let first = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(first.result()), ["one", "three"]);
    let cursor = first.result()["nextCursor"].as_str().unwrap().to_string();
    let second = modern(&app, "/mcp", "tools/list", None, json!({"cursor": cursor})).await;
    assert_eq!(names(second.result()), ["two"]);
    assert!(second.result().get("nextCursor").is_none());
    assert_eq!(second.result()["cacheScope"], first.result()["cacheScope"]);
    // The same cursors work in a session.
    let (_, s) = initialize(&app, "/mcp", "2025-06-18").await;
    let page = legacy(&app, "/mcp", &s, "tools/list", json!({"cursor": cursor})).await;
    assert_eq!(names(page.result()), ["two"]);
}

/// Arguments whose schema is written by hand, kept verbatim (JSON Schema 2020-12).
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Shipment {
    name: String,
    address: Option<serde_json::Value>,
}

impl schemars::JsonSchema for Shipment {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Shipment".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {"address": {"type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
            "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
            "additionalProperties": false,
        })
    }
}

/// Ship something.
#[tool(server = "hand-written")]
fn ship(mcp_core::Json(s): mcp_core::Json<Shipment>) -> String {
    s.name
}

#[actix_web::test]
async fn hand_written_schemas_are_listed_verbatim() {
    let server = Server::builder("hand-written").collect().build().unwrap();
    let app = actix_test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
    let a = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert_eq!(
        a.result()["tools"][0]["inputSchema"],
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {"address": {"type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
            "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
            "additionalProperties": false,
        })
    );
}

/// A tool with icons.
#[tool(server = "icons", icons = ["https://example.com/calc.svg", "data:image/png;base64,iVBORw0KGgo="])]
fn calc() -> u8 {
    0
}

/// A resource with an icon.
#[resource(
    server = "icons",
    uri = "doc://manual",
    icons = "https://example.com/book.PNG"
)]
fn manual() -> &'static str {
    "read me"
}

/// A prompt with an icon of unknown type.
#[prompt(server = "icons", icons = "https://example.com/icon")]
fn ask() -> &'static str {
    "ask"
}

/// An icon a client must not load.
#[tool(server = "bad-icon", icons = "file:///etc/icon.png")]
fn risky() -> u8 {
    0
}

#[actix_web::test]
async fn icons_are_listed_where_the_revision_has_them() {
    let server = Server::builder("icons")
        .icon("https://example.com/server.webp")
        .collect()
        .build()
        .unwrap();
    let app = actix_test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
    let (init, session) = initialize(&app, "/mcp", "2025-11-25").await;
    assert_eq!(
        init.result()["serverInfo"]["icons"],
        json!([{"src": "https://example.com/server.webp", "mimeType": "image/webp"}])
    );
    let tools = legacy(&app, "/mcp", &session, "tools/list", json!({})).await;
    assert_eq!(
        tools.result()["tools"][0]["icons"],
        json!([
            {"src": "https://example.com/calc.svg", "mimeType": "image/svg+xml"},
            {"src": "data:image/png;base64,iVBORw0KGgo=", "mimeType": "image/png"},
        ])
    );
    let resources = legacy(&app, "/mcp", &session, "resources/list", json!({})).await;
    assert_eq!(
        resources.result()["resources"][0]["icons"],
        json!([{"src": "https://example.com/book.PNG", "mimeType": "image/png"}])
    );
    let prompts = legacy(&app, "/mcp", &session, "prompts/list", json!({})).await;
    assert_eq!(
        prompts.result()["prompts"][0]["icons"],
        json!([{"src": "https://example.com/icon"}])
    );
    // 2026-07-28 has them too; 2025-06-18 does not.
    let tools = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    assert!(tools.result()["tools"][0]["icons"].is_array());
    let (init, session) = initialize(&app, "/mcp", "2025-06-18").await;
    assert!(init.result()["serverInfo"].get("icons").is_none());
    let tools = legacy(&app, "/mcp", &session, "tools/list", json!({})).await;
    assert!(tools.result()["tools"][0].get("icons").is_none());
}

#[test]
fn icons_with_other_schemes_fail_at_start_up() {
    let err = Server::builder("bad-icon").collect().build().unwrap_err();
    assert!(
        err.to_string()
            .contains("`risky` has icon `file:///etc/icon.png`: the `file:` scheme is not allowed"),
        "{err}"
    );
    let err = Server::builder("reg")
        .icon("icon.png")
        .collect()
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("server icon `icon.png`: not an absolute URI"),
        "{err}"
    );
}

/// Looks the cities up asynchronously.
async fn cities(prefix: &str) -> Vec<String> {
    let prefix = prefix.to_lowercase();
    std::future::ready(()).await;
    ["Oslo", "Osaka", "Paris"]
        .into_iter()
        .filter(|c| c.to_lowercase().starts_with(&prefix))
        .map(String::from)
        .collect()
}

/// Fails while completing.
async fn broken(_prefix: &str) -> Vec<&'static str> {
    panic!("completion backend down")
}

/// Countries, synchronously.
fn countries(prefix: &str) -> Vec<&'static str> {
    ["Norway", "Japan"]
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .collect()
}

/// Plan a trip.
#[prompt(server = "complete")]
fn trip(
    /// Where to
    #[complete(with = cities)]
    city: String,
    /// Which country
    #[complete(with = countries)]
    country: Option<String>,
    /// Anything else
    #[complete(with = broken)]
    notes: Option<String>,
) -> String {
    format!("{city} {country:?} {notes:?}")
}

#[actix_web::test]
async fn completion_functions_may_be_async() {
    let server = Server::builder("complete").collect().build().unwrap();
    let app = actix_test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
    let complete = |argument: &str, value: &str| json!({"ref": {"type": "ref/prompt", "name": "trip"}, "argument": {"name": argument, "value": value}});
    let a = modern(
        &app,
        "/mcp",
        "completion/complete",
        None,
        complete("city", "os"),
    )
    .await;
    assert_eq!(
        a.result()["completion"],
        json!({"values": ["Oslo", "Osaka"], "total": 2, "hasMore": false})
    );
    let a = modern(
        &app,
        "/mcp",
        "completion/complete",
        None,
        complete("country", "J"),
    )
    .await;
    assert_eq!(a.result()["completion"]["values"], json!(["Japan"]));
    // A panicking completion gives no values; the server stays up.
    let a = modern(
        &app,
        "/mcp",
        "completion/complete",
        None,
        complete("notes", ""),
    )
    .await;
    assert_eq!(a.result()["completion"]["values"], json!([]));
}
