//! [`Server`]: one named MCP server, built once at start-up from registered items.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Map, Value};

use crate::error::BuildError;
use crate::listen::Listeners;
use crate::mrtr::Sealer;
use crate::protocol::Version;
use crate::registry::{AnyState, Item, PromptDef, Registration, ResourceDef, ToolDef};
use crate::schema;
use crate::session::Sessions;
use crate::uri_template::UriTemplate;

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
        f.debug_struct("Server")
            .field("name", &self.inner.info.name)
            .field("tools", &self.inner.tools.len())
            .field("resources", &self.inner.resources.len())
            .field("resource_templates", &self.inner.templates.len())
            .field("prompts", &self.inner.prompts.len())
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

pub(crate) struct ToolEntry {
    pub(crate) def: &'static ToolDef,
    pub(crate) wrap_output: bool,
    /// Arguments the client repeats in `Mcp-Param-*` headers (`x-mcp-header`).
    pub(crate) headers: Vec<HeaderParam>,
}

/// An argument mirrored in an HTTP header.
pub(crate) struct HeaderParam {
    /// The argument (property) name.
    pub(crate) property: String,
    /// The full header name, lowercase: `mcp-param-<name>`.
    pub(crate) header: String,
    /// `string`, `integer` or `boolean`.
    pub(crate) kind: &'static str,
}

/// The one non-null `type` of a property schema, if it has exactly one.
fn primitive_type(prop: &Value) -> Option<&str> {
    match prop.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => {
            let mut named = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null");
            let only = named.next()?;
            named.next().is_none().then_some(only)
        }
        _ => None,
    }
}

/// The `x-mcp-header` declarations of an input schema, checked.
fn header_params(tool: &str, schema: &Value, problems: &mut Vec<String>) -> Vec<HeaderParam> {
    let mut params: Vec<HeaderParam> = Vec::new();
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return params;
    };
    for (property, prop) in properties {
        let Some(name) = prop.get("x-mcp-header") else {
            continue;
        };
        let Some(name) = name.as_str().filter(|n| {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        }) else {
            problems.push(format!("tool `{tool}`: argument `{property}` has an invalid `x-mcp-header` name {name}; use an HTTP token such as \"Region\""));
            continue;
        };
        // An optional argument is `["integer", "null"]`: the header carries the non-null value.
        let kind = match primitive_type(prop) {
            Some("string") => "string",
            Some("integer") => "integer",
            Some("boolean") => "boolean",
            _ => {
                problems.push(format!("tool `{tool}`: argument `{property}` has `x-mcp-header` but is not a string, integer or boolean"));
                continue;
            }
        };
        let header = format!("mcp-param-{}", name.to_ascii_lowercase());
        if params.iter().any(|p| p.header == header) {
            problems.push(format!(
                "tool `{tool}`: two arguments use the `x-mcp-header` name {name}"
            ));
            continue;
        }
        params.push(HeaderParam {
            property: property.clone(),
            header,
            kind,
        });
    }
    params
}

pub(crate) struct ResourceEntry {
    pub(crate) def: &'static ResourceDef,
}

pub(crate) struct TemplateEntry {
    pub(crate) def: &'static ResourceDef,
    pub(crate) template: UriTemplate,
}

pub(crate) struct PromptEntry {
    pub(crate) def: &'static PromptDef,
}

/// One paginated list, pre-serialized per page: each entry is a complete result object.
pub(crate) type Pages = Vec<Bytes>;

/// Everything that depends only on the protocol revision.
pub(crate) struct PerVersion {
    pub(crate) tools: Pages,
    pub(crate) resources: Pages,
    pub(crate) templates: Pages,
    pub(crate) prompts: Pages,
    /// `initialize` (session revisions) or `server/discover` (stateless) result.
    pub(crate) hello: Bytes,
    /// Fields closing every result: empty, or `"resultType":"complete","_meta":{..}`.
    pub(crate) suffix: Box<[u8]>,
    /// Like `suffix`, plus the cache hints of `resources/read`.
    pub(crate) read_suffix: Box<[u8]>,
}

pub(crate) struct Inner {
    pub(crate) info: Info,
    pub(crate) tools: Vec<ToolEntry>,
    pub(crate) tool_index: HashMap<&'static str, usize>,
    pub(crate) resources: Vec<ResourceEntry>,
    pub(crate) resource_index: HashMap<&'static str, usize>,
    pub(crate) templates: Vec<TemplateEntry>,
    pub(crate) prompts: Vec<PromptEntry>,
    pub(crate) prompt_index: HashMap<&'static str, usize>,
    pub(crate) state: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    pub(crate) per_version: [PerVersion; 4],
    pub(crate) sessions: Sessions,
    pub(crate) has_completions: bool,
    pub(crate) sealer: Sealer,
    pub(crate) listeners: Listeners,
    pub(crate) limits: Limits,
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
}

impl Server {
    /// Starts building a server called `name` (its `serverInfo.name`).
    pub fn builder(name: impl Into<String>) -> ServerBuilder {
        ServerBuilder {
            name: name.into(),
            version: "0.0.0".into(),
            title: None,
            description: None,
            website_url: None,
            instructions: None,
            items: Vec::new(),
            collect: false,
            collect_untagged: false,
            state: HashMap::new(),
            state_names: Vec::new(),
            page_size: None,
            cache_ttl: Duration::from_secs(300),
            max_sessions: 10_000,
            session_idle: Duration::from_secs(30 * 60),
            allow_empty: false,
            request_state_key: None,
            request_state_ttl: Duration::from_secs(30 * 60),
            icons: Vec::new(),
            limits: Limits::default(),
        }
    }

    /// The server's name.
    pub fn name(&self) -> &str {
        &self.inner.info.name
    }

    /// The names of its tools, in list order.
    pub fn tool_names(&self) -> impl Iterator<Item = &str> {
        self.inner.tools.iter().map(|t| t.def.name)
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

    /// Number of live legacy sessions.
    pub fn session_count(&self) -> usize {
        self.inner.sessions.len()
    }
}

/// Configures and validates a [`Server`]. Created by [`Server::builder`].
pub struct ServerBuilder {
    name: String,
    version: String,
    title: Option<String>,
    description: Option<String>,
    website_url: Option<String>,
    instructions: Option<String>,
    items: Vec<&'static Item>,
    collect: bool,
    collect_untagged: bool,
    state: HashMap<TypeId, AnyState>,
    state_names: Vec<&'static str>,
    page_size: Option<usize>,
    cache_ttl: Duration,
    max_sessions: usize,
    session_idle: Duration,
    allow_empty: bool,
    request_state_key: Option<Vec<u8>>,
    request_state_ttl: Duration,
    icons: Vec<String>,
    limits: Limits,
}

impl ServerBuilder {
    /// The version in `serverInfo` (default `"0.0.0"`); usually `env!("CARGO_PKG_VERSION")`.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// A display title for the server.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// A description of the server (2025-11-25 and later).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The server's website (2025-11-25 and later).
    pub fn website_url(mut self, url: impl Into<String>) -> Self {
        self.website_url = Some(url.into());
        self
    }

    /// An icon for clients to show beside the server's name (2025-11-25 and later): an
    /// `https:` (or `http:`) URL or a `data:` URI. Call again for more sizes or formats; the
    /// MIME type is taken from the file extension or the data URI.
    pub fn icon(mut self, src: impl Into<String>) -> Self {
        self.icons.push(src.into());
        self
    }

    /// Instructions for the model on how to use this server.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Adds every `#[tool]`, `#[resource]` and `#[prompt]` in the program whose `server` key
    /// names this server (`server = "name"` or `server = ["a", "b"]`), and every one shared
    /// with all servers (`server = "*"`).
    ///
    /// Items that name no server are not added: in a program with several servers, an item
    /// must say where it is served, so that a forgotten key never exposes a tool everywhere.
    /// A program with a single server can leave the key off and call
    /// [`collect_untagged`](Self::collect_untagged) instead. `build()` logs (through `tracing`)
    /// what each server serves, and warns about untagged items it leaves out.
    ///
    /// Items are found through `inventory`, which sees only code that is linked into the
    /// binary: an item in a library crate that the binary never references is not found.
    /// Name such crates (`use my_tools as _;`) or register their items with
    /// [`items`](Self::items).
    pub fn collect(mut self) -> Self {
        self.collect = true;
        self
    }

    /// Adds every `#[tool]`, `#[resource]` and `#[prompt]` that names no server, as well as
    /// what [`collect`](Self::collect) adds: for programs with one server, whose items need no
    /// `server` key.
    ///
    /// ```
    /// use mcp_core::{tool, Server};
    ///
    /// /// Add two integers.
    /// #[tool]
    /// fn add(a: i64, b: i64) -> i64 { a + b }
    ///
    /// let server = Server::builder("calc").collect_untagged().build()?;
    /// assert_eq!(server.tool_names().collect::<Vec<_>>(), ["add"]);
    /// # Ok::<(), mcp_core::BuildError>(())
    /// ```
    pub fn collect_untagged(mut self) -> Self {
        self.collect = true;
        self.collect_untagged = true;
        self
    }

    /// Adds items explicitly, whatever their `server` tag: `.items(mcp_core::items![add, greet])`.
    pub fn items(mut self, items: impl IntoIterator<Item = &'static Item>) -> Self {
        self.items.extend(items);
        self
    }

    /// Shares `value` with handlers that take a `State<T>` parameter.
    ///
    /// A `State<T>` parameter is served by a registered `T` or a registered `Arc<T>`: to share
    /// one store between several servers (or with the rest of the program), register the same
    /// `Arc` with each.
    ///
    /// ```
    /// use std::sync::{atomic::AtomicU64, Arc};
    /// use mcp_core::{tool, Server, State};
    ///
    /// /// Count calls.
    /// #[tool(server = ["a", "b"])]
    /// fn hit(counter: State<AtomicU64>) -> u64 {
    ///     counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    /// }
    ///
    /// let counter = Arc::new(AtomicU64::new(0));
    /// let a = Server::builder("a").state(counter.clone()).collect().build()?;
    /// let b = Server::builder("b").state(counter).collect().build()?;
    /// # Ok::<(), mcp_core::BuildError>(())
    /// ```
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(TypeId::of::<T>(), Arc::new(value));
        self.state_names.push(std::any::type_name::<T>());
        self
    }

    /// Splits lists into pages of `size` entries (default: one page).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = Some(size.max(1));
        self
    }

    /// How long clients may cache list and discovery results (`ttlMs`; default 5 minutes).
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// Most sessions held at once (default 10,000). When the table is full, sessions idle past
    /// their limit are ended; if none is, `initialize` is refused with 503 and `Retry-After`,
    /// so that a flood of `initialize` calls cannot log out connected clients. Each session
    /// keeps the client's `capabilities` (at most 16 KiB, or `initialize` is refused) and the
    /// name, title and version of its `clientInfo` (each cut to 256 characters).
    pub fn max_sessions(mut self, max: usize) -> Self {
        self.max_sessions = max;
        self
    }

    /// Most resource subscriptions a session (`resources/subscribe`) or a listen stream
    /// (`resourceSubscriptions`) may hold (default 1,000); past it, subscribing is refused
    /// (`-32602`). Subscribed URIs must be absolute, at most 2,048 bytes long each and 64 KiB
    /// in all.
    pub fn max_subscriptions(mut self, max: usize) -> Self {
        self.limits.subscriptions = max;
        self
    }

    /// Most `subscriptions/listen` streams open at once (revision 2026-07-28; default
    /// 1,000); past it, a new one is refused with 503 and `Retry-After`.
    pub fn max_listen_streams(mut self, max: usize) -> Self {
        self.limits.listen_streams = max;
        self
    }

    /// How long a handler's question to the client (`ctx.elicit`, `ctx.sample`, `ctx.roots`
    /// in a session) waits for the answer (default 5 minutes). Then the client is sent
    /// `notifications/cancelled` for it and the handler gets an error, which a tool can turn
    /// into an error result.
    pub fn client_request_timeout(mut self, timeout: Duration) -> Self {
        self.limits.client_request_timeout = timeout;
        self
    }

    /// Most sessions one client address may hold at once (default 1,000; 0 for no limit);
    /// past it, that client's `initialize` is refused with 503 and `Retry-After` while others
    /// are still served. The address is the connection's peer: behind a proxy every client
    /// shares the proxy's address, so raise or lift the limit there.
    pub fn max_sessions_per_client(mut self, max: usize) -> Self {
        self.limits.sessions_per_client = max;
        self
    }

    /// How long an unused legacy session lives (default 30 minutes).
    pub fn session_idle_timeout(mut self, idle: Duration) -> Self {
        self.session_idle = idle;
        self
    }

    /// The secret that seals `requestState` (revision 2026-07-28): when a handler asks the
    /// client for input, the answers gathered so far travel to the client and back in that
    /// state, bound to the request and protected by HMAC-SHA256 under this key.
    ///
    /// By default each server makes a random key at start-up, so a retry must reach the same
    /// process. Behind a load balancer, give every instance the same key (at least 32 random
    /// bytes, from your secret store).
    pub fn request_state_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.request_state_key = Some(key.into());
        self
    }

    /// How long a `requestState` stays valid (default 30 minutes): the time a client has to
    /// come back with the answers to a handler's questions.
    pub fn request_state_ttl(mut self, ttl: Duration) -> Self {
        self.request_state_ttl = ttl;
        self
    }

    /// Allows building a server with no tools, resources or prompts (normally an error,
    /// because it usually means the items were not linked in).
    pub fn allow_empty(mut self) -> Self {
        self.allow_empty = true;
        self
    }

    /// Validates everything and prepares every response that does not depend on a request.
    ///
    /// Every problem is reported at once: duplicate names (with every place each is defined),
    /// invalid URI templates, tool names or icons, and state that a handler takes but that was
    /// not registered. On success, what the server serves is logged at `info` level, and tools
    /// without a description (the model reads only the description) at `warn` level.
    pub fn build(mut self) -> Result<Server, BuildError> {
        // Collect, validate, index, render.
        let items = self.gather();
        let mut problems = Vec::new();
        self.check_icons(&items, &mut problems);
        self.resolve_state(&items, &mut problems);
        duplicates(&items, &mut problems);
        self.check_not_empty(&items, &mut problems);
        let index = Index::new(&items, &mut problems);
        if !problems.is_empty() {
            return Err(BuildError::new(&self.name, problems));
        }
        log_served(&self.name, &items);
        Ok(self.render(index))
    }

    fn check_not_empty(&self, items: &[&'static Item], problems: &mut Vec<String>) {
        if !self.allow_empty && items.is_empty() {
            problems.push(format!(
                "no tools, resources or prompts were registered for server `{}`: tag items with `server = \"{}\"` and call `.collect()` (or leave the key off and call `.collect_untagged()`), make sure the crates defining them are linked in, or call `.allow_empty()`",
                self.name, self.name
            ));
        }
    }

    /// The server: every list and discovery result serialized once per revision.
    fn render(mut self, index: Index) -> Server {
        let has_completions = !index.prompts.is_empty() || !index.templates.is_empty();
        let info = Info {
            name: std::mem::take(&mut self.name),
            version: std::mem::take(&mut self.version),
            title: self.title,
            description: self.description,
            website_url: self.website_url,
            instructions: self.instructions,
            icons: self.icons,
        };
        let lists = index.lists();
        let caps = capabilities(&lists, has_completions);
        // In `Version::index` order.
        let per_version = [
            Version::V2025_03_26,
            Version::V2025_06_18,
            Version::V2025_11_25,
            Version::V2026_07_28,
        ]
        .map(|v| per_version(v, &info, &lists, &caps, self.page_size, self.cache_ttl));
        Server {
            inner: Arc::new(Inner {
                info,
                tools: index.tools,
                tool_index: index.tool_index,
                resources: index.resources,
                resource_index: index.resource_index,
                templates: index.templates,
                prompts: index.prompts,
                prompt_index: index.prompt_index,
                state: self.state,
                per_version,
                sessions: Sessions::new(
                    self.max_sessions,
                    self.limits.sessions_per_client,
                    self.session_idle,
                ),
                has_completions,
                sealer: Sealer::new(self.request_state_key, self.request_state_ttl),
                listeners: Listeners::default(),
                limits: self.limits,
            }),
        }
    }

    /// The explicit items, then what `collect` finds, each once.
    fn gather(&self) -> Vec<&'static Item> {
        let mut seen: HashSet<*const Item> = HashSet::new();
        let mut items: Vec<&'static Item> = Vec::new();
        let mut untagged = Vec::new();
        let from_inventory = self
            .collect
            .then(|| inventory::iter::<Registration>.into_iter().map(|r| r.0))
            .into_iter()
            .flatten()
            .filter(|item| {
                let servers = item.servers();
                if servers.is_empty() && !self.collect_untagged {
                    untagged.push(*item);
                    return false;
                }
                servers.is_empty() || servers.iter().any(|s| *s == "*" || *s == self.name)
            });
        for item in self.items.iter().copied().chain(from_inventory) {
            if seen.insert(item as *const Item) {
                items.push(item);
            }
        }
        for item in untagged {
            if !seen.contains(&(item as *const Item)) {
                tracing::warn!(
                    server = %self.name,
                    "{} `{}` at {} names no server and is not served by `{}`: add `server = \"{}\"` (or `server = \"*\"` for every server) to it, or call `.collect_untagged()`",
                    item.kind(),
                    item.name(),
                    item.location(),
                    self.name,
                    self.name,
                );
            }
        }
        items
    }

    fn check_icons(&self, items: &[&'static Item], problems: &mut Vec<String>) {
        for src in &self.icons {
            if let Err(why) = check_icon(src) {
                problems.push(format!("server icon `{src}`: {why}"));
            }
        }
        for item in items {
            for src in item.icons() {
                if let Err(why) = check_icon(src) {
                    problems.push(format!("`{}` has icon `{src}`: {why}", item.name()));
                }
            }
        }
    }

    /// Makes every `State<T>` the items take available: a registered `T`, or the `T` inside a
    /// registered `Arc<T>` (shared, not copied).
    fn resolve_state(&mut self, items: &[&'static Item], problems: &mut Vec<String>) {
        for item in items {
            for key in item.requires() {
                if self.state.contains_key(&key.id) {
                    continue;
                }
                if let Some(inner) = self.state.get(&key.arc_id).and_then(key.from_arc) {
                    self.state.insert(key.id, inner);
                    continue;
                }
                let registered = if self.state_names.is_empty() {
                    "no state is registered".to_string()
                } else {
                    let names: Vec<String> =
                        self.state_names.iter().map(|n| format!("`{n}`")).collect();
                    format!("the registered state types are {}", names.join(", "))
                };
                problems.push(format!(
                    "{} `{}` at {} takes `State<{}>`, but {registered}; add `.state(value)` with a `{}` (or an `Arc<{}>`) to the builder",
                    item.kind(),
                    item.name(),
                    item.location(),
                    key.name,
                    key.name,
                    key.name,
                ));
            }
        }
    }
}

/// Each name (tools, prompts) or URI (resources, templates) used more than once, reported
/// once with every place it is defined.
fn duplicates(items: &[&'static Item], problems: &mut Vec<String>) {
    let mut by_key: Vec<((&'static str, &'static str), Vec<&'static Item>)> = Vec::new();
    for item in items {
        let key = match item {
            Item::Tool(t) => ("tool name", t.name),
            Item::Resource(r) => ("resource URI", r.uri),
            Item::Prompt(p) => ("prompt name", p.name),
        };
        match by_key.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(item),
            None => by_key.push((key, vec![item])),
        }
    }
    for ((what, key), mut list) in by_key.into_iter().filter(|(_, l)| l.len() > 1) {
        list.sort_by_key(|i| (i.location().file, i.location().line));
        let places: Vec<String> = list.iter().map(|i| i.location().to_string()).collect();
        let fix = match what {
            "resource URI" => "give each a different `uri`",
            "tool name" => {
                "rename all but one with `#[tool(name = \"...\")]` or move it to another server"
            }
            _ => "rename all but one with `#[prompt(name = \"...\")]` or move it to another server",
        };
        problems.push(format!(
            "{what} `{key}` is defined {} times: at {}; {fix}",
            list.len(),
            places.join(" and at ")
        ));
    }
}

/// Logs what a built server serves, and tools the model cannot understand.
fn log_served(server: &str, items: &[&'static Item]) {
    let mut parts = Vec::new();
    for (kind, plural) in [
        ("tool", "tools"),
        ("resource", "resources"),
        ("resource template", "resource templates"),
        ("prompt", "prompts"),
    ] {
        let mut names: Vec<&str> = items
            .iter()
            .filter(|i| i.kind() == kind)
            .map(|i| match i {
                Item::Resource(r) => r.uri,
                other => other.name(),
            })
            .collect();
        names.sort_unstable();
        match names.len() {
            0 => {}
            1 => parts.push(format!("1 {kind} ({})", names[0])),
            n => parts.push(format!("{n} {plural} ({})", names.join(", "))),
        }
    }
    let served = if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(", ")
    };
    tracing::info!(server, "MCP server `{server}` serves {served}");
    for item in items.iter().filter(|i| i.kind() == "tool") {
        if item.description().is_none_or(|d| d.trim().is_empty()) {
            tracing::warn!(
                server,
                "tool `{}` at {} has no description, and the model reads only the description to decide when to call it: add a `///` doc comment or `#[tool(description = \"...\")]`",
                item.name(),
                item.location(),
            );
        }
    }
}

/// The items of a server, checked and in list order, with lookup tables.
struct Index {
    tools: Vec<ToolEntry>,
    tool_index: HashMap<&'static str, usize>,
    /// Each tool's list entry, with its schemas.
    tool_json: Vec<Map<String, Value>>,
    resources: Vec<ResourceEntry>,
    resource_index: HashMap<&'static str, usize>,
    templates: Vec<TemplateEntry>,
    prompts: Vec<PromptEntry>,
    prompt_index: HashMap<&'static str, usize>,
}

impl Index {
    fn new(items: &[&'static Item], problems: &mut Vec<String>) -> Index {
        let mut tools = Vec::new();
        let mut resources = Vec::new();
        let mut templates = Vec::new();
        let mut prompts = Vec::new();
        for item in items {
            match item {
                Item::Tool(def) => tools.push(def),
                Item::Resource(def) if def.is_template => templates.push(def),
                Item::Resource(def) => resources.push(def),
                Item::Prompt(def) => prompts.push(def),
            }
        }
        tools.sort_by_key(|d| d.name);
        prompts.sort_by_key(|d| d.name);
        resources.sort_by_key(|d| d.uri);
        templates.sort_by_key(|d| d.uri);
        let mut index = Index {
            tools: Vec::new(),
            tool_index: HashMap::new(),
            tool_json: Vec::new(),
            resources: Vec::new(),
            resource_index: HashMap::new(),
            templates: Vec::new(),
            prompts: Vec::new(),
            prompt_index: HashMap::new(),
        };
        // Duplicates are skipped here: `duplicates` reported them.
        for def in tools {
            if index.tool_index.contains_key(def.name) {
                continue;
            }
            if let Some((entry, json)) = tool_entry(def, problems) {
                index.tool_index.insert(def.name, index.tools.len());
                index.tools.push(entry);
                index.tool_json.push(json);
            }
        }
        for def in resources {
            if index
                .resource_index
                .insert(def.uri, index.resources.len())
                .is_none()
            {
                index.resources.push(ResourceEntry { def });
            }
        }
        for def in templates {
            if !index.templates.iter().any(|t| t.def.uri == def.uri) {
                index.templates.extend(template_entry(def, problems));
            }
        }
        for def in prompts {
            if index
                .prompt_index
                .insert(def.name, index.prompts.len())
                .is_none()
            {
                index.prompts.push(PromptEntry { def });
            }
        }
        index
    }

    /// The list entries, as JSON objects of the newest revision.
    fn lists(&self) -> Lists {
        Lists {
            tools: self.tool_json.clone(),
            resources: self
                .resources
                .iter()
                .map(|e| resource_to_json(e.def))
                .collect(),
            templates: self
                .templates
                .iter()
                .map(|e| template_to_json(e.def))
                .collect(),
            prompts: self.prompts.iter().map(|e| prompt_to_json(e.def)).collect(),
        }
    }
}

/// A tool, checked: its name, its schemas (generated once, here) and its header arguments.
fn tool_entry(
    def: &'static ToolDef,
    problems: &mut Vec<String>,
) -> Option<(ToolEntry, Map<String, Value>)> {
    if let Err(why) = mcp_grammar::check_tool_name(def.name) {
        problems.push(format!("invalid tool name `{}`: {why}", def.name));
    }
    let Some(input) =
        catch(|| schema::normalize((def.input_schema)(&mut schema::input_generator())))
    else {
        problems.push(format!(
            "tool `{}`: generating the input schema panicked",
            def.name
        ));
        return None;
    };
    if !schema::is_object(&input) {
        problems.push(format!(
            "tool `{}`: the arguments must be a JSON object, but the schema is {input}; use a struct with named fields",
            def.name
        ));
    }
    let output =
        catch(|| (def.output_schema)(&mut schema::output_generator()).map(schema::normalize))
            .flatten();
    let wrap_output = output.as_ref().is_some_and(|o| !schema::is_object(o));
    let output = output.map(|o| {
        if wrap_output {
            schema::wrap_result(o)
        } else {
            o
        }
    });
    let headers = header_params(def.name, &input, problems);
    let json = tool_to_json(def, input, output);
    Some((
        ToolEntry {
            def,
            wrap_output,
            headers,
        },
        json,
    ))
}

/// A resource template, parsed.
fn template_entry(def: &'static ResourceDef, problems: &mut Vec<String>) -> Option<TemplateEntry> {
    match UriTemplate::parse(def.uri) {
        Ok(template) => {
            if template.variables().next().is_none() {
                problems.push(format!("resource template `{}` has no variables", def.uri));
            }
            Some(TemplateEntry { def, template })
        }
        Err(why) => {
            problems.push(format!(
                "invalid URI template `{}` (resource `{}`): {why}",
                def.uri, def.name
            ));
            None
        }
    }
}

fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Entries as JSON objects holding every field of the newest revision; older revisions drop
/// the fields they do not know.
struct Lists {
    tools: Vec<Map<String, Value>>,
    resources: Vec<Map<String, Value>>,
    templates: Vec<Map<String, Value>>,
    prompts: Vec<Map<String, Value>>,
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        map.insert(key.to_string(), v.into());
    }
}

/// An icon URI is `https:`, `http:` or `data:`; anything else (`file:`, `javascript:`) is a
/// mistake or a risk for clients that load it.
fn check_icon(src: &str) -> Result<(), String> {
    match url::Url::parse(src) {
        Ok(url) if matches!(url.scheme(), "https" | "http" | "data") => Ok(()),
        Ok(url) => Err(format!(
            "the `{}:` scheme is not allowed; use an https: URL or a data: URI",
            url.scheme()
        )),
        Err(err) => Err(format!("not an absolute URI ({err})")),
    }
}

/// The `icons` array: `{src, mimeType?}` for each URI.
fn icons_json(srcs: &[impl AsRef<str>]) -> Option<Value> {
    if srcs.is_empty() {
        return None;
    }
    let icons = srcs
        .iter()
        .map(|src| {
            let src = src.as_ref();
            let mut m = Map::new();
            m.insert("src".into(), src.into());
            put(&mut m, "mimeType", icon_mime_type(src));
            Value::Object(m)
        })
        .collect();
    Some(Value::Array(icons))
}

fn icon_mime_type(src: &str) -> Option<String> {
    if let Some(data) = src.strip_prefix("data:") {
        let media = data.split([';', ',']).next().unwrap_or_default();
        return (!media.is_empty()).then(|| media.to_string());
    }
    let path = url::Url::parse(src).ok()?.path().to_ascii_lowercase();
    let ext = path.rsplit_once('.')?.1.to_string();
    let mime = match ext.as_str() {
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        _ => return None,
    };
    Some(mime.to_string())
}

fn tool_to_json(def: &ToolDef, input: Value, output: Option<Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), def.name.into());
    put(&mut m, "title", def.title);
    put(&mut m, "description", def.description);
    put(&mut m, "icons", icons_json(def.icons));
    m.insert("inputSchema".into(), input);
    put(&mut m, "outputSchema", output);
    let a = def.annotations;
    let mut ann = Map::new();
    put(&mut ann, "readOnlyHint", a.read_only);
    put(&mut ann, "destructiveHint", a.destructive);
    put(&mut ann, "idempotentHint", a.idempotent);
    put(&mut ann, "openWorldHint", a.open_world);
    if !ann.is_empty() {
        m.insert("annotations".into(), Value::Object(ann));
    }
    m
}

fn resource_to_json(def: &ResourceDef) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("uri".into(), def.uri.into());
    m.insert("name".into(), def.name.into());
    put(&mut m, "title", def.title);
    put(&mut m, "description", def.description);
    put(&mut m, "mimeType", def.mime_type);
    put(&mut m, "icons", icons_json(def.icons));
    m
}

fn template_to_json(def: &ResourceDef) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("uriTemplate".into(), def.uri.into());
    m.insert("name".into(), def.name.into());
    put(&mut m, "title", def.title);
    put(&mut m, "description", def.description);
    put(&mut m, "mimeType", def.mime_type);
    put(&mut m, "icons", icons_json(def.icons));
    m
}

fn prompt_to_json(def: &PromptDef) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), def.name.into());
    put(&mut m, "title", def.title);
    put(&mut m, "description", def.description);
    put(&mut m, "icons", icons_json(def.icons));
    let args: Vec<Value> = def
        .arguments
        .iter()
        .map(|a| {
            let mut am = Map::new();
            am.insert("name".into(), a.name.into());
            put(&mut am, "description", a.description);
            am.insert("required".into(), a.required.into());
            Value::Object(am)
        })
        .collect();
    if !args.is_empty() {
        m.insert("arguments".into(), Value::Array(args));
    }
    m
}

fn capabilities(lists: &Lists, has_completions: bool) -> Map<String, Value> {
    let mut caps = Map::new();
    // Any tool taking a `Context` may log.
    caps.insert("logging".into(), json!({}));
    if !lists.tools.is_empty() {
        caps.insert("tools".into(), json!({}));
    }
    if !lists.resources.is_empty() || !lists.templates.is_empty() {
        caps.insert("resources".into(), json!({}));
    }
    if !lists.prompts.is_empty() {
        caps.insert("prompts".into(), json!({}));
    }
    if has_completions {
        caps.insert("completions".into(), json!({}));
    }
    caps
}

/// Drops fields a revision does not define.
fn downgrade(entry: &Map<String, Value>, version: Version) -> Value {
    let mut m = entry.clone();
    if version < Version::V2025_06_18 {
        m.remove("title");
        m.remove("outputSchema");
    }
    if version < Version::V2025_11_25 {
        m.remove("icons");
    }
    Value::Object(m)
}

fn server_info(info: &Info, version: Version) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), info.name.clone().into());
    if version >= Version::V2025_06_18 {
        put(&mut m, "title", info.title.clone());
    }
    m.insert("version".into(), info.version.clone().into());
    if version >= Version::V2025_11_25 {
        put(&mut m, "description", info.description.clone());
        put(&mut m, "websiteUrl", info.website_url.clone());
        put(&mut m, "icons", icons_json(&info.icons));
    }
    Value::Object(m)
}

pub(crate) fn encode_cursor(page: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("page:{page}"))
}

pub(crate) fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix("page:")?
        .parse()
        .ok()
}

fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)
}

fn per_version(
    version: Version,
    info: &Info,
    lists: &Lists,
    caps: &Map<String, Value>,
    page_size: Option<usize>,
    ttl: Duration,
) -> PerVersion {
    let modern = version.is_modern();
    let info_json = server_info(info, version);
    let mut result_meta = Map::new();
    result_meta.insert(
        "io.modelcontextprotocol/serverInfo".into(),
        info_json.clone(),
    );
    // Fields every result of this revision carries, and those of cacheable results.
    let mut common = Map::new();
    let mut cacheable = Map::new();
    if modern {
        common.insert("resultType".into(), "complete".into());
        common.insert("_meta".into(), Value::Object(result_meta));
        cacheable.insert("ttlMs".into(), ttl_ms(ttl).into());
        cacheable.insert("cacheScope".into(), "public".into());
    }
    let pages = |key: &str, entries: &[Map<String, Value>]| -> Pages {
        let size = page_size.unwrap_or(usize::MAX).max(1);
        let chunks: Vec<&[Map<String, Value>]> = if entries.is_empty() {
            vec![&[]]
        } else {
            entries.chunks(size).collect()
        };
        let count = chunks.len();
        chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let mut m = Map::new();
                m.insert(
                    key.into(),
                    chunk.iter().map(|e| downgrade(e, version)).collect(),
                );
                if i + 1 < count {
                    m.insert("nextCursor".into(), encode_cursor(i + 1).into());
                }
                m.extend(cacheable.clone());
                m.extend(common.clone());
                Bytes::from(serde_json::to_vec(&Value::Object(m)).expect("lists serialize"))
            })
            .collect()
    };
    let mut caps = caps.clone();
    // Session revisions: `resources/subscribe`, delivered on the standalone stream;
    // 2026-07-28: `resourceSubscriptions` on `subscriptions/listen`.
    if let Some(Value::Object(resources)) = caps.get_mut("resources") {
        resources.insert("subscribe".into(), true.into());
    }
    let caps = &caps;
    let hello = if modern {
        let mut m = Map::new();
        m.insert(
            "supportedVersions".into(),
            Version::MODERN
                .iter()
                .map(|v| Value::from(v.as_str()))
                .collect(),
        );
        m.insert("capabilities".into(), Value::Object(caps.clone()));
        put(&mut m, "instructions", info.instructions.clone());
        m.extend(cacheable.clone());
        m.extend(common.clone());
        Value::Object(m)
    } else {
        let mut m = Map::new();
        m.insert("protocolVersion".into(), version.as_str().into());
        m.insert("capabilities".into(), Value::Object(caps.clone()));
        m.insert("serverInfo".into(), info_json);
        put(&mut m, "instructions", info.instructions.clone());
        Value::Object(m)
    };
    let fields = |m: Map<String, Value>| -> Box<[u8]> {
        if m.is_empty() {
            return Box::new([]);
        }
        let text = serde_json::to_string(&Value::Object(m)).expect("serializes");
        // Strip the braces: these are fields spliced into another object.
        text.as_bytes()[1..text.len() - 1].into()
    };
    let mut read = cacheable.clone();
    if modern {
        read.insert("ttlMs".into(), 0.into());
    }
    read.extend(common.clone());
    PerVersion {
        tools: pages("tools", &lists.tools),
        resources: pages("resources", &lists.resources),
        templates: pages("resourceTemplates", &lists.templates),
        prompts: pages("prompts", &lists.prompts),
        hello: Bytes::from(serde_json::to_vec(&hello).expect("serializes")),
        suffix: fields(common),
        read_suffix: fields(read),
    }
}
