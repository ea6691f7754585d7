"""The per-property conflict policy, as a table of situations and the promised outcome."""

from __future__ import annotations

from typing import Any

import pytest

from harness.mapping.direction import Direction
from harness.sync.policy import MISSING, Side, decide

S, T = Side.SOURCE, Side.TARGET


@pytest.mark.parametrize(
    ("source", "target", "last", "times", "winner", "value", "writes"),
    [
        # in sync: nothing to do, whatever the times
        ("a", "a", "a", (1, 2), None, "a", ""),
        ("a", "a", MISSING, (1, 2), None, "a", ""),
        # changed on one side only
        ("b", "a", "a", (1, 2), S, "b", "target"),
        ("a", "b", "a", (2, 1), T, "b", "source"),
        # a deliberate clear propagates, even when the other record is newer
        ("", "a", "a", (1, 9), S, "", "target"),
        ("a", None, "a", (9, 1), T, None, "source"),
        # an empty value never overwrites: the value filled in on one side travels, even if the
        # other record was edited later (in another property)
        ("", "v", "", (9, 1), T, "v", "source"),
        (None, "v", None, (9, 1), T, "v", "source"),
        # changed on both sides: the later edit wins, in either order
        ("s", "t", "x", (1, 2), T, "t", "source"),
        ("s", "t", "x", (2, 1), S, "s", "target"),
        # ... equal times: the fixed priority (the source)
        ("s", "t", "x", (5, 5), S, "s", "target"),
        # first meeting (a merge): empty never overwrites, in both directions
        ("", "t", MISSING, (9, 1), T, "t", "source"),
        ("s", "", MISSING, (1, 9), S, "s", "target"),
        # first meeting, both with values: the later record wins
        ("s", "t", MISSING, (1, 2), T, "t", "source"),
        ("s", "t", MISSING, (2, 1), S, "s", "target"),
        # unknown times: a known time beats an unknown one; none known: the priority
        ("s", "t", "x", (None, 3), T, "t", "source"),
        ("s", "t", "x", (None, None), S, "s", "target"),
    ],
)
def test_two_way_rows(
    source: Any, target: Any, last: Any, times: tuple[Any, Any], winner: Side | None, value: Any, writes: str
) -> None:
    decision = decide(source, target, last, source_time=times[0], target_time=times[1])
    assert decision.winner is winner
    assert decision.value == value
    written = ",".join(
        side for side, flag in (("source", decision.write_source), ("target", decision.write_target)) if flag
    )
    assert written == writes, decision.reason


def test_a_one_way_row_restores_the_source_value_over_a_target_edit() -> None:
    decision = decide(5, 7, 5, source_time=1, target_time=2, direction=Direction.SOURCE_TO_TARGET)
    assert (decision.winner, decision.value, decision.write_target, decision.write_source) == (S, 5, True, False)


def test_a_one_way_row_from_the_target_never_writes_the_target() -> None:
    decision = decide(5, 7, 5, source_time=9, target_time=2, direction=Direction.TARGET_TO_SOURCE)
    assert (decision.winner, decision.value, decision.write_source, decision.write_target) == (T, 7, True, False)


def test_equality_follows_the_rows_rules() -> None:
    decision = decide(
        "A-1   ", "A-1", "A-1", source_time=1, target_time=2, same=lambda a, b: str(a).strip() == str(b).strip()
    )
    assert not decision.writes


def test_a_target_priority_decides_ties_when_asked() -> None:
    decision = decide("s", "t", "x", source_time=5, target_time=5, priority=Side.TARGET)
    assert decision.winner is T


def test_every_decision_says_why() -> None:
    decision = decide("s", "t", "x", source_time=1, target_time=2)
    assert "later edit wins" in decision.reason
