"""The results model: summary, exit-code rule, validation, redaction and the JSON round trip."""

from __future__ import annotations

import inspect
import json
import platform
from dataclasses import replace
from datetime import datetime, timedelta
from importlib import metadata

import pytest
from report_helpers import SECRETS, STARTED, synthetic_report

import harness.report
from harness.dataflow.model import DataflowDocument, FlowSection
from harness.errors import ReportError
from harness.mock.calls import CallRecord
from harness.report import (
    Evidence,
    HttpExchange,
    ItemResult,
    ItemStatus,
    RunReport,
    SectionResult,
    SpecInfo,
    Summary,
    Timings,
    installed_versions,
    render_json,
)


@pytest.fixture
def report() -> RunReport:
    """The synthetic run of the bundled spec (why not in a conftest: see report_helpers)."""
    return synthetic_report()


P, F, PE, S = ItemStatus.PASSED, ItemStatus.FAILED, ItemStatus.PENDING, ItemStatus.SKIPPED
E = ItemStatus.ERROR


def _with_items(*items: ItemResult, strict: bool = False) -> RunReport:
    base = synthetic_report(strict=strict)
    return replace(base, sections=(SectionResult("Exact Online Items to Squarespace Inventory", 12, "a", "b", items),))


def _item(status: ItemStatus, *, required: bool = True) -> ItemResult:
    reason = None if status in (P, F, E) else f"{status.value} for a reason"
    return ItemResult(f"{status.value} item", status, 14, reason=reason, required=required)


def test_summary_counts_every_status_overall_and_per_section(report: RunReport) -> None:
    assert report.summary == Summary(passed=4, failed=2, error=0, pending=3, skipped=1)
    assert [s.summary.to_json() for s in report.sections] == [
        {"passed": 1, "failed": 2, "error": 0, "pending": 0, "skipped": 1},
        {"passed": 2, "failed": 0, "error": 0, "pending": 1, "skipped": 0},
        {"passed": 1, "failed": 0, "error": 0, "pending": 2, "skipped": 0},
    ]
    assert report.summary.total == 10


@pytest.mark.parametrize(
    ("items", "strict", "expected"),
    [
        ([_item(P), _item(P)], False, 0),
        ([_item(P), _item(F)], False, 1),
        ([_item(P), _item(F, required=False)], False, 0),
        ([_item(P), _item(PE)], False, 0),
        ([_item(P), _item(PE)], True, 1),
        ([_item(P), _item(PE, required=False)], True, 0),
        ([_item(P), _item(S)], True, 0),
        ([_item(P), _item(E)], False, 1),  # could not be set up: nothing checked there, and no pass
        ([], False, 5),  # nothing selected: nothing checked
        ([], True, 5),
        ([_item(PE), _item(PE)], False, 5),  # every item pending: nothing checked
        ([_item(PE), _item(PE)], True, 1),  # ... which strict fails
        ([_item(S), _item(P, required=False)], False, 5),  # only an optional item passed
    ],
)
def test_exit_code_fails_only_on_required_failures_and_strict_pending(
    items: list[ItemResult], strict: bool, expected: int
) -> None:
    assert _with_items(*items, strict=strict).exit_code() == expected


def test_exit_code_strict_argument_overrides_the_runs_mode() -> None:
    run = _with_items(_item(P), _item(PE), strict=False)
    assert (run.exit_code(), run.exit_code(strict=True)) == (0, 1)


def test_nothing_checked_says_why_in_one_line() -> None:
    pending = _with_items(_item(PE), _item(PE), _item(S))
    assert pending.exit_code() == 5
    assert pending.verdict() == (
        "nothing was checked: all 3 item(s) are pending or skipped; the most common reason (2): pending for a reason"
    )
    empty = replace(_with_items(), markers="nosuch or line_1")
    assert empty.verdict() == "nothing was checked: -m 'nosuch or line_1' selected no checklist item"
    assert _with_items().verdict() == "nothing was checked: the spec gives no checklist item (no flow section)"


def test_an_interrupted_run_exits_130_and_says_how_far_it_got() -> None:
    run = replace(_with_items(_item(P), _item(F)), interrupted=True, planned=69)
    assert run.exit_code() == 130
    assert run.verdict() == "interrupted: 2 of 69 item(s) finished; the report holds only those"
    assert RunReport.from_json(run.to_json()) == run


@pytest.mark.parametrize("status", [PE, S])
def test_a_pending_or_skipped_item_without_a_reason_is_refused(status: ItemStatus) -> None:
    with pytest.raises(ReportError, match="needs a reason"):
        ItemResult("An edit in Squarespace Order reaches Exact Online Salesorders", status, 86)


def test_a_reason_is_folded_to_one_line() -> None:
    item = ItemResult("x", PE, 3, reason="no driver\n  for this\tsystem ")
    assert item.reason == "no driver for this system"


def test_a_failed_items_reason_defaults_to_its_evidence_message() -> None:
    item = ItemResult("x", F, 3, evidence=Evidence("quantity differs:\nexpected 12"))
    assert item.reason == "quantity differs: expected 12"


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ReportError, match="negative duration"):
        ItemResult("x", P, 3, duration_s=-0.5)


def test_timings_must_be_time_zone_aware() -> None:
    with pytest.raises(ReportError, match="time-zone aware"):
        Timings(datetime(2026, 5, 9, 7, 0), datetime(2026, 5, 9, 7, 1))


def test_timings_total_is_the_span_from_start_to_finish(report: RunReport) -> None:
    assert report.timings.total_s == 14.5


def test_an_exchange_is_redacted_when_it_is_built() -> None:
    bearer, access, refresh, secret, code = SECRETS
    exchange = HttpExchange(
        "exact",
        "POST",
        f"https://start.exactonline.nl/api/oauth2/token?code={code}&access_token={access}",
        200,
        request_excerpt=f"Authorization: Bearer {bearer}\nrefresh_token={refresh}&client_secret={secret}",
        response_excerpt=f'{{"access_token": "{access}"}}',
    )
    text = json.dumps(exchange.to_json())
    assert not [s for s in SECRETS if s in text]
    assert "Bearer ***" in exchange.request_excerpt


def test_an_exchange_takes_what_the_call_log_recorded() -> None:
    record = CallRecord(
        seq=7,
        service="squarespace",
        method="POST",
        url="https://api.squarespace.com/1.0/commerce/inventory/adjustments",
        path="/1.0/commerce/inventory/adjustments",
        status=429,
        request_bytes=10,
        response_bytes=20,
        at=12.0,
        elapsed_s=0.001,
        request_excerpt='{"setFiniteOperations": []}',
        response_excerpt='{"type": "RATE_LIMITED"}',
        fault="status 429 on POST *",
    )
    exchange = HttpExchange.from_call(record)
    assert (exchange.service, exchange.method, exchange.status, exchange.fault) == (
        "squarespace",
        "POST",
        429,
        "status 429 on POST *",
    )
    assert exchange.response_excerpt == '{"type": "RATE_LIMITED"}'


def test_compared_values_become_sorted_indented_json() -> None:
    evidence = Evidence.of_values("differs", {"sku": "A", "quantity": 2}, "plain text")
    assert evidence.expected == '{\n  "quantity": 2,\n  "sku": "A"\n}'
    assert evidence.actual == "plain text"
    assert evidence.has_diff


def test_the_replay_command_carries_spec_mapping_sut_seed_and_strictness() -> None:
    assert synthetic_report(strict=True).replay_argv() == (
        "talkqa",
        "run",
        "--spec",
        "fixtures/specs/exact-squarespace.rst",
        "--mapping",
        "fixtures/mappings/exact-squarespace.toml",
        "--sut",
        "reference",
        "--seed",
        "1234",
        "--strict",
        "--allow-lint-errors",  # the synthetic spec has an error-level finding: the run went on despite it
    )
    replay = replace(synthetic_report(), examples=3, markers="section_2 and not line_40", keywords="edit")
    assert replay.replay_argv()[-9:] == (
        "--seed",
        "1234",
        "--examples",
        "3",
        "-m",
        "section_2 and not line_40",
        "-k",
        "edit",
        "--allow-lint-errors",
    )


@pytest.mark.parametrize("hostile", [False, True])
def test_json_round_trips_to_an_equal_report(hostile: bool) -> None:
    original = synthetic_report(hostile=hostile)
    assert RunReport.from_json(json.loads(render_json(original))) == original


def test_a_foreign_json_document_is_refused_with_what_was_expected() -> None:
    with pytest.raises(ReportError, match="not a talkqa checklist report"):
        RunReport.from_json({"spec": {"path": "x", "title": "y"}})


def test_a_damaged_report_is_refused_not_crashed_on(report: RunReport) -> None:
    data = report.to_json()
    del data["sections"][0]["items"][1]["status"]
    with pytest.raises(ReportError, match="damaged talkqa checklist report"):
        RunReport.from_json(data)


def test_a_report_time_without_zone_is_refused(report: RunReport) -> None:
    data = report.to_json()
    data["timings"]["started"] = (STARTED - timedelta(hours=1)).replace(tzinfo=None).isoformat()
    with pytest.raises(ReportError, match="no time zone"):
        RunReport.from_json(data)


def test_the_package_exports_exactly_its_all() -> None:
    defined_here = {
        name
        for name, value in vars(harness.report).items()
        if name[0].isalpha()
        and not inspect.ismodule(value)
        and getattr(value, "__module__", "harness.report").startswith("harness.report")
    }
    assert defined_here == set(harness.report.__all__)


def test_a_section_result_notes_the_lines_of_its_word_for_word_copies() -> None:
    def flow(line: int, body: str) -> FlowSection:
        return FlowSection(
            "Exact Online Items to  Inventory", line, "Exact Online", "Items", "", "Inventory", body=body
        )

    first, other, copy = (
        flow(12, "Every Exact Online Items ..."),
        flow(30, "different"),
        flow(48, "Every Exact Online Items ..."),
    )
    document = DataflowDocument("seed.rst", "Exact Online to  Dataflow", "Exact Online", "", None, (first, other, copy))
    result = SectionResult.of(document, first, [ItemResult("x", P, 14)])
    assert (result.title, result.line, result.source, result.target) == (
        "Exact Online Items to  Inventory",
        12,
        "Exact Online Items",
        "Inventory",
    )
    assert result.duplicate_lines == (48,)
    assert SpecInfo.of(document) == SpecInfo("seed.rst", "Exact Online to  Dataflow")


def test_installed_versions_name_python_and_the_distributions_a_run_depends_on() -> None:
    versions = dict(installed_versions({"sut": "reference 1.0"}))
    assert versions["python"] == platform.python_version()
    assert versions["talkqa"] == metadata.version("talkqa")
    assert versions["pytest-bdd"] == metadata.version("pytest-bdd")
    assert {"pytest", "hypothesis", "faker"} <= versions.keys()
    assert next(iter(versions)) == "python"
    assert versions["sut"] == "reference 1.0"
