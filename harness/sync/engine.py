"""The reference sync engine: one ``SyncCycle`` reads what changed on both sides since its cursors,
decides per property what each linked pair should hold, and writes — keeping Talk's promises.

Per group of sections (see ``plan.py``), a cycle:

1. reads the source's changes since its cursor and the target's (a complete snapshot for products);
2. propagates deletions (or unlinks where a system cannot delete), confirming a record missing from a
   snapshot by reading it before acting;
3. for each changed source record: reconciles it with its linked target, or — unlinked — merges it
   with a matching target (merge criteria, or the key rows when recovering an interrupted create) or
   creates the target (an intent is written to the link table first, so a crash never duplicates);
4. reconciles linked targets that changed on their own;
5. moves the cursors — only now, so a cycle that stops early is re-read, never lost.

Values are compared canonically (``harness.sync.crossing.canonical``) against the last synced value of every
property, so the engine knows which side changed; ``policy.decide`` settles conflicts. A cycle with
nothing new writes nothing, and the engine's own writes come back as "no change" (no echo).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from harness.clock import Clock
from harness.errors import ApiError, HarnessError, MappingError, SyncError
from harness.mapping.paths import get_path
from harness.sync import crossing
from harness.sync.cycle_report import CycleEvent, CycleReport
from harness.sync.links import LinkTable
from harness.sync.plan import Group, SyncPlan
from harness.sync.policy import Side
from harness.sync.reconcile import PairReconciler, is_refusal
from harness.sync.records import Record, deep_merge

__all__ = ["CycleEvent", "CycleReport", "SimulatedCrash", "SyncCycle", "SyncEngine"]


class SimulatedCrash(Exception):
    """Raised by the engine itself when a test asked it to crash after N writes."""


class _GroupLinks:
    """Translates referenced ids (an Exact item id ↔ its Squarespace variant id) through the links of
    the sections a reference row names."""

    def __init__(self, links: LinkTable, routes: list[tuple[str, Any]]) -> None:
        self.links = links
        self.routes = routes  #: (section key, the target side that holds the referenced records)

    def target_id(self, source_id: str) -> str | None:
        for key, side in self.routes:
            link = self.links.get(key, str(source_id).lower())
            if link is not None and link.is_linked and link.target_id is not None:
                reference: str | None = side.reference_of(link.target_id)
                return reference
        return None

    def source_id(self, target_id: str) -> str | None:
        for key, side in self.routes:
            record = side.record_of_reference(str(target_id))
            link = self.links.by_target(key, record) if record is not None else None
            if link is not None and link.is_linked:
                return link.source_id
        return None


class SyncCycle:
    """One cycle over every group of a plan (a fresh object per cycle)."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine
        self.links = engine.links
        self.clock = engine.clock
        self.report = CycleReport(started=engine.clock.now())
        self.pairs = PairReconciler(self)
        self._writes_done = 0

    def run(self) -> CycleReport:
        for side in self.engine.sides():
            side.begin_cycle()
        try:
            for group in self.engine.plan.groups:
                self._sync_group(group)
        except SimulatedCrash:
            raise
        except (HarnessError, httpx.HTTPError) as exc:
            self.report.ok = False
            self.report.error = f"{type(exc).__name__}: {exc}"
        self.report.finished = self.clock.now()
        return self.report

    # -- one group -----------------------------------------------------------------------------
    def _sync_group(self, g: Group) -> None:
        source_batch = g.source.changes(self.links.cursor(f"{g.key}:source"), g.source_types)
        target_batch = g.target.changes(self.links.cursor(f"{g.key}:target"), g.target_types)
        self.count_reads(g.source.key, source_batch.calls)
        self.count_reads(g.target.key, target_batch.calls)
        sources = {r.id: r for r in source_batch.records}
        targets = {r.id: r for r in target_batch.records}

        self._source_deletions(g, source_batch.deleted)
        self._target_deletions(g, target_batch.deleted, targets if target_batch.complete else None)

        waiting = [link.source_id for link in self.links.pending_creates(g.lead)]
        deferred_key = f"{g.key}:deferred"
        waiting += json.loads(self.links.cursor(deferred_key) or "[]")
        missing = [i for i in dict.fromkeys(waiting) if i not in sources]
        if missing:
            sources.update(g.source.fetch(missing))
        done: set[str] = set()
        deferred: list[str] = []  #: to be tried again next cycle though they may not change
        for source in sources.values():
            link = self.links.get(g.lead, source.id)
            if link is not None and link.is_linked and link.target_id is not None:
                target = targets.get(link.target_id)
                if target is None and not target_batch.complete:
                    target = g.target.fetch([link.target_id]).get(link.target_id)
                if target is not None:
                    self.pairs.reconcile(g, source, target)
                    done.add(source.id)
            elif (outcome := self._create_or_merge(g, source)) == "waiting":
                deferred.append(source.id)
            elif outcome != "skipped":
                # Created or merged (and reconciled) just now: the target as this cycle read it is stale,
                # and reconciling it again would carry its old values back over the merge.
                done.add(source.id)

        changed = self.pairs.changed_targets(g, targets.values())
        pairs: list[tuple[str, Record]] = []
        for target in changed:
            link = self.links.by_target(g.lead, target.id)
            if link is not None and link.source_id not in done:
                pairs.append((link.source_id, target))
        fetched = g.source.fetch([sid for sid, _ in pairs]) if pairs else {}
        for source_id, target in pairs:
            paired = sources.get(source_id) or fetched.get(source_id)
            if paired is not None:
                self.pairs.reconcile(g, paired, target)

        self.links.set_cursor(deferred_key, json.dumps(sorted(set(deferred))))
        if source_batch.cursor is not None:
            self.links.set_cursor(f"{g.key}:source", source_batch.cursor)
        if target_batch.cursor is not None:
            self.links.set_cursor(f"{g.key}:target", target_batch.cursor)

    # -- deletions -----------------------------------------------------------------------------
    def _source_deletions(self, g: Group, deleted: Iterable[str]) -> None:
        for source_id in deleted:
            link = self.links.get(g.lead, source_id)
            if link is None:
                continue
            if link.is_linked and link.target_id is not None:
                self.guard()
                try:
                    gone = g.target.delete(link.target_id)
                except ApiError as exc:
                    if not is_refusal(exc):
                        raise
                    detail = f"deleted in {g.source.label}, but {g.target.label} refused to delete it: {exc}; unlinked"
                    self.event("problem", g, detail, source_id, link.target_id)
                else:
                    kind, how = ("deleted", "deleted in") if gone else ("unlinked", "cannot be deleted in")
                    detail = f"deleted in {g.source.label}: {how} {g.target.label}"
                    self.event(kind, g, detail, source_id, link.target_id)
                finally:
                    self.wrote(g.target.key)
            self._unlink(g, source_id)

    def _target_deletions(self, g: Group, deleted: Iterable[str], snapshot: Mapping[str, Record] | None) -> None:
        gone = set(deleted)
        if snapshot is not None:
            absent = [lk.target_id for lk in self.links.links(g.lead) if lk.is_linked and lk.target_id not in snapshot]
            if absent:
                still_there = g.target.fetch([t for t in absent if t is not None])
                gone.update(t for t in absent if t is not None and t not in still_there)
        for target_id in sorted(gone):
            link = self.links.by_target(g.lead, target_id)
            if link is None:
                continue
            outcome: bool | None = False
            if g.bidirectional:
                self.guard()
                try:
                    outcome = g.source.delete(link.source_id)
                except ApiError as exc:
                    if not is_refusal(exc):
                        raise
                    detail = f"deleted in {g.target.label}, but {g.source.label} refused to delete it: {exc}; unlinked"
                    self.event("problem", g, detail, link.source_id, target_id)
                    outcome = None
                finally:
                    self.wrote(g.source.key)
            if outcome:
                detail = f"deleted in {g.target.label}: deleted in {g.source.label}"
                self.event("deleted", g, detail, link.source_id, target_id)
            elif outcome is False:
                self.event("unlinked", g, f"deleted in {g.target.label}: unlinked", link.source_id, target_id)
            self._unlink(g, link.source_id)

    def _unlink(self, g: Group, source_id: str) -> None:
        for plan in g.sections:
            self.links.unlink(plan.key, source_id)

    # -- creating and merging ------------------------------------------------------------------
    def _create_or_merge(self, g: Group, source: Record) -> str:
        """Link ``source`` to its counterpart, creating it where the flow says so. "waiting" when it
        must be tried again next cycle even if it does not change (a reference not linked yet, or a
        match the engine cannot choose — the other side may change)."""
        refs = self.engine.references(g)
        merging = any(p.section.merge_criteria for p in g.sections)
        if merging or not getattr(g.target, "idempotent_create", False):
            candidates = sorted(self._matches(g, source, refs), key=_made_first)
            if candidates:
                target, others = candidates[0], candidates[1:]
                self._link(g, source.id, target.id)
                why = f"matched an existing {g.target.label} record"
                if others:
                    # Several match: the one made first is taken (the original; later ones are most likely
                    # copies) and the others are left as they are, so nothing is silently overwritten.
                    left = ", ".join(c.id for c in others)
                    why = f"{len(candidates)} {g.target.label} records match; merged with the one made first"
                    why += f", left {left} alone"
                self.event("merged", g, why, source.id, target.id)
                self.pairs.reconcile(g, source, target)
                return "merged"
        if not g.creates:
            self.event("skipped", g, "not linked, and the flow only syncs linked records", source.id)
            return "skipped"
        waiting_for = self._unlinked_references(g, source, refs)
        if waiting_for:
            self.event("deferred", g, f"waits until {waiting_for} is linked", source.id)
            return "waiting"
        values: dict[str, Any] = {}
        try:
            for plan in g.sections:
                deep_merge(values, crossing.build_target(plan.mapping, source.data, links=refs))
        except MappingError as exc:
            self.event("problem", g, f"cannot be created: {exc}", source.id)
            return "skipped"
        link = self.links.get(g.lead, source.id)
        intent = link.intent_key if link is not None and link.intent_key else _intent_key(g, source.id)
        self.guard()
        for plan in g.sections:
            self.links.begin_create(plan.key, source.id, intent, at=self.clock.now())
        try:
            target = g.target.create(values, intent_key=intent, source=source)
        except ApiError as exc:
            if not is_refusal(exc):
                raise  # the create may or may not have happened: the intent stays, to be recovered
            # Refused outright: nothing was created. The intent stays, so the create is tried again next
            # cycle (the refusal may pass: an order dated tomorrow), under a new key — a system that
            # remembers its answer per key would otherwise repeat the refusal for ever.
            for plan in g.sections:
                self.links.begin_create(plan.key, source.id, _next_intent_key(intent), at=self.clock.now())
            self.event("problem", g, f"{g.target.label} refused to create it: {exc}", source.id)
            return "skipped"
        finally:
            self.wrote(g.target.key)
        self._link(g, source.id, target.id)
        self.event("created", g, f"created in {g.target.label}", source.id, target.id)
        self.pairs.reconcile(g, source, target)
        return "created"

    @staticmethod
    def _unlinked_references(g: Group, source: Record, refs: _GroupLinks) -> str | None:
        """The first record ``source`` refers to that has no linked counterpart yet, if any."""
        for plan in g.sections:
            for row in plan.mapping.reference_rows:
                value = get_path(source.data, row.source.path)
                for referenced in value if isinstance(value, list) else [value]:
                    if referenced not in (None, "") and refs.target_id(str(referenced)) is None:
                        return f"{row.source.path} {referenced}"
        return None

    def _matches(self, g: Group, source: Record, refs: Any) -> list[Record]:
        found: dict[str, Record] = {}
        for plan in g.sections:
            for row in plan.mapping.key_rows:
                if row.is_line_row:
                    continue
                try:
                    value = crossing.to_target(row, get_path(source.data, row.source.path), links=refs)
                except MappingError:
                    continue
                for candidate in g.target.find(plan.target_type, row.target.path, value):
                    holder = self.links.by_target(g.lead, candidate.id)
                    if holder is None or holder.source_id == source.id:
                        found[candidate.id] = candidate
        return list(found.values())

    def _link(self, g: Group, source_id: str, target_id: str) -> None:
        for plan in g.sections:
            self.links.link(plan.key, source_id, target_id, {}, source_seen=None, target_seen=None, at=self.clock.now())

    # -- what the pair reconciler reaches besides links and clock (``reconcile.CycleContext``) ---
    @property
    def priority(self) -> Side:
        """The side whose value wins a conflict nothing else settles: the engine's, read when asked."""
        return self.engine.priority

    def references(self, g: Group) -> _GroupLinks:
        """How ``g``'s reference rows translate ids: the engine's, shared by every cycle."""
        return self.engine.references(g)

    # -- bookkeeping ---------------------------------------------------------------------------
    def guard(self) -> None:
        """Before a write: crash here if a test asked for a crash after this many writes."""
        crash_after = self.engine.crash_after_writes
        if crash_after is not None and self._writes_done >= crash_after:
            self.engine.crash_after_writes = None
            raise SimulatedCrash(f"crashed as asked, after {self._writes_done} write(s)")

    def wrote(self, side_key: str) -> None:
        self._writes_done += 1
        self.report.writes[side_key] = self.report.writes.get(side_key, 0) + 1

    def count_reads(self, side_key: str, calls: int) -> None:
        self.report.reads[side_key] = self.report.reads.get(side_key, 0) + calls

    def event(
        self, kind: str, g: Group, detail: str, source_id: str | None = None, target_id: str | None = None
    ) -> None:
        self.report.add(CycleEvent(kind, g.key, detail, source_id, target_id))


def _made_first(record: Record) -> tuple[bool, str, float, str]:
    """Orders the records several of which match: by the creation time the record shows (Squarespace's
    ``createdOn``, an ISO instant; Exact's ``Created``), then its modification time, then its id."""
    created = record.data.get("createdOn") or record.data.get("Created")
    return (created is None, str(created or ""), record.modified if record.modified is not None else 0.0, record.id)


def _intent_key(g: Group, source_id: str) -> str:
    """A stable key for creating the counterpart of ``source_id``: the same after any restart, so a
    retried import is recognised (letters, digits and dashes only, as idempotency keys must be)."""
    digest = hashlib.sha256(f"{g.key}\n{source_id}".encode()).hexdigest()[:40]
    return f"talkqa-{digest}"


def _next_intent_key(key: str) -> str:
    """The key of the next attempt after a refused create: ``talkqa-…-g2``, ``-g3`` ..."""
    base, _, generation = key.rpartition("-g")
    if base and generation.isdigit():
        return f"{base}-g{int(generation) + 1}"
    return f"{key}-g2"


class SyncEngine:
    """Runs cycles of a plan against a link table; restartable from the link table alone."""

    def __init__(self, plan: SyncPlan, links: LinkTable, clock: Clock, *, priority: Side = Side.SOURCE) -> None:
        self.plan = plan
        self.links = links
        self.clock = clock
        self.priority = priority
        self.crash_after_writes: int | None = None  #: tests: raise SimulatedCrash after this many writes
        self._references: dict[str, _GroupLinks] = {}

    def sides(self) -> list[Any]:
        seen: dict[str, Any] = {}
        for group in self.plan.groups:
            seen.setdefault(group.source.key, group.source)
            seen.setdefault(group.target.key, group.target)
        return list(seen.values())

    def references(self, g: Group) -> _GroupLinks:
        """How a group's reference rows translate ids: through the links of the sections they name."""
        if g.key not in self._references:
            titles = {row_title for p in g.sections for row in p.mapping.reference_rows for row_title in row.via}
            routes = [
                (plan.key, other.target)
                for other in self.plan.groups
                for plan in other.sections
                if plan.section.title in titles
            ]
            self._references[g.key] = _GroupLinks(self.links, routes)
        return self._references[g.key]

    def run_cycle(self) -> CycleReport:
        """Run one cycle; a failure ends it early with ``ok`` false and the cursors where they were."""
        report = SyncCycle(self).run()
        if not report.ok and report.error is None:
            raise SyncError("a cycle failed without saying why")
        return report
