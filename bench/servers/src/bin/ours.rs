//! The benchmark contender built with this framework: the surface of [`mcp_bench::server`]
//! at `/mcp`, on one worker. Listens on 127.0.0.1:`$PORT`; with `STDIO=1`, serves the same
//! server on standard input and output instead (one thread, as over HTTP).

use actix_web::{App, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let server = mcp_bench::server();
    if std::env::var("STDIO").as_deref() == Ok("1") {
        return mcp_core::stdio::Stdio::new(server).serve().await;
    }
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    HttpServer::new(move || App::new().service(mcp_actix::scope("/mcp", server.clone())))
        .workers(1)
        .tcp_nodelay(true)
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
