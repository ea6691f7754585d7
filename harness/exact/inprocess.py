"""Reach the Exact Online mock in-process: every https request for Exact's country hosts goes to it
through respx, so any ``httpx.Client`` or ``httpx.AsyncClient`` talks to it with no network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import respx

from harness.clock import Clock, VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.settings import ExactSettings
from harness.mock.inprocess import routed

__all__ = ["exact_online"]


@contextmanager
def exact_online(
    mock: ExactOnlineMock | None = None,
    clock: Clock | None = None,
    *,
    settings: ExactSettings | None = None,
    seed: int = 1,
    router: respx.MockRouter | None = None,
) -> Iterator[ExactOnlineMock]:
    """Route Exact Online to a mock for as long as the block runs, and yield the mock.

    Without ``mock`` a fresh one is made on ``clock`` (a ``VirtualClock`` unless given), empty but
    for its division, user and app: call ``mock.control.seed()`` for data.
    """
    if mock is None:
        mock = ExactOnlineMock(clock if clock is not None else VirtualClock(), settings, seed=seed)
    elif clock is not None and clock is not mock.clock:
        raise ValueError("exact_online: pass either a mock or a clock for a new one, not a mock with another clock")
    with routed(mock, router=router):
        yield mock
