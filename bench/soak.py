#!/usr/bin/env python3
"""Soak test: mixed load against the conformance example for SOAK_MINUTES (default 30), with the
server's resident memory sampled every minute. Not part of CI (it takes half an hour); run it before
a release, or after a change to sessions, streams or buffers:

    cargo build --release -p conformance && python3 bench/soak.py [--minutes N] [--bin PATH]

The load, all on loopback, bounded in rate by each worker's own round trips:
  - stateless (2026-07-28) tools/call, tools/list and resources/read;
  - sessions (2025-11-25) created, used once and abandoned without DELETE (they expire by idle time);
  - session calls with a progress token whose event stream is dropped mid-way, and standalone GET
    streams opened and dropped;
  - malformed requests: bad JSON, wrong types, oversized ids, unknown methods, duplicate headers.
The last lines print the RSS curve (MiB per minute) and the growth from minute 2 to the end; a flat
curve (growth within a few MiB) is the pass criterion. Exit status 1 if the server died.
"""

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "soak", "version": "1"},
}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Worker(threading.Thread):
    def __init__(self, port, stop, kind, counts, pace):
        super().__init__(daemon=True)
        self.port, self.stop, self.kind, self.counts, self.pace = port, stop, kind, counts, pace

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def post(self, body, headers, read=True):
        c = self.conn()
        try:
            c.request("POST", "/mcp", body=body if isinstance(body, bytes) else json.dumps(body), headers=headers)
            r = c.getresponse()
            data = r.read() if read else r.read(200)
            return r.status, dict(r.getheaders()), data
        finally:
            c.close()

    def stateless(self):
        method, params, name = random.choice([
            ("tools/call", {"name": "test_simple_text", "arguments": {}}, "test_simple_text"),
            ("tools/list", {}, None),
            ("resources/read", {"uri": "test://static-text"}, "test://static-text"),
        ])
        params["_meta"] = ENVELOPE
        headers = {"content-type": "application/json", "accept": "application/json, text/event-stream",
                   "mcp-protocol-version": "2026-07-28", "mcp-method": method}
        if name:
            headers["mcp-name"] = name
        self.post({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, headers)

    def session(self, drop_stream):
        init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "soak", "version": "1"}}}
        status, headers, _ = self.post(init, {"content-type": "application/json", "accept": "application/json, text/event-stream"})
        sid = {k.lower(): v for k, v in headers.items()}.get("mcp-session-id")
        if status != 200 or not sid:
            return
        h = {"content-type": "application/json", "accept": "application/json, text/event-stream",
             "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25"}
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"}, h)
        if not drop_stream:
            self.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "test_simple_text", "arguments": {}}}, h)
            return
        # A progress call whose stream is dropped after its first bytes, then a standalone stream dropped too.
        self.post({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                   "params": {"name": "test_tool_with_progress", "arguments": {}, "_meta": {"progressToken": 7}}}, h, read=False)
        c = self.conn()
        try:
            c.request("GET", "/mcp", headers={"accept": "text/event-stream", "mcp-session-id": sid})
            r = c.getresponse()
            r.read(50)
        except Exception:
            pass
        finally:
            c.close()

    def malformed(self):
        body, headers = random.choice([
            (b"{not json", {"content-type": "application/json"}),
            (b'{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}', {"content-type": "application/json"}),
            (json.dumps({"jsonrpc": "2.0", "id": "i" * 5000, "method": "ping"}).encode(), {"content-type": "application/json"}),
            (b'{"jsonrpc":"2.0","id":1,"method":"no/such"}', {"content-type": "application/json", "mcp-protocol-version": "2026-07-28"}),
            (b'[]', {"content-type": "application/json"}),
            (b'{"jsonrpc":"2.0","id":1,"method":"ping"}', {"content-type": "text/plain"}),
        ])
        self.post(body, headers)

    def run(self):
        while not self.stop.is_set():
            try:
                if self.kind == "stateless":
                    self.stateless()
                elif self.kind == "session":
                    self.session(drop_stream=False)
                elif self.kind == "streams":
                    self.session(drop_stream=True)
                else:
                    self.malformed()
                self.counts[self.kind] = self.counts.get(self.kind, 0) + 1
                time.sleep(self.pace)
            except Exception:  # noqa: BLE001 - a refused or reset request is part of the load
                self.counts["errors"] = self.counts.get("errors", 0) + 1
                time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", 30)))
    ap.add_argument("--bin", default="target/release/conformance")
    ap.add_argument("--pace", type=float, default=0.002, help="pause (s) after each request, per worker")
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen([args.bin], env={**os.environ, "PORT": str(port), "RUST_LOG": "error"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    stop, counts = threading.Event(), {}
    workers = [Worker(port, stop, kind, counts, args.pace) for kind in ["stateless"] * 4 + ["session"] * 2 + ["streams"] * 2 + ["malformed"]]
    for w in workers:
        w.start()
    samples = []
    start = time.time()
    try:
        for minute in range(int(args.minutes) + 1):
            if server.poll() is not None:
                print(f"soak: the server exited with {server.returncode}")
                return 1
            samples.append(rss_mib(server.pid))
            print(f"soak: minute {minute:3d}  RSS {samples[-1]:8.1f} MiB  requests {dict(sorted(counts.items()))}", flush=True)
            if minute < int(args.minutes):
                time.sleep(max(0.0, start + 60 * (minute + 1) - time.time()))
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=15)
        server.terminate()
        try:
            server.wait(timeout=40)  # actix-web drains open connections for up to 30 s
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    base = samples[2] if len(samples) > 2 else samples[0]
    print("soak: RSS curve (MiB): " + " ".join(f"{s:.1f}" for s in samples))
    print(f"soak: growth from minute 2 to the end: {samples[-1] - base:+.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
