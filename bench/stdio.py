#!/usr/bin/env python3
"""The stdio benchmark: this framework against rmcp's stdio transport, serving the same tools.

Each contender is launched as a child process by `stdio_load` (bench/servers/src/bin/stdio_load.rs),
which keeps W `tools/call add` requests in flight through the pipe and counts answers per second; in
the session revisions (`initialize` first, 2025-11-25) and in the stateless one (the 2026-07-28
envelope on every request). Several rounds, alternating contenders; the median and the range are shown.
Instructions per call are counted by callgrind on the server process (N calls and N + 1,000 calls,
one at a time; the difference over 1,000 cancels start-up).

  bench/run.sh --stdio-only        builds everything, then runs this (or: python3 bench/stdio.py)
  bench/stdio.py --rounds 3 --seconds 5
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOAD = os.path.join(ROOT, "target", "release", "stdio_load")
CONTENDERS = {
    "ours": [os.path.join(ROOT, "target", "release", "ours")],
    "rmcp": [os.path.join(ROOT, "bench", "rmcp", "target", "release", "rmcp-bench-server")],
}
SCENARIOS = [("session", 1), ("session", 16), ("stateless", 1), ("stateless", 16)]
ENV = {**os.environ, "STDIO": "1", "RUST_LOG": "off"}


def rps(command, era, window, seconds):
    out = subprocess.run([LOAD, "--era", era, "--window", str(window), "--seconds", str(seconds), "--", *command],
                         capture_output=True, text=True, check=True, env=ENV, timeout=seconds + 60)
    return json.loads(out.stdout)["rps"]


def instructions(command, era, count):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        grind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command]
        subprocess.run([LOAD, "--era", era, "--count", str(count), "--", *grind], check=True, env=ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    raise RuntimeError("no callgrind totals")


def fmt(values):
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    args = ap.parse_args()
    results = {(name, s): [] for name in CONTENDERS for s in SCENARIOS}
    for r in range(args.rounds):
        for scenario in SCENARIOS:
            for name, command in CONTENDERS.items():
                value = rps(command, *scenario, args.seconds)
                results[(name, scenario)].append(value)
                print(f"round {r + 1} {name:<5} {scenario[0]:<9} window {scenario[1]:>2}  {value:>9,.0f} req/s",
                      flush=True)
    print("\n| scenario | ours | rmcp |\n|---|---|---|")
    for era, window in SCENARIOS:
        ours, rmcp = results[("ours", (era, window))], results[("rmcp", (era, window))]
        ratio = statistics.median(ours) / statistics.median(rmcp)
        print(f"| {era} tools/call, {window} in flight (req/s) | {fmt(ours)} **{ratio:.2f}×** | {fmt(rmcp)} |")
    for era in ["session", "stateless"]:
        per = {name: (instructions(cmd, era, 1100) - instructions(cmd, era, 100)) // 1000
               for name, cmd in CONTENDERS.items()}
        print(f"| instructions per {era} tools/call (callgrind, server process) | {per['ours']:,} "
              f"**{per['ours'] / per['rmcp']:.2f}×** | {per['rmcp']:,} |")


if __name__ == "__main__":
    main()
