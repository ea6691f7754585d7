"""What one sync cycle did, for the report: its events (the first ``MAX_EVENTS`` kept, every one counted),
the API calls it spent reading and the writes it made, per side."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_EVENTS", "CycleEvent", "CycleReport"]

MAX_EVENTS = 500  #: events kept per cycle (an initial sync of 10,000 items has 10,000 "created")


@dataclass(frozen=True)
class CycleEvent:
    """Something the engine did or could not do, for the report."""

    kind: str  #: created, merged, updated, deleted, unlinked, deferred, skipped, cannot_write, problem
    group: str
    detail: str
    source_id: str | None = None
    target_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "group": self.group,
            "detail": self.detail,
            "source_id": self.source_id,
            "target_id": self.target_id,
        }


@dataclass
class CycleReport:
    """What one cycle did."""

    started: float
    finished: float | None = None
    ok: bool = True
    error: str | None = None
    events: list[CycleEvent] = field(default_factory=list)
    reads: dict[str, int] = field(default_factory=dict)  #: API calls spent reading, per side
    writes: dict[str, int] = field(default_factory=dict)  #: write operations, per side
    api_calls: dict[str, dict[str, int]] = field(default_factory=dict)  #: HTTP calls per system and method
    counts: Counter[str] = field(default_factory=Counter)  #: events per kind, every one (not only those kept)

    def add(self, event: CycleEvent) -> None:
        self.counts[event.kind] += 1
        if len(self.events) < MAX_EVENTS:
            self.events.append(event)

    def count(self, kind: str) -> int:
        return self.counts[kind]

    @property
    def total_writes(self) -> int:
        return sum(self.writes.values())

    def as_detail(self) -> dict[str, Any]:
        kinds = sorted(self.counts)
        return {
            "ok": self.ok,
            "error": self.error,
            "reads": dict(self.reads),
            "writes": dict(self.writes),
            "api_calls": {k: dict(v) for k, v in self.api_calls.items()},
            "counts": {kind: self.count(kind) for kind in kinds},
            "events": [e.as_json() for e in self.events],
        }
