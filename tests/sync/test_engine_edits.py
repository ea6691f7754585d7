"""Linked pairs stay in sync wherever they are edited: an edit crosses, the latest edit wins, an
empty value never overwrites but a deliberate clear does, one-way rows are restored, and a cycle with
nothing new writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_world import INVENTORY_KEY, PRODUCTS_KEY, EngineWorld, engine_world, variant

Json = dict[str, Any]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EngineWorld]:
    with engine_world(tmp_path / "state") as built:
        yield built


@pytest.fixture
def pair(world: EngineWorld) -> tuple[str, str]:
    """One item, synced to its product: (item id, product id)."""
    item = world.new_item(
        "STOEL-1",
        "Stoel beuken",
        ExtraDescription="Stapelbaar",
        NetWeight=4.5,
        IsWebshopItem=1,
        Stock=12.0,
        StandardSalesPrice=49.95,
    )
    world.settle()
    world.tick()
    return item["ID"], world.product_of(item["ID"])["id"]


def item_of(world: EngineWorld, item_id: str) -> Json:
    found = world.item(item_id)
    assert found is not None
    return found


def product(world: EngineWorld, product_id: str) -> Json:
    return world.squarespace.control.product(product_id)


def test_an_edit_in_exact_reaches_squarespace(world: EngineWorld, pair: tuple[str, str]) -> None:
    item_id, product_id = pair
    world.edit_item(item_id, Description="Stoel eiken", ExtraDescription="Niet stapelbaar", NetWeight=5.25)
    assert world.cycle().ok
    after = product(world, product_id)
    assert (after["name"], after["description"]) == ("Stoel eiken", "Niet stapelbaar")
    assert variant(after)["shippingMeasurements"]["weight"]["value"] == 5.25


def test_an_edit_in_squarespace_reaches_exact(world: EngineWorld, pair: tuple[str, str]) -> None:
    item_id, product_id = pair
    world.edit_product(product_id, name="Stoel wit", isVisible=False, variants__shippingMeasurements__weight__value=3.0)
    assert world.cycle().ok
    item = item_of(world, item_id)
    assert (item["Description"], item["IsWebshopItem"], item["NetWeight"]) == ("Stoel wit", 0, 3.0)


def test_a_sku_edit_in_squarespace_reaches_exact_and_the_inventory_view(
    world: EngineWorld, pair: tuple[str, str]
) -> None:
    item_id, product_id = pair
    world.edit_product(product_id, variants__sku="STOEL-1B")
    assert world.cycle().ok
    assert item_of(world, item_id)["Code"].strip() == "STOEL-1B"
    for section in (INVENTORY_KEY, PRODUCTS_KEY):
        link = world.engine.links.get(section, item_id.lower())
        assert link is not None
        label = "Code → sku" if section == INVENTORY_KEY else "Code → variants.sku"
        assert link.last_values[label] == "STOEL-1B"
    world.tick()
    mark = world.marks()
    assert world.cycle().ok
    assert world.writes_since(mark) == []


def test_an_edit_in_squarespace_reaches_exact_and_then_the_other_section(
    world: EngineWorld, pair: tuple[str, str]
) -> None:
    """Both sections land on one product: the Sesamproducts edit of the SKU is the Inventory view's SKU."""
    item_id, product_id = pair
    world.edit_product(product_id, variants__sku="STOEL-2")
    world.settle()
    assert variant(product(world, product_id))["sku"] == "STOEL-2"
    assert world.squarespace.control.inventory_item(variant(product(world, product_id))["id"])["sku"] == "STOEL-2"
    assert item_of(world, item_id)["Code"].strip() == "STOEL-2"


@pytest.mark.parametrize("later", ["exact", "squarespace"])
def test_the_latest_edit_wins(world: EngineWorld, pair: tuple[str, str], later: str) -> None:
    item_id, product_id = pair
    edits = {
        "exact": lambda: world.edit_item(item_id, Description="Naam uit Exact"),
        "squarespace": lambda: world.edit_product(product_id, name="Naam uit Squarespace"),
    }
    earlier = "squarespace" if later == "exact" else "exact"
    edits[earlier]()
    world.tick(3)
    edits[later]()
    world.tick(3)
    assert world.settle().ok
    expected = "Naam uit Exact" if later == "exact" else "Naam uit Squarespace"
    assert item_of(world, item_id)["Description"] == expected
    assert product(world, product_id)["name"] == expected


def test_edits_of_different_properties_on_both_sides_both_survive(world: EngineWorld, pair: tuple[str, str]) -> None:
    item_id, product_id = pair
    world.edit_item(item_id, Description="Nieuwe naam")
    world.tick()
    world.edit_product(product_id, description="Nieuwe omschrijving")
    world.settle()
    item, after = item_of(world, item_id), product(world, product_id)
    assert (item["Description"], item["ExtraDescription"]) == ("Nieuwe naam", "Nieuwe omschrijving")
    assert (after["name"], after["description"]) == ("Nieuwe naam", "Nieuwe omschrijving")


def test_a_clear_in_squarespace_propagates(world: EngineWorld, pair: tuple[str, str]) -> None:
    item_id, product_id = pair
    world.edit_product(product_id, description="")
    world.settle()
    assert item_of(world, item_id).get("ExtraDescription") in (None, "")
    assert product(world, product_id)["description"] == ""


def test_a_clear_in_exact_propagates(world: EngineWorld, pair: tuple[str, str]) -> None:
    item_id, product_id = pair
    world.edit_item(item_id, ExtraDescription=None)
    world.settle()
    assert product(world, product_id)["description"] == ""
    assert item_of(world, item_id).get("ExtraDescription") in (None, "")


def test_a_cleared_weight_in_exact_stays_cleared(world: EngineWorld, pair: tuple[str, str]) -> None:
    """Squarespace holds "no weight" as 0: the clear reaches it as 0 and is not written back to Exact as 0."""
    item_id, product_id = pair
    world.edit_item(item_id, NetWeight=None)
    world.settle()
    assert variant(product(world, product_id))["shippingMeasurements"]["weight"]["value"] == 0.0
    assert item_of(world, item_id).get("NetWeight") is None


def test_an_empty_value_never_overwrites_a_value_on_a_merge(tmp_path: Path) -> None:
    """Two records meeting for the first time: the empty side takes the other's value, in both directions."""
    with engine_world(tmp_path / "state") as world:
        world.new_item("KAST-1", "Kast", ExtraDescription=None, IsWebshopItem=1, NetWeight=8.0)
        world.tick()  # the product is the later record: still its 0 weight (no weight) must not win
        world.squarespace.control.create_product(
            name="Kast", sku="KAST-1", description="Met twee deuren", weight_kg=0.0, price="0.00"
        )
        report = world.settle()
        assert report.ok
        item = world.items()[0]
        merged = world.product_by_sku("KAST-1")
        assert item["ExtraDescription"] == "Met twee deuren"  # Squarespace's text filled Exact's empty one
        assert variant(merged)["shippingMeasurements"]["weight"]["value"] == 8.0  # Exact's weight, not the 0
        assert len(world.products()) == 1


@pytest.mark.parametrize(
    ("change", "restored"),
    [
        ({"variants.stock.quantity": 3}, lambda p: variant(p)["stock"]["quantity"] == 12),
        (
            {"variants.pricing.basePrice.value": "1.00"},
            lambda p: variant(p)["pricing"]["basePrice"]["value"] == "49.95",
        ),
    ],
    ids=["Stock", "StandardSalesPrice"],
)
def test_a_one_way_row_is_restored_after_an_edit_in_squarespace(
    world: EngineWorld, pair: tuple[str, str], change: Json, restored: Any
) -> None:
    item_id, product_id = pair
    before = item_of(world, item_id)
    world.squarespace.control.edit_product(product_id, change)
    world.settle()
    assert restored(product(world, product_id))
    after = item_of(world, item_id)
    assert (after["Stock"], after["StandardSalesPrice"]) == (before["Stock"], before["StandardSalesPrice"])


def test_a_one_way_row_follows_exact(world: EngineWorld, pair: tuple[str, str]) -> None:
    item_id, product_id = pair
    world.edit_item(item_id, Stock=30.0, StandardSalesPrice=55.5)
    assert world.cycle().ok
    after = variant(product(world, product_id))
    assert after["stock"]["quantity"] == 30
    assert after["pricing"]["basePrice"]["value"] == "55.50"


def test_a_quiet_cycle_writes_nothing(world: EngineWorld, pair: tuple[str, str]) -> None:
    world.seed(items=10, orders=4)
    world.settle()
    for _ in range(3):
        world.tick(30)
        mark = world.marks()
        report = world.cycle()
        assert report.ok
        assert world.writes_since(mark) == []
        assert report.total_writes == 0


def test_the_engine_does_not_echo_its_own_writes(world: EngineWorld, pair: tuple[str, str]) -> None:
    item_id, _ = pair
    world.edit_item(item_id, Description="Eenmaal")
    mark = world.marks()
    world.cycle()
    assert len(world.writes_since(mark)) == 1  # the product update, once
    world.tick()
    mark = world.marks()
    world.cycle()
    assert world.writes_since(mark) == []


def test_an_edit_squarespace_cannot_hold_is_reported_not_lost(world: EngineWorld, pair: tuple[str, str]) -> None:
    """A 200-character name cannot go back into Exact's 60-character Description: a problem, no write."""
    item_id, product_id = pair
    world.edit_product(product_id, name="Lang " * 30)
    report = world.cycle()
    assert report.ok
    assert any(e.kind == "problem" and "Description" in e.detail for e in report.events)
    assert item_of(world, item_id)["Description"] == "Stoel beuken"


def test_a_merge_with_a_differing_product_keeps_the_later_items_values_on_both_sides(tmp_path: Path) -> None:
    """Regression: the product read at the start of the cycle was reconciled a second time after the merge,
    its stale values taken for an edit in Squarespace — the item got the product's old name and the product
    the item's: the two swapped values in one cycle."""
    with engine_world(tmp_path / "state") as world:
        world.squarespace.control.create_product(name="Oude naam", sku="LAMP-1", description="Oud", weight_kg=1.0)
        world.tick()  # the item is the later record: its values win the merge
        world.new_item("LAMP-1", "Nieuwe naam", ExtraDescription="Nieuw", IsWebshopItem=1, NetWeight=2.5)
        report = world.cycle()
        assert report.ok
        item = world.items()[0]
        merged = world.product_by_sku("LAMP-1")
        assert (item["Description"], item["ExtraDescription"]) == ("Nieuwe naam", "Nieuw")
        assert (merged["name"], merged["description"]) == ("Nieuwe naam", "Nieuw")
        assert variant(merged)["shippingMeasurements"]["weight"]["value"] == 2.5
