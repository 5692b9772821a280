#!/usr/bin/env node
// End-to-end scenario for the quickstart server, driven by the official TypeScript SDK clients.
//
// Usage: node ts_client.mjs BASE_URL [CONFORMANCE_URL]
//   BASE_URL         the quickstart server (e.g. http://127.0.0.1:8000)
//   CONFORMANCE_URL  the conformance example's endpoint: a tool that reports progress and one that elicits
//                    input, in every era
//
// Eras run:
//   ts-v1/2025-11-25  @modelcontextprotocol/sdk@1.32.2: legacy only; initialize always offers
//                     LATEST_PROTOCOL_VERSION = 2025-11-25 (sdk/dist/esm/client/index.js, Client.connect).
//   ts-v2/<legacy>    @modelcontextprotocol/client@2.x with `versionNegotiation` absent (default mode 'legacy'):
//                     initialize offers the first pre-2026 entry of the `supportedProtocolVersions` option
//                     (Client._legacyHandshake), so 2025-11-25, 2025-06-18 and 2025-03-26 are each run.
//   ts-v2/auto        versionNegotiation: {mode: 'auto'}: server/discover probe, legacy fallback.
//   ts-v2/2026-07-28  versionNegotiation: {mode: {pin: '2026-07-28'}}: stateless revision, no fallback.
// With E2E_STDIO_BIN and E2E_STDIO_CONFORMANCE_BIN set, every era runs again over stdio ("<era>/stdio"): the
// client launches `BIN stdio --server NAME` as a subprocess (StdioClientTransport of each SDK).
// Every check prints `PASS <era> <name>` or `FAIL <era> <name>: <detail>`; exit 0 only when all passed.

import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import {
    Client as ClientV2,
    ResourceNotFoundError,
    StreamableHTTPClientTransport as TransportV2
} from '@modelcontextprotocol/client';

const CHECK_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 230_000;
const MODERN = '2026-07-28';
const info = { name: 'quickstart-e2e', version: '0.0.0' };

const legacyV2 = (v) => ({ version: v, options: { supportedProtocolVersions: [v] } });
const ERAS = {
    'ts-v1/2025-11-25': { version: '2025-11-25', v1: true, options: {} },
    'ts-v2/2025-11-25': legacyV2('2025-11-25'),
    'ts-v2/2025-06-18': legacyV2('2025-06-18'),
    'ts-v2/2025-03-26': legacyV2('2025-03-26'),
    'ts-v2/auto': { version: MODERN, options: { versionNegotiation: { mode: 'auto' } } },
    'ts-v2/2026-07-28': { version: MODERN, options: { versionNegotiation: { mode: { pin: MODERN } } } }
};

// A client for `spec`; with `elicit`, it declares elicitation and answers with `elicit(params)`.
function makeClient(spec, elicit) {
    const options = elicit ? { ...spec.options, capabilities: { elicitation: {} } } : spec.options;
    const client = spec.v1 ? new ClientV1(info, options) : new ClientV2(info, options);
    if (elicit) {
        const handler = async (request) => elicit(request.params);
        if (spec.v1) client.setRequestHandler(ElicitRequestSchema, handler);
        else client.setRequestHandler('elicitation/create', handler);
    }
    return client;
}

let failures = 0;
function report(era, name, error) {
    if (error === undefined) console.log(`PASS ${era} ${name}`);
    else {
        failures++;
        console.log(`FAIL ${era} ${name}: ${String(error).replace(/\n/g, ' | ')}`);
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

function onlyText(result) {
    const blocks = (result.content ?? []).filter((c) => c.type === 'text');
    expect(blocks.length === 1, `expected one text block, got ${show(result)}`);
    return blocks[0].text;
}

// `url` is an http URL, or `stdio:BIN[ NAME]`: BIN launched with `stdio [--server NAME]`.
function transportFor(spec, url) {
    if (!url.startsWith('stdio:')) return spec.v1 ? new TransportV1(new URL(url)) : new TransportV2(new URL(url));
    const [command, server] = url.slice('stdio:'.length).split(' ');
    const params = { command, args: ['stdio', ...(server ? ['--server', server] : [])], env: { ...process.env, RUST_LOG: 'warn' }, stderr: 'inherit' };
    if (!spec.v1) return new StdioV2(params);
    // v1's Client hands the negotiated version to transports that take it (HTTP); let this one keep it too.
    const transport = new StdioV1(params);
    transport.setProtocolVersion = (version) => {
        transport.protocolVersion = version;
    };
    return transport;
}

async function connect(era, spec, url, elicit) {
    const client = makeClient(spec, elicit);
    const transport = transportFor(spec, url);
    try {
        await withTimeout(client.connect(transport, { timeout: CHECK_TIMEOUT_MS }));
    } catch (e) {
        report(era, `connect ${url}`, describe(e));
        await client.close().catch(() => {});
        return undefined;
    }
    const got = spec.v1 ? transport.protocolVersion : client.getNegotiatedProtocolVersion();
    report(era, `connect ${url}`, got === spec.version ? undefined : `negotiated ${show(got)}, expected ${show(spec.version)}`);
    return client;
}

async function toolsScenario(era, client, { version, v1 }) {
    const notFoundCode = version === MODERN ? -32602 : -32002;
    const structured = version !== '2025-03-26'; // outputSchema/structuredContent arrived in 2025-06-18
    const checks = {
        'tools serverInfo': async () => {
            const name = client.getServerVersion()?.name;
            expect(name === 'tools', `serverInfo.name=${show(name)}`);
        },
        'tools/list': async () => {
            const tools = Object.fromEntries((await client.listTools()).tools.map((t) => [t.name, t]));
            const names = Object.keys(tools).sort();
            expect(show(names) === show(['add', 'divide', 'greet', 'word_stats']), `tools=${show(names)}`);
            expect(tools.add.description === 'Add two integers.', `add.description=${show(tools.add.description)}`);
            if (structured) expect(tools.word_stats.outputSchema !== undefined, 'word_stats has no outputSchema');
        },
        'call add': async () => {
            const r = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
            expect(!r.isError && onlyText(r) === '5', `result=${show(r)}`);
        },
        'call greet': async () => {
            const r = await client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
            expect(!r.isError && onlyText(r) === 'Hello, Ada!', `result=${show(r)}`);
        },
        'call divide': async () => {
            const r = await client.callTool({ name: 'divide', arguments: { a: 6, b: 3 } });
            expect(!r.isError && parseFloat(onlyText(r)) === 2, `result=${show(r)}`);
        },
        'call divide by zero': async () => {
            const r = await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } });
            expect(r.isError === true && onlyText(r) === 'division by zero', `result=${show(r)}`);
        },
        'call word_stats': async () => {
            const text = 'hello big world';
            const want = { words: 3, characters: text.length, longest: 'hello' };
            const r = await client.callTool({ name: 'word_stats', arguments: { text } });
            expect(!r.isError, `result=${show(r)}`);
            if (structured) expect(show(r.structuredContent) === show(want), `structuredContent=${show(r.structuredContent)}, expected ${show(want)}`);
            expect(show(JSON.parse(onlyText(r))) === show(want), `text copy=${show(onlyText(r))}`);
        },
        'call word_stats with a null field': async () => {
            // `longest` is `None`: sent as null, which the output schema allows; the client validates it.
            const want = { words: 0, characters: 0, longest: null };
            const r = await client.callTool({ name: 'word_stats', arguments: { text: '' } });
            expect(!r.isError, `result=${show(r)}`);
            if (structured) expect(show(r.structuredContent) === show(want), `structuredContent=${show(r.structuredContent)}, expected ${show(want)}`);
        },
        'resources/list': async () => {
            const res = (await client.listResources()).resources.find((r) => r.uri === 'config://app');
            expect(res?.mimeType === 'application/json', `config://app listing=${show(res)}`);
        },
        'resources/templates/list': async () => {
            const tpls = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
            expect(tpls.includes('users://{id}/profile'), `templates=${show(tpls)}`);
        },
        'read config://app': async () => {
            const r = await client.readResource({ uri: 'config://app' });
            const c = r.contents;
            expect(c.length === 1 && c[0].uri === 'config://app' && c[0].mimeType === 'application/json', `contents=${show(c)}`);
            expect(show(JSON.parse(c[0].text)) === show({ debug: true }), `text=${show(c[0].text)}`);
        },
        'read users://1/profile': async () => {
            const r = await client.readResource({ uri: 'users://1/profile' });
            expect(show(r.contents.map((c) => c.text)) === show(['User 1: Ada Lovelace']), `contents=${show(r.contents)}`);
        },
        'read users://99/profile not found': async () => {
            let r;
            try {
                r = await client.readResource({ uri: 'users://99/profile' });
            } catch (e) {
                if (v1) expect(e?.code === notFoundCode, `got ${describe(e)}, expected code ${notFoundCode}`);
                // v2 decodes both -32002 and -32602-with-data.uri into ResourceNotFoundError (code -32602), so the
                // wire code is not observable here; python_client and ts-v1 check it.
                else expect(e instanceof ResourceNotFoundError && e.uri === 'users://99/profile', `got ${describe(e)}, expected ResourceNotFoundError`);
                return;
            }
            throw new AssertionError(`expected JSON-RPC error ${notFoundCode}, got result ${show(r)}`);
        },
        'prompts/list': async () => {
            const p = (await client.listPrompts()).prompts.find((p) => p.name === 'summarise');
            const args = Object.fromEntries((p?.arguments ?? []).map((a) => [a.name, !!a.required]));
            expect(show(args) === show({ text: true, style: false }), `summarise=${show(p)}`);
        },
        'prompts/get summarise': async () => {
            const text = 'MCP is a protocol for tools.';
            const r = await client.getPrompt({ name: 'summarise', arguments: { text } });
            const got = r.messages[0]?.content?.text ?? '';
            expect(r.messages.length === 1 && r.messages[0].role === 'user', `messages=${show(r.messages)}`);
            expect(got.startsWith('Summarise the following') && got.includes(text), `text=${show(got)}`);
        },
        'complete prompt style': async () => {
            const r = await client.complete({ ref: { type: 'ref/prompt', name: 'summarise' }, argument: { name: 'style', value: 'b' } });
            expect(show(r.completion.values) === show(['brief', 'bullet points']), `values=${show(r.completion.values)}`);
        },
        'complete template id': async () => {
            const ref = { type: 'ref/resource', uri: 'users://{id}/profile' };
            const r = await client.complete({ ref, argument: { name: 'id', value: '' } });
            expect(show(r.completion.values) === show(['1', '2', '3']), `values=${show(r.completion.values)}`);
        }
    };
    for (const [name, fn] of Object.entries(checks)) await check(era, name, fn);
}

async function mathScenario(era, client) {
    const checks = {
        'math serverInfo': async () => {
            const name = client.getServerVersion()?.name;
            expect(name === 'math', `serverInfo.name=${show(name)}`);
        },
        'math tools/list': async () => {
            const names = (await client.listTools()).tools.map((t) => t.name);
            expect(show(names) === show(['multiply']), `tools=${show(names)}`);
        },
        'math capabilities': async () => {
            const caps = client.getServerCapabilities();
            expect(caps?.tools && !caps.resources && !caps.prompts, `capabilities=${show(caps)}`);
        },
        'call multiply': async () => {
            const r = await client.callTool({ name: 'multiply', arguments: { a: 6, b: 7 } });
            expect(!r.isError && onlyText(r) === '42', `result=${show(r)}`);
        }
    };
    for (const [name, fn] of Object.entries(checks)) await check(era, name, fn);
}

// The conformance example: a tool that reports progress and one that elicits input.
async function conformanceScenario(era, spec, url) {
    const client = await connect(era, spec, url, (params) => ({
        action: 'accept',
        content: { response: `yes to ${params.message}` }
    }));
    if (!client) return;
    const call = (params, options) => (spec.v1 ? client.callTool(params, undefined, options) : client.callTool(params, options));
    const checks = {
        'conformance progress tool': async () => {
            const seen = [];
            const r = await call(
                { name: 'test_tool_with_progress', arguments: {} },
                { onprogress: (p) => seen.push(p), timeout: CHECK_TIMEOUT_MS }
            );
            expect(!r.isError && onlyText(r) === 'Progress test completed', `result=${show(r)}`);
            // The server writes the three notifications, then the result, each line flushed on its
            // own. Over a pipe, a client that reads the last notification and the result in one
            // chunk handles the result first (the TypeScript SDKs run notification handlers a tick
            // later) and drops the notification as one for a finished request: then only the last
            // one may be missing. Over HTTP, and in the Python client, all three must arrive.
            const got = show(seen.map((p) => p.progress));
            const ok = got === show([0, 50, 100]) || (url.startsWith('stdio:') && got === show([0, 50]));
            expect(ok && seen.every((p) => p.total === 100), `progress=${show(seen)}`);
        },
        // In a 2025-11-25 session the tool closes its stream first: the client reconnects with
        // Last-Event-ID to get the result. Elsewhere it simply answers.
        'conformance reconnection tool': async () => {
            const r = await call({ name: 'test_reconnection', arguments: {} });
            expect(!r.isError && onlyText(r) === 'Reconnection test completed successfully', `result=${show(r)}`);
        },
        'conformance elicitation tool': async () => {
            const r = await call({ name: 'test_elicitation', arguments: { message: 'Proceed?' } });
            const text = onlyText(r);
            expect(!r.isError && text.includes('action=Accept') && text.includes('yes to Proceed?'), `result=${show(r)}`);
        }
    };
    try {
        for (const [name, fn] of Object.entries(checks)) await check(era, name, fn);
    } finally {
        await withTimeout(client.close()).catch((e) => report(era, 'close conformance', describe(e)));
    }
}

async function main(base, conformance) {
    const runs = Object.entries(ERAS).map(([era, spec]) => [era, spec, base, conformance]);
    const { E2E_STDIO_BIN: stdioBin, E2E_STDIO_CONFORMANCE_BIN: stdioConformance } = process.env;
    if (stdioBin) {
        for (const [era, spec] of Object.entries(ERAS)) runs.push([`${era}/stdio`, spec, `stdio:${stdioBin}`, stdioConformance && `stdio:${stdioConformance}`]);
    }
    for (const [era, spec, target, conformanceTarget] of runs) {
        if (conformanceTarget) await conformanceScenario(era, spec, conformanceTarget);
        for (const [path, scenario] of [['/mcp/tools', toolsScenario], ['/mcp/math', mathScenario]]) {
            const where = target.startsWith('stdio:') ? `${target} ${path.split('/').pop()}` : target + path;
            const client = await connect(era, spec, where);
            if (!client) continue;
            try {
                await scenario(era, client, spec);
            } finally {
                await withTimeout(client.close()).catch((e) => report(era, `close ${path}`, describe(e)));
            }
        }
    }
}

if (process.argv.length !== 3 && process.argv.length !== 4) {
    console.error('usage: node ts_client.mjs BASE_URL [CONFORMANCE_URL]');
    process.exit(2);
}
setTimeout(() => {
    console.log(`FAIL ts overall: timed out after ${OVERALL_TIMEOUT_MS} ms`);
    process.exit(2);
}, OVERALL_TIMEOUT_MS).unref();
main(process.argv[2].replace(/\/+$/, ''), process.argv[3]).then(
    () => process.exit(failures ? 1 : 0),
    (e) => {
        console.error(e);
        process.exit(2);
    }
);
