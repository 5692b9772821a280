//! The surface the official MCP conformance suite calls, by its fixed names, at `/mcp` on
//! 127.0.0.1:`$PORT` (default 8000). Run the suite with `tests/conformance/run.sh`.

mod mrtr;
mod tasks;

use std::time::Duration;

use mcp_core::{
    prompt, resource, tool, Content, Context, Error, LogLevel, PromptMessage, ResourceContents,
    Server,
};
use serde_json::json;

/// A 1×1 red PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/// A tiny WAV file.
const WAV: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

/// Returns a simple text response.
#[tool]
fn test_simple_text() -> &'static str {
    "This is a simple text response for testing."
}

/// Returns an image (a 1×1 red PNG).
#[tool]
fn test_image_content() -> Content {
    Content::image_base64(PNG, "image/png")
}

/// Returns a short WAV audio clip.
#[tool]
fn test_audio_content() -> Content {
    Content::audio_base64(WAV, "audio/wav")
}

/// Returns an embedded text resource.
#[tool]
fn test_embedded_resource() -> Content {
    Content::resource(
        ResourceContents::text(
            "test://embedded-resource",
            "This is an embedded resource content.",
        )
        .mime_type("text/plain"),
    )
}

/// Returns text, an image and an embedded resource together.
#[tool]
fn test_multiple_content_types() -> Vec<Content> {
    vec![
        Content::text("Multiple content types test:"),
        Content::image_base64(PNG, "image/png"),
        Content::resource(
            ResourceContents::text(
                "test://mixed-content-resource",
                r#"{"test":"data","value":123}"#,
            )
            .mime_type("application/json"),
        ),
    ]
}

/// Sends three log messages while it runs.
#[tool]
async fn test_tool_with_logging(ctx: Context) -> &'static str {
    ctx.log(LogLevel::Info, "Tool execution started").await;
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    ctx.log(LogLevel::Info, "Tool processing data").await;
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    ctx.log(LogLevel::Info, "Tool execution completed").await;
    "Tool with logging executed successfully"
}

/// Sends a log message; only requests that ask for log messages receive it.
#[tool]
async fn test_logging_tool(ctx: Context) -> &'static str {
    ctx.log(LogLevel::Info, "Logging tool called").await;
    "Logging tool executed"
}

/// Reports progress 0, 50 and 100 of 100 while it runs.
#[tool]
async fn test_tool_with_progress(ctx: Context) -> &'static str {
    for (i, progress) in [0.0, 50.0, 100.0].into_iter().enumerate() {
        if i > 0 {
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        ctx.progress(
            progress,
            Some(100.0),
            Some(&format!("Completed step {i} of 2")),
        )
        .await;
    }
    "Progress test completed"
}

/// Closes its event stream before answering, so the client must reconnect with
/// `Last-Event-ID` to get the result (SSE polling, revision 2025-11-25).
#[tool]
async fn test_reconnection(ctx: Context) -> &'static str {
    ctx.close_stream();
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    "Reconnection test completed successfully"
}

/// Always fails, as a tool error the model can read.
#[tool]
fn test_error_handling() -> Result<String, String> {
    Err("This tool intentionally returns an error for testing".into())
}

/// Asks the client's model to answer a prompt.
#[tool]
async fn test_sampling(
    ctx: Context,
    /// The prompt to send to the model
    prompt: String,
) -> Result<String, Error> {
    let reply = ctx
        .sample(json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": prompt}}],
            "maxTokens": 100,
        }))
        .await?;
    let text = reply["content"]["text"].as_str().unwrap_or_default();
    Ok(format!("LLM response: {text}"))
}

/// Needs the client's `sampling` capability: a request that does not declare it is
/// rejected with `MissingRequiredClientCapability` (2026-07-28).
#[tool]
async fn test_missing_capability(ctx: Context) -> Result<String, Error> {
    let reply = ctx
        .sample(json!({
            "messages": [{"role": "user", "content": {"type": "text", "text": "Say hello"}}],
            "maxTokens": 10,
        }))
        .await?;
    Ok(format!("Model said: {}", reply["content"]["text"]))
}

/// Asks the user for input.
#[tool]
async fn test_elicitation(
    ctx: Context,
    /// The message to show the user
    message: String,
) -> Result<String, Error> {
    let schema = json!({
        "type": "object",
        "properties": {"response": {"type": "string", "description": "User's response"}},
        "required": ["response"],
    });
    let answer = ctx.elicit(message, schema).await?;
    Ok(format!(
        "User response: action={:?}, content={}",
        answer.action,
        serde_json::to_string(&answer.content).unwrap_or_default()
    ))
}

/// Asks for input with a default for every kind of field (SEP-1034).
#[tool]
async fn test_elicitation_sep1034_defaults(ctx: Context) -> Result<String, Error> {
    let schema = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "User name", "default": "John Doe"},
            "age": {"type": "integer", "description": "User age", "default": 30},
            "score": {"type": "number", "description": "User score", "default": 95.5},
            "status": {"type": "string", "description": "User status", "enum": ["active", "inactive", "pending"], "default": "active"},
            "verified": {"type": "boolean", "description": "Verification status", "default": true},
        },
    });
    let answer = ctx
        .elicit(
            "Please review and update the form fields with defaults",
            schema,
        )
        .await?;
    Ok(format!("Elicitation completed: action={:?}", answer.action))
}

/// Asks for input with each enum shape (SEP-1330).
#[tool]
async fn test_elicitation_sep1330_enums(ctx: Context) -> Result<String, Error> {
    let schema = json!({
        "type": "object",
        "properties": {
            "untitledSingle": {"type": "string", "description": "Choose an option", "enum": ["option1", "option2", "option3"]},
            "titledSingle": {"type": "string", "description": "Choose a titled option", "oneOf": [
                {"const": "value1", "title": "First Option"},
                {"const": "value2", "title": "Second Option"},
                {"const": "value3", "title": "Third Option"},
            ]},
            "legacyEnum": {"type": "string", "description": "Choose a legacy option", "enum": ["opt1", "opt2", "opt3"], "enumNames": ["Option One", "Option Two", "Option Three"]},
            "untitledMulti": {"type": "array", "description": "Choose multiple options", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
            "titledMulti": {"type": "array", "description": "Choose multiple titled options", "items": {"anyOf": [
                {"const": "value1", "title": "First Choice"},
                {"const": "value2", "title": "Second Choice"},
                {"const": "value3", "title": "Third Choice"},
            ]}},
        },
    });
    let answer = ctx
        .elicit("Please select options from the enum fields", schema)
        .await?;
    Ok(format!("Elicitation completed: action={:?}", answer.action))
}

/// Arguments of `json_schema_2020_12_tool`, whose schema is written out in JSON Schema
/// 2020-12 (with `$schema`, `$defs` and `$ref`) and listed exactly so.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchemaArgs {
    name: Option<String>,
    address: Option<serde_json::Value>,
    contact_method: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

impl schemars::JsonSchema for SchemaArgs {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SchemaArgs".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {
                "address": {
                    "$anchor": "addressDef",
                    "type": "object",
                    "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
                },
            },
            "properties": {
                "name": {"type": "string"},
                "address": {"$ref": "#/$defs/address"},
                "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                "phone": {"type": "string"},
                "email": {"type": "string"},
            },
            "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
            "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
            "then": {"required": ["phone"]},
            "else": {"required": ["email"]},
            "additionalProperties": false,
        })
    }
}

/// Takes arguments described by a JSON Schema 2020-12 document.
#[tool]
fn json_schema_2020_12_tool(mcp_core::Json(args): mcp_core::Json<SchemaArgs>) -> String {
    let contact = match args.contact_method.as_deref() {
        Some("phone") => args.phone.unwrap_or_default(),
        _ => args.email.unwrap_or_default(),
    };
    format!(
        "name={}, address={}, contact={contact}",
        args.name.unwrap_or_default(),
        args.address.unwrap_or_default()
    )
}

/// Echoes a region that clients also send in the `Mcp-Param-Region` header.
#[tool]
fn test_custom_header(
    /// A region name, mirrored in the `Mcp-Param-Region` header
    #[header("Region")]
    region: String,
) -> String {
    format!("Region: {region}")
}

/// A static text resource.
#[resource(uri = "test://static-text", mime_type = "text/plain")]
fn static_text() -> &'static str {
    "This is the content of the static text resource."
}

/// A static binary resource (a PNG image).
#[resource(uri = "test://static-binary", mime_type = "image/png")]
fn static_binary() -> ResourceContents {
    ResourceContents::blob_base64("test://static-binary", PNG)
}

/// Data for one id.
#[resource(uri = "test://template/{id}/data", mime_type = "application/json")]
fn template_data(id: String) -> String {
    serde_json::json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") })
        .to_string()
}

/// A resource clients may watch.
#[resource(uri = "test://watched-resource", mime_type = "text/plain")]
fn watched_resource() -> &'static str {
    "Watched resource content"
}

/// A prompt without arguments.
#[prompt]
fn test_simple_prompt() -> &'static str {
    "This is a simple prompt for testing."
}

/// A prompt with two required arguments.
#[prompt]
fn test_prompt_with_arguments(
    /// First test argument
    #[complete(values = ["test1", "test2", "value1"])]
    arg1: String,
    /// Second test argument
    arg2: String,
) -> String {
    format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")
}

/// A prompt that embeds a resource.
#[prompt]
fn test_prompt_with_embedded_resource(
    /// URI of the resource to embed
    #[allow(non_snake_case)]
    resourceUri: String,
) -> Vec<PromptMessage> {
    vec![
        PromptMessage::user(Content::resource(
            ResourceContents::text(resourceUri, "Embedded resource content for testing.")
                .mime_type("text/plain"),
        )),
        PromptMessage::user("Please process the embedded resource above."),
    ]
}

/// A prompt with an image.
#[prompt]
fn test_prompt_with_image() -> Vec<PromptMessage> {
    vec![
        PromptMessage::user(Content::image_base64(PNG, "image/png")),
        PromptMessage::user("Please analyze the image above."),
    ]
}

fn main() -> std::process::ExitCode {
    // Start-up logs say what each server serves; `RUST_LOG` tunes them. They go to standard
    // error: over stdio, standard output carries only protocol messages.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let server = match Server::builder("mcp-conformance-server")
        .version(env!("CARGO_PKG_VERSION"))
        .collect_untagged()
        .build()
    {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::from(3);
        }
    };
    let _ = tasks::SERVER.set(server.clone());
    // `serve` (the default: HTTP at /mcp), `stdio`, `list`, `call`, ...; see `--help`.
    mcp_actix::cli::Cli::new()
        .version(env!("CARGO_PKG_VERSION"))
        .server_at("/mcp", server, mcp_actix::HttpConfig::default())
        .run()
}
