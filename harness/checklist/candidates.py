"""A merge with two candidates: two target records match a new source record on the merge criterion. The
engine must merge with one of them — or the source record is never synchronized — and must leave the other
as it was: nothing silently overwritten, deleted or added. Which one it took is seen as a user sees it, by
which record now holds the source record's values, and said in the item's notes."""

from __future__ import annotations

from harness.checklist.actions import new_source_record_matching, new_target_record_with, target_values
from harness.checklist.checks import agree, values_of
from harness.checklist.counterparts import links_for
from harness.checklist.outcomes import ChecklistFailure
from harness.checklist.world import ChecklistWorld

__all__ = ["check_one_candidate_merged", "new_source_record_matching_both", "two_target_records_with"]


def two_target_records_with(world: ChecklistWorld, target_path: str) -> None:
    """Two target records, made two seconds apart, whose ``target_path`` holds one fresh value and whose other
    mapped properties hold values of their own."""
    new_target_record_with(world, target_path)
    flow = world.require_mapping()
    first, row = world.records.matched_target, world.records.chosen_row
    assert first is not None and row is not None
    world.clock.advance(2)
    second = flow.target.create(flow.target_type, target_values(world, row, world.records.chosen_value))
    world.records.candidates = {rid: flow.target.read(flow.target_type, rid) or {} for rid in (first, second)}


def new_source_record_matching_both(world: ChecklistWorld, source_path: str) -> None:
    """The source record, made after both candidates, matching them on ``source_path``."""
    world.clock.advance(2)
    new_source_record_matching(world, source_path)


def check_one_candidate_merged(world: ChecklistWorld) -> None:
    flow = world.require_mapping()
    source_id, made = world.records.source_id, world.records.candidates
    if source_id is None or len(made) != 2:
        raise ChecklistFailure("no two matching target records and no source record were made before this step")
    now_ids = {rid for rid, _ in flow.target.records(flow.target_type)}
    added = sorted(now_ids - world.records.targets_before)
    gone = sorted(rid for rid in made if rid not in now_ids)
    now = {rid: flow.target.read(flow.target_type, rid) or {} for rid in made if rid not in gone}
    changed = [rid for rid in now if now[rid] != made[rid]]
    source = flow.source.read(flow.source_type, source_id) or {}
    links = links_for(world, flow)
    rows = [r for r in flow.rows if r.flows_to_target and not (r.key or r.is_reference or r.is_line_row)]

    def holds_source_values(rid: str) -> bool:
        return all(
            agree(flow, r, values_of(r, source, "source", links), values_of(r, now[rid], "target", links), links)
            for r in rows
        )

    holders = [rid for rid in now if holds_source_values(rid)] if rows else changed
    if len(holders) > 1 and len(changed) <= 1:
        holders = changed  # the records held the source's values already (a flag has two): what was written tells
    problems = []
    if added:
        problems.append(f"{len(added)} target record(s) added although two matched")
    if gone:
        problems.append(f"matching target record(s) {', '.join(gone)} deleted")
    if len(changed) > 1:
        problems.append("both matching target records were written: one was overwritten with the other's merge")
    if rows and not holders and not all(holds_source_values(rid) for rid in now):
        problems.append("no matching target record holds the source record's values: the source record was not merged")
    if problems:
        raise ChecklistFailure(
            "; ".join(problems),
            expected="one of the two matching records merged, the other as it was, none added",
            actual={"added": added, "deleted": gone, "written": changed, "holding the source's values": holders},
        )
    order = list(made)
    if holders:
        (chosen,) = holders
        which = "the one made first" if chosen == order[0] else "the one made later"
        world.notes.append(
            f"of the two {flow.section.target} records matching the new {flow.section.source} record, the engine "
            f"merged it with {which} ({chosen}); the other ({order[1 - order.index(chosen)]}) is as it was"
        )
    else:
        world.notes.append(
            f"which of the two matching {flow.section.target} records the engine merged with cannot be seen: they "
            "held the source record's values already (or the flow carries nothing but the merge criterion); "
            "neither was written and none was added"
        )
