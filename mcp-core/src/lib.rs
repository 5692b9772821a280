//! Model Context Protocol servers from plain Rust functions.
//!
//! Put [`tool`], [`resource`] or [`prompt`] on a function; build a [`Server`] from the
//! registered functions once at start-up; serve it with a transport such as `mcp-actix`.
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
//! Both protocol eras are served: the stateless revision `2026-07-28` and the session-based
//! revisions `2025-03-26`, `2025-06-18` and `2025-11-25`, chosen per request.

#![deny(missing_docs)]

mod content;
mod dispatch;
mod error;
mod extract;
pub mod http;
mod listen;
mod mrtr;
mod notify;
mod protocol;
mod registry;
mod response;
mod schema;
mod server;
mod session;
mod uri_template;

#[doc(hidden)]
pub mod __private;

pub use content::{
    Annotations, Content, Json, PromptMessage, ResourceContents, ResourceLink, Role, ToolResult,
};
pub use error::{BuildError, Error};
pub use extract::{Context, ElicitAction, ElicitResult, Elicitation, Input, State};
pub use notify::LogLevel;
pub use response::{
    CompleteFn, IntoCompletions, IntoPromptMessages, IntoResourceContents, IntoToolResult,
    ToolArgument,
};
pub use server::{Server, ServerBuilder};

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
