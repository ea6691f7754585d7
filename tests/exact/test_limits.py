"""Rate limits in virtual time: six X-RateLimit-* headers in epoch milliseconds, 429 past the
minutely or daily limit, calls without a division outside the daily count, and the error block."""

from __future__ import annotations

import pytest
from exact_helpers import BASE, Api, error_text

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock

RATE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-minutely-limit",
    "x-ratelimit-minutely-remaining",
    "x-ratelimit-minutely-reset",
)


def test_a_successful_call_carries_six_rate_limit_headers_in_epoch_milliseconds(api: Api, clock: VirtualClock) -> None:
    answer = api.get("logistics/Items")
    headers = {name: int(answer.headers[name]) for name in RATE_HEADERS}
    now_ms = int(clock.now() * 1000)
    assert headers["x-ratelimit-limit"] == 5000 and headers["x-ratelimit-remaining"] == 4999
    assert headers["x-ratelimit-minutely-limit"] == 60 and headers["x-ratelimit-minutely-remaining"] == 59
    assert headers["x-ratelimit-reset"] % 86_400_000 == 0 and 0 < headers["x-ratelimit-reset"] - now_ms <= 86_400_000
    assert (
        headers["x-ratelimit-minutely-reset"] % 60_000 == 0
        and 0 < headers["x-ratelimit-minutely-reset"] - now_ms <= 60_000
    )


def test_the_61st_call_in_a_wall_clock_minute_answers_429_until_the_minute_turns(api: Api, clock: VirtualClock) -> None:
    clock.set((clock.now() // 60 + 1) * 60 + 30)  # half way through a minute
    for _ in range(60):
        assert api.get("logistics/Items").status_code == 200
    refused = api.get("logistics/Items")
    assert refused.status_code == 429
    assert error_text(refused)
    assert refused.headers["x-ratelimit-minutely-remaining"] == "0"
    assert "x-ratelimit-limit" not in refused.headers  # a minutely 429 tells only the minutely limit
    clock.set(int(refused.headers["x-ratelimit-minutely-reset"]) / 1000)
    assert api.get("logistics/Items").status_code == 200


def test_a_day_of_calls_hits_the_daily_limit_and_the_next_utc_day_resets_it(
    mock: ExactOnlineMock, api: Api, clock: VirtualClock
) -> None:
    mock.control.set_limits(daily=300)
    served = 0
    while True:
        clock.advance(2)  # 30 calls a minute: never the minutely limit
        if clock.now() % 600 < 2:
            api.renew()
        answer = api.get("logistics/Items")
        if answer.status_code == 429:
            break
        served += 1
    assert served == 300
    assert answer.headers["x-ratelimit-remaining"] == "0"
    reset = int(answer.headers["x-ratelimit-reset"])
    assert reset % 86_400_000 == 0
    clock.set(reset / 1000)
    api.renew()
    fresh = api.get("logistics/Items")
    assert fresh.status_code == 200 and fresh.headers["x-ratelimit-remaining"] == "299"


def test_limits_count_per_division(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.add_division(777_001, "Tweede B.V.")
    mock.control.set_limits(minutely=2)
    assert [api.get("logistics/Items").status_code for _ in range(3)] == [200, 200, 429]
    other = api.http.get(f"{BASE}/api/v1/777001/logistics/Items", headers=api.headers())
    assert other.status_code == 200


def test_calls_without_a_division_do_not_count_against_the_daily_limit(mock: ExactOnlineMock, api: Api) -> None:
    me = api.http.get(f"{BASE}/api/v1/current/Me", headers=api.headers())
    assert "x-ratelimit-remaining" not in me.headers
    assert "x-ratelimit-minutely-remaining" in me.headers
    assert mock.limiter.used(mock.settings.client_id, api.division) == (0, 0)
    assert api.get("logistics/Items").headers["x-ratelimit-remaining"] == "4999"


def test_eleven_errors_on_an_endpoint_block_it_for_an_hour(
    mock: ExactOnlineMock, api: Api, clock: VirtualClock
) -> None:
    mock.control.set_limits(minutely=1000)
    missing = "logistics/Items(guid'00000000-0000-4000-8000-000000000000')"
    statuses = [api.get(missing).status_code for _ in range(11)]
    assert statuses == [404] * 11
    blocked = api.get("logistics/Items")
    assert blocked.status_code == 429
    assert "blocked" in error_text(blocked)
    assert not any(name in blocked.headers for name in RATE_HEADERS)
    assert api.get("salesorder/SalesOrders").status_code == 200  # other endpoints go on
    clock.advance(3600)
    api.renew()
    assert api.get("logistics/Items").status_code == 200


def test_ten_errors_in_an_hour_do_not_block(mock: ExactOnlineMock, api: Api, clock: VirtualClock) -> None:
    for _ in range(10):
        assert api.get("logistics/Items?$filter=Code eq").status_code == 400
    assert api.get("logistics/Items").status_code == 200
    clock.advance(3601)
    api.renew()
    for _ in range(10):
        assert api.get("logistics/Items?$filter=Code eq").status_code == 400
    assert api.get("logistics/Items").status_code == 200


@pytest.mark.parametrize("minutely", [1, 100])
def test_limits_are_settable(mock: ExactOnlineMock, api: Api, minutely: int) -> None:
    mock.control.set_limits(minutely=minutely)
    assert api.get("logistics/Items").headers["x-ratelimit-minutely-limit"] == str(minutely)
