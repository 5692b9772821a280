//! The model of an annotated function: its parameters, classified, and its documentation.

use syn::{Attribute, FnArg, Ident, ItemFn, Pat, Type};

use crate::attr::{self, Complete, Kind};
use crate::ctxt::Ctxt;

/// How a parameter gets its value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamKind {
    /// A client-supplied argument (a schema property, prompt argument or template variable).
    Arg,
    /// Supplied by the framework: `State<T>` or `Context`.
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
    pub(crate) fn from_item(cx: &Ctxt, kind: Kind, mut item: ItemFn) -> FnSpec {
        let what = kind.attr_name();
        let sig = &item.sig;
        check_generics(cx, what, &sig.generics);
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

        let mut params = Vec::new();
        for input in &mut item.sig.inputs {
            match input {
                FnArg::Receiver(recv) => cx.error_spanned_by(
                    &*recv,
                    format!(
                        "`#[{what}]` goes on free functions, not methods; share data with `State<T>` \
                         (registered with `ServerBuilder::state`) instead of `self`"
                    ),
                ),
                FnArg::Typed(pat_ty) => {
                    let mut docs = Vec::new();
                    let mut passthrough = Vec::new();
                    let mut complete = None;
                    let mut kept = Vec::new();
                    for a in pat_ty.attrs.drain(..) {
                        if a.path().is_ident("doc") {
                            docs.push(a);
                        } else if a.path().is_ident("serde") || a.path().is_ident("schemars") {
                            passthrough.push(a);
                        } else if a.path().is_ident("header") {
                            // #[header("Region")]: the client repeats this argument in the
                            // `Mcp-Param-Region` HTTP header (`x-mcp-header` in the schema).
                            match (kind, a.parse_args::<syn::LitStr>()) {
                                (Kind::Tool, Ok(name)) => {
                                    passthrough.push(syn::parse_quote!(#[schemars(extend("x-mcp-header" = #name))]));
                                }
                                (Kind::Tool, Err(_)) => cx.error_spanned_by(&a, "expected `#[header(\"Header-Name\")]`"),
                                _ => cx.error_spanned_by(&a, "`#[header]` applies to tool arguments"),
                            }
                        } else if a.path().is_ident("complete") {
                            if let Some(c) = attr::parse_complete(cx, &a) {
                                if complete.is_some() {
                                    cx.error_spanned_by(&a, "duplicate `#[complete]` attribute");
                                } else {
                                    complete = Some((a, c));
                                }
                            }
                        } else {
                            kept.push(a);
                        }
                    }
                    pat_ty.attrs = kept;
                    let ty = (*pat_ty.ty).clone();
                    let kind = classify(&ty, kind);
                    let ident = match (&*pat_ty.pat, kind) {
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
                    if kind == ParamKind::Arg {
                        check_owned(cx, &ty);
                    }
                    if kind != ParamKind::Arg && !passthrough.is_empty() {
                        cx.error_spanned_by(
                            &passthrough[0],
                            "`#[serde]`/`#[schemars]` apply only to argument parameters",
                        );
                    }
                    params.push(Param {
                        kind,
                        ident,
                        option_inner: option_inner(&ty),
                        ty,
                        docs,
                        passthrough,
                        complete,
                    });
                }
            }
        }
        let doc = doc_string(&item.attrs);
        FnSpec { item, params, doc }
    }

    pub(crate) fn args(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.kind == ParamKind::Arg)
    }
}

/// Lifetime parameters get their own message: arguments are owned, so they need none.
fn check_generics(cx: &Ctxt, what: &str, generics: &syn::Generics) {
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

/// The last path segment decides: `State<..>` and `Context` are injected, `Json<..>` (tools
/// only) carries the whole arguments object.
fn classify(ty: &Type, kind: Kind) -> ParamKind {
    match last_segment(ty).as_deref() {
        Some("State" | "Context") => ParamKind::Injected,
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

fn check_owned(cx: &Ctxt, ty: &Type) {
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
