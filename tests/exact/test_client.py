"""ExactClient against the in-process mock on a virtual clock: the OAuth dance and refresh only when
due, paging and sync cursors, waits under rate limits, retries with backoff, never a duplicate POST,
and typed errors when it gives up."""

from __future__ import annotations

import pytest
from exact_helpers import BASE, http_client

from harness.clock import VirtualClock
from harness.errors import AuthError, ExactApiError, GaveUpError, RateLimitedError
from harness.exact.app import ExactOnlineMock
from harness.exact.client import ExactClient, TokenState
from harness.mock import Blackout
from harness.retry import RetryPolicy

ITEM = {"Code": "CLI-1", "Description": "Beker van de client"}
BY_CODE = "Code eq 'CLI-1'"


def token_calls(mock: ExactOnlineMock) -> list[int]:
    return [c.status for c in mock.calls.records() if c.path == "/api/oauth2/token"]


def posts(mock: ExactOnlineMock) -> int:
    return mock.calls.count("POST", "/logistics/Items")


def test_login_runs_the_dance_and_finds_the_current_division(mock: ExactOnlineMock, client: ExactClient) -> None:
    assert client.tokens is not None
    assert client.division == mock.settings.default_division
    assert [c.path for c in mock.calls.records()][:2] == ["/api/oauth2/auth", "/api/oauth2/token"]


def test_the_token_is_refreshed_only_when_due(mock: ExactOnlineMock, client: ExactClient, clock: VirtualClock) -> None:
    first = client.tokens
    for _ in range(14):
        clock.advance(40)  # 560 s: not yet due
        client.list_all("logistics/Items")
    assert client.tokens == first and token_calls(mock) == [200]
    clock.advance(20)  # 580 s: due
    client.list_all("logistics/Items")
    assert client.tokens != first and token_calls(mock) == [200, 200]


def test_a_revoked_access_token_is_refreshed_once_after_the_401(mock: ExactOnlineMock, client: ExactClient) -> None:
    assert client.tokens is not None
    mock.control.revoke_token(client.tokens.access_token)
    assert client.list_all("logistics/Items") == []
    assert token_calls(mock) == [200, 200]


def test_a_revoked_app_gives_an_auth_error_that_says_to_log_in_again(
    mock: ExactOnlineMock, client: ExactClient
) -> None:
    mock.control.revoke_app()
    with pytest.raises(AuthError, match="log in again"):
        client.list_all("logistics/Items")


def test_saved_tokens_carry_a_client_across_a_restart(mock: ExactOnlineMock, clock: VirtualClock) -> None:
    saved: list[str] = []
    s = mock.settings
    with ExactClient(
        BASE,
        s.client_id,
        s.client_secret,
        s.redirect_uri,
        clock=clock,
        http=http_client(),
        on_tokens=lambda t: saved.append(t.to_json()),
    ) as first:
        first.login()
    clock.advance(590)
    state = TokenState.from_json(saved[-1])
    with ExactClient(
        BASE,
        s.client_id,
        s.client_secret,
        s.redirect_uri,
        clock=clock,
        http=http_client(),
        tokens=state,
        on_tokens=lambda t: saved.append(t.to_json()),
    ) as second:
        assert second.division == s.default_division
    assert len(saved) == 2 and token_calls(mock) == [200, 200]


def test_a_client_without_tokens_says_to_log_in(mock: ExactOnlineMock, clock: VirtualClock) -> None:
    s = mock.settings
    with (
        ExactClient(BASE, s.client_id, s.client_secret, s.redirect_uri, clock=clock, http=http_client()) as c,
        pytest.raises(AuthError, match="login"),
    ):
        c.list_all("logistics/Items")


def test_a_wrong_redirect_uri_fails_the_login_with_an_auth_error(mock: ExactOnlineMock, clock: VirtualClock) -> None:
    s = mock.settings
    with (
        ExactClient(BASE, s.client_id, s.client_secret, "https://wrong.invalid/", clock=clock, http=http_client()) as c,
        pytest.raises(AuthError),
    ):
        c.login()


def test_listing_follows_next_links_to_the_end(mock: ExactOnlineMock, client: ExactClient) -> None:
    mock.control.seed(items=130, orders=0)
    assert len({i["ID"] for i in client.list_all("logistics/Items", select="ID,Code")}) == 130
    assert client.count("logistics/Items") == 130


def test_a_sync_read_comes_page_by_page_with_a_cursor_to_resume_from(
    mock: ExactOnlineMock, client: ExactClient
) -> None:
    mock.control.seed(items=2500, orders=0)
    pages = list(client.sync("sync/Logistics/Items", "ID,Code,Timestamp"))
    assert [len(p.rows) for p in pages] == [1000, 1000, 500]
    assert [p.more for p in pages] == [True, True, False]
    assert pages[0].cursor < pages[1].cursor < pages[2].cursor
    edited = mock.control.edit("items", pages[0].rows[0]["ID"], {"Description": "Gewijzigd in Exact"})
    again = list(client.sync("sync/Logistics/Items", "ID,Description", since=pages[-1].cursor))
    assert [[r["ID"] for r in p.rows] for p in again] == [[edited["ID"]]]


def test_deletions_are_read_from_sync_deleted(mock: ExactOnlineMock, client: ExactClient) -> None:
    seeded = mock.control.seed(items=3, orders=1)
    mock.control.delete("orders", seeded.orders[0])
    assert [r["EntityKey"] for p in client.deleted(entity_type=32) for r in p.rows] == [seeded.orders[0]]


def test_writes_go_through_and_a_record_reads_back(mock: ExactOnlineMock, client: ExactClient) -> None:
    created = client.create("logistics/Items", ITEM, natural_key=BY_CODE)
    client.update("logistics/Items", created["ID"], {"Description": "Nieuw"})
    assert client.get("logistics/Items", created["ID"], select="Description")["Description"] == "Nieuw"
    client.delete("logistics/Items", created["ID"])
    with pytest.raises(ExactApiError) as raised:
        client.get("logistics/Items", created["ID"])
    assert raised.value.status == 404


def test_a_refusal_is_an_api_error_carrying_exacts_message(client: ExactClient) -> None:
    with pytest.raises(ExactApiError, match="Mandatory: Description") as raised:
        client.create("logistics/Items", {"Code": "X"})
    assert raised.value.status == 400


def test_the_client_waits_for_the_minute_to_turn_instead_of_hammering(
    mock: ExactOnlineMock, client: ExactClient, clock: VirtualClock
) -> None:
    mock.control.set_limits(minutely=5)
    for _ in range(12):
        client.list_all("logistics/Items")
    api_calls = [c for c in mock.calls.records() if "/logistics/Items" in c.path]
    assert [c.status for c in api_calls] == [200] * 12
    assert clock.slept > 60


def test_an_unexpected_429_is_waited_out_until_the_announced_reset(
    mock: ExactOnlineMock, client: ExactClient, clock: VirtualClock
) -> None:
    mock.control.fail_next("logistics/Items", 429)
    assert client.list_all("logistics/Items") == []
    assert 0 < clock.slept <= 60


def test_a_spent_daily_limit_raises_rate_limited_with_the_reset(mock: ExactOnlineMock, client: ExactClient) -> None:
    mock.control.set_limits(daily=3)
    for _ in range(3):
        client.list_all("logistics/Items")
    with pytest.raises(RateLimitedError, match="resets in") as raised:
        client.list_all("logistics/Items")
    assert raised.value.reset_at is not None and raised.value.reset_at % 86_400 == 0


def test_a_blocked_endpoint_raises_rate_limited_saying_why(mock: ExactOnlineMock, client: ExactClient) -> None:
    for _ in range(11):
        with pytest.raises(ExactApiError):
            client.get("logistics/Items", "00000000-0000-4000-8000-000000000000")
    with pytest.raises(RateLimitedError, match="blocked"):
        client.list_all("logistics/Items")


def test_server_errors_on_reads_are_retried_with_exponential_backoff(
    mock: ExactOnlineMock, client: ExactClient, clock: VirtualClock
) -> None:
    mock.control.fail_next("logistics/Items", 503, times=3)
    assert client.list_all("logistics/Items") == []
    assert clock.slept == 1 + 2 + 4


def test_time_outs_on_updates_are_retried(mock: ExactOnlineMock, client: ExactClient) -> None:
    created = client.create("logistics/Items", ITEM)
    mock.control.time_out_next("logistics/Items", method="PUT")
    client.update("logistics/Items", created["ID"], {"Description": "Na een time-out"})
    record = mock.control.record("items", created["ID"])
    assert record is not None and record["Description"] == "Na een time-out"


def test_the_client_gives_up_after_its_attempts_with_a_typed_error(mock: ExactOnlineMock, clock: VirtualClock) -> None:
    s = mock.settings
    with ExactClient(
        BASE,
        s.client_id,
        s.client_secret,
        s.redirect_uri,
        clock=clock,
        http=http_client(),
        policy=RetryPolicy(max_attempts=3),
    ) as c:
        c.login()
        mock.control.fail_next("logistics/Items", 500, times=10)
        with pytest.raises(GaveUpError, match="failed 3 times") as raised:
            c.list_all("logistics/Items")
    assert raised.value.attempts == 3 and raised.value.last_status == 500


@pytest.mark.parametrize("fault", ["lose_response_next", "time_out_next", "fail_next"])
def test_an_unclear_post_is_looked_up_by_its_natural_key_and_never_duplicated(
    mock: ExactOnlineMock, client: ExactClient, fault: str
) -> None:
    getattr(mock.control, fault)("logistics/Items", method="POST")
    created = client.create("logistics/Items", ITEM, natural_key=BY_CODE)
    assert created["Code"] == "CLI-1"
    assert [i["Code"] for i in mock.control.records("items")] == ["CLI-1"]
    expected_posts = 1 if fault == "lose_response_next" else 2
    assert posts(mock) == expected_posts


def test_an_unclear_post_without_a_natural_key_is_not_repeated(mock: ExactOnlineMock, client: ExactClient) -> None:
    mock.control.lose_response_next("logistics/Items", method="POST")
    with pytest.raises(GaveUpError, match="natural_key"):
        client.create("logistics/Items", ITEM)
    assert posts(mock) == 1


def test_a_raw_post_that_times_out_is_not_repeated(mock: ExactOnlineMock, client: ExactClient) -> None:
    mock.control.time_out_next("logistics/Items", method="POST")
    with pytest.raises(GaveUpError, match="not repeated"):
        client.request("POST", "logistics/Items", body=ITEM)
    assert posts(mock) == 1


def test_a_blackout_counts_record_writes_not_a_login(mock: ExactOnlineMock, clock: VirtualClock) -> None:
    # a crash "after the first write" is after a record was written: trading a code for tokens writes none
    switch = Blackout(after_writes=1)
    mock.blackout = switch
    settings = mock.settings
    with ExactClient(
        BASE, settings.client_id, settings.client_secret, settings.redirect_uri, clock=clock, http=http_client()
    ) as c:
        c.login()
        assert (switch.writes_seen, switch.active) == (0, False)
        c.create("logistics/Items", ITEM)
        assert (switch.writes_seen, switch.active) == (1, True)
