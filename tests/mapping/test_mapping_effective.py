"""The effective mapping of a document: spec rows win, file rows fill empty tables as assumed rows, rows the
systems cannot honour are recorded one-way or refused, and key, line and reference rows are found."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import FIXTURES

from harness.dataflow.model import DataflowDocument, FlowSection, MergeCriterion, PropertyMapping, Rule, RuleKind
from harness.dataflow.parser import parse_file
from harness.mapping.direction import Direction
from harness.mapping.mapping_file import MappingFile, bundled_mapping, load_mapping_file
from harness.mapping.sections import SectionMapping, effective_mapping
from harness.sync import crossing

BUNDLED_SPEC = FIXTURES / "specs" / "exact-squarespace.rst"
BLANK_TARGET_SPEC = FIXTURES / "specs" / "exact-blank-target.rst"

SPEC_ROWS = {
    "Inventory": [("Code", "sku", "string"), ("Stock", "quantity", "integer")],
    "Sesamproducts": [
        ("Code", "variants.sku", "string"),
        ("Description", "name", "string"),
        ("ExtraDescription", "description", "string"),
        ("NetWeight", "variants.shippingMeasurements.weight.value", "float"),
        ("StandardSalesPrice", "variants.pricing.basePrice.value", "float"),
        ("IsWebshopItem", "isVisible", "boolean"),
    ],
    "Order": [
        ("OrderNumber", "externalOrderReference", "string"),
        ("OrderDate", "createdOn", "string"),
        ("Currency", "grandTotal.currency", "string"),
        ("AmountFC", "grandTotal.value", "float"),
        ("SalesOrderLines.Item", "lineItems.variantId", "string"),
        ("SalesOrderLines.Quantity", "lineItems.quantity", "integer"),
        ("SalesOrderLines.UnitPrice", "lineItems.unitPricePaid.value", "float"),
    ],
}


def _section(
    source_type: str,
    target_type: str,
    *rows: tuple[str, str, str],
    bidirectional: bool = True,
    merge: tuple[tuple[str, str], ...] = (),
    source_system: str = "Exact Online",
    target_system: str = "Squarespace",
    line: int = 10,
) -> FlowSection:
    rules = [Rule(RuleKind.CREATE, line + 2, "Every ...")]
    if bidirectional:
        rules.append(Rule(RuleKind.BIDIRECTIONAL, line + 4, "Once a link ..."))
    title = f"{source_system} {source_type} to {target_system} {target_type}"
    return FlowSection(
        title=title,
        line=line,
        source_system=source_system,
        source_type=source_type,
        target_system=target_system,
        target_type=target_type,
        rules=tuple(rules),
        properties=tuple(PropertyMapping(s, t, d, line=line + 10 + 3 * n) for n, (s, t, d) in enumerate(rows)),
        merge_criteria=tuple(MergeCriterion(s, t, line=line + 6) for s, t in merge),
        body=f"{title}@{line}",
        has_property_table=True,
    )


def _document(*sections: FlowSection, source: str = "Exact Online", target: str = "Squarespace") -> DataflowDocument:
    return DataflowDocument("spec.rst", f"{source} to {target} Dataflow", source, target, None, sections)


def _only(document: DataflowDocument, mapping_file: MappingFile | None = None) -> SectionMapping:
    (mapping,) = effective_mapping(document, mapping_file)
    return mapping


def _pairs(mapping: SectionMapping) -> list[tuple[str, str, str]]:
    return [(r.source.path, r.target.path, r.datatype) for r in mapping.rows]


@pytest.fixture(scope="module")
def bundled() -> list[SectionMapping]:
    return effective_mapping(parse_file(BUNDLED_SPEC))


@pytest.fixture(scope="module")
def blank_target() -> list[SectionMapping]:
    return effective_mapping(parse_file(BLANK_TARGET_SPEC))


# -- our bundled spec -----------------------------------------------------------------------------------


def test_the_bundled_spec_maps_its_three_sections_with_its_own_rows(bundled: list[SectionMapping]) -> None:
    assert [m.section.target_type for m in bundled] == ["Inventory", "Sesamproducts", "Order"]
    for mapping in bundled:
        assert _pairs(mapping) == SPEC_ROWS[mapping.section.target_type]
        assert mapping.usable and not mapping.refused and not mapping.assumed
        assert mapping.mapping_file is None
        assert all(r.origin.kind == "spec" and r.origin.path == str(BUNDLED_SPEC) for r in mapping.rows)


def test_each_spec_row_points_at_its_spec_line(bundled: list[SectionMapping]) -> None:
    lines = BUNDLED_SPEC.read_text(encoding="utf-8").splitlines()
    for mapping in bundled:
        for row in mapping.rows:
            assert lines[(row.origin.line or 0) - 1].strip() == f"* - {row.source.path}"


@pytest.mark.parametrize(
    ("section", "row", "direction", "because"),
    [
        (0, "Stock → quantity", Direction.SOURCE_TO_TARGET, "Exact Online Items.Stock is read-only"),
        (
            1,
            "StandardSalesPrice → variants.pricing.basePrice.value",
            Direction.SOURCE_TO_TARGET,
            "Exact Online Items.StandardSalesPrice is read-only",
        ),
        (
            2,
            "AmountFC → grandTotal.value",
            Direction.SOURCE_TO_TARGET,
            "Exact Online Salesorders.AmountFC is read-only",
        ),
    ],
)
def test_a_two_way_spec_row_onto_a_read_only_field_is_recorded_one_way_with_the_reason(
    bundled: list[SectionMapping], section: int, row: str, direction: Direction, because: str
) -> None:
    (found,) = [r for r in bundled[section].one_way if r.label == row]
    assert found.direction is direction
    assert found.direction_reason is not None
    assert found.direction_reason.startswith(because)
    assert "cannot be written back" in found.direction_reason


def test_the_bundled_spec_has_exactly_three_one_way_rows(bundled: list[SectionMapping]) -> None:
    assert sum(len(m.one_way) for m in bundled) == 3


def test_key_rows_are_the_merge_criterion_else_the_unique_codes(bundled: list[SectionMapping]) -> None:
    assert [[k.label for k in m.key_rows] for m in bundled] == [
        ["Code → sku"],
        ["Code → variants.sku"],
        ["OrderNumber → externalOrderReference"],
    ]
    assert all(k.key for m in bundled for k in m.key_rows)
    assert all(k in m.rows for m in bundled for k in m.key_rows)


def test_the_order_lines_map_per_line_between_sales_order_lines_and_line_items(bundled: list[SectionMapping]) -> None:
    order = bundled[2]
    assert order.lines is not None
    assert (order.lines.source_collection, order.lines.target_collection) == ("SalesOrderLines", "lineItems")
    assert [r.source.line_path for r in order.lines.rows] == ["Item", "Quantity", "UnitPrice"]
    assert [r.target.line_path for r in order.lines.rows] == ["variantId", "quantity", "unitPricePaid.value"]
    assert bundled[0].lines is None and bundled[1].lines is None


def test_the_line_item_reference_resolves_through_the_item_sections(bundled: list[SectionMapping]) -> None:
    (reference,) = bundled[2].reference_rows
    assert reference.label == "SalesOrderLines.Item → lineItems.variantId"
    assert reference.source.reference is not None and reference.source.reference.spec_types == ("Items",)
    assert reference.target.reference is not None
    assert reference.target.reference.what == "the variant of the linked product"
    assert reference.via == (
        "Exact Online Items to Squarespace Inventory",
        "Exact Online Items to Squarespace Sesamproducts",
    )


def test_the_bundled_file_holds_the_same_rows_as_the_bundled_spec(bundled: list[SectionMapping]) -> None:
    file_rows = {
        s.target_type: [(r.source.path, r.target.path, r.datatype) for r in s.rows] for s in bundled_mapping().sections
    }
    assert file_rows == SPEC_ROWS
    directions = {(r.label, r.direction) for m in bundled for r in m.rows}
    assert directions == {(r.label, r.direction) for s in bundled_mapping().sections for r in s.rows}


# -- the seed-shaped spec: blank target, empty tables ---------------------------------------------------


def test_a_blank_target_resolves_to_squarespace_and_every_row_is_assumed(blank_target: list[SectionMapping]) -> None:
    assert len(blank_target) == 3, "the repeated section is mapped once"
    for mapping in blank_target:
        assert mapping.section.target_system == ""
        assert (mapping.source_system, mapping.target_system) == ("Exact Online", "Squarespace")
        assert _pairs(mapping) == SPEC_ROWS[mapping.section.target_type]
        assert mapping.assumed == mapping.rows
        assert mapping.mapping_file == "fixtures/mappings/exact-squarespace.toml"
        assert all(str(r.origin).startswith("fixtures/mappings/exact-squarespace.toml:") for r in mapping.rows)


def test_assumed_rows_keep_their_roles(blank_target: list[SectionMapping]) -> None:
    inventory, products, order = blank_target
    assert [r.label for r in inventory.one_way] == ["Stock → quantity"]
    assert inventory.one_way[0].direction_reason == (
        "Exact Online computes Stock from stock transactions: its Items API never writes it"
    )
    assert [k.label for k in products.key_rows] == ["Code → variants.sku"]
    assert order.lines is not None and len(order.lines.rows) == 3
    assert order.reference_rows[0].via == (
        "Exact Online Items to  Inventory",
        "Exact Online Items to  Sesamproducts",
    )


def test_the_real_seed_maps_like_the_seed_shaped_fixture(seed_path: Path, blank_target: list[SectionMapping]) -> None:
    seed = effective_mapping(parse_file(seed_path))
    assert [(m.target_system, _pairs(m)) for m in seed] == [(m.target_system, _pairs(m)) for m in blank_target]
    assert all(m.assumed == m.rows and m.usable for m in seed)


# -- spec rows and file rows ----------------------------------------------------------------------------


def test_a_spec_row_wins_over_the_same_file_row_and_the_file_fills_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'source_system = "Exact Online"\ntarget_system = "Squarespace"\n\n'
        '[[section]]\nsource = "Items"\ntarget = "Inventory"\n\n'
        '[[section.row]]\nsource = "Code"\ntarget = "sku"\ndatatype = "string"\n\n'
        '[[section.row]]\nsource = "Barcode"\ntarget = "descriptor"\ndatatype = "string"\n'
        'direction = "target_to_source"\nreason = "the descriptor is derived"\n',
        encoding="utf-8",
    )
    mapping = _only(_document(_section("Items", "Inventory", ("Code", "sku", "N/A"))), load_mapping_file(path))
    assert [(r.label, r.origin.kind) for r in mapping.rows] == [
        ("Code → sku", "spec"),
        ("Barcode → descriptor", "file"),
    ]
    assert mapping.rows[0].datatype == "N/A"
    assert [r.label for r in mapping.overridden] == ["Code → sku"]
    assert [r.label for r in mapping.assumed] == ["Barcode → descriptor"]
    assert mapping.assumed[0].direction_reason == "the descriptor is derived"
    assert mapping.mapping_file == str(path)


def test_without_a_file_the_bundled_rows_fill_only_sections_whose_table_is_empty() -> None:
    document = _document(
        _section("Items", "Inventory", ("Code", "sku", "string")),
        _section("Items", "Sesamproducts", line=40),
    )
    inventory, products = effective_mapping(document)
    assert _pairs(inventory) == [("Code", "sku", "string")] and not inventory.assumed
    assert inventory.mapping_file is None
    assert _pairs(products) == SPEC_ROWS["Sesamproducts"] and products.assumed == products.rows


def test_an_explicit_file_overrides_the_bundled_default() -> None:
    here = load_mapping_file(FIXTURES / "mappings" / "exact-squarespace.toml", display="mine.toml")
    mapping = _only(_document(_section("Items", "Inventory")), here)
    assert {str(r.origin).split(":")[0] for r in mapping.rows} == {"mine.toml"}


def test_a_file_for_other_types_leaves_an_empty_section_without_rows() -> None:
    mapping = _only(_document(_section("Salesorderlines", "Order")))
    assert mapping.rows == () and not mapping.usable and mapping.unusable is None


# -- spec rows that cannot be honoured ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("Codee", "sku", "string"), "Exact Online Items has no field 'Codee' (did you mean 'Code'?)"),
        (("Code", "skuu", "string"), "Squarespace Inventory has no field 'skuu' (did you mean 'sku'?)"),
        (("code", "sku", "string"), "did you mean 'Code'?"),
        (("Code", "sku", "list"), "has no conversion"),
        (("Code", "sku", '"string" | lower'), "has no conversion"),
        (("IsSalesItem", "sku", "string"), "no conversion carries Exact Online Edm.Boolean"),
        (("Stock", "descriptor", "string"), "no conversion carries Exact Online Edm.Double"),
        (
            ("CreatorFullName", "descriptor", "string"),
            "neither Exact Online Items.CreatorFullName nor Squarespace Inventory.descriptor can be written",
        ),
        (("Picture", "sku", "string"), "value kind 'Binary'"),
    ],
)
def test_a_spec_row_that_cannot_be_honoured_is_refused_with_its_reason(row: tuple[str, str, str], reason: str) -> None:
    mapping = _only(_document(_section("Items", "Inventory", row, ("Code", "sku", "string"))))
    assert _pairs(mapping) == [("Code", "sku", "string")]
    (refused,) = mapping.refused
    assert (refused.source, refused.target, refused.datatype) == row
    assert refused.origin.kind == "spec" and refused.origin.line == 20
    assert reason in refused.reason


def test_a_repeated_spec_row_is_refused_pointing_at_the_first() -> None:
    mapping = _only(_document(_section("Items", "Inventory", ("Code", "sku", "string"), ("Code", "sku", "string"))))
    assert [r.origin.line for r in mapping.rows] == [20]
    assert mapping.refused[0].reason == "it repeats the row at spec.rst:20: remove one"


def test_a_line_field_onto_an_order_field_is_refused() -> None:
    mapping = _only(_document(_section("Salesorders", "Order", ("SalesOrderLines.Item", "orderNumber", "string"))))
    assert "a line field maps only to a line field" in mapping.refused[0].reason


def test_a_reference_without_a_section_to_resolve_through_is_refused() -> None:
    row = ("SalesOrderLines.Item", "lineItems.variantId", "string")
    mapping = _only(_document(_section("Salesorders", "Order", row)))
    assert not [r for r in mapping.rows if r.is_reference]
    assert "no section of the document links the Exact Online item to the variant" in mapping.refused[0].reason


def test_a_one_way_section_makes_every_row_flow_from_the_source() -> None:
    document = _document(_section("Items", "Sesamproducts", ("Description", "name", "string"), bidirectional=False))
    row, sku = _only(document).rows
    assert sku.assumed and sku.direction is Direction.SOURCE_TO_TARGET  # a product needs a SKU
    assert row.direction is Direction.SOURCE_TO_TARGET
    assert row.direction_reason is not None and "both ways" in row.direction_reason


def test_a_one_way_section_refuses_a_row_onto_a_read_only_target() -> None:
    document = _document(
        _section("Salesorders", "Order", ("OrderNumber", "orderNumber", "string"), bidirectional=False)
    )
    mapping = _only(document)
    assert not [r for r in mapping.rows if not r.assumed]
    assert "Squarespace Order.orderNumber is read-only" in mapping.refused[0].reason


def test_an_order_section_without_reference_or_lines_assumes_the_rows_an_import_needs() -> None:
    document = _document(_section("Salesorders", "Order", ("Currency", "grandTotal.currency", "string")))
    mapping = _only(document)
    assumed = {r.target.path for r in mapping.assumed}
    assert {"externalOrderReference", "lineItems.quantity", "lineItems.unitPricePaid.value"} <= assumed
    assert [r.label for r in mapping.rows if not r.assumed] == ["Currency → grandTotal.currency"]


def test_a_row_carrying_back_a_field_another_row_writes_is_refused_naming_the_winner() -> None:
    document = _document(
        _section("Items", "Sesamproducts", ("Code", "variants.sku", "string"), ("Description", "name", "string")),
        _section("Items", "Inventory", ("Code", "sku", "string"), ("Description", "descriptor", "string")),
    )
    inventory = effective_mapping(document)[1]
    assert [r.label for r in inventory.rows] == ["Code → sku"]
    (refused,) = inventory.refused
    assert "Squarespace Sesamproducts.name" in refused.reason and "which wins" in refused.reason


def test_a_one_way_section_turns_assumed_rows_one_way_and_refuses_backward_ones() -> None:
    mapping = _only(_document(_section("Salesorders", "Order", bidirectional=False)))
    assert all(r.direction is Direction.SOURCE_TO_TARGET for r in mapping.rows)
    refused = {r.source: r.reason for r in mapping.refused}
    assert set(refused) == {"SalesOrderLines.Item"}
    assert "no section of the document links" in refused["SalesOrderLines.Item"]


def test_a_merge_criterion_without_a_row_still_recognises_counterparts() -> None:
    section = _section("Items", "Sesamproducts", ("Description", "name", "string"), merge=(("Code", "variants.sku"),))
    mapping = _only(_document(section))
    (key,) = mapping.key_rows
    assert key.label == "Code → variants.sku" and key.key
    # the product needs a SKU, so the file's row onto it is assumed, and it is the row the criterion names
    assert key in mapping.assumed
    assert crossing.same(key, "A-1   ", "A-1")


def test_a_merge_criterion_without_a_row_onto_an_optional_field_is_compared_only() -> None:
    section = _section("Items", "Sesamproducts", ("Code", "variants.sku", "string"), merge=(("Description", "name"),))
    mapping = _only(_document(section))
    (key,) = mapping.key_rows
    assert key.label == "Description → name" and key not in mapping.rows
    assert key.origin.line == 16 and key.note == "merge criterion"


def test_a_merge_criterion_on_an_unknown_field_is_refused() -> None:
    mapping = _only(_document(_section("Items", "Sesamproducts", merge=(("Kode", "variants.sku"),))))
    assert mapping.key_rows == ()
    assert mapping.refused[0].reason.startswith("merge criterion: Exact Online Items has no field 'Kode'")


# -- systems we have no catalogue for -------------------------------------------------------------------


def test_a_section_of_an_unknown_system_has_no_usable_mapping_and_says_why() -> None:
    section = _section("Companies", "Inventory", ("Name", "sku", "string"), source_system="HubSpot")
    mapping = _only(_document(section, source="HubSpot"))
    assert not mapping.usable and mapping.rows == ()
    assert mapping.unusable is not None
    assert "no field catalogue for 'HubSpot'" in mapping.unusable
    assert "pending" in mapping.unusable


def test_a_type_the_catalogue_lacks_has_no_usable_mapping() -> None:
    mapping = _only(_document(_section("Accounts", "Inventory", ("Name", "sku", "string"))))
    assert mapping.unusable is not None and "no type 'Accounts'" in mapping.unusable


def test_a_blank_target_that_no_types_resolve_stays_unusable() -> None:
    section = _section("Items", "Contacts", target_system="")
    mapping = _only(_document(section, target=""))
    assert mapping.target_system == ""
    assert mapping.unusable is not None and "a blank system" in mapping.unusable


def test_every_corpus_document_maps_without_an_exception(corpus_dir: Path) -> None:
    outcomes = {"usable": 0, "unusable": 0, "empty": 0}
    for path in sorted(corpus_dir.glob("*.rst")):
        for mapping in effective_mapping(parse_file(path)):
            outcomes["unusable" if mapping.unusable else "usable" if mapping.usable else "empty"] += 1
            assert mapping.unusable or not mapping.refused or all(r.reason for r in mapping.refused)
    assert outcomes["usable"] >= 3, outcomes
    assert outcomes["unusable"] > 4000, outcomes


def test_a_field_one_section_carries_one_way_flows_one_way_in_every_section() -> None:
    # Inventory's sku is the product's variants.sku: synced both ways there, it would carry a merchant's edit
    # back to Exact while the one-way section writes Exact's code over it again, every cycle.
    products = _section("Items", "Sesamproducts", ("Code", "variants.sku", "string"), bidirectional=False, line=10)
    inventory = _section("Items", "Inventory", ("Code", "sku", "string"), ("Stock", "quantity", "integer"), line=40)
    mappings = effective_mapping(_document(products, inventory))
    rows = {r.label: r for m in mappings for r in m.rows}
    sku = next(r for r in mappings[1].rows if r.target.path == "sku")
    assert sku.direction is Direction.SOURCE_TO_TARGET
    assert sku.direction_reason is not None and "spec.rst:20" in sku.direction_reason
    assert next(k for k in mappings[1].key_rows if k.target.path == "sku").direction is Direction.SOURCE_TO_TARGET
    assert len(rows) == 3  # nothing refused: the quantity row keeps its own direction
    alone = next(r for r in _only(_document(inventory)).rows if r.target.path == "quantity")
    assert next(r for r in mappings[1].rows if r.target.path == "quantity") == alone
