"""``talkqa selfcheck``: the checklist proves it can fail. It runs against the reference engine and
against each deliberately broken engine (``harness.selfcheck.broken``) — each run the checklist as
``talkqa run`` runs it, in its own process, several at once with ``workers`` — and tells which items
caught which fault.

Exit codes: 0 every broken engine is caught by at least one failing item and the reference engine
fails none; 1 a broken engine survives (no item fails against it) or the reference engine fails an
item; 2 the input is unusable (a spec, a mapping, a fault name) or a run could not report.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.checklist.config import load_config
from harness.checklist.runner import CHECKLIST_MODULE, RunOptions, pytest_argv
from harness.errors import UsageError
from harness.options import EXAMPLES, FAULTS, FULL, MAPPING, MARKERS, REPORT_DIR, SEED, SPEC, WORKERS
from harness.procs import Interrupted, run_child, signals_forwarded, watched
from harness.selfcheck.batch import DONE
from harness.selfcheck.broken import BROKEN_ENGINES

__all__ = [
    "REFERENCE",
    "CaughtItem",
    "RunOutcome",
    "SelfCheckOptions",
    "SelfCheckResult",
    "Target",
    "render_table",
    "resolve_targets",
    "run_selfcheck",
]

REFERENCE = "reference"


@dataclass(frozen=True)
class SelfCheckOptions:
    spec: str | None = SPEC.default
    mapping: str | None = MAPPING.default
    report_dir: str = REPORT_DIR.default_for("selfcheck")
    seed: int = SEED.default
    workers: str | None = WORKERS.default  #: checklist runs at once: a number or "auto" (one per CPU); None: one
    faults: tuple[str, ...] = FAULTS.default  #: catalogue names or module:callable factories; () = all of them
    examples: int | None = EXAMPLES.default
    markers: str | None = MARKERS.default  #: pytest -m expression, as for talkqa run
    full: bool = FULL.default  #: every engine against the whole checklist (else: until its first caught item)


@dataclass(frozen=True)
class Target:
    """One engine the checklist runs against."""

    name: str  #: the fault's name, ``reference``, or the ``module:callable`` given
    sut: str  #: what --sut names
    breaks: str = ""
    first: str = ""  #: the names of the items to run first, as a regular expression (its promise's items)

    @property
    def folder(self) -> str:
        """Its report folder's name (a ``module:callable`` made path-safe)."""
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", self.name)


@dataclass(frozen=True)
class CaughtItem:
    """A checklist item that failed in a run."""

    short_id: str  #: ``<section>.<item>``, both counted from 1 in the (reference run's) report order
    name: str
    section: str
    line: int
    reason: str
    node_id: str = ""


@dataclass(frozen=True)
class RunOutcome:
    """What one checklist run gave."""

    target: Target
    exit_code: int
    failed: tuple[CaughtItem, ...] = ()
    summary: dict[str, int] = field(default_factory=dict)
    report_dir: Path = Path()
    duration_s: float = 0.0
    problem: str | None = None  #: why the run could not report (then nothing can be judged)

    @property
    def caught(self) -> bool:
        return bool(self.failed)


@dataclass(frozen=True)
class SelfCheckResult:
    reference: RunOutcome
    faults: tuple[RunOutcome, ...]
    duration_s: float
    workers: int

    @property
    def survivors(self) -> tuple[RunOutcome, ...]:
        return tuple(f for f in self.faults if f.problem is None and not f.caught)

    @property
    def problems(self) -> tuple[RunOutcome, ...]:
        return tuple(r for r in (self.reference, *self.faults) if r.problem is not None)

    @property
    def exit_code(self) -> int:
        if self.problems:
            return 2
        if self.survivors or self.reference.failed:
            return 1
        return 0

    def as_json(self) -> dict[str, Any]:
        def run(outcome: RunOutcome) -> dict[str, Any]:
            return {
                "name": outcome.target.name,
                "sut": outcome.target.sut,
                "breaks": outcome.target.breaks,
                "exit_code": outcome.exit_code,
                "caught_by": [item.short_id for item in outcome.failed],
                "failed": [item.__dict__ for item in outcome.failed],
                "summary": outcome.summary,
                "report_dir": str(outcome.report_dir),
                "duration_s": round(outcome.duration_s, 3),
                "problem": outcome.problem,
            }

        return {
            "exit_code": self.exit_code,
            "workers": self.workers,
            "duration_s": round(self.duration_s, 3),
            "reference": run(self.reference),
            "faults": [run(f) for f in self.faults],
            "survivors": [f.target.name for f in self.survivors],
        }


def resolve_targets(names: Sequence[str]) -> list[Target]:
    """The broken engines to run: the whole catalogue, or the names given (a catalogue name, or a
    ``module:callable`` factory of your own)."""
    catalogue = {fault.name: fault for fault in BROKEN_ENGINES}
    if not names:
        return [Target(f.name, f.sut, f.breaks, f.item) for f in BROKEN_ENGINES]
    targets: list[Target] = []
    for name in dict.fromkeys(names):
        if name in catalogue:
            fault = catalogue[name]
            targets.append(Target(fault.name, fault.sut, fault.breaks, fault.item))
        elif ":" in name:
            _check_factory(name)
            targets.append(Target(name, name, "your own engine"))
        else:
            known = ", ".join(catalogue)
            raise UsageError(f"--fault {name!r}: no such broken engine; choose from {known}, or give module:callable")
    return targets


def _check_factory(target: str) -> None:
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"--fault {target!r}: cannot import {module_name!r} ({exc})") from None
    if not callable(getattr(module, attribute, None)):
        raise UsageError(f"--fault {target!r}: {module_name} has no callable {attribute!r}")


def _worker_count(workers: str | None, runs: int, *, full: bool) -> int:
    """How many checklist processes run at once: one (``--full``) or two (the batches) unless told."""
    if workers is None:
        return 1 if full else max(1, min(2, os.cpu_count() or 1, runs))
    wanted = (os.cpu_count() or 1) if workers == "auto" else int(workers)
    return max(1, min(wanted, runs))


def run_selfcheck(options: SelfCheckOptions, *, on_done: Callable[[RunOutcome], None] | None = None) -> SelfCheckResult:
    """Run the checklist against the reference engine and each broken engine; ``on_done`` hears of
    each run as it ends."""
    load_config(options.spec, options.mapping, REFERENCE, options.seed, False, options.examples)  # unusable: raise
    targets = [Target(REFERENCE, REFERENCE, "nothing"), *resolve_targets(options.faults)]
    root = Path(options.report_dir)
    root.mkdir(parents=True, exist_ok=True)
    workers = _worker_count(options.workers, len(targets), full=options.full)
    started = time.perf_counter()
    outcomes: dict[str, RunOutcome] = {}

    def done(outcome: RunOutcome) -> None:
        outcomes[outcome.target.name] = outcome
        if on_done is not None:
            on_done(outcome)

    # Every run is a child in a session of its own; a SIGINT/SIGTERM to selfcheck goes on to the runs in
    # progress, and no process of any run remains.
    with signals_forwarded() as interruption:
        _run_all(options, targets, root, workers, done)
    if interruption.signum is not None:
        raise Interrupted(interruption.signum)
    if not options.full:
        _renumber(outcomes, root / targets[0].folder / "checklist.json")
    result = SelfCheckResult(
        reference=outcomes[REFERENCE],
        faults=tuple(outcomes[t.name] for t in targets[1:]),
        duration_s=time.perf_counter() - started,
        workers=workers,
    )
    (root / "selfcheck.json").write_text(json.dumps(result.as_json(), indent=2) + "\n", encoding="utf-8")
    return result


def _run_all(
    options: SelfCheckOptions, targets: list[Target], root: Path, workers: int, done: Callable[[RunOutcome], None]
) -> None:
    """``--full``: every engine against the whole checklist, a process each; else the batches."""
    if options.full:
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            running = [pool.submit(_run_one, options, target, root / target.folder) for target in targets]
            for finished in concurrent.futures.as_completed(running):
                done(finished.result())
    else:
        _run_batches(options, targets, root, workers, done)


def _run_options(options: SelfCheckOptions, target: Target, report_dir: Path) -> RunOptions:
    return RunOptions(
        spec=options.spec,
        mapping=options.mapping,
        sut=target.sut,
        report_dir=str(report_dir),
        seed=options.seed,
        examples=options.examples,
        markers=options.markers,
        quiet=True,
    )


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def _run_one(options: SelfCheckOptions, target: Target, report_dir: Path) -> RunOutcome:
    """One checklist run in its own process, as ``talkqa run`` starts it (its pytest command line, its
    exit code from the report); its output goes to ``report_dir/run.log``."""
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "checklist.json").unlink(missing_ok=True)
    started = time.perf_counter()
    with (
        (report_dir / "run.log").open("w", encoding="utf-8") as log,
        tempfile.TemporaryDirectory(prefix="talkqa-selfcheck-") as basetemp,
    ):
        argv = [*pytest_argv(_run_options(options, target, report_dir)), "--basetemp", basetemp]
        finished = run_child(argv, stdout=log, stderr=subprocess.STDOUT, env=_environment())
    return _outcome(target, report_dir, time.perf_counter() - started, f"pytest exit status {finished.returncode}")


def _run_batches(
    options: SelfCheckOptions, targets: list[Target], root: Path, workers: int, done: Callable[[RunOutcome], None]
) -> None:
    """The default self-check: the reference engine against the whole checklist, each broken engine only
    until its first caught item. One process (``workers`` 1): the reference first, then the broken engines
    with the items cheapest first by the reference run's timings. More: the reference in one process and
    the broken engines split over the others at the same time, the items in the static order (by kind)."""
    reference, broken = targets[0], targets[1:]
    order_from = root / reference.folder / "checklist.json"
    if workers <= 1:
        _run_batch(options, [reference, *broken], root, order_from, done)
        return
    # The reference in one process, the broken engines in the others at the same time: their items then go
    # in the static order (cheap kinds first, round trips last), as no timings of the reference exist yet.
    shares = [broken[i :: workers - 1] for i in range(workers - 1)]
    batches = [[reference], *[share for share in shares if share]]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(batches)) as pool:
        running = [pool.submit(_run_batch, options, batch, root, None, done) for batch in batches]
        for finished in running:
            finished.result()


def _run_batch(
    options: SelfCheckOptions,
    targets: list[Target],
    root: Path,
    order_from: Path | None,
    done: Callable[[RunOutcome], None],
) -> None:
    """``targets`` one after the other in one process (``harness.selfcheck.batch``); ``done`` hears of each."""
    runs = []
    for target in targets:
        report_dir = root / target.folder
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "checklist.json").unlink(missing_ok=True)
        run = {
            "name": target.name,
            "args": pytest_argv(_run_options(options, target, report_dir))[3:],
            "module": str(CHECKLIST_MODULE),
            "log": str(report_dir / "run.log"),
        }
        if target.name != REFERENCE and order_from is not None:
            run["order_from"] = str(order_from)
        elif target.name != REFERENCE:
            run["order"] = "static"
        if target.first:
            run["first"] = target.first
        runs.append(run)
    plan = root / f"plan-{targets[0].folder}.json"
    plan.write_text(json.dumps({"runs": runs}, indent=2), encoding="utf-8")
    by_name = {target.name: target for target in targets}
    started = time.perf_counter()
    argv = [sys.executable, "-m", "harness.selfcheck.batch", str(plan)]
    with (
        subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=_environment(), start_new_session=True) as batch,
        watched(batch),
    ):
        assert batch.stdout is not None
        for line in batch.stdout:
            if not line.startswith(DONE):
                continue  # not the batch's own word (something the checklist's process printed)
            target = by_name.pop(json.loads(line[len(DONE) :]))
            now = time.perf_counter()
            done(_outcome(target, root / target.folder, now - started, "see run.log"))
            started = now
    for target in by_name.values():  # the batch died before these ran
        done(_outcome(target, root / target.folder, 0.0, f"the batch ended early (exit status {batch.returncode})"))
    plan.unlink(missing_ok=True)


def _renumber(outcomes: dict[str, RunOutcome], reference_report: Path) -> None:
    """Give the items a run stopped at the ids they have in the reference run's (whole) report, so that
    one id means one item across the table."""
    if not reference_report.exists():
        return
    data = json.loads(reference_report.read_text(encoding="utf-8"))
    ids = {
        str(item.get("node_id")): f"{s_index}.{i_index}"
        for s_index, section in enumerate(data["sections"], start=1)
        for i_index, item in enumerate(section["items"], start=1)
    }
    for name, outcome in outcomes.items():
        failed = tuple(replace(item, short_id=ids.get(item.node_id, item.short_id)) for item in outcome.failed)
        outcomes[name] = replace(outcome, failed=failed)


def _outcome(target: Target, report_dir: Path, duration: float, how: str) -> RunOutcome:
    """What a finished run's report says (a run without a report is a problem, not a verdict)."""
    report = report_dir / "checklist.json"
    if not report.exists():
        why = f"the checklist ended without a report ({how}); see {report_dir}/run.log"
        return RunOutcome(target, 2, report_dir=report_dir, duration_s=duration, problem=why)
    data = json.loads(report.read_text(encoding="utf-8"))
    return RunOutcome(
        target,
        int(data["exit_code"]),
        failed=tuple(_failed_items(data)),
        summary={k: int(v) for k, v in data["summary"].items()},
        report_dir=report_dir,
        duration_s=duration,
    )


def _failed_items(data: dict[str, Any]) -> list[CaughtItem]:
    out = []
    for s_index, section in enumerate(data["sections"], start=1):
        for i_index, item in enumerate(section["items"], start=1):
            if item["status"] in ("failed", "error"):  # an engine that breaks a scenario's setup is caught too
                out.append(
                    CaughtItem(
                        f"{s_index}.{i_index}",
                        item["name"],
                        section["title"],
                        int(item.get("line") or 0),
                        _first_line(item.get("reason")),
                        str(item.get("node_id") or ""),
                    )
                )
    return out


def _first_line(text: str | None, limit: int = 200) -> str:
    return (text or "").strip().split("\n", 1)[0][:limit]


def render_table(result: SelfCheckResult, *, width: int = 100) -> str:
    """The table a person reads: each engine, how many items caught it, and which (by short id, with a
    legend of the ids under the table)."""
    rows = [result.reference, *result.faults]
    name_width = max(len("fault"), *(len(r.target.name) for r in rows))
    lines = [f"{'fault':<{name_width}}  {'items':>5}  caught by"]
    legend: dict[str, CaughtItem] = {}
    for outcome in rows:
        if outcome.problem is not None:
            verdict = f"could not run: {outcome.problem}"
        elif outcome is result.reference:
            ids = " ".join(item.short_id for item in outcome.failed)
            verdict = f"REFERENCE FAILS: {ids}" if outcome.failed else "nothing fails (as it should)"
        elif not outcome.failed:
            verdict = "SURVIVED: no item failed"
        else:
            verdict = " ".join(item.short_id for item in outcome.failed)
        for item in outcome.failed:
            legend.setdefault(item.short_id, item)
        count = "-" if outcome.problem is not None else str(len(outcome.failed))
        lines += _wrapped(f"{outcome.target.name:<{name_width}}  {count:>5}  ", verdict, width)
    if legend:
        lines += ["", "items:"]
        for short_id, item in sorted(legend.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))):
            lines.append(f"  {short_id:>5}  {item.section}: {item.name}")
    return "\n".join(lines)


def _wrapped(head: str, text: str, width: int) -> list[str]:
    """``head`` then ``text``, its words wrapped at ``width`` under the start of the text."""
    lines: list[str] = []
    words: list[str] = []
    for word in text.split(" "):
        if words and len(head) + len(" ".join([*words, word])) > width:
            lines.append(head + " ".join(words))
            head, words = " " * len(head), []
        words.append(word)
    lines.append(head + " ".join(words))
    return lines
