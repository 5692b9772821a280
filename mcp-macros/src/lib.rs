//! Attribute macros for [`mcp-core`](https://docs.rs/mcp-core).
//!
//! Do not depend on this crate directly: use `mcp_core::{tool, resource, prompt, items}`,
//! which re-export these macros and provide the runtime their expansions call into.
//! The generated code only names `::mcp_core::__private`, a hidden module that is not a
//! stable API.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod template;

use proc_macro::TokenStream;

/// Turns a free function into an MCP tool. See `mcp_core::tool` for the documentation.
#[proc_macro_attribute]
pub fn tool(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Tool, args.into(), input.into()).into()
}

/// Turns a free function into an MCP resource or resource template. See `mcp_core::resource`.
#[proc_macro_attribute]
pub fn resource(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Resource, args.into(), input.into()).into()
}

/// Turns a free function into an MCP prompt. See `mcp_core::prompt`.
#[proc_macro_attribute]
pub fn prompt(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Prompt, args.into(), input.into()).into()
}

/// Names annotated functions for explicit registration. See `mcp_core::items`.
#[proc_macro]
pub fn items(input: TokenStream) -> TokenStream {
    expand::items(input.into()).into()
}
