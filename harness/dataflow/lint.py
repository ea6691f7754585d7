"""``talkqa lint``: what is wrong with a dataflow document, beyond what the parser already noticed.

Repeats are judged over the whole document; everything else once per distinct section (a word-for-word
copy is reported as a copy, not checked again). Fields are checked for the systems whose metadata
``harness.systems.fields`` holds. Codes and severities: ``harness.dataflow.codes``.
"""

from __future__ import annotations

import os

from harness.dataflow import codes
from harness.dataflow.model import DataflowDocument, Finding, FlowSection, PropertyMapping
from harness.dataflow.parser import parse_file
from harness.dataflow.vocabulary import ONE_WAY_RULE
from harness.systems import resolve_system, squarespace
from harness.systems.fields import TypeFields, catalogue_for

__all__ = ["lint", "lint_file"]

#: Types of older generations that ``PLAIN_DATATYPES`` still accepts.
LEGACY_DATATYPES = {"decimal": "float", "list": "a row per item, or N/A"}


def lint_file(path: str | os.PathLike[str]) -> DataflowDocument:
    """Parse and lint the document at ``path`` (``UnreadableSpecError`` if it is no document at all)."""
    return lint(parse_file(path))


def lint(document: DataflowDocument) -> DataflowDocument:
    """``document`` with the lint findings added to the parser's, sorted by line."""
    out: list[Finding] = []
    row_problems = {
        f.line for f in document.findings if f.code in (codes.MALFORMED_ROW.code, codes.TABLE_CUT_SHORT.code)
    }
    source_system = resolve_system(document.source_system, (s.source_type for s in document.sections))
    target_system = resolve_system(document.target_system, (s.target_type for s in document.sections))
    first_by_body: dict[str, FlowSection] = {}
    first_by_title: dict[str, FlowSection] = {}
    for section in document.sections:
        original = first_by_body.get(section.body)
        if original is not None:
            out.append(
                codes.DUPLICATE_SECTION.at(
                    section.line,
                    f"section '{section.title}' repeats the section at line {original.line} word for word; "
                    "delete this copy (the checklist tests the flow once)",
                )
            )
            continue
        first_by_body[section.body] = section
        namesake = first_by_title.setdefault(section.title, section)
        if namesake is not section:
            out.append(
                codes.REPEATED_TITLE.at(
                    section.line,
                    f"section title '{section.title}' is also used at line {namesake.line} with different content; "
                    "merge the two into one section (the checklist keeps both and they may contradict)",
                )
            )
        _blank_systems(document, section, out)
        _properties(section, row_problems, out)
        _fields(
            section,
            section.source_system or source_system,
            section.target_system or target_system,
            out,
        )
    _interplay(document, source_system, target_system, out)
    return document.with_findings(tuple(out))


def _interplay(document: DataflowDocument, source_system: str, target_system: str, out: list[Finding]) -> None:
    """A source field that one row writes to the target while another row (in any section from the same source
    records) could only carry a read-only target's value back: the two would fight every cycle, so the row
    that writes wins and the other is only compared (the mapping refuses it the same way)."""
    writers: dict[tuple[str, str], PropertyMapping] = {}
    backward: list[tuple[str, PropertyMapping, str]] = []
    for section in document.distinct_sections():
        catalogue = catalogue_for(section.target_system or target_system)
        fields = catalogue(section.target_type) if catalogue is not None else None
        if fields is None:
            continue
        for row in section.properties:
            if not row.source or not row.target:
                continue
            fact = fields.lookup(row.target)
            if fact.exists and fact.read_only:
                backward.append((section.source_type, row, fields.label))
            elif fact.exists:
                writers.setdefault((section.source_type, row.source), row)
    _one_direction(document, target_system, out)
    for source_type, row, label in backward:
        winner = writers.get((source_type, row.source))
        if winner is not None:
            out.append(
                codes.FIELD_INTERPLAY.at(
                    row.line,
                    f"'{row.source}' is also written to '{winner.target}' by the row at line {winner.line}, while "
                    f"{_row(row)} could only carry {label}'s read-only '{row.target}' back: the two would fight, so "
                    f"the row at line {winner.line} wins and this one is only compared; remove one of them",
                )
            )


def _one_direction(document: DataflowDocument, target_system: str, out: list[Finding]) -> None:
    """One source field carried to one target field (an Inventory's ``sku`` is the product's ``variants.sku``)
    by a row of a one-way section and a row of a section synced both ways: the field has one master, so it
    flows one way in both (the mapping does the same)."""
    one_way: dict[tuple[str, str, str], tuple[FlowSection, PropertyMapping]] = {}
    both: list[tuple[tuple[str, str, str], PropertyMapping]] = []
    for section in document.distinct_sections():
        squarespace_target = (section.target_system or target_system).strip().casefold() == "squarespace"
        for row in section.properties:
            if not row.source or not row.target or "." in row.source:
                continue  # line rows map per line, each section its own
            target = row.target
            if squarespace_target:
                target = squarespace.physical_path(section.target_type.strip(), row.target)
            key = (section.source_type.strip().casefold(), row.source, target)
            if section.is_bidirectional:
                both.append((key, row))
            else:
                one_way.setdefault(key, (section, row))
    for key, row in both:
        if key in one_way:
            section, master = one_way[key]
            out.append(
                codes.FIELD_INTERPLAY.at(
                    row.line,
                    f"{_row(row)} reaches the same field as {_row(master)} at line {master.line}, whose section "
                    f"'{section.title}' flows one way: the field has one master, the source, so this row flows "
                    "one way too and an edit of it in the target yields to the source's value at the next cycle",
                )
            )


def _blank_systems(document: DataflowDocument, section: FlowSection, out: list[Finding]) -> None:
    for side, written, named in (
        ("source", section.source_system, document.source_system),
        ("target", section.target_system, document.target_system),
    ):
        if not written and named:
            out.append(
                codes.BLANK_SECTION_SYSTEM.at(
                    section.line,
                    f"section '{section.title}' leaves its {side} system blank where the document title names "
                    f"'{named}'; write '{named}' into the section title",
                )
            )


def _properties(section: FlowSection, row_problems: set[int], out: list[Finding]) -> None:
    if not section.properties:
        what = "its property table has no rows" if section.has_property_table else "it has no property table"
        out.append(
            codes.EMPTY_PROPERTY_TABLE.at(
                section.line,
                f"section '{section.title}' lists no properties ({what}); the checklist can test creation "
                "and linking only: list the properties that travel with the records",
            )
        )
    for row in section.properties:
        if not row.is_plain_type and not (row.line in row_problems and not row.datatype):
            shown = row.datatype or "an empty cell"
            out.append(
                codes.NOT_PLAIN_DATATYPE.at(
                    row.line,
                    f"the data type of {_row(row)} is {shown!r}, no plain type (string, integer, float, boolean, "
                    "N/A); the checklist compares it as text: write the type the target stores",
                )
            )
        elif row.datatype in LEGACY_DATATYPES:
            out.append(
                codes.LEGACY_DATATYPE.at(
                    row.line,
                    f"the data type of {_row(row)} is {row.datatype!r}, which only older documents use; "
                    f"today's generator writes {LEGACY_DATATYPES[row.datatype]}",
                )
            )
        if row.note is not None:
            out.append(
                codes.TARGET_NOTE.at(
                    row.line,
                    f"{_row(row)} carries the note '{row.note}': the row applies only under that condition; "
                    "make sure the test data meets it",
                )
            )


def _fields(section: FlowSection, source_system: str, target_system: str, out: list[Finding]) -> None:
    unknown_types: list[str] = []
    for side, system, kind in (
        ("source", source_system, section.source_type),
        ("target", target_system, section.target_type),
    ):
        catalogue = catalogue_for(system)
        if catalogue is None:
            continue
        fields = catalogue(kind)
        if fields is None:
            unknown_types.append(f"{system} '{kind}'")
            continue
        _check_fields(section, side, fields, out)
    if unknown_types:
        out.append(
            codes.NO_FIELD_METADATA.at(
                section.line,
                f"talkqa has no field metadata for {' or '.join(unknown_types)}; the properties of "
                f"'{section.title}' are not checked against that system",
            )
        )


def _check_fields(section: FlowSection, side: str, fields: TypeFields, out: list[Finding]) -> None:
    for row in section.properties:
        path = row.source if side == "source" else row.target
        if not path:
            continue
        fact = fields.lookup(path)
        if not fact.exists:
            hint = f" ({fact.hint})" if fact.hint else ""
            out.append(
                codes.UNKNOWN_FIELD.at(
                    row.line,
                    f"'{path}' is no field of {fields.label}{hint}; correct the property name or remove the row",
                )
            )
        elif fact.read_only and side == "target" and not section.is_bidirectional:
            why = f" ({fact.hint})" if fact.hint else ""
            out.append(
                codes.FIELD_NOT_WRITABLE.at(
                    row.line,
                    f"'{path}' is read-only in {fields.label}{why}: the flow can never write it; "
                    "remove the row or map a writable field",
                )
            )
        elif fact.read_only and section.is_bidirectional:
            out.append(
                codes.FIELD_ONE_WAY.at(
                    row.line,
                    f"'{path}' is read-only in {fields.label}, so {_row(row)} can only flow one way although "
                    f"the section promises to keep both sides in sync; expect that {ONE_WAY_RULE}",
                )
            )
    for criterion in section.merge_criteria:
        path = criterion.source if side == "source" else criterion.target
        if path and not fields.lookup(path).exists:
            hint = fields.lookup(path).hint
            out.append(
                codes.UNKNOWN_FIELD.at(
                    criterion.line,
                    f"merge criterion '{path}' is no field of {fields.label}{f' ({hint})' if hint else ''}; "
                    "correct the name or remove the row",
                )
            )


def _row(row: PropertyMapping) -> str:
    return f"'{row.source} -> {row.target}'"
