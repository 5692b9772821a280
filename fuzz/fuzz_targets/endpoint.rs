//! Whole HTTP requests against a server, in both protocol eras, with and without a session:
//! the first byte picks the method and headers, the rest is the body. Every request gets an
//! answer (never a panic or a hang); plain JSON answers are read to the end.
#![no_main]

use std::sync::OnceLock;

use futures_util::StreamExt as _;
use mcp_core::http::{Endpoint, Headers, HttpBody, HttpConfig, HttpRequest};
use mcp_core::{prompt, resource, tool, Context, Json, Server};

/// Echoes its arguments.
#[tool(server = "fuzz")]
fn echo(text: String, times: Option<u8>) -> String {
    text.repeat(usize::from(times.unwrap_or(1)))
}

/// Structured output.
#[tool(server = "fuzz")]
fn pair(a: i64, b: Option<i64>) -> Json<(i64, Option<i64>)> {
    Json((a, b))
}

/// Reports progress.
#[tool(server = "fuzz")]
async fn steps(ctx: Context) -> &'static str {
    ctx.progress(1.0, Some(2.0), None).await;
    "done"
}

/// A templated resource.
#[resource(server = "fuzz", uri = "items://{id}")]
fn item(#[complete(values = ["1", "2"])] id: u32) -> String {
    id.to_string()
}

/// A prompt.
#[prompt(server = "fuzz")]
fn greet(name: String) -> String {
    format!("Hello {name}")
}

struct Fixed(Vec<(&'static str, String)>);

impl Headers for Fixed {
    fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_bytes())
    }

    fn count(&self, name: &str) -> usize {
        self.0
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

fn endpoint() -> &'static (Endpoint, String) {
    static ENDPOINT: OnceLock<(Endpoint, String)> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        let server = Server::builder("fuzz").collect().build().unwrap();
        let endpoint = Endpoint::new(server, HttpConfig::new());
        let init = br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}}"#;
        let headers = Fixed(vec![("content-type", "application/json".into())]);
        let resp = futures_executor::block_on(endpoint.handle(HttpRequest {
            method: "POST",
            host: Some("localhost"),
            path: "/mcp",
            headers: &headers,
            body: init,
            peer: None,
        }));
        let session = resp
            .headers
            .iter()
            .find(|(n, _)| *n == "mcp-session-id")
            .map(|(_, v)| v.clone())
            .unwrap();
        (endpoint, session)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let (endpoint, session) = endpoint();
    let method = ["POST", "POST", "POST", "GET", "DELETE", "OPTIONS"][usize::from(mode % 6)];
    let mut headers = vec![
        ("content-type", "application/json".to_string()),
        ("accept", "application/json, text/event-stream".to_string()),
    ];
    match (mode / 6) % 4 {
        // Stateless: the headers are taken from the body where they can be.
        0 => {
            headers.push(("mcp-protocol-version", "2026-07-28".into()));
            let text = String::from_utf8_lossy(body);
            if let Some(m) = text
                .split("\"method\":\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
            {
                headers.push(("mcp-method", m.to_string()));
            }
            if let Some(n) = text
                .split("\"name\":\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
            {
                headers.push(("mcp-name", n.to_string()));
            }
        }
        // In the session (2025-03-26: batches too).
        1 => headers.push(("mcp-session-id", session.clone())),
        // A session that does not exist.
        2 => headers.push(("mcp-session-id", "0123456789abcdef0123456789abcdef".into())),
        // No protocol headers at all.
        _ => {}
    }
    if mode & 0x80 != 0 {
        headers.push(("origin", "http://evil.example".into()));
    }
    let headers = Fixed(headers);
    let resp = futures_executor::block_on(endpoint.handle(HttpRequest {
        method,
        host: Some("localhost:8000"),
        path: "/mcp",
        headers: &headers,
        body,
        peer: None,
    }));
    match resp.body {
        HttpBody::Json(chunks) => {
            let bytes = chunks.to_vec();
            // Every JSON answer is valid JSON.
            assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
        }
        HttpBody::EventStream(mut events) => {
            // Read what is ready; a stream that waits on the client is dropped (cancelled).
            futures_executor::block_on(async {
                let mut taken = 0;
                while taken < 8 {
                    match futures_util::future::select(
                        events.next(),
                        futures_util::future::ready(()),
                    )
                    .await
                    {
                        futures_util::future::Either::Left((Some(_), _)) => taken += 1,
                        _ => break,
                    }
                }
            });
        }
        _ => {}
    }
});
