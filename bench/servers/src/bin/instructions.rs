//! Runs one request `COUNT` times through the core endpoint, in process: no network, no
//! runtime, one thread, so that `valgrind --tool=callgrind` counts the same instructions on
//! every run. `bench/instructions.py` runs it twice per scenario and takes the difference.
//!
//! Usage: `instructions SCENARIO COUNT`, SCENARIO one of `modern-call`, `tools-list`,
//! `session-call`, `modern-call-apikey` (the modern call to a server that requires an API key),
//! `modern-call-oauth` (the modern call to an OAuth resource server, with an ES256 JWT checked
//! against a static key set).

use futures_executor::block_on;
use mcp_core::http::{Endpoint, Headers, HttpBody, HttpRequest, HttpResponse};
use serde_json::json;

/// Request headers as a plain list.
struct List(Vec<(&'static str, String)>);

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

/// The issuer's keys: one P-256 key.
const JWKS: &str = r#"{"keys": [{"kty": "EC", "crv": "P-256", "x": "IphXEL25nC58Fz-0UzDEF-nMLe8nsABuvDn06OUAe6Q", "y": "P4j83Iy3UzqfIpPUwEjTLcR_6ixXYUpbRp8ZJ8r_S9c", "kid": "key-a", "alg": "ES256", "use": "sig"}]}"#;

/// An ES256 token by that key, for `https://mcp.test/mcp`, scope `mcp`, valid until 2100.
const TOKEN: &str = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImtleS1hIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2F1dGgudGVzdCIsImF1ZCI6Imh0dHBzOi8vbWNwLnRlc3QvbWNwIiwic3ViIjoiYmVuY2giLCJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTc2NzIyNTYwMCwic2NvcGUiOiJtY3AifQ.lOCRnt2eXMBeakqMvQo6ZOp2jE_4mObZ0A50Sbi4M9mLfYI7buL37idlNmij-78-HrVMuiaZVuYTxu1DB6V1Qg";

fn post(ep: &Endpoint, headers: &List, body: &[u8]) -> HttpResponse {
    block_on(ep.handle(HttpRequest {
        method: "POST",
        host: Some("127.0.0.1:8000"),
        path: "/mcp",
        headers,
        body,
        peer: None,
    }))
}

/// The bytes sent, as an adapter would write them.
fn drain(resp: HttpResponse) -> usize {
    assert_eq!(resp.status, 200, "every scenario request succeeds");
    match resp.body {
        HttpBody::Json(chunks) => chunks.into_parts().map(|p| p.len()).sum(),
        _ => panic!("every scenario answers with JSON"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().expect("usage: instructions SCENARIO COUNT");
    let count: usize = args
        .next()
        .and_then(|c| c.parse().ok())
        .expect("usage: instructions SCENARIO COUNT");
    let mut headers = vec![("content-type", "application/json".to_string())];
    let ep = match scenario.as_str() {
        "modern-call-apikey" => {
            let keys = mcp_core::http::ApiKeys::new()
                .key("one", "bench-key-one-0123456789", ["read"])
                .key("two", "bench-key-two-0123456789", ["read"]);
            headers.push(("x-api-key", "bench-key-two-0123456789".into()));
            let config = mcp_core::http::HttpConfig::new().api_keys(keys);
            Endpoint::new(mcp_bench::server(), config)
        }
        "modern-call-oauth" => {
            let oauth = mcp_core::http::OAuth::new("https://auth.test", "https://mcp.test/mcp")
                .jwks(JWKS)
                .expect("a key set")
                .required_scopes(["mcp"]);
            headers.push(("authorization", format!("Bearer {TOKEN}")));
            let config = mcp_core::http::HttpConfig::new().oauth(oauth);
            Endpoint::new(mcp_bench::server(), config)
        }
        _ => Endpoint::from(mcp_bench::server()),
    };
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let body = match scenario.as_str() {
        "modern-call" | "modern-call-apikey" | "modern-call-oauth" => {
            headers.push(("mcp-protocol-version", "2026-07-28".into()));
            headers.push(("mcp-method", "tools/call".into()));
            headers.push(("mcp-name", "add".into()));
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                   "params": {"name": "add", "arguments": {"a": 2, "b": 3}, "_meta": meta}})
        }
        "tools-list" => {
            headers.push(("mcp-protocol-version", "2026-07-28".into()));
            headers.push(("mcp-method", "tools/list".into()));
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": meta}})
        }
        "session-call" => {
            let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "bench", "version": "1"}}});
            let resp = post(&ep, &List(headers.clone()), init.to_string().as_bytes());
            let session = resp
                .headers
                .iter()
                .find(|(n, _)| *n == "mcp-session-id")
                .map(|(_, v)| v.clone())
                .expect("initialize issues a session id");
            headers.push(("mcp-session-id", session));
            headers.push(("mcp-protocol-version", "2025-11-25".into()));
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                   "params": {"name": "add", "arguments": {"a": 2, "b": 3}}})
        }
        other => panic!("unknown scenario {other}"),
    };
    let headers = List(headers);
    let body = body.to_string().into_bytes();
    let mut sent = 0;
    for _ in 0..count {
        sent += drain(post(&ep, &headers, &body));
    }
    println!("{scenario}: {count} requests, {sent} bytes answered");
}
