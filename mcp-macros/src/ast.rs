//! The model of an annotated function: its parameters, classified, and its documentation.

use syn::{Attribute, FnArg, Ident, ItemFn, Pat, PatType, Type};

use crate::attr::{self, Complete, Kind};
use crate::ctxt::Ctxt;

/// How a parameter gets its value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamKind {
    /// A client-supplied argument (a schema property, prompt argument or template variable).
    Arg,
    /// Supplied by the framework: `State<T>`, `Context` or `Caller`.
    Injected,
    /// `Json<T>`: the whole arguments object of a tool.
    Json,
}

pub(crate) struct Param {
    pub(crate) kind: ParamKind,
    /// The binding name (for `Arg`).
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: Type,
    /// `Some(T)` when the type is `Option<T>`.
    pub(crate) option_inner: Option<Type>,
    pub(crate) docs: Vec<Attribute>,
    /// `#[serde(..)]` and `#[schemars(..)]`, copied onto the generated field.
    pub(crate) passthrough: Vec<Attribute>,
    pub(crate) complete: Option<(Attribute, Complete)>,
}

impl Param {
    fn parse(cx: &Ctxt, kind: Kind, pat_ty: &mut PatType) -> Param {
        let ParamAttrs {
            docs,
            passthrough,
            complete,
        } = ParamAttrs::take(cx, kind, &mut pat_ty.attrs);
        let ty = (*pat_ty.ty).clone();
        let param_kind = classify(&ty, kind);
        let ident = match (&*pat_ty.pat, param_kind) {
            (Pat::Ident(pi), _) => Some(pi.ident.clone()),
            (_, ParamKind::Arg) => {
                cx.error_spanned_by(
                    &pat_ty.pat,
                    "argument parameters must be plain identifiers, such as `city: String`, \
                     because the name becomes the argument's name",
                );
                None
            }
            _ => None,
        };
        Param {
            kind: param_kind,
            ident,
            option_inner: option_inner(&ty),
            ty,
            docs,
            passthrough,
            complete,
        }
    }

    pub(crate) fn name(&self) -> String {
        self.ident
            .as_ref()
            .map(|i| {
                let s = i.to_string();
                s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
            })
            .unwrap_or_default()
    }

    pub(crate) fn doc(&self) -> Option<String> {
        doc_string(&self.docs)
    }
}

pub(crate) struct FnSpec {
    /// The user's function with our parameter attributes removed.
    pub(crate) item: ItemFn,
    pub(crate) params: Vec<Param>,
    pub(crate) doc: Option<String>,
}

impl FnSpec {
    /// Parses the function's parameters, removing our attributes from them. Only what
    /// can't be modelled is reported here; the checks come later (`check.rs`).
    pub(crate) fn from_item(cx: &Ctxt, kind: Kind, mut item: ItemFn) -> FnSpec {
        let mut params = Vec::new();
        for input in &mut item.sig.inputs {
            match input {
                FnArg::Receiver(recv) => cx.error_spanned_by(
                    &*recv,
                    format!(
                        "`#[{}]` goes on free functions, not methods; share data with `State<T>` \
                         (registered with `ServerBuilder::state`) instead of `self`",
                        kind.attr_name()
                    ),
                ),
                FnArg::Typed(pat_ty) => params.push(Param::parse(cx, kind, pat_ty)),
            }
        }
        let doc = doc_string(&item.attrs);
        FnSpec { item, params, doc }
    }

    /// The `Json<T>` parameters (a valid tool has at most one).
    pub(crate) fn json_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.kind == ParamKind::Json)
    }

    pub(crate) fn args(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.kind == ParamKind::Arg)
    }
}

/// The attributes of one parameter, sorted: docs, attributes for the generated field, our
/// `#[header]` (turned into a schema extension) and `#[complete]`; the rest stay on it.
struct ParamAttrs {
    docs: Vec<Attribute>,
    passthrough: Vec<Attribute>,
    complete: Option<(Attribute, Complete)>,
}

impl ParamAttrs {
    fn take(cx: &Ctxt, kind: Kind, attrs: &mut Vec<Attribute>) -> ParamAttrs {
        let mut out = ParamAttrs {
            docs: Vec::new(),
            passthrough: Vec::new(),
            complete: None,
        };
        let mut kept = Vec::new();
        for a in attrs.drain(..) {
            let path = a.path();
            if path.is_ident("doc") {
                out.docs.push(a);
            } else if path.is_ident("serde") || path.is_ident("schemars") {
                out.passthrough.push(a);
            } else if path.is_ident("header") {
                out.header(cx, kind, &a);
            } else if path.is_ident("complete") {
                out.complete(cx, a);
            } else {
                kept.push(a);
            }
        }
        *attrs = kept;
        out
    }

    /// `#[header("Region")]`: the client repeats this argument in the `Mcp-Param-Region`
    /// HTTP header (`x-mcp-header` in the schema).
    fn header(&mut self, cx: &Ctxt, kind: Kind, a: &Attribute) {
        match (kind, a.parse_args::<syn::LitStr>()) {
            (Kind::Tool, Ok(name)) => self
                .passthrough
                .push(syn::parse_quote!(#[schemars(extend("x-mcp-header" = #name))])),
            (Kind::Tool, Err(_)) => cx.error_spanned_by(a, "expected `#[header(\"Header-Name\")]`"),
            _ => cx.error_spanned_by(a, "`#[header]` applies to tool arguments"),
        }
    }

    fn complete(&mut self, cx: &Ctxt, a: Attribute) {
        if let Some(c) = attr::parse_complete(cx, &a) {
            if self.complete.is_some() {
                cx.error_spanned_by(&a, "duplicate `#[complete]` attribute");
            } else {
                self.complete = Some((a, c));
            }
        }
    }
}

/// The last path segment decides: `State<..>`, `Context` and `Caller` are injected, `Json<..>` (tools
/// only) carries the whole arguments object.
fn classify(ty: &Type, kind: Kind) -> ParamKind {
    match last_segment(ty).as_deref() {
        Some("State" | "Context" | "Caller") => ParamKind::Injected,
        Some("Json") if kind == Kind::Tool => ParamKind::Json,
        _ => ParamKind::Arg,
    }
}

fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(tp) if tp.qself.is_none() => {
            tp.path.segments.last().map(|s| s.ident.to_string())
        }
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(tp) = ty else { return None };
    let seg = tp.path.segments.last()?;
    if seg.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner.clone()),
        _ => None,
    }
}

/// `T` in `Json<T>`.
pub(crate) fn json_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(tp) = ty else { return None };
    let seg = tp.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// The text of `///` comments: one leading space per line removed, common indentation
/// removed, blank edges trimmed. `None` when there is no text.
pub(crate) fn doc_string(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &a.meta {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                for line in s.value().lines() {
                    lines.push(
                        line.strip_prefix(' ')
                            .unwrap_or(line)
                            .trim_end()
                            .to_string(),
                    );
                }
            }
        }
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let text = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
