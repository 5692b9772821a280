//! Registration records. The macros build these as `static` data (only `&'static str`, flags
//! and function pointers, so they are const-constructible and `Sync`) and submit them to
//! `inventory`; `ServerBuilder` reads them once at start-up.

use std::any::TypeId;

use schemars::{Schema, SchemaGenerator};

use crate::content::ToolResult;
use crate::handler::scope::{
    PromptArgs, PromptOutcome, ReadOutcome, RequestScope, ResourceRequest, ToolArgs,
};
use crate::util::BoxFuture;

/// One annotated function, of any kind.
pub enum Item {
    /// A `#[tool]`.
    Tool(ToolDef),
    /// A `#[resource]` (static URI or URI template).
    Resource(ResourceDef),
    /// A `#[prompt]`.
    Prompt(PromptDef),
}

impl Item {
    /// The item's icon URIs.
    pub(crate) fn icons(&self) -> &'static [&'static str] {
        match self {
            Item::Tool(t) => t.icons,
            Item::Resource(r) => r.icons,
            Item::Prompt(p) => p.icons,
        }
    }

    /// The name clients see.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Item::Tool(t) => t.name,
            Item::Resource(r) => r.name,
            Item::Prompt(p) => p.name,
        }
    }

    /// Where the item is defined.
    pub(crate) fn location(&self) -> &Location {
        match self {
            Item::Tool(t) => &t.location,
            Item::Resource(r) => &r.location,
            Item::Prompt(p) => &p.location,
        }
    }

    /// What kind of item this is, as a word for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Item::Tool(_) => "tool",
            Item::Resource(r) if r.is_template => "resource template",
            Item::Resource(_) => "resource",
            Item::Prompt(_) => "prompt",
        }
    }

    /// The description clients see, if any.
    pub(crate) fn description(&self) -> Option<&'static str> {
        match self {
            Item::Tool(t) => t.description,
            Item::Resource(r) => r.description,
            Item::Prompt(p) => p.description,
        }
    }

    /// The servers the item is tagged for (`"*"`: every server that collects); empty when
    /// it names none, so only servers that collect untagged items serve it.
    pub(crate) fn servers(&self) -> &'static [&'static str] {
        match self {
            Item::Tool(t) => t.servers,
            Item::Resource(r) => r.servers,
            Item::Prompt(p) => p.servers,
        }
    }

    /// The state types the item's body and its completion functions take.
    pub(crate) fn requires(&self) -> impl Iterator<Item = StateKey> {
        let (body, completions): (_, &[CompletionDef]) = match self {
            Item::Tool(t) => (t.requires, &[]),
            Item::Resource(r) => (r.requires, r.completions),
            Item::Prompt(p) => (p.requires, p.completions),
        };
        body.iter()
            .chain(completions.iter().flat_map(|c| c.requires))
            .flatten()
            .map(|key| key())
    }
}

/// One annotated function, as [`items!`](crate::items) lists them for
/// [`ServerBuilder::items`](crate::ServerBuilder::items).
#[derive(Clone, Copy)]
pub struct ItemRef(pub(crate) &'static Item);

#[doc(hidden)]
impl From<&'static Item> for ItemRef {
    fn from(item: &'static Item) -> Self {
        ItemRef(item)
    }
}

impl std::fmt::Debug for ItemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} `{}` at {}",
            self.0.kind(),
            self.0.name(),
            self.0.location()
        )
    }
}

/// Where an item is defined, recorded by the macros for start-up messages.
#[derive(Debug)]
pub struct Location {
    /// `module_path!()` of the function.
    pub module: &'static str,
    /// `file!()`.
    pub file: &'static str,
    /// `line!()` of the function's name.
    pub line: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}:{})", self.module, self.file, self.line)
    }
}

/// What `inventory` collects: a pointer to an item's static record.
pub struct Registration(pub &'static Item);

inventory::collect!(Registration);

/// Tool behaviour hints (`annotations` on the wire).
#[derive(Clone, Copy, Default)]
pub struct ToolHints {
    /// `readOnlyHint`.
    pub read_only: Option<bool>,
    /// `destructiveHint`.
    pub destructive: Option<bool>,
    /// `idempotentHint`.
    pub idempotent: Option<bool>,
    /// `openWorldHint`.
    pub open_world: Option<bool>,
}

/// A synchronous or asynchronous tool body.
#[derive(Clone, Copy)]
pub enum ToolHandler {
    /// Runs inline on the transport's thread.
    Sync(fn(ToolArgs<'_>, &RequestScope<'_>) -> ToolResult),
    /// Returns a future.
    Async(for<'a> fn(ToolArgs<'a>, &'a RequestScope<'a>) -> BoxFuture<'a, ToolResult>),
}

/// A `#[tool]` function.
pub struct ToolDef {
    /// Where the function is defined.
    pub location: Location,
    /// Tool name.
    pub name: &'static str,
    /// Server tags.
    pub servers: &'static [&'static str],
    /// Icon URIs (`https:`, `http:` or `data:`).
    pub icons: &'static [&'static str],
    /// Roles that may see and use it (any one of them); empty: every caller.
    pub roles: &'static [&'static str],
    /// Display title.
    pub title: Option<&'static str>,
    /// Description for the model.
    pub description: Option<&'static str>,
    /// Behaviour hints.
    pub annotations: ToolHints,
    /// Schema of the arguments object.
    pub input_schema: fn(&mut SchemaGenerator) -> Schema,
    /// Schema of `structuredContent`, for typed results.
    pub output_schema: fn(&mut SchemaGenerator) -> Option<Schema>,
    /// The body.
    pub handler: ToolHandler,
    /// State types the body needs.
    pub requires: &'static [Option<fn() -> StateKey>],
    /// Whether the body takes a `Context` (and so may talk to the client while it runs).
    pub streaming: bool,
    /// Whether the tool may run as a task (`#[tool(task)]`).
    pub task: TaskSupport,
}

/// Whether a tool may run as a task: started by the call, polled by the client, its result
/// fetched later (`execution.taskSupport` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TaskSupport {
    /// Never: each call is answered with its result.
    #[default]
    Forbidden,
    /// When the client asks for (or accepts) one; otherwise an ordinary call.
    Optional,
    /// Only as a task: a client that cannot take tasks gets an error.
    Required,
}

/// A synchronous or asynchronous resource body.
#[derive(Clone, Copy)]
pub enum ResourceHandler {
    /// Runs inline.
    Sync(fn(&ResourceRequest<'_>, &RequestScope<'_>) -> ReadOutcome),
    /// Returns a future.
    Async(for<'a> fn(&'a ResourceRequest<'a>, &'a RequestScope<'a>) -> BoxFuture<'a, ReadOutcome>),
}

/// Completion for one argument or template variable.
pub struct CompletionDef {
    /// The argument (or variable) name.
    pub argument: &'static str,
    /// Candidate values for what the user typed so far.
    pub complete: for<'a> fn(&'a str, &'a RequestScope<'a>) -> BoxFuture<'a, Vec<String>>,
    /// State types the completion function takes.
    pub requires: &'static [Option<fn() -> StateKey>],
}

/// A `#[resource]` function.
pub struct ResourceDef {
    /// Where the function is defined.
    pub location: Location,
    /// The URI, or the RFC 6570 URI template.
    pub uri: &'static str,
    /// Whether `uri` is a template.
    pub is_template: bool,
    /// Resource name.
    pub name: &'static str,
    /// Server tags.
    pub servers: &'static [&'static str],
    /// Icon URIs (`https:`, `http:` or `data:`).
    pub icons: &'static [&'static str],
    /// Roles that may see and use it (any one of them); empty: every caller.
    pub roles: &'static [&'static str],
    /// Display title.
    pub title: Option<&'static str>,
    /// Description.
    pub description: Option<&'static str>,
    /// MIME type of the contents.
    pub mime_type: Option<&'static str>,
    /// The body.
    pub handler: ResourceHandler,
    /// Completions of template variables.
    pub completions: &'static [CompletionDef],
    /// State types the body needs.
    pub requires: &'static [Option<fn() -> StateKey>],
}

/// One prompt argument.
pub struct PromptArgDef {
    /// Argument name.
    pub name: &'static str,
    /// Description.
    pub description: Option<&'static str>,
    /// Whether the client must supply it.
    pub required: bool,
}

/// A synchronous or asynchronous prompt body.
#[derive(Clone, Copy)]
pub enum PromptHandler {
    /// Runs inline.
    Sync(fn(&PromptArgs<'_>, &RequestScope<'_>) -> PromptOutcome),
    /// Returns a future.
    Async(for<'a> fn(&'a PromptArgs<'a>, &'a RequestScope<'a>) -> BoxFuture<'a, PromptOutcome>),
}

/// A `#[prompt]` function.
pub struct PromptDef {
    /// Where the function is defined.
    pub location: Location,
    /// Prompt name.
    pub name: &'static str,
    /// Server tags.
    pub servers: &'static [&'static str],
    /// Icon URIs (`https:`, `http:` or `data:`).
    pub icons: &'static [&'static str],
    /// Roles that may see and use it (any one of them); empty: every caller.
    pub roles: &'static [&'static str],
    /// Display title.
    pub title: Option<&'static str>,
    /// Description.
    pub description: Option<&'static str>,
    /// Arguments, in parameter order.
    pub arguments: &'static [PromptArgDef],
    /// The body.
    pub handler: PromptHandler,
    /// Completions of arguments.
    pub completions: &'static [CompletionDef],
    /// State types the body needs.
    pub requires: &'static [Option<fn() -> StateKey>],
}

/// Identifies a state type a handler needs, so a missing one fails `build()`.
#[derive(Clone, Copy)]
pub struct StateKey {
    pub(crate) id: TypeId,
    /// `Arc<T>`'s id: `State<T>` is also served by a registered `Arc<T>`.
    pub(crate) arc_id: TypeId,
    /// The `Arc<T>` inside a registered `Arc<Arc<T>>`, as the value `State<T>` looks up.
    pub(crate) from_arc: fn(&AnyState) -> Option<AnyState>,
    pub(crate) name: &'static str,
}

/// A registered state value.
pub(crate) type AnyState = std::sync::Arc<dyn std::any::Any + Send + Sync>;

impl StateKey {
    /// The key of `T`.
    pub fn of<T: Send + Sync + 'static>() -> StateKey {
        StateKey {
            id: TypeId::of::<T>(),
            arc_id: TypeId::of::<std::sync::Arc<T>>(),
            from_arc: |any| {
                let arc = any.downcast_ref::<std::sync::Arc<T>>()?.clone();
                Some(arc)
            },
            name: std::any::type_name::<T>(),
        }
    }
}
