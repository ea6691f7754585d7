"""The checklist can fail: the whole bundled checklist runs against the reference engine and against
every broken engine of ``harness.selfcheck.broken`` — one real ``selfcheck --full``, each run in its own
process, one per CPU at once — and every broken engine is caught by at least one failing item, among them the
item that states the promise it breaks, while the reference engine fails none. The default self-check (each
broken engine until its first caught item, all in one process) is held in ``test_selfcheck_stops_early.py``.

This run keeps one hypothesis example per round trip (besides the explicit one at the limits); with 40
broken engines it takes minutes on two cores, so it is marked ``selfcheck`` too and runs with ``make
selfcheck`` (``pytest -m selfcheck``), not with ``make test``. The long form — ``talkqa selfcheck`` exactly as
shipped, ten examples — is marked ``selfcheck`` and runs with ``pytest -m selfcheck``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.selfcheck.broken import BROKEN_ENGINES
from harness.selfcheck.broken.catalogue import BrokenEngine
from harness.selfcheck.run import RunOutcome, SelfCheckOptions, SelfCheckResult, run_selfcheck

#: For each broken engine, the start of the name of an item that states the promise it breaks (the
#: bundled spec's sections: 1 Items to Inventory, 2 Items to Sesamproducts, 3 Salesorders to Order).
PROMISE_ITEMS = {
    "drops_property": "Description of Exact Online Items is carried to name",
    "one_way": "An edit in the target record (Squarespace Sesamproducts) reaches the source record",
    "rounds_double": "NetWeight of Exact Online Items is carried to variants.shippingMeasurements.weight.value",
    "loses_time_of_date": "A new Exact Online Salesorders record is created as a Squarespace Order record",
    "truncates_text": "Every mapped property survives the round trip (spec line 54)",
    "duplicates_on_rerun": "A re-run never duplicates a Squarespace Sesamproducts record",
    "ignores_merge_criteria": "An Exact Online Items record merges on Code = variants.sku",
    "echoes_writes": "A quiet cycle writes nothing",
    "first_page_only": "An edit in the target record (Squarespace Sesamproducts) reaches the source record",
    "gives_up_on_429": "The flow keeps working through rate limits",
    "empty_overwrites": "An empty value never overwrites a value",
    "ignores_target_edits": "An edit in the target record (Squarespace Sesamproducts) reaches the source record",
    "clear_is_no_change": "A deliberate clear in the source record (Exact Online Items) propagates",
    "ignores_deletes": "A source record deleted in Exact Online Items does not linger",
    "wrong_variant": "The lines of an Exact Online Salesorders record point at the right",
    # the families of issue 12
    "strips_text": "A new Exact Online Items record holding an edge value (white space around the text)",
    "normalises_unicode": "A new Exact Online Items record holding an edge value (another Unicode normal form)",
    "cuts_text_by_bytes": "An edge value (multi-byte text at the length limit) edited in the target record",
    "collapses_white_space": "An edge value (white space around the text) edited in the source record",
    "folds_to_ascii": "An edge value (another Unicode normal form) edited in the source record",
    "latin1_texts": "An edge value (multi-byte text at the length limit) edited in the source record",
    "numbers_as_float32": "NetWeight of Exact Online Items is carried to variants.shippingMeasurements.weight.value",
    "skips_zero": "An edge value (zero) edited in the source record (Exact Online Items)",
    "skips_false": "An edge value (false) edited in the source record",
    "rounds_to_cents": "A new Exact Online Items record holding an edge value (a fractional number)",
    "settles_failed_updates": "An edit in the source record survives a server error on the target's update",
    "forgets_failed_deletes": "A delete in the source record survives a server error on the target's delete",
    "retries_creates_blindly": "A new Exact Online Items record survives a lost answer on its create",
    "fresh_idempotency_keys": "A new Exact Online Salesorders record survives a lost answer on its create",
    "merge_keeps_target": "A merge on Code = variants.sku of records holding other values",
    "merge_overwrites_with_empty": "A merge on Code = variants.sku of records holding empty values",
    "merge_takes_zero_as_empty": "A merge on Code = variants.sku of records holding zero and false",
    "weight_in_pounds": "A new Exact Online Items record is created as a Squarespace Sesamproducts record",
    "resets_unmapped_product_fields": "An edit in the source record leaves every property the flow does not map alone",
    "blanks_unmapped_item_fields": "An edit in the target record leaves every property the flow does not map alone",
    "ignores_target_times": "A text edited in the source record and later the target record: the later wins",
    "conflicts_go_to_source": "A text edited in the source record and later the target record: the later wins",
    "never_defers": "An Exact Online Salesorders record whose referenced records are not synchronized yet",
    "cursor_first": "A crash after write 2 of a cycle over several records loses nothing",
    "first_batch_only": "More Exact Online Items records than any page or batch all reach",
    "skips_ambiguous_merges": "An Exact Online Items record matching two Squarespace Sesamproducts records",
    "overwrites_every_candidate": "An Exact Online Items record matching two Squarespace Sesamproducts records",
    "ties_go_to_target": "Edits in both records at the same instant: the source's wins",
    "imports_in_shop_currency": "A new Exact Online Salesorders record in a currency other than the shop's",
}


@pytest.fixture(scope="module")
def selfcheck(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SelfCheckResult:
    if "selfcheck" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("every broken engine against the whole checklist (one run per engine, minutes): make selfcheck")
    report_dir = tmp_path_factory.mktemp("selfcheck")
    return run_selfcheck(SelfCheckOptions(report_dir=str(report_dir), workers="auto", examples=1, full=True))


def _outcome(result: SelfCheckResult, name: str) -> RunOutcome:
    return next(outcome for outcome in result.faults if outcome.target.name == name)


def test_every_broken_engine_of_the_catalogue_has_the_item_that_states_its_promise() -> None:
    assert set(PROMISE_ITEMS) == {fault.name for fault in BROKEN_ENGINES}


@pytest.mark.parametrize("fault", BROKEN_ENGINES, ids=lambda fault: fault.name)
def test_the_catalogue_names_the_promise_items_of_each_engine_in_words_of_no_spec(fault: BrokenEngine) -> None:
    # the default self-check runs these first; they are the items that catch the engine in the bundled spec
    assert fault.item and re.search(fault.item, PROMISE_ITEMS[fault.name])
    assert not re.search(r"Exact|Squarespace|Items|Salesorders|Inventory|Sesamproducts", fault.item)


@pytest.mark.selfcheck
def test_the_reference_engine_fails_no_item(selfcheck: SelfCheckResult) -> None:
    reference = selfcheck.reference
    assert reference.problem is None
    assert reference.failed == ()
    assert reference.summary["passed"] > 0


@pytest.mark.selfcheck
@pytest.mark.parametrize("name", [fault.name for fault in BROKEN_ENGINES])
def test_each_broken_engine_is_caught_by_the_item_that_states_its_promise(
    selfcheck: SelfCheckResult, name: str
) -> None:
    outcome = _outcome(selfcheck, name)
    assert outcome.problem is None
    assert outcome.exit_code == 1
    caught_by = [item.name for item in outcome.failed]
    assert any(item.startswith(PROMISE_ITEMS[name]) for item in caught_by), caught_by


@pytest.mark.selfcheck
def test_the_selfcheck_exits_0_and_every_run_left_its_reports_in_its_own_folder(selfcheck: SelfCheckResult) -> None:
    assert selfcheck.exit_code == 0
    assert selfcheck.survivors == ()
    folders = {outcome.report_dir for outcome in (selfcheck.reference, *selfcheck.faults)}
    assert len(folders) == len(BROKEN_ENGINES) + 1
    for folder in folders:
        assert (folder / "checklist.html").is_file()
        assert (folder / "checklist.json").is_file()
    assert (Path(next(iter(folders))).parent / "selfcheck.json").is_file()


@pytest.mark.selfcheck
def test_the_shipped_selfcheck_catches_every_broken_engine_with_the_full_checklist(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if "selfcheck" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long form (ten examples per round trip, minutes): run it with pytest -m selfcheck")
    result = run_selfcheck(SelfCheckOptions(report_dir=str(tmp_path), workers="auto"))
    assert [f.target.name for f in result.survivors] == []
    assert result.reference.failed == ()
    assert result.exit_code == 0
