//! Building a [`Server`]: collect the registered items, validate them (names, URI templates,
//! icons, state, duplicates), index them, then render what is served.

use std::any::TypeId;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::live::{self, ResourceItem, Settings, Source, Sources};
use super::render::{check_icon, fixed, prompt_to_json, resource_to_json, tool_to_json};
use super::{
    Catalog, HeaderKind, HeaderParam, Info, Inner, Limits, PromptEntry, PromptRun, ResourceRun,
    Served, Server, ToolEntry, ToolRun,
};
use crate::error::BuildError;
use crate::handler::registry::{AnyState, Item, ItemRef, Registration, ResourceDef, ToolDef};
use crate::handler::scope::Shared;
use crate::handler::uri_template::UriTemplate;
use crate::runtime::listen::Listeners;
use crate::runtime::mrtr::Sealer;
use crate::schema;
use crate::session::Sessions;
use crate::store::Store;
use crate::wire::Version;
use arc_swap::ArcSwap;

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
    /// Kinds advertised before any item of them exists.
    advertised: Served,
    request_state_key: Option<Vec<u8>>,
    store: Option<Arc<dyn Store>>,
    request_state_ttl: Duration,
    icons: Vec<String>,
    limits: Limits,
}

impl std::fmt::Debug for ServerBuilder {
    /// The settings, without state values or the request-state key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("items", &self.items.len())
            .field("collect", &self.collect)
            .field("collect_untagged", &self.collect_untagged)
            .field("state", &self.state_names)
            .field("page_size", &self.page_size)
            .field("max_sessions", &self.max_sessions)
            .field("session_idle", &self.session_idle)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    pub(crate) fn new(name: String) -> ServerBuilder {
        ServerBuilder {
            name,
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
            advertised: Served::default(),
            request_state_key: None,
            store: None,
            request_state_ttl: Duration::from_secs(30 * 60),
            icons: Vec::new(),
            limits: Limits::default(),
        }
    }

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
    pub fn items(mut self, items: impl IntoIterator<Item = ItemRef>) -> Self {
        self.items.extend(items.into_iter().map(|item| item.0));
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

    /// How long an unused session lives (default 30 minutes).
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

    /// Where the server keeps what every instance of a deployment must agree on: rate-limit
    /// buckets and the nonces of signed requests (default: a
    /// [`MemoryStore`](crate::store::MemoryStore) of this server's own, shared by every mount
    /// and worker that serves it). Give the instances of one deployment one shared store.
    pub fn store(mut self, store: impl Store) -> Self {
        self.store = Some(Arc::new(store));
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

    /// Advertises the `tools` capability (with `listChanged`) from the start, even while the
    /// server has no tool: for a server that adds its tools at run time
    /// ([`Server::add_tool`](crate::Server::add_tool)), so that a client connecting before the
    /// first one knows to list them and to expect `notifications/tools/list_changed`. Until
    /// then `tools/list` answers an empty list. Implies [`allow_empty`](Self::allow_empty).
    pub fn advertise_tools(mut self) -> Self {
        self.advertised.tools = true;
        self
    }

    /// Advertises the `resources` capability (and `completions`) from the start, even while the
    /// server has no resource or template: for a server that adds them at run time. Until then
    /// `resources/list` and `resources/templates/list` answer empty lists. Implies
    /// [`allow_empty`](Self::allow_empty).
    pub fn advertise_resources(mut self) -> Self {
        self.advertised.resources = true;
        self.advertised.completions = true;
        self
    }

    /// Advertises the `prompts` capability (and `completions`) from the start, even while the
    /// server has no prompt: for a server that adds its prompts at run time. Until then
    /// `prompts/list` answers an empty list. Implies [`allow_empty`](Self::allow_empty).
    pub fn advertise_prompts(mut self) -> Self {
        self.advertised.prompts = true;
        self.advertised.completions = true;
        self
    }

    /// Advertises tasks from the start, even while no tool supports them: the
    /// `io.modelcontextprotocol/tasks` extension in revision 2026-07-28 and the `tasks`
    /// capability in 2025-11-25 sessions, for a server that adds task tools at run time
    /// ([`DynamicTool::task`](crate::DynamicTool::task)). Until then the task methods answer
    /// for no task. Implies [`advertise_tools`](Self::advertise_tools).
    pub fn advertise_tasks(mut self) -> Self {
        self.advertised.tools = true;
        self.advertised.tasks = true;
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
        let sources = sources(&items, &mut problems);
        let info = self.info();
        let settings = Settings {
            info: &info,
            page_size: self.page_size,
            cache_ttl: self.cache_ttl,
        };
        let catalog =
            live::catalog(&settings, &sources, self.advertised).map_err(|p| problems.push(p));
        match catalog {
            Ok(catalog) if problems.is_empty() => {
                log_served(&info.name, &items);
                Ok(self.finish(info, sources, catalog))
            }
            _ => Err(BuildError::new(&info.name, problems)),
        }
    }

    fn check_not_empty(&self, items: &[&'static Item], problems: &mut Vec<String>) {
        let advertised = self.advertised != Served::default();
        if !self.allow_empty && !advertised && items.is_empty() {
            problems.push(format!(
                "no tools, resources or prompts were registered for server `{}`: tag items with `server = \"{}\"` and call `.collect()` (or leave the key off and call `.collect_untagged()`), make sure the crates defining them are linked in, or call `.allow_empty()`",
                self.name, self.name
            ));
        }
    }

    /// What the server says of itself.
    fn info(&mut self) -> Info {
        Info {
            name: std::mem::take(&mut self.name),
            version: std::mem::take(&mut self.version),
            title: self.title.take(),
            description: self.description.take(),
            website_url: self.website_url.take(),
            instructions: self.instructions.take(),
            icons: std::mem::take(&mut self.icons),
        }
    }

    /// The server, around its first catalog.
    fn finish(self, info: Info, sources: Sources, catalog: Catalog) -> Server {
        let per_version = Version::ALL.map(|v| fixed(v, &info, self.cache_ttl));
        let shared = Shared {
            name: info.name.as_str().into(),
            state: self.state,
            client_request_timeout: self.limits.client_request_timeout,
        };
        Server {
            inner: Arc::new(Inner {
                info,
                catalog: ArcSwap::from_pointee(catalog),
                live: std::sync::Mutex::new(sources),
                shared,
                per_version,
                page_size: self.page_size,
                cache_ttl: self.cache_ttl,
                sessions: Sessions::new(
                    self.max_sessions,
                    self.limits.sessions_per_client,
                    self.session_idle,
                ),
                sealer: Sealer::new(self.request_state_key, self.request_state_ttl),
                listeners: Listeners::default(),
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(crate::store::MemoryStore::new())),
                limits: self.limits,
                tasks: Default::default(),
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

/// The items of a server, checked, by name or URI. Duplicates are skipped here (the first
/// one stays): `duplicates` reported them.
fn sources(items: &[&'static Item], problems: &mut Vec<String>) -> Sources {
    let mut sources = Sources::default();
    let roles = |roles: &[&str]| roles.iter().map(|r| r.to_string()).collect::<Vec<_>>();
    for item in items {
        match item {
            Item::Tool(def) => {
                if sources.tools.contains_key(def.name) {
                    continue;
                }
                if let Some((entry, json)) = tool_entry(def, problems) {
                    let source = Source::new(def.name.into(), entry, json.into(), roles(def.roles));
                    Sources::insert(&mut sources.tools, source);
                }
            }
            Item::Resource(def) => {
                if sources.resources.contains_key(def.uri) {
                    continue;
                }
                let template = match def.is_template {
                    true => match template_of(def, problems) {
                        Some(t) => Some(Arc::new(t)),
                        None => continue,
                    },
                    false => None,
                };
                let run = ResourceRun::Static(def);
                let json = Arc::new(resource_to_json(def));
                let item = ResourceItem { run, template };
                let source = Source::new(def.uri.into(), item, json, roles(def.roles));
                Sources::insert(&mut sources.resources, source);
            }
            Item::Prompt(def) => {
                let entry = PromptEntry {
                    run: PromptRun::Static(def),
                    need: 0,
                };
                let json = Arc::new(prompt_to_json(def));
                let source = Source::new(def.name.into(), entry, json, roles(def.roles));
                Sources::insert(&mut sources.prompts, source);
            }
        }
    }
    sources
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
            name: def.name.into(),
            run: ToolRun::Static(def.handler),
            streaming: def.streaming,
            task: def.task,
            wrap_output,
            headers,
            need: 0,
        },
        json,
    ))
}

/// A resource template, parsed.
fn template_of(def: &'static ResourceDef, problems: &mut Vec<String>) -> Option<UriTemplate> {
    match UriTemplate::parse(def.uri) {
        Ok(template) => {
            if template.variables().next().is_none() {
                problems.push(format!("resource template `{}` has no variables", def.uri));
            }
            Some(template)
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
pub(super) fn header_params(
    tool: &str,
    schema: &Value,
    problems: &mut Vec<String>,
) -> Vec<HeaderParam> {
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
            Some("string") => HeaderKind::String,
            Some("integer") => HeaderKind::Integer,
            Some("boolean") => HeaderKind::Boolean,
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
