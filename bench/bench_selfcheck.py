"""Benchmark of ``talkqa selfcheck`` on the bundled spec: wall time of the whole command (a fresh process,
as a user runs it) — the checklist against the reference engine and every broken engine — as it runs by
default (one process; each broken engine until its first caught item; goal 20 s on 2 cores), and with
``--full`` (every engine against the whole checklist, one run per CPU at once with ``-n auto``), with the
default hypothesis profile.

Prints the figures: each command's wall time, its CPU time (every process it started: a figure other
load on the machine barely moves) and exit code, the slowest engines' runs, and the ratio; asserts
nothing about time. Run: ``.venv/bin/python bench/bench_selfcheck.py`` (``--examples N`` to
change the hypothesis examples per round trip, ``--only default|full`` to time one of the two).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TALKQA = Path(sys.executable).parent / "talkqa"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


GOAL_S = 20.0


def run_once(extra: list[str], report_dir: Path, examples: int) -> tuple[float, float, int, dict[str, float]]:
    """Wall time, CPU time (of every process it started), exit code and each engine's run time of one
    ``talkqa selfcheck``."""
    argv = [str(TALKQA), "selfcheck", "--report-dir", str(report_dir), "--examples", str(examples), *extra]
    started, cpu = time.perf_counter(), _children_cpu_s()
    finished = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - started, _children_cpu_s() - cpu
    summary = report_dir / "selfcheck.json"
    runs: dict[str, float] = {}
    if summary.exists():
        data = json.loads(summary.read_text(encoding="utf-8"))
        runs = {run["name"]: float(run["duration_s"]) for run in (data["reference"], *data["faults"])}
    if finished.returncode not in (0, 1):
        print(finished.stdout[-2000:], finished.stderr[-2000:], file=sys.stderr)
    return elapsed, cpu, finished.returncode, runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=10, help="hypothesis examples per round trip (default 10)")
    parser.add_argument("--only", choices=("default", "full"), help="time only one of the two commands")
    args = parser.parse_args()
    kinds: list[tuple[str, list[str]]] = [("default", []), ("--full -n auto", ["--full", "-n", "auto"])]
    if args.only:
        kinds = [kinds[0] if args.only == "default" else kinds[1]]
    print(f"talkqa selfcheck on the bundled spec — {os.cpu_count()} CPU(s), {args.examples} example(s) a round trip")
    walls: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="talkqa-bench-selfcheck-") as tmp:
        for label, extra in kinds:
            elapsed, cpu, code, runs = run_once(extra, Path(tmp) / label.replace(" ", ""), args.examples)
            walls[label] = elapsed
            slowest = ", ".join(f"{name} {s:.1f} s" for name, s in sorted(runs.items(), key=lambda kv: -kv[1])[:3])
            goal = f" — {'within' if elapsed <= GOAL_S else 'over'} the {GOAL_S:.0f} s goal" if not extra else ""
            print(f"  {label:>14}: {elapsed:7.1f} s wall, {cpu:7.1f} s CPU  exit {code}  {len(runs)} runs{goal}")
            print(f"{'':>18}slowest: {slowest}")
    if len(walls) == 2:
        print(f"     ratio: --full -n auto / default = {walls['--full -n auto'] / walls['default']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
