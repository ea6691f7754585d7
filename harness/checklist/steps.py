"""talkqa's step library: every sentence of ``harness.dataflow.vocabulary``, bound for pytest-bdd.

Steps are generic — parameterized by system, type and property — and thin: they call the checklist's
actions and checks with the scenario's world (the ``checklist`` fixture of talkqa's plugin). Because
the feature writer and this library read the same vocabulary, a generated feature never holds an
undefined step.

talkqa's plugin registers this module as a pytest plugin when a session configures, so its steps are
found by any test module that binds features (``harness.checklist.binding``, a project's own); it lives
inside harness so that it never shadows, nor is shadowed by, a project's own ``steps`` package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.checklist import actions, candidates, checks, currency, family_actions, ties
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.roundtrip import round_trip
from harness.checklist.world import ChecklistWorld
from harness.dataflow.vocabulary import GIVEN, THEN, WHEN, step_converters, step_pattern
from harness.mock.faults import FaultKind

Step = Callable[..., Any]


def _bind(decorator: Callable[..., Callable[[Step], Step]], template: str) -> Callable[[Step], Step]:
    # parsers.re is typed for the text of a pattern; it re.compile()s what it is given, and a compiled
    # pattern passes through unchanged (as it did when this library was steps/library.py).
    pattern = parsers.re(step_pattern(template))  # type: ignore[arg-type]
    return decorator(pattern, converters=step_converters(template))


# -- Given ---------------------------------------------------------------------------------------


@_bind(given, GIVEN.FLOW)
def the_flow(
    checklist: ChecklistWorld, source_system: str, source_type: str, target_system: str, target_type: str, line: int
) -> None:
    checklist.set_flow(source_system, source_type, target_system, target_type, line)


@_bind(given, GIVEN.NEW_SOURCE_RECORD)
def a_new_source_record(checklist: ChecklistWorld) -> None:
    actions.new_source_record(checklist)


@_bind(given, GIVEN.NEW_SOURCE_RECORD_UNMATCHED)
def a_new_unmatched_source_record(checklist: ChecklistWorld) -> None:
    actions.new_source_record(checklist)


@_bind(given, GIVEN.NEW_SOURCE_RECORD_CONDITION_HOLDS)
def a_source_record_meeting_the_condition(checklist: ChecklistWorld, text: str) -> None:
    pending(f"talkqa cannot evaluate the condition {text!r}: make a record that meets it by hand")


@_bind(given, GIVEN.NEW_SOURCE_RECORD_CONDITION_FAILS)
def a_source_record_failing_the_condition(checklist: ChecklistWorld, text: str) -> None:
    pending(f"talkqa cannot evaluate the condition {text!r}: make a record that fails it by hand")


@_bind(given, GIVEN.NEW_SOURCE_RECORD_CONNECTED)
def a_connected_source_record(checklist: ChecklistWorld, text: str) -> None:
    pending(f"talkqa does not follow connections to {text} records")


@_bind(given, GIVEN.NEW_SOURCE_RECORD_WITH_LINES)
def a_source_record_with_lines(checklist: ChecklistWorld) -> None:
    actions.new_source_record(checklist, with_lines=True)


@_bind(given, GIVEN.TARGET_RECORD_WITH_VALUE)
def a_target_record_with_a_value(checklist: ChecklistWorld, prop: str) -> None:
    actions.new_target_record_with(checklist, prop)


@_bind(given, GIVEN.NEW_SOURCE_RECORD_MATCHING)
def a_source_record_matching_it(checklist: ChecklistWorld, prop: str) -> None:
    actions.new_source_record_matching(checklist, prop)


@_bind(given, GIVEN.LINKED_PAIR)
def a_linked_pair(checklist: ChecklistWorld) -> None:
    actions.linked_pair(checklist)


@_bind(given, GIVEN.QUIET_AFTER_SYNC)
def a_cycle_has_run(checklist: ChecklistWorld) -> None:
    checklist.sync()


@_bind(given, GIVEN.NO_PROPERTIES)
def the_spec_lists_no_properties(checklist: ChecklistWorld) -> None:
    flow = checklist.require_flow()
    if flow.section.properties:
        raise AssertionError("the spec lists properties for this flow: regenerate the features")


@_bind(given, GIVEN.FAULTS)
def the_system_answers_with(checklist: ChecklistWorld, side: str, n: int, status: int) -> None:
    checklist.inject(side, FaultKind.STATUS, n, status)


@_bind(given, GIVEN.TIMEOUTS)
def the_system_times_out(checklist: ChecklistWorld, side: str, n: int) -> None:
    # A lost response is the demanding time-out: the call was acted on, the caller never heard back.
    checklist.inject(side, FaultKind.LOST_RESPONSE, n)


@_bind(given, GIVEN.TOKENS_EXPIRED)
def the_tokens_expired(checklist: ChecklistWorld) -> None:
    checklist.expire_tokens()


# -- When ----------------------------------------------------------------------------------------


@_bind(when, WHEN.SYNC)
def a_sync_cycle_runs(checklist: ChecklistWorld) -> None:
    checklist.records.write_mark = checklist.write_mark()
    checklist.sync()


@_bind(when, WHEN.SYNC_UNTIL_QUIET)
def cycles_run_until_quiet(checklist: ChecklistWorld) -> None:
    checklist.sync_until_quiet()


@_bind(when, WHEN.ENGINE_RESTARTS)
def the_engine_restarts(checklist: ChecklistWorld) -> None:
    checklist.restart()
    checklist.sync()


@_bind(when, WHEN.CRASH_AND_RESTART)
def a_cycle_crashes(checklist: ChecklistWorld) -> None:
    checklist.crash_and_restart()


@_bind(when, WHEN.EDIT_ALL)
def every_property_is_edited(checklist: ChecklistWorld, side: str) -> None:
    actions.edit_all(checklist, side)


@_bind(when, WHEN.EDIT_ONE)
def one_property_is_edited(checklist: ChecklistWorld, side: str, prop: str) -> None:
    actions.edit_one(checklist, side, prop)


@_bind(when, WHEN.EDIT_BOTH)
def edited_on_both_sides(checklist: ChecklistWorld, first: str, later: str) -> None:
    actions.edit_both(checklist, first, later)


@_bind(when, WHEN.FILL_TARGET_EDIT_SOURCE)
def filled_in_the_target(checklist: ChecklistWorld) -> None:
    actions.fill_target_edit_source(checklist)


@_bind(when, WHEN.CLEAR)
def a_property_is_cleared(checklist: ChecklistWorld, side: str) -> None:
    actions.clear_one(checklist, side)


@_bind(when, WHEN.DELETE)
def the_record_is_deleted(checklist: ChecklistWorld, side: str) -> None:
    actions.delete_record(checklist, side)


# -- Then ----------------------------------------------------------------------------------------


@_bind(then, THEN.LINKED_TARGET_EXISTS)
def a_linked_target_exists(checklist: ChecklistWorld) -> None:
    checks.check_linked_target(checklist)


@_bind(then, THEN.NO_TARGET_CREATED)
def no_target_is_created(checklist: ChecklistWorld) -> None:
    checks.check_no_target_created(checklist)


@_bind(then, THEN.EXACTLY_ONE_TARGET)
def exactly_one_target(checklist: ChecklistWorld) -> None:
    checks.check_exactly_one_target(checklist)


@_bind(then, THEN.LINKED_TO_MATCH)
def linked_to_the_match(checklist: ChecklistWorld) -> None:
    checks.check_linked_to_match(checklist)


@_bind(then, THEN.VALUES_EQUAL)
def the_values_are_equal(checklist: ChecklistWorld, side: str, other: str) -> None:
    checks.check_values_equal(checklist, side, other)


@_bind(then, THEN.PROPERTY_EQUAL)
def the_property_holds_the_value(checklist: ChecklistWorld, prop: str, datatype: str) -> None:
    checks.check_property_equal(checklist, prop, datatype)


@_bind(then, THEN.LATER_EDIT_WINS)
def the_later_edit_wins(checklist: ChecklistWorld, later: str) -> None:
    checks.check_later_wins(checklist, later)


@_bind(then, THEN.VALUE_KEPT)
def the_value_is_kept(checklist: ChecklistWorld) -> None:
    checks.check_value_kept(checklist)


@_bind(then, THEN.CLEAR_PROPAGATED)
def the_clear_propagated(checklist: ChecklistWorld, other: str) -> None:
    checks.check_clear_propagated(checklist, other)


@_bind(then, THEN.NOTHING_WRITTEN)
def nothing_was_written(checklist: ChecklistWorld) -> None:
    checks.check_nothing_written(checklist)


@_bind(then, THEN.DELETE_PROPAGATED)
def the_delete_propagated(checklist: ChecklistWorld, other: str) -> None:
    checks.check_delete_propagated(checklist, other)


@_bind(then, THEN.OTHER_FLOWS_CARRY)
def other_flows_carry_the_edit(checklist: ChecklistWorld) -> None:
    checks.check_other_flows(checklist)


@_bind(then, THEN.LINES_POINT_AT_COUNTERPARTS)
def lines_point_at_counterparts(checklist: ChecklistWorld) -> None:
    checks.check_lines(checklist)


@_bind(then, THEN.PROPERTIES_FROM_MAPPING)
def properties_come_from_a_mapping_file(checklist: ChecklistWorld) -> None:
    flow = checklist.require_flow()
    if not flow.mapping.assumed:
        pending("the spec lists no properties for this flow and no mapping file supplies them (--mapping FILE)")
    checklist.notes.append(
        f"{len(flow.mapping.assumed)} row(s) assumed from {flow.mapping.mapping_file}: "
        + ", ".join(row.label for row in flow.mapping.assumed)
    )


@_bind(then, THEN.ROUND_TRIP_SOURCE)
def round_trip_from_the_source(checklist: ChecklistWorld, checklist_world_factory: Any) -> None:
    round_trip(checklist, checklist_world_factory, "source")


@_bind(then, THEN.ROUND_TRIP_TARGET)
def round_trip_from_the_target(checklist: ChecklistWorld, checklist_world_factory: Any) -> None:
    round_trip(checklist, checklist_world_factory, "target")


# -- the families of issue 12 --------------------------------------------------------------------


@_bind(given, GIVEN.NEW_SOURCE_RECORD_EDGE)
def a_new_source_record_at_an_edge(checklist: ChecklistWorld, edge: str) -> None:
    family_actions.new_source_record_at_edge(checklist, edge)


@_bind(when, WHEN.EDIT_EDGE)
def properties_are_set_to_an_edge(checklist: ChecklistWorld, side: str, edge: str) -> None:
    family_actions.edit_edges(checklist, side, edge)


@_bind(given, GIVEN.WRITE_FAULT)
def the_system_fails_its_writes(checklist: ChecklistWorld, side: str, n: int, what: str, fault: str) -> None:
    checklist.inject_write_fault(side, what, fault, n)


@_bind(given, GIVEN.MANY_SOURCE_RECORDS)
def many_new_source_records(checklist: ChecklistWorld, n: int) -> None:
    family_actions.new_source_records(checklist, n)


@_bind(when, WHEN.CRASH_AT_WRITE)
def a_cycle_crashes_after_a_write(checklist: ChecklistWorld, write: str) -> None:
    if not write.isdigit() or int(write) < 1:
        raise ChecklistFailure(f"a cycle crashes after a write counted from 1, not after {write!r}")
    checklist.crash_and_restart(after_writes=int(write))


@_bind(when, WHEN.CRASH_AT_EVERY_WRITE)
def the_engine_crashes_after_every_write(checklist: ChecklistWorld) -> None:
    family_actions.crash_at_every_write(checklist)


@_bind(then, THEN.EVERY_SOURCE_LINKED)
def every_source_record_is_linked(checklist: ChecklistWorld) -> None:
    checks.check_every_source_linked(checklist)


@_bind(given, GIVEN.NEW_SOURCE_RECORD_MERGING)
def a_source_record_merging_with_it(checklist: ChecklistWorld, prop: str, shape: str) -> None:
    family_actions.new_source_record_merging(checklist, prop, shape)


@_bind(then, THEN.MERGED_VALUES)
def the_merge_rule_holds(checklist: ChecklistWorld) -> None:
    checks.check_merged_values(checklist)


@_bind(when, WHEN.EDIT_TWO_PROPERTIES)
def two_properties_are_edited(checklist: ChecklistWorld, first: str, later: str) -> None:
    family_actions.edit_two_properties(checklist, first, later)


@_bind(when, WHEN.EDIT_BOTH_KIND)
def a_property_of_a_kind_is_edited_on_both_sides(
    checklist: ChecklistWorld, datatype: str, first: str, later: str
) -> None:
    actions.edit_both(checklist, first, later, kind=datatype)


@_bind(then, THEN.BOTH_EDITS_KEPT)
def both_edits_are_kept(checklist: ChecklistWorld) -> None:
    checks.check_both_edits_kept(checklist)


@_bind(given, GIVEN.UNMAPPED_VALUES)
def values_in_unmapped_properties(checklist: ChecklistWorld) -> None:
    family_actions.fill_unmapped(checklist)


@_bind(then, THEN.UNMAPPED_UNCHANGED)
def unmapped_properties_unchanged(checklist: ChecklistWorld) -> None:
    checks.check_unmapped_unchanged(checklist)


@_bind(given, GIVEN.ORDER_BEFORE_ITEMS)
def a_record_whose_references_are_not_synced(checklist: ChecklistWorld) -> None:
    actions.new_source_record(checklist, with_lines=True, references_synced=False)


@_bind(given, GIVEN.TWO_TARGET_RECORDS_WITH_VALUE)
def two_target_records_with_a_value(checklist: ChecklistWorld, prop: str) -> None:
    candidates.two_target_records_with(checklist, prop)


@_bind(given, GIVEN.NEW_SOURCE_RECORD_MATCHING_BOTH)
def a_source_record_matching_both(checklist: ChecklistWorld, prop: str) -> None:
    candidates.new_source_record_matching_both(checklist, prop)


@_bind(then, THEN.ONE_CANDIDATE_MERGED)
def one_candidate_is_merged(checklist: ChecklistWorld) -> None:
    candidates.check_one_candidate_merged(checklist)


@_bind(when, WHEN.EDIT_BOTH_AT_ONCE)
def a_property_is_edited_in_both_at_once(checklist: ChecklistWorld) -> None:
    ties.edit_both_at_once(checklist)


@_bind(then, THEN.PRIORITY_EDIT_WINS)
def the_priority_edit_wins(checklist: ChecklistWorld) -> None:
    ties.check_priority_wins(checklist)


@_bind(given, GIVEN.NEW_SOURCE_RECORD_FOREIGN_CURRENCY)
def a_source_record_in_a_foreign_currency(checklist: ChecklistWorld) -> None:
    currency.new_source_record_in_foreign_currency(checklist)


@_bind(then, THEN.NOT_IN_SHOP_CURRENCY)
def not_in_the_shops_currency(checklist: ChecklistWorld) -> None:
    currency.check_not_in_shop_currency(checklist)
