"""A crash at any point of a cycle, then a restart from the state folder: no record is created twice
and no edit is lost. Two ways to crash: the engine's own switch (``crash_after_writes``, raised
between writes) and a ``Blackout`` (every call times out once N writes went through, as if the
process died with requests in flight)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_world import EngineWorld, engine_world, variant

from harness.mock import FaultKind
from harness.sync.engine import SimulatedCrash


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EngineWorld]:
    with engine_world(tmp_path / "state") as built:
        yield built


def assert_whole(world: EngineWorld, *, items: int, orders: int) -> None:
    assert len(world.products()) == items
    assert world.squarespace.control.duplicate_skus() == {}
    assert len(world.orders()) == orders
    references = [o["externalOrderReference"] for o in world.orders()]
    assert len(set(references)) == len(references)
    assert world.engine.links.check() == []
    assert world.engine.links.pending_creates() == []
    assert world.crashes() == []


def crash_then_restart(world: EngineWorld, after_writes: int) -> bool:
    """Run a cycle that crashes before its write number ``after_writes + 1``; whether it did crash."""
    world.engine.engine.crash_after_writes = after_writes
    crashed = False
    try:
        world.cycle()
    except SimulatedCrash:
        crashed = True
    world.restart()
    world.tick(30)
    return crashed


@pytest.mark.parametrize("after_writes", [0, 1, 2, 5, 8, 9, 10, 11])
def test_a_crash_during_the_initial_sync_duplicates_nothing(world: EngineWorld, after_writes: int) -> None:
    world.seed(items=8, orders=3)
    assert crash_then_restart(world, after_writes) is (after_writes < 11)  # 8 products, then 3 orders
    world.settle()
    assert_whole(world, items=8, orders=3)


@pytest.mark.parametrize("after_writes", [1, 2, 3, 5, 9, 12, 14])
def test_a_blackout_during_the_initial_sync_duplicates_nothing(world: EngineWorld, after_writes: int) -> None:
    world.seed(items=8, orders=3)
    with world.blackout(after_writes):
        world.cycle()
    world.restart()
    world.tick(30)
    world.settle()
    assert_whole(world, items=8, orders=3)


@pytest.mark.parametrize("after_writes", [0, 1, 2])
@pytest.mark.parametrize("how", ["crash", "blackout"])
def test_a_crash_in_the_middle_of_edits_loses_none(world: EngineWorld, how: str, after_writes: int) -> None:
    world.seed(items=5)
    world.settle()
    world.tick()
    a, b, c = world.items()[:3]
    world.edit_item(a["ID"], Description="A uit Exact", Stock=5.0)
    world.edit_product(world.product_of(b["ID"])["id"], name="B uit Squarespace", isVisible=False)
    world.edit_item(c["ID"], NetWeight=2.25)
    world.tick()
    if how == "crash":
        assert crash_then_restart(world, after_writes)  # 3 writes: two product updates, one item update
    else:
        with world.blackout(after_writes + 1):
            world.cycle()
        world.restart()
        world.tick(30)
    world.settle()
    assert world.product_of(a["ID"])["name"] == "A uit Exact"
    assert variant(world.product_of(a["ID"]))["stock"]["quantity"] == 5
    assert (world.item(b["ID"]) or {})["Description"] == "B uit Squarespace"
    assert (world.item(b["ID"]) or {})["IsWebshopItem"] == 0
    assert variant(world.product_of(c["ID"]))["shippingMeasurements"]["weight"]["value"] == 2.25
    assert_whole(world, items=5, orders=0)


@pytest.mark.parametrize("after_writes", [1, 2])
def test_a_crash_around_deletes_leaves_no_orphan(world: EngineWorld, after_writes: int) -> None:
    world.seed(items=5)
    world.settle()
    world.tick()
    a, b = world.items()[:2]
    b_product = world.product_of(b["ID"])["id"]
    world.exact.control.delete("items", a["ID"])
    world.squarespace.control.delete_product(b_product)
    world.tick()
    with world.blackout(after_writes):
        world.cycle()
    world.restart()
    world.tick(30)
    world.settle()
    assert world.item(b["ID"]) is None
    assert len(world.products()) == 3
    assert len(world.items()) == 3
    assert_whole(world, items=3, orders=0)


def test_repeated_crashes_still_converge(world: EngineWorld) -> None:
    world.seed(items=10, orders=4)
    for after in (1, 3, 2, 4, 1):
        crash_then_restart(world, after)
    world.settle()
    assert_whole(world, items=10, orders=4)


def test_a_half_written_pair_does_not_make_the_engines_own_write_the_latest_edit(world: EngineWorld) -> None:
    """The weight was edited in Squarespace, then later in Exact (with the name): Exact's edit wins. The
    cycle writes the product's name, then fails on its variant — the product now looks modified after
    Exact's edit, by the engine's own write. The next cycle must complete what was decided, not decide
    again on the engine's own timestamp."""
    item = world.new_item("STOEL-9", "Stoel", NetWeight=1.0, IsWebshopItem=1)
    world.settle()
    world.tick(60)
    product_id = world.product_of(item["ID"])["id"]
    world.edit_product(product_id, variants__shippingMeasurements__weight__value=3.0)
    world.tick(2)
    world.edit_item(item["ID"], NetWeight=5.0, Description="Later in Exact")
    world.tick(2)
    world.squarespace.faults.inject(FaultKind.TIMEOUT, times=6, method="POST", path="/variants/")
    assert not world.cycle().ok
    assert world.product_of(item["ID"])["name"] == "Later in Exact"  # half written
    world.tick(60)
    world.settle()
    assert (world.item(item["ID"]) or {})["NetWeight"] == 5.0
    assert variant(world.product_of(item["ID"]))["shippingMeasurements"]["weight"]["value"] == 5.0


def test_an_edit_made_while_a_decided_write_had_not_landed_is_decided_again(world: EngineWorld) -> None:
    """Exact's name, then a later Squarespace name: Squarespace wins and the cycle crashes before writing
    Exact. A person then types Exact's old name again (same value, later time). Nothing the engine wrote
    landed, so the new time is the person's: their edit is the latest and wins, not the decision taken
    before it (found by the sync state machine)."""
    item = world.new_item("BANK-1", "Tafel", IsWebshopItem=1)
    world.settle()
    world.tick(60)
    product_id = world.product_of(item["ID"])["id"]
    world.edit_item(item["ID"], Description="Bank E")
    world.tick(2)
    world.edit_product(product_id, name="Bank S")
    world.tick(2)
    assert crash_then_restart(world, 0)
    world.edit_item(item["ID"], Description="Bank E")
    world.tick(60)
    world.settle()
    assert (world.item(item["ID"]) or {})["Description"] == "Bank E"
    assert world.product_of(item["ID"])["name"] == "Bank E"
