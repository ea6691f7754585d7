"""pytest fixtures for the Exact Online mock (the project's plugin imports them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.inprocess import exact_online

__all__ = ["exact_clock", "exact_mock"]


@pytest.fixture
def exact_clock() -> VirtualClock:
    """The virtual clock the ``exact_mock`` runs on: ``advance`` it to spend minutes or days at once."""
    return VirtualClock()


@pytest.fixture
def exact_mock(exact_clock: VirtualClock) -> Iterator[ExactOnlineMock]:
    """An empty Exact Online mock (one division, one user, one app) reached in-process through respx."""
    with exact_online(clock=exact_clock) as mock:
        yield mock
