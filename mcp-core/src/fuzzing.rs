//! /!\ Not a public API. /!\
//!
//! Entry points for the fuzz targets in `fuzz/` (enabled by the `fuzzing` feature): each
//! takes arbitrary input and must neither panic nor hang, whatever the input.

use std::time::Duration;

use serde_json::value::RawValue;

use crate::handler::uri_template::UriTemplate;
use crate::runtime::mrtr::{Inputs, Sealer};

/// Parses one JSON-RPC message as the dispatcher does.
pub fn parse_message(body: &[u8]) -> bool {
    crate::wire::parse(body).is_ok()
}

/// Parses `template` as a resource URI template and, if valid, matches `uri` against it.
pub fn match_template(template: &str, uri: &str) -> Option<usize> {
    let template = UriTemplate::parse(template).ok()?;
    template.matches(uri).map(|vars| vars.len())
}

/// Decodes a header value in the `=?base64?...?=` form (or plain).
pub fn decode_header(value: &str) -> Option<String> {
    crate::http::decode_header_value(value)
}

/// Opens a `requestState` (and `inputResponses`) as a `tools/call` retry would, under a
/// fixed key; `Ok` only for a state this key sealed for this binding.
pub fn open_request_state(state: &str, arguments: &str, responses: &str) -> bool {
    let sealer = Sealer::new(
        Some(b"fuzzing key, 32 bytes or more....".to_vec()),
        Duration::from_secs(60),
    );
    let arguments = RawValue::from_string(arguments.to_string()).ok();
    let responses = RawValue::from_string(responses.to_string()).ok();
    Inputs::from_request(
        &sealer,
        "tools/call",
        "tool",
        arguments.as_deref(),
        responses.as_deref(),
        Some(state),
    )
    .is_ok()
}

/// Checks an `Mcp-Signature` header value on a `POST /mcp` with `body`, against one fixed
/// secret (key id `fuzz`) and the clock at `now` (Unix seconds); `true` only for a valid
/// signature.
pub fn verify_signature(header: &str, body: &[u8], now: u64) -> bool {
    struct One<'a>(&'a str);
    impl crate::http::Headers for One<'_> {
        fn get(&self, name: &str) -> Option<&[u8]> {
            (name == "mcp-signature").then_some(self.0.as_bytes())
        }
        fn count(&self, name: &str) -> usize {
            usize::from(name == "mcp-signature")
        }
    }
    let keys =
        crate::http::HmacKeys::new().secret("fuzz", "a fuzzing secret of 32 bytes or more", ["r"]);
    let req = crate::http::HttpRequest {
        method: "POST",
        host: Some("localhost"),
        path: "/mcp",
        headers: &One(header),
        body,
        peer: None,
    };
    let at = std::time::UNIX_EPOCH + Duration::from_secs(now);
    keys.verify(&req, at).is_ok()
}

/// Checks `token` as an OAuth resource server with one static P-256 key does; `true` only for
/// a token that key signed, for this issuer and audience, unexpired.
#[cfg(feature = "oauth")]
pub fn verify_token(token: &str) -> bool {
    const JWKS: &str = r#"{"keys": [{"kty": "EC", "crv": "P-256", "x": "IphXEL25nC58Fz-0UzDEF-nMLe8nsABuvDn06OUAe6Q", "y": "P4j83Iy3UzqfIpPUwEjTLcR_6ixXYUpbRp8ZJ8r_S9c", "kid": "key-a", "alg": "ES256", "use": "sig"}]}"#;
    struct Bearer(String);
    impl crate::http::Headers for Bearer {
        fn get(&self, name: &str) -> Option<&[u8]> {
            (name == "authorization").then_some(self.0.as_bytes())
        }
        fn count(&self, name: &str) -> usize {
            usize::from(name == "authorization")
        }
    }
    let oauth = crate::http::OAuth::new("https://auth.test", "https://mcp.test/mcp")
        .jwks(JWKS)
        .expect("a key set");
    let headers = Bearer(format!("Bearer {token}"));
    let req = crate::http::HttpRequest {
        method: "POST",
        host: Some("localhost"),
        path: "/mcp",
        headers: &headers,
        body: b"{}",
        peer: None,
    };
    oauth.authenticate(&req).is_ok()
}
