//! Attribute macros for [`mcp-core`](https://docs.rs/mcp-core).
//!
//! Do not depend on this crate directly: use `mcp_core::{tool, resource, prompt, items}`,
//! which re-export these macros and provide the runtime their expansions call into.
//! The generated code only names `::mcp_core::__private`, a hidden module that is not a
//! stable API.

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod placement;

use proc_macro::TokenStream;

/// (The `tool` attribute is defined in `mcp-macros`; use it as `mcp_core::tool`.)
#[proc_macro_attribute]
pub fn tool(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Tool, args.into(), input.into()).into()
}

/// (The `resource` attribute is defined in `mcp-macros`; use it as `mcp_core::resource`.)
#[proc_macro_attribute]
pub fn resource(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Resource, args.into(), input.into()).into()
}

/// (The `prompt` attribute is defined in `mcp-macros`; use it as `mcp_core::prompt`.)
#[proc_macro_attribute]
pub fn prompt(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::item(attr::Kind::Prompt, args.into(), input.into()).into()
}

/// (The `items!` macro is defined in `mcp-macros`; use it as `mcp_core::items!`.)
#[proc_macro]
pub fn items(input: TokenStream) -> TokenStream {
    expand::items(input.into()).into()
}
