#!/usr/bin/env bash
# Bounded fuzzing runs: each cargo-fuzz (libFuzzer) target in fuzz/ for FUZZ_SECONDS (default 30),
# starting from its seed corpus in fuzz/corpus/<target> (copied, so the run does not change the repo).
# Installs cargo-fuzz (crates.io) if needed; needs the nightly toolchain that this machine ships.
# Prints, per target, the executions and whether it found a crash; exits non-zero on a finding,
# leaving the crashing input under target/fuzz-artifacts/<target>.
#
# Usage: scripts/fuzz.sh [TARGET...]     Env: FUZZ_SECONDS (per target)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_FUZZ_VERSION=0.13.2
SECONDS_EACH="${FUZZ_SECONDS:-30}"
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(jsonrpc endpoint uri_template header_value request_state signature jwt)

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: no nightly toolchain (cargo-fuzz needs one); nothing run"
    exit 1
fi
if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
    echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
fi

status=0
for target in "${TARGETS[@]}"; do
    corpus="target/fuzz-corpus/$target"
    artifacts="target/fuzz-artifacts/$target"
    rm -rf "$corpus"
    mkdir -p "$corpus" "$artifacts"
    cp fuzz/corpus/"$target"/* "$corpus"/
    log="target/fuzz-$target.log"
    set +e
    (cd fuzz && cargo +nightly fuzz run --release "$target" "../$corpus" -- \
        -max_total_time="$SECONDS_EACH" -print_final_stats=1 -artifact_prefix="../$artifacts/" \
        -rss_limit_mb=4096 -timeout=10) >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    if [[ $rc -eq 0 ]]; then
        echo "fuzz: $target: $execs executions in ${SECONDS_EACH}s, no finding"
    else
        status=1
        echo "fuzz: $target: FINDING after $execs executions (exit $rc); input under $artifacts; last lines of $log:"
        tail -n 30 "$log"
    fi
done
exit $status
