"""``talkqa run``: the checklist of a spec, run under pytest (in a fresh process, so every run starts
clean), with the reports written and the exit code taken from them.

Exit codes: 0 at least one required item ran and every required item passed; 1 a required item failed
or could not be set up (with ``--strict``: or is pending); 2 the spec, the command line or the report
folder is unusable (checked before anything runs: the report folder, ``-m``/``-k``, error-level lint
findings), or pytest could not collect the checklist; 3 pytest or talkqa failed internally; 5 nothing
was checked (no item selected, or every one pending or skipped), with the reason;
130 interrupted (SIGINT), 143 (SIGTERM).

The child writes its reports into a fresh folder beside the report folder; they are moved into place
when it ends, so the report folder never mixes two runs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from harness.checklist.config import ChecklistConfig, load_config
from harness.checklist.probe import probe_external_engine
from harness.dataflow.gherkin import render_features
from harness.dataflow.model import Severity
from harness.errors import UsageError
from harness.options import (
    ALLOW_LINT_ERRORS,
    CYCLE_TIMEOUT,
    EXAMPLES,
    KEYWORDS,
    MAPPING,
    MARKERS,
    REPORT_DIR,
    RUN_TIMEOUT,
    SEED,
    SPEC,
    STRICT,
    SUT,
    TIME_SCALE,
    VERBOSE,
    WORKERS,
    checklist_args,
    config_args,
)
from harness.procs import run_child, signals_forwarded
from harness.report import REPORT_FILES

__all__ = [
    "CHECKLIST_MODULE",
    "RunOptions",
    "check_expressions",
    "check_report_dir",
    "pytest_argv",
    "run_checklist",
]

#: The module pytest runs: it binds the features of the spec under test (it ships with harness, so that
#: ``talkqa run`` works from an installed wheel as from a checkout).
CHECKLIST_MODULE = Path(__file__).resolve().parent / "binding.py"

EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

#: Markers pytest and its plugins know whatever the checklist's tags (``-m`` may name them).
_BUILTIN_MARKERS = frozenset(
    {"talkqa", "skip", "skipif", "xfail", "parametrize", "usefixtures", "filterwarnings", "tryfirst", "trylast"}
)
_WORDS = frozenset({"and", "or", "not", "True", "False", "None"})


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
    examples: int | None = EXAMPLES.default
    markers: str | None = MARKERS.default  #: pytest -m expression (sections: section_2, rule kinds: bidirectional ...)
    keywords: str | None = KEYWORDS.default  #: pytest -k expression (test names)
    allow_lint_errors: bool = ALLOW_LINT_ERRORS.default
    verbose: bool = VERBOSE.default  #: pytest's own output and long tracebacks
    cycle_timeout: float = CYCLE_TIMEOUT.default  #: seconds one cycle of a cmd: engine may take
    run_timeout: float | None = RUN_TIMEOUT.default  #: seconds the whole run may take (None: no limit)
    time_scale: int = TIME_SCALE.default  #: how much faster than real time the served mocks run (cmd: SUTs)
    quiet: bool = False  #: pytest's -qq instead of -q (not an option of talkqa run: selfcheck's runs are quiet)


def pytest_argv(options: RunOptions) -> list[str]:
    """The pytest command line that runs the checklist."""
    if options.verbose:
        output = ["-v", "--tb=long", "-rfE"]
    elif options.quiet:  # selfcheck's runs: their log keeps pytest's tracebacks
        output = ["-qq"]
    else:  # talkqa prints one line per failed item itself; pytest's tracebacks only with -v
        output = ["-q", "--tb=no", "-rN"]
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
        *output,
        *checklist_args(asdict(options)),
    ]


# -- before anything runs ------------------------------------------------------------------------------
def check_report_dir(path: str) -> tuple[Path, list[Path]]:
    """The report folder, made if need be and proved writable (a file written and removed in it and
    beside it); returns it and the folders this call created. Unusable: a one-line ``UsageError``."""
    target = Path(path).absolute()
    for ancestor in (target, *target.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                where = "" if ancestor == target else f" ({ancestor} is a file)"
                raise UsageError(f"--report-dir {path}: not a folder{where}")
            break
    created = [p for p in (target, *target.parents) if not p.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
        for folder in (target, target.parent):
            with tempfile.TemporaryFile(dir=folder):
                pass
    except OSError as exc:
        _remove_created(created)
        raise UsageError(f"--report-dir {path}: cannot write there ({exc.strerror or exc})") from None
    return target, created


def _remove_created(created: list[Path]) -> None:
    for folder in created:  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()


def _compile(flag: str, expression: str) -> frozenset[str]:
    """The names ``expression`` uses, compiled with pytest's own parser (-m and -k share it)."""
    from _pytest.mark import expression as pytest_expression

    refused: type[Exception] = getattr(pytest_expression, "ParseError", SyntaxError)  # pytest 8 / 9
    try:
        compiled = pytest_expression.Expression.compile(expression)
    except (SyntaxError, refused) as exc:
        offset = getattr(exc, "offset", None) or getattr(exc, "column", None)
        where = f" at column {offset}" if offset else ""
        message = getattr(exc, "msg", None) or getattr(exc, "message", None) or str(exc)
        raise UsageError(f"{flag} {expression!r}: not an expression pytest can use: {message}{where}") from None
    idents = getattr(compiled, "idents", None)
    if callable(idents):
        return frozenset(idents())
    return frozenset(m.group(0) for m in re.finditer(r"(?<![=\w])[\w.\-:+/\\\[\]]+", expression)) - _WORDS


def check_expressions(options: RunOptions, config: ChecklistConfig | None = None) -> None:
    """``-m`` and ``-k`` parse (pytest's own parser); given the checklist, every name ``-m`` uses is a tag
    of it (pytest refuses others, but only after collecting)."""
    names: frozenset[str] = frozenset()
    for flag, expression in (("-m", options.markers), ("-k", options.keywords)):
        if expression:
            used = _compile(flag, expression)
            names = used if flag == "-m" else names
    if not options.markers or config is None:
        return
    tags = checklist_tags(config)
    unknown = sorted(n for n in names if n not in _WORDS and n not in tags and n not in _BUILTIN_MARKERS)
    if unknown:
        examples = ", ".join(sorted(tags, key=lambda t: (len(t), t))[:6]) or "none: the checklist is empty"
        raise UsageError(
            f"-m {options.markers!r}: no checklist item is tagged {', '.join(unknown)} (tags are like {examples})"
        )


def checklist_tags(config: ChecklistConfig) -> set[str]:
    """Every tag of the spec's checklist features (what ``-m`` selects by)."""
    tags: set[str] = set()
    for text in render_features(config.document).values():
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("@"):
                tags.update(word.lstrip("@") for word in stripped.split() if word.startswith("@"))
    return tags


def check_lint(config: ChecklistConfig, allow: bool) -> None:
    """Refuse a spec with error-level lint findings (listed on stderr) unless ``allow``."""
    errors = [f for f in config.document.findings if f.severity is Severity.ERROR]
    if not errors or allow:
        return
    for finding in errors:
        print(finding.render(config.document.path), file=sys.stderr)
    raise UsageError(
        f"the spec has {len(errors)} error-level lint finding(s), listed above: fix them, or run anyway with "
        f"{ALLOW_LINT_ERRORS.flags[0]}"
    )


# -- the run -----------------------------------------------------------------------------------------
def run_checklist(options: RunOptions) -> int:
    """Run the checklist; returns the exit code (reports are in ``options.report_dir``)."""
    target, created = check_report_dir(options.report_dir)
    try:
        check_expressions(options)
        config = load_config(*config_args(asdict(options)))
        check_expressions(options, config)
        check_lint(config, options.allow_lint_errors)
        probe_external_engine(config)
        if options.workers and importlib.util.find_spec("xdist") is None:
            raise UsageError("-n needs pytest-xdist: pip install pytest-xdist")
    except BaseException:
        _remove_created(created)
        raise
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.talkqa-"))
    try:
        returncode, interrupted = _run_child(
            pytest_argv(replace(options, report_dir=str(staging))), options.run_timeout
        )
        data = _read_report(staging)
        _publish(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _conclude(data, returncode, interrupted, target)


def _run_child(argv: list[str], run_timeout: float | None) -> tuple[int, int | None]:
    """Run pytest in a session of its own, SIGINT/SIGTERM forwarded to it (it then writes its interrupted
    report), its temporary folders in one of ours: when it ends, is interrupted or overruns
    ``--run-timeout``, no process or folder of it remains. Returns its exit status and, when a signal cut
    the run short, the exit code that says so (128 + the signal)."""
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory(prefix="talkqa-run-") as basetemp, signals_forwarded() as interruption:
        finished = run_child([*argv, "--basetemp", basetemp], env=env, timeout_s=_hard_limit(run_timeout))
    if finished.interrupted is not None:
        print(f"talkqa run: interrupted by {interruption.name}; no process of the run remains", file=sys.stderr)
        return finished.returncode, finished.interrupted.exit_code
    if finished.timed_out:
        print(f"talkqa run: stopped after --run-timeout {run_timeout:g} s", file=sys.stderr)
    return finished.returncode, None


def _hard_limit(run_timeout: float | None) -> float | None:
    """When the parent stops a child that overran ``--run-timeout``: the child itself fails whatever
    is left at the budget and reports; this margin lets it write the reports."""
    return None if run_timeout is None else run_timeout + _REPORT_MARGIN_S


#: Seconds past ``--run-timeout`` that the checklist has to write its reports before it is stopped.
_REPORT_MARGIN_S = 30.0


def _read_report(folder: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((folder / REPORT_FILES["json"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _publish(staging: Path, target: Path) -> None:
    """Replace the report files in ``target`` with those in ``staging``: the previous run's go first, so
    the folder never holds files of two runs (a run that wrote nothing leaves none)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in REPORT_FILES.values():
        (target / name).unlink(missing_ok=True)
    for name in REPORT_FILES.values():
        if (staging / name).exists():
            os.replace(staging / name, target / name)


_PYTEST_STATUS = {2: "interrupted or could not collect the checklist", 3: "internal error", 4: "usage error"}


def _conclude(data: dict[str, Any] | None, returncode: int, interrupted: int | None, target: Path) -> int:
    """Print the failed items, the summary and the verdict; return the exit code (``interrupted``: the
    exit code of the signal that cut the run short)."""
    if data is None:
        print(
            f"talkqa run: the checklist ended without a report (pytest exit status {returncode}: "
            f"{_PYTEST_STATUS.get(returncode, 'see the output above')}); no report in {target}/",
            file=sys.stderr,
        )
        if interrupted is not None:
            return interrupted
        return EXIT_INTERNAL if returncode == 3 else EXIT_UNUSABLE
    for section in data["sections"]:
        for item in section["items"]:
            if item["status"] in ("failed", "error"):
                reason = (item.get("reason") or item["status"]).splitlines()[0]
                where = f"spec line {item['line']}"
                name = item["name"] if where in item["name"] else f"{item['name']} ({where})"
                print(f"{item['status'].upper():6} {name}: {reason}")
    summary = data["summary"]
    errors = f", {summary['error']} error(s)" if summary.get("error") else ""
    print(
        f"talkqa run: {summary['passed']} passed, {summary['failed']} failed{errors}, {summary['pending']} pending, "
        f"{summary['skipped']} skipped — reports in {target}/ (checklist.html)"
    )
    code = int(data["exit_code"])
    if interrupted is not None or data.get("interrupted"):
        print(f"talkqa run: {data.get('verdict', 'interrupted')}", file=sys.stderr)
        return interrupted if interrupted is not None else EXIT_INTERRUPTED
    if returncode not in (0, 1, 5):  # pytest's own trouble never turns into a pass
        print(
            f"talkqa run: pytest ended with exit status {returncode} "
            f"({_PYTEST_STATUS.get(returncode, 'see the output above')}); the run is not a pass",
            file=sys.stderr,
        )
        return EXIT_INTERNAL if returncode == 3 else EXIT_UNUSABLE
    if code == 0 and returncode == 1:
        print("talkqa run: pytest saw a failure the report does not show; the run is not a pass", file=sys.stderr)
        return 1
    if code != 0:
        print(f"talkqa run: {data.get('verdict', '')}", file=sys.stderr)
    return code
