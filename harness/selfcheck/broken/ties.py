"""Broken engines for values the two systems settle differently: edits at the same instant (the checklist family
"conflicts"), whose tie rule is turned around, and an amount in another currency than the shop's (the family
"edge_values"), which is sent in the shop's."""

from __future__ import annotations

from typing import Any

from harness.clock import Clock
from harness.selfcheck.broken.cycles import BrokenSyncEngine, PolicyCycle
from harness.selfcheck.broken.engines import _target_fixes
from harness.sut import Endpoints
from harness.sync.policy import Decision, Side, decide
from harness.sync.reference import ReferenceEngine

__all__ = ["imports_in_shop_currency", "ties_go_to_target"]


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


def imports_in_shop_currency(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Fills in the shop's currency on every amount it sends to Squarespace, whatever the Exact record's
    currency: an order of 100 dollars arrives as an order of 100 euros, and the shop's books are wrong by the
    exchange rate. Violates: data is never of lesser quality after synchronisation (an amount keeps its
    currency)."""
    engine = ReferenceEngine(endpoints, clock)
    currency = endpoints.squarespace_currency
    _target_fixes(engine, lambda _: currency, lambda row: row.target.path.endswith(".currency"))
    return engine
