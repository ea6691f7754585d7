"""Properties over the catalogue: any one-variant product survives create then get unchanged in every
writable field, and a product broken in any one field — or any JSON at all — is refused with a 400
(never a 5xx, never a crash of the mock). Derandomized, with a bounded budget."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from squarespace_helpers import Api

from harness.clock import VirtualClock
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.serve import squarespace
from harness.squarespace.strategies import (
    CREATE_FIELDS,
    broken_product_bodies,
    expected_value,
    product_bodies,
    read_path,
)

PAGE = "695b7d9091b7584a2265b1f5"  #: the first store page id of a seed-1 mock at DEFAULT_EPOCH
BOUNDED = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(
    ["type", "storePageId", "name", "variants", "sku", "pricing", "stock", "quantity", "variantId",
     "incrementOperations", "setUnlimitedOperations", "lineItems", "channelName", "externalOrderReference",
     "unitPricePaid", "basePrice", "value", "currency", "attributes", "shouldSendNotification", "shipments"]
)  # fmt: skip
SHAPED = st.recursive(
    JSON,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=5),
    max_leaves=16,
)


@contextmanager
def _site(http: httpx.Client) -> Iterator[tuple[SquarespaceMock, Api]]:
    """A fresh seed-1 site with one store page, reached in-process through the session's client."""
    mock = SquarespaceMock(VirtualClock(), seed=1)
    page = mock.store.add_page("Shop")
    assert page.id == PAGE
    with squarespace(mock):
        yield mock, Api(mock, http)


@BOUNDED
@given(body=product_bodies(PAGE))
def test_any_catalogued_product_survives_create_then_get_unchanged(http: httpx.Client, body: dict[str, Any]) -> None:
    with _site(http) as (mock, api):
        created = api.post("/1.1/commerce/products", json=body)
        assert created.status_code == 201, created.text
        got = api.get(f"/1.1/commerce/products/{created.json()['id']}").json()["products"][0]
        for spec in CREATE_FIELDS:
            assert read_path(got, spec.path) == expected_value(body, spec.path), spec.path
        assert mock.calls.crashes() == []


@BOUNDED
@given(case=broken_product_bodies(PAGE))
def test_a_product_broken_in_one_field_is_refused_with_400_and_nothing_is_created(
    http: httpx.Client, case: tuple[dict[str, Any], str]
) -> None:
    body, path = case
    with _site(http) as (mock, api):
        response = api.post("/1.1/commerce/products", json=body)
        assert response.status_code == 400, (path, response.text)
        assert set(response.json()) == {"type", "subtype", "message", "details", "contextId"}
        assert mock.store.products == {}
        assert mock.calls.crashes() == []


ENDPOINTS = st.sampled_from(
    [
        ("POST", "/1.1/commerce/products"),
        ("POST", "/1.1/commerce/products/{product}"),
        ("POST", "/1.1/commerce/products/{product}/variants"),
        ("POST", "/1.1/commerce/products/{product}/variants/{variant}"),
        ("POST", "/1.0/commerce/inventory/adjustments"),
        ("POST", "/1.0/commerce/orders"),
        ("POST", "/1.0/commerce/orders/0123456789abcdef01234567/fulfillments"),
    ]
)


@BOUNDED
@given(endpoint=ENDPOINTS, body=SHAPED)
def test_any_json_body_gets_an_answer_below_500_and_never_crashes_the_mock(
    http: httpx.Client, endpoint: tuple[str, str], body: Any
) -> None:
    with _site(http) as (mock, api):
        product = mock.control.create_product(name="Mug", sku="M-1")
        method, template = endpoint
        path = template.format(product=product["id"], variant=product["variants"][0]["id"])
        response = api.request(method, path, json=body, headers={"Idempotency-Key": "prop-1"})
        assert response.status_code < 500, response.text
        assert mock.calls.crashes() == []
