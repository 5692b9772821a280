//! Code generation. The user's function is re-emitted (parameter attributes stripped) and a
//! hidden `static __mcp_item_<fn>` describing it is added beside it and submitted to the
//! registry. On error the function is still emitted, followed by the errors, so IDEs keep
//! working.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{ItemFn, LitStr, Path, ReturnType, Token};

use crate::ast::{json_inner, FnSpec, Param, ParamKind};
use crate::attr::{Complete, ItemAttrs, Kind};
use crate::check::{self, Checked};
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
    let checked = check::item(&cx, kind, &attrs, &spec);
    let generated = match kind {
        Kind::Tool => tool(&attrs, &spec, &checked),
        Kind::Resource => resource(&attrs, &spec, &checked),
        Kind::Prompt => prompt(&attrs, &spec, &checked),
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

fn servers(attrs: &ItemAttrs) -> TokenStream {
    let list = attrs.servers.get().map(Vec::as_slice).unwrap_or_default();
    quote!(&[#(#list),*])
}

fn icons(attrs: &ItemAttrs) -> TokenStream {
    let list = attrs.icons.get().map(Vec::as_slice).unwrap_or_default();
    quote!(&[#(#list),*])
}

fn roles(attrs: &ItemAttrs) -> TokenStream {
    let list = attrs.roles.get().map(Vec::as_slice).unwrap_or_default();
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
    let ret_span = return_span(spec);
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

/// The fields every item has: where it is defined, its name, servers, icons, title and
/// description.
fn common(attrs: &ItemAttrs, spec: &FnSpec, checked: &Checked, krate: &TokenStream) -> TokenStream {
    let location = location(spec, krate);
    let name = &checked.name;
    let servers = servers(attrs);
    let icons = icons(attrs);
    let roles = roles(attrs);
    let title = opt_lit(attrs.title.get());
    let description = description(attrs, spec);
    quote! {
        location: #location,
        name: #name,
        servers: #servers,
        icons: #icons,
        roles: #roles,
        title: #title,
        description: #description,
    }
}

fn tool(attrs: &ItemAttrs, spec: &FnSpec, checked: &Checked) -> TokenStream {
    let krate = krate(attrs);
    let common = common(attrs, spec, checked, &krate);
    let is_async = spec.item.sig.asyncness.is_some();
    let on_err = early_return(
        is_async,
        &krate,
        quote!(#krate::__private::injection_failed(e)),
    );
    let call = call_parts(spec, &krate, &on_err);
    let (args_items, destructure) = tool_arguments(spec, &krate);
    let returns = tool_returns(spec, &krate);
    let injections = &call.injections;
    let bad_args = early_return(is_async, &krate, quote!(e));
    let prelude = quote! {
        let #destructure = match (__MCP_ARGUMENTS.parse)(&__mcp_input) {
            ::core::result::Result::Ok(v) => v,
            ::core::result::Result::Err(e) => #bad_args,
        };
        #injections
    };
    let handler = handler(spec, &krate, &TOOL, prelude, &call.args);
    let read_only = opt_bool(attrs.read_only.get());
    let destructive = opt_bool(attrs.destructive.get());
    let idempotent = opt_bool(attrs.idempotent.get());
    let open_world = opt_bool(attrs.open_world.get());
    let requires = &call.requires;
    let streaming = call.uses_context;
    let task = match attrs.task.get() {
        None => quote!(#krate::__private::TaskSupport::Forbidden),
        Some(crate::attr::TaskMode::Optional) => quote!(#krate::__private::TaskSupport::Optional),
        Some(crate::attr::TaskMode::Required) => quote!(#krate::__private::TaskSupport::Required),
    };
    let body = quote! {
        #args_items
        #returns
        #krate::__private::Item::Tool(#krate::__private::ToolDef {
            #common
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
            task: #task,
        })
    };
    emit_static(spec, &krate, body)
}

/// `__MCP_ARGUMENTS` (the schema and parser of the arguments object) and the pattern that
/// binds the parsed value: `Json<T>`'s `T`, or a struct of the plain parameters.
fn tool_arguments(spec: &FnSpec, krate: &TokenStream) -> (TokenStream, TokenStream) {
    let Some(json) = spec.json_params().next() else {
        let params: Vec<&Param> = spec.args().collect();
        return args_struct(&params, krate);
    };
    // A missing `T` was reported by the checks; `()` keeps the expansion well-formed.
    let inner = json_inner(&json.ty).map_or_else(|| quote!(()), |t| quote!(#t));
    let items = quote! {
        const fn __mcp_arguments<T: #krate::ToolArgument>() -> #krate::__private::Arguments<T> {
            #krate::__private::arguments()
        }
        const __MCP_ARGUMENTS: #krate::__private::Arguments<#inner> = __mcp_arguments::<#inner>();
    };
    (items, quote!(__mcp_json))
}

/// `__MCP_RETURNS`: the output schema and converter of the return type, bounded by
/// `IntoToolResult` at the return type's span so an unsupported type is reported there.
fn tool_returns(spec: &FnSpec, krate: &TokenStream) -> TokenStream {
    let ret = return_type(spec);
    let returns_ty = quote_spanned!(return_span(spec)=> #ret);
    quote! {
        const fn __mcp_returns<R: #krate::IntoToolResult>() -> #krate::__private::Returns<R> {
            #krate::__private::returns()
        }
        const __MCP_RETURNS: #krate::__private::Returns<#ret> = __mcp_returns::<#returns_ty>();
    }
}

/// Where an unsupported return type is reported: the type, or the name when there is none.
fn return_span(spec: &FnSpec) -> Span {
    match &spec.item.sig.output {
        ReturnType::Default => spec.item.sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    }
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

fn completions(spec: &FnSpec, krate: &TokenStream) -> (TokenStream, TokenStream) {
    let mut fns = TokenStream::new();
    let mut entries = Vec::new();
    for (i, p) in spec.params.iter().enumerate() {
        // `#[complete]` on anything but an argument was reported by the checks.
        let (Some((_, complete)), ParamKind::Arg) = (&p.complete, p.kind) else {
            continue;
        };
        let f = format_ident!("__mcp_complete_{}", i);
        fns.extend(completion_fn(&f, complete, krate));
        let name = p.name();
        let requires = match complete {
            Complete::Values(_) => quote!(&[]),
            Complete::With(path) => {
                quote_spanned!(path.span()=> __mcp_completer(&#path).requires())
            }
        };
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

/// The completion function of one argument: a filter over fixed values, or a call of the
/// user's completer (sync or async, with any injected parameters: chosen by its type).
fn completion_fn(f: &syn::Ident, complete: &Complete, krate: &TokenStream) -> TokenStream {
    let body = match complete {
        Complete::Values(values) => quote! {
            #krate::__private::ready(#krate::__private::filter_values(&[#(#values),*], __mcp_value))
        },
        Complete::With(path) => quote_spanned! {path.span()=>
            __mcp_completer(&#path).complete(__mcp_value, __mcp_scope)
        },
    };
    quote! {
        fn #f<'__mcp>(
            __mcp_value: &'__mcp str,
            __mcp_scope: &'__mcp #krate::__private::RequestScope<'__mcp>,
        ) -> #krate::__private::BoxFuture<'__mcp, ::std::vec::Vec<::std::string::String>> {
            let _ = __mcp_scope;
            #body
        }
    }
}

fn resource(attrs: &ItemAttrs, spec: &FnSpec, checked: &Checked) -> TokenStream {
    // A missing or invalid URI was reported by the checks.
    let Some(uri) = &checked.uri else {
        return TokenStream::new();
    };
    let krate = krate(attrs);
    let common = common(attrs, spec, checked, &krate);
    let mime_type = opt_lit(attrs.mime_type.get());
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
    let bind_vars = spec.args().map(|p| bind_var(p, &no_match));
    let injections = &call.injections;
    let prelude = quote! { #(#bind_vars)* #injections };
    let handler = handler(spec, &krate, &RESOURCE, prelude, &call.args);
    let (completion_fns, completion_list) = completions(spec, &krate);
    let (value, is_template) = (&uri.value, uri.is_template);
    let requires = &call.requires;
    let body = quote! {
        #completion_fns
        #krate::__private::Item::Resource(#krate::__private::ResourceDef {
            #common
            uri: #value,
            is_template: #is_template,
            mime_type: #mime_type,
            handler: { #handler },
            completions: #completion_list,
            requires: &[#(#requires),*],
        })
    };
    emit_static(spec, &krate, body)
}

/// Binds one template variable, parsed by the parameter's type; a value that does not parse
/// means the template does not match this URI.
fn bind_var(p: &Param, no_match: &TokenStream) -> TokenStream {
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
}

fn prompt(attrs: &ItemAttrs, spec: &FnSpec, checked: &Checked) -> TokenStream {
    let krate = krate(attrs);
    let common = common(attrs, spec, checked, &krate);
    let is_async = spec.item.sig.asyncness.is_some();
    let on_err = early_return(
        is_async,
        &krate,
        quote!(#krate::__private::PromptOutcome::from_injection(e)),
    );
    let call = call_parts(spec, &krate, &on_err);
    let bad_arg = early_return(is_async, &krate, quote!(e));
    let bind_args = spec.args().map(|p| bind_prompt_arg(p, &bad_arg));
    let arg_defs = spec.args().map(|p| {
        let name = p.name();
        let desc = opt_str(p.doc());
        let required = p.option_inner.is_none();
        quote!(#krate::__private::PromptArgDef { name: #name, description: #desc, required: #required })
    });
    let injections = &call.injections;
    let prelude = quote! { #(#bind_args)* #injections };
    let handler = handler(spec, &krate, &PROMPT, prelude, &call.args);
    let (completion_fns, completion_list) = completions(spec, &krate);
    let requires = &call.requires;
    let body = quote! {
        #completion_fns
        #krate::__private::Item::Prompt(#krate::__private::PromptDef {
            #common
            arguments: &[#(#arg_defs),*],
            handler: { #handler },
            completions: #completion_list,
            requires: &[#(#requires),*],
        })
    };
    emit_static(spec, &krate, body)
}

/// Binds one prompt argument, parsed by the parameter's type; `Option<T>` is optional.
fn bind_prompt_arg(p: &Param, bad_arg: &TokenStream) -> TokenStream {
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
}
