"""Benchmark of ``talkqa run`` on the bundled spec: wall time of the whole command (a fresh process, as
a user runs it) serially and with ``-n 2`` (pytest-xdist), with the default hypothesis profile, after one
warm-up run (bytecode cached). The goals: under 20 s on a 2-core machine, and at most 0.10 s per
checklist item serially (the items' own durations, summed from the report, over their number), so the
checklist can grow without the run growing as fast.

Prints the figures, the summary of each run and the ratio; asserts nothing about time. Run:
``.venv/bin/python bench/bench_run.py`` (``--rounds N`` to repeat each run; the best and the median
are shown).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TALKQA = Path(sys.executable).parent / "talkqa"
GOAL_S = 20.0


PER_ITEM_GOAL_S = 0.10


def run_once(workers: str | None, report_dir: Path) -> tuple[float, int, dict[str, int], list[float]]:
    """Wall time, exit code, summary and the items' durations of one ``talkqa run``."""
    argv = [str(TALKQA), "run", "--report-dir", str(report_dir)]
    if workers:
        argv += ["-n", workers]
    started = time.perf_counter()
    finished = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    report = report_dir / "checklist.json"
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    durations = [float(i["duration_s"]) for s in data.get("sections", []) for i in s["items"]]
    if finished.returncode not in (0, 1):
        print(finished.stdout[-2000:], finished.stderr[-2000:], file=sys.stderr)
    return elapsed, finished.returncode, data.get("summary", {}), durations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each kind (default 1)")
    args = parser.parse_args()
    print(f"talkqa run on the bundled spec — {os.cpu_count()} CPU(s), {args.rounds} round(s) each")
    results: dict[str, list[float]] = {}
    per_item: list[float] = []
    with tempfile.TemporaryDirectory(prefix="talkqa-bench-run-") as tmp:
        run_once(None, Path(tmp) / "warm-up")  # bytecode written, caches of the OS warm
        for label, workers in (("serial", None), ("-n 2", "2")):
            times = []
            for round_ in range(args.rounds):
                folder = Path(tmp) / f"{'n' + workers if workers else 'serial'}-{round_}"
                elapsed, code, summary, durations = run_once(workers, folder)
                times.append(elapsed)
                counts = ", ".join(f"{n} {status}" for status, n in summary.items())
                print(f"  {label:>6}: {elapsed:6.2f} s  exit {code}  ({counts})")
                if workers is None and durations:
                    per_item.append(sum(durations) / len(durations))
                    print(f"          {per_item[-1]:.3f} s per item ({len(durations)} items, {sum(durations):.2f} s)")
            results[label] = times
    serial, parallel = min(results["serial"]), min(results["-n 2"])
    for label, times in results.items():
        best, median = min(times), statistics.median(times)
        verdict = "within" if best < GOAL_S else "over"
        print(f"{label:>8}: best {best:.2f} s, median {median:.2f} s — {verdict} the {GOAL_S:.0f} s goal")
    print(f"   ratio: serial / -n 2 = {serial / parallel:.2f}")
    if per_item:
        best = min(per_item)
        verdict = "within" if best <= PER_ITEM_GOAL_S else "over"
        print(f"per item: best {best:.3f} s warm serial — {verdict} the {PER_ITEM_GOAL_S:.2f} s goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
