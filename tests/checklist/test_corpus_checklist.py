"""Any of the 1,152 corpus documents runs as a checklist and reports pending where talkqa has no mock —
never a crash.

- Every document goes through what the plugin does before a scenario runs — the spec loaded, its features
  written and collected by pytest-bdd — and then the Background step of every feature, through the step
  library's own binding. (Running all 4,289 features' 73,000 scenarios would take many minutes; every
  scenario of a feature starts with the same Background, which is where a flow without a driver ends.)
- A sample of documents runs whole under the plugin (pytester, ``--talkqa-examples 1``).
- pytest-bdd's own check for undefined steps (``--generate-missing --feature``) runs over every distinct
  step of the corpus's features, gathered into one feature (the check's verdict depends on a step's type
  and text alone, so the 4,459 distinct steps stand for all 385,000).
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import random
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.parser import Step
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry
from support import CORPUS, require

import harness.checklist.steps
from harness.checklist.config import load_config
from harness.checklist.features import prepare_features
from harness.checklist.outcomes import ChecklistFailure, pending_reason
from harness.checklist.runner import CHECKLIST_MODULE
from harness.checklist.world import ChecklistWorld
from harness.dataflow.parser import parse_file

pytest_plugins = ["pytester"]

DOCUMENTS = 1152
#: the systems talkqa has a mock and a driver for
DRIVEN = {"exact online", "squarespace"}
#: documents run whole: the one the corpus has drivers for (blank targets, rows from the mapping file) and
#: three drawn at random (every flow of the others ends at its Background, proved for all documents above)
SAMPLE = [
    "exact-squarespace.rst",
    *random.Random(DOCUMENTS).sample(
        sorted(p.name for p in CORPUS.glob("*.rst") if "squarespace" not in p.name and "exact" not in p.name)
        if CORPUS.is_dir()
        else [],
        3 if CORPUS.is_dir() else 0,
    ),
]


@dataclass(frozen=True)
class FlowOutcome:
    """How the Background step of one feature ended."""

    document: str
    source: str  #: the system names as the Background step gives them
    target: str
    status: str  #: passed, pending, failed (a ChecklistFailure) or crashed (any other exception)
    reason: str


@dataclass(frozen=True)
class DocumentRun:
    name: str
    distinct_sections: int
    features: int
    flows: tuple[FlowOutcome, ...]
    steps: frozenset[tuple[str, str]]  #: every step (type, text) of the document's features


def _library_steps() -> list[StepFunctionContext]:
    return [
        c for c in step_function_context_registry.values() if c.step_func.__module__ == harness.checklist.steps.__name__
    ]


def _bind(step: Step, library: list[StepFunctionContext]) -> tuple[StepFunctionContext, dict[str, Any]]:
    """The one library step whose parser matches ``step`` (as pytest-bdd finds it), and its converted arguments."""
    [context] = [c for c in library if c.type in (step.type, None) and c.parser.is_matching(step.name)]
    arguments = context.parser.parse_arguments(step.name) or {}
    return context, {k: context.converters[k](v) if k in context.converters else v for k, v in arguments.items()}


def _background(
    document: str, world: ChecklistWorld, steps_: list[Step], library: list[StepFunctionContext]
) -> FlowOutcome:
    names = ("?", "?")
    try:
        for step in steps_:
            context, arguments = _bind(step, library)
            if "source_system" in arguments:
                names = (arguments["source_system"], arguments["target_system"])
            context.step_func(checklist=world, **arguments)
    except pytest.skip.Exception as skipped:
        reason = pending_reason(str(skipped.msg))
        return FlowOutcome(document, *names, "pending" if reason else "skipped", reason or str(skipped.msg))
    except ChecklistFailure as failure:
        return FlowOutcome(document, *names, "failed", failure.message)
    except Exception as exc:
        return FlowOutcome(document, *names, "crashed", f"{type(exc).__name__}: {exc}")
    return FlowOutcome(document, *names, "passed", "")


def _run_documents(specs: list[Path], state: Path) -> list[DocumentRun]:
    library = _library_steps()
    runs = []
    for spec in specs:
        config = load_config(str(spec), None)
        features = get_features([str(prepare_features(config.document))])  # as scenarios() collects them
        flows = []
        if features:  # a document without flow sections has none (its checklist is empty)
            world = ChecklistWorld(config, f"corpus::{spec.name}", state / spec.stem)
            try:
                for feature in features:
                    first = next(iter(feature.scenarios.values()))
                    flows.append(_background(spec.name, world, [s for s in first.steps if s.background], library))
            finally:
                world.close()
        runs.append(
            DocumentRun(
                spec.name,
                len(config.document.distinct_sections()),
                len(features),
                tuple(flows),
                frozenset(
                    (s.type, s.name) for f in features for scenario in f.scenarios.values() for s in scenario.steps
                ),
            )
        )
    return runs


def _write_here(folder: str) -> None:
    """Pool workers write the features into the test's own folder, not the machine's temp folder."""
    tempfile.tempdir = folder


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> list[DocumentRun]:
    specs = sorted(require(CORPUS).glob("*.rst"))
    folder = tmp_path_factory.mktemp("corpus-checklists")
    workers = max(1, min(2, os.cpu_count() or 1))
    # spawned, not forked: the test process may hold threads (served mocks) that a fork would copy mid-lock
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, initializer=_write_here, initargs=(str(folder),)) as pool:
        chunks = pool.map(_run_documents, _chunks(specs, 48), itertools.repeat(folder / "state"))
        return [run for chunk in chunks for run in chunk]


def _flows(corpus_runs: list[DocumentRun]) -> list[FlowOutcome]:
    return [flow for run in corpus_runs for flow in run.flows]


def test_every_corpus_document_is_collected_one_feature_per_distinct_section(corpus_runs: list[DocumentRun]) -> None:
    assert len(corpus_runs) == DOCUMENTS
    assert [run.name for run in corpus_runs if run.features != run.distinct_sections] == []
    assert sum(run.features for run in corpus_runs) > 4000


def test_the_background_of_every_corpus_flow_ends_passed_or_pending(corpus_runs: list[DocumentRun]) -> None:
    flows = _flows(corpus_runs)
    assert len(flows) == sum(run.features for run in corpus_runs)
    assert [flow for flow in flows if flow.status not in {"passed", "pending"}] == []


def test_a_flow_of_a_system_without_a_driver_is_pending_naming_that_system(corpus_runs: list[DocumentRun]) -> None:
    undriven = 0
    wrong = []
    for flow in _flows(corpus_runs):
        missing = next((name for name in (flow.source, flow.target) if name and name.casefold() not in DRIVEN), None)
        if missing is None:
            continue
        undriven += 1
        # the first system the Background meets without a driver is named: the missing one, or a driven
        # source whose type no driver serves ("talkqa has no Exact Online driver for Accounts")
        named = missing in flow.reason or (flow.source.casefold() in DRIVEN and flow.source in flow.reason)
        if flow.status != "pending" or not named or "driver for" not in flow.reason:
            wrong.append(flow)
    assert wrong == []
    assert undriven > 4000


def test_a_flow_between_driven_systems_is_pending_only_for_a_reason_naming_a_system(
    corpus_runs: list[DocumentRun],
) -> None:
    driven = [
        flow
        for flow in _flows(corpus_runs)
        if all(not name or name.casefold() in DRIVEN for name in (flow.source, flow.target))
    ]
    assert {flow.status for flow in driven} == {"passed", "pending"}
    named = ("Exact Online", "Squarespace", "a blank system")
    assert [flow for flow in driven if flow.status == "pending" and not any(n in flow.reason for n in named)] == []


# -- pytest-bdd's own check ------------------------------------------------------------------------------

_KEYWORDS = {"given": "Given", "when": "When", "then": "Then"}


def _steps_feature(steps_: list[tuple[str, str]], per_scenario: int = 100) -> str:
    lines = ["Feature: Every distinct step of the corpus checklists", ""]
    for number, start in enumerate(range(0, len(steps_), per_scenario), start=1):
        lines.append(f"  Scenario: Steps, part {number}")
        lines.extend(f"    {_KEYWORDS[kind]} {text}" for kind, text in steps_[start : start + per_scenario])
        lines.append("")
    return "\n".join(lines)


def _generate_missing(pytester: pytest.Pytester, steps_: list[tuple[str, str]]) -> list[str]:
    """pytest-bdd's report of the steps no step definition matches (and of scenarios no test binds).

    pytest-bdd 9 under pytest 9 exits 0 even when it finds some (``wrap_session`` overwrites the status 100
    it sets), so its report is read, after making sure the check ran over every scenario."""
    feature = _steps_feature(steps_)
    pytester.makefile(".feature", corpus_steps=feature)
    pytester.makepyfile(test_corpus_steps='from pytest_bdd import scenarios\n\nscenarios("corpus_steps.feature")\n')
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--generate-missing", "--feature", "corpus_steps.feature"
    )
    scenarios = feature.count("  Scenario: ")
    result.stdout.fnmatch_lines([f"collected {scenarios} item*", "Please place the code above to the test file(s):"])
    return [line for line in result.outlines if "is not defined" in line or "is not bound" in line]


def test_pytest_bdds_own_check_finds_no_undefined_step_in_the_corpus(
    pytester: pytest.Pytester, corpus_runs: list[DocumentRun]
) -> None:
    distinct = sorted(set().union(*(run.steps for run in corpus_runs)))
    assert len(distinct) > 4000
    assert {kind for kind, _ in distinct} == {"given", "when", "then"}
    assert _generate_missing(pytester, distinct) == []


def test_pytest_bdds_own_check_reports_a_step_the_library_does_not_bind(pytester: pytest.Pytester) -> None:
    steps_ = [
        ("given", 'the flow from "Exact Online" "Items" to "Squarespace" "Inventory" at spec line 12'),
        ("when", "the records are compared by hand"),
    ]
    [missing] = _generate_missing(pytester, steps_)
    assert missing.startswith('Step When "the records are compared by hand" is not defined')


# -- a sample run whole under the plugin -----------------------------------------------------------------


class ExceptionsSeen:
    """Every exception a checklist item ended with, in any phase."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, BaseException]] = []

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
        report = yield
        if call.excinfo is not None:
            self.seen.append((item.nodeid, call.when, call.excinfo.value))
        return report


@pytest.mark.parametrize("name", SAMPLE)
def test_a_corpus_document_runs_whole_and_ends_every_item_passed_failed_or_pending(
    pytester: pytest.Pytester, tmp_path: Path, name: str
) -> None:
    spec = require(CORPUS / name)
    seen = ExceptionsSeen()
    out = tmp_path / "reports"
    result = pytester.runpytest_inprocess(
        str(CHECKLIST_MODULE),  # the module talkqa run runs
        "-p",
        "no:cacheprovider",
        "--assert=plain",
        f"--talkqa-spec={spec}",
        "--talkqa-examples=1",
        f"--talkqa-report-dir={out}",
        plugins=[seen],
    )
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED)
    foreign = [
        (node, when, repr(exc))
        for node, when, exc in seen.seen
        if not isinstance(exc, (ChecklistFailure, pytest.skip.Exception))
    ]
    assert foreign == []
    skips = [str(exc.msg) for _, _, exc in seen.seen if isinstance(exc, pytest.skip.Exception)]
    assert [msg for msg in skips if pending_reason(msg) is None] == []

    data = json.loads((out / "checklist.json").read_text(encoding="utf-8"))
    sections = parse_file(spec).distinct_sections()
    assert [s["line"] for s in data["sections"]] == [s.line for s in sections]
    for section, results in zip(sections, data["sections"], strict=True):
        missing = next(
            (n for n in (section.source_system, section.target_system) if n and n.casefold() not in DRIVEN), None
        )
        if missing is not None:
            assert {item["status"] for item in results["items"]} == {"pending"}
            assert [i["reason"] for i in results["items"] if missing not in i["reason"]] == []
    assert sum(data["summary"].values()) == sum(len(s["items"]) for s in data["sections"])
