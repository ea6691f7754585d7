"""SquarespaceClient: paging helpers, reads by ids in chunks, writes that never duplicate across
lost answers, time-outs and 5xx, backoff on the injected clock, and typed give-ups."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from squarespace_helpers import order_body, product_body, variant_body

from harness.clock import VirtualClock
from harness.errors import GaveUpError, SquarespaceApiError
from harness.retry import RetryPolicy
from harness.squarespace.client import SquarespaceClient
from harness.squarespace.control import SquarespaceControl

PRODUCTS = "/commerce/products"
FAULTS = ["lost_response", "timeout", "500", "503"]


def _inject(control: SquarespaceControl, fault: str, path: str, method: str = "POST", times: int = 1) -> None:
    if fault == "lost_response":
        control.lose_response_next(path, method=method, times=times)
    elif fault == "timeout":
        control.time_out_next(path, method=method, times=times)
    else:
        control.fail_next(path, int(fault), method=method, times=times)


# -- reading -----------------------------------------------------------------------------------
def test_the_paging_helpers_follow_cursors_to_the_end(client: SquarespaceClient, control: SquarespaceControl) -> None:
    control.seed(products=120, orders=70)
    assert [p["id"] for p in client.products()] == [p["id"] for p in control.products()]
    assert len(list(client.inventory())) == 120
    assert [o["id"] for o in client.orders()] == [o["id"] for o in control.orders()]
    pages = list(client.product_pages())
    assert [len(p.items) for p in pages] == [50, 50, 20] and pages[-1].next_cursor is None
    assert len(list(client.store_pages())) == 1


def test_orders_are_read_by_a_modified_window_of_aware_datetimes(
    client: SquarespaceClient, control: SquarespaceControl, clock: VirtualClock
) -> None:
    control.seed(products=3, orders=0)
    first = control.place_order()
    clock.advance(60)
    second = control.place_order()
    window = {"modified_after": datetime(2026, 1, 5, 9, 0, 30, tzinfo=UTC), "modified_before": "2026-01-05T09:01:00Z"}
    assert [o["id"] for o in client.orders(**window)] == [second["id"]]
    assert first["id"] in [o["id"] for o in client.orders(fulfillment_status="PENDING")]
    with pytest.raises(ValueError, match="together"):
        list(client.orders(modified_after="2026-01-05T09:00:00Z"))
    with pytest.raises(ValueError, match="aware"):
        list(client.orders(modified_after=datetime(2026, 1, 5), modified_before=datetime(2026, 1, 6)))


def test_reads_by_ids_go_50_at_a_time_and_come_back_in_the_order_asked(
    client: SquarespaceClient, control: SquarespaceControl
) -> None:
    filled = control.seed(products=120, orders=0)
    wanted = list(reversed(filled.product_ids))
    mark = control.calls.mark()
    assert [p["id"] for p in client.get_products(wanted)] == wanted
    assert control.calls.count(path="/products/", since=mark) == 3
    variant_ids = [control.product(p)["variants"][0]["id"] for p in wanted]
    assert [i["variantId"] for i in client.get_inventory(variant_ids)] == variant_ids


def test_find_products_by_sku_finds_every_product_with_it(
    client: SquarespaceClient, control: SquarespaceControl
) -> None:
    control.create_product(name="A", sku="DUP-1")
    control.create_product(name="B", sku="DUP-1")
    control.create_product(name="C", sku="OTHER")
    assert sorted(p["name"] for p in client.find_products_by_sku("DUP-1")) == ["A", "B"]


# -- writing once --------------------------------------------------------------------------------
@pytest.mark.parametrize("fault", FAULTS)
def test_a_product_create_is_never_duplicated_across_an_ambiguous_failure(
    client: SquarespaceClient, control: SquarespaceControl, fault: str
) -> None:
    _inject(control, fault, PRODUCTS, times=2)
    created = client.create_product(product_body(control.store_page_id(), sku="MUG-9"))
    assert [p["id"] for p in control.products_with_sku("MUG-9")] == [created["id"]]
    assert control.duplicate_skus() == {}


def test_a_product_create_without_skus_is_refused_before_sending(
    client: SquarespaceClient, control: SquarespaceControl
) -> None:
    body = product_body(control.store_page_id())
    del body["variants"][0]["sku"]
    with pytest.raises(ValueError, match="sku"):
        client.create_product(body)
    assert control.calls.count() == 0


@pytest.mark.parametrize("fault", FAULTS)
def test_a_variant_create_is_never_duplicated_across_an_ambiguous_failure(
    client: SquarespaceClient, control: SquarespaceControl, fault: str
) -> None:
    product = control.create_product(name="Tee", sku="TEE-S")
    control.edit_product(product["id"], {"variantAttributes": ["Size"]})
    control.edit_variant(product["variants"][0]["id"], {"attributes.Size": "S"})
    _inject(control, fault, "/variants")
    variant = client.create_variant(product["id"], variant_body("TEE-M", attributes={"Size": "M"}))
    assert [v["sku"] for v in control.product(product["id"])["variants"]] == ["TEE-S", "TEE-M"]
    assert variant["sku"] == "TEE-M"


@pytest.mark.parametrize("fault", FAULTS)
def test_an_adjustment_sent_again_after_an_ambiguous_failure_applies_once(
    client: SquarespaceClient, control: SquarespaceControl, fault: str
) -> None:
    variant_id = control.create_product(name="Mug", sku="M-1", quantity=10)["variants"][0]["id"]
    _inject(control, fault, "/adjustments", times=2)
    key = client.adjust_inventory(increments={variant_id: 5})
    assert control.inventory_item(variant_id)["quantity"] == 15
    assert len({dict(c.request_headers)["idempotency-key"] for c in control.calls.records()}) == 1 and key


def test_an_adjustment_retried_after_a_crash_with_its_key_applies_once(
    control: SquarespaceControl, http: httpx.Client
) -> None:
    variant_id = control.create_product(name="Mug", sku="M-1", quantity=10)["variants"][0]["id"]
    control.lose_response_next("/adjustments", times=5)
    impatient = RetryPolicy(max_attempts=1)
    with control.client(retry=impatient, http=http) as client, pytest.raises(GaveUpError):
        client.adjust_inventory(decrements={variant_id: 4}, idempotency_key="sync-42-stock")
    control.faults.clear()
    with control.client(http=http) as restarted:  # the engine restarts and replays its intent
        restarted.adjust_inventory(decrements={variant_id: 4}, idempotency_key="sync-42-stock")
    assert control.inventory_item(variant_id)["quantity"] == 6


@pytest.mark.parametrize("fault", FAULTS)
def test_an_order_import_retried_with_its_key_creates_one_order(
    client: SquarespaceClient, control: SquarespaceControl, fault: str
) -> None:
    variant_id = control.create_product(name="Mug", sku="M-1")["variants"][0]["id"]
    _inject(control, fault, "/orders", times=2)
    order = client.import_order(order_body(variant_id), idempotency_key="so-1001")
    assert [o["id"] for o in control.orders()] == [order["id"]]
    again = client.import_order(order_body(variant_id), idempotency_key="so-1001")
    assert again == order and len(control.orders()) == 1


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fulfilment_after_an_ambiguous_failure_is_sent_once_at_most(
    client: SquarespaceClient, control: SquarespaceControl, fault: str
) -> None:
    control.seed(products=2, orders=0)
    order = control.place_order()
    _inject(control, fault, "/fulfillments")
    shipment = {"shipDate": "2026-01-05T09:00:00Z", "carrierName": "DHL", "service": "Express", "trackingNumber": "T1"}
    client.fulfil_order(order["id"], [shipment])
    fulfilled = control.order(order["id"])
    assert fulfilled["fulfillmentStatus"] == "FULFILLED" and len(fulfilled["fulfillments"]) == 1


@pytest.mark.parametrize("fault", ["lost_response", "timeout", "503"])
def test_a_delete_after_an_ambiguous_failure_is_done_once(
    client: SquarespaceClient, control: SquarespaceControl, fault: str
) -> None:
    product = control.create_product(name="Mug", sku="M-1")
    _inject(control, fault, "/products/", method="DELETE")
    client.delete_product(product["id"])
    assert control.products() == []
    with pytest.raises(SquarespaceApiError) as caught:
        client.delete_product(product["id"])
    assert caught.value.status == 404


def test_updates_are_retried_because_setting_a_value_twice_is_harmless(
    client: SquarespaceClient, control: SquarespaceControl
) -> None:
    product = control.create_product(name="Mug", sku="M-1")
    variant_id = product["variants"][0]["id"]
    control.lose_response_next("/products/", method="POST", times=2)
    assert client.update_product(product["id"], {"name": "Big Mug"})["name"] == "Big Mug"
    changes: dict[str, Any] = {"pricing": {"basePrice": {"currency": "USD", "value": "11.00"}}}
    assert client.update_variant(product["id"], variant_id, changes)["pricing"]["basePrice"]["value"] == "11.00"


# -- backoff and giving up -------------------------------------------------------------------------
def test_5xx_answers_are_retried_with_exponential_backoff_on_the_clock(
    client: SquarespaceClient, control: SquarespaceControl, clock: VirtualClock
) -> None:
    control.fail_next("/orders", 503, times=3)
    assert list(client.orders()) == []
    assert clock.slept == pytest.approx(1 + 2 + 4)
    assert client.transport.retries == 3


def test_the_client_gives_up_after_its_tries_with_a_typed_error_that_says_what_to_do(
    client: SquarespaceClient, control: SquarespaceControl
) -> None:
    control.fail_next("/orders", 500, times=10)
    with pytest.raises(GaveUpError) as caught:
        list(client.orders())
    assert caught.value.attempts == 4 and caught.value.last_status == 500
    assert "max_attempts" in str(caught.value) and "GET /1.0/commerce/orders" in str(caught.value)
    assert control.calls.count() == 4


@pytest.mark.parametrize(
    ("call", "status", "hint"),
    [
        (lambda c: c.get_order("0123456789abcdef01234567"), 404, "does not exist"),
        (lambda c: c.create_product({"type": "SERVICE", "variants": [{"sku": "X"}]}), 400, "fix the data"),
        (lambda c: c.adjust_inventory(decrements={"00000000-0000-4000-8000-000000000000": 1}), 400, "fix the data"),
    ],
)
def test_a_4xx_is_raised_at_once_as_a_squarespace_api_error(
    client: SquarespaceClient, control: SquarespaceControl, call: Any, status: int, hint: str
) -> None:
    with pytest.raises(SquarespaceApiError) as caught:
        call(client)
    assert caught.value.status == status and hint in str(caught.value)
    assert control.calls.count() == 1


def test_a_revoked_key_is_raised_as_a_401_that_points_at_the_key(
    client: SquarespaceClient, control: SquarespaceControl
) -> None:
    control.revoke_api_key()
    with pytest.raises(SquarespaceApiError, match="API key") as caught:
        list(client.orders())
    assert caught.value.status == 401


def test_an_adjustment_of_more_than_50_operations_is_refused_before_sending(client: SquarespaceClient) -> None:
    with pytest.raises(ValueError, match="split"):
        client.adjust_inventory(set_finite={f"00000000-0000-4000-8000-{i:012x}": 1 for i in range(51)})


def test_the_client_reaches_a_site_with_its_own_http_client_and_closes_it(control: SquarespaceControl) -> None:
    with SquarespaceClient(control.api_key, clock=control.clock) as client:
        assert list(client.orders()) == []
    assert client.http.is_closed
