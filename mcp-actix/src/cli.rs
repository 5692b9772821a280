//! A ready-made command line for a binary that serves MCP servers (feature `cli`).
//!
//! ```no_run
//! use mcp_core::{tool, Server};
//!
//! /// Add two integers.
//! #[tool(server = "math")]
//! fn add(a: i64, b: i64) -> i64 { a + b }
//!
//! fn main() -> std::process::ExitCode {
//!     let math = Server::builder("math").collect().build().expect("valid registrations");
//!     mcp_actix::cli::Cli::new().server(math).run()
//! }
//! ```
//!
//! The binary then understands:
//!
//! | command | what it does |
//! |---|---|
//! | *(none)*, `serve [--host H] [--port P] [--server NAME]...` | Streamable HTTP, each server at its path (`/mcp/<name>` unless given); the port defaults to `$PORT`, then 8000 |
//! | `stdio [--server NAME]` | one server on standard input and output (the only one, or the one named) |
//! | `list [--server NAME] [--json]` | tools, resources, templates and prompts, with descriptions and schemas |
//! | `call TOOL [--server NAME] [--arg KEY=VALUE]... [--json [ARGS]]` | calls a tool in process |
//! | `read URI [--server NAME] [--json]` | reads a resource in process |
//! | `prompt NAME [--server NAME] [--arg KEY=VALUE]... [--json [ARGS]]` | gets a prompt in process |
//!
//! `call`, `read` and `prompt` talk to the server through the stdio transport over an
//! in-memory pipe: the same code path as a real client, without a network. A `--arg` value is
//! read by the type its schema gives the argument (integers, numbers, booleans, JSON arrays
//! and objects; text otherwise). `--json ARGS` passes the whole arguments object; `--json`
//! prints the raw result.
//!
//! Exit codes, for scripts:
//!
//! | code | meaning |
//! |---|---|
//! | `0` | success |
//! | `1` | the tool, resource or prompt reported an error: a tool result with `isError` (a tool's arguments that fail validation are reported this way too, as the protocol has it), or an error of the handler |
//! | `2` | a usage error: a bad command line, an unknown server, tool, prompt or resource, arguments the server rejects as invalid params |
//! | `3` | the server could not be served: the address is in use, standard input or output failed |
//!
//! Messages for the user go to standard error; results to standard output.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use mcp_core::stdio::Stdio;
use mcp_core::{Caller, Server};
use serde_json::{json, Map, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::{HttpConfig, Mount};

/// The servers a binary serves, and how to mount each one over HTTP.
#[derive(Default)]
pub struct Cli {
    servers: Vec<Entry>,
    version: Option<String>,
    /// Whom `stdio` and the local commands act as (`--roles`).
    caller: Caller,
}

struct Entry {
    path: String,
    server: Server,
    config: HttpConfig,
}

impl std::fmt::Debug for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<(&str, &str)> = self
            .servers
            .iter()
            .map(|e| (e.server.name(), e.path.as_str()))
            .collect();
        f.debug_struct("Cli").field("servers", &paths).finish()
    }
}

#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Command {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Roles to act with in `stdio`, `list`, `call`, `read` and `prompt` (comma-separated):
    /// items that name roles are served only to a caller holding one. `serve` takes its
    /// callers' roles from their credentials instead.
    #[arg(long, global = true, env = "MCP_ROLES", value_delimiter = ',')]
    roles: Vec<String>,
}

#[derive(Subcommand)]
enum Sub {
    /// Serve every server (or the ones named) over Streamable HTTP.
    Serve(ServeArgs),
    /// Serve one server on standard input and output.
    Stdio {
        /// The server to serve (needed when there are several).
        #[arg(long)]
        server: Option<String>,
    },
    /// List the tools, resources, resource templates and prompts.
    List {
        /// Only this server.
        #[arg(long)]
        server: Option<String>,
        /// Print JSON: the list results as the protocol gives them.
        #[arg(long)]
        json: bool,
    },
    /// Call a tool, in process.
    Call {
        /// The tool's name.
        tool: String,
        #[command(flatten)]
        input: Input,
    },
    /// Read a resource, in process.
    Read {
        /// The resource's URI.
        uri: String,
        /// The server that has it (needed when there are several).
        #[arg(long)]
        server: Option<String>,
        /// Print the raw result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Get a prompt, in process.
    Prompt {
        /// The prompt's name.
        name: String,
        #[command(flatten)]
        input: Input,
    },
}

#[derive(Args, Default)]
struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on.
    #[arg(long, env = "PORT", default_value_t = 8000)]
    port: u16,
    /// Serve only these servers (repeat the option for several).
    #[arg(long = "server")]
    servers: Vec<String>,
}

#[derive(Args)]
struct Input {
    /// The server that has it (needed when there are several).
    #[arg(long)]
    server: Option<String>,
    /// An argument, `KEY=VALUE`; repeat for several.
    #[arg(long = "arg", value_name = "KEY=VALUE")]
    args: Vec<String>,
    /// Print the raw result as JSON; with a value, it is the whole arguments object.
    #[arg(long, value_name = "ARGS", num_args = 0..=1, default_missing_value = "")]
    json: Option<String>,
}

/// How a command ended.
enum Failure {
    /// The item reported an error (exit 1).
    Item(String),
    /// A usage error (exit 2).
    Usage(String),
    /// Serving failed (exit 3).
    Serve(String),
}

impl Cli {
    /// No servers yet.
    pub fn new() -> Self {
        Cli::default()
    }

    /// Adds a server, mounted over HTTP at `/mcp/<name>` with default settings.
    pub fn server(self, server: Server) -> Self {
        let path = format!("/mcp/{}", server.name());
        self.server_at(path, server, HttpConfig::default())
    }

    /// Adds a server mounted over HTTP at `path` with `config`.
    pub fn server_at(
        mut self,
        path: impl Into<String>,
        server: Server,
        config: HttpConfig,
    ) -> Self {
        self.servers.push(Entry {
            path: path.into(),
            server,
            config,
        });
        self
    }

    /// The version `--version` prints (give `env!("CARGO_PKG_VERSION")`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Parses the process's arguments and runs the command; the exit code to return from
    /// `main`.
    pub fn run(self) -> ExitCode {
        self.run_from(std::env::args_os())
    }

    /// Runs the command given by `args` (the first is the program's name).
    pub fn run_from<I, T>(self, args: I) -> ExitCode
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory as _, FromArgMatches as _};
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        let program = args
            .first()
            .and_then(|p| std::path::Path::new(p).file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "mcp".into());
        let mut cli = Command::command().name(program.clone()).bin_name(program);
        if let Some(version) = &self.version {
            cli = cli.version(version.clone());
        }
        let parsed = cli
            .try_get_matches_from(args)
            .and_then(|m| Command::from_arg_matches(&m));
        let command = match parsed {
            Ok(command) => command,
            Err(err) => {
                let _ = err.print();
                return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
            }
        };
        let sub = command
            .command
            .unwrap_or_else(|| Sub::Serve(ServeArgs::from_env()));
        let mut this = self;
        let roles: Vec<&str> = command
            .roles
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .collect();
        if !roles.is_empty() {
            this.caller = Caller::new("local", roles);
        }
        let result = actix_web::rt::System::new().block_on(this.dispatch(sub));
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(Failure::Item(why)) => {
                eprintln!("error: {why}");
                ExitCode::from(1)
            }
            Err(Failure::Usage(why)) => {
                eprintln!("error: {why}");
                ExitCode::from(2)
            }
            Err(Failure::Serve(why)) => {
                eprintln!("error: {why}");
                ExitCode::from(3)
            }
        }
    }

    async fn dispatch(self, sub: Sub) -> Result<(), Failure> {
        match sub {
            Sub::Serve(args) => self.serve(args).await,
            Sub::Stdio { server } => {
                let server = self.pick(server.as_deref())?.server.clone();
                Stdio::new(server)
                    .caller(self.caller.clone())
                    .serve()
                    .await
                    .map_err(|e| Failure::Serve(format!("stdio: {e}")))
            }
            Sub::List { server, json } => self.list(server.as_deref(), json).await,
            Sub::Call { tool, input } => self.call(&tool, input).await,
            Sub::Read { uri, server, json } => self.read(&uri, server.as_deref(), json).await,
            Sub::Prompt { name, input } => self.prompt(&name, input).await,
        }
    }

    /// The server named, or the only one.
    fn pick(&self, name: Option<&str>) -> Result<&Entry, Failure> {
        let names = || {
            let all: Vec<&str> = self.servers.iter().map(|e| e.server.name()).collect();
            all.join(", ")
        };
        match name {
            Some(name) => self
                .servers
                .iter()
                .find(|e| e.server.name() == name)
                .ok_or_else(|| {
                    Failure::Usage(format!("no server `{name}` (servers: {})", names()))
                }),
            None if self.servers.len() == 1 => Ok(&self.servers[0]),
            None if self.servers.is_empty() => Err(Failure::Usage("no servers to serve".into())),
            None => Err(Failure::Usage(format!(
                "name a server with --server (servers: {})",
                names()
            ))),
        }
    }

    async fn serve(self, args: ServeArgs) -> Result<(), Failure> {
        let mut mounts = Vec::new();
        for entry in &self.servers {
            if args.servers.is_empty() || args.servers.iter().any(|n| n == entry.server.name()) {
                let config = env_guards(entry.server.name(), entry.config.clone())?;
                check_tool_limits(&entry.server, &config)?;
                mounts.push((entry.path.clone(), entry.server.clone(), config));
            }
        }
        for name in &args.servers {
            self.pick(Some(name))?;
        }
        let urls: Vec<String> = mounts
            .iter()
            .map(|(path, ..)| format!("http://{}:{}{path}", args.host, args.port))
            .collect();
        println!("MCP servers on {}", urls.join(" and "));
        let server = actix_web::HttpServer::new(move || {
            let mut app = actix_web::App::new();
            for (path, server, config) in &mounts {
                let endpoint = mcp_core::http::Endpoint::new(server.clone(), config.clone());
                // RFC 9728's well-known place, besides the one below the mount.
                if endpoint.protected_resource_metadata().is_some() {
                    let well_known = format!("{}{path}", mcp_core::http::METADATA_PATH);
                    let shared = endpoint.clone();
                    app = app.route(
                        &well_known,
                        actix_web::web::get().to(move || {
                            let endpoint = shared.clone();
                            async move {
                                let answer = endpoint
                                    .protected_resource_metadata()
                                    .expect("an OAuth server");
                                crate::into_actix(answer, &endpoint)
                            }
                        }),
                    );
                }
                app = app.service(crate::scope(path, Mount::from(endpoint)));
            }
            app.default_service(actix_web::web::to(crate::not_found))
        })
        .on_connect(crate::write_timeout(std::time::Duration::from_secs(30)))
        .bind((args.host.as_str(), args.port))
        .map_err(|e| Failure::Serve(format!("can't listen on {}:{}: {e}", args.host, args.port)))?;
        server
            .run()
            .await
            .map_err(|e| Failure::Serve(e.to_string()))
    }

    async fn list(&self, name: Option<&str>, json: bool) -> Result<(), Failure> {
        let entries: Vec<&Entry> = match name {
            Some(_) => vec![self.pick(name)?],
            None => self.servers.iter().collect(),
        };
        let mut all = Map::new();
        for entry in entries {
            let mut client = Local::start(&entry.server, &self.caller);
            let mut lists = Map::new();
            for (method, key) in LISTS {
                lists.insert(key.into(), Value::Array(client.list(method, key).await?));
            }
            all.insert(entry.server.name().into(), Value::Object(lists));
        }
        if json {
            println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        } else {
            print_lists(&all);
        }
        Ok(())
    }

    /// The server named, or the one whose `key` list has an item called `name`.
    async fn holder(
        &self,
        named: Option<&str>,
        method: &str,
        key: &str,
        name: &str,
    ) -> Result<(Local, Vec<Value>), Failure> {
        if named.is_some() || self.servers.len() == 1 {
            let mut client = Local::start(&self.pick(named)?.server, &self.caller);
            let items = client.list(method, key).await?;
            return Ok((client, items));
        }
        let mut found = None;
        let mut all = Vec::new();
        for entry in &self.servers {
            let mut client = Local::start(&entry.server, &self.caller);
            let items = client.list(method, key).await?;
            if found.is_none() && items.iter().any(|i| i["name"] == name) {
                found = Some((client, items));
            } else {
                all.extend(items);
            }
        }
        Ok(found.unwrap_or_else(|| (Local::start(&self.servers[0].server, &self.caller), all)))
    }

    async fn call(&self, tool: &str, input: Input) -> Result<(), Failure> {
        let (mut client, tools) = self
            .holder(input.server.as_deref(), "tools/list", "tools", tool)
            .await?;
        let Some(def) = tools.iter().find(|t| t["name"] == tool) else {
            let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
            return Err(Failure::Usage(format!(
                "no tool `{tool}` (tools: {})",
                names.join(", ")
            )));
        };
        let arguments = arguments(&input, &def["inputSchema"])?;
        let params = json!({ "name": tool, "arguments": arguments });
        let result = client.request("tools/call", params).await?;
        print_result(&result, input.json.is_some(), print_content);
        if result["isError"] == true {
            return Err(Failure::Item(format!("tool `{tool}` reported an error")));
        }
        Ok(())
    }

    /// Reads `uri` from the server named, or from the first that has it.
    async fn read(&self, uri: &str, named: Option<&str>, json: bool) -> Result<(), Failure> {
        let entries: Vec<&Entry> = match named {
            Some(_) => vec![self.pick(named)?],
            None => self.servers.iter().collect(),
        };
        // The first server's error: one without resources says only "Method not found".
        let mut first: Option<Failure> = None;
        for entry in entries {
            let mut client = Local::start(&entry.server, &self.caller);
            match client
                .request("resources/read", json!({ "uri": uri }))
                .await
            {
                Ok(result) => {
                    print_result(&result, json, print_contents);
                    return Ok(());
                }
                Err(failure) => {
                    first.get_or_insert(failure);
                }
            }
        }
        Err(first.unwrap_or_else(|| Failure::Usage("no servers to read from".into())))
    }

    async fn prompt(&self, name: &str, input: Input) -> Result<(), Failure> {
        let (mut client, _) = self
            .holder(input.server.as_deref(), "prompts/list", "prompts", name)
            .await?;
        // Prompt arguments are strings on the wire.
        let arguments = arguments(&input, &json!({}))?;
        let arguments: Map<String, Value> = match arguments {
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, Value::String(s)),
                    other => (k, Value::String(other.to_string())),
                })
                .collect(),
            _ => Map::new(),
        };
        let params = json!({ "name": name, "arguments": arguments });
        let result = client.request("prompts/get", params).await?;
        print_result(&result, input.json.is_some(), print_messages);
        Ok(())
    }
}

impl ServeArgs {
    /// `serve` with no options: `PORT` from the environment, or 8000.
    fn from_env() -> Self {
        ServeArgs {
            host: "127.0.0.1".into(),
            port: std::env::var("PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(8000),
            servers: Vec::new(),
        }
    }
}

/// A setting from the environment: `MCP_<SERVER>_<NAME>` (the server's name in capitals,
/// other characters as `_`), else `MCP_<NAME>`; with the variable's name, for messages.
fn setting(server: &str, name: &str) -> Option<(String, String)> {
    let upper: String = server
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    [format!("MCP_{upper}_{name}"), format!("MCP_{name}")]
        .into_iter()
        .find_map(|var| std::env::var(&var).ok().map(|value| (var, value)))
}

/// The authentication the environment asks for, added to `config`: `MCP_AUTH_MODE`
/// (`none`, the default, `apikey` or `hmac`), with `MCP_API_KEYS` (`key,key`) and
/// `MCP_API_KEYS_MAP` (`key:role|role;key:role`), or `MCP_HMAC_SECRET` (`secret`, or
/// `id=secret;id=secret`), `MCP_HMAC_ROLES` and `MCP_HMAC_MAX_SKEW` (seconds); each also per
/// server as `MCP_<SERVER>_...`.
fn env_auth(server: &str, config: HttpConfig) -> Result<HttpConfig, Failure> {
    let keys = setting(server, "API_KEYS");
    let map = setting(server, "API_KEYS_MAP");
    let secret = setting(server, "HMAC_SECRET");
    let mode = setting(server, "AUTH_MODE");
    let mode = match mode.as_ref().map(|(var, v)| (var, v.trim())) {
        None if secret.is_some() => "hmac",
        None if keys.is_some() || map.is_some() => "apikey",
        None => "none",
        Some((_, mode @ ("none" | "apikey" | "hmac" | "oauth"))) => mode,
        Some((var, other)) => {
            return Err(Failure::Usage(format!(
                "{var}={other}: expected `none`, `apikey`, `hmac` or `oauth`"
            )))
        }
    };
    match mode {
        "apikey" => env_api_keys(server, config, keys, map),
        "hmac" => env_hmac(server, config, secret),
        "oauth" => env_oauth(server, config),
        _ => Ok(config),
    }
}

type Setting = Option<(String, String)>;

fn env_api_keys(
    server: &str,
    config: HttpConfig,
    keys: Setting,
    map: Setting,
) -> Result<HttpConfig, Failure> {
    let parsed = mcp_core::http::ApiKeys::from_env(
        keys.as_ref().map(|(_, v)| v.as_str()),
        map.as_ref().map(|(_, v)| v.as_str()),
    );
    let vars: Vec<&str> = [&keys, &map]
        .into_iter()
        .flatten()
        .map(|(var, _)| var.as_str())
        .collect();
    match parsed {
        Ok(keys) if keys.is_empty() => Err(Failure::Usage(format!(
            "API-key authentication for server `{server}` needs keys: set MCP_API_KEYS=key,key or MCP_API_KEYS_MAP=key:role|role;key:role"
        ))),
        Ok(keys) => Ok(config.api_keys(keys)),
        Err(err) => Err(Failure::Usage(format!("{}: {err}", vars.join(" and ")))),
    }
}

/// `MCP_OAUTH_ISSUER`, `MCP_OAUTH_AUDIENCE` (the server's public URL), `MCP_OAUTH_JWKS_URL`
/// and `MCP_OAUTH_SCOPES` (required scopes, space- or comma-separated).
fn env_oauth(server: &str, config: HttpConfig) -> Result<HttpConfig, Failure> {
    let url = |name: &str, what: &str| -> Result<String, Failure> {
        let Some((var, value)) = setting(server, name) else {
            return Err(Failure::Usage(format!(
                "OAuth for server `{server}` needs MCP_{name}: {what}"
            )));
        };
        match url::Url::parse(value.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(value.trim().to_string()),
            _ => Err(Failure::Usage(format!(
                "{var}={value}: expected an http(s) URL ({what})"
            ))),
        }
    };
    let issuer = url("OAUTH_ISSUER", "the authorization server's issuer URL")?;
    let audience = url(
        "OAUTH_AUDIENCE",
        "this server's public URL, the tokens' audience",
    )?;
    let jwks = url(
        "OAUTH_JWKS_URL",
        "where the issuer publishes its signing keys",
    )?;
    let scopes: Vec<String> = setting(server, "OAUTH_SCOPES")
        .map(|(_, v)| {
            v.split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let oauth = mcp_core::http::OAuth::new(issuer, audience)
        .jwks_url(jwks)
        .required_scopes(scopes);
    Ok(config.oauth(oauth))
}

fn env_hmac(server: &str, config: HttpConfig, secret: Setting) -> Result<HttpConfig, Failure> {
    let Some((var, secret)) = secret else {
        return Err(Failure::Usage(format!(
            "HMAC signing for server `{server}` needs a secret: set MCP_HMAC_SECRET=<at least 32 bytes> (or id=secret;id=secret)"
        )));
    };
    let roles = setting(server, "HMAC_ROLES");
    let mut keys =
        mcp_core::http::HmacKeys::from_env(&secret, roles.as_ref().map(|(_, v)| v.as_str()))
            .map_err(|err| Failure::Usage(format!("{var}: {err}")))?;
    if let Some((var, skew)) = setting(server, "HMAC_MAX_SKEW") {
        let secs: u64 = skew.trim().parse().ok().filter(|s| *s > 0).ok_or_else(|| {
            Failure::Usage(format!(
                "{var}={skew}: expected a number of seconds, at least 1"
            ))
        })?;
        keys = keys.max_skew(std::time::Duration::from_secs(secs));
    }
    Ok(config.hmac(keys))
}

/// `MCP_ALLOWED_ORIGINS` (`*`, or `origin,origin`: pages that may call the server from a
/// browser) and `MCP_ALLOWED_HOSTS` (`*`, or `host,host`: names the server is reached under,
/// besides loopback).
fn env_origins(server: &str, mut config: HttpConfig) -> Result<HttpConfig, Failure> {
    if let Some((var, value)) = setting(server, "ALLOWED_ORIGINS") {
        for origin in value.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            if origin == "*" {
                config = config.allow_any_origin();
                continue;
            }
            let parsed = url::Url::parse(origin).ok().filter(|u| {
                matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && u.path() == "/"
            });
            if parsed.is_none() {
                return Err(Failure::Usage(format!(
                    "{var}: `{origin}` is not an origin; expected `*` or origins such as https://app.example.com,http://localhost:3000"
                )));
            }
            config = config.allow_origin(origin);
        }
    }
    if let Some((var, value)) = setting(server, "ALLOWED_HOSTS") {
        for host in value.split(',').map(str::trim).filter(|h| !h.is_empty()) {
            if host == "*" {
                config = config.allow_any_host();
            } else if host.contains('/') || host.contains("://") {
                return Err(Failure::Usage(format!(
                    "{var}: `{host}` is not a host name; expected `*` or names such as mcp.example.com,mcp.example.com:8443"
                )));
            } else {
                config = config.allow_host(host);
            }
        }
    }
    Ok(config)
}

/// The guards the environment asks for, added to `config`: authentication (see [`env_auth`]),
/// origins and hosts (see [`env_origins`]),
/// `MCP_RATE_LIMIT` (`60/m`; `s`, `m` or `h`), `MCP_RATE_SCOPE` (`ip`, the default, or `key`)
/// `MCP_TOOL_RATE_LIMITS` (`tool:10/m,tool:5/s`: limits of single tools, same scope)
/// and `MCP_TRUSTED_PROXIES` (`ip,ip`: proxies whose `X-Forwarded-For`/`Forwarded` is
/// believed); each also per server as `MCP_<SERVER>_...`.
fn env_guards(server: &str, config: HttpConfig) -> Result<HttpConfig, Failure> {
    let mut config = env_origins(server, env_auth(server, config)?)?;
    if let Some((var, value)) = setting(server, "TRUSTED_PROXIES") {
        let proxies: Result<Vec<std::net::IpAddr>, _> = value
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect();
        let proxies = proxies.map_err(|_| {
            Failure::Usage(format!(
                "{var}={value}: expected IP addresses separated by commas"
            ))
        })?;
        config = config.trusted_proxies(proxies);
    }
    let scope = match setting(server, "RATE_SCOPE") {
        None => mcp_core::http::RateScope::Ip,
        Some((_, v)) if v.trim() == "ip" => mcp_core::http::RateScope::Ip,
        Some((_, v)) if v.trim() == "key" => mcp_core::http::RateScope::Key,
        Some((var, other)) => {
            return Err(Failure::Usage(format!(
                "{var}={other}: expected `ip` or `key`"
            )))
        }
    };
    if let Some((var, value)) = setting(server, "RATE_LIMIT") {
        let limit: mcp_core::http::RateLimit = value
            .parse()
            .map_err(|e| Failure::Usage(format!("{var}: {e}")))?;
        config = config.rate_limit(limit.scoped(scope));
    }
    if let Some((var, value)) = setting(server, "TOOL_RATE_LIMITS") {
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (tool, limit) = entry.split_once(':').ok_or_else(|| {
                Failure::Usage(format!(
                    "{var}: expected TOOL:COUNT/PERIOD entries separated by commas (search:10/m), not `{entry}`"
                ))
            })?;
            let limit: mcp_core::http::RateLimit = limit
                .parse()
                .map_err(|e| Failure::Usage(format!("{var}: {e}")))?;
            config = config.tool_rate_limit(tool.trim(), limit.scoped(scope));
        }
    }
    Ok(config)
}

/// Every tool with its own rate limit must exist (else `Endpoint::new` would panic).
fn check_tool_limits(server: &Server, config: &HttpConfig) -> Result<(), Failure> {
    let tools: Vec<String> = server.tool_names().collect();
    match config
        .limited_tools()
        .find(|t| !tools.iter().any(|name| name == t))
    {
        Some(tool) => Err(Failure::Usage(format!(
            "MCP_TOOL_RATE_LIMITS names tool `{tool}`, which server `{}` does not have (its tools: {})",
            server.name(),
            tools.join(", ")
        ))),
        None => Ok(()),
    }
}

const LISTS: [(&str, &str); 4] = [
    ("tools/list", "tools"),
    ("resources/list", "resources"),
    ("resources/templates/list", "resourceTemplates"),
    ("prompts/list", "prompts"),
];

/// The arguments object: `--json ARGS`, or the `--arg` pairs read by the schema's types.
fn arguments(input: &Input, schema: &Value) -> Result<Value, Failure> {
    if let Some(raw) = input.json.as_deref().filter(|s| !s.is_empty()) {
        if !input.args.is_empty() {
            return Err(Failure::Usage(
                "give the arguments with --arg or with --json, not both".into(),
            ));
        }
        let value: Value = serde_json::from_str(raw)
            .map_err(|e| Failure::Usage(format!("--json is not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(Failure::Usage(
                "--json takes a JSON object of arguments".into(),
            ));
        }
        return Ok(value);
    }
    let mut map = Map::new();
    for pair in &input.args {
        let Some((key, raw)) = pair.split_once('=') else {
            return Err(Failure::Usage(format!(
                "--arg takes KEY=VALUE, not `{pair}`"
            )));
        };
        let types = property_types(&schema["properties"][key]);
        map.insert(key.to_string(), typed_value(raw, &types));
    }
    Ok(Value::Object(map))
}

/// The JSON types a schema allows (`type`, a list of them, or the branches of `anyOf`).
fn property_types(schema: &Value) -> Vec<String> {
    match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => schema["anyOf"]
            .as_array()
            .map(|branches| branches.iter().flat_map(property_types).collect())
            .unwrap_or_default(),
    }
}

/// `raw` as the first type it reads as; text when it reads as none (or the schema says text).
fn typed_value(raw: &str, types: &[String]) -> Value {
    let text = Value::String(raw.to_string());
    if types.is_empty() {
        return serde_json::from_str(raw).unwrap_or(text);
    }
    for t in types {
        let parsed = match t.as_str() {
            "string" => return text,
            "integer" => raw.parse::<i64>().ok().map(Value::from),
            "number" => serde_json::from_str::<Value>(raw)
                .ok()
                .filter(Value::is_number),
            "boolean" => raw.parse::<bool>().ok().map(Value::from),
            "null" => (raw == "null").then_some(Value::Null),
            _ => serde_json::from_str::<Value>(raw)
                .ok()
                .filter(|v| v.is_array() || v.is_object()),
        };
        if let Some(v) = parsed {
            return v;
        }
    }
    // Not of the schema's type: sent as text, so the server's validation explains.
    text
}

fn print_result(result: &Value, json: bool, text: fn(&Value)) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(result).unwrap_or_default()
        );
    } else {
        text(result);
    }
}

fn print_content(result: &Value) {
    for block in result["content"].as_array().into_iter().flatten() {
        match block["type"].as_str() {
            Some("text") => println!("{}", block["text"].as_str().unwrap_or_default()),
            Some("resource_link") => println!("{}", block["uri"].as_str().unwrap_or_default()),
            Some("resource") => print_contents(&json!({ "contents": [block["resource"]] })),
            Some(kind) => println!(
                "[{kind}: {}, {} bytes of base64]",
                block["mimeType"].as_str().unwrap_or("?"),
                block["data"].as_str().map_or(0, str::len)
            ),
            None => println!("{block}"),
        }
    }
}

fn print_contents(result: &Value) {
    for item in result["contents"].as_array().into_iter().flatten() {
        match item["text"].as_str() {
            Some(text) => println!("{text}"),
            None => println!(
                "[{}: {} bytes of base64]",
                item["mimeType"].as_str().unwrap_or("blob"),
                item["blob"].as_str().map_or(0, str::len)
            ),
        }
    }
}

fn print_messages(result: &Value) {
    for message in result["messages"].as_array().into_iter().flatten() {
        let role = message["role"].as_str().unwrap_or("?");
        let content = &message["content"];
        let text = content["text"].as_str().map(String::from);
        println!("[{role}] {}", text.unwrap_or_else(|| content.to_string()));
    }
}

/// The readable listing: per server, each kind of item with a line or two per item.
fn print_lists(all: &Map<String, Value>) {
    for (server, lists) in all {
        println!("server {server}");
        for (_, key) in LISTS {
            let items = lists[key].as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                continue;
            }
            println!("  {key}:");
            for item in &items {
                print_item(key, item);
            }
        }
    }
}

fn print_item(key: &str, item: &Value) {
    let name = item["name"].as_str().unwrap_or_default();
    let head = match key {
        "tools" => format!("{name}({})", signature(&item["inputSchema"])),
        "resources" => format!("{}  ({name})", item["uri"].as_str().unwrap_or_default()),
        "resourceTemplates" => {
            format!(
                "{}  ({name})",
                item["uriTemplate"].as_str().unwrap_or_default()
            )
        }
        _ => {
            let args: Vec<String> = item["arguments"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    let optional = if a["required"] == true { "" } else { "?" };
                    format!("{}{optional}", a["name"].as_str().unwrap_or_default())
                })
                .collect();
            format!("{name}({})", args.join(", "))
        }
    };
    println!("    {head}");
    if let Some(description) = item["description"].as_str() {
        let first = description.lines().next().unwrap_or_default();
        println!("        {first}");
    }
}

/// `a: integer, b?: string` from an object schema.
fn signature(schema: &Value) -> String {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let props: BTreeMap<&String, &Value> = schema["properties"]
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    props
        .into_iter()
        .map(|(name, prop)| {
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            let types = property_types(prop).join(" | ");
            let types = if types.is_empty() {
                "any".to_string()
            } else {
                types
            };
            format!("{name}{optional}: {types}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A client in the same process, speaking the stateless revision to the server's stdio
/// transport over an in-memory pipe.
struct Local {
    write: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    read: tokio::io::Lines<BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
    next_id: u64,
}

impl Local {
    fn start(server: &Server, caller: &Caller) -> Local {
        let (ours, theirs) = tokio::io::duplex(1 << 16);
        let (their_read, their_write) = tokio::io::split(theirs);
        let stdio = Stdio::new(server.clone()).caller(caller.clone());
        actix_web::rt::spawn(async move {
            let _ = stdio.serve_on(their_read, their_write).await;
        });
        let (read, write) = tokio::io::split(ours);
        Local {
            write,
            read: BufReader::new(read).lines(),
            next_id: 1,
        }
    }

    /// Every page of a list.
    async fn list(&mut self, method: &str, key: &str) -> Result<Vec<Value>, Failure> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let params = match &cursor {
                Some(c) => json!({ "cursor": c }),
                None => json!({}),
            };
            let page = match self.request(method, params).await {
                Ok(page) => page,
                // A server without items of this kind does not serve its list.
                Err(Failure::Usage(_)) if cursor.is_none() => return Ok(items),
                Err(other) => return Err(other),
            };
            items.extend(page[key].as_array().cloned().unwrap_or_default());
            match page["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => return Ok(items),
            }
        }
    }

    /// One request's result; log messages on the way go to standard error.
    async fn request(&mut self, method: &str, mut params: Value) -> Result<Value, Failure> {
        let id = self.next_id;
        self.next_id += 1;
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": { "name": "mcp-cli", "version": env!("CARGO_PKG_VERSION") },
            "io.modelcontextprotocol/logLevel": "info",
        });
        let line = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        let pipe = |e: std::io::Error| Failure::Serve(format!("in-process pipe: {e}"));
        self.write
            .write_all(format!("{line}\n").as_bytes())
            .await
            .map_err(pipe)?;
        while let Some(line) = self.read.next_line().await.map_err(pipe)? {
            let message: Value = serde_json::from_str(&line).unwrap_or_default();
            if message["id"] != id {
                if message["method"] == "notifications/message" {
                    eprintln!(
                        "[{}] {}",
                        message["params"]["level"].as_str().unwrap_or("log"),
                        message["params"]["data"]
                    );
                }
                continue;
            }
            return answer(message);
        }
        Err(Failure::Serve("the server closed the pipe".into()))
    }
}

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;

/// A response's result, or its error as a failure: invalid requests and unknown names are
/// usage errors, the rest the item's.
fn answer(message: Value) -> Result<Value, Failure> {
    let Some(error) = message.get("error") else {
        let result = message["result"].clone();
        if result["resultType"] == "input_required" {
            return Err(Failure::Item(
                "the request needs input from a client (elicitation, sampling or roots), which the command line can't give".into(),
            ));
        }
        return Ok(result);
    };
    let text = error["message"].as_str().unwrap_or("error").to_string();
    match error["code"].as_i64() {
        Some(INVALID_PARAMS | METHOD_NOT_FOUND | INVALID_REQUEST | PARSE_ERROR) => {
            Err(Failure::Usage(text))
        }
        _ => Err(Failure::Item(text)),
    }
}
