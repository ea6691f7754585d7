"""Hypothesis strategies of dataflow documents for Exact Online → Squarespace, drawn over the two field
catalogues: one to four flow sections over the Exact types the mock serves and the Squarespace types, each with
a random subset of compatible rows (each with the data type its target holds), with or without merge criteria
and line rows — and rows that are invalid (an unknown field, a read-only target) for lint to refuse."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hypothesis import strategies as st

from harness.mapping.direction import Direction
from harness.mapping.rows import Origin, build_row
from harness.systems import squarespace
from harness.systems.fields import FieldRef, lookup_field

#: (Exact type, Squarespace type, key row) of the flows the mocks serve
PAIRS = (
    ("Items", "Inventory", ("Code", "sku")),
    ("Items", "Sesamproducts", ("Code", "variants.sku")),
    ("Salesorders", "Order", ("OrderNumber", "externalOrderReference")),
)
#: the line rows of an order: the item's variant, quantity and a price
LINE_ROWS = (
    ("SalesOrderLines.Item", "lineItems.variantId", "string"),
    ("SalesOrderLines.Quantity", "lineItems.quantity", "integer"),
)
LINE_PRICES = ("SalesOrderLines.UnitPrice", "SalesOrderLines.NetPrice")
#: the fields that recognise a record in each type, and the Exact field that fills each (a SKU from the item
#: code): another source there would leave the checklist no way to find a record's counterpart
KEY_TARGETS = {
    "Inventory": {"sku": "Code"},
    "Sesamproducts": {"variants.sku": "Code", "urlSlug": "FreeTextField_01"},
    "Order": {"externalOrderReference": "OrderNumber"},
}
_DATATYPES = {"integer": "integer", "number": "float", "money": "float", "boolean": "boolean"}
#: The fields rows are drawn from: those whose every rule the mocks and the checklist's world model (a field
#: padded to a width, an enum a call narrows, an e-mail address or a total that must add up is left out —
#: each needs values the world does not draw yet).
SOURCE_FIELDS = {
    "Items": (
        *("Code", "Description", "ExtraDescription", "Notes", "FreeTextField_01", "FreeTextField_02"),
        *("NetWeight", "GrossWeight", "CostPriceStandard", "CostPriceNew", "FreeNumberField_01", "FreeNumberField_02"),
        *("IsWebshopItem", "FreeBoolField_01", "FreeBoolField_02", "Stock", "StandardSalesPrice"),
    ),
    "Salesorders": ("OrderNumber", "YourRef", "Description", "Remarks", "Currency", "AmountFC", "OrderDate"),
}
TARGET_FIELDS = {
    "Inventory": ("sku", "quantity"),
    "Sesamproducts": (
        *("name", "description", "seoOptions.title", "seoOptions.description", "urlSlug", "isVisible"),
        *("variants.sku", "variants.pricing.basePrice.value", "variants.pricing.salePrice.value"),
        *("variants.shippingMeasurements.weight.value", "variants.shippingMeasurements.dimensions.length"),
        "variants.stock.quantity",
    ),
    "Order": ("externalOrderReference", "createdOn", "grandTotal.currency", "grandTotal.value", "billingAddress.city"),
}


@dataclass(frozen=True)
class Row:
    source: str
    target: str
    datatype: str


@dataclass(frozen=True)
class Section:
    source_type: str
    target_type: str
    rows: tuple[Row, ...]
    merge: tuple[tuple[str, str], ...] = ()
    #: without the "keep in sync ... regardless of where it is edited" rule: records flow source to target only
    one_way: bool = False


def datatype_of(target: FieldRef) -> str:
    return _DATATYPES.get(target.kind, "string")


def _field(system: str, spec_type: str, path: str) -> FieldRef | None:
    found = lookup_field(system, spec_type, path)
    return None if isinstance(found, str) else found


@cache
def compatible_rows(source_type: str, target_type: str) -> tuple[Row, ...]:
    """Every row between the chosen fields that a conversion joins (no lines: those come from ``LINE_ROWS``),
    with the data type its target holds."""
    out = []
    for target_path in TARGET_FIELDS[target_type]:
        target = _field("Squarespace", target_type, target_path)
        assert target is not None and not target.read_only, target_path
        for source_path in SOURCE_FIELDS[source_type]:
            source = _field("Exact Online", source_type, source_path)
            assert source is not None, source_path
            if source.read_only and not target.writable_on_update:
                continue  # it could flow one way only, and only when the record is created
            if target.choices and source.kind != "String":
                continue  # no value of a number is one of a few codes
            if source_path in KEY_TARGETS[target_type].values() and target_path not in KEY_TARGETS[target_type]:
                continue  # the code that recognises a record is kept for the field that recognises it
            if target_path in KEY_TARGETS[target_type] and source_path != KEY_TARGETS[target_type][target_path]:
                continue  # a field that tells records apart is filled from the one that does in Exact
            built = build_row(source, target, datatype_of(target), Origin("spec", "gen", 1), Direction.BOTH)
            if not isinstance(built, str):
                out.append(Row(source_path, target_path, datatype_of(target)))
    return tuple(out)


@st.composite
def sections(draw: st.DrawFn, source_type: str, target_type: str, key: tuple[str, str]) -> Section:
    pool = compatible_rows(source_type, target_type)
    chosen: list[Row] = []
    if draw(st.booleans()):
        chosen.append(Row(key[0], key[1], "string"))
    for row in draw(st.lists(st.sampled_from(pool), max_size=4)):
        if all(row.source != c.source and row.target != c.target for c in chosen):
            chosen.append(row)
    if target_type == "Order" and draw(st.booleans()):
        chosen.extend(Row(*r) for r in LINE_ROWS)
        chosen.append(Row(draw(st.sampled_from(LINE_PRICES)), "lineItems.unitPricePaid.value", "float"))
    if not chosen:
        chosen.append(Row(key[0], key[1], "string"))
    merge = (key,) if target_type != "Order" and draw(st.booleans()) else ()
    one_way = draw(st.sampled_from((False, False, True)))  # a third without the "regardless of where" rule
    return Section(source_type, target_type, tuple(chosen), merge, one_way)


@st.composite
def documents(draw: st.DrawFn) -> tuple[Section, ...]:
    """One to four sections: each pair of types at most once, and an order's flow always with the items'
    products (an order's lines refer to items, which must be synchronized for the order to be). There are
    three pairs, so a fourth section is one repeated word for word, as the bundled spec repeats one (TQ022)."""
    pairs = draw(st.lists(st.sampled_from(PAIRS), min_size=1, max_size=3, unique=True))
    drawn = _each_field_once([draw(sections(*pair)) for pair in pairs])
    has_orders = any(s.target_type == "Order" for s in drawn)
    if has_orders and not any(s.target_type == "Sesamproducts" for s in drawn):
        drawn = _each_field_once([*drawn, draw(sections(*PAIRS[1]))])
    if len(drawn) < 4 and draw(st.booleans()):
        repeated = draw(st.sampled_from(drawn))
        drawn.insert(draw(st.integers(drawn.index(repeated) + 1, len(drawn))), repeated)
    return tuple(drawn)


def _each_field_once(drawn: list[Section]) -> list[Section]:
    """Each source field in one row of the document but for the item code's rows onto the SKU (one field of
    one product): a field mapped in several sections is the interplay the user-spec fixtures check by hand."""
    used: set[tuple[str, str]] = set()
    out = []
    for section in drawn:
        rows = []
        for row in section.rows:
            key = (section.source_type, row.source)
            if key in used and not (row.source == "Code" and row.target in {"sku", "variants.sku"}):
                continue
            used.add(key)
            rows.append(row)
        key = next(Row(k[0], k[1], "string") for _, t, k in PAIRS if t == section.target_type)
        out.append(
            Section(section.source_type, section.target_type, tuple(rows) or (key,), section.merge, section.one_way)
        )
    return out


@st.composite
def invalid_rows(draw: st.DrawFn) -> Section:
    """A one-row section lint must refuse: a misspelt field on either side, or a read-only Squarespace target
    of a one-way section (in a section synced both ways that is a warning: the row flows one way, TQ031)."""
    source_type, target_type, _ = draw(st.sampled_from(PAIRS))
    pool = compatible_rows(source_type, target_type)
    row = draw(st.sampled_from(pool))
    how = draw(st.sampled_from(["source", "target", "read_only"]))
    typo = draw(st.sampled_from(["x", "_", "s"]))
    if how == "source":
        return Section(source_type, target_type, (Row(row.source + typo, row.target, row.datatype),))
    if how == "target":
        return Section(source_type, target_type, (Row(row.source, row.target + typo, row.datatype),))
    read_only = [f.path for f in squarespace.type_fields(target_type) if f.read_only]
    return Section(
        source_type, target_type, (Row(row.source, draw(st.sampled_from(read_only)), "string"),), one_way=True
    )


# -- rendering -----------------------------------------------------------------------------------
def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    out = [".. list-table::", "   :header-rows: 1", ""]
    for cells in (header, *rows):
        out.append(f"   * - {cells[0]}")
        out.extend(f"     - {cell}" for cell in cells[1:])
    return [*out, ""]


def render(document: tuple[Section, ...]) -> str:
    """The document as Sesam Talk's generator writes one (CRLF line ends)."""
    title = "Exact Online to Squarespace Dataflow"
    lines = ["=" * len(title), title, "=" * len(title), "", "Generated: 2026-12-07 12:00:00", ""]
    lines += ["Introduction", "------------", "", "A generated spec.", ""]
    for section in document:
        source, target = f"Exact Online {section.source_type}", f"Squarespace {section.target_type}"
        heading = f"{source} to {target}"
        lines += [heading, "-" * len(heading), f"Every {source} will be synchronized with a {target}.", ""]
        if section.merge:
            lines += [
                f"If a matching {target} already exists, the {source} will be merged with the existing one.",
                "",
                f"If no matching {target} is found, a new {target} will be created.",
                "",
                f"A {source} will merge with a {target} if one of the following property combinations match:",
                "",
                *_table((f"{source} Property", f"{target} Property"), list(section.merge)),
            ]
        if not section.one_way:
            lines += [
                f"Once a link between a {source} and a {target} is established, it will keep in sync between "
                "the two systems, regardless of where it is edited.",
                "",
            ]
        lines += [
            f"The following properties are synchronized between a {source} and a {target}:",
            "",
            *_table(
                (f"{source} Property", f"{target} Property", f"{target.split()[0]} Data Type"),
                [(r.source, r.target, f'"{r.datatype}"') for r in section.rows],
            ),
        ]
    return "\r\n".join(lines) + "\r\n"
