"""Deletes cross both ways for items; a pair is unlinked where a system cannot delete; nothing is
taken for deleted that is merely absent from a page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_world import INVENTORY_KEY, PRODUCTS_KEY, EngineWorld, engine_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EngineWorld]:
    with engine_world(tmp_path / "state") as built:
        built.seed(items=6)
        built.settle()
        built.tick()
        yield built


def test_an_item_deleted_in_exact_deletes_its_product(world: EngineWorld) -> None:
    item = world.items()[0]
    product_id = world.product_of(item["ID"])["id"]
    world.exact.control.delete("items", item["ID"])
    report = world.cycle()
    assert report.ok
    assert [e.target_id for e in report.events if e.kind == "deleted"] == [product_id]
    assert product_id not in {p["id"] for p in world.products()}
    assert world.engine.links.get(INVENTORY_KEY, item["ID"].lower()) is None
    assert world.engine.links.get(PRODUCTS_KEY, item["ID"].lower()) is None


def test_a_product_deleted_in_squarespace_deletes_its_item(world: EngineWorld) -> None:
    item = world.items()[1]
    product_id = world.product_of(item["ID"])["id"]
    world.squarespace.control.delete_product(product_id)
    report = world.cycle()
    assert report.ok
    assert world.item(item["ID"]) is None
    assert world.engine.links.links(PRODUCTS_KEY) and all(
        link.source_id != item["ID"].lower() for link in world.engine.links.links()
    )


def test_a_delete_is_not_echoed_and_nothing_is_recreated(world: EngineWorld) -> None:
    item, other = world.items()[:2]
    world.exact.control.delete("items", item["ID"])
    world.squarespace.control.delete_product(world.product_of(other["ID"])["id"])
    world.settle()
    assert len(world.products()) == 4
    assert len(world.items()) == 4
    world.tick(60)
    mark = world.marks()
    assert world.cycle().ok
    assert world.writes_since(mark) == []


def test_deletes_on_both_sides_of_one_pair_meet_quietly(world: EngineWorld) -> None:
    item = world.items()[2]
    product_id = world.product_of(item["ID"])["id"]
    world.exact.control.delete("items", item["ID"])
    world.squarespace.control.delete_product(product_id)
    report = world.cycle()
    assert report.ok, report.error
    assert world.item(item["ID"]) is None
    assert product_id not in {p["id"] for p in world.products()}
    assert world.engine.links.check() == []


def test_a_product_missing_from_a_failed_listing_is_not_taken_for_deleted(world: EngineWorld) -> None:
    """A listing that cannot be read ends the cycle; no item is deleted, and the next cycle recovers."""
    world.squarespace.control.seed(products=60, orders=0)  # more than one page of products
    world.settle()
    items_before = len(world.items())
    world.tick()
    world.squarespace.faults.inject("status", status=500, times=10, method="GET", path="/commerce/products")
    report = world.cycle()
    assert not report.ok
    assert len(world.items()) == items_before
    world.tick(60)
    world.settle()
    assert len(world.items()) == items_before
