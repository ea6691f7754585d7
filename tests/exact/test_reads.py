"""Reading collections and entities: paging with __next, the query options, sync and bulk rules,
JSON only on request, and bad queries answered with Exact's 400."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
from exact_helpers import BASE, Api, error_text, http_client

from harness.exact.app import ExactOnlineMock
from harness.exact.settings import ExactSettings


@pytest.fixture
def seeded(mock: ExactOnlineMock) -> ExactOnlineMock:
    mock.control.seed(items=120, orders=4)
    return mock


def test_a_collection_comes_in_pages_of_60_and_a_full_last_page_links_to_an_empty_one(
    seeded: ExactOnlineMock, api: Api
) -> None:
    first = api.get("logistics/Items").json()["d"]
    assert len(first["results"]) == 60
    second = api.http.get(first["__next"], headers=api.headers()).json()["d"]
    assert len(second["results"]) == 60
    third = api.http.get(second["__next"], headers=api.headers()).json()["d"]
    assert third == {"results": []}
    ids = [r["ID"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 120


def test_the_next_link_is_absolute_and_keeps_the_query(seeded: ExactOnlineMock, api: Api) -> None:
    answer = api.get("logistics/Items", params={"$select": "ID,Code", "$filter": "IsSalesItem eq true"}).json()["d"]
    link = urlsplit(answer["__next"])
    assert f"{link.scheme}://{link.netloc}" == BASE
    assert link.path == f"/api/v1/{api.division}/logistics/Items"
    params = dict(parse_qsl(link.query))
    assert params["$select"] == "ID,Code"
    assert params["$filter"] == "IsSalesItem eq true"
    assert params["$skiptoken"].startswith("guid'")
    assert set(answer["results"][0]) == {"__metadata", "ID", "Code"}


def test_a_page_that_is_not_full_has_no_next_link(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.seed(items=59, orders=0)
    assert "__next" not in api.get("logistics/Items").json()["d"]


def test_every_entity_carries_metadata_with_its_own_address(seeded: ExactOnlineMock, api: Api) -> None:
    row = api.get("logistics/Items", params={"$top": "1"}).json()["d"]["results"][0]
    assert row["__metadata"] == {
        "uri": f"{BASE}/api/v1/{api.division}/logistics/Items(guid'{row['ID']}')",
        "type": "Exact.Web.Api.Models.Logistics.Item",
    }
    single = api.get(f"logistics/Items(guid'{row['ID']}')").json()
    assert set(single) == {"d"} and single["d"]["ID"] == row["ID"]
    assert single["d"]["Created"].startswith("/Date(")


def test_an_unknown_key_answers_404_in_exacts_shape(seeded: ExactOnlineMock, api: Api) -> None:
    answer = api.get("logistics/Items(guid'00000000-0000-4000-8000-000000000000')")
    assert answer.status_code == 404
    assert error_text(answer)


def test_top_orderby_and_inlinecount_work_together(seeded: ExactOnlineMock, api: Api) -> None:
    answer = api.get(
        "logistics/Items", params={"$top": "5", "$orderby": "Code desc", "$inlinecount": "allpages", "$select": "Code"}
    ).json()["d"]
    codes = [r["Code"] for r in answer["results"]]
    assert codes == sorted((i["Code"] for i in seeded.control.records("items")), reverse=True)[:5]
    assert answer["__count"] == "120"
    assert "__next" not in answer


def test_top_beyond_a_page_pages_on_with_what_is_left(seeded: ExactOnlineMock, api: Api) -> None:
    first = api.get("logistics/Items", params={"$top": "70"}).json()["d"]
    assert len(first["results"]) == 60
    assert dict(parse_qsl(urlsplit(first["__next"]).query))["$top"] == "10"
    second = api.http.get(first["__next"], headers=api.headers()).json()["d"]
    assert len(second["results"]) == 10 and "__next" not in second


def test_top_may_answer_a_bare_array_when_so_configured() -> None:
    from harness.exact.inprocess import exact_online

    with exact_online(settings=ExactSettings(top_returns_bare_array=True)) as mock:
        mock.control.seed(items=3, orders=0)

        api = Api(mock, http_client())
        assert isinstance(api.get("logistics/Items", params={"$top": "2"}).json()["d"], list)
        assert isinstance(
            api.get("logistics/Items", params={"$top": "2", "$inlinecount": "allpages"}).json()["d"], dict
        )


def test_count_answers_a_plain_number_honouring_the_filter(seeded: ExactOnlineMock, api: Api) -> None:
    answer = api.get("logistics/Items/$count", params={"$filter": "Unit eq 'stuk'"})
    expected = sum(1 for i in seeded.control.records("items") if i["Unit"].strip() == "stuk")
    assert answer.text == str(expected)


def test_orders_show_lines_deferred_unless_expanded(seeded: ExactOnlineMock, api: Api) -> None:
    plain = api.get("salesorder/SalesOrders", params={"$top": "1"}).json()["d"]["results"][0]
    assert set(plain["SalesOrderLines"]) == {"__deferred"}
    expanded = api.get("salesorder/SalesOrders", params={"$top": "1", "$expand": "SalesOrderLines"}).json()["d"]
    lines = expanded["results"][0]["SalesOrderLines"]["results"]
    assert 1 <= len(lines) <= 5
    assert all(line["OrderID"] == plain["OrderID"] for line in lines)
    via_nav = api.http.get(plain["SalesOrderLines"]["__deferred"]["uri"], headers=api.headers()).json()["d"]
    assert sorted(r["ID"] for r in via_nav["results"]) == sorted(line["ID"] for line in lines)


def test_without_an_accept_header_for_json_the_answer_is_atom_xml(seeded: ExactOnlineMock, api: Api) -> None:
    answer = api.http.get(api.url("logistics/Items"), headers={"Authorization": f"Bearer {api.token}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 60
    error = api.http.get(api.url("logistics/Items?$skip=1"), headers={"Authorization": f"Bearer {api.token}"})
    assert error.status_code == 400 and ET.fromstring(error.content).tag.endswith("error")


def test_sync_pages_hold_1000_rows_in_timestamp_order(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.seed(items=1000, orders=0)
    first = api.get("sync/Logistics/Items", params={"$select": "ID,Timestamp", "$filter": "Timestamp gt 1"}).json()["d"]
    stamps = [r["Timestamp"] for r in first["results"]]
    assert len(stamps) == 1000 and stamps == sorted(stamps)
    assert api.http.get(first["__next"], headers=api.headers()).json()["d"]["results"] == []
    later = api.get("sync/Logistics/Items", params={"$select": "ID", "$filter": f"Timestamp gt {stamps[989]}"}).json()[
        "d"
    ]
    assert len(later["results"]) == 10


def test_timestamp_can_be_sent_as_a_string() -> None:
    from harness.exact.inprocess import exact_online

    with exact_online(settings=ExactSettings(timestamp_as_string=True)) as mock:
        mock.control.seed(items=1, orders=0)

        api = Api(mock, http_client())
        row = api.get("sync/Logistics/Items", params={"$select": "Timestamp"}).json()["d"]["results"][0]
        assert isinstance(row["Timestamp"], str) and int(row["Timestamp"]) > 1


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("sync/Logistics/Items", {}, "$select is mandatory"),
        ("sync/Logistics/Items", {"$select": "*"}, "$select=* is not allowed"),
        ("sync/Logistics/Items", {"$select": "ID", "$filter": "Code eq 'x'"}, "Only $filter=Timestamp gt"),
        ("sync/Logistics/Items", {"$select": "ID", "$filter": "Timestamp ge 1"}, "Only $filter=Timestamp gt"),
        ("sync/Logistics/Items", {"$select": "ID", "$top": "5"}, "not supported on sync endpoints"),
        ("sync/Deleted", {"$select": "ID", "$orderby": "ID"}, "not supported on sync endpoints"),
        ("bulk/Logistics/Items", {}, "$select is mandatory"),
        ("bulk/SalesOrder/SalesOrders", {"$select": "*"}, "$select=* is not allowed"),
        ("logistics/Items", {"$select": "Colour"}, "Could not find a property named 'Colour'"),
        ("logistics/Items", {"$expand": "Lines"}, "Could not find a navigation property"),
        ("logistics/Items", {"$orderby": "Nope"}, "Could not find a property named 'Nope'"),
        ("logistics/Items", {"$filter": "Code eq"}, "Expression expected"),
        ("logistics/Items", {"$filter": "ID eq 'x'"}, "incompatible"),
        ("logistics/Items", {"$skiptoken": "oops"}, "$skiptoken 'oops' is not valid"),
        ("logistics/Items", {"$skip": "60"}, "$skip is not supported"),
        ("logistics/Items", {"$search": "x"}, "not recognized"),
    ],
)
def test_queries_exact_does_not_take_answer_400(
    seeded: ExactOnlineMock, api: Api, path: str, params: dict[str, str], message: str
) -> None:
    answer = api.get(path, params=params)
    assert answer.status_code == 400
    assert message in error_text(answer)


def test_bulk_endpoints_page_1000_with_a_required_select(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.seed(items=1001, orders=0)
    first = api.get("bulk/Logistics/Items", params={"$select": "ID,Code"}).json()["d"]
    assert len(first["results"]) == 1000
    assert len(api.http.get(first["__next"], headers=api.headers()).json()["d"]["results"]) == 1


def test_sync_deleted_lists_deletions_by_entity_type(seeded: ExactOnlineMock, api: Api) -> None:
    order = seeded.control.records("orders")[0]
    lines = seeded.control.division().lines_of(order["OrderID"])
    seeded.control.delete("orders", order["OrderID"])
    rows = api.get("sync/Deleted", params={"$select": "EntityKey,EntityType,Timestamp"}).json()["d"]["results"]
    assert {(r["EntityKey"], r["EntityType"]) for r in rows} == {(order["OrderID"], 32)} | {
        (line["ID"], 33) for line in lines
    }
    only_lines = api.get(
        "sync/Deleted", params={"$select": "EntityType", "$filter": "Timestamp gt 1 and EntityType eq 33"}
    )
    assert {r["EntityType"] for r in only_lines.json()["d"]["results"]} == {33}


def test_deletions_do_not_show_on_the_other_sync_endpoints(seeded: ExactOnlineMock, api: Api) -> None:
    item = seeded.control.create_item({"Code": "GONE", "Description": "to be deleted"})
    seeded.control.delete("items", item["ID"])
    rows = api.get("sync/Logistics/Items", params={"$select": "ID"}).json()["d"]["results"]
    assert item["ID"] not in {r["ID"] for r in rows}


def test_current_me_answers_the_current_division_as_a_one_row_collection(mock: ExactOnlineMock, api: Api) -> None:
    answer = api.http.get(f"{BASE}/api/v1/current/Me?$select=CurrentDivision,FullName", headers=api.headers())
    results = answer.json()["d"]["results"]
    assert results[0]["CurrentDivision"] == mock.settings.default_division
    assert set(results[0]) == {"__metadata", "CurrentDivision", "FullName"}


@pytest.mark.parametrize("host", ["nl", "be", "de", "fr", "es", "co.uk", "com"])
def test_every_country_host_reaches_the_mock(mock: ExactOnlineMock, api: Api, host: str) -> None:
    answer = api.http.get(f"https://start.exactonline.{host}/api/v1/current/Me", headers=api.headers())
    assert answer.status_code == 200
    assert answer.json()["d"]["results"][0]["__metadata"]["uri"].startswith(f"https://start.exactonline.{host}/")


def test_unknown_resources_answer_404(mock: ExactOnlineMock, api: Api) -> None:
    for path in ("crm/Accounts", "logistics/Itemz"):
        answer = api.get(path)
        assert answer.status_code == 404
        assert error_text(answer) == "Resource not found."


@pytest.mark.parametrize(
    ("path", "table"),
    [
        ("sync/Logistics/Items", "items"),
        ("sync/SalesOrder/SalesOrderHeaders", "orders"),
        ("sync/SalesOrder/SalesOrderLines", "lines"),
        ("bulk/Logistics/Items", "items"),
        ("bulk/SalesOrder/SalesOrders", "orders"),
        ("bulk/SalesOrder/SalesOrderLines", "lines"),
    ],
)
def test_every_sync_and_bulk_endpoint_serves_its_table(
    seeded: ExactOnlineMock, api: Api, path: str, table: str
) -> None:
    key = "OrderID" if table == "orders" else "ID"
    rows = api.get(path, params={"$select": key}).json()["d"]["results"]
    assert sorted(r[key] for r in rows) == sorted(r[key] for r in seeded.control.records(table))
    metadata = rows[0]["__metadata"]
    assert metadata["type"].startswith("Exact.Web.Api.Models.")
    assert metadata["uri"].startswith(f"{BASE}/api/v1/{api.division}/{path}(")


def test_a_record_changed_between_two_sync_pages_comes_again_on_a_later_page(mock: ExactOnlineMock, api: Api) -> None:
    mock.control.seed(items=1500, orders=0)
    select = {"$select": "ID,Timestamp", "$filter": "Timestamp gt 1"}
    first = api.get("sync/Logistics/Items", params=select).json()["d"]
    changed = first["results"][0]["ID"]
    mock.control.edit("items", changed, {"Description": "Tussendoor gewijzigd"})
    second = api.http.get(first["__next"], headers=api.headers()).json()["d"]["results"]
    assert len(second) == 501
    assert second[-1]["ID"] == changed
    assert second[-1]["Timestamp"] > first["results"][-1]["Timestamp"]
