"""A world for engine tests: a virtual clock, both mocks routed in-process, the reference engine
over them with its state in a folder, and the look-ups the tests ask of it.

Imported by name (``from engine_world import EngineWorld``): not a conftest, so no other test
folder's helpers are shadowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from support import FIXTURES

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.settings import ExactSettings
from harness.mock.calls import CallRecord
from harness.mock.faults import Blackout
from harness.mock.inprocess import routed
from harness.squarespace.app import SquarespaceMock
from harness.sut import endpoints_of
from harness.sync.engine import CycleReport
from harness.sync.reference import ReferenceEngine

SPEC = FIXTURES / "specs" / "exact-squarespace.rst"
BLANK_TARGET_SPEC = FIXTURES / "specs" / "exact-blank-target.rst"
#: the link-table names of the bundled spec's three sections
INVENTORY_KEY = "Exact Online Items to Squarespace Inventory"
PRODUCTS_KEY = "Exact Online Items to Squarespace Sesamproducts"
ORDERS_KEY = "Exact Online Salesorders to Squarespace Order"
Json = dict[str, Any]


class EngineWorld:
    """Exact Online and Squarespace mocks on one virtual clock, and the reference engine between them."""

    def __init__(
        self,
        state_dir: Path,
        *,
        spec: Path = SPEC,
        exact_settings: ExactSettings | None = None,
        squarespace_rate_limit: int = 300,
        order_limit: int = 100,
        time_scale: float = 1.0,
    ) -> None:
        self.clock = VirtualClock()
        self.exact = ExactOnlineMock(self.clock, exact_settings)
        self.squarespace = SquarespaceMock(
            self.clock, currency="EUR", rate_limit=squarespace_rate_limit, order_limit=order_limit
        )
        self.squarespace.control.add_store_page("Shop")
        self.endpoints = endpoints_of(
            self.exact, self.squarespace, spec_path=str(spec), state_dir=str(state_dir), time_scale=time_scale
        )
        self._stack = ExitStack()
        self._stack.enter_context(routed(self.exact, self.squarespace))
        self.engine = ReferenceEngine(self.endpoints, self.clock)
        self.reports: list[CycleReport] = []

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self.engine.close()
        self._stack.close()

    def restart(self) -> None:
        """As after a crash: the engine object is gone, its state folder stays."""
        self.engine.close()
        self.engine = ReferenceEngine(self.endpoints, self.clock)

    def cycle(self) -> CycleReport:
        report = self.engine.run_cycle()
        self.reports.append(report)
        return report

    def settle(self, *, limit: int = 6) -> CycleReport:
        """Run cycles until one completes and writes nothing on either side (at most ``limit``)."""
        for _ in range(limit):
            mark = self.marks()
            report = self.cycle()
            if report.ok and not self.writes_since(mark):
                return report
            self.clock.advance(1)
        last = f"wrote {self.writes_since(mark)}" if report.ok else f"failed: {report.error}"
        raise AssertionError(f"no quiet cycle after {limit}: the last {last}; events {report.events[:5]}")

    def tick(self, seconds: float = 5.0) -> None:
        self.clock.advance(seconds)

    @contextmanager
    def blackout(self, after_writes: int) -> Iterator[Blackout]:
        """Every call times out once ``after_writes`` writes have succeeded (a crash of the engine)."""
        switch = Blackout(after_writes)
        self.exact.blackout = self.squarespace.blackout = switch
        try:
            yield switch
        finally:
            self.exact.blackout = self.squarespace.blackout = None

    def section_key(self, target_side: str) -> str:
        """The link-table name of the (lead) section whose target is ``target_side`` (``squarespace:products``)."""
        return next(g.lead for g in self.engine.plan.groups if g.target.key == target_side)

    # -- call logs -----------------------------------------------------------------------------
    def marks(self) -> tuple[int, int]:
        return self.exact.calls.mark(), self.squarespace.calls.mark()

    def writes_since(self, mark: tuple[int, int]) -> list[CallRecord]:
        """Data-changing calls since ``mark`` (the token endpoint is not data)."""
        exact = [r for r in self.exact.calls.writes(mark[0]) if "oauth2" not in r.path]
        return exact + self.squarespace.calls.writes(mark[1])

    def rate_limited(self) -> list[CallRecord]:
        """429s that no injected fault asked for."""
        calls = [*self.exact.calls.records(), *self.squarespace.calls.records()]
        return [r for r in calls if r.status == 429 and not r.fault]

    def crashes(self) -> list[CallRecord]:
        return [*self.exact.calls.crashes(), *self.squarespace.calls.crashes()]

    # -- Exact -------------------------------------------------------------------------------
    def seed(self, items: int = 10, orders: int = 0) -> None:
        self.exact.control.seed(items=items, orders=orders)

    def items(self) -> list[Json]:
        return self.exact.control.records("items")

    def item(self, item_id: str) -> Json | None:
        return self.exact.control.record("items", item_id)

    def new_item(self, code: str, description: str = "An item", **fields: Any) -> Json:
        read_only: dict[str, Any] = {k: fields.pop(k) for k in ("Stock", "StandardSalesPrice") if k in fields}
        return self.exact.control.create_item(
            {"Code": code, "Description": description, **fields}, read_only=read_only or None
        )

    def edit_item(self, item_id: str, **changes: Any) -> Json:
        return self.exact.control.edit("items", item_id, changes)

    def exact_orders(self) -> list[Json]:
        return self.exact.control.records("orders")

    # -- Squarespace -------------------------------------------------------------------------
    def products(self) -> list[Json]:
        return self.squarespace.control.products()

    def product_by_sku(self, sku: str) -> Json:
        found = self.squarespace.control.products_with_sku(sku.strip())
        assert len(found) == 1, f"{len(found)} products hold SKU {sku!r}"
        return found[0]

    def product_of(self, item_id: str) -> Json:
        """The product linked to an Exact item (through the link table)."""
        link = self.engine.links.get(self.section_key("squarespace:products"), item_id.lower())
        assert link is not None and link.target_id is not None, f"item {item_id} is not linked"
        return self.squarespace.control.product(link.target_id)

    def edit_product(self, product_id: str, **changes: Any) -> Json:
        """A merchant edit; ``variants__stock__quantity`` is ``variants.stock.quantity``."""
        return self.squarespace.control.edit_product(product_id, {k.replace("__", "."): v for k, v in changes.items()})

    def orders(self) -> list[Json]:
        return self.squarespace.control.orders()


@contextmanager
def engine_world(state_dir: Path, **options: Any) -> Iterator[EngineWorld]:
    world = EngineWorld(state_dir, **options)
    try:
        yield world
    finally:
        world.close()


def variant(product: Json) -> Json:
    (only,) = product["variants"]
    return dict(only)
