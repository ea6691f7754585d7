"""pytest fixtures of the Squarespace mock (the project's plugin imports them): an in-process site
on a virtual clock, empty but for what the test puts in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.clock import VirtualClock
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.serve import squarespace

__all__ = ["squarespace_clock", "squarespace_mock"]


@pytest.fixture
def squarespace_clock() -> VirtualClock:
    """The virtual clock the ``squarespace_mock`` runs on: ``advance`` it to spend minutes at once."""
    return VirtualClock()


@pytest.fixture
def squarespace_mock(squarespace_clock: VirtualClock) -> Iterator[SquarespaceMock]:
    """An empty Squarespace site (seed 1) reached in-process at ``https://api.squarespace.com``;
    ``squarespace_mock.control`` seeds and edits it, ``.control.client()`` gives a client."""
    with squarespace(clock=squarespace_clock) as mock:
        yield mock
