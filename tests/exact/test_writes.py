"""Writes as Exact answers them: POST 201 with the entity, PUT and DELETE 204 with an empty body,
server-set fields computed, read-only input ignored, unknown properties and invalid values refused."""

from __future__ import annotations

from typing import Any

import pytest
from exact_helpers import Api, error_text, http_client

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.control import SeedResult


@pytest.fixture
def seeded(mock: ExactOnlineMock) -> SeedResult:
    return mock.control.seed(items=10, orders=2)


def new_item(**extra: Any) -> dict[str, Any]:
    return {"Code": "NEW-1", "Description": "Nieuwe beker", **extra}


def test_post_answers_201_with_the_key_and_the_fields_given(api: Api) -> None:
    answer = api.post("logistics/Items", new_item(Unit="pc"))
    assert answer.status_code == 201
    d = answer.json()["d"]
    assert set(d) == {"__metadata", "ID", "Code", "Description", "Unit"}
    assert d["Unit"] == "pc      "


def test_post_with_prefer_return_representation_answers_the_full_entity(api: Api, clock: VirtualClock) -> None:
    answer = api.post("logistics/Items", new_item(), headers={"Prefer": "return=representation"})
    assert answer.status_code == 201
    assert answer.headers["preference-applied"] == "return=representation"
    d = answer.json()["d"]
    assert d["Created"] == d["Modified"] == f"/Date({int(clock.now() * 1000)})/"
    assert d["Division"] == api.division
    assert d["CreatorFullName"] == "Eva de Vries"
    assert "Stock" in d and "StandardSalesPrice" in d


def test_server_set_and_read_only_fields_in_input_are_ignored(mock: ExactOnlineMock, api: Api) -> None:
    given = new_item(Created="2001-01-01T00:00:00", Division=1, Stock=99.0, StandardSalesPrice=5.0, CreatorFullName="X")
    key = api.post("logistics/Items", given).json()["d"]["ID"]
    stored = api.get(f"logistics/Items(guid'{key}')").json()["d"]
    assert stored["Created"] != "/Date(978307200000)/"
    assert stored["Division"] == api.division
    assert stored["Stock"] == 0.0 and stored["StandardSalesPrice"] == 0.0
    assert stored["CreatorFullName"] == "Eva de Vries"


def test_an_unknown_property_is_refused_as_odata_refuses_it(api: Api) -> None:
    answer = api.post("logistics/Items", new_item(Colour="red"))
    assert answer.status_code == 400
    assert error_text(answer) == (
        "The property 'Colour' does not exist on type 'Exact.Web.Api.Models.Logistics.Item'. "
        "Make sure to only use property names that are defined by the type."
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"Description": "x"}, "Mandatory: Code"),
        ({"Code": "A"}, "Mandatory: Description"),
        ({}, "Mandatory: Code\r\nMandatory: Description"),
        ({"Code": "  ", "Description": None}, "Mandatory: Code\r\nMandatory: Description"),
        ({"Code": "A", "Description": "d" * 61}, "Description: value too long (maximum 60 characters, given 61)"),
        ({"Code": "A", "Description": "d", "ExtraDescription": "e" * 256}, "ExtraDescription: value too long"),
        ({"Code": "A", "Description": "d", "Unit": "kilogram9"}, "Unit: value too long (maximum 8"),
        ({"Code": "A", "Description": "d", "IsSalesItem": 1}, "to type 'System.Boolean'"),
        ({"Code": "A", "Description": "d", "IsWebshopItem": 2}, "to type 'System.Byte'"),
        ({"Code": "A", "Description": "d", "SecurityLevel": 2**31}, "to type 'System.Int32'"),
        ({"Code": "A", "Description": "d", "AverageCost": "12,50"}, "to type 'System.Double'"),
        ({"Code": "A", "Description": "d", "ItemGroup": "group-1"}, "to type 'System.Guid'"),
        ({"Code": "A", "Description": "d", "StartDate": "1-1-2024"}, "to type 'System.DateTime'"),
        ({"Code": 12, "Description": "d"}, "to type 'System.String'"),
        ([{"Code": "A"}], "valid top-level resource object"),
    ],
)
def test_invalid_items_are_refused_with_400_and_exacts_words(api: Api, body: Any, message: str) -> None:
    answer = api.post("logistics/Items", body)
    assert answer.status_code == 400
    assert message in error_text(answer)


def test_a_body_that_is_not_json_is_refused_with_400(api: Api) -> None:
    answer = api.http.post(api.url("logistics/Items"), content=b"{Code: A", headers=api.headers())
    assert answer.status_code == 400
    assert "not valid JSON" in error_text(answer)


def test_a_duplicate_item_code_is_refused_whatever_its_case(api: Api) -> None:
    assert api.post("logistics/Items", new_item(Code="DUP-1")).status_code == 201
    answer = api.post("logistics/Items", new_item(Code="dup-1 "))
    assert answer.status_code == 400
    assert error_text(answer) == "Code: an item with code 'dup-1' exists already"


def test_business_rule_refusals_can_answer_500_as_exact_sometimes_does() -> None:

    from harness.exact.inprocess import exact_online
    from harness.exact.settings import ExactSettings

    with exact_online(settings=ExactSettings(business_rule_status=500)) as mock, http_client() as http:
        api = Api(mock, http)
        api.post("logistics/Items", new_item())
        answer = api.post("logistics/Items", new_item())
        assert answer.status_code == 500 and "exists already" in error_text(answer)
        assert mock.calls.crashes() == []


def test_put_answers_204_with_an_empty_body_and_changes_only_the_fields_given(api: Api, clock: VirtualClock) -> None:
    created = api.post("logistics/Items", new_item(Barcode="123"), headers={"Prefer": "return=representation"}).json()
    key, before = created["d"]["ID"], created["d"]
    clock.advance(61)
    answer = api.put(f"logistics/Items(guid'{key}')", {"Description": "Anders", "Stock": 50})
    assert answer.status_code == 204 and answer.content == b""
    after = api.get(f"logistics/Items(guid'{key}')").json()["d"]
    assert after["Description"] == "Anders" and after["Barcode"] == "123" and after["Stock"] == 0.0
    assert after["Modified"] != before["Modified"] and after["Created"] == before["Created"]


def test_put_to_an_unknown_key_answers_404(api: Api) -> None:
    answer = api.put("logistics/Items(guid'00000000-0000-4000-8000-000000000000')", {"Description": "x"})
    assert answer.status_code == 404


def test_put_cannot_take_another_items_code(api: Api) -> None:
    api.post("logistics/Items", new_item(Code="ONE"))
    key = api.post("logistics/Items", new_item(Code="TWO")).json()["d"]["ID"]
    assert api.put(f"logistics/Items(guid'{key}')", {"Code": "one"}).status_code == 400


def test_delete_answers_204_and_logs_a_sync_deleted_row(mock: ExactOnlineMock, api: Api) -> None:
    key = api.post("logistics/Items", new_item()).json()["d"]["ID"]
    answer = api.delete(f"logistics/Items(guid'{key}')")
    assert answer.status_code == 204 and answer.content == b""
    assert api.get(f"logistics/Items(guid'{key}')").status_code == 404
    rows = mock.control.records("deleted")
    assert [(r["EntityKey"], r["EntityType"], r["DeletedBy"]) for r in rows] == [(key, 9, mock.control.user().user_id)]


def test_an_item_used_on_an_order_cannot_be_deleted(seeded: SeedResult, mock: ExactOnlineMock, api: Api) -> None:
    used = mock.control.records("lines")[0]["Item"]
    assert api.delete(f"logistics/Items(guid'{used}')").status_code == 400


def order_body(seeded: SeedResult, lines: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "OrderedBy": seeded.accounts[0],
        "SalesOrderLines": [{"Item": seeded.items[i], "Quantity": 2.0, "UnitPrice": 10.0} for i in range(lines)],
        **extra,
    }


def test_an_order_is_created_with_its_lines_in_one_post(seeded: SeedResult, mock: ExactOnlineMock, api: Api) -> None:
    body = order_body(seeded, lines=3, AmountFC=1.0, Status=21)
    answer = api.post("salesorder/SalesOrders", body, headers={"Prefer": "return=representation"})
    assert answer.status_code == 201
    order = answer.json()["d"]
    lines = order["SalesOrderLines"]["results"]
    assert [line["LineNumber"] for line in lines] == [1, 2, 3]
    assert all(line["OrderID"] == order["OrderID"] and line["OrderNumber"] == order["OrderNumber"] for line in lines)
    assert [line["AmountFC"] for line in lines] == [20.0, 20.0, 20.0]
    vat = sum(line["VATAmount"] for line in lines)
    assert order["AmountFCExclVat"] == 60.0
    assert order["AmountFC"] == pytest.approx(60.0 + vat)
    assert order["Status"] == 12 and order["StatusDescription"] == "Open"
    assert order["OrderedByName"] == mock.control.division().accounts[seeded.accounts[0]].name


def test_order_numbers_follow_on_and_a_given_one_must_be_free(seeded: SeedResult, api: Api) -> None:
    first = api.post("salesorder/SalesOrders", order_body(seeded)).json()["d"]
    numbers = [o["OrderNumber"] for o in api.get("salesorder/SalesOrders").json()["d"]["results"]]
    assert max(numbers) == 3
    assert "OrderNumber" not in first  # not given, so not in the brief answer
    taken = api.post("salesorder/SalesOrders", order_body(seeded, OrderNumber=2))
    assert taken.status_code == 400 and "OrderNumber" in error_text(taken)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SalesOrderLines": []}, "a sales order needs at least one line"),
        ({"SalesOrderLines": None}, "a sales order needs at least one line"),
        ({"OrderedBy": None}, "Mandatory: OrderedBy"),
        ({"SalesOrderLines": [{"Quantity": 1}]}, "SalesOrderLines[1] Mandatory: Item"),
        ({"SalesOrderLines": [{"Item": "00000000-0000-4000-8000-000000000000"}]}, "Item: no item with ID"),
        ({"OrderedBy": "00000000-0000-4000-8000-000000000000"}, "OrderedBy: no account with ID"),
        ({"SalesOrderLines": "lines"}, "SalesOrderLines"),
        ({"SalesOrderLines": [{"Item": "x"}]}, "to type 'System.Guid'"),
        ({"SalesOrderLines": [{"Colour": "x"}]}, "The property 'Colour' does not exist on type"),
    ],
)
def test_invalid_orders_are_refused_with_400(
    seeded: SeedResult, api: Api, change: dict[str, Any], message: str
) -> None:
    body = {**order_body(seeded), **change}
    answer = api.post("salesorder/SalesOrders", body)
    assert answer.status_code == 400
    assert message in error_text(answer)


def test_a_line_posted_on_its_own_joins_its_order_and_moves_the_total(
    seeded: SeedResult, mock: ExactOnlineMock, api: Api
) -> None:
    order = api.post("salesorder/SalesOrders", order_body(seeded, lines=1)).json()["d"]
    before = mock.control.record("orders", order["OrderID"])
    assert before is not None
    line = {"OrderID": order["OrderID"], "Item": seeded.items[5], "Quantity": 1.0, "UnitPrice": 100.0, "VATCode": "0"}
    answer = api.post("salesorder/SalesOrderLines", line, headers={"Prefer": "return=representation"})
    assert answer.status_code == 201 and answer.json()["d"]["LineNumber"] == 2
    after = mock.control.record("orders", order["OrderID"])
    assert after is not None
    assert after["AmountFC"] == pytest.approx(before["AmountFC"] + 100.0)
    assert after["Timestamp"] > before["Timestamp"]


def test_a_line_needs_a_known_order_and_item(seeded: SeedResult, api: Api) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert "Mandatory: OrderID" in error_text(api.post("salesorder/SalesOrderLines", {"Item": seeded.items[0]}))
    assert "no sales order" in error_text(
        api.post("salesorder/SalesOrderLines", {"OrderID": missing, "Item": seeded.items[0]})
    )


def test_the_last_line_of_an_order_cannot_be_deleted_but_the_order_can(
    seeded: SeedResult, mock: ExactOnlineMock, api: Api
) -> None:
    order = api.post("salesorder/SalesOrders", order_body(seeded, lines=1)).json()["d"]
    line = mock.control.division().lines_of(order["OrderID"])[0]
    assert api.delete(f"salesorder/SalesOrderLines(guid'{line['ID']}')").status_code == 400
    assert api.delete(f"salesorder/SalesOrders(guid'{order['OrderID']}')").status_code == 204
    kinds = sorted(r["EntityType"] for r in mock.control.records("deleted"))
    assert kinds == [32, 33]


def test_put_on_an_order_changes_its_lines_and_adds_new_ones(
    seeded: SeedResult, mock: ExactOnlineMock, api: Api
) -> None:
    order = api.post("salesorder/SalesOrders", order_body(seeded, lines=1)).json()["d"]
    line = mock.control.division().lines_of(order["OrderID"])[0]
    body = {
        "Description": "Gewijzigd",
        "SalesOrderLines": [{"ID": line["ID"], "Quantity": 5.0}, {"Item": seeded.items[3]}],
    }
    assert api.put(f"salesorder/SalesOrders(guid'{order['OrderID']}')", body).status_code == 204
    lines = mock.control.division().lines_of(order["OrderID"])
    assert [(ln["LineNumber"], ln["Quantity"]) for ln in lines] == [(1, 5.0), (2, 1.0)]
    assert lines[0]["AmountFC"] == 50.0


def test_put_on_a_line_cannot_move_it_to_another_order(seeded: SeedResult, mock: ExactOnlineMock, api: Api) -> None:
    line = mock.control.records("lines")[0]
    other = next(o for o in mock.control.records("orders") if o["OrderID"] != line["OrderID"])
    answer = api.put(f"salesorder/SalesOrderLines(guid'{line['ID']}')", {"OrderID": other["OrderID"]})
    assert answer.status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "sync/Logistics/Items"),
        ("PUT", "bulk/Logistics/Items(guid'00000000-0000-4000-8000-000000000000')"),
        ("DELETE", "logistics/Items"),
        ("POST", "logistics/Items(guid'00000000-0000-4000-8000-000000000000')"),
    ],
)
def test_methods_an_endpoint_does_not_take_answer_405(api: Api, method: str, path: str) -> None:
    answer = api.http.request(method, api.url(path), json={}, headers=api.headers())
    assert answer.status_code in (400, 405)
    assert error_text(answer)


def test_an_order_whose_lines_repeat_an_id_is_refused_before_anything_is_written(
    seeded: SeedResult, mock: ExactOnlineMock, api: Api
) -> None:
    line_id = "11111111-1111-4111-8111-111111111111"
    body = {"OrderedBy": seeded.accounts[0], "SalesOrderLines": [{"ID": line_id, "Item": seeded.items[0]}] * 2}
    orders_before = len(mock.control.records("orders"))
    assert api.post("salesorder/SalesOrders", body).status_code == 400
    assert len(mock.control.records("orders")) == orders_before
    assert mock.control.record("lines", line_id) is None
