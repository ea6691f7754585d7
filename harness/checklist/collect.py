"""From pytest's reports to talkqa's results model: each checklist scenario's outcome (pending told
apart from skipped), its spec line, and for a failure its evidence. Workers describe; the controller
collects and writes the reports once, at the end."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.reporting import scenario_reports_registry
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness.checklist.config import ChecklistConfig
from harness.checklist.outcomes import ChecklistFailure, pending_reason
from harness.checklist.roundtrip import HYPOTHESIS_PROFILE
from harness.dataflow.model import Severity
from harness.report import write_reports
from harness.report.model import (
    AssumedMapping,
    LintFinding,
    PhaseTiming,
    RunReport,
    Seeds,
    SpecInfo,
    SutInfo,
    Timings,
    installed_versions,
)
from harness.report.results import (
    Evidence,
    HttpExchange,
    HypothesisExample,
    ItemResult,
    ItemStatus,
    SectionResult,
    StepResult,
    StepStatus,
    distinct_names,
)
from harness.sut import describe_sut

__all__ = ["Collector", "describe", "item_title"]


def _tag_number(tags: set[str], prefix: str) -> int | None:
    for tag in tags:
        if tag.startswith(prefix) and tag[len(prefix) :].isdigit():
            return int(tag[len(prefix) :])
    return None


def _template_and_example(item: pytest.Item) -> tuple[Any, dict[str, str]] | None:
    """The pytest-bdd scenario template a checklist item runs and its outline example (None: not an item)."""
    function = getattr(item, "obj", None)
    template = scenario_wrapper_template_registry.get(function) if function is not None else None
    if template is None:
        return None
    params = getattr(item, "callspec", None)
    example: dict[str, str] = dict(params.params.get("_pytest_bdd_example") or {}) if params else {}
    return template, example


def item_title(item: pytest.Item) -> str | None:
    """The name a checklist item has in the report (None for any other test)."""
    found = _template_and_example(item)
    if found is None:
        return None
    template, example = found
    return _item_name(item, template.name, template.render(example).name)


def describe(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, *, strict: bool) -> str | None:
    """A checklist item's outcome as JSON (None for any other test, or for a phase that says nothing)."""
    found = _template_and_example(item)
    if found is None:
        return None
    if report.when == "teardown" or (report.when == "setup" and report.passed):
        return None
    template, example = found
    scenario = template.render(example)
    tags = set(template.tags) | set(template.feature.tags)
    line = int(example["line"]) if example.get("line", "").isdigit() else _tag_number(tags, "line_") or 0
    status, reason, evidence = _outcome(item, call, report)
    if status is ItemStatus.PENDING and strict:
        report.outcome = "failed"
        report.longrepr = f"pending under --talkqa-strict: {reason}"
    return json.dumps(
        {
            "name": _item_name(item, template.name, scenario.name),
            "section": _tag_number(tags, "section_") or 0,
            "line": line,
            "tags": sorted(tags),
            "status": status.value,
            "reason": reason,
            "duration_s": round(report.duration, 6),
            "node_id": item.nodeid,
            "order": item.session.items.index(item) if item in item.session.items else 0,
            "evidence": evidence.to_json() if evidence is not None else None,
            "steps": [step.to_json() for step in _steps(item, scenario.steps, status)],
            "notes": list(dict.fromkeys(getattr(getattr(item, "talkqa_world", None), "notes", ()))),
        }
    )


def _item_name(item: pytest.Item, template_name: str, rendered: str) -> str:
    """The item's name, the same whatever else the run selected: an example of an outline whose name
    does not vary by example carries its example (``[source-target]``), as its node id does."""
    name = item.name
    if rendered == template_name and name.endswith("]") and "[" in name:
        return f"{rendered} [{name[name.index('[') + 1 : -1]}]"
    return rendered


def _steps(item: pytest.Item, steps: list[Any], status: ItemStatus) -> list[StepResult]:
    """Each Gherkin step of the item as pytest-bdd ran it. pytest-bdd marks every step after a failing
    one as failed too; here the first failing step carries the item's status and the rest are not run."""
    reports = _step_reports(item)
    out: list[StepResult] = []
    ended = False
    for index, step in enumerate(steps):
        duration = 0.0
        if ended or index >= len(reports):
            state = StepStatus.NOT_RUN
        else:
            report = reports[index]
            unfinished = report.stopped is None
            if report.failed or unfinished:  # the step that failed, or ended the item as pending/skipped
                state = StepStatus(status.value) if status is not ItemStatus.PASSED else StepStatus.FAILED
                ended = True
            else:
                state = StepStatus.PASSED
            duration = 0.0 if unfinished else float(report.duration)
        out.append(StepResult(step.keyword, step.name, int(step.line_number), state, round(duration, 6)))
    return out


def _step_reports(item: pytest.Item) -> list[Any]:
    ran = scenario_reports_registry.get(item)
    return list(ran.step_reports) if ran is not None else []


def _failed_in_setup(item: pytest.Item, report: pytest.TestReport, error: BaseException | None) -> bool:
    """Whether the scenario could not be set up — a fixture failed, or a Given step failed with anything
    but a check's verdict (a ChecklistFailure is the system under test found wrong, even in a Given)."""
    if report.when == "setup":
        return True
    if isinstance(error, ChecklistFailure):
        return False
    failing = next((r for r in _step_reports(item) if r.failed), None)
    return failing is not None and str(getattr(failing.step, "type", "")).lower() == "given"


def _outcome(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
) -> tuple[ItemStatus, str | None, Evidence | None]:
    if report.passed:
        return ItemStatus.PASSED, None, None
    if report.skipped:
        text = _skip_text(report)
        why = pending_reason(text)
        if why is not None:
            return ItemStatus.PENDING, why, None
        return ItemStatus.SKIPPED, text or "skipped", None
    world = getattr(item, "talkqa_world", None)
    error = call.excinfo.value if call.excinfo is not None else None
    calls = getattr(error, "exchanges", None)
    if calls is None:
        calls = world.exchanges() if world is not None else []
    exchanges = [HttpExchange.from_call(c) for c in calls]
    hypothesis = getattr(error, "hypothesis", None)
    example = HypothesisExample(str(hypothesis[0]), int(hypothesis[1])) if hypothesis else None
    if isinstance(error, ChecklistFailure):
        evidence = Evidence.of_values(
            error.message, error.expected, error.actual, exchanges=exchanges, hypothesis=example
        )
        if error.expected is None and error.actual is None:
            evidence = Evidence(error.message, None, None, tuple(exchanges), example)
        return ItemStatus.FAILED, error.message, evidence
    message = f"{type(error).__name__}: {error}" if error is not None else str(report.longrepr)[-500:]
    status = ItemStatus.FAILED
    if _failed_in_setup(item, report, error):
        status = ItemStatus.ERROR
        message = f"could not set the scenario up: {message}"
    return (
        status,
        message.splitlines()[0] if message else "failed",
        Evidence(message, exchanges=tuple(exchanges)),
    )


def _skip_text(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr or "")


class Collector:
    """Gathers the described items on the controller and writes the four reports at the end."""

    def __init__(
        self, config: ChecklistConfig, out_dir: Path, *, markers: str | None = None, keywords: str | None = None
    ) -> None:
        self.config = config
        self.out_dir = out_dir
        self.markers = markers or None
        self.keywords = keywords or None
        self.items: dict[str, dict[str, Any]] = {}
        self.started = datetime.now(UTC)
        self._clock = time.perf_counter()
        self.written: Path | None = None

    def _served_note(self) -> str:
        """How the mocks were served to an external SUT: the time scale and the advertised time-out."""
        if not self.config.served:
            return ""
        return (
            f"; mocks served on loopback at time scale {self.config.time_scale} "
            f"(TALKQA_TIME_SCALE), client time-out {self.config.http_timeout_s:g} s (TALKQA_HTTP_TIMEOUT_S)"
        )

    def add(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == "talkqa":
                data = json.loads(str(value))
                self.items[data["node_id"]] = data

    def _lint_errors(self) -> dict[int, tuple[str, ...]]:
        """The error-level findings inside each distinct section (by the section's title line)."""
        document = self.config.document
        errors = [f for f in document.findings if f.severity is Severity.ERROR]
        starts = sorted(s.line for s in document.sections)
        found: dict[int, tuple[str, ...]] = {}
        for section in document.distinct_sections():
            later = [line for line in starts if line > section.line]
            end = later[0] if later else 10**9
            inside = [f for f in errors if section.line <= f.line < end]
            if inside:
                found[section.line] = tuple(f"{f.code} at spec line {f.line}: {f.message}" for f in inside)
        return found

    def _source_lines(self) -> list[str]:
        try:
            return self.config.spec_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []

    def report(self, *, interrupted: bool = False, planned: int | None = None) -> RunReport:
        document = self.config.document
        distinct = document.distinct_sections()
        lint_errors = self._lint_errors()
        by_section: dict[int, list[ItemResult]] = {}
        for data in sorted(self.items.values(), key=lambda d: (d["order"], d["node_id"])):
            evidence = Evidence.from_json(data["evidence"]) if data.get("evidence") else None
            ordinal = int(data["section"])
            section_line = distinct[ordinal - 1].line if 0 < ordinal <= len(distinct) else -1
            by_section.setdefault(ordinal, []).append(
                ItemResult(
                    name=data["name"],
                    status=ItemStatus(data["status"]),
                    line=int(data["line"]),
                    reason=data.get("reason"),
                    duration_s=float(data["duration_s"]),
                    tags=tuple(data["tags"]),
                    node_id=data["node_id"],
                    evidence=evidence,
                    steps=tuple(StepResult.from_json(step) for step in data.get("steps", ())),
                    order=int(data["order"]),
                    lint_errors=lint_errors.get(section_line, ()),
                    notes=tuple(data.get("notes", ())),
                )
            )
        # the examples of one outline share a name: every report names each one apart
        renamed = iter(distinct_names(item for ordinal in sorted(by_section) for item in by_section[ordinal]))
        by_section = {ordinal: [next(renamed) for _ in items] for ordinal, items in sorted(by_section.items())}
        source_lines = self._source_lines()
        sections = tuple(
            SectionResult.of(document, section, by_section.get(ordinal, ()), source_lines)
            for ordinal, section in enumerate(distinct, start=1)
        )
        assumed = tuple(
            AssumedMapping.of(m.section.title, m.section.line, row.as_property_mapping(), str(row.origin))
            for m in self.config.mappings
            for row in m.assumed
        )
        finished = datetime.now(UTC)
        return RunReport(
            spec=SpecInfo.of(document),
            sut=SutInfo(self.config.sut, describe_sut(self.config.sut) + self._served_note()),
            seeds=Seeds(self.config.seed, self.config.seed, self.config.seed, HYPOTHESIS_PROFILE),
            sections=sections,
            timings=Timings(self.started, finished, (PhaseTiming("checklist", time.perf_counter() - self._clock),)),
            findings=tuple(LintFinding.of(document.path, f) for f in document.findings),
            assumed_mappings=assumed,
            versions=installed_versions(),
            strict=self.config.strict,
            mapping_path=self.config.mapping_path,
            examples=self.config.examples,
            markers=self.markers,
            keywords=self.keywords,
            interrupted=interrupted,
            planned=planned,
        )

    def write(self, *, interrupted: bool = False, planned: int | None = None) -> None:
        written = write_reports(self.report(interrupted=interrupted, planned=planned), self.out_dir)
        self.written = written["json"]
