"""Fixtures of the Squarespace mock tests: a mock on a virtual clock reached in-process (and held to
never crash), raw httpx access with a valid key, and a SquarespaceClient on the same clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from squarespace_helpers import Api

from harness.clock import VirtualClock
from harness.retry import RetryPolicy
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.client import SquarespaceClient
from harness.squarespace.control import SquarespaceControl
from harness.squarespace.pytest_fixtures import squarespace_clock, squarespace_mock

__all__ = ["squarespace_clock", "squarespace_mock"]


@pytest.fixture
def clock(squarespace_clock: VirtualClock) -> VirtualClock:
    return squarespace_clock


@pytest.fixture
def mock(squarespace_mock: SquarespaceMock) -> Iterator[SquarespaceMock]:
    yield squarespace_mock
    crashes = squarespace_mock.calls.crashes()
    assert crashes == [], "the mock crashed: " + "; ".join(str(c.crashed) for c in crashes)


@pytest.fixture
def control(mock: SquarespaceMock) -> SquarespaceControl:
    return mock.control


@pytest.fixture
def page_id(control: SquarespaceControl) -> str:
    return control.store_page_id()


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One httpx client for the session (a new one costs ~0.1 s of TLS set-up); respx routes it."""
    with httpx.Client(timeout=5.0) as shared:
        yield shared


@pytest.fixture
def api(mock: SquarespaceMock, http: httpx.Client) -> Api:
    return Api(mock, http)


@pytest.fixture
def client(control: SquarespaceControl, http: httpx.Client) -> Iterator[SquarespaceClient]:
    with control.client(retry=RetryPolicy(max_attempts=4, backoff_s=1.0), http=http) as c:
        yield c
