"""Fixtures of the Exact Online mock tests: a mock on a virtual clock reached in-process, an httpx
client holding a valid token, and an ExactClient logged in through the OAuth dance."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from exact_helpers import BASE, Api, http_client

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.client import ExactClient
from harness.exact.pytest_fixtures import exact_clock, exact_mock

__all__ = ["exact_clock", "exact_mock"]


@pytest.fixture
def clock(exact_clock: VirtualClock) -> VirtualClock:
    return exact_clock


@pytest.fixture
def mock(exact_mock: ExactOnlineMock) -> Iterator[ExactOnlineMock]:
    yield exact_mock
    assert exact_mock.calls.crashes() == [], "the mock crashed: " + "; ".join(
        str(c.crashed) for c in exact_mock.calls.crashes()
    )


@pytest.fixture
def api(mock: ExactOnlineMock) -> Iterator[Api]:
    with http_client() as http:
        yield Api(mock, http)


@pytest.fixture
def client(mock: ExactOnlineMock, clock: VirtualClock) -> Iterator[ExactClient]:
    settings = mock.settings
    with ExactClient(
        BASE, settings.client_id, settings.client_secret, settings.redirect_uri, clock=clock, http=http_client()
    ) as c:
        c.login()
        yield c
