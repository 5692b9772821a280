//! [`Server`]: one named MCP server, built once at start-up from registered items
//! ([`build`]), with every list and discovery result rendered once per revision ([`render`]),
//! answering one parsed message at a time for any transport ([`dispatch`], [`call`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use bytes::Bytes;
use serde_json::json;

use crate::handler::registry::{CompletionDef, PromptDef, ResourceDef, TaskSupport, ToolHandler};
use crate::handler::scope::Shared;
use crate::handler::uri_template::UriTemplate;
use crate::runtime::listen::Listeners;
use crate::runtime::mrtr::Sealer;
use crate::session::Sessions;
use crate::wire::Version;

mod access;
mod build;
mod call;
pub(crate) mod dispatch;
mod dynamic;
pub(crate) mod envelope;
mod live;
mod render;
mod tasks;

pub use build::ServerBuilder;
pub(crate) use dispatch::{Outcome, Refusal};
pub use dynamic::{DynamicPrompt, DynamicResource, DynamicTool};
pub use live::RegistryError;

/// A named MCP server: its tools, resources and prompts, with every list response and schema
/// prepared at start-up.
///
/// Cheap to clone (an `Arc`); build it once, outside any per-worker factory, and share it.
///
/// ```
/// use mcp_core::{tool, Server};
///
/// /// Add two integers.
/// #[tool(server = "calc")]
/// fn add(a: i64, b: i64) -> i64 { a + b }
///
/// let server = Server::builder("calc").collect().build().unwrap();
/// assert_eq!(server.name(), "calc");
/// ```
#[derive(Clone)]
pub struct Server {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let catalog = self.inner.catalog.load();
        f.debug_struct("Server")
            .field("name", &self.inner.info.name)
            .field("tools", &catalog.tools.len())
            .field("resources", &catalog.resources.len())
            .field("resource_templates", &catalog.templates.len())
            .field("prompts", &catalog.prompts.len())
            .finish()
    }
}

pub(crate) struct Info {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) website_url: Option<String>,
    pub(crate) instructions: Option<String>,
    pub(crate) icons: Vec<String>,
}

#[derive(Clone)]
pub(crate) struct ToolEntry {
    pub(crate) name: Arc<str>,
    /// The body: a `#[tool]` function, or one registered at run time.
    pub(crate) run: ToolRun,
    /// Whether the body takes a `Context` (and so may talk to the client while it runs).
    pub(crate) streaming: bool,
    pub(crate) task: TaskSupport,
    pub(crate) wrap_output: bool,
    /// Arguments the client repeats in `Mcp-Param-*` headers (`x-mcp-header`).
    pub(crate) headers: Vec<HeaderParam>,
    /// The role set a caller needs to see it (0: none).
    pub(crate) need: access::Mask,
}

/// A tool's body.
#[derive(Clone)]
pub(crate) enum ToolRun {
    Static(ToolHandler),
    Dynamic(dynamic::DynHandler),
}

/// An argument mirrored in an HTTP header.
#[derive(Clone)]
pub(crate) struct HeaderParam {
    /// The argument (property) name.
    pub(crate) property: String,
    /// The full header name, lowercase: `mcp-param-<name>`.
    pub(crate) header: String,
    /// How the header's text compares with the argument.
    pub(crate) kind: HeaderKind,
}

/// The JSON type of an argument mirrored in a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderKind {
    /// Compared exactly.
    String,
    /// Compared numerically (`42` equals `42.0`).
    Integer,
    /// `true` or `false`.
    Boolean,
}

/// A resource (or a template): a `#[resource]` function, or one registered at run time.
#[derive(Clone)]
pub(crate) enum ResourceRun {
    Static(&'static ResourceDef),
    Dynamic(Arc<dynamic::DynResource>),
}

impl ResourceRun {
    /// The URI, or the URI template.
    pub(crate) fn uri(&self) -> &str {
        match self {
            ResourceRun::Static(def) => def.uri,
            ResourceRun::Dynamic(r) => &r.uri,
        }
    }

    /// The completion of its template variable `variable`.
    pub(crate) fn completion(&self, variable: &str) -> Option<Completer<'_>> {
        match self {
            ResourceRun::Static(def) => Completer::of_static(def.completions, variable),
            ResourceRun::Dynamic(r) => Completer::of_dynamic(&r.completions, variable),
        }
    }
}

/// A completion function, of a macro item or of a run-time one.
pub(crate) enum Completer<'a> {
    Static(&'static CompletionDef),
    Dynamic(&'a dynamic::DynComplete),
}

impl<'a> Completer<'a> {
    fn of_static(defs: &'static [CompletionDef], argument: &str) -> Option<Completer<'a>> {
        defs.iter()
            .find(|c| c.argument == argument)
            .map(Completer::Static)
    }

    fn of_dynamic(defs: &'a dynamic::Completions, argument: &str) -> Option<Completer<'a>> {
        defs.iter()
            .find(|(a, _)| a == argument)
            .map(|(_, f)| Completer::Dynamic(f))
    }
}

#[derive(Clone)]
pub(crate) struct ResourceEntry {
    pub(crate) run: ResourceRun,
    pub(crate) need: access::Mask,
}

#[derive(Clone)]
pub(crate) struct TemplateEntry {
    pub(crate) run: ResourceRun,
    pub(crate) template: Arc<UriTemplate>,
    pub(crate) need: access::Mask,
}

/// A prompt: a `#[prompt]` function, or one registered at run time.
#[derive(Clone)]
pub(crate) enum PromptRun {
    Static(&'static PromptDef),
    Dynamic(Arc<dynamic::DynPrompt>),
}

impl PromptRun {
    /// The completion of its argument `argument`.
    pub(crate) fn completion(&self, argument: &str) -> Option<Completer<'_>> {
        match self {
            PromptRun::Static(def) => Completer::of_static(def.completions, argument),
            PromptRun::Dynamic(p) => Completer::of_dynamic(&p.completions, argument),
        }
    }
}

#[derive(Clone)]
pub(crate) struct PromptEntry {
    pub(crate) run: PromptRun,
    pub(crate) need: access::Mask,
}

/// One paginated list, pre-serialized per page: each entry is a complete result object.
pub(crate) type Pages = Vec<Bytes>;

/// The four list responses of one revision, for one set of visible items.
#[derive(Default)]
pub(crate) struct ListPages {
    pub(crate) tools: Pages,
    pub(crate) resources: Pages,
    pub(crate) templates: Pages,
    pub(crate) prompts: Pages,
}

/// What one revision serves of the current items.
#[derive(Default)]
pub(crate) struct Rendered {
    /// The lists a caller without roles sees (every list, when no item names roles).
    pub(crate) lists: ListPages,
    /// `initialize` (session revisions) or `server/discover` (stateless) result.
    pub(crate) hello: Bytes,
}

/// The items as they are now, with everything rendered from them: replaced as a whole when
/// the registry changes, so that a request (and a call already running) keeps the snapshot
/// it started with.
pub(crate) struct Catalog {
    pub(crate) tools: Vec<ToolEntry>,
    pub(crate) tool_index: HashMap<Arc<str>, usize>,
    pub(crate) resources: Vec<ResourceEntry>,
    pub(crate) resource_index: HashMap<Arc<str>, usize>,
    pub(crate) templates: Vec<TemplateEntry>,
    pub(crate) prompts: Vec<PromptEntry>,
    pub(crate) prompt_index: HashMap<Arc<str>, usize>,
    /// Per revision.
    pub(crate) rendered: [Rendered; 4],
    /// Every item's list entry, to render the lists of callers with roles.
    pub(crate) lists: render::Lists,
    /// The role sets items need.
    pub(crate) access: access::Access,
    /// The lists of callers with roles, per mask.
    pub(crate) views: access::Views,
    /// The kinds of item served, and so the methods and capabilities.
    pub(crate) served: Served,
}

/// Which kinds of item a server serves: those it has, and those it had before a registry
/// change took the last of them away (the list then answers empty, its capability stays, and
/// tasks already made can still be polled).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct Served {
    pub(crate) tools: bool,
    /// Resources or templates.
    pub(crate) resources: bool,
    pub(crate) prompts: bool,
    /// `completion/complete`: there are prompts or templates.
    pub(crate) completions: bool,
    /// Tools that may run as tasks, and so the task methods.
    pub(crate) tasks: bool,
}

impl Served {
    /// What is served now, given what was served before.
    pub(crate) fn since(self, earlier: Served) -> Served {
        Served {
            tools: self.tools || earlier.tools,
            resources: self.resources || earlier.resources,
            prompts: self.prompts || earlier.prompts,
            completions: self.completions || earlier.completions,
            tasks: self.tasks || earlier.tasks,
        }
    }
}

impl Catalog {
    /// Whether `uri` is a resource that a caller of `mask` may not see: a static resource
    /// hidden from it, or a URI that only hidden templates match.
    pub(crate) fn hides(&self, uri: &str, mask: access::Mask) -> bool {
        if self.access.is_open() {
            return false;
        }
        if let Some(&i) = self.resource_index.get(uri) {
            return !access::visible(self.resources[i].need, mask);
        }
        let mut matching = (self.templates.iter())
            .filter(|t| t.template.matches(uri).is_some())
            .peekable();
        matching.peek().is_some() && matching.all(|t| !access::visible(t.need, mask))
    }

    /// What entry `i` of list `kind` needs.
    pub(crate) fn need(&self, kind: render::ListKind, i: usize) -> access::Mask {
        match kind {
            render::ListKind::Tools => self.tools[i].need,
            render::ListKind::Resources => self.resources[i].need,
            render::ListKind::Templates => self.templates[i].need,
            render::ListKind::Prompts => self.prompts[i].need,
        }
    }
}

/// Everything that depends only on the protocol revision.
pub(crate) struct PerVersion {
    /// Fields closing every result: empty, or `"resultType":"complete","_meta":{..}`.
    pub(crate) suffix: Box<[u8]>,
    /// Like `suffix`, plus the cache hints of `resources/read`.
    pub(crate) read_suffix: Box<[u8]>,
    /// `suffix` without `resultType`, for results of another type.
    pub(crate) meta_suffix: Box<[u8]>,
}

pub(crate) struct Inner {
    pub(crate) info: Info,
    /// The items and everything rendered from them, as of the last registry change.
    pub(crate) catalog: ArcSwap<Catalog>,
    /// The items' sources, from which each change renders a new catalog.
    pub(crate) live: std::sync::Mutex<live::Sources>,
    /// What handlers share: the name, registered state, limits.
    pub(crate) shared: Shared,
    pub(crate) per_version: [PerVersion; 4],
    pub(crate) page_size: Option<usize>,
    pub(crate) cache_ttl: Duration,
    pub(crate) sessions: Sessions,
    pub(crate) sealer: Sealer,
    pub(crate) listeners: Listeners,
    pub(crate) limits: Limits,
    /// The state instances share (rate-limit buckets, nonces, tasks).
    pub(crate) store: Arc<dyn crate::store::Store>,
    /// The tasks running here.
    pub(crate) tasks: tasks::Tasks,
}

/// Bounds on what clients can make the server hold.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Resource subscriptions per session, and per listen stream.
    pub(crate) subscriptions: usize,
    /// Open `subscriptions/listen` streams.
    pub(crate) listen_streams: usize,
    /// How long a request to the client (elicitation, sampling, roots) in a session waits.
    pub(crate) client_request_timeout: Duration,
    /// Sessions one client address may hold (0: no limit).
    pub(crate) sessions_per_client: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            subscriptions: 1_000,
            listen_streams: 1_000,
            client_request_timeout: Duration::from_secs(300),
            sessions_per_client: 1_000,
        }
    }
}

impl Inner {
    pub(crate) fn v(&self, version: Version) -> &PerVersion {
        &self.per_version[version.index()]
    }

    /// Runs `f` on the lists of `version` that `mask` sees, in `catalog`.
    pub(crate) fn with_lists<R>(
        &self,
        catalog: &Catalog,
        version: Version,
        mask: access::Mask,
        f: impl FnOnce(&ListPages) -> R,
    ) -> R {
        if mask == 0 {
            return f(&catalog.rendered[version.index()].lists);
        }
        let views = catalog.views.get(mask, || {
            Version::ALL.map(|v| {
                render::list_pages(
                    v,
                    &self.info,
                    &catalog.lists,
                    self.page_size,
                    self.cache_ttl,
                    &|kind, i| access::visible(catalog.need(kind, i), mask),
                )
            })
        });
        f(&views[version.index()])
    }
}

impl Server {
    /// For transports: how tasks run in the background (e.g. `tokio::spawn`); the first
    /// transport to set it wins. Without it, tools run only as ordinary calls.
    pub(crate) fn set_spawn(&self, spawn: crate::session::Spawn) {
        self.inner.tasks.set_spawn(spawn);
    }

    /// Starts building a server called `name` (its `serverInfo.name`).
    pub fn builder(name: impl Into<String>) -> ServerBuilder {
        ServerBuilder::new(name.into())
    }

    /// The server's name.
    pub fn name(&self) -> &str {
        &self.inner.info.name
    }

    /// The names of its tools now, in list order.
    pub fn tool_names(&self) -> impl Iterator<Item = String> {
        let catalog = self.inner.catalog.load_full();
        let names: Vec<String> = catalog.tools.iter().map(|t| t.name.to_string()).collect();
        names.into_iter()
    }

    /// Tells clients subscribed to `uri` that the resource changed
    /// (`notifications/resources/updated`).
    ///
    /// In revision 2026-07-28 these are the `subscriptions/listen` streams whose
    /// `resourceSubscriptions` name this URI. In the session revisions they are the sessions
    /// that called `resources/subscribe` with it and hold a standalone stream (HTTP `GET`).
    /// Returns how many streams were told.
    pub fn notify_resource_updated(&self, uri: &str) -> usize {
        let message = serde_json::to_vec(&json!({
            "jsonrpc": "2.0",
            "method": "notifications/resources/updated",
            "params": { "uri": uri },
        }))
        .expect("serializes");
        let message = Bytes::from(message);
        let sessions = self
            .inner
            .sessions
            .all()
            .into_iter()
            .filter(|s| s.is_subscribed(uri))
            .filter(|s| s.send(message.clone()))
            .count();
        sessions + self.inner.listeners.resource_updated(uri)
    }

    /// Ends every open `subscriptions/listen` stream gracefully (its result, then the end of
    /// the stream), e.g. before shutting down; clients may listen again elsewhere. Returns
    /// how many streams were open.
    pub fn close_subscriptions(&self) -> usize {
        self.inner.listeners.close_all()
    }

    /// Number of open `subscriptions/listen` streams (revision 2026-07-28).
    pub fn subscription_count(&self) -> usize {
        self.inner.listeners.len()
    }

    /// Number of live sessions (session revisions).
    pub fn session_count(&self) -> usize {
        self.inner.sessions.len()
    }
}
