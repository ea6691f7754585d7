"""Served on a scaled clock, the mocks tell an engine living in real time what to wait, in real time, and
hold it to that: a 429 blocks until its reset; a lost answer closes at once; a time-out holds no longer
than the client time-out the run advertises."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Iterator

import httpx
import pytest

from harness.clock import ScaledClock
from harness.exact.app import ExactOnlineMock
from harness.mock.faults import FaultKind
from harness.mock.served import ServedMock
from harness.squarespace.app import SquarespaceMock

SCALE = 60


@pytest.fixture
def squarespace() -> Iterator[tuple[SquarespaceMock, httpx.Client]]:
    mock = SquarespaceMock(ScaledClock(SCALE))
    with ServedMock(mock, timeout_hold_s=0.3) as served:
        headers = {"Authorization": f"Bearer {mock.api_key}", "User-Agent": "talkqa-test"}
        with httpx.Client(base_url=served.base_url, headers=headers, timeout=5.0) as client:
            yield mock, client


@pytest.fixture
def exact() -> Iterator[tuple[ExactOnlineMock, httpx.Client]]:
    mock = ExactOnlineMock(ScaledClock(SCALE))
    token = mock.control.issue_tokens().access_token
    with ServedMock(mock) as served:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        base = f"{served.base_url}/api/v1/{mock.settings.default_division}/"
        with httpx.Client(base_url=base, headers=headers, timeout=5.0) as client:
            yield mock, client


PRODUCTS = "/1.0/commerce/products"
ITEMS = "logistics/Items"


def test_a_squarespace_429_tells_retry_after_in_real_seconds(squarespace: tuple[SquarespaceMock, httpx.Client]) -> None:
    mock, client = squarespace
    mock.faults.inject(FaultKind.STATUS, status=429)
    answer = client.get(PRODUCTS)
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == str(math.ceil(60 / SCALE))


def test_a_squarespace_429_refuses_every_call_until_the_retry_after_has_passed(
    squarespace: tuple[SquarespaceMock, httpx.Client],
) -> None:
    mock, client = squarespace
    mock.faults.inject(FaultKind.STATUS, status=429)
    first = client.get(PRODUCTS)
    again = client.get(PRODUCTS)  # an engine that does not wait
    assert (first.status_code, again.status_code) == (429, 429)
    assert "cool-down" in (mock.calls.records()[-1].fault or "")
    time.sleep(float(first.headers["retry-after"]))
    assert client.get(PRODUCTS).status_code == 200


def test_an_exact_429_announces_its_reset_in_real_epoch_milliseconds_consistent_with_date(
    exact: tuple[ExactOnlineMock, httpx.Client],
) -> None:
    mock, client = exact
    mock.faults.inject(FaultKind.STATUS, status=429, path=r"^/api/v1/", regex=True)
    answer = client.get(ITEMS)
    assert answer.status_code == 429
    reset_s = int(answer.headers["x-ratelimit-minutely-reset"]) / 1000
    date = email.utils.parsedate_to_datetime(answer.headers["date"]).timestamp()
    # a minute of the mock is a second of real time: the reset lies within that second after Date
    assert date - 1 <= reset_s <= date + 60 / SCALE + 1
    assert client.get(ITEMS).status_code == 429  # not before the reset
    time.sleep(max(reset_s - time.time(), 0.0))
    assert client.get(ITEMS).status_code == 200


def test_exact_rate_limit_headers_tell_resets_in_real_time(exact: tuple[ExactOnlineMock, httpx.Client]) -> None:
    _, client = exact
    answer = client.get(ITEMS)
    now = time.time()
    minutely = int(answer.headers["x-ratelimit-minutely-reset"]) / 1000
    daily = int(answer.headers["x-ratelimit-reset"]) / 1000
    assert now - 1 <= minutely <= now + 60 / SCALE + 1
    assert now - 1 <= daily <= now + 86_400 / SCALE + 1


def test_an_exact_token_lives_as_long_in_real_time_as_it_says(exact: tuple[ExactOnlineMock, httpx.Client]) -> None:
    mock, _ = exact
    pair = mock.auth.issue(mock.settings.client_id, mock.auth.default_user_id or "")
    answer = mock.auth._token_answer(pair)
    assert answer.parsed()["expires_in"] == str(mock.settings.token_ttl_s // SCALE)


def test_a_lost_answer_is_acted_on_and_the_connection_closed_at_once(
    squarespace: tuple[SquarespaceMock, httpx.Client],
) -> None:
    mock, client = squarespace
    mock.faults.inject(FaultKind.LOST_RESPONSE, method="GET")
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(PRODUCTS)
    record = mock.calls.records()[-1]
    assert record.fault is not None and "lost_response" in record.fault
    assert client.get(PRODUCTS).status_code == 200  # the next call is answered


def test_a_time_out_closes_the_connection_without_an_answer_after_the_hold(
    squarespace: tuple[SquarespaceMock, httpx.Client],
) -> None:
    mock, client = squarespace
    mock.faults.inject(FaultKind.TIMEOUT, method="GET")
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(PRODUCTS)  # the client waits up to 5 s; the hold is 0.3 s, then no answer at all
    assert time.monotonic() - started >= 0.3
