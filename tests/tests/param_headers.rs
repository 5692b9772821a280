//! Arguments mirrored in `Mcp-Param-*` headers (`x-mcp-header`, revision 2026-07-28).

use actix_web::{test, App};
use mcp_core::{tool, Server};
use mcp_tests::{envelope, modern, post, request, MODERN};
use serde_json::{json, Value};

/// Look up a forecast.
#[tool(server = "hdr")]
fn forecast(
    /// Region, repeated in the `Mcp-Param-Region` header for routing
    #[header("Region")]
    region: String,
    #[header("Days")] days: Option<i64>,
    #[header("Metric")] metric: Option<bool>,
) -> String {
    format!("{region} {days:?} {metric:?}")
}

async fn call(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    args: Value,
    extra: &[(&str, &str)],
) -> mcp_tests::Answer {
    let mut headers = vec![
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", "forecast"),
    ];
    headers.extend_from_slice(extra);
    post(
        app,
        "/mcp",
        &headers,
        &request(
            1,
            "tools/call",
            json!({"name": "forecast", "arguments": args, "_meta": envelope()}),
        ),
    )
    .await
}

#[actix_web::test]
async fn param_headers_are_declared_and_checked() {
    let server = Server::builder("hdr").collect().build().unwrap();
    let app = test::init_service(App::new().service(mcp_actix::scope("/mcp", server))).await;
    let a = modern(&app, "/mcp", "tools/list", None, json!({})).await;
    let props = &a.result()["tools"][0]["inputSchema"]["properties"];
    assert_eq!(
        props["region"],
        json!({"type": "string", "x-mcp-header": "Region", "description": "Region, repeated in the `Mcp-Param-Region` header for routing"})
    );
    assert_eq!(props["days"]["x-mcp-header"], "Days");

    let ok = call(
        &app,
        json!({"region": "eu", "days": 3, "metric": true}),
        &[
            ("mcp-param-region", "eu"),
            ("mcp-param-days", "3.0"),
            ("mcp-param-metric", "true"),
        ],
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.result()["content"][0]["text"], "eu Some(3) Some(true)");
    // Non-ASCII values travel base64-encoded.
    let a = call(
        &app,
        json!({"region": "são paulo"}),
        &[("mcp-param-region", "=?base64?c8OjbyBwYXVsbw==?=")],
    )
    .await;
    assert_eq!(a.status, 200);

    for (args, headers, why) in [
        (json!({"region": "eu"}), vec![], "header missing"),
        (
            json!({"region": "eu"}),
            vec![("mcp-param-region", "us")],
            "header differs",
        ),
        (
            json!({"region": "eu"}),
            vec![("mcp-param-region", "eu"), ("mcp-param-days", "3")],
            "header without argument",
        ),
        (
            json!({"region": "eu", "days": 3}),
            vec![("mcp-param-region", "eu"), ("mcp-param-days", "4")],
            "number differs",
        ),
        (
            json!({"region": "eu"}),
            vec![("mcp-param-region", "=?base64?***?=")],
            "bad base64",
        ),
    ] {
        let a = call(&app, args, &headers).await;
        assert_eq!(a.status, 400, "{why}");
        assert_eq!(a.body["error"]["code"], -32020, "{why}");
    }
}
