"""Specs a team writes for Exact Online → Squarespace with rows of its own (tests/checklist/specs/): each runs
with no failed item on the reference engine, every item it cannot check is pending with its reason, and the
report states the values the world chose for rows the spec does not list."""

from __future__ import annotations

from pathlib import Path

import pytest
from checklist_helpers import Run, parse_page, talkqa_run

SPECS = Path(__file__).parent / "specs"
NAMES = sorted(p.name for p in SPECS.glob("user-*.rst"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Each spec run once, for all the tests of this module."""
    return {name: talkqa_run(tmp_path_factory.mktemp(name), "--spec", str(SPECS / name)) for name in NAMES}


@pytest.mark.parametrize("spec", NAMES)
def test_a_users_spec_fails_no_item_on_the_reference_engine(spec: str, runs: dict[str, Run]) -> None:
    run = runs[spec]
    summary = run.json["summary"]
    failed = [(i["name"], i["reason"]) for i in run.items() if i["status"] == "failed"]
    assert summary["failed"] == 0, failed
    assert summary["passed"] > 0
    pending = [i for i in run.items() if i["status"] == "pending"]
    assert all(i["reason"] and not i["reason"].startswith("talkqa pending") for i in pending)


def test_a_row_that_fights_a_row_writing_the_same_field_is_pending_naming_the_winner(runs: dict[str, Run]) -> None:
    run = runs["user-derived-and-read-only.rst"]
    (item,) = [
        i for i in run.items() if i["name"].startswith("Description of Exact Online Items is carried to descriptor")
    ]
    assert item["status"] == "pending"
    assert "Squarespace Sesamproducts.name by the row at" in item["reason"]
    assert "which wins" in item["reason"]


def test_the_report_states_the_unmapped_values_the_world_chose(runs: dict[str, Run]) -> None:
    run = runs["user-derived-and-read-only.rst"]
    (created,) = [i for i in run.items() if i["name"].startswith("A new Exact Online Salesorders record is created")]
    assert created["status"] == "passed"
    (note,) = [n for n in created["notes"] if n.startswith("unmapped values chosen")]
    assert "OrderNumber = " in note and "line(s) in SalesOrderLines" in note
    page = parse_page((run.report_dir / "checklist.html").read_text(encoding="utf-8"))
    assert any(p.text().startswith("unmapped values chosen") for p in page.all("p", cls="note"))
