#!/usr/bin/env python3
"""HTTP benchmark: contenders side by side on loopback, interleaved, several rounds.

Each contender serves the same surface at http://127.0.0.1:PORT/mcp (`add`, 100 more tools,
`config://app`). Servers are pinned to CPU 0 and the load generator (wrk) to CPU 1. Results are
medians with min and max, and each median as a ratio to the floor (a bare actix-web handler).
Also measured: idle and peak RSS, memory for 10,000 legacy sessions, and callgrind instructions
per `tools/call` (stable on a noisy machine). Run through bench/run.sh, which builds everything.
"""

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WRK = os.path.join(ROOT, "bench", "wrk")
MODERN_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
               "io.modelcontextprotocol/clientCapabilities": {}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Contender:
    def __init__(self, name, argv, env=None, sessions=True):
        self.name, self.argv, self.env, self.sessions = name, argv, env or {}, sessions
        self.proc = None
        self.port = None

    def start(self, wrapper=()):
        self.port = free_port()
        env = dict(os.environ, PORT=str(self.port), **self.env)
        self.proc = subprocess.Popen(["taskset", "-c", "0", *wrapper, *self.argv], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited during start-up")
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start listening")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def rss_kib(self, field="VmRSS"):
        """RSS of the server process (the deepest child of taskset/valgrind wrappers)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def post(self, body, headers, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers}
        c.request("POST", "/mcp", json.dumps(body), h)
        r = c.getresponse()
        data = r.read()
        return r.status, r.getheader("mcp-session-id"), data


def initialize(c, conn=None):
    body = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": "bench", "version": "1"}}}
    status, session, _ = c.post(body, {}, conn)
    if status != 200 or not session:
        return None
    c.post({"jsonrpc": "2.0", "method": "notifications/initialized"},
           {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"}, conn)
    return session


def modern_call_body():
    return {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "add", "arguments": {"a": 2, "b": 3}, "_meta": MODERN_META}}


MODERN_HEADERS = {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "add"}

SCENARIOS = [
    # name, wrk script, connections, needs a session
    ("modern tools/call, 1 conn", "modern_call.lua", 1, False),
    ("modern tools/call, 64 conns", "modern_call.lua", 64, False),
    ("session tools/call, 1 conn", "session_call.lua", 1, True),
    ("session tools/call, 64 conns", "session_call.lua", 64, True),
    ("tools/list (101 tools), 64 conns", "list_tools.lua", 64, False),
    ("resources/read, 64 conns", "read_resource.lua", 64, False),
]


def run_wrk(c, script, conns, seconds, env):
    cmd = ["taskset", "-c", "1", "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency",
           "-s", os.path.join(WRK, script), f"http://127.0.0.1:{c.port}/mcp"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **env), check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in sock.groups()) if sock else 0)
    return rps, p99_ms, errors


def check_surface(c):
    status, _, data = c.post(modern_call_body(), MODERN_HEADERS)
    ok_modern = status == 200 and b'"5"' in data
    if not ok_modern:
        raise RuntimeError(f"{c.name}: modern tools/call answered {status} {data[:200]!r}")


def fmt(values, floor=None, digits=0):
    """Median (min–max), and the median as a ratio to `floor` when given."""
    med = statistics.median(values)
    text = f"{med:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"
    if floor:
        text += f" **{med / floor:.2f}×**"
    return text


def fmt_ms(values, floor=None):
    return fmt(values, floor, digits=2)


def load(contenders, rounds, seconds):
    results = {}  # (scenario, contender) -> [(rps, p99)]
    peak = {}
    for r in range(rounds):
        order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for c in order:
            c.start()
            try:
                check_surface(c)
                for name, script, conns, needs_session in SCENARIOS:
                    # A fresh session for each session scenario: some servers expire idle ones.
                    session = initialize(c) if needs_session and c.sessions else None
                    if needs_session and not session:
                        continue
                    env = {"MCP_SESSION": session or ""}
                    run_wrk(c, script, conns, 1, env)  # warm-up
                    results.setdefault((name, c.name), []).append(run_wrk(c, script, conns, seconds, env))
                    if results[(name, c.name)][-1][2]:
                        print(f"round {r + 1} {c.name}: {name}: {results[(name, c.name)][-1][2]} errors",
                              file=sys.stderr, flush=True)
                    print(f"round {r + 1} {c.name:8} {name:34} {results[(name, c.name)][-1][0]:>10,.0f} req/s",
                          file=sys.stderr, flush=True)
                peak.setdefault(c.name, []).append(c.rss_kib("VmHWM"))
            finally:
                c.stop()
    return results, peak


def idle_and_sessions(contenders, count):
    rows = {}
    for c in contenders:
        c.start()
        try:
            check_surface(c)
            time.sleep(0.5)
            idle = c.rss_kib()
            grown = None
            if c.sessions:
                conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=30)
                made = 0
                for _ in range(count):
                    if initialize(c, conn):
                        made += 1
                if made == count:
                    time.sleep(0.5)
                    grown = (c.rss_kib() - idle) / 1024
            rows[c.name] = (idle / 1024, grown)
        finally:
            c.stop()
    return rows


def callgrind_total(c, calls):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        c.start(wrapper=["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=120)
            for _ in range(calls):
                status, _, _ = c.post(modern_call_body(), MODERN_HEADERS, conn)
                assert status == 200
        finally:
            c.stop()
        deadline = time.time() + 30
        while not os.path.exists(out) and time.time() < deadline:
            time.sleep(0.2)
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
    raise RuntimeError(f"{c.name}: no callgrind totals")


def instructions(contenders, small, large):
    rows = {}
    for c in contenders:
        try:
            a = callgrind_total(c, small)
            b = callgrind_total(c, large)
        except Exception as err:  # report the others even if one contender cannot be profiled
            print(f"callgrind {c.name}: {err}", file=sys.stderr, flush=True)
            continue
        rows[c.name] = (b - a) / (large - small)
        print(f"callgrind {c.name:8} {rows[c.name]:,.0f} instructions per tools/call", file=sys.stderr, flush=True)
    return rows


def build_times():
    """Cold release builds (fresh target directory, crates already downloaded), in seconds."""
    rows = {}
    jobs = {
        "quickstart (ours)": (ROOT, ["cargo", "build", "--release", "-p", "quickstart"]),
        "rmcp equivalent": (os.path.join(ROOT, "bench", "rmcp"), ["cargo", "build", "--release"]),
    }
    for name, (cwd, cmd) in jobs.items():
        if not os.path.exists(os.path.join(cwd, "Cargo.toml")):
            continue
        with tempfile.TemporaryDirectory() as target:
            start = time.time()
            subprocess.run(cmd, cwd=cwd, env=dict(os.environ, CARGO_TARGET_DIR=target), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rows[name] = time.time() - start
        print(f"build {name}: {rows[name]:.0f} s", file=sys.stderr, flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--build-times", action="store_true", help="also time cold release builds")
    ap.add_argument("--only", help="comma-separated contender names")
    ap.add_argument("--output", help="write the markdown report here as well")
    ap.add_argument("--resume", action="store_true",
                    help="reuse the load results saved by the last run (target/bench-load.json)")
    args = ap.parse_args()

    rel = os.path.join(ROOT, "target", "release")
    contenders = [
        Contender("floor", [os.path.join(rel, "floor")]),
        Contender("ours", [os.path.join(rel, "ours")]),
    ]
    rmcp = os.path.join(ROOT, "bench", "rmcp", "target", "release", "rmcp-bench-server")
    if os.path.exists(rmcp):
        contenders.append(Contender("rmcp", [rmcp]))
    py = os.path.join(ROOT, "target", "bench-venv", "bin", "python")
    if os.path.exists(py):
        contenders.append(Contender("python", [py, os.path.join(ROOT, "bench", "python", "server.py")]))
    if args.only:
        keep = args.only.split(",")
        contenders = [c for c in contenders if c.name in keep]
    names = [c.name for c in contenders]

    saved = os.path.join(ROOT, "target", "bench-load.json")
    if args.resume and os.path.exists(saved):
        with open(saved) as f:
            data = json.load(f)
        results = {tuple(k.split("\t")): [tuple(x) for x in v] for k, v in data["results"].items()}
        peak = data["peak"]
    else:
        results, peak = load(contenders, args.rounds, args.seconds)
        with open(saved, "w") as f:
            json.dump({"results": {"\t".join(k): v for k, v in results.items()}, "peak": peak}, f)
    memory = idle_and_sessions(contenders, args.sessions)
    native = [c for c in contenders if c.name != "python"]
    instr = {} if args.no_callgrind else instructions(native, 200, 1200)

    lines = [f"Rounds: {args.rounds} × {args.seconds} s per scenario and contender, contenders interleaved; "
             "server on CPU 0, wrk on CPU 1. Median (min–max); **bold** = median ÷ floor median.", "",
             "### Requests per second", "", "| scenario | " + " | ".join(names) + " |",
             "|---|" + "---|" * len(names)]
    for name, *_ in SCENARIOS:
        floor = results.get((name, "floor"))
        floor_med = statistics.median([r[0] for r in floor]) if floor else None
        cells = []
        for n in names:
            rs = results.get((name, n))
            cell = fmt([r[0] for r in rs], floor_med if n != "floor" else None) if rs else "n/a"
            errors = sum(r[2] for r in rs) if rs else 0
            cells.append(cell + (f" ⚠ {errors:,} errors" if errors else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "### p99 latency (ms)", "", "| scenario | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for name, *_ in SCENARIOS:
        floor = results.get((name, "floor"))
        floor_med = statistics.median([r[1] for r in floor]) if floor else None
        cells = []
        for n in names:
            rs = results.get((name, n))
            cells.append(fmt_ms([r[1] for r in rs], floor_med if n != "floor" else None) if rs else "n/a")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "### Memory", "", "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    floor_idle = memory["floor"][0] if "floor" in memory else None
    lines.append("| idle RSS (MiB) | " + " | ".join(
        f"{memory[n][0]:.1f}" + (f" **{memory[n][0] / floor_idle:.2f}×**" if floor_idle and n != "floor" else "")
        for n in names) + " |")
    lines.append("| peak RSS under load (MiB) | " + " | ".join(f"{max(peak[n]) / 1024:.1f}" for n in names) + " |")
    lines.append(f"| + {args.sessions:,} legacy sessions (MiB) | " + " | ".join(
        ("n/a" if memory[n][1] is None or n == "floor" else f"{memory[n][1]:.1f}") for n in names) + " |")
    if instr:
        lines += ["", "### Instructions per modern `tools/call` (callgrind, server side)", "",
                  "| | " + " | ".join(instr) + " |", "|---|" + "---|" * len(instr),
                  "| instructions | " + " | ".join(
                      f"{v:,.0f}" + (f" **{v / instr['floor']:.2f}×**" if n != "floor" and "floor" in instr else "")
                      for n, v in instr.items()) + " |"]
    if args.build_times:
        times = build_times()
        lines += ["", "### Cold release build (fresh target directory, 2 cores)", "",
                  "| | seconds |", "|---|---|"] + [f"| {n} | {t:.0f} |" for n, t in times.items()]
    report = "\n".join(lines)
    print(report)
    if args.output:
        with open(args.output, "w") as f:
            f.write(report + "\n")


if __name__ == "__main__":
    main()
