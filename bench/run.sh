#!/usr/bin/env bash
# The HTTP benchmark, reproducibly: builds the contenders in release mode, installs the load
# generator and valgrind if missing, then runs bench/bench.py (arguments pass through, e.g.
# `bench/run.sh --rounds 5 --seconds 10`). Prints a markdown table. `bench/run.sh --stdio-only` runs the
# stdio benchmark (bench/stdio.py) instead.
#
# Contenders: floor (bare actix-web), ours (this framework), rmcp (bench/rmcp, built here),
# python (the official Python SDK, installed into target/bench-venv). Set SKIP_RMCP=1 or
# SKIP_PYTHON=1 to leave one out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need valgrind || ! need taskset; then
    echo "bench: installing wrk, valgrind, util-linux (apt)" >&2
    apt-get update -qq && apt-get install -y -qq wrk valgrind util-linux >/dev/null
fi

cargo build --release -p mcp-bench
if [[ -z "${SKIP_RMCP:-}" ]]; then
    (cd bench/rmcp && cargo build --release)
fi
if [[ -z "${SKIP_PYTHON:-}" ]]; then
    if [[ ! -x target/bench-venv/bin/python ]]; then
        python3 -m venv target/bench-venv
    fi
    target/bench-venv/bin/pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
fi
if [[ "${1:-}" == "--stdio-only" ]]; then
    shift
    exec python3 bench/stdio.py "$@"
fi
exec python3 bench/bench.py "$@"
