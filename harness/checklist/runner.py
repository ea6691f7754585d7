"""``talkqa run``: the checklist of a spec, run under pytest (in a fresh process, so every run starts
clean), with the reports written and the exit code taken from them: 0 every required item passed,
1 a required item failed (or, strict, is pending), 2 the spec or the command line is unusable."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.checklist.config import load_config
from harness.checklist.probe import probe_external_engine
from harness.errors import UsageError
from harness.options import (
    EXAMPLES,
    MAPPING,
    MARKERS,
    REPORT_DIR,
    SEED,
    SPEC,
    STRICT,
    SUT,
    TIME_SCALE,
    WORKERS,
    checklist_args,
    config_args,
)

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
    time_scale: int = TIME_SCALE.default  #: how much faster than real time the served mocks run (cmd: SUTs)
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
    config = load_config(*config_args(asdict(options)))
    probe_external_engine(config)
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
