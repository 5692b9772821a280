//! The floor: a bare actix-web handler that parses the JSON-RPC body and answers with the
//! MCP result shape, with no protocol checks. `tools/call` adds `a` and `b`; `tools/list`
//! and `resources/read` answer prepared bodies; `initialize` answers a session id.
//! Listens on 127.0.0.1:`$PORT`, one worker.

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};

struct Prepared {
    tools: String,
}

async fn handle(body: web::Bytes, prepared: web::Data<Prepared>) -> HttpResponse {
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return HttpResponse::BadRequest().finish();
    };
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let params = &req["params"];
    let result = match req["method"].as_str() {
        Some("tools/call") => {
            let args = &params["arguments"];
            let sum = args["a"].as_i64().unwrap_or(0) + args["b"].as_i64().unwrap_or(0);
            json!({"content": [{"type": "text", "text": sum.to_string()}]})
        }
        Some("tools/list") => {
            let body = format!(
                r#"{{"jsonrpc":"2.0","id":{id},"result":{}}}"#,
                prepared.tools
            );
            return HttpResponse::Ok()
                .content_type("application/json")
                .body(body);
        }
        Some("resources/read") => json!({"contents": [{
            "uri": "config://app", "mimeType": "application/json", "text": "{\"debug\":true}"
        }]}),
        Some("initialize") => {
            let body = json!({"jsonrpc": "2.0", "id": id, "result": {
                "protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
                "serverInfo": {"name": "floor", "version": "1.0.0"}}});
            return HttpResponse::Ok()
                .content_type("application/json")
                .insert_header(("mcp-session-id", "floor"))
                .body(body.to_string());
        }
        _ => return HttpResponse::Accepted().finish(),
    };
    let body = json!({"jsonrpc": "2.0", "id": id, "result": result});
    HttpResponse::Ok()
        .content_type("application/json")
        .body(serde_json::to_vec(&body).unwrap_or_default())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let tools: Vec<Value> = std::iter::once(json!({"name": "add", "description": "Add two integers.",
        "inputSchema": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]}}))
        .chain((0..100).map(|i| json!({"name": format!("tool_{i:03}"), "description": format!("Echo `x` (tool_{i:03})."),
            "inputSchema": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}})))
        .collect();
    let prepared = web::Data::new(Prepared {
        tools: json!({"tools": tools}).to_string(),
    });
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    HttpServer::new(move || {
        App::new()
            .app_data(prepared.clone())
            .route("/mcp", web::post().to(handle))
    })
    .workers(1)
    .tcp_nodelay(true)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
