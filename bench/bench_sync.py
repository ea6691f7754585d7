"""Benchmark of the reference sync engine between the in-process mocks: the initial sync of 10,000
Exact items and 1,000 sales orders of 5 lines, then an incremental cycle carrying 10 changes.

For each: wall time, peak memory (tracemalloc, mocks included), the API calls made on each side — by
method and kind of path, from the mocks' call logs — against the fewest the APIs allow, and the ratios.

Rate limits: the per-minute limits stay as the APIs have them (Exact 60 a minute, Squarespace 300 a
minute) and the clients wait on the virtual clock (the waiting is printed, in virtual time). Exact's
daily limit (5,000 calls) and Squarespace's hourly order-import limit (100) are raised, since the
initial sync needs more than a day's or an hour's worth of them; both are printed.

Prints figures; asserts nothing about time. Run: ``.venv/bin/python bench/bench_sync.py``
(``--items 1000 --orders 100`` for a quick look, ``--profile`` for where the time goes).
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import random
import re
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.settings import ExactSettings
from harness.mock import CallRecord
from harness.mock.calls import CallLog
from harness.mock.inprocess import routed
from harness.squarespace.app import SquarespaceMock
from harness.sut import endpoints_of
from harness.sync.engine import CycleReport
from harness.sync.reference import ReferenceEngine

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "fixtures" / "specs" / "exact-squarespace.rst"
EXACT_DAILY_LIMIT = 1_000_000
ORDER_IMPORTS_AN_HOUR = 1_000_000
EXACT_SYNC_PAGE, EXACT_PAGE, SQUARESPACE_PAGE = 1000, 60, 50

_GUID = re.compile(r"\(guid'[^']*'\)")
_DIVISION = re.compile(r"^/api/v1/\d+/")
_SQUARESPACE_ID = re.compile(r"/[0-9a-f]{24}|/[0-9a-f-]{36}")


@dataclass
class Phase:
    name: str
    wall_s: float
    peak_mb: float  #: 0 when not measured
    virtual_s: float
    waited_s: float
    exact: Counter[str]
    squarespace: Counter[str]
    report: CycleReport


def path_kind(record: CallRecord) -> str:
    """``GET sync/Logistics/Items``, ``PUT logistics/Items(id)``, ``POST products/{id}/variants/{id}``."""
    if record.service == "exact":
        path = _DIVISION.sub("", record.path)
        path = _GUID.sub("(id)", path).removeprefix("/api/")
    else:
        path = _SQUARESPACE_ID.sub("/{id}", record.path)
        path = re.sub(r"^/1\.\d/commerce/", "", path)
    return f"{record.method} {path}"


class Bench:
    def __init__(self, items: int, orders: int, lines: int, seed: int) -> None:
        self.clock = VirtualClock()
        self.exact = ExactOnlineMock(self.clock, ExactSettings(daily_limit=EXACT_DAILY_LIMIT))
        self.squarespace = SquarespaceMock(self.clock, currency="EUR", order_limit=ORDER_IMPORTS_AN_HOUR)
        # the call logs keep the last 10,000 calls by default: the counts below need every call of a phase
        for mock in (self.exact, self.squarespace):
            mock.calls = CallLog(window=10 * (items + orders) + 1_000)
        self.squarespace.control.add_store_page("Shop")
        self.random = random.Random(seed)
        started = time.perf_counter()
        seeded = self.exact.control.seed(items=items, orders=0, seed=seed)
        account = self.exact.control.add_account("Bench Klant").account_id
        self.item_ids = list(seeded.items)
        for _ in range(orders):
            chosen = self.random.sample(self.item_ids, lines)
            self.exact.control.create_order(
                {
                    "OrderedBy": account,
                    "SalesOrderLines": [{"Item": i, "Quantity": float(self.random.randint(1, 4))} for i in chosen],
                }
            )
        self.seed_s = time.perf_counter() - started
        self.state = tempfile.TemporaryDirectory(prefix="talkqa-bench-")
        self.endpoints = endpoints_of(self.exact, self.squarespace, spec_path=str(SPEC), state_dir=self.state.name)

    @contextmanager
    def engine(self) -> Iterator[ReferenceEngine]:
        with routed(self.exact, self.squarespace):
            engine = ReferenceEngine(self.endpoints, self.clock)
            try:
                yield engine
            finally:
                engine.close()

    def phase(self, name: str, run: Callable[[], CycleReport], *, profile: bool, memory: bool) -> Phase:
        marks = self.exact.calls.mark(), self.squarespace.calls.mark()
        virtual, slept = self.clock.now(), self.clock.slept
        profiler = cProfile.Profile() if profile else None
        if memory:
            tracemalloc.start()
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        report = run()
        if profiler is not None:
            profiler.disable()
        wall = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if memory else 0
        tracemalloc.stop()
        if profiler is not None:
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
        return Phase(
            name,
            wall,
            peak / 2**20,
            self.clock.now() - virtual,
            self.clock.slept - slept,
            Counter(path_kind(r) for r in self.exact.calls.since(marks[0])),
            Counter(path_kind(r) for r in self.squarespace.calls.since(marks[1])),
            report,
        )

    def make_changes(self, engine: ReferenceEngine, count: int) -> dict[str, int]:
        """``count`` changes: edits in Exact, edits in Squarespace, new sales orders (about a third each)."""
        in_exact = count // 3 + (1 if count % 3 else 0)
        in_squarespace = count // 3 + (1 if count % 3 == 2 else 0)
        new_orders = count - in_exact - in_squarespace
        chosen = self.random.sample(self.item_ids, in_exact + in_squarespace)
        for n, item_id in enumerate(chosen[:in_exact]):
            self.exact.control.edit("items", item_id, {"Description": f"Bewerkt in Exact {n}"})
        section = next(g.lead for g in engine.plan.groups if g.target.key == "squarespace:products")
        for n, item_id in enumerate(chosen[in_exact:]):
            link = engine.links.get(section, item_id.lower())
            assert link is not None and link.target_id is not None
            self.squarespace.control.edit_product(link.target_id, {"name": f"Bewerkt in Squarespace {n}"})
        account = self.exact.control.add_account("Nieuwe Klant").account_id
        for _ in range(new_orders):
            lines = [{"Item": i, "Quantity": 1.0} for i in self.random.sample(self.item_ids, 5)]
            self.exact.control.create_order({"OrderedBy": account, "SalesOrderLines": lines})
        self.clock.advance(60)
        return {"exact edits": in_exact, "squarespace edits": in_squarespace, "new orders": new_orders}


def fewest_initial(items: int, orders: int, lines: int) -> tuple[Counter[str], Counter[str]]:
    """The fewest calls an initial sync needs, per API, by what must be read and written."""
    exact: Counter[str] = Counter()
    exact["log in (consent + token)"] = 2
    exact["GET sync/Logistics/Items"] = math.ceil(items / EXACT_SYNC_PAGE)
    exact["GET sync/Deleted"] = 1
    exact["GET sync/SalesOrder/SalesOrderHeaders"] = max(1, math.ceil(orders / EXACT_SYNC_PAGE))
    exact["GET sync/SalesOrder/SalesOrderLines"] = max(1, math.ceil(orders * lines / EXACT_SYNC_PAGE))
    # StandardSalesPrice is not on the sync endpoint: one listing of logistics/Items selecting it
    exact["GET logistics/Items (StandardSalesPrice)"] = math.ceil(items / EXACT_PAGE)
    squarespace: Counter[str] = Counter()
    squarespace["GET store_pages"] = 1
    squarespace["GET products (listing)"] = max(1, math.ceil(0 / SQUARESPACE_PAGE))
    squarespace["POST products (create)"] = items
    squarespace["GET orders (listing)"] = 1
    squarespace["POST orders (import)"] = orders
    return exact, squarespace


def fewest_incremental(items: int, changes: dict[str, int]) -> tuple[Counter[str], Counter[str]]:
    exact: Counter[str] = Counter()
    exact["GET sync/Logistics/Items"] = 1
    exact["GET sync/Deleted"] = 1
    exact["GET sync/SalesOrder/SalesOrderHeaders"] = 1
    exact["GET sync/SalesOrder/SalesOrderLines"] = 1
    edited = changes["exact edits"] + changes["squarespace edits"]
    exact["GET logistics/Items (the edited items: their price, the other side's items)"] = 1 if edited else 0
    exact["PUT logistics/Items (edits from Squarespace)"] = changes["squarespace edits"]
    squarespace: Counter[str] = Counter()
    # the Products API has no modified filter: every cycle lists every product
    squarespace["GET products (listing)"] = math.ceil(items / SQUARESPACE_PAGE)
    squarespace["POST products/{id} (edits from Exact)"] = changes["exact edits"]
    squarespace["GET orders (listing)"] = 1
    squarespace["POST orders (import)"] = changes["new orders"]
    return exact, squarespace


def print_phase(phase: Phase, fewest: tuple[Counter[str], Counter[str]]) -> None:
    print(f"\n== {phase.name}")
    memory = (
        f"peak memory {phase.peak_mb:.0f} MiB (tracemalloc, mocks included)" if phase.peak_mb else "memory not traced"
    )
    print(
        f"wall {phase.wall_s:.1f} s, {memory}, virtual time {phase.virtual_s / 60:.1f} min "
        f"of which {phase.waited_s / 60:.1f} min waiting for rate limits"
    )
    report = phase.report
    counts = Counter(e.kind for e in report.events)
    print(f"cycle ok={report.ok} error={report.error} writes={dict(report.writes)} events(first 500)={dict(counts)}")
    for system, made, least in (
        ("Exact Online", phase.exact, fewest[0]),
        ("Squarespace", phase.squarespace, fewest[1]),
    ):
        total, floor = sum(made.values()), sum(least.values())
        print(f"{system}: {total} calls, fewest the API allows {floor}, ratio {total / max(floor, 1):.2f}")
        for kind, n in sorted(made.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"    {n:>7}  {kind}")
        print("  fewest:")
        for kind, n in least.items():
            print(f"    {n:>7}  {kind}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions per phase")
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="time without tracing memory (tracemalloc slows Python down)"
    )
    args = parser.parse_args(argv)

    bench = Bench(args.items, args.orders, args.lines, args.seed)
    print(
        f"seeded {args.items} items and {args.orders} orders of {args.lines} lines in {bench.seed_s:.1f} s; "
        f"limits: Exact {bench.exact.settings.minutely_limit}/min (clients wait on the virtual clock), "
        f"daily raised to {EXACT_DAILY_LIMIT:,}; Squarespace {bench.squarespace.rate_limit.limit}/min "
        f"(the client paces itself on the virtual clock), order imports raised to {ORDER_IMPORTS_AN_HOUR:,}/hour"
    )
    with bench.engine() as engine:
        memory = not args.no_tracemalloc
        initial = bench.phase("initial sync", engine.run_cycle, profile=args.profile, memory=memory)
        print_phase(initial, fewest_initial(args.items, args.orders, args.lines))
        products, imported = len(bench.squarespace.store.products), len(bench.squarespace.store.orders)
        duplicates = len(bench.squarespace.control.duplicate_skus())
        print(f"after it: {products} products, {imported} imported orders, {duplicates} duplicate SKUs")
        bench.clock.advance(60)
        quiet = bench.phase("quiet cycle (nothing changed)", engine.run_cycle, profile=False, memory=memory)
        print_phase(quiet, fewest_incremental(args.items, {"exact edits": 0, "squarespace edits": 0, "new orders": 0}))
        changes = bench.make_changes(engine, args.changes)
        incremental = bench.phase(
            f"incremental cycle ({changes})", engine.run_cycle, profile=args.profile, memory=memory
        )
        print_phase(incremental, fewest_incremental(args.items, changes))
    ratio = initial.wall_s / max(incremental.wall_s, 1e-9)
    print(f"\ninitial / incremental wall time: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
