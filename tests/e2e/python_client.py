#!/usr/bin/env python3
"""End-to-end scenario for the quickstart server, driven by the official Python SDK client (mcp==2.3.0).

Usage: python_client.py BASE_URL [CONFORMANCE_URL]
  BASE_URL         the quickstart server (e.g. http://127.0.0.1:8000)
  CONFORMANCE_URL  the conformance example's endpoint (e.g. http://127.0.0.1:8001/mcp): a tool that
                   reports progress and one that elicits input, in every era
Env: E2E_STDIO_BIN, E2E_STDIO_CONFORMANCE_BIN: the same binaries, also launched as subprocesses over stdio
     (`stdio --server NAME`) and run through the same scenarios in every era ("py/stdio/<mode>").

The SDK's `Client(mode=...)` option selects the protocol era (mcp/client/client.py, `Client.mode`):
  "legacy"      initialize handshake + Mcp-Session-Id; the client always offers 2025-11-25
                (mcp/client/session.py `ClientSession.initialize`: protocol_version=LATEST_HANDSHAKE_VERSION)
  "auto"        (the default) probes `server/discover` and falls back to initialize (mcp/client/_probe.py)
  "2026-07-28"  pins the stateless revision, no probe (per-request `_meta` envelope)
Each mode runs the full scenario. Every check prints `PASS <era> <name>` or `FAIL <era> <name>: <detail>`.
Exit status: 0 when every check passed, 1 otherwise.
"""

import asyncio
import json
import os
import sys
import traceback

from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp_types import ElicitResult, PromptReference, ResourceTemplateReference

CHECK_TIMEOUT = 15  # seconds, per check (connect included)

# label -> (Client mode, expected negotiated protocol version, expected resource-not-found code)
ERAS = {
    "py/legacy": ("legacy", "2025-11-25", -32002),
    "py/auto": ("auto", "2026-07-28", -32602),
    "py/2026-07-28": ("2026-07-28", "2026-07-28", -32602),
}

failures = 0


def era_of(label):
    """The era a label names: "py/stdio/legacy" runs as "py/legacy" does, over stdio."""
    return ERAS[label.replace("/stdio", "")]


def where(target):
    """A URL, or `stdio <binary> <args>` for a subprocess."""
    if isinstance(target, str):
        return target
    return f"stdio {os.path.basename(target.command)} {' '.join(target.args)}"


def stdio_target(binary, server=None):
    args = ["stdio"] + (["--server", server] if server else [])
    return StdioServerParameters(command=binary, args=args, env={**os.environ, "RUST_LOG": "warn"})


def report(era, name, error=None):
    global failures
    if error is None:
        print(f"PASS {era} {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL {era} {name}: {error}", flush=True)


async def check(era, name, fn):
    """Run one check; an AssertionError or any exception is a FAIL with its message."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await fn()
        report(era, name)
    except AssertionError as e:
        report(era, name, str(e) or "assertion failed")
    except TimeoutError:
        report(era, name, f"timed out after {CHECK_TIMEOUT}s")
    except MCPError as e:
        report(era, name, f"MCPError code={e.code} message={e.message!r} data={e.data!r}")
    except Exception as e:  # noqa: BLE001 - any crash of one check is reported, the run goes on
        report(era, name, f"{type(e).__name__}: {e}".replace("\n", " | "))


def expect(cond, detail):
    if not cond:
        raise AssertionError(detail)


def only_text(result):
    """The single text block of a tool/prompt result."""
    blocks = [c for c in result.content if c.type == "text"]
    expect(len(blocks) == 1, f"expected one text block, got {result.content!r}")
    return blocks[0].text


async def connect(era, mode, url, version):
    """Open a Client on a URL or a stdio subprocess; returns it (entered) or None after reporting the failure."""
    client = Client(url, mode=mode, read_timeout_seconds=CHECK_TIMEOUT)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await client.__aenter__()
    except Exception as e:  # noqa: BLE001
        report(era, f"connect {where(url)}", f"{type(e).__name__}: {e}".replace("\n", " | "))
        return None
    got = client.protocol_version
    report(era, f"connect {where(url)}", None if got == version else f"negotiated {got!r}, expected {version!r}")
    return client


async def server_name(client):
    """serverInfo.name: from InitializeResult (legacy) or the result `_meta` stamp (2026-07-28; SHOULD be on every
    result, and with a pinned mode the client never sees a DiscoverResult, so read it off a tools/list result)."""
    if client.protocol_version != "2026-07-28":
        return client.server_info.name
    meta = (await client.list_tools(cache_mode="bypass")).meta or {}
    return (meta.get("io.modelcontextprotocol/serverInfo") or {}).get("name")


async def tools_scenario(era, client, not_found_code):
    async def server_info():
        name = await server_name(client)
        expect(name == "tools", f"serverInfo.name={name!r}")

    async def list_tools():
        tools = {t.name: t for t in (await client.list_tools()).tools}
        expect(set(tools) == {"add", "greet", "divide", "word_stats"}, f"tools={sorted(tools)}")
        expect(tools["add"].description == "Add two integers.", f"add.description={tools['add'].description!r}")
        expect(tools["word_stats"].output_schema is not None, "word_stats has no outputSchema")

    async def add():
        r = await client.call_tool("add", {"a": 2, "b": 3})
        expect(not r.is_error and only_text(r) == "5", f"result={r!r}")

    async def greet():
        r = await client.call_tool("greet", {"name": "Ada"})
        expect(not r.is_error and only_text(r) == "Hello, Ada!", f"result={r!r}")

    async def divide():
        r = await client.call_tool("divide", {"a": 6, "b": 3})
        expect(not r.is_error and float(only_text(r)) == 2.0, f"result={r!r}")

    async def divide_by_zero():
        r = await client.call_tool("divide", {"a": 1, "b": 0})
        expect(r.is_error is True and only_text(r) == "division by zero", f"result={r!r}")

    async def word_stats():
        text = "hello big world"
        r = await client.call_tool("word_stats", {"text": text})
        want = {"words": 3, "characters": len(text), "longest": "hello"}
        expect(not r.is_error, f"result={r!r}")
        expect(r.structured_content == want, f"structuredContent={r.structured_content!r}, expected {want}")
        expect(json.loads(only_text(r)) == want, f"text copy={only_text(r)!r}")

    async def word_stats_null():
        # `longest` is `None`: sent as null, which the output schema allows; the client validates it.
        r = await client.call_tool("word_stats", {"text": ""})
        want = {"words": 0, "characters": 0, "longest": None}
        expect(not r.is_error, f"result={r!r}")
        expect(r.structured_content == want, f"structuredContent={r.structured_content!r}, expected {want}")

    async def list_resources():
        res = {r.uri: r for r in (await client.list_resources()).resources}
        expect("config://app" in res, f"resources={sorted(res)}")
        expect(res["config://app"].mime_type == "application/json", f"mimeType={res['config://app'].mime_type!r}")

    async def list_templates():
        tpls = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
        expect("users://{id}/profile" in tpls, f"templates={tpls}")

    async def read_config():
        r = await client.read_resource("config://app")
        expect(len(r.contents) == 1, f"contents={r.contents!r}")
        c = r.contents[0]
        expect(c.uri == "config://app" and c.mime_type == "application/json", f"content={c!r}")
        expect(json.loads(c.text) == {"debug": True}, f"text={c.text!r}")

    async def read_template():
        r = await client.read_resource("users://1/profile")
        expect([c.text for c in r.contents] == ["User 1: Ada Lovelace"], f"contents={r.contents!r}")

    async def read_not_found():
        try:
            r = await client.read_resource("users://99/profile")
        except MCPError as e:
            expect(e.code == not_found_code, f"error code {e.code} ({e.message!r}), expected {not_found_code}")
            return
        raise AssertionError(f"expected JSON-RPC error {not_found_code}, got result {r!r}")

    async def list_prompts():
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        expect("summarise" in prompts, f"prompts={sorted(prompts)}")
        args = {a.name: bool(a.required) for a in prompts["summarise"].arguments or []}
        expect(args == {"text": True, "style": False}, f"summarise arguments={args}")

    async def get_prompt():
        text = "MCP is a protocol for tools."
        r = await client.get_prompt("summarise", {"text": text})
        expect(len(r.messages) == 1 and r.messages[0].role == "user", f"messages={r.messages!r}")
        got = r.messages[0].content.text
        expect(got.startswith("Summarise the following") and text in got, f"text={got!r}")

    async def complete_prompt():
        r = await client.complete(PromptReference(type="ref/prompt", name="summarise"), {"name": "style", "value": "b"})
        expect(r.completion.values == ["brief", "bullet points"], f"values={r.completion.values!r}")

    async def complete_template():
        ref = ResourceTemplateReference(type="ref/resource", uri="users://{id}/profile")
        r = await client.complete(ref, {"name": "id", "value": ""})
        expect(r.completion.values == ["1", "2", "3"], f"values={r.completion.values!r}")

    async def listen():
        # Every list can change at run time, so list changes are honoured with the resource
        # subscription.
        async with client.listen(tools_list_changed=True, prompts_list_changed=True,
                                 resource_subscriptions=["config://app"]) as sub:
            honored = sub.honored
            expect(honored.resource_subscriptions == ["config://app"] and honored.tools_list_changed
                   and honored.prompts_list_changed, f"honored={honored!r}")

    checks = [
        ("tools serverInfo", server_info), ("tools/list", list_tools), ("call add", add), ("call greet", greet),
        ("call divide", divide), ("call divide by zero", divide_by_zero), ("call word_stats", word_stats),
        ("call word_stats with a null field", word_stats_null),
        ("resources/list", list_resources), ("resources/templates/list", list_templates),
        ("read config://app", read_config), ("read users://1/profile", read_template),
        ("read users://99/profile not found", read_not_found), ("prompts/list", list_prompts),
        ("prompts/get summarise", get_prompt), ("complete prompt style", complete_prompt),
        ("complete template id", complete_template),
    ]
    if not_found_code == -32602:  # the 2026-07-28 eras
        checks.append(("subscriptions/listen config://app", listen))
    for name, fn in checks:
        await check(era, name, fn)


async def math_scenario(era, client, pinned):
    async def server_info():
        name = await server_name(client)
        expect(name == "math", f"serverInfo.name={name!r}")

    async def list_tools():
        names = [t.name for t in (await client.list_tools()).tools]
        expect(names == ["multiply"], f"tools={names}")

    async def capabilities():
        caps = client.server_capabilities
        expect(caps.tools is not None and caps.resources is None and caps.prompts is None, f"capabilities={caps!r}")

    async def multiply():
        r = await client.call_tool("multiply", {"a": 6, "b": 7})
        expect(not r.is_error and only_text(r) == "42", f"result={r!r}")

    checks = [("math serverInfo", server_info), ("math tools/list", list_tools), ("call multiply", multiply)]
    if not pinned:  # a pinned mode synthesizes the DiscoverResult, so there are no server capabilities to check
        checks.insert(2, ("math capabilities", capabilities))
    for name, fn in checks:
        await check(era, name, fn)


async def answer_elicitation(context, params):
    """The user accepts, answering the conformance example's `response` field."""
    return ElicitResult(action="accept", content={"response": f"yes to {params.message}"})


async def conformance_scenario(era, url):
    """The conformance example: a tool that reports progress and one that elicits input."""
    mode, version, _ = era_of(era)
    client = Client(url, mode=mode, read_timeout_seconds=CHECK_TIMEOUT, elicitation_callback=answer_elicitation)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await client.__aenter__()
    except Exception as e:  # noqa: BLE001
        report(era, f"connect {where(url)}", f"{type(e).__name__}: {e}".replace("\n", " | "))
        return

    async def progress():
        seen = []

        async def on_progress(value, total, message):
            seen.append((value, total, message))

        r = await client.call_tool("test_tool_with_progress", {}, progress_callback=on_progress)
        expect(not r.is_error and only_text(r) == "Progress test completed", f"result={r!r}")
        expect([p[0] for p in seen] == [0, 50, 100] and all(p[1] == 100 for p in seen), f"progress={seen}")

    async def elicitation():
        r = await client.call_tool("test_elicitation", {"message": "Proceed?"})
        text = only_text(r)
        expect(not r.is_error and "action=Accept" in text and "yes to Proceed?" in text, f"result={r!r}")

    async def reconnection():
        # In a 2025-11-25 session the tool closes its stream first: the client reconnects with
        # Last-Event-ID to get the result. Elsewhere it simply answers.
        r = await client.call_tool("test_reconnection", {})
        expect(not r.is_error and only_text(r) == "Reconnection test completed successfully", f"result={r!r}")

    try:
        for name, fn in [("conformance progress tool", progress), ("conformance elicitation tool", elicitation),
                         ("conformance reconnection tool", reconnection)]:
            await check(era, name, fn)
    finally:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                await client.__aexit__(None, None, None)
        except Exception as e:  # noqa: BLE001
            report(era, "close conformance", f"{type(e).__name__}: {e}")


async def run_era(era, base):
    """The quickstart's two servers, over HTTP at `base`, or over stdio when `base` is a binary (stdio eras)."""
    mode, version, not_found = era_of(era)
    for path, scenario in [("/mcp/tools", lambda c: tools_scenario(era, c, not_found)),
                           ("/mcp/math", lambda c: math_scenario(era, c, mode == version))]:
        target = stdio_target(base, path.rsplit("/", 1)[1]) if "/stdio" in era else base + path
        client = await connect(era, mode, target, version)
        if client is None:
            continue
        try:
            await scenario(client)
        finally:
            try:
                async with asyncio.timeout(CHECK_TIMEOUT):
                    await client.__aexit__(None, None, None)
            except Exception as e:  # noqa: BLE001
                report(era, f"close {path}", f"{type(e).__name__}: {e}")


async def main(base, conformance):
    for era in ERAS:
        await run_era(era, base.rstrip("/"))
        if conformance:
            await conformance_scenario(era, conformance)
    stdio_bin, stdio_conformance = os.environ.get("E2E_STDIO_BIN"), os.environ.get("E2E_STDIO_CONFORMANCE_BIN")
    for era in ERAS:
        label = era.replace("py/", "py/stdio/")
        if stdio_bin:
            await run_era(label, stdio_bin)
        if stdio_conformance:
            await conformance_scenario(label, stdio_target(stdio_conformance))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    try:
        asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None))
    except BaseException:
        traceback.print_exc()
        sys.exit(2)
    sys.exit(1 if failures else 0)
