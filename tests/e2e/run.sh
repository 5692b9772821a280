#!/usr/bin/env bash
# End-to-end tests: the official Python (mcp==2.3.0) and TypeScript (@modelcontextprotocol/sdk v1, client v2)
# MCP clients and the MCP Inspector's CLI against the quickstart server, over HTTP and over stdio (the clients
# launch the binary as a subprocess), in every protocol era each client can speak, plus a progress
# tool and an elicitation tool of the conformance example (examples/conformance) in each of those eras.
# Tasks: tasks_python.py (mcp==2.3.0) and tasks_ts.mjs (sdk 1.32.2 client.experimental.tasks; client 2.4.0 with a
# raw task-creating tools/call) drive the conformance example's task tools over HTTP in 2025-11-25 (experimental
# tasks: params.task, tasks/get|result|list|cancel, questions on the tasks/result stream) and 2026-07-28 (the
# io.modelcontextprotocol/tasks extension: tasks/get|update|cancel): polling, cancel, an elicitation in a task,
# tool and protocol errors, tasks/list, and a plain call of a task tool.
# Flama parity: flama_python.py (mcp==2.3.0: legacy 2025-11-25, and auto 2026-07-28 with the tasks extension) and
# flama_ts.mjs (sdk 1.32.2 at 2025-11-25; client 2.4.0 at 2025-11-25 and at 2026-07-28) drive every item of the
# flama-parity example (examples/flama-parity, servers `tools` and `math` at $FLAMA_BASE/mcp/{tools,math}) over HTTP:
# add, greet, with_ui (structuredContent), multiply, config://app, the summarise prompt, square as a task (polled to
# completion with its progress as statusMessage, and cancelled), confirm as a task with its elicitation answered,
# and register_tool with notifications/tools/list_changed observed (2025: the session's GET stream; 2026: a
# subscriptions/listen stream) and the new tool listed and called. They take only the flama-parity base URL.
#
# Usage: tests/e2e/run.sh            (from any directory)
# Env:   E2E_VENV        Python venv for the client (default: <repo>/target/e2e-venv)
#        E2E_SERVER_BIN  run this prebuilt server instead of `cargo build -p quickstart` + target/debug/quickstart
#        E2E_CONFORMANCE_BIN  likewise for the conformance example (`cargo build -p conformance`)
#        E2E_FLAMA_BIN   likewise for the flama-parity example (`cargo build -p flama-parity`)
# Last line: `N passed, M failed`; exit status is non-zero when M > 0 or a client crashed or timed out.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/../.." && pwd)"
cd "$ROOT"

MCP_PY_VERSION=2.3.0
VENV="${E2E_VENV:-$ROOT/target/e2e-venv}"
CLIENT_TIMEOUT=240 # seconds, per client script
LOG_DIR="$ROOT/target/e2e-logs"
mkdir -p "$LOG_DIR"

# --- clients --------------------------------------------------------------------------------------------------
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != '$MCP_PY_VERSION')" 2>/dev/null; then
    echo "e2e: installing mcp==$MCP_PY_VERSION into $VENV"
    python3 -m venv "$VENV"
    timeout 600 "$VENV/bin/pip" install --quiet --disable-pip-version-check --timeout 60 "mcp==$MCP_PY_VERSION"
fi
# npm ci writes node_modules/.package-lock.json; an older copy (or none) means node_modules is missing or stale.
if [[ ! "$E2E_DIR/node_modules/.package-lock.json" -nt "$E2E_DIR/package-lock.json" ]]; then
    echo "e2e: npm ci in tests/e2e"
    (cd "$E2E_DIR" && timeout 600 npm ci --no-audit --no-fund --loglevel=error)
fi

INSPECTOR_DIR="$E2E_DIR/inspector"
source "$INSPECTOR_DIR/setup.sh" # sets NODE

# --- server ---------------------------------------------------------------------------------------------------
if [[ -n "${E2E_SERVER_BIN:-}" ]]; then
    SERVER_BIN="$E2E_SERVER_BIN"
else
    cargo build -p quickstart
    SERVER_BIN="$ROOT/target/debug/quickstart"
fi
if [[ -n "${E2E_CONFORMANCE_BIN:-}" ]]; then
    CONFORMANCE_BIN="$E2E_CONFORMANCE_BIN"
else
    cargo build -p conformance
    CONFORMANCE_BIN="$ROOT/target/debug/conformance"
fi
if [[ -n "${E2E_FLAMA_BIN:-}" ]]; then
    FLAMA_BIN="$E2E_FLAMA_BIN"
else
    cargo build -p flama-parity
    FLAMA_BIN="$ROOT/target/debug/flama-parity"
fi

PIDS=()
stop_servers() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

start_server() { # name binary: starts it on a free loopback port, waits for it, sets PORT
    local name=$1 bin=$2 log="$LOG_DIR/$1.log" pid
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    PORT="$PORT" "$bin" >"$log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 150); do # up to 30 s
        kill -0 "$pid" 2>/dev/null || { echo "e2e: $name exited during startup:"; cat "$log"; echo "0 passed, 1 failed"; exit 1; }
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
        sleep 0.2
    done
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || { echo "e2e: $name not listening on port $PORT after 30 s"; cat "$log"; echo "0 passed, 1 failed"; exit 1; }
    echo "e2e: $name $bin (pid $pid) on 127.0.0.1:$PORT, log $log"
}
SERVER_LOG="$LOG_DIR/server.log"
start_server server "$SERVER_BIN"
BASE="http://127.0.0.1:$PORT"
start_server conformance "$CONFORMANCE_BIN"
CONFORMANCE_URL="http://127.0.0.1:$PORT/mcp"
start_server flama "$FLAMA_BIN"
FLAMA_BASE="http://127.0.0.1:$PORT"

# --- run ------------------------------------------------------------------------------------------------------
OUT="$LOG_DIR/clients.out"
: >"$OUT"
crashed=0
run_client_args() { # name command args...: a client exits 0 (all passed) or 1 (some FAIL lines); anything else is a crash
    local name=$1 log="$LOG_DIR/$1.out" rc
    shift
    set +e
    timeout "$CLIENT_TIMEOUT" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    cat "$log" >>"$OUT"
    if [[ $rc -ne 0 && ($rc -ne 1 || $(grep -c "^FAIL " "$log") -eq 0) ]]; then
        crashed=1
        echo "FAIL e2e $name: exited with status $rc$([[ $rc -eq 124 ]] && echo " (timed out after ${CLIENT_TIMEOUT}s)")" | tee -a "$OUT"
    fi
}
run_client() { # name command...: run_client_args with the quickstart's and the conformance example's URLs appended
    run_client_args "$@" "$BASE" "$CONFORMANCE_URL"
}
E2E_STDIO_BIN="$SERVER_BIN" E2E_STDIO_CONFORMANCE_BIN="$CONFORMANCE_BIN" \
    run_client python_client "$VENV/bin/python" "$E2E_DIR/python_client.py"
E2E_STDIO_BIN="$SERVER_BIN" E2E_STDIO_CONFORMANCE_BIN="$CONFORMANCE_BIN" \
    run_client ts_client node "$E2E_DIR/ts_client.mjs"
run_client tasks_python "$VENV/bin/python" "$E2E_DIR/tasks_python.py"
run_client tasks_ts node "$E2E_DIR/tasks_ts.mjs"
# The flama-parity example: these two take only its base URL.
run_client_args flama_python "$VENV/bin/python" "$E2E_DIR/flama_python.py" "$FLAMA_BASE"
run_client_args flama_ts node "$E2E_DIR/flama_ts.mjs" "$FLAMA_BASE"

# The Inspector's CLI: the quickstart over stdio (a subprocess) and over HTTP at $BASE.
run_client inspector python3 "$E2E_DIR/quickstart_inspector.py" "$SERVER_BIN" "$NODE" "$INSPECTOR_DIR"

passed=$(grep -c "^PASS " "$OUT" || true)
failed=$(grep -c "^FAIL " "$OUT" || true)
if [[ $failed -gt 0 ]]; then
    for log in "$SERVER_LOG" "$LOG_DIR/conformance.log" "$LOG_DIR/flama.log"; do
        echo "e2e: last 40 lines of $log:"
        tail -n 40 "$log"
    done
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $crashed -eq 0 ]]
