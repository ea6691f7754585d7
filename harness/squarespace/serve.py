"""How the Squarespace mock is reached: in-process through respx (``squarespace()``), or served
on loopback by ``talkqa serve squarespace`` (``serve()``), which prints one JSON line —
``{"base_url", "api_key"}`` — once it accepts connections."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import respx

from harness.clock import Clock, SystemClock, VirtualClock
from harness.mock.inprocess import routed
from harness.mock.served import SERVED_CALL_WINDOW, serve_until_interrupted
from harness.squarespace.app import SquarespaceMock

__all__ = ["serve", "squarespace"]


def serve(
    host: str, port: int, seed: int, products: int, orders: int, rate_limit: int, call_log: int = SERVED_CALL_WINDOW
) -> int:
    """Serve a filled mock on a real clock until Ctrl-C (the ``talkqa serve squarespace`` command)."""
    mock = SquarespaceMock(SystemClock(), seed=seed, rate_limit=rate_limit)
    mock.control.seed(products=products, orders=orders)

    def start_line(base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, "api_key": mock.control.api_key}

    return serve_until_interrupted(mock, host, port, start_line, call_window=call_log)


@contextmanager
def squarespace(
    mock: SquarespaceMock | None = None,
    clock: Clock | None = None,
    *,
    seed: int = 1,
    products: int = 0,
    orders: int = 0,
    router: respx.MockRouter | None = None,
) -> Iterator[SquarespaceMock]:
    """Route every request for ``https://api.squarespace.com`` to a mock for the block's length,
    and yield the mock (``mock.control`` drives it).

    Without ``mock`` a new one is made on ``clock`` (a fresh ``VirtualClock`` by default) and
    seeded with ``products`` and ``orders`` from the factory. Pass ``router`` to join a respx
    router that is already active.
    """
    if mock is None:
        mock = SquarespaceMock(clock if clock is not None else VirtualClock(), seed=seed)
    elif clock is not None and clock is not mock.clock:
        raise ValueError("squarespace: pass either a mock or a clock for a new one, not a mock with another clock")
    if products or orders:
        mock.control.seed(products=products, orders=orders)
    with routed(mock, router=router):
        yield mock
