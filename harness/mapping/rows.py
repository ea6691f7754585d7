"""One mapping row: two fields, the declared data type, which way the engine may write and where the row
comes from — or, for a row that cannot be honoured, why. How values cross a row is the engine's business
(``harness.sync.crossing``) and, separately, the checker's (``harness.checklist.oracle``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from harness.dataflow.model import PropertyMapping
from harness.mapping.direction import Direction
from harness.mapping.kinds import kind_label, pair_problem
from harness.systems.fields import FieldRef

__all__ = ["IdLinks", "LinkedIds", "MappingRow", "Origin", "RefusedRow", "build_row"]


class IdLinks(Protocol):
    """Translates ids between the two sides for reference rows (the engine backs it with its link table)."""

    def target_id(self, source_id: str) -> str | None: ...

    def source_id(self, target_id: str) -> str | None: ...


@dataclass(frozen=True)
class LinkedIds:
    """An ``IdLinks`` over a fixed set of pairs (source id → target id): for tests and record builders."""

    pairs: Mapping[str, str]

    def target_id(self, source_id: str) -> str | None:
        return self.pairs.get(source_id)

    def source_id(self, target_id: str) -> str | None:
        return next((s for s, t in self.pairs.items() if t == target_id), None)


@dataclass(frozen=True)
class Origin:
    """Where a row comes from: a spec line, or a row of a mapping file."""

    kind: Literal["spec", "file"]
    path: str
    line: int | None
    row: int | None = None  #: for a file: the row's number within its section, from 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class MappingRow:
    """One honoured row: two fields whose kinds a conversion joins under the declared data type;
    ``direction`` says which way the engine may *write*."""

    source: FieldRef
    target: FieldRef
    datatype: str
    origin: Origin
    direction: Direction = Direction.BOTH
    direction_reason: str | None = None  #: why the row is one-way
    note: str | None = None
    key: bool = False  #: recognises counterparts (a merge criterion or a pair of unique fields)
    via: tuple[str, ...] = ()  #: for a reference row: titles of the sections whose links translate its ids

    @property
    def label(self) -> str:
        return f"{self.source.path} → {self.target.path}"

    @property
    def conversion_name(self) -> str:
        """``Exact Online Edm.Double ↔ Squarespace money (float)``: the kinds the row joins."""
        return f"{kind_label(self.source.kind)} ↔ {kind_label(self.target.kind)} ({self.datatype})"

    @property
    def assumed(self) -> bool:
        """Taken from a mapping file, not from the spec: reported as assumed."""
        return self.origin.kind == "file"

    @property
    def is_line_row(self) -> bool:
        return self.source.line_collection is not None

    @property
    def is_reference(self) -> bool:
        return self.source.reference is not None

    @property
    def flows_to_target(self) -> bool:
        return self.direction is not Direction.TARGET_TO_SOURCE

    @property
    def flows_to_source(self) -> bool:
        return self.direction is not Direction.SOURCE_TO_TARGET

    def as_property_mapping(self) -> PropertyMapping:
        """The row as the spec model writes rows (for the report's assumed rows)."""
        return PropertyMapping(self.source.path, self.target.path, self.datatype, self.note, self.origin.line or 0)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source.path,
            "target": self.target.path,
            "datatype": self.datatype,
            "origin": str(self.origin),
            "assumed": self.assumed,
            "direction": self.direction.value,
            "direction_reason": self.direction_reason,
            "key": self.key,
            "conversion": self.conversion_name,
        }


@dataclass(frozen=True)
class RefusedRow:
    """A spec row (or a merge criterion, or a file row in this document) that cannot be honoured."""

    source: str
    target: str
    datatype: str
    origin: Origin
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "datatype": self.datatype,
            "origin": str(self.origin),
            "reason": self.reason,
        }


def build_row(
    source: FieldRef,
    target: FieldRef,
    datatype: str,
    origin: Origin,
    wanted: Direction,
    *,
    reason: str | None = None,
    note: str | None = None,
    key: bool = False,
    compare_only: bool = False,
) -> MappingRow | str:
    """The row, or why it cannot be honoured. A two-way request onto a read-only side becomes one-way;
    a ``compare_only`` row (a merge criterion) is never written, so writability does not matter."""
    problem = pair_problem(source.kind, target.kind, datatype)
    if problem is not None:
        return f"{source.label} → {target.label}: {problem}"
    if (source.line_collection is None) != (target.line_collection is None):
        inside, outside = (source, target) if source.line_collection else (target, source)
        return f"{inside.label} lies in a line and {outside.label} does not: a line field maps only to a line field"
    if (source.reference is None) != (target.reference is None):
        ref = source if source.reference else target
        return f"{ref.label} refers to {ref.reference.what if ref.reference else ''}; map it to an id of that record"
    to_target = not target.read_only
    to_source = not source.read_only
    if compare_only:
        pass
    elif wanted is Direction.BOTH and not (to_target and to_source):
        if to_target:
            wanted, reason = Direction.SOURCE_TO_TARGET, _read_only(source, target)
        elif to_source:
            wanted, reason = Direction.TARGET_TO_SOURCE, _read_only(target, source)
        else:
            return f"neither {source.label} nor {target.label} can be written: both are read-only"
    elif wanted is Direction.SOURCE_TO_TARGET and not to_target:
        return f"{target.read_only_clause}, and the row would write it"
    elif wanted is Direction.TARGET_TO_SOURCE and not to_source:
        return f"{source.read_only_clause}, and the row would write it"
    return MappingRow(source, target, datatype, origin, wanted, reason, note, key)


def _read_only(fixed: FieldRef, other: FieldRef) -> str:
    return (
        f"{fixed.read_only_clause}, so an edit in {other.system} cannot be written back: "
        f"the row flows from {fixed.system} to {other.system} only"
    )
