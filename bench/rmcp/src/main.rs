//! Benchmark contender: the official Rust MCP SDK (`rmcp` 3.9) behind its
//! Streamable HTTP tower service, mounted on axum at `/mcp`.
//!
//! One endpoint serves both eras: requests carrying the 2026-07-28 `_meta`
//! envelope are answered statelessly as `application/json`; `initialize`
//! opens a 2025-11-25 session (`Mcp-Session-Id`) whose replies rmcp always
//! streams as SSE. `LEGACY_SESSIONS=0` turns legacy sessions off so the
//! legacy era is also served statelessly as JSON (no `Mcp-Session-Id`).
//! `STDIO=1` serves the same handler on standard input and output instead,
//! through rmcp's non-blocking pipe transport (`stdio_pipes`).

use axum::serve::ListenerExt;
use std::sync::Arc;

use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    handler::server::{
        router::tool::{CallToolHandlerExt, ToolRouter},
        wrapper::Parameters,
    },
    model::{
        ListResourcesResult, PaginatedRequestParams, ReadResourceRequestParams, Resource,
        ReadResourceResponse, ReadResourceResult, ResourceContents, ServerCapabilities,
        ServerConfig,
    },
    service::RequestContext,
    tool, tool_handler, tool_router,
    transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
    },
};
use serde::Deserialize;

const CONFIG_URI: &str = "config://app";

#[derive(Deserialize, schemars::JsonSchema)]
struct AddArgs {
    a: i64,
    b: i64,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct EchoArgs {
    x: i64,
}

/// The handler is cheap to clone: the transport calls the factory once per
/// stateless request, so the router (and its schemas) is built only once.
#[derive(Clone)]
struct Bench {
    tool_router: Arc<ToolRouter<Bench>>,
}

#[tool_router]
impl Bench {
    #[tool(description = "Add two integers")]
    fn add(&self, Parameters(AddArgs { a, b }): Parameters<AddArgs>) -> String {
        (a + b).to_string()
    }
}

fn echo(Parameters(EchoArgs { x }): Parameters<EchoArgs>) -> String {
    x.to_string()
}

impl Bench {
    fn new() -> Self {
        let router = (0..100).fold(Self::tool_router(), |router, i| {
            router.with_route(
                echo.name(format!("tool_{i:03}"))
                    .description(format!("Echo tool number {i}: returns x"))
                    .parameters::<EchoArgs>(),
            )
        });
        Self { tool_router: Arc::new(router) }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Bench {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(rmcp::model::Implementation::new(
            "rmcp-bench-server",
            env!("CARGO_PKG_VERSION"),
        ))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let resource = Resource::new(CONFIG_URI, "config").with_mime_type("application/json");
        Ok(ListResourcesResult::with_all_items(vec![resource]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if request.uri != CONFIG_URI {
            return Err(ErrorData::resource_not_found(
                "Resource not found",
                Some(serde_json::json!({ "uri": request.uri })),
            ));
        }
        let contents = ResourceContents::text(r#"{"debug":true}"#, CONFIG_URI)
            .with_mime_type("application/json");
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

/// Single-threaded Tokio runtime (`current_thread`): all request handling runs
/// on the main thread.
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let legacy_sessions = std::env::var("LEGACY_SESSIONS").as_deref() != Ok("0");

    let bench = Bench::new();
    if std::env::var("STDIO").as_deref() == Ok("1") {
        use rmcp::ServiceExt as _;
        let running = bench
            .serve(rmcp::transport::stdio_pipes())
            .await
            .map_err(std::io::Error::other)?;
        running.waiting().await.map_err(std::io::Error::other)?;
        return Ok(());
    }
    let config = StreamableHttpServerConfig::default()
        .with_json_response(true)
        .with_legacy_session_mode(legacy_sessions);
    let service = StreamableHttpService::new(
        move || Ok(bench.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );

    let app = axum::Router::new().route_service("/mcp", service);
    // TCP_NODELAY, as for every contender: session replies are SSE written in several parts.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    // Exit cleanly on Ctrl-C, so profilers (callgrind) can write their results.
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
