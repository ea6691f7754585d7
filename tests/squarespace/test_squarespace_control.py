"""The control surface: seeding, a merchant's edits in the UI (always moving modifiedOn, held to the
API's limits), reading as stored, keys, and that none of it is reachable over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from squarespace_helpers import Api

from harness.clock import VirtualClock
from harness.errors import MockError
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.control import SquarespaceControl


def test_seeding_fills_a_store_page_products_and_orders(control: SquarespaceControl) -> None:
    filled = control.seed(products=8, orders=5)
    assert len(filled.product_ids) == 8 and len(filled.order_ids) == 5
    assert [p["id"] for p in control.products()] == list(filled.product_ids)
    assert all(p["storePageId"] == filled.store_page_id for p in control.products())
    assert len(control.inventory()) == 8 and len(control.orders()) == 5


def test_a_merchant_edit_moves_modified_on_and_is_seen_through_the_api(
    api: Api, control: SquarespaceControl, clock: VirtualClock
) -> None:
    product = control.create_product(name="Mug", sku="M-1", price="10.00", quantity=3)
    clock.advance(42)
    edited = control.edit_product(
        product["id"],
        {
            "name": "Blue Mug",
            "isVisible": False,
            "variants.pricing.basePrice.value": "11.50",
            "variants.pricing.salePrice.value": Decimal("9.5"),
            "variants.stock.quantity": 8,
            "variants.shippingMeasurements.weight.value": 0.4,
        },
    )
    assert edited["modifiedOn"] == "2026-01-05T09:00:42.000Z"
    served = api.get(f"/1.1/commerce/products/{product['id']}").json()["products"][0]
    assert served == edited
    variant = served["variants"][0]
    assert (served["name"], served["isVisible"]) == ("Blue Mug", False)
    assert variant["pricing"]["basePrice"] == {"currency": "USD", "value": "11.50"}
    assert variant["pricing"]["salePrice"]["value"] == "9.50"
    assert variant["stock"]["quantity"] == 8 and variant["shippingMeasurements"]["weight"]["value"] == 0.4


def test_every_merchant_edit_moves_modified_on_even_on_a_clock_that_stands_still(control: SquarespaceControl) -> None:
    product = control.create_product(name="Mug", sku="M-1")
    variant_id = product["variants"][0]["id"]
    stamps = [product["modifiedOn"]]
    stamps.append(control.edit_product(product["id"], {"name": "A"})["modifiedOn"])
    control.edit_variant(variant_id, {"sku": "M-2"})
    stamps.append(control.product(product["id"])["modifiedOn"])
    control.set_stock(variant_id, 4)
    stamps.append(control.product(product["id"])["modifiedOn"])
    assert stamps == sorted(stamps) and len(set(stamps)) == 4


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "x" * 201},
        {"variants.pricing.basePrice.value": "12.345"},
        {"variants.stock.quantity": -1},
        {"variants.sku": ""},
        {"id": "0123456789abcdef01234567"},
        {"createdOn": "2026-01-01T00:00:00Z"},
        {"variants.id": "x"},
        {"variants.nothing": 1},
    ],
)
def test_a_merchant_edit_the_ui_would_refuse_raises_mock_error_and_changes_nothing(
    control: SquarespaceControl, changes: dict[str, object]
) -> None:
    product = control.create_product(name="Mug", sku="M-1")
    with pytest.raises(MockError):
        control.edit_product(product["id"], changes)
    assert control.product(product["id"]) == product


def test_variant_paths_of_a_product_with_several_variants_need_edit_variant(control: SquarespaceControl) -> None:
    product = control.create_product(name="Tee", sku="TEE-S")
    control.edit_product(product["id"], {"variantAttributes": ["Size"]})
    control.edit_variant(product["variants"][0]["id"], {"attributes": {"Size": "S"}})
    store = control.store
    from harness.squarespace.payloads import variant_draft
    from harness.squarespace.products import make_variant

    store.add_variant(
        store.product(product["id"]),
        make_variant(store, variant_draft({**_variant("TEE-M"), "attributes": {"Size": "M"}}, "", "USD")),
    )
    with pytest.raises(MockError, match="edit_variant"):
        control.edit_product(product["id"], {"variants.sku": "X"})


def _variant(sku: str) -> dict[str, object]:
    return {"sku": sku, "pricing": {"basePrice": {"currency": "USD", "value": "5.00"}}}


def test_stock_set_to_none_is_unlimited(control: SquarespaceControl) -> None:
    variant_id = control.create_product(name="Mug", sku="M-1", quantity=3)["variants"][0]["id"]
    assert control.set_stock(variant_id, None) == {
        "variantId": variant_id,
        "sku": "M-1",
        "descriptor": "Mug",
        "isUnlimited": True,
        "quantity": 0,
    }
    assert control.set_stock(variant_id, 2)["quantity"] == 2


def test_a_merchant_fulfils_and_cancels_orders(control: SquarespaceControl, clock: VirtualClock) -> None:
    control.seed(products=2, orders=0)
    first, second = control.place_order(), control.place_order()
    clock.advance(10)
    fulfilled = control.fulfil_order(first["id"])
    assert fulfilled["fulfillmentStatus"] == "FULFILLED" and fulfilled["modifiedOn"] > first["modifiedOn"]
    canceled = control.cancel_order(second["id"])
    assert canceled["fulfillmentStatus"] == "CANCELED"
    with pytest.raises(MockError, match="canceled"):
        control.fulfil_order(second["id"])


def test_reading_an_unknown_record_raises_mock_error(control: SquarespaceControl) -> None:
    for read in (control.product, control.order, control.variant, control.inventory_item, control.delete_product):
        with pytest.raises(MockError, match="no "):
            read("0123456789abcdef01234567")


def test_duplicate_skus_show_a_record_created_twice(control: SquarespaceControl) -> None:
    first = control.create_product(name="Mug", sku="M-1")
    second = control.create_product(name="Mug", sku="M-1")
    control.create_product(name="Vase", sku="V-1")
    assert control.duplicate_skus() == {"M-1": [first["variants"][0]["id"], second["variants"][0]["id"]]}


def test_a_deleted_product_leaves_the_listing(control: SquarespaceControl) -> None:
    product = control.create_product(name="Mug", sku="M-1")
    control.delete_product(product["id"])
    assert control.products() == [] and control.inventory() == []


def test_a_revoked_key_cannot_be_read_until_rotated(control: SquarespaceControl) -> None:
    control.revoke_api_key()
    with pytest.raises(MockError, match="revoked"):
        _ = control.api_key
    assert control.rotate_api_key() == control.api_key


def test_the_control_surface_is_no_http_route(api: Api, control: SquarespaceControl) -> None:
    for path in ("/control", "/1.0/commerce/control/seed", "/_mock/seed", "/1.0/commerce/products"):
        assert api.post(path, json={"products": 5}).status_code in {400, 404, 405}
    assert control.products() == []


def test_the_in_process_context_manager_refuses_a_mock_with_another_clock() -> None:
    from harness.squarespace.serve import squarespace

    mock = SquarespaceMock(VirtualClock())
    with pytest.raises(ValueError, match="clock"), squarespace(mock, VirtualClock()):
        pass


def test_a_refused_edit_of_several_fields_changes_none_of_them(control: SquarespaceControl) -> None:
    control.create_product(name="Vase", sku="V-1")
    product = control.create_product(name="Mug", sku="M-1")
    with pytest.raises(MockError, match="urlSlug"):
        control.edit_product(product["id"], {"variants.sku": "M-9", "name": "Cup", "urlSlug": "vase"})
    with pytest.raises(MockError):
        control.edit_product(product["id"], {"name": "Cup", "variants.pricing.basePrice.value": "1.234"})
    assert control.product(product["id"]) == product
    assert control.edit_product(product["id"], {"urlSlug": "cup"})["urlSlug"] == "cup"


def test_a_shoppers_order_takes_its_items_from_stock_and_never_more_than_there_is(
    control: SquarespaceControl, clock: VirtualClock
) -> None:
    product = control.create_product(name="Mug", sku="M-1", quantity=1)
    clock.advance(5)
    order = control.place_order([product["id"]])
    assert [(line["variantId"], line["quantity"]) for line in order["lineItems"]] == [(product["variants"][0]["id"], 1)]
    after = control.product(product["id"])
    assert after["variants"][0]["stock"]["quantity"] == 0 and after["modifiedOn"] > product["modifiedOn"]
    with pytest.raises(MockError, match="in stock"):
        control.place_order([product["id"]])
    assert len(control.orders()) == 1


def test_listed_products_are_the_listings_renderings_made_again_only_after_a_change(
    control: SquarespaceControl,
) -> None:
    made = control.create_product(name="Mok", sku="MOK-1", price="4.50")
    first = {p["id"]: p for p in control.listed_products()}
    assert made["id"] in first
    assert {p["id"]: p for p in control.listed_products()}[made["id"]] is first[made["id"]]  # not rendered again
    control.edit_product(made["id"], {"name": "Beker"})
    again = {p["id"]: p for p in control.listed_products()}[made["id"]]
    assert again is not first[made["id"]] and again["name"] == "Beker"
    assert [p for p in control.products() if p["id"] == made["id"]] == [again]  # as products() copies it
