"""Attacks on the guards of a running quickstart, over real sockets, in both protocol eras.

The server runs with (see guards.sh): `tools` behind API keys with roles and a per-key rate limit,
allowing one extra browser origin; `math` behind HMAC request signing. Every attempt to get past a
guard must get the right status and JSON-RPC error body, reach no handler it should not, and leave
no key or secret in the server's log.

Usage: attacks.py BASE_URL SERVER_LOG   (environment: READER_KEY, ADMIN_KEY, FLOOD_A_KEY, FLOOD_B_KEY,
HMAC_SECRET, RATE_PER_MINUTE). Prints PASS/FAIL lines; exits 1 when one failed.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import sys
import time
import urllib.parse

BASE = urllib.parse.urlparse(sys.argv[1])
SERVER_LOG = sys.argv[2]
READER = os.environ["READER_KEY"]
ADMIN = os.environ["ADMIN_KEY"]
FLOOD_A = os.environ["FLOOD_A_KEY"]
FLOOD_B = os.environ["FLOOD_B_KEY"]
SECRET = os.environ["HMAC_SECRET"]
RATE = int(os.environ["RATE_PER_MINUTE"])
MODERN = "2026-07-28"
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "attacks", "version": "1.0.0"},
}

failed = 0


def check(name, ok, detail=""):
    global failed
    print(f"{'PASS' if ok else 'FAIL'} attack {name}{'' if ok else f': {detail}'}", flush=True)
    if not ok:
        failed += 1


class Conn:
    """One keep-alive connection."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=30)

    def send(self, path, body, headers=None, method="POST"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        head = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
        head.update(headers or {})
        self.conn.request(method, path, body=data, headers=head)
        resp = self.conn.getresponse()
        raw = resp.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, parsed


def rpc(method, params, id=1):
    return {"jsonrpc": "2.0", "id": id, "method": method, "params": params}


def modern(conn, key_headers, method, params, name=None, path="/mcp/tools"):
    params = dict(params, _meta=ENVELOPE)
    headers = {"mcp-protocol-version": MODERN, "mcp-method": method, **key_headers}
    if name is not None:
        headers["mcp-name"] = name
    return conn.send(path, rpc(method, params), headers)


def initialize(conn, key_headers, version="2025-11-25", path="/mcp/tools"):
    body = rpc("initialize", {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "attacks", "version": "1"}}, 0)
    return conn.send(path, body, key_headers)


def error_of(body):
    return body.get("error", {}) if isinstance(body, dict) else {}


def api_keys():
    c = Conn()
    for label, headers, says in [
        ("no key", {}, "requires an API key"),
        ("wrong key", {"x-api-key": READER + "x"}, "not valid"),
        ("wrong bearer", {"authorization": "Bearer " + ADMIN[:-1]}, "not valid"),
        ("two different keys", {"authorization": "Bearer " + READER, "x-api-key": ADMIN}, "different keys"),
        ("basic scheme", {"authorization": "Basic " + base64.b64encode(b"a:b").decode()}, "must be `Bearer"),
    ]:
        for era, send in [("2026-07-28", lambda h: modern(c, h, "tools/list", {})), ("2025-11-25", lambda h: initialize(c, h))]:
            status, head, body = send(headers)
            ok = status == 401 and says in error_of(body).get("message", "") and head.get("www-authenticate", "").startswith('Bearer realm="mcp"')
            check(f"api key: {label} ({era}) is 401", ok, (status, head.get("www-authenticate"), body))


def roles():
    c = Conn()
    reader, admin = {"x-api-key": READER}, {"x-api-key": ADMIN}
    status, _, body = modern(c, reader, "tools/list", {})
    names = [t["name"] for t in body["result"]["tools"]]
    check("roles: a reader's list hides the admin tool", status == 200 and "whoami" not in names and "add" in names, names)
    status, _, body = modern(c, admin, "tools/list", {})
    check("roles: an admin's list shows it", "whoami" in [t["name"] for t in body["result"]["tools"]], body)
    _, _, hidden = modern(c, reader, "tools/call", {"name": "whoami", "arguments": {}}, "whoami")
    _, _, unknown = modern(c, reader, "tools/call", {"name": "nosuch", "arguments": {}}, "nosuch")
    same = json.dumps(hidden).replace("whoami", "nosuch") == json.dumps(unknown)
    check("roles: calling it as a reader (2026-07-28) is exactly an unknown tool", same and error_of(hidden).get("code") == -32602, (hidden, unknown))
    _, _, served = modern(c, admin, "tools/call", {"name": "whoami", "arguments": {}}, "whoami")
    check("roles: the admin is served as itself", served["result"]["content"][0]["text"] == "key-2 (admin)", served)
    for version in ["2025-11-25", "2025-06-18", "2025-03-26"]:
        status, head, _ = initialize(c, reader, version)
        session = head.get("mcp-session-id")
        headers = {**reader, "mcp-session-id": session, "mcp-protocol-version": version}
        _, _, hidden = c.send("/mcp/tools", rpc("tools/call", {"name": "whoami", "arguments": {}}), headers)
        _, _, unknown = c.send("/mcp/tools", rpc("tools/call", {"name": "nosuch", "arguments": {}}), headers)
        same = json.dumps(hidden).replace("whoami", "nosuch") == json.dumps(unknown)
        check(f"roles: calling it as a reader ({version} session) is exactly an unknown tool", same, (hidden, unknown))
        if version == "2025-03-26":
            batch = [rpc("tools/call", {"name": "whoami", "arguments": {}}, 7), rpc("tools/list", {}, 8)]
            _, _, answers = c.send("/mcp/tools", batch, headers)
            by_id = {a.get("id"): a for a in answers} if isinstance(answers, list) else {}
            ok = error_of(by_id.get(7, {})).get("message") == "Unknown tool: whoami" and "whoami" not in json.dumps(by_id.get(8))
            check("roles: nor through a batch", ok, answers)
        # Another key cannot take the session over, nor end it.
        status, _, _ = c.send("/mcp/tools", rpc("tools/list", {}), {**headers, "x-api-key": ADMIN})
        check(f"roles: an admin key on a reader's session ({version}) is 404", status == 404, status)


def sign(method, path, body, t=None, nonce=None, secret=SECRET, key="default"):
    t = int(time.time()) if t is None else t
    nonce = nonce or base64.urlsafe_b64encode(os.urandom(18)).decode().rstrip("=")
    body_hash = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).decode().rstrip("=")
    text = f"mcp-hmac-v1\n{method}\n{path}\n{key}\n{t}\n{nonce}\n{body_hash}"
    sig = base64.urlsafe_b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode().rstrip("=")
    return f"k={key}, t={t}, n={nonce}, v1={sig}"


def signing():
    c = Conn()
    path = "/mcp/math"
    body = json.dumps(rpc("tools/call", {"name": "multiply", "arguments": {"a": 6, "b": 7}, "_meta": ENVELOPE})).encode()
    base_headers = {"mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "multiply"}
    now = int(time.time())
    for label, signature, says in [
        ("unsigned", None, "requires signed requests"),
        ("wrong secret", sign("POST", path, body, secret=SECRET[::-1]), "not valid"),
        ("expired", sign("POST", path, body, t=now - 600), "too far"),
        ("from the future", sign("POST", path, body, t=now + 600), "too far"),
        ("another body", sign("POST", path, body + b" "), "not valid"),
        ("another path", sign("POST", "/mcp/tools", body), "not valid"),
        ("unknown key id", sign("POST", path, body, key="other"), "not valid"),
    ]:
        headers = dict(base_headers)
        if signature:
            headers["mcp-signature"] = signature
        status, head, answer = c.send(path, body, headers)
        ok = status == 401 and says in error_of(answer).get("message", "") and head.get("www-authenticate", "").startswith("MCP-HMAC-SHA256")
        check(f"hmac: {label} is 401", ok, (status, answer))
    signature = sign("POST", path, body)
    status, _, answer = c.send(path, body, {**base_headers, "mcp-signature": signature})
    check("hmac: a valid signature is served", status == 200 and answer["result"]["content"][0]["text"] == "42", answer)
    status, _, answer = c.send(path, body, {**base_headers, "mcp-signature": signature})
    check("hmac: the same request replayed is 401", status == 401 and "used already" in error_of(answer).get("message", ""), (status, answer))


def flood():
    """Past the per-key limit one key gets 429 with Retry-After; another key is still served."""
    c = Conn()
    flooded = None
    for _ in range(RATE + 50):
        status, head, body = modern(c, {"x-api-key": FLOOD_A}, "tools/list", {})
        if status == 429:
            flooded = (head, body)
            break
    # At once, on a new connection: the bucket refills one token per 60/RATE seconds.
    status, _, _ = modern(Conn(), {"x-api-key": FLOOD_A}, "tools/list", {})
    check("rate: a new connection does not refill the bucket", status == 429, status)
    ok = flooded is not None and int(flooded[0].get("retry-after", "0")) >= 1 and "Too Many Requests" in error_of(flooded[1]).get("message", "")
    check("rate: a flood from one key is refused with 429 and Retry-After", ok, flooded)
    status, _, _ = modern(c, {"x-api-key": FLOOD_B}, "tools/list", {})
    check("rate: another key is still served", status == 200, status)


def tool_limit():
    """`divide` has its own limit (3/m per key): past it 429, while other tools are served."""
    c = Conn()
    key = {"x-api-key": FLOOD_B}
    statuses = []
    for _ in range(4):
        status, head, body = modern(c, key, "tools/call", {"name": "divide", "arguments": {"a": 1, "b": 2}}, "divide")
        statuses.append(status)
    ok = statuses == [200, 200, 200, 429] and head.get("retry-after") and error_of(body).get("message", "").startswith("Too Many Requests")
    check("rate: a tool's own limit refuses its 4th call with 429", ok, (statuses, body))
    status, _, body = modern(c, key, "tools/call", {"name": "add", "arguments": {"a": 1, "b": 2}}, "add")
    check("rate: other tools of that key are still served", status == 200, (status, body))


def origins():
    c = Conn()
    for path, headers in [("/mcp/tools", {"x-api-key": READER}), ("/mcp/math", {})]:
        status, head, body = modern(c, {**headers, "origin": "http://evil.example"}, "tools/list", {})
        check(f"origin: a foreign Origin on {path} is 403", status == 403 and "access-control-allow-origin" not in head, (status, body))
        c.conn.request("OPTIONS", path, headers={"origin": "http://evil.example", "access-control-request-method": "POST"})
        resp = c.conn.getresponse()
        resp.read()
        check(f"origin: a foreign preflight on {path} is 403", resp.status == 403, resp.status)


def bodies():
    c = Conn()
    key = {"x-api-key": ADMIN}
    big = json.dumps(rpc("tools/call", {"name": "greet", "arguments": {"name": "x" * (5 * 1024 * 1024)}, "_meta": ENVELOPE})).encode()
    status, _, body = c.send("/mcp/tools", big, {**key, "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "greet"})
    check("body: 5 MiB is 413", status == 413, (status, body))
    c = Conn()
    nested = b"[" * 100_000 + b"]" * 100_000
    status, _, body = c.send("/mcp/tools", nested, key)
    check("body: 100,000 levels of nesting is 400", status == 400 and error_of(body).get("code") in (-32700, -32600), (status, body))
    nested_obj = ('{"a":' * 50_000 + "1" + "}" * 50_000).encode()
    status, _, body = c.send("/mcp/tools", nested_obj, {**key, "mcp-protocol-version": MODERN})
    check("body: 50,000 nested objects is 400", status == 400 and error_of(body).get("code") in (-32700, -32600), (status, body))
    _, head, _ = initialize(c, key, "2025-03-26")
    session = head.get("mcp-session-id")
    batch = [rpc("ping", {}, i) for i in range(10_000)]
    status, _, body = c.send("/mcp/tools", batch, {**key, "mcp-session-id": session, "mcp-protocol-version": "2025-03-26"})
    check("body: a 10,000-entry batch is 400 -32600", status == 400 and error_of(body).get("code") == -32600, (status, str(body)[:200]))


def sessions():
    """One client opening sessions without end gets 503 with Retry-After at its quota."""
    c = Conn()
    path = "/mcp/math"
    refused = None
    for i in range(1_100):
        body = json.dumps(rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "flood", "version": "1"}}, 0)).encode()
        status, head, answer = c.send(path, body, {"mcp-signature": sign("POST", path, body)})
        if status != 200:
            refused = (i, status, head.get("retry-after"), answer)
            break
    ok = refused is not None and refused[0] == 1000 and refused[1] == 503 and refused[2] is not None
    check("sessions: the 1,001st session of one client is 503 with Retry-After", ok, refused)


def alive_and_quiet():
    c = Conn()
    status, _, body = modern(c, {"x-api-key": READER}, "tools/call", {"name": "add", "arguments": {"a": 1, "b": 2}}, "add")
    check("the server is still up and serving", status == 200 and body["result"]["content"][0]["text"] == "3", body)
    log = open(SERVER_LOG, encoding="utf-8", errors="replace").read()
    leaked = [name for name, value in [("reader key", READER), ("admin key", ADMIN), ("flood key", FLOOD_A), ("hmac secret", SECRET)] if value in log]
    check("no key or secret in the server's log", not leaked and len(log) > 0, leaked)


for step in [api_keys, roles, signing, flood, tool_limit, origins, bodies, sessions, alive_and_quiet]:
    try:
        step()
    except Exception as err:  # a crash in one group is one failure; the others still run
        check(f"{step.__name__} ran", False, repr(err))
sys.exit(1 if failed else 0)
