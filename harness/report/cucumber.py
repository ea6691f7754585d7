"""``cucumber.json`` in the Cucumber JSON format (as cucumber-js and pytest-bdd's ``--cucumberjson``
write it): one feature per spec section, one scenario element per checklist item, its steps with results.

Mapping:

- feature: ``uri`` the spec path, ``name`` the section title, ``line`` the section's spec line;
- element: ``type`` ``scenario``, ``name`` the item name, ``line`` the item's spec line, ``tags`` the
  item's tags as ``@tag``; ``description`` the reason when the item did not pass;
- steps: the item's Gherkin steps with their own status; their ``line`` is the item's spec line too
  (the URI is the spec, not the .feature file), ``match.location`` the pytest node id. An item that
  carries no steps gets one ``Then`` step named after the item that holds its status;
- status: ``passed``, ``failed``, ``pending`` and ``skipped`` map to the Cucumber statuses of the same
  names; a step never reached (``not_run``) is ``skipped``, as Cucumber reports the steps after a failure.
  An item in *error* (its setup failed: nothing was checked) gets a failing ``before`` hook, which
  Cucumber tools show as a hook error rather than a failed step, and its unreached steps skipped.
  When the steps do not show the item's status (a failure after the last step, say), an
  ``after`` hook carries it, so Cucumber tools derive the same scenario status as talkqa;
- ``error_message``: the evidence as text (failed), or the reason (pending, skipped);
- ``duration``: nanoseconds, an integer.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.report.model import RunReport
from harness.report.results import ItemResult, ItemStatus, SectionResult, StepResult, StepStatus
from harness.report.text import evidence_text, failure_message

__all__ = ["render_cucumber", "scenario_status"]

#: How Cucumber derives a scenario's status from its steps: the first of these that occurs.
_PRECEDENCE = (ItemStatus.FAILED, ItemStatus.PENDING, ItemStatus.SKIPPED, ItemStatus.PASSED)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _ns(seconds: float) -> int:
    return round(seconds * 1_000_000_000)


def scenario_status(statuses: list[ItemStatus]) -> ItemStatus:
    """The scenario status a Cucumber tool derives from step statuses."""
    for status in _PRECEDENCE:
        if status in statuses:
            return status
    return ItemStatus.PASSED


#: Cucumber's name of each status (Cucumber has no "error" nor "not run").
_CUCUMBER = {
    "passed": "passed",
    "failed": "failed",
    "error": "failed",
    "pending": "pending",
    "skipped": "skipped",
    "not_run": "skipped",
}


def _result(status: ItemStatus | StepStatus, seconds: float, error: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"status": _CUCUMBER[status.value], "duration": _ns(seconds)}
    if error:
        result["error_message"] = error
    return result


def _error(item: ItemResult) -> str | None:
    if item.status is ItemStatus.PASSED:
        return None
    if item.did_not_pass and item.evidence is not None:
        return evidence_text(item.evidence)
    return failure_message(item)


def _location(report: RunReport, item: ItemResult) -> str:
    return item.node_id or f"{report.spec.path}:{item.line}"


def _step(report: RunReport, item: ItemResult, step: StepResult, error: str | None) -> dict[str, Any]:
    keyword = step.keyword.strip() + " "
    carries_error = step.status.value == item.status.value and step.status is not StepStatus.PASSED
    status: StepStatus = step.status
    if item.status is ItemStatus.ERROR and step.status is StepStatus.ERROR:
        status = StepStatus.SKIPPED  # the before hook carries the error
        carries_error = False
    return {
        "keyword": keyword,
        "name": step.text,
        "line": item.line,
        "match": {"location": _location(report, item)},
        "result": _result(status, step.duration_s, error if carries_error else None),
    }


def _element(report: RunReport, feature_id: str, item: ItemResult) -> dict[str, Any]:
    error = _error(item)
    element: dict[str, Any] = {
        "id": f"{feature_id};{_slug(item.name)}",
        "keyword": "Scenario",
        "type": "scenario",
        "name": item.name,
        "description": item.reason if item.status is not ItemStatus.PASSED and item.reason else "",
        "line": item.line,
        "tags": [{"name": f"@{tag.lstrip('@')}", "line": item.line} for tag in item.tags],
    }
    if item.status is ItemStatus.ERROR:
        element["before"] = [
            {"match": {"location": _location(report, item)}, "result": _result(item.status, 0.0, error)}
        ]
        error = None
    if not item.steps:
        element["steps"] = [
            {
                "keyword": "Then ",
                "name": item.name,
                "line": item.line,
                "match": {"location": _location(report, item)},
                "result": _result(item.status, item.duration_s, error),
            }
        ]
        return element
    steps: list[dict[str, Any]] = []
    error_left = error
    for step in item.steps:
        entry = _step(report, item, step, error_left)
        if "error_message" in entry["result"]:
            error_left = None  # the evidence is told once, at the first step of the item's status
        steps.append(entry)
    element["steps"] = steps
    shown = [ItemStatus(_CUCUMBER[step.status.value]) for step in item.steps]
    if item.status is not ItemStatus.ERROR and scenario_status(shown) is not item.status:
        rest = max(0.0, item.duration_s - sum(step.duration_s for step in item.steps))
        element["after"] = [
            {"match": {"location": _location(report, item)}, "result": _result(item.status, rest, error_left)}
        ]
    return element


def _feature(report: RunReport, section: SectionResult) -> dict[str, Any]:
    feature_id = _slug(f"{section.title} line {section.line}")  # titles may repeat in a spec; lines do not
    return {
        "uri": report.spec.path,
        "id": feature_id,
        "keyword": "Feature",
        "name": section.title,
        "description": f"{section.source or '(blank)'} to {section.target or '(blank)'}, spec line {section.line}",
        "line": section.line,
        "tags": [],
        "elements": [_element(report, feature_id, item) for item in section.items],
    }


def render_cucumber(report: RunReport) -> str:
    """The whole ``cucumber.json`` text."""
    return json.dumps([_feature(report, s) for s in report.sections], indent=2, ensure_ascii=False) + "\n"
