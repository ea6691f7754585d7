"""Edits in both records at the same instant. Talk promised that the latest version wins and that "on equal
timestamps a fixed system priority decides"; talkqa's rule for which system that is: the source, the one the
document names first (the same as the reference engine's). The item checks that the two edits really carry
one modification time — else it would test the later-wins rule again — and that the source's edit won."""

from __future__ import annotations

from harness.checklist import oracle
from harness.checklist.actions import new_value, pair, two_way_rows
from harness.checklist.checks import check_both_hold_chosen
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.world import ChecklistWorld

__all__ = ["PRIORITY", "check_priority_wins", "edit_both_at_once"]

#: the side whose edit wins a tie
PRIORITY = "source"


def edit_both_at_once(world: ChecklistWorld) -> None:
    """Edit one property written both ways to a new value in each record, with the clock standing still."""
    flow, source_id, target_id = pair(world)
    rows = two_way_rows(flow)
    if not rows:
        pending("no mapped property of this flow can be edited on both sides and written both ways")
    row = rows[0]
    ids = {"source": source_id, "target": target_id}
    values = {}
    for side in ("source", "target"):
        current = flow.driver(side).read(flow.spec_type(side), ids[side]) or {}
        value = new_value(world, flow, side, row, current)
        if value is None:
            pending(f"talkqa has no other valid value for {row.label}")
        values[side] = value
    world.clock.advance(2)
    with world.clock.hold():  # no time passes between the two edits (served too: the mocks' clock stands still)
        for side in ("source", "target"):
            path = row.source.path if side == "source" else row.target.path
            flow.driver(side).edit(flow.spec_type(side), ids[side], {path: values[side]})
    world.records.chosen_row, world.records.chosen_value = row, values[PRIORITY]
    world.records.edited = {side: {row.source.path if side == "source" else row.target.path: values[side]}
                            for side in ("source", "target")}  # fmt: skip
    times = {
        side: oracle.modified_at(
            flow.driver(side).system, flow.driver(side).read(flow.spec_type(side), ids[side]) or {}
        )
        for side in ("source", "target")
    }
    if None not in times.values() and times["source"] != times["target"]:
        raise ChecklistFailure(
            "the scenario meant both edits to happen at the same instant, but the records' modification times "
            "differ: it would test the later-wins rule, not the tie",
            expected="one modification time",
            actual={side: moment.isoformat() if moment else None for side, moment in times.items()},
        )


def check_priority_wins(world: ChecklistWorld) -> None:
    check_both_hold_chosen(
        world,
        PRIORITY,
        f"edited in both records at the same instant, the {PRIORITY}'s edit must win on both sides "
        "(a fixed system priority decides a tie, and talkqa's is the source)",
    )
