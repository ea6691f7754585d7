"""A mapping row converts and compares values under its data type and its fields' limits; a section builds
target records and lists differences, lines and references included."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES

from harness.dataflow.parser import parse_file
from harness.errors import ConversionError
from harness.mapping.rows import LinkedIds, MappingRow
from harness.mapping.sections import SectionMapping, effective_mapping
from harness.sync import crossing
from harness.systems.fields import lookup_field
from harness.systems.squarespace import CURRENCIES

INVENTORY, PRODUCTS, ORDER = effective_mapping(parse_file(FIXTURES / "specs" / "exact-squarespace.rst"))
ITEM_ID = "0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5"
OTHER_ID = "1a2b3c4d-0000-4000-8000-000000000001"
LINKS = LinkedIds({ITEM_ID: "variant-1", OTHER_ID: "variant-2"})
ITEM: dict[str, Any] = {
    "ID": ITEM_ID,
    "Code": "A-100     ",
    "Description": "Chair",
    "ExtraDescription": "<p>Oak</p>",
    "NetWeight": 2.5,
    "StandardSalesPrice": 19.99,
    "IsWebshopItem": 1,
    "Stock": 4.0,
}
SALES_ORDER: dict[str, Any] = {
    "OrderNumber": 1001,
    "OrderDate": "/Date(1641034800123)/",
    "Currency": "EUR",
    "AmountFC": 59.97,
    "SalesOrderLines": {
        "results": [
            {"Item": ITEM_ID.upper(), "Quantity": 2.0, "UnitPrice": 19.99},
            {"Item": OTHER_ID, "Quantity": 1.0, "UnitPrice": 19.99},
        ]
    },
}


def _row(mapping: SectionMapping, label: str) -> MappingRow:
    return next(r for r in (*mapping.rows, *mapping.key_rows) if r.label == label)


def test_a_section_builds_the_nested_target_record_it_creates() -> None:
    assert crossing.build_target(PRODUCTS, ITEM) == {
        "variants": [
            {
                "sku": "A-100",
                "shippingMeasurements": {"weight": {"value": 2.5}},
                "pricing": {"basePrice": {"value": "19.99"}},
            }
        ],
        "name": "Chair",
        "description": "<p>Oak</p>",
        "isVisible": True,
    }


def test_an_order_is_built_with_one_line_item_per_line_pointing_at_linked_variants() -> None:
    order = crossing.build_target(ORDER, SALES_ORDER, links=LINKS)
    assert order == {
        "externalOrderReference": "1001",
        "createdOn": "2022-01-01T11:00:00.123Z",
        "grandTotal": {"currency": "EUR", "value": "59.97"},
        "lineItems": [
            {"variantId": "variant-1", "quantity": 2, "unitPricePaid": {"value": "19.99"}},
            {"variantId": "variant-2", "quantity": 1, "unitPricePaid": {"value": "19.99"}},
        ],
    }
    assert "orderNumber" not in order, "Squarespace numbers orders itself"


def test_a_built_record_has_no_differences_but_for_what_only_flows_back() -> None:
    assert crossing.differences(PRODUCTS, ITEM, crossing.build_target(PRODUCTS, ITEM)) == ()
    order = crossing.build_target(ORDER, SALES_ORDER, links=LINKS)
    assert crossing.differences(ORDER, SALES_ORDER, order, links=LINKS) == ()
    assert order["externalOrderReference"] == "1001"


def test_a_difference_names_the_row_the_values_and_the_line() -> None:
    order = crossing.build_target(ORDER, SALES_ORDER, links=LINKS)
    order["lineItems"][1]["quantity"] = 5
    order["lineItems"][0]["variantId"] = "variant-2"
    found = {
        (d.row.label, d.line, d.source_value, d.target_value)
        for d in crossing.differences(ORDER, SALES_ORDER, order, links=LINKS)
    }
    assert found == {
        ("SalesOrderLines.Quantity → lineItems.quantity", 1, 1.0, 5),
        ("SalesOrderLines.Item → lineItems.variantId", 0, ITEM_ID.upper(), "variant-2"),
    }


def test_a_missing_line_is_a_difference_of_every_line_row() -> None:
    order = crossing.build_target(ORDER, SALES_ORDER, links=LINKS)
    del order["lineItems"][1]
    differences = crossing.differences(ORDER, SALES_ORDER, order, links=LINKS)
    assert {(d.line, d.reason) for d in differences} == {(1, "line 2 has no counterpart in the target")}
    assert len(differences) == 3


def test_a_value_of_the_wrong_kind_is_a_difference_that_says_so() -> None:
    product = crossing.build_target(PRODUCTS, ITEM)
    product["variants"][0]["pricing"]["basePrice"]["value"] = 19.99  # a number, not a money string
    (difference,) = crossing.differences(PRODUCTS, ITEM, product)
    assert difference.reason.startswith("cannot be compared: StandardSalesPrice → variants.pricing.basePrice.value")
    assert "not a Squarespace money value" in difference.reason


def test_target_values_follow_what_each_call_may_write() -> None:
    assert set(crossing.target_values(ORDER, SALES_ORDER, links=LINKS, when="update")) == set()
    assert set(crossing.target_values(INVENTORY, ITEM, when="update")) == {"sku", "quantity"}
    assert crossing.target_values(INVENTORY, ITEM) == {"sku": "A-100", "quantity": 4}


def test_source_values_carry_only_rows_that_flow_back() -> None:
    values = crossing.source_values(PRODUCTS, crossing.build_target(PRODUCTS, ITEM) | {"name": "Table"})
    assert values == {
        "Code": "A-100",
        "Description": "Table",
        "ExtraDescription": "<p>Oak</p>",
        "NetWeight": 2.5,
        "IsWebshopItem": 1,
    }
    order = crossing.build_target(ORDER, SALES_ORDER, links=LINKS) | {
        "externalOrderReference": "77",
        "orderNumber": "5",
    }
    lines = crossing.source_values(ORDER, order, links=LINKS)
    assert lines["OrderNumber"] == 77
    assert lines["SalesOrderLines.Item"] == [ITEM_ID, OTHER_ID]
    assert "AmountFC" not in lines


def test_a_reference_row_needs_the_links() -> None:
    row = _row(ORDER, "SalesOrderLines.Item → lineItems.variantId")
    with pytest.raises(ConversionError, match="refers to the Exact Online item: its ids cross through the links"):
        crossing.to_target(row, ITEM_ID)
    with pytest.raises(ConversionError, match="no linked counterpart"):
        crossing.to_target(row, "99999999-0000-4000-8000-000000000000", links=LINKS)
    assert crossing.to_source(row, "variant-2", links=LINKS) == OTHER_ID
    assert crossing.canonical(row, "variant-1", side="target", links=LINKS) == ITEM_ID


@pytest.mark.parametrize(
    ("mapping", "label", "method", "value", "message"),
    [
        (PRODUCTS, "Description → name", "to_source", "x" * 61, "61 characters, but Exact Online Items.Description"),
        (PRODUCTS, "Code → variants.sku", "to_target", "C" * 61, "holds at most 60"),
        (INVENTORY, "Stock → quantity", "to_target", -1.0, "below the minimum 0"),
        (ORDER, "SalesOrderLines.Quantity → lineItems.quantity", "to_target", 0.0, "below the minimum 1"),
        (PRODUCTS, "StandardSalesPrice → variants.pricing.basePrice.value", "to_target", 1e7, "above the maximum"),
        (ORDER, "Currency → grandTotal.currency", "to_target", "XYZ", "none of USD"),
        (
            PRODUCTS,
            "StandardSalesPrice → variants.pricing.basePrice.value",
            "to_target",
            0.1 + 0.2,
            "more than 2 decimals",
        ),
    ],
)
def test_a_value_the_receiving_field_cannot_hold_is_refused_naming_the_row(
    mapping: SectionMapping, label: str, method: str, value: object, message: str
) -> None:
    row = _row(mapping, label)
    with pytest.raises(ConversionError, match=message) as caught:
        getattr(crossing, method)(row, value)
    assert str(caught.value).startswith(f"{label}: ")


def test_rows_know_what_is_empty_on_each_side() -> None:
    description = _row(PRODUCTS, "ExtraDescription → description")
    assert crossing.is_empty(description, "   ", side="source") and crossing.is_empty(description, None, side="target")
    stock = _row(INVENTORY, "Stock → quantity")
    assert not crossing.is_empty(stock, 0.0, side="source") and not crossing.is_empty(stock, 0, side="target")
    assert crossing.same(stock, 0.0, 0) and not crossing.same(stock, None, 0)


def test_a_row_reports_itself() -> None:
    row = _row(INVENTORY, "Stock → quantity")
    assert row.as_json() == {
        "source": "Stock",
        "target": "quantity",
        "datatype": "integer",
        "origin": f"{FIXTURES / 'specs' / 'exact-squarespace.rst'}:29",
        "assumed": False,
        "direction": "source_to_target",
        "direction_reason": row.direction_reason,
        "key": False,
        "conversion": "Exact Online Edm.Double ↔ Squarespace integer (integer)",
    }
    assert row.as_property_mapping().line == 29
    assert INVENTORY.as_json()["key_rows"] == ["Code → sku"]


@pytest.mark.parametrize(
    ("system", "spec_type", "path", "expected"),
    [
        ("Exact Online", "Items", "Code", ("String", True, True, True, None)),
        ("exact online", "items", "Stock", ("Double", False, False, False, None)),
        ("Exact Online", "Salesorders", "SalesOrderLines.Item", ("Guid", True, True, False, "SalesOrderLines")),
        ("Exact Online", "Salesorderlines", "Item", ("Guid", True, True, False, None)),
        ("Squarespace", "Order", "createdOn", ("datetime", True, False, False, None)),
        ("Squarespace", "Order", "lineItems.quantity", ("integer", True, False, False, "lineItems")),
        ("Squarespace", "Sesamproducts", "variants.sku", ("string", True, True, True, None)),
    ],
)
def test_fields_are_looked_up_in_the_catalogues(
    system: str, spec_type: str, path: str, expected: tuple[object, ...]
) -> None:
    found = lookup_field(system, spec_type, path)
    assert not isinstance(found, str), found
    assert (
        found.kind,
        found.writable_on_create,
        found.writable_on_update,
        found.unique,
        found.line_collection,
    ) == expected


@pytest.mark.parametrize(
    ("system", "spec_type", "path", "reason"),
    [
        ("Exact Online", "Items", "Code.Sub", "only a line collection's fields take a dot"),
        ("Exact Online", "Salesorders", "SalesOrderLines.Itemm", "Exact Online Salesorders has no field 'Itemm'"),
        ("Exact Online", "Salesorders", "SalesOrderLines.Item.ID", "only a line collection's fields take a dot"),
        ("Squarespace", "Products", "name", "no type 'Products'"),
        ("", "Items", "Code", "no field catalogue for 'a blank system'"),
    ],
)
def test_a_field_that_is_not_there_says_why(system: str, spec_type: str, path: str, reason: str) -> None:
    found = lookup_field(system, spec_type, path)
    assert isinstance(found, str) and reason in found


# -- every mapped row of the bundled spec round-trips (the CI profile: derandomized, bounded) --------------

_SOURCE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "Code": st.text(alphabet="ABCDEFGHIJ-0123456789", min_size=1, max_size=50).map(lambda s: s + "   "),
    "Description": st.text(min_size=1, max_size=60),
    "ExtraDescription": st.text(max_size=255),
    "NetWeight": st.floats(min_value=0, max_value=1e6, allow_nan=False),
    "StandardSalesPrice": st.integers(0, 10**8).map(lambda c: c / 100),
    "IsWebshopItem": st.sampled_from([0, 1]),
    "Stock": st.integers(0, 10**9).map(float),
    "OrderNumber": st.integers(1, 2**31 - 1),
    "OrderDate": st.integers(-(10**12), 10**13).map(lambda ms: f"/Date({ms})/"),
    "Currency": st.sampled_from(CURRENCIES),
    "AmountFC": st.integers(0, 10**8).map(lambda c: c / 100),
    "SalesOrderLines.Item": st.sampled_from([ITEM_ID, OTHER_ID]),
    "SalesOrderLines.Quantity": st.integers(1, 10**6).map(float),
    "SalesOrderLines.UnitPrice": st.integers(0, 10**8).map(lambda c: c / 100),
}
ROWS = [row for mapping in (INVENTORY, PRODUCTS, ORDER) for row in mapping.rows]


def test_every_bundled_row_has_a_value_strategy() -> None:
    assert {row.source.path for row in ROWS} == set(_SOURCE_VALUES)


@pytest.mark.parametrize("row", ROWS, ids=[row.label for row in ROWS])
def test_every_bundled_row_round_trips_under_its_data_type(row: MappingRow) -> None:
    @settings(derandomize=True, max_examples=60, deadline=None, database=None)
    @given(_SOURCE_VALUES[row.source.path])
    def check(value: Any) -> None:
        crossed = crossing.to_target(row, value, links=LINKS)
        assert crossing.same(row, value, crossed, links=LINKS)
        back = crossing.to_source(row, crossed, links=LINKS)
        assert crossing.canonical(row, back, side="source") == crossing.canonical(row, value, side="source")

    check()
