//! Conversions from what handlers return into protocol results.

use std::any::Any;
use std::fmt::Display;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::handler::registry::StateKey;
use crate::handler::scope::RequestScope;
use crate::util::BoxFuture;
use serde_json::value::RawValue;

use crate::content::{Content, Json, PromptMessage, ResourceContents, ToolResult};
use crate::error::{Error, ErrorKind};

/// A value a `#[tool]` function can return.
///
/// Implemented for strings and numbers (text), `()` (no content), [`Content`] and
/// `Vec<Content>`, [`ToolResult`], [`Json<T>`] (structured content with an output schema and a
/// text copy) and `Result<T, E>` of those, where an `Err` becomes an `isError` result carrying
/// the error's message.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be returned from a `#[tool]` function",
    label = "to return it as structured content, wrap it in `Json(..)`: return `Json<{Self}>`",
    note = "`Json<T>` needs `T: serde::Serialize + schemars::JsonSchema`; a tool may also return a `String`, a number, `Content`, `Vec<Content>`, `ToolResult`, or a `Result<T, E>` of one of these"
)]
pub trait IntoToolResult {
    /// Converts the value.
    fn into_tool_result(self) -> ToolResult;

    /// The JSON Schema of the structured content this type produces, if any.
    fn output_schema(_generator: &mut SchemaGenerator) -> Option<Schema> {
        None
    }
}

impl IntoToolResult for ToolResult {
    fn into_tool_result(self) -> ToolResult {
        self
    }
}

impl IntoToolResult for String {
    fn into_tool_result(self) -> ToolResult {
        ToolResult::text(self)
    }
}

impl IntoToolResult for &str {
    fn into_tool_result(self) -> ToolResult {
        ToolResult::text(self)
    }
}

impl IntoToolResult for () {
    fn into_tool_result(self) -> ToolResult {
        ToolResult::new([])
    }
}

impl IntoToolResult for Content {
    fn into_tool_result(self) -> ToolResult {
        ToolResult::new([self])
    }
}

impl IntoToolResult for Vec<Content> {
    fn into_tool_result(self) -> ToolResult {
        ToolResult::new(self)
    }
}

macro_rules! display_as_text {
    ($($t:ty),*) => {$(
        impl IntoToolResult for $t {
            fn into_tool_result(self) -> ToolResult {
                ToolResult::text(self.to_string())
            }
        }
    )*};
}

display_as_text!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, bool, char
);

impl<T: Serialize + JsonSchema> IntoToolResult for Json<T> {
    fn into_tool_result(self) -> ToolResult {
        match serde_json::to_string(&self.0) {
            Ok(text) => {
                let raw = RawValue::from_string(text.clone()).ok();
                ToolResult {
                    content: vec![Content::text(text)],
                    structured: raw,
                    is_error: false,
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "tool result could not be serialized");
                ToolResult::error("The tool's result could not be serialized.")
            }
        }
    }

    fn output_schema(generator: &mut SchemaGenerator) -> Option<Schema> {
        Some(generator.root_schema_for::<T>())
    }
}

impl<T: IntoToolResult, E: Display + 'static> IntoToolResult for Result<T, E> {
    fn into_tool_result(self) -> ToolResult {
        match self {
            Ok(value) => value.into_tool_result(),
            Err(err) => ToolResult::error(err.to_string()),
        }
    }

    fn output_schema(generator: &mut SchemaGenerator) -> Option<Schema> {
        T::output_schema(generator)
    }
}

/// A type a `#[tool]` function can take as an argument (a parameter, or `T` in `Json<T>`):
/// implemented for every `serde::Deserialize + schemars::JsonSchema` type, so a type without
/// the derives gets one error under it that names them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be a tool argument",
    label = "add `#[derive(serde::Deserialize, schemars::JsonSchema)]` to `{Self}`",
    note = "tool arguments are deserialized from the request and described in the tool's input schema, so their types implement `serde::Deserialize` and `schemars::JsonSchema` (schemars 1)"
)]
pub trait ToolArgument: DeserializeOwned + JsonSchema {}

#[diagnostic::do_not_recommend]
impl<T: DeserializeOwned + JsonSchema> ToolArgument for T {}

/// A function that `#[complete(with = f)]` can use: `f(prefix: &str, ...)` where the other parameters are
/// injected (`State<T>`, `Context`), returning the values or a future of them. `M` tells the
/// shapes apart and is inferred.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't complete an argument",
    label = "expected a function of the typed prefix (`&str`), then `State<T>` or `Context` parameters, returning `Vec<String>`",
    note = "a completion function looks like `fn ids(prefix: &str, store: State<Store>) -> Vec<String>` (or the same as an `async fn`)"
)]
pub trait CompleteFn<M>: Copy + Send + Sync + 'static {
    /// The state types the function takes.
    #[doc(hidden)]
    const REQUIRES: &'static [Option<fn() -> StateKey>];
    /// Runs the function.
    #[doc(hidden)]
    fn complete<'a>(
        self,
        prefix: &'a str,
        scope: &'a RequestScope<'a>,
    ) -> BoxFuture<'a, Vec<String>>;
}

/// A value a `#[resource]` function can return.
///
/// Implemented for `String`/`&str` (text), `Vec<u8>` (a base64 blob), [`Json<T>`] (JSON text),
/// [`ResourceContents`], `Vec<ResourceContents>` (several contents) and `Result<T, E>` of those.
/// Return `Err(Error::not_found(..))` for a record that does not exist.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be returned from a `#[resource]` function",
    note = "return a `String` (text), `Vec<u8>` (binary), `Json<T>`, `ResourceContents`, `Vec<ResourceContents>`, or a `Result<T, E>` of one of these"
)]
pub trait IntoResourceContents {
    /// Converts the value into the contents read from `uri`; `mime_type` is the resource's
    /// declared MIME type.
    fn into_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, Error>;
}

impl IntoResourceContents for String {
    fn into_contents(self, uri: &str, mime: Option<&str>) -> Result<Vec<ResourceContents>, Error> {
        Ok(vec![
            ResourceContents::text(uri, self).mime_type(mime.unwrap_or("text/plain"))
        ])
    }
}

impl IntoResourceContents for &str {
    fn into_contents(self, uri: &str, mime: Option<&str>) -> Result<Vec<ResourceContents>, Error> {
        self.to_string().into_contents(uri, mime)
    }
}

impl IntoResourceContents for Vec<u8> {
    fn into_contents(self, uri: &str, mime: Option<&str>) -> Result<Vec<ResourceContents>, Error> {
        Ok(vec![
            ResourceContents::blob(uri, self).mime_type(mime.unwrap_or("application/octet-stream"))
        ])
    }
}

impl<T: Serialize> IntoResourceContents for Json<T> {
    fn into_contents(self, uri: &str, mime: Option<&str>) -> Result<Vec<ResourceContents>, Error> {
        let text = serde_json::to_string(&self.0).map_err(Error::new)?;
        Ok(vec![
            ResourceContents::text(uri, text).mime_type(mime.unwrap_or("application/json"))
        ])
    }
}

impl IntoResourceContents for ResourceContents {
    fn into_contents(self, uri: &str, mime: Option<&str>) -> Result<Vec<ResourceContents>, Error> {
        vec![self].into_contents(uri, mime)
    }
}

impl IntoResourceContents for Vec<ResourceContents> {
    fn into_contents(
        mut self,
        _uri: &str,
        mime: Option<&str>,
    ) -> Result<Vec<ResourceContents>, Error> {
        if let Some(mime) = mime {
            for c in &mut self {
                if c.mime_type.is_none() {
                    c.mime_type = Some(mime.to_string());
                }
            }
        }
        Ok(self)
    }
}

impl<T: IntoResourceContents, E: Display + 'static> IntoResourceContents for Result<T, E> {
    fn into_contents(self, uri: &str, mime: Option<&str>) -> Result<Vec<ResourceContents>, Error> {
        match self {
            Ok(value) => value.into_contents(uri, mime),
            Err(err) => Err(into_error(err)),
        }
    }
}

/// Keeps the kind of an [`Error`]; any other error becomes a plain failure.
pub(crate) fn into_error<E: Display + 'static>(err: E) -> Error {
    let any: &dyn Any = &err;
    match any.downcast_ref::<Error>() {
        Some(e) => Error {
            kind: e.kind,
            message: e.message.clone(),
        },
        None => Error {
            kind: ErrorKind::Failed,
            message: err.to_string(),
        },
    }
}

/// A value a `#[prompt]` function can return.
///
/// Implemented for `String`/`&str` (one user message), [`PromptMessage`],
/// `Vec<PromptMessage>` and `Result<T, E>` of those.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be returned from a `#[prompt]` function",
    note = "return a `String` (one user message), `PromptMessage`, `Vec<PromptMessage>`, or a `Result<T, E>` of one of these"
)]
pub trait IntoPromptMessages {
    /// Converts the value.
    fn into_messages(self) -> Result<Vec<PromptMessage>, Error>;
}

impl IntoPromptMessages for String {
    fn into_messages(self) -> Result<Vec<PromptMessage>, Error> {
        Ok(vec![PromptMessage::user(self)])
    }
}

impl IntoPromptMessages for &str {
    fn into_messages(self) -> Result<Vec<PromptMessage>, Error> {
        Ok(vec![PromptMessage::user(self)])
    }
}

impl IntoPromptMessages for PromptMessage {
    fn into_messages(self) -> Result<Vec<PromptMessage>, Error> {
        Ok(vec![self])
    }
}

impl IntoPromptMessages for Vec<PromptMessage> {
    fn into_messages(self) -> Result<Vec<PromptMessage>, Error> {
        Ok(self)
    }
}

impl<T: IntoPromptMessages, E: Display + 'static> IntoPromptMessages for Result<T, E> {
    fn into_messages(self) -> Result<Vec<PromptMessage>, Error> {
        match self {
            Ok(v) => v.into_messages(),
            Err(err) => Err(into_error(err)),
        }
    }
}

/// What a `#[complete(with = f)]` function returns: any list of strings.
pub trait IntoCompletions {
    /// The candidate values.
    fn into_completions(self) -> Vec<String>;
}

impl<I, S> IntoCompletions for I
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    fn into_completions(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}
