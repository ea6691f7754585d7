"""The reference engine creates one Squarespace product per Exact item, with both sections' values,
links it once, and never creates it again — not on a re-run, not after a restart."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from engine_world import BLANK_TARGET_SPEC, INVENTORY_KEY, PRODUCTS_KEY, EngineWorld, engine_world, variant

from harness.sync.cycle_report import MAX_EVENTS, CycleEvent, CycleReport


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EngineWorld]:
    with engine_world(tmp_path / "state") as built:
        yield built


def test_each_item_becomes_one_product_with_one_variant(world: EngineWorld) -> None:
    world.seed(items=12)
    report = world.cycle()
    assert report.ok, report.error
    products = world.products()
    assert len(products) == 12
    assert all(len(p["variants"]) == 1 for p in products)
    assert sorted(variant(p)["sku"] for p in products) == sorted(i["Code"].strip() for i in world.items())
    assert world.squarespace.control.duplicate_skus() == {}


def test_a_created_product_carries_both_sections_values(world: EngineWorld) -> None:
    item = world.new_item(
        "TAFEL-1",
        "Eettafel eiken",
        ExtraDescription="Massief eiken, 180 cm",
        NetWeight=42.5,
        IsWebshopItem=1,
        Stock=7.0,
        StandardSalesPrice=899.95,
    )
    assert world.cycle().ok
    product = world.product_of(item["ID"])
    # Items → Inventory: the code and the stock
    assert variant(product)["sku"] == "TAFEL-1"
    assert variant(product)["stock"] == {"quantity": 7, "unlimited": False}
    # Items → Sesamproducts: the product fields
    assert product["name"] == "Eettafel eiken"
    assert product["description"] == "Massief eiken, 180 cm"
    assert product["isVisible"] is True
    assert variant(product)["pricing"]["basePrice"] == {"currency": "EUR", "value": "899.95"}
    assert variant(product)["shippingMeasurements"]["weight"]["value"] == 42.5


def test_both_sections_link_the_item_to_the_same_product(world: EngineWorld) -> None:
    world.seed(items=5)
    world.cycle()
    links = world.engine.links
    inventory = {link.source_id: link.target_id for link in links.links(INVENTORY_KEY)}
    products = {link.source_id: link.target_id for link in links.links(PRODUCTS_KEY)}
    assert inventory == products
    assert sorted(inventory) == sorted(i["ID"].lower() for i in world.items())
    assert sorted(products.values()) == sorted(p["id"] for p in world.products())
    assert links.check() == []
    assert all(link.is_linked for link in links.links())


def test_a_rerun_creates_nothing_and_writes_nothing(world: EngineWorld) -> None:
    world.seed(items=8, orders=3)
    world.cycle()
    before = world.squarespace.control.snapshot()
    mark = world.marks()
    world.tick()
    report = world.cycle()
    assert report.ok
    assert world.writes_since(mark) == []
    assert world.squarespace.control.snapshot() == before


def test_a_restart_creates_nothing_again(world: EngineWorld) -> None:
    world.seed(items=8, orders=3)
    world.cycle()
    world.restart()
    mark = world.marks()
    world.tick()
    assert world.cycle().ok
    assert world.writes_since(mark) == []
    assert len(world.products()) == 8
    assert len(world.orders()) == 3


def test_a_fresh_state_folder_merges_by_sku_instead_of_duplicating(tmp_path: Path) -> None:
    """The link table lost (a new state folder): the key rows recognise the products already there."""
    with engine_world(tmp_path / "first") as world:
        world.seed(items=6)
        world.cycle()
        world.engine.close()
        world.endpoints = type(world.endpoints)(**{**world.endpoints.__dict__, "state_dir": str(tmp_path / "second")})
        world.restart()
        report = world.cycle()
        assert report.ok, report.error
        assert report.count("merged") == 6
        assert report.count("created") == 0
        assert len(world.products()) == 6
        assert world.squarespace.control.duplicate_skus() == {}


def test_an_item_created_later_is_created_in_the_next_cycle(world: EngineWorld) -> None:
    world.seed(items=3)
    world.cycle()
    world.tick()
    item = world.new_item("NIEUW-1", "Nieuw artikel", IsWebshopItem=1)
    report = world.cycle()
    assert report.count("created") == 1
    assert world.product_of(item["ID"])["name"] == "Nieuw artikel"


def test_a_null_weight_is_not_written_back_as_zero(world: EngineWorld) -> None:
    """Squarespace has no "no weight" (it holds 0): creating the product must not invent a 0 in Exact."""
    item = world.new_item("LICHT-1", "Zonder gewicht")
    assert (world.item(item["ID"]) or {}).get("NetWeight") is None
    mark = world.marks()
    assert world.cycle().ok
    assert [r.method for r in world.writes_since(mark)] == ["POST"]  # the product create, nothing else
    assert (world.item(item["ID"]) or {}).get("NetWeight") is None


def test_the_seed_shaped_spec_syncs_with_the_assumed_rows(tmp_path: Path) -> None:
    with engine_world(tmp_path / "state", spec=BLANK_TARGET_SPEC) as world:
        assert all(row.assumed for m in world.engine.mappings for row in m.rows)
        world.seed(items=5, orders=2)
        report = world.settle()
        assert report.ok
        assert len(world.products()) == 5
        assert len(world.orders()) == 2
        item = world.items()[0]
        product = world.product_of(item["ID"])
        assert product["name"] == item["Description"]
        assert Decimal(variant(product)["pricing"]["basePrice"]["value"]) == Decimal(repr(item["StandardSalesPrice"]))


def test_the_initial_sync_reads_what_the_sync_endpoint_lacks_in_one_listing(world: EngineWorld) -> None:
    """StandardSalesPrice is not on sync/Logistics/Items: on the first read every item changed, so the
    prices come from one listing of logistics/Items (60 a page), not from filters of 40 ids a call."""
    world.seed(items=130)
    mark = world.exact.calls.mark()
    assert world.cycle().ok
    reads = [r for r in world.exact.calls.since(mark) if r.method == "GET" and "/logistics/Items" in r.path]
    assert len(reads) == 3  # 130 items, 60 a page
    assert all("StandardSalesPrice" in r.url for r in reads)
    world.tick()
    world.edit_item(world.items()[0]["ID"], Description="Alleen dit")
    mark = world.exact.calls.mark()
    assert world.cycle().ok
    reads = [r for r in world.exact.calls.since(mark) if r.method == "GET" and "/logistics/Items" in r.path]
    assert len(reads) == 1  # later cycles ask for the items that changed


def test_a_cycle_counts_every_event_though_it_keeps_only_the_first(world: EngineWorld) -> None:
    world.seed(items=3)
    report = world.cycle()
    assert report.count("created") == 3
    assert report.as_detail()["counts"] == {"created": 3}
    many = CycleReport(started=0.0)
    for n in range(MAX_EVENTS + 20):
        many.add(CycleEvent("created", "g", f"record {n}"))
    assert len(many.events) == MAX_EVENTS
    assert many.count("created") == MAX_EVENTS + 20
    assert many.as_detail()["counts"] == {"created": MAX_EVENTS + 20}
