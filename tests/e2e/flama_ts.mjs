#!/usr/bin/env node
// End-to-end scenario for the flama-parity example (examples/flama-parity), driven by the official TypeScript SDK
// clients over HTTP, in both eras that have tasks.
//
// Usage: node flama_ts.mjs [FLAMA_BASE]
//   FLAMA_BASE  the flama-parity server, e.g. http://127.0.0.1:8002 (its servers: /mcp/tools and /mcp/math);
//               when absent, the FLAMA_BASE environment variable
//
// Eras run:
//   ts-v1/2025-11-25/http  @modelcontextprotocol/sdk@1.32.2 (initialize offers 2025-11-25) and its experimental task
//                          API, client.experimental.tasks: callToolStream (creates the task with params.task, polls
//                          tasks/get, calls tasks/result once completed or input_required), getTask, cancelTask.
//                          confirm's question arrives as an elicitation/create on the tasks/result SSE stream,
//                          answered by the handler set with setRequestHandler. notifications/tools/list_changed
//                          arrives on the session's standalone GET stream (the transport opens it after
//                          notifications/initialized) and reaches setNotificationHandler.
//   ts-v2/2025-11-25/http  @modelcontextprotocol/client@2.4.0, legacy handshake offering exactly 2025-11-25. It has
//                          no task API: tools/call with params.task, tasks/get|result|cancel go through
//                          client.request() with the 2025 task result schemas @modelcontextprotocol/core still
//                          exports (installed with the client); the question and the list change arrive as for v1.
//   ts-v2/2026-07-28/http  @modelcontextprotocol/client@2.4.0 pinned to 2026-07-28, declaring the
//                          io.modelcontextprotocol/tasks extension. The SDK rejects a `resultType: "task"` answer to
//                          tools/call, so only the task-creating tools/call is a raw POST (as in tasks_ts.mjs);
//                          tasks/get|update|cancel go through client.request() with a result schema. confirm's
//                          inputRequests are answered with tasks/update by the client's elicitation handler. The list
//                          change is observed with client.listen({toolsListChanged: true}) (subscriptions/listen),
//                          opened before registering, whose notifications reach setNotificationHandler.
// Items driven in each era: tools/list (the six tools on /mcp/tools, multiply on /mcp/math), add, greet, with_ui
// (structuredContent), multiply, resources/read config://app, prompts/get summarise, square as a task polled to
// completion (with its progress as the task's statusMessage), square as a task cancelled, confirm as a task with its
// elicitation answered, register_tool with the list change observed and the new tool listed and called.
// Every check prints `PASS <era> flama: <name>` or `FAIL <era> flama: <name>: <detail>`; exit 0 only when all passed.

import { randomBytes } from 'node:crypto';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
    CallToolResultSchema as CallToolResultSchemaV1,
    CreateTaskResultSchema as CreateTaskResultSchemaV1,
    ElicitRequestSchema,
    RELATED_TASK_META_KEY,
    ToolListChangedNotificationSchema
} from '@modelcontextprotocol/sdk/types.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2, fromJsonSchema } from '@modelcontextprotocol/client';
import {
    CallToolResultSchema as CallToolResultSchemaV2,
    CancelTaskResultSchema as CancelTaskResultSchemaV2,
    CreateTaskResultSchema as CreateTaskResultSchemaV2,
    GetTaskResultSchema as GetTaskResultSchemaV2
} from '@modelcontextprotocol/core';

const CHECK_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 230_000;
const CANCEL_WINDOW_MS = 5_000; // a cancelled task must read `cancelled` within this
const LIST_CHANGED_WINDOW_MS = 5_000; // notifications/tools/list_changed must arrive within this
const TASK_TTL_MS = 60_000;
const FAST_POLL_MS = 150; // between our own tasks/get polls, to see the progress statusMessages
const SQUARE_DELAY_MS = 300; // per step; 5 steps
const TASKS = 'io.modelcontextprotocol/tasks';
const V2025 = '2025-11-25';
const V2026 = '2026-07-28';
const TERMINAL = ['completed', 'failed', 'cancelled'];
const TOOLS = ['add', 'confirm', 'greet', 'register_tool', 'square', 'with_ui'];
const RUN = randomBytes(3).toString('hex'); // registered tool names are unique per run
const info = { name: 'flama-e2e', version: '0.0.0' };

let failures = 0;
function report(era, name, error) {
    if (error === undefined) console.log(`PASS ${era} flama: ${name}`);
    else {
        failures++;
        console.log(`FAIL ${era} flama: ${name}: ${String(error).replace(/\n/g, ' | ')}`);
    }
}

function withTimeout(promise, ms = CHECK_TIMEOUT_MS, what = `timed out after ${ms} ms`) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new AssertionError(what)), ms);
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

// Counts notifications/tools/list_changed; `next()` resolves on the next one.
function listChangedRecorder() {
    let count = 0;
    let waiters = [];
    return {
        handler: () => {
            count++;
            for (const w of waiters) w();
            waiters = [];
        },
        get count() {
            return count;
        },
        next: () => new Promise((resolve) => waiters.push(resolve))
    };
}

// `polls`: [{ms, status, statusMessage}]. The square task reports its 5 steps (one every SQUARE_DELAY_MS) as
// statusMessage "k/5: squaring"; a FAIL only when we polled it while working after its first step and never saw
// one (a task that finished too fast to be seen is no failure).
function progressVerdict(polls, what) {
    const messages = polls.filter((p) => p.statusMessage?.includes('/5'));
    const lateWorking = polls.filter((p) => p.status === 'working' && p.ms >= SQUARE_DELAY_MS + 150);
    expect(messages.length > 0 || lateWorking.length === 0, `${what}: no statusMessage containing "/5" while polling; polls ${show(polls)}`);
}

// ERAS: how to build each client; `v1` (sdk 1.32.2) or not (client 2.4.0).
const ERAS = {
    [`ts-v1/${V2025}/http`]: {
        v1: true,
        version: V2025,
        make: (elicit) => new ClientV1(info, elicit ? { capabilities: { elicitation: { form: {} } }, defaultTaskPollInterval: 500 } : {})
    },
    [`ts-v2/${V2025}/http`]: {
        version: V2025,
        make: (elicit) => new ClientV2(info, { supportedProtocolVersions: [V2025], ...(elicit ? { capabilities: { elicitation: { form: {} } } } : {}) })
    },
    [`ts-v2/${V2026}/http`]: {
        version: V2026,
        caps: { elicitation: { form: {} }, extensions: { [TASKS]: {} } },
        make(elicit) {
            return new ClientV2(info, { versionNegotiation: { mode: { pin: V2026 } }, ...(elicit ? { capabilities: this.caps } : {}) });
        }
    }
};

async function connect(era, spec, url, { elicit = false, name = `connect ${url}` } = {}) {
    const client = spec.make(elicit);
    const transport = spec.v1 ? new TransportV1(new URL(url)) : new TransportV2(new URL(url));
    try {
        await withTimeout(client.connect(transport, { timeout: CHECK_TIMEOUT_MS }));
    } catch (e) {
        report(era, name, describe(e));
        await client.close().catch(() => {});
        return undefined;
    }
    const got = spec.v1 ? transport.protocolVersion : client.getNegotiatedProtocolVersion();
    report(era, name, got === spec.version ? undefined : `negotiated ${show(got)}, expected ${show(spec.version)}`);
    return client;
}

async function close(era, client, what) {
    await withTimeout(client.close()).catch((e) => report(era, `close ${what}`, describe(e)));
}

const callToolOf = (spec, client) => (params, options = { timeout: CHECK_TIMEOUT_MS }) =>
    spec.v1 ? client.callTool(params, undefined, options) : client.callTool(params, options);

// tools/list, add, greet, with_ui, config://app, summarise: the same SDK calls in every era.
function plainChecks(spec, client) {
    const callTool = callToolOf(spec, client);
    return {
        'capabilities.tools.listChanged': async () => {
            const caps = client.getServerCapabilities();
            expect(caps?.tools?.listChanged === true, `capabilities=${show(caps)}, expected tools.listChanged true`);
        },
        'tools/list': async () => {
            const tools = Object.fromEntries((await client.listTools()).tools.map((t) => [t.name, t]));
            const missing = TOOLS.filter((n) => !tools[n]);
            expect(missing.length === 0, `tools/list lacks ${show(missing)}; listed ${show(Object.keys(tools))}`);
            // Tools registered by earlier runs (register_tool) answer "...": nothing else may be listed.
            const extra = Object.keys(tools).filter((n) => !TOOLS.includes(n) && !tools[n].description?.startsWith('Answers '));
            expect(extra.length === 0, `tools/list has unexpected tools ${show(extra)}`);
            expect(tools.add.description === 'Add two integers.', `add.description=${show(tools.add.description)}`);
            const props = Object.keys(tools.with_ui.outputSchema?.properties ?? {}).sort();
            expect(show(props) === show(['lines', 'title']), `with_ui.outputSchema=${show(tools.with_ui.outputSchema)}`);
            if (spec.version === V2025) {
                // The 2026 Tool has no `execution`.
                const support = Object.fromEntries(['square', 'confirm', 'add'].map((n) => [n, tools[n].execution?.taskSupport ?? null]));
                const want = { square: 'optional', confirm: 'optional', add: null };
                expect(show(support) === show(want), `execution.taskSupport=${show(support)}, expected ${show(want)}`);
            }
        },
        'call add': async () => {
            const r = await callTool({ name: 'add', arguments: { a: 2, b: 3 } });
            expect(!r.isError && onlyText(r) === '5', `result=${show(r)}`);
        },
        'call greet': async () => {
            const r = await callTool({ name: 'greet', arguments: { name: 'Ada' } });
            expect(!r.isError && onlyText(r) === 'Hello, Ada!', `result=${show(r)}`);
        },
        'call with_ui structuredContent': async () => {
            const r = await callTool({ name: 'with_ui', arguments: { topic: 'MCP' } });
            const want = { title: 'MCP', lines: ['About MCP', 'Made with the flama-parity demo'] };
            expect(!r.isError && show(r.structuredContent) === show(want), `structuredContent=${show(r.structuredContent)}, expected ${show(want)} (result ${show(r)})`);
        },
        'resources/list': async () => {
            const res = (await client.listResources()).resources.find((r) => r.uri === 'config://app');
            expect(res?.mimeType === 'application/json', `config://app listing=${show(res)}`);
        },
        'read config://app': async () => {
            const c = (await client.readResource({ uri: 'config://app' })).contents;
            expect(c.length === 1 && c[0].uri === 'config://app' && c[0].mimeType === 'application/json', `contents=${show(c)}`);
            expect(show(JSON.parse(c[0].text)) === show({ debug: true, name: 'flama-parity' }), `text=${show(c[0].text)}`);
        },
        'prompts/list': async () => {
            const p = (await client.listPrompts()).prompts.find((p) => p.name === 'summarise');
            const args = Object.fromEntries((p?.arguments ?? []).map((a) => [a.name, !!a.required]));
            expect(show(args) === show({ text: true }), `summarise=${show(p)}`);
        },
        'prompts/get summarise': async () => {
            const text = 'MCP is a protocol for tools.';
            const r = await client.getPrompt({ name: 'summarise', arguments: { text } });
            const got = r.messages[0]?.content?.text;
            expect(r.messages.length === 1 && r.messages[0].role === 'user', `messages=${show(r.messages)}`);
            expect(got === `Summarise the following:\n\n${text}`, `text=${show(got)}`);
        }
    };
}

async function registeredTool(spec, client, name) {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.includes(name), `tools/list after the change lacks ${show(name)}: ${show(names)}`);
    const r = await callToolOf(spec, client)({ name, arguments: {} });
    expect(!r.isError && onlyText(r) === 'pong', `call ${name}: result=${show(r)}`);
}

// register_tool with a handler counting list_changed already set; `before()` runs first (2026: the listen).
async function registerAndObserve(spec, client, changed, name, where) {
    const next = changed.next();
    const r = await callToolOf(spec, client)({ name: 'register_tool', arguments: { name, reply: 'pong' } });
    expect(!r.isError && onlyText(r) === `registered \`${name}\``, `result=${show(r)}`);
    await withTimeout(next, LIST_CHANGED_WINDOW_MS, `no notifications/tools/list_changed ${where} within ${LIST_CHANGED_WINDOW_MS} ms`);
}

async function mathScenario(era, spec, base) {
    const client = await connect(era, spec, `${base}/mcp/math`);
    if (!client) return;
    const checks = {
        'math tools/list': async () => {
            const names = (await client.listTools()).tools.map((t) => t.name);
            expect(show(names) === show(['multiply']), `tools=${show(names)}`);
        },
        'call multiply': async () => {
            const r = await callToolOf(spec, client)({ name: 'multiply', arguments: { a: 6, b: 7 } });
            expect(!r.isError && onlyText(r) === '42', `result=${show(r)}`);
        }
    };
    try {
        for (const [name, fn] of Object.entries(checks)) await check(era, name, fn);
    } finally {
        await close(era, client, '/mcp/math');
    }
}

// --- 2025-11-25 ------------------------------------------------------------------------------------------------

// The task operations of one 2025 client: v1's experimental API, or client.request() with core's schemas.
function tasks2025(spec, client) {
    const options = { timeout: CHECK_TIMEOUT_MS };
    if (spec.v1) {
        const t = client.experimental.tasks;
        return {
            create: async (name, args) =>
                (await client.request({ method: 'tools/call', params: { name, arguments: args } }, CreateTaskResultSchemaV1, { ...options, task: { ttl: TASK_TTL_MS } })).task,
            get: (taskId) => t.getTask(taskId, options),
            result: (taskId) => t.getTaskResult(taskId, CallToolResultSchemaV1, options),
            cancel: (taskId) => t.cancelTask(taskId, options)
        };
    }
    return {
        create: async (name, args) =>
            (await client.request({ method: 'tools/call', params: { name, arguments: args, task: { ttl: TASK_TTL_MS } } }, CreateTaskResultSchemaV2, options)).task,
        get: (taskId) => client.request({ method: 'tasks/get', params: { taskId } }, GetTaskResultSchemaV2, options),
        result: (taskId) => client.request({ method: 'tasks/result', params: { taskId } }, CallToolResultSchemaV2, options),
        cancel: (taskId) => client.request({ method: 'tasks/cancel', params: { taskId } }, CancelTaskResultSchemaV2, options)
    };
}

async function run2025(era, spec, base) {
    const elicitations = elicitationRecorder();
    const changed = listChangedRecorder();
    const client = spec.make(true);
    if (spec.v1) {
        client.setRequestHandler(ElicitRequestSchema, elicitations.handler);
        client.setNotificationHandler(ToolListChangedNotificationSchema, changed.handler);
    } else {
        client.setRequestHandler('elicitation/create', elicitations.handler);
        client.setNotificationHandler('notifications/tools/list_changed', changed.handler);
    }
    const url = `${base}/mcp/tools`;
    const transport = spec.v1 ? new TransportV1(new URL(url)) : new TransportV2(new URL(url));
    try {
        await withTimeout(client.connect(transport, { timeout: CHECK_TIMEOUT_MS }));
    } catch (e) {
        report(era, `connect ${url}`, describe(e));
        await client.close().catch(() => {});
        return;
    }
    const got = spec.v1 ? transport.protocolVersion : client.getNegotiatedProtocolVersion();
    report(era, `connect ${url}`, got === V2025 ? undefined : `negotiated ${show(got)}, expected ${V2025}`);
    const tasks = tasks2025(spec, client);
    const callTool = callToolOf(spec, client);

    async function poll(taskId, until, { withinMs = CHECK_TIMEOUT_MS, intervalMs } = {}) {
        const polls = [], start = Date.now();
        for (;;) {
            expect(Date.now() - start < withinMs, `task ${taskId} not ${until.join('/')} within ${withinMs} ms (polls ${show(polls)})`);
            const t = await tasks.get(taskId);
            polls.push({ ms: Date.now() - start, status: t.status, statusMessage: t.statusMessage });
            if (until.includes(t.status)) return { task: t, polls };
            expect(!TERMINAL.includes(t.status), `task ${taskId} ended ${show(t.status)} (polls ${show(polls)}), expected ${show(until)}`);
            await sleep(intervalMs ?? t.pollInterval ?? 500);
        }
    }
    // v1: the whole callToolStream, as a list of its messages (`error` messages kept, not thrown).
    async function stream(name, args) {
        const messages = [], start = Date.now();
        const options = { task: { ttl: TASK_TTL_MS }, timeout: CHECK_TIMEOUT_MS };
        for await (const m of client.experimental.tasks.callToolStream({ name, arguments: args }, CallToolResultSchemaV1, options)) {
            messages.push({ ...m, at: Date.now() - start });
        }
        return messages;
    }

    const squareV1 = async () => {
        const messages = await stream('square', { n: 7, delay_ms: SQUARE_DELAY_MS });
        const first = messages[0];
        expect(first?.type === 'taskCreated', `callToolStream yielded ${show(messages)}, expected taskCreated first`);
        expect(first.task.status === 'working' && first.task.ttl === TASK_TTL_MS, `created task=${show(first.task)}, expected working with ttl ${TASK_TTL_MS}`);
        const polls = messages.filter((m) => m.type === 'taskStatus').map((m) => ({ ms: m.at - first.at, status: m.task.status, statusMessage: m.task.statusMessage }));
        expect(polls.at(-1)?.status === 'completed', `tasks/get polls ${show(polls)}, expected to end completed`);
        progressVerdict(polls, 'square task');
        const last = messages.at(-1);
        expect(last.type === 'result' && !last.result.isError && onlyText(last.result) === '7 squared is 49', `callToolStream ended with ${show(last)}`);
        const related = last.result._meta?.[RELATED_TASK_META_KEY]?.taskId;
        expect(related === first.task.taskId, `tasks/result _meta=${show(last.result._meta)}, expected ${RELATED_TASK_META_KEY} ${first.task.taskId}`);
    };
    const squareV2 = async () => {
        const task = await tasks.create('square', { n: 7, delay_ms: SQUARE_DELAY_MS });
        expect(task.status === 'working' && task.ttl === TASK_TTL_MS, `created task=${show(task)}, expected working with ttl ${TASK_TTL_MS}`);
        const { polls } = await poll(task.taskId, ['completed'], { intervalMs: FAST_POLL_MS });
        progressVerdict(polls, 'square task');
        const r = await tasks.result(task.taskId);
        expect(!r.isError && onlyText(r) === '7 squared is 49', `tasks/result=${show(r)} (polls ${show(polls)})`);
        const related = r._meta?.[RELATED_TASK_META_KEY]?.taskId;
        expect(related === task.taskId, `tasks/result _meta=${show(r._meta)}, expected ${RELATED_TASK_META_KEY} ${task.taskId}`);
    };
    const confirmV1 = async () => {
        const before = elicitations.seen.length;
        const messages = await stream('confirm', { action: 'deploy' });
        const taskId = messages[0]?.task?.taskId;
        expect(taskId, `callToolStream yielded ${show(messages)}, expected taskCreated first`);
        // callToolStream opens tasks/result only on input_required (or a terminal status).
        const statuses = messages.filter((m) => m.type === 'taskStatus').map((m) => m.task.status);
        expect(statuses.includes('input_required'), `tasks/get statuses ${show(statuses)}, expected input_required`);
        checkAsked(before, taskId);
        const last = messages.at(-1);
        expect(last.type === 'result' && !last.result.isError && onlyText(last.result) === 'done: deploy', `callToolStream ended with ${show(last)}`);
        const after = await tasks.get(taskId);
        expect(after.status === 'completed', `tasks/get after the result: status ${show(after.status)}`);
    };
    const confirmV2 = async () => {
        const before = elicitations.seen.length;
        const task = await tasks.create('confirm', { action: 'deploy' });
        const { polls } = await poll(task.taskId, ['input_required']);
        const r = await tasks.result(task.taskId); // the elicitation/create comes on this stream
        checkAsked(before, task.taskId, polls);
        expect(!r.isError && onlyText(r) === 'done: deploy', `tasks/result=${show(r)}`);
        const after = await tasks.get(task.taskId);
        expect(after.status === 'completed', `tasks/get after the result: status ${show(after.status)}`);
    };
    function checkAsked(before, taskId, polls) {
        const asked = elicitations.seen.slice(before);
        expect(asked.length === 1, `elicitation handler called ${asked.length} times: ${show(asked)}${polls ? ` (polls ${show(polls)})` : ''}`);
        expect(asked[0].message === 'Really deploy?', `elicitation message=${show(asked[0].message)}`);
        expect(asked[0].related?.taskId === taskId, `elicitation _meta ${RELATED_TASK_META_KEY}=${show(asked[0].related)}, expected ${taskId}`);
        expect(asked[0].schema?.properties?.confirm, `requestedSchema=${show(asked[0].schema)}`);
    }
    const name = `ping_${era.split('/')[0].replace('-', '_')}_2025_${RUN}`;

    const checks = {
        'initialize 2025-11-25 capabilities.tasks': async () => {
            const caps = client.getServerCapabilities()?.tasks;
            const want = { list: {}, cancel: {}, requests: { tools: { call: {} } } };
            expect(show(caps) === show(want), `initialize capabilities.tasks=${show(caps)}, expected ${show(want)}`);
        },
        ...plainChecks(spec, client),
        'square task polled to completion': spec.v1 ? squareV1 : squareV2,
        'square task cancelled': async () => {
            const task = await tasks.create('square', { n: 3, delay_ms: 60_000 });
            const c = await tasks.cancel(task.taskId);
            expect(c.taskId === task.taskId && c.status === 'cancelled', `tasks/cancel answered ${show(c)}, expected status cancelled`);
            await poll(task.taskId, ['cancelled'], { withinMs: CANCEL_WINDOW_MS });
        },
        'confirm task elicitation answered on the tasks/result stream': spec.v1 ? confirmV1 : confirmV2,
        'square without a task returns its result': async () => {
            const r = await callTool({ name: 'square', arguments: { n: 4, delay_ms: 0 } });
            expect(r.task === undefined && !r.isError && onlyText(r) === '4 squared is 16', `result=${show(r)}`);
        },
        'register_tool: list_changed on the GET stream, new tool listed and called': async () => {
            await registerAndObserve(spec, client, changed, name, "on the session's GET stream");
            await registeredTool(spec, client, name);
        }
    };
    try {
        for (const [label, fn] of Object.entries(checks)) await check(era, label, fn);
    } finally {
        await close(era, client, '/mcp/tools');
    }
    await mathScenario(era, spec, base);
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

async function run2026(era, spec, base) {
    const url = `${base}/mcp/tools`;
    const elicitations = elicitationRecorder();
    const changed = listChangedRecorder();
    const client = spec.make(true);
    client.setRequestHandler('elicitation/create', elicitations.handler);
    client.setNotificationHandler('notifications/tools/list_changed', changed.handler);
    try {
        await withTimeout(client.connect(new TransportV2(new URL(url)), { timeout: CHECK_TIMEOUT_MS }));
    } catch (e) {
        report(era, `connect ${url}`, describe(e));
        await client.close().catch(() => {});
        return;
    }
    const got = client.getNegotiatedProtocolVersion();
    report(era, `connect ${url}`, got === V2026 ? undefined : `negotiated ${show(got)}, expected ${V2026}`);

    let rpcId = 1_000_000;
    // The task-creating tools/call, by hand: client.callTool would throw UNSUPPORTED_RESULT_TYPE on resultType "task".
    async function createTask(name, args) {
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
                        'io.modelcontextprotocol/clientCapabilities': spec.caps
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
        const result = message.result;
        expect(result?.resultType === 'task' && typeof result.taskId === 'string', `tools/call ${name} answered ${show(result)}, expected resultType task`);
        return result;
    }
    const getTask = (taskId) => client.request({ method: 'tasks/get', params: { taskId } }, DetailedTask, { timeout: CHECK_TIMEOUT_MS });
    const updateTask = (taskId, inputResponses) => client.request({ method: 'tasks/update', params: { taskId, inputResponses } }, Ack, { timeout: CHECK_TIMEOUT_MS });
    const cancelTask = (taskId) => client.request({ method: 'tasks/cancel', params: { taskId } }, Ack, { timeout: CHECK_TIMEOUT_MS });
    // Polls tasks/get until the status is in `until`; with `answer`, fulfils inputRequests via tasks/update.
    async function poll(created, until, { answer = false, withinMs = CHECK_TIMEOUT_MS, intervalMs } = {}) {
        const polls = [], answered = [], start = Date.now();
        for (;;) {
            expect(Date.now() - start < withinMs, `task ${created.taskId} not ${until.join('/')} within ${withinMs} ms (polls ${show(polls)})`);
            const t = await getTask(created.taskId);
            polls.push({ ms: Date.now() - start, status: t.status, statusMessage: t.statusMessage });
            if (until.includes(t.status)) return { task: t, polls, answered };
            expect(!TERMINAL.includes(t.status), `task ${created.taskId} ended ${show(t.status)} (polls ${show(polls)}), expected ${show(until)}; error=${show(t.error)}`);
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
            await sleep(intervalMs ?? t.pollIntervalMs ?? created.pollIntervalMs ?? 500);
        }
    }
    const name = `ping_ts_v2_2026_${RUN}`;

    const checks = {
        'server/discover capabilities.extensions': async () => {
            const d = await client.request({ method: 'server/discover', params: {} }, Discover);
            expect(d.capabilities.extensions?.[TASKS] !== undefined, `server/discover capabilities=${show(d.capabilities)}, expected extensions.${TASKS}`);
        },
        ...plainChecks(spec, client),
        'square task polled to completion': async () => {
            const task = await createTask('square', { n: 7, delay_ms: SQUARE_DELAY_MS });
            expect(task.status === 'working', `created task=${show(task)}, expected status working`);
            const { task: done, polls } = await poll(task, ['completed'], { intervalMs: FAST_POLL_MS });
            progressVerdict(polls, 'square task');
            expect(!done.result?.isError && onlyText(done.result) === '7 squared is 49', `tasks/get result=${show(done.result)} (polls ${show(polls)})`);
        },
        'square task cancelled': async () => {
            const task = await createTask('square', { n: 3, delay_ms: 60_000 });
            await cancelTask(task.taskId);
            await poll(task, ['cancelled'], { withinMs: CANCEL_WINDOW_MS });
        },
        'confirm task inputRequests answered with tasks/update': async () => {
            const before = elicitations.seen.length;
            const task = await createTask('confirm', { action: 'deploy' });
            const { task: done, polls, answered } = await poll(task, TERMINAL, { answer: true });
            const statuses = polls.map((p) => p.status);
            expect(statuses.includes('input_required') && show(answered) === show(['confirm']), `tasks/get statuses ${show(statuses)}, answered with tasks/update ${show(answered)}, expected input_required with inputRequests key "confirm"`);
            const asked = elicitations.seen.slice(before);
            expect(asked.length === 1 && asked[0].message === 'Really deploy?', `elicitation handler saw ${show(asked)}`);
            expect(asked[0].schema?.properties?.confirm, `requestedSchema=${show(asked[0].schema)}`);
            expect(done.status === 'completed' && !done.result?.isError && onlyText(done.result) === 'done: deploy', `task ended ${show(done)}`);
        },
        'square without a task returns its result': async () => {
            // Without the extension declared, the server must not answer with a task: the SDK's own callTool.
            const plain = await connect(era, spec, url, { name: 'square without a task returns its result (connect)' });
            if (!plain) throw new AssertionError('could not connect a client without the extension');
            try {
                const r = await plain.callTool({ name: 'square', arguments: { n: 4, delay_ms: 0 } }, { timeout: CHECK_TIMEOUT_MS });
                expect(!r.isError && onlyText(r) === '4 squared is 16', `result=${show(r)}`);
            } finally {
                await close(era, plain, 'plain client');
            }
        },
        'register_tool: list_changed on subscriptions/listen, new tool listed and called': async () => {
            const sub = await client.listen({ toolsListChanged: true }, { timeout: CHECK_TIMEOUT_MS });
            try {
                expect(sub.honoredFilter?.toolsListChanged === true, `notifications/subscriptions/acknowledged honored ${show(sub.honoredFilter)}, expected toolsListChanged true`);
                await registerAndObserve(spec, client, changed, name, 'on the subscriptions/listen stream');
            } finally {
                await sub.close();
            }
            await registeredTool(spec, client, name);
        }
    };
    try {
        for (const [label, fn] of Object.entries(checks)) await check(era, label, fn);
    } finally {
        await close(era, client, '/mcp/tools');
    }
    await mathScenario(era, spec, base);
}

async function main(base) {
    for (const [era, spec] of Object.entries(ERAS)) {
        if (spec.version === V2025) await run2025(era, spec, base);
        else await run2026(era, spec, base);
    }
}

const base = process.argv[2] ?? process.env.FLAMA_BASE;
if (process.argv.length > 3 || !base) {
    console.error('usage: node flama_ts.mjs FLAMA_BASE   (or FLAMA_BASE in the environment)');
    process.exit(2);
}
setTimeout(() => {
    console.log(`FAIL ts flama overall: timed out after ${OVERALL_TIMEOUT_MS} ms`);
    process.exit(2);
}, OVERALL_TIMEOUT_MS).unref();
main(base.replace(/\/+$/, '')).then(
    () => process.exit(failures ? 1 : 0),
    (e) => {
        console.error(e);
        process.exit(2);
    }
);
