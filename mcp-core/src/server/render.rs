//! Rendering what a server serves, once per revision at start-up: list pages, the
//! `initialize` and `server/discover` results, and the fields every result closes with.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Map, Value};

use super::{Info, ListPages, Pages, PerVersion, Rendered, Served};
use crate::handler::registry::{PromptDef, ResourceDef, TaskSupport, ToolDef, ToolHints};
use crate::wire::Version;

/// Entries as JSON objects holding every field of the newest revision; older revisions drop
/// the fields they do not know.
/// Shared, so that a registry change copies none of them.
pub(crate) struct Lists {
    pub(super) tools: Vec<Entry>,
    pub(super) resources: Vec<Entry>,
    pub(super) templates: Vec<Entry>,
    pub(super) prompts: Vec<Entry>,
}

/// One list entry.
pub(crate) type Entry = Arc<Map<String, Value>>;

/// Which of the four lists.
#[derive(Clone, Copy)]
pub(crate) enum ListKind {
    Tools,
    Resources,
    Templates,
    Prompts,
}

/// Whether entry `i` of a list belongs in the lists being rendered.
pub(super) type Keep<'a> = &'a dyn Fn(ListKind, usize) -> bool;

fn put(map: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        map.insert(key.to_string(), v.into());
    }
}

/// An icon URI is `https:`, `http:` or `data:`; anything else (`file:`, `javascript:`) is a
/// mistake or a risk for clients that load it.
pub(super) fn check_icon(src: &str) -> Result<(), String> {
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

pub(super) fn tool_to_json(
    def: &ToolDef,
    input: Value,
    output: Option<Value>,
) -> Map<String, Value> {
    tool_json(
        &ToolFields {
            name: def.name,
            title: def.title,
            description: def.description,
            icons: def.icons,
            annotations: def.annotations,
            task: def.task,
        },
        input,
        output,
    )
}

/// What a tool's list entry shows, whoever defined it.
pub(super) struct ToolFields<'a> {
    pub(super) name: &'a str,
    pub(super) title: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) icons: &'a [&'a str],
    pub(super) annotations: ToolHints,
    pub(super) task: TaskSupport,
}

/// A tool's list entry, as the newest revision shows it.
pub(super) fn tool_json(
    t: &ToolFields<'_>,
    input: Value,
    output: Option<Value>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), t.name.into());
    put(&mut m, "title", t.title);
    put(&mut m, "description", t.description);
    put(&mut m, "icons", icons_json(t.icons));
    m.insert("inputSchema".into(), input);
    put(&mut m, "outputSchema", output);
    let a = t.annotations;
    let mut ann = Map::new();
    put(&mut ann, "readOnlyHint", a.read_only);
    put(&mut ann, "destructiveHint", a.destructive);
    put(&mut ann, "idempotentHint", a.idempotent);
    put(&mut ann, "openWorldHint", a.open_world);
    if !ann.is_empty() {
        m.insert("annotations".into(), Value::Object(ann));
    }
    let support = match t.task {
        TaskSupport::Forbidden => None,
        TaskSupport::Optional => Some("optional"),
        TaskSupport::Required => Some("required"),
    };
    if let Some(support) = support {
        m.insert("execution".into(), json!({ "taskSupport": support }));
    }
    m
}

/// What a resource's or a template's list entry shows, whoever defined it.
pub(super) struct ResourceFields<'a> {
    /// The URI, or the URI template.
    pub(super) uri: &'a str,
    pub(super) template: bool,
    pub(super) name: &'a str,
    pub(super) title: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) mime_type: Option<&'a str>,
    pub(super) icons: &'a [&'a str],
}

/// A resource's or a template's list entry, as the newest revision shows it.
pub(super) fn resource_json(r: &ResourceFields<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    let key = if r.template { "uriTemplate" } else { "uri" };
    m.insert(key.into(), r.uri.into());
    m.insert("name".into(), r.name.into());
    put(&mut m, "title", r.title);
    put(&mut m, "description", r.description);
    put(&mut m, "mimeType", r.mime_type);
    put(&mut m, "icons", icons_json(r.icons));
    m
}

pub(super) fn resource_to_json(def: &ResourceDef) -> Map<String, Value> {
    resource_json(&ResourceFields {
        uri: def.uri,
        template: def.is_template,
        name: def.name,
        title: def.title,
        description: def.description,
        mime_type: def.mime_type,
        icons: def.icons,
    })
}

/// What a prompt's list entry shows, whoever defined it.
pub(super) struct PromptFields<'a> {
    pub(super) name: &'a str,
    pub(super) title: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) icons: &'a [&'a str],
    /// Each argument: its name, description and whether it is required.
    pub(super) arguments: Vec<(&'a str, Option<&'a str>, bool)>,
}

/// A prompt's list entry, as the newest revision shows it.
pub(super) fn prompt_json(p: &PromptFields<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), p.name.into());
    put(&mut m, "title", p.title);
    put(&mut m, "description", p.description);
    put(&mut m, "icons", icons_json(p.icons));
    let args: Vec<Value> = p
        .arguments
        .iter()
        .map(|&(name, description, required)| {
            let mut am = Map::new();
            am.insert("name".into(), name.into());
            put(&mut am, "description", description);
            am.insert("required".into(), required.into());
            Value::Object(am)
        })
        .collect();
    if !args.is_empty() {
        m.insert("arguments".into(), Value::Array(args));
    }
    m
}

pub(super) fn prompt_to_json(def: &PromptDef) -> Map<String, Value> {
    prompt_json(&PromptFields {
        name: def.name,
        title: def.title,
        description: def.description,
        icons: def.icons,
        arguments: def
            .arguments
            .iter()
            .map(|a| (a.name, a.description, a.required))
            .collect(),
    })
}

pub(super) fn capabilities(served: Served) -> Map<String, Value> {
    let mut caps = Map::new();
    // Any tool taking a `Context` may log.
    caps.insert("logging".into(), json!({}));
    if served.tools {
        // Every list can change at run time (`Server::add_tool`, `add_resource`, ..), and
        // every transport tells clients: session streams, listen streams, stdio.
        caps.insert("tools".into(), json!({"listChanged": true}));
    }
    if served.resources {
        caps.insert("resources".into(), json!({"listChanged": true}));
    }
    if served.prompts {
        caps.insert("prompts".into(), json!({"listChanged": true}));
    }
    if served.completions {
        caps.insert("completions".into(), json!({}));
    }
    caps
}

/// An entry as `version` shows it: without the fields it does not define. Serialized in
/// place, without copying the entry.
struct Downgraded<'a>(&'a Map<String, Value>, Version);

impl Downgraded<'_> {
    fn keeps(&self, key: &str) -> bool {
        let version = self.1;
        match key {
            "title" | "outputSchema" => version.has_titles_and_structured_content(),
            "icons" => version.has_icons(),
            // 2026-07-28 decides per request (the tasks extension), not per tool.
            "execution" => version.has_session_tasks(),
            _ => true,
        }
    }
}

impl serde::Serialize for Downgraded<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = s.serialize_map(None)?;
        for (key, value) in self.0.iter().filter(|(k, _)| self.keeps(k)) {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

fn server_info(info: &Info, version: Version) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), info.name.clone().into());
    if version.has_titles_and_structured_content() {
        put(&mut m, "title", info.title.clone());
    }
    m.insert("version".into(), info.version.clone().into());
    if version.has_icons() {
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

/// The fields a revision adds to results: to every result (`common`) and to cacheable ones
/// (`cacheable`); both empty in the session revisions.
struct Closing {
    common: Map<String, Value>,
    cacheable: Map<String, Value>,
}

impl Closing {
    fn new(version: Version, info_json: &Value, ttl: Duration) -> Closing {
        let mut closing = Closing {
            common: Map::new(),
            cacheable: Map::new(),
        };
        if version.has_result_envelope() {
            let mut meta = Map::new();
            meta.insert(
                "io.modelcontextprotocol/serverInfo".into(),
                info_json.clone(),
            );
            closing
                .common
                .insert("resultType".into(), "complete".into());
            closing.common.insert("_meta".into(), Value::Object(meta));
            closing.cacheable.insert("ttlMs".into(), ttl_ms(ttl).into());
            closing
                .cacheable
                .insert("cacheScope".into(), "public".into());
        }
        closing
    }

    /// Adds the fields of a cacheable result to `m`.
    fn close_cacheable(&self, m: &mut Map<String, Value>) {
        m.extend(self.cacheable.clone());
        m.extend(self.common.clone());
    }
}

/// What `version` serves of these items: the lists, holding the entries `keep` keeps, and
/// the discovery result.
pub(super) fn rendered(
    version: Version,
    info: &Info,
    lists: &Lists,
    caps: &Map<String, Value>,
    page_size: Option<usize>,
    ttl: Duration,
    keep: Keep<'_>,
) -> Rendered {
    let info_json = server_info(info, version);
    let closing = Closing::new(version, &info_json, ttl);
    let hello = hello(version, info, info_json, caps, &closing);
    Rendered {
        lists: render_lists(version, lists, page_size, &closing, keep),
        hello: Bytes::from(serde_json::to_vec(&hello).expect("serializes")),
    }
}

/// What `version` closes results with, whatever the items.
pub(super) fn fixed(version: Version, info: &Info, ttl: Duration) -> PerVersion {
    let closing = Closing::new(version, &server_info(info, version), ttl);
    let mut read = closing.cacheable.clone();
    if version.has_result_envelope() {
        // Contents may change at any time: clients must not reuse them.
        read.insert("ttlMs".into(), 0.into());
    }
    read.extend(closing.common.clone());
    let mut meta = closing.common.clone();
    meta.remove("resultType");
    PerVersion {
        suffix: spliced(&closing.common),
        read_suffix: spliced(&read),
        meta_suffix: spliced(&meta),
    }
}

/// The capabilities of each revision, for these lists.
pub(super) fn capabilities_of(version: Version, served: Served) -> Map<String, Value> {
    let mut caps = capabilities(served);
    if served.tasks && version.is_stateless() {
        caps.insert("extensions".into(), json!({ super::tasks::EXTENSION: {} }));
    }
    if served.tasks && version.has_session_tasks() {
        let tasks = json!({"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}});
        caps.insert("tasks".into(), tasks);
    }
    caps
}

/// The four lists of `version`, holding the entries `keep` keeps.
pub(super) fn list_pages(
    version: Version,
    info: &Info,
    lists: &Lists,
    page_size: Option<usize>,
    ttl: Duration,
    keep: Keep<'_>,
) -> ListPages {
    let closing = Closing::new(version, &server_info(info, version), ttl);
    render_lists(version, lists, page_size, &closing, keep)
}

fn render_lists(
    version: Version,
    lists: &Lists,
    page_size: Option<usize>,
    closing: &Closing,
    keep: Keep<'_>,
) -> ListPages {
    let pages = |key: &str, kind: ListKind, entries: &[Entry]| {
        let kept: Vec<&Map<String, Value>> = entries
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(kind, *i))
            .map(|(_, e)| &**e)
            .collect();
        pages(key, &kept, version, page_size, closing)
    };
    ListPages {
        tools: pages("tools", ListKind::Tools, &lists.tools),
        resources: pages("resources", ListKind::Resources, &lists.resources),
        templates: pages("resourceTemplates", ListKind::Templates, &lists.templates),
        prompts: pages("prompts", ListKind::Prompts, &lists.prompts),
    }
}

/// A list's pages, each a complete result.
fn pages(
    key: &str,
    entries: &[&Map<String, Value>],
    version: Version,
    page_size: Option<usize>,
    closing: &Closing,
) -> Pages {
    let size = page_size.unwrap_or(usize::MAX).max(1);
    let chunks: Vec<&[&Map<String, Value>]> = if entries.is_empty() {
        vec![&[]]
    } else {
        entries.chunks(size).collect()
    };
    let count = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            // The page with `null` for its entries, which are then written in its place.
            let mut m = Map::new();
            m.insert(key.into(), Value::Null);
            if i + 1 < count {
                m.insert("nextCursor".into(), encode_cursor(i + 1).into());
            }
            closing.close_cacheable(&mut m);
            let page = serde_json::to_vec(&Value::Object(m)).expect("lists serialize");
            let entries: Vec<Downgraded<'_>> =
                chunk.iter().map(|e| Downgraded(e, version)).collect();
            let entries = serde_json::to_vec(&entries).expect("lists serialize");
            // Outside strings, `"key":null` can only be the placeholder.
            let hole = format!("\"{key}\":null");
            let at = page
                .windows(hole.len())
                .position(|w| w == hole.as_bytes())
                .expect("the placeholder is there")
                + hole.len()
                - 4;
            let mut out = Vec::with_capacity(page.len() + entries.len());
            out.extend_from_slice(&page[..at]);
            out.extend_from_slice(&entries);
            out.extend_from_slice(&page[at + 4..]);
            Bytes::from(out)
        })
        .collect()
}

/// The `initialize` result (session revisions) or the `server/discover` result (stateless).
fn hello(
    version: Version,
    info: &Info,
    info_json: Value,
    caps: &Map<String, Value>,
    closing: &Closing,
) -> Value {
    let mut caps = caps.clone();
    // Session revisions: `resources/subscribe`, delivered on the standalone stream;
    // stateless: `resourceSubscriptions` on `subscriptions/listen`.
    if let Some(Value::Object(resources)) = caps.get_mut("resources") {
        resources.insert("subscribe".into(), true.into());
    }
    let mut m = Map::new();
    if version.is_stateless() {
        let supported = Version::STATELESS.iter().map(|v| Value::from(v.as_str()));
        m.insert("supportedVersions".into(), supported.collect());
        m.insert("capabilities".into(), Value::Object(caps));
        put(&mut m, "instructions", info.instructions.clone());
        closing.close_cacheable(&mut m);
    } else {
        m.insert("protocolVersion".into(), version.as_str().into());
        m.insert("capabilities".into(), Value::Object(caps));
        m.insert("serverInfo".into(), info_json);
        put(&mut m, "instructions", info.instructions.clone());
    }
    Value::Object(m)
}

/// Fields to splice into another object: the JSON of `m` without its braces.
fn spliced(m: &Map<String, Value>) -> Box<[u8]> {
    if m.is_empty() {
        return Box::new([]);
    }
    let text = serde_json::to_string(m).expect("serializes");
    text.as_bytes()[1..text.len() - 1].into()
}
