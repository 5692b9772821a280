#!/usr/bin/env python3
"""End-to-end scenario for the flama-parity example (examples/flama-parity), driven by the official Python SDK
client (mcp==2.3.0), over HTTP, in both eras that have tasks.

Usage: flama_python.py [FLAMA_BASE]
  FLAMA_BASE  the flama-parity server, e.g. http://127.0.0.1:8002 (its servers: /mcp/tools and /mcp/math);
              when absent, the FLAMA_BASE environment variable

Eras:
  py/2025-11-25/http  `Client(mode="legacy")`: initialize offers 2025-11-25 (a session). Tasks are 2025-11-25's
                      experimental ones: the task-creating tools/call carries params.task and goes through the
                      dispatcher's raw send (the session validates a 2025-11-25 tools/call answer as a
                      CallToolResult before the requested result type); tasks/get|result|cancel through
                      `session.send_request` with the SDK's own Task* models. confirm's question arrives as an
                      elicitation/create on the tasks/result SSE stream, answered by `elicitation_callback`.
                      notifications/tools/list_changed arrives on the session's standalone GET stream (the SDK
                      opens it after `notifications/initialized`) and reaches `message_handler`.
  py/2026-07-28/http  `Client(mode="auto", extensions=[Tasks()])`, which must land on 2026-07-28 (server/discover),
                      with the io.modelcontextprotocol/tasks extension written with the SDK's generic extension API
                      (ClientExtension + ResultClaim on `resultType: "task"`, as in tasks_python.py): tasks/get,
                      tasks/update, tasks/cancel; confirm's inputRequests are answered through the client's
                      `elicitation_callback` (session.dispatch_input_request). The list change is observed with
                      `client.listen(tools_list_changed=True)` (subscriptions/listen), opened before registering.
Items driven in each era: tools/list (the six tools on /mcp/tools, multiply on /mcp/math), add, greet, with_ui
(structuredContent), multiply, resources/read config://app, prompts/get summarise, square as a task polled to
completion (with its progress as the task's statusMessage), square as a task cancelled, confirm as a task with its
elicitation answered, register_tool with the list change observed and the new tool listed and called.
Every check prints `PASS <era> flama: <name>` or `FAIL <era> flama: <name>: <detail>`.
Exit status: 0 when every check passed, 1 otherwise.
"""

import asyncio
import json
import os
import secrets
import sys
import time
import traceback
from typing import Any, Literal

import mcp_types as types
from mcp import Client
from mcp.client import ClaimContext, ClientExtension, ClientRequestContext, ResultClaim
from mcp.client.session import ClientSession
from mcp.shared.exceptions import MCPError

CHECK_TIMEOUT = 15  # seconds, per check (connect included)
CANCEL_WINDOW = 5  # seconds within which a cancelled task must read `cancelled`
LIST_CHANGED_WINDOW = 5  # seconds within which notifications/tools/list_changed must arrive
TASK_TTL_MS = 60_000
FAST_POLL = 0.15  # seconds between our own tasks/get polls, to see the progress statusMessages
SQUARE_DELAY_MS = 300  # per step; 5 steps
TASKS = "io.modelcontextprotocol/tasks"
RELATED_TASK = "io.modelcontextprotocol/related-task"
TERMINAL = {"completed", "failed", "cancelled"}
V2025 = "2025-11-25"
V2026 = "2026-07-28"
TOOLS = {"add", "greet", "square", "confirm", "with_ui", "register_tool"}
RUN = secrets.token_hex(3)  # registered tool names are unique per run

failures = 0


def report(era, name, error=None):
    global failures
    if error is None:
        print(f"PASS {era} flama: {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL {era} flama: {name}: {error}", flush=True)


def describe(e):
    """An exception as one line; an exception group by its first leaf (the transport's task groups wrap them)."""
    while isinstance(e, BaseExceptionGroup) and e.exceptions:
        e = e.exceptions[0]
    if isinstance(e, MCPError):
        return f"MCPError code={e.code} message={e.message!r} data={e.data!r}"
    return f"{type(e).__name__}: {e}".replace("\n", " | ")


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
    except Exception as e:  # noqa: BLE001 - any crash of one check is reported, the run goes on
        report(era, name, describe(e))


def expect(cond, detail):
    if not cond:
        raise AssertionError(detail)


async def within(seconds, awaitable, what):
    """`awaitable`'s value, or an AssertionError `<what> within <seconds>s` (not the check's own timeout)."""
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError:
        raise AssertionError(f"{what} within {seconds}s") from None


def only_text(result):
    """The single text block of a tool result (a CallToolResult model)."""
    blocks = [c for c in result.content if c.type == "text"]
    expect(len(blocks) == 1, f"expected one text block, got {result.content!r}")
    return blocks[0].text


class Elicitations:
    """The client's elicitation callback: accepts with {confirm: true} and records what it was asked."""

    def __init__(self):
        self.seen = []  # (message, related-task _meta or None, requested schema)

    async def __call__(self, context: ClientRequestContext, params: types.ElicitRequestParams) -> types.ElicitResult:
        related = (params.meta or {}).get(RELATED_TASK)
        schema = getattr(params, "requested_schema", None)
        self.seen.append((params.message, related, schema))
        return types.ElicitResult(action="accept", content={"confirm": True})


class ListChanged:
    """The client's message_handler: records notifications/tools/list_changed (2025: on the session GET stream)."""

    def __init__(self):
        self.count = 0
        self.event = asyncio.Event()

    async def __call__(self, message):
        if getattr(message, "method", None) == "notifications/tools/list_changed":
            self.count += 1
            self.event.set()


async def open_client(era, name, **kwargs):
    """An entered Client, or None after reporting the failure as the check `name`."""
    client = Client(read_timeout_seconds=CHECK_TIMEOUT, **kwargs)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await client.__aenter__()
    except Exception as e:  # noqa: BLE001
        report(era, name, describe(e))
        return None
    return client


async def close_client(era, client, what):
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await client.__aexit__(None, None, None)
    except Exception as e:  # noqa: BLE001
        report(era, f"close {what}", describe(e))


def progress_verdict(polls, what):
    """polls: [(ms since creation, status, statusMessage)]. The square task reports its 5 steps (one every
    SQUARE_DELAY_MS) as statusMessage "k/5: squaring"; a FAIL only when we polled it while working after its
    first step and never saw one (a task that finished too fast to be seen is no failure)."""
    messages = [m for _, s, m in polls if m and "/5" in m]
    late_working = [ms for ms, s, _ in polls if s == "working" and ms >= SQUARE_DELAY_MS + 150]
    expect(messages or not late_working,
           f"{what}: no statusMessage containing '/5' while polling; polls (ms, status, statusMessage) {polls}")
    return messages


# --- scenarios common to both eras --------------------------------------------------------------------------------


def plain_checks(client):
    """tools/list, add, greet, with_ui, config://app, summarise: the same SDK calls in both eras."""

    async def capabilities():
        caps = client.server_capabilities
        expect(caps.tools is not None and caps.tools.list_changed is True,
               f"capabilities.tools={caps.tools!r}, expected listChanged true")

    async def list_tools():
        tools = {t.name: t for t in (await client.list_tools()).tools}
        missing = TOOLS - set(tools)
        expect(not missing, f"tools/list lacks {sorted(missing)}; listed {sorted(tools)}")
        # Tools registered by earlier runs (register_tool) answer "...": nothing else may be listed.
        extra = [n for n in set(tools) - TOOLS if not (tools[n].description or "").startswith("Answers ")]
        expect(not extra, f"tools/list has unexpected tools {sorted(extra)}")
        expect(tools["add"].description == "Add two integers.", f"add.description={tools['add'].description!r}")
        expect(tools["with_ui"].output_schema is not None and
               set((tools["with_ui"].output_schema.get("properties") or {})) == {"title", "lines"},
               f"with_ui.outputSchema={tools['with_ui'].output_schema!r}")
        if client.protocol_version == V2025:  # the 2026 Tool has no `execution`
            support = {n: tools[n].execution.task_support if tools[n].execution else None
                       for n in ("square", "confirm", "add")}
            want = {"square": "optional", "confirm": "optional", "add": None}
            expect(support == want, f"execution.taskSupport={support}, expected {want}")

    async def add():
        r = await client.call_tool("add", {"a": 2, "b": 3})
        expect(not r.is_error and only_text(r) == "5", f"result={r!r}")

    async def greet():
        r = await client.call_tool("greet", {"name": "Ada"})
        expect(not r.is_error and only_text(r) == "Hello, Ada!", f"result={r!r}")

    async def with_ui():
        r = await client.call_tool("with_ui", {"topic": "MCP"})
        want = {"title": "MCP", "lines": ["About MCP", "Made with the flama-parity demo"]}
        expect(not r.is_error, f"result={r!r}")
        expect(r.structured_content == want, f"structuredContent={r.structured_content!r}, expected {want}")

    async def list_resources():
        res = {r.uri: r for r in (await client.list_resources()).resources}
        expect("config://app" in res and res["config://app"].mime_type == "application/json", f"resources={res!r}")

    async def read_config():
        r = await client.read_resource("config://app")
        expect(len(r.contents) == 1, f"contents={r.contents!r}")
        c = r.contents[0]
        expect(c.uri == "config://app" and c.mime_type == "application/json", f"content={c!r}")
        expect(json.loads(c.text) == {"debug": True, "name": "flama-parity"}, f"text={c.text!r}")

    async def list_prompts():
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        expect("summarise" in prompts, f"prompts={sorted(prompts)}")
        args = {a.name: bool(a.required) for a in prompts["summarise"].arguments or []}
        expect(args == {"text": True}, f"summarise arguments={args}")

    async def get_prompt():
        text = "MCP is a protocol for tools."
        r = await client.get_prompt("summarise", {"text": text})
        expect(len(r.messages) == 1 and r.messages[0].role == "user", f"messages={r.messages!r}")
        got = r.messages[0].content.text
        expect(got == f"Summarise the following:\n\n{text}", f"text={got!r}")

    return [
        ("capabilities.tools.listChanged", capabilities), ("tools/list", list_tools), ("call add", add),
        ("call greet", greet), ("call with_ui structuredContent", with_ui), ("resources/list", list_resources),
        ("read config://app", read_config), ("prompts/list", list_prompts), ("prompts/get summarise", get_prompt),
    ]


async def math_scenario(era, url, **kwargs):
    client = await open_client(era, "connect /mcp/math", server=url, **kwargs)
    if client is None:
        return

    async def list_tools():
        names = [t.name for t in (await client.list_tools()).tools]
        expect(names == ["multiply"], f"tools={names}")

    async def multiply():
        r = await client.call_tool("multiply", {"a": 6, "b": 7})
        expect(not r.is_error and only_text(r) == "42", f"result={r!r}")

    try:
        for name, fn in [("math tools/list", list_tools), ("call multiply", multiply)]:
            await check(era, name, fn)
    finally:
        await close_client(era, client, "/mcp/math")


async def registered_tool(client, name):
    """The tool `name` registered: listed, and answering "pong"."""
    tools = {t.name: t for t in (await client.list_tools()).tools}
    expect(name in tools, f"tools/list after the change lacks {name!r}: {sorted(tools)}")
    r = await client.call_tool(name, {})
    expect(not r.is_error and only_text(r) == "pong", f"call {name}: result={r!r}")


# --- 2025-11-25: a session with experimental tasks ----------------------------------------------------------------


async def call_tool_as_task(client, name, arguments, ttl=TASK_TTL_MS) -> types.Task:
    """tools/call with params.task; the CreateTaskResult answer, through the raw send (see the module docstring)."""
    raw = await client.session._dispatcher.send_raw_request(
        "tools/call",
        {"name": name, "arguments": arguments, "task": {"ttl": ttl}},
        {"headers": {"mcp-protocol-version": client.protocol_version}, "timeout": CHECK_TIMEOUT},
    )
    return types.CreateTaskResult.model_validate(raw, by_name=False).task


async def get_task_2025(client, task_id) -> types.GetTaskResult:
    return await client.session.send_request(
        types.GetTaskRequest(params=types.GetTaskRequestParams(task_id=task_id)), types.GetTaskResult
    )


async def task_result(client, task_id) -> types.CallToolResult:
    """tasks/result: blocks until the task is over; the task's questions arrive on its SSE stream."""
    return await client.session.send_request(
        types.GetTaskPayloadRequest(params=types.GetTaskPayloadRequestParams(task_id=task_id)),
        types.CallToolResult,
        request_read_timeout_seconds=CHECK_TIMEOUT,
    )


async def cancel_task_2025(client, task_id) -> types.CancelTaskResult:
    return await client.session.send_request(
        types.CancelTaskRequest(params=types.CancelTaskRequestParams(task_id=task_id)), types.CancelTaskResult
    )


async def poll_2025(client, task_id, until, interval=None):
    """Polls tasks/get until the status is in `until`; returns (task, [(ms, status, statusMessage)])."""
    polls, start = [], time.monotonic()
    while True:
        t = await get_task_2025(client, task_id)
        polls.append((round((time.monotonic() - start) * 1000), t.status, t.status_message))
        if t.status in until:
            return t, polls
        expect(t.status not in TERMINAL, f"task {task_id} ended {t.status!r} (polls {polls}), expected {until}")
        await asyncio.sleep(interval or (t.poll_interval or 500) / 1000)


async def run_2025(base):
    era = f"py/{V2025}/http"
    elicitations, changed = Elicitations(), ListChanged()
    client = await open_client(era, "connect /mcp/tools", server=base + "/mcp/tools", mode="legacy",
                               elicitation_callback=elicitations, message_handler=changed)
    if client is None:
        return

    async def negotiated():
        expect(client.protocol_version == V2025, f"negotiated {client.protocol_version!r}, expected {V2025!r}")
        caps = client.server_capabilities.tasks
        got = caps.model_dump(by_alias=True, mode="json", exclude_none=True) if caps is not None else None
        want = {"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}}
        expect(got == want, f"initialize capabilities.tasks={got!r}, expected {want!r}")

    async def square():
        t = await call_tool_as_task(client, "square", {"n": 7, "delay_ms": SQUARE_DELAY_MS})
        expect(t.status == "working" and t.ttl == TASK_TTL_MS, f"created task={t!r}, expected working, ttl {TASK_TTL_MS}")
        done, polls = await poll_2025(client, t.task_id, {"completed"}, FAST_POLL)
        progress_verdict(polls, "square task")
        r = await task_result(client, t.task_id)
        expect(not r.is_error and only_text(r) == "7 squared is 49", f"tasks/result={r!r} (polls {polls})")
        related = ((r.meta or {}).get(RELATED_TASK) or {}).get("taskId")
        expect(related == t.task_id, f"tasks/result _meta={r.meta!r}, expected {RELATED_TASK} {t.task_id}")

    async def cancel():
        t = await call_tool_as_task(client, "square", {"n": 3, "delay_ms": 60_000})
        c = await cancel_task_2025(client, t.task_id)
        expect(c.task_id == t.task_id and c.status == "cancelled", f"tasks/cancel answered {c!r}, expected cancelled")
        await within(CANCEL_WINDOW, poll_2025(client, t.task_id, {"cancelled"}), "not cancelled")

    async def confirm():
        before = len(elicitations.seen)
        t = await call_tool_as_task(client, "confirm", {"action": "deploy"})
        _, polls = await poll_2025(client, t.task_id, {"input_required"})
        r = await task_result(client, t.task_id)  # the elicitation/create comes on this stream
        asked = elicitations.seen[before:]
        expect(len(asked) == 1, f"elicitation callback called {len(asked)} times: {asked!r} (polls {polls})")
        message, related, schema = asked[0]
        expect(message == "Really deploy?", f"elicitation message={message!r}")
        expect((related or {}).get("taskId") == t.task_id, f"elicitation _meta {RELATED_TASK}={related!r}, expected {t.task_id}")
        expect(schema is not None and "confirm" in (schema.get("properties") or {}), f"requestedSchema={schema!r}")
        expect(not r.is_error and only_text(r) == "done: deploy", f"tasks/result={r!r}")
        after = await get_task_2025(client, t.task_id)
        expect(after.status == "completed", f"tasks/get after the result: status {after.status!r}")

    async def plain_square():
        r = await client.call_tool("square", {"n": 4, "delay_ms": 0})
        expect(not r.is_error and only_text(r) == "4 squared is 16", f"result={r!r}")

    name = f"ping_py_2025_{RUN}"

    async def register():
        changed.event.clear()
        r = await client.call_tool("register_tool", {"name": name, "reply": "pong"})
        expect(not r.is_error and only_text(r) == f"registered `{name}`", f"result={r!r}")
        await within(LIST_CHANGED_WINDOW, changed.event.wait(),
                     "no notifications/tools/list_changed on the session's GET stream")
        await registered_tool(client, name)

    try:
        await check(era, "initialize 2025-11-25 capabilities.tasks", negotiated)
        for label, fn in plain_checks(client):
            await check(era, label, fn)
        for label, fn in [
            ("square task polled to completion", square),
            ("square task cancelled", cancel),
            ("confirm task elicitation answered on the tasks/result stream", confirm),
            ("square without a task returns its result", plain_square),
            ("register_tool: list_changed on the GET stream, new tool listed and called", register),
        ]:
            await check(era, label, fn)
    finally:
        await close_client(era, client, "/mcp/tools")
    await math_scenario(era, base + "/mcp/math", mode="legacy")


# --- 2026-07-28: the io.modelcontextprotocol/tasks extension ------------------------------------------------------


from task_wire import Ack, CancelTask, DetailedTask, GetTask, TaskCreated, TaskIdParams, UpdateParams, UpdateTask


# task id -> what the resolver did: statuses seen, inputRequests keys answered with tasks/update
TRACE: dict[str, dict[str, list]] = {}


async def get_task_2026(session: ClientSession, task_id: str) -> DetailedTask:
    return await session.send_request(GetTask(params=TaskIdParams(task_id=task_id)), DetailedTask)


async def poll_2026(session: ClientSession, task_id: str, until, poll_ms=None, answer=False, interval=None):
    """Polls tasks/get until the status is in `until`; with `answer`, fulfils inputRequests via tasks/update.
    Returns (task, [(ms, status, statusMessage)])."""
    trace = TRACE.setdefault(task_id, {"statuses": [], "answered": []})
    polls, start = [], time.monotonic()
    while True:
        t = await get_task_2026(session, task_id)
        trace["statuses"].append(t.status)
        polls.append((round((time.monotonic() - start) * 1000), t.status, t.status_message))
        if t.status in until:
            return t, polls
        expect(t.status not in TERMINAL, f"task {task_id} ended {t.status!r} (polls {polls}), expected {until}; "
               f"error={t.error!r}")
        if answer and t.status == "input_required" and t.input_requests:
            responses = {}
            for key, req in t.input_requests.items():
                if key in trace["answered"]:
                    continue
                ctx = ClientRequestContext(session=session, request_id=key)
                out = await session.dispatch_input_request(ctx, req)  # -> the client's elicitation_callback
                responses[key] = out.model_dump(by_alias=True, mode="json", exclude_none=True)
                trace["answered"].append(key)
            if responses:
                await session.send_request(UpdateTask(params=UpdateParams(task_id=task_id, input_responses=responses)), Ack)
                continue
        await asyncio.sleep(interval or (t.poll_interval_ms or poll_ms or 500) / 1000)


async def resolve(created: TaskCreated, ctx: ClaimContext) -> types.CallToolResult:
    """The claim's resolver: drives the task to its end; its result, or an exception when it failed/was cancelled."""
    t, _ = await poll_2026(ctx.session, created.task_id, TERMINAL, created.poll_interval_ms, answer=True)
    if t.status != "completed":
        raise RuntimeError(f"task {created.task_id} {t.status}: {t.error!r}")
    return types.CallToolResult.model_validate(t.result, by_name=False)


class Tasks(ClientExtension):
    identifier = TASKS  # advertised in every request's _meta clientCapabilities.extensions

    def claims(self):
        return [ResultClaim(result_type="task", model=TaskCreated, resolve=resolve)]


async def run_2026(base):
    era = f"py/{V2026}/http"
    elicitations = Elicitations()
    client = await open_client(era, "connect /mcp/tools", server=base + "/mcp/tools", mode="auto",
                               extensions=[Tasks()], elicitation_callback=elicitations)
    if client is None:
        return
    session = client.session

    async def create(name, arguments):
        """tools/call kept as a task handle (allow_claimed)."""
        created = await session.call_tool(name, arguments, allow_claimed=True)
        expect(isinstance(created, TaskCreated), f"tools/call {name} answered {created!r}, expected resultType task")
        return created

    async def negotiated():
        expect(client.protocol_version == V2026, f"negotiated {client.protocol_version!r}, expected {V2026!r}")
        extensions = client.server_capabilities.extensions or {}  # from the connect-time server/discover
        expect(TASKS in extensions, f"server/discover capabilities.extensions={extensions!r}, expected {TASKS}")

    async def square():
        created = await create("square", {"n": 7, "delay_ms": SQUARE_DELAY_MS})
        expect(created.status == "working", f"created task={created!r}, expected status working")
        t, polls = await poll_2026(session, created.task_id, {"completed"}, interval=FAST_POLL)
        progress_verdict(polls, "square task")
        r = types.CallToolResult.model_validate(t.result, by_name=False)
        expect(not r.is_error and only_text(r) == "7 squared is 49", f"tasks/get result={t.result!r} (polls {polls})")

    async def cancel():
        created = await create("square", {"n": 3, "delay_ms": 60_000})
        await session.send_request(CancelTask(params=TaskIdParams(task_id=created.task_id)), Ack)
        await within(CANCEL_WINDOW, poll_2026(session, created.task_id, {"cancelled"}, created.poll_interval_ms),
                     "not cancelled")

    async def confirm():
        before, known = len(elicitations.seen), set(TRACE)
        r = await client.call_tool("confirm", {"action": "deploy"})  # the claim resolves it
        traces = [v for k, v in TRACE.items() if k not in known]
        expect(len(traces) == 1, f"expected one task resolved by the claim, got {traces!r} (result {r!r})")
        trace = traces[0]
        expect("input_required" in trace["statuses"] and trace["answered"] == ["confirm"],
               f"tasks/get statuses {trace['statuses']}, answered with tasks/update {trace['answered']}, "
               "expected input_required with inputRequests key 'confirm'")
        asked = elicitations.seen[before:]
        expect(len(asked) == 1 and asked[0][0] == "Really deploy?", f"elicitation callback saw {asked!r}")
        schema = asked[0][2]
        expect(schema is not None and "confirm" in (schema.get("properties") or {}), f"requestedSchema={schema!r}")
        expect(not r.is_error and only_text(r) == "done: deploy", f"result={r!r}")

    name = f"ping_py_2026_{RUN}"

    async def register():
        async with client.listen(tools_list_changed=True) as sub:
            expect(sub.honored.tools_list_changed is True,
                   f"notifications/subscriptions/acknowledged honored {sub.honored!r}, expected toolsListChanged true")
            r = await client.call_tool("register_tool", {"name": name, "reply": "pong"})
            expect(not r.is_error and only_text(r) == f"registered `{name}`", f"result={r!r}")
            event = await within(LIST_CHANGED_WINDOW, sub.__anext__(),
                                 "no notifications/tools/list_changed on the subscriptions/listen stream")
            expect(type(event).__name__ == "ToolsListChanged", f"listen event {event!r}, expected ToolsListChanged")
        await registered_tool(client, name)

    async def plain_square():
        # Without the extension declared, the server must not answer with a task.
        plain = await open_client(era, "square without a task returns its result (connect)",
                                  server=base + "/mcp/tools", mode="auto")
        if plain is None:
            raise AssertionError("could not connect a client without the extension")
        try:
            r = await plain.call_tool("square", {"n": 4, "delay_ms": 0})
            expect(not r.is_error and only_text(r) == "4 squared is 16", f"result={r!r}")
        finally:
            await close_client(era, plain, "plain client")

    try:
        await check(era, "server/discover 2026-07-28 capabilities.extensions", negotiated)
        for label, fn in plain_checks(client):
            await check(era, label, fn)
        for label, fn in [
            ("square task polled to completion", square),
            ("square task cancelled", cancel),
            ("confirm task inputRequests answered with tasks/update", confirm),
            ("square without a task returns its result", plain_square),
            ("register_tool: list_changed on subscriptions/listen, new tool listed and called", register),
        ]:
            await check(era, label, fn)
    finally:
        await close_client(era, client, "/mcp/tools")
    await math_scenario(era, base + "/mcp/math", mode="auto", extensions=[Tasks()])


async def main(base):
    await run_2025(base)
    await run_2026(base)


if __name__ == "__main__":
    if len(sys.argv) > 2 or (len(sys.argv) == 1 and not os.environ.get("FLAMA_BASE")):
        sys.exit(__doc__)
    base = (sys.argv[1] if len(sys.argv) == 2 else os.environ["FLAMA_BASE"]).rstrip("/")
    try:
        asyncio.run(main(base))
    except BaseException:
        traceback.print_exc()
        sys.exit(2)
    sys.exit(1 if failures else 0)
