#!/usr/bin/env bash
# The guards of a running quickstart, attacked over real sockets (tests/e2e/attacks.py) and called
# from a page on another origin in headless Chromium (tests/e2e/browser/cors.mjs): `tools` behind API
# keys with roles, a per-key rate limit and one extra allowed origin; `math` behind HMAC signing. Then the
# official Python client's OAuth support against a quickstart that takes only OAuth tokens, from a small
# authorization server the test runs (tests/e2e/oauth_client.py).
# Installs Debian's chromium when it is missing, and playwright-core under tests/e2e/browser.
#
# Usage: tests/e2e/guards.sh   Env: E2E_SERVER_BIN (a prebuilt quickstart), CHROMIUM (default /usr/bin/chromium)
# Last line: `N passed, M failed`.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/../.." && pwd)"
cd "$ROOT"
LOG_DIR="$ROOT/target/e2e-logs"
mkdir -p "$LOG_DIR"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
    echo "guards: installing Debian's chromium"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >"$LOG_DIR/apt-chromium.log" 2>&1 \
        || { tail -20 "$LOG_DIR/apt-chromium.log"; echo "0 passed, 1 failed"; exit 1; }
fi
BROWSER_DIR="$E2E_DIR/browser"
if [[ ! "$BROWSER_DIR/node_modules/.package-lock.json" -nt "$BROWSER_DIR/package-lock.json" ]]; then
    echo "guards: npm ci in tests/e2e/browser"
    (cd "$BROWSER_DIR" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

# The official Python client (as tests/e2e/run.sh pins it), with PyJWT's crypto for the test's issuer.
MCP_PY_VERSION=2.3.0
VENV="${E2E_VENV:-$ROOT/target/e2e-venv}"
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys, jwt, cryptography; sys.exit(m.version('mcp') != '$MCP_PY_VERSION')" 2>/dev/null; then
    echo "guards: installing mcp==$MCP_PY_VERSION and pyjwt[crypto] into $VENV"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check --timeout 60 "mcp==$MCP_PY_VERSION" "pyjwt[crypto]"
fi

if [[ -n "${E2E_SERVER_BIN:-}" ]]; then
    SERVER_BIN="$E2E_SERVER_BIN"
else
    cargo build -p quickstart
    SERVER_BIN="$ROOT/target/debug/quickstart"
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
PAGE_PORT="$(free_port)"
export READER_KEY="reader-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
export ADMIN_KEY="admin-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
export FLOOD_A_KEY="flood-a-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
export FLOOD_B_KEY="flood-b-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
export HMAC_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
export RATE_PER_MINUTE=60

SERVER_LOG="$LOG_DIR/guards-server.log"
PORT="$PORT" RUST_LOG="${RUST_LOG:-debug}" \
    MCP_TOOLS_API_KEYS_MAP="$READER_KEY:read;$ADMIN_KEY:admin;$FLOOD_A_KEY:read;$FLOOD_B_KEY:read" \
    MCP_TOOLS_RATE_LIMIT="$RATE_PER_MINUTE/m" MCP_TOOLS_RATE_SCOPE=key MCP_TOOLS_TOOL_RATE_LIMITS="divide:3/m" \
    MCP_TOOLS_ALLOWED_ORIGINS="http://app.test:$PAGE_PORT" \
    MCP_MATH_HMAC_SECRET="$HMAC_SECRET" \
    "$SERVER_BIN" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 150); do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "guards: the server exited:"; cat "$SERVER_LOG"; echo "0 passed, 1 failed"; exit 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.2
done
BASE="http://127.0.0.1:$PORT"
echo "guards: quickstart on $BASE, log $SERVER_LOG"

OUT="$LOG_DIR/guards.out"
: >"$OUT"
crashed=0
run() { # name command...
    local name=$1 rc
    shift
    set +e
    timeout 300 "$@" 2>&1 | tee -a "$OUT"
    rc=${PIPESTATUS[0]}
    set -e
    if [[ $rc -ne 0 && $rc -ne 1 ]]; then
        crashed=1
        echo "FAIL guards $name: exited with status $rc" | tee -a "$OUT"
    fi
}
# The browser first: the attacks exhaust a flood key's bucket and one client's session quota.
CHROMIUM="$CHROMIUM" run browser node "$BROWSER_DIR/cors.mjs" "$BASE" "$PAGE_PORT" "$READER_KEY"
run attacks python3 "$E2E_DIR/attacks.py" "$BASE" "$SERVER_LOG"
# OAuth: its own quickstart and authorization server, started by the script.
run oauth "$VENV/bin/python" "$E2E_DIR/oauth_client.py" "$SERVER_BIN"

passed=$(grep -c "^PASS " "$OUT" || true)
failed=$(grep -c "^FAIL " "$OUT" || true)
if [[ $failed -gt 0 ]]; then
    echo "guards: last 40 lines of $SERVER_LOG:"
    tail -n 40 "$SERVER_LOG"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $crashed -eq 0 ]]
