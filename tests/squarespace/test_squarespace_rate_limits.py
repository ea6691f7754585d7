"""The rate limit in virtual time: 300 requests a minute, then 429 with Retry-After and a one-minute
cool-down; a client paces itself or waits on its clock, and gives up with a typed error when told."""

from __future__ import annotations

import httpx
import pytest
from squarespace_helpers import Api, error_of, order_body

from harness.clock import VirtualClock
from harness.errors import RateLimitedError
from harness.retry import RetryPolicy
from harness.squarespace.control import SquarespaceControl

ORDERS = "/1.0/commerce/orders"


def test_the_301st_request_in_a_minute_answers_429_with_retry_after(api: Api, clock: VirtualClock) -> None:
    statuses = []
    for _ in range(300):
        statuses.append(api.get(ORDERS).status_code)
        clock.advance(0.1)
    assert statuses == [200] * 300
    refused = api.get(ORDERS)
    assert error_of(refused, 429)["subtype"] == "RATE_LIMIT_EXCEEDED"
    assert refused.headers["retry-after"] == "60"


def test_the_cool_down_lasts_a_minute_whatever_is_sent_meanwhile(
    api: Api, control: SquarespaceControl, clock: VirtualClock
) -> None:
    control.set_rate_limit(5)
    for _ in range(5):
        api.get(ORDERS)
    assert api.get(ORDERS).status_code == 429
    clock.advance(59)
    refused = api.get(ORDERS)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    clock.advance(1)
    assert api.get(ORDERS).status_code == 200


def test_requests_spread_over_time_stay_under_the_limit(
    api: Api, control: SquarespaceControl, clock: VirtualClock
) -> None:
    control.set_rate_limit(5)
    for _ in range(30):
        assert api.get(ORDERS).status_code == 200
        clock.advance(12)


def test_requests_refused_for_a_bad_key_do_not_count(api: Api, control: SquarespaceControl) -> None:
    control.set_rate_limit(2)
    for _ in range(5):
        api.get(ORDERS, headers={"Authorization": "Bearer wrong"})
    assert [api.get(ORDERS).status_code for _ in range(3)] == [200, 200, 429]


def test_a_pacing_client_never_meets_a_429_and_spends_the_minute_waiting(
    control: SquarespaceControl, clock: VirtualClock, http: httpx.Client
) -> None:
    control.seed(products=3, orders=0)
    start = clock.now()
    with control.client(http=http) as client:
        for _ in range(601):
            list(client.store_pages())
    assert control.calls.count(path="/store_pages") == 601
    assert all(c.status == 200 for c in control.calls.records())
    assert 120 <= clock.now() - start < 121
    assert client.transport.pacer.waited_s == pytest.approx(120)


def test_a_client_that_does_not_pace_waits_out_a_429_on_its_clock(
    control: SquarespaceControl, clock: VirtualClock, http: httpx.Client
) -> None:
    control.set_rate_limit(10)
    with control.client(retry=RetryPolicy(requests_per_minute=None), http=http) as client:
        for _ in range(11):
            list(client.orders())
        assert client.transport.rate_limit_waits == 1
    statuses = [c.status for c in control.calls.records()]
    assert statuses == [200] * 10 + [429, 200]
    assert clock.now() - 1_767_603_600 == pytest.approx(60)


def test_a_client_gives_up_with_a_typed_error_when_the_wait_is_too_long(
    control: SquarespaceControl, http: httpx.Client, clock: VirtualClock
) -> None:
    control.set_rate_limit(1)
    policy = RetryPolicy(requests_per_minute=None, max_rate_limit_wait_s=30)
    with control.client(retry=policy, http=http) as client:
        list(client.orders())
        with pytest.raises(RateLimitedError) as caught:
            list(client.orders())
    error = caught.value
    assert error.last_status == 429 and error.reset_at == pytest.approx(clock.now() + 60)
    assert "max_rate_limit_wait_s" in str(error)
    assert control.calls.count() == 2  # no hammering


def test_a_client_waits_out_the_hourly_order_limit_or_gives_up(
    control: SquarespaceControl, clock: VirtualClock, http: httpx.Client
) -> None:
    variant_id = control.create_product(name="Mug", sku="M-1")["variants"][0]["id"]
    control.set_order_limit(2)
    patient = RetryPolicy(max_rate_limit_wait_s=3600)
    with control.client(retry=patient, http=http) as client:
        for i in range(3):
            client.import_order(order_body(variant_id, externalOrderReference=f"SO-{i}"))
    assert len(control.orders()) == 3
    assert clock.now() - 1_767_603_600 == pytest.approx(3600)
    with control.client(retry=RetryPolicy(max_rate_limit_wait_s=600), http=http) as client:
        client.import_order(order_body(variant_id, externalOrderReference="SO-3"))
        with pytest.raises(RateLimitedError):
            client.import_order(order_body(variant_id, externalOrderReference="SO-4"))
    assert len(control.orders()) == 4
