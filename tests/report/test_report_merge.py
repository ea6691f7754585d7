"""Merging partial reports of one run, as workers of ``talkqa run -n 2`` write them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from report_helpers import STARTED, synthetic_report

from harness.errors import ReportError
from harness.report import (
    ItemStatus,
    PhaseTiming,
    RunReport,
    Seeds,
    Timings,
    merge_reports,
    render_json,
)


@pytest.fixture
def report() -> RunReport:
    """The synthetic run of the bundled spec (why not in a conftest: see report_helpers)."""
    return synthetic_report()


def _worker(report: RunReport, index: int, of: int, *, finished_after: float, run_s: float) -> RunReport:
    """The part of ``report`` one worker ran: every ``of``-th item, starting at ``index``."""
    items = report.items()
    mine = {id(item) for n, item in enumerate(items) if n % of == index}
    sections = tuple(replace(s, items=tuple(i for i in s.items if id(i) in mine)) for s in report.sections)
    timings = Timings(
        STARTED + timedelta(seconds=index * 0.2),
        STARTED + timedelta(seconds=finished_after),
        (PhaseTiming("parse", 0.04), PhaseTiming("run", run_s)),
    )
    return replace(report, sections=sections, timings=timings)


def test_two_workers_merge_into_the_whole_run(report: RunReport) -> None:
    first = _worker(report, 0, 2, finished_after=14.5, run_s=13.9)
    second = _worker(report, 1, 2, finished_after=12.0, run_s=11.3)
    merged = merge_reports(first, second)
    assert merged.sections == report.sections
    assert merged.summary == report.summary
    assert merged.findings == report.findings and merged.assumed_mappings == report.assumed_mappings


def test_workers_merge_from_their_checklist_json_files(report: RunReport) -> None:
    parts = [_worker(report, n, 3, finished_after=10 + n, run_s=9.0) for n in range(3)]
    read_back = [RunReport.from_json(json.loads(render_json(p))) for p in reversed(parts)]
    assert merge_reports(*read_back).sections == report.sections


def test_merged_timings_span_the_workers_and_keep_each_phases_longest_run(report: RunReport) -> None:
    first = _worker(report, 0, 2, finished_after=14.5, run_s=13.9)
    second = _worker(report, 1, 2, finished_after=12.0, run_s=11.3)
    timings = merge_reports(second, first).timings
    assert (timings.started, timings.finished) == (STARTED, STARTED + timedelta(seconds=14.5))
    assert timings.phases == (PhaseTiming("parse", 0.04), PhaseTiming("run", 13.9))


def test_a_section_only_one_worker_reached_keeps_its_place_in_spec_order(report: RunReport) -> None:
    late = replace(report, sections=report.sections[2:])
    early = replace(report, sections=report.sections[:2])
    assert [s.line for s in merge_reports(late, early).sections] == [12, 34, 82]


def test_reports_of_different_runs_are_not_merged(report: RunReport) -> None:
    other = replace(report, seeds=Seeds(run=99, faker=99, hypothesis_profile="ci"))
    with pytest.raises(ReportError, match="different runs: seeds"):
        merge_reports(report, other)


def test_one_item_with_two_different_results_is_refused(report: RunReport) -> None:
    section = report.sections[1]
    flipped = replace(section.items[0], status=ItemStatus.FAILED, reason="flipped")
    other = replace(report, sections=(replace(section, items=(flipped,)),))
    with pytest.raises(ReportError, match="two partial reports with different results"):
        merge_reports(report, other)


def test_the_same_item_reported_twice_alike_is_kept_once(report: RunReport) -> None:
    assert merge_reports(report, report).items() == report.items()


def test_merging_nothing_is_refused() -> None:
    with pytest.raises(ReportError, match="at least one report"):
        merge_reports()
