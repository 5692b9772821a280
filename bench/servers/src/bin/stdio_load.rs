//! Load for a stdio MCP server: launches `COMMAND...`, opens a session (`--era session`:
//! `initialize`, then `notifications/initialized`) or not (`--era stateless`: every request
//! carries the `2026-07-28` envelope), then keeps `--window` `tools/call add` requests in
//! flight.
//!
//! `stdio_load --era E --window W --seconds S -- COMMAND...` prints the answers per second
//! over `S` seconds (after one second of warm-up); `--count N` instead sends exactly `N`
//! calls, closes the server's input once they are answered and waits for it to exit (for
//! counting instructions under callgrind).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

struct Args {
    stateless: bool,
    window: usize,
    seconds: u64,
    count: Option<u64>,
    command: Vec<String>,
}

fn args() -> Args {
    let mut out = Args {
        stateless: false,
        window: 1,
        seconds: 5,
        count: None,
        command: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().expect("a value after the option");
        match arg.as_str() {
            "--era" => out.stateless = value() == "stateless",
            "--window" => out.window = value().parse().expect("--window N"),
            "--seconds" => out.seconds = value().parse().expect("--seconds S"),
            "--count" => out.count = Some(value().parse().expect("--count N")),
            "--" => {
                out.command = it.collect();
                break;
            }
            other => panic!("unknown option {other}"),
        }
    }
    assert!(
        !out.command.is_empty(),
        "usage: stdio_load [options] -- COMMAND..."
    );
    out
}

fn call(id: u64, stateless: bool) -> String {
    let meta = if stateless {
        r#","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#
    } else {
        ""
    };
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"add","arguments":{{"a":1,"b":2}}{meta}}}}}"#
    )
}

fn main() {
    let args = args();
    let mut child = Command::new(&args.command[0])
        .args(&args.command[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    if !args.stateless {
        let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"stdio_load","version":"1"}}}"#;
        writeln!(stdin, "{init}").unwrap();
        stdout.read_line(&mut line).expect("the initialize result");
        writeln!(
            stdin,
            r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#
        )
        .unwrap();
    }
    // The reader hands a slot back for every answer; the writer sends a call per slot.
    let (slots, free) = mpsc::channel::<()>();
    for _ in 0..args.window {
        slots.send(()).unwrap();
    }
    let answered = Arc::new(AtomicU64::new(0));
    let reader = {
        let answered = answered.clone();
        let limit = args.count;
        std::thread::spawn(move || {
            let mut line = String::new();
            loop {
                line.clear();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line.contains("\"result\"") {
                    let n = answered.fetch_add(1, Ordering::Relaxed) + 1;
                    if limit == Some(n) {
                        // Keep reading until the server exits.
                        let _ = slots.send(());
                        continue;
                    }
                    if slots.send(()).is_err() {
                        return;
                    }
                } else if line.contains("\"error\"") {
                    panic!("error answer: {line}");
                }
            }
        })
    };
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds + 1);
    let mut id = 1;
    let mut warm = None;
    while free.recv().is_ok() {
        if let Some(count) = args.count {
            if id > count {
                if answered.load(Ordering::Relaxed) >= count {
                    break;
                }
                continue;
            }
        } else {
            let now = Instant::now();
            if warm.is_none() && now >= started + Duration::from_secs(1) {
                warm = Some((now, answered.load(Ordering::Relaxed)));
            }
            if now >= deadline {
                break;
            }
        }
        stdin
            .write_all(call(id, args.stateless).as_bytes())
            .unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
        id += 1;
    }
    let end = (Instant::now(), answered.load(Ordering::Relaxed));
    drop(stdin);
    let _ = child.wait();
    let _ = reader.join();
    if let Some((t0, n0)) = warm {
        let rps = (end.1 - n0) as f64 / (end.0 - t0).as_secs_f64();
        println!("{{\"rps\": {rps:.0}}}");
    } else {
        println!("{{\"answered\": {}}}", end.1);
    }
}
