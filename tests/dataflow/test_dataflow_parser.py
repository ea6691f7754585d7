"""The line scanner: document structure, sections, sentences and tables, with findings at the right lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES

from harness.dataflow import codes
from harness.dataflow.model import DataflowDocument, MergeCriterion, PropertyMapping, RuleKind
from harness.dataflow.parser import FINDINGS_PER_CODE, parse_file, parse_text
from harness.errors import UnreadableSpecError

TITLE = "Exact Online to Squarespace Dataflow"
INVENTORY = "Exact Online Items to Squarespace Inventory"
CREATE = "Every Exact Online Items will be synchronized with a Squarespace Inventory."
BIDIRECTIONAL = (
    "Once a link between a Exact Online Items and a Squarespace Inventory is established, it will keep in sync "
    "between the two systems, regardless of where it is edited."
)
PROPERTIES = "The following properties are synchronized between a Exact Online Items and a Squarespace Inventory:"
HEADER = [
    "   * - Exact Online Items Property",
    "     - Squarespace Inventory Property",
    "     - Squarespace Data Type",
]


def document(*body: str, title: str = TITLE, generated: str | None = "2025-01-01 00:00:00") -> str:
    head = ["=" * len(title), title, "=" * len(title), ""]
    if generated is not None:
        head += [f"Generated: {generated}", ""]
    head += ["Introduction", "------------", "", "Our introduction.", ""]
    return "\n".join([*head, *body]) + "\n"


def section(title: str = INVENTORY, *sentences: str, table: list[str] | None = None) -> list[str]:
    out = [title, "-" * len(title)]
    for sentence in sentences:
        out += [sentence, ""]
    if table is not None:
        out += [".. list-table::", "   :header-rows: 1", "", *table, ""]
    return out


def rows(*cells: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for row in cells:
        out.append(f"   * - {row[0]}")
        out += [f"     - {cell}" for cell in row[1:]]
    return out


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line holding ``needle``."""
    hits = [number for number, line in enumerate(text.split("\n"), start=1) if needle in line]
    return hits[occurrence - 1]


def codes_of(parsed: DataflowDocument) -> list[str]:
    return [finding.code for finding in parsed.findings]


# -- the document -----------------------------------------------------------------------------------
def test_the_title_names_the_document_and_its_two_systems() -> None:
    parsed = parse_text(document(*section(INVENTORY, CREATE)))
    assert (parsed.title, parsed.source_system, parsed.target_system) == (TITLE, "Exact Online", "Squarespace")


def test_a_title_that_is_only_underlined_is_a_title() -> None:
    text = "\n".join([TITLE, "=" * len(TITLE), "", *section(INVENTORY, CREATE)])
    parsed = parse_text(text)
    assert parsed.title == TITLE
    assert len(parsed.sections) == 1


def test_the_generated_line_gives_the_timestamp() -> None:
    assert parse_text(document(*section(INVENTORY, CREATE))).generated == "2025-01-01 00:00:00"


def test_a_missing_generated_line_gives_none_and_a_finding_at_the_title() -> None:
    text = document(*section(INVENTORY, CREATE), generated=None)
    parsed = parse_text(text)
    assert parsed.generated is None
    assert [(f.code, f.line) for f in parsed.findings] == [(codes.NO_GENERATED.code, line_of(text, TITLE))]


def test_the_path_is_kept_as_given(tmp_path: Path) -> None:
    spec = tmp_path / "spec.rst"
    spec.write_text(document(*section(INVENTORY, CREATE)), encoding="utf-8")
    assert parse_file(spec).path == str(spec)
    assert parse_text("x", "given/name.rst").path == "given/name.rst"


def test_the_introduction_is_no_flow_section_in_either_spelling() -> None:
    text = document(*section(INVENTORY, CREATE)).replace("Introduction\n------------", "Introduction.\n-------------")
    parsed = parse_text(text)
    assert [s.title for s in parsed.sections] == [INVENTORY]


def test_every_section_appears_in_order_duplicates_included() -> None:
    order = "Exact Online Salesorders to Squarespace Order"
    text = document(*section(INVENTORY, CREATE), *section(order, CREATE), *section(INVENTORY, CREATE))
    parsed = parse_text(text)
    assert [(s.title, s.line) for s in parsed.sections] == [
        (INVENTORY, line_of(text, INVENTORY)),
        (order, line_of(text, order)),
        (INVENTORY, line_of(text, INVENTORY, 2)),
    ]
    assert parsed.sections[0].body == parsed.sections[2].body
    assert len(parsed.distinct_sections()) == 2


def test_the_section_title_is_split_by_the_document_systems() -> None:
    parsed = parse_text(
        document(*section("Exact Online Items to  Inventory", CREATE), title="Exact Online to  Dataflow")
    )
    flow = parsed.sections[0]
    assert (flow.source_system, flow.source_type, flow.target_system, flow.target_type) == (
        "Exact Online",
        "Items",
        "",
        "Inventory",
    )


def test_a_section_body_runs_from_title_to_last_non_blank_line_with_plain_line_ends() -> None:
    text = document(*section(INVENTORY, CREATE, BIDIRECTIONAL), "", "")
    parsed = parse_text(text.replace("\n", "\r\n"))
    assert parsed.sections[0].body == "\n".join([INVENTORY, "-" * len(INVENTORY), CREATE, "", BIDIRECTIONAL])


def test_crlf_and_lf_documents_give_the_same_model() -> None:
    text = document(*section(INVENTORY, CREATE, PROPERTIES, table=[*HEADER, *rows(("Code", "sku", '"string"'))]))
    assert parse_text(text.replace("\n", "\r\n")).as_json() == parse_text(text).as_json()


# -- sentences -----------------------------------------------------------------------------------
def test_sentences_become_rules_at_their_lines() -> None:
    text = document(*section(INVENTORY, CREATE, BIDIRECTIONAL, PROPERTIES, table=HEADER))
    rules = parse_text(text).sections[0].rules
    assert [(r.kind, r.line) for r in rules] == [
        (RuleKind.CREATE, line_of(text, CREATE)),
        (RuleKind.BIDIRECTIONAL, line_of(text, "Once a link")),
        (RuleKind.PROPERTIES, line_of(text, "The following")),
    ]


def test_a_sentence_wrapped_over_lines_is_one_rule_at_its_first_line() -> None:
    wrapped = [
        INVENTORY,
        "-" * len(INVENTORY),
        "Once a link between a Exact Online Items and a Squarespace Inventory is established,",
        "   it will keep in sync between the two systems,",
        "regardless of where it is edited.",
    ]
    text = document(*wrapped)
    rules = parse_text(text).sections[0].rules
    assert [(r.kind, r.line) for r in rules] == [(RuleKind.BIDIRECTIONAL, line_of(text, "Once a link"))]
    assert rules[0].text == (
        "Once a link between a Exact Online Items and a Squarespace Inventory is established, it will keep in sync "
        "between the two systems, regardless of where it is edited."
    )


def test_sentences_on_consecutive_lines_are_separate_rules() -> None:
    text = document(
        INVENTORY,
        "-" * len(INVENTORY),
        CREATE,
        BIDIRECTIONAL,
        PROPERTIES,
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "",
        *HEADER,
    )
    rules = parse_text(text).sections[0].rules
    assert [r.kind for r in rules] == [RuleKind.CREATE, RuleKind.BIDIRECTIONAL, RuleKind.PROPERTIES]


def test_an_unknown_sentence_is_kept_with_a_finding_at_its_line() -> None:
    text = document(*section(INVENTORY, CREATE, "Ask the shop before go-live."))
    parsed = parse_text(text)
    assert parsed.sections[0].rules[1].kind is RuleKind.UNKNOWN
    assert parsed.sections[0].rules[1].text == "Ask the shop before go-live."
    assert (codes.UNKNOWN_SENTENCE.code, line_of(text, "Ask the shop")) in [(f.code, f.line) for f in parsed.findings]


def test_a_section_without_sentences_is_reported() -> None:
    text = document(*section(INVENTORY, table=HEADER))
    parsed = parse_text(text)
    assert codes.NO_SENTENCES.code in codes_of(parsed)


def test_a_sentence_announcing_a_table_that_never_comes_is_reported() -> None:
    text = document(*section(INVENTORY, CREATE, PROPERTIES))
    parsed = parse_text(text)
    assert (codes.ANNOUNCED_TABLE_MISSING.code, line_of(text, "The following")) in [
        (f.code, f.line) for f in parsed.findings
    ]


# -- tables -------------------------------------------------------------------------------------------
def test_property_rows_keep_their_cells_and_the_line_of_their_row() -> None:
    table = [*HEADER, *rows(("Code", "sku", '"string"'), ("Stock", "quantity", '"integer"'))]
    text = document(*section(INVENTORY, PROPERTIES, table=table))
    flow = parse_text(text).sections[0]
    assert flow.properties == (
        PropertyMapping("Code", "sku", "string", None, line_of(text, "* - Code")),
        PropertyMapping("Stock", "quantity", "integer", None, line_of(text, "* - Stock")),
    )
    assert flow.has_property_table


def test_the_header_row_is_no_data_and_an_empty_table_is_still_a_table() -> None:
    flow = parse_text(document(*section(INVENTORY, PROPERTIES, table=HEADER))).sections[0]
    assert (flow.properties, flow.has_property_table) == ((), True)


def test_a_section_without_a_property_table_has_none() -> None:
    flow = parse_text(document(*section(INVENTORY, CREATE))).sections[0]
    assert (flow.properties, flow.has_property_table) == ((), False)


@pytest.mark.parametrize(
    ("cell", "datatype"),
    [
        ('"string"', "string"),
        ('"integer"', "integer"),
        ('"float"', "float"),
        ('"boolean"', "boolean"),
        ("N/A", "N/A"),
        ("string", "string"),
        ('"decimal"', "decimal"),
        ('"list"', "list"),
        ('"datetime"', '"datetime"'),
        ('["concat", "_S.code", "-x"]', '["concat", "_S.code", "-x"]'),
        ("", ""),
    ],
)
def test_a_data_type_cell_is_unquoted_when_plain_and_kept_raw_otherwise(cell: str, datatype: str) -> None:
    text = document(*section(INVENTORY, PROPERTIES, table=[*HEADER, *rows(("Code", "sku", cell))]))
    assert parse_text(text).sections[0].properties[0].datatype == datatype


@pytest.mark.parametrize(
    ("cell", "target", "note"),
    [
        (
            "OrgNr (Dependant on having wd:Q2366457 in Country.TwoLetterISOCountry)",
            "OrgNr",
            "Dependant on having wd:Q2366457 in Country.TwoLetterISOCountry",
        ),
        ("department.id (Dependant on having wd:Q214339 in  )", "department.id", "Dependant on having wd:Q214339 in"),
        ("value (see (a) and (b))", "value", "see (a) and (b)"),
        ("address.city", "address.city", None),
        ("(all)", "(all)", None),
        ("x (unbalanced", "x (unbalanced", None),
    ],
)
def test_a_parenthesised_note_is_split_off_the_target_cell(cell: str, target: str, note: str | None) -> None:
    text = document(*section(INVENTORY, PROPERTIES, table=[*HEADER, *rows(("Code", cell, '"string"'))]))
    row = parse_text(text).sections[0].properties[0]
    assert (row.target, row.note) == (target, note)


def test_a_two_column_table_gives_merge_criteria() -> None:
    merge = (
        "A Exact Online Items will merge with a Squarespace Inventory if one of the following property "
        "combinations match:"
    )
    table = rows(("Exact Online Items Property", "Squarespace Inventory Property"), ("Code", "sku"), ("Barcode", "ean"))
    text = document(*section(INVENTORY, merge, table=table))
    flow = parse_text(text).sections[0]
    assert flow.merge_criteria == (
        MergeCriterion("Code", "sku", line_of(text, "* - Code")),
        MergeCriterion("Barcode", "ean", line_of(text, "* - Barcode")),
    )
    assert [r.kind for r in flow.rules] == [RuleKind.MERGE]
    assert not flow.has_property_table


def test_a_row_short_of_a_cell_is_kept_padded_and_reported_as_malformed() -> None:
    table = [*HEADER, *rows(("Code", "sku"), ("Stock", "quantity", '"integer"'))]
    text = document(
        *section(INVENTORY, PROPERTIES, table=table), *section("Exact Online Items to Squarespace Order", CREATE)
    )
    parsed = parse_text(text)
    assert [p.source for p in parsed.sections[0].properties] == ["Code", "Stock"]
    assert parsed.sections[0].properties[0].datatype == ""
    assert (codes.MALFORMED_ROW.code, line_of(text, "* - Code")) in [(f.code, f.line) for f in parsed.findings]


def test_a_row_of_one_cell_is_dropped_and_reported() -> None:
    text = document(*section(INVENTORY, PROPERTIES, table=[*HEADER, *rows(("Code",), ("Stock", "quantity", "N/A"))]))
    parsed = parse_text(text)
    assert [p.source for p in parsed.sections[0].properties] == ["Stock"]
    assert codes.MALFORMED_ROW.code in codes_of(parsed)


def test_a_table_that_ends_the_document_mid_row_is_cut_short() -> None:
    text = document(
        *section(INVENTORY, PROPERTIES, table=[*HEADER, *rows(("Code", "sku", '"string"'), ("Stock", "quantity"))])
    )
    parsed = parse_text(text)
    assert (codes.TABLE_CUT_SHORT.code, line_of(text, "* - Stock")) in [(f.code, f.line) for f in parsed.findings]
    assert [p.source for p in parsed.sections[0].properties] == ["Code", "Stock"]


def test_a_table_directive_with_nothing_after_it_is_cut_short() -> None:
    text = document(INVENTORY, "-" * len(INVENTORY), PROPERTIES, "", ".. list-table::", "   :header-rows: 1")
    parsed = parse_text(text)
    assert codes.TABLE_CUT_SHORT.code in codes_of(parsed)


def test_stray_text_inside_a_table_is_ignored_and_reported() -> None:
    table = [*HEADER, *rows(("Code", "sku", '"string"')), "   a remark", *rows(("Stock", "quantity", '"integer"'))]
    text = document(*section(INVENTORY, PROPERTIES, table=table))
    parsed = parse_text(text)
    assert [p.source for p in parsed.sections[0].properties] == ["Code", "Stock"]
    assert (codes.STRAY_TEXT.code, line_of(text, "a remark")) in [(f.code, f.line) for f in parsed.findings]


def test_a_cell_continued_on_a_deeper_indented_line_is_joined() -> None:
    table = [*HEADER, "   * - Code", "     - sku", "       (Dependant on the shop)", '     - "string"']
    row = parse_text(document(*section(INVENTORY, PROPERTIES, table=table))).sections[0].properties[0]
    assert (row.target, row.note) == ("sku", "Dependant on the shop")


def test_a_table_of_four_columns_is_dropped_and_reported() -> None:
    table = rows(("a", "b", "c", "d"), ("1", "2", "3", "4"))
    parsed = parse_text(document(*section(INVENTORY, PROPERTIES, table=table)))
    assert parsed.sections[0].properties == ()
    assert codes.UNSUPPORTED_TABLE.code in codes_of(parsed)


def test_a_table_without_header_rows_takes_its_first_row_as_header_and_says_so() -> None:
    text = document(
        INVENTORY, "-" * len(INVENTORY), PROPERTIES, "", ".. list-table::", "", *HEADER, *rows(("Code", "sku", "N/A"))
    )
    parsed = parse_text(text)
    assert [p.source for p in parsed.sections[0].properties] == ["Code"]
    assert codes.NO_HEADER_ROWS.code in codes_of(parsed)


# -- headings --------------------------------------------------------------------------------------
def test_a_short_underline_is_accepted_with_a_finding() -> None:
    text = document(INVENTORY, "-" * 10, CREATE)
    parsed = parse_text(text)
    assert [s.title for s in parsed.sections] == [INVENTORY]
    assert (codes.SHORT_UNDERLINE.code, line_of(text, INVENTORY) + 1) in [(f.code, f.line) for f in parsed.findings]


def test_a_section_title_without_underline_is_still_a_section_with_a_finding() -> None:
    order = "Exact Online Salesorders to Squarespace Order"
    text = document(*section(INVENTORY, CREATE), order, CREATE.replace("Items", "Salesorders"), "")
    parsed = parse_text(text)
    assert [s.title for s in parsed.sections] == [INVENTORY, order]
    assert (codes.MISSING_UNDERLINE.code, line_of(text, order)) in [(f.code, f.line) for f in parsed.findings]


def test_a_wrapped_paragraph_line_that_reads_like_a_title_is_no_section() -> None:
    intro = ["", "Exact Online sends its items to the", "shop every night, and orders back.", ""]
    text = document(*intro, *section("Exact Online Items to  Inventory", CREATE), title="Exact Online to  Dataflow")
    parsed = parse_text(text)
    assert [s.title for s in parsed.sections] == ["Exact Online Items to  Inventory"]
    assert codes.MISSING_UNDERLINE.code not in codes_of(parsed)


def test_a_section_whose_systems_differ_from_the_title_is_reported() -> None:
    text = document(
        *section(
            "Shopify Orders to Squarespace Order", "Every Shopify Orders will be synchronized with a Squarespace Order."
        )
    )
    parsed = parse_text(text)
    assert (parsed.sections[0].source_system, parsed.sections[0].source_type) == ("Shopify", "Orders")
    assert codes.SYSTEMS_MISMATCH.code in codes_of(parsed)


def test_a_document_without_sections_is_reported() -> None:
    parsed = parse_text(document())
    assert parsed.sections == ()
    assert codes.NO_SECTIONS.code in codes_of(parsed)


def test_text_without_a_title_is_an_empty_document_with_a_finding() -> None:
    parsed = parse_text("Introduction\n------------\n\nno title here\n")
    assert (parsed.title, parsed.sections) == ("", ())
    assert codes_of(parsed) == [codes.NO_TITLE.code]


def test_findings_of_one_code_stop_at_a_limit_and_the_rest_are_counted() -> None:
    noise = [f"Remark number {n}." for n in range(FINDINGS_PER_CODE + 50)]
    parsed = parse_text(document(INVENTORY, "-" * len(INVENTORY), *noise))
    assert codes_of(parsed).count(codes.UNKNOWN_SENTENCE.code) == FINDINGS_PER_CODE
    suppressed = [f for f in parsed.findings if f.code == codes.FINDINGS_SUPPRESSED.code]
    assert len(suppressed) == 1
    assert "50 more TQ008" in suppressed[0].message


def test_every_parser_finding_uses_a_code_of_the_table() -> None:
    for path in sorted((FIXTURES / "specs").rglob("*.rst")):
        try:
            parsed = parse_file(path)
        except UnreadableSpecError:  # the unreadable ones are tested in test_spec_bad_input.py
            continue
        for finding in parsed.findings:
            assert codes.CODES[finding.code].severity is finding.severity


# -- robustness ------------------------------------------------------------------------------------
SPEC_LINES = st.sampled_from(
    [
        "",
        "=" * 36,
        TITLE,
        "-" * 20,
        INVENTORY,
        "-" * len(INVENTORY),
        CREATE,
        BIDIRECTIONAL,
        PROPERTIES,
        ".. list-table::",
        "   :header-rows: 1",
        "   :header-rows: x",
        *HEADER,
        "   * -",
        "     -",
        "   * - Code",
        "     - sku (note",
        '     - "string"',
        "   stray",
        "Introduction",
        "Generated:",
        "x, it will be synchronized with a y.",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(SPEC_LINES, st.text(max_size=40)), max_size=60), st.sampled_from(["\n", "\r\n", "\r"]))
def test_parse_text_never_raises_and_points_findings_inside_the_document(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    parsed = parse_text(text)
    count = max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    for finding in parsed.findings:
        assert 0 <= finding.line <= count
    for flow in parsed.sections:
        assert 1 <= flow.line <= count
        assert all(1 <= row.line <= count for row in flow.properties)
