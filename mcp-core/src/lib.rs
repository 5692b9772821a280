//! Model Context Protocol servers from plain Rust functions.
//!
//! Put [`tool`], [`resource`] or [`prompt`] on a function; build a [`Server`] from the
//! registered functions once at start-up; serve it with a transport:
//! [`mcp-actix`](https://docs.rs/mcp-actix) mounts servers in an actix-web `App`, each at its
//! own path.
//!
//! # Getting started
//!
//! ```toml
//! [dependencies]
//! mcp-core = "0.1"
//! mcp-actix = "0.1"
//! actix-web = "4"
//! serde = { version = "1", features = ["derive"] }
//! serde_json = "1"
//! schemars = "1"
//! ```
//!
//! Parameters become the tool's input schema and doc comments its description; a `Json<T>`
//! result becomes structured content with an output schema. Each item names the server that
//! serves it, and [`ServerBuilder::collect`] gathers them:
//!
//! ```
//! use mcp_core::{prompt, resource, tool, Json, Server};
//!
//! /// Add two integers.
//! #[tool(server = "demo")]
//! fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! /// The application's configuration.
//! #[resource(server = "demo", uri = "config://app", mime_type = "application/json")]
//! fn config() -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "debug": true }))
//! }
//!
//! /// Summarise the given text.
//! #[prompt(server = "demo")]
//! fn summarise(text: String) -> String {
//!     format!("Summarise the following:\n\n{text}")
//! }
//!
//! let server = Server::builder("demo").collect().build()?;
//! assert_eq!(server.tool_names().collect::<Vec<_>>(), ["add"]);
//! # Ok::<(), mcp_core::BuildError>(())
//! ```
//!
//! Then serve it, here at `http://127.0.0.1:8000/mcp`:
//!
//! ```no_run
//! # use mcp_core::Server;
//! # #[actix_web::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server: Server = unimplemented!();
//! use actix_web::{App, HttpServer};
//!
//! HttpServer::new(move || App::new().service(mcp_actix::scope("/mcp", server.clone())))
//!     .bind(("127.0.0.1", 8000))?
//!     .run()
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! Handlers may also take [`State<T>`](State) (shared values registered with
//! [`ServerBuilder::state`]) and a [`Context`] (progress, logging, questions to the client).
//!
//! # Protocol revisions
//!
//! Both protocol eras are served on one endpoint, chosen per request: the stateless revision
//! `2026-07-28` and the session-based revisions `2025-03-26`, `2025-06-18` and `2025-11-25`.
//! Handlers are written once for both.

#![deny(missing_docs)]

// Layers, lowest first; each imports only from the ones above it in this list.
mod content;
mod error;
mod handler;
pub mod http;
mod logging;
mod runtime;
mod schema;
mod server;
mod session;
#[cfg(feature = "stdio")]
#[cfg_attr(docsrs, doc(cfg(feature = "stdio")))]
pub mod stdio;
pub mod store;
mod util;
mod wire;

#[doc(hidden)]
pub mod __private;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use content::{
    Annotations, Content, Json, PromptMessage, ResourceContents, ResourceLink, Role, ToolResult,
};
pub use error::{BuildError, Error};
pub use handler::caller::Caller;
pub use handler::inject::{Context, ElicitAction, ElicitResult, Elicitation, Question, State};
pub use handler::registry::ItemRef;
pub use handler::registry::TaskSupport;
pub use handler::response::{
    CompleteFn, IntoCompletions, IntoPromptMessages, IntoResourceContents, IntoToolResult,
    ToolArgument,
};
pub use logging::LogLevel;
pub use server::{
    DynamicPrompt, DynamicResource, DynamicTool, RegistryError, Server, ServerBuilder,
};
pub use util::BoxFuture;

#[cfg(feature = "macros")]
#[doc = include_str!("docs/tool.md")]
pub use mcp_macros::tool;

#[cfg(feature = "macros")]
#[doc = include_str!("docs/resource.md")]
pub use mcp_macros::resource;

#[cfg(feature = "macros")]
#[doc = include_str!("docs/prompt.md")]
pub use mcp_macros::prompt;

#[cfg(feature = "macros")]
#[doc = include_str!("docs/items.md")]
pub use mcp_macros::items;
