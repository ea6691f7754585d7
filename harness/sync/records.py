"""How the engine sees one system's records: a ``RecordSide`` reads changes since a cursor, finds,
creates, updates and deletes records, and presents each record as a JSON-like dict addressed by the
spec's property paths (what ``harness.mapping.paths.get_path`` reads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["ChangeBatch", "Record", "RecordSide", "Writes", "deep_merge"]


@dataclass(frozen=True)
class Record:
    """One record as a side presents it."""

    id: str
    data: Mapping[str, Any]
    modified: float | None = None  #: when it was last modified (clock seconds): the latest edit wins


@dataclass(frozen=True)
class ChangeBatch:
    """What changed on a side since a cursor."""

    records: tuple[Record, ...] = ()  #: new or modified records (an unchanged one is harmless)
    deleted: tuple[str, ...] = ()  #: ids deleted since the cursor
    complete: bool = False  #: ``records`` holds every record there is (a linked id missing from it may be gone)
    cursor: str | None = None  #: where to read from next time, once this batch is processed
    calls: int = 0  #: API calls the read took


#: Writes to one record, keyed by (spec type, property path) — a side serving several spec types
#: (a Squarespace product is both "Inventory" and "Sesamproducts") routes each to the right call.
Writes = dict[tuple[str, str], Any]


class RecordSide(Protocol):
    """One system's records of one kind, as the engine needs them."""

    @property
    def key(self) -> str:
        """Stable identity, e.g. ``exact:items`` (names cursors and link sections)."""
        ...

    @property
    def label(self) -> str:
        """For people: ``Exact Online Items``."""
        ...

    def begin_cycle(self) -> None:
        """Forget what was cached during the previous cycle."""
        ...

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        """Records new or changed since ``cursor`` (None: everything)."""
        ...

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        """Current versions of these records; absent ids are gone."""
        ...

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        """Records whose ``path`` holds ``value`` (to merge, or to recover an interrupted create)."""
        ...

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        """Create a record from nested ``values``; ``intent_key`` is stable across retries and restarts."""
        ...

    def update(self, record: Record, writes: Writes) -> None:
        """Write these properties of ``record``."""
        ...

    def delete(self, record_id: str) -> bool:
        """Delete a record (one already gone counts as deleted); False when this system cannot delete
        such records (the pair is unlinked)."""
        ...

    def stored(self, spec_type: str, path: str, value: Any) -> Any:
        """The value this side holds once ``value`` is written at ``path`` (its own form of an empty
        value: Squarespace holds no weight as ``0``); a pair that differs only so is in sync."""
        ...

    def reference_of(self, record_id: str) -> str | None:
        """The id other records use to refer to this one (a product's variant id), or None."""
        ...

    def record_of_reference(self, reference: str) -> str | None:
        """The inverse of ``reference_of``."""
        ...


@dataclass
class CallCounter:
    """Counts the API calls a side makes (reads and writes), for the cycle report."""

    reads: int = 0
    writes: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.reads = self.writes = 0
        self.by_method.clear()

    def count(self, method: str) -> None:
        self.by_method[method] = self.by_method.get(method, 0) + 1
        if method in {"GET", "HEAD"}:
            self.reads += 1
        else:
            self.writes += 1


def deep_merge(into: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Merge nested ``values`` into ``into`` (dicts merged; one-element lists merged element-wise)."""
    for key, value in values.items():
        current = into.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            deep_merge(current, value)
        elif (
            isinstance(current, list)
            and isinstance(value, list)
            and len(current) == len(value) == 1
            and isinstance(current[0], dict)
            and isinstance(value[0], Mapping)
        ):
            deep_merge(current[0], value[0])
        else:
            into[key] = value
    return into


def chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
