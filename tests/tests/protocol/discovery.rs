//! `server/discover` and the list methods.

use super::*;

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
            "capabilities": {"logging": {}, "tools": {"listChanged": true}, "resources": {"listChanged": true, "subscribe": true}, "prompts": {"listChanged": true}, "completions": {}},
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
