"""The field catalogue: which dotted paths exist per spec type, how each may be written, and that
the mock serves exactly what the catalogue names."""

from __future__ import annotations

from typing import Any

import pytest
from squarespace_helpers import Api, order_body, product_body

from harness.squarespace.control import SquarespaceControl
from harness.systems import squarespace as catalogue
from harness.systems.squarespace import ValueKind, field, type_fields

#: The target paths the bundled spec's sections write (Items → Inventory/Sesamproducts, Salesorders → Order).
SPEC_PATHS = [
    ("Inventory", "sku"),
    ("Inventory", "quantity"),
    ("Inventory", "descriptor"),
    ("Sesamproducts", "name"),
    ("Sesamproducts", "description"),
    ("Sesamproducts", "isVisible"),
    ("Sesamproducts", "variants.sku"),
    ("Sesamproducts", "variants.stock.quantity"),
    ("Sesamproducts", "variants.pricing.basePrice.value"),
    ("Sesamproducts", "variants.pricing.salePrice.value"),
    ("Sesamproducts", "variants.shippingMeasurements.weight.value"),
    ("Order", "orderNumber"),
    ("Order", "createdOn"),
    ("Order", "grandTotal.currency"),
    ("Order", "grandTotal.value"),
    ("Order", "lineItems.variantId"),
    ("Order", "lineItems.quantity"),
    ("Order", "lineItems.unitPricePaid.value"),
    ("Order", "customerEmail"),
    ("Order", "fulfillmentStatus"),
]


@pytest.mark.parametrize(("spec_type", "path"), SPEC_PATHS)
def test_every_path_the_spec_writes_is_in_the_catalogue(spec_type: str, path: str) -> None:
    assert field(spec_type, path) is not None


@pytest.mark.parametrize(
    ("spec_type", "path", "kind", "on_create", "on_update"),
    [
        ("Inventory", "sku", ValueKind.STRING, catalogue.CREATE_PRODUCT, catalogue.UPDATE_VARIANT),
        ("Inventory", "quantity", ValueKind.INTEGER, catalogue.CREATE_PRODUCT, catalogue.ADJUST_INVENTORY),
        ("Inventory", "descriptor", ValueKind.STRING, None, None),
        ("Inventory", "variantId", ValueKind.ID, None, None),
        ("Sesamproducts", "name", ValueKind.STRING, catalogue.CREATE_PRODUCT, catalogue.UPDATE_PRODUCT),
        ("Sesamproducts", "description", ValueKind.HTML, catalogue.CREATE_PRODUCT, catalogue.UPDATE_PRODUCT),
        ("Sesamproducts", "isVisible", ValueKind.BOOLEAN, catalogue.CREATE_PRODUCT, catalogue.UPDATE_PRODUCT),
        ("Sesamproducts", "type", ValueKind.ENUM, catalogue.CREATE_PRODUCT, None),
        ("Sesamproducts", "storePageId", ValueKind.ID, catalogue.CREATE_PRODUCT, None),
        ("Sesamproducts", "variants.sku", ValueKind.STRING, catalogue.CREATE_PRODUCT, catalogue.UPDATE_VARIANT),
        (
            "Sesamproducts",
            "variants.stock.quantity",
            ValueKind.INTEGER,
            catalogue.CREATE_PRODUCT,
            catalogue.ADJUST_INVENTORY,
        ),
        (
            "Sesamproducts",
            "variants.pricing.basePrice.value",
            ValueKind.MONEY,
            catalogue.CREATE_PRODUCT,
            catalogue.UPDATE_VARIANT,
        ),
        (
            "Sesamproducts",
            "variants.shippingMeasurements.weight.value",
            ValueKind.NUMBER,
            catalogue.CREATE_PRODUCT,
            catalogue.UPDATE_VARIANT,
        ),
        ("Sesamproducts", "id", ValueKind.ID, None, None),
        ("Sesamproducts", "createdOn", ValueKind.DATETIME, None, None),
        ("Sesamproducts", "modifiedOn", ValueKind.DATETIME, None, None),
        ("Sesamproducts", "url", ValueKind.STRING, None, None),
        ("Order", "orderNumber", ValueKind.STRING, None, None),
        ("Order", "createdOn", ValueKind.DATETIME, catalogue.IMPORT_ORDER, None),
        ("Order", "modifiedOn", ValueKind.DATETIME, None, None),
        ("Order", "customerEmail", ValueKind.EMAIL, catalogue.IMPORT_ORDER, None),
        ("Order", "grandTotal.value", ValueKind.MONEY, catalogue.IMPORT_ORDER, None),
        ("Order", "grandTotal.currency", ValueKind.CURRENCY, catalogue.IMPORT_ORDER, None),
        ("Order", "lineItems.variantId", ValueKind.ID, catalogue.IMPORT_ORDER, None),
        ("Order", "lineItems.quantity", ValueKind.INTEGER, catalogue.IMPORT_ORDER, None),
        ("Order", "fulfillmentStatus", ValueKind.ENUM, catalogue.IMPORT_ORDER, catalogue.FULFIL_ORDER),
    ],
)
def test_a_field_says_its_kind_and_through_which_call_it_is_written(
    spec_type: str, path: str, kind: ValueKind, on_create: str | None, on_update: str | None
) -> None:
    spec = field(spec_type, path)
    assert spec is not None
    assert spec.kind is kind
    assert (spec.create.call if spec.create else None) == on_create
    assert (spec.update.call if spec.update else None) == on_update
    assert spec.read_only == (on_create is None and on_update is None)


@pytest.mark.parametrize(
    ("spec_type", "path", "max_length"),
    [
        ("Sesamproducts", "name", 200),
        ("Sesamproducts", "urlSlug", 200),
        ("Sesamproducts", "description", 102_400),
        ("Sesamproducts", "variants.sku", 60),
        ("Inventory", "sku", 60),
        ("Order", "channelName", 30),
        ("Order", "externalOrderReference", 200),
    ],
)
def test_string_limits_are_catalogued(spec_type: str, path: str, max_length: int) -> None:
    spec = field(spec_type, path)
    assert spec is not None and spec.max_length == max_length


def test_the_order_line_variant_is_a_reference_to_a_variant() -> None:
    spec = field("Order", "lineItems.variantId")
    assert spec is not None and spec.reference == "variant" and spec.required


def test_only_physical_products_may_be_created() -> None:
    spec = field("Sesamproducts", "type")
    assert spec is not None and spec.create is not None
    assert spec.create.values == ("PHYSICAL",)
    assert set(spec.values) == {"PHYSICAL", "SERVICE", "GIFT_CARD", "DIGITAL"}


def test_a_fulfilment_can_only_set_fulfilled() -> None:
    spec = field("Order", "fulfillmentStatus")
    assert spec is not None and spec.update is not None and spec.update.values == ("FULFILLED",)


@pytest.mark.parametrize(("spec_type", "path"), [("Inventory", "stock"), ("Order", "lineItems"), ("Sesamproducts", "")])
def test_an_unknown_path_is_none(spec_type: str, path: str) -> None:
    assert field(spec_type, path) is None


def test_an_unknown_type_has_no_fields() -> None:
    assert field("Items", "Code") is None
    with pytest.raises(KeyError):
        type_fields("Items")


def _leaves(value: Any, prefix: str = "") -> set[str]:
    """Dotted leaf paths of a JSON value (lists stepped through by name, maps and lists of strings as leaves)."""
    if isinstance(value, dict) and value and not prefix.endswith("attributes"):
        out: set[str] = set()
        for key, child in value.items():
            out |= _leaves(child, f"{prefix}.{key}" if prefix else key)
        return out
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return set().union(*(_leaves(item, prefix) for item in value))
    return {prefix}


#: Served fields the catalogue leaves out on purpose: images and free-form order parts no spec maps.
NOT_CATALOGUED = {
    "images",
    "variants.image",
    "lineItems.variantOptions",
    "lineItems.customizations",
    "lineItems.imageUrl",
    "lineItems.lineItemType",
    "internalNotes",
    "shippingLines",
    "discountLines",
    "formSubmission",
    "fulfillments",
}


def test_the_catalogue_names_every_field_the_mock_serves_and_no_other(
    control: SquarespaceControl, api: Api, page_id: str
) -> None:
    product = api.post("/1.1/commerce/products", json=product_body(page_id)).json()
    variant_id = product["variants"][0]["id"]
    order_json = api.post(
        "/1.0/commerce/orders",
        json=order_body(variant_id, billingAddress={"city": "Utrecht"}, shippingAddress={"city": "Utrecht"}),
        headers={"Idempotency-Key": "k1"},
    ).json()
    inventory = api.get(f"/1.0/commerce/inventory/{variant_id}").json()["inventory"][0]
    for spec_type, served in (("Sesamproducts", product), ("Order", order_json), ("Inventory", inventory)):
        catalogued = {f.path for f in type_fields(spec_type)}
        assert _leaves(served) - NOT_CATALOGUED == catalogued, spec_type
