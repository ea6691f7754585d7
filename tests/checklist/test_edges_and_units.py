"""The edge values of the checklist's edge items are drawn only where both fields hold them, and the oracle
reads a Squarespace weight with its unit and an amount with its currency."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from support import FIXTURES

from harness.checklist import oracle
from harness.checklist.edges import edge_value
from harness.dataflow.parser import parse_file
from harness.dataflow.scenarios import EDGES
from harness.mapping.rows import MappingRow
from harness.mapping.sections import SectionMapping, effective_mapping

INVENTORY, PRODUCTS, ORDER = effective_mapping(parse_file(FIXTURES / "specs" / "exact-squarespace.rst"))


def _row(mapping: SectionMapping, label: str) -> MappingRow:
    return next(r for r in (*mapping.rows, *mapping.key_rows) if r.label == label)


NAME = _row(PRODUCTS, "Description → name")
WEIGHT = _row(PRODUCTS, "NetWeight → variants.shippingMeasurements.weight.value")
VISIBLE = _row(PRODUCTS, "IsWebshopItem → isVisible")
PRICE = _row(PRODUCTS, "StandardSalesPrice → variants.pricing.basePrice.value")
CODE = _row(PRODUCTS, "Code → variants.sku")


@pytest.mark.parametrize(
    ("row", "edge", "expected"),
    [
        (WEIGHT, "zero", 0.0),
        (WEIGHT, "a fractional number", 0.125),
        (VISIBLE, "false", 0),
        (PRICE, "zero", None),  # Squarespace holds "no price" as 0.00: a zero price is an empty one
        (PRICE, "a fractional number", 0.5),
        (NAME, "false", None),
        (CODE, "white space around the text", None),  # a key identifies the record: never an edge value
    ],
)
def test_an_edge_is_drawn_only_where_both_fields_hold_it(row: MappingRow, edge: str, expected: Any) -> None:
    assert edge_value(row, edge) == expected


def test_the_text_edges_are_what_they_say() -> None:
    spaced = edge_value(NAME, "white space around the text")
    assert spaced != spaced.strip() and "  " in spaced.strip()
    decomposed = edge_value(NAME, "another Unicode normal form")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    limit = edge_value(NAME, "multi-byte text at the length limit")
    assert len(limit) == 60 and len(limit.encode("utf-8")) > 60  # Description holds 60 characters


def test_every_edge_has_a_value_for_some_row_of_the_bundled_spec() -> None:
    rows = [*INVENTORY.rows, *PRODUCTS.rows, *ORDER.rows]
    assert all(any(edge_value(row, edge) is not None for row in rows) for edge in EDGES)


@pytest.mark.parametrize(
    ("value", "holder", "expected"),
    [
        (Decimal("2.5"), {"unit": "KILOGRAM", "value": 2.5}, Decimal("2.5")),
        (Decimal("10"), {"unit": "POUND", "value": 10}, Decimal("4.5359237")),
        (Decimal("9.99"), {"currency": "EUR", "value": "9.99"}, Decimal("9.99")),
        (Decimal("9.99"), {"currency": "USD", "value": "9.99"}, "9.99 USD"),
        (None, {"unit": "POUND", "value": 0}, None),
    ],
)
def test_a_value_is_read_with_its_unit_or_currency(value: Any, holder: dict[str, Any], expected: Any) -> None:
    assert oracle.in_units(value, holder, currency="EUR") == expected
