//! The conformance example's tools against their own schemas (see `mcp_tests::schemas`).

#[allow(dead_code)]
#[path = "../../examples/conformance/src/main.rs"]
mod conformance;

use mcp_core::Server;
use mcp_tests::schemas::check_every_tool;
use serde_json::json;

#[actix_web::test]
async fn every_tool_matches_its_schemas() {
    let server = Server::builder("mcp-conformance-server")
        .collect_untagged()
        .build()
        .unwrap();
    let count = server.tool_names().count();
    let checked = check_every_tool(
        server,
        &[
            ("test_custom_header", json!({"region": "eu-west"})),
            ("test_elicitation", json!({"message": "Proceed?"})),
            ("test_sampling", json!({"prompt": "Say hi"})),
            ("greet", json!({"name": "Ada"})),
            ("confirm_delete", json!({"filename": "a.txt"})),
            ("slow_compute", json!({"seconds": 0, "label": "check"})),
            (
                "json_schema_2020_12_tool",
                json!({"name": "Ada", "contactMethod": "phone", "phone": "555-0100"}),
            ),
            (
                "json_schema_2020_12_tool",
                json!({"name": "Ada", "contactMethod": "email", "email": "ada@example.com"}),
            ),
        ],
    )
    .await;
    // Every tool was called: the samples, plus `{}` for the tools that take nothing.
    assert_eq!(checked.calls, count + 1, "{checked:?}");
}
