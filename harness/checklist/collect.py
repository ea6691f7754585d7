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
)
from harness.sut import describe_sut

__all__ = ["Collector", "describe"]


def _tag_number(tags: set[str], prefix: str) -> int | None:
    for tag in tags:
        if tag.startswith(prefix) and tag[len(prefix) :].isdigit():
            return int(tag[len(prefix) :])
    return None


def describe(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, *, strict: bool) -> str | None:
    """A checklist item's outcome as JSON (None for any other test, or for a phase that says nothing)."""
    function = getattr(item, "obj", None)
    template = scenario_wrapper_template_registry.get(function) if function is not None else None
    if template is None:
        return None
    if report.when == "teardown" or (report.when == "setup" and report.passed):
        return None
    params = getattr(item, "callspec", None)
    example: dict[str, str] = dict(params.params.get("_pytest_bdd_example") or {}) if params else {}
    scenario = template.render(example)
    tags = set(template.tags) | set(template.feature.tags)
    line = int(example["line"]) if example.get("line", "").isdigit() else _tag_number(tags, "line_") or 0
    status, reason, evidence = _outcome(item, call, report)
    if status is ItemStatus.PENDING and strict:
        report.outcome = "failed"
        report.longrepr = f"pending under --talkqa-strict: {reason}"
    return json.dumps(
        {
            "name": scenario.name,
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
        }
    )


def _steps(item: pytest.Item, steps: list[Any], status: ItemStatus) -> list[StepResult]:
    """Each Gherkin step of the item as pytest-bdd ran it; a step never reached is skipped."""
    ran = scenario_reports_registry.get(item)
    reports = list(ran.step_reports) if ran is not None else []
    out: list[StepResult] = []
    for index, step in enumerate(steps):
        if index < len(reports):
            report = reports[index]
            unfinished = report.stopped is None
            if report.failed:
                state = ItemStatus.FAILED
            elif unfinished:  # the step that ended the item as pending (or skipped) never finished
                state = status if status in (ItemStatus.PENDING, ItemStatus.SKIPPED) else ItemStatus.FAILED
            else:
                state = ItemStatus.PASSED
            duration = 0.0 if unfinished else float(report.duration)
        else:
            state, duration = ItemStatus.SKIPPED, 0.0
        out.append(StepResult(step.keyword, step.name, int(step.line_number), state, round(duration, 6)))
    return out


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
    if report.when == "setup":
        message = f"could not set the scenario up: {message}"
    return (
        ItemStatus.FAILED,
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

    def __init__(self, config: ChecklistConfig, out_dir: Path) -> None:
        self.config = config
        self.out_dir = out_dir
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

    def report(self) -> RunReport:
        document = self.config.document
        distinct = document.distinct_sections()
        by_section: dict[int, list[ItemResult]] = {}
        for data in sorted(self.items.values(), key=lambda d: (d["order"], d["node_id"])):
            evidence = Evidence.from_json(data["evidence"]) if data.get("evidence") else None
            by_section.setdefault(int(data["section"]), []).append(
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
                )
            )
        sections = tuple(
            SectionResult.of(document, section, by_section.get(ordinal, ()))
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
        )

    def write(self) -> None:
        written = write_reports(self.report(), self.out_dir)
        self.written = written["json"]
