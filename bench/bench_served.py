"""Benchmark of the README's external-engine example: ``talkqa run -n auto --sut "cmd:python
fixtures/engines/reference_once.py"`` on the bundled spec (a fresh process, as a user runs it), the mocks
served on loopback on their scaled clock — and the same checklist in-process, item by item: an external
engine must get the statuses the in-process engine gets. The goal is 120 s on a 2-core machine. The CPU
time of every process a run started (the engine's too) is printed as well: other load on the machine
barely moves it.

Prints the wall time of both runs, the engine's cycles, the slowest items served, and every item whose
status differs; asserts nothing about time. Run: ``.venv/bin/python bench/bench_served.py``
(``-n N`` for another number of pytest workers, ``-n 0`` for one process;
``--time-scale N`` to try another scale, ``-m EXPR`` for a part of the checklist, ``--loop`` to time the
example kept running as well, ``--sut loop:``).
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TALKQA = Path(sys.executable).parent / "talkqa"
EXAMPLE = "cmd:python fixtures/engines/reference_once.py"
LOOP = "loop:python fixtures/engines/reference_once.py --loop"
GOAL_S = 120.0


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(report_dir: Path, extra: list[str]) -> tuple[float, int, dict[str, Any]]:
    argv = [str(TALKQA), "run", "--report-dir", str(report_dir), *extra]
    started, cpu = time.perf_counter(), _children_cpu_s()
    finished = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    print(f"  ({' '.join(extra) or 'in-process'}: {_children_cpu_s() - cpu:.1f} s CPU in all its processes)")
    report = report_dir / "checklist.json"
    if not report.exists():
        print(finished.stdout[-2000:], finished.stderr[-2000:], file=sys.stderr)
        return elapsed, finished.returncode, {}
    return elapsed, finished.returncode, json.loads(report.read_text(encoding="utf-8"))


def _items(data: dict[str, Any]) -> dict[str, tuple[str, float, str]]:
    return {
        str(item["node_id"]): (item["status"], float(item["duration_s"]), f"{section['line']}: {item['name']}")
        for section in data.get("sections", [])
        for item in section["items"]
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-n", dest="workers", default="auto", help="talkqa run's -n for the served runs (default auto)")
    parser.add_argument("--time-scale", type=int, default=None, help="talkqa run's --time-scale (default: its own)")
    parser.add_argument("-m", dest="markers", default=None, help="only the items these tags select")
    parser.add_argument("--loop", action="store_true", help="also time the example kept running (--sut loop:)")
    args = parser.parse_args()
    extra = ["-m", args.markers] if args.markers else []
    scale = ["--time-scale", str(args.time_scale)] if args.time_scale else []
    if args.workers not in ("0", ""):
        scale += ["-n", args.workers]
    print(f"the README's cmd: example on the bundled spec — {os.cpu_count()} CPU(s)")
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not (ROOT / "harness" / "__pycache__").is_dir():
        print("  note: PYTHONDONTWRITEBYTECODE is set and no bytecode is cached: every engine start compiles talkqa")
    with tempfile.TemporaryDirectory(prefix="talkqa-bench-served-") as tmp:
        served_s, served_code, served = _run(Path(tmp) / "served", ["--sut", EXAMPLE, *scale, *extra])
        inproc_s, inproc_code, inproc = _run(Path(tmp) / "inprocess", extra)
        if args.loop:
            loop_s, loop_code, loop = _run(Path(tmp) / "loop", ["--sut", LOOP, *scale, *extra])
            counts = ", ".join(f"{n} {status}" for status, n in loop.get("summary", {}).items())
            same = sum(1 for node, item in _items(loop).items() if _items(inproc).get(node, ("absent",))[0] == item[0])
            print(f"  loop:       : {loop_s:7.1f} s  exit {loop_code}  ({counts}); {same} items as in-process")
    by_served, by_inproc = _items(served), _items(inproc)
    counts = ", ".join(f"{n} {status}" for status, n in served.get("summary", {}).items())
    verdict = "within" if served_s <= GOAL_S else "over"
    print(f"  served     : {served_s:7.1f} s  exit {served_code}  ({counts}) — {verdict} the {GOAL_S:.0f} s goal")
    counts = ", ".join(f"{n} {status}" for status, n in inproc.get("summary", {}).items())
    print(f"  in-process : {inproc_s:7.1f} s  exit {inproc_code}  ({counts})")
    if by_served:
        print(f"  served, per item: {served_s / len(by_served):.2f} s; slowest items:")
        for status, seconds, name in sorted(by_served.values(), key=lambda v: -v[1])[:6]:
            print(f"    {seconds:6.2f} s  {status:<8} {name[:90]}")
    differ = [
        (name, by_inproc.get(node, ("absent", 0.0, ""))[0], status)
        for node, (status, _, name) in by_served.items()
        if by_inproc.get(node, ("absent", 0.0, ""))[0] != status
    ]
    differ += [(name, status, "absent") for node, (status, _, name) in by_inproc.items() if node not in by_served]
    same = len(by_served) - len([d for d in differ if d[2] != "absent"])
    print(f"  item by item: {same} of {len(by_inproc)} items have the in-process status")
    for name, inproc_status, served_status in differ:
        print(f"    differs: {name[:90]} — in-process {inproc_status}, served {served_status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
