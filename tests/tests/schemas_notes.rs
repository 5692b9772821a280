//! The notes example's tools against their own schemas (see `mcp_tests::schemas`), with
//! optional fields set and unset: `null` where serialization writes `null`, absent where
//! serde skips the field.

use std::sync::Arc;

use mcp_tests::schemas::check_every_tool;
use serde_json::json;

#[actix_web::test]
async fn every_tool_matches_its_schemas_with_fields_set_and_unset() {
    let (notes, admin) = notes::servers(Arc::new(notes::Store::default())).unwrap();
    let minimal = json!({
        "title": "Groceries",
        "body": "milk",
        "meta": {"author": {"name": "Ada"}, "priority": {"kind": "low"}},
    });
    let full = json!({
        "title": "Launch",
        "body": "Ship it",
        "tags": ["work", "urgent"],
        "meta": {
            "author": {"name": "Grace", "email": "grace@example.com"},
            "priority": {"kind": "due", "date": "2026-12-31"},
        },
        "rating": 5,
    });
    let checked = check_every_tool(
        notes,
        &[
            ("create_note", minimal),
            ("create_note", full),
            ("create_note", json!({"title": "x", "body": "", "meta": {"author": {"name": "A", "email": null}, "priority": {"kind": "high"}}, "rating": null})),
            ("get_note", json!({"id": 1})),
            ("get_note", json!({"id": 2})),
            ("get_note", json!({"id": 99})),
            ("search_notes", json!({"query": "i"})),
            ("search_notes", json!({"query": "ship", "tag": "work", "limit": 1})),
            ("archive_note", json!({"id": 2})),
            ("archive_note", json!({"id": 2})),
            ("stats", json!({})),
        ],
    )
    .await;
    assert_eq!(checked.calls, 11, "{checked:?}");
    // Three creations, two reads, two searches, one archival and the statistics; the
    // missing note and the second archival are error results.
    assert_eq!(checked.structured, 9, "{checked:?}");
    assert_eq!(checked.with_null, 3, "{checked:?}");
    let checked = check_every_tool(admin, &[]).await;
    assert_eq!(checked.calls, 2);
}
