"""The checklist's ``Then``s: each reads both systems as their users would and fails with the expected
and actual values when a promise of the spec is not kept."""

from __future__ import annotations

import json
from typing import Any

from harness.checklist import oracle
from harness.checklist.actions import pair
from harness.checklist.counterparts import WorldLinks, counterparts, flow_of, links_for
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.world import ChecklistWorld, Flow
from harness.dataflow.vocabulary import ONE_WAY_RULE
from harness.errors import MappingError
from harness.mapping.paths import get_path
from harness.mapping.rows import MappingRow

__all__ = [
    "agree",
    "check_both_edits_kept",
    "check_clear_propagated",
    "check_delete_propagated",
    "check_every_source_linked",
    "check_exactly_one_target",
    "check_later_wins",
    "check_lines",
    "check_linked_target",
    "check_linked_to_match",
    "check_merged_values",
    "check_no_target_created",
    "check_nothing_written",
    "check_other_flows",
    "check_property_equal",
    "check_unmapped_unchanged",
    "check_value_kept",
    "check_values_equal",
    "values_of",
]


def _read(flow: Flow, side: str, record_id: str) -> dict[str, Any]:
    data = flow.driver(side).read(flow.spec_type(side), record_id)
    if data is None:
        raise ChecklistFailure(f"the {side} record {record_id} no longer exists")
    return data


def _canonical(row: MappingRow, value: Any, side: str, links: Any) -> Any:
    try:
        return oracle.meaning(row, value, side=side, links=links)
    except MappingError as exc:
        return f"<cannot read: {exc}>"


def check_linked_target(world: ChecklistWorld) -> None:
    flow = world.require_mapping()
    source_id = world.records.source_id
    assert source_id is not None
    found = counterparts(world, flow, source_id)
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise ChecklistFailure(
            f"{what} {flow.section.target} record(s) hold the key values of the new {flow.section.source} record",
            expected=1,
            actual=len(found),
        )
    world.records.target_id = found[0]


def check_no_target_created(world: ChecklistWorld) -> None:
    flow = world.require_mapping()
    now = {rid for rid, _ in flow.target.records(flow.target_type)}
    new = sorted(now - world.records.targets_before)
    if new:
        raise ChecklistFailure(f"{flow.section.target} records were created", expected=[], actual=new)


def check_exactly_one_target(world: ChecklistWorld) -> None:
    flow = world.require_mapping()
    source_id = world.records.source_id
    assert source_id is not None
    found = counterparts(world, flow, source_id)
    if len(found) != 1:
        raise ChecklistFailure(
            f"one {flow.section.target} record should stand for the {flow.section.source} record",
            expected=1,
            actual=found,
        )
    world.records.target_id = found[0]


def check_linked_to_match(world: ChecklistWorld) -> None:
    flow = world.require_mapping()
    source_id = world.records.source_id
    assert source_id is not None
    found = counterparts(world, flow, source_id)
    if found != [world.records.matched_target]:
        raise ChecklistFailure(
            "the new source record was not merged with the existing target record",
            expected=[world.records.matched_target],
            actual=found,
        )


def check_values_equal(world: ChecklistWorld, side: str, other: str) -> None:
    """Every mapped property of ``side`` equals ``other``'s — and an edit made in one record won."""
    flow, source_id, target_id = pair(world)
    source, target = _read(flow, "source", source_id), _read(flow, "target", target_id)
    links = links_for(world, flow)
    edited_in = next((s for s in ("target", "source") if world.records.edited.get(s)), None)
    expected: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    skipped: list[str] = []
    compared: list[tuple[MappingRow, Any, Any]] = []
    for row in flow.rows:
        receiving = "target" if edited_in in (None, "source") else "source"
        field = row.target if receiving == "target" else row.source
        if edited_in is not None and not field.writable_on_update and _carries(row, receiving):
            skipped.append(f"{row.label}: {field.system} cannot change it after creation")
            continue
        if edited_in is None and not _carries(row, "target"):
            continue
        s_value = values_of(row, source, "source", links)
        t_value = values_of(row, target, "target", links)
        if not agree(flow, row, s_value, t_value, links):
            expected[row.label] = s_value if _carries(row, "target") else t_value
            actual[row.label] = t_value if _carries(row, "target") else s_value
            compared.append((row, get_path(source, row.source.path), get_path(target, row.target.path)))
            continue
        path = row.source.path if edited_in == "source" else row.target.path
        edited = (world.records.edited.get(edited_in or "") or {}).get(path)
        if edited is not None and _carries(row, "source" if edited_in == "target" else "target"):
            wanted = _canonical(row, edited, edited_in or "source", links)
            if s_value != wanted:
                expected[row.label] = wanted
                actual[row.label] = s_value
    if skipped:
        world.notes.extend(skipped)
    if expected:
        failure = ChecklistFailure(
            f"{len(expected)} mapped propert{'y' if len(expected) == 1 else 'ies'} of the {side} record "
            f"{'does' if len(expected) == 1 else 'do'} not hold the value{'' if len(expected) == 1 else 's'} "
            f"{'it' if len(expected) == 1 else 'they'} should: {_first_difference(expected, actual)}",
            expected=expected,
            actual=actual,
        )
        failure.compared = compared
        raise failure
    if edited_in is not None and len(skipped) == len(flow.rows):
        pending("no mapped property can be changed after creation: " + "; ".join(skipped))


def _first_difference(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    """The first property that differs, its expected and its actual value, for a failure's first line."""
    label = next(iter(expected))
    more = f" (and {len(expected) - 1} more)" if len(expected) > 1 else ""
    wanted, found = (json.dumps(values.get(label), default=str) for values in (expected, actual))
    return f"{label} expected {wanted}, got {found}{more}"


def agree(flow: Flow, row: MappingRow, source_value: Any, target_value: Any, links: Any) -> bool:
    """Equal under the row's rules — an empty value equal to what a system shows when it holds nothing
    (Squarespace shows a weight of 0 for a product that has none)."""
    if source_value == target_value:
        return True
    if source_value is None and not row.is_line_row:
        shown = flow.target.shown_when_empty(flow.target_type, row.target.path)
        return shown is not None and _canonical(row, shown, "target", links) == target_value
    if target_value is None and not row.is_line_row:
        shown = flow.source.shown_when_empty(flow.source_type, row.source.path)
        return shown is not None and _canonical(row, shown, "source", links) == source_value
    return False


def _carries(row: MappingRow, into: str) -> bool:
    return row.flows_to_target if into == "target" else row.flows_to_source


def values_of(row: MappingRow, data: dict[str, Any], side: str, links: Any) -> Any:
    path = row.source.path if side == "source" else row.target.path
    value = get_path(data, path)
    if row.is_line_row:
        return [_canonical(row, v, side, links) for v in value or []]
    meant = _canonical(row, value, side, links)
    if side == "target" and path.endswith(".value"):
        # a weight with its unit, an amount with its currency: the number alone is half the value
        currency = links.world.config.site_currency if isinstance(links, WorldLinks) else "EUR"
        return oracle.in_units(meant, get_path(data, path.removesuffix(".value")), currency=currency)
    return meant


def check_property_equal(world: ChecklistWorld, target_path: str, datatype: str) -> None:
    flow, source_id, target_id = pair(world)
    row = world.records.chosen_row
    if row is None or row.target.path != target_path:
        refused = next((r for r in flow.mapping.refused if r.target == target_path), None)
        if refused is not None:
            pending(f"{refused.source} → {refused.target} is not honoured: {refused.reason}")
        raise ChecklistFailure(f"the scenario changed no source property mapped to {target_path}")
    if not row.flows_to_target:
        pending(f"{row.label} flows only from the target: {row.direction_reason}; {ONE_WAY_RULE}")
    if not row.target.writable_on_update:
        pending(f"{row.target.label} cannot change after the record was created")
    links = links_for(world, flow)
    source, target = _read(flow, "source", source_id), _read(flow, "target", target_id)
    s_value = values_of(row, source, "source", links)
    t_value = values_of(row, target, "target", links)
    if s_value != t_value:
        raise ChecklistFailure(
            f"{target_path} ({datatype}) does not hold the source's value", expected=s_value, actual=t_value
        )


def check_both_hold_chosen(world: ChecklistWorld, side: str, wrong: str) -> None:
    """Both records hold the scenario's chosen value, as the ``side`` record was given it; else fail saying
    ``wrong`` after the row's label."""
    flow, source_id, target_id = pair(world)
    row = world.records.chosen_row
    if row is None:
        raise ChecklistFailure("no property was chosen and edited before this step")
    links = links_for(world, flow)
    wanted = _canonical(row, world.records.chosen_value, side, links)
    found = {
        "source": values_of(row, _read(flow, "source", source_id), "source", links),
        "target": values_of(row, _read(flow, "target", target_id), "target", links),
    }
    if found != {"source": wanted, "target": wanted}:
        raise ChecklistFailure(f"{row.label}: {wrong}", expected={"source": wanted, "target": wanted}, actual=found)


def check_later_wins(world: ChecklistWorld, later: str) -> None:
    check_both_hold_chosen(world, later, f"the later edit (in the {later} record) must win on both sides")


def check_value_kept(world: ChecklistWorld) -> None:
    check_both_hold_chosen(world, "target", "the value given in the target was overwritten by the source's empty value")


def check_clear_propagated(world: ChecklistWorld, other: str) -> None:
    flow, source_id, target_id = pair(world)
    row = world.records.chosen_row
    assert row is not None
    data = _read(flow, other, source_id if other == "source" else target_id)
    value = get_path(data, row.source.path if other == "source" else row.target.path)
    if not oracle.is_empty(row, value, side=other):
        raise ChecklistFailure(
            f"{row.label}: the clear did not reach the {other} record", expected="empty", actual=value
        )


def check_nothing_written(world: ChecklistWorld) -> None:
    writes = [c for c in world.writes_list(world.records.write_mark) if "/oauth2/" not in c.path]
    if writes:
        raise ChecklistFailure(
            "a cycle with nothing new wrote to the systems",
            expected=[],
            actual=[f"{c.service}: {c.method} {c.path} -> {c.status}" for c in writes],
        )


def check_delete_propagated(world: ChecklistWorld, other: str) -> None:
    flow, source_id, target_id = pair(world)
    other_id = source_id if other == "source" else target_id
    reason = flow.driver(other).cannot("delete", flow.spec_type(other))
    remaining = flow.driver(other).read(flow.spec_type(other), other_id)
    if reason is None:
        if remaining is not None:
            raise ChecklistFailure(
                f"the {other} record still exists after its counterpart was deleted", expected=None, actual=other_id
            )
        return
    # The other system cannot delete: the pair must be let go — the deleted record stays deleted,
    # and nothing is created again in its place.
    world.notes.append(f"{reason}: the pair is unlinked instead")
    world.sync()
    deleted_side = world.records.deleted_side or "source"
    deleted_id = source_id if deleted_side == "source" else target_id
    if flow.driver(deleted_side).read(flow.spec_type(deleted_side), deleted_id) is not None:
        raise ChecklistFailure(f"the deleted {deleted_side} record came back", expected=None, actual=deleted_id)
    now = {rid for rid, _ in flow.target.records(flow.target_type)}
    if now - world.records.targets_before:
        raise ChecklistFailure(
            "a new target record was created for a deleted source record",
            expected=[],
            actual=sorted(now - world.records.targets_before),
        )


def check_other_flows(world: ChecklistWorld) -> None:
    """Every other section from the same source records carries the source's current values."""
    flow, source_id, _ = pair(world)
    others = [
        m
        for m in world.config.mappings
        if m.section.title != flow.section.title
        and m.section.source_type == flow.section.source_type
        and m.source_system == flow.mapping.source_system
        and m.usable
    ]
    if not others:
        pending("no other section of the spec starts from the same source records")
    source = _read(flow, "source", source_id)
    for mapping in others:
        other = flow_of(world, mapping)
        found = counterparts(world, other, source_id)
        if len(found) != 1:
            raise ChecklistFailure(
                f"{other.section.title}: no single counterpart of the source record", expected=1, actual=len(found)
            )
        target = _read(other, "target", found[0])
        links = links_for(world, other)
        wrong = {
            row.label: {
                "source": values_of(row, source, "source", links),
                "target": values_of(row, target, "target", links),
            }
            for row in other.rows
            if row.flows_to_target
            and not agree(
                other, row, values_of(row, source, "source", links), values_of(row, target, "target", links), links
            )
        }
        if wrong:
            raise ChecklistFailure(
                f"{other.section.title} does not carry the edit", expected="equal values", actual=wrong
            )


def check_lines(world: ChecklistWorld) -> None:
    """Each line of the target record points at the counterpart of the item its source line points at."""
    flow = world.require_mapping()
    source_id = world.records.source_id
    assert source_id is not None
    group = flow.mapping.lines
    if group is None or not flow.mapping.reference_rows:
        pending("this flow's mapping has no line rows that refer to other records")
    found = counterparts(world, flow, source_id)
    if len(found) != 1:
        raise ChecklistFailure("the order has no single counterpart", expected=1, actual=len(found))
    source, target = _read(flow, "source", source_id), _read(flow, "target", found[0])
    links = links_for(world, flow)
    mismatches = {}
    for row in group.rows:
        s_values, t_values = values_of(row, source, "source", links), values_of(row, target, "target", links)
        if s_values != t_values:
            mismatches[row.label] = {"source": s_values, "target": t_values}
    if mismatches:
        raise ChecklistFailure(
            "the target's lines do not match the source's lines", expected="equal lines", actual=mismatches
        )


def check_every_source_linked(world: ChecklistWorld) -> None:
    """Each of the scenario's source records has one counterpart, and it holds the record's values."""
    flow = world.require_mapping()
    if not world.records.many:
        raise ChecklistFailure("the scenario made no source records to look for")
    links = links_for(world, flow)
    missing: list[str] = []
    doubled: dict[str, int] = {}
    wrong: dict[str, dict[str, Any]] = {}
    for source_id in world.records.many:
        found = counterparts(world, flow, source_id)
        if not found:
            missing.append(source_id)
            continue
        if len(found) > 1:
            doubled[source_id] = len(found)
            continue
        source, target = _read(flow, "source", source_id), _read(flow, "target", found[0])
        for row in flow.rows:
            if not _carries(row, "target"):
                continue
            s_value, t_value = values_of(row, source, "source", links), values_of(row, target, "target", links)
            if not agree(flow, row, s_value, t_value, links):
                wrong.setdefault(source_id, {})[row.label] = {"source": s_value, "target": t_value}
    if missing or doubled or wrong:
        total = len(world.records.many)
        raise ChecklistFailure(
            f"of {total} {flow.section.source} records, {len(missing)} have no {flow.section.target} record, "
            f"{len(doubled)} have more than one, {len(wrong)} have one holding other values",
            expected=f"{total} records, each with one counterpart holding its values",
            actual={
                "missing": missing[:10],
                "duplicated": dict(list(doubled.items())[:10]),
                "wrong": dict(list(wrong.items())[:5]),
            },
        )


def check_merged_values(world: ChecklistWorld) -> None:
    """After a merge, every mapped property holds what the merge rule gives: an empty value never
    overwrites a value; otherwise the later record wins (the source, made after the target — or the target,
    where the scenario changed it last). A one-way
    row takes the value of the side it flows from, an empty one included (Talk's rule for one-way rows)."""
    flow = world.require_mapping()
    if world.records.merge_inputs is None or world.records.source_id is None:
        raise ChecklistFailure("no merge was set up before this step")
    made, target_before = world.records.merge_inputs
    found = counterparts(world, flow, world.records.source_id)
    if len(found) != 1:
        raise ChecklistFailure("the source record has no single counterpart", expected=1, actual=len(found))
    links = links_for(world, flow)
    source = _read(flow, "source", world.records.source_id)
    target = _read(flow, "target", found[0])
    expected: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    for row in flow.rows:
        if row.key or row.is_reference or row.is_line_row:
            continue
        given = made.get(row.source.path)
        if given is None:  # what the source shows when it was given nothing (Exact: false for a Boolean)
            given = flow.source.shown_when_empty(flow.source_type, row.source.path)
        was_source = _canonical(row, given, "source", links)
        was_target = values_of(row, target_before, "target", links)
        if agree(flow, row, None, was_target, links):
            was_target = None  # what the target shows when it holds nothing
        if row.flows_to_target and row.flows_to_source:
            if was_source is None or was_target is None:
                wanted = was_target if was_source is None else was_source  # an empty value never overwrites
            else:
                wanted = was_source if world.records.merge_later == "source" else was_target  # the later wins
        elif row.flows_to_target:
            wanted = was_source
        else:
            wanted = was_target
        now = {"source": values_of(row, source, "source", links), "target": values_of(row, target, "target", links)}
        if not agree(flow, row, wanted, now["target"], links) or (row.flows_to_source and now["source"] != wanted):
            expected[row.label] = wanted
            actual[row.label] = now
    if expected:
        raise ChecklistFailure(
            f"{len(expected)} mapped propert{'y does' if len(expected) == 1 else 'ies do'} not hold what the merge "
            "rule gives (an empty value never overwrites a value; otherwise the later record wins)",
            expected=expected,
            actual=actual,
        )


def check_both_edits_kept(world: ChecklistWorld) -> None:
    """Each of two edits, of different properties on different sides, holds on both sides."""
    flow, source_id, target_id = pair(world)
    if len(world.records.two_edits) != 2:
        raise ChecklistFailure("the scenario did not edit two properties on the two sides")
    links = links_for(world, flow)
    source, target = _read(flow, "source", source_id), _read(flow, "target", target_id)
    expected: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    for side, (row, value) in world.records.two_edits.items():
        wanted = _canonical(row, value, side, links)
        found = {"source": values_of(row, source, "source", links), "target": values_of(row, target, "target", links)}
        if found != {"source": wanted, "target": wanted}:
            expected[f"{row.label} (edited in the {side})"] = wanted
            actual[f"{row.label} (edited in the {side})"] = found
    if expected:
        raise ChecklistFailure(
            "an edit of one property was undone by a later edit of another property in the other record",
            expected=expected,
            actual=actual,
        )


def check_unmapped_unchanged(world: ChecklistWorld) -> None:
    """Every unmapped property the scenario filled still holds what it held: the engine wrote only what the
    flow maps."""
    flow, source_id, target_id = pair(world)
    if not world.records.unmapped:
        raise ChecklistFailure("the scenario filled no unmapped property")
    ids = {"source": source_id, "target": target_id}
    changed: dict[str, Any] = {}
    for side, kept in world.records.unmapped.items():
        now = _read(flow, side, ids[side])
        for name, value in kept.items():
            if now.get(name) != value:
                changed[f"{flow.name(side)}.{name}"] = {"before": value, "after": now.get(name)}
    if changed:
        raise ChecklistFailure(
            f"{len(changed)} propert{'y' if len(changed) == 1 else 'ies'} the flow does not map changed",
            expected="unchanged",
            actual=changed,
        )
