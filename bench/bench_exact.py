"""Benchmark of the Exact Online mock: requests per second in-process (respx) against served on
loopback (uvicorn) with the same request mix, and the cost of a 100,000-item sync read
(``sync/Logistics/Items``, 100 pages of 1,000): wall time and peak memory (tracemalloc).

Prints figures and ratios; asserts nothing about time. Run: ``.venv/bin/python bench/bench_exact.py``
(``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable

import httpx

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.client import ExactClient
from harness.exact.inprocess import exact_online
from harness.exact.settings import ExactSettings
from harness.mock.served import ServedMock

BASE = "https://start.exactonline.nl"
UNLIMITED = ExactSettings(minutely_limit=10**9, daily_limit=10**9, error_block_threshold=10**9)
SYNC_SELECT = "ID,Code,Description,ExtraDescription,Barcode,Unit,SalesVatCode,Stock,Modified,Timestamp"


def fresh_mock(items: int, seed: int = 1) -> ExactOnlineMock:
    mock = ExactOnlineMock(VirtualClock(), UNLIMITED, seed=seed)
    mock.control.seed(items=items, orders=min(items // 10, 200), seed=seed)
    return mock


def request_mix(mock: ExactOnlineMock, base: str, client: httpx.Client, rounds: int) -> int:
    """Per round: a page read, a filtered read, a read by key, a sync page, a POST and a PUT."""
    token = mock.control.issue_tokens().access_token
    auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    division = mock.settings.default_division
    items = f"{base}/api/v1/{division}/logistics/Items"
    key = mock.control.records("items")[0]["ID"]
    calls = 0
    for n in range(rounds):
        client.get(items, params={"$select": "ID,Code,Description", "$top": "20"}, headers=auth).raise_for_status()
        client.get(items, params={"$filter": f"Code eq 'BEK-{n % 50:04d}'"}, headers=auth).raise_for_status()
        client.get(f"{items}(guid'{key}')", headers=auth).raise_for_status()
        client.get(
            f"{base}/api/v1/{division}/sync/Logistics/Items",
            params={"$select": "ID,Timestamp", "$filter": "Timestamp gt 1"},
            headers=auth,
        ).raise_for_status()
        created = client.post(items, json={"Code": f"BENCH-{n}", "Description": "Bench item"}, headers=auth)
        created.raise_for_status()
        client.put(f"{items}(guid'{created.json()['d']['ID']}')", json={"Description": "Bench"}, headers=auth)
        calls += 6
    return calls


def timed(run: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    calls = run()
    return calls, time.perf_counter() - started


def bench_transports(rounds: int) -> None:
    inner, outer = fresh_mock(200), fresh_mock(200)
    with exact_online(inner), httpx.Client() as client:
        calls, seconds = timed(lambda: request_mix(inner, BASE, client, rounds))
    in_rps = calls / seconds
    with ServedMock(outer) as served, httpx.Client() as client:
        calls, seconds = timed(lambda: request_mix(outer, served.base_url, client, rounds))
    served_rps = calls / seconds
    print(f"request mix ({calls} calls: page, filter, by key, sync page, POST, PUT over 200 items)")
    print(f"  in-process (respx):      {in_rps:8.0f} requests/s")
    print(f"  served (uvicorn, loop):  {served_rps:8.0f} requests/s")
    print(f"  in-process / served:     {in_rps / served_rps:8.2f}x")


def sync_read(mock: ExactOnlineMock, clock: VirtualClock) -> tuple[int, int]:
    settings = mock.settings
    with ExactClient(BASE, settings.client_id, settings.client_secret, settings.redirect_uri, clock=clock) as client:
        client.login()
        rows = pages = 0
        for page in client.sync("sync/Logistics/Items", SYNC_SELECT):
            rows += len(page.rows)
            pages += 1
    return rows, pages


def bench_sync_read(items: int) -> None:
    started = time.perf_counter()
    tracemalloc.start()
    mock = fresh_mock(items)
    store_bytes, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    built = time.perf_counter() - started
    print(f"sync read of {items:,} items ($select of {len(SYNC_SELECT.split(','))} fields)")
    print(f"  building the store:      {built:8.2f} s, {store_bytes / 2**20:8.1f} MiB held")
    clock = mock.clock
    assert isinstance(clock, VirtualClock)
    with exact_online(mock):
        gc.collect()
        started = time.perf_counter()
        rows, pages = sync_read(mock, clock)
        wall = time.perf_counter() - started
        gc.collect()
        tracemalloc.start()
        sync_read(mock, clock)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"  read in-process:         {wall:8.2f} s for {rows:,} rows in {pages} requests")
    print(f"  per page / per row:      {wall / pages * 1000:8.1f} ms, {wall / rows * 1e6:8.1f} µs")
    print(f"  peak memory while read:  {peak / 2**20:8.1f} MiB (tracemalloc, over the store)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer calls and 10,000 items")
    args = parser.parse_args()
    bench_transports(rounds=50 if args.quick else 250)
    bench_sync_read(10_000 if args.quick else 100_000)


if __name__ == "__main__":
    main()
