#!/usr/bin/env bash
# End-to-end tests of the notes example (examples/notes: servers `notes` and `admin`) with two third-party
# clients: the fastmcp Python client (fastmcp==4.2.3, tests/e2e/notes_fastmcp.py; revisions 2025-03-26,
# 2025-06-18, 2025-11-25 and 2026-07-28) and the MCP Inspector's CLI (@modelcontextprotocol/inspector 2.12.0,
# pinned with a Node 22 binary in tests/e2e/inspector/; tests/e2e/notes_inspector.py; 2025-11-25 and
# 2026-07-28). Both validate structured tool results against the tools' outputSchema, and both must accept a
# note whose fields are null (the `*null-fields` checks).
#
# Usage: tests/e2e/notes_clients.sh     (from any directory)
# Env:   E2E_FASTMCP_VENV  Python venv for fastmcp (default: <repo>/target/e2e-fastmcp-venv)
#        E2E_NOTES_BIN     run this prebuilt server instead of `cargo build -p notes` + target/debug/notes
#        E2E_NODE          a node >= 22.19 for the Inspector (default: the one npm ci put in tests/e2e/inspector,
#                          else `node` on PATH if it is new enough)
# Last line: `N passed, M failed`; exit status is non-zero when M > 0 or a client crashed or timed out.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/../.." && pwd)"
cd "$ROOT"

FASTMCP_VERSION=4.2.3
VENV="${E2E_FASTMCP_VENV:-$ROOT/target/e2e-fastmcp-venv}"
INSPECTOR_DIR="$E2E_DIR/inspector"
CLIENT_TIMEOUT=150 # seconds, per client driver (each of its checks has its own, shorter, timeout)
LOG_DIR="$ROOT/target/e2e-logs"
mkdir -p "$LOG_DIR"

# --- clients --------------------------------------------------------------------------------------------------
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('fastmcp') != '$FASTMCP_VERSION')" 2>/dev/null; then
    echo "e2e: installing fastmcp==$FASTMCP_VERSION into $VENV"
    python3 -m venv "$VENV"
    timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check --timeout 60 "fastmcp==$FASTMCP_VERSION"
fi
source "$INSPECTOR_DIR/setup.sh" # sets NODE
echo "e2e: fastmcp $("$VENV/bin/python" -c 'import fastmcp; print(fastmcp.__version__)'), Inspector $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$INSPECTOR_DIR/node_modules/@modelcontextprotocol/inspector/package.json") on node $("$NODE" --version)"

# --- server ---------------------------------------------------------------------------------------------------
if [[ -n "${E2E_NOTES_BIN:-}" ]]; then
    SERVER_BIN="$E2E_NOTES_BIN"
else
    cargo build -p notes
    SERVER_BIN="$ROOT/target/debug/notes"
fi

SERVER_PID=
stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT TERM

SERVER_LOG="$LOG_DIR/notes.log"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PORT="$PORT" "$SERVER_BIN" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 150); do # up to 30 s
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "e2e: notes exited during startup:"; cat "$SERVER_LOG"; echo "0 passed, 1 failed"; exit 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.2
done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || { echo "e2e: notes not listening on port $PORT after 30 s"; cat "$SERVER_LOG"; echo "0 passed, 1 failed"; exit 1; }
BASE="http://127.0.0.1:$PORT"
echo "e2e: notes $SERVER_BIN (pid $SERVER_PID) on 127.0.0.1:$PORT, log $SERVER_LOG"

# --- run ------------------------------------------------------------------------------------------------------
# The drivers run one after the other: each scenario starts with admin's `wipe`, so they share the one server.
OUT="$LOG_DIR/notes_clients.out"
: >"$OUT"
crashed=0
run_client() { # name command...: a driver exits 0 (all passed) or 1 (some FAIL lines); anything else is a crash
    local name=$1 log="$LOG_DIR/$1.out" rc
    shift
    set +e
    timeout "$CLIENT_TIMEOUT" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    grep -E "^(PASS|FAIL) " "$log" >>"$OUT" || true
    if [[ $rc -ne 0 && ($rc -ne 1 || $(grep -c "^FAIL " "$log") -eq 0) ]]; then
        crashed=1
        echo "FAIL $name run: exited with status $rc$([[ $rc -eq 124 ]] && echo " (timed out after ${CLIENT_TIMEOUT}s)")" | tee -a "$OUT"
    fi
}
run_client fastmcp "$VENV/bin/python" "$E2E_DIR/notes_fastmcp.py" "$BASE"
run_client inspector python3 "$E2E_DIR/notes_inspector.py" "$BASE" "$NODE" "$INSPECTOR_DIR"

passed=$(grep -c "^PASS " "$OUT" || true)
failed=$(grep -c "^FAIL " "$OUT" || true)
if [[ $failed -gt 0 ]]; then
    echo "e2e: last 40 lines of $SERVER_LOG:"
    tail -n 40 "$SERVER_LOG"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $crashed -eq 0 ]]
