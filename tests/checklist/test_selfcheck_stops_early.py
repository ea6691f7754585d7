"""The default self-check stops when it has its answer: the reference engine runs the whole checklist, each
broken engine only until its first caught item — its promise's items first, then the rest: beside the
reference in a second process (in the static order: cheap kinds first, round trips last), or after it in
one process (cheapest first by the reference run's timings); the ids in the table are the reference
report's."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harness.selfcheck.batch import cheapest_first, static_order
from harness.selfcheck.broken import BROKEN_ENGINES
from harness.selfcheck.broken.catalogue import PROMISE_ITEMS
from harness.selfcheck.run import SelfCheckOptions, SelfCheckResult, render_table, run_selfcheck


@pytest.fixture(scope="module")
def selfcheck(tmp_path_factory: pytest.TempPathFactory) -> SelfCheckResult:
    """The default self-check of the whole catalogue (about 17 s on two cores: the reference's run)."""
    report_dir = tmp_path_factory.mktemp("selfcheck-default")
    return run_selfcheck(SelfCheckOptions(report_dir=str(report_dir), examples=1))


def test_every_broken_engine_is_caught_by_exactly_its_first_failing_item(selfcheck: SelfCheckResult) -> None:
    assert selfcheck.exit_code == 0, render_table(selfcheck)
    assert selfcheck.reference.failed == ()
    assert {outcome.target.name for outcome in selfcheck.faults} == {fault.name for fault in BROKEN_ENGINES}
    for outcome in selfcheck.faults:
        assert outcome.problem is None
        assert len(outcome.failed) == 1, outcome.target.name
        assert re.search(PROMISE_ITEMS[outcome.target.name], outcome.failed[0].name), outcome.target.name


def test_a_broken_engine_stops_before_the_items_after_its_catch(selfcheck: SelfCheckResult) -> None:
    whole = selfcheck.reference.summary
    total = whole["passed"] + whole["failed"] + whole["pending"] + whole["skipped"]
    ran = [sum(outcome.summary.values()) for outcome in selfcheck.faults]
    assert max(ran) <= total
    assert min(ran) < total  # at least one engine is caught before the last item


def _met(report_dir: Path) -> set[str]:
    data = json.loads((report_dir / "checklist.json").read_text())
    return {item["node_id"] for section in data["sections"] for item in section["items"]}


def _promise_first(order: list[str], items: list[dict[str, Any]], engine: str) -> list[str]:
    """``order`` (node ids) with the engine's promise items moved before the others, each part in order."""
    names = {item["node_id"]: item["name"] for item in items}
    first = [node for node in order if re.search(PROMISE_ITEMS[engine], names[node])]
    return [*first, *(node for node in order if node not in first)]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            [
                (["bidirectional"], "An edit in the source (spec line 16)"),
                (["bidirectional"], "An edit in the target (spec line 16)"),
                (["properties"], "Every mapped property survives the round trip (spec line 18)"),
                (["bidirectional"], "A quiet cycle writes nothing (spec line 16)"),
                (["create"], "A new item is created (spec line 14)"),
                (["resilience"], "The flow keeps working through rate limits (spec line 12)"),
                (["properties"], "Code of Items is carried to sku of Inventory (spec line 18)"),
                (["properties"], "Name of Items is carried to name of Inventory (spec line 18)"),
            ],
            [4, 6, 0, 3, 5, 7, 1, 2],
        ),
    ],
)
def test_the_static_order_takes_one_item_of_every_promise_first_and_round_trips_last(
    items: list[tuple[list[str], str]], expected: list[int]
) -> None:
    assert static_order(items) == expected


def test_the_items_a_broken_engine_met_are_the_first_of_the_static_order(selfcheck: SelfCheckResult) -> None:
    # two CPUs here: the reference runs beside the broken engines, whose items go cheap kinds first
    data = json.loads((selfcheck.reference.report_dir / "checklist.json").read_text())
    items = [item for section in data["sections"] for item in section["items"]]
    order = [
        items[i]["node_id"]
        for i in static_order([(item["tags"], item["node_id"].rpartition("::")[2]) for item in items])
    ]
    for outcome in selfcheck.faults:
        met = _met(outcome.report_dir)
        expected = _promise_first(order, items, outcome.target.name)
        assert met == set(expected[: len(met)]), outcome.target.name


def test_in_one_process_a_broken_engine_meets_the_items_the_reference_run_ranks_cheapest(tmp_path: Path) -> None:
    result = run_selfcheck(
        SelfCheckOptions(
            report_dir=str(tmp_path), workers="1", faults=("echoes_writes",), examples=1, markers="section_2"
        )
    )
    assert result.exit_code == 0, render_table(result)
    reference = json.loads((result.reference.report_dir / "checklist.json").read_text())
    items = [item for section in reference["sections"] for item in section["items"]]
    order = _promise_first(cheapest_first(reference), items, "echoes_writes")
    met = _met(result.faults[0].report_dir)
    assert met == set(order[: len(met)]) and len(met) < len(order)


def test_caught_items_carry_the_ids_of_the_reference_report(selfcheck: SelfCheckResult) -> None:
    data = json.loads((selfcheck.reference.report_dir / "checklist.json").read_text())
    names = {
        f"{s}.{i}": item["name"]
        for s, section in enumerate(data["sections"], start=1)
        for i, item in enumerate(section["items"], start=1)
    }
    for outcome in selfcheck.faults:
        for item in outcome.failed:
            assert names[item.short_id] == item.name


@pytest.mark.parametrize(
    ("durations", "expected"),
    [
        ([0.3, 0.1, 0.2], ["b", "c", "a"]),
        ([0.1, 0.1, 0.0], ["c", "a", "b"]),  # ties keep the report's order
    ],
)
def test_cheapest_first_orders_items_by_the_durations_measured(durations: list[float], expected: list[str]) -> None:
    items = [{"node_id": name, "duration_s": d} for name, d in zip("abc", durations, strict=True)]
    assert cheapest_first({"sections": [{"items": items[:2]}, {"items": items[2:]}]}) == expected


def test_full_keeps_a_process_per_engine_and_the_whole_checklist(tmp_path: Path) -> None:
    result = run_selfcheck(
        SelfCheckOptions(report_dir=str(tmp_path), faults=("echoes_writes",), examples=1, full=True, markers="line_16")
    )
    echoes = result.faults[0]
    assert echoes.caught
    assert sum(echoes.summary.values()) == sum(result.reference.summary.values())
