"""The shared mock plumbing: faults, the redacted call log, and identical answers in-process and served."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from harness.clock import VirtualClock
from harness.errors import MockError, UsageError
from harness.mock import Blackout, FaultKind, MockRequest, MockResponse, MockService, redact_text
from harness.mock.inprocess import routed
from harness.mock.served import ServedMock, check_loopback


class Counter(MockService):
    """A tiny service: counts POSTs, echoes what it saw."""

    name = "counter"
    hosts = ("api.counter.test",)

    def __init__(self) -> None:
        super().__init__(VirtualClock())
        self.posts = 0

    def dispatch(self, request: MockRequest) -> MockResponse:
        if request.path == "/boom":
            raise RuntimeError("a bug in the mock")
        if request.method == "POST":
            self.posts += 1
        return MockResponse.json(
            200, {"path": request.path, "query": [list(p) for p in request.query], "posts": self.posts}
        )


@pytest.fixture
def service() -> Counter:
    return Counter()


def test_a_status_fault_answers_without_acting(service: Counter) -> None:
    service.faults.inject(FaultKind.STATUS, status=503, method="POST")
    assert service.call("POST", "https://api.counter.test/x").status == 503
    assert service.posts == 0
    assert service.call("POST", "https://api.counter.test/x").status == 200
    assert service.posts == 1


def test_a_lost_response_acts_and_then_times_out(service: Counter) -> None:
    service.faults.inject(FaultKind.LOST_RESPONSE, method="POST")
    response = service.call("POST", "https://api.counter.test/x")
    assert response.timed_out
    assert service.posts == 1


def test_a_timeout_never_reaches_the_service(service: Counter) -> None:
    service.faults.inject(FaultKind.TIMEOUT)
    assert service.call("POST", "https://api.counter.test/x").timed_out
    assert service.posts == 0


def test_a_slow_fault_spends_time_on_the_service_clock(service: Counter) -> None:
    clock = service.clock
    assert isinstance(clock, VirtualClock)
    before = clock.now()
    service.faults.inject(FaultKind.SLOW, delay_s=12.5)
    assert service.call("GET", "https://api.counter.test/x").status == 200
    assert clock.now() - before == pytest.approx(12.5)


def test_faults_match_by_method_and_path_and_are_used_up(service: Counter) -> None:
    service.faults.inject(FaultKind.STATUS, status=500, times=2, method="GET", path="/items")
    assert service.call("GET", "https://api.counter.test/other").status == 200
    assert service.call("POST", "https://api.counter.test/items").status == 200
    assert [service.call("GET", "https://api.counter.test/items").status for _ in range(3)] == [500, 500, 200]
    assert service.faults.pending() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "status", "status": 200}, "4xx or 5xx"),
        ({"kind": "slow"}, "positive delay_s"),
        ({"kind": "timeout", "times": 0}, "at least one call"),
    ],
)
def test_a_fault_that_makes_no_sense_is_refused(service: Counter, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(MockError, match=message):
        service.faults.inject(**kwargs)  # type: ignore[arg-type]


def test_a_bug_in_the_mock_is_a_500_and_is_logged_as_a_crash(service: Counter) -> None:
    assert service.call("GET", "https://api.counter.test/boom").status == 500
    [crash] = service.calls.crashes()
    assert "a bug in the mock" in (crash.crashed or "")


class Quiet(MockService):
    """A service that answers every call with an empty object (so only the request can leak)."""

    name = "quiet"

    def dispatch(self, request: MockRequest) -> MockResponse:
        return MockResponse.json(200, {})


def test_the_call_log_never_keeps_a_secret() -> None:
    service = Quiet(VirtualClock())
    service.call(
        "POST",
        "https://api.counter.test/token?code=THE-CODE",
        headers={"Authorization": "Bearer THE-TOKEN"},
        body="grant_type=refresh_token&refresh_token=THE-REFRESH&client_secret=THE-SECRET",
    )
    service.call("POST", "https://api.counter.test/json", json_body={"access_token": "THE-ACCESS", "Code": "ITEM-1"})
    text = repr(service.calls.records())
    for secret in ("THE-CODE", "THE-TOKEN", "THE-REFRESH", "THE-SECRET", "THE-ACCESS"):
        assert secret not in text
    assert "ITEM-1" in text, "an item's Code is evidence, not a secret"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Authorization: Bearer abc.def", "Authorization: Bearer ***"),
        ('{"refresh_token": "r1", "x": 1}', '{"refresh_token": "***", "x": 1}'),
        ("a=1&client_secret=s3&b=2", "a=1&client_secret=***&b=2"),
        ("/auth?code=xyz&state=1", "/auth?code=***&state=1"),
        ("SalesVatCode=5", "SalesVatCode=5"),
    ],
)
def test_redaction(given: str, expected: str) -> None:
    assert redact_text(given) == expected


def test_sync_and_async_clients_reach_the_mock_in_process(service: Counter) -> None:
    with routed(service):
        sync_answer = httpx.get("https://api.counter.test/a", params={"$filter": "Code eq 'x'"}).json()

        async def fetch() -> dict[str, object]:
            async with httpx.AsyncClient() as client:
                return (await client.get("https://api.counter.test/b")).json()  # type: ignore[no-any-return]

        async_answer = asyncio.run(fetch())
    assert sync_answer["query"] == [["$filter", "Code eq 'x'"]]
    assert async_answer["path"] == "/b"


def test_an_unmocked_host_is_refused_in_process(service: Counter) -> None:
    with routed(service), pytest.raises(Exception, match="not mocked"):
        httpx.get("https://elsewhere.test/")


def test_a_simulated_timeout_is_an_httpx_timeout(service: Counter) -> None:
    service.faults.inject(FaultKind.TIMEOUT)
    with routed(service), pytest.raises(httpx.ReadTimeout):
        httpx.get("https://api.counter.test/a")


def test_served_and_in_process_answer_alike(service: Counter) -> None:
    path = "/api/v1/1/logistics/Items(guid'0f1c')"
    with routed(service):
        in_process = httpx.get(f"https://api.counter.test{path}", params={"$select": "ID,Code"})
        with ServedMock(service) as served:
            over_loopback = httpx.get(f"{served.base_url}{path}", params={"$select": "ID,Code"})
    assert in_process.status_code == over_loopback.status_code == 200
    in_body, served_body = in_process.json(), over_loopback.json()
    assert in_body["path"] == served_body["path"] == path
    assert in_body["query"] == served_body["query"]


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    assert check_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "8.8.8.8", "example.com", "::"])
def test_other_hosts_are_refused(host: str) -> None:
    with pytest.raises(UsageError, match="loopback"):
        check_loopback(host)


def test_a_blackout_shared_by_two_services_starts_after_the_first_write() -> None:
    first, second = Counter(), Counter()
    switch = Blackout(after_writes=1)
    first.blackout = second.blackout = switch
    assert first.call("GET", "https://api.counter.test/read").status == 200
    assert first.call("POST", "https://api.counter.test/write").status == 200
    assert second.call("GET", "https://api.counter.test/read").timed_out
    assert first.call("POST", "https://api.counter.test/write").timed_out
    assert first.posts == 1
    switch.lift()
    assert second.call("POST", "https://api.counter.test/write").status == 200
    assert [r.fault for r in first.calls][-1] == "blackout"


@pytest.mark.parametrize(
    "text",
    [
        '{"access_token":"tok-1","Code":"A-1"}',
        "grant_type=refresh_token&Refresh_Token=r-1&client_secret=s",
        "https://x.invalid/cb?code=abc&state=1",
        "Authorization: BEARER abc.def",
        '{"API_KEY": "k"}',
    ],
)
def test_redaction_still_blanks_every_secret_the_quick_check_lets_through(text: str) -> None:
    redacted = redact_text(text)
    assert redacted != text and "***" in redacted


def test_a_text_that_cannot_hold_a_secret_is_passed_as_it_is() -> None:
    text = '{"products":[{"id":"p1","name":"Fiets","sku":"SKU-1"}]}'
    assert redact_text(text) is text
