"""The test-side control surface: seeding, edits as a user in Exact's UI, deletes, tokens, faults
answered in Exact's shape, and the call log as evidence."""

from __future__ import annotations

import httpx
import pytest
from exact_helpers import Api, error_text

from harness.clock import VirtualClock
from harness.errors import MockError
from harness.exact.app import ExactOnlineMock
from harness.exact.control import SeedResult
from harness.mock.messages import MockRequest


@pytest.fixture
def seeded(mock: ExactOnlineMock) -> SeedResult:
    return mock.control.seed(items=20, orders=5)


def test_seed_fills_a_division_with_items_accounts_and_orders(mock: ExactOnlineMock, seeded: SeedResult) -> None:
    assert len(seeded.items) == 20 and len(seeded.orders) == 5 and len(seeded.accounts) == 5
    items = mock.control.records("items")
    assert all(i["Code"] and i["Description"] and i["StandardSalesPrice"] > 0 for i in items)
    assert all(len(i["Unit"]) == 8 and len(i["SalesVatCode"]) == 3 for i in items)
    for order in mock.control.records("orders"):
        lines = mock.control.division().lines_of(order["OrderID"])
        assert 1 <= len(lines) <= 5
        assert {line["Item"] for line in lines} <= set(seeded.items)
        assert order["OrderedBy"] in seeded.accounts


def test_the_same_seed_gives_the_same_data() -> None:
    first, second = ExactOnlineMock(seed=7), ExactOnlineMock(seed=7)
    first.control.seed(items=5, orders=2)
    second.control.seed(items=5, orders=2)
    assert first.control.records("items") == second.control.records("items")
    assert first.control.records("lines") == second.control.records("lines")


def test_an_edit_in_the_ui_may_set_read_only_fields_and_bumps_modified_and_timestamp(
    mock: ExactOnlineMock, seeded: SeedResult, api: Api, clock: VirtualClock
) -> None:
    key = seeded.items[0]
    before = mock.control.record("items", key)
    assert before is not None
    clerk = mock.store.add_user("Jan Jansen", "jan@example.com", {api.division}, api.division)
    clock.advance(120)
    after = mock.control.edit("items", key, {"Stock": 12.0, "StandardSalesPrice": 19.95}, user=clerk.user_id)
    assert after["Timestamp"] > before["Timestamp"]
    assert after["Modified"] == int(clock.now() * 1000) > before["Modified"]
    assert (after["Modifier"], after["ModifierFullName"]) == (clerk.user_id, "Jan Jansen")
    api.renew()
    seen = api.get(f"logistics/Items(guid'{key}')").json()["d"]
    assert (seen["Stock"], seen["StandardSalesPrice"]) == (12.0, 19.95)


def test_an_edit_of_a_line_moves_its_orders_total_and_timestamp(mock: ExactOnlineMock, seeded: SeedResult) -> None:
    line = mock.control.records("lines")[0]
    order = mock.control.record("orders", line["OrderID"])
    assert order is not None
    mock.control.edit("lines", line["ID"], {"Quantity": line["Quantity"] + 1})
    after = mock.control.record("orders", line["OrderID"])
    assert after is not None
    assert after["AmountFCExclVat"] == pytest.approx(order["AmountFCExclVat"] + line["NetPrice"])
    assert after["Timestamp"] > order["Timestamp"]


def test_an_edit_of_an_orders_delivery_status_renames_it(mock: ExactOnlineMock, seeded: SeedResult) -> None:
    edited = mock.control.edit("salesorder/SalesOrders", seeded.orders[0], {"DeliveryStatus": 21})
    assert edited["DeliveryStatusDescription"] == "Complete"


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"Nope": 1}, "no field 'Nope'"), ({"ID": "x"}, "no field 'ID'"), ({"Stock": "many"}, "Stock")],
)
def test_an_edit_of_an_unknown_or_mistyped_field_is_a_mock_error(
    mock: ExactOnlineMock, seeded: SeedResult, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(MockError, match=message):
        mock.control.edit("items", seeded.items[0], changes)


def test_a_delete_in_the_ui_leaves_a_sync_deleted_row(mock: ExactOnlineMock, seeded: SeedResult) -> None:
    item = mock.control.create_item({"Code": "WEG", "Description": "weg ermee"})
    mock.control.delete("logistics/Items", item["ID"])
    assert mock.control.record("items", item["ID"]) is None
    assert [(r["EntityKey"], r["EntityType"]) for r in mock.control.records("deleted")] == [(item["ID"], 9)]


def test_creating_invalid_data_directly_is_a_mock_error(mock: ExactOnlineMock) -> None:
    with pytest.raises(MockError, match="Mandatory: Description"):
        mock.control.create_item({"Code": "X"})
    with pytest.raises(MockError, match="at least one line"):
        mock.control.create_order({"OrderedBy": mock.control.add_account("Klant").account_id})


def test_divisions_and_users_are_listed(mock: ExactOnlineMock) -> None:
    mock.control.add_division(4242, "Extra B.V.")
    assert {d.number for d in mock.control.divisions()} == {mock.settings.default_division, 4242}
    assert [u.full_name for u in mock.control.users()] == ["Eva de Vries"]
    assert 4242 in mock.control.user().divisions
    with pytest.raises(MockError):
        mock.control.division(1)


def test_a_revoked_token_answers_401(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.revoke_token(api.token)
    assert api.get("logistics/Items").status_code == 401


def test_expired_tokens_answer_401_without_moving_the_clock(mock: ExactOnlineMock, api: Api) -> None:
    assert mock.control.expire_tokens() == 1
    assert api.get("logistics/Items").status_code == 401


@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_injected_status_fault_answers_in_exacts_shape_and_changes_nothing(
    mock: ExactOnlineMock, api: Api, status: int
) -> None:
    mock.control.fail_next("logistics/Items", status, method="POST")
    answer = api.post("logistics/Items", {"Code": "F", "Description": "fault"})
    assert answer.status_code == status
    assert error_text(answer)
    assert mock.control.records("items") == []
    if status == 429:  # the minutely limit is used up: refused until the reset it announced
        reset_s = int(answer.headers["x-ratelimit-minutely-reset"]) / 1000
        assert api.post("logistics/Items", {"Code": "F", "Description": "fault"}).status_code == 429
        mock.clock.advance(reset_s - mock.clock.now())  # type: ignore[attr-defined]
    assert api.post("logistics/Items", {"Code": "F", "Description": "fault"}).status_code == 201


def test_a_time_out_means_the_request_never_arrived(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.time_out_next("logistics/Items", method="POST")
    with pytest.raises(httpx.ReadTimeout):
        api.post("logistics/Items", {"Code": "T", "Description": "time-out"})
    assert mock.control.records("items") == []


def test_a_lost_response_means_the_write_happened_but_no_answer_came(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.lose_response_next("logistics/Items", method="POST")
    with pytest.raises(httpx.ReadTimeout):
        api.post("logistics/Items", {"Code": "L", "Description": "lost"})
    assert [i["Code"] for i in mock.control.records("items")] == ["L"]


def test_a_slow_answer_takes_its_delay_on_the_mocks_clock(mock: ExactOnlineMock, api: Api, clock: VirtualClock) -> None:
    mock.control.slow_next("logistics/Items", 7.5)
    start = clock.now()
    assert api.get("logistics/Items").status_code == 200
    assert clock.now() - start == 7.5


def test_a_bug_in_the_mock_answers_500_in_exacts_shape_and_is_logged_as_a_crash() -> None:
    mock = ExactOnlineMock()

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    mock.limiter.take = broken  # type: ignore[method-assign,assignment]
    token = mock.control.issue_tokens().access_token
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    answer = mock.handle(
        MockRequest.build(
            "GET",
            f"https://start.exactonline.nl/api/v1/{mock.settings.default_division}/logistics/Items",
            headers=headers,
        )
    )
    assert answer.status == 500
    assert answer.parsed() == {"error": {"code": "", "message": {"lang": "", "value": "An internal error occurred."}}}
    assert [c.crashed for c in mock.calls.crashes()] == ["RuntimeError: boom"]


def test_every_call_is_logged_with_secrets_redacted(mock: ExactOnlineMock, api: Api) -> None:
    api.post("logistics/Items", {"Code": "LOG", "Description": "logged"})
    record = mock.calls.records()[-1]
    assert (record.method, record.status, record.path) == ("POST", 201, f"/api/v1/{api.division}/logistics/Items")
    assert record.request_bytes > 0 and record.response_bytes > 0
    assert api.token not in str(record.request_headers)
