"""The official Python client's OAuth support against the quickstart as an OAuth resource server.

Starts a small authorization server (this file: RFC 8414 metadata, a JWKS, and a client_credentials
token endpoint issuing ES256 JWTs for the resource the client names), then the quickstart with its
`tools` server requiring tokens from it (MCP_TOOLS_AUTH_MODE=oauth). The client, knowing only the
server's URL and its client credentials, must find the authorization server through the 401's
`resource_metadata`, get a token and call tools, in both protocol eras. Tokens that are not good
enough are tried too.

Usage: oauth_client.py QUICKSTART_BIN   Prints PASS/FAIL lines; exits 1 when one failed.
"""

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from mcp import Client
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
from mcp.client.streamable_http import streamable_http_client

BIN = sys.argv[1]
if os.environ.get('OAUTH_DEBUG'):
    import logging
    logging.basicConfig(level=logging.DEBUG)
CLIENT_ID, CLIENT_SECRET = "e2e-client", "e2e-client-secret-0123456789"
KEY = ec.generate_private_key(ec.SECP256R1())
KID = "e2e-key-1"
failed = 0
tokens_issued = []


def check(name, ok, detail=""):
    global failed
    print(f"{'PASS' if ok else 'FAIL'} oauth {name}{'' if ok else f': {detail}'}", flush=True)
    if not ok:
        failed += 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


AS_PORT, MCP_PORT = free_port(), free_port()
ISSUER = f"http://127.0.0.1:{AS_PORT}"
RESOURCE = f"http://127.0.0.1:{MCP_PORT}/mcp/tools"


def jwk():
    numbers = KEY.public_key().public_numbers()
    b64 = lambda n: base64.urlsafe_b64encode(n.to_bytes(32, "big")).decode().rstrip("=")
    return {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y), "kid": KID, "alg": "ES256", "use": "sig"}


def issue(audience, scope, lifetime=300, key=KEY, kid=KID, issuer=ISSUER):
    now = int(time.time())
    claims = {"iss": issuer, "aud": audience, "sub": CLIENT_ID, "iat": now, "exp": now + lifetime, "scope": scope}
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid})


class AuthorizationServer(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
            self.reply(200, {
                "issuer": ISSUER,
                # Required by the metadata format; this server grants client credentials only.
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
                "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "response_types_supported": ["code"],
                "scopes_supported": ["mcp"],
            })
        elif self.path == "/jwks":
            self.reply(200, {"keys": [jwk()]})
        elif self.path.startswith("/authorize"):
            self.reply(400, {"error": "unsupported_response_type"})
        else:
            self.reply(404, {"error": "not_found"})

    def do_POST(self):
        if self.path != "/token":
            return self.reply(404, {"error": "not_found"})
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("content-length", 0))).decode())
        basic = self.headers.get("authorization", "")
        client = (form.get("client_id", [None])[0], form.get("client_secret", [None])[0])
        if basic.lower().startswith("basic "):
            user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
            client = (urllib.parse.unquote(user), urllib.parse.unquote(password))
        if client != (CLIENT_ID, CLIENT_SECRET):
            return self.reply(401, {"error": "invalid_client"})
        if form.get("grant_type", [""])[0] != "client_credentials":
            return self.reply(400, {"error": "unsupported_grant_type"})
        # RFC 8707: the token is for the resource the client names.
        resource = form.get("resource", [RESOURCE])[0]
        scope = form.get("scope", ["mcp"])[0]
        tokens_issued.append({"resource": resource, "scope": scope})
        self.reply(200, {"access_token": issue(resource, scope), "token_type": "Bearer", "expires_in": 300, "scope": scope})


class Memory:
    def __init__(self):
        self.tokens, self.client = None, None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, info):
        self.client = info


def wait_for(port, process):
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not listen")


def raw(token, method="tools/list"):
    """A stateless request with `token`, over plain HTTP: status, WWW-Authenticate."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}}}).encode()
    headers = {"content-type": "application/json", "accept": "application/json, text/event-stream",
               "mcp-protocol-version": "2026-07-28", "mcp-method": method}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(RESOURCE, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers.get("www-authenticate")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("www-authenticate")


async def through_the_client(mode):
    provider = ClientCredentialsOAuthProvider(
        server_url=RESOURCE, storage=Memory(), client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        scope="mcp", issuer=ISSUER,
    )
    async with httpx2.AsyncClient(auth=provider, timeout=30) as http:
        async with Client(streamable_http_client(RESOURCE, http_client=http), mode=mode) as client:
            tools = [t.name for t in (await client.list_tools()).tools]
            added = await client.call_tool("add", {"a": 20, "b": 22})
            return tools, added.content[0].text


async def main():
    authorization = ThreadingHTTPServer(("127.0.0.1", AS_PORT), AuthorizationServer)
    threading.Thread(target=authorization.serve_forever, daemon=True).start()
    env = dict(os.environ, PORT=str(MCP_PORT), RUST_LOG="warn", MCP_TOOLS_AUTH_MODE="oauth",
               MCP_TOOLS_OAUTH_ISSUER=ISSUER, MCP_TOOLS_OAUTH_AUDIENCE=RESOURCE,
               MCP_TOOLS_OAUTH_JWKS_URL=f"{ISSUER}/jwks", MCP_TOOLS_OAUTH_SCOPES="mcp")
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(MCP_PORT, server)
        # The key set is fetched in the background at start-up.
        for _ in range(50):
            if raw(issue(RESOURCE, "mcp"))[0] == 200:
                break
            await asyncio.sleep(0.1)
        status, challenge = raw(None)
        check("no token: 401 naming the metadata", status == 401 and f'resource_metadata="{RESOURCE}/.well-known/oauth-protected-resource"' in (challenge or ""), (status, challenge))
        with urllib.request.urlopen(f"{RESOURCE}/.well-known/oauth-protected-resource", timeout=10) as resp:
            metadata = json.load(resp)
        check("the metadata names the resource and its issuer", metadata.get("resource") == RESOURCE and metadata.get("authorization_servers") == [ISSUER], metadata)
        for label, token in [
            ("expired", issue(RESOURCE, "mcp", lifetime=-120)),
            ("for another resource", issue("http://127.0.0.1:1/mcp/other", "mcp")),
            ("from another issuer", issue(RESOURCE, "mcp", issuer="http://127.0.0.1:1")),
            ("signed by another key", issue(RESOURCE, "mcp", key=ec.generate_private_key(ec.SECP256R1()))),
            ("alg none", jwt.encode({"iss": ISSUER, "aud": RESOURCE, "sub": "x", "exp": int(time.time()) + 60}, None, algorithm="none")),
        ]:
            status, challenge = raw(token)
            check(f"a token {label}: 401 invalid_token", status == 401 and 'error="invalid_token"' in (challenge or ""), (status, challenge))
        status, challenge = raw(issue(RESOURCE, "read"))
        check("a token without the scope: 403 insufficient_scope", status == 403 and 'error="insufficient_scope"' in (challenge or "") and 'scope="mcp"' in challenge, (status, challenge))
        for mode in ["legacy", "2026-07-28"]:
            try:
                tools, added = await asyncio.wait_for(through_the_client(mode), 60)
                check(f"the Python client ({mode}) finds the issuer, gets a token and calls a tool", added == "42" and "add" in tools and "whoami" not in tools, (tools, added))
            except Exception as err:  # a crash is one failure
                check(f"the Python client ({mode}) finds the issuer, gets a token and calls a tool", False, repr(err))
        check("the tokens were asked for this resource", tokens_issued and all(t["resource"] == RESOURCE for t in tokens_issued), tokens_issued)
    finally:
        server.terminate()
        try:
            _, stderr = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            _, stderr = server.communicate()
        authorization.shutdown()
    log = stderr.decode(errors="replace")
    check("no token or client secret in the server's log", CLIENT_SECRET not in log and "eyJ" not in log, log[-500:])
    return 1 if failed else 0


sys.exit(asyncio.run(main()))
