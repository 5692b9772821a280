#!/usr/bin/env python3
"""End-to-end tasks scenario for the conformance example, driven by the official Python SDK client (mcp==2.3.0).

Usage: tasks_python.py BASE_URL CONFORMANCE_URL
  BASE_URL         the quickstart server (unused here; taken for the same command line as the other clients)
  CONFORMANCE_URL  the conformance example's endpoint (e.g. http://127.0.0.1:8001/mcp), whose task tools
                   (examples/conformance/src/tasks.rs) are driven over HTTP in both eras that have tasks

Eras:
  py/2025-11-25/http  `Client(mode="legacy")`: initialize offers 2025-11-25, whose experimental tasks are
                      `capabilities.tasks`, `execution.taskSupport`, `params.task`, `tasks/get|result|list|cancel`.
                      The SDK has no task API (mcp_types: "Defined here types-only"), so tasks/* go through
                      `session.send_request` with the SDK's own Task* models. The task-creating tools/call cannot:
                      the session validates a 2025-11-25 tools/call answer as a CallToolResult (content required)
                      before the requested result type, so it is sent with the dispatcher's raw send
                      (`session._dispatcher.send_raw_request`, private) and parsed as a CreateTaskResult.
                      A task's question arrives as an `elicitation/create` on the tasks/result SSE stream and is
                      answered by the client's `elicitation_callback`.
  py/2026-07-28/http  `Client(mode="auto", extensions=[Tasks()])`, which must land on 2026-07-28 (its server/discover
                      probe is what reports the server's capabilities; a pinned mode synthesizes them), with the
                      io.modelcontextprotocol/tasks extension written with the SDK's generic extension API
                      (ClientExtension + ResultClaim on `resultType: "task"`; the SDK ships no tasks extension). `client.call_tool` resolves a claimed
                      task by polling tasks/get and answering its inputRequests through the client's callbacks
                      (`session.dispatch_input_request` -> `elicitation_callback`) with tasks/update;
                      `client.session.call_tool(..., allow_claimed=True)` keeps the task handle.
Every check prints `PASS <era> tasks: <name>` or `FAIL <era> tasks: <name>: <detail>`.
Exit status: 0 when every check passed, 1 otherwise.
"""

import asyncio
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
TASK_TTL_MS = 60_000
TASKS = "io.modelcontextprotocol/tasks"
RELATED_TASK = "io.modelcontextprotocol/related-task"
TERMINAL = {"completed", "failed", "cancelled"}
V2025 = "2025-11-25"
V2026 = "2026-07-28"

failures = 0


def report(era, name, error=None):
    global failures
    if error is None:
        print(f"PASS {era} tasks: {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL {era} tasks: {name}: {error}", flush=True)


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
        report(era, name, describe(e))


def describe(e):
    """An exception as one line; an exception group by its first leaf (the transport's task groups wrap them)."""
    while isinstance(e, BaseExceptionGroup) and e.exceptions:
        e = e.exceptions[0]
    return f"{type(e).__name__}: {e}".replace("\n", " | ")


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


# --- 2025-11-25: experimental tasks in a session -----------------------------------------------------------------


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


async def list_all_tasks(client) -> list[types.Task]:
    tasks, cursor = [], None
    for _ in range(100):
        page = await client.session.send_request(
            types.ListTasksRequest(params=types.PaginatedRequestParams(cursor=cursor)), types.ListTasksResult
        )
        tasks += page.tasks
        cursor = page.next_cursor
        if not cursor:
            return tasks
    raise AssertionError("tasks/list: more than 100 pages")


async def poll_2025(client, task_id, until):
    """Polls tasks/get (at the task's pollInterval) until its status is in `until`; returns (task, statuses seen)."""
    seen = []
    while True:
        t = await get_task_2025(client, task_id)
        seen.append(t.status)
        if t.status in until:
            return t, seen
        expect(t.status not in TERMINAL, f"task {task_id} ended {t.status!r} (statuses {seen}), expected {until}")
        await asyncio.sleep((t.poll_interval or 500) / 1000)


def related_task_of(meta):
    return ((meta or {}).get(RELATED_TASK) or {}).get("taskId")


async def run_2025(url):
    era = f"py/{V2025}/http"
    elicitations = Elicitations()
    client = await open_client(era, "connect", server=url, mode="legacy", elicitation_callback=elicitations)
    if client is None:
        return
    created = {}  # task id -> the status it must end in (for tasks/list)
    failing = {}  # failing_job's terminal task, shared by two checks

    async def advertised():
        expect(client.protocol_version == V2025, f"negotiated {client.protocol_version!r}, expected {V2025!r}")
        caps = client.server_capabilities.tasks
        got = caps.model_dump(by_alias=True, mode="json", exclude_none=True) if caps is not None else None
        want = {"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}}
        expect(got == want, f"initialize capabilities.tasks={got!r}, expected {want!r}")
        tools = {t.name: t for t in (await client.list_tools()).tools}
        support = {n: (tools[n].execution.task_support if n in tools and tools[n].execution else None)
                   for n in ("slow_compute", "failing_job", "greet")}
        want = {"slow_compute": "optional", "failing_job": "required", "greet": None}
        expect(support == want, f"tools/list execution.taskSupport={support}, expected {want}")

    async def slow_compute():
        start = time.monotonic()
        t = await call_tool_as_task(client, "slow_compute", {"seconds": 1})
        elapsed = time.monotonic() - start
        created[t.task_id] = "completed"
        expect(elapsed < 1.0, f"CreateTaskResult took {elapsed:.2f}s: the call waited for the 1 s tool")
        expect(t.status == "working" and t.ttl == TASK_TTL_MS, f"created task={t!r}, expected working with ttl {TASK_TTL_MS}")
        done, seen = await poll_2025(client, t.task_id, {"completed"})
        r = await task_result(client, t.task_id)
        expect(not r.is_error and "done after 1" in only_text(r), f"tasks/result={r!r} (statuses {seen})")
        expect(related_task_of(r.meta) == t.task_id, f"tasks/result _meta={r.meta!r}, expected {RELATED_TASK} {t.task_id}")

    async def cancel():
        t = await call_tool_as_task(client, "slow_compute", {"seconds": 60})
        created[t.task_id] = "cancelled"
        c = await cancel_task_2025(client, t.task_id)
        expect(c.task_id == t.task_id and c.status == "cancelled", f"tasks/cancel answered {c!r}, expected status cancelled")
        await within(CANCEL_WINDOW, poll_2025(client, t.task_id, {"cancelled"}), "not cancelled")

    async def confirm_delete():
        before = len(elicitations.seen)
        t = await call_tool_as_task(client, "confirm_delete", {"filename": "x.txt"})
        created[t.task_id] = "completed"
        # As the spec has it (and TS sdk 1.32.2's callToolStream relies on it): a waiting question shows
        # as input_required on tasks/get, then tasks/result carries it.
        _, seen = await poll_2025(client, t.task_id, {"input_required"})
        r = await task_result(client, t.task_id)
        asked = elicitations.seen[before:]
        expect(len(asked) == 1, f"elicitation callback called {len(asked)} times: {asked!r} (statuses {seen})")
        message, related, schema = asked[0]
        expect(message == "Delete x.txt?", f"elicitation message={message!r}")
        expect((related or {}).get("taskId") == t.task_id, f"elicitation _meta {RELATED_TASK}={related!r}, expected {t.task_id}")
        expect(schema is not None and "confirm" in (schema.get("properties") or {}), f"requestedSchema={schema!r}")
        expect(not r.is_error and only_text(r) == "Deleted x.txt", f"tasks/result={r!r}")
        after = await get_task_2025(client, t.task_id)
        expect(after.status == "completed", f"tasks/get after the result: status {after.status!r}")

    async def failing_job():
        t = await call_tool_as_task(client, "failing_job", {})
        done, seen = await poll_2025(client, t.task_id, TERMINAL)
        failing["task"] = done
        created[t.task_id] = done.status
        r = await task_result(client, t.task_id)
        expect(r.is_error is True and only_text(r) == "failing_job failed, as it always does",
               f"tasks/result={r!r}, expected isError true (statuses {seen})")

    async def failing_status():
        # 2025-11-25 basic/utilities/tasks "Task Status": `failed` "includes cases where the tool call result has
        # isError set to true"; "Task Execution Errors": "for tool calls specifically, when the tool result has
        # isError set to true" the task moves to failed (tasks/result still returns that CallToolResult).
        done = failing.get("task")
        expect(done is not None, "no terminal failing_job task (the previous check failed)")
        expect(done.status == "failed", f"tasks/get of failing_job (isError result) reports status {done.status!r}, "
               "expected 'failed' (2025-11-25 Task Execution Errors)")

    async def listed():
        tasks = {t.task_id: t.status for t in await list_all_tasks(client)}
        missing = [i for i in created if i not in tasks]
        expect(created and not missing, f"tasks/list lacks {missing} of {sorted(created)}; listed {tasks}")
        wrong = {i: (tasks[i], want) for i, want in created.items() if tasks[i] != want}
        expect(not wrong, f"tasks/list statuses (listed, expected): {wrong}")

    async def plain_call():
        r = await client.call_tool("slow_compute", {"seconds": 0})
        expect(not r.is_error and only_text(r) == "slow_compute job done after 0s", f"result={r!r}")

    try:
        for name, fn in [
            ("initialize capabilities.tasks and tools/list execution.taskSupport", advertised),
            ("slow_compute polled to completion", slow_compute),
            ("slow_compute cancelled", cancel),
            ("confirm_delete elicitation answered on the tasks/result stream", confirm_delete),
            ("failing_job result isError via tasks/result", failing_job),
            ("failing_job task status is failed", failing_status),
            ("tasks/list includes the created tasks", listed),
            ("slow_compute without a task returns its result", plain_call),
        ]:
            await check(era, name, fn)
    finally:
        await close_client(era, client, "client")


# --- 2026-07-28: the io.modelcontextprotocol/tasks extension ------------------------------------------------------


from task_wire import Ack, CancelTask, DetailedTask, GetTask, TaskCreated, TaskIdParams, UpdateParams, UpdateTask


# task id -> what the resolver did: statuses seen, inputRequests keys answered with tasks/update
TRACE: dict[str, dict[str, list]] = {}


async def get_task_2026(session: ClientSession, task_id: str) -> DetailedTask:
    return await session.send_request(GetTask(params=TaskIdParams(task_id=task_id)), DetailedTask)


async def poll_2026(session: ClientSession, task_id: str, until, poll_ms=None, answer=False) -> DetailedTask:
    """Polls tasks/get until the status is in `until`; with `answer`, fulfils inputRequests via tasks/update."""
    trace = TRACE.setdefault(task_id, {"statuses": [], "answered": []})
    while True:
        t = await get_task_2026(session, task_id)
        trace["statuses"].append(t.status)
        if t.status in until:
            return t
        expect(t.status not in TERMINAL, f"task {task_id} ended {t.status!r} (statuses {trace['statuses']}), "
               f"expected {until}; error={t.error!r}")
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
        await asyncio.sleep((t.poll_interval_ms or poll_ms or 500) / 1000)


async def resolve(created: TaskCreated, ctx: ClaimContext) -> types.CallToolResult:
    """The claim's resolver: drives the task to its end; its result, or an exception when it failed/was cancelled."""
    t = await poll_2026(ctx.session, created.task_id, TERMINAL, created.poll_interval_ms, answer=True)
    if t.status != "completed":
        raise RuntimeError(f"task {created.task_id} {t.status}: {t.error!r}")
    return types.CallToolResult.model_validate(t.result, by_name=False)


class Tasks(ClientExtension):
    identifier = TASKS  # advertised in every request's _meta clientCapabilities.extensions

    def claims(self):
        return [ResultClaim(result_type="task", model=TaskCreated, resolve=resolve)]


async def run_2026(url):
    era = f"py/{V2026}/http"
    elicitations = Elicitations()
    client = await open_client(era, "connect", server=url, mode="auto", extensions=[Tasks()],
                               elicitation_callback=elicitations)
    if client is None:
        return
    session = client.session

    async def create(name, arguments):
        """tools/call kept as a task handle (allow_claimed), with how long the answer took."""
        start = time.monotonic()
        created = await session.call_tool(name, arguments, allow_claimed=True)
        elapsed = time.monotonic() - start
        expect(isinstance(created, TaskCreated), f"tools/call {name} answered {created!r}, expected resultType task")
        return created, elapsed

    async def advertised():
        expect(client.protocol_version == V2026, f"negotiated {client.protocol_version!r}, expected {V2026!r}")
        extensions = client.server_capabilities.extensions or {}  # from the connect-time server/discover
        expect(TASKS in extensions, f"server/discover capabilities.extensions={extensions!r}, expected {TASKS}")

    async def slow_compute():
        created, elapsed = await create("slow_compute", {"seconds": 1})
        expect(elapsed < 1.0, f"CreateTaskResult took {elapsed:.2f}s: the call waited for the 1 s tool")
        expect(created.status == "working", f"created task={created!r}, expected status working")
        t = await poll_2026(session, created.task_id, {"completed"}, created.poll_interval_ms)
        r = types.CallToolResult.model_validate(t.result, by_name=False)
        expect(not r.is_error and "done after 1" in only_text(r), f"tasks/get result={t.result!r}")

    async def cancel():
        created, _ = await create("slow_compute", {"seconds": 60})
        await session.send_request(CancelTask(params=TaskIdParams(task_id=created.task_id)), Ack)
        await within(CANCEL_WINDOW, poll_2026(session, created.task_id, {"cancelled"}, created.poll_interval_ms),
                     "not cancelled")

    async def confirm_delete():
        before, known = len(elicitations.seen), set(TRACE)
        r = await client.call_tool("confirm_delete", {"filename": "x.txt"})  # the claim resolves it
        traces = [v for k, v in TRACE.items() if k not in known]
        expect(len(traces) == 1, f"expected one task resolved by the claim, got {traces!r} (result {r!r})")
        trace = traces[0]
        expect("input_required" in trace["statuses"] and trace["answered"] == ["confirm"],
               f"tasks/get statuses {trace['statuses']}, answered with tasks/update {trace['answered']}, "
               "expected input_required with inputRequests key 'confirm'")
        asked = elicitations.seen[before:]
        expect(len(asked) == 1 and asked[0][0] == "Delete x.txt?", f"elicitation callback saw {asked!r}")
        expect(not r.is_error and only_text(r) == "Deleted x.txt", f"result={r!r}")

    async def failing_job():
        created, _ = await create("failing_job", {})
        t = await poll_2026(session, created.task_id, TERMINAL, created.poll_interval_ms)
        expect(t.status == "completed", f"status {t.status!r} error={t.error!r}, expected completed (isError result)")
        r = types.CallToolResult.model_validate(t.result, by_name=False)
        expect(r.is_error is True and only_text(r) == "failing_job failed, as it always does", f"tasks/get result={t.result!r}")

    async def protocol_error_job():
        created, _ = await create("protocol_error_job", {})
        t = await poll_2026(session, created.task_id, TERMINAL, created.poll_interval_ms)
        expect(t.status == "failed", f"status {t.status!r} result={t.result!r}, expected failed")
        expect((t.error or {}).get("code") == -32603, f"tasks/get error={t.error!r}, expected code -32603")

    async def plain_call():
        # Without the extension declared, the server must not answer with a task.
        plain = await open_client(era, "slow_compute without a task returns its result", server=url, mode="auto")
        if plain is None:
            raise AssertionError("could not connect a client without the extension")
        try:
            expect(plain.protocol_version == V2026, f"negotiated {plain.protocol_version!r}, expected {V2026!r}")
            r = await plain.call_tool("slow_compute", {"seconds": 0})
            expect(not r.is_error and only_text(r) == "slow_compute job done after 0s", f"result={r!r}")
        finally:
            await close_client(era, plain, "plain client")

    try:
        for name, fn in [
            ("server/discover capabilities.extensions", advertised),
            ("slow_compute polled to completion", slow_compute),
            ("slow_compute cancelled", cancel),
            ("confirm_delete inputRequests answered with tasks/update", confirm_delete),
            ("failing_job completed with an isError result", failing_job),
            ("protocol_error_job failed with -32603", protocol_error_job),
            ("slow_compute without a task returns its result", plain_call),
        ]:
            await check(era, name, fn)
    finally:
        await close_client(era, client, "client")


async def main(conformance):
    await run_2025(conformance)
    await run_2026(conformance)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        asyncio.run(main(sys.argv[2]))
    except BaseException:
        traceback.print_exc()
        sys.exit(2)
    sys.exit(1 if failures else 0)
