//! Parsing of `#[tool(...)]`, `#[resource(...)]` and `#[prompt(...)]` arguments.
//!
//! Every key is spelled once, as a `Symbol`; an unknown or repeated key is an error spanned
//! on the key itself.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::{LitBool, LitStr, Path};

use crate::ctxt::Ctxt;

/// Which macro is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Tool,
    Resource,
    Prompt,
}

impl Kind {
    pub(crate) fn attr_name(self) -> &'static str {
        match self {
            Kind::Tool => "tool",
            Kind::Resource => "resource",
            Kind::Prompt => "prompt",
        }
    }
}

#[derive(Clone, Copy)]
struct Symbol(&'static str);

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

const NAME: Symbol = Symbol("name");
const TITLE: Symbol = Symbol("title");
const DESCRIPTION: Symbol = Symbol("description");
const SERVER: Symbol = Symbol("server");
const ICONS: Symbol = Symbol("icons");
const ROLES: Symbol = Symbol("roles");
const READ_ONLY: Symbol = Symbol("read_only");
const DESTRUCTIVE: Symbol = Symbol("destructive");
const IDEMPOTENT: Symbol = Symbol("idempotent");
const OPEN_WORLD: Symbol = Symbol("open_world");
const TASK: Symbol = Symbol("task");
const URI: Symbol = Symbol("uri");
const MIME_TYPE: Symbol = Symbol("mime_type");
const CRATE: Symbol = Symbol("crate");
const VALUES: Symbol = Symbol("values");
const WITH: Symbol = Symbol("with");

/// One attribute value together with the span of its key, so duplicates can be reported.
pub(crate) struct Attr<T> {
    name: &'static str,
    value: Option<(Span, T)>,
}

impl<T> Attr<T> {
    fn none(name: &'static str) -> Self {
        Attr { name, value: None }
    }

    fn set(&mut self, cx: &Ctxt, kind: Kind, meta: &ParseNestedMeta<'_>, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(
                &meta.path,
                format!(
                    "duplicate `#[{}]` attribute `{}`",
                    kind.attr_name(),
                    self.name
                ),
            );
        } else {
            self.value = Some((meta.path.span_of(), value));
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, v)| v)
    }
}

trait SpanOf {
    fn span_of(&self) -> Span;
}

impl SpanOf for Path {
    fn span_of(&self) -> Span {
        syn::spanned::Spanned::span(self)
    }
}

/// The parsed arguments of one of the three item macros.
pub(crate) struct ItemAttrs {
    pub(crate) name: Attr<LitStr>,
    pub(crate) title: Attr<LitStr>,
    pub(crate) description: Attr<LitStr>,
    pub(crate) servers: Attr<Vec<LitStr>>,
    pub(crate) icons: Attr<Vec<LitStr>>,
    pub(crate) roles: Attr<Vec<LitStr>>,
    pub(crate) read_only: Attr<bool>,
    pub(crate) destructive: Attr<bool>,
    pub(crate) idempotent: Attr<bool>,
    pub(crate) open_world: Attr<bool>,
    pub(crate) task: Attr<TaskMode>,
    pub(crate) uri: Attr<LitStr>,
    pub(crate) mime_type: Attr<LitStr>,
    pub(crate) krate: Attr<Path>,
}

impl ItemAttrs {
    pub(crate) fn parse(cx: &Ctxt, kind: Kind, args: TokenStream) -> ItemAttrs {
        let mut attrs = ItemAttrs {
            name: Attr::none("name"),
            title: Attr::none("title"),
            description: Attr::none("description"),
            servers: Attr::none("server"),
            icons: Attr::none("icons"),
            roles: Attr::none("roles"),
            read_only: Attr::none("read_only"),
            destructive: Attr::none("destructive"),
            idempotent: Attr::none("idempotent"),
            open_world: Attr::none("open_world"),
            task: Attr::none("task"),
            uri: Attr::none("uri"),
            mime_type: Attr::none("mime_type"),
            krate: Attr::none("crate"),
        };
        let parser = syn::meta::parser(|meta| {
            attrs.parse_one(cx, kind, &meta);
            Ok(())
        });
        if let Err(err) = syn::parse::Parser::parse2(parser, args) {
            cx.syn_error(err);
        }
        attrs
    }

    fn parse_one(&mut self, cx: &Ctxt, kind: Kind, meta: &ParseNestedMeta<'_>) {
        let path = &meta.path;
        let result = if *path == NAME {
            // #[tool(name = "...")]
            lit_str(meta).map(|v| self.name.set(cx, kind, meta, v))
        } else if *path == TITLE {
            // #[tool(title = "...")]
            lit_str(meta).map(|v| self.title.set(cx, kind, meta, v))
        } else if *path == DESCRIPTION {
            // #[tool(description = "...")]
            lit_str(meta).map(|v| self.description.set(cx, kind, meta, v))
        } else if *path == SERVER {
            // #[tool(server = "a")] or #[tool(server = ["a", "b"])]
            servers(meta).map(|v| self.servers.set(cx, kind, meta, v))
        } else if *path == ICONS {
            // #[tool(icons = "https://..")] or #[tool(icons = ["a.png", "data:.."])]
            servers(meta).map(|v| self.icons.set(cx, kind, meta, v))
        } else if *path == ROLES {
            // #[tool(roles = "admin")] or #[tool(roles = ["admin", "ops"])]
            roles(meta).map(|v| self.roles.set(cx, kind, meta, v))
        } else if *path == CRATE {
            // #[tool(crate = "path::to::mcp_core")]
            lit_str(meta)
                .and_then(|lit| lit.parse::<Path>())
                .map(|v| self.krate.set(cx, kind, meta, v))
        } else if kind == Kind::Tool && *path == READ_ONLY {
            // #[tool(read_only)] or #[tool(read_only = false)]
            flag(meta).map(|v| self.read_only.set(cx, kind, meta, v))
        } else if kind == Kind::Tool && *path == DESTRUCTIVE {
            flag(meta).map(|v| self.destructive.set(cx, kind, meta, v))
        } else if kind == Kind::Tool && *path == IDEMPOTENT {
            flag(meta).map(|v| self.idempotent.set(cx, kind, meta, v))
        } else if kind == Kind::Tool && *path == OPEN_WORLD {
            flag(meta).map(|v| self.open_world.set(cx, kind, meta, v))
        } else if kind == Kind::Tool && *path == TASK {
            // #[tool(task)], #[tool(task = "optional")] or #[tool(task = "required")]
            task_mode(meta).map(|v| self.task.set(cx, kind, meta, v))
        } else if kind == Kind::Resource && *path == URI {
            // #[resource(uri = "scheme://path/{var}")]
            lit_str(meta).map(|v| self.uri.set(cx, kind, meta, v))
        } else if kind == Kind::Resource && *path == MIME_TYPE {
            // #[resource(mime_type = "application/json")]
            lit_str(meta).map(|v| self.mime_type.set(cx, kind, meta, v))
        } else {
            let key = path
                .get_ident()
                .map_or_else(|| quote::quote!(#path).to_string(), ToString::to_string);
            let hint = suggest(&key, keys(kind))
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            let expected: Vec<String> = keys(kind).iter().map(|k| format!("`{k}`")).collect();
            Err(meta.error(format_args!(
                "unknown `#[{}]` attribute `{}`; {hint}expected one of: {}",
                kind.attr_name(),
                key,
                expected.join(", ")
            )))
        };
        if let Err(err) = result {
            cx.syn_error(err);
            // Skip the rest of this key's tokens so later keys are still checked.
            if meta.input.peek(syn::Token![=]) {
                let _ = meta.value().and_then(|v| v.parse::<syn::Expr>());
            }
        }
    }
}

fn keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Tool => &[
            "name",
            "title",
            "description",
            "icons",
            "server",
            "roles",
            "read_only",
            "destructive",
            "idempotent",
            "open_world",
            "task",
            "crate",
        ],
        Kind::Resource => &[
            "uri",
            "name",
            "title",
            "description",
            "icons",
            "mime_type",
            "server",
            "roles",
            "crate",
        ],
        Kind::Prompt => &[
            "name",
            "title",
            "description",
            "icons",
            "server",
            "roles",
            "crate",
        ],
    }
}

/// The known key closest to a misspelt one, if any is close.
fn suggest(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let normalized = key.to_ascii_lowercase().replace(['-', '_'], "");
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&normalized, &k.replace('_', "")), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

fn lit_str(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    let value = meta.value()?;
    let expr: syn::Expr = value.parse()?;
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Ok(lit),
        other => {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            Err(syn::Error::new_spanned(
                other,
                format!("expected a string literal, as in `{key} = \"...\"`"),
            ))
        }
    }
}

fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        let lit: LitBool = meta.value()?.parse()?;
        Ok(lit.value)
    } else {
        Ok(true)
    }
}

fn servers(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<LitStr>> {
    let value = meta.value()?;
    if value.peek(syn::token::Bracket) {
        let content;
        syn::bracketed!(content in value);
        let list = content.parse_terminated(|p| p.parse::<LitStr>(), syn::Token![,])?;
        Ok(list.into_iter().collect())
    } else {
        let lit: LitStr = value.parse()?;
        Ok(vec![lit])
    }
}

/// Whether a tool may, or must, run as a task.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskMode {
    Optional,
    Required,
}

/// `task` (optional), `task = "optional"` or `task = "required"`.
fn task_mode(meta: &ParseNestedMeta<'_>) -> syn::Result<TaskMode> {
    if !meta.input.peek(syn::Token![=]) {
        return Ok(TaskMode::Optional);
    }
    let lit = lit_str(meta)?;
    match lit.value().as_str() {
        "optional" => Ok(TaskMode::Optional),
        "required" => Ok(TaskMode::Required),
        _ => Err(syn::Error::new(
            lit.span(),
            "expected `task` (the client may ask for a task), `task = \"optional\"` or `task = \"required\"` (only as a task)",
        )),
    }
}

/// `roles = "admin"` or `roles = ["admin", "ops"]`: at least one role, each a non-empty word.
fn roles(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<LitStr>> {
    let span = meta.path.span_of();
    let list = servers(meta)?;
    if list.is_empty() {
        return Err(syn::Error::new(
            span,
            "`roles` needs at least one role, e.g. `roles = [\"admin\"]`; leave it off to let every caller see the item",
        ));
    }
    for lit in &list {
        let role = lit.value();
        if role.is_empty()
            || role
                .chars()
                .any(|c| c.is_whitespace() || c == ',' || c == '|')
        {
            return Err(syn::Error::new(
                lit.span(),
                "a role is a non-empty name without spaces, `,` or `|`, e.g. `\"admin\"`",
            ));
        }
    }
    Ok(list)
}

/// `#[complete(values = ["a", "b"])]` or `#[complete(with = path)]` on a parameter.
pub(crate) enum Complete {
    Values(Vec<LitStr>),
    With(Path),
}

pub(crate) fn parse_complete(cx: &Ctxt, attr: &syn::Attribute) -> Option<Complete> {
    let mut found = None;
    let result = attr.parse_nested_meta(|meta| {
        if found.is_some() {
            return Err(meta.error("`#[complete]` takes exactly one of `values = [...]` or `with = path`"));
        }
        if meta.path == VALUES {
            let value = meta.value()?;
            let content;
            syn::bracketed!(content in value);
            let list = content.parse_terminated(|p| p.parse::<LitStr>(), syn::Token![,])?;
            found = Some(Complete::Values(list.into_iter().collect()));
            Ok(())
        } else if meta.path == WITH {
            let path: Path = meta.value()?.parse()?;
            found = Some(Complete::With(path));
            Ok(())
        } else {
            Err(meta.error(
                "unknown `#[complete]` key; use `#[complete(values = [\"a\", \"b\"])]` or `#[complete(with = my_fn)]`",
            ))
        }
    });
    if let Err(err) = result {
        cx.syn_error(err);
        return None;
    }
    if found.is_none() {
        cx.error_spanned_by(
            attr,
            "`#[complete]` needs `values = [\"a\", \"b\"]` or `with = my_fn`",
        );
    }
    found
}
