"""The world one checklist scenario runs in: a virtual clock, fresh mocks of both systems (reached
in-process through respx, or served on loopback for an external SUT), the system under test with its
own state folder, the flow under test, the records the scenario made, and the evidence it gathered.

The world is made as realistic as a scenario can afford, so that an engine that only works on a toy
setup fails here:

- The Squarespace site is a shop that already sells things: ``SHOP_PRODUCTS`` products (one variant
  each, names, HTML descriptions, SKUs, prices, stock and weights from the mock's own factory) that no
  Exact Online item stands for. A site is never empty, and with more products than one page of the
  product listing holds (50), every product a scenario makes lands on the second page: an engine that
  reads only the first page misses them. The unrelated products are drawn once per process and run seed
  and made in each world through the merchant's control surface (~1 ms a world). The Exact Online
  division starts empty instead: the bundled flows create a product for *every* item, so unrelated
  items would each be synced in every scenario — the cost of a whole catalogue per scenario.
- A rate limit answers API calls: an injected 429 on Exact Online falls on the REST API
  (``/api/v1/...``, counted per app and division, and answered with the minutely rate-limit headers),
  never on the OAuth pages, which are not under that limit. A 429 on the login would only test that an
  engine tries to log in again; on the API it tests that the engine waits and carries on.
"""

from __future__ import annotations

import atexit
import random
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from faker import Faker

from harness.checklist.config import ChecklistConfig
from harness.checklist.drivers import Driver, ExactDriver, SquarespaceDriver
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.rewrites import describe_rewrites
from harness.checklist.values import RowValues, utc_now
from harness.clock import ScaledClock, VirtualClock
from harness.dataflow.model import FlowSection
from harness.exact.app import ExactOnlineMock
from harness.exact.settings import ExactSettings
from harness.mapping.rows import MappingRow
from harness.mapping.sections import SectionMapping
from harness.mock.calls import CallRecord
from harness.mock.core import COOLDOWN_NOTE
from harness.mock.faults import Blackout, FaultKind
from harness.mock.inprocess import routed
from harness.mock.served import ServedMock
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.factory import SquarespaceFactory
from harness.squarespace.paging import PAGE_SIZE
from harness.sut import CycleResult, Endpoints, SystemUnderTest, endpoints_of, load_sut
from harness.systems import EXACT_ONLINE, SQUARESPACE, known_system

__all__ = ["SHOP_PRODUCTS", "ChecklistWorld", "Flow"]

_MAX_QUIET_CYCLES = 8
_EXACT_HOST = EXACT_ONLINE.base_url
_SQUARESPACE_HOST = SQUARESPACE.base_url
#: products the Squarespace site sells before a scenario starts: more than one page of the listing (50)
SHOP_PRODUCTS = PAGE_SIZE + 5
#: where a rate limit applies on each system (a regex on the request path; None: every call)
_RATE_LIMITED_PATHS = {"Exact Online": r"^/api/v1/", "Squarespace": None}
#: (system, kind of write) -> the calls (method, path regex) that make it
_WRITES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("Exact Online", "update"): (("PUT", r"^/api/v1/"),),
    ("Exact Online", "delete"): (("DELETE", r"^/api/v1/"),),
    ("Exact Online", "create"): (("POST", r"^/api/v1/"),),
    ("Squarespace", "update"): (("POST", r"/commerce/(products/[^/]+(/variants/[^/]+)?|inventory/adjustments)$"),),
    ("Squarespace", "delete"): (("DELETE", r"/commerce/products/"),),
    ("Squarespace", "create"): (("POST", r"/commerce/(products|orders)$"),),
    # the records an order's lines refer to: its items' products
    ("Squarespace", "referenced create"): (("POST", r"/commerce/products$"),),
}


def _exact_settings(config: ChecklistConfig) -> ExactSettings:
    """Exact's settings for a world. Served, the mock's clock runs ``time_scale`` times faster than the
    engine's: token lifetimes are stretched by as much, so that a token lives as long in the engine's real
    time as Exact promises (they are lifetimes the engine keeps to, not waits the mock imposes)."""
    base = ExactSettings()
    if not config.served:
        return base
    n = config.time_scale
    return replace(
        base,
        token_ttl_s=base.token_ttl_s * n,
        early_refresh_window_s=base.early_refresh_window_s * n,
        refresh_token_ttl_s=base.refresh_token_ttl_s * n,
        code_ttl_s=base.code_ttl_s * n,
    )


@cache
def _served_pair(timeout_hold_s: float) -> tuple[ServedMock, ServedMock]:
    """One server per system per process, for an external SUT: each world swaps its fresh mocks in behind
    them (starting and stopping two servers per scenario cost ~0.4 s). Stopped when the process ends."""
    placeholder = VirtualClock()
    exact = ServedMock(ExactOnlineMock(placeholder), timeout_hold_s=timeout_hold_s).start()
    squarespace = ServedMock(SquarespaceMock(placeholder), timeout_hold_s=timeout_hold_s).start()
    atexit.register(squarespace.stop)
    atexit.register(exact.stop)
    return exact, squarespace


@cache
def _faker() -> Faker:
    """One Faker per process (it takes tens of milliseconds to start); every world reseeds it."""
    return Faker("nl_NL")


@cache
def _shop_products(seed: int, currency: str) -> tuple[dict[str, Any], ...]:
    """The unrelated products of the site, as a merchant enters them (drawn once per process and seed)."""
    factory = SquarespaceFactory(seed, currency=currency)
    products = []
    for _ in range(SHOP_PRODUCTS):
        body = factory.product_body("")
        variant = body["variants"][0]
        products.append(
            {
                "name": body["name"],
                "sku": variant["sku"],
                "price": variant["pricing"]["basePrice"]["value"],
                "quantity": variant["stock"]["quantity"],
                "unlimited": variant["stock"]["unlimited"],
                "description": body["description"],
                "visible": body["isVisible"],
                "weight_kg": variant["shippingMeasurements"]["weight"]["value"],
                "tags": tuple(body["tags"]),
            }
        )
    return tuple(products)


@dataclass
class Flow:
    """The section a scenario checks, with its mapping and the drivers of its two systems."""

    section: FlowSection
    mapping: SectionMapping
    source: Driver
    target: Driver

    @property
    def source_type(self) -> str:
        return self.section.source_type

    @property
    def target_type(self) -> str:
        return self.section.target_type

    @property
    def rows(self) -> tuple[MappingRow, ...]:
        return self.mapping.rows

    def driver(self, side: str) -> Driver:
        return self.source if side == "source" else self.target

    def spec_type(self, side: str) -> str:
        return self.source_type if side == "source" else self.target_type

    def name(self, side: str) -> str:
        return self.section.source if side == "source" else self.section.target


@dataclass
class ScenarioRecords:
    """What the scenario made and remembers."""

    source_id: str | None = None
    target_id: str | None = None
    targets_before: set[str] = field(default_factory=set)
    matched_target: str | None = None
    edited: dict[str, dict[str, Any]] = field(default_factory=dict)  #: side -> path -> value written
    chosen_row: MappingRow | None = None
    chosen_value: Any = None
    write_mark: tuple[int, int] = (0, 0)
    deleted_side: str | None = None
    many: list[str] = field(default_factory=list)  #: the source records of a scenario that makes several
    unmapped: dict[str, dict[str, Any]] = field(default_factory=dict)  #: side -> unmapped property -> value shown
    two_edits: dict[str, tuple[MappingRow, Any]] = field(default_factory=dict)  #: side -> (row, value) edited
    merge_inputs: tuple[dict[str, Any], dict[str, Any]] | None = None  #: (source values, target record) of a merge
    merge_later: str = "source"  #: which record of a merge was modified last
    candidates: dict[str, dict[str, Any]] = field(default_factory=dict)  #: target records a merge may pick, as made


class ChecklistWorld:
    """Everything one scenario needs; ``close`` stops what it started."""

    def __init__(self, config: ChecklistConfig, node_id: str, state_dir: Path) -> None:
        self.config = config
        self.seed = config.scenario_seed(node_id)
        self.clock: VirtualClock | ScaledClock = ScaledClock(config.time_scale) if config.served else VirtualClock()
        self.exact = ExactOnlineMock(self.clock, _exact_settings(config), seed=self.seed % 100_000 + 1)
        self.squarespace = SquarespaceMock(self.clock, seed=self.seed % 100_000 + 1, currency=config.site_currency)
        self.squarespace.control.add_store_page("Shop")
        for product in _shop_products(config.seed, config.site_currency):
            self.squarespace.control.create_product(**product)
        self.drivers: dict[str, Driver] = {
            # The factory's word pools are built once per run seed (Faker is slow to start); the values the
            # checklist compares are drawn per scenario below.
            "Exact Online": ExactDriver(self.exact, seed=config.seed),
            "Squarespace": SquarespaceDriver(self.squarespace),
        }
        self.faker = _faker()
        self.faker.seed_instance(self.seed)
        self.rng = random.Random(self.seed)
        self.values = RowValues(self.faker, self.rng, utc_now(self.clock.now()), site_currency=config.site_currency)
        self.state_dir = state_dir
        self._stack = ExitStack()
        self.endpoints = self._reach_mocks()
        self._sut: SystemUnderTest | None = None
        self.flow: Flow | None = None
        self.records = ScenarioRecords()
        self.cycles: list[CycleResult] = []
        self.notes: list[str] = []
        self._call_marks = (0, 0)

    # -- lifecycle -----------------------------------------------------------------------------
    def _reach_mocks(self) -> Endpoints:
        exact_url, squarespace_url = _EXACT_HOST, _SQUARESPACE_HOST
        if self.config.served:
            exact_served, squarespace_served = _served_pair(self.config.http_timeout_s)
            exact_served.swap(self.exact)
            squarespace_served.swap(self.squarespace)
            exact_url, squarespace_url = exact_served.base_url, squarespace_served.base_url
        else:
            self._stack.enter_context(routed(self.exact, self.squarespace))
        return endpoints_of(
            self.exact,
            self.squarespace,
            spec_path=str(self.config.spec_path),
            state_dir=str(self.state_dir),
            exact_url=exact_url,
            squarespace_url=squarespace_url,
            mapping_path=self.config.mapping_path,
            currency=self.config.site_currency,
            http_timeout_s=self.config.http_timeout_s if self.config.served else 30.0,
            time_scale=self.config.time_scale if self.config.served else 1.0,
        )

    @property
    def sut(self) -> SystemUnderTest:
        if self._sut is None:
            self._sut = load_sut(
                self.config.sut,
                self.endpoints,
                self.clock,
                cycle_timeout_s=self.config.cycle_timeout_s,
                deadline=self.config.run_deadline,
            )
        return self._sut

    def close(self) -> None:
        """Stop the SUT and release the mocks (their routes or servers); safe to call twice."""
        if self._sut is not None:
            self._sut.close()
            self._sut = None
        self._stack.close()

    # -- the flow --------------------------------------------------------------------------------
    def set_flow(self, source_system: str, source_type: str, target_system: str, target_type: str, line: int) -> Flow:
        section = self.config.section_at(line)
        if section is None or (section.source_type, section.target_type) != (source_type, target_type):
            raise ChecklistFailure(
                f"the spec has no section '{source_system} {source_type} to {target_system} {target_type}' at "
                f"line {line}: regenerate the features from the spec (talkqa features SPEC -o DIR)"
            )
        mapping = self.config.mapping_at(line) or self.config.mapping_at(self._original_line(section))
        if mapping is None:
            raise ChecklistFailure(f"no mapping for the section at line {line}")
        source = self._driver(mapping.source_system, source_type)
        target = self._driver(mapping.target_system, target_type)
        self.flow = Flow(section, mapping, source, target)
        return self.flow

    def _original_line(self, section: FlowSection) -> int:
        return next((s.line for s in self.config.document.distinct_sections() if s.body == section.body), section.line)

    def _driver(self, system: str, spec_type: str) -> Driver:
        known = known_system(system)
        if known is None or known.name not in self.drivers:
            pending(f"talkqa has no driver for {system or 'a blank system'} {spec_type}")
        driver = self.drivers[known.name]
        reason = driver.cannot("read", spec_type)
        if reason:
            pending(reason)
        return driver

    def require_flow(self) -> Flow:
        if self.flow is None:
            raise ChecklistFailure("no flow was named: the Background step must come first")
        return self.flow

    def require_mapping(self) -> Flow:
        flow = self.require_flow()
        if not flow.mapping.usable:
            why = flow.mapping.unusable or "the section maps no property both systems can honour"
            pending(f"no usable mapping for this flow: {why}")
        return flow

    # -- running the SUT -------------------------------------------------------------------------
    def sync(self, *, must_succeed: bool = True) -> CycleResult:
        mark = self.write_mark()
        result = self.sut.run_cycle()
        self.cycles.append(result)
        early = [
            r
            for r in [*self.exact.calls.since(mark[0]), *self.squarespace.calls.since(mark[1])]
            if (r.fault or "").startswith(COOLDOWN_NOTE)
        ]
        if early:  # a 429 told it when to come back: coming back before is hammering a limited API
            raise ChecklistFailure(
                f"the SUT called again before the reset a 429 announced: {len(early)} call(s) refused in the "
                f"cool-down, the first {early[0].method} {early[0].path}",
                expected="no call before the announced reset (Retry-After, X-RateLimit-*-Reset)",
                actual=[r.summary() for r in early[:5]],
            )
        if must_succeed and not result.ok:
            raise ChecklistFailure(
                f"the sync cycle failed: {result.error}", expected="a completed cycle", actual=result.error
            )
        return result

    def sync_until_quiet(self) -> int:
        """Run cycles until one completes without a write; fail after too many."""
        previous = mark = self.write_mark()
        for count in range(1, _MAX_QUIET_CYCLES + 1):
            previous, mark = mark, self.write_mark()
            result = self.sync(must_succeed=False)
            if result.ok and self.writes_since(mark) == 0:
                return count
        last = self.cycles[-1]
        if last.error:
            raise ChecklistFailure(
                f"no quiet cycle within {_MAX_QUIET_CYCLES} cycles: the last one failed: {last.error}",
                expected="a cycle that completes and writes nothing",
                actual=last.error,
            )
        written = self.writes_list(mark)
        headline, detail = describe_rewrites(written, [w for w in self.writes_list(previous) if w not in written])
        raise ChecklistFailure(
            f"no quiet cycle within {_MAX_QUIET_CYCLES} cycles — {headline}",
            expected="a cycle that completes and writes nothing (every value already in place)",
            actual=f"{len(written)} write(s) in cycle {_MAX_QUIET_CYCLES}:\n{detail}",
        )

    def restart(self) -> None:
        self.sut.restart()

    def crash_and_restart(self, *, after_writes: int = 1, note: bool = True) -> int:
        """Crash the SUT after its ``after_writes``-th write, then restart it; the writes the cycle made. The mocks
        see the write done and every call after it lost; an external engine's whole process tree is killed as
        the mock sees that write."""
        switch = Blackout(after_writes=after_writes)
        kill = getattr(self.sut, "kill", None)
        if callable(kill):
            switch.on_trip = kill
        self.exact.blackout = self.squarespace.blackout = switch
        try:
            self.sync(must_succeed=False)
        finally:
            self.exact.blackout = self.squarespace.blackout = None
        if note and switch.writes_seen < after_writes:
            self.notes.append(
                f"the cycle made {switch.writes_seen} write(s), so there was no write {after_writes} to crash after"
            )
        self.restart()
        return switch.writes_seen

    # -- calls, faults, evidence -------------------------------------------------------------------
    def write_mark(self) -> tuple[int, int]:
        return (len(self.exact.calls), len(self.squarespace.calls))

    def writes_since(self, mark: tuple[int, int]) -> int:
        return len(self.exact.calls.writes(mark[0])) + len(self.squarespace.calls.writes(mark[1]))

    def writes_list(self, mark: tuple[int, int]) -> list[CallRecord]:
        return [*self.exact.calls.writes(mark[0]), *self.squarespace.calls.writes(mark[1])]

    def inject(self, side: str, kind: FaultKind, times: int, status: int = 500) -> None:
        driver = self.require_flow().driver(side)
        path = _RATE_LIMITED_PATHS.get(driver.system) if kind is FaultKind.STATUS and status == 429 else None
        driver.service.faults.inject(kind, status=status, times=times, path=path, regex=path is not None)

    def inject_write_fault(self, side: str, what: str, fault: str, times: int) -> None:
        """The next ``times`` calls of one kind of write (update, delete, create) to ``side``'s system fail:
        ``a server error`` (a 500, nothing done), ``a refusal`` (a 400, nothing done) or ``a lost answer``
        (done, the answer never arrives)."""
        driver = self.require_flow().driver(side)
        where = _WRITES.get((driver.system, what))
        if where is None:
            raise ChecklistFailure(f"talkqa knows no {what} call of {driver.system}")
        kinds = {
            "a server error": (FaultKind.STATUS, 500),
            "a refusal": (FaultKind.STATUS, 400),
            "a lost answer": (FaultKind.LOST_RESPONSE, 500),
        }
        if fault not in kinds:
            raise ChecklistFailure(f"no such write fault: {fault!r} (choose from {', '.join(kinds)})")
        kind, status = kinds[fault]
        for method, path in where:
            driver.service.faults.inject(kind, status=status, times=times, method=method, path=path, regex=True)

    def expire_tokens(self) -> None:
        for driver in self.drivers.values():
            reason = driver.expire_tokens()
            if reason:
                self.notes.append(reason)
        self.clock.advance(1)

    def exchanges(self, limit: int = 12) -> list[CallRecord]:
        """The HTTP exchanges worth showing: errors, faults and the last writes, in order."""
        calls = sorted([*self.exact.calls.records(), *self.squarespace.calls.records()], key=lambda r: (r.at, r.seq))
        notable = [r for r in calls if r.status >= 400 or r.status == 0 or r.fault or r.method != "GET"]
        return notable[-limit:]
