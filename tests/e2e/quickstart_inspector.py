#!/usr/bin/env python3
"""The quickstart driven by the MCP Inspector's CLI (@modelcontextprotocol/inspector, pinned in
tests/e2e/inspector/package.json), over stdio (the Inspector launches `quickstart stdio --server NAME`) and
over HTTP, in both protocol eras. Run by tests/e2e/run.sh. Standard library only.

Usage: quickstart_inspector.py QUICKSTART_BIN NODE INSPECTOR_DIR BASE_URL [CONFORMANCE_URL]
  (CONFORMANCE_URL, passed by run.sh to every client, is not used)

One Inspector process per request: `mcp-inspector --cli --transport stdio|http --protocol-era legacy|modern
--format json --method ... -- TARGET`, which prints one JSON document ({"result": ...} on stdout) and exits 0,
or 5 for a tool result with isError. Every check prints `PASS inspector/<transport>/<era> <check>` or `FAIL ...`.
Exit status: 0 when every check passed, 1 otherwise.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHECK_TIMEOUT = 30  # seconds, per Inspector process
failures = 0


def report(label, name, error=None):
    global failures
    if error is None:
        print(f"PASS {label} {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL {label} {name}: {error}", flush=True)


def parse_json(text):
    """The JSON document in an Inspector output: the whole text, or its last line that is one."""
    text = text.strip()
    for candidate in [text] + list(reversed(text.splitlines())):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def main(binary, node, inspector_dir, base):
    cli = [node, str(Path(inspector_dir) / "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"),
           "--cli"]
    home = tempfile.mkdtemp(prefix="quickstart-inspector-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
    env.update(HOME=home, MCP_INSPECTOR_SECRET_STORE="file", RUST_LOG="warn")

    def run(transport, era, server, *args):
        target = [binary, "stdio", "--server", server] if transport == "stdio" else [f"{base}/mcp/{server}"]
        p = subprocess.run([*cli, "--transport", transport, "--protocol-era", era, "--format", "json", *args,
                            "--", *target], capture_output=True, text=True, timeout=CHECK_TIMEOUT, env=env,
                           stdin=subprocess.DEVNULL)
        return p.returncode, parse_json(p.stdout) or parse_json(p.stderr), p.stderr.strip()

    checks = [
        ("tools/list", "tools", ["--method", "tools/list"],
         lambda r: sorted(t["name"] for t in r["tools"]) == ["add", "divide", "greet", "word_stats"], 0),
        ("call add", "tools", ["--method", "tools/call", "--tool-name", "add", "--tool-arg", "a=2", "b=3"],
         lambda r: r["content"][0]["text"] == "5", 0),
        ("call word_stats", "tools", ["--method", "tools/call", "--tool-name", "word_stats", "--tool-arg", "text=a bb"],
         lambda r: r["structuredContent"] == {"words": 2, "characters": 4, "longest": "bb"}, 0),
        ("call divide by zero", "tools", ["--method", "tools/call", "--tool-name", "divide", "--tool-arg", "a=1", "b=0"],
         lambda r: r["isError"] is True and r["content"][0]["text"] == "division by zero", 5),
        ("read config://app", "tools", ["--method", "resources/read", "--uri", "config://app"],
         lambda r: json.loads(r["contents"][0]["text"]) == {"debug": True}, 0),
        ("get prompt summarise", "tools", ["--method", "prompts/get", "--prompt-name", "summarise", "--prompt-args",
                                           "text=hello"],
         lambda r: "hello" in r["messages"][0]["content"]["text"], 0),
        ("math call multiply", "math", ["--method", "tools/call", "--tool-name", "multiply", "--tool-arg", "a=6", "b=7"],
         lambda r: r["content"][0]["text"] == "42", 0),
    ]
    try:
        for transport in ["stdio", "http"]:
            for era in ["legacy", "modern"]:
                label = f"inspector/{transport}/{era}"
                for name, server, args, ok, want_rc in checks:
                    try:
                        rc, doc, err = run(transport, era, server, *args)
                    except subprocess.TimeoutExpired:
                        report(label, name, f"timed out after {CHECK_TIMEOUT}s")
                        continue
                    result = (doc or {}).get("result")
                    if rc != want_rc or result is None:
                        report(label, name, f"exit {rc} (expected {want_rc}), output {doc!r}, stderr {err[-300:]!r}")
                        continue
                    try:
                        passed = ok(result)
                    except (KeyError, IndexError, TypeError, ValueError) as e:
                        passed, err = False, f"{type(e).__name__}: {e}"
                    report(label, name, None if passed else f"result {result!r}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    main(*sys.argv[1:5])
    sys.exit(1 if failures else 0)
