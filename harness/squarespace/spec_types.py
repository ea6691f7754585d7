"""Squarespace records under the spec's type names: in Squarespace an inventory item is not a record of its
own but the stock of a product's variant, so one product with one variant is both a "Sesamproducts" record
(``name``, ``variants.sku``, ...) and an "Inventory" record (``sku``, ``quantity``, ``isUnlimited``,
``variantId``, ``descriptor``). Facts of the system, used alike by the engine and the checker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.systems.squarespace import INVENTORY_PATHS, physical_path

__all__ = ["INVENTORY", "INVENTORY_PATHS", "physical_path", "product_view", "stored_value"]

INVENTORY = "Inventory"
#: what a product holds where it is written no value (Squarespace has no empty weight, price or stock)
_EMPTY_HELD_AS: dict[str, Any] = {
    "variants.pricing.basePrice.value": "0.00",
    "variants.pricing.salePrice.value": "0.00",
    "variants.shippingMeasurements.weight.value": 0.0,
    "variants.shippingMeasurements.dimensions.length": 0.0,
    "variants.shippingMeasurements.dimensions.width": 0.0,
    "variants.shippingMeasurements.dimensions.height": 0.0,
    "variants.stock.quantity": 0,
    "name": "",
    "description": "",
}


def product_view(product: Mapping[str, Any]) -> dict[str, Any]:
    """A product as both spec types see it: the product (Sesamproducts) plus its variant's inventory
    item (Inventory: sku, quantity, isUnlimited, variantId, descriptor). A product with other than one
    variant is kept with a ``$problem`` (never taken for deleted) but not synced."""
    variants = product.get("variants") or []
    if len(variants) != 1:
        problem = f"product {product['id']} has {len(variants)} variants; talkqa syncs products with exactly one"
        return {**{k: v for k, v in product.items() if k != "variants"}, "$problem": problem}
    variant = variants[0]
    stock = variant.get("stock") or {}
    attributes = variant.get("attributes") or {}
    descriptor = str(product.get("name") or "")
    if attributes:
        descriptor += " [" + ", ".join(f"{k}: {v}" for k, v in attributes.items()) + "]"
    data = dict(product)
    data.update(
        {
            "sku": variant.get("sku"),
            "quantity": stock.get("quantity"),
            "isUnlimited": stock.get("unlimited"),
            "variantId": variant.get("id"),
            "descriptor": descriptor,
        }
    )
    return data


def stored_value(spec_type: str, path: str, value: Any) -> Any:
    """What a product holds once ``value`` is written at ``path`` of ``spec_type``: no weight is a
    weight or dimension of 0, no price 0.00, no stock 0, no name or description an empty text."""
    if value is None or value == "":
        return _EMPTY_HELD_AS.get(physical_path(spec_type, path), value)
    return value
