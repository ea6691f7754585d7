"""The default self-check stops when it has its answer: the reference engine runs the whole checklist, each
broken engine only until its first caught item — beside the reference in a second process (items in the
static order: cheap kinds first, round trips last), or after it in one process (items cheapest first by the
reference run's timings); the ids in the table are the reference report's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.selfcheck.batch import cheapest_first, static_order
from harness.selfcheck.broken import BROKEN_ENGINES
from harness.selfcheck.run import SelfCheckOptions, SelfCheckResult, render_table, run_selfcheck

#: A sample of the catalogue, old engines and those of the families, for the default tests; the whole
#: default self-check (every broken engine) runs under ``make selfcheck`` (the ``selfcheck`` marker).
SAMPLE = ("drops_property", "one_way", "rounds_double", "skips_zero", "settles_failed_updates", "never_defers")


@pytest.fixture(scope="module")
def selfcheck(tmp_path_factory: pytest.TempPathFactory) -> SelfCheckResult:
    report_dir = tmp_path_factory.mktemp("selfcheck-default")
    return run_selfcheck(SelfCheckOptions(report_dir=str(report_dir), examples=1, faults=SAMPLE))


@pytest.mark.selfcheck
def test_the_default_selfcheck_catches_every_broken_engine_of_the_catalogue(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if "selfcheck" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("every broken engine of the catalogue, each until its first caught item (minutes): make selfcheck")
    report_dir = tmp_path_factory.mktemp("selfcheck-default-all")
    result = run_selfcheck(SelfCheckOptions(report_dir=str(report_dir), examples=1))
    assert result.exit_code == 0, render_table(result)
    assert {outcome.target.name for outcome in result.faults} == {fault.name for fault in BROKEN_ENGINES}


def test_every_broken_engine_is_caught_by_exactly_its_first_failing_item(selfcheck: SelfCheckResult) -> None:
    assert selfcheck.exit_code == 0, render_table(selfcheck)
    assert selfcheck.reference.failed == ()
    assert {outcome.target.name for outcome in selfcheck.faults} == set(SAMPLE)
    for outcome in selfcheck.faults:
        assert outcome.problem is None
        assert len(outcome.failed) == 1, outcome.target.name


def test_a_broken_engine_stops_before_the_items_after_its_catch(selfcheck: SelfCheckResult) -> None:
    whole = selfcheck.reference.summary
    total = whole["passed"] + whole["failed"] + whole["pending"] + whole["skipped"]
    ran = [sum(outcome.summary.values()) for outcome in selfcheck.faults]
    assert max(ran) <= total
    assert min(ran) < total  # at least one engine is caught before the last item


def _met(report_dir: Path) -> set[str]:
    data = json.loads((report_dir / "checklist.json").read_text())
    return {item["node_id"] for section in data["sections"] for item in section["items"]}


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
        assert met == set(order[: len(met)]), outcome.target.name


def test_in_one_process_a_broken_engine_meets_the_items_the_reference_run_ranks_cheapest(tmp_path: Path) -> None:
    result = run_selfcheck(
        SelfCheckOptions(
            report_dir=str(tmp_path), workers="1", faults=("echoes_writes",), examples=1, markers="section_2"
        )
    )
    assert result.exit_code == 0, render_table(result)
    order = cheapest_first(json.loads((result.reference.report_dir / "checklist.json").read_text()))
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
