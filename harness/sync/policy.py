"""The conflict policy Talk promised, per property: decide which value a linked pair should hold.

- A property changed on one side only (compared with the last synced value) takes that side's
  value — a deliberate clear included.
- Changed on both sides: the later edit wins; equal times go to a fixed priority (the source).
- Two records meeting for the first time (a merge, no last value): an empty value never
  overwrites a value; otherwise the later edit wins.
- A one-way row always takes the value of the side it flows from.

Values are compared in one domain (the engine converts the target's value first); ``same`` and
``is_empty`` come from the mapping row, so each data type's rules apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from harness.mapping.direction import Direction

__all__ = ["MISSING", "Decision", "Side", "decide"]


class _Missing:
    """No last synced value: the pair has never been in sync on this property."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


class Side(StrEnum):
    SOURCE = "source"
    TARGET = "target"


@dataclass(frozen=True)
class Decision:
    """What one property of a linked pair should become, and which side must be written."""

    value: Any
    winner: Side | None  #: None when the two sides already agree
    write_source: bool
    write_target: bool
    reason: str

    @property
    def writes(self) -> bool:
        return self.write_source or self.write_target


def decide(
    source: Any,
    target: Any,
    last: Any,
    *,
    source_time: float | None,
    target_time: float | None,
    direction: Direction = Direction.BOTH,
    same: Callable[[Any, Any], bool] = lambda a, b: bool(a == b),
    is_empty: Callable[[Any], bool] = lambda v: v is None or v == "",
    priority: Side = Side.SOURCE,
) -> Decision:
    """Decide one property. ``source``/``target`` are the current values, ``last`` the last synced
    one (or ``MISSING``); the times are when each record was last modified."""
    if same(source, target):
        return Decision(source, None, False, False, "in sync")

    if direction is Direction.SOURCE_TO_TARGET:
        return _take(Side.SOURCE, source, target, same, "one-way row: the source's value always wins")
    if direction is Direction.TARGET_TO_SOURCE:
        return _take(Side.TARGET, source, target, same, "one-way row: the target's value always wins")

    if last is MISSING:
        if is_empty(source) and not is_empty(target):
            return _take(Side.TARGET, source, target, same, "first sync: an empty value never overwrites a value")
        if is_empty(target) and not is_empty(source):
            return _take(Side.SOURCE, source, target, same, "first sync: an empty value never overwrites a value")
        winner = _later(source_time, target_time, priority)
        return _take(winner, source, target, same, f"first sync: the later record wins ({winner.value})")

    source_changed = not same(source, last)
    target_changed = not same(target, last)
    if source_changed and not target_changed:
        what = "cleared" if is_empty(source) else "edited"
        return _take(Side.SOURCE, source, target, same, f"{what} in the source only")
    if target_changed and not source_changed:
        what = "cleared" if is_empty(target) else "edited"
        return _take(Side.TARGET, source, target, same, f"{what} in the target only")
    winner = _later(source_time, target_time, priority)
    tie = source_time is not None and source_time == target_time
    reason = "edited on both sides: " + ("equal times, priority decides" if tie else "the later edit wins")
    return _take(winner, source, target, same, f"{reason} ({winner.value})")


def _later(source_time: float | None, target_time: float | None, priority: Side) -> Side:
    if source_time is None or target_time is None or source_time == target_time:
        if source_time is None and target_time is not None:
            return Side.TARGET
        if target_time is None and source_time is not None:
            return Side.SOURCE
        return priority
    return Side.SOURCE if source_time > target_time else Side.TARGET


def _take(winner: Side, source: Any, target: Any, same: Callable[[Any, Any], bool], reason: str) -> Decision:
    value = source if winner is Side.SOURCE else target
    return Decision(
        value=value,
        winner=winner,
        write_source=not same(source, value),
        write_target=not same(target, value),
        reason=reason,
    )
