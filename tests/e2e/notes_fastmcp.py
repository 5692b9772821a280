#!/usr/bin/env python3
"""The notes example (examples/notes) driven by the fastmcp Python client (fastmcp==4.2.3), in every
protocol revision the server speaks. Run by tests/e2e/notes_clients.sh, with the venv's python.

Usage: notes_fastmcp.py BASE_URL        (e.g. http://127.0.0.1:8000; servers at /mcp/notes and /mcp/admin)

How each revision is reached (`fastmcp.Client(url, mode=...)`):
  2025-03-26, 2025-06-18  mode="legacy", with the handshake version the SDK offers changed: fastmcp 4.x sits
                          on the `mcp` 2.x SDK, whose `ClientSession.initialize` always offers
                          `mcp.client.session.LATEST_HANDSHAKE_VERSION` (2025-11-25), so this script sets
                          that module global before connecting (the server answers with the version offered)
  2025-11-25              mode="legacy": initialize + Mcp-Session-Id
  2026-07-28              mode="auto", the default of `Client(url)`: probes `server/discover`, adopts 2026-07-28
In 2025-03-26 tools have no outputSchema and results no structuredContent (both came in 2025-06-18), so
there only the text copy of a structured result is checked.

The regression these checks exist for: the SDK under fastmcp validates a result's structuredContent
against the tool's outputSchema (`ClientSession.validate_tool_result`, jsonschema: "None is not of type
'integer'"), and fastmcp then turns it into typed `.data` through the same schema (a failure there is
only logged, and leaves `.data` None). A note with `null` fields must pass both (the `*null-fields` checks).

Every check prints `PASS fastmcp/<revision> <check>` or `FAIL fastmcp/<revision> <check>: <detail>`.
Exit status: 0 when every check passed, 1 otherwise.
"""

import asyncio
import json
import logging
import re
import sys
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import mcp.client.session as sdk_session
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import PromptReference, ResourceTemplateReference

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

CHECK_TIMEOUT = 15  # seconds, per check (connect included)
DEFAULT_HANDSHAKE = sdk_session.LATEST_HANDSHAKE_VERSION


@dataclass
class Era:
    version: str  # the revision the connection must negotiate
    mode: str  # fastmcp.Client(mode=...)
    not_found: int  # the JSON-RPC code of resources/read for a missing note (-32002 in sessions; 2026-07-28: -32602)

    @property
    def structured(self):
        return self.version != "2025-03-26"


ERAS = [
    Era("2025-03-26", "legacy", -32002),
    Era("2025-06-18", "legacy", -32002),
    Era("2025-11-25", "legacy", -32002),
    Era("2026-07-28", "auto", -32602),
]


class ErrorLog(logging.Handler):
    """Keeps fastmcp's last logged error: why `.data` stayed None when structuredContent did not parse."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = None

    def emit(self, record):
        self.last = record.getMessage()


ERRORS = ErrorLog()
logging.getLogger("fastmcp").addHandler(ERRORS)  # fastmcp's loggers do not propagate to the root logger

out = Reporter()


async def check(who, name, fn):
    """Run one check; an AssertionError or any exception is a FAIL with its message."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await fn()
        out.report(who, name)
    except AssertionError as e:
        out.report(who, name, str(e) or "assertion failed")
    except TimeoutError:
        out.report(who, name, f"timed out after {CHECK_TIMEOUT}s")
    except MCPError as e:
        out.report(who, name, f"MCPError code={e.code} message={e.message!r} data={e.data!r}")
    except Exception as e:  # noqa: BLE001 - any crash of one check is reported, the run goes on
        out.report(who, name, f"{type(e).__name__}: {e}")


def only_text(result):
    """The single text block of a tool result or prompt message list."""
    blocks = [c for c in result.content if c.type == "text"]
    expect(len(blocks) == 1, f"expected one text block, got {result.content!r}")
    return blocks[0].text


def expect_structured(era, r, want):
    """A tool result with the structured value `want`: its text copy, its structuredContent (from 2025-06-18)."""
    expect(not r.is_error, f"isError result: {r.content!r}")
    expect_eq(json.loads(only_text(r)), want, "text content")
    if era.structured:
        expect_eq(r.structured_content, want, "structuredContent")
        expect(r.data is not None, f"fastmcp left .data None (structuredContent did not parse: {ERRORS.last})")
    else:
        expect(r.structured_content is None, f"structuredContent in 2025-03-26: {r.structured_content!r}")


def expect_note(era, r, want):
    """A tool result that is the note `want`; fastmcp's typed `.data` must carry the same fields."""
    ERRORS.last = None
    expect_structured(era, r, want)
    if era.structured:
        d = r.data
        got = (d.id, d.title, d.body, list(d.tags), d.meta.author.name, d.meta.author.email, d.rating, d.archived)
        author = want["meta"]["author"]
        expect_eq(
            got,
            (want["id"], want["title"], want["body"], want["tags"], author["name"], author["email"],
             want["rating"], want.get("archived")),
            ".data (id, title, body, tags, author name, email, rating, archived)",
        )


async def connect(stack, who, era, url, server):
    """Open a Client on `url`; returns it (entered into `stack`) or None after reporting the failure."""
    client = Client(url, mode=era.mode, timeout=CHECK_TIMEOUT)
    result = []

    async def run():
        await stack.enter_async_context(client)
        result.append(client)
        expect_eq(client.protocol_version, era.version, "negotiated protocol version")
        expect_eq(client.server_info.name if client.server_info else None, server, "serverInfo.name")

    await check(who, f"connect/{server}", run)
    return client if result else None


async def scenario(base, era):
    who = f"fastmcp/{era.version}"
    # The session revisions before 2025-11-25 are offered by changing the SDK's offered version (see above).
    sdk_session.LATEST_HANDSHAKE_VERSION = era.version if era.mode == "legacy" else DEFAULT_HANDSHAKE
    async with AsyncExitStack() as stack:
        notes = await connect(stack, who, era, f"{base}/mcp/notes", "notes")
        admin = await connect(stack, who, era, f"{base}/mcp/admin", "admin")
        if notes is None or admin is None:
            return

        async def notes_tools():
            tools = {t.name: t for t in await notes.list_tools()}
            expect_eq(sorted(tools), NOTES_TOOLS, "notes tools")
            for name in ["create_note", "get_note", "archive_note", "search_notes", "stats"]:
                has = tools[name].output_schema is not None
                expect_eq(has, era.structured, f"{name} has an outputSchema")

        async def admin_tools():
            expect_eq(sorted(t.name for t in await admin.list_tools()), ADMIN_TOOLS, "admin tools")

        async def wipe():
            r = await admin.call_tool("wipe", {})
            expect(re.fullmatch(r"deleted \d+ notes", only_text(r)), f"wipe said {only_text(r)!r}")
            expect_structured(era, await admin.call_tool("stats", {}), {"notes": 0, "archived": 0})

        await check(who, "tools/list/notes", notes_tools)
        await check(who, "tools/list/admin", admin_tools)
        await check(who, "admin/wipe", wipe)

        for case, args, want in CREATES:
            async def create(args=args, want=want):
                expect_note(era, await notes.call_tool("create_note", args), want)

            await check(who, f"create_note/{case}", create)

        for case, _, want in CREATES:
            async def get(want=want):
                expect_note(era, await notes.call_tool("get_note", {"id": want["id"]}), want)

            await check(who, f"get_note/{case}", get)

        async def get_missing():
            r = await notes.call_tool("get_note", {"id": MISSING_ID}, raise_on_error=False)
            expect_eq(r.is_error, True, "isError")
            expect_eq(only_text(r), f"there is no note {MISSING_ID}", "error text")
            try:
                await notes.call_tool("get_note", {"id": MISSING_ID})
            except ToolError as e:
                expect_eq(str(e), f"there is no note {MISSING_ID}", "ToolError")
            else:
                raise AssertionError("call_tool did not raise ToolError")

        async def search():
            for args, hits in SEARCHES:
                r = await notes.call_tool("search_notes", args)
                expect(not r.is_error, f"isError result: {r.content!r}")
                expect_eq(json.loads(only_text(r)), hits, f"search_notes {args} text content")
                if era.structured:
                    expect_eq(r.structured_content, {"result": hits}, f"search_notes {args} structuredContent")

        async def archive():
            want = archived(NOTE[ARCHIVE_ID])
            expect_note(era, await notes.call_tool("archive_note", {"id": ARCHIVE_ID}), want)
            expect_note(era, await notes.call_tool("get_note", {"id": ARCHIVE_ID}), want)
            again = await notes.call_tool("archive_note", {"id": ARCHIVE_ID}, raise_on_error=False)
            expect_eq((again.is_error, only_text(again)), (True, f"note {ARCHIVE_ID} is archived already"), "again")

        async def stats():
            expect_structured(era, await notes.call_tool("stats", {}), STATS_AFTER)
            expect_structured(era, await admin.call_tool("stats", {}), STATS_AFTER)  # one store, two servers

        await check(who, "get_note/missing", get_missing)
        await check(who, "search_notes", search)
        await check(who, "archive_note", archive)
        await check(who, "stats", stats)

        async def templates():
            expect_eq(await notes.list_resources(), [], "resources/list")
            got = [(t.name, t.uri_template, t.mime_type) for t in await notes.list_resource_templates()]
            expect_eq(got, [("note", "notes://{id}", "application/json")], "resource templates")

        async def read(note_id, want):
            contents = await notes.read_resource(f"notes://{note_id}")
            expect_eq(len(contents), 1, "number of contents")
            c = contents[0]
            expect_eq((str(c.uri), c.mime_type), (f"notes://{note_id}", "application/json"), "uri, mimeType")
            expect_eq(json.loads(c.text), want, "contents[0].text")

        async def read_missing():
            try:
                await notes.read_resource(f"notes://{MISSING_ID}")
            except MCPError as e:
                expect_eq((e.code, e.message), (era.not_found, f"there is no note {MISSING_ID}"), "error")
            else:
                raise AssertionError("read of a missing note did not fail")

        await check(who, "resources/templates/list", templates)
        await check(who, "resources/read/null-fields", lambda: read(2, NOTE[2]))
        await check(who, "resources/read/archived", lambda: read(ARCHIVE_ID, archived(NOTE[ARCHIVE_ID])))
        await check(who, "resources/read/missing", read_missing)

        async def prompts():
            ps = await notes.list_prompts()
            expect_eq([p.name for p in ps], ["review_note"], "prompts")
            expect_eq([(a.name, bool(a.required)) for a in ps[0].arguments], PROMPT_ARGS, "review_note arguments")

        async def get_prompt(args, want):
            r = await notes.get_prompt("review_note", args)
            expect_eq([(m.role, m.content.type) for m in r.messages], [("user", "text")], "messages")
            expect_eq(r.messages[0].content.text, want, "text")

        async def prompt_missing():
            try:
                await notes.get_prompt("review_note", {"id": str(MISSING_ID)})
            except MCPError as e:
                expect_eq((e.code, e.message), (-32602, f"there is no note {MISSING_ID}"), "error")
            else:
                raise AssertionError("prompts/get of a missing note did not fail")

        await check(who, "prompts/list", prompts)
        await check(who, "prompts/get/default-style", lambda: get_prompt({"id": "2"}, review_text(2)))
        await check(who, "prompts/get/thorough",
                    lambda: get_prompt({"id": "1", "style": "thorough"}, review_text(1, "thorough")))
        await check(who, "prompts/get/missing", prompt_missing)

        async def complete(kind, ref, arg, value, want):
            r = (ResourceTemplateReference(type=kind, uri=ref) if kind == "ref/resource"
                 else PromptReference(type=kind, name=ref))
            got = await notes.complete(r, {"name": arg, "value": value})
            expect_eq(got.values, want, f"values for {arg}={value!r}")

        for kind, ref, arg, value, want in COMPLETIONS:
            await check(who, f"complete/{kind.removeprefix('ref/')}:{arg}={json.dumps(value)}",
                        lambda a=(kind, ref, arg, value, want): complete(*a))


async def main(base):
    for era in ERAS:
        try:
            await scenario(base, era)
        except Exception as e:  # noqa: BLE001 - e.g. a failing disconnect: report it, go on with the next era
            out.report(f"fastmcp/{era.version}", "scenario", f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1].rstrip("/")))
    out.exit()
