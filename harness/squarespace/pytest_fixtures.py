"""The pytest fixture of the Squarespace mock (the project's plugin imports it): an in-process
site on a virtual clock, empty but for what the test puts in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.clock import VirtualClock
from harness.squarespace.control import SquarespaceControl
from harness.squarespace.serve import squarespace

__all__ = ["squarespace_mock"]


@pytest.fixture
def squarespace_mock() -> Iterator[SquarespaceControl]:
    """A Squarespace site reached in-process at ``https://api.squarespace.com`` (seed 1, virtual
    clock at ``DEFAULT_EPOCH``); ``.client()`` gives a ``SquarespaceClient`` for it."""
    with squarespace(clock=VirtualClock()) as control:
        yield control
