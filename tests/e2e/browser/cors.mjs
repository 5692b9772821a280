// A page in headless Chromium calls the quickstart's `tools` server from another origin: the
// allowed origin (http://app.test:PORT) gets its preflights answered, reads the session id, the
// protocol revision and a 401's challenge, and is served; a foreign origin (http://evil.test:PORT)
// is refused before anything is read (its fetches fail). Both names resolve to 127.0.0.1 inside
// Chromium only (--host-resolver-rules).
//
// Usage: node cors.mjs MCP_BASE PAGE_PORT READER_KEY   (MCP_BASE e.g. http://127.0.0.1:8000)
// Prints PASS/FAIL lines; exits 1 when one failed.
import http from "node:http";
import { chromium } from "playwright-core";

const [base, pagePort, readerKey] = process.argv.slice(2);
const endpoint = `${base}/mcp/tools`;
let failed = 0;
const check = (name, ok, detail) => {
    console.log(`${ok ? "PASS" : "FAIL"} browser ${name}${ok ? "" : `: ${JSON.stringify(detail)}`}`);
    if (!ok) failed += 1;
};

// What the page runs: each step's outcome, or the error a blocked fetch throws.
async function pageScript({ endpoint, key }) {
    const envelope = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { name: "browser", version: "1.0.0" },
    };
    const attempt = async (step) => {
        try {
            return await step();
        } catch (err) {
            return { blocked: String(err) };
        }
    };
    const post = (headers, body) =>
        fetch(endpoint, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
            body: JSON.stringify(body),
        });
    const out = {};
    out.stateless = await attempt(async () => {
        const r = await post(
            { "x-api-key": key, "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "add" },
            { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "add", arguments: { a: 2, b: 3 }, _meta: envelope } },
        );
        return { status: r.status, body: await r.json() };
    });
    out.session = await attempt(async () => {
        const init = await post(
            { authorization: `Bearer ${key}` },
            { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "browser", version: "1" } } },
        );
        const session = init.headers.get("mcp-session-id");
        const revision = (await init.json()).result?.protocolVersion;
        const list = await post(
            { authorization: `Bearer ${key}`, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" },
            { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} },
        );
        const tools = (await list.json()).result.tools.map((t) => t.name);
        return { session, revision, tools, status: list.status };
    });
    out.unauthorized = await attempt(async () => {
        const r = await post(
            { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" },
            { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: envelope } },
        );
        return { status: r.status, challenge: r.headers.get("www-authenticate") };
    });
    return out;
}

// Serves an empty page under any host name.
const pages = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>page</title><p>page</p>");
});
await new Promise((resolve) => pages.listen(Number(pagePort), "127.0.0.1", resolve));

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP app.test 127.0.0.1, MAP evil.test 127.0.0.1",
    ],
});
try {
    const page = await browser.newPage();
    await page.goto(`http://app.test:${pagePort}/`);
    const allowed = await page.evaluate(pageScript, { endpoint, key: readerKey });
    check("allowed origin: stateless call with X-API-Key after a preflight", allowed.stateless?.status === 200 && allowed.stateless.body?.result?.content?.[0]?.text === "5", allowed.stateless);
    check("allowed origin: reads Mcp-Session-Id and works in the session", typeof allowed.session?.session === "string" && allowed.session.session.length > 0 && allowed.session.status === 200, allowed.session);
    check("allowed origin: a reader's list has no admin tool", Array.isArray(allowed.session?.tools) && allowed.session.tools.includes("add") && !allowed.session.tools.includes("whoami"), allowed.session);
    check("allowed origin: reads a 401's WWW-Authenticate", allowed.unauthorized?.status === 401 && /^Bearer realm="mcp"/.test(allowed.unauthorized.challenge ?? ""), allowed.unauthorized);

    await page.goto(`http://evil.test:${pagePort}/`);
    const foreign = await page.evaluate(pageScript, { endpoint, key: readerKey });
    for (const step of ["stateless", "session", "unauthorized"]) {
        check(`foreign origin: ${step} is blocked`, typeof foreign[step]?.blocked === "string", foreign[step]);
    }
} finally {
    await browser.close();
    pages.close();
}
process.exit(failed ? 1 : 0);
