"""The faker factory: a fixed seed gives the same plausible site every time, and its orders
reference real variants with totals that add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from squarespace_helpers import Api

from harness.clock import VirtualClock
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.control import SquarespaceControl
from harness.squarespace.factory import SquarespaceFactory
from harness.squarespace.values import parse_iso, parse_money


def _site(seed: int) -> SquarespaceControl:
    control = SquarespaceMock(VirtualClock(), seed=seed).control
    control.seed(products=30, orders=20)
    return control


def test_the_same_seed_gives_the_same_site() -> None:
    assert _site(7).snapshot() == _site(7).snapshot()


def test_another_seed_gives_another_site() -> None:
    names = {p["name"] for p in _site(7).products()}
    assert names != {p["name"] for p in _site(8).products()}


def test_products_are_plausible_with_one_variant_each() -> None:
    products = _site(3).products()
    skus = [p["variants"][0]["sku"] for p in products]
    assert len(set(skus)) == len(skus)
    for product in products:
        assert len(product["variants"]) == 1 and product["type"] == "PHYSICAL"
        assert len(product["name"].split()) >= 3 and product["description"].startswith("<p>")
        variant = product["variants"][0]
        assert parse_money(variant["pricing"]["basePrice"]["value"]) is not None
        assert variant["shippingMeasurements"]["weight"]["value"] > 0
        stock = variant["stock"]
        assert stock["quantity"] == 0 if stock["unlimited"] else stock["quantity"] >= 0


def test_orders_reference_the_sites_variants_and_their_totals_add_up() -> None:
    control = _site(5)
    variants = {p["variants"][0]["id"]: p for p in control.products()}
    statuses = set()
    for order in control.orders():
        statuses.add(order["fulfillmentStatus"])
        subtotal = Decimal(0)
        for line in order["lineItems"]:
            product = variants[line["variantId"]]
            assert (line["productId"], line["sku"]) == (product["id"], product["variants"][0]["sku"])
            subtotal += Decimal(line["unitPricePaid"]["value"]) * line["quantity"]
        assert Decimal(order["subtotal"]["value"]) == subtotal
        total = sum(Decimal(order[k]["value"]) for k in ("subtotal", "shippingTotal", "taxTotal"))
        assert Decimal(order["grandTotal"]["value"]) == total
        created, modified = parse_iso(order["createdOn"]), parse_iso(order["modifiedOn"])
        assert created is not None and modified is not None and created <= modified
        assert order["customerEmail"] and "@" in order["customerEmail"]
    assert statuses >= {"PENDING", "FULFILLED"}


def test_a_factory_body_is_a_valid_create_and_import(api: Api, control: SquarespaceControl) -> None:
    factory = SquarespaceFactory(seed=11)
    product = api.post("/1.1/commerce/products", json=factory.product_body(control.store_page_id()))
    assert product.status_code == 201, product.text
    variant = product.json()["variants"][0]
    body = factory.order_import_body([(variant["id"], 2, Decimal(variant["pricing"]["basePrice"]["value"]))])
    response = api.post("/1.0/commerce/orders", json=body, headers={"Idempotency-Key": "f1"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(("products", "orders"), [(0, 0), (0, 5), (1, 1)])
def test_seeding_small_sites_works(products: int, orders: int) -> None:
    control = SquarespaceMock(VirtualClock()).control
    filled = control.seed(products=products, orders=orders)
    assert len(filled.product_ids) == products
    assert len(filled.order_ids) == (orders if products else 0)
