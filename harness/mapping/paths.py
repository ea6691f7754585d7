"""Dotted paths into plain JSON-like records (``get_path`` / ``set_path``), and how a list on the way is
addressed: value by value through a line collection, else as its one element."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.errors import MappingError
from harness.systems.fields import LINE_COLLECTIONS, SINGLE_ELEMENT_LISTS

__all__ = ["LINE_COLLECTIONS", "SINGLE_ELEMENT_LISTS", "get_path", "set_path"]


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
