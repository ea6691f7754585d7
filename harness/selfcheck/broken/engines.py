"""The broken engines' factories (``harness.selfcheck.broken`` names each of them): talkqa's reference
engine, wired, then given one fault through a seam."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from harness.clock import Clock
from harness.mapping.rows import MappingRow
from harness.selfcheck.broken import policies
from harness.selfcheck.broken.catalogue import TEXT_CUT
from harness.selfcheck.broken.cycles import BrokenSyncEngine, EchoingCycle, GivingUpCycle, PolicyCycle
from harness.selfcheck.broken.sides import (
    FirstPageOnly,
    Fix,
    ForgetsDeletes,
    LinesOffByOne,
    NeverFinds,
    NeverWrites,
    TakesRateLimitsAsEmpty,
    ValueFault,
    midnight,
    truncated,
    whole_number,
)
from harness.sut import Endpoints
from harness.sync.engine import SyncEngine
from harness.sync.links import LinkTable
from harness.sync.plan import Group
from harness.sync.records import RecordSide
from harness.sync.reference import ReferenceEngine

__all__ = [
    "clear_is_no_change",
    "drops_property",
    "duplicates_on_rerun",
    "echoes_writes",
    "empty_overwrites",
    "first_page_only",
    "gives_up_on_429",
    "ignores_deletes",
    "ignores_merge_criteria",
    "ignores_target_edits",
    "loses_time_of_date",
    "one_way",
    "rounds_double",
    "truncates_text",
    "wrong_variant",
]


# -- wiring ----------------------------------------------------------------------------------------
def _rewire(engine: ReferenceEngine, wrap: Callable[[RecordSide, Group, str], RecordSide | None]) -> None:
    """Put ``wrap(side, group, "source"|"target")`` (None: keep the side) in place of each side of the
    plan — once per side, however many groups share it."""
    done: dict[int, RecordSide] = {}
    for group in engine.plan.groups:
        for role in ("source", "target"):
            side: RecordSide = getattr(group, role)
            if id(side) not in done:
                done[id(side)] = wrap(side, group, role) or side
            setattr(group, role, done[id(side)])


def _rows(group: Group) -> Iterable[MappingRow]:
    for plan in group.sections:
        yield from plan.mapping.rows


def _target_fixes(engine: ReferenceEngine, fix: Fix, wanted: Callable[[MappingRow], bool]) -> None:
    """Wrap every target side so that ``fix`` spoils the rows ``wanted`` picks, on create and update."""

    def wrap(side: RecordSide, group: Group, role: str) -> RecordSide | None:
        if role != "target":
            return None
        fixes: Mapping[str, Fix] = {row.target.path: fix for row in _rows(group) if wanted(row)}
        return ValueFault(side, fixes) if fixes else None

    _rewire(engine, wrap)


class _Echoing(BrokenSyncEngine):
    cycle_class = EchoingCycle


class _GivingUp(BrokenSyncEngine):
    cycle_class = GivingUpCycle


class _LatestRecordWins(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(policies.latest_record_wins)


class _TargetNeverChanges(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(policies.target_never_changes)


class _ClearIsNoChange(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(policies.clear_is_no_change)


# -- the faults ------------------------------------------------------------------------------------
def drops_property(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Drops one mapped property: the first text row that is no key (Description → name in the bundled
    spec) is missing from the engine's mapping, so it is never written. Violates: every mapped property
    travels with its record."""
    engine = ReferenceEngine(endpoints, clock)
    for group in engine.plan.groups:
        for index, plan in enumerate(group.sections):
            rows = plan.mapping.rows
            dropped = next((r for r in rows if r.source.kind == "String" and not r.key and not r.is_line_row), None)
            if dropped is not None:
                mapping = replace(plan.mapping, rows=tuple(r for r in rows if r is not dropped))
                group.sections[index] = replace(plan, mapping=mapping)
                return engine
    return engine


def one_way(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Writes only one direction: never to the source (its updates and deletes are dropped, though the
    engine settles them as written). Violates: the flow is bidirectional — an edit or a delete in the
    target reaches the source."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: NeverWrites(side) if role == "source" else None)
    return engine


def rounds_double(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Rounds a Double: prices, weights and amounts reach the target as whole numbers (12.34 → 12.00).
    Violates: a Double property arrives equal under its data type's rules."""
    engine = ReferenceEngine(endpoints, clock)
    _target_fixes(engine, whole_number, lambda row: row.source.kind == "Double" and row.target.kind != "integer")
    return engine


def loses_time_of_date(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Loses the time of a date: a DateTime reaches the target as its date at midnight (an order placed
    at 14:37 is dated 00:00). Violates: a DateTime property arrives equal, to the second."""
    engine = ReferenceEngine(endpoints, clock)
    _target_fixes(engine, midnight, lambda row: row.source.kind == "DateTime")
    return engine


def truncates_text(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Truncates text: names and descriptions reach the target cut to their first 20 characters.
    Violates: a string property arrives equal (within the lengths both systems hold)."""
    engine = ReferenceEngine(endpoints, clock)
    _target_fixes(engine, truncated(TEXT_CUT), lambda row: row.source.kind == "String" and not row.key)
    return engine


def duplicates_on_rerun(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Creates a duplicate on re-run: keeps its links in memory, so a restart forgets them (and its
    cursors), and never looks for an existing record before creating one. Violates: the link — a re-run
    or a restart never duplicates a target record."""
    engine = ReferenceEngine(endpoints, clock)
    engine.links.close()
    engine.links = LinkTable()  # in memory: gone with the process
    engine.engine = SyncEngine(engine.plan, engine.links, clock)
    _rewire(engine, lambda side, group, role: NeverFinds(side) if role == "target" else None)
    return engine


def ignores_merge_criteria(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Ignores the merge criteria: never looks for an existing target record, so a source record whose
    counterpart already exists (same Code and SKU) gets a duplicate. Violates: merge on Code = SKU —
    an existing product is linked, not copied."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: NeverFinds(side) if role == "target" else None)
    return engine


def echoes_writes(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Echoes its own writes: every cycle writes every mapped property of every linked pair to the
    target again, changed or not. Violates: a quiet cycle writes nothing (and a sync comes to rest)."""
    return ReferenceEngine(endpoints, clock, engine_class=_Echoing)


def first_page_only(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Reads only the first page of every listing (50 Squarespace products, one page of an Exact sync
    endpoint): records beyond it are never seen — not edited, not matched. Violates: every record of
    the flow is synced, however many there are."""
    engine = ReferenceEngine(endpoints, clock)
    for side in engine.engine.sides():
        side.client = FirstPageOnly(side.client)
    return engine


def gives_up_on_429(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Ignores 429 and gives up: its clients never wait out a rate limit, and the engine takes a 429 as
    "nothing there" — a listing as no changes, a look-up as no match, a write as done — and skips a
    record whose look-up or create answers 429, dropping its create intent. The cycle still reports
    success and moves its cursors past every record it read, so a record skipped for a 429 is lost for
    good, and one a 429 hid from the listing waits, unsaid, for a later cycle. Violates: the flow keeps
    working through rate limits."""
    engine = ReferenceEngine(endpoints, clock, engine_class=_GivingUp)
    engine.exact.policy = replace(engine.exact.policy, max_rate_wait_s=0.0)
    transport = engine.squarespace.transport
    transport.policy = replace(transport.policy, max_rate_limit_wait_s=0.0)
    _rewire(engine, lambda side, group, role: TakesRateLimitsAsEmpty(side))
    return engine


def empty_overwrites(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Lets an empty value overwrite: whole-record latest-wins — the record modified last gives every
    property its value, empties included, whatever changed since the last sync. Violates: an empty value
    never overwrites a value."""
    return ReferenceEngine(endpoints, clock, engine_class=_LatestRecordWins)


def ignores_target_edits(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Ignores target edits: takes a linked target's current value for the last synced one, so an edit
    made in the target never counts and the source's value is written back over it. Violates: an edit
    in the target reaches the source."""
    return ReferenceEngine(endpoints, clock, engine_class=_TargetNeverChanges)


def clear_is_no_change(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Treats a clear as "no change": a property emptied on one side keeps the other side's value, which
    is written back over the clear. Violates: a deliberate clear propagates."""
    return ReferenceEngine(endpoints, clock, engine_class=_ClearIsNoChange)


def ignores_deletes(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Ignores deletes: reads changes without the deletions, so a record deleted on one side lives on in
    the other. Violates: a deleted record does not linger in the other system."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: ForgetsDeletes(side))
    return engine


def wrong_variant(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Links order lines to the wrong variant: each line of an imported order points at the variant of
    the next line's item (an off-by-one over the lines). Violates: order lines arrive pointing at the
    variants their items are linked to."""
    engine = ReferenceEngine(endpoints, clock)

    def wrap(side: RecordSide, group: Group, role: str) -> RecordSide | None:
        references = {
            str(row.target.line_collection): row.target.path.split(".", 1)[1]
            for row in _rows(group)
            if row.is_reference and row.is_line_row
        }
        return LinesOffByOne(side, references) if role == "target" and references else None

    _rewire(engine, wrap)
    return engine
