"""Faults on either side — 429s, 5xx, time-outs, lost answers, expired tokens — are handled with no
duplicate and no lost edit; a cycle that fails leaves its cursors where the next one resumes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_world import EngineWorld, engine_world, variant

from harness.mock.faults import FaultKind


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EngineWorld]:
    with engine_world(tmp_path / "state") as built:
        yield built


def assert_whole(world: EngineWorld, *, items: int, orders: int) -> None:
    """Every item has exactly one product and every order one import; nothing is linked twice."""
    assert len(world.products()) == items
    assert world.squarespace.control.duplicate_skus() == {}
    assert len(world.orders()) == orders
    references = [o["externalOrderReference"] for o in world.orders()]
    assert len(set(references)) == len(references)
    assert world.engine.links.check() == []
    assert world.crashes() == []


# (system, fault kind, status, method, path): one fault, hit by the first initial sync
FIRST_SYNC_FAULTS = [
    ("exact", FaultKind.STATUS, 429, "GET", "sync/Logistics/Items"),
    ("exact", FaultKind.STATUS, 500, "GET", "sync/Logistics/Items"),
    ("exact", FaultKind.STATUS, 503, "GET", "sync/SalesOrder"),
    ("exact", FaultKind.TIMEOUT, 500, "GET", "sync/Deleted"),
    ("exact", FaultKind.LOST_RESPONSE, 500, "GET", "logistics/Items"),
    ("exact", FaultKind.STATUS, 401, "GET", "sync/Logistics/Items"),
    ("squarespace", FaultKind.STATUS, 429, "POST", "/commerce/products"),
    ("squarespace", FaultKind.STATUS, 500, "POST", "/commerce/products"),
    ("squarespace", FaultKind.STATUS, 503, "GET", "/commerce/products"),
    ("squarespace", FaultKind.TIMEOUT, 500, "POST", "/commerce/products"),
    ("squarespace", FaultKind.LOST_RESPONSE, 500, "POST", "/commerce/products"),
    ("squarespace", FaultKind.STATUS, 429, "POST", "/commerce/orders"),
    ("squarespace", FaultKind.STATUS, 503, "POST", "/commerce/orders"),
    ("squarespace", FaultKind.TIMEOUT, 500, "POST", "/commerce/orders"),
    ("squarespace", FaultKind.LOST_RESPONSE, 500, "POST", "/commerce/orders"),
    ("squarespace", FaultKind.LOST_RESPONSE, 500, "GET", "/commerce/orders"),
]


@pytest.mark.parametrize(
    ("system", "kind", "status", "method", "path"),
    FIRST_SYNC_FAULTS,
    ids=[
        f"{s}-{k.value}{'-' + str(c) if k is FaultKind.STATUS else ''}-{m}-{p}" for s, k, c, m, p in FIRST_SYNC_FAULTS
    ],
)
@pytest.mark.parametrize("times", [1, 3])
def test_an_initial_sync_under_a_fault_creates_everything_once(
    world: EngineWorld, system: str, kind: FaultKind, status: int, method: str, path: str, times: int
) -> None:
    world.seed(items=8, orders=3)
    mock = world.exact if system == "exact" else world.squarespace
    mock.faults.inject(kind, status=status, times=times, method=method, path=path)
    for _ in range(4):  # a fault the client gives up on fails the cycle; the next one resumes
        world.cycle()
        world.tick(60)
    world.settle()
    assert not mock.faults.pending()
    assert_whole(world, items=8, orders=3)
    assert world.rate_limited() == []


# (system, fault kind, status, method, path): hit by the cycle that carries an edit from each side
EDIT_FAULTS = [
    ("exact", FaultKind.STATUS, 500, "PUT", "logistics/Items"),
    ("exact", FaultKind.LOST_RESPONSE, 500, "PUT", "logistics/Items"),
    ("exact", FaultKind.TIMEOUT, 500, "PUT", "logistics/Items"),
    ("exact", FaultKind.STATUS, 429, "PUT", "logistics/Items"),
    ("squarespace", FaultKind.STATUS, 503, "POST", "/commerce/products/"),
    ("squarespace", FaultKind.LOST_RESPONSE, 500, "POST", "/commerce/products/"),
    ("squarespace", FaultKind.TIMEOUT, 500, "POST", "/variants/"),
    ("squarespace", FaultKind.LOST_RESPONSE, 500, "POST", "/inventory/adjustments"),
    ("squarespace", FaultKind.STATUS, 429, "POST", "/inventory/adjustments"),
]


@pytest.mark.parametrize(
    ("system", "kind", "status", "method", "path"),
    EDIT_FAULTS,
    ids=[f"{s}-{k.value}{'-' + str(c) if k is FaultKind.STATUS else ''}-{m}-{p}" for s, k, c, m, p in EDIT_FAULTS],
)
@pytest.mark.parametrize("times", [1, 6])
def test_edits_under_a_fault_are_not_lost(
    world: EngineWorld, system: str, kind: FaultKind, status: int, method: str, path: str, times: int
) -> None:
    world.seed(items=4)
    world.settle()
    world.tick()
    first, second = world.items()[:2]
    world.edit_item(first["ID"], Description="Uit Exact", Stock=77.0, NetWeight=1.5)
    product_id = world.product_of(second["ID"])["id"]
    world.edit_product(product_id, name="Uit Squarespace")
    world.tick()
    mock = world.exact if system == "exact" else world.squarespace
    mock.faults.inject(kind, status=status, times=times, method=method, path=path)
    for _ in range(3):
        world.cycle()
        world.tick(60)
    world.settle()
    after_first = world.product_of(first["ID"])
    assert after_first["name"] == "Uit Exact"
    assert variant(after_first)["stock"]["quantity"] == 77
    assert variant(after_first)["shippingMeasurements"]["weight"]["value"] == 1.5
    assert (world.item(second["ID"]) or {})["Description"] == "Uit Squarespace"
    assert_whole(world, items=4, orders=0)


def test_expired_exact_tokens_are_refreshed(world: EngineWorld) -> None:
    world.seed(items=3)
    world.settle()
    item = world.items()[0]
    world.exact.control.expire_tokens()
    world.edit_item(item["ID"], Description="Na het verlopen")
    report = world.cycle()
    assert report.ok, report.error
    assert world.product_of(item["ID"])["name"] == "Na het verlopen"


def test_tokens_survive_a_restart_without_a_new_login(world: EngineWorld) -> None:
    world.seed(items=2)
    world.settle()
    world.restart()
    mark = world.exact.calls.mark()
    world.tick()
    assert world.cycle().ok
    assert not [r for r in world.exact.calls.since(mark) if "oauth2/auth" in r.path]


def test_a_day_later_the_engine_refreshes_and_carries_on(world: EngineWorld) -> None:
    world.seed(items=2)
    world.settle()
    world.tick(24 * 3600)
    item = world.items()[0]
    world.edit_item(item["ID"], Description="Een dag later")
    world.restart()
    assert world.cycle().ok
    assert world.product_of(item["ID"])["name"] == "Een dag later"


def test_a_failed_cycle_leaves_the_cursors_where_they_were(world: EngineWorld) -> None:
    world.seed(items=5, orders=2)
    world.settle()
    world.tick()
    cursors = {name: world.engine.links.cursor(name) for name in cursor_names(world)}
    item = world.items()[0]
    world.edit_item(item["ID"], Description="Niet verloren")
    world.squarespace.faults.inject(FaultKind.STATUS, status=503, times=50, method="GET", path="/commerce/products")
    report = world.cycle()
    assert not report.ok
    assert {name: world.engine.links.cursor(name) for name in cursor_names(world)} == cursors
    world.squarespace.faults.clear()
    world.tick(60)
    assert world.cycle().ok
    assert world.product_of(item["ID"])["name"] == "Niet verloren"


def cursor_names(world: EngineWorld) -> list[str]:
    return [f"{g.key}:{end}" for g in world.engine.plan.groups for end in ("source", "target", "deferred")]


def test_a_rate_limited_exact_is_waited_out_not_exceeded(tmp_path: Path) -> None:
    """More writes than Exact allows a minute: the client waits on the clock; no 429 is ever provoked."""
    with engine_world(tmp_path / "state") as world:
        world.seed(items=80)
        world.settle()
        world.tick()
        for item in world.items():
            world.squarespace.control.edit_product(world.product_of(item["ID"])["id"], {"name": "Hernoemd"})
        waited = world.clock.slept
        world.settle()
        assert all(i["Description"] == "Hernoemd" for i in world.items())
        assert world.rate_limited() == []
        assert world.clock.slept > waited  # 80 PUTs at 60 a minute: the client waited for the next minute


def test_restarts_within_a_minute_do_not_run_into_exacts_rate_limit(world: EngineWorld) -> None:
    """A restarted engine knows how many of the minute's calls are left (saved in its state folder)."""
    world.seed(items=3)
    world.settle()
    world.clock.set((world.clock.now() // 60 + 1) * 60)  # a fresh minute: 60 calls left
    for _ in range(13):  # 5 reads a quiet cycle: the 13th restart finds none of the minute's calls left
        world.restart()
        assert world.cycle().ok
    assert world.rate_limited() == []


def test_a_squarespace_order_limit_is_waited_out_across_cycles(tmp_path: Path) -> None:
    with engine_world(tmp_path / "state", order_limit=5) as world:
        world.seed(items=10, orders=12)
        for _ in range(40):
            world.cycle()
            if len(world.orders()) == 12:
                break
            world.tick(600)
        world.settle()
        assert_whole(world, items=10, orders=12)


@pytest.mark.parametrize(("scale", "waited_s"), [(1.0, 1 + 2 + 4), (60.0, (1 + 2 + 4) / 60)])
def test_the_engine_backs_off_after_server_errors_on_the_clock_the_mocks_tell(
    tmp_path: Path, scale: float, waited_s: float
) -> None:
    # served, the mocks run TALKQA_TIME_SCALE times faster than real time: so does the engine's own back-off
    with engine_world(tmp_path / "state", time_scale=scale) as world:
        world.seed(items=1)
        world.squarespace.faults.inject(FaultKind.STATUS, status=500, times=3, path="/commerce/products", method="POST")
        started = world.clock.now()
        report = world.cycle()
        assert report.ok, report.error
        assert len(world.products()) == 1
        assert world.clock.now() - started == pytest.approx(waited_s, abs=0.01 * waited_s + 1e-3)
