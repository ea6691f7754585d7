"""Property tests from the field catalogue: any valid Item or SalesOrder survives POST then GET
unchanged in every field it wrote (under each Edm type's rules), and any broken one gets a 400 —
never a 500, never a crash of the mock."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from exact_helpers import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.strategies import broken_item_bodies, expected_value, item_bodies, order_bodies
from harness.mock.messages import MockRequest
from harness.systems.exact import resource

PROFILE = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
ITEMS, ORDERS, LINES = (
    resource(p) for p in ("logistics/Items", "salesorder/SalesOrders", "salesorder/SalesOrderLines")
)


class Direct:
    """The mock's core called with no HTTP stack: the property runs many examples fast (the HTTP
    adapters are held to the core by the transport tests)."""

    def __init__(self) -> None:
        self.mock = ExactOnlineMock(VirtualClock())
        token = self.mock.control.issue_tokens().access_token
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.prefix = f"{BASE}/api/v1/{self.mock.settings.default_division}/"

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
        headers = {**self.headers, "Content-Type": "application/json"}
        answer = self.mock.handle(MockRequest.build(method, self.prefix + path, headers=headers, body=body))
        return answer.status, answer.parsed() if answer.body else None


def assert_round_trip(spec_fields: dict[str, Any], given_body: dict[str, Any], stored: dict[str, Any]) -> None:
    for name, value in given_body.items():
        assert stored[name] == expected_value(spec_fields[name], value), name


@PROFILE
@given(item_bodies())
def test_any_valid_item_survives_post_then_get_unchanged(body: dict[str, Any]) -> None:
    api = Direct()
    status, created = api.call("POST", "logistics/Items", json.dumps(body).encode())
    assert status == 201, created
    status, fetched = api.call("GET", f"logistics/Items(guid'{created['d']['ID']}')")
    assert status == 200
    assert_round_trip({f.name: f for f in ITEMS.fields}, body, fetched["d"])
    assert api.mock.calls.crashes() == []


@PROFILE
@given(st.data())
def test_any_valid_sales_order_survives_post_then_get_unchanged(data: st.DataObject) -> None:
    api = Direct()
    seeded = api.mock.control.seed(items=4, orders=0)
    body = data.draw(order_bodies(seeded.items, seeded.accounts))
    status, created = api.call("POST", "salesorder/SalesOrders", json.dumps(body).encode())
    assert status == 201, created
    key = created["d"]["OrderID"]
    status, fetched = api.call("GET", f"salesorder/SalesOrders(guid'{key}')?$expand=SalesOrderLines")
    assert status == 200
    order = fetched["d"]
    header = {k: v for k, v in body.items() if k != "SalesOrderLines"}
    assert_round_trip({f.name: f for f in ORDERS.fields}, header, order)
    lines = order["SalesOrderLines"]["results"]
    assert len(lines) == len(body["SalesOrderLines"])
    line_fields = {f.name: f for f in LINES.fields}
    for given_line, stored_line in zip(body["SalesOrderLines"], lines, strict=True):
        assert_round_trip(line_fields, given_line, stored_line)
        assert stored_line["OrderID"] == key
    assert api.mock.calls.crashes() == []


@PROFILE
@given(broken_item_bodies())
def test_any_broken_item_gets_a_400_and_never_crashes_the_mock(body: bytes) -> None:
    api = Direct()
    status, answer = api.call("POST", "logistics/Items", body)
    assert status == 400, answer
    assert set(answer) == {"error"} and answer["error"]["message"]["value"]
    assert api.mock.control.records("items") == []
    assert api.mock.calls.crashes() == []


@PROFILE
@given(st.text(max_size=40), st.sampled_from(["$filter", "$select", "$orderby", "$top", "$skiptoken", "$expand"]))
def test_any_query_text_is_answered_and_never_crashes_the_mock(text: str, option: str) -> None:
    api = Direct()
    status, answer = api.call("GET", f"logistics/Items?{option}={quote(text)}")
    assert status in (200, 400), answer
    assert api.mock.calls.crashes() == []
