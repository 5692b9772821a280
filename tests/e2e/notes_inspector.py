#!/usr/bin/env python3
"""The notes example (examples/notes) driven by the MCP Inspector's CLI (@modelcontextprotocol/inspector,
pinned in tests/e2e/inspector/package.json), one Inspector process per request, in both protocol eras.
Run by tests/e2e/notes_clients.sh. Standard library only.

Usage: notes_inspector.py BASE_URL NODE INSPECTOR_DIR
  BASE_URL       e.g. http://127.0.0.1:8000 (servers at /mcp/notes and /mcp/admin)
  NODE           a node >= 22.19 (the Inspector's engines field)
  INSPECTOR_DIR  the folder whose node_modules holds the Inspector (tests/e2e/inspector)

Requests are made with `mcp-inspector --cli URL --transport http --protocol-era ERA --format json
--method ...`, which prints one JSON document ({"result": ...} on stdout, or {"error": ...} on stderr)
and exits 0, or 5 for a tool result with isError, or 1 for a request that failed. The eras:
  --protocol-era legacy   initialize, which always offers 2025-11-25 (the CLI cannot pick an older one)
  --protocol-era modern   server/discover, then 2026-07-28
The CLI checks each tool result's structuredContent against the tool's outputSchema (Ajv) and fails the
call when it does not match ("must be string"): the `*null-fields` checks catch a schema that does not
allow the `null` the server sends.

The CLI has no completion method; `mcpdo`, the connection CLI in the same package, has one
(`prompts/complete`), so completions go through it: `mcpdo connect URL --era ERA` starts a private mcpdo
daemon (MCP_INSPECTOR_DAEMON_DIR/_TOKEN below), later mcpdo commands talk to it, and `mcpdo daemon stop`
(then, if needed, a kill of the daemon's pid) ends it. Every Inspector process gets a HOME of its own, so
nothing is read from or written to the user's ~/.mcp-inspector.

Every check prints `PASS inspector/<revision> <check>` or `FAIL inspector/<revision> <check>: <detail>`.
Exit status: 0 when every check passed, 1 otherwise.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notes_cases import (  # noqa: E402
    ADMIN_TOOLS,
    ARCHIVE_ID,
    COMPLETIONS,
    CREATES,
    MISSING_ID,
    NOTE,
    NOTES_TOOLS,
    PROMPT_ARGS,
    SEARCHES,
    STATS_AFTER,
    Reporter,
    archived,
    expect,
    expect_eq,
    review_text,
)

CHECK_TIMEOUT = 30  # seconds, per Inspector process
ERAS = [("2025-11-25", "legacy"), ("2026-07-28", "modern")]  # (negotiated revision, --protocol-era / --era)

out = Reporter()


class Inspector:
    """Runs the Inspector's `--cli` and `mcpdo` entry points with a private HOME and mcpdo daemon."""

    def __init__(self, node, package_dir):
        pkg = Path(package_dir) / "node_modules" / "@modelcontextprotocol" / "inspector"
        self.cli_cmd = [node, str(pkg / "clients" / "launcher" / "build" / "index.js"), "--cli"]
        self.mcpdo_cmd = [node, str(pkg / "clients" / "mcpdo" / "build" / "mcp-bin.js"), "--format", "json"]
        self.home = tempfile.mkdtemp(prefix="notes-inspector-")  # short: the daemon's unix socket lives here
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_")}
        self.env.update(
            HOME=self.home,
            MCP_INSPECTOR_SECRET_STORE="file",  # no OS keychain here; the file is in the private HOME
            MCP_INSPECTOR_DAEMON_DIR=os.path.join(self.home, "daemon"),
            MCP_INSPECTOR_DAEMON_TOKEN=secrets.token_urlsafe(32),
        )
        self.daemon_pids = set()

    def _run(self, cmd):
        """One process: (exit status, the JSON document it printed or None, its stderr)."""
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=CHECK_TIMEOUT, env=self.env,
                           stdin=subprocess.DEVNULL)
        return p.returncode, parse_json(p.stdout) or parse_json(p.stderr), p.stderr.strip()

    def cli(self, url, era, *args):
        return self._run([*self.cli_cmd, url, "--transport", "http", "--protocol-era", era, "--format", "json",
                          *args])

    def mcpdo(self, *args):
        return self._run([*self.mcpdo_cmd, *args])

    def note_daemon(self):
        """Remembers the pid of the mcpdo daemon that the last command started, to end it for sure later."""
        rc, doc, _ = self.mcpdo("daemon", "status")
        if rc == 0 and isinstance(doc, dict) and isinstance(doc.get("pid"), int):
            self.daemon_pids.add(doc["pid"])

    def close(self):
        """Stops the mcpdo daemon (kills it if `daemon stop` did not), removes the private HOME."""
        try:
            if self.daemon_pids:
                try:
                    self.mcpdo("daemon", "stop")
                except subprocess.TimeoutExpired:
                    pass
            for pid in self.daemon_pids:
                for _ in range(50):
                    if not alive(pid):
                        break
                    time.sleep(0.1)
                else:
                    os.kill(pid, signal.SIGKILL)
        finally:
            shutil.rmtree(self.home, ignore_errors=True)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def parse_json(text):
    """The JSON document in an Inspector output: the whole text, or its last line that is one."""
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def check(who, name, fn):
    """Run one check; an AssertionError or any exception is a FAIL with its message."""
    try:
        fn()
        out.report(who, name)
    except AssertionError as e:
        out.report(who, name, str(e) or "assertion failed")
    except subprocess.TimeoutExpired:
        out.report(who, name, f"an Inspector process timed out after {CHECK_TIMEOUT}s")
    except Exception as e:  # noqa: BLE001 - any crash of one check is reported, the run goes on
        out.report(who, name, f"{type(e).__name__}: {e}")


def result_of(run, want_rc=0):
    """The `result` of an Inspector run that must have exited with `want_rc`."""
    rc, doc, err = run
    if rc != want_rc or not isinstance(doc, dict) or "result" not in doc:
        raise AssertionError(f"exit status {rc} (expected {want_rc}), output {doc!r}, stderr {err[-800:]!r}")
    return doc["result"]


def error_of(run):
    """The error message of an Inspector run that must have failed (exit status 1)."""
    rc, doc, err = run
    if rc != 1 or not isinstance(doc, dict) or "error" not in doc:
        raise AssertionError(f"exit status {rc} (expected 1), output {doc!r}, stderr {err[-800:]!r}")
    return doc["error"].get("message")


def only_text(content):
    blocks = [c for c in content if c.get("type") == "text"]
    expect(len(blocks) == 1, f"expected one text block, got {content!r}")
    return blocks[0]["text"]


def expect_structured(result, want):
    """A tools/call result with structured content `want` and its text copy."""
    expect(not result.get("isError"), f"isError result: {result!r}")
    expect_eq(result.get("structuredContent"), want, "structuredContent")
    expect_eq(json.loads(only_text(result["content"])), want, "text content")


def scenario(insp, base, version, era):
    who = f"inspector/{version}"
    notes_url, admin_url = f"{base}/mcp/notes", f"{base}/mcp/admin"

    def notes(*args):
        return insp.cli(notes_url, era, *args)

    def admin(*args):
        return insp.cli(admin_url, era, *args)

    def call(server, tool, args, want_rc=0):
        return result_of(server("--method", "tools/call", "--tool-name", tool, "--tool-args-json",
                                json.dumps(args)), want_rc)

    def initialize(server, name):
        r = result_of(server("--method", "initialize"))
        expect_eq((r.get("protocolVersion"), (r.get("serverInfo") or {}).get("name")), (version, name),
                  "protocolVersion, serverInfo.name")

    check(who, "initialize/notes", lambda: initialize(notes, "notes"))
    check(who, "initialize/admin", lambda: initialize(admin, "admin"))

    def notes_tools():
        tools = {t["name"]: t for t in result_of(notes("--method", "tools/list"))["tools"]}
        expect_eq(sorted(tools), NOTES_TOOLS, "notes tools")
        missing = [n for n, t in tools.items() if "outputSchema" not in t]
        expect_eq(missing, [], "tools without an outputSchema")

    def admin_tools():
        expect_eq(sorted(t["name"] for t in result_of(admin("--method", "tools/list"))["tools"]), ADMIN_TOOLS,
                  "admin tools")

    def wipe():
        text = only_text(call(admin, "wipe", {})["content"])
        expect(text.startswith("deleted ") and text.endswith(" notes"), f"wipe said {text!r}")
        expect_structured(call(admin, "stats", {}), {"notes": 0, "archived": 0})

    check(who, "tools/list/notes", notes_tools)
    check(who, "tools/list/admin", admin_tools)
    check(who, "admin/wipe", wipe)

    for case, args, want in CREATES:
        check(who, f"create_note/{case}", lambda a=args, w=want: expect_structured(call(notes, "create_note", a), w))
    for case, _, want in CREATES:
        # --tool-arg key=value: the CLI turns "1" into the integer the inputSchema asks for
        check(who, f"get_note/{case}", lambda w=want: expect_structured(result_of(notes(
            "--method", "tools/call", "--tool-name", "get_note", "--tool-arg", f"id={w['id']}")), w))

    def get_missing():
        r = call(notes, "get_note", {"id": MISSING_ID}, want_rc=5)
        expect_eq((r.get("isError"), only_text(r["content"])), (True, f"there is no note {MISSING_ID}"),
                  "isError, text")

    def search():
        for args, hits in SEARCHES:
            r = call(notes, "search_notes", args)
            expect_eq(r.get("structuredContent"), {"result": hits}, f"search_notes {args} structuredContent")
            expect_eq(json.loads(only_text(r["content"])), hits, f"search_notes {args} text content")

    def archive():
        want = archived(NOTE[ARCHIVE_ID])
        expect_structured(call(notes, "archive_note", {"id": ARCHIVE_ID}), want)
        expect_structured(call(notes, "get_note", {"id": ARCHIVE_ID}), want)
        again = call(notes, "archive_note", {"id": ARCHIVE_ID}, want_rc=5)
        expect_eq((again.get("isError"), only_text(again["content"])),
                  (True, f"note {ARCHIVE_ID} is archived already"), "archiving again")

    def stats():
        expect_structured(call(notes, "stats", {}), STATS_AFTER)
        expect_structured(call(admin, "stats", {}), STATS_AFTER)  # one store behind both servers

    check(who, "get_note/missing", get_missing)
    check(who, "search_notes", search)
    check(who, "archive_note", archive)
    check(who, "stats", stats)

    def templates():
        expect_eq(result_of(notes("--method", "resources/list"))["resources"], [], "resources/list")
        got = [(t.get("name"), t.get("uriTemplate"), t.get("mimeType"))
               for t in result_of(notes("--method", "resources/templates/list"))["resourceTemplates"]]
        expect_eq(got, [("note", "notes://{id}", "application/json")], "resource templates")

    def read(note_id, want):
        contents = result_of(notes("--method", "resources/read", "--uri", f"notes://{note_id}"))["contents"]
        expect_eq([(c.get("uri"), c.get("mimeType")) for c in contents], [(f"notes://{note_id}", "application/json")],
                  "contents (uri, mimeType)")
        expect_eq(json.loads(contents[0]["text"]), want, "contents[0].text")

    def read_missing():
        expect_eq(error_of(notes("--method", "resources/read", "--uri", f"notes://{MISSING_ID}")),
                  f"there is no note {MISSING_ID}", "error message")

    check(who, "resources/templates/list", templates)
    check(who, "resources/read/null-fields", lambda: read(2, NOTE[2]))
    check(who, "resources/read/archived", lambda: read(ARCHIVE_ID, archived(NOTE[ARCHIVE_ID])))
    check(who, "resources/read/missing", read_missing)

    def prompts():
        ps = result_of(notes("--method", "prompts/list"))["prompts"]
        expect_eq([p["name"] for p in ps], ["review_note"], "prompts")
        expect_eq([(a["name"], bool(a.get("required"))) for a in ps[0]["arguments"]], PROMPT_ARGS,
                  "review_note arguments")

    def get_prompt(pairs, want):
        r = result_of(notes("--method", "prompts/get", "--prompt-name", "review_note", "--prompt-args", *pairs))
        msgs = r["messages"]
        expect_eq([(m["role"], m["content"]["type"]) for m in msgs], [("user", "text")], "messages")
        expect_eq(msgs[0]["content"]["text"], want, "text")

    def prompt_missing():
        expect_eq(error_of(notes("--method", "prompts/get", "--prompt-name", "review_note", "--prompt-args",
                                 f"id={MISSING_ID}")), f"there is no note {MISSING_ID}", "error message")

    check(who, "prompts/list", prompts)
    check(who, "prompts/get/default-style", lambda: get_prompt(["id=2"], review_text(2)))
    check(who, "prompts/get/thorough", lambda: get_prompt(["id=1", "style=thorough"], review_text(1, "thorough")))
    check(who, "prompts/get/missing", prompt_missing)

    # Completions, through mcpdo (see the docstring). The connection's name is its URL.
    connected = []

    def mcpdo_connect():
        rc, doc, err = insp.mcpdo("connect", notes_url, "--transport", "http", "--era", era)
        insp.note_daemon()
        expect(rc == 0 and isinstance(doc, dict), f"connect: exit status {rc}, output {doc!r}, stderr {err[-800:]!r}")
        connected.append(True)
        rc, doc, err = insp.mcpdo("--connection", notes_url, "connections/show")
        expect(rc == 0 and isinstance(doc, dict), f"show: exit status {rc}, output {doc!r}, stderr {err[-800:]!r}")
        expect_eq(doc.get("protocolVersion"), version, "negotiated protocol version")

    def complete(kind, ref, arg, value, want):
        rc, doc, err = insp.mcpdo("--connection", notes_url, "prompts/complete", "--complete-ref-type", kind,
                                  "--complete-ref", ref, "--complete-arg-name", arg, "--complete-arg-value", value)
        expect(rc == 0 and isinstance(doc, dict), f"exit status {rc}, output {doc!r}, stderr {err[-800:]!r}")
        expect_eq(doc.get("values"), want, f"values for {arg}={value!r}")

    check(who, "mcpdo/connect", mcpdo_connect)
    if connected:
        try:
            for kind, ref, arg, value, want in COMPLETIONS:
                check(who, f"mcpdo/complete/{kind.removeprefix('ref/')}:{arg}={json.dumps(value)}",
                      lambda a=(kind, ref, arg, value, want): complete(*a))
        finally:
            insp.mcpdo("disconnect", notes_url)  # the next era connects the same URL (the same name) again


def main(base, node, package_dir):
    insp = Inspector(node, package_dir)
    try:
        for version, era in ERAS:
            try:
                scenario(insp, base, version, era)
            except Exception as e:  # noqa: BLE001 - report it, go on with the next era
                out.report(f"inspector/{version}", "scenario", f"{type(e).__name__}: {e}")
    finally:
        insp.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    # `timeout` (notes_clients.sh) ends this driver with SIGTERM: exit through `finally`, which stops the daemon.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    main(sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3])
    out.exit()
