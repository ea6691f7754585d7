"""Mapping files: the TOML format that gives rows to spec sections listing none (``load_mapping_file``), and
our bundled Exact Online → Squarespace mapping."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from harness.errors import MappingError
from harness.mapping.direction import Direction
from harness.mapping.rows import MappingRow, Origin, build_row
from harness.systems import known_system
from harness.systems.fields import CATALOGUED_SYSTEMS, FieldRef, lookup_field, type_problem

__all__ = [
    "BUNDLED_MAPPING",
    "MappingFile",
    "MappingFileSection",
    "bundled_mapping",
    "bundled_mapping_for",
    "load_mapping_file",
]

ROOT = Path(__file__).resolve().parents[2]
#: Our own mapping for Exact Online → Squarespace, used where a spec section lists no properties.
BUNDLED_MAPPING = ROOT / "fixtures" / "mappings" / "exact-squarespace.toml"
# The source and target systems of the bundled mapping.
_BUNDLED_SYSTEMS = ("Exact Online".casefold(), "Squarespace".casefold())
_CATALOGUED = {system.casefold() for system in CATALOGUED_SYSTEMS}
_CATALOGUED_NAMES = " or ".join(f'"{system}"' for system in CATALOGUED_SYSTEMS)
_DIRECTIONS = ", ".join(f'"{d.value}"' for d in Direction)


@dataclass(frozen=True)
class MappingFileSection:
    """The rows a mapping file gives one pair of types, already checked against the catalogues."""

    source_type: str
    target_type: str
    rows: tuple[MappingRow, ...]
    line: int | None = None

    @property
    def title(self) -> str:
        return f"{self.source_type} → {self.target_type}"


@dataclass(frozen=True)
class MappingFile:
    """A mapping file, read and checked: its systems and, per pair of types, the rows it gives.

    A mapping file is TOML (read with ``tomllib``)::

        source_system = "Exact Online"
        target_system = "Squarespace"

        [[section]]                      # matched to a spec section by source and target type
        source = "Items"
        target = "Inventory"

        [[section.row]]
        source = "Stock"                 # a path of the source type
        target = "quantity"              # a dotted path of the target type
        datatype = "integer"             # string, integer, float, decimal, boolean or N/A
        direction = "source_to_target"   # optional: both (default), source_to_target, target_to_source
        reason = "Stock is computed"     # optional: why the row is one-way, for the report
        key = true                       # optional: the row recognises counterparts

    Rows that cannot be honoured are refused when the file is loaded (``MappingError``).
    """

    path: str
    source_system: str
    target_system: str
    sections: tuple[MappingFileSection, ...]

    def section_for(
        self, source_system: str, source_type: str, target_system: str, target_type: str
    ) -> MappingFileSection | None:
        """The file's section for a spec section's (resolved) systems and types, if it has one."""
        if (source_system.casefold(), target_system.casefold()) != (
            self.source_system.casefold(),
            self.target_system.casefold(),
        ):
            return None
        wanted = (source_type.strip().casefold(), target_type.strip().casefold())
        return next((s for s in self.sections if (s.source_type.casefold(), s.target_type.casefold()) == wanted), None)


_FILE_KEYS = {"source_system", "target_system", "section"}
_SECTION_KEYS = {"source", "target", "row"}
_ROW_KEYS = {"source", "target", "datatype", "direction", "reason", "key", "note"}
_SECTION_HEADER = re.compile(r"\s*\[\[\s*section\s*\]\]")
_ROW_HEADER = re.compile(r"\s*\[\[\s*section\s*\.\s*row\s*\]\]")
_TOML_LINE = re.compile(r"at line (\d+)")
_Fail = Callable[[str, "int | None"], MappingError]


def load_mapping_file(path: str | Path, *, display: str | None = None) -> MappingFile:
    """Read and check a mapping file; ``MappingError`` naming the file, section and row of the first row that
    cannot be honoured, and what to do. ``display`` is how origins and messages name the file."""
    name = display or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"cannot read the mapping file ({error}); give a UTF-8 TOML file", path=name) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        at = _TOML_LINE.search(str(error))
        raise MappingError(
            f"is not valid TOML: {error}; fix the file (see the format in harness/mapping/mapping_file.py)",
            path=name,
            line=int(at.group(1)) if at else None,
        ) from error
    return _read_file(data, name, _header_lines(text))


def _header_lines(text: str) -> list[tuple[int | None, list[int]]]:
    """Line numbers of each ``[[section]]`` header and of its ``[[section.row]]`` headers, in order."""
    found: list[tuple[int | None, list[int]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _SECTION_HEADER.match(line):
            found.append((number, []))
        elif _ROW_HEADER.match(line) and found:
            found[-1][1].append(number)
    return found


def _read_file(data: dict[str, Any], name: str, headers: list[tuple[int | None, list[int]]]) -> MappingFile:
    def fail(message: str, line: int | None = None) -> MappingError:
        return MappingError(message, path=name, line=line)

    _only_keys(data, _FILE_KEYS, "the file", fail)
    systems = []
    for key in ("source_system", "target_system"):
        system = data.get(key)
        if not isinstance(system, str) or known_system(system) is None or system.casefold() not in _CATALOGUED:
            raise fail(f"{key} must name a system talkqa has a catalogue for ({_CATALOGUED_NAMES})")
        systems.append(known_system(system).name)  # type: ignore[union-attr]
    raw_sections = data.get("section", [])
    if not isinstance(raw_sections, list) or not raw_sections:
        raise fail("the file has no [[section]] tables; add one per pair of types it maps")
    counts = [len(s["row"]) if isinstance(s, dict) and isinstance(s.get("row"), list) else -1 for s in raw_sections]
    if [len(rows) for _, rows in headers] != counts:
        headers = [(None, []) for _ in raw_sections]  # written as inline tables: no line numbers to give
    sections: list[MappingFileSection] = []
    for (section_line, row_lines), raw in zip(headers, raw_sections, strict=True):
        section = _read_section(raw, systems[0], systems[1], name, section_line, row_lines, fail)
        if any(s.title.casefold() == section.title.casefold() for s in sections):
            raise fail(f'section "{section.title}" appears twice; merge its rows into one [[section]]', section_line)
        sections.append(section)
    return MappingFile(name, systems[0], systems[1], tuple(sections))


def _only_keys(table: dict[str, Any], allowed: set[str], where: str, fail: _Fail, line: int | None = None) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise fail(f"{where} has unknown key(s) {', '.join(unknown)}; the keys are {', '.join(sorted(allowed))}", line)


def _read_section(
    raw: Any,
    source_system: str,
    target_system: str,
    name: str,
    line: int | None,
    row_lines: list[int],
    fail: _Fail,
) -> MappingFileSection:
    if not isinstance(raw, dict):
        raise fail("each [[section]] must be a table", line)
    _only_keys(raw, _SECTION_KEYS, "a [[section]]", fail, line)
    source_type, target_type = raw.get("source"), raw.get("target")
    if not (
        isinstance(source_type, str) and isinstance(target_type, str) and source_type.strip() and target_type.strip()
    ):
        raise fail('a [[section]] needs source and target: the spec types it maps, e.g. "Items" and "Inventory"', line)
    title = f"{source_type} → {target_type}"
    for system, spec_type in ((source_system, source_type), (target_system, target_type)):
        problem = type_problem(system, spec_type)
        if problem is not None:
            raise fail(f'section "{title}": {problem}; correct the type or remove the section', line)
    raw_rows = raw.get("row", [])
    if not isinstance(raw_rows, list) or not raw_rows:
        raise fail(f'section "{title}" has no [[section.row]] tables; add its rows or remove the section', line)
    rows: list[MappingRow] = []
    lines: list[int | None] = list(row_lines) if len(row_lines) == len(raw_rows) else [None] * len(raw_rows)
    for number, (raw_row, row_line) in enumerate(zip(raw_rows, lines, strict=True), start=1):
        where = f'section "{title}", row {number}'
        if not isinstance(raw_row, dict):
            raise fail(f"{where} must be a table", row_line)
        _only_keys(raw_row, _ROW_KEYS, where, fail, row_line)
        row = _read_row(
            raw_row,
            source_system,
            source_type,
            target_system,
            target_type,
            Origin("file", name, row_line, number),
            where,
            fail,
        )
        if any(r.label == row.label for r in rows):
            raise fail(f"{where} ({row.label}) repeats an earlier row; remove one", row_line)
        rows.append(row)
    return MappingFileSection(source_type.strip(), target_type.strip(), tuple(rows), line)


def _read_row(
    raw: dict[str, Any],
    source_system: str,
    source_type: str,
    target_system: str,
    target_type: str,
    origin: Origin,
    where: str,
    fail: _Fail,
) -> MappingRow:
    for key in ("source", "target", "datatype"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(f"{where} needs {key} (a string)", origin.line)
    label = f"{where} ({raw['source']} → {raw['target']})"
    for key, kind in (("direction", str), ("reason", str), ("note", str), ("key", bool)):
        if key in raw and not isinstance(raw[key], kind):
            raise fail(f"{label}: {key} must be a {'boolean' if kind is bool else 'string'}", origin.line)
    try:
        direction = Direction(raw.get("direction", Direction.BOTH.value))
    except ValueError:
        raise fail(f"{label}: direction {raw['direction']!r} is none of {_DIRECTIONS}", origin.line) from None
    source = lookup_field(source_system, source_type, raw["source"].strip())
    target = lookup_field(target_system, target_type, raw["target"].strip())
    for found in (source, target):
        if isinstance(found, str):
            raise fail(f"{label}: {found}; correct the path or remove the row", origin.line)
    assert isinstance(source, FieldRef) and isinstance(target, FieldRef)
    if direction is Direction.BOTH and source.read_only != target.read_only:
        fixed = source if source.read_only else target
        way = "source_to_target" if source.read_only else "target_to_source"
        raise fail(
            f'{label}: {fixed.read_only_clause}; add direction = "{way}" (and a reason) or remove the row',
            origin.line,
        )
    built = build_row(
        source,
        target,
        raw["datatype"].strip(),
        origin,
        direction,
        reason=raw.get("reason"),
        note=raw.get("note"),
        key=bool(raw.get("key", False)),
    )
    if isinstance(built, str):
        raise fail(f"{label}: {built}; change the row or remove it", origin.line)
    if built.direction is not Direction.BOTH and built.direction_reason is None:
        built = replace(built, direction_reason=f"{origin.path} says so")
    return built


@cache
def bundled_mapping() -> MappingFile:
    """Our bundled Exact Online → Squarespace mapping (read once)."""
    return load_mapping_file(BUNDLED_MAPPING, display=str(BUNDLED_MAPPING.relative_to(ROOT)))


def bundled_mapping_for(source_system: str, target_system: str) -> MappingFile | None:
    """The bundled mapping when it maps ``source_system`` to ``target_system`` (case-insensitive), else ``None``."""
    if (source_system.casefold(), target_system.casefold()) == _BUNDLED_SYSTEMS:
        return bundled_mapping()
    return None
