"""What the items of issue 12's families do to the two systems: records at the edges, many records at once,
a merge's source record of a given shape, edits of two properties on two sides, values in unmapped fields."""

from __future__ import annotations

from typing import Any

from harness.checklist import oracle
from harness.checklist.actions import (
    cannot_edit,
    check_order,
    new_source_record,
    new_value,
    pair,
    record_values,
    two_way_rows,
)
from harness.checklist.edges import edge_value
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.world import ChecklistWorld, Flow
from harness.errors import ConversionError
from harness.mapping.paths import get_path
from harness.mapping.rows import MappingRow

__all__ = [
    "edge_overrides",
    "edit_edges",
    "edit_two_properties",
    "fill_unmapped",
    "new_source_record_at_edge",
    "new_source_record_merging",
    "new_source_records",
]


def edge_overrides(world: ChecklistWorld, edge: str) -> dict[str, Any]:
    """Source values at ``edge`` for every row of the flow that can hold it, by source path."""
    flow = world.require_mapping()
    out: dict[str, Any] = {}
    for row in flow.rows:
        value = edge_value(row, edge, site_currency=world.config.site_currency)
        if value is not None:
            out[row.source.path] = value
    if not out:
        pending(f"no mapped property of this flow can hold {edge} on both sides")
    return out


def new_source_record_at_edge(world: ChecklistWorld, edge: str) -> None:
    new_source_record(world, overrides=edge_overrides(world, edge))


def edit_edges(world: ChecklistWorld, side: str, edge: str) -> None:
    """Set every mapped property of ``side`` that can hold ``edge`` (and a person can edit) to it."""
    flow, source_id, target_id = pair(world)
    receiving = "target" if side == "source" else "source"
    changes: dict[str, Any] = {}
    reasons: list[str] = []
    for row in flow.rows:
        value = edge_value(row, edge, site_currency=world.config.site_currency)
        if value is None:
            continue
        receiver = row.target if receiving == "target" else row.source
        carried = row.flows_to_target if receiving == "target" else row.flows_to_source
        reason = cannot_edit(flow, side, row) or (None if carried else f"{row.label} never flows to the {receiving}")
        if reason is None and not receiver.writable_on_update:
            reason = f"{receiver.label} cannot change after creation"
        if reason:
            reasons.append(reason)
            continue
        changes[row.source.path if side == "source" else row.target.path] = (
            value if side == "source" else oracle.written_in_target(row, value)
        )
    if not changes:
        why = "; ".join(dict.fromkeys(reasons)) or f"no mapped property can hold {edge} on both sides"
        pending(f"no property of the {side} record can be set to {edge} and carried: {why}")
    # Start from other values, so that the edge value is a change however the pair was drawn.
    record_id = source_id if side == "source" else target_id
    current = flow.driver(side).read(flow.spec_type(side), record_id) or {}
    away = {}
    for path, value in changes.items():
        if _means(flow, side, path, current, value):
            row = _row_at(flow, side, path)
            other = world.values.source(row, unlike=value if side == "source" else None)
            if side == "target":
                other = world.values.target(row, unlike=value)
            if other is None:
                pending(f"talkqa has no value other than {edge} for {row.label}")
            away[path] = other
    if away:
        world.clock.advance(2)
        flow.driver(side).edit(flow.spec_type(side), record_id, away)
        world.sync_until_quiet()
    world.clock.advance(2)
    flow.driver(side).edit(flow.spec_type(side), record_id, changes)
    world.records.edited[side] = changes


def _row_at(flow: Flow, side: str, path: str) -> MappingRow:
    return next(r for r in flow.rows if (r.source.path if side == "source" else r.target.path) == path)


def _means(flow: Flow, side: str, path: str, current: dict[str, Any], value: Any) -> bool:
    row = _row_at(flow, side, path)
    held = get_path(current, path)
    return bool(oracle.meaning(row, held, side=side) == oracle.meaning(row, value, side=side))


def new_source_records(world: ChecklistWorld, n: int) -> None:
    """``n`` new complete source records, at distinct instants, none matching a target record."""
    flow = world.require_mapping()
    if flow.mapping.lines is not None:
        pending(f"{flow.section.source} records hold lines: talkqa makes many records of flows without lines")
    world.records.many = []
    for _ in range(n):
        world.clock.advance(0.01)
        world.records.many.append(new_source_record(world))


#: how many crashes ``crash_at_every_write`` allows per record before it calls the engine stuck
CRASHES_PER_RECORD = 8


def crash_at_every_write(world: ChecklistWorld) -> None:
    """Crash the engine after the first write of each cycle and restart it, cycle after cycle, until a cycle
    writes nothing: every write of the work is followed by a crash, so whatever the engine keeps of its
    progress must be kept write by write. An engine that redoes a write at every restart never finishes."""
    limit = CRASHES_PER_RECORD * max(1, len(world.records.many))
    crashes = 0
    while world.crash_and_restart(after_writes=1, note=False):
        crashes += 1
        if crashes >= limit:
            raise ChecklistFailure(
                f"after {crashes} crashes, each after one write, the engine still writes at every restart",
                expected="each restart resumes where the last write left off, until nothing is left to write",
                actual=f"{crashes} cycles, each making a write",
            )
    world.notes.append(f"the engine crashed after each of {crashes} write(s), restarted each time")


def new_source_record_merging(world: ChecklistWorld, source_path: str, shape: str) -> None:
    """A new source record, made after the target record it matches, holding ``shape`` in the properties
    both records map: ``other values`` (every one differs), ``empty values`` (empty wherever the source can
    be empty), ``zero and false`` (where a property can hold them) or ``values against a later, emptied target``
    (the source holds values and the target is emptied after it, so it is the later record)."""
    flow = world.require_mapping()
    row = world.records.chosen_row
    if row is None or row.source.path != source_path:
        raise ChecklistFailure(f"no target record was made for {source_path} to match")
    target_id = world.records.matched_target
    assert target_id is not None
    target_now = flow.target.read(flow.target_type, target_id) or {}
    values = record_values(world, flow.mapping)
    for other in flow.rows:
        if other.key or other.is_reference or other.is_line_row or other.source.path not in values:
            continue
        if shape == "other values":
            held = get_path(target_now, other.target.path)
            for _ in range(5):
                drawn = world.values.source(other)
                if drawn is not None and not _same(other, drawn, held):
                    values[other.source.path] = drawn
                    break
        elif shape == "empty values":
            if not cannot_edit(flow, "source", other, "clear"):
                values[other.source.path] = None
        elif shape == "zero and false":
            for edge in ("zero", "false"):
                value = edge_value(other, edge, site_currency=world.config.site_currency)
                if value is not None:
                    values[other.source.path] = value
        elif shape != "values against a later, emptied target":
            raise ChecklistFailure(f"no such merge shape: {shape!r}")
    values[source_path] = world.records.chosen_value
    world.clock.advance(2)  # the source record is the later one: its modification time must show it
    world.records.targets_before = {rid for rid, _ in flow.target.records(flow.target_type)}
    world.records.source_id = flow.source.create(flow.source_type, values)
    source_now = flow.source.read(flow.source_type, world.records.source_id) or {}
    if shape == "values against a later, emptied target":
        target_now = _empty_the_target_later(world, target_id)
        check_order(flow, ("source", source_now), ("target", target_now))
        world.records.merge_later = "target"
    else:
        check_order(flow, ("target", target_now), ("source", source_now))
    world.records.merge_inputs = (values, target_now)


def _empty_the_target_later(world: ChecklistWorld, target_id: str) -> dict[str, Any]:
    """After the source record was made, a merchant empties every mapped property of the target record that
    can be empty: the target is then the later record, and the emptier one — an empty value must still
    never overwrite the source's (the later-wins rule alone would let it). Returns the target as it is then."""
    flow = world.require_mapping()
    rows = [
        r
        for r in flow.rows
        if not (r.key or r.is_reference or r.is_line_row)
        and r.flows_to_source
        and not cannot_edit(flow, "target", r, "clear")
    ]
    if not rows:
        pending(f"no mapped property of a {flow.section.target} record can be emptied and carried back")
    world.clock.advance(2)
    flow.target.edit(flow.target_type, target_id, {r.target.path: _empty_in_target(r) for r in rows})
    return flow.target.read(flow.target_type, target_id) or {}


def _empty_in_target(row: MappingRow) -> Any:
    return "" if row.target.kind in {"string", "html"} else None


def _same(row: MappingRow, source_value: Any, target_value: Any) -> bool:
    try:
        return oracle.same(row, source_value, target_value)
    except ConversionError:
        return False


def edit_two_properties(world: ChecklistWorld, first: str, later: str) -> None:
    """Edit one two-way property in ``first``, then another, later, in ``later``: no conflict — both edits
    must survive (a whole-record "later wins" would undo the first)."""
    flow, source_id, target_id = pair(world)
    rows = two_way_rows(flow)
    if len(rows) < 2:
        pending("this flow maps fewer than two properties that can be edited on both sides and written both ways")
    ids = {"source": source_id, "target": target_id}
    edits: dict[str, tuple[MappingRow, Any]] = {}
    for side, row in ((first, rows[0]), (later, rows[1])):
        current = flow.driver(side).read(flow.spec_type(side), ids[side]) or {}
        value = new_value(world, flow, side, row, current)
        if value is None:
            pending(f"talkqa has no other valid value for {row.label}")
        world.clock.advance(2)
        flow.driver(side).edit(flow.spec_type(side), ids[side], {_path(row, side): value})
        edits[side] = (row, value)
    world.records.two_edits = edits
    check_order(
        flow,
        (first, flow.driver(first).read(flow.spec_type(first), ids[first]) or {}),
        (later, flow.driver(later).read(flow.spec_type(later), ids[later]) or {}),
    )


def _path(row: MappingRow, side: str) -> str:
    return row.source.path if side == "source" else row.target.path


#: properties each system's user can fill that a flow may leave unmapped, with the values the checklist puts
#: in them (Exact: a note and a search code; Squarespace: a tag and the product's URL slug)
_UNMAPPED: dict[tuple[str, str], dict[str, Any]] = {
    ("Exact Online", "items"): {"Notes": "talkqa: a note nobody maps", "SearchCode": "TQKEEP"},
    ("Squarespace", "inventory"): {"tags": ["talkqa-kept"], "urlSlug": "talkqa-kept-slug"},
    ("Squarespace", "sesamproducts"): {"tags": ["talkqa-kept"], "urlSlug": "talkqa-kept-slug"},
}


def fill_unmapped(world: ChecklistWorld) -> None:
    """Put values in properties the flow does not map, on both sides, and remember what each record shows."""
    flow, source_id, target_id = pair(world)
    ids = {"source": source_id, "target": target_id}
    kept: dict[str, dict[str, Any]] = {}
    for side in ("source", "target"):
        driver = flow.driver(side)
        mapped = {(r.source.path if side == "source" else r.target.path).split(".")[0] for r in flow.rows}
        values = {
            name: value
            for name, value in _UNMAPPED.get((driver.system, flow.spec_type(side).casefold()), {}).items()
            if name not in mapped and not driver.cannot("edit", flow.spec_type(side), name)
        }
        if not values:
            continue
        driver.edit(flow.spec_type(side), ids[side], values)
        shown = driver.read(flow.spec_type(side), ids[side]) or {}
        kept[side] = {name: shown.get(name) for name in values}
    if not kept:
        pending("talkqa knows no unmapped property a user of either system can fill in this flow")
    world.records.unmapped = kept
    world.sync_until_quiet()  # the fill is no edit of the flow: let the engine see it before the edit
