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
mod placement;
mod template;

use proc_macro::TokenStream;

/// Turns a free function into an MCP tool.
#[proc_macro_attribute]
pub fn tool(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Tool, args.into(), input.into()).into()
}

/// Turns a free function into an MCP resource or resource template.
#[proc_macro_attribute]
pub fn resource(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Resource, args.into(), input.into()).into()
}

/// Turns a free function into an MCP prompt.
#[proc_macro_attribute]
pub fn prompt(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Prompt, args.into(), input.into()).into()
}

/// Names annotated functions for explicit registration.
#[proc_macro]
pub fn items(input: TokenStream) -> TokenStream {
    expand::items(input.into()).into()
}
