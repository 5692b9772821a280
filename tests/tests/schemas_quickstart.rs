//! The quickstart's tools against their own schemas (see `mcp_tests::schemas`).

#[allow(dead_code)]
#[path = "../../examples/quickstart/src/main.rs"]
mod quickstart;

use mcp_core::Server;
use mcp_tests::schemas::check_every_tool;
use serde_json::json;

#[actix_web::test]
async fn every_tool_matches_its_schemas() {
    let tools = Server::builder("tools").collect().build().unwrap();
    let checked = check_every_tool(
        tools,
        &[
            ("add", json!({"a": 2, "b": 3})),
            ("divide", json!({"a": 1, "b": 4})),
            ("divide", json!({"a": 1, "b": 0})),
            ("greet", json!({"name": "Ada"})),
            ("word_stats", json!({"text": "two words"})),
            ("word_stats", json!({"text": ""})),
        ],
    )
    .await;
    assert_eq!((checked.calls, checked.structured), (6, 2), "{checked:?}");
    let math = Server::builder("math").collect().build().unwrap();
    let checked = check_every_tool(math, &[("multiply", json!({"a": 6, "b": 7}))]).await;
    assert_eq!(checked.calls, 1);
}
