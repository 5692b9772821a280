//! OAuth resource server: every forged, expired, misdirected or unsigned token gets a 401
//! pointing at the protected-resource metadata, a token without the required scope a 403 for
//! step-up, and nothing reaches a handler; a valid token is served as its subject, with its
//! scopes as roles.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mcp_core::http::{HttpConfig, OAuth};
use mcp_core::{tool, Caller, Server};
use mcp_tests::{envelope, request, send, Answer, MODERN};
use serde_json::{json, Value};

static TARGET_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Only ever sent requests that must be refused.
#[tool(server = "oauth")]
fn target() -> &'static str {
    TARGET_CALLS.fetch_add(1, Ordering::SeqCst);
    "reached"
}

/// Who the token is for.
#[tool(server = "oauth")]
fn whoami(caller: Caller) -> String {
    let scopes: Vec<&str> = caller.roles().collect();
    let email = caller
        .claims()
        .and_then(|c| c["email"].as_str())
        .unwrap_or("-");
    format!(
        "{} [{}] {email}",
        caller.subject().unwrap_or("?"),
        scopes.join(" ")
    )
}

/// Needs the `admin` scope.
#[tool(server = "oauth", roles = ["admin"])]
fn purge() -> &'static str {
    "purged"
}

const ISSUER: &str = "https://auth.test";
const AUDIENCE: &str = "https://mcp.test/mcp";

/// In the key set.
const KEY_A: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOf0tOfyMe5ua2lFA
ZtWoch2dFh4HpVDv20wQ6E78Sv+hRANCAAQimFcQvbmcLnwXP7RTMMQX6cwt7yew
AG68OfTo5QB7pD+I/NyMt1M6nyKT1MBI0y3Ef+osV2FKW0afGSfK/0vX
-----END PRIVATE KEY-----
";

/// Not in the key set.
const KEY_B: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrjYATnw7QcRvWe/a
hCjA/5J6a04sbd51yU+ZCXl40wihRANCAATGO1wPh5u6a2pAuTva+GkXhwrmwJd4
3tBDPXoP2aEApcENy8UgjGXBGKP2ePmd+UthYPYCvEV8XtW0MB9FrMyq
-----END PRIVATE KEY-----
";

const JWKS: &str = r#"{"keys": [{"kty": "EC", "crv": "P-256", "x": "IphXEL25nC58Fz-0UzDEF-nMLe8nsABuvDn06OUAe6Q", "y": "P4j83Iy3UzqfIpPUwEjTLcR_6ixXYUpbRp8ZJ8r_S9c", "kid": "key-a", "alg": "ES256", "use": "sig"}]}"#;

macro_rules! app {
    () => {
        test::init_service(
            App::new().service(mcp_actix::scope(
                "/mcp",
                (
                    Server::builder("oauth").collect().build().unwrap(),
                    HttpConfig::new().oauth(
                        OAuth::new(ISSUER, AUDIENCE)
                            .jwks(JWKS)
                            .unwrap()
                            .required_scopes(["mcp"]),
                    ),
                ),
            )),
        )
        .await
    };
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims() -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "user-7", "exp": now() + 600,
           "iat": now(), "scope": "mcp read", "email": "ada@example.com"})
}

fn token(pem: &str, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.into());
    let key = EncodingKey::from_ec_pem(pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn with(change: impl FnOnce(&mut Value)) -> Value {
    let mut c = claims();
    change(&mut c);
    c
}

/// A JWT whose header and claims are `header` and `claims`, signed with nothing.
fn unsigned(header: Value, claims: &Value) -> String {
    use base64::Engine as _;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.", b64(&header), b64(claims))
}

async fn call<S>(app: &S, tool: &str, token: Option<&str>) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let body = request(
        1,
        "tools/call",
        json!({"name": tool, "arguments": {}, "_meta": envelope()}),
    );
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![
        ("mcp-protocol-version", MODERN),
        ("mcp-method", "tools/call"),
        ("mcp-name", tool),
    ];
    if let Some(bearer) = &bearer {
        headers.push(("authorization", bearer));
    }
    send(
        app,
        test::TestRequest::post().uri("/mcp"),
        &headers,
        body.to_string(),
    )
    .await
}

const METADATA: &str =
    "resource_metadata=\"https://mcp.test/mcp/.well-known/oauth-protected-resource\"";

#[actix_web::test]
async fn every_bad_token_is_refused_with_a_challenge_before_any_handler_runs() {
    let app = app!();
    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(b"a shared secret").unwrap(),
    )
    .unwrap();
    let cases: Vec<(&str, Option<String>, Option<&str>)> = vec![
        ("no token", None, None),
        ("not a JWT", Some("not-a-jwt".into()), Some("invalid_token")),
        (
            "expired",
            Some(token(
                KEY_A,
                "key-a",
                &with(|c| c["exp"] = json!(now() - 120)),
            )),
            Some("invalid_token"),
        ),
        (
            "not yet valid",
            Some(token(
                KEY_A,
                "key-a",
                &with(|c| c["nbf"] = json!(now() + 600)),
            )),
            Some("invalid_token"),
        ),
        (
            "wrong audience",
            Some(token(
                KEY_A,
                "key-a",
                &with(|c| c["aud"] = json!("https://other.test/mcp")),
            )),
            Some("invalid_token"),
        ),
        (
            "wrong issuer",
            Some(token(
                KEY_A,
                "key-a",
                &with(|c| c["iss"] = json!("https://evil.test")),
            )),
            Some("invalid_token"),
        ),
        (
            "no subject",
            Some(token(
                KEY_A,
                "key-a",
                &with(|c| {
                    c.as_object_mut().unwrap().remove("sub");
                }),
            )),
            Some("invalid_token"),
        ),
        (
            "alg none",
            Some(unsigned(json!({"alg": "none", "typ": "JWT"}), &claims())),
            Some("invalid_token"),
        ),
        (
            "alg none, kid of a real key",
            Some(unsigned(json!({"alg": "none", "kid": "key-a"}), &claims())),
            Some("invalid_token"),
        ),
        (
            "HS256 with a guessed secret",
            Some(hs256),
            Some("invalid_token"),
        ),
        (
            "a key not in the JWKS",
            Some(token(KEY_B, "key-b", &claims())),
            Some("invalid_token"),
        ),
        (
            "another key under a known kid",
            Some(token(KEY_B, "key-a", &claims())),
            Some("invalid_token"),
        ),
    ];
    for (case, token, error) in cases {
        let answer = call(&app, "target", token.as_deref()).await;
        assert_eq!(answer.status, 401, "{case}: {:?}", answer.body);
        let challenge = answer
            .headers
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            challenge.starts_with("Bearer realm=\"mcp\""),
            "{case}: {challenge}"
        );
        assert!(challenge.contains(METADATA), "{case}: {challenge}");
        match error {
            Some(error) => assert!(
                challenge.contains(&format!("error=\"{error}\"")),
                "{case}: {challenge}"
            ),
            None => assert!(!challenge.contains("error="), "{case}: {challenge}"),
        }
        assert_eq!(answer.error()["code"], -32000, "{case}");
    }
    assert_eq!(TARGET_CALLS.load(Ordering::SeqCst), 0, "no handler ran");
}

#[actix_web::test]
async fn a_token_without_the_required_scope_is_asked_to_step_up() {
    let app = app!();
    let narrow = token(KEY_A, "key-a", &with(|c| c["scope"] = json!("read")));
    let answer = call(&app, "whoami", Some(&narrow)).await;
    assert_eq!(answer.status, 403, "{:?}", answer.body);
    let challenge = answer
        .headers
        .get("www-authenticate")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"mcp\""), "{challenge}");
    assert!(challenge.contains(METADATA), "{challenge}");
}

#[actix_web::test]
async fn a_valid_token_is_served_as_its_subject_with_its_scopes_as_roles() {
    let app = app!();
    let user = token(KEY_A, "key-a", &claims());
    let answer = call(&app, "whoami", Some(&user)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        answer.result()["content"][0]["text"],
        "user-7 [mcp read] ada@example.com"
    );
    let refused = call(&app, "purge", Some(&user)).await;
    assert_eq!(refused.error()["message"], "Unknown tool: purge");
    // Scopes may come as a `scp` list instead.
    let admin = token(
        KEY_A,
        "key-a",
        &with(|c| {
            c.as_object_mut().unwrap().remove("scope");
            c["scp"] = json!(["mcp", "admin"]);
        }),
    );
    let served = call(&app, "purge", Some(&admin)).await;
    assert_eq!(
        served.result()["content"][0]["text"],
        "purged",
        "{:?}",
        served.body
    );
}

#[actix_web::test]
async fn the_protected_resource_metadata_is_served_below_the_mount() {
    let app = app!();
    let req = test::TestRequest::get()
        .uri("/mcp/.well-known/oauth-protected-resource")
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), 200);
    let body: Value = test::read_body_json(resp).await;
    assert_eq!(
        body,
        json!({"resource": AUDIENCE, "authorization_servers": [ISSUER],
               "scopes_supported": ["mcp"], "bearer_methods_supported": ["header"]})
    );
}
