"""Reconciling one linked pair: per property, ``policy.decide`` against the last synced value, then
the writes that carry the decisions out — at most one update per side — and the new last values.

Two things a naive comparison gets wrong, and how they are handled:

- A system's own form of "no value": Squarespace holds no weight as ``0`` and no price as ``0.00``
  (``RecordSide.stored``). That form reads as empty where it stands for empty (``as_read``), so a
  default is never taken for an edit, written back over a real value, or used to undo a clear.
- A write a system refuses (a duplicate item code, say) never stops the cycle: it is reported as a
  problem and the property is settled as if written, so the next cycle reads the refusing side's value
  as the change and carries it back — the pair agrees again, on the value the refusing system can hold.
  The refused value is remembered in the link (``refused:<row>``) and not sent again while it stands.
  A refused update of several properties is sent again one property at a time, so one bad value does
  not hold back the others.

A reconciler works for one cycle, through what ``CycleContext`` names (``engine.SyncCycle`` is one): the
link table and clock, the id translation of reference rows, the side that wins a tie, and the cycle's
report and write guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from harness.clock import Clock
from harness.errors import ApiError, MappingError
from harness.mapping.direction import Direction
from harness.mapping.paths import get_path
from harness.mapping.rows import IdLinks, MappingRow
from harness.sync import crossing
from harness.sync.links import Link, LinkTable
from harness.sync.plan import Group, SectionPlan
from harness.sync.policy import MISSING, Decision, Side, decide
from harness.sync.records import Record, RecordSide, Writes

__all__ = ["CycleContext", "PairReconciler", "as_read", "canonical", "empty_form", "is_refusal", "row_groups"]

_REFUSED = "refused:"  #: prefix of the link-value keys that remember a refused write
_PENDING = "pending:"  #: prefix of the link-value keys that hold a decision until its writes are done
#: (in the lead section) the two records' times when the pending decisions were taken, and which sides the
#: engine has started to write since: [source time, target time, writing the source, writing the target]
_PENDING_TIMES = "pending:$times"
_NOT_REFUSALS = {401, 403, 408, 429}  #: 4xx statuses that say nothing about the record itself


def is_refusal(exc: Exception) -> bool:
    """Whether ``exc`` is a system refusing one record's write (4xx), not the connection failing."""
    return isinstance(exc, ApiError) and 400 <= exc.status < 500 and exc.status not in _NOT_REFUSALS


class CycleContext(Protocol):
    """What a ``PairReconciler`` needs of the cycle it works for (``engine.SyncCycle`` is one)."""

    @property
    def links(self) -> LinkTable: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def priority(self) -> Side:
        """The side whose value wins a conflict nothing else settles (the engine's)."""
        ...

    def references(self, g: Group) -> IdLinks:
        """How ``g``'s reference rows translate ids between the sides."""
        ...

    def event(
        self, kind: str, g: Group, detail: str, source_id: str | None = None, target_id: str | None = None
    ) -> None:
        """Report what was done, or could not be done, to a pair."""
        ...

    def guard(self) -> None:
        """Called before every write (a test's simulated crash is raised here)."""
        ...

    def wrote(self, side_key: str) -> None:
        """Called after every write, whatever came of it."""
        ...


class PairReconciler:
    """Decides and writes linked pairs for one cycle."""

    #: the conflict policy, per property (a seam: the self-check's broken engines decide otherwise)
    decide = staticmethod(decide)

    def __init__(self, cycle: CycleContext) -> None:
        self.cycle = cycle
        self.links = cycle.links
        self._empty_forms: dict[tuple[str, str, Side], Any] = {}

    def target_changed(self, g: Group, target: Record) -> bool:
        """Whether a linked target holds a value other than the last synced one (or had a write refused)."""
        return bool(self.changed_targets(g, [target]))

    def changed_targets(self, g: Group, targets: Iterable[Record]) -> list[Record]:
        """The linked targets among ``targets`` that hold a value other than the last synced one, or had a
        write refused (the group's links read once for all of them: a snapshot holds every product)."""
        wanted = list(targets)
        if len(wanted) == 1:
            link = self.links.by_target(g.lead, wanted[0].id)
            source_ids = [link.source_id] if link is not None else []
            sections = {p.key: {s: self.links.get(p.key, s) for s in source_ids} for p in g.sections}
        else:
            sections = {p.key: {lk.source_id: lk for lk in self.links.links(p.key)} for p in g.sections}
        by_target = {lk.target_id: lk for lk in sections[g.lead].values() if lk is not None and lk.is_linked}
        return [t for t in wanted if t.id in by_target and self._differs(g, t, by_target[t.id].source_id, sections)]

    def _differs(
        self, g: Group, target: Record, source_id: str, sections: Mapping[str, Mapping[str, Link | None]]
    ) -> bool:
        if "$problem" in target.data:
            return False
        refs = self.cycle.references(g)
        for plan in g.sections:
            section_link = sections[plan.key].get(source_id)
            last = section_link.last_values if section_link is not None else {}
            if any(key.startswith(_REFUSED) and value for key, value in last.items()):
                return True
            for label, rows in row_groups(plan):
                before = last.get(label, MISSING)
                try:
                    value = canonical(rows, target.data, Side.TARGET, refs)
                    value = as_read(value, self._empty_form(g, plan, label, rows, Side.TARGET, refs), last=before)
                except MappingError:
                    return True
                if before != value:
                    return True
        return False

    def _empty_form(
        self, g: Group, plan: SectionPlan, label: str, rows: tuple[MappingRow, ...], side: Side, refs: Any
    ) -> Any:
        key = (plan.key, label, side)
        if key not in self._empty_forms:
            self._empty_forms[key] = empty_form(g, plan, rows, side, refs)
        return self._empty_forms[key]

    def reconcile(self, g: Group, source: Record, target: Record) -> None:
        if "$problem" in target.data:
            self.cycle.event("skipped", g, str(target.data["$problem"]), source.id, target.id)
            return
        refs = self.cycle.references(g)
        writes: dict[Side, Writes] = {Side.SOURCE: {}, Side.TARGET: {}}
        labels: dict[Side, dict[tuple[str, str], list[tuple[str, str]]]] = {Side.SOURCE: {}, Side.TARGET: {}}
        settled: dict[str, dict[str, Any]] = {}
        decided: dict[str, dict[str, Any]] = {}  #: the decisions about to be written, per section
        read: list[tuple[SectionPlan, Mapping[str, Any], str, tuple[MappingRow, ...], Any, Any, Any]] = []
        #: each section's link, read once (reconciling writes values, never adds or removes a link)
        links = {plan.key: self.links.get(plan.key, source.id) for plan in g.sections}
        for plan in g.sections:
            link = links[plan.key]
            last = link.last_values if link is not None else {}
            settled[plan.key] = {}
            decided[plan.key] = {}
            for label, rows in row_groups(plan):
                try:
                    before = last.get(label, MISSING)
                    s_value = canonical(rows, source.data, Side.SOURCE, refs)
                    t_value = canonical(rows, target.data, Side.TARGET, refs)
                    t_empty = self._empty_form(g, plan, label, rows, Side.TARGET, refs)
                    s_empty = self._empty_form(g, plan, label, rows, Side.SOURCE, refs)
                    t_value = as_read(t_value, t_empty, other=s_value, last=before)
                    s_value = as_read(s_value, s_empty, other=t_value, last=before)
                except MappingError as exc:
                    self.cycle.event("problem", g, f"{plan.section.title}: {exc}", source.id, target.id)
                    continue
                read.append((plan, last, label, rows, before, s_value, t_value))
        lead = links[g.lead]
        times_then = lead.last_values.get(_PENDING_TIMES) if lead is not None else None
        still = _undisturbed(times_then, source, target, [(r[1].get(_PENDING + r[2]), r[5], r[6]) for r in read])
        for plan, last, label, rows, before, s_value, t_value in read:
            pending = last.get(_PENDING + label)
            if pending and still and pending[0] == s_value and pending[1] == t_value:
                decision = _completing(pending[2], s_value, t_value)
            else:
                decision = self.decide(
                    s_value,
                    t_value,
                    before,
                    source_time=source.modified,
                    target_time=target.modified,
                    direction=rows[0].direction if len(rows) == 1 else _lines_direction(rows),
                    same=lambda a, b: bool(a == b),
                    is_empty=_is_empty,
                    priority=self.cycle.priority,
                )
            if pending:
                settled[plan.key][_PENDING + label] = []
            refused = last.get(_REFUSED + label)
            if decision.writes and refused and refused[0] == decision.value:
                continue  # refused before, reported then: wait for either side to change
            blocked = _blocked(decision.write_source, decision.write_target, rows)
            if blocked:
                self.cycle.event("cannot_write", g, f"{plan.section.title}: {label}: {blocked}", source.id, target.id)
                continue
            try:
                for side, wanted, record in (
                    (Side.TARGET, decision.write_target, source),
                    (Side.SOURCE, decision.write_source, target),
                ):
                    if wanted:
                        for row in rows:
                            key, value = _write_of(row, plan, side, record, refs)
                            writes[side][key] = value
                            labels[side].setdefault(key, []).append((plan.key, label))
            except MappingError as exc:
                self.cycle.event("problem", g, f"{plan.section.title}: {exc}", source.id, target.id)
                continue
            settled[plan.key][label] = decision.value
            if refused:
                settled[plan.key][_REFUSED + label] = []
            if decision.writes:
                decided[plan.key][_PENDING + label] = [s_value, t_value, decision.value]
            if decision.writes and decision.winner is not None:
                side_name = "source" if decision.write_source else "target"
                reason = f"{label} written to the {side_name}: {decision.reason}"
                self.cycle.event("updated", g, reason, source.id, target.id)
        # Kept until the writes are done: a cycle stopped half-way (the target written, the source not) would
        # otherwise decide again next time, when the engine's own write makes that record look newer.
        times = [source.modified, target.modified, False, False]
        if any(decided.values()):
            decided[g.lead][_PENDING_TIMES] = times
            for section, values in decided.items():
                if values and links[section] is not None:
                    self.links.update_values(section, source.id, values, at=self.cycle.clock.now())
        for side, record, holder in ((Side.TARGET, target, g.target), (Side.SOURCE, source, g.source)):
            if writes[side]:
                times[2 if side is Side.SOURCE else 3] = True  # from here on its time may be the engine's own
                if lead is not None:
                    self.links.update_values(g.lead, source.id, {_PENDING_TIMES: times}, at=self.cycle.clock.now())
                for key in self._write(g, holder, record, writes[side], source.id, target.id):
                    # Settled as if written: the refusing side now reads as the one that changed, so its
                    # value goes back to the other side and the pair agrees again.
                    for section, label in labels[side][key]:
                        settled[section][_REFUSED + label] = [settled[section].get(label)]
        for plan in g.sections:
            for pending_key in decided[plan.key]:
                settled[plan.key].setdefault(pending_key, [])  # written: nothing is pending any more
            if links[plan.key] is not None:
                self.links.update_values(
                    plan.key,
                    source.id,
                    settled[plan.key],
                    source_seen=source.modified,
                    target_seen=target.modified,
                    at=self.cycle.clock.now(),
                )

    def _write(
        self, g: Group, side: RecordSide, record: Record, writes: Writes, source_id: str, target_id: str
    ) -> list[tuple[str, str]]:
        """Write ``writes`` to ``record``; the keys of those refused (each refused one reported)."""
        self.cycle.guard()
        try:
            side.update(record, writes)
            return []
        except ApiError as exc:
            if not is_refusal(exc):
                raise
            if len(writes) == 1:
                (key,) = writes
                self.cycle.event("problem", g, f"{side.label} refused {key[1]}: {exc}", source_id, target_id)
                return [key]
        finally:
            self.cycle.wrote(side.key)
        refused: list[tuple[str, str]] = []
        for key, value in writes.items():  # one by one: find the value refused, let the others through
            refused += self._write(g, side, record, {key: value}, source_id, target_id)
        return refused


def _undisturbed(times: Any, source: Record, target: Record, pending: list[tuple[Any, Any, Any]]) -> bool:
    """Whether neither record was edited since pending decisions were taken.

    A record is undisturbed when it still has its time then, or when the engine began writing to it and at
    least one of those writes landed (its new time is then the engine's own). A record whose time moved while
    none of the engine's writes to it shows is one a person edited: the decisions are taken again.
    ``pending`` holds, per row, the pending decision ``[source value, target value, value]`` (or None) and the
    values read now.
    """
    if not times:
        return False
    source_time, target_time, writing_source, writing_target = times
    landed_source = landed_target = False
    for decision, s_value, t_value in pending:
        if not decision:
            continue
        s_then, t_then, value = decision
        landed_source = landed_source or (s_then != value and s_value == value)
        landed_target = landed_target or (t_then != value and t_value == value)
    return (source.modified == source_time or (writing_source and landed_source)) and (
        target.modified == target_time or (writing_target and landed_target)
    )


def _completing(value: Any, s_value: Any, t_value: Any) -> Decision:
    """The decision an interrupted cycle took, taken again (neither side changed since)."""
    winner = Side.SOURCE if value == s_value else Side.TARGET
    reason = "completing what an interrupted cycle decided"
    return Decision(value, winner, write_source=s_value != value, write_target=t_value != value, reason=reason)


def row_groups(plan: SectionPlan) -> list[tuple[str, tuple[MappingRow, ...]]]:
    """Rows decided one by one, and the line rows of a section decided together (a line is a unit)."""
    singles: list[tuple[str, tuple[MappingRow, ...]]] = [
        (row.label, (row,)) for row in plan.mapping.rows if not row.is_line_row
    ]
    line_rows = tuple(row for row in plan.mapping.rows if row.is_line_row)
    if line_rows:
        singles.append((f"lines:{line_rows[0].source.line_collection}", line_rows))
    return singles


def canonical(rows: tuple[MappingRow, ...], data: Mapping[str, Any], side: Side, refs: Any) -> Any:
    """The value a row group compares (a line group: one list per line)."""
    if len(rows) == 1 and not rows[0].is_line_row:
        row = rows[0]
        path = row.source.path if side is Side.SOURCE else row.target.path
        return crossing.canonical(row, get_path(data, path), side=side.value, links=refs)
    columns = []
    for row in rows:
        path = row.source.path if side is Side.SOURCE else row.target.path
        values = get_path(data, path) or []
        columns.append([crossing.canonical(row, v, side=side.value, links=refs) for v in values])
    return [list(line) for line in zip(*columns, strict=False)]


def empty_form(g: Group, plan: SectionPlan, rows: tuple[MappingRow, ...], side: Side, refs: Any) -> Any:
    """The canonical value a side holds once an empty value is written to it (``None`` for most fields;
    ``0`` for a Squarespace weight), or ``MISSING`` for a line group."""
    if len(rows) != 1 or rows[0].is_line_row:
        return MISSING
    row = rows[0]
    try:
        if side is Side.TARGET:
            held = g.target.stored(plan.target_type, row.target.path, crossing.to_target(row, None, links=refs))
        else:
            held = g.source.stored(plan.source_type, row.source.path, crossing.to_source(row, None, links=refs))
        return crossing.canonical(row, held, side=side.value, links=refs)
    except MappingError:
        return MISSING


def as_read(value: Any, empty: Any, *, other: Any = MISSING, last: Any = MISSING) -> Any:
    """``value`` as the policy should read it: a side's form of an empty value (a weight of 0) reads as
    empty where that is what it stands for — the other side holds another value and the last synced value
    is empty (or the pair never synced), or the other side is empty — and as itself otherwise (a weight set
    to 0 over a real weight is an edit to 0)."""
    if value is None or empty is MISSING or empty is None or value != empty or value == other:
        return value
    return None if other is None or last is None or last is MISSING else value


def _write_of(row: MappingRow, plan: SectionPlan, to: Side, record: Record, refs: Any) -> tuple[tuple[str, str], Any]:
    """The write of ``row`` to side ``to``, from ``record`` (the other side's record)."""
    if to is Side.TARGET:
        raw = get_path(record.data, row.source.path)
        return (plan.target_type, row.target.path), _convert(row, raw, crossing.to_target, refs)
    raw = get_path(record.data, row.target.path)
    return (plan.source_type, row.source.path), _convert(row, raw, crossing.to_source, refs)


def _convert(row: MappingRow, raw: Any, one: Callable[..., Any], refs: Any) -> Any:
    """``raw`` converted by ``one`` (a line row: one value per line)."""
    if row.is_line_row:
        return [one(row, value, links=refs) for value in raw or []]
    return one(row, raw, links=refs)


def _blocked(write_source: bool, write_target: bool, rows: tuple[MappingRow, ...]) -> str | None:
    if write_target and not all(r.target.writable_on_update for r in rows):
        return f"{rows[0].target.system} cannot change it after the record was created"
    if write_source and not all(r.source.writable_on_update for r in rows):
        return f"{rows[0].source.system} cannot change it after the record was created"
    return None


def _lines_direction(rows: tuple[MappingRow, ...]) -> Direction:
    directions = {row.direction for row in rows}
    return directions.pop() if len(directions) == 1 else Direction.SOURCE_TO_TARGET


def _is_empty(value: Any) -> bool:
    return value is None or value == []
