"""Merging partial reports of one run — what ``talkqa run -n 2`` workers (or any tool) write separately —
into the report of the whole run.

Sections are matched by (title, line) and kept in spec order; items are matched by their key (the
pytest node id) and put in collection order (``ItemResult.order``). Each item must come from one
worker: the same item twice is accepted only when both copies are equal. Findings, assumed rows and
duplicate lines are united; timings span the earliest start to the latest finish, and a phase that
ran in several workers counts its longest run (the workers ran side by side, so summing would
overstate the wall time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TypeVar

from harness.errors import ReportError
from harness.report.model import PhaseTiming, RunReport, Timings
from harness.report.results import ItemResult, SectionResult

__all__ = ["merge_reports"]

_T = TypeVar("_T")


def _united(groups: Iterable[Iterable[_T]]) -> tuple[_T, ...]:
    """Every distinct element, in order of first appearance."""
    seen: dict[_T, None] = {}
    for group in groups:
        for element in group:
            seen.setdefault(element, None)
    return tuple(seen)


def _same(reports: list[RunReport], what: str, value: object, *, of: str) -> None:
    """Refuse to merge reports that disagree on something that must be equal across a run."""
    for report in reports[1:]:
        other = getattr(report, of)
        if other != value:
            raise ReportError(f"cannot merge reports of different runs: {what} {value!r} vs {other!r}")


def _merge_items(title: str, groups: list[tuple[ItemResult, ...]]) -> tuple[ItemResult, ...]:
    by_key: dict[str, ItemResult] = {}
    for items in groups:
        for item in items:
            known = by_key.get(item.key)
            if known is not None and known != item:
                raise ReportError(
                    f"item {item.key!r} of section {title!r} appears in two partial reports with different results"
                )
            by_key.setdefault(item.key, item)
    # collection order; runners that leave ``order`` at 0 get spec-line order, ties as the reports list them
    return tuple(sorted(by_key.values(), key=lambda item: (item.order, item.line)))


def _merge_sections(reports: list[RunReport]) -> tuple[SectionResult, ...]:
    grouped: dict[tuple[str, int], list[SectionResult]] = {}
    for report in reports:
        for section in report.sections:
            grouped.setdefault((section.title, section.line), []).append(section)
    merged: list[SectionResult] = []
    for (title, line), copies in grouped.items():
        first = copies[0]
        for other in copies[1:]:
            if (other.source, other.target) != (first.source, first.target):
                raise ReportError(f"section {title!r} at spec line {line} names different systems in two reports")
        merged.append(
            replace(
                first,
                items=_merge_items(title, [c.items for c in copies]),
                duplicate_lines=tuple(sorted(set(_united(c.duplicate_lines for c in copies)))),
            )
        )
    return tuple(sorted(merged, key=lambda section: section.line))


def _merge_timings(reports: list[RunReport]) -> Timings:
    longest: dict[str, float] = {}
    for report in reports:
        for phase in report.timings.phases:
            longest[phase.name] = max(longest.get(phase.name, 0.0), phase.seconds)
    return Timings(
        started=min(r.timings.started for r in reports),
        finished=max(r.timings.finished for r in reports),
        phases=tuple(PhaseTiming(name, seconds) for name, seconds in longest.items()),
    )


def merge_reports(*reports: RunReport) -> RunReport:
    """One report from partial reports of the same run (same spec, SUT, seeds, strictness and mapping)."""
    if not reports:
        raise ReportError("merge_reports needs at least one report")
    parts = list(reports)
    first = parts[0]
    _same(parts, "spec", first.spec, of="spec")
    _same(parts, "system under test", first.sut, of="sut")
    _same(parts, "seeds", first.seeds, of="seeds")
    _same(parts, "strict mode", first.strict, of="strict")
    _same(parts, "mapping file", first.mapping_path, of="mapping_path")
    versions: dict[str, str] = {}
    for report in parts:
        for name, version in report.versions:
            versions.setdefault(name, version)
    return replace(
        first,
        sections=_merge_sections(parts),
        timings=_merge_timings(parts),
        findings=_united(r.findings for r in parts),
        assumed_mappings=_united(r.assumed_mappings for r in parts),
        versions=tuple(versions.items()),
    )
