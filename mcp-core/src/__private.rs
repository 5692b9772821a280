//! /!\ Not a public API. /!\
//!
//! Used by the code the `#[tool]`, `#[resource]` and `#[prompt]` macros generate; may change
//! in any release.

use std::future::Future;

pub use inventory;
pub use schemars;
pub use schemars::{Schema, SchemaGenerator};
pub use serde;

pub use crate::dispatch::{
    BoxFuture, PromptArgs, PromptOutcome, ReadOutcome, RequestScope, ResourceRequest, ToolArgs,
};
pub use crate::extract::{Inject, InjectError};
pub use crate::registry::{
    CompletionDef, Item, PromptArgDef, PromptDef, PromptHandler, Registration, ResourceDef,
    ResourceHandler, StateKey, ToolDef, ToolHandler, ToolHints,
};
pub use crate::response::{IntoCompletions, IntoToolResult};
pub use crate::schema::schema_for;

use crate::content::ToolResult;
use crate::response::{IntoPromptMessages, IntoResourceContents};

/// Boxes a handler's future.
pub fn boxed<'a, T, F: Future<Output = T> + Send + 'a>(future: F) -> BoxFuture<'a, T> {
    Box::pin(future)
}

/// A future that is already complete.
pub fn ready<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, T> {
    Box::pin(std::future::ready(value))
}

/// A tool result for an injected parameter that could not be supplied.
pub fn injection_failed(err: InjectError) -> ToolResult {
    tracing::error!(reason = %err.0, "a handler parameter could not be injected");
    ToolResult::error("The tool could not be run: a server-side dependency is missing.")
}

/// Converts a resource handler's return value.
pub fn read_outcome<T: IntoResourceContents>(value: T, req: &ResourceRequest<'_>) -> ReadOutcome {
    match value.into_contents(req.uri(), req.mime_type()) {
        Ok(contents) => ReadOutcome::Contents(contents),
        Err(err) => ReadOutcome::Failed(err),
    }
}

/// Converts a prompt handler's return value.
pub fn prompt_outcome<T: IntoPromptMessages>(value: T) -> PromptOutcome {
    match value.into_messages() {
        Ok(messages) => PromptOutcome::Messages(messages),
        Err(err) => PromptOutcome::Failed(err),
    }
}

/// The values starting with `prefix` (ignoring case), for `#[complete(values = [..])]`.
pub fn filter_values(values: &[&str], prefix: &str) -> Vec<String> {
    let prefix = prefix.to_lowercase();
    values
        .iter()
        .filter(|v| v.to_lowercase().starts_with(&prefix))
        .map(|v| (*v).to_string())
        .collect()
}
