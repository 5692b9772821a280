//! The live registry: tools, resources, templates and prompts added, replaced, removed,
//! enabled and disabled while the server runs, beside the macro items it was built with.
//!
//! Every change renders a new [`Catalog`] (the item tables and every list response, once per
//! revision: work proportional to the lists) and swaps it in whole. A request reads the
//! catalog once, so it sees one consistent set of items, and a call already running keeps the
//! definition it started with. Clients are then told: `notifications/tools/list_changed` (or
//! `resources/`, `prompts/`) on every session's standalone stream (and stdio), and on the
//! `subscriptions/listen` streams that asked for it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::access::{Access, Mask, Views, MAX_ROLE_SETS};
use super::dynamic::{DynamicPrompt, DynamicResource, DynamicTool};
use super::render::{capabilities_of, rendered, Entry, ListKind, Lists};
use super::{
    Catalog, Info, PromptEntry, ResourceEntry, ResourceRun, Served, Server, TemplateEntry,
    ToolEntry,
};
use crate::handler::registry::TaskSupport;
use crate::handler::uri_template::UriTemplate;
use crate::runtime::listen::ListKind as Notify;
use crate::util::lock;
use crate::wire::Version;

/// Why a registry change was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// An item of that name (or URI) exists already (use [`Server::replace_tool`] and its
    /// kin).
    Exists(String),
    /// No item of that name (or URI).
    NotFound(String),
    /// The definition is invalid: a bad name or schema, or a role set too many.
    Invalid(String),
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::Exists(name) => write!(f, "`{name}` is registered already"),
            RegistryError::NotFound(name) => write!(f, "nothing is registered as `{name}`"),
            RegistryError::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for RegistryError {}

/// One item as registered, enabled or not.
#[derive(Clone)]
pub(super) struct Source<E> {
    key: Arc<str>,
    entry: E,
    json: Entry,
    roles: Vec<String>,
    enabled: bool,
}

impl<E> Source<E> {
    /// An enabled item, keyed by its name (or URI).
    pub(super) fn new(key: Arc<str>, entry: E, json: Entry, roles: Vec<String>) -> Self {
        Source {
            key,
            entry,
            json,
            roles,
            enabled: true,
        }
    }
}

/// A resource or a template, as registered.
#[derive(Clone)]
pub(super) struct ResourceItem {
    pub(super) run: ResourceRun,
    /// The parsed template; `None` for a plain resource.
    pub(super) template: Option<Arc<UriTemplate>>,
}

/// One kind of item, by name or URI (which is list order).
type Table<E> = BTreeMap<Arc<str>, Source<E>>;

/// Every item of the server.
#[derive(Clone, Default)]
pub(crate) struct Sources {
    pub(super) tools: Table<ToolEntry>,
    /// Resources and templates, by URI: one namespace.
    pub(super) resources: Table<ResourceItem>,
    pub(super) prompts: Table<PromptEntry>,
}

impl Sources {
    /// Adds `source` unless its key is taken; whether it was added.
    pub(super) fn insert<E>(table: &mut Table<E>, source: Source<E>) -> bool {
        if table.contains_key(&source.key) {
            return false;
        }
        table.insert(source.key.clone(), source);
        true
    }
}

/// What one rendering needs besides the items.
pub(super) struct Settings<'a> {
    pub(super) info: &'a Info,
    pub(super) page_size: Option<usize>,
    pub(super) cache_ttl: Duration,
}

/// An enabled item: its key, its entry, its list entry and the role set it needs.
type Enabled<E> = (Arc<str>, E, Entry, Mask);

/// The enabled items of `table`.
fn enabled<E: Clone>(table: &Table<E>, access: &mut Access) -> Result<Vec<Enabled<E>>, String> {
    let mut out = Vec::new();
    for source in table.values().filter(|s| s.enabled) {
        let need = access.need(&source.roles).ok_or_else(|| {
            format!(
                "items name more than {MAX_ROLE_SETS} distinct sets of `roles`: give items that share a purpose the same roles"
            )
        })?;
        let entry = source.entry.clone();
        out.push((source.key.clone(), entry, source.json.clone(), need));
    }
    Ok(out)
}

/// The catalog for `sources`: the items that are enabled, and every list rendered; `earlier`
/// is what the catalog it replaces served.
pub(super) fn catalog(
    settings: &Settings<'_>,
    sources: &Sources,
    earlier: Served,
) -> Result<Catalog, String> {
    let mut access = Access::default();
    let mut lists = Lists {
        tools: Vec::new(),
        resources: Vec::new(),
        templates: Vec::new(),
        prompts: Vec::new(),
    };
    let mut tools = Vec::new();
    let mut tool_index = HashMap::new();
    for (key, mut entry, json, need) in enabled(&sources.tools, &mut access)? {
        entry.need = need;
        tool_index.insert(key, tools.len());
        tools.push(entry);
        lists.tools.push(json);
    }
    let (resources, resource_index, templates) =
        resource_tables(enabled(&sources.resources, &mut access)?, &mut lists);
    let mut prompts = Vec::new();
    let mut prompt_index = HashMap::new();
    for (key, mut entry, json, need) in enabled(&sources.prompts, &mut access)? {
        entry.need = need;
        prompt_index.insert(key, prompts.len());
        prompts.push(entry);
        lists.prompts.push(json);
    }
    let mut catalog = Catalog {
        served: Served {
            tools: !tools.is_empty(),
            resources: !resources.is_empty() || !templates.is_empty(),
            prompts: !prompts.is_empty(),
            completions: !prompts.is_empty() || !templates.is_empty(),
            tasks: tools.iter().any(|t| t.task != TaskSupport::Forbidden),
        }
        .since(earlier),
        tools,
        tool_index,
        resources,
        resource_index,
        templates,
        prompts,
        prompt_index,
        rendered: Default::default(),
        lists,
        access,
        views: Views::default(),
    };
    catalog.rendered = render_all(settings, &catalog);
    Ok(catalog)
}

/// The resources and their index, and the templates, from the enabled resource items.
fn resource_tables(
    items: Vec<Enabled<ResourceItem>>,
    lists: &mut Lists,
) -> (
    Vec<ResourceEntry>,
    HashMap<Arc<str>, usize>,
    Vec<TemplateEntry>,
) {
    let mut resources = Vec::new();
    let mut resource_index = HashMap::new();
    let mut templates = Vec::new();
    for (key, item, json, need) in items {
        let run = item.run;
        match item.template {
            Some(template) => {
                templates.push(TemplateEntry {
                    run,
                    template,
                    need,
                });
                lists.templates.push(json);
            }
            None => {
                resource_index.insert(key, resources.len());
                resources.push(ResourceEntry { run, need });
                lists.resources.push(json);
            }
        }
    }
    (resources, resource_index, templates)
}

/// The lists and discovery results of every revision, for callers without roles.
fn render_all(settings: &Settings<'_>, catalog: &Catalog) -> [super::Rendered; 4] {
    let public = |kind: ListKind, i: usize| catalog.need(kind, i) == 0;
    Version::ALL.map(|v| {
        let caps = capabilities_of(v, catalog.served);
        rendered(
            v,
            settings.info,
            &catalog.lists,
            &caps,
            settings.page_size,
            settings.cache_ttl,
            &public,
        )
    })
}

/// Adds `source`, failing when its key is taken.
fn add<E>(table: &mut Table<E>, source: Source<E>) -> Result<(), RegistryError> {
    let key = source.key.to_string();
    if Sources::insert(table, source) {
        Ok(())
    } else {
        Err(RegistryError::Exists(key))
    }
}

/// Adds `source`, or replaces the item of its key (enabled again).
fn replace<E>(table: &mut Table<E>, source: Source<E>) -> Result<(), RegistryError> {
    table.insert(source.key.clone(), source);
    Ok(())
}

fn remove<E>(table: &mut Table<E>, key: &str) -> Result<(), RegistryError> {
    match table.remove(key) {
        Some(_) => Ok(()),
        None => Err(RegistryError::NotFound(key.to_string())),
    }
}

fn enable<E>(table: &mut Table<E>, key: &str, enabled: bool) -> Result<(), RegistryError> {
    match table.get_mut(key) {
        Some(source) => {
            source.enabled = enabled;
            Ok(())
        }
        None => Err(RegistryError::NotFound(key.to_string())),
    }
}

impl Server {
    /// Adds a tool while the server runs; clients are told its list changed. Fails when a
    /// tool of that name exists (enabled or not) or the definition is invalid.
    pub fn add_tool(&self, tool: DynamicTool) -> Result<(), RegistryError> {
        let source = tool.into_source()?;
        self.change(Notify::Tools, |s| add(&mut s.tools, source))
    }

    /// Adds a tool, or replaces the tool of that name (a `#[tool]` function too, enabled or
    /// not: the new one is enabled). Calls already running finish with the old definition.
    pub fn replace_tool(&self, tool: DynamicTool) -> Result<(), RegistryError> {
        let source = tool.into_source()?;
        self.change(Notify::Tools, |s| replace(&mut s.tools, source))
    }

    /// Removes the tool `name` (a `#[tool]` function too).
    pub fn remove_tool(&self, name: &str) -> Result<(), RegistryError> {
        self.change(Notify::Tools, |s| remove(&mut s.tools, name))
    }

    /// Hides (`false`) or shows again (`true`) the tool `name`: a disabled tool is absent
    /// from lists and refused as an unknown one, until it is enabled again.
    pub fn set_tool_enabled(&self, name: &str, enabled: bool) -> Result<(), RegistryError> {
        self.change(Notify::Tools, |s| enable(&mut s.tools, name, enabled))
    }

    /// Adds a resource or a template while the server runs; clients are told the resource
    /// list changed. Fails when one with that URI (or URI template) exists, enabled or not.
    pub fn add_resource(&self, resource: DynamicResource) -> Result<(), RegistryError> {
        let source = resource.into_source()?;
        self.change(Notify::Resources, |s| add(&mut s.resources, source))
    }

    /// Adds a resource or a template, or replaces the one with that URI (a `#[resource]`
    /// function too). Reads already running finish with the old definition.
    pub fn replace_resource(&self, resource: DynamicResource) -> Result<(), RegistryError> {
        let source = resource.into_source()?;
        self.change(Notify::Resources, |s| replace(&mut s.resources, source))
    }

    /// Removes the resource or template whose URI (or URI template) is `uri`.
    pub fn remove_resource(&self, uri: &str) -> Result<(), RegistryError> {
        self.change(Notify::Resources, |s| remove(&mut s.resources, uri))
    }

    /// Hides (`false`) or shows again (`true`) the resource or template `uri`: a disabled one
    /// is absent from lists and not found when read.
    pub fn set_resource_enabled(&self, uri: &str, enabled: bool) -> Result<(), RegistryError> {
        self.change(Notify::Resources, |s| {
            enable(&mut s.resources, uri, enabled)
        })
    }

    /// Adds a prompt while the server runs; clients are told the prompt list changed. Fails
    /// when a prompt of that name exists, enabled or not.
    pub fn add_prompt(&self, prompt: DynamicPrompt) -> Result<(), RegistryError> {
        let source = prompt.into_source()?;
        self.change(Notify::Prompts, |s| add(&mut s.prompts, source))
    }

    /// Adds a prompt, or replaces the prompt of that name (a `#[prompt]` function too).
    pub fn replace_prompt(&self, prompt: DynamicPrompt) -> Result<(), RegistryError> {
        let source = prompt.into_source()?;
        self.change(Notify::Prompts, |s| replace(&mut s.prompts, source))
    }

    /// Removes the prompt `name` (a `#[prompt]` function too).
    pub fn remove_prompt(&self, name: &str) -> Result<(), RegistryError> {
        self.change(Notify::Prompts, |s| remove(&mut s.prompts, name))
    }

    /// Hides (`false`) or shows again (`true`) the prompt `name`.
    pub fn set_prompt_enabled(&self, name: &str, enabled: bool) -> Result<(), RegistryError> {
        self.change(Notify::Prompts, |s| enable(&mut s.prompts, name, enabled))
    }

    /// Applies `edit` to the sources, renders and swaps in the new catalog, and tells
    /// clients that the `kind` list changed. Changes are serialized; on an error nothing
    /// changes.
    fn change(
        &self,
        kind: Notify,
        edit: impl FnOnce(&mut Sources) -> Result<(), RegistryError>,
    ) -> Result<(), RegistryError> {
        {
            let mut sources = lock(&self.inner.live);
            let mut edited = sources.clone();
            edit(&mut edited)?;
            let settings = Settings {
                info: &self.inner.info,
                page_size: self.inner.page_size,
                cache_ttl: self.inner.cache_ttl,
            };
            let earlier = self.inner.catalog.load().served;
            let catalog = catalog(&settings, &edited, earlier).map_err(RegistryError::Invalid)?;
            *sources = edited;
            self.inner.catalog.store(Arc::new(catalog));
        }
        self.list_changed(kind);
        Ok(())
    }

    /// `notifications/<kind>/list_changed` to every session and listen stream that wants it.
    fn list_changed(&self, kind: Notify) {
        let message = Bytes::from(format!(
            r#"{{"jsonrpc":"2.0","method":"{}"}}"#,
            kind.method()
        ));
        for session in self.inner.sessions.all() {
            session.send(message.clone());
        }
        self.inner.listeners.list_changed(kind);
    }
}
