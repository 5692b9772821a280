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

/// A completion function's return value, for choosing (by autoref) between a list of values
/// and a future of one. Holds it in a `Cell` so the chosen impl can take it by reference.
pub struct Completion<T>(std::cell::Cell<Option<T>>);

impl<T> Completion<T> {
    /// Wraps what the completion function returned.
    pub fn new(value: T) -> Self {
        Completion(std::cell::Cell::new(Some(value)))
    }

    fn take(&self) -> T {
        self.0.take().expect("a completion is taken once")
    }
}

/// `#[complete(with = f)]` where `f` returns the values.
pub trait CompleteNow<'a> {
    /// The values, as a ready future.
    fn into_completion(self) -> BoxFuture<'a, Vec<String>>;
}

impl<'a, T: IntoCompletions> CompleteNow<'a> for &&Completion<T> {
    fn into_completion(self) -> BoxFuture<'a, Vec<String>> {
        ready(self.take().into_completions())
    }
}

/// `#[complete(with = f)]` where `f` is `async`.
pub trait CompleteLater<'a> {
    /// The values, when the future is done.
    fn into_completion(self) -> BoxFuture<'a, Vec<String>>;
}

impl<'a, F> CompleteLater<'a> for &Completion<F>
where
    F: Future + Send + 'a,
    F::Output: IntoCompletions,
{
    fn into_completion(self) -> BoxFuture<'a, Vec<String>> {
        let future = self.take();
        Box::pin(async move { future.await.into_completions() })
    }
}
