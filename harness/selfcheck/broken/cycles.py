"""Broken sync cycles: ``SyncEngine``/``SyncCycle`` subclasses that decide with another policy, write
what they need not, or give a record up."""

from __future__ import annotations

from typing import Any, ClassVar

from harness.errors import RateLimitedError, SyncError
from harness.mapping.paths import get_path
from harness.sync import crossing
from harness.sync.engine import CycleReport, SyncCycle, SyncEngine
from harness.sync.plan import Group
from harness.sync.policy import decide
from harness.sync.reconcile import PairReconciler
from harness.sync.records import Record, Writes

__all__ = ["BrokenSyncEngine", "EchoingCycle", "GivingUpCycle", "PolicyCycle"]


class PolicyCycle(SyncCycle):
    """A cycle whose pairs are decided by the engine's ``decide``."""

    def __init__(self, engine: SyncEngine) -> None:
        super().__init__(engine)
        policy = getattr(engine, "decide", decide)

        class Reconciler(PairReconciler):
            decide = staticmethod(policy)

        self.pairs = Reconciler(self)


class EchoingCycle(SyncCycle):
    """After syncing a group as the reference does, writes every mapped property of every linked pair to
    the target again — whether it changed or not."""

    def _sync_group(self, g: Group) -> None:
        super()._sync_group(g)
        linked = [link for link in self.links.links(g.lead) if link.is_linked and link.target_id is not None]
        if not linked:
            return
        sources = g.source.fetch([link.source_id for link in linked])
        targets = g.target.fetch([str(link.target_id) for link in linked])
        refs = self.engine.references(g)
        for link in linked:
            source, target = sources.get(link.source_id), targets.get(str(link.target_id))
            if source is None or target is None:
                continue
            writes = self._every_property(g, source, refs)
            if writes:
                self.guard()
                g.target.update(target, writes)
                self.wrote(g.target.key)

    @staticmethod
    def _every_property(g: Group, source: Record, refs: Any) -> Writes:
        writes: Writes = {}
        for plan in g.sections:
            for row in plan.mapping.rows:
                if row.flows_to_target and row.target.writable_on_update and not row.is_line_row:
                    value = get_path(source.data, row.source.path)
                    writes[(plan.target_type, row.target.path)] = crossing.to_target(row, value, links=refs)
        return writes


class GivingUpCycle(SyncCycle):
    """A record whose look-up or create answers 429 is given up: reported as skipped, its create intent
    dropped — and the cursors still move past it at the end of the cycle, so it is never read again."""

    def _create_or_merge(self, g: Group, source: Record) -> str:
        try:
            return super()._create_or_merge(g, source)
        except RateLimitedError as exc:
            for plan in g.sections:
                self.links.unlink(plan.key, source.id)
            self.event("skipped", g, f"given up after a 429: {exc}", source.id)
            return "skipped"


class BrokenSyncEngine(SyncEngine):
    """A ``SyncEngine`` that runs ``cycle_class`` cycles (and decides with ``decide``, for a ``PolicyCycle``)."""

    cycle_class: ClassVar[type[SyncCycle]] = SyncCycle
    decide: ClassVar[Any] = staticmethod(decide)

    def run_cycle(self) -> CycleReport:
        report = self.cycle_class(self).run()
        if not report.ok and report.error is None:
            raise SyncError("a cycle failed without saying why")
        return report
