#!/usr/bin/env python3
"""Instructions per request, counted by callgrind: a guard that noise cannot fool.

Each scenario (`bench/servers/src/bin/instructions.rs`) runs through the core endpoint in
process, SMALL times and then LARGE times; instructions per request = the difference in
callgrind's total / (LARGE - SMALL), which cancels start-up. The counts repeat exactly from
run to run on one build.

  bench/instructions.py            print the counts beside the budget
  bench/instructions.py --check    also fail when one exceeds its budget by more than 5%
  bench/instructions.py --record   write the counts as the new budget

The budget (`bench/instructions.json`) is lowered when the code gets faster, and never raised
without a note in its `why` field saying why.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "instructions")
BUDGET = os.path.join(ROOT, "bench", "instructions.json")
SCENARIOS = ["modern-call", "tools-list", "session-call", "modern-call-apikey", "modern-call-oauth"]
SMALL, LARGE = 100, 1100
TOLERANCE = 0.05


def total(scenario, count):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        BIN, scenario, str(count)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    raise RuntimeError(f"{scenario}: no callgrind totals")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "mcp-bench",
                    "--bin", "instructions"], cwd=ROOT, check=True)
    with open(BUDGET) as f:
        budget = json.load(f)
    counts = {s: (total(s, LARGE) - total(s, SMALL)) // (LARGE - SMALL) for s in SCENARIOS}
    failed = []
    print(f"{'scenario':<14} {'per request':>12} {'budget':>10} {'ratio':>7}")
    for s, n in counts.items():
        limit = budget["per_request"].get(s)
        ratio = n / limit if limit else float("nan")
        flag = ""
        if limit and n > limit * (1 + TOLERANCE):
            flag = "  over budget"
            failed.append(s)
        print(f"{s:<14} {n:>12,} {limit or 0:>10,} {ratio:>6.3f}×{flag}")
    if args.record:
        budget["per_request"] = counts
        with open(BUDGET, "w") as f:
            json.dump(budget, f, indent=2)
            f.write("\n")
        print(f"recorded in {os.path.relpath(BUDGET, ROOT)}")
    if args.check and failed:
        print(f"instructions: {', '.join(failed)} grew more than {TOLERANCE:.0%} over the "
              "budget in bench/instructions.json; make it fast again, or raise the budget "
              "with a note in `why`", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
