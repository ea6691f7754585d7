"""``talkqa run``: the checklist of a spec, run under pytest (in a fresh process, so every run starts
clean), with the reports written and the exit code taken from them: 0 every required item passed,
1 a required item failed (or, strict, is pending), 2 the spec or the command line is unusable."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import steps
from harness.checklist.config import load_config
from harness.errors import UsageError

__all__ = ["RunOptions", "pytest_argv", "run_checklist"]

CHECKLIST_MODULE = Path(steps.__file__).resolve().parent / "test_checklist.py"


@dataclass(frozen=True)
class RunOptions:
    spec: str | None = None
    mapping: str | None = None
    sut: str = "reference"
    report_dir: str = "reports"
    seed: int = 1
    workers: str | None = None  #: pytest-xdist's -n (a number or "auto")
    strict: bool = False
    examples: int = 10
    markers: str | None = None  #: pytest -m expression (sections: section_2, rule kinds: bidirectional ...)
    quiet: bool = False


def pytest_argv(options: RunOptions) -> list[str]:
    """The pytest command line that runs the checklist."""
    argv = [
        sys.executable,
        "-m",
        "pytest",
        str(CHECKLIST_MODULE),
        "-p",
        "no:cacheprovider",
        # The checklist reports through ChecklistFailure, not bare asserts: rewriting the asserts of every
        # module of the package would cost seconds per run where bytecode is not cached.
        "--assert=plain",
        "-q" if not options.quiet else "-qq",
        "--talkqa-sut",
        options.sut,
        "--talkqa-seed",
        str(options.seed),
        "--talkqa-examples",
        str(options.examples),
        "--talkqa-report-dir",
        str(Path(options.report_dir).resolve()),
    ]
    if options.spec:
        argv += ["--talkqa-spec", str(Path(options.spec).resolve())]
    if options.mapping:
        argv += ["--talkqa-mapping", str(Path(options.mapping).resolve())]
    if options.strict:
        argv.append("--talkqa-strict")
    if options.workers:
        argv += ["-n", options.workers]
    if options.markers:
        argv += ["-m", options.markers]
    return argv


def run_checklist(options: RunOptions) -> int:
    """Run the checklist; returns the exit code (reports are in ``options.report_dir``)."""
    load_config(options.spec, options.mapping, options.sut, options.seed, options.strict, options.examples)
    if options.workers and importlib.util.find_spec("xdist") is None:
        raise UsageError("-n needs pytest-xdist: pip install pytest-xdist")
    report = Path(options.report_dir) / "checklist.json"
    if report.exists():
        report.unlink()
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    finished = subprocess.run(pytest_argv(options), env=env, check=False)
    if not report.exists():
        print(
            f"talkqa run: the checklist did not run to the end (pytest exit status {finished.returncode}); "
            "see the output above",
            file=sys.stderr,
        )
        return 2
    data = json.loads(report.read_text(encoding="utf-8"))
    summary = data["summary"]
    print(
        f"talkqa run: {summary['passed']} passed, {summary['failed']} failed, {summary['pending']} pending, "
        f"{summary['skipped']} skipped — reports in {Path(options.report_dir)}/ (checklist.html)"
    )
    return int(data["exit_code"])
