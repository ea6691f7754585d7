"""OAuth2 as Exact does it: a consent page that approves at once, a token endpoint with rotation,
refusals of early, old and expired refreshes, and the bearer and division checks of API calls."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from exact_helpers import BASE, Api, error_text, http_client

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock

TOKEN_URL = f"{BASE}/api/oauth2/token"


@pytest.fixture
def http(mock: ExactOnlineMock) -> httpx.Client:
    with http_client() as client:
        yield client


def code_for(mock: ExactOnlineMock, http: httpx.Client, state: str | None = None) -> str:
    s = mock.settings
    params = {"client_id": s.client_id, "redirect_uri": s.redirect_uri, "response_type": "code"}
    if state:
        params["state"] = state
    answer = http.get(f"{BASE}/api/oauth2/auth", params=params)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == s.redirect_uri
    query = parse_qs(location.query)
    if state:
        assert query["state"] == [state]
    return query["code"][0]


def token_form(mock: ExactOnlineMock, **fields: str) -> dict[str, str]:
    return {"client_id": mock.settings.client_id, "client_secret": mock.settings.client_secret, **fields}


def log_in(mock: ExactOnlineMock, http: httpx.Client) -> dict[str, str]:
    code = code_for(mock, http)
    form = token_form(mock, grant_type="authorization_code", code=code, redirect_uri=mock.settings.redirect_uri)
    answer = http.post(TOKEN_URL, data=form)
    assert answer.status_code == 200
    return dict(answer.json())


def refresh(mock: ExactOnlineMock, http: httpx.Client, refresh_token: str) -> httpx.Response:
    return http.post(TOKEN_URL, data=token_form(mock, grant_type="refresh_token", refresh_token=refresh_token))


def test_the_consent_page_redirects_at_once_with_a_code_and_the_state(
    mock: ExactOnlineMock, http: httpx.Client
) -> None:
    assert code_for(mock, http, state="xyz")


def test_a_code_buys_a_token_pair_whose_lifetime_is_a_string(mock: ExactOnlineMock, http: httpx.Client) -> None:
    tokens = log_in(mock, http)
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == "600"
    assert tokens["access_token"] and tokens["refresh_token"]


def test_a_code_works_once(mock: ExactOnlineMock, http: httpx.Client) -> None:
    code = code_for(mock, http)
    form = token_form(mock, grant_type="authorization_code", code=code, redirect_uri=mock.settings.redirect_uri)
    assert http.post(TOKEN_URL, data=form).status_code == 200
    second = http.post(TOKEN_URL, data=form)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"client_id": "unknown"}, 400),
        ({"redirect_uri": "https://elsewhere.invalid/cb"}, 400),
    ],
)
def test_the_consent_page_refuses_an_unknown_app_or_redirect(
    mock: ExactOnlineMock, http: httpx.Client, params: dict[str, str], status: int
) -> None:
    s = mock.settings
    query = {"client_id": s.client_id, "redirect_uri": s.redirect_uri, "response_type": "code", **params}
    assert http.get(f"{BASE}/api/oauth2/auth", params=query).status_code == status


def test_a_refresh_is_refused_until_the_token_is_nearly_spent(
    mock: ExactOnlineMock, http: httpx.Client, clock: VirtualClock
) -> None:
    tokens = log_in(mock, http)
    clock.advance(569)
    early = refresh(mock, http, tokens["refresh_token"])
    assert early.status_code == 401
    assert early.json()["error"] == "access_denied"
    assert early.headers["reason"] == "TooEarlyToRefreshTokens"
    clock.advance(2)
    assert refresh(mock, http, tokens["refresh_token"]).status_code == 200


def test_every_refresh_rotates_the_refresh_token_and_an_old_one_is_refused(
    mock: ExactOnlineMock, http: httpx.Client, clock: VirtualClock
) -> None:
    tokens = log_in(mock, http)
    clock.advance(600)
    fresh = refresh(mock, http, tokens["refresh_token"]).json()
    assert fresh["refresh_token"] != tokens["refresh_token"]
    clock.advance(600)
    old = refresh(mock, http, tokens["refresh_token"])
    assert old.status_code == 401
    assert old.json() == {"error": "unauthorized_client", "error_description": "Old refresh token used."}
    assert refresh(mock, http, fresh["refresh_token"]).status_code == 200


def test_a_refresh_token_unused_for_30_days_is_refused(
    mock: ExactOnlineMock, http: httpx.Client, clock: VirtualClock
) -> None:
    tokens = log_in(mock, http)
    clock.advance(30 * 86_400 + 1)
    answer = refresh(mock, http, tokens["refresh_token"])
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_a_token_request_with_an_authorization_header_is_refused(mock: ExactOnlineMock, http: httpx.Client) -> None:
    code = code_for(mock, http)
    form = token_form(mock, grant_type="authorization_code", code=code, redirect_uri=mock.settings.redirect_uri)
    answer = http.post(TOKEN_URL, data=form, auth=(mock.settings.client_id, mock.settings.client_secret))
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"client_secret": "wrong", "grant_type": "refresh_token", "refresh_token": "x"}, "invalid_client"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "refresh_token", "refresh_token": "never-issued"}, "invalid_grant"),
    ],
)
def test_bad_token_requests_are_refused_with_oauth_errors(
    mock: ExactOnlineMock, http: httpx.Client, fields: dict[str, str], error: str
) -> None:
    answer = http.post(TOKEN_URL, data=token_form(mock, **fields))
    assert answer.status_code == 400 and answer.json()["error"] == error


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer nonsense", "Basic abc"])
def test_api_calls_without_a_valid_bearer_token_answer_401(api: Api, authorization: str | None) -> None:
    headers = {"Accept": "application/json"} | ({"Authorization": authorization} if authorization else {})
    answer = api.http.get(api.url("logistics/Items"), headers=headers)
    assert answer.status_code == 401
    assert error_text(answer)


def test_an_expired_access_token_answers_401(api: Api, clock: VirtualClock) -> None:
    clock.advance(600)
    answer = api.get("logistics/Items")
    assert answer.status_code == 401 and "expired" in error_text(answer)


def test_a_revoked_app_must_log_in_again(mock: ExactOnlineMock, http: httpx.Client, clock: VirtualClock) -> None:
    tokens = log_in(mock, http)
    mock.control.revoke_app()
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    assert http.get(f"{BASE}/api/v1/current/Me", headers=headers).status_code == 401
    clock.advance(600)
    assert refresh(mock, http, tokens["refresh_token"]).status_code == 400


def test_a_division_the_user_does_not_have_answers_403_with_a_reason(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.add_division(999_999, "Elders B.V.", grant=False)
    for division in (999_999, 123):
        answer = api.http.get(f"{BASE}/api/v1/{division}/logistics/Items", headers=api.headers())
        assert answer.status_code == 403
        assert answer.headers["reason"] == "NoDivisionAccess"
        assert error_text(answer)


def test_a_blocked_division_answers_403_division_blocked(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.block_division(api.division)
    answer = api.get("logistics/Items")
    assert answer.status_code == 403 and answer.headers["reason"] == "DivisionBlocked"
