"""Broken conflict policies: drop-in replacements of ``harness.sync.policy.decide`` that break one
promise each (``PairReconciler.decide`` is the seam they plug into)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.mapping.direction import Direction
from harness.sync.policy import MISSING, Decision, Side, decide

__all__ = ["clear_is_no_change", "latest_record_wins", "target_never_changes"]

Same = Callable[[Any, Any], bool]
IsEmpty = Callable[[Any], bool]


def _default_same(a: Any, b: Any) -> bool:
    return bool(a == b)


def _default_is_empty(value: Any) -> bool:
    return value is None or value == ""


def latest_record_wins(
    source: Any,
    target: Any,
    last: Any,
    *,
    source_time: float | None,
    target_time: float | None,
    direction: Direction = Direction.BOTH,
    same: Same = _default_same,
    is_empty: IsEmpty = _default_is_empty,
    priority: Side = Side.SOURCE,
) -> Decision:
    """Whole-record latest-wins: the record modified last gives *every* property its value — an empty
    one included — whatever changed since the last sync."""
    if same(source, target) or direction is not Direction.BOTH:
        return decide(
            source,
            target,
            last,
            source_time=source_time,
            target_time=target_time,
            direction=direction,
            same=same,
            is_empty=is_empty,
            priority=priority,
        )
    later_source = source_time is not None and (target_time is None or source_time > target_time)
    tie = source_time == target_time
    winner = priority if tie else (Side.SOURCE if later_source else Side.TARGET)
    value = source if winner is Side.SOURCE else target
    return Decision(
        value, winner, winner is Side.TARGET, winner is Side.SOURCE, f"the later record wins ({winner.value})"
    )


def target_never_changes(
    source: Any,
    target: Any,
    last: Any,
    *,
    source_time: float | None,
    target_time: float | None,
    direction: Direction = Direction.BOTH,
    same: Same = _default_same,
    is_empty: IsEmpty = _default_is_empty,
    priority: Side = Side.SOURCE,
) -> Decision:
    """Takes a linked target's current value for the last synced one: an edit in the target never counts
    as a change, so the source's value is written back over it."""
    seen = target if last is not MISSING else last
    return decide(
        source,
        target,
        seen,
        source_time=source_time,
        target_time=target_time,
        direction=direction,
        same=same,
        is_empty=is_empty,
        priority=priority,
    )


def clear_is_no_change(
    source: Any,
    target: Any,
    last: Any,
    *,
    source_time: float | None,
    target_time: float | None,
    direction: Direction = Direction.BOTH,
    same: Same = _default_same,
    is_empty: IsEmpty = _default_is_empty,
    priority: Side = Side.SOURCE,
) -> Decision:
    """Reads a property cleared on one side as "not changed": the other side's value stays and is
    written back over the clear."""
    if last is not MISSING and not is_empty(last) and is_empty(source) != is_empty(target):
        keep = Side.TARGET if is_empty(source) else Side.SOURCE
        value = target if keep is Side.TARGET else source
        return Decision(value, keep, keep is Side.TARGET, keep is Side.SOURCE, "a clear is no change")
    return decide(
        source,
        target,
        last,
        source_time=source_time,
        target_time=target_time,
        direction=direction,
        same=same,
        is_empty=is_empty,
        priority=priority,
    )
