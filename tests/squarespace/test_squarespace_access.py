"""Reaching the mock: the API key, the User-Agent, permissions, routes and methods, and that every
error — injected faults and mock bugs included — comes back in Squarespace's shape."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from squarespace_helpers import BASE, USER_AGENT, Api, error_of

from harness.clock import VirtualClock
from harness.mock.messages import MockRequest
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.control import SquarespaceControl


def test_a_sync_httpx_client_reaches_the_mock_in_process(api: Api) -> None:
    response = api.get("/1.0/commerce/store_pages")
    assert response.status_code == 200
    assert set(response.json()) == {"storePages", "pagination"}


def test_an_async_httpx_client_reaches_the_mock_in_process(mock: SquarespaceMock) -> None:
    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient() as http:
            return await http.get(
                f"{BASE}/1.0/commerce/inventory",
                headers={"Authorization": f"Bearer {mock.api_key}", "User-Agent": USER_AGENT},
            )

    response = asyncio.run(fetch())
    assert response.status_code == 200
    assert response.json() == {
        "inventory": [],
        "pagination": {"hasNextPage": False, "nextPageCursor": None, "nextPageUrl": None},
    }


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-the-key", "Token sqsp-123"],
)
def test_a_request_without_the_bearer_key_answers_401(api: Api, authorization: str | None) -> None:
    headers = {"User-Agent": USER_AGENT}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = api.http.get(f"{BASE}/1.0/commerce/orders", headers=headers)
    body = error_of(response, 401)
    assert body["type"] == "AUTHORIZATION_ERROR"


def test_a_revoked_key_answers_401_until_a_new_key_is_issued(api: Api, control: SquarespaceControl) -> None:
    old_key = control.api_key
    control.revoke_api_key()
    error_of(api.get("/1.0/commerce/orders", headers={"Authorization": f"Bearer {old_key}"}), 401)
    new_key = control.rotate_api_key()
    assert new_key != old_key
    assert api.get("/1.0/commerce/orders").status_code == 200
    error_of(api.get("/1.0/commerce/orders", headers={"Authorization": f"Bearer {old_key}"}), 401)


@pytest.mark.parametrize("user_agent", ["", "   "])
def test_a_request_without_a_user_agent_answers_400(api: Api, user_agent: str) -> None:
    response = api.get("/1.0/commerce/orders", headers={"User-Agent": user_agent})
    assert error_of(response, 400)["subtype"] == "MISSING_ARGUMENT"


def test_a_request_with_no_user_agent_header_at_all_answers_400(mock: SquarespaceMock) -> None:
    request = MockRequest.build(
        "GET", f"{BASE}/1.0/commerce/orders", headers={"Authorization": f"Bearer {mock.api_key}"}
    )
    response = mock.handle(request)
    assert response.status == 400 and response.parsed()["subtype"] == "MISSING_ARGUMENT"


@pytest.mark.parametrize(
    ("permissions", "method", "path", "status"),
    [
        ({"orders:read"}, "GET", "/1.0/commerce/orders", 200),
        ({"orders:read"}, "POST", "/1.0/commerce/orders", 403),
        ({"orders:read"}, "GET", "/1.1/commerce/products", 403),
        ({"products:read"}, "GET", "/1.0/commerce/store_pages", 200),
        ({"products:read"}, "POST", "/1.1/commerce/products", 403),
        ({"inventory:read"}, "GET", "/1.0/commerce/inventory", 200),
        ({"inventory:read"}, "POST", "/1.0/commerce/inventory/adjustments", 403),
    ],
)
def test_a_key_without_the_permission_for_an_api_answers_403(
    api: Api, control: SquarespaceControl, permissions: set[str], method: str, path: str, status: int
) -> None:
    control.rotate_api_key(permissions)
    response = api.request(method, path, json={})
    if status == 403:
        assert error_of(response, 403)["subtype"] == "INSUFFICIENT_PERMISSIONS"
    else:
        assert response.status_code == status


@pytest.mark.parametrize(
    "path",
    ["/1.0/commerce/nothing", "/2.0/commerce/orders", "/1.1/commerce/orders", "/1.1/commerce/inventory", "/"],
)
def test_an_unknown_endpoint_answers_404(api: Api, path: str) -> None:
    assert error_of(api.get(path), 404)["type"] == "NOT_FOUND_ERROR"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/1.1/commerce/products", "GET, POST"),
        ("DELETE", "/1.0/commerce/orders", "GET, POST"),
        ("GET", "/1.0/commerce/inventory/adjustments", "POST"),
        ("PATCH", "/1.0/commerce/store_pages", "GET"),
        ("GET", "/1.0/commerce/orders/0123456789abcdef01234567/fulfillments", "POST"),
    ],
)
def test_a_wrong_method_answers_405_with_allow(api: Api, method: str, path: str, allow: str) -> None:
    response = api.request(method, path)
    assert error_of(response, 405)["subtype"] == "METHOD_NOT_ALLOWED"
    assert response.headers["allow"] == allow


@pytest.mark.parametrize("status", [500, 502, 503, 429, 409])
def test_an_injected_fault_answers_in_squarespaces_shape(
    api: Api, control: SquarespaceControl, clock: VirtualClock, status: int
) -> None:
    control.fail_next("/orders", status)
    response = api.get("/1.0/commerce/orders")
    error_of(response, status)
    if status == 429:  # a cool-down: the calls it covers are refused until the Retry-After has passed
        assert response.headers["retry-after"] == "60"
        clock.advance(59)
        assert api.get("/1.0/commerce/orders").headers["retry-after"] == "1"
        clock.advance(1)
    assert api.get("/1.0/commerce/orders").status_code == 200


def test_a_bug_in_the_mock_answers_500_in_squarespaces_shape_and_is_logged_as_a_crash(
    mock: SquarespaceMock, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(mock.store, "page_list", broken)
    response = api.get("/1.0/commerce/store_pages")
    assert error_of(response, 500)["type"] == "INTERNAL_ERROR"
    crashes = mock.calls.crashes()
    assert len(crashes) == 1 and "boom" in str(crashes[0].crashed)
    mock.calls.clear()  # the fixture holds every other test to no crashes


def test_the_call_log_keeps_evidence_without_the_key(api: Api, mock: SquarespaceMock) -> None:
    api.get("/1.0/commerce/orders")
    record = mock.calls.records()[-1]
    assert (record.method, record.path, record.status) == ("GET", "/1.0/commerce/orders", 200)
    headers = dict(record.request_headers)
    assert mock.api_key is not None and mock.api_key not in headers["authorization"]
    assert headers["user-agent"] == USER_AGENT


def test_two_mocks_with_the_same_seed_have_the_same_key_and_ids() -> None:
    from harness.clock import VirtualClock

    first, second = SquarespaceMock(VirtualClock(), seed=9), SquarespaceMock(VirtualClock(), seed=9)
    assert first.api_key == second.api_key
    assert first.control.seed(3, 2) == second.control.seed(3, 2)
    assert SquarespaceMock(VirtualClock(), seed=10).api_key != first.api_key


def test_a_slow_fault_answers_after_its_delay_on_the_mocks_clock(
    api: Api, control: SquarespaceControl, clock: VirtualClock
) -> None:
    control.slow_next("/orders", 12.5)
    before = clock.now()
    assert api.get("/1.0/commerce/orders").status_code == 200
    assert clock.now() - before == 12.5
    assert control.calls.records()[-1].fault == "slow on * /orders"
