"""How the reference engine carries values across a mapping row: each row's conversion (its two kinds'
codecs under the declared data type), used to write one side's value to the other, compare the two, and
build or diff whole records of a section. Errors are ``ConversionError``s that name the row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar

from harness.errors import ConversionError
from harness.mapping.paths import get_path, set_path
from harness.mapping.rows import IdLinks, MappingRow
from harness.mapping.sections import SectionMapping
from harness.sync.codecs import Canonical, JsonValue
from harness.sync.convert import Conversion, Side, conversion_for
from harness.systems.fields import FieldRef

__all__ = [
    "Difference",
    "build_target",
    "canonical",
    "conversion_of",
    "differences",
    "is_empty",
    "same",
    "source_values",
    "target_values",
    "to_source",
    "to_target",
]

_T = TypeVar("_T")


@cache
def _conversion(source_kind: str, target_kind: str, datatype: str) -> Conversion:
    return conversion_for(source_kind, target_kind, datatype)


def conversion_of(row: MappingRow) -> Conversion:
    """The conversion of ``row`` (an honoured row always has one: ``build_row`` refuses the others)."""
    return _conversion(row.source.kind, row.target.kind, row.datatype)


def to_target(row: MappingRow, value: object, *, links: IdLinks | None = None) -> JsonValue:
    """The target's value for a source value (ids of a reference row cross through ``links``)."""
    translate = _links(row, links).target_id if row.is_reference else None
    return _checked(row, lambda: row.target.check(conversion_of(row).to_target(value, translate=translate)))


def to_source(row: MappingRow, value: object, *, links: IdLinks | None = None) -> JsonValue:
    """The source's value for a target value (for Exact: the form its POST/PUT accept)."""
    translate = _links(row, links).source_id if row.is_reference else None
    return _checked(row, lambda: row.source.check(conversion_of(row).to_source(value, translate=translate)))


def canonical(row: MappingRow, value: object, *, side: Side, links: IdLinks | None = None) -> Canonical | None:
    """``value`` under the data type's rules, in the source's domain (what the link table keeps); canonical
    values compare with ``==`` and ``None`` is empty."""
    translate = _links(row, links).source_id if row.is_reference and side == "target" else None
    return _checked(row, lambda: conversion_of(row).canonical(value, side=side, translate=translate))


def same(row: MappingRow, source_value: object, target_value: object, *, links: IdLinks | None = None) -> bool:
    """Equal under the data type's rules (a reference: the source id's link is the target id)."""
    translate = _links(row, links).target_id if row.is_reference else None
    return _checked(row, lambda: conversion_of(row).same(source_value, target_value, translate=translate))


def is_empty(row: MappingRow, value: object, *, side: Side) -> bool:
    """Whether ``value`` counts as empty on ``side``: empty never overwrites, a deliberate clear does."""
    return _checked(row, lambda: conversion_of(row).is_empty(value, side=side))


def _links(row: MappingRow, links: IdLinks | None) -> IdLinks:
    if links is None:
        raise ConversionError(
            f"{row.label} refers to {row.source.reference.what if row.source.reference else 'a record'}: "
            "its ids cross through the links (pass links=)"
        )
    return links


def _checked(row: MappingRow, act: Callable[[], _T]) -> _T:
    try:
        return act()
    except ConversionError as error:
        raise ConversionError(f"{row.label}: {error.reason}", value=error.value) from error


# ---------------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Difference:
    """One mapped property on which a source and a target record disagree."""

    row: MappingRow
    source_value: object
    target_value: object
    line: int | None = None  #: for a line row: the line's position, from 0
    reason: str = "the values differ under the data type's rules"


def target_values(
    mapping: SectionMapping,
    source_record: Mapping[str, Any],
    *,
    links: IdLinks | None = None,
    when: Literal["create", "update"] | None = None,
) -> dict[str, Any]:
    """Target path → value for every row that flows to the target (``when``: only the fields that call
    may write). A line row's value is a list, one per source line."""
    out: dict[str, Any] = {}
    for row in mapping.rows:
        if not row.flows_to_target or not _writes(row.target, when):
            continue
        value = get_path(source_record, row.source.path)
        if row.is_line_row:
            out[row.target.path] = [to_target(row, v, links=links) for v in value or []]
        else:
            out[row.target.path] = to_target(row, value, links=links)
    return out


def source_values(
    mapping: SectionMapping,
    target_record: Mapping[str, Any],
    *,
    links: IdLinks | None = None,
    when: Literal["create", "update"] | None = None,
) -> dict[str, Any]:
    """Source path → value for every row that flows to the source; the mirror of ``target_values``."""
    out: dict[str, Any] = {}
    for row in mapping.rows:
        if not row.flows_to_source or not _writes(row.source, when):
            continue
        value = get_path(target_record, row.target.path)
        if row.is_line_row:
            out[row.source.path] = [to_source(row, v, links=links) for v in value or []]
        else:
            out[row.source.path] = to_source(row, value, links=links)
    return out


def build_target(
    mapping: SectionMapping, source_record: Mapping[str, Any], *, links: IdLinks | None = None
) -> dict[str, Any]:
    """A target record (nested, with lines) holding every value that flows to the target on create."""
    record: dict[str, Any] = {}
    for path, value in target_values(mapping, source_record, links=links, when="create").items():
        set_path(record, path, value)
    return record


def differences(
    mapping: SectionMapping,
    source_record: Mapping[str, Any],
    target_record: Mapping[str, Any],
    *,
    links: IdLinks | None = None,
) -> tuple[Difference, ...]:
    """Every mapped property on which the two records disagree (lines paired by position)."""
    out: list[Difference] = []
    for row in mapping.rows:
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


def _writes(ref: FieldRef, when: Literal["create", "update"] | None) -> bool:
    return when is None or (ref.writable_on_create if when == "create" else ref.writable_on_update)


def _compare(
    row: MappingRow, source: object, target: object, line: int | None, links: IdLinks | None
) -> list[Difference]:
    try:
        equal = same(row, source, target, links=links)
    except ConversionError as error:
        return [Difference(row, source, target, line, f"cannot be compared: {error}")]
    return [] if equal else [Difference(row, source, target, line)]
