"""Exact sales orders are imported into Squarespace once, with line items that point at the linked
items' variants and totals that add up; an order waits until its items are linked; an order deleted
in Exact is unlinked (Squarespace cannot delete orders)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from engine_world import ORDERS_KEY, EngineWorld, engine_world, variant

from harness.mock.faults import FaultKind

Json = dict[str, Any]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EngineWorld]:
    with engine_world(tmp_path / "state") as built:
        yield built


def money(value: Json) -> Decimal:
    return Decimal(value["value"])


def imported(world: EngineWorld, order_id: str) -> Json:
    link = world.engine.links.get(ORDERS_KEY, order_id.lower())
    assert link is not None and link.target_id is not None, f"order {order_id} is not linked"
    return world.squarespace.control.order(link.target_id)


def test_each_order_is_imported_once(world: EngineWorld) -> None:
    world.seed(items=10, orders=6)
    world.settle()
    world.restart()
    world.tick(60)
    world.settle()
    orders = world.orders()
    assert len(orders) == 6
    references = sorted(o["externalOrderReference"] for o in orders)
    assert references == sorted(str(o["OrderNumber"]) for o in world.exact_orders())
    assert world.engine.links.check() == []


def test_line_items_point_at_the_variants_of_the_linked_items(world: EngineWorld) -> None:
    world.seed(items=10, orders=5)
    world.settle()
    lines = {line["ID"]: line for line in world.exact.control.records("lines")}
    for order in world.exact_orders():
        target = imported(world, order["OrderID"])
        exact_lines = sorted(
            (line for line in lines.values() if line["OrderID"] == order["OrderID"]), key=lambda li: li["LineNumber"]
        )
        assert len(target["lineItems"]) == len(exact_lines)
        for exact_line, line_item in zip(exact_lines, target["lineItems"], strict=True):
            product = world.product_of(exact_line["Item"])
            assert line_item["variantId"] == variant(product)["id"]
            assert line_item["sku"] == variant(product)["sku"]
            assert line_item["quantity"] == int(exact_line["Quantity"])
            assert money(line_item["unitPricePaid"]) == Decimal(repr(exact_line["UnitPrice"]))


def test_imported_totals_add_up_to_exacts_amount(world: EngineWorld) -> None:
    world.seed(items=10, orders=8)
    world.settle()
    for order in world.exact_orders():
        target = imported(world, order["OrderID"])
        subtotal = sum((money(li["unitPricePaid"]) * li["quantity"] for li in target["lineItems"]), Decimal(0))
        assert money(target["subtotal"]) == subtotal
        expected = (
            subtotal + money(target["shippingTotal"]) - money(target["discountTotal"]) + money(target["taxTotal"])
        )
        assert money(target["grandTotal"]) == expected
        assert money(target["grandTotal"]) == Decimal(repr(order["AmountFC"])).quantize(Decimal("0.01"))
        assert target["grandTotal"]["currency"] == order["Currency"]


def test_an_order_waits_until_its_items_are_linked(world: EngineWorld) -> None:
    """An item whose product Squarespace refuses to create (a 400, which may pass: it is tried again next
    cycle) holds back the order that refers to it — the order is deferred, not imported with a line
    missing — and goes in once the item is linked."""
    world.seed(items=3)
    world.settle()
    item = world.new_item("LAMP-9", "Hanglamp")
    world.squarespace.faults.inject(FaultKind.STATUS, status=400, method="POST", path="/commerce/products")
    linked = world.items()[0]
    world.exact.control.create_order(
        {
            "OrderedBy": world.exact.control.add_account("Klant").account_id,
            "SalesOrderLines": [{"Item": linked["ID"], "Quantity": 1.0}, {"Item": item["ID"], "Quantity": 2.0}],
        }
    )
    world.tick()
    report = world.cycle()
    assert report.count("deferred") == 1
    assert world.orders() == []
    # the refusal passes: the item is created, the order follows
    world.tick()
    world.settle()
    (order,) = world.orders()
    assert [li["sku"] for li in order["lineItems"]] == [linked["Code"].strip(), "LAMP-9"]


def test_a_deferred_order_is_not_forgotten_across_a_restart(world: EngineWorld) -> None:
    world.seed(items=2)
    world.settle()
    item = world.new_item("LAMP-8", "Staande lamp")
    world.squarespace.faults.inject(FaultKind.STATUS, status=400, times=2, method="POST", path="/commerce/products")
    world.exact.control.create_order(
        {
            "OrderedBy": world.exact.control.add_account("Klant").account_id,
            "SalesOrderLines": [{"Item": item["ID"], "Quantity": 1.0}],
        }
    )
    world.tick()
    assert world.cycle().count("deferred") == 1
    world.restart()
    world.tick()
    world.cycle()  # the item is refused once more; nothing changed in Exact: the order is remembered, not re-read
    assert world.orders() == []
    world.tick()
    world.settle()
    assert len(world.orders()) == 1


def test_an_order_deleted_in_exact_is_unlinked_and_kept_in_squarespace(world: EngineWorld) -> None:
    world.seed(items=5, orders=2)
    world.settle()
    order = world.exact_orders()[0]
    target_id = imported(world, order["OrderID"])["id"]
    world.exact.control.delete("orders", order["OrderID"])
    world.tick()
    report = world.cycle()
    assert report.ok
    assert any(e.kind == "unlinked" and e.target_id == target_id for e in report.events)
    assert world.engine.links.get(ORDERS_KEY, order["OrderID"].lower()) is None
    assert len(world.orders()) == 2  # the Orders API cannot delete: the imported order stays
    mark = world.marks()
    world.tick()
    assert world.cycle().ok
    assert world.writes_since(mark) == []


def test_an_order_edited_in_exact_after_its_import_is_reported_once(world: EngineWorld) -> None:
    """Squarespace orders cannot change after their import: the engine says so instead of writing."""
    world.seed(items=5, orders=1)
    world.settle()
    (line, *_) = world.exact.control.records("lines")
    world.exact.control.edit("lines", line["ID"], {"Quantity": line["Quantity"] + 1})
    world.tick()
    report = world.cycle()
    assert report.ok
    assert report.count("cannot_write") >= 1
    world.tick()
    mark = world.marks()
    again = world.cycle()
    assert again.count("cannot_write") == 0
    assert world.writes_since(mark) == []
