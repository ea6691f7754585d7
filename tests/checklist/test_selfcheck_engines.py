"""The broken engines of ``harness.selfcheck.broken`` are what they say: every fault of the catalogue is a
``--sut`` factory that builds from the endpoints alone and documents the promise it breaks, and each
seam spoils exactly what its docstring says (checked on its own, without a checklist run)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import harness.selfcheck.broken as broken
from harness.cli import DEFAULT_SPEC
from harness.clock import VirtualClock
from harness.errors import RateLimitedError
from harness.selfcheck.broken import BROKEN_ENGINES, policies
from harness.selfcheck.broken.sides import (
    FirstPageOnly,
    ForgetsDeletes,
    LinesOffByOne,
    NeverFinds,
    NeverWrites,
    TakesRateLimitsAsEmpty,
    ValueFault,
    midnight,
    truncated,
    whole_number,
)
from harness.sut import Endpoints
from harness.sync.policy import decide
from harness.sync.records import ChangeBatch, Record, Writes
from harness.sync.reference import ReferenceEngine


class RecordingSide:
    """A side that keeps what the engine sent it and answers from fixed data."""

    key = "fake:records"
    label = "Fake records"
    idempotent_create = True

    def __init__(self, batch: ChangeBatch | None = None, error: Exception | None = None) -> None:
        self.batch = batch or ChangeBatch()
        self.error = error
        self.created: list[Mapping[str, Any]] = []
        self.updates: list[Writes] = []
        self.deleted: list[str] = []

    def _answer(self) -> None:
        if self.error is not None:
            raise self.error

    def begin_cycle(self) -> None: ...

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        self._answer()
        return self.batch

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        return {}

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        self._answer()
        return [Record("found", {path: value})]

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        self.created.append(values)
        return Record("new", values)

    def update(self, record: Record, writes: Writes) -> None:
        self._answer()
        self.updates.append(writes)

    def delete(self, record_id: str) -> bool:
        self.deleted.append(record_id)
        return True

    def stored(self, spec_type: str, path: str, value: Any) -> Any:
        return value

    def reference_of(self, record_id: str) -> str | None:
        return record_id

    def record_of_reference(self, reference: str) -> str | None:
        return reference


# -- the catalogue -----------------------------------------------------------------------------------


def test_the_catalogue_holds_at_least_twelve_distinct_faults_each_a_documented_factory() -> None:
    names = [fault.name for fault in BROKEN_ENGINES]
    assert len(names) >= 12
    assert len(set(names)) == len(names)
    for name in names:
        factory = getattr(broken, name)
        assert name in broken.__all__
        assert factory.__doc__ and "Violates:" in factory.__doc__, name


@pytest.mark.parametrize("name", [fault.name for fault in BROKEN_ENGINES])
def test_every_broken_engine_builds_from_the_endpoints_alone(name: str, tmp_path: Path) -> None:
    endpoints = Endpoints(
        exact_base_url="https://exact.invalid",
        exact_client_id="client",
        exact_client_secret="secret",
        exact_redirect_uri="https://talkqa.invalid/callback",
        exact_division=1,
        squarespace_base_url="https://squarespace.invalid",
        squarespace_api_key="key",
        spec_path=str(DEFAULT_SPEC),
        state_dir=str(tmp_path / "state"),
    )
    engine = getattr(broken, name)(endpoints=endpoints, clock=VirtualClock())
    try:
        assert isinstance(engine, ReferenceEngine)
        assert callable(engine.run_cycle)
        assert engine.plan.groups  # wired for the bundled spec's flows
    finally:
        engine.close()


def test_naming_an_unknown_factory_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_fault"):
        _ = broken.no_such_fault


# -- value faults ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12.34", "12.00"),
        ("12.50", "13.00"),
        (159.183, 159.0),
        (0.4, 0.0),
        (Decimal("2.5"), Decimal("3")),
        (None, None),
        ("not a number", "not a number"),
    ],
)
def test_whole_number_rounds_in_the_form_the_value_came(given: Any, expected: Any) -> None:
    assert whole_number(given) == expected
    assert type(whole_number(given)) is type(expected)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2025-12-22T23:51:30.082Z", "2025-12-22T00:00:00.000Z"),
        ("2025-12-22T07:05:00+01:00", "2025-12-22T00:00:00.000Z"),
        (datetime(2025, 12, 22, 14, 37, 5, tzinfo=UTC), datetime(2025, 12, 22, tzinfo=UTC)),
        ("not a date", "not a date"),
    ],
)
def test_midnight_keeps_the_date_and_loses_the_time(given: Any, expected: Any) -> None:
    assert midnight(given) == expected


def test_truncated_keeps_the_first_characters_of_a_long_text_only() -> None:
    cut = truncated(20)
    assert cut("Een lange productnaam van veertig tekens") == "Een lange productnaa"
    assert cut("Kort") == "Kort"
    assert cut(None) is None


def test_a_value_fault_spoils_its_paths_in_nested_create_values_and_in_updates() -> None:
    inner = RecordingSide()
    side = ValueFault(inner, {"variants.pricing.basePrice.value": whole_number, "lineItems.unitPricePaid.value": str})
    side.create(
        {
            "name": "Mok",
            "variants": [{"sku": "TQ1", "pricing": {"basePrice": {"value": "9.95"}}}],
            "lineItems": [{"unitPricePaid": {"value": 1.5}}, {"unitPricePaid": {"value": 2.25}}],
        },
        intent_key="k",
    )
    side.update(Record("p1", {}), {("Sesamproducts", "variants.pricing.basePrice.value"): "4.49", ("x", "name"): "M"})
    assert inner.created == [
        {
            "name": "Mok",
            "variants": [{"sku": "TQ1", "pricing": {"basePrice": {"value": "10.00"}}}],
            "lineItems": [{"unitPricePaid": {"value": "1.5"}}, {"unitPricePaid": {"value": "2.25"}}],
        }
    ]
    assert inner.updates == [{("Sesamproducts", "variants.pricing.basePrice.value"): "4.00", ("x", "name"): "M"}]


def test_lines_off_by_one_gives_each_line_the_next_lines_reference() -> None:
    inner = RecordingSide()
    lines = [{"variantId": "a", "quantity": 1}, {"variantId": "b", "quantity": 2}, {"variantId": "c", "quantity": 3}]
    LinesOffByOne(inner, {"lineItems": "variantId"}).create({"lineItems": lines}, intent_key="k")
    assert inner.created[0]["lineItems"] == [
        {"variantId": "b", "quantity": 1},
        {"variantId": "c", "quantity": 2},
        {"variantId": "a", "quantity": 3},
    ]
    assert [line["variantId"] for line in lines] == ["a", "b", "c"]  # the engine's own values stay untouched


# -- directions, deletes, look-ups, rate limits ------------------------------------------------------


def test_never_writes_drops_updates_and_deletes_but_reads_as_before() -> None:
    inner = RecordingSide(ChangeBatch((Record("1", {}),)))
    side = NeverWrites(inner)
    side.update(Record("1", {}), {("Items", "Description"): "x"})
    assert side.delete("1") is True
    assert (inner.updates, inner.deleted) == ([], [])
    assert side.changes(None, ["Items"]).records == (Record("1", {}),)


def test_forgets_deletes_reads_changes_without_the_deletions_nor_a_complete_snapshot() -> None:
    batch = ChangeBatch((Record("1", {}),), deleted=("2",), complete=True, cursor="c")
    seen = ForgetsDeletes(RecordingSide(batch)).changes("b", ["Items"])
    assert (seen.records, seen.deleted, seen.complete, seen.cursor) == ((Record("1", {}),), (), False, "c")


def test_never_finds_finds_nothing_and_keeps_the_sides_other_attributes() -> None:
    side = NeverFinds(RecordingSide())
    assert side.find("Sesamproducts", "variants.sku", "TQ1") == []
    assert side.idempotent_create is True
    assert (side.key, side.label) == ("fake:records", "Fake records")


def test_a_429_reads_as_nothing_there_and_a_write_it_stopped_as_done() -> None:
    side = TakesRateLimitsAsEmpty(RecordingSide(error=RateLimitedError("429", reset_at=60.0)))
    assert side.changes("cursor", ["Items"]) == ChangeBatch()  # no records, and no cursor to move
    assert side.find("Items", "Code", "TQ1") == []
    side.update(Record("1", {}), {("Items", "Description"): "x"})  # no exception: given up, unsaid


def test_first_page_only_reads_one_page_of_every_listing_and_passes_the_rest_through() -> None:
    class Page:
        def __init__(self, items: list[str]) -> None:
            self.items = items

    class Client:
        base_url = "https://api.invalid"

        def product_pages(self) -> Iterator[Page]:
            yield from (Page(["p1", "p2"]), Page(["p3"]), Page(["p4"]))

        def sync(self, resource: str, select: str, *, since: int = 1) -> Iterator[list[str]]:
            yield from (["r1"], ["r2"])

        def pages(self, resource: str, **options: str) -> Iterator[list[str]]:
            yield from (["a", "b"], ["c"])

    client = FirstPageOnly(Client())
    assert [page.items for page in client.product_pages()] == [["p1", "p2"]]
    assert list(client.products()) == ["p1", "p2"]
    assert list(client.sync("sync/Logistics/Items", "ID", since=5)) == [["r1"]]
    assert client.list_all("logistics/Items", select="ID") == ["a", "b"]
    assert client.base_url == "https://api.invalid"


# -- conflict policies -------------------------------------------------------------------------------


def test_latest_record_wins_lets_an_empty_value_overwrite_where_the_reference_keeps_it() -> None:
    # Empty on both sides when last synced; the target fills it in, then the source record is edited (later) elsewhere.
    assert decide(None, "gift", None, source_time=20.0, target_time=10.0).value == "gift"
    wrong = policies.latest_record_wins(None, "gift", None, source_time=20.0, target_time=10.0)
    assert (wrong.value, wrong.write_target, wrong.write_source) == (None, True, False)


def test_target_never_changes_writes_the_source_back_over_a_target_edit() -> None:
    assert decide("old", "edited", "old", source_time=1.0, target_time=2.0).value == "edited"
    wrong = policies.target_never_changes("old", "edited", "old", source_time=1.0, target_time=2.0)
    assert (wrong.value, wrong.write_target) == ("old", True)


def test_clear_is_no_change_writes_the_value_back_over_a_clear() -> None:
    assert decide(None, "gift", "gift", source_time=2.0, target_time=1.0).value is None
    wrong = policies.clear_is_no_change(None, "gift", "gift", source_time=2.0, target_time=1.0)
    assert (wrong.value, wrong.write_source, wrong.write_target) == ("gift", True, False)
