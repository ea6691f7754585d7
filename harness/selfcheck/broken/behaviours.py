"""Broken engines for the checklist families of issue 12 that are about how an engine works rather than what
it writes: faults on every kind of write, crashes mid-cycle, volume, merges of records that differ, conflicts and
deferred work. Each docstring says what a shop owner or a bookkeeper would see, and which promise that breaks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from harness.clock import Clock
from harness.errors import HarnessError
from harness.selfcheck.broken.cycles import BrokenSyncEngine, PolicyCycle
from harness.selfcheck.broken.engines import _rewire
from harness.selfcheck.broken.families import is_zero
from harness.selfcheck.broken.sides import SideWrapper
from harness.sut import Endpoints
from harness.sync.engine import SyncCycle
from harness.sync.plan import Group
from harness.sync.policy import MISSING, Decision, Side, decide
from harness.sync.records import ChangeBatch, Record, RecordSide, Writes
from harness.sync.reference import ReferenceEngine

__all__ = [
    "conflicts_go_to_source",
    "cursor_first",
    "first_batch_only",
    "forgets_failed_deletes",
    "fresh_idempotency_keys",
    "ignores_target_times",
    "merge_keeps_target",
    "merge_overwrites_with_empty",
    "merge_takes_zero_as_empty",
    "never_defers",
    "retries_creates_blindly",
    "settles_failed_updates",
]


# -- faults on every kind of write ---------------------------------------------------------------
class SettlesFailedWrites(SideWrapper):
    """Takes a failed update (or delete) for done: the error is logged and dropped."""

    def __init__(self, inner: RecordSide, *, updates: bool, deletes: bool) -> None:
        super().__init__(inner)
        self.updates, self.deletes = updates, deletes

    def update(self, record: Record, writes: Writes) -> None:
        try:
            self.inner.update(record, writes)
        except HarnessError:
            if not self.updates:
                raise

    def delete(self, record_id: str) -> bool:
        try:
            return self.inner.delete(record_id)
        except HarnessError:
            if not self.deletes:
                raise
            return True


def settles_failed_updates(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Settles a failed update as written: when an update fails after the client's retries, the engine
    stores the new value as the last synced one anyway. The next cycle sees the other record "changed"
    back to its old value and writes that over the edit — what a person typed is reverted. Violates: an
    edit survives a server error on the update; a failed write never reverts an edit."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: SettlesFailedWrites(side, updates=True, deletes=False))
    return engine


def forgets_failed_deletes(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Forgets a failed delete: a delete that fails after the client's retries is taken as done and the
    pair let go, so the record lives on in the other system for good. Violates: a delete survives a
    server error on the other system's delete."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: SettlesFailedWrites(side, updates=False, deletes=True))
    return engine


def retries_creates_blindly(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Retries a product create blindly: after a time-out it sends the create again without looking for
    the product the first try may have made, so a lost answer leaves two products in the shop. Violates:
    a new record survives a lost answer on its create — one target record."""
    engine = ReferenceEngine(endpoints, clock)
    client = engine.squarespace

    def create_product(product: dict[str, Any]) -> Any:
        return client.transport.call("POST", client.products_path, json=product, safe=True)

    client.create_product = create_product  # type: ignore[method-assign]
    return engine


def fresh_idempotency_keys(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Makes a new idempotency key for every call instead of one per order: an order import whose answer
    was lost is imported again by the next cycle under a new key — the shop shows the order twice.
    Violates: a new order survives a lost answer on its import — one target record."""
    engine = ReferenceEngine(endpoints, clock)
    transport = engine.squarespace.transport
    call = transport.call

    def fresh(method: str, path: str, **options: Any) -> Any:
        headers = options.get("headers")
        if headers and "Idempotency-Key" in headers:
            options["headers"] = {**headers, "Idempotency-Key": uuid.uuid4().hex}
        return call(method, path, **options)

    transport.call = fresh  # type: ignore[method-assign]
    return engine


# -- crashes and volume ------------------------------------------------------------------------------
class _Replay(SideWrapper):
    """Answers the next read of changes with a batch read before."""

    def __init__(self, inner: RecordSide, batch: ChangeBatch) -> None:
        super().__init__(inner)
        self.batch = batch

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        return self.batch


class CursorFirstCycle(SyncCycle):
    """Saves the source's cursor as soon as it has read the changes — before acting on them."""

    def _sync_group(self, g: Group) -> None:
        key = f"{g.key}:source"
        batch = g.source.changes(self.links.cursor(key), g.source_types)
        if batch.cursor is not None:
            self.links.set_cursor(key, batch.cursor)
        real = g.source
        g.source = _Replay(real, batch)
        try:
            super()._sync_group(g)
        finally:
            g.source = real


class _CursorFirst(BrokenSyncEngine):
    cycle_class = CursorFirstCycle


def cursor_first(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Commits its read position before the work: the source cursor is saved as soon as the changes are
    read, so a crash mid-cycle loses every change the cycle had not yet carried — the items after the
    crash never reach the shop. Violates: a crash at any write of a cycle loses nothing."""
    return ReferenceEngine(endpoints, clock, engine_class=_CursorFirst)


class FirstBatchOnly(SideWrapper):
    """Acts on the first ``size`` changes of a read and moves the cursor past all of them."""

    def __init__(self, inner: RecordSide, size: int) -> None:
        super().__init__(inner)
        self.size = size

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        batch = self.inner.changes(cursor, spec_types)
        return ChangeBatch(batch.records[: self.size], batch.deleted, False, batch.cursor, batch.calls)


def first_batch_only(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Takes one batch of 50 changes a cycle but moves its cursor past them all: with more new items than
    a batch, the rest are never synced. Violates: every record reaches the other system, however many
    change at once."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: FirstBatchOnly(side, 50) if role == "source" else None)
    return engine


# -- merges of records that differ -------------------------------------------------------------------
def _merge_policy(first_sync: Callable[..., Decision | None]) -> Callable[..., Decision]:
    """The reference policy, but a pair meeting for the first time is decided by ``first_sync`` (None:
    as the reference decides)."""

    def policy(source: Any, target: Any, last: Any, **options: Any) -> Decision:
        if last is MISSING and not options["same"](source, target):
            decided = first_sync(source, target, **options)
            if decided is not None:
                return decided
        return decide(source, target, last, **options)

    return policy


def _take(winner: Side, source: Any, target: Any, same: Callable[[Any, Any], bool], why: str) -> Decision:
    value = source if winner is Side.SOURCE else target
    return Decision(value, winner, not same(source, value), not same(target, value), why)


def _target_first(source: Any, target: Any, **options: Any) -> Decision | None:
    if options["is_empty"](target):
        return None
    return _take(Side.TARGET, source, target, options["same"], "merge: the existing record is the master")


def _source_first(source: Any, target: Any, **options: Any) -> Decision | None:
    return _take(Side.SOURCE, source, target, options["same"], "merge: the new record is the master")


def _zero_as_empty(source: Any, target: Any, **options: Any) -> Decision | None:
    is_empty = options["is_empty"]

    def empty(value: Any) -> bool:
        return bool(is_empty(value)) or value is False or is_zero("", value)

    options = {**options, "is_empty": empty}
    return decide(source, target, MISSING, **options)


class _MergeKeepsTarget(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(_merge_policy(_target_first))


class _MergeOverwritesWithEmpty(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(_merge_policy(_source_first))


class _MergeTakesZeroAsEmpty(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(_merge_policy(_zero_as_empty))


def merge_keeps_target(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """On a merge the existing record is the master: every value the shop's product holds stays and is
    copied over the Exact item, though the item was entered later. Violates: a merge follows the merge
    rule — otherwise the later record wins."""
    return ReferenceEngine(endpoints, clock, engine_class=_MergeKeepsTarget)


def merge_overwrites_with_empty(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """On a merge the new record is the master, empty values included: a product's description and
    weight are wiped by an Exact item that has none. Violates: on a merge an empty value never overwrites
    a value."""
    return ReferenceEngine(endpoints, clock, engine_class=_MergeOverwritesWithEmpty)


def merge_takes_zero_as_empty(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """On a merge a zero or a false counts as "no value": an item hidden from the webshop (false) or
    weighing 0 loses to the product's visible flag and weight. Violates: zero and false are values."""
    return ReferenceEngine(endpoints, clock, engine_class=_MergeTakesZeroAsEmpty)


# -- conflicts -----------------------------------------------------------------------------------------
class LosesModificationTimes(SideWrapper):
    """Reads records without their modification times (a field it never parses)."""

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        batch = self.inner.changes(cursor, spec_types)
        records = tuple(Record(r.id, r.data, None) for r in batch.records)
        return ChangeBatch(records, batch.deleted, batch.complete, batch.cursor, batch.calls)

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        return {k: Record(r.id, r.data, None) for k, r in self.inner.fetch(ids).items()}


def ignores_target_times(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Never reads Squarespace's modification time (``modifiedOn`` is not parsed): a conflict then always
    goes to the Exact record, however much later the shop's edit was. Violates: when both sides are
    edited, the later edit wins."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: LosesModificationTimes(side) if role == "target" else None)
    return engine


def _source_wins_conflicts(source: Any, target: Any, last: Any, **options: Any) -> Decision:
    same = options["same"]
    if last is not MISSING and not same(source, last) and not same(target, last) and not same(source, target):
        return _take(Side.SOURCE, source, target, same, "edited on both sides: the source is the master")
    return decide(source, target, last, **options)


class _ConflictsGoToSource(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(_source_wins_conflicts)


def conflicts_go_to_source(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Settles every conflict for the source: a property edited on both sides takes the Exact value,
    though the shop's edit came later. Violates: when both sides are edited, the later edit wins."""
    return ReferenceEngine(endpoints, clock, engine_class=_ConflictsGoToSource)


# -- deferred work ----------------------------------------------------------------------------------
class NeverDefersCycle(SyncCycle):
    """Never waits for a record's references to be linked: it goes ahead with whatever it has."""

    @staticmethod
    def _unlinked_references(g: Group, source: Record, refs: Any) -> str | None:
        return None


class _NeverDefers(BrokenSyncEngine):
    cycle_class = NeverDefersCycle


def never_defers(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Never defers an order whose items have no counterpart yet: it tries the import at once, cannot
    say which variants the lines are, reports a problem and moves on — the order never reaches the shop,
    though its items arrive a cycle later. Violates: work the engine must defer completes."""
    return ReferenceEngine(endpoints, clock, engine_class=_NeverDefers)
