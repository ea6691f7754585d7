"""The effective property mapping of each flow section: the spec's rows, filled from a mapping file where the
spec lists none, each row checked against the two systems' field catalogues and given its direction,
conversion, key, line and reference roles.

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

Spec rows always win over file rows; file rows that cannot be honoured are refused when the file is
loaded (``MappingError``), spec rows that cannot be honoured are recorded (one-way or refused) so the
checklist can run and report them.

Dotted paths address nested values in plain JSON-like records (``get_path`` / ``set_path``). A list on the
way is handled by name: ``SalesOrderLines`` and ``lineItems`` are *line collections* (a path through one
reads or writes one value per line, in line order); any other list (``variants``) holds exactly one
element in our flows (one Item is one product with one variant) and the path continues in it. OData's
expanded collection ``{"results": [...]}`` is read as its list.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from harness.errors import ConversionError, MappingError
from harness.exact import catalogue as exact
from harness.spec.model import DataflowDocument, FlowSection, MergeCriterion, PropertyMapping
from harness.squarespace import catalogue as squarespace
from harness.sync.convert import Canonical, Conversion, JsonValue, Side, conversion_for
from harness.sync.policy import Direction
from harness.systems import known_system, resolve_system

__all__ = [
    "BUNDLED_MAPPING",
    "LINE_COLLECTIONS",
    "Difference",
    "FieldRef",
    "IdLinks",
    "LineGroup",
    "LinkedIds",
    "MappingFile",
    "MappingFileSection",
    "MappingRow",
    "Origin",
    "Reference",
    "RefusedRow",
    "SectionMapping",
    "bundled_mapping",
    "effective_mapping",
    "get_path",
    "load_mapping_file",
    "lookup_field",
    "set_path",
]

ROOT = Path(__file__).resolve().parents[2]
#: Our own mapping for Exact Online → Squarespace, used where a spec section lists no properties.
BUNDLED_MAPPING = ROOT / "fixtures" / "mappings" / "exact-squarespace.toml"
#: Lists addressed per line: a path through one reads or writes one value per line.
LINE_COLLECTIONS = frozenset({"SalesOrderLines", "lineItems"})
#: Lists that hold exactly one element in our flows (created as a one-element list by ``set_path``).
SINGLE_ELEMENT_LISTS = frozenset({"variants"})

_T = TypeVar("_T")
_EXACT = "Exact Online"
_SQUARESPACE = "Squarespace"
_DIRECTIONS = ", ".join(f'"{d.value}"' for d in Direction)


# ------------------------------------------------------------------------------------------------ records


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """The value at dotted ``path`` of ``record``; ``None`` when any step is missing. Through a line
    collection the result is a list with one value per line; through another list, its only element
    (``MappingError`` when it holds more than one)."""
    head, _, rest = path.partition(".")
    value = _unwrap(record.get(head)) if isinstance(record, Mapping) else None
    if not rest or value is None:
        return value
    if isinstance(value, list):
        if head in LINE_COLLECTIONS:
            return [get_path(line, rest) if isinstance(line, Mapping) else None for line in value]
        value = _only_element(value, head)
    return get_path(value, rest) if isinstance(value, Mapping) else None


def set_path(record: dict[str, Any], path: str, value: Any) -> None:
    """Write ``value`` at dotted ``path`` of ``record`` in place, creating what is missing on the way.
    Through a line collection ``value`` is a list with one value per line (lines are added as needed);
    ``variants`` becomes a one-element list."""
    head, _, rest = path.partition(".")
    if not rest:
        record[head] = value
        return
    current = _unwrap(record.get(head))
    if head in LINE_COLLECTIONS:
        if not isinstance(value, list):
            raise MappingError(f"{path} goes through the line collection {head}: give one value per line")
        lines = current if isinstance(current, list) else []
        if len(lines) > len(value):
            raise MappingError(f"{path}: {len(value)} values for {len(lines)} lines; give one value per line")
        lines.extend({} for _ in range(len(value) - len(lines)))
        record[head] = lines
        for line, item in zip(lines, value, strict=True):
            set_path(line, rest, item)
        return
    if isinstance(current, list) or (current is None and head in SINGLE_ELEMENT_LISTS):
        elements = current if isinstance(current, list) and current else [{}]
        record[head] = elements
        set_path(_only_element(elements, head), rest, value)
        return
    if current is None:
        current = record[head] = {}
    if not isinstance(current, dict):
        raise MappingError(f"{path}: {head} holds {current!r}, not an object, so {rest} cannot be set in it")
    set_path(current, rest, value)


def _unwrap(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"results"} and isinstance(value["results"], list):
        return value["results"]  # OData v2's expanded collection
    return value


def _only_element(items: list[Any], name: str) -> Any:
    if len(items) > 1:
        raise MappingError(f"{name} holds {len(items)} elements: talkqa maps exactly one (one product, one variant)")
    return items[0] if items else None


# ------------------------------------------------------------------------------------------------ fields


@dataclass(frozen=True)
class Reference:
    """What an id field refers to: records of these spec types of the same system."""

    spec_types: tuple[str, ...]
    what: str  #: for messages: ``the variant of the linked product``


@dataclass(frozen=True)
class FieldRef:
    """One field of one spec type of one system, with what the mapping needs to know of it."""

    system: str
    spec_type: str
    path: str  #: dotted, as the spec writes it
    kind: str  #: the value kind conversions know: an Edm type, or a Squarespace ``ValueKind``
    writable_on_create: bool
    writable_on_update: bool
    unique: bool = False  #: identifies a record (a key, or unique in our flows)
    reference: Reference | None = None
    line_collection: str | None = None  #: ``SalesOrderLines`` / ``lineItems`` when the field lies in a line
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.system} {self.spec_type}.{self.path}"

    @property
    def read_only(self) -> bool:
        return not (self.writable_on_create or self.writable_on_update)

    @property
    def line_path(self) -> str:
        """The path within one line (``Item`` for ``SalesOrderLines.Item``); the path itself outside lines."""
        return self.path.partition(".")[2] if self.line_collection else self.path

    def check(self, value: JsonValue) -> JsonValue:
        """``value`` if this field can hold it (length, bounds, choices); ``ConversionError`` otherwise."""
        if isinstance(value, str) and self.max_length is not None and len(value) > self.max_length:
            raise ConversionError(
                f"{len(value)} characters, but {self.label} holds at most {self.max_length}", value=value
            )
        if self.choices and value not in (None, "") and value not in self.choices:
            raise ConversionError(f"{value!r} is none of {', '.join(self.choices)} ({self.label})", value=value)
        number = _number(value) if self.kind in {"money", "number", "integer"} else None
        if number is not None and self.minimum is not None and number < self.minimum:
            raise ConversionError(f"{value} is below the minimum {self.minimum} of {self.label}", value=value)
        if number is not None and self.maximum is not None and number > self.maximum:
            raise ConversionError(f"{value} is above the maximum {self.maximum} of {self.label}", value=value)
        return value


def _number(value: JsonValue) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


# Exact marks only its Guid keys; these codes are unique too (an item code, an order number).
_EXACT_UNIQUE = {("logistics/Items", "Code"), ("salesorder/SalesOrders", "OrderNumber")}
_EXACT_REFERENCES = {
    ("salesorder/SalesOrderLines", "Item"): Reference(("Items",), "the Exact Online item"),
    ("salesorder/SalesOrderLines", "OrderID"): Reference(("Salesorders",), "the Exact Online sales order"),
}
# Squarespace ids, and the codes that one Item's product and variant are recognised by in our flows (a
# repeated SKU is a defect there, though Squarespace itself only keeps SKUs unique within one product).
_SQUARESPACE_UNIQUE = {
    ("Inventory", "variantId"),
    ("Inventory", "sku"),
    ("Sesamproducts", "id"),
    ("Sesamproducts", "variants.id"),
    ("Sesamproducts", "variants.sku"),
    ("Sesamproducts", "urlSlug"),
    ("Order", "id"),
    ("Order", "orderNumber"),
    ("Order", "externalOrderReference"),
}
_SQUARESPACE_REFERENCES = {
    "variant": Reference(("Inventory", "Sesamproducts"), "the variant of the linked product"),
    "product": Reference(("Sesamproducts",), "the linked product"),
    "storePage": Reference((), "a store page"),
}


def _exact_field(spec_type: str, path: str) -> FieldRef | str:
    name = next(t for t in exact.SPEC_TYPES if t.casefold() == spec_type.strip().casefold())
    resource = exact.resource(exact.SPEC_TYPES[name])
    head, dot, rest = path.partition(".")
    lines = None
    if dot:
        collection = resource.field(head)
        if collection is None or collection.edm_type != "Collection" or "." in rest:
            return f"{path!r} is no field of Exact Online {name}: only a line collection's fields take a dot"
        lines = head
        container = resource
        resource = exact.resource(f"{resource.path.split('/')[0]}/{head}")
        path_in, spec = rest, resource.field(rest)
    else:
        container, path_in, spec = resource, path, resource.field(path)
    if spec is None:
        return _unknown(f"Exact Online {name}", path_in, resource.names())
    writable = container.field(lines) if lines else None
    return FieldRef(
        _EXACT,
        name,
        path,
        spec.edm_type,
        writable_on_create=spec.post and (writable is None or writable.post),
        writable_on_update=spec.put,
        unique=spec.key or (resource.path, spec.name) in _EXACT_UNIQUE,
        reference=_EXACT_REFERENCES.get((resource.path, spec.name)),
        line_collection=lines,
        max_length=spec.max_length,
        note="neither POST nor PUT writes it" if spec.read_only else "",
    )


def _squarespace_field(spec_type: str, path: str) -> FieldRef | str:
    name = next(t for t in squarespace.SPEC_TYPES if t.casefold() == spec_type.strip().casefold())
    spec = squarespace.field(name, path)
    if spec is None:
        return _unknown(f"Squarespace {name}", path, [f.path for f in squarespace.type_fields(name)])
    head = path.partition(".")[0]
    return FieldRef(
        _SQUARESPACE,
        name,
        path,
        spec.kind.value,
        writable_on_create=spec.writable_on_create,
        writable_on_update=spec.writable_on_update,
        unique=(name, path) in _SQUARESPACE_UNIQUE,
        reference=_SQUARESPACE_REFERENCES.get(spec.reference) if spec.reference else None,
        line_collection=head if head in LINE_COLLECTIONS and "." in path else None,
        max_length=spec.max_length,
        minimum=spec.minimum,
        maximum=spec.maximum,
        choices=spec.values,
        note=spec.note,
    )


def _unknown(where: str, path: str, known: Sequence[str]) -> str:
    folded = next((k for k in known if k.casefold() == path.casefold()), None)
    close = folded or next(iter(difflib.get_close_matches(path, known, n=1, cutoff=0.7)), None)
    return f"{where} has no field {path!r}" + (f" (did you mean {close!r}?)" if close else "")


_CATALOGUES = {_EXACT.casefold(): _exact_field, _SQUARESPACE.casefold(): _squarespace_field}
_TYPES = {_EXACT.casefold(): tuple(exact.SPEC_TYPES), _SQUARESPACE.casefold(): squarespace.SPEC_TYPES}


def _type_problem(system: str, spec_type: str) -> str | None:
    """Why ``system``'s ``spec_type`` has no fields we know, or ``None`` when it has."""
    types = _TYPES.get(system.strip().casefold())
    if types is None:
        return (
            f"talkqa has no field catalogue for {system or 'a blank system'!r} (it knows {_EXACT} and {_SQUARESPACE})"
        )
    if spec_type.strip().casefold() not in {t.casefold() for t in types}:
        return f"talkqa's {system} catalogue has no type {spec_type!r} (it has {', '.join(types)})"
    return None


def lookup_field(system: str, spec_type: str, path: str) -> FieldRef | str:
    """The field at ``path`` of ``system``'s ``spec_type``, or why there is none (a sentence)."""
    problem = _type_problem(system, spec_type)
    if problem is not None:
        return problem
    return _CATALOGUES[system.strip().casefold()](spec_type, path)


# ------------------------------------------------------------------------------------------------ rows


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
    """One honoured row: two fields, the declared data type and how values cross between them.

    ``to_target``/``to_source`` convert whichever way they are asked (the record builders and comparisons
    need both); ``direction`` says which way the engine may *write*. Errors are ``ConversionError``s that
    name the row.
    """

    source: FieldRef
    target: FieldRef
    datatype: str
    conversion: Conversion = field(repr=False, compare=False)
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

    def to_target(self, value: object, *, links: IdLinks | None = None) -> JsonValue:
        """The target's value for a source value (ids of a reference row cross through ``links``)."""
        translate = self._links(links).target_id if self.is_reference else None
        return self._checked(lambda: self.target.check(self.conversion.to_target(value, translate=translate)))

    def to_source(self, value: object, *, links: IdLinks | None = None) -> JsonValue:
        """The source's value for a target value (for Exact: the form its POST/PUT accept)."""
        translate = self._links(links).source_id if self.is_reference else None
        return self._checked(lambda: self.source.check(self.conversion.to_source(value, translate=translate)))

    def canonical(self, value: object, *, side: Side, links: IdLinks | None = None) -> Canonical | None:
        """``value`` under the data type's rules, in the source's domain (what the link table keeps); canonical
        values compare with ``==`` and ``None`` is empty."""
        translate = self._links(links).source_id if self.is_reference and side == "target" else None
        return self._checked(lambda: self.conversion.canonical(value, side=side, translate=translate))

    def same(self, source_value: object, target_value: object, *, links: IdLinks | None = None) -> bool:
        """Equal under the data type's rules (a reference: the source id's link is the target id)."""
        translate = self._links(links).target_id if self.is_reference else None
        return self._checked(lambda: self.conversion.same(source_value, target_value, translate=translate))

    def is_empty(self, value: object, *, side: Side) -> bool:
        """Whether ``value`` counts as empty on ``side``: empty never overwrites, a deliberate clear does."""
        return self._checked(lambda: self.conversion.is_empty(value, side=side))

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
            "conversion": self.conversion.name,
        }

    def _links(self, links: IdLinks | None) -> IdLinks:
        if links is None:
            raise ConversionError(
                f"{self.label} refers to {self.source.reference.what if self.source.reference else 'a record'}: "
                "its ids cross through the links (pass links=)"
            )
        return links

    def _checked(self, act: Callable[[], _T]) -> _T:
        try:
            return act()
        except ConversionError as error:
            raise ConversionError(f"{self.label}: {error.reason}", value=error.value) from error


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


@dataclass(frozen=True)
class LineGroup:
    """The rows that map per line, between a source and a target line collection."""

    source_collection: str
    target_collection: str
    rows: tuple[MappingRow, ...]


@dataclass(frozen=True)
class Difference:
    """One mapped property on which a source and a target record disagree."""

    row: MappingRow
    source_value: object
    target_value: object
    line: int | None = None  #: for a line row: the line's position, from 0
    reason: str = "the values differ under the data type's rules"


def _build_row(
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
    try:
        conversion = conversion_for(source.kind, target.kind, datatype)
    except ConversionError as error:
        return f"{source.label} → {target.label}: {error.reason}"
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
        return f"{target.label} is read-only{_why(target)}, and the row would write it"
    elif wanted is Direction.TARGET_TO_SOURCE and not to_source:
        return f"{source.label} is read-only{_why(source)}, and the row would write it"
    return MappingRow(source, target, datatype, conversion, origin, wanted, reason, note, key)


def _why(ref: FieldRef) -> str:
    return f" ({ref.note})" if ref.note else ""


def _read_only(fixed: FieldRef, other: FieldRef) -> str:
    return (
        f"{fixed.label} is read-only{_why(fixed)}, so an edit in {other.system} cannot be written back: "
        f"the row flows from {fixed.system} to {other.system} only"
    )


# ------------------------------------------------------------------------------------------------ sections


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

    def target_values(
        self,
        source_record: Mapping[str, Any],
        *,
        links: IdLinks | None = None,
        when: Literal["create", "update"] | None = None,
    ) -> dict[str, Any]:
        """Target path → value for every row that flows to the target (``when``: only the fields that call
        may write). A line row's value is a list, one per source line."""
        out: dict[str, Any] = {}
        for row in self.rows:
            if not row.flows_to_target or not _writes(row.target, when):
                continue
            value = get_path(source_record, row.source.path)
            if row.is_line_row:
                out[row.target.path] = [row.to_target(v, links=links) for v in value or []]
            else:
                out[row.target.path] = row.to_target(value, links=links)
        return out

    def source_values(
        self,
        target_record: Mapping[str, Any],
        *,
        links: IdLinks | None = None,
        when: Literal["create", "update"] | None = None,
    ) -> dict[str, Any]:
        """Source path → value for every row that flows to the source; the mirror of ``target_values``."""
        out: dict[str, Any] = {}
        for row in self.rows:
            if not row.flows_to_source or not _writes(row.source, when):
                continue
            value = get_path(target_record, row.target.path)
            if row.is_line_row:
                out[row.source.path] = [row.to_source(v, links=links) for v in value or []]
            else:
                out[row.source.path] = row.to_source(value, links=links)
        return out

    def build_target(self, source_record: Mapping[str, Any], *, links: IdLinks | None = None) -> dict[str, Any]:
        """A target record (nested, with lines) holding every value that flows to the target on create."""
        record: dict[str, Any] = {}
        for path, value in self.target_values(source_record, links=links, when="create").items():
            set_path(record, path, value)
        return record

    def differences(
        self, source_record: Mapping[str, Any], target_record: Mapping[str, Any], *, links: IdLinks | None = None
    ) -> tuple[Difference, ...]:
        """Every mapped property on which the two records disagree (lines paired by position)."""
        out: list[Difference] = []
        for row in self.rows:
            source_value = get_path(source_record, row.source.path)
            target_value = get_path(target_record, row.target.path)
            if not row.is_line_row:
                out.extend(_compare(row, source_value, target_value, None, links))
                continue
            sources, targets = list(source_value or []), list(target_value or [])
            for index in range(max(len(sources), len(targets))):
                if index >= len(sources) or index >= len(targets):
                    missing = "target" if index >= len(targets) else "source"
                    reason = f"line {index + 1} has no counterpart in the {missing}"
                    found = sources[index] if missing == "target" else targets[index]
                    source_side, target_side = (found, None) if missing == "target" else (None, found)
                    out.append(Difference(row, source_side, target_side, line=index, reason=reason))
                else:
                    out.extend(_compare(row, sources[index], targets[index], index, links))
        return tuple(out)

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


def _writes(ref: FieldRef, when: Literal["create", "update"] | None) -> bool:
    return when is None or (ref.writable_on_create if when == "create" else ref.writable_on_update)


def _compare(
    row: MappingRow, source: object, target: object, line: int | None, links: IdLinks | None
) -> list[Difference]:
    try:
        equal = row.same(source, target, links=links)
    except ConversionError as error:
        return [Difference(row, source, target, line, f"cannot be compared: {error}")]
    return [] if equal else [Difference(row, source, target, line)]


# ------------------------------------------------------------------------------------------------ files


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
            f"is not valid TOML: {error}; fix the file (see the format in harness/sync/mapping.py)",
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
        if not isinstance(system, str) or known_system(system) is None or system.casefold() not in _CATALOGUES:
            raise fail(f'{key} must name a system talkqa has a catalogue for ("{_EXACT}" or "{_SQUARESPACE}")')
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
        problem = _type_problem(system, spec_type)
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
            f'{label}: {fixed.label} is read-only{_why(fixed)}; add direction = "{way}" (and a reason) '
            "or remove the row",
            origin.line,
        )
    built = _build_row(
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


# ------------------------------------------------------------------------------------------------ effective


def effective_mapping(document: DataflowDocument, mapping_file: MappingFile | None = None) -> list[SectionMapping]:
    """One ``SectionMapping`` per distinct section, in order. Without ``mapping_file``, sections whose table is
    empty take their rows from the bundled file when the systems are Exact Online and Squarespace."""
    systems = [_resolve(document, s) for s in document.sections]
    resolved = dict(zip((id(s) for s in document.sections), systems, strict=True))
    out = []
    for section in document.distinct_sections():
        source_system, target_system = resolved[id(section)]
        file = mapping_file
        if file is None and not section.properties:
            file = _default_file(source_system, target_system)
        out.append(_section_mapping(document, section, source_system, target_system, file, resolved))
    return out


def _resolve(document: DataflowDocument, section: FlowSection) -> tuple[str, str]:
    def one(name: str, fallback: str, types: set[str]) -> str:
        named = name if name.strip() else fallback
        return resolve_system(named, types).strip()

    source_types = {s.source_type for s in document.sections if s.source_system == section.source_system}
    target_types = {s.target_type for s in document.sections if s.target_system == section.target_system}
    return (
        one(section.source_system, document.source_system, source_types),
        one(section.target_system, document.target_system, target_types),
    )


def _default_file(source_system: str, target_system: str) -> MappingFile | None:
    if (source_system.casefold(), target_system.casefold()) == (_EXACT.casefold(), _SQUARESPACE.casefold()):
        return bundled_mapping()
    return None


def _section_mapping(
    document: DataflowDocument,
    section: FlowSection,
    source_system: str,
    target_system: str,
    file: MappingFile | None,
    resolved: dict[int, tuple[str, str]],
) -> SectionMapping:
    base = SectionMapping(section, source_system, target_system)
    for system, spec_type in ((source_system, section.source_type), (target_system, section.target_type)):
        problem = _type_problem(system, spec_type)
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
    rows, more = _resolve_references(document, rows, resolved, source_system, target_system)
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
    return _build_row(source, target, datatype, origin, wanted)


def _refusal(row: MappingRow, reason: str) -> RefusedRow:
    return RefusedRow(row.source.path, row.target.path, row.datatype, row.origin, reason)


def _resolve_references(
    document: DataflowDocument,
    rows: list[MappingRow],
    resolved: dict[int, tuple[str, str]],
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
        via = tuple(
            dict.fromkeys(
                s.title
                for s in document.distinct_sections()
                if resolved[id(s)] == (source_system, target_system)
                and _among(s.source_type, row.source.reference.spec_types)
                and _among(s.target_type, row.target.reference.spec_types)
            )
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


def _among(spec_type: str, spec_types: tuple[str, ...]) -> bool:
    return spec_type.strip().casefold() in {t.casefold() for t in spec_types}


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
    return _build_row(
        source, target, "N/A", origin, Direction.BOTH, note="merge criterion", key=True, compare_only=True
    )
