"""The Orders API: lists by modifiedOn window or cursor (never both), by fulfilment status; get;
keyed imports under the hourly creation limit; fulfilments."""

from __future__ import annotations

from typing import Any

import pytest
from squarespace_helpers import Api, error_of, order_body

from harness.clock import VirtualClock
from harness.squarespace.control import SquarespaceControl

ORDERS = "/1.0/commerce/orders"


@pytest.fixture
def variant_id(control: SquarespaceControl) -> str:
    product = control.create_product(name="Oak Serving Board", sku="BRD-1", price="12.50", quantity=5)
    return str(product["variants"][0]["id"])


def _import(api: Api, body: dict[str, Any], key: str = "order-1") -> Any:
    return api.post(ORDERS, json=body, headers={"Idempotency-Key": key})


def _iso(seconds_after_epoch: float) -> str:
    from harness.clock import DEFAULT_EPOCH
    from harness.squarespace.values import format_iso

    return format_iso(round((DEFAULT_EPOCH + seconds_after_epoch) * 1000))


# -- import ----------------------------------------------------------------------------------
def test_an_imported_order_answers_201_with_every_documented_field(api: Api, variant_id: str) -> None:
    response = _import(api, order_body(variant_id, shippingTotal={"currency": "USD", "value": "4.95"}))
    assert response.status_code == 201
    order = response.json()
    assert set(order) == {
        "id", "orderNumber", "createdOn", "modifiedOn", "channel", "channelName", "externalOrderReference",
        "testmode", "customerEmail", "billingAddress", "shippingAddress", "fulfillmentStatus", "lineItems",
        "internalNotes", "shippingLines", "discountLines", "formSubmission", "fulfillments", "subtotal",
        "shippingTotal", "discountTotal", "taxTotal", "refundedTotal", "grandTotal", "fulfilledOn",
        "priceTaxInterpretation",
    }  # fmt: skip
    line = order["lineItems"][0]
    assert (line["variantId"], line["sku"], line["productName"], line["quantity"]) == (
        variant_id,
        "BRD-1",
        "Oak Serving Board",
        2,
    )
    assert order["subtotal"] == {"currency": "USD", "value": "25.00"}
    assert order["grandTotal"] == {"currency": "USD", "value": "29.95"}
    assert (order["fulfillmentStatus"], order["channel"], order["channelName"]) == (
        "PENDING",
        "external",
        "Exact Online",
    )
    assert order["createdOn"] == order["modifiedOn"] == "2026-01-05T09:00:00.000Z"
    assert order["billingAddress"] is None and order["fulfilledOn"] is None


def test_an_import_may_date_the_order_in_the_past_but_not_the_future(api: Api, variant_id: str) -> None:
    order = _import(api, order_body(variant_id, createdOn="2025-12-24T18:30:00Z")).json()
    assert order["createdOn"] == "2025-12-24T18:30:00.000Z" and order["modifiedOn"] == "2026-01-05T09:00:00.000Z"
    error_of(_import(api, order_body(variant_id, createdOn="2026-01-06T00:00:00Z"), "order-2"), 400)


def test_given_totals_must_add_up(api: Api, variant_id: str) -> None:
    good = order_body(
        variant_id,
        subtotal={"currency": "USD", "value": "25.00"},
        taxTotal={"currency": "USD", "value": "2.00"},
        grandTotal={"currency": "USD", "value": "27.00"},
    )
    assert _import(api, good, "k1").status_code == 201
    inclusive = {**good, "priceTaxInterpretation": "INCLUSIVE", "grandTotal": {"currency": "USD", "value": "25.00"}}
    assert _import(api, inclusive, "k2").status_code == 201
    error_of(_import(api, {**good, "grandTotal": {"currency": "USD", "value": "27.01"}}, "k3"), 400)
    error_of(_import(api, {**good, "subtotal": {"currency": "USD", "value": "24.99"}}, "k4"), 400)


def test_an_import_may_deduct_stock_and_is_refused_when_there_is_not_enough(
    api: Api, control: SquarespaceControl, variant_id: str
) -> None:
    _import(api, order_body(variant_id, quantity=3, inventoryBehavior="DEDUCT"), "k1")
    assert control.inventory_item(variant_id)["quantity"] == 2
    response = _import(api, order_body(variant_id, quantity=3, inventoryBehavior="DEDUCT"), "k2")
    assert error_of(response, 409)["subtype"] == "INSUFFICIENT_STOCK"
    _import(api, order_body(variant_id, quantity=3), "k3")  # SKIP, the default, leaves stock alone
    assert control.inventory_item(variant_id)["quantity"] == 2
    assert len(control.orders()) == 2


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("channelName", None),
        ("channelName", "x" * 31),
        ("externalOrderReference", None),
        ("externalOrderReference", "x" * 201),
        ("customerEmail", "not-an-email"),
        ("lineItems", []),
        ("lineItems", None),
        ("inventoryBehavior", "MAYBE"),
        ("fulfillmentStatus", "CANCELED"),
        ("createdOn", "05/01/2026"),
        ("priceTaxInterpretation", "GROSS"),
        ("orderNumber", "1"),
        ("id", "0123456789abcdef01234567"),
        ("billingAddress", {"street": "Main"}),
        ("shippingTotal", {"currency": "EUR", "value": "1.00"}),
        ("discountTotal", {"currency": "USD", "value": "100.00"}),
        ("line.variantId", "00000000-0000-4000-8000-000000000000"),
        ("line.variantId", "MUG-1"),
        ("line.variantId", None),
        ("line.quantity", 0),
        ("line.quantity", "2"),
        ("line.unitPricePaid", {"currency": "USD", "value": "1.001"}),
        ("line.unitPricePaid", None),
        ("line.lineItemType", "SERVICE"),
        ("line.sku", "BRD-1"),
    ],
)
def test_an_invalid_import_answers_400_and_creates_nothing(
    api: Api, control: SquarespaceControl, variant_id: str, change: str, value: Any
) -> None:
    body = order_body(variant_id)
    if change.startswith("line."):
        body["lineItems"][0][change.removeprefix("line.")] = value
    else:
        body[change] = value
    error_of(_import(api, body), 400)
    assert control.orders() == []


def test_an_import_needs_an_idempotency_key(api: Api, variant_id: str) -> None:
    assert error_of(api.post(ORDERS, json=order_body(variant_id)), 400)["subtype"] == "MISSING_ARGUMENT"


def test_a_replayed_import_answers_the_same_order_and_creates_it_once(
    api: Api, control: SquarespaceControl, variant_id: str, clock: VirtualClock
) -> None:
    first = _import(api, order_body(variant_id), "same-key")
    clock.advance(30)
    again = _import(api, order_body(variant_id), "same-key")
    assert again.status_code == 201 and again.json() == first.json()
    assert len(control.orders()) == 1
    other = _import(api, order_body(variant_id, quantity=1), "same-key")
    assert error_of(other, 409)["subtype"] == "IDEMPOTENCY_KEY_REUSED"


def test_order_numbers_follow_each_other(api: Api, variant_id: str) -> None:
    numbers = [_import(api, order_body(variant_id), f"k{i}").json()["orderNumber"] for i in range(3)]
    assert numbers == ["1001", "1002", "1003"]


# -- the hourly creation limit ---------------------------------------------------------------
def test_the_hourly_order_creation_limit_answers_429_until_the_oldest_import_is_an_hour_old(
    api: Api, control: SquarespaceControl, variant_id: str, clock: VirtualClock
) -> None:
    control.set_order_limit(3)
    for i in range(3):
        assert _import(api, order_body(variant_id), f"k{i}").status_code == 201
        clock.advance(60)
    refused = _import(api, order_body(variant_id), "k3")
    assert error_of(refused, 429)["subtype"] == "ORDER_CREATION_LIMIT_EXCEEDED"
    assert refused.headers["retry-after"] == str(3600 - 180)
    assert _import(api, order_body(variant_id), "k0").status_code == 201  # a replay costs nothing
    assert api.get(ORDERS).status_code == 200  # other calls are not held back
    clock.advance(3600 - 180)
    assert _import(api, order_body(variant_id), "k3").status_code == 201  # the refusal was not remembered
    assert len(control.orders()) == 4


def test_the_default_order_creation_limit_is_100_an_hour(
    api: Api, control: SquarespaceControl, variant_id: str, clock: VirtualClock
) -> None:
    control.set_rate_limit(1000)
    statuses = []
    for i in range(101):
        statuses.append(_import(api, order_body(variant_id), f"k{i}").status_code)
        clock.advance(1)
    assert statuses == [201] * 100 + [429]


# -- list ------------------------------------------------------------------------------------
def test_orders_are_listed_from_the_oldest_change_to_the_newest(
    api: Api, control: SquarespaceControl, variant_id: str, clock: VirtualClock
) -> None:
    first = _import(api, order_body(variant_id), "k1").json()
    clock.advance(10)
    second = _import(api, order_body(variant_id), "k2").json()
    clock.advance(10)
    control.fulfil_order(first["id"])
    listed = api.get(ORDERS).json()
    assert [o["id"] for o in listed["result"]] == [second["id"], first["id"]]
    assert listed["pagination"] == {"hasNextPage": False, "nextPageCursor": None, "nextPageUrl": None}


def test_a_window_holds_orders_modified_after_its_start_up_to_and_with_its_end(
    api: Api, variant_id: str, clock: VirtualClock
) -> None:
    ids = []
    for i in range(4):
        ids.append(_import(api, order_body(variant_id), f"k{i}").json()["id"])
        clock.advance(60)
    window = {"modifiedAfter": _iso(60), "modifiedBefore": _iso(180)}
    assert [o["id"] for o in api.get(ORDERS, params=window).json()["result"]] == ids[2:4]
    earlier = {"modifiedAfter": _iso(-1), "modifiedBefore": _iso(60)}
    assert [o["id"] for o in api.get(ORDERS, params=earlier).json()["result"]] == ids[0:2]


@pytest.mark.parametrize(
    "params",
    [
        {"modifiedAfter": "2026-01-01T00:00:00Z"},
        {"modifiedBefore": "2026-01-01T00:00:00Z"},
        {"modifiedAfter": "2026-01-02T00:00:00Z", "modifiedBefore": "2026-01-01T00:00:00Z"},
        {"modifiedAfter": "yesterday", "modifiedBefore": "2026-01-01T00:00:00Z"},
        {"fulfillmentStatus": "SHIPPED"},
    ],
)
def test_a_malformed_list_request_answers_400(api: Api, params: dict[str, str]) -> None:
    error_of(api.get(ORDERS, params=params), 400)


def test_a_cursor_and_a_window_are_never_combined(api: Api, control: SquarespaceControl) -> None:
    control.seed(products=5, orders=60)
    window = {"modifiedAfter": "2025-01-01T00:00:00Z", "modifiedBefore": "2027-01-01T00:00:00Z"}
    first = api.get(ORDERS, params=window).json()
    cursor = first["pagination"]["nextPageCursor"]
    assert len(first["result"]) == 50 and cursor
    message = error_of(api.get(ORDERS, params={**window, "cursor": cursor}), 400)["message"]
    assert "cursor" in message
    rest = api.get(ORDERS, params={"cursor": cursor}).json()
    assert len(rest["result"]) == 10 and rest["pagination"]["hasNextPage"] is False


def test_a_status_filter_is_carried_by_the_cursor(api: Api, control: SquarespaceControl) -> None:
    control.seed(products=5, orders=150)
    pending = [o["id"] for o in control.orders() if o["fulfillmentStatus"] == "PENDING"]
    assert len(pending) > 50
    first = api.get(ORDERS, params={"fulfillmentStatus": "PENDING"}).json()
    cursor = first["pagination"]["nextPageCursor"]
    rest = api.get(ORDERS, params={"cursor": cursor, "fulfillmentStatus": "PENDING"}).json()
    listed = [o["id"] for o in first["result"]] + [o["id"] for o in rest["result"]]
    while rest["pagination"]["hasNextPage"]:
        rest = api.get(ORDERS, params={"cursor": rest["pagination"]["nextPageCursor"]}).json()
        listed += [o["id"] for o in rest["result"]]
    assert listed == pending
    error_of(api.get(ORDERS, params={"cursor": cursor, "fulfillmentStatus": "FULFILLED"}), 400)


def test_an_order_changed_while_paging_is_served_again_later_and_never_lost(
    api: Api, control: SquarespaceControl, clock: VirtualClock
) -> None:
    control.seed(products=5, orders=60)
    first = api.get(ORDERS).json()
    early = first["result"][0]["id"]
    clock.advance(1)
    control.cancel_order(early)
    rest = api.get(ORDERS, params={"cursor": first["pagination"]["nextPageCursor"]}).json()
    assert rest["result"][-1]["id"] == early and rest["result"][-1]["fulfillmentStatus"] == "CANCELED"
    assert len(rest["result"]) == 11


def test_an_order_is_got_by_id(api: Api, variant_id: str) -> None:
    order = _import(api, order_body(variant_id)).json()
    assert api.get(f"{ORDERS}/{order['id']}").json() == order
    error_of(api.get(f"{ORDERS}/0123456789abcdef01234567"), 404)
    error_of(api.get(f"{ORDERS}/nope"), 404)


# -- fulfilments -----------------------------------------------------------------------------
def test_a_fulfilment_marks_the_order_fulfilled_and_moves_modified_on(
    api: Api, variant_id: str, clock: VirtualClock
) -> None:
    order = _import(api, order_body(variant_id)).json()
    clock.advance(120)
    shipment = {
        "shipDate": "2026-01-05T09:01:00Z",
        "carrierName": "PostNL",
        "service": "Standard",
        "trackingNumber": "3SABCD1234",
        "trackingUrl": None,
    }
    response = api.post(
        f"{ORDERS}/{order['id']}/fulfillments", json={"shouldSendNotification": False, "shipments": [shipment]}
    )
    assert response.status_code == 204 and response.content == b""
    after = api.get(f"{ORDERS}/{order['id']}").json()
    assert after["fulfillmentStatus"] == "FULFILLED"
    assert after["modifiedOn"] == after["fulfilledOn"] == "2026-01-05T09:02:00.000Z"
    assert after["fulfillments"][0]["trackingNumber"] == "3SABCD1234"
    assert after["fulfillments"][0]["shipDate"] == "2026-01-05T09:01:00.000Z"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"shouldSendNotification": "no"},
        {"shouldSendNotification": False, "shipments": [{"carrierName": "DHL"}]},
        {"shouldSendNotification": False, "fulfillmentStatus": "FULFILLED"},
    ],
)
def test_a_malformed_fulfilment_answers_400(api: Api, variant_id: str, body: dict[str, Any]) -> None:
    order = _import(api, order_body(variant_id)).json()
    error_of(api.post(f"{ORDERS}/{order['id']}/fulfillments", json=body), 400)
    assert api.get(f"{ORDERS}/{order['id']}").json()["fulfillmentStatus"] == "PENDING"


def test_a_canceled_order_cannot_be_fulfilled(api: Api, control: SquarespaceControl, variant_id: str) -> None:
    order = _import(api, order_body(variant_id)).json()
    control.cancel_order(order["id"])
    response = api.post(f"{ORDERS}/{order['id']}/fulfillments", json={"shouldSendNotification": False})
    assert error_of(response, 409)["subtype"] == "ORDER_CANCELED"


def test_a_refused_import_does_not_count_against_the_hourly_limit(
    api: Api, control: SquarespaceControl, variant_id: str
) -> None:
    control.set_order_limit(2)
    for i in range(5):
        refused = _import(api, order_body(variant_id, customerEmail="not-an-email"), f"bad{i}")
        assert refused.status_code == 400
    assert _import(api, order_body(variant_id), "k0").status_code == 201
    assert _import(api, order_body(variant_id), "k1").status_code == 201
    assert error_of(_import(api, order_body(variant_id), "k2"), 429)["subtype"] == "ORDER_CREATION_LIMIT_EXCEEDED"


def test_an_import_refused_by_the_hourly_limit_takes_no_stock(
    api: Api, control: SquarespaceControl, variant_id: str
) -> None:
    control.set_order_limit(1)
    assert _import(api, order_body(variant_id, quantity=1, inventoryBehavior="DEDUCT"), "k0").status_code == 201
    before = control.snapshot()
    refused = _import(api, order_body(variant_id, quantity=1, inventoryBehavior="DEDUCT"), "k1")
    assert refused.status_code == 429
    assert control.snapshot() == before


@pytest.mark.parametrize("created", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:30:00+01:00"])
def test_a_creation_time_before_year_1_in_utc_is_refused_and_stores_nothing(
    api: Api, control: SquarespaceControl, variant_id: str, created: str
) -> None:
    for _ in range(3):  # the same key thrice: one refusal, remembered or not, never an order
        refused = _import(api, order_body(variant_id, createdOn=created), "year-zero")
        assert refused.status_code == 400
    assert control.orders() == []
    assert api.get(ORDERS).status_code == 200


def test_a_year_1_creation_time_is_kept_and_written_back_with_four_digits(api: Api, variant_id: str) -> None:
    made = _import(api, order_body(variant_id, createdOn="0001-01-01T00:00:00Z"), "year-one")
    assert made.status_code == 201
    assert made.json()["createdOn"] == "0001-01-01T00:00:00.000Z"
    assert api.get(ORDERS).json()["result"][0]["createdOn"] == "0001-01-01T00:00:00.000Z"
