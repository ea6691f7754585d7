"""Benchmark of what ``talkqa run`` refuses and what its report weighs.

1. How long ``talkqa run`` takes to refuse an unusable report folder (a file, /proc/x), an ``-m`` that does
   not parse or names no tag, and a spec with an error-level lint finding — a fresh process each, as a user
   runs it. The goal is under 2 s each, before anything runs.
2. The size and render time of checklist.html for a synthetic run with 60 failures of one kind (the goal:
   under 300 KB), and with ``--real`` the size of the report of a real run against the broken engine
   ``rounds_double`` (about 64 failures), with its failure groups.

Prints the figures; asserts nothing about time. Run: ``.venv/bin/python bench/bench_report.py [--real]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from harness.options import DEFAULT_SPEC
from harness.report import (
    Evidence,
    HttpExchange,
    ItemResult,
    ItemStatus,
    RunReport,
    SectionResult,
    Seeds,
    SpecInfo,
    SutInfo,
    Timings,
    render_html,
)
from harness.report.groups import failure_groups

TALKQA = Path(sys.executable).parent / "talkqa"
REFUSE_GOAL_S = 2.0
SIZE_GOAL = 300_000


def refusals(tmp: Path) -> None:
    a_file = tmp / "a-file"
    a_file.write_text("x\n", encoding="utf-8")
    misspelt = tmp / "misspelt.rst"
    lines = DEFAULT_SPEC.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[48] = lines[48].replace("Code", "Cdoe")
    misspelt.write_text("".join(lines), encoding="utf-8")
    cases = {
        "--report-dir naming a file": ["--report-dir", str(a_file)],
        "--report-dir /proc/x": ["--report-dir", "/proc/x"],
        "-m that does not parse": ["--report-dir", str(tmp / "r"), "-m", "section_2 and ("],
        "-m naming no tag": ["--report-dir", str(tmp / "r"), "-m", "nosuchtag"],
        "spec with TQ030": ["--report-dir", str(tmp / "r"), "--spec", str(misspelt)],
    }
    print(f"talkqa run refusing unusable input (goal: under {REFUSE_GOAL_S:.0f} s each)")
    for label, argv in cases.items():
        started = time.perf_counter()
        done = subprocess.run([str(TALKQA), "run", *argv], capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        verdict = "within" if elapsed < REFUSE_GOAL_S else "OVER"
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        print(f"  {label:<28} exit {done.returncode}  {elapsed:5.2f} s  {verdict}  | {last[:90]}")


def synthetic(failures: int) -> RunReport:
    body = json.dumps(
        {"id": "p1", "description": "lorem ipsum " * 60, "variants": [{"sku": f"S{n}"} for n in range(20)]}
    )
    items = tuple(
        ItemResult(
            f"Item {n} reaches the target record (spec line {20 + n})",
            ItemStatus.FAILED,
            20 + n,
            node_id=f"binding.py::test_item_{n}",
            evidence=Evidence(
                f'no quiet cycle within 8 cycles — rewritten each cycle: squarespace variants value = "{n}.00" again',
                "a cycle that writes nothing",
                f"1 write in cycle 8: value = {n}.00",
                tuple(
                    HttpExchange("squarespace", "POST", f"https://api.example/p{n}", 200, None, body, body)
                    for _ in range(12)
                ),
            ),
        )
        for n in range(failures)
    )
    now = datetime.now(UTC)
    return RunReport(
        SpecInfo(str(DEFAULT_SPEC), "Exact Online to Squarespace Dataflow"),
        SutInfo("bench"),
        Seeds(1, 1),
        (SectionResult("Exact Online Items to Squarespace Inventory", 12, "Exact Online Items", "Squarespace", items),),
        Timings(now, now),
    )


def sizes(real: bool, tmp: Path) -> None:
    report = synthetic(60)
    started = time.perf_counter()
    html = render_html(report)
    elapsed = time.perf_counter() - started
    size = len(html.encode("utf-8"))
    print(
        f"checklist.html, synthetic run with 60 failures: {size / 1000:.0f} KB in {elapsed * 1000:.0f} ms "
        f"({'under' if size < SIZE_GOAL else 'OVER'} {SIZE_GOAL // 1000} KB)"
    )
    if not real:
        return
    out = tmp / "rounds_double"
    started = time.perf_counter()
    done = subprocess.run(
        [str(TALKQA), "run", "--sut", "harness.selfcheck.broken:rounds_double", "--report-dir", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    data = RunReport.from_json(json.loads((out / "checklist.json").read_text(encoding="utf-8")))
    size = (out / "checklist.html").stat().st_size
    print(
        f"talkqa run --sut rounds_double: exit {done.returncode} in {elapsed:.1f} s, {data.summary.failed} failed; "
        f"checklist.html {size / 1000:.0f} KB ({'under' if size < SIZE_GOAL else 'OVER'} {SIZE_GOAL // 1000} KB); "
        f"console {len(done.stdout.splitlines())} lines"
    )
    for group in failure_groups(data):
        print(f"  {group.count:>3} item(s): {group.headline[:110]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--real", action="store_true", help="also run the checklist against rounds_double")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="talkqa-bench-report-") as folder:
        tmp = Path(folder)
        refusals(tmp)
        sizes(args.real, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
