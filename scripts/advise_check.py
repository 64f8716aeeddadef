#!/usr/bin/env python3
"""Sets `parbench advise` predictions beside `parbench run` medians, as a Markdown table.

Usage: scripts/advise_check.py [PARBENCH] [SUMMARY_JSON]

PARBENCH defaults to target/release/parbench (`cargo build --release` makes it), SUMMARY_JSON
to reports/summary.json (a `cargo bench` run's model); `calibrate` instead checks the model
advise measures itself in a few seconds when there is no summary (once per scenario). For every scenario below and every CLI
strategy it runs `parbench run --runs 5 --warmup 1 --json` and `parbench advise --from
SUMMARY_JSON --json`, and prints one row: measured median, predicted time, the residual, and
a cross where the prediction misses the target (±35 % in-process, ±50 % for the process
strategies). It ends with the count of predictions within target. Run it on a quiet machine.
"""

import json
import os
import subprocess
import sys
import tempfile

SCENARIOS = [
    # (label, run/advise arguments, tasks)
    ("sleep --duration 10ms", ["--workload", "sleep", "--duration", "10ms"], 64),
    ("hash --bytes 1MiB", ["--workload", "hash", "--bytes", "1MiB"], 1),
    ("hash --bytes 1MiB", ["--workload", "hash", "--bytes", "1MiB"], 8),
    ("hash --bytes 4KiB", ["--workload", "hash", "--bytes", "4KiB"], 1000),
    ("mixed --bytes 256KiB --duration 2ms",
     ["--workload", "mixed", "--bytes", "256KiB", "--duration", "2ms"], 16),
]
PROCESS_STRATEGIES = {"processes", "process-pool"}


def run_json(args, cwd=None):
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=cwd)
    return json.loads(out.stdout)


def label(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def main():
    parbench = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/parbench")
    summary = sys.argv[2] if len(sys.argv) > 2 else "reports/summary.json"
    if summary != "calibrate":
        summary = os.path.abspath(summary)
    # advise calibrates when it finds no reports/summary.json where it runs.
    empty_dir = tempfile.mkdtemp(prefix="advise-check-")
    print("| scenario | tasks | strategy | measured (median of 5) | predicted | residual |")
    print("|---|---|---|---|---|---|")
    within = total = 0
    for name, args, tasks in SCENARIOS:
        source = [] if summary == "calibrate" else ["--from", summary]
        advice = run_json([parbench, "advise", *args, "--tasks", str(tasks), *source, "--json"],
                          cwd=empty_dir)
        predicted = {r["strategy"]: r["predicted_seconds"] for r in advice["ranking"]}
        for strategy, prediction in predicted.items():
            report = run_json([parbench, "run", *args, "--tasks", str(tasks),
                               "--strategy", strategy, "--runs", "5", "--warmup", "1",
                               "--json"])
            measured = report["median_seconds"]
            residual = prediction / measured - 1.0
            target = 0.50 if strategy in PROCESS_STRATEGIES else 0.35
            ok = abs(residual) <= target
            within += ok
            total += 1
            print(f"| {name} | {tasks} | {strategy} | {label(measured)} | {label(prediction)} "
                  f"| {residual:+.0%}{'' if ok else ' ✗'} |")
    print(f"\n{within} of {total} predictions within target.")


if __name__ == "__main__":
    main()
