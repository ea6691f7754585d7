"""Benchmark of the Squarespace Commerce mock: requests per second in-process (respx) against served
on loopback (uvicorn) with the same request mix, and the cost of listing 10,000 products (200 cursor
pages of 50) through ``SquarespaceClient``: wall time and peak memory (tracemalloc).

Prints figures and ratios; asserts nothing about time. Run: ``.venv/bin/python bench/bench_squarespace.py``
(``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import gc
import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock as patching

import httpx

from harness.clock import VirtualClock
from harness.mock import served as served_module
from harness.mock.served import ServedMock
from harness.retry import RetryPolicy
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.client import SquarespaceClient
from harness.squarespace.serve import squarespace

BASE = "https://api.squarespace.com"
UNPACED = RetryPolicy(requests_per_minute=None)


def _bind_tcp(host: str, port: int) -> socket.socket:
    """``served._bind`` with the protocol named: asyncio sets TCP_NODELAY only on sockets whose
    ``proto`` is IPPROTO_TCP, and without it every keep-alive answer waits ~40 ms (Nagle and
    delayed ACK). A proposed one-word fix of ``harness/mock/served.py``, measured here beside
    ``ServedMock`` as it is."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _served_names_tcp() -> bool:
    """Whether ``served._bind`` already makes IPPROTO_TCP sockets (the fix is in)."""
    sock = served_module._bind("127.0.0.1", 0)
    try:
        return sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


@contextmanager
def served(mock: SquarespaceMock, *, nodelay: bool) -> Iterator[ServedMock]:
    """``ServedMock`` as it is, or (``nodelay``) with sockets that get TCP_NODELAY."""
    if not nodelay or _served_names_tcp():
        with ServedMock(mock) as server:
            yield server
        return
    with patching.patch.object(served_module, "_bind", _bind_tcp), ServedMock(mock) as server:
        yield server


def fresh_mock(products: int, orders: int = 0, seed: int = 1) -> SquarespaceMock:
    mock = SquarespaceMock(VirtualClock(), seed=seed, rate_limit=10**9, order_limit=10**9)
    mock.control.seed(products=products, orders=orders)
    return mock


def request_mix(mock: SquarespaceMock, base: str, http: httpx.Client, rounds: int) -> int:
    """Per round: store pages, a product page, a product by id, inventory by 5 ids, an orders
    window, a keyed stock adjustment (set finite) and a product update."""
    headers = {"Authorization": f"Bearer {mock.api_key}", "User-Agent": "talkqa-bench"}
    products = mock.control.products()
    variant_ids = [p["variants"][0]["id"] for p in products]
    window = {"modifiedAfter": "2025-01-01T00:00:00Z", "modifiedBefore": "2027-01-01T00:00:00Z"}
    calls = 0
    for n in range(rounds):
        product = products[n % len(products)]
        http.get(f"{base}/1.0/commerce/store_pages", headers=headers).raise_for_status()
        http.get(f"{base}/1.1/commerce/products", headers=headers).raise_for_status()
        http.get(f"{base}/1.1/commerce/products/{product['id']}", headers=headers).raise_for_status()
        ids = ",".join(variant_ids[n % 50 : n % 50 + 5])
        http.get(f"{base}/1.0/commerce/inventory/{ids}", headers=headers).raise_for_status()
        http.get(f"{base}/1.0/commerce/orders", params=window, headers=headers).raise_for_status()
        http.post(
            f"{base}/1.0/commerce/inventory/adjustments",
            json={"setFiniteOperations": [{"variantId": product["variants"][0]["id"], "quantity": n}]},
            headers={**headers, "Idempotency-Key": f"bench-{n}"},
        ).raise_for_status()
        http.post(
            f"{base}/1.1/commerce/products/{product['id']}", json={"name": f"Bench {n}"}, headers=headers
        ).raise_for_status()
        calls += 7
    return calls


def timed(run: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    calls = run()
    return calls, time.perf_counter() - started


def bench_transports(rounds: int) -> None:
    mocks = [fresh_mock(100, 30) for _ in range(3)]
    with squarespace(mocks[0]), httpx.Client() as http:
        calls, seconds = timed(lambda: request_mix(mocks[0], BASE, http, rounds))
    in_rps = calls / seconds
    served_rps = []
    for mock, nodelay in ((mocks[1], False), (mocks[2], True)):
        with served(mock, nodelay=nodelay) as server, httpx.Client() as http:
            calls, seconds = timed(lambda: request_mix(mock, server.base_url, http, rounds))  # noqa: B023
        served_rps.append(calls / seconds)
    print(f"request mix ({calls} calls: pages, list, by id, inventory by ids, orders window, adjustment, update)")
    print(f"  in-process (respx):                {in_rps:8.0f} requests/s")
    print(f"  served (uvicorn, loopback):        {served_rps[0]:8.0f} requests/s")
    print(f"  served, socket with TCP_NODELAY:   {served_rps[1]:8.0f} requests/s")
    print(f"  in-process / served:               {in_rps / served_rps[0]:8.2f}x")
    print(f"  in-process / served with NODELAY:  {in_rps / served_rps[1]:8.2f}x")


def list_all(mock: SquarespaceMock, base: str, http: httpx.Client) -> tuple[int, int]:
    assert mock.api_key is not None
    with SquarespaceClient(mock.api_key, base_url=base, clock=mock.clock, http=http, retry=UNPACED) as client:
        count = pages = 0
        for page in client.product_pages():
            count += len(page.items)
            pages += 1
    return count, pages


def bench_listing(products: int) -> None:
    started = time.perf_counter()
    tracemalloc.start()
    mock = fresh_mock(products)
    store_bytes, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    built = time.perf_counter() - started
    print(f"listing {products:,} products ({products // 50} cursor pages of 50) with SquarespaceClient")
    print(f"  seeding the store:       {built:8.2f} s, {store_bytes / 2**20:8.1f} MiB held")
    with squarespace(mock), httpx.Client() as http:
        gc.collect()
        started = time.perf_counter()
        count, pages = list_all(mock, BASE, http)
        wall = time.perf_counter() - started
        gc.collect()
        tracemalloc.start()
        list_all(mock, BASE, http)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    served_walls = []
    for nodelay in (False, True):
        with served(mock, nodelay=nodelay) as server, httpx.Client() as http:
            started = time.perf_counter()
            served_count, _ = list_all(mock, server.base_url, http)
            served_walls.append(time.perf_counter() - started)
        assert served_count == count == products
    print(f"  in-process:              {wall:8.2f} s for {count:,} products in {pages} requests")
    print(f"  per page / per product:  {wall / pages * 1000:8.1f} ms, {wall / count * 1e6:8.1f} µs")
    for label, served_wall in zip(("served on loopback:", "served with NODELAY:"), served_walls, strict=True):
        print(f"  {label:<24} {served_wall:8.2f} s ({served_wall / wall:.2f}x the in-process time)")
    print(f"  peak memory while read:  {peak / 2**20:8.1f} MiB (tracemalloc, over the store)")
    print(f"  virtual time spent:      {mock.clock.now() - 1_767_603_600:8.1f} s (unpaced: the mock's limit is off)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer calls and 2,000 products")
    args = parser.parse_args()
    bench_transports(rounds=100 if args.quick else 400)
    print()
    bench_listing(2_000 if args.quick else 10_000)


if __name__ == "__main__":
    main()
