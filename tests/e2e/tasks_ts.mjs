#!/usr/bin/env node
// End-to-end tasks scenario for the conformance example, driven by the official TypeScript SDK clients.
//
// Usage: node tasks_ts.mjs BASE_URL CONFORMANCE_URL
//   BASE_URL         the quickstart server (unused here; taken for the same command line as the other clients)
//   CONFORMANCE_URL  the conformance example's endpoint (e.g. http://127.0.0.1:8001/mcp), whose task tools
//                    (examples/conformance/src/tasks.rs) are driven over HTTP in both eras that have tasks
//
// Eras run:
//   ts-v1/2025-11-25/http  @modelcontextprotocol/sdk@1.32.2 (initialize offers 2025-11-25) and its experimental task
//                          API, client.experimental.tasks: callToolStream (creates the task with params.task, polls
//                          tasks/get, calls tasks/result once completed or input_required), getTask, getTaskResult,
//                          cancelTask, listTasks. A task's question arrives as an elicitation/create on the
//                          tasks/result SSE stream, answered by the handler set with setRequestHandler.
//   ts-v2/2026-07-28/http  @modelcontextprotocol/client@2.4.0 pinned to 2026-07-28, declaring the
//                          io.modelcontextprotocol/tasks extension. The SDK has no tasks extension and rejects a
//                          `resultType: "task"` answer to tools/call (SdkError UNSUPPORTED_RESULT_TYPE, the task id
//                          lost), so only the task-creating tools/call is a raw POST; tasks/get, tasks/update and
//                          tasks/cancel go through client.request() with a result schema (their answers carry
//                          resultType "complete", which the 2026 codec accepts). inputRequests are answered with
//                          tasks/update by the same elicitation handler the client registers for elicitation/create
//                          (the SDK's dispatch of embedded requests to its handlers is not public).
// Every check prints `PASS <era> tasks: <name>` or `FAIL <era> tasks: <name>: <detail>`; exit 0 only when all passed.

import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
    CallToolResultSchema,
    CreateTaskResultSchema,
    ElicitRequestSchema,
    RELATED_TASK_META_KEY
} from '@modelcontextprotocol/sdk/types.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2, fromJsonSchema } from '@modelcontextprotocol/client';

const CHECK_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 230_000;
const CANCEL_WINDOW_MS = 5_000; // a cancelled task must read `cancelled` within this
const TASK_TTL_MS = 60_000;
const TASKS = 'io.modelcontextprotocol/tasks';
const V2025 = '2025-11-25';
const V2026 = '2026-07-28';
const TERMINAL = ['completed', 'failed', 'cancelled'];
const info = { name: 'tasks-e2e', version: '0.0.0' };

let failures = 0;
function report(era, name, error) {
    if (error === undefined) console.log(`PASS ${era} tasks: ${name}`);
    else {
        failures++;
        console.log(`FAIL ${era} tasks: ${name}: ${String(error).replace(/\n/g, ' | ')}`);
    }
}

function withTimeout(promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const describe = (e) => (e?.code !== undefined ? `${e.name} code=${e.code} message=${JSON.stringify(e.message)} data=${JSON.stringify(e.data)}` : `${e?.stack ?? e}`);

async function check(era, name, fn) {
    try {
        await withTimeout(fn());
        report(era, name);
    } catch (e) {
        report(era, name, e instanceof AssertionError ? e.message : describe(e));
    }
}

class AssertionError extends Error {}
function expect(cond, detail) {
    if (!cond) throw new AssertionError(detail);
}
const show = (v) => JSON.stringify(v);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function onlyText(result) {
    const blocks = (result?.content ?? []).filter((c) => c.type === 'text');
    expect(blocks.length === 1, `expected one text block, got ${show(result)}`);
    return blocks[0].text;
}

// The client's elicitation handler: accepts with {confirm: true} and records what it was asked.
function elicitationRecorder() {
    const seen = [];
    const handler = async (request) => {
        const params = request.params ?? {};
        seen.push({ message: params.message, related: params._meta?.[RELATED_TASK_META_KEY], schema: params.requestedSchema });
        return { action: 'accept', content: { confirm: true } };
    };
    return { seen, handler };
}

async function connect(era, client, transport, name = 'connect') {
    try {
        await withTimeout(client.connect(transport, { timeout: CHECK_TIMEOUT_MS }));
        return client;
    } catch (e) {
        report(era, name, describe(e));
        await client.close().catch(() => {});
        return undefined;
    }
}

// --- 2025-11-25: sdk 1.32.2, client.experimental.tasks ---------------------------------------------------------

async function run2025(url) {
    const era = `ts-v1/${V2025}/http`;
    const elicitations = elicitationRecorder();
    const client = new ClientV1(info, { capabilities: { elicitation: { form: {} } }, defaultTaskPollInterval: 500 });
    client.setRequestHandler(ElicitRequestSchema, elicitations.handler);
    const transport = new TransportV1(new URL(url));
    if (!(await connect(era, client, transport))) return;
    const tasks = client.experimental.tasks;
    const options = { task: { ttl: TASK_TTL_MS }, timeout: CHECK_TIMEOUT_MS };
    const created = new Map(); // task id -> the status it must end in (for tasks/list)
    const failing = {}; // failing_job's terminal task, shared by two checks

    // The whole callToolStream, as a list of its messages (`error` messages kept, not thrown).
    async function stream(name, args) {
        const messages = [];
        const start = Date.now();
        for await (const m of tasks.callToolStream({ name, arguments: args }, CallToolResultSchema, options)) {
            messages.push({ ...m, at: Date.now() - start });
        }
        return messages;
    }
    const createTask = async (name, args) =>
        (await client.request({ method: 'tools/call', params: { name, arguments: args } }, CreateTaskResultSchema, options)).task;
    async function poll(taskId, until, withinMs = CHECK_TIMEOUT_MS) {
        const seen = [], deadline = Date.now() + withinMs;
        for (;;) {
            expect(Date.now() < deadline, `task ${taskId} not ${until.join('/')} within ${withinMs} ms (statuses ${show(seen)})`);
            const t = await tasks.getTask(taskId, { timeout: CHECK_TIMEOUT_MS });
            seen.push(t.status);
            if (until.includes(t.status)) return { task: t, seen };
            expect(!TERMINAL.includes(t.status), `task ${taskId} ended ${show(t.status)} (statuses ${show(seen)}), expected ${show(until)}`);
            await sleep(t.pollInterval ?? 500);
        }
    }

    const checks = {
        'initialize capabilities.tasks and tools/list execution.taskSupport': async () => {
            expect(transport.protocolVersion === V2025, `negotiated ${show(transport.protocolVersion)}, expected ${V2025}`);
            const caps = client.getServerCapabilities()?.tasks;
            const want = { list: {}, cancel: {}, requests: { tools: { call: {} } } };
            expect(show(caps) === show(want), `initialize capabilities.tasks=${show(caps)}, expected ${show(want)}`);
            const tools = Object.fromEntries((await client.listTools()).tools.map((t) => [t.name, t]));
            const support = Object.fromEntries(['slow_compute', 'failing_job', 'greet'].map((n) => [n, tools[n]?.execution?.taskSupport ?? null]));
            const wantSupport = { slow_compute: 'optional', failing_job: 'required', greet: null };
            expect(show(support) === show(wantSupport), `tools/list execution.taskSupport=${show(support)}, expected ${show(wantSupport)}`);
        },
        'slow_compute polled to completion': async () => {
            const messages = await stream('slow_compute', { seconds: 1 });
            const types = messages.map((m) => m.type);
            const first = messages[0];
            expect(first?.type === 'taskCreated', `callToolStream yielded ${show(types)}, expected taskCreated first`);
            created.set(first.task.taskId, 'completed');
            expect(first.at < 1000, `CreateTaskResult took ${first.at} ms: the call waited for the 1 s tool`);
            expect(first.task.status === 'working' && first.task.ttl === TASK_TTL_MS, `created task=${show(first.task)}, expected working with ttl ${TASK_TTL_MS}`);
            const statuses = messages.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);
            expect(statuses.at(-1) === 'completed', `tasks/get statuses ${show(statuses)}, expected to end completed`);
            const last = messages.at(-1);
            expect(last.type === 'result', `callToolStream ended with ${show(last)}`);
            expect(!last.result.isError && onlyText(last.result).includes('done after 1'), `tasks/result=${show(last.result)}`);
            const related = last.result._meta?.[RELATED_TASK_META_KEY]?.taskId;
            expect(related === first.task.taskId, `tasks/result _meta=${show(last.result._meta)}, expected ${RELATED_TASK_META_KEY} ${first.task.taskId}`);
        },
        'slow_compute cancelled': async () => {
            const task = await createTask('slow_compute', { seconds: 60 });
            created.set(task.taskId, 'cancelled');
            const c = await tasks.cancelTask(task.taskId, { timeout: CHECK_TIMEOUT_MS });
            expect(c.taskId === task.taskId && c.status === 'cancelled', `tasks/cancel answered ${show(c)}, expected status cancelled`);
            await poll(task.taskId, ['cancelled'], CANCEL_WINDOW_MS);
        },
        'confirm_delete elicitation answered on the tasks/result stream': async () => {
            const before = elicitations.seen.length;
            const messages = await stream('confirm_delete', { filename: 'x.txt' });
            const taskId = messages[0]?.task?.taskId;
            expect(taskId, `callToolStream yielded ${show(messages)}, expected taskCreated first`);
            created.set(taskId, 'completed');
            // callToolStream opens tasks/result only on input_required (or a terminal status).
            const statuses = messages.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);
            expect(statuses.includes('input_required'), `tasks/get statuses ${show(statuses)}, expected input_required`);
            const asked = elicitations.seen.slice(before);
            expect(asked.length === 1, `elicitation handler called ${asked.length} times: ${show(asked)}`);
            expect(asked[0].message === 'Delete x.txt?', `elicitation message=${show(asked[0].message)}`);
            expect(asked[0].related?.taskId === taskId, `elicitation _meta ${RELATED_TASK_META_KEY}=${show(asked[0].related)}, expected ${taskId}`);
            expect(asked[0].schema?.properties?.confirm, `requestedSchema=${show(asked[0].schema)}`);
            const last = messages.at(-1);
            expect(last.type === 'result' && !last.result.isError && onlyText(last.result) === 'Deleted x.txt', `callToolStream ended with ${show(last)}`);
            const after = await tasks.getTask(taskId);
            expect(after.status === 'completed', `tasks/get after the result: status ${show(after.status)}`);
        },
        'failing_job result isError via tasks/result': async () => {
            // Created and polled by hand: callToolStream does not call tasks/result for a failed task.
            const task = await createTask('failing_job', {});
            const { task: done, seen } = await poll(task.taskId, TERMINAL);
            failing.task = done;
            created.set(task.taskId, done.status);
            const r = await tasks.getTaskResult(task.taskId, CallToolResultSchema, { timeout: CHECK_TIMEOUT_MS });
            expect(r.isError === true && onlyText(r) === 'failing_job failed, as it always does', `tasks/result=${show(r)}, expected isError true (statuses ${show(seen)})`);
        },
        'failing_job task status is failed': async () => {
            // 2025-11-25 basic/utilities/tasks, "Task Status": `failed` "includes cases where the tool call result has
            // isError set to true"; "Task Execution Errors": so does a tool result with isError true.
            expect(failing.task, 'no terminal failing_job task (the previous check failed)');
            expect(failing.task.status === 'failed', `tasks/get of failing_job (isError result) reports status ${show(failing.task.status)}, expected "failed" (2025-11-25 Task Execution Errors)`);
        },
        'tasks/list includes the created tasks': async () => {
            const listed = new Map();
            let cursor;
            for (let page = 0; ; page++) {
                expect(page < 100, 'tasks/list: more than 100 pages');
                const r = await tasks.listTasks(cursor, { timeout: CHECK_TIMEOUT_MS });
                for (const t of r.tasks) listed.set(t.taskId, t.status);
                cursor = r.nextCursor;
                if (!cursor) break;
            }
            const missing = [...created.keys()].filter((id) => !listed.has(id));
            expect(created.size > 0 && missing.length === 0, `tasks/list lacks ${show(missing)} of ${show([...created.keys()])}; listed ${show([...listed])}`);
            const wrong = [...created].filter(([id, want]) => listed.get(id) !== want).map(([id, want]) => [id, listed.get(id), want]);
            expect(wrong.length === 0, `tasks/list statuses [id, listed, expected]: ${show(wrong)}`);
        },
        'slow_compute without a task returns its result': async () => {
            const r = await client.callTool({ name: 'slow_compute', arguments: { seconds: 0 } }, undefined, { timeout: CHECK_TIMEOUT_MS });
            expect(r.task === undefined && !r.isError && onlyText(r) === 'slow_compute job done after 0s', `result=${show(r)}`);
        }
    };
    try {
        for (const [name, fn] of Object.entries(checks)) await check(era, name, fn);
    } finally {
        await withTimeout(client.close()).catch((e) => report(era, 'close', describe(e)));
    }
}

// --- 2026-07-28: client 2.4.0 + the io.modelcontextprotocol/tasks extension --------------------------------------

// Result schemas for client.request(), as JSON Schema (fromJsonSchema: the client's own Standard Schema wrapper).
const DetailedTask = fromJsonSchema({
    type: 'object',
    required: ['taskId', 'status'],
    properties: {
        taskId: { type: 'string' },
        status: { enum: ['working', 'input_required', 'completed', 'failed', 'cancelled'] },
        statusMessage: { type: 'string' },
        ttlMs: { type: ['number', 'null'] },
        pollIntervalMs: { type: 'number' },
        result: { type: 'object' },
        error: { type: 'object', required: ['code', 'message'] },
        inputRequests: { type: 'object', additionalProperties: { type: 'object', required: ['method'], properties: { method: { type: 'string' } } } }
    }
});
const Ack = fromJsonSchema({ type: 'object' });
const Discover = fromJsonSchema({ type: 'object', required: ['capabilities'], properties: { capabilities: { type: 'object' } } });

async function run2026(url) {
    const era = `ts-v2/${V2026}/http`;
    const caps = { elicitation: { form: {} }, extensions: { [TASKS]: {} } };
    const elicitations = elicitationRecorder();
    const client = new ClientV2(info, { versionNegotiation: { mode: { pin: V2026 } }, capabilities: caps });
    client.setRequestHandler('elicitation/create', elicitations.handler);
    if (!(await connect(era, client, new TransportV2(new URL(url))))) return;

    let rpcId = 1_000_000;
    // The task-creating tools/call, by hand: client.callTool would throw UNSUPPORTED_RESULT_TYPE on resultType "task".
    async function callToolRaw(name, args) {
        const start = Date.now();
        const res = await fetch(url, {
            method: 'POST',
            headers: {
                'content-type': 'application/json',
                accept: 'application/json, text/event-stream',
                'mcp-protocol-version': V2026,
                'mcp-method': 'tools/call',
                'mcp-name': name
            },
            body: JSON.stringify({
                jsonrpc: '2.0',
                id: rpcId++,
                method: 'tools/call',
                params: {
                    name,
                    arguments: args,
                    _meta: {
                        'io.modelcontextprotocol/protocolVersion': V2026,
                        'io.modelcontextprotocol/clientInfo': info,
                        'io.modelcontextprotocol/clientCapabilities': caps
                    }
                }
            }),
            signal: AbortSignal.timeout(CHECK_TIMEOUT_MS)
        });
        const text = await res.text();
        expect(res.ok, `tools/call ${name}: HTTP ${res.status} ${text}`);
        const sse = res.headers.get('content-type')?.includes('text/event-stream');
        const message = JSON.parse(sse ? text.split('\n').filter((l) => l.startsWith('data:')).at(-1).slice(5) : text);
        expect(!message.error, `tools/call ${name}: error ${show(message.error)}`);
        return { result: message.result, elapsed: Date.now() - start };
    }
    async function createTask(name, args) {
        const { result, elapsed } = await callToolRaw(name, args);
        expect(result?.resultType === 'task' && typeof result.taskId === 'string', `tools/call ${name} answered ${show(result)}, expected resultType task`);
        return { task: result, elapsed };
    }
    const getTask = (taskId) => client.request({ method: 'tasks/get', params: { taskId } }, DetailedTask, { timeout: CHECK_TIMEOUT_MS });
    const updateTask = (taskId, inputResponses) => client.request({ method: 'tasks/update', params: { taskId, inputResponses } }, Ack, { timeout: CHECK_TIMEOUT_MS });
    const cancelTask = (taskId) => client.request({ method: 'tasks/cancel', params: { taskId } }, Ack, { timeout: CHECK_TIMEOUT_MS });
    // Polls tasks/get until the status is in `until`; with `answer`, fulfils inputRequests via tasks/update.
    async function poll(created, until, { answer = false, withinMs = CHECK_TIMEOUT_MS } = {}) {
        const seen = [], answered = [], deadline = Date.now() + withinMs;
        for (;;) {
            expect(Date.now() < deadline, `task ${created.taskId} not ${until.join('/')} within ${withinMs} ms (statuses ${show(seen)})`);
            const t = await getTask(created.taskId);
            seen.push(t.status);
            if (until.includes(t.status)) return { task: t, seen, answered };
            expect(!TERMINAL.includes(t.status), `task ${created.taskId} ended ${show(t.status)} (statuses ${show(seen)}), expected ${show(until)}; error=${show(t.error)}`);
            if (answer && t.status === 'input_required' && t.inputRequests) {
                const responses = {};
                for (const [key, request] of Object.entries(t.inputRequests)) {
                    if (answered.includes(key)) continue;
                    expect(request.method === 'elicitation/create', `inputRequests.${key} is ${show(request)}, expected elicitation/create`);
                    responses[key] = await elicitations.handler(request);
                    answered.push(key);
                }
                if (Object.keys(responses).length) {
                    await updateTask(created.taskId, responses);
                    continue;
                }
            }
            await sleep(t.pollIntervalMs ?? created.pollIntervalMs ?? 500);
        }
    }

    const checks = {
        'server/discover capabilities.extensions': async () => {
            expect(client.getNegotiatedProtocolVersion() === V2026, `negotiated ${show(client.getNegotiatedProtocolVersion())}, expected ${V2026}`);
            const d = await client.request({ method: 'server/discover', params: {} }, Discover);
            expect(d.capabilities.extensions?.[TASKS] !== undefined, `server/discover capabilities=${show(d.capabilities)}, expected extensions.${TASKS}`);
        },
        'slow_compute polled to completion': async () => {
            const { task, elapsed } = await createTask('slow_compute', { seconds: 1 });
            expect(elapsed < 1000, `CreateTaskResult took ${elapsed} ms: the call waited for the 1 s tool`);
            expect(task.status === 'working', `created task=${show(task)}, expected status working`);
            const { task: done } = await poll(task, ['completed']);
            expect(!done.result?.isError && onlyText(done.result).includes('done after 1'), `tasks/get result=${show(done.result)}`);
        },
        'slow_compute cancelled': async () => {
            const { task } = await createTask('slow_compute', { seconds: 60 });
            await cancelTask(task.taskId);
            await poll(task, ['cancelled'], { withinMs: CANCEL_WINDOW_MS });
        },
        'confirm_delete inputRequests answered with tasks/update': async () => {
            const before = elicitations.seen.length;
            const { task } = await createTask('confirm_delete', { filename: 'x.txt' });
            const { task: done, seen, answered } = await poll(task, TERMINAL, { answer: true });
            expect(seen.includes('input_required') && show(answered) === show(['confirm']), `tasks/get statuses ${show(seen)}, answered with tasks/update ${show(answered)}, expected input_required with inputRequests key "confirm"`);
            const asked = elicitations.seen.slice(before);
            expect(asked.length === 1 && asked[0].message === 'Delete x.txt?', `elicitation handler saw ${show(asked)}`);
            expect(done.status === 'completed' && !done.result?.isError && onlyText(done.result) === 'Deleted x.txt', `task ended ${show(done)}`);
        },
        'failing_job completed with an isError result': async () => {
            const { task } = await createTask('failing_job', {});
            const { task: done } = await poll(task, TERMINAL);
            expect(done.status === 'completed', `status ${show(done.status)} error=${show(done.error)}, expected completed (isError result)`);
            expect(done.result?.isError === true && onlyText(done.result) === 'failing_job failed, as it always does', `tasks/get result=${show(done.result)}`);
        },
        'protocol_error_job failed with -32603': async () => {
            const { task } = await createTask('protocol_error_job', {});
            const { task: done } = await poll(task, TERMINAL);
            expect(done.status === 'failed', `status ${show(done.status)} result=${show(done.result)}, expected failed`);
            expect(done.error?.code === -32603, `tasks/get error=${show(done.error)}, expected code -32603`);
        },
        'slow_compute without a task returns its result': async () => {
            // Without the extension declared, the server must not answer with a task: the SDK's own callTool.
            const plain = new ClientV2(info, { versionNegotiation: { mode: { pin: V2026 } } });
            if (!(await connect(era, plain, new TransportV2(new URL(url)), 'slow_compute without a task returns its result (connect)'))) {
                throw new AssertionError('could not connect a client without the extension');
            }
            try {
                const r = await plain.callTool({ name: 'slow_compute', arguments: { seconds: 0 } }, { timeout: CHECK_TIMEOUT_MS });
                expect(!r.isError && onlyText(r) === 'slow_compute job done after 0s', `result=${show(r)}`);
            } finally {
                await withTimeout(plain.close()).catch((e) => report(era, 'close plain client', describe(e)));
            }
        }
    };
    try {
        for (const [name, fn] of Object.entries(checks)) await check(era, name, fn);
    } finally {
        await withTimeout(client.close()).catch((e) => report(era, 'close', describe(e)));
    }
}

async function main(conformance) {
    await run2025(conformance);
    await run2026(conformance);
}

if (process.argv.length !== 4) {
    console.error('usage: node tasks_ts.mjs BASE_URL CONFORMANCE_URL');
    process.exit(2);
}
setTimeout(() => {
    console.log(`FAIL ts tasks overall: timed out after ${OVERALL_TIMEOUT_MS} ms`);
    process.exit(2);
}, OVERALL_TIMEOUT_MS).unref();
main(process.argv[3]).then(
    () => process.exit(failures ? 1 : 0),
    (e) => {
        console.error(e);
        process.exit(2);
    }
);
