"""Lint: findings with stable codes at the right lines, on our fixtures, the seed and hand-made documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import FIXTURES

from harness.dataflow import codes
from harness.dataflow.lint import lint, lint_file
from harness.dataflow.model import DataflowDocument, Finding, PropertyMapping, RuleKind, Severity
from harness.dataflow.parser import parse_file, parse_text
from harness.dataflow.vocabulary import ONE_WAY_RULE
from harness.errors import UnreadableSpecError
from harness.systems.fields import CATALOGUES, FieldFact, catalogue_for, exact_catalogue

SPECS = FIXTURES / "specs"
BUNDLED = SPECS / "exact-squarespace.rst"
BLANK_TARGET = SPECS / "exact-blank-target.rst"


def spec(*sections: str, title: str = "Exact Online to Squarespace Dataflow") -> str:
    """A document of ``sections`` (each a block of text beginning with its title line)."""
    rule = "=" * len(title)
    return "\n".join([rule, title, rule, "", "Generated: 2025-01-01 00:00:00", "", *sections]) + "\n"


def flow(title: str, *lines: str, bidirectional: bool = True) -> str:
    source, _, target = title.partition(" to ")
    body = [title, "-" * len(title), f"Every {source} will be synchronized with a {target}.", ""]
    if bidirectional:
        body += [
            f"Once a link between a {source} and a {target} is established, it will keep in sync between the two "
            "systems, regardless of where it is edited.",
            "",
        ]
    if lines:
        body += [f"The following properties are synchronized between a {source} and a {target}:", ""]
        body += [".. list-table::", "   :header-rows: 1", "", "   * - Source", "     - Target", "     - Type"]
        for line in lines:
            source_cell, target_cell, datatype = line.split(" | ")
            body += [f"   * - {source_cell}", f"     - {target_cell}", f"     - {datatype}"]
    return "\n".join([*body, ""])


def findings_of(text: str) -> list[Finding]:
    return list(lint(parse_text(text)).findings)


def coded(findings: list[Finding], code: codes.FindingCode) -> list[Finding]:
    return [f for f in findings if f.code == code.code]


# -- the code table ------------------------------------------------------------------------------------
def test_every_code_is_stable_shaped_unique_and_summarised_in_one_line() -> None:
    assert len(codes.CODES) == len({entry.summary for entry in codes.CODES.values()})
    for code, entry in codes.CODES.items():
        assert re.fullmatch(r"TQ\d{3}", code)
        assert entry.code == code
        assert "\n" not in entry.summary
        assert entry.summary


def test_every_code_is_exported_by_name() -> None:
    exported = {getattr(codes, name) for name in codes.__all__ if isinstance(getattr(codes, name), codes.FindingCode)}
    assert exported == set(codes.CODES.values())


def test_the_fixtures_raise_every_code_but_the_two_only_text_can() -> None:
    seen: set[str] = set()
    for path in sorted(SPECS.rglob("*.rst")):
        try:
            seen |= {f.code for f in lint_file(path).findings}
        except UnreadableSpecError:
            continue
    only_from_text = {codes.NO_TITLE.code, codes.FINDINGS_SUPPRESSED.code}
    assert seen | only_from_text == set(codes.CODES)


# -- the bundled spec ------------------------------------------------------------------------------------
def test_the_bundled_spec_has_no_errors_and_warns_of_exactly_the_three_read_only_exact_fields() -> None:
    document = lint_file(BUNDLED)
    assert not [f for f in document.findings if f.severity is Severity.ERROR]
    rows = {row.line: row.source for section in document.sections for row in section.properties}
    assert [(f.code, rows[f.line]) for f in document.findings] == [
        (codes.FIELD_ONE_WAY.code, "Stock"),
        (codes.FIELD_ONE_WAY.code, "StandardSalesPrice"),
        (codes.FIELD_ONE_WAY.code, "AmountFC"),
    ]


def test_the_bundled_spec_holds_the_flows_the_main_job_runs() -> None:
    document = parse_file(BUNDLED)
    assert (document.source_system, document.target_system) == ("Exact Online", "Squarespace")
    assert [(s.source_type, s.target_type) for s in document.sections] == [
        ("Items", "Inventory"),
        ("Items", "Sesamproducts"),
        ("Salesorders", "Order"),
    ]
    inventory, products, orders = document.sections
    assert [(p.source, p.target, p.datatype) for p in inventory.properties] == [
        ("Code", "sku", "string"),
        ("Stock", "quantity", "integer"),
    ]
    assert [r.kind for r in products.rules] == [
        RuleKind.CREATE,
        RuleKind.MERGE,
        RuleKind.CREATE_IF_NO_MATCH,
        RuleKind.MERGE,
        RuleKind.BIDIRECTIONAL,
        RuleKind.PROPERTIES,
    ]
    assert [(m.source, m.target) for m in products.merge_criteria] == [("Code", "variants.sku")]
    assert len(products.properties) == 6
    assert [p.source for p in orders.properties][-3:] == [
        "SalesOrderLines.Item",
        "SalesOrderLines.Quantity",
        "SalesOrderLines.UnitPrice",
    ]
    assert all(s.is_bidirectional and s.has_rule(RuleKind.CREATE) for s in document.sections)


def test_the_fixtures_use_crlf_line_ends_like_the_real_documents() -> None:
    for path in (BUNDLED, BLANK_TARGET):
        data = path.read_bytes()
        assert data.count(b"\r\n") == data.count(b"\n")


# -- the seed and its look-alike ------------------------------------------------------------------------
def assert_seed_shaped(document: DataflowDocument) -> None:
    assert len(document.sections) == 4
    distinct = document.distinct_sections()
    assert len(distinct) == 3
    findings = list(document.findings)
    blank = coded(findings, codes.BLANK_TITLE_SYSTEM)
    assert len(blank) == 1
    assert "target system blank" in blank[0].message
    duplicate = coded(findings, codes.DUPLICATE_SECTION)
    assert [f.line for f in duplicate] == [document.sections[1].line]
    assert f"line {document.sections[0].line}" in duplicate[0].message
    assert sorted(f.line for f in coded(findings, codes.EMPTY_PROPERTY_TABLE)) == [s.line for s in distinct]
    assert not [f for f in findings if f.severity is Severity.ERROR]


def test_the_seed_gives_three_distinct_sections_a_blank_target_a_duplicate_and_three_empty_tables(
    seed_path: Path,
) -> None:
    assert_seed_shaped(lint_file(seed_path))


def test_our_seed_shaped_fixture_lints_like_the_seed() -> None:
    document = lint_file(BLANK_TARGET)
    assert_seed_shaped(document)
    assert (document.source_system, document.target_system) == ("Exact Online", "")
    assert [s.target_system for s in document.sections] == ["", "", "", ""]


# -- systems and repeats ----------------------------------------------------------------------------
def test_a_blank_system_in_the_title_is_one_finding_that_counts_the_sections() -> None:
    text = spec(
        flow("Exact Online Items to  Inventory"),
        flow("Exact Online Salesorders to  Order"),
        title="Exact Online to  Dataflow",
    )
    blank = coded(findings_of(text), codes.BLANK_TITLE_SYSTEM)
    assert [f.line for f in blank] == [2]
    assert "2 of its 2 sections" in blank[0].message
    assert "'Squarespace'" in blank[0].message


def test_a_section_that_leaves_out_a_system_the_title_names_is_reported_once() -> None:
    text = spec(flow("Exact Online Items to  Inventory"))
    blank = coded(findings_of(text), codes.BLANK_SECTION_SYSTEM)
    assert len(blank) == 1
    assert "'Squarespace'" in blank[0].message
    assert not coded(findings_of(text), codes.SYSTEMS_MISMATCH)


def test_a_repeated_title_with_other_content_points_at_the_first() -> None:
    first = flow("Exact Online Items to Squarespace Inventory")
    second = flow("Exact Online Items to Squarespace Inventory", "Code | sku | N/A")
    document = lint(parse_text(spec(first, second)))
    repeated = coded(list(document.findings), codes.REPEATED_TITLE)
    assert [f.line for f in repeated] == [document.sections[1].line]
    assert f"line {document.sections[0].line}" in repeated[0].message
    assert not coded(list(document.findings), codes.DUPLICATE_SECTION)


def test_a_third_word_for_word_copy_is_a_duplicate_of_the_first() -> None:
    copy = flow("Exact Online Items to Squarespace Inventory", "Code | sku | N/A")
    document = lint(parse_text(spec(copy, copy, copy)))
    duplicates = coded(list(document.findings), codes.DUPLICATE_SECTION)
    assert [f.line for f in duplicates] == [s.line for s in document.sections[1:]]
    assert all(f"line {document.sections[0].line}" in f.message for f in duplicates)


# -- property tables -----------------------------------------------------------------------------------
def test_an_empty_property_table_is_one_finding_per_distinct_section() -> None:
    empty = flow("Exact Online Items to Squarespace Inventory")
    other = flow("Exact Online Salesorders to Squarespace Order")
    findings = findings_of(spec(empty, empty, other))
    assert len(coded(findings, codes.EMPTY_PROPERTY_TABLE)) == 2


@pytest.mark.parametrize(
    ("datatype", "code"),
    [
        ('"datetime"', codes.NOT_PLAIN_DATATYPE),
        ('_S.price * 100"', codes.NOT_PLAIN_DATATYPE),
        ('"decimal"', codes.LEGACY_DATATYPE),
        ('"list"', codes.LEGACY_DATATYPE),
        ('"string"', None),
        ("N/A", None),
    ],
)
def test_a_data_type_beyond_the_plain_ones_is_reported(datatype: str, code: codes.FindingCode | None) -> None:
    findings = findings_of(spec(flow("Shopify Product to Squarespace Inventory", f"a | b | {datatype}")))
    reported = {f.code for f in findings} & {codes.NOT_PLAIN_DATATYPE.code, codes.LEGACY_DATATYPE.code}
    assert reported == ({code.code} if code else set())


def test_a_row_short_of_its_data_type_is_reported_once_as_malformed() -> None:
    text = spec(
        flow("Shopify Product to Squarespace Inventory", "a | b | x").replace("     - x", ""),
        flow("Shopify Order to Squarespace Order"),
    )
    found = {f.code for f in findings_of(text)}
    assert codes.MALFORMED_ROW.code in found
    assert codes.NOT_PLAIN_DATATYPE.code not in found


def test_a_target_note_is_reported_with_its_condition() -> None:
    findings = findings_of(spec(flow("Shopify Customer to Squarespace Profile", "a | orgnr (Dependant on NO) | N/A")))
    notes = coded(findings, codes.TARGET_NOTE)
    assert len(notes) == 1
    assert "'Dependant on NO'" in notes[0].message


# -- Exact Online fields --------------------------------------------------------------------------------
def test_an_unknown_exact_field_is_an_error_that_suggests_the_right_name() -> None:
    findings = findings_of(spec(flow("Exact Online Items to Squarespace Inventory", "Descripton | sku | N/A")))
    unknown = coded(findings, codes.UNKNOWN_FIELD)
    assert len(unknown) == 1
    assert unknown[0].severity is Severity.ERROR
    assert "'Description'" in unknown[0].message


def test_a_read_only_exact_source_warns_only_when_the_flow_promises_both_ways() -> None:
    both_ways = findings_of(spec(flow("Exact Online Items to Squarespace Inventory", "Stock | quantity | N/A")))
    one_way = findings_of(
        spec(flow("Exact Online Items to Squarespace Inventory", "Stock | quantity | N/A", bidirectional=False))
    )
    assert [f.severity for f in coded(both_ways, codes.FIELD_ONE_WAY)] == [Severity.WARNING]
    assert not coded(one_way, codes.FIELD_ONE_WAY)


@pytest.mark.parametrize("bidirectional", [True, False])
def test_a_read_only_target_is_an_error_in_a_one_way_section_and_a_one_way_row_in_a_two_way_one(
    bidirectional: bool,
) -> None:
    # one rule for rows that can flow one way only (issue 13): in a section kept in sync both ways the row
    # carries the target's edits back (TQ031, a warning); in a one-way section it can never do anything
    text = spec(
        flow("Squarespace Inventory to Exact Online Items", "quantity | Stock | N/A", bidirectional=bidirectional),
        title="Squarespace to Exact Online Dataflow",
    )
    found = findings_of(text)
    errors = [f.severity for f in coded(found, codes.FIELD_NOT_WRITABLE)]
    warnings = [f.severity for f in coded(found, codes.FIELD_ONE_WAY)]
    assert (errors, warnings) == (([], [Severity.WARNING]) if bidirectional else ([Severity.ERROR], []))


@pytest.mark.parametrize(
    ("path", "exists", "read_only"),
    [
        ("OrderNumber", True, False),
        ("AmountFC", True, True),
        ("SalesOrderLines.Item", True, False),
        ("SalesOrderLines.Quantity", True, False),
        ("SalesOrderLines.Nope", False, False),
        ("SalesOrderLines.Item.Code", False, False),
        ("OrderNumber.Digits", False, False),
        ("Nothing.Item", False, False),
        ("ordernumber", False, False),
    ],
)
def test_an_exact_path_through_a_collection_is_looked_up_in_the_line_resource(
    path: str, exists: bool, read_only: bool
) -> None:
    fields = exact_catalogue("Salesorders")
    assert fields is not None
    fact = fields.lookup(path)
    assert (fact.exists, fact.read_only) == (exists, read_only)


def test_an_exact_field_spelled_in_the_wrong_case_is_unknown_but_the_hint_names_it() -> None:
    fields = exact_catalogue("Salesorders")
    assert fields is not None
    assert fields.lookup("ordernumber").hint == "did you mean 'OrderNumber'?"


@pytest.mark.parametrize(("spec_type", "known"), [("Items", True), ("items", True), ("Accounts", False)])
def test_exact_spec_types_with_metadata_are_known(spec_type: str, known: bool) -> None:
    assert (exact_catalogue(spec_type) is not None) is known


def test_an_exact_type_without_metadata_is_one_note_per_section() -> None:
    text = spec(
        flow("Exact Online Accounts to Squarespace Profile", "Name | name | N/A", "Email | email | N/A"),
        flow("Exact Online Contacts to Squarespace Profile", "Email | email | N/A"),
    )
    notes = coded(findings_of(text), codes.NO_FIELD_METADATA)
    assert len(notes) == 2
    assert all(f.severity is Severity.INFO for f in notes)


def test_an_unknown_exact_merge_criterion_is_an_error() -> None:
    merge = "\n".join(
        [
            "A Exact Online Items will merge with a Squarespace Inventory if one of the following property "
            "combinations match:",
            "",
            ".. list-table::",
            "   :header-rows: 1",
            "",
            "   * - Exact Online Items Property",
            "     - Squarespace Inventory Property",
            "   * - ItemCode",
            "     - sku",
            "",
        ]
    )
    text = spec(flow("Exact Online Items to Squarespace Inventory", "Code | sku | N/A") + "\n" + merge)
    document = lint(parse_text(text))
    line = document.sections[0].merge_criteria[0].line
    assert [f.line for f in coded(list(document.findings), codes.UNKNOWN_FIELD)] == [line]


def test_a_blank_exact_system_is_recognised_from_its_types() -> None:
    text = spec(flow(" Items to Squarespace Inventory", "Descripton | sku | N/A"), title=" to Squarespace Dataflow")
    assert coded(findings_of(text), codes.UNKNOWN_FIELD)


def test_a_system_registered_later_is_checked_without_touching_lint(monkeypatch: pytest.MonkeyPatch) -> None:
    class Inventory:
        label = "Squarespace Inventory"

        def lookup(self, path: str) -> FieldFact:
            return FieldFact(path, "inventory", exists=path in {"sku", "quantity"})

    def squarespace(spec_type: str) -> Inventory | None:
        return Inventory() if spec_type == "Inventory" else None

    monkeypatch.setitem(CATALOGUES, "squarespace", squarespace)
    assert catalogue_for("SquareSpace") is squarespace
    text = spec(flow("Exact Online Items to Squarespace Inventory", "Code | sku | N/A", "Code | colour | N/A"))
    unknown = coded(findings_of(text), codes.UNKNOWN_FIELD)
    assert ["Squarespace Inventory" in f.message and "'colour'" in f.message for f in unknown] == [True]


def test_lint_adds_to_the_parser_findings_in_line_order() -> None:
    text = spec(flow("Exact Online Items to Squarespace Inventory", "Stock | quantity | N/A"), "Remark without form.")
    parsed = parse_text(text)
    linted = lint(parsed)
    assert set(parsed.findings) <= set(linted.findings)
    assert [f.line for f in linted.findings] == sorted(f.line for f in linted.findings)
    assert linted.sections == parsed.sections


def test_every_message_says_what_to_do() -> None:
    verbs = re.compile(
        r"\b(add|write|use|fix|delete|merge|remove|correct|rewrite|reword|move|lengthen|give|restore|"
        r"make|expect|name|list|say)\b"
    )
    for path in sorted(SPECS.rglob("*.rst")):
        try:
            document = lint_file(path)
        except UnreadableSpecError:
            continue
        for finding in document.findings:
            if finding.severity is not Severity.INFO:
                assert verbs.search(finding.message), finding.message


def test_property_rows_keep_their_mapping_through_lint() -> None:
    document = lint_file(BUNDLED)
    assert document.sections[0].properties[0] == PropertyMapping("Code", "sku", "string", None, 26)


# -- Squarespace fields (the target side) -----------------------------------------------------------
def test_a_typo_in_a_squarespace_field_is_an_error_that_suggests_the_right_name() -> None:
    findings = findings_of(spec(flow("Exact Online Items to Squarespace Inventory", "Code | skuu | N/A")))
    unknown = coded(findings, codes.UNKNOWN_FIELD)
    assert [f.severity for f in unknown] == [Severity.ERROR]
    assert "'skuu' is no field of Squarespace Inventory (did you mean 'sku'?)" in unknown[0].message


@pytest.mark.parametrize(
    ("target", "flagged"),
    [("descriptor", True), ("variants.sku", False), ("seoOptions.title", False), ("orderNumber", True)],
)
def test_a_read_only_squarespace_target_of_a_one_way_section_is_an_error_naming_why(target: str, flagged: bool) -> None:
    spec_type = "Order" if target == "orderNumber" else ("Inventory" if target == "descriptor" else "Sesamproducts")
    source_type = "Salesorders" if spec_type == "Order" else "Items"
    row = f"{'OrderNumber' if spec_type == 'Order' else 'Description'} | {target} | N/A"
    section = flow(f"Exact Online {source_type} to Squarespace {spec_type}", row, bidirectional=False)
    findings = findings_of(spec(section))
    errors = coded(findings, codes.FIELD_NOT_WRITABLE)
    assert bool(errors) is flagged
    if target == "descriptor":
        assert "(the product name, then the variant's attributes)" in errors[0].message


def test_a_squarespace_field_in_the_wrong_case_is_unknown_but_the_hint_names_it() -> None:
    fields = catalogue_for("Squarespace")
    assert fields is not None
    catalogue = fields("sesamproducts")
    assert catalogue is not None
    assert catalogue.lookup("VARIANTS.SKU").hint == "did you mean 'variants.sku'?"


def test_the_one_way_warning_states_the_one_rule() -> None:
    findings = findings_of(spec(flow("Exact Online Items to Squarespace Inventory", "Stock | quantity | N/A")))
    (warning,) = coded(findings, codes.FIELD_ONE_WAY)
    assert ONE_WAY_RULE in warning.message


def test_a_row_carrying_back_a_field_another_row_writes_is_named_with_the_winner() -> None:
    text = spec(
        flow("Exact Online Items to Squarespace Sesamproducts", "Description | name | N/A"),
        flow("Exact Online Items to Squarespace Inventory", "Description | descriptor | N/A"),
    )
    (finding,) = coded(findings_of(text), codes.FIELD_INTERPLAY)
    assert finding.severity is Severity.WARNING
    assert "'name'" in finding.message and "wins" in finding.message


def test_one_field_reached_one_way_and_both_ways_is_named_as_one_way_in_both() -> None:
    # An Inventory's sku is the product's variants.sku: a one-way section's row onto one and a row synced
    # both ways onto the other would flap (the mapping makes both one-way).
    text = spec(
        flow("Exact Online Items to Squarespace Sesamproducts", "Code | variants.sku | string", bidirectional=False),
        flow("Exact Online Items to Squarespace Inventory", "Code | sku | string"),
    )
    (finding,) = coded(findings_of(text), codes.FIELD_INTERPLAY)
    assert finding.severity is Severity.WARNING
    assert "'Code -> variants.sku'" in finding.message and "flows one way too" in finding.message


def test_the_same_row_in_two_sections_both_synced_both_ways_is_no_interplay() -> None:
    text = spec(
        flow("Exact Online Items to Squarespace Sesamproducts", "Code | variants.sku | string"),
        flow("Exact Online Items to Squarespace Inventory", "Code | sku | string"),
    )
    assert not coded(findings_of(text), codes.FIELD_INTERPLAY)
