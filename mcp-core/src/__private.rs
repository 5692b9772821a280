//! /!\ Not a public API. /!\
//!
//! Used by the code the `#[tool]`, `#[resource]` and `#[prompt]` macros generate; may change
//! in any release.

use std::future::Future;

pub use inventory;
pub use schemars;
pub use schemars::{Schema, SchemaGenerator};
pub use serde;

pub use crate::handler::inject::{Inject, InjectError};
pub use crate::handler::registry::{
    CompletionDef, Item, Location, PromptArgDef, PromptDef, PromptHandler, Registration,
    ResourceDef, ResourceHandler, StateKey, TaskSupport, ToolDef, ToolHandler, ToolHints,
};
pub use crate::handler::response::{IntoCompletions, IntoToolResult};
pub use crate::handler::scope::{
    PromptArgs, PromptOutcome, ReadOutcome, RequestScope, ResourceRequest, ToolArgs,
};
pub use crate::schema::schema_for;
pub use crate::util::BoxFuture;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::content::ToolResult;
pub use crate::handler::response::ToolArgument;
use crate::handler::response::{CompleteFn, IntoPromptMessages, IntoResourceContents};

/// How a tool's arguments object is read and described.
pub struct Arguments<A> {
    /// Deserializes the arguments; on failure, an `isError` result naming the field.
    pub parse: fn(&ToolArgs<'_>) -> Result<A, ToolResult>,
    /// The input schema.
    pub schema: fn(&mut SchemaGenerator) -> Schema,
}

/// The arguments of type `A`. Called from a generic `const fn` whose bounds are `ToolArgument`
/// per parameter, so that a bad parameter type is reported under itself.
pub const fn arguments<A: DeserializeOwned + JsonSchema>() -> Arguments<A> {
    Arguments {
        parse: parse_arguments::<A>,
        schema: schema_for::<A>,
    }
}

fn parse_arguments<A: DeserializeOwned>(args: &ToolArgs<'_>) -> Result<A, ToolResult> {
    args.parse()
}

/// How a tool's return type becomes its result, and the output schema it implies.
pub struct Returns<R> {
    /// Converts the returned value.
    pub convert: fn(R) -> ToolResult,
    /// The output schema, for structured results.
    pub output_schema: fn(&mut SchemaGenerator) -> Option<Schema>,
}

/// The conversions of `R`; one bound, so an unsupported type is one error under it.
pub const fn returns<R: IntoToolResult>() -> Returns<R> {
    Returns {
        convert: R::into_tool_result,
        output_schema: R::output_schema,
    }
}

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

/// A completion function, checked: the macros call `completer(&f)` wherever they use `f`, so
/// a function of the wrong shape is one error.
pub struct Completer<F> {
    f: F,
    run: for<'a> fn(F, &'a str, &'a RequestScope<'a>) -> BoxFuture<'a, Vec<String>>,
    requires: &'static [Option<fn() -> StateKey>],
}

/// Checks `f`'s shape.
pub const fn completer<M, F: CompleteFn<M>>(f: &F) -> Completer<F> {
    Completer {
        f: *f,
        run: F::complete,
        requires: F::REQUIRES,
    }
}

impl<F: Copy> Completer<F> {
    /// Completes `prefix`, injecting the function's other parameters from `scope`.
    pub fn complete<'a>(
        self,
        prefix: &'a str,
        scope: &'a RequestScope<'a>,
    ) -> BoxFuture<'a, Vec<String>> {
        (self.run)(self.f, prefix, scope)
    }

    /// The state types the function takes, for `build()` to check.
    pub const fn requires(self) -> &'static [Option<fn() -> StateKey>] {
        self.requires
    }
}

/// A completion function taking the prefix by reference and returning a future that borrows
/// it (an `async fn`).
pub trait CompletionFuture<'a, Args> {
    /// The future.
    type Future: Future<Output = Self::Values> + Send + 'a;
    /// What it resolves to.
    type Values: IntoCompletions;
    /// Calls the function.
    fn call_with(self, prefix: &'a str, args: Args) -> Self::Future;
}

/// Marks a completion function that returns its values.
pub enum Immediate {}

/// Marks a completion function that returns a future of its values.
pub enum Deferred {}

macro_rules! completers {
    ($($a:ident),*) => {
        impl<F, R, $($a,)*> CompleteFn<(Immediate, $($a,)*)> for F
        where
            F: Fn(&str, $($a),*) -> R + Copy + Send + Sync + 'static,
            R: IntoCompletions,
            $($a: Inject,)*
        {
            const REQUIRES: &'static [Option<fn() -> StateKey>] = &[$(<$a as Inject>::REQUIRES),*];

            #[allow(non_snake_case)]
            #[allow(unused_variables)]
            fn complete<'a>(self, prefix: &'a str, scope: &'a RequestScope<'a>) -> BoxFuture<'a, Vec<String>> {
                $(let $a = match <$a as Inject>::inject(scope) {
                    Ok(v) => v,
                    Err(e) => return ready(completion_injection_failed(e)),
                };)*
                ready(self(prefix, $($a),*).into_completions())
            }
        }

        impl<'a, F, Fut, $($a,)*> CompletionFuture<'a, ($($a,)*)> for F
        where
            F: Fn(&'a str, $($a),*) -> Fut,
            Fut: Future + Send + 'a,
            Fut::Output: IntoCompletions,
        {
            type Future = Fut;
            type Values = Fut::Output;

            #[allow(non_snake_case)]
            fn call_with(self, prefix: &'a str, ($($a,)*): ($($a,)*)) -> Fut {
                self(prefix, $($a),*)
            }
        }

        impl<F, $($a,)*> CompleteFn<(Deferred, $($a,)*)> for F
        where
            F: for<'a> CompletionFuture<'a, ($($a,)*)> + Copy + Send + Sync + 'static,
            $($a: Inject + Send + 'static,)*
        {
            const REQUIRES: &'static [Option<fn() -> StateKey>] = &[$(<$a as Inject>::REQUIRES),*];

            #[allow(non_snake_case)]
            #[allow(unused_variables)]
            fn complete<'a>(self, prefix: &'a str, scope: &'a RequestScope<'a>) -> BoxFuture<'a, Vec<String>> {
                $(let $a = match <$a as Inject>::inject(scope) {
                    Ok(v) => v,
                    Err(e) => return ready(completion_injection_failed(e)),
                };)*
                let future = self.call_with(prefix, ($($a,)*));
                Box::pin(async move { future.await.into_completions() })
            }
        }
    };
}

completers!();
completers!(A1);
completers!(A1, A2);
completers!(A1, A2, A3);

fn completion_injection_failed(err: InjectError) -> Vec<String> {
    tracing::error!(reason = %err.0, "a completion function's parameter could not be injected");
    Vec::new()
}
