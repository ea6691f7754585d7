"""What a checklist scenario does to the two systems, as their users would: make records, find a
record's counterpart (by the mapping's key rows — the checklist never reads the SUT's own links),
edit, clear and delete."""

from __future__ import annotations

from typing import Any

from harness.checklist import oracle
from harness.checklist.counterparts import counterparts
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.values import domain_of
from harness.checklist.world import ChecklistWorld, Flow
from harness.dataflow.model import RuleKind
from harness.mapping.paths import get_path
from harness.mapping.rows import MappingRow
from harness.mapping.sections import SectionMapping

__all__ = [
    "check_order",
    "clear_one",
    "delete_record",
    "edit_all",
    "edit_both",
    "edit_one",
    "fill_target_edit_source",
    "linked_pair",
    "new_source_record",
    "new_source_record_matching",
    "new_target_record_with",
    "pair",
]

_LINES_PER_ORDER = 2


def record_values(world: ChecklistWorld, mapping: SectionMapping) -> dict[str, Any]:
    """A value for every property any section maps from records of ``mapping``'s source type (this section's
    rows first): a record whose other fields kept the factory's defaults could hold a value another section
    cannot carry (free text where that section writes a URL slug)."""
    values: dict[str, Any] = {}
    same_source = [
        m
        for m in world.config.mappings
        if m is not mapping
        and m.usable
        and m.source_system == mapping.source_system
        and m.section.source_type == mapping.section.source_type
    ]
    rows = (*mapping.rows, *mapping.key_rows, *(r for m in same_source for r in (*m.rows, *m.key_rows)))
    by_source: dict[str, list[MappingRow]] = {}
    for row in rows:
        if not row.is_line_row:
            by_source.setdefault(row.source.path, []).append(row)
    for path, mapped in by_source.items():
        # one field mapped by several rows: a value from the narrowest of them fits them all (a weight that is
        # also a stock count is drawn whole)
        drawn = world.values.source(min(mapped, key=world.values.narrowness))
        if drawn is not None:
            values[path] = drawn
    return values


def new_source_record(
    world: ChecklistWorld,
    *,
    with_lines: bool = False,
    overrides: dict[str, Any] | None = None,
    references_synced: bool = True,
) -> str:
    """A complete new source record (every mapped property set, ``overrides`` by source path win),
    matching nothing in the target; the records its lines refer to are synced first, unless
    ``references_synced`` is False."""
    flow = world.require_mapping()
    reason = flow.source.cannot("create", flow.source_type)
    if reason:
        pending(reason)
    values = {**record_values(world, flow.mapping), **(overrides or {})}
    if flow.mapping.lines is not None:
        values[flow.mapping.lines.source_collection] = _lines(world, flow, synced=references_synced)
    elif with_lines:
        pending(f"{flow.section.source} records hold no lines in this flow's mapping")
    else:
        values.update(_unmapped_lines(world, flow))
    _note_chosen(world, flow, values)
    world.records.targets_before = {rid for rid, _ in flow.target.records(flow.target_type)}
    source_id = flow.source.create(flow.source_type, values)
    world.records.source_id = source_id
    return source_id


def _lines(world: ChecklistWorld, flow: Flow, *, synced: bool = True) -> list[dict[str, Any]]:
    group = flow.mapping.lines
    assert group is not None
    referenced = _referenced_records(world, flow, synced=synced)
    lines = []
    for reference in referenced:
        line: dict[str, Any] = {}
        for row in group.rows:
            name = row.source.path.split(".", 1)[1]
            line[name] = reference if row.is_reference else world.values.source(row)
        lines.append(line)
    return lines


def _note_chosen(world: ChecklistWorld, flow: Flow, values: dict[str, Any]) -> None:
    """Say in the report which values the record got for rows the spec does not list (assumed rows)."""
    assumed = [r.source.path for r in flow.mapping.assumed]
    if not assumed:
        return
    said = [f"{path} = {values.get(path)!r}" for path in assumed if "." not in path]
    collections = sorted({path.partition(".")[0] for path in assumed if "." in path})
    said += [f"{len(values.get(c) or [])} line(s) in {c}" for c in collections]
    source = flow.mapping.mapping_file or "the bundled mapping file"
    world.notes.append(f"unmapped values chosen for rows assumed from {source}: " + "; ".join(said))


def _unmapped_lines(world: ChecklistWorld, flow: Flow) -> dict[str, Any]:
    """Lines for a source record that its system cannot hold without (an Exact sales order needs one) when
    the mapping maps none: one line of a real item, made for it; the values chosen are kept in the notes."""
    needs_lines = getattr(flow.source, "needs_lines", None)
    needs = needs_lines(flow.source_type) if needs_lines is not None else None
    if needs is None:
        return {}
    collection, item_type = needs
    item_mappings = [
        m
        for m in world.config.mappings
        if m.usable and m.source_system == flow.mapping.source_system and m.section.source_type == item_type
    ]
    item = flow.source.create(item_type, record_values(world, item_mappings[0]) if item_mappings else {})
    line = {"Item": item, "Quantity": 1.0, "UnitPrice": 10.0}
    world.notes.append(
        f"unmapped values chosen: the {flow.section.source} record holds one line of a new {item_type} "
        f"record {item} (Quantity 1, UnitPrice 10.00), because it cannot be made without a line"
    )
    return {collection: [line]}


def _referenced_records(world: ChecklistWorld, flow: Flow, *, synced: bool = True) -> list[str]:
    """Source records the new record's lines refer to, created and (unless not ``synced``) synced first."""
    titles = tuple(t for row in flow.mapping.reference_rows for t in row.via)
    mappings = [m for m in world.config.mappings if m.section.title in titles]
    if not mappings:
        pending(f"{flow.section.source} lines refer to records no section of the spec synchronizes")
    made = []
    for _ in range(_LINES_PER_ORDER):
        values: dict[str, Any] = {}
        for mapping in mappings:
            values.update(record_values(world, mapping))
        made.append(flow.source.create(mappings[0].section.source_type, values))
    if synced:
        world.sync_until_quiet()
    return made


def new_target_record_with(world: ChecklistWorld, target_path: str) -> None:
    """A target record whose ``target_path`` holds a fresh value (for a merge on that property)."""
    flow = world.require_mapping()
    row = next((r for r in flow.mapping.key_rows if r.target.path == target_path), None)
    if row is None:
        raise ChecklistFailure(f"{target_path} is no merge criterion of this section")
    reason = flow.target.cannot("create", flow.target_type)
    if reason:
        pending(reason)
    source_value = world.values.source(row)
    world.records.matched_target = flow.target.create(flow.target_type, target_values(world, row, source_value))
    world.records.chosen_row, world.records.chosen_value = row, source_value


def target_values(world: ChecklistWorld, key: MappingRow, source_value: Any) -> dict[str, Any]:
    """A new target record's values: fresh ones for the rows that flow to it, and ``key`` holding what
    ``source_value`` becomes in the target."""
    flow = world.require_mapping()
    values = {
        r.target.path: oracle.written_in_target(r, v)
        for r in flow.rows
        if (v := world.values.source(r)) is not None and not r.is_line_row and not r.is_reference and r.flows_to_target
    }
    values[key.target.path] = oracle.written_in_target(key, source_value)
    return values


def new_source_record_matching(world: ChecklistWorld, source_path: str) -> None:
    flow = world.require_mapping()
    row = world.records.chosen_row
    if row is None or row.source.path != source_path:
        raise ChecklistFailure(f"no target record was made for {source_path} to match")
    values = record_values(world, flow.mapping)
    values[source_path] = world.records.chosen_value
    world.records.targets_before = {rid for rid, _ in flow.target.records(flow.target_type)}
    world.records.source_id = flow.source.create(flow.source_type, values)


def linked_pair(world: ChecklistWorld, *, overrides: dict[str, Any] | None = None) -> None:
    """A source record and its counterpart, linked by the SUT (created by it, or merged)."""
    flow = world.require_mapping()
    creates = flow.section.has_rule(RuleKind.CREATE) or flow.section.has_rule(RuleKind.CREATE_IF_NO_MATCH)
    if not creates:
        if not flow.section.merge_criteria:
            pending("this flow neither creates records nor names merge criteria: talkqa cannot make a linked pair")
        criterion = flow.section.merge_criteria[0]
        new_target_record_with(world, criterion.target)
        new_source_record_matching(world, criterion.source)
    else:
        new_source_record(world, overrides=overrides)
    world.sync_until_quiet()
    source_id = world.records.source_id
    assert source_id is not None
    found = counterparts(world, flow, source_id)
    if len(found) != 1:
        raise ChecklistFailure(
            f"the SUT did not make one linked {flow.section.target} record for the new {flow.section.source} record",
            expected=1,
            actual=len(found),
        )
    world.records.target_id = found[0]
    world.records.edited.clear()


def pair(world: ChecklistWorld) -> tuple[Flow, str, str]:
    flow = world.require_mapping()
    if world.records.source_id is None or world.records.target_id is None:
        raise ChecklistFailure("no linked pair was made before this step")
    return flow, world.records.source_id, world.records.target_id


def cannot_edit(flow: Flow, side: str, row: MappingRow, action: str = "edit") -> str | None:
    path = row.source.path if side == "source" else row.target.path
    return flow.driver(side).cannot(action, flow.spec_type(side), path)


def new_value(world: ChecklistWorld, flow: Flow, side: str, row: MappingRow, current: dict[str, Any]) -> Any:
    if side == "source":
        return world.values.source(row, unlike=get_path(current, row.source.path))
    return world.values.target(row, unlike=get_path(current, row.target.path))


def edit_all(world: ChecklistWorld, side: str) -> None:
    """Edit every mapped property a user of ``side`` can edit, each to a fresh value."""
    flow, source_id, target_id = pair(world)
    record_id = source_id if side == "source" else target_id
    current = flow.driver(side).read(flow.spec_type(side), record_id) or {}
    changes: dict[str, Any] = {}
    reasons: list[str] = []
    for row in flow.rows:
        if row.is_reference or row.is_line_row:
            continue
        reason = cannot_edit(flow, side, row)
        value = None if reason else new_value(world, flow, side, row, current)
        if value is None:
            reasons.append(reason or f"no other valid value for {row.label}")
            continue
        changes[row.source.path if side == "source" else row.target.path] = value
    if not changes:
        pending(f"nothing of this flow can be edited in the {side} record: " + "; ".join(dict.fromkeys(reasons)))
    world.clock.advance(2)
    flow.driver(side).edit(flow.spec_type(side), record_id, changes)
    world.records.edited[side] = changes


def edit_one(world: ChecklistWorld, side: str, path: str) -> None:
    flow, source_id, target_id = pair(world)
    row = next((r for r in flow.rows if (r.source.path if side == "source" else r.target.path) == path), None)
    if row is None:
        refused = next((r for r in flow.mapping.refused if (r.source if side == "source" else r.target) == path), None)
        if refused is not None:
            pending(f"{refused.source} → {refused.target} is not honoured: {refused.reason}")
        raise ChecklistFailure(f"{path} is not a mapped property of this flow's {side}")
    if row.is_reference or row.is_line_row:
        pending(f"{row.label} is checked with the lines of a record, not on its own")
    reason = cannot_edit(flow, side, row)
    if reason:
        pending(reason)
    record_id = source_id if side == "source" else target_id
    current = flow.driver(side).read(flow.spec_type(side), record_id) or {}
    value = new_value(world, flow, side, row, current)
    if value is None:
        pending(f"talkqa has no other valid value for {row.label}")
    world.clock.advance(2)
    flow.driver(side).edit(flow.spec_type(side), record_id, {path: value})
    world.records.edited[side] = {path: value}
    world.records.chosen_row, world.records.chosen_value = row, value


def two_way_rows(flow: Flow) -> list[MappingRow]:
    rows = [
        r
        for r in flow.rows
        if r.flows_to_source
        and r.flows_to_target
        and not r.is_reference
        and not r.is_line_row
        and r.source.writable_on_update
        and r.target.writable_on_update
        and not cannot_edit(flow, "source", r)
        and not cannot_edit(flow, "target", r)
    ]
    return sorted(rows, key=lambda r: r.key)  # prefer properties that do not identify the record


#: the value kinds of ``harness.checklist.values.Domain`` that each conflict kind covers
_KINDS = {"text": {"text", "code"}, "number": {"number", "money", "whole", "integer"}, "boolean": {"flag", "boolean"}}


def edit_both(world: ChecklistWorld, first: str, later: str, *, kind: str | None = None) -> None:
    """Edit one two-way property (of ``kind``: text, number, boolean) in ``first``, then later in ``later``;
    the records' modification times must show that order."""
    flow, source_id, target_id = pair(world)
    rows = two_way_rows(flow)
    if kind is not None:
        if kind not in _KINDS:
            raise ChecklistFailure(f"no such kind of value: {kind!r} (choose from {', '.join(_KINDS)})")
        rows = [r for r in rows if domain_of(r, site_currency=world.config.site_currency).kind in _KINDS[kind]]
    if not rows:
        what = f"{kind} property" if kind else "property"
        pending(f"no mapped {what} of this flow can be edited on both sides and written both ways")
    row = rows[0]
    ids = {"source": source_id, "target": target_id}
    for side in (first, later):
        current = flow.driver(side).read(flow.spec_type(side), ids[side]) or {}
        value = new_value(world, flow, side, row, current)
        if value is None:
            pending(f"talkqa has no other valid value for {row.label}")
        world.clock.advance(2)
        path = row.source.path if side == "source" else row.target.path
        flow.driver(side).edit(flow.spec_type(side), ids[side], {path: value})
        world.records.chosen_row, world.records.chosen_value = row, value
    world.records.edited[later] = {
        row.source.path if later == "source" else row.target.path: world.records.chosen_value
    }
    check_order(
        flow,
        (first, flow.driver(first).read(flow.spec_type(first), ids[first]) or {}),
        (later, flow.driver(later).read(flow.spec_type(later), ids[later]) or {}),
    )


def _clearable(flow: Flow, side: str, *, exclude: MappingRow | None = None) -> list[MappingRow]:
    return [
        r
        for r in flow.rows
        if r is not exclude
        and (r.flows_to_target if side == "source" else r.flows_to_source)
        and not r.is_reference
        and not r.is_line_row
        and not r.key
        and not cannot_edit(flow, side, r, "clear")
    ]


def clear_one(world: ChecklistWorld, side: str) -> None:
    flow, source_id, target_id = pair(world)
    rows = [
        r
        for r in _clearable(flow, side)
        if not cannot_edit(flow, "target" if side == "source" else "source", r, "clear")
    ]
    if not rows:
        pending(f"no mapped property of this flow can be cleared in the {side} record and be empty in the other")
    row = rows[0]
    path = row.source.path if side == "source" else row.target.path
    world.clock.advance(2)
    record_id = source_id if side == "source" else target_id
    flow.driver(side).edit(flow.spec_type(side), record_id, {path: _empty(row, side)})
    world.records.chosen_row, world.records.chosen_value = row, None


def _empty(row: MappingRow, side: str) -> Any:
    kind = row.source.kind if side == "source" else row.target.kind
    return "" if kind in {"String", "string", "html"} and side == "target" else None


def fill_target_edit_source(world: ChecklistWorld) -> None:
    """Empty a property on both sides, give it a value in the target, then edit another property in
    the source later: the filled-in value must survive (an empty value never overwrites)."""
    flow, source_id, target_id = pair(world)
    candidates = [r for r in two_way_rows(flow) if r in _clearable(flow, "source") and r in _clearable(flow, "target")]
    if not candidates:
        pending("no mapped property of this flow may be empty on both sides and be edited on both")
    row = candidates[0]
    others = [
        r
        for r in flow.rows
        if r is not row and not r.is_reference and not r.is_line_row and not cannot_edit(flow, "source", r)
    ]
    if not others:
        pending("this flow maps no second property to edit in the source")
    flow.source.edit(flow.source_type, source_id, {row.source.path: None})
    world.sync_until_quiet()
    target_now = flow.target.read(flow.target_type, target_id) or {}
    value = new_value(world, flow, "target", row, target_now)
    world.clock.advance(2)
    flow.target.edit(flow.target_type, target_id, {row.target.path: value})
    world.clock.advance(2)
    source_now = flow.source.read(flow.source_type, source_id) or {}
    other = others[0]
    fresh = new_value(world, flow, "source", other, source_now)
    if fresh is None:
        pending(f"talkqa has no other valid value for {other.label}")
    flow.source.edit(flow.source_type, source_id, {other.source.path: fresh})
    world.records.chosen_row, world.records.chosen_value = row, value


def delete_record(world: ChecklistWorld, side: str) -> None:
    flow, source_id, target_id = pair(world)
    reason = flow.driver(side).cannot("delete", flow.spec_type(side))
    if reason:
        pending(reason)
    world.records.targets_before = {rid for rid, _ in flow.target.records(flow.target_type)}
    flow.driver(side).delete(flow.spec_type(side), source_id if side == "source" else target_id)
    world.records.deleted_side = side


def check_order(flow: Flow, first: tuple[str, dict[str, Any]], later: tuple[str, dict[str, Any]]) -> None:
    """The records' own modification times show ``later`` modified after ``first`` — as the scenario
    intends; otherwise the scenario would test nothing (an engine letting the later record win would pass
    by accident), so it fails as a fault of the checklist's world."""
    first_at = oracle.modified_at(flow.driver(first[0]).system, first[1])
    later_at = oracle.modified_at(flow.driver(later[0]).system, later[1])
    if first_at is None or later_at is None:
        return  # a system that shows no modification time: nothing to hold the order to
    if not first_at < later_at:
        raise ChecklistFailure(
            f"the scenario meant the {later[0]} record to be modified after the {first[0]} record, but their "
            "modification times do not show it",
            expected=f"{first[0]} {first_at.isoformat()} < {later[0]} later",
            actual=f"{later[0]} {later_at.isoformat()}",
        )
