"""A broken engine for edits at the same instant (the checklist family "conflicts"): the reference engine
with its tie rule turned around."""

from __future__ import annotations

from typing import Any

from harness.clock import Clock
from harness.selfcheck.broken.cycles import BrokenSyncEngine, PolicyCycle
from harness.sut import Endpoints
from harness.sync.policy import Decision, Side, decide
from harness.sync.reference import ReferenceEngine

__all__ = ["ties_go_to_target"]


def _target_has_priority(source: Any, target: Any, last: Any, **options: Any) -> Decision:
    return decide(source, target, last, **{**options, "priority": Side.TARGET})


class _TiesGoToTarget(BrokenSyncEngine):
    cycle_class = PolicyCycle
    decide = staticmethod(_target_has_priority)


def ties_go_to_target(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Compares modification times with ``>=`` from the shop's side, so a tie goes to Squarespace: when the
    bookkeeper and the merchant change a price in the same millisecond (a bulk import at midnight on both
    sides) the shop's price wins, against the fixed priority of the document's source system. Violates: on
    equal timestamps a fixed system priority — the source's — decides."""
    return ReferenceEngine(endpoints, clock, engine_class=_TiesGoToTarget)
