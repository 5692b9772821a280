//! The notes service: `notes` at `/mcp/notes` and `admin` at `/mcp/admin`.
//!
//! Run with `cargo run -p notes` (listens on 127.0.0.1, port `$PORT` or 8000).

use std::sync::Arc;

use actix_web::{App, HttpServer};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Start-up logs say what each server serves; `RUST_LOG` tunes them.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let (notes, admin) = notes::servers(Arc::new(notes::Store::default()))?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    println!(
        "MCP servers on http://127.0.0.1:{port}/mcp/notes and http://127.0.0.1:{port}/mcp/admin"
    );
    HttpServer::new(move || {
        App::new()
            .service(mcp_actix::scope("/mcp/notes", notes.clone()))
            .service(mcp_actix::scope("/mcp/admin", admin.clone()))
            .default_service(actix_web::web::to(mcp_actix::not_found))
    })
    .on_connect(mcp_actix::write_timeout(std::time::Duration::from_secs(30)))
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
