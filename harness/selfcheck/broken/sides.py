"""Broken ways of seeing one system: ``RecordSide`` wrappers that pass everything to the reference
engine's side but one behaviour, and a client that reads only the first page of every listing."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from harness.errors import RateLimitedError
from harness.sync.records import ChangeBatch, Record, RecordSide, Writes

__all__ = [
    "FirstPageOnly",
    "ForgetsDeletes",
    "LinesOffByOne",
    "NeverFinds",
    "NeverWrites",
    "SideWrapper",
    "TakesRateLimitsAsEmpty",
    "ValueFault",
    "midnight",
    "truncated",
    "whole_number",
]

Fix = Callable[[Any], Any]


class SideWrapper:
    """A ``RecordSide`` that hands every call to ``inner``; a subclass changes one behaviour."""

    def __init__(self, inner: RecordSide) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        # What the protocol does not name (``idempotent_create``, ``client``) is the inner side's.
        return getattr(self.inner, name)

    @property
    def key(self) -> str:
        return self.inner.key

    @property
    def label(self) -> str:
        return self.inner.label

    def begin_cycle(self) -> None:
        self.inner.begin_cycle()

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        return self.inner.changes(cursor, spec_types)

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        return self.inner.fetch(ids)

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        return self.inner.find(spec_type, path, value)

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        return self.inner.create(values, intent_key=intent_key, source=source)

    def update(self, record: Record, writes: Writes) -> None:
        self.inner.update(record, writes)

    def delete(self, record_id: str) -> bool:
        return self.inner.delete(record_id)

    def stored(self, spec_type: str, path: str, value: Any) -> Any:
        return self.inner.stored(spec_type, path, value)

    def reference_of(self, record_id: str) -> str | None:
        return self.inner.reference_of(record_id)

    def record_of_reference(self, reference: str) -> str | None:
        return self.inner.record_of_reference(reference)


# -- values ----------------------------------------------------------------------------------------
class ValueFault(SideWrapper):
    """Writes some properties wrong: ``fixes`` maps a property path (as the target's mapping rows name
    it; a field of a line as ``lineItems.x``) to what the engine does to the value before sending it."""

    def __init__(self, inner: RecordSide, fixes: Mapping[str, Fix]) -> None:
        super().__init__(inner)
        self.fixes = dict(fixes)

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        return self.inner.create(_fixed(values, self.fixes), intent_key=intent_key, source=source)

    def update(self, record: Record, writes: Writes) -> None:
        fixed = {(kind, path): self._fix(path, value) for (kind, path), value in writes.items()}
        self.inner.update(record, fixed)

    def _fix(self, path: str, value: Any) -> Any:
        fix = self.fixes.get(path)
        if fix is None:
            return value
        return [fix(v) for v in value] if isinstance(value, list) else fix(value)


def _fixed(values: Mapping[str, Any], fixes: Mapping[str, Fix], prefix: str = "") -> dict[str, Any]:
    """Nested create values with ``fixes`` applied by dotted path (list elements share their list's path)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        path = f"{prefix}{name}"
        if path in fixes:
            out[name] = fixes[path](value)
        elif isinstance(value, Mapping):
            out[name] = _fixed(value, fixes, f"{path}.")
        elif isinstance(value, list):
            out[name] = [_fixed(v, fixes, f"{path}.") if isinstance(v, Mapping) else v for v in value]
        else:
            out[name] = value
    return out


def whole_number(value: Any) -> Any:
    """A number rounded to a whole one, in the form it came (``"12.34"`` → ``"12.00"``, 1.5 → 2.0)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return f"{Decimal(value).quantize(Decimal(1), ROUND_HALF_UP):.2f}"
        except ArithmeticError:
            return value
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1), ROUND_HALF_UP)
    if isinstance(value, (int, float)):
        return float(Decimal(repr(value)).quantize(Decimal(1), ROUND_HALF_UP))
    return value


_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


def midnight(value: Any) -> Any:
    """A date-time cut to its date (midnight UTC), as a date-only column would keep it."""
    if isinstance(value, str):
        found = _ISO_TIME.match(value)
        return f"{found.group(1)}T00:00:00.000Z" if found else value
    if isinstance(value, datetime):
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    return value


def truncated(length: int) -> Fix:
    """Text cut to its first ``length`` characters (a column sized too small)."""

    def cut(value: Any) -> Any:
        return value[:length] if isinstance(value, str) else value

    return cut


class LinesOffByOne(SideWrapper):
    """Each line of a new record refers to what the *next* line's item stands for (the last line to the
    first's): ``references`` maps a line collection to the field of a line that refers to another record."""

    def __init__(self, inner: RecordSide, references: Mapping[str, str]) -> None:
        super().__init__(inner)
        self.references = dict(references)

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        shifted = dict(values)
        for collection, name in self.references.items():
            lines = [dict(line) for line in values.get(collection) or []]
            refs = [line.get(name) for line in lines]
            for line, ref in zip(lines, refs[1:] + refs[:1], strict=True):
                line[name] = ref
            shifted[collection] = lines
        return self.inner.create(shifted, intent_key=intent_key, source=source)


# -- directions, deletes, look-ups -----------------------------------------------------------------
class NeverWrites(SideWrapper):
    """Never writes to this side: its updates and deletes are dropped (the engine thinks them done)."""

    def update(self, record: Record, writes: Writes) -> None:
        return None

    def delete(self, record_id: str) -> bool:
        return True


class ForgetsDeletes(SideWrapper):
    """Reads changes without the deletions: neither the deleted ids nor a complete snapshot's absences."""

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        return replace(self.inner.changes(cursor, spec_types), deleted=(), complete=False)


class NeverFinds(SideWrapper):
    """Never looks for an existing record: every look-up finds nothing."""

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        return []


class TakesRateLimitsAsEmpty(SideWrapper):
    """A 429 ends what was being read or written, and the engine carries on as if it were done: a
    listing answers "no changes", a look-up "not found", a write is dropped."""

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        try:
            return self.inner.changes(cursor, spec_types)
        except RateLimitedError:
            return ChangeBatch()

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        try:
            return self.inner.find(spec_type, path, value)
        except RateLimitedError:
            return []

    def update(self, record: Record, writes: Writes) -> None:
        try:
            self.inner.update(record, writes)
        except RateLimitedError:
            return None


# -- paging ----------------------------------------------------------------------------------------
class FirstPageOnly:
    """A client (Exact Online's or Squarespace's) that reads only the first page of every listing."""

    _PAGED: ClassVar[frozenset[str]] = frozenset(
        {"product_pages", "order_pages", "inventory_pages", "sync", "deleted", "pages"}
    )
    _FLAT: ClassVar[dict[str, str]] = {
        "products": "product_pages",
        "orders": "order_pages",
        "inventory": "inventory_pages",
    }

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        if name in self._PAGED:
            return _first_page(getattr(self.client, name))
        if name in self._FLAT:
            return _items_of_first_page(getattr(self.client, self._FLAT[name]))
        if name == "list_all":
            pages = _first_page(self.client.pages)
            return lambda resource, **options: [row for page in pages(resource, **options) for row in page]
        return getattr(self.client, name)


def _first_page(read: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def first(*args: Any, **kwargs: Any) -> Iterator[Any]:
        return itertools.islice(read(*args, **kwargs), 1)

    return first


def _items_of_first_page(read: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def items(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for page in itertools.islice(read(*args, **kwargs), 1):
            yield from page.items

    return items
