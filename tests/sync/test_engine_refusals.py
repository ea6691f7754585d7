"""A write one system refuses, a record gone on both sides, a match the engine cannot choose, an
import whose key was used for another body: each is one record's problem — reported, recovered where
it can be — and never stops the cycle for every other record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from engine_world import ORDERS_KEY, EngineWorld, engine_world, variant

from harness.mock.faults import FaultKind


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EngineWorld]:
    with engine_world(tmp_path / "state") as built:
        built.seed(items=4)
        built.settle()
        built.tick()
        yield built


def refused(world: EngineWorld, since: int = 0) -> list[str]:
    return [r.summary() for r in world.exact.calls.since(since) if r.status == 400]


def test_a_sku_exact_refuses_is_reported_and_put_back_not_sent_every_cycle(world: EngineWorld) -> None:
    first, second, third = world.items()[:3]
    taken = world.product_of(first["ID"])
    clash = world.product_of(second["ID"])
    world.edit_product(clash["id"], variants__sku=variant(taken)["sku"], name="Nieuwe naam")
    world.edit_item(third["ID"], Description="Gaat gewoon door")
    world.tick()
    mark = world.exact.calls.mark()
    report = world.cycle()
    assert report.ok, report.error
    assert any(e.kind == "problem" and "exists already" in e.detail for e in report.events)
    assert (world.item(second["ID"]) or {})["Description"] == "Nieuwe naam"  # sent alone, accepted
    assert world.product_of(third["ID"])["name"] == "Gaat gewoon door"  # the other records went on
    world.tick()
    world.settle()
    assert variant(world.product_of(second["ID"]))["sku"] == second["Code"].strip()  # Exact's code back
    assert world.squarespace.control.duplicate_skus() == {}
    for _ in range(3):
        world.tick(60)
        world.cycle()
    assert len(refused(world, mark)) <= 2  # the combined PUT and the Code alone, once


def test_a_delete_exact_refuses_unlinks_the_pair_and_the_cycle_goes_on(world: EngineWorld) -> None:
    """An item on a sales order cannot be deleted in Exact: its product's delete is reported, not retried."""
    ordered, other = world.items()[:2]
    world.exact.control.create_order(
        {
            "OrderedBy": world.exact.control.add_account("Klant").account_id,
            "SalesOrderLines": [{"Item": ordered["ID"], "Quantity": 1.0}],
        }
    )
    world.settle()
    world.tick()
    world.squarespace.control.delete_product(world.product_of(ordered["ID"])["id"])
    world.edit_item(other["ID"], Description="Ook dit komt aan")
    world.tick()
    mark = world.exact.calls.mark()
    report = world.cycle()
    assert report.ok, report.error
    assert any(e.kind == "problem" and "refused to delete" in e.detail for e in report.events)
    assert world.item(ordered["ID"]) is not None
    assert world.product_of(other["ID"])["name"] == "Ook dit komt aan"
    world.tick(60)
    world.settle()
    assert len(refused(world, mark)) == 1


def test_a_lost_answer_to_an_exact_delete_is_not_a_failure(world: EngineWorld) -> None:
    item = world.items()[0]
    world.squarespace.control.delete_product(world.product_of(item["ID"])["id"])
    world.exact.faults.inject(FaultKind.LOST_RESPONSE, method="DELETE", path="logistics/Items")
    report = world.cycle()
    assert report.ok, report.error
    assert world.item(item["ID"]) is None


def test_an_item_matching_two_products_merges_with_the_one_made_first_and_leaves_the_other(
    world: EngineWorld,
) -> None:
    item = world.new_item("DUBBEL-1", "Dubbel")
    first = world.squarespace.control.create_product(name="Dubbel A", sku="DUBBEL-1")
    world.tick()
    second = world.squarespace.control.create_product(name="Dubbel B", sku="DUBBEL-1")
    world.tick()
    report = world.cycle()
    (merged,) = [e for e in report.events if e.kind == "merged"]
    assert "2 Squarespace" in merged.detail and f"left {second['id']} alone" in merged.detail
    world.settle()
    assert world.squarespace.control.product(first["id"])["name"] == "Dubbel"
    assert world.squarespace.control.product(second["id"]) == second  # not written at all
    assert len(world.squarespace.control.duplicate_skus()["DUBBEL-1"]) == 2  # nothing deleted or added
    assert world.item(item["ID"])["Description"] == "Dubbel"


def test_an_import_whose_answer_was_lost_is_found_after_the_order_changed(world: EngineWorld) -> None:
    """The import went through but its answer never came; the order changed in Exact before the next
    cycle, so the same key now comes with another body (409): the order imported then is linked."""
    item = world.items()[0]
    order = world.exact.control.create_order(
        {
            "OrderedBy": world.exact.control.add_account("Klant").account_id,
            "SalesOrderLines": [{"Item": item["ID"], "Quantity": 2.0}],
        }
    )
    world.squarespace.faults.inject(FaultKind.LOST_RESPONSE, method="POST", path="/commerce/orders")
    world.squarespace.faults.inject(FaultKind.STATUS, status=503, times=4, method="POST", path="/commerce/orders")
    assert not world.cycle().ok
    assert len(world.orders()) == 1  # imported, but not linked
    (line,) = [li for li in world.exact.control.records("lines") if li["OrderID"] == order["OrderID"]]
    world.exact.control.edit("lines", line["ID"], {"Quantity": 3.0})
    world.tick()
    world.settle()
    assert len(world.orders()) == 1
    link = world.engine.links.get(ORDERS_KEY, order["OrderID"].lower())
    assert link is not None and link.target_id == world.orders()[0]["id"]


def test_an_import_refused_for_now_goes_in_once_it_is_acceptable(world: EngineWorld) -> None:
    """An Exact order dated tomorrow: Squarespace refuses an order created in the future (and remembers
    the refusal under its key). The engine reports it, tries again each cycle under a new key, and the
    import goes in once the date has come — once."""
    item = world.items()[0]
    tomorrow = datetime.fromtimestamp(world.clock.now(), tz=UTC) + timedelta(days=1)
    order = world.exact.control.create_order(
        {
            "OrderedBy": world.exact.control.add_account("Klant").account_id,
            "OrderDate": tomorrow.strftime("%Y-%m-%dT00:00:00"),
            "SalesOrderLines": [{"Item": item["ID"], "Quantity": 2.0}],
        }
    )
    world.tick()
    report = world.cycle()
    assert report.ok, report.error
    assert any(e.kind == "problem" and "future" in e.detail for e in report.events)
    assert world.orders() == []
    world.tick(2 * 24 * 3600)
    world.settle()
    (imported,) = world.orders()
    assert imported["externalOrderReference"] == str(order["OrderNumber"])
