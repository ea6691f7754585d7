"""The checker's oracle reads values from the API facts on its own: a table of what values mean, and a proof
that it agrees with the reference engine wherever both read a value — while sharing none of its code."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES

from harness.checklist import oracle
from harness.checklist.values import row_strategy
from harness.dataflow.parser import parse_file
from harness.errors import ConversionError
from harness.mapping.rows import LinkedIds, MappingRow
from harness.mapping.sections import SectionMapping, effective_mapping
from harness.sync import crossing

INVENTORY, PRODUCTS, ORDER = effective_mapping(parse_file(FIXTURES / "specs" / "exact-squarespace.rst"))
ROWS = [r for m in (INVENTORY, PRODUCTS, ORDER) for r in (*m.rows, *m.key_rows)]
ITEM_ID = "0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5"
LINKS = LinkedIds({ITEM_ID: "variant-1"})
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _row(mapping: SectionMapping, label: str) -> MappingRow:
    return next(r for r in (*mapping.rows, *mapping.key_rows) if r.label == label)


@pytest.mark.parametrize(
    ("mapping", "label", "side", "given", "expected"),
    [
        (INVENTORY, "Code → sku", "source", "A-100     ", "A-100"),
        (INVENTORY, "Code → sku", "source", "   ", None),
        (INVENTORY, "Code → sku", "source", "  A", "  A"),
        (INVENTORY, "Stock → quantity", "source", 4.0, Decimal(4)),
        (INVENTORY, "Stock → quantity", "target", 4, Decimal(4)),
        (INVENTORY, "Stock → quantity", "source", -0.0, Decimal(0)),
        (PRODUCTS, "StandardSalesPrice → variants.pricing.basePrice.value", "target", "19.90", Decimal("19.9")),
        (PRODUCTS, "StandardSalesPrice → variants.pricing.basePrice.value", "source", 0.1, Decimal("0.1")),
        (PRODUCTS, "IsWebshopItem → isVisible", "source", 1, True),
        (PRODUCTS, "IsWebshopItem → isVisible", "target", False, False),
        (ORDER, "OrderNumber → externalOrderReference", "target", "1001", 1001),
        (
            ORDER,
            "OrderDate → createdOn",
            "source",
            "/Date(1641034800123)/",
            datetime(2022, 1, 1, 11, 0, 0, 123000, UTC),
        ),
        (
            ORDER,
            "OrderDate → createdOn",
            "target",
            "2022-01-01T11:00:00.123Z",
            datetime(2022, 1, 1, 11, 0, 0, 123000, UTC),
        ),
        (
            ORDER,
            "OrderDate → createdOn",
            "source",
            "2022-01-01T11:00:00.123",
            datetime(2022, 1, 1, 11, 0, 0, 123000, UTC),
        ),
    ],
)
def test_a_value_means_what_the_api_facts_say(
    mapping: SectionMapping, label: str, side: str, given: object, expected: object
) -> None:
    assert oracle.meaning(_row(mapping, label), given, side=side) == expected


@pytest.mark.parametrize(
    ("mapping", "label", "side", "given"),
    [
        (INVENTORY, "Stock → quantity", "source", "4"),
        (INVENTORY, "Stock → quantity", "source", True),
        (PRODUCTS, "StandardSalesPrice → variants.pricing.basePrice.value", "target", 19.9),
        (PRODUCTS, "IsWebshopItem → isVisible", "source", 2),
        (ORDER, "OrderDate → createdOn", "target", "yesterday"),
        (ORDER, "OrderNumber → externalOrderReference", "target", "01001"),
    ],
)
def test_a_value_of_the_wrong_form_is_unreadable_naming_the_row(
    mapping: SectionMapping, label: str, side: str, given: object
) -> None:
    with pytest.raises(ConversionError, match=f"^{label}: "):
        oracle.meaning(_row(mapping, label), given, side=side)


def test_a_reference_is_compared_through_the_links() -> None:
    line_item = next(r for r in ORDER.rows if r.is_reference)
    assert oracle.meaning(line_item, "variant-1", side="target", links=LINKS) == ITEM_ID
    assert oracle.meaning(line_item, ITEM_ID.upper(), side="source") == ITEM_ID
    with pytest.raises(ConversionError, match="no linked counterpart"):
        oracle.meaning(line_item, "variant-9", side="target", links=LINKS)
    with pytest.raises(ConversionError, match="through the links"):
        oracle.meaning(line_item, "variant-1", side="target")


def test_empty_and_same_follow_each_side() -> None:
    stock = _row(INVENTORY, "Stock → quantity")
    assert not oracle.is_empty(stock, 0.0, side="source")
    assert oracle.same(stock, 0.0, 0) and not oracle.same(stock, None, 0) and oracle.same(stock, None, None)
    assert not oracle.same(stock, 2.5, 2)  # 2.5 is no whole number: no quantity means it
    code = _row(INVENTORY, "Code → sku")
    assert oracle.same(code, "A-1   ", "A-1") and oracle.is_empty(code, "  ", side="source")


@pytest.mark.parametrize(
    ("mapping", "label", "given", "written"),
    [
        (PRODUCTS, "StandardSalesPrice → variants.pricing.basePrice.value", 19.9, "19.90"),
        (INVENTORY, "Stock → quantity", 4.0, 4),
        (PRODUCTS, "IsWebshopItem → isVisible", 0, False),
        (ORDER, "OrderNumber → externalOrderReference", 1001, "1001"),
        (ORDER, "OrderDate → createdOn", "/Date(1641034800123)/", "2022-01-01T11:00:00.123Z"),
        (INVENTORY, "Code → sku", None, ""),
    ],
)
def test_the_checklist_writes_a_value_in_the_targets_form(
    mapping: SectionMapping, label: str, given: object, written: object
) -> None:
    assert oracle.written_in_target(_row(mapping, label), given) == written


def test_a_value_the_target_cannot_hold_is_not_written() -> None:
    with pytest.raises(ConversionError, match="whole cents"):
        oracle.written_in_target(_row(PRODUCTS, "StandardSalesPrice → variants.pricing.basePrice.value"), 0.1 + 0.2)
    with pytest.raises(ConversionError, match="whole number"):
        oracle.written_in_target(_row(INVENTORY, "Stock → quantity"), 2.5)


def _drawable(row: MappingRow) -> bool:
    return not row.is_reference and row_strategy(row, NOW) is not st.nothing()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_oracle_agrees_with_the_engine_wherever_both_read_a_value(data: st.DataObject) -> None:
    """Two readings written apart: on every value the checklist draws, they mean the same."""
    row = data.draw(st.sampled_from([r for r in ROWS if _drawable(r)]), label="row")
    value: Any = data.draw(row_strategy(row, NOW), label="value")
    written = oracle.written_in_target(row, value)
    assert written == crossing.to_target(row, value)
    assert oracle.meaning(row, value, side="source") == crossing.canonical(row, value, side="source")
    assert oracle.meaning(row, written, side="target") == crossing.canonical(row, written, side="target")
    assert oracle.same(row, value, written) and crossing.same(row, value, written)


def test_the_oracle_shares_no_code_with_the_engine() -> None:
    tree = ast.parse(Path(oracle.__file__).read_text(encoding="utf-8"))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("harness.sync", "harness.selfcheck"))}
