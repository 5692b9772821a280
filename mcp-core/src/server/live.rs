//! The live registry: tools added, replaced, removed, enabled and disabled while the server
//! runs, beside the `#[tool]` functions it was built with.
//!
//! Every change renders a new [`Catalog`] (the tool table and every list response, once per
//! revision: work proportional to the lists) and swaps it in whole. A request reads the
//! catalog once, so it sees one consistent set of tools, and a call already running keeps the
//! definition it started with. Clients are then told: `notifications/tools/list_changed` on
//! every session's standalone stream (and stdio), and on the `subscriptions/listen` streams
//! that asked for `toolsListChanged`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use super::access::Views;
use super::build::header_params;
use super::render::{capabilities_of, per_version, tool_json, Entry, ListKind, Lists, ToolFields};
use super::{Catalog, Inner, Server, ToolEntry, ToolRun};
use crate::content::ToolResult;
use crate::handler::inject::Context;
use crate::handler::registry::{TaskSupport, ToolHints};
use crate::handler::response::IntoToolResult;
use crate::schema;
use crate::util::{lock, BoxFuture};
use crate::wire::Version;

/// A run-time tool's body: its arguments (a JSON object) and the request's [`Context`].
pub(crate) type DynHandler =
    Arc<dyn Fn(Value, Context) -> BoxFuture<'static, ToolResult> + Send + Sync>;

/// A tool defined at run time, without a macro: a name, a description, a JSON Schema for its
/// arguments and an async handler. Register it with [`Server::add_tool`] or
/// [`Server::replace_tool`].
///
/// ```
/// use mcp_core::{tool, DynamicTool, Server};
/// use serde_json::json;
///
/// /// Say hello.
/// #[tool(server = "live-doc")]
/// fn hello() -> &'static str { "hello" }
///
/// let server = Server::builder("live-doc").collect().build().unwrap();
/// let shout = DynamicTool::new("shout", |args, _ctx| async move {
///     args["text"].as_str().unwrap_or_default().to_uppercase()
/// })
/// .description("Repeat `text`, louder.")
/// .input_schema(json!({
///     "type": "object",
///     "properties": {"text": {"type": "string"}},
///     "required": ["text"],
/// }));
/// server.add_tool(shout).unwrap();
/// assert_eq!(server.tool_names().collect::<Vec<_>>(), ["hello", "shout"]);
/// ```
pub struct DynamicTool {
    name: String,
    title: Option<String>,
    description: Option<String>,
    input_schema: Value,
    output_schema: Option<Value>,
    annotations: ToolHints,
    roles: Vec<String>,
    task: TaskSupport,
    handler: DynHandler,
}

impl fmt::Debug for DynamicTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicTool")
            .field("name", &self.name)
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl DynamicTool {
    /// A tool called `name` whose body is `handler`: it gets the call's arguments (a JSON
    /// object; validate them against your schema) and its [`Context`], and returns anything
    /// a `#[tool]` function may return. By default it takes any object.
    pub fn new<F, Fut, R>(name: impl Into<String>, handler: F) -> DynamicTool
    where
        F: Fn(Value, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoToolResult,
    {
        let handler: DynHandler = Arc::new(move |args, ctx| {
            let run = handler(args, ctx);
            Box::pin(async move { run.await.into_tool_result() })
        });
        DynamicTool {
            name: name.into(),
            title: None,
            description: None,
            input_schema: serde_json::json!({"type": "object"}),
            output_schema: None,
            annotations: ToolHints::default(),
            roles: Vec::new(),
            task: TaskSupport::Forbidden,
            handler,
        }
    }

    /// The description the model reads.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// A display title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The JSON Schema of the arguments: an object schema.
    pub fn input_schema(mut self, schema: Value) -> Self {
        self.input_schema = schema;
        self
    }

    /// The JSON Schema of the structured content the tool returns (an object schema).
    pub fn output_schema(mut self, schema: Value) -> Self {
        self.output_schema = Some(schema);
        self
    }

    /// Only callers with one of these roles see and call it (as `#[tool(roles = [..])]`).
    pub fn roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> Self {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// Whether it may (or must) run as a task (as `#[tool(task)]`).
    pub fn task(mut self, support: TaskSupport) -> Self {
        self.task = support;
        self
    }

    /// `readOnlyHint`: it changes nothing.
    pub fn read_only(mut self, yes: bool) -> Self {
        self.annotations.read_only = Some(yes);
        self
    }

    /// `destructiveHint`: it may destroy data.
    pub fn destructive(mut self, yes: bool) -> Self {
        self.annotations.destructive = Some(yes);
        self
    }

    /// `idempotentHint`: calling it again with the same arguments changes nothing more.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.annotations.idempotent = Some(yes);
        self
    }

    /// `openWorldHint`: it reaches outside systems.
    pub fn open_world(mut self, yes: bool) -> Self {
        self.annotations.open_world = Some(yes);
        self
    }

    /// Checks it and renders its list entry.
    fn into_source(self) -> Result<Source, RegistryError> {
        let name = self.name;
        mcp_grammar::check_tool_name(&name)
            .map_err(|why| RegistryError::Invalid(format!("invalid tool name `{name}`: {why}")))?;
        if !schema::is_object(&self.input_schema) {
            return Err(RegistryError::Invalid(format!(
                "tool `{name}`: the input schema must describe a JSON object (`\"type\": \"object\"`)"
            )));
        }
        if self
            .output_schema
            .as_ref()
            .is_some_and(|o| !schema::is_object(o))
        {
            return Err(RegistryError::Invalid(format!(
                "tool `{name}`: the output schema must describe a JSON object"
            )));
        }
        if self
            .roles
            .iter()
            .any(|r| r.is_empty() || r.contains([' ', ',', '|']))
        {
            return Err(RegistryError::Invalid(format!(
                "tool `{name}`: a role is a non-empty name without spaces, `,` or `|`"
            )));
        }
        let mut problems = Vec::new();
        let headers = header_params(&name, &self.input_schema, &mut problems);
        if let Some(problem) = problems.pop() {
            return Err(RegistryError::Invalid(problem));
        }
        let fields = ToolFields {
            name: &name,
            title: self.title.as_deref(),
            description: self.description.as_deref(),
            icons: &[],
            annotations: self.annotations,
            task: self.task,
        };
        let json = Arc::new(tool_json(&fields, self.input_schema, self.output_schema));
        let entry = ToolEntry {
            name: name.as_str().into(),
            run: ToolRun::Dynamic(self.handler),
            streaming: true,
            task: self.task,
            wrap_output: false,
            headers,
            need: 0,
        };
        Ok(Source {
            entry,
            json,
            roles: self.roles,
            enabled: true,
        })
    }
}

/// Why a registry change was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// A tool of that name exists already (use [`Server::replace_tool`]).
    Exists(String),
    /// No tool of that name.
    NotFound(String),
    /// The definition is invalid: a bad name or schema, or a role set too many.
    Invalid(String),
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::Exists(name) => write!(f, "a tool named `{name}` exists already"),
            RegistryError::NotFound(name) => write!(f, "no tool named `{name}`"),
            RegistryError::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for RegistryError {}

/// One tool as registered, enabled or not.
#[derive(Clone)]
struct Source {
    entry: ToolEntry,
    json: Entry,
    roles: Vec<String>,
    enabled: bool,
}

/// Every tool of the server, by name (which is list order).
pub(crate) struct Sources {
    tools: BTreeMap<Arc<str>, Source>,
}

impl Sources {
    /// The `#[tool]` functions the server was built with.
    pub(crate) fn new(
        tools: &[ToolEntry],
        json: &[Entry],
        roles: &[&'static [&'static str]],
    ) -> Sources {
        let tools = tools
            .iter()
            .zip(json)
            .zip(roles)
            .map(|((entry, json), roles)| {
                let source = Source {
                    entry: entry.clone(),
                    json: json.clone(),
                    roles: roles.iter().map(|r| r.to_string()).collect(),
                    enabled: true,
                };
                (entry.name.clone(), source)
            })
            .collect();
        Sources { tools }
    }
}

/// The catalog for `sources`: the tools that are enabled, and every list rendered again.
fn render(inner: &Inner, sources: &Sources) -> Result<Catalog, RegistryError> {
    let old = inner.catalog.load();
    let mut access = old.access.clone();
    let mut tools = Vec::new();
    let mut tool_index = HashMap::new();
    let mut tool_json = Vec::new();
    for (name, source) in sources.tools.iter().filter(|(_, s)| s.enabled) {
        let mut entry = source.entry.clone();
        entry.need = access.need(&source.roles).ok_or_else(|| {
            RegistryError::Invalid(format!(
                "tool `{name}`: the server uses the most distinct role sets it may already"
            ))
        })?;
        tool_index.insert(name.clone(), tools.len());
        tools.push(entry);
        tool_json.push(source.json.clone());
    }
    let lists = Lists {
        tools: tool_json,
        resources: old.lists.resources.clone(),
        templates: old.lists.templates.clone(),
        prompts: old.lists.prompts.clone(),
    };
    let has_tasks = tools.iter().any(|t| t.task != TaskSupport::Forbidden);
    let public = |kind: ListKind, i: usize| match kind {
        ListKind::Tools => tools[i].need == 0,
        ListKind::Resources => inner.resources[i].need == 0,
        ListKind::Templates => inner.templates[i].need == 0,
        ListKind::Prompts => inner.prompts[i].need == 0,
    };
    let rendered = Version::ALL.map(|v| {
        let caps = capabilities_of(v, &lists, inner.has_completions, has_tasks);
        per_version(
            v,
            &inner.info,
            &lists,
            &caps,
            inner.page_size,
            inner.cache_ttl,
            &public,
        )
        .0
    });
    Ok(Catalog {
        tools,
        tool_index,
        rendered,
        lists,
        access,
        views: Views::default(),
        has_tasks,
    })
}

impl Server {
    /// Adds a tool while the server runs; clients are told its list changed. Fails when a
    /// tool of that name exists (enabled or not) or the definition is invalid.
    pub fn add_tool(&self, tool: DynamicTool) -> Result<(), RegistryError> {
        let source = tool.into_source()?;
        self.change(|sources| {
            let name = source.entry.name.clone();
            if sources.tools.contains_key(&name) {
                return Err(RegistryError::Exists(name.to_string()));
            }
            sources.tools.insert(name, source);
            Ok(())
        })
    }

    /// Adds a tool, or replaces the tool of that name (a `#[tool]` function too, enabled or
    /// not: the new one is enabled). Calls already running finish with the old definition.
    pub fn replace_tool(&self, tool: DynamicTool) -> Result<(), RegistryError> {
        let source = tool.into_source()?;
        self.change(|sources| {
            sources.tools.insert(source.entry.name.clone(), source);
            Ok(())
        })
    }

    /// Removes the tool `name` (a `#[tool]` function too).
    pub fn remove_tool(&self, name: &str) -> Result<(), RegistryError> {
        self.change(|sources| match sources.tools.remove(name) {
            Some(_) => Ok(()),
            None => Err(RegistryError::NotFound(name.to_string())),
        })
    }

    /// Hides (`false`) or shows again (`true`) the tool `name`: a disabled tool is absent
    /// from lists and refused as an unknown one, until it is enabled again.
    pub fn set_tool_enabled(&self, name: &str, enabled: bool) -> Result<(), RegistryError> {
        self.change(|sources| match sources.tools.get_mut(name) {
            Some(source) => {
                source.enabled = enabled;
                Ok(())
            }
            None => Err(RegistryError::NotFound(name.to_string())),
        })
    }

    /// Applies `edit` to the sources, renders and swaps in the new catalog, and tells
    /// clients. Changes are serialized; on an error nothing changes.
    fn change(
        &self,
        edit: impl FnOnce(&mut Sources) -> Result<(), RegistryError>,
    ) -> Result<(), RegistryError> {
        {
            let mut sources = lock(&self.inner.live);
            let mut edited = Sources {
                tools: sources.tools.clone(),
            };
            edit(&mut edited)?;
            let catalog = render(&self.inner, &edited)?;
            *sources = edited;
            self.inner.catalog.store(Arc::new(catalog));
        }
        self.tools_changed();
        Ok(())
    }

    /// `notifications/tools/list_changed` to every session and listen stream that wants it.
    fn tools_changed(&self) {
        let message =
            Bytes::from_static(br#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#);
        for session in self.inner.sessions.all() {
            session.send(message.clone());
        }
        self.inner.listeners.tools_changed();
    }
}
