"""``talkqa run``: the checklist of a spec, run under pytest (in a fresh process, so every run starts
clean), with the reports written and the exit code taken from them: 0 every required item passed,
1 a required item failed (or, strict, is pending), 2 the spec or the command line is unusable."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.checklist.config import load_config
from harness.errors import UsageError
from harness.options import (
    CYCLE_TIMEOUT,
    EXAMPLES,
    MAPPING,
    MARKERS,
    REPORT_DIR,
    RUN_TIMEOUT,
    SEED,
    SPEC,
    STRICT,
    SUT,
    WORKERS,
    checklist_args,
    config_args,
)
from harness.procs import run_child, signals_forwarded

__all__ = ["CHECKLIST_MODULE", "RunOptions", "pytest_argv", "run_checklist"]

#: The module pytest runs: it binds the features of the spec under test (it ships with harness, so that
#: ``talkqa run`` works from an installed wheel as from a checkout).
CHECKLIST_MODULE = Path(__file__).resolve().parent / "binding.py"


@dataclass(frozen=True)
class RunOptions:
    """The options of ``talkqa run`` (``harness.options`` declares them, and their defaults)."""

    spec: str | None = SPEC.default
    mapping: str | None = MAPPING.default
    sut: str = SUT.default
    report_dir: str = REPORT_DIR.default
    seed: int = SEED.default
    workers: str | None = WORKERS.default  #: pytest-xdist's -n (a number or "auto")
    strict: bool = STRICT.default
    examples: int = EXAMPLES.default
    markers: str | None = MARKERS.default  #: pytest -m expression (sections: section_2, rule kinds: bidirectional ...)
    cycle_timeout: float = CYCLE_TIMEOUT.default  #: seconds one cycle of a cmd: engine may take
    run_timeout: float | None = RUN_TIMEOUT.default  #: seconds the whole run may take (None: no limit)
    quiet: bool = False  #: pytest's -qq instead of -q (not an option of talkqa run: selfcheck's runs are quiet)


def pytest_argv(options: RunOptions) -> list[str]:
    """The pytest command line that runs the checklist."""
    return [
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
        *checklist_args(asdict(options)),
    ]


def run_checklist(options: RunOptions) -> int:
    """Run the checklist; returns the exit code (reports are in ``options.report_dir``)."""
    load_config(*config_args(asdict(options)))
    if options.workers and importlib.util.find_spec("xdist") is None:
        raise UsageError("-n needs pytest-xdist: pip install pytest-xdist")
    report = Path(options.report_dir) / "checklist.json"
    if report.exists():
        report.unlink()
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    # The child runs in a session of its own, with signals forwarded and its pytest temporary folders in
    # one of ours: when it ends, is interrupted or overruns --run-timeout, no process or folder of it remains.
    with tempfile.TemporaryDirectory(prefix="talkqa-run-") as basetemp, signals_forwarded() as interruption:
        argv = [*pytest_argv(options), "--basetemp", basetemp]
        finished = run_child(argv, env=env, timeout_s=_hard_limit(options.run_timeout))
    if finished.interrupted is not None:
        print(f"talkqa run: interrupted by {interruption.name}; no process of the run remains", file=sys.stderr)
    elif finished.timed_out:
        print(f"talkqa run: stopped after --run-timeout {options.run_timeout:g} s", file=sys.stderr)
    if not report.exists():
        print(
            f"talkqa run: the checklist did not run to the end (pytest exit status {finished.returncode}); "
            "see the output above",
            file=sys.stderr,
        )
        return finished.interrupted.exit_code if finished.interrupted is not None else 2
    data = json.loads(report.read_text(encoding="utf-8"))
    summary = data["summary"]
    print(
        f"talkqa run: {summary['passed']} passed, {summary['failed']} failed, {summary['pending']} pending, "
        f"{summary['skipped']} skipped — reports in {Path(options.report_dir)}/ (checklist.html)"
    )
    if finished.interrupted is not None:
        return finished.interrupted.exit_code
    if finished.timed_out:
        return max(1, int(data["exit_code"]))
    return int(data["exit_code"])


def _hard_limit(run_timeout: float | None) -> float | None:
    """When the parent stops a child that overran ``--run-timeout``: the child itself fails whatever
    is left at the budget and reports; this margin lets it write the reports."""
    return None if run_timeout is None else run_timeout + _REPORT_MARGIN_S


#: Seconds past ``--run-timeout`` that the checklist has to write its reports before it is stopped.
_REPORT_MARGIN_S = 30.0
