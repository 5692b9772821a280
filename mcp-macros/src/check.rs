//! The checks between parsing and expansion: everything that can be wrong with a parsed
//! function and its attribute, each error spanned on the user's token. Expansion then works
//! from what the checks established and reports nothing itself.

use quote::ToTokens;
use syn::Type;

use crate::ast::{json_inner, FnSpec, Param, ParamKind};
use crate::attr::{ItemAttrs, Kind};
use crate::ctxt::Ctxt;

/// What the checks established about an item, for expansion.
pub(crate) struct Checked {
    /// The name on the wire: `name = ".."` or the function's name.
    pub(crate) name: String,
    /// A resource's URI, when it is present and valid.
    pub(crate) uri: Option<Uri>,
}

/// A resource's URI, checked against the shared grammar.
pub(crate) struct Uri {
    pub(crate) value: String,
    /// Whether it has variables (a template) or not (a static resource).
    pub(crate) is_template: bool,
}

/// Runs every check for an item of `kind`.
pub(crate) fn item(cx: &Ctxt, kind: Kind, attrs: &ItemAttrs, spec: &FnSpec) -> Checked {
    signature(cx, kind, spec);
    for p in &spec.params {
        param(cx, kind, p);
    }
    servers(cx, attrs);
    let name = name(cx, kind, attrs, spec);
    let uri = match kind {
        Kind::Tool => {
            tool_params(cx, spec);
            None
        }
        Kind::Resource => resource_uri(cx, attrs, spec),
        Kind::Prompt => None,
    };
    Checked { name, uri }
}

/// What the function itself may not be: unsafe, variadic, foreign, generic.
fn signature(cx: &Ctxt, kind: Kind, spec: &FnSpec) {
    let what = kind.attr_name();
    let sig = &spec.item.sig;
    generics(cx, what, &sig.generics);
    if let Some(unsafety) = &sig.unsafety {
        cx.error_spanned_by(
            unsafety,
            format!("`#[{what}]` can't be used on an `unsafe fn`; make it safe and use `unsafe` blocks inside"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(variadic, format!("`#[{what}]` functions can't be variadic"));
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            format!("`#[{what}]` functions must use the Rust ABI; remove `extern`"),
        );
    }
}

/// Lifetime parameters get their own message: arguments are owned, so they need none.
fn generics(cx: &Ctxt, what: &str, generics: &syn::Generics) {
    for param in &generics.params {
        match param {
            syn::GenericParam::Lifetime(lt) => cx.error_spanned_by(
                lt,
                format!(
                    "`#[{what}]` functions can't have lifetime parameters: arguments are deserialized into owned values, so nothing borrows; remove `<{}>` (and use `String` for `&str`)",
                    lt.lifetime
                ),
            ),
            other => cx.error_spanned_by(
                other,
                format!(
                    "`#[{what}]` functions can't be generic: the framework must know the concrete \
                     argument and return types; write a non-generic wrapper that calls the generic function"
                ),
            ),
        }
    }
    if let Some(clause) = &generics.where_clause {
        cx.error_spanned_by(
            clause,
            format!("`#[{what}]` functions can't have a `where` clause; use concrete types"),
        );
    }
}

/// One parameter: owned argument types, attributes only where they mean something.
fn param(cx: &Ctxt, kind: Kind, p: &Param) {
    if p.kind == ParamKind::Arg {
        owned(cx, &p.ty);
    } else if let Some(attr) = p.passthrough.first() {
        cx.error_spanned_by(
            attr,
            "`#[serde]`/`#[schemars]` apply only to argument parameters",
        );
    }
    if let Some((attr, _)) = &p.complete {
        if kind == Kind::Tool {
            cx.error_spanned_by(
                attr,
                "`#[complete]` applies to prompt arguments and resource template variables, not tool arguments",
            );
        } else if p.kind != ParamKind::Arg {
            cx.error_spanned_by(attr, "`#[complete]` applies only to argument parameters");
        }
    }
    if kind == Kind::Tool && p.kind == ParamKind::Json && json_inner(&p.ty).is_none() {
        cx.error_spanned_by(&p.ty, "expected `Json<T>` with the arguments type `T`");
    }
}

fn owned(cx: &Ctxt, ty: &Type) {
    match ty {
        Type::Reference(r) => cx.error_spanned_by(
            r,
            "argument parameters must be owned types, because arguments are deserialized from the \
             request; use `String` instead of `&str` and `Vec<T>` instead of `&[T]`",
        ),
        Type::ImplTrait(t) => cx.error_spanned_by(
            t,
            "`impl Trait` can't be an argument type: the framework needs a concrete type to \
             deserialize into and to describe in the schema",
        ),
        _ => {}
    }
}

fn servers(cx: &Ctxt, attrs: &ItemAttrs) {
    for lit in attrs.servers.get().map(Vec::as_slice).unwrap_or_default() {
        if lit.value().is_empty() {
            cx.error_spanned_by(lit, "server names can't be empty");
        }
    }
}

/// The name on the wire, checked by the shared tool-name rule for tools.
fn name(cx: &Ctxt, kind: Kind, attrs: &ItemAttrs, spec: &FnSpec) -> String {
    let name = match attrs.name.get() {
        Some(lit) => lit.value(),
        None => {
            let ident = spec.item.sig.ident.to_string();
            ident
                .strip_prefix("r#")
                .map(str::to_string)
                .unwrap_or(ident)
        }
    };
    if kind == Kind::Tool {
        if let Err(why) = mcp_grammar::check_tool_name(&name) {
            let msg = format!(
                "invalid tool name `{name}`: {why}; set a valid one with `#[tool(name = \"...\")]`"
            );
            match attrs.name.get() {
                Some(lit) => cx.error_spanned_by(lit, msg),
                None => cx.error_spanned_by(&spec.item.sig.ident, msg),
            }
        }
    } else if name.is_empty() {
        if let Some(lit) = attrs.name.get() {
            cx.error_spanned_by(lit, format!("the {} name can't be empty", kind.attr_name()));
        }
    }
    name
}

/// A tool takes plain argument parameters or one `Json<T>`, not both.
fn tool_params(cx: &Ctxt, spec: &FnSpec) {
    let json: Vec<&Param> = spec.json_params().collect();
    if let Some(second) = json.get(1) {
        cx.error_spanned_by(
            &second.ty,
            "a tool takes at most one `Json<T>` arguments parameter",
        );
    }
    if let (Some(json), Some(arg)) = (json.first(), spec.args().next()) {
        let arg_name = arg.name();
        cx.error_spanned_by(
            &json.ty,
            format!(
                "a `Json<T>` parameter receives the whole arguments object, so it can't be combined \
                 with plain argument parameters such as `{arg_name}`; move `{arg_name}` into `T`"
            ),
        );
    }
}

/// A resource's URI: present, valid by the shared grammar, with a scheme, and with exactly
/// one variable per argument parameter.
fn resource_uri(cx: &Ctxt, attrs: &ItemAttrs, spec: &FnSpec) -> Option<Uri> {
    let Some(lit) = attrs.uri.get() else {
        cx.error_spanned_by(
            &spec.item.sig.ident,
            "`#[resource]` needs a URI: `#[resource(uri = \"scheme://path\")]`, or a URI template such as `#[resource(uri = \"users://{id}/profile\")]`",
        );
        return None;
    };
    let value = lit.value();
    let vars: Vec<String> = match mcp_grammar::parse_template(&value) {
        Ok(parts) => mcp_grammar::variables(&parts).map(str::to_string).collect(),
        Err(why) => {
            cx.error_spanned_by(lit, format!("invalid URI template: {why}"));
            return None;
        }
    };
    if !value.contains(':') {
        cx.error_spanned_by(
            lit,
            "a resource URI needs a scheme, such as `config://app` or `file:///path`",
        );
    }
    template_vars(cx, lit, &vars, spec);
    params_in_template(cx, &value, &vars, spec);
    Some(Uri {
        value,
        is_template: !vars.is_empty(),
    })
}

/// Each variable appears once and has a parameter.
fn template_vars(cx: &Ctxt, lit: &syn::LitStr, vars: &[String], spec: &FnSpec) {
    let mut seen = std::collections::HashSet::new();
    for v in vars {
        if !seen.insert(v) {
            cx.error_spanned_by(
                lit,
                format!("URI template variable `{v}` appears more than once"),
            );
        }
        if !spec.args().any(|p| p.name() == *v) {
            cx.error_spanned_by(
                lit,
                format!("URI template variable `{v}` has no parameter; add a parameter `{v}: String` (or another `FromStr` type) to the function"),
            );
        }
    }
}

/// Each argument parameter is a variable of the template.
fn params_in_template(cx: &Ctxt, uri: &str, vars: &[String], spec: &FnSpec) {
    for p in spec.args() {
        let pname = p.name();
        if vars.contains(&pname) {
            continue;
        }
        let msg = if vars.is_empty() {
            format!("parameter `{pname}` has no value: `{uri}` is a static URI; use a URI template such as `scheme://path/{{{pname}}}` to take it from the URI")
        } else {
            format!("parameter `{pname}` is not a variable of the URI template `{uri}`; rename it to one of its variables, or add `{{{pname}}}` to the template")
        };
        let at = p.ident.as_ref().map(|i| i.to_token_stream());
        cx.error_spanned_by(at.unwrap_or_default(), msg);
    }
}
