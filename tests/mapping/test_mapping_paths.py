"""Dotted paths read and write nested values, through one-element variant lists and per-line collections."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import MappingError
from harness.mapping.paths import get_path, set_path

PRODUCT: dict[str, Any] = {
    "name": "Chair",
    "variants": [{"sku": "A-1", "pricing": {"basePrice": {"currency": "EUR", "value": "19.99"}}}],
}
ORDER: dict[str, Any] = {
    "grandTotal": {"value": "5.00"},
    "lineItems": [{"variantId": "v1", "quantity": 2}, {"variantId": "v2", "quantity": 3}],
}


@pytest.mark.parametrize(
    ("record", "path", "expected"),
    [
        (PRODUCT, "name", "Chair"),
        (PRODUCT, "variants.sku", "A-1"),
        (PRODUCT, "variants.pricing.basePrice.value", "19.99"),
        (PRODUCT, "variants.pricing.salePrice.value", None),
        (PRODUCT, "missing.deeper", None),
        (PRODUCT, "name.deeper", None),
        ({"variants": []}, "variants.sku", None),
        ({"variants": None}, "variants.sku", None),
        (ORDER, "grandTotal.value", "5.00"),
        (ORDER, "lineItems.quantity", [2, 3]),
        (ORDER, "lineItems.variantId", ["v1", "v2"]),
        ({"lineItems": []}, "lineItems.quantity", []),
        ({"lineItems": [{"quantity": 1}, "junk"]}, "lineItems.quantity", [1, None]),
        ({"SalesOrderLines": {"results": [{"Item": "i1"}, {"Item": "i2"}]}}, "SalesOrderLines.Item", ["i1", "i2"]),
        ({"SalesOrderLines": [{"Item": "i1"}]}, "SalesOrderLines.Item", ["i1"]),
    ],
)
def test_get_path_reads_nested_values_and_one_value_per_line(record: dict[str, Any], path: str, expected: Any) -> None:
    assert get_path(record, path) == expected


def test_get_path_refuses_a_product_with_two_variants() -> None:
    with pytest.raises(MappingError, match="2 elements"):
        get_path({"variants": [{"sku": "a"}, {"sku": "b"}]}, "variants.sku")


def test_set_path_creates_nested_objects_and_a_one_element_variant_list() -> None:
    record: dict[str, Any] = {}
    set_path(record, "variants.pricing.basePrice.value", "19.99")
    set_path(record, "variants.sku", "A-1")
    set_path(record, "name", "Chair")
    assert record == {"variants": [{"pricing": {"basePrice": {"value": "19.99"}}, "sku": "A-1"}], "name": "Chair"}


def test_set_path_writes_into_the_existing_variant() -> None:
    record: dict[str, Any] = {"variants": [{"id": "v1", "sku": "old"}]}
    set_path(record, "variants.sku", "new")
    assert record == {"variants": [{"id": "v1", "sku": "new"}]}


def test_set_path_writes_one_value_per_line_adding_lines() -> None:
    record: dict[str, Any] = {}
    set_path(record, "lineItems.quantity", [2, 3])
    set_path(record, "lineItems.unitPricePaid.value", ["1.00", "2.50"])
    assert record == {
        "lineItems": [
            {"quantity": 2, "unitPricePaid": {"value": "1.00"}},
            {"quantity": 3, "unitPricePaid": {"value": "2.50"}},
        ]
    }


def test_set_path_writes_into_odata_expanded_lines() -> None:
    record: dict[str, Any] = {"SalesOrderLines": {"results": [{"ID": "l1"}]}}
    set_path(record, "SalesOrderLines.Quantity", [4.0])
    assert record == {"SalesOrderLines": [{"ID": "l1", "Quantity": 4.0}]}


@pytest.mark.parametrize(
    ("record", "path", "value", "message"),
    [
        ({}, "lineItems.quantity", 2, "one value per line"),
        ({"lineItems": [{}, {}]}, "lineItems.quantity", [1], "1 values for 2 lines"),
        ({"variants": [{}, {}]}, "variants.sku", "x", "2 elements"),
        ({"grandTotal": "5.00"}, "grandTotal.value", "5.00", "not an object"),
    ],
)
def test_set_path_refuses_what_it_cannot_write_unambiguously(
    record: dict[str, Any], path: str, value: Any, message: str
) -> None:
    with pytest.raises(MappingError, match=message):
        set_path(record, path, value)


def test_what_set_path_writes_get_path_reads_back() -> None:
    record: dict[str, Any] = {}
    writes = {
        "variants.shippingMeasurements.weight.value": 2.5,
        "isVisible": True,
        "lineItems.variantId": ["a", "b", "c"],
    }
    for path, value in writes.items():
        set_path(record, path, value)
    assert {path: get_path(record, path) for path in writes} == writes
