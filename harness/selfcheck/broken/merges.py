"""Broken engines for a merge that two target records match (the checklist family "merges"): each is the
reference engine with one realistic way of handling the ambiguity wrong."""

from __future__ import annotations

from harness.clock import Clock
from harness.selfcheck.broken.cycles import BrokenSyncEngine
from harness.sut import Endpoints
from harness.sync.engine import SyncCycle
from harness.sync.plan import Group
from harness.sync.policy import Side
from harness.sync.reconcile import _write_of
from harness.sync.records import Record, Writes
from harness.sync.reference import ReferenceEngine

__all__ = ["overwrites_every_candidate", "skips_ambiguous_merges"]


class SkipsAmbiguousCycle(SyncCycle):
    """Will not choose between matching records: the source record waits, cycle after cycle."""

    def _create_or_merge(self, g: Group, source: Record) -> str:
        matches = self._matches(g, source, self.engine.references(g))
        if len(matches) > 1:
            self.event("skipped", g, f"{len(matches)} {g.target.label} records match", source.id)
            return "waiting"
        return super()._create_or_merge(g, source)


class OverwritesEveryCandidateCycle(SyncCycle):
    """Merges with the first match and writes the source record's values into every other match as well."""

    def _create_or_merge(self, g: Group, source: Record) -> str:
        refs = self.engine.references(g)
        matches = self._matches(g, source, refs)
        outcome = super()._create_or_merge(g, source)
        linked = self.links.get(g.lead, source.id)
        for other in matches:
            if linked is not None and other.id == linked.target_id:
                continue
            writes: Writes = {}
            for plan in g.sections:
                for row in plan.mapping.rows:
                    if row.flows_to_target and not (row.key or row.is_line_row or row.is_reference):
                        key, value = _write_of(row, plan, Side.TARGET, source, refs)
                        writes[key] = value
            if writes:
                g.target.update(other, writes)
                self.wrote(g.target.key)
        return outcome


class _SkipsAmbiguous(BrokenSyncEngine):
    cycle_class = SkipsAmbiguousCycle


class _OverwritesEveryCandidate(BrokenSyncEngine):
    cycle_class = OverwritesEveryCandidateCycle


def skips_ambiguous_merges(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """When two shop products carry the item's code it merges with neither and creates nothing: the item
    never reaches the shop, and only a line in the engine's log says why. Violates: every record is
    synchronized; a merge with two candidates merges with one."""
    return ReferenceEngine(endpoints, clock, engine_class=_SkipsAmbiguous)


def overwrites_every_candidate(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """When two shop products carry the item's code it merges with one and writes the item's name, price
    and the rest into the other too: a second listing the merchant kept on purpose is silently turned into a
    copy. Violates: a merge leaves the records it did not merge with as they were."""
    return ReferenceEngine(endpoints, clock, engine_class=_OverwritesEveryCandidate)
