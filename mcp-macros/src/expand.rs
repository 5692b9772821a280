//! Code generation. The user's function is re-emitted (parameter attributes stripped) and a
//! hidden `static __mcp_item_<fn>` describing it is added beside it and submitted to the
//! registry. On error the function is still emitted, followed by the errors, so IDEs keep
//! working.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{ItemFn, LitStr, Path, ReturnType, Token};

use crate::ast::{FnSpec, Param, ParamKind};
use crate::attr::{Complete, ItemAttrs, Kind};
use crate::ctxt::Ctxt;

pub(crate) fn item(kind: Kind, args: TokenStream, input: TokenStream) -> TokenStream {
    let item_fn: ItemFn = match syn::parse2(input.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new(
                Span::call_site(),
                format!(
                    "`#[{}]` goes on a free function (`fn` or `async fn`)",
                    kind.attr_name()
                ),
            );
            let mut out = input;
            out.extend(err.into_compile_error());
            return out;
        }
    };
    if crate::placement::in_impl_block(&item_fn.sig.ident) {
        let name = &item_fn.sig.ident;
        let err = syn::Error::new_spanned(
            name,
            format!(
                "`#[{}]` goes on a free function, not on an associated function inside an `impl` block; \
                 move `fn {name}` out of the `impl`, to module level, and reach shared data through a \
                 `State<T>` parameter (registered with `ServerBuilder::state`)",
                kind.attr_name()
            ),
        );
        let mut out = quote!(#item_fn);
        out.extend(err.into_compile_error());
        return out;
    }
    let cx = Ctxt::new();
    let attrs = ItemAttrs::parse(&cx, kind, args);
    let spec = FnSpec::from_item(&cx, kind, item_fn);
    let generated = match kind {
        Kind::Tool => tool(&cx, &attrs, &spec),
        Kind::Resource => resource(&cx, &attrs, &spec),
        Kind::Prompt => prompt(&cx, &attrs, &spec),
    };
    let user_fn = &spec.item;
    match cx.check() {
        Ok(()) => quote! { #user_fn #generated },
        Err(err) => {
            let err = err.into_compile_error();
            quote! { #user_fn #err }
        }
    }
}

/// `items![a, m::b]` → `[&a::__mcp_item_a, &m::__mcp_item_b]` (last segment renamed).
pub(crate) fn items(input: TokenStream) -> TokenStream {
    let parser = Punctuated::<Path, Token![,]>::parse_terminated;
    let paths = match syn::parse::Parser::parse2(parser, input) {
        Ok(p) => p,
        Err(err) => return err.into_compile_error(),
    };
    let refs = paths.into_iter().map(|mut path| {
        if let Some(last) = path.segments.last_mut() {
            last.ident = format_ident!("__mcp_item_{}", last.ident, span = last.ident.span());
        }
        quote!(::core::convert::Into::into(&#path))
    });
    quote! { [#(#refs),*] }
}

fn krate(attrs: &ItemAttrs) -> TokenStream {
    match attrs.krate.get() {
        Some(path) => path.to_token_stream(),
        None => quote!(::mcp_core),
    }
}

fn opt_str(value: Option<String>) -> TokenStream {
    match value {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

fn opt_lit(lit: Option<&LitStr>) -> TokenStream {
    match lit {
        Some(l) => quote!(::core::option::Option::Some(#l)),
        None => quote!(::core::option::Option::None),
    }
}

fn opt_bool(value: Option<&bool>) -> TokenStream {
    match value {
        Some(b) => quote!(::core::option::Option::Some(#b)),
        None => quote!(::core::option::Option::None),
    }
}

/// The name on the wire: `name = ".."` or the function's name.
fn item_name(cx: &Ctxt, kind: Kind, attrs: &ItemAttrs, spec: &FnSpec) -> String {
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

fn servers(cx: &Ctxt, attrs: &ItemAttrs) -> TokenStream {
    let list = attrs.servers.get().map(Vec::as_slice).unwrap_or_default();
    for lit in list {
        if lit.value().is_empty() {
            cx.error_spanned_by(lit, "server names can't be empty");
        }
    }
    quote!(&[#(#list),*])
}

fn icons(attrs: &ItemAttrs) -> TokenStream {
    let list = attrs.icons.get().map(Vec::as_slice).unwrap_or_default();
    quote!(&[#(#list),*])
}

/// `module_path!()`, `file!()` and `line!()` at the function's name.
fn location(spec: &FnSpec, krate: &TokenStream) -> TokenStream {
    let span = spec.item.sig.ident.span();
    quote_spanned! {span=>
        #krate::__private::Location {
            module: ::core::module_path!(),
            file: ::core::file!(),
            line: ::core::line!(),
        }
    }
}

fn description(attrs: &ItemAttrs, spec: &FnSpec) -> TokenStream {
    match attrs.description.get() {
        Some(lit) => opt_lit(Some(lit)),
        None => opt_str(spec.doc.clone()),
    }
}

/// The hidden static's name, visibility and attributes, plus its registration.
fn emit_static(spec: &FnSpec, krate: &TokenStream, body: TokenStream) -> TokenStream {
    let vis = &spec.item.vis;
    let fn_ident = &spec.item.sig.ident;
    let static_ident = format_ident!("__mcp_item_{}", fn_ident);
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis static #static_ident: #krate::__private::Item = { #body };
        const _: () = {
            #krate::__private::inventory::submit! {
                #krate::__private::Registration(&#static_ident)
            }
        };
    }
}

/// Statements that compute each injected parameter, and the call's argument list.
struct Call {
    injections: TokenStream,
    args: Vec<TokenStream>,
    requires: Vec<TokenStream>,
    uses_context: bool,
}

fn call_parts(spec: &FnSpec, krate: &TokenStream, on_err: &TokenStream) -> Call {
    let mut injections = TokenStream::new();
    let mut args = Vec::new();
    let mut requires = Vec::new();
    let mut uses_context = false;
    for (i, p) in spec.params.iter().enumerate() {
        match p.kind {
            ParamKind::Injected => {
                let var = format_ident!("__mcp_inject_{}", i);
                let ty = &p.ty;
                let span = ty.span();
                injections.extend(quote_spanned! {span=>
                    let #var = match <#ty as #krate::__private::Inject>::inject(__mcp_scope) {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(e) => #on_err,
                    };
                });
                requires.push(quote_spanned!(span=> <#ty as #krate::__private::Inject>::REQUIRES));
                if quote!(#ty).to_string().ends_with("Context") {
                    uses_context = true;
                }
                args.push(quote!(#var));
            }
            ParamKind::Arg => {
                let ident = p.ident.as_ref().map(|i| quote!(#i)).unwrap_or_default();
                args.push(ident);
            }
            ParamKind::Json => args.push(quote!(#krate::Json(__mcp_json))),
        }
    }
    Call {
        injections,
        args,
        requires,
        uses_context,
    }
}

/// How one kind of handler receives its input and produces its outcome.
struct Shape {
    /// `ToolHandler`, `ResourceHandler` or `PromptHandler`.
    kind: &'static str,
    /// The input type in `__private` (`ToolArgs`, ...), and whether it is passed by reference.
    input: &'static str,
    by_ref: bool,
    /// What the handler returns, as a path under the crate root.
    outcome: &'static str,
    /// Turns the user's return value into the outcome; spanned on the return type, so an
    /// unsupported type is reported there.
    convert: fn(&TokenStream, TokenStream, Span) -> TokenStream,
}

const TOOL: Shape = Shape {
    kind: "ToolHandler",
    input: "ToolArgs",
    by_ref: false,
    outcome: "ToolResult",
    convert: |_, value, span| quote_spanned!(span=> (__MCP_RETURNS.convert)(#value)),
};

const RESOURCE: Shape = Shape {
    kind: "ResourceHandler",
    input: "ResourceRequest",
    by_ref: true,
    outcome: "__private::ReadOutcome",
    convert: |krate, value, span| quote_spanned!(span=> #krate::__private::read_outcome(#value, __mcp_input)),
};

const PROMPT: Shape = Shape {
    kind: "PromptHandler",
    input: "PromptArgs",
    by_ref: true,
    outcome: "__private::PromptOutcome",
    convert: |krate, value, span| quote_spanned!(span=> #krate::__private::prompt_outcome(#value)),
};

/// The handler function (sync, or returning a boxed future) and the enum variant holding it.
/// `prelude` binds the arguments and injected values (with early returns); `args` is the call.
fn handler(
    spec: &FnSpec,
    krate: &TokenStream,
    shape: &Shape,
    prelude: TokenStream,
    args: &[TokenStream],
) -> TokenStream {
    let fn_ident = &spec.item.sig.ident;
    let ret_span = match &spec.item.sig.output {
        ReturnType::Default => fn_ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let kind = format_ident!("{}", shape.kind);
    let input = format_ident!("{}", shape.input);
    let outcome: Path = syn::parse_str(shape.outcome).expect("valid path");
    if spec.item.sig.asyncness.is_some() {
        let converted = (shape.convert)(
            krate,
            quote_spanned!(ret_span=> #fn_ident(#(#args),*).await),
            ret_span,
        );
        let boxed = quote_spanned!(ret_span=> #krate::__private::boxed(async move { #converted }));
        let input_ty = if shape.by_ref {
            quote!(&'a #krate::__private::#input<'a>)
        } else {
            quote!(#krate::__private::#input<'a>)
        };
        quote! {
            // Parameter names are wire names (`resourceUri`), bound here as locals.
            #[allow(non_snake_case)]
            fn __mcp_handler<'a>(
                __mcp_input: #input_ty,
                __mcp_scope: &'a #krate::__private::RequestScope<'a>,
            ) -> #krate::__private::BoxFuture<'a, #krate::#outcome> {
                #prelude
                #boxed
            }
            #krate::__private::#kind::Async(__mcp_handler)
        }
    } else {
        let converted = (shape.convert)(
            krate,
            quote_spanned!(ret_span=> #fn_ident(#(#args),*)),
            ret_span,
        );
        let input_ty = if shape.by_ref {
            quote!(&#krate::__private::#input<'_>)
        } else {
            quote!(#krate::__private::#input<'_>)
        };
        quote! {
            // Parameter names are wire names (`resourceUri`), bound here as locals.
            #[allow(non_snake_case)]
            fn __mcp_handler(
                __mcp_input: #input_ty,
                __mcp_scope: &#krate::__private::RequestScope<'_>,
            ) -> #krate::#outcome {
                #prelude
                #converted
            }
            #krate::__private::#kind::Sync(__mcp_handler)
        }
    }
}

/// `return X;` for a synchronous handler, `return ready(X);` for an asynchronous one.
fn early_return(is_async: bool, krate: &TokenStream, value: TokenStream) -> TokenStream {
    if is_async {
        quote!(return #krate::__private::ready(#value))
    } else {
        quote!(return #value)
    }
}

fn return_type(spec: &FnSpec) -> TokenStream {
    match &spec.item.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    }
}

fn reject_complete(cx: &Ctxt, p: &Param, what: &str) {
    if let Some((attr, _)) = &p.complete {
        cx.error_spanned_by(attr, what);
    }
}

fn tool(cx: &Ctxt, attrs: &ItemAttrs, spec: &FnSpec) -> TokenStream {
    let krate = krate(attrs);
    let name = item_name(cx, Kind::Tool, attrs, spec);
    let location = location(spec, &krate);
    let servers = servers(cx, attrs);
    let icons = icons(attrs);
    let title = opt_lit(attrs.title.get());
    let description = description(attrs, spec);

    let json_params: Vec<&Param> = spec
        .params
        .iter()
        .filter(|p| p.kind == ParamKind::Json)
        .collect();
    let arg_params: Vec<&Param> = spec.args().collect();
    for p in &spec.params {
        reject_complete(
            cx,
            p,
            "`#[complete]` applies to prompt arguments and resource template variables, not tool arguments",
        );
    }
    if json_params.len() > 1 {
        cx.error_spanned_by(
            &json_params[1].ty,
            "a tool takes at most one `Json<T>` arguments parameter",
        );
    }
    if let (Some(json), Some(arg)) = (json_params.first(), arg_params.first()) {
        let arg_name = arg.name();
        cx.error_spanned_by(
            &json.ty,
            format!(
                "a `Json<T>` parameter receives the whole arguments object, so it can't be combined \
                 with plain argument parameters such as `{arg_name}`; move `{arg_name}` into `T`"
            ),
        );
    }

    let is_async = spec.item.sig.asyncness.is_some();
    let on_err = early_return(
        is_async,
        &krate,
        quote!(#krate::__private::injection_failed(e)),
    );
    let call = call_parts(spec, &krate, &on_err);
    let ret = return_type(spec);
    let ret_span = match &spec.item.sig.output {
        ReturnType::Default => spec.item.sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };

    let (args_items, destructure) = if let Some(json) = json_params.first() {
        let inner = json_inner(&json.ty).unwrap_or_else(|| {
            cx.error_spanned_by(&json.ty, "expected `Json<T>` with the arguments type `T`");
            quote!(())
        });
        let items = quote! {
            const fn __mcp_arguments<T: #krate::ToolArgument>() -> #krate::__private::Arguments<T> {
                #krate::__private::arguments()
            }
            const __MCP_ARGUMENTS: #krate::__private::Arguments<#inner> = __mcp_arguments::<#inner>();
        };
        (items, quote!(__mcp_json))
    } else {
        args_struct(&arg_params, &krate)
    };
    let returns_ty = quote_spanned!(ret_span=> #ret);
    let returns = quote! {
        const fn __mcp_returns<R: #krate::IntoToolResult>() -> #krate::__private::Returns<R> {
            #krate::__private::returns()
        }
        const __MCP_RETURNS: #krate::__private::Returns<#ret> = __mcp_returns::<#returns_ty>();
    };

    let injections = &call.injections;
    let args = &call.args;
    let requires = &call.requires;
    let streaming = call.uses_context;
    let prelude = {
        let bad_args = early_return(is_async, &krate, quote!(e));
        quote! {
            let #destructure = match (__MCP_ARGUMENTS.parse)(&__mcp_input) {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => #bad_args,
            };
            #injections
        }
    };
    let handler = handler(spec, &krate, &TOOL, prelude, args);
    let read_only = opt_bool(attrs.read_only.get());
    let destructive = opt_bool(attrs.destructive.get());
    let idempotent = opt_bool(attrs.idempotent.get());
    let open_world = opt_bool(attrs.open_world.get());
    let body = quote! {
        #args_items
        #returns
        #krate::__private::Item::Tool(#krate::__private::ToolDef {
            location: #location,
            name: #name,
            servers: #servers,
            icons: #icons,
            title: #title,
            description: #description,
            annotations: #krate::__private::ToolHints {
                read_only: #read_only,
                destructive: #destructive,
                idempotent: #idempotent,
                open_world: #open_world,
            },
            input_schema: __MCP_ARGUMENTS.schema,
            output_schema: __MCP_RETURNS.output_schema,
            handler: { #handler },
            requires: &[#(#requires),*],
            streaming: #streaming,
        })
    };
    emit_static(spec, &krate, body)
}

/// The arguments struct of a tool with plain parameters, and how the handler destructures it.
///
/// Each parameter without `#[serde]`/`#[schemars]` attributes is a type parameter of the struct,
/// bounded by `ToolArgument` in a generic `const fn` that is instantiated with the real types: a type
/// without the derives is then one error under itself, not several inside the derives.
fn args_struct(params: &[&Param], krate: &TokenStream) -> (TokenStream, TokenStream) {
    let krate_path = krate.to_string().replace(' ', "");
    let serde_path = format!("{krate_path}::__private::serde");
    let schemars_path = format!("{krate_path}::__private::schemars");
    let mut generics = Vec::new();
    let mut actual = Vec::new();
    let fields = params.iter().enumerate().map(|(i, p)| {
        let ident = &p.ident;
        let docs = &p.docs;
        let pass = &p.passthrough;
        let ty = if pass.is_empty() {
            let generic = format_ident!("__McpT{}", i);
            generics.push(generic.clone());
            actual.push(p.ty.clone());
            quote!(#generic)
        } else {
            let ty = &p.ty;
            quote!(#ty)
        };
        quote! { #(#docs)* #(#pass)* #ident: #ty, }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let bound = generics
        .iter()
        .map(|g| format!("{g}: {krate_path}::ToolArgument"))
        .collect::<Vec<_>>()
        .join(", ");
    let idents = params.iter().map(|p| &p.ident);
    let items = quote! {
        #[derive(#krate::__private::serde::Deserialize, #krate::__private::schemars::JsonSchema)]
        #[serde(crate = #serde_path, deny_unknown_fields, bound = #bound)]
        #[schemars(crate = #schemars_path, bound = #bound)]
        #[allow(non_camel_case_types, dead_code)]
        struct __McpArgs<#(#generics),*> { #(#fields)* }

        const fn __mcp_arguments<#(#generics: #krate::ToolArgument),*>()
            -> #krate::__private::Arguments<__McpArgs<#(#generics),*>>
        {
            #krate::__private::arguments()
        }

        const __MCP_ARGUMENTS: #krate::__private::Arguments<__McpArgs<#(#actual),*>> =
            __mcp_arguments::<#(#actual),*>();
    };
    (items, quote!(__McpArgs { #(#idents),* }))
}

fn json_inner(ty: &syn::Type) -> Option<TokenStream> {
    let syn::Type::Path(tp) = ty else { return None };
    let seg = tp.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(quote!(#inner)),
        _ => None,
    }
}

fn completions(cx: &Ctxt, spec: &FnSpec, krate: &TokenStream) -> (TokenStream, TokenStream) {
    let mut fns = TokenStream::new();
    let mut entries = Vec::new();
    for (i, p) in spec.params.iter().enumerate() {
        let Some((attr, complete)) = &p.complete else {
            continue;
        };
        if p.kind != ParamKind::Arg {
            cx.error_spanned_by(attr, "`#[complete]` applies only to argument parameters");
            continue;
        }
        let f = format_ident!("__mcp_complete_{}", i);
        let body = match complete {
            Complete::Values(values) => quote! {
                #krate::__private::ready(#krate::__private::filter_values(&[#(#values),*], __mcp_value))
            },
            // A list of values, or a future of one (`async fn`): the first impl that applies
            // to the return type is chosen.
            // Sync or async, with any injected parameters: chosen by the function's type.
            Complete::With(path) => quote_spanned! {path.span()=>
                __mcp_completer(&#path).complete(__mcp_value, __mcp_scope)
            },
        };
        let requires = match complete {
            Complete::Values(_) => quote!(&[]),
            Complete::With(path) => {
                quote_spanned!(path.span()=> __mcp_completer(&#path).requires())
            }
        };
        fns.extend(quote! {
            fn #f<'__mcp>(
                __mcp_value: &'__mcp str,
                __mcp_scope: &'__mcp #krate::__private::RequestScope<'__mcp>,
            ) -> #krate::__private::BoxFuture<'__mcp, ::std::vec::Vec<::std::string::String>> {
                let _ = __mcp_scope;
                #body
            }
        });
        let name = p.name();
        entries.push(quote!(#krate::__private::CompletionDef { argument: #name, complete: #f, requires: #requires }));
    }
    if !entries.is_empty() {
        // Every use of a completion function goes through this one bound, so a function of
        // the wrong shape is one error, reported once.
        fns.extend(quote! {
            const fn __mcp_completer<M, F: #krate::CompleteFn<M>>(f: &F) -> #krate::__private::Completer<F> {
                #krate::__private::completer(f)
            }
        });
    }
    (fns, quote!(&[#(#entries),*]))
}

fn resource(cx: &Ctxt, attrs: &ItemAttrs, spec: &FnSpec) -> TokenStream {
    let krate = krate(attrs);
    let name = item_name(cx, Kind::Resource, attrs, spec);
    let location = location(spec, &krate);
    let servers = servers(cx, attrs);
    let icons = icons(attrs);
    let title = opt_lit(attrs.title.get());
    let description = description(attrs, spec);
    let mime_type = opt_lit(attrs.mime_type.get());

    let Some(uri_lit) = attrs.uri.get() else {
        cx.error_spanned_by(
            &spec.item.sig.ident,
            "`#[resource]` needs a URI: `#[resource(uri = \"scheme://path\")]`, or a URI template such as `#[resource(uri = \"users://{id}/profile\")]`",
        );
        return TokenStream::new();
    };
    let uri = uri_lit.value();
    let vars = match mcp_grammar::parse_template(&uri).map(|parts| {
        mcp_grammar::variables(&parts)
            .map(str::to_string)
            .collect::<Vec<_>>()
    }) {
        Ok(v) => v,
        Err(why) => {
            cx.error_spanned_by(uri_lit, format!("invalid URI template: {why}"));
            return TokenStream::new();
        }
    };
    if !uri.contains(':') {
        cx.error_spanned_by(
            uri_lit,
            "a resource URI needs a scheme, such as `config://app` or `file:///path`",
        );
    }
    let is_template = !vars.is_empty();
    let mut seen = std::collections::HashSet::new();
    for v in &vars {
        if !seen.insert(v.clone()) {
            cx.error_spanned_by(
                uri_lit,
                format!("URI template variable `{v}` appears more than once"),
            );
        }
        if !spec.args().any(|p| p.name() == *v) {
            cx.error_spanned_by(
                uri_lit,
                format!("URI template variable `{v}` has no parameter; add a parameter `{v}: String` (or another `FromStr` type) to the function"),
            );
        }
    }
    for p in spec.args() {
        let pname = p.name();
        if !vars.contains(&pname) {
            let msg = if is_template {
                format!("parameter `{pname}` is not a variable of the URI template `{uri}`; rename it to one of its variables, or add `{{{pname}}}` to the template")
            } else {
                format!("parameter `{pname}` has no value: `{uri}` is a static URI; use a URI template such as `scheme://path/{{{pname}}}` to take it from the URI")
            };
            cx.error_spanned_by(
                p.ident
                    .as_ref()
                    .map(|i| i.to_token_stream())
                    .unwrap_or_default(),
                msg,
            );
        }
    }

    let is_async = spec.item.sig.asyncness.is_some();
    let on_err = early_return(
        is_async,
        &krate,
        quote!(#krate::__private::ReadOutcome::from_injection(e)),
    );
    let call = call_parts(spec, &krate, &on_err);
    let no_match = early_return(
        is_async,
        &krate,
        quote!(#krate::__private::ReadOutcome::NoMatch),
    );
    let injections = &call.injections;
    let args = &call.args;
    let requires = &call.requires;
    let bind_vars = spec.args().map(|p| {
        let ident = &p.ident;
        let name = p.name();
        let span = p.ty.span();
        match &p.option_inner {
            Some(inner) => quote_spanned! {span=>
                let #ident: ::core::option::Option<#inner> = match __mcp_input.var_opt::<#inner>(#name) {
                    ::core::result::Result::Ok(v) => v,
                    ::core::result::Result::Err(()) => #no_match,
                };
            },
            None => {
                let ty = &p.ty;
                quote_spanned! {span=>
                    let #ident: #ty = match __mcp_input.var::<#ty>(#name) {
                        ::core::option::Option::Some(v) => v,
                        ::core::option::Option::None => #no_match,
                    };
                }
            }
        }
    });
    let bind_vars: Vec<_> = bind_vars.collect();
    let prelude = quote! { #(#bind_vars)* #injections };
    let handler = handler(spec, &krate, &RESOURCE, prelude, args);
    let (completion_fns, completion_list) = completions(cx, spec, &krate);
    let body = quote! {
        #completion_fns
        #krate::__private::Item::Resource(#krate::__private::ResourceDef {
            location: #location,
            uri: #uri,
            is_template: #is_template,
            name: #name,
            servers: #servers,
            icons: #icons,
            title: #title,
            description: #description,
            mime_type: #mime_type,
            handler: { #handler },
            completions: #completion_list,
            requires: &[#(#requires),*],
        })
    };
    emit_static(spec, &krate, body)
}

fn prompt(cx: &Ctxt, attrs: &ItemAttrs, spec: &FnSpec) -> TokenStream {
    let krate = krate(attrs);
    let name = item_name(cx, Kind::Prompt, attrs, spec);
    let location = location(spec, &krate);
    let servers = servers(cx, attrs);
    let icons = icons(attrs);
    let title = opt_lit(attrs.title.get());
    let description = description(attrs, spec);

    let is_async = spec.item.sig.asyncness.is_some();
    let on_err = early_return(
        is_async,
        &krate,
        quote!(#krate::__private::PromptOutcome::from_injection(e)),
    );
    let call = call_parts(spec, &krate, &on_err);
    let bad_arg = early_return(is_async, &krate, quote!(e));
    let injections = &call.injections;
    let args = &call.args;
    let requires = &call.requires;
    let bind_args: Vec<TokenStream> = spec
        .args()
        .map(|p| {
            let ident = &p.ident;
            let name = p.name();
            let span = p.ty.span();
            match &p.option_inner {
                Some(inner) => quote_spanned! {span=>
                    let #ident: ::core::option::Option<#inner> = match __mcp_input.optional::<#inner>(#name) {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(e) => #bad_arg,
                    };
                },
                None => {
                    let ty = &p.ty;
                    quote_spanned! {span=>
                        let #ident: #ty = match __mcp_input.required::<#ty>(#name) {
                            ::core::result::Result::Ok(v) => v,
                            ::core::result::Result::Err(e) => #bad_arg,
                        };
                    }
                }
            }
        })
        .collect();
    let arg_defs = spec.args().map(|p| {
        let name = p.name();
        let desc = opt_str(p.doc());
        let required = p.option_inner.is_none();
        quote!(#krate::__private::PromptArgDef { name: #name, description: #desc, required: #required })
    });
    let prelude = quote! { #(#bind_args)* #injections };
    let handler = handler(spec, &krate, &PROMPT, prelude, args);
    let (completion_fns, completion_list) = completions(cx, spec, &krate);
    let body = quote! {
        #completion_fns
        #krate::__private::Item::Prompt(#krate::__private::PromptDef {
            location: #location,
            name: #name,
            servers: #servers,
            icons: #icons,
            title: #title,
            description: #description,
            arguments: &[#(#arg_defs),*],
            handler: { #handler },
            completions: #completion_list,
            requires: &[#(#requires),*],
        })
    };
    emit_static(spec, &krate, body)
}
