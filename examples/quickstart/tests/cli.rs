//! The quickstart's command line, run as a user runs it: output and exit codes of every
//! in-process command, including bad arguments, and one `stdio` exchange.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn quickstart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the quickstart runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited")
}

#[test]
fn list_shows_every_server_and_item_with_its_signature() {
    let out = quickstart(&["list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "server math",
        "multiply(a: integer, b: integer)",
        "server tools",
        "add(a: integer, b: integer)",
        "        Add two integers.",
        "divide(a: number, b: number)",
        "greet(name: string)",
        "config://app  (config)",
        "users://{id}/profile  (profile)",
        "summarise(text, style?)",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

#[test]
fn list_json_gives_the_protocol_lists() {
    let out = quickstart(&["list", "--server", "tools", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let all: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let tools: Vec<&str> = all["tools"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["add", "divide", "greet", "word_stats"]);
    assert_eq!(
        all["tools"]["tools"][0]["inputSchema"]["properties"]["a"]["type"],
        "integer"
    );
    assert_eq!(
        all["tools"]["resourceTemplates"][0]["uriTemplate"],
        "users://{id}/profile"
    );
    assert!(all.get("math").is_none());
}

#[test]
fn call_reads_arguments_by_their_schema_type() {
    let out = quickstart(&["call", "add", "--arg", "a=2", "--arg", "b=40"]);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, "42\n"));
    let out = quickstart(&["call", "divide", "--arg", "a=1", "--arg", "b=4"]);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, "0.25\n"));
    // A tool of the other server is found without --server.
    let out = quickstart(&["call", "multiply", "--arg", "a=6", "--arg", "b=7"]);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, "42\n"));
    // Text stays text, even when it looks like a number.
    let out = quickstart(&["call", "greet", "--arg", "name=42"]);
    assert_eq!(stdout(&out), "Hello, 42!\n");
}

#[test]
fn call_with_json_arguments_prints_the_raw_result() {
    let out = quickstart(&["call", "word_stats", "--json", r#"{"text":"a bb"}"#]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let result: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(
        result["structuredContent"],
        json!({"words": 2, "characters": 4, "longest": "bb"})
    );
    // `--json` alone: the arguments from --arg, the result as JSON.
    let out = quickstart(&["call", "add", "--arg", "a=1", "--arg", "b=1", "--json"]);
    let result: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(result["content"][0]["text"], "2");
}

#[test]
fn a_tool_error_exits_1_with_its_message() {
    let out = quickstart(&["call", "divide", "--arg", "a=1", "--arg", "b=0"]);
    assert_eq!(code(&out), 1);
    assert_eq!(stdout(&out), "division by zero\n");
    assert!(stderr(&out).contains("tool `divide` reported an error"));
}

#[test]
fn invalid_arguments_exit_non_zero_with_the_validation_message() {
    let out = quickstart(&["call", "add", "--arg", "a=x", "--arg", "b=1"]);
    assert_ne!(code(&out), 0);
    assert!(
        stdout(&out).contains("`a`: invalid type: string \"x\", expected i64"),
        "{}",
        stdout(&out)
    );
    let out = quickstart(&["call", "add", "--arg", "a=1"]);
    assert_ne!(code(&out), 0);
    assert!(
        stdout(&out).contains("missing field `b`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    for (args, says) in [
        (
            &["call", "nope"][..],
            "no tool `nope` (tools: add, divide, greet, word_stats, multiply)",
        ),
        (&["call", "add", "--arg", "a"][..], "--arg takes KEY=VALUE"),
        (
            &["call", "add", "--json", "[1]"][..],
            "--json takes a JSON object",
        ),
        (
            &["call", "add", "--json", "{"][..],
            "--json is not valid JSON",
        ),
        (
            &["list", "--server", "nope"][..],
            "no server `nope` (servers: tools, math)",
        ),
        (
            &["stdio"][..],
            "name a server with --server (servers: tools, math)",
        ),
        (&["read", "users://99/profile"][..], "no user with id 99"),
        (&["bogus"][..], "unrecognized subcommand 'bogus'"),
    ] {
        let out = quickstart(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn read_and_prompt_print_their_text() {
    let out = quickstart(&["read", "config://app"]);
    assert_eq!(
        (code(&out), stdout(&out).as_str()),
        (0, "{\"debug\":true}\n")
    );
    let out = quickstart(&["read", "users://2/profile"]);
    assert_eq!(stdout(&out), "User 2: Alan Turing\n");
    let out = quickstart(&[
        "prompt",
        "summarise",
        "--arg",
        "text=hi",
        "--arg",
        "style=brief",
    ]);
    assert_eq!(
        (code(&out), stdout(&out).as_str()),
        (0, "[user] Summarise the following (brief):\n\nhi\n")
    );
}

#[test]
fn help_and_version() {
    let out = quickstart(&["--version"]);
    assert_eq!(
        (code(&out), stdout(&out).trim()),
        (
            0,
            format!("quickstart {}", env!("CARGO_PKG_VERSION")).as_str()
        )
    );
    for command in ["serve", "stdio", "list", "call", "read", "prompt"] {
        let out = quickstart(&[command, "--help"]);
        assert_eq!(code(&out), 0, "{command}");
        assert!(stdout(&out).contains("Usage: quickstart"), "{command}");
    }
}

#[test]
fn stdio_answers_on_stdout_and_exits_0_at_the_end_of_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(["stdio", "--server", "math"])
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawned");
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "multiply", "arguments": {"a": 3, "b": 5},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{request}").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("only protocol messages on stdout"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["result"]["content"][0]["text"], "15");
    // The start-up log went to stderr.
    assert!(stderr(&out).contains("MCP server `math` serves 1 tool"));
}

#[test]
fn stdio_keeps_a_hundred_calls_in_flight_and_answers_every_one() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(["stdio", "--server", "tools"])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawned");
    let mut stdin = child.stdin.take().unwrap();
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "stress", "version": "1"}}});
    writeln!(stdin, "{init}").unwrap();
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#
    )
    .unwrap();
    for id in 1..=100 {
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                          "params": {"name": "greet", "arguments": {"name": format!("n{id}")}}});
        writeln!(stdin, "{call}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0);
    let answers: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 101);
    for id in 1..=100 {
        let answer = answers.iter().find(|m| m["id"] == id).expect("answered");
        assert_eq!(
            answer["result"]["content"][0]["text"],
            format!("Hello, n{id}!")
        );
    }
}

#[test]
fn invalid_guard_settings_stop_start_up_naming_the_variable() {
    for (var, value, says) in [
        (
            "MCP_AUTH_MODE",
            "sometimes",
            "MCP_AUTH_MODE=sometimes: expected `none`, `apikey`, `hmac` or `oauth`",
        ),
        (
            "MCP_HMAC_SECRET",
            "too-short",
            "MCP_HMAC_SECRET: HMAC secrets must be at least 32 bytes long",
        ),
        (
            "MCP_AUTH_MODE",
            "hmac",
            "HMAC signing for server `tools` needs a secret",
        ),
        (
            "MCP_TOOL_RATE_LIMITS",
            "greet:10/m,nosuch:1/s",
            "MCP_TOOL_RATE_LIMITS names tool `nosuch`, which server `tools` does not have",
        ),
        (
            "MCP_TOOL_RATE_LIMITS",
            "greet",
            "MCP_TOOL_RATE_LIMITS: expected TOOL:COUNT/PERIOD entries",
        ),
        (
            "MCP_AUTH_MODE",
            "oauth",
            "OAuth for server `tools` needs MCP_OAUTH_ISSUER",
        ),
        (
            "MCP_API_KEYS",
            "short",
            "MCP_API_KEYS: API keys must be at least 16 characters long",
        ),
        (
            "MCP_AUTH_MODE",
            "apikey",
            "API-key authentication for server `tools` needs keys",
        ),
        (
            "MCP_MATH_API_KEYS_MAP",
            "tiny:admin",
            "MCP_MATH_API_KEYS_MAP: API keys must be at least 16",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_quickstart"))
            .args(["serve", "--port", "0"])
            .env("RUST_LOG", "warn")
            .env(var, value)
            .output()
            .expect("ran");
        assert_eq!(code(&out), 2, "{var}={value}");
        assert!(
            stderr(&out).contains(says),
            "{var}={value}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn roles_on_the_command_line_reach_the_items_that_need_them() {
    let hidden = quickstart(&["call", "whoami"]);
    assert_eq!(code(&hidden), 2, "{}", stdout(&hidden));
    assert!(
        stderr(&hidden).contains("no tool `whoami`"),
        "{}",
        stderr(&hidden)
    );
    let out = quickstart(&["--roles", "admin", "call", "whoami"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "local (admin)");
    let listed = quickstart(&["list", "--server", "tools", "--roles", "admin,ops"]);
    assert!(stdout(&listed).contains("whoami()"), "{}", stdout(&listed));
    assert!(!stdout(&quickstart(&["list"])).contains("whoami"));
}
