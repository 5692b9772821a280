//! Items defined at run time, without a macro: [`DynamicTool`], [`DynamicResource`] and
//! [`DynamicPrompt`]. Each is checked as `build()` checks a macro item, and rendered into its
//! list entry once, when it is registered.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

use super::build::header_params;
use super::live::{RegistryError, ResourceItem, Source};
use super::render::{
    check_icon, prompt_json, resource_json, tool_json, PromptFields, ResourceFields, ToolFields,
};
use super::{PromptEntry, PromptRun, ResourceRun, ToolEntry, ToolRun};
use crate::content::{PromptMessage, ResourceContents, ToolResult};
use crate::error::Error;
use crate::handler::inject::Context;
use crate::handler::registry::{TaskSupport, ToolHints};
use crate::handler::response::{
    IntoCompletions, IntoPromptMessages, IntoResourceContents, IntoToolResult,
};
use crate::handler::uri_template::UriTemplate;
use crate::schema;
use crate::util::BoxFuture;

/// A run-time tool's body: its arguments (a JSON object) and the request's [`Context`].
pub(crate) type DynHandler =
    Arc<dyn Fn(Value, Context) -> BoxFuture<'static, ToolResult> + Send + Sync>;

/// What a run-time resource's body is given.
pub(crate) struct ReadCall {
    /// The URI read.
    pub(crate) uri: String,
    /// The template's variables (empty for a plain resource).
    pub(crate) vars: HashMap<String, String>,
    /// The declared MIME type.
    pub(crate) mime_type: Option<Arc<str>>,
}

/// A run-time resource's body.
pub(crate) type ReadHandler = Arc<
    dyn Fn(ReadCall, Context) -> BoxFuture<'static, Result<Vec<ResourceContents>, Error>>
        + Send
        + Sync,
>;

/// A run-time completion: the typed prefix and the request's [`Context`].
pub(crate) type DynComplete =
    Arc<dyn Fn(String, Context) -> BoxFuture<'static, Vec<String>> + Send + Sync>;

/// Completion functions, by argument (or template variable) name.
pub(crate) type Completions = Vec<(String, DynComplete)>;

fn completion<F, Fut, R>(complete: F) -> DynComplete
where
    F: Fn(String, Context) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoCompletions,
{
    Arc::new(move |prefix, ctx| {
        let run = complete(prefix, ctx);
        Box::pin(async move { run.await.into_completions() })
    })
}

/// Each completion names a declared argument (or variable), once.
fn check_completions<'a>(
    what: &str,
    completions: &Completions,
    declared: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), RegistryError> {
    let mut seen = std::collections::HashSet::new();
    for (argument, _) in completions {
        if !declared.clone().any(|d| d == argument) {
            return Err(RegistryError::Invalid(format!(
                "{what}: a completion for `{argument}`, which it does not declare"
            )));
        }
        if !seen.insert(argument) {
            return Err(RegistryError::Invalid(format!(
                "{what}: two completions for `{argument}`"
            )));
        }
    }
    Ok(())
}

/// A run-time resource or template, as the catalog holds it.
pub(crate) struct DynResource {
    pub(crate) uri: Arc<str>,
    pub(crate) mime_type: Option<Arc<str>>,
    pub(crate) handler: ReadHandler,
    pub(crate) completions: Completions,
}

/// A run-time prompt's body: its arguments, by name.
pub(crate) type PromptBody = Arc<
    dyn Fn(
            HashMap<String, String>,
            Context,
        ) -> BoxFuture<'static, Result<Vec<PromptMessage>, Error>>
        + Send
        + Sync,
>;

/// A run-time prompt, as the catalog holds it.
pub(crate) struct DynPrompt {
    pub(crate) description: Option<String>,
    /// The arguments a `prompts/get` must supply.
    pub(crate) required: Vec<String>,
    pub(crate) handler: PromptBody,
    pub(crate) completions: Completions,
}

/// Each icon is an `https:`, `http:` or `data:` URI.
fn check_icons<'a>(what: &str, icons: &'a [String]) -> Result<Vec<&'a str>, RegistryError> {
    for src in icons {
        check_icon(src)
            .map_err(|why| RegistryError::Invalid(format!("{what} has icon `{src}`: {why}")))?;
    }
    Ok(icons.iter().map(String::as_str).collect())
}

/// A role is a non-empty name without spaces, `,` or `|` (as in `roles = [..]`).
fn check_roles(what: &str, roles: &[String]) -> Result<(), RegistryError> {
    if roles
        .iter()
        .any(|r| r.is_empty() || r.contains([' ', ',', '|']))
    {
        return Err(RegistryError::Invalid(format!(
            "{what}: a role is a non-empty name without spaces, `,` or `|`"
        )));
    }
    Ok(())
}

/// What every run-time item may show, and who may see it.
#[derive(Default)]
struct Common {
    title: Option<String>,
    description: Option<String>,
    icons: Vec<String>,
    roles: Vec<String>,
}

impl Common {
    /// Checks the roles and icons of `what`; the icons, to render.
    fn check(&self, what: &str) -> Result<Vec<&str>, RegistryError> {
        check_roles(what, &self.roles)?;
        check_icons(what, &self.icons)
    }
}

/// The setters every run-time item has, over its `common` field.
macro_rules! common_setters {
    (description: $description:literal, roles: $roles:literal) => {
        #[doc = $description]
        pub fn description(mut self, description: impl Into<String>) -> Self {
            self.common.description = Some(description.into());
            self
        }

        /// A display title.
        pub fn title(mut self, title: impl Into<String>) -> Self {
            self.common.title = Some(title.into());
            self
        }

        /// An icon for clients to show (`https:` or `http:` URL, or `data:` URI); call again
        /// for more sizes or formats.
        pub fn icon(mut self, src: impl Into<String>) -> Self {
            self.common.icons.push(src.into());
            self
        }

        #[doc = $roles]
        pub fn roles<S: Into<String>>(mut self, roles: impl IntoIterator<Item = S>) -> Self {
            self.common.roles = roles.into_iter().map(Into::into).collect();
            self
        }
    };
}

/// A tool defined at run time, without a macro: a name, a description, a JSON Schema for its
/// arguments and an async handler. Register it with [`Server::add_tool`] or
/// [`Server::replace_tool`].
///
/// [`Server::add_tool`]: crate::Server::add_tool
/// [`Server::replace_tool`]: crate::Server::replace_tool
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
    common: Common,
    input_schema: Value,
    output_schema: Option<Value>,
    annotations: ToolHints,
    task: TaskSupport,
    handler: DynHandler,
}

impl fmt::Debug for DynamicTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicTool")
            .field("name", &self.name)
            .field("description", &self.common.description)
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
            common: Common::default(),
            input_schema: serde_json::json!({"type": "object"}),
            output_schema: None,
            annotations: ToolHints::default(),
            task: TaskSupport::Forbidden,
            handler,
        }
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

    common_setters!(
        description: "The description the model reads.",
        roles: "Only callers with one of these roles see and call it (as `#[tool(roles = [..])]`)."
    );

    /// Checks it and renders its list entry.
    pub(super) fn into_source(self) -> Result<Source<ToolEntry>, RegistryError> {
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
        let icons = self.common.check(&format!("tool `{name}`"))?;
        let mut problems = Vec::new();
        let headers = header_params(&name, &self.input_schema, &mut problems);
        if let Some(problem) = problems.pop() {
            return Err(RegistryError::Invalid(problem));
        }
        let fields = ToolFields {
            name: &name,
            title: self.common.title.as_deref(),
            description: self.common.description.as_deref(),
            icons: &icons,
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
        Ok(Source::new(
            entry.name.clone(),
            entry,
            json,
            self.common.roles,
        ))
    }
}

/// A resource or a resource template defined at run time, without a macro: a URI (or an
/// RFC 6570 URI template), a name and an async handler. Register it with
/// [`Server::add_resource`] or [`Server::replace_resource`].
///
/// [`Server::add_resource`]: crate::Server::add_resource
/// [`Server::replace_resource`]: crate::Server::replace_resource
///
/// ```
/// use mcp_core::{tool, DynamicResource, Server};
///
/// /// Say hello.
/// #[tool(server = "live-res")]
/// fn hello() -> &'static str { "hello" }
///
/// let server = Server::builder("live-res").collect().build().unwrap();
/// let motd = DynamicResource::new("text://motd", "motd", |_ctx| async { "Hello, world" })
///     .description("The message of the day.");
/// let user = DynamicResource::template("users://{id}", "user", |_uri, vars, _ctx| async move {
///     format!("user {}", vars["id"])
/// })
/// .mime_type("text/plain")
/// .complete("id", |typed, _ctx| async move {
///     ["1", "2", "3"].into_iter().filter(move |id| id.starts_with(&typed))
/// });
/// server.add_resource(motd).unwrap();
/// server.add_resource(user).unwrap();
/// ```
pub struct DynamicResource {
    uri: String,
    template: bool,
    name: String,
    common: Common,
    mime_type: Option<String>,
    handler: ReadHandler,
    completions: Completions,
}

impl fmt::Debug for DynamicResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicResource")
            .field("uri", &self.uri)
            .field("template", &self.template)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl DynamicResource {
    /// A resource at `uri` (an absolute URI) called `name`, read by `handler`: it gets the
    /// request's [`Context`] and returns anything a `#[resource]` function may return
    /// (`Err(Error::not_found(..))` when there is nothing to read).
    pub fn new<F, Fut, R>(uri: impl Into<String>, name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoResourceContents,
    {
        Self::with(uri.into(), false, name.into(), move |_, _, ctx| {
            handler(ctx)
        })
    }

    /// A resource template (RFC 6570, with at least one variable) called `name`, read by
    /// `handler`: it gets the URI read, the values of the template's variables and the
    /// request's [`Context`].
    pub fn template<F, Fut, R>(
        uri_template: impl Into<String>,
        name: impl Into<String>,
        handler: F,
    ) -> Self
    where
        F: Fn(String, HashMap<String, String>, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoResourceContents,
    {
        Self::with(uri_template.into(), true, name.into(), handler)
    }

    fn with<F, Fut, R>(uri: String, template: bool, name: String, handler: F) -> Self
    where
        F: Fn(String, HashMap<String, String>, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoResourceContents,
    {
        let handler: ReadHandler = Arc::new(move |call: ReadCall, ctx| {
            let ReadCall {
                uri,
                vars,
                mime_type,
            } = call;
            let run = handler(uri.clone(), vars, ctx);
            Box::pin(async move { run.await.into_contents(&uri, mime_type.as_deref()) })
        });
        DynamicResource {
            uri,
            template,
            name,
            common: Common::default(),
            mime_type: None,
            handler,
            completions: Vec::new(),
        }
    }

    /// Completes the template variable `variable` (`completion/complete`): `complete` gets
    /// what the user typed so far and the request's [`Context`], and returns the candidates
    /// (any iterator of strings; the first 100 are sent, with the total).
    pub fn complete<F, Fut, R>(mut self, variable: impl Into<String>, complete: F) -> Self
    where
        F: Fn(String, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoCompletions,
    {
        self.completions
            .push((variable.into(), completion(complete)));
        self
    }

    /// The MIME type of its contents (listed, and given to contents that name none).
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    common_setters!(
        description: "A description of what it holds.",
        roles: "Only callers with one of these roles see and read it (as `#[resource(roles = [..])]`)."
    );

    /// Checks it and renders its list entry.
    pub(super) fn into_source(self) -> Result<Source<ResourceItem>, RegistryError> {
        let uri = self.uri;
        let what = format!("resource `{uri}`");
        if self.name.trim().is_empty() {
            return Err(RegistryError::Invalid(format!("{what}: the name is empty")));
        }
        let template = if self.template {
            let parsed = UriTemplate::parse(&uri).map_err(|why| {
                RegistryError::Invalid(format!("invalid URI template `{uri}`: {why}"))
            })?;
            if parsed.variables().next().is_none() {
                return Err(RegistryError::Invalid(format!(
                    "resource template `{uri}` has no variables; use `DynamicResource::new`"
                )));
            }
            let variables: Vec<String> = parsed.variables().map(str::to_owned).collect();
            let names = variables.iter().map(String::as_str);
            check_completions(&what, &self.completions, names)?;
            Some(Arc::new(parsed))
        } else {
            if let Some((variable, _)) = self.completions.first() {
                return Err(RegistryError::Invalid(format!(
                    "{what}: a completion for `{variable}`, but only templates have variables"
                )));
            }
            url::Url::parse(&uri).map_err(|why| {
                RegistryError::Invalid(format!("{what}: not an absolute URI ({why})"))
            })?;
            None
        };
        let icons = self.common.check(&what)?;
        let json = resource_json(&ResourceFields {
            uri: &uri,
            template: self.template,
            name: &self.name,
            title: self.common.title.as_deref(),
            description: self.common.description.as_deref(),
            mime_type: self.mime_type.as_deref(),
            icons: &icons,
        });
        let key: Arc<str> = uri.as_str().into();
        let run = ResourceRun::Dynamic(Arc::new(DynResource {
            uri: key.clone(),
            mime_type: self.mime_type.map(Into::into),
            handler: self.handler,
            completions: self.completions,
        }));
        let item = ResourceItem { run, template };
        Ok(Source::new(key, item, Arc::new(json), self.common.roles))
    }
}

/// A prompt defined at run time, without a macro: a name, its arguments and an async
/// handler. Register it with [`Server::add_prompt`] or [`Server::replace_prompt`].
///
/// [`Server::add_prompt`]: crate::Server::add_prompt
/// [`Server::replace_prompt`]: crate::Server::replace_prompt
///
/// ```
/// use mcp_core::{tool, DynamicPrompt, Server};
///
/// /// Say hello.
/// #[tool(server = "live-prompt")]
/// fn hello() -> &'static str { "hello" }
///
/// let server = Server::builder("live-prompt").collect().build().unwrap();
/// let review = DynamicPrompt::new("review", |args, _ctx| async move {
///     format!("Review this {} code.", args["language"])
/// })
/// .description("Ask for a code review.")
/// .argument("language", "The programming language", true)
/// .complete("language", |typed, _ctx| async move {
///     let known = ["python", "rust", "typescript"];
///     known.into_iter().filter(move |l| l.starts_with(&typed))
/// });
/// server.add_prompt(review).unwrap();
/// ```
pub struct DynamicPrompt {
    name: String,
    common: Common,
    arguments: Vec<(String, Option<String>, bool)>,
    handler: PromptBody,
    completions: Completions,
}

impl fmt::Debug for DynamicPrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicPrompt")
            .field("name", &self.name)
            .field("description", &self.common.description)
            .finish_non_exhaustive()
    }
}

impl DynamicPrompt {
    /// A prompt called `name` made by `handler`: it gets the arguments the client supplied
    /// (by name; every required one is there) and the request's [`Context`], and returns
    /// anything a `#[prompt]` function may return.
    pub fn new<F, Fut, R>(name: impl Into<String>, handler: F) -> Self
    where
        F: Fn(HashMap<String, String>, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoPromptMessages,
    {
        let handler: PromptBody = Arc::new(move |args, ctx| {
            let run = handler(args, ctx);
            Box::pin(async move { run.await.into_messages() })
        });
        DynamicPrompt {
            name: name.into(),
            common: Common::default(),
            arguments: Vec::new(),
            handler,
            completions: Vec::new(),
        }
    }

    /// Completes the argument `argument` (`completion/complete`): `complete` gets what the
    /// user typed so far and the request's [`Context`], and returns the candidates (any
    /// iterator of strings; the first 100 are sent, with the total).
    pub fn complete<F, Fut, R>(mut self, argument: impl Into<String>, complete: F) -> Self
    where
        F: Fn(String, Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoCompletions,
    {
        self.completions
            .push((argument.into(), completion(complete)));
        self
    }

    /// Declares an argument (in list order); a `prompts/get` without a `required` one is
    /// refused (`-32602`) before the handler runs.
    pub fn argument(
        mut self,
        name: impl Into<String>,
        description: impl Into<String>,
        required: bool,
    ) -> Self {
        self.arguments
            .push((name.into(), Some(description.into()), required));
        self
    }

    common_setters!(
        description: "The description clients show.",
        roles: "Only callers with one of these roles see and get it (as `#[prompt(roles = [..])]`)."
    );

    /// Checks it and renders its list entry.
    pub(super) fn into_source(self) -> Result<Source<PromptEntry>, RegistryError> {
        let name = self.name;
        let what = format!("prompt `{name}`");
        if name.trim().is_empty() {
            return Err(RegistryError::Invalid("a prompt's name is empty".into()));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some((dup, ..)) = self.arguments.iter().find(|(a, ..)| !seen.insert(a)) {
            return Err(RegistryError::Invalid(format!(
                "{what}: argument `{dup}` is declared twice"
            )));
        }
        let declared = self.arguments.iter().map(|(n, ..)| n.as_str());
        check_completions(&what, &self.completions, declared)?;
        let icons = self.common.check(&what)?;
        let json = prompt_json(&PromptFields {
            name: &name,
            title: self.common.title.as_deref(),
            description: self.common.description.as_deref(),
            icons: &icons,
            arguments: self
                .arguments
                .iter()
                .map(|(n, d, r)| (n.as_str(), d.as_deref(), *r))
                .collect(),
        });
        let key: Arc<str> = name.as_str().into();
        let prompt = DynPrompt {
            description: self.common.description.clone(),
            required: self
                .arguments
                .into_iter()
                .filter(|(.., required)| *required)
                .map(|(n, ..)| n)
                .collect(),
            handler: self.handler,
            completions: self.completions,
        };
        let entry = PromptEntry {
            run: PromptRun::Dynamic(Arc::new(prompt)),
            need: 0,
        };
        Ok(Source::new(key, entry, Arc::new(json), self.common.roles))
    }
}
