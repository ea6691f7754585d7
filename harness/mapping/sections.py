"""The effective property mapping of each flow section: the spec's rows, filled from a mapping file where the
spec lists none, each row checked against the two systems' field catalogues and given its direction,
key, line and reference roles.

Spec rows always win over file rows; file rows that cannot be honoured are refused when the file is
loaded (``MappingError``), spec rows that cannot be honoured are recorded (one-way or refused) so the
checklist can run and report them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from harness.dataflow.model import DataflowDocument, FlowSection, MergeCriterion
from harness.mapping.direction import Direction
from harness.mapping.mapping_file import MappingFile, bundled_mapping_for
from harness.mapping.rows import MappingRow, Origin, RefusedRow, build_row
from harness.systems import resolve_system
from harness.systems.fields import lookup_field, type_problem

__all__ = ["LineGroup", "SectionMapping", "effective_mapping"]


@dataclass(frozen=True)
class LineGroup:
    """The rows that map per line, between a source and a target line collection."""

    source_collection: str
    target_collection: str
    rows: tuple[MappingRow, ...]


@dataclass(frozen=True)
class SectionMapping:
    """The mapping one flow section runs with, and everything the report must say about it."""

    section: FlowSection
    source_system: str  #: resolved (a blank name resolved from the types)
    target_system: str
    rows: tuple[MappingRow, ...] = ()  #: spec rows in spec order, then assumed rows in file order
    key_rows: tuple[MappingRow, ...] = ()  #: merge criteria first, else pairs of unique fields
    refused: tuple[RefusedRow, ...] = ()
    overridden: tuple[MappingRow, ...] = ()  #: file rows the spec replaced (same source and target)
    mapping_file: str | None = None  #: the file assumed rows came from
    unusable: str | None = None  #: why the section has no usable mapping at all

    @property
    def usable(self) -> bool:
        return self.unusable is None and bool(self.rows)

    @property
    def assumed(self) -> tuple[MappingRow, ...]:
        return tuple(r for r in self.rows if r.assumed)

    @property
    def one_way(self) -> tuple[MappingRow, ...]:
        return tuple(r for r in self.rows if r.direction is not Direction.BOTH)

    @property
    def line_rows(self) -> tuple[MappingRow, ...]:
        return tuple(r for r in self.rows if r.is_line_row)

    @property
    def lines(self) -> LineGroup | None:
        rows = self.line_rows
        if not rows:
            return None
        return LineGroup(rows[0].source.line_collection or "", rows[0].target.line_collection or "", rows)

    @property
    def reference_rows(self) -> tuple[MappingRow, ...]:
        return tuple(r for r in self.rows if r.is_reference)

    def row(self, source: str, target: str) -> MappingRow | None:
        return next((r for r in self.rows if r.source.path == source and r.target.path == target), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section.title,
            "line": self.section.line,
            "source_system": self.source_system,
            "target_system": self.target_system,
            "rows": [r.as_json() for r in self.rows],
            "key_rows": [r.label for r in self.key_rows],
            "refused": [r.as_json() for r in self.refused],
            "mapping_file": self.mapping_file,
            "unusable": self.unusable,
        }


def effective_mapping(document: DataflowDocument, mapping_file: MappingFile | None = None) -> list[SectionMapping]:
    """One ``SectionMapping`` per distinct section, in order. Without ``mapping_file``, sections whose table is
    empty take their rows from the bundled file when the systems are Exact Online and Squarespace.

    Linear in the number of sections: the types each system is named with, and the sections that link
    each pair of types, are gathered once."""
    source_types: dict[str, set[str]] = {}
    target_types: dict[str, set[str]] = {}
    for section in document.sections:
        source_types.setdefault(section.source_system, set()).add(section.source_type)
        target_types.setdefault(section.target_system, set()).add(section.target_type)
    systems = [_resolve(document, s, source_types, target_types) for s in document.sections]
    resolved = dict(zip((id(s) for s in document.sections), systems, strict=True))
    distinct = document.distinct_sections()
    links = _Links(distinct, resolved)
    out = []
    for section in distinct:
        source_system, target_system = resolved[id(section)]
        file = mapping_file
        if file is None and not section.properties:
            file = bundled_mapping_for(source_system, target_system)
        out.append(_section_mapping(document, section, source_system, target_system, file, links))
    return out


class _Links:
    """Which distinct sections link a source type to a target type between two systems: section titles
    (first occurrence first) by (source system, target system, source type, target type), casefolded."""

    def __init__(self, sections: tuple[FlowSection, ...], resolved: dict[int, tuple[str, str]]) -> None:
        self._titles: dict[tuple[str, str, str, str], dict[str, int]] = {}
        for index, section in enumerate(sections):
            source_system, target_system = resolved[id(section)]
            key = (source_system, target_system, section.source_type.strip().casefold(),
                   section.target_type.strip().casefold())  # fmt: skip
            self._titles.setdefault(key, {}).setdefault(section.title, index)

    def titles(
        self, systems: tuple[str, str], source_types: tuple[str, ...], target_types: tuple[str, ...]
    ) -> tuple[str, ...]:
        found: dict[str, int] = {}
        for source in {t.casefold() for t in source_types}:
            for target in {t.casefold() for t in target_types}:
                for title, index in self._titles.get((*systems, source, target), {}).items():
                    if title not in found or index < found[title]:
                        found[title] = index
        return tuple(sorted(found, key=found.__getitem__))


def _resolve(
    document: DataflowDocument,
    section: FlowSection,
    source_types: dict[str, set[str]],
    target_types: dict[str, set[str]],
) -> tuple[str, str]:
    def one(name: str, fallback: str, types: set[str]) -> str:
        named = name if name.strip() else fallback
        return resolve_system(named, types).strip()

    return (
        one(section.source_system, document.source_system, source_types[section.source_system]),
        one(section.target_system, document.target_system, target_types[section.target_system]),
    )


def _section_mapping(
    document: DataflowDocument,
    section: FlowSection,
    source_system: str,
    target_system: str,
    file: MappingFile | None,
    links: _Links,
) -> SectionMapping:
    base = SectionMapping(section, source_system, target_system)
    for system, spec_type in ((source_system, section.source_type), (target_system, section.target_type)):
        problem = type_problem(system, spec_type)
        if problem is not None:
            return replace(base, unusable=f"{problem}: the checklist reports this section pending")
    wanted, why = (
        (Direction.BOTH, None)
        if section.is_bidirectional
        else (Direction.SOURCE_TO_TARGET, "the section says nothing of keeping in sync both ways: rows flow one way")
    )
    rows: list[MappingRow] = []
    refused: list[RefusedRow] = []
    for prop in section.properties:
        origin = Origin("spec", document.path, prop.line)
        built = _spec_row(
            source_system, target_system, section, prop.source, prop.target, prop.datatype, origin, wanted
        )
        earlier = next((r for r in rows if isinstance(built, MappingRow) and r.label == built.label), None)
        if earlier is not None:
            built = f"it repeats the row at {earlier.origin}: remove one"
        if isinstance(built, str):
            refused.append(RefusedRow(prop.source, prop.target, prop.datatype, origin, built))
        else:
            rows.append(replace(built, note=prop.note, direction_reason=built.direction_reason or why))
    overridden: list[MappingRow] = []
    file_section = (
        file.section_for(source_system, section.source_type, target_system, section.target_type) if file else None
    )
    for row in file_section.rows if file_section else ():
        if any(r.label == row.label for r in rows):
            overridden.append(row)
        elif not section.is_bidirectional and row.direction is Direction.TARGET_TO_SOURCE:
            refused.append(_refusal(row, f"it flows only from the target, but {why}"))
        elif not section.is_bidirectional and row.direction is Direction.BOTH:
            rows.append(replace(row, direction=Direction.SOURCE_TO_TARGET, direction_reason=why))
        else:
            rows.append(row)
    rows, more = _resolve_references(rows, links, source_system, target_system)
    refused.extend(more)
    keys, more = _key_rows(document, section, rows, source_system, target_system)
    refused.extend(more)
    key_labels = {k.label for k in keys}
    rows = [replace(r, key=True) if r.label in key_labels else r for r in rows]
    return replace(
        base,
        rows=tuple(rows),
        key_rows=tuple(next((r for r in rows if r.label == k.label), k) for k in keys),
        refused=tuple(refused),
        overridden=tuple(overridden),
        mapping_file=file.path if file_section and file else None,
    )


def _spec_row(
    source_system: str,
    target_system: str,
    section: FlowSection,
    source_path: str,
    target_path: str,
    datatype: str,
    origin: Origin,
    wanted: Direction,
) -> MappingRow | str:
    source = lookup_field(source_system, section.source_type, source_path)
    target = lookup_field(target_system, section.target_type, target_path)
    if isinstance(source, str) or isinstance(target, str):
        return "; ".join(r for r in (source, target) if isinstance(r, str))
    return build_row(source, target, datatype, origin, wanted)


def _refusal(row: MappingRow, reason: str) -> RefusedRow:
    return RefusedRow(row.source.path, row.target.path, row.datatype, row.origin, reason)


def _resolve_references(
    rows: list[MappingRow],
    links: _Links,
    source_system: str,
    target_system: str,
) -> tuple[list[MappingRow], list[RefusedRow]]:
    """Each reference row learns which sections' links translate its ids; one with none is refused."""
    kept: list[MappingRow] = []
    refused: list[RefusedRow] = []
    for row in rows:
        if not (row.source.reference and row.target.reference):
            kept.append(row)
            continue
        via = links.titles(
            (source_system, target_system), row.source.reference.spec_types, row.target.reference.spec_types
        )
        if via:
            kept.append(replace(row, via=via))
        else:
            refused.append(
                _refusal(
                    row,
                    f"no section of the document links {row.source.reference.what} to {row.target.reference.what} "
                    f"({', '.join(row.source.reference.spec_types)} to {', '.join(row.target.reference.spec_types)}), "
                    "so its ids have nothing to cross through",
                )
            )
    return kept, refused


def _key_rows(
    document: DataflowDocument, section: FlowSection, rows: list[MappingRow], source_system: str, target_system: str
) -> tuple[list[MappingRow], list[RefusedRow]]:
    """Merge criteria first; without any, the rows that pair two unique fields (or that a file marks key)."""
    if not section.merge_criteria:
        return [r for r in rows if r.key or (r.source.unique and r.target.unique)], []
    keys: list[MappingRow] = []
    refused: list[RefusedRow] = []
    for criterion in section.merge_criteria:
        existing = next(
            (r for r in rows if (r.source.path, r.target.path) == (criterion.source, criterion.target)), None
        )
        if existing is not None:
            keys.append(existing)
            continue
        built = _criterion_row(document, section, criterion, source_system, target_system)
        if isinstance(built, str):
            origin = Origin("spec", document.path, criterion.line)
            refused.append(RefusedRow(criterion.source, criterion.target, "N/A", origin, f"merge criterion: {built}"))
        else:
            keys.append(built)
    return keys, refused


def _criterion_row(
    document: DataflowDocument, section: FlowSection, criterion: MergeCriterion, source_system: str, target_system: str
) -> MappingRow | str:
    # A criterion is compared, never written: its direction is only what the fields allow.
    origin = Origin("spec", document.path, criterion.line)
    source = lookup_field(source_system, section.source_type, criterion.source)
    target = lookup_field(target_system, section.target_type, criterion.target)
    if isinstance(source, str) or isinstance(target, str):
        return "; ".join(r for r in (source, target) if isinstance(r, str))
    return build_row(source, target, "N/A", origin, Direction.BOTH, note="merge criterion", key=True, compare_only=True)
