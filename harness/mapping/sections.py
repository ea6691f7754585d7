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
from harness.systems import resolve_system, squarespace
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
    return _one_writer_per_field(_one_direction_per_field(out))


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
    for row in _required_rows(rows, section, source_system, target_system, file):
        one_way = not section.is_bidirectional and row.direction is Direction.BOTH
        rows.append(replace(row, direction=Direction.SOURCE_TO_TARGET, direction_reason=why) if one_way else row)
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


#: required fields a record is given a value of when no row writes one (no price is a price of 0.00; a product
#: is PHYSICAL, on the site's store page; an import names its channel)
_DEFAULTED = frozenset({"variants.pricing.basePrice.value", "type", "storePageId", "channelName"})


def _required_rows(
    rows: list[MappingRow], section: FlowSection, source_system: str, target_system: str, file: MappingFile | None
) -> list[MappingRow]:
    """Rows the target cannot create a record without, assumed from the mapping file where the section maps
    none onto a field its target requires (a product needs a SKU; Squarespace imports an order only with its
    reference and lines): the report lists them as assumed. A line field brings its whole line group."""
    if target_system.casefold() != "squarespace" or section.target_type not in squarespace.SPEC_TYPES:
        return []
    written = {r.target.path for r in rows if r.flows_to_target}
    required = {f.path for f in squarespace.type_fields(section.target_type) if f.required and f.create is not None}
    missing = {p for p in required if p not in written and not p.endswith(".currency") and p not in _DEFAULTED}
    if not missing:
        return []  # the file is read only when a row is missing (a spec that lists every row needs none)
    source = file if file is not None else bundled_mapping_for(source_system, target_system)
    found = (
        source.section_for(source_system, section.source_type, target_system, section.target_type) if source else None
    )
    if found is None:
        return []
    lines = {path.partition(".")[0] for path in missing if "." in path and path.partition(".")[0] == "lineItems"}
    taken = {r.label for r in rows}
    out = []
    for row in found.rows:
        wanted = row.target.path in missing or (row.target.line_collection in lines and row.is_line_row)
        if wanted and row.label not in taken:
            out.append(row)
    return out


def _one_writer_per_field(mappings: list[SectionMapping]) -> list[SectionMapping]:
    """One source field mapped by several rows (in one section or several from the same source records):
    a row that can only carry the target's value back would fight a row that writes the field to the target
    (``Description`` to a product's ``name`` and from its derived ``descriptor``). The row that writes to the
    target wins; the other is refused, naming it — lint says the same (TQ034)."""
    writers: dict[tuple[str, str, str], MappingRow] = {}
    #: the rows writing each physical target field (an Inventory sku is the product's variants.sku): spec rows
    #: before assumed ones, each in document order
    fields: dict[tuple[str, str, str], MappingRow] = {}
    ordered = [(m, r) for m in mappings for r in m.rows if not r.assumed] + [
        (m, r) for m in mappings for r in m.rows if r.assumed
    ]
    for mapping, row in ordered:
        if row.flows_to_target and not row.is_line_row:
            key = (mapping.source_system.casefold(), mapping.section.source_type.casefold(), row.source.path)
            writers.setdefault(key, row)
            fields.setdefault(_physical(mapping, row), row)
    out = []
    for mapping in mappings:
        kept: list[MappingRow] = []
        refused = list(mapping.refused)
        for row in mapping.rows:
            key = (mapping.source_system.casefold(), mapping.section.source_type.casefold(), row.source.path)
            winner = writers.get(key)
            rival = fields.get(_physical(mapping, row)) if not row.is_line_row else None
            if row.direction is Direction.TARGET_TO_SOURCE and winner is not None and winner is not row:
                refused.append(
                    _refusal(
                        row,
                        f"{row.source.label} is also written to {winner.target.label} by the row at "
                        f"{winner.origin}, which wins: {row.target.label} is only compared, never carried back",
                    )
                )
            elif rival is not None and rival.source.path != row.source.path and row.flows_to_target:
                refused.append(
                    _refusal(
                        row,
                        f"{row.target.label} is the field the row at {rival.origin} writes from "
                        f"{rival.source.label}, which wins: two source fields would overwrite each other",
                    )
                )
            else:
                kept.append(row)
        if len(kept) == len(mapping.rows):
            out.append(mapping)
        else:
            # a key row is compared, never written: it stays unless it was a row refused here
            gone = {r.label for r in mapping.rows} - {r.label for r in kept}
            keys = tuple(k for k in mapping.key_rows if k.label not in gone)
            out.append(replace(mapping, rows=tuple(kept), refused=tuple(refused), key_rows=keys))
    return out


def _one_direction_per_field(mappings: list[SectionMapping]) -> list[SectionMapping]:
    """One source field carried to one record field by rows of several sections (an Inventory's ``sku`` is the
    product's ``variants.sku``): when one of them flows one way only, so do the others — the field has one
    master, and a row synced both ways would carry a target edit back that the one-way row overwrites again
    (the two would flap). Lint says the same (TQ034)."""
    one_way: dict[tuple[tuple[str, str, str], str], MappingRow] = {}
    for mapping in mappings:
        for row in mapping.rows:
            if row.direction is Direction.SOURCE_TO_TARGET and not row.is_line_row:
                one_way.setdefault((_physical(mapping, row), row.source.path), row)
    if not one_way:
        return mappings
    out = []
    for mapping in mappings:
        rows = []
        for row in mapping.rows:
            master = one_way.get((_physical(mapping, row), row.source.path))
            if row.direction is Direction.BOTH and master is not None and not row.is_line_row:
                why = (
                    f"{row.source.label} reaches the same field through the row at {master.origin}, which flows "
                    f"one way only ({master.direction_reason or 'its target cannot be read back'})"
                )
                row = replace(row, direction=Direction.SOURCE_TO_TARGET, direction_reason=why)
            rows.append(row)
        labels = {r.label: r for r in rows}
        keys = tuple(labels.get(k.label, k) for k in mapping.key_rows)
        out.append(replace(mapping, rows=tuple(rows), key_rows=keys))
    return out


def _physical(mapping: SectionMapping, row: MappingRow) -> tuple[str, str, str]:
    """The record field a row writes, across sections whose targets are the same records."""
    path = row.target.path
    if mapping.target_system.casefold() == "squarespace":
        path = squarespace.physical_path(mapping.section.target_type, path)
        record = "product" if mapping.section.target_type in {"Inventory", "Sesamproducts"} else "order"
    else:
        record = mapping.section.target_type.casefold()
    return (mapping.source_system.casefold() + ":" + mapping.section.source_type.casefold(), record, path)
