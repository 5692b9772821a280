#!/usr/bin/env bash
# Every test: unit, integration, UI (trybuild) and doc tests through cargo, the official
# conformance suite (0.1.16, and 0.2.0-alpha.12 for revisions 2025-11-25 and 2026-07-28), then the
# end-to-end tests: the notes example with the MCP Inspector's CLI and the fastmcp client, then the official
# Python and TypeScript MCP clients, all over real sockets; last, the guards, attacked over real sockets and
# called from a page on another origin in headless Chromium (tests/e2e/guards.sh).
# Installs what the end-to-end tests need (a Python venv under target/, npm packages under
# tests/e2e/node_modules). The last line is `N passed, M failed` from the end-to-end run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo test --workspace --all-targets
cargo test --workspace --doc
bash tests/conformance/run.sh
bash tests/e2e/notes_clients.sh
bash tests/e2e/run.sh
bash tests/e2e/guards.sh
