"""Broken engines for the checklist families of issue 12 — bugs nobody planted for the first checklist:
values at the edges, merges of records that differ, faults on every kind of write, crashes mid-cycle,
volume, unmapped fields, conflicts of other shapes, deferred work. Each is the reference engine with
one realistic fault an integration developer could ship; its docstring says what a shop owner or a
bookkeeper would see, and which promise of the spec that breaks."""

from __future__ import annotations

import re
import struct
import unicodedata
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from harness.clock import Clock
from harness.errors import HarnessError
from harness.mapping.rows import MappingRow
from harness.selfcheck.broken.cycles import BrokenSyncEngine, PolicyCycle
from harness.selfcheck.broken.engines import _rewire, _rows
from harness.selfcheck.broken.sides import Fix, SideWrapper, ValueFault
from harness.sut import Endpoints
from harness.sync.engine import SyncCycle
from harness.sync.plan import Group
from harness.sync.policy import MISSING, Decision, Side, decide
from harness.sync.records import ChangeBatch, Record, RecordSide, Writes
from harness.sync.reference import ReferenceEngine

__all__ = [
    "cursor_first",
    "cuts_text_by_bytes",
    "first_batch_only",
    "forgets_failed_deletes",
    "fresh_idempotency_keys",
    "merge_keeps_target",
    "merge_overwrites_with_empty",
    "merge_takes_zero_as_empty",
    "normalises_unicode",
    "retries_creates_blindly",
    "rounds_to_cents",
    "settles_failed_updates",
    "skips_false",
    "skips_zero",
    "strips_text",
]

_TEXT_KINDS = frozenset({"String", "string", "html"})


# -- wiring ----------------------------------------------------------------------------------------
def _both_sides_fixes(engine: ReferenceEngine, fix_for: Callable[[MappingRow, str], Fix | None]) -> None:
    """Spoil, on both sides, the values ``fix_for(row, role)`` names a fix for, on create and update."""

    def wrap(side: RecordSide, group: Group, role: str) -> RecordSide | None:
        fixes: dict[str, Fix] = {}
        for row in _rows(group):
            fix = fix_for(row, role)
            if fix is not None:
                fixes[row.target.path if role == "target" else row.source.path] = fix
        return ValueFault(side, fixes) if fixes else None

    _rewire(engine, wrap)


def _text_rows(row: MappingRow, role: str) -> bool:
    field = row.target if role == "target" else row.source
    return field.kind in _TEXT_KINDS and not row.is_line_row


class DropsWrites(SideWrapper):
    """Leaves out of every create and update the values ``dropped`` picks (an ``if value:`` guard)."""

    def __init__(self, inner: RecordSide, dropped: Callable[[str, Any], bool]) -> None:
        super().__init__(inner)
        self.dropped = dropped

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        kept = {k: v for k, v in values.items() if not self.dropped(k, v)}
        return self.inner.create(kept, intent_key=intent_key, source=source)

    def update(self, record: Record, writes: Writes) -> None:
        kept = {key: value for key, value in writes.items() if not self.dropped(key[1], value)}
        if kept:
            self.inner.update(record, kept)


def _is_zero(_: str, value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value == 0


def _is_false(paths: frozenset[str]) -> Callable[[str, Any], bool]:
    def dropped(path: str, value: Any) -> bool:
        return value is False or (path in paths and value == 0 and not isinstance(value, float))

    return dropped


# -- edge values -------------------------------------------------------------------------------------
def strips_text(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Strips texts: every text goes out ``strip()``-ed, so the white space a person typed at the start
    of a name (or two spaces inside it, kept) is gone in the other system. Violates: a string arrives
    equal — white space around the text included."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _strip if _text_rows(row, role) and not row.key else None)
    return engine


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def normalises_unicode(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Normalises texts to NFC: a name typed with combining accents (as macOS and many phones send it)
    arrives composed — it looks the same, but it is another text, and a search or a comparison by code
    point finds it changed. Violates: a string arrives equal, in the normal form it was typed in."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _nfc if _text_rows(row, role) else None)
    return engine


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def collapses_white_space(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Collapses runs of white space in texts to one space (a "clean-up" of pasted text): a name typed with
    two spaces arrives with one. Violates: a string arrives equal."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _collapse if _text_rows(row, role) and not row.key else None)
    return engine


def _collapse(value: Any) -> Any:
    return re.sub(r"\s{2,}", " ", value) if isinstance(value, str) else value


def folds_to_ascii(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Folds texts to ASCII (a transliteration meant for URLs, applied to names): "Crème brûlée" arrives as
    "Creme brulee", "€" disappears. Violates: a string arrives equal, accents and symbols included."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _ascii if _text_rows(row, role) else None)
    return engine


def _ascii(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKD", value).encode("ascii", errors="ignore").decode("ascii")


def latin1_texts(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Sends texts through Latin-1 (an old encoding setting): every character Latin-1 lacks — the euro
    sign, "ĳ", "Œ" — arrives as "?". Violates: a string arrives equal, in any script."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _latin1 if _text_rows(row, role) else None)
    return engine


def _latin1(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.encode("latin-1", errors="replace").decode("latin-1")


def numbers_as_float32(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Holds numbers in single precision on the way (a float32 column in its own staging table): a weight
    of 12.345 kg arrives as 12.345000267028809. Violates: a number arrives equal."""
    engine = ReferenceEngine(endpoints, clock)

    def fix_for(row: MappingRow, role: str) -> Fix | None:
        field = row.target if role == "target" else row.source
        return _float32 if field.kind in {"Double", "number"} and not row.is_line_row else None

    _both_sides_fixes(engine, fix_for)
    return engine


def _float32(value: Any) -> Any:
    if isinstance(value, float):
        return float(struct.unpack("f", struct.pack("f", value))[0])
    return value


def cuts_text_by_bytes(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Cuts texts to the receiving field's length in UTF-8 *bytes* (the field holds that many
    characters): a 60-letter name with accents or a euro sign arrives cut to about half. Violates: a
    string arrives equal when it fits the field on both sides."""
    engine = ReferenceEngine(endpoints, clock)

    def fix_for(row: MappingRow, role: str) -> Fix | None:
        field = row.target if role == "target" else row.source
        if not _text_rows(row, role) or not field.max_length:
            return None
        return _byte_cut(field.max_length)

    _both_sides_fixes(engine, fix_for)
    return engine


def _byte_cut(limit: int) -> Fix:
    def cut(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return value.encode("utf-8")[:limit].decode("utf-8", errors="ignore")

    return cut


def skips_zero(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Skips zero numbers: an ``if value:`` guard leaves a 0 out of every write, so a weight or a stock
    set to 0 keeps its old value in the other system. Violates: a number arrives equal — zero too."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: DropsWrites(side, _is_zero))
    return engine


def skips_false(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Skips false flags: an ``if value:`` guard leaves false (and Exact's 0 flag) out of every write, so
    a product hidden in one system stays visible in the other. Violates: a boolean arrives equal — false
    too."""
    engine = ReferenceEngine(endpoints, clock)

    def wrap(side: RecordSide, group: Group, role: str) -> RecordSide | None:
        flags = frozenset(
            row.source.path for row in _rows(group) if row.source.kind == "Byte" and row.target.kind == "boolean"
        )
        return DropsWrites(side, _is_false(flags if role == "source" else frozenset()))

    _rewire(engine, wrap)
    return engine


def rounds_to_cents(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Rounds every number to two decimals (it formats all numbers as money): a weight of 0.125 kg
    arrives as 0.13. Violates: a number arrives equal to the precision its field holds."""
    engine = ReferenceEngine(endpoints, clock)

    def fix_for(row: MappingRow, role: str) -> Fix | None:
        field = row.target if role == "target" else row.source
        return _cents if field.kind in {"Double", "number"} and not row.is_line_row else None

    _both_sides_fixes(engine, fix_for)
    return engine


def _cents(value: Any) -> Any:
    if isinstance(value, float):
        return float(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return value


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
        return bool(is_empty(value)) or value is False or _is_zero("", value)

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


# -- a value with its unit -----------------------------------------------------------------------------
def weight_in_pounds(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Sends weights with the unit POUND (the developer's own shop ships in pounds) but the number in
    kilograms, as Exact holds it: a 10 kg chair is listed, and charged shipping, as 4.5 kg. Violates: a
    value arrives with its whole meaning — a number with its unit."""
    engine = ReferenceEngine(endpoints, clock)
    for side in engine.engine.sides():
        money = getattr(side, "_money", None)
        if money is None:
            continue

        def in_pounds(variant: dict[str, Any], money: Callable[[dict[str, Any]], dict[str, Any]] = money) -> Any:
            weight = (variant.get("shippingMeasurements") or {}).get("weight")
            if isinstance(weight, dict):
                weight["unit"] = "POUND"
            return money(variant)

        side._money = in_pounds
    return engine


# -- what the spec does not map ------------------------------------------------------------------------
def resets_unmapped_product_fields(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Updates a product from a full template (mapped values over the defaults of a new product): every
    update also sends ``tags: []`` and an empty URL slug, so the merchant's tags and the product's address
    are wiped whenever an item changes. Violates: an edit leaves what the flow does not map alone."""
    engine = ReferenceEngine(endpoints, clock)
    client = engine.squarespace
    update = client.update_product

    def from_template(product_id: str, changes: dict[str, Any]) -> Any:
        return update(product_id, {"tags": [], "urlSlug": f"p-{product_id[-8:]}", **changes})

    client.update_product = from_template  # type: ignore[method-assign]
    return engine


def blanks_unmapped_item_fields(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Updates an Exact item with a body built from an empty item, so fields the flow does not map go out
    as null: the bookkeeper's notes and search code are wiped whenever the shop changes a product.
    Violates: an edit leaves what the flow does not map alone."""
    engine = ReferenceEngine(endpoints, clock)
    client = engine.exact
    update = client.update

    def from_empty_item(resource: str, key: str, body: Mapping[str, Any]) -> None:
        blank = {"Notes": None, "SearchCode": None} if resource.endswith("Items") else {}
        update(resource, key, {**blank, **body})

    client.update = from_empty_item  # type: ignore[method-assign]
    return engine


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
