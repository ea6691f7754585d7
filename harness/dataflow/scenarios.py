"""The checklist items of each flow section as data: scenarios whose steps are ``harness.dataflow.vocabulary``
sentences filled with the spec's values, for the Gherkin writer to render."""

from __future__ import annotations

from harness.dataflow import vocabulary as voc
from harness.dataflow.families import (
    EDGES,
    FAMILY_KINDS,
    deferred_scenario,
    family_scenarios,
)
from harness.dataflow.model import Rule, RuleKind
from harness.dataflow.scenario_kit import (
    CLEAR_STEPS,
    CONNECTED_TO_RE,
    CREATE_STEPS,
    CREATING_KINDS,
    DELETE_STEPS,
    EDIT_SOURCE_STEPS,
    EDIT_TARGET_STEPS,
    EMPTY_STEPS,
    EXISTS,
    FROM_CONNECTED_RE,
    LATEST_EXAMPLES,
    LATEST_STEPS,
    LINES_STEPS,
    LINK_REQUIRED_STEPS,
    NO_MATCH_RE,
    NO_MATCH_STEPS,
    NO_PROPERTIES_STEPS,
    NO_TARGET,
    ONE_TARGET,
    OUTLINE_PARAMS,
    PROPERTY_HEADER,
    PROPERTY_STEPS,
    QUIET_STEPS,
    RERUN_STEPS,
    RESILIENCE_STEPS,
    ROUND_TRIP_STEPS,
    SHARED_TABLE_KINDS,
    SIDE_PAIRS,
    SYNC,
    Scenario,
    SectionContext,
    Step,
    cell,
    given_step,
    has_lines,
    make_scenario,
    one_line,
    section_contexts,
    step_value,
    then_step,
)
from harness.errors import FeatureError
from harness.systems.fields import lookup_field

__all__ = [
    "CREATING_KINDS",
    "EDGES",
    "FAMILY_KINDS",
    "OUTLINE_PARAMS",
    "Scenario",
    "SectionContext",
    "Step",
    "one_line",
    "section_contexts",
    "section_scenarios",
    "step_value",
]


def _create_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    s = ctx.section
    return [make_scenario("CREATE", rule.kind.value, rule.line, CREATE_STEPS, source=s.source, target=s.target)]


def _rerun_scenario(ctx: SectionContext, rule: Rule) -> Scenario:
    return make_scenario("RERUN", rule.kind.value, rule.line, RERUN_STEPS, target=ctx.section.target)


def _link_required_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    return [make_scenario("LINK_REQUIRED", rule.kind.value, rule.line, LINK_REQUIRED_STEPS, source=ctx.section.source)]


def _conditional_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    condition = step_value(rule.condition if rule.condition is not None else rule.text)
    holds = (given_step(voc.GIVEN.NEW_SOURCE_RECORD_CONDITION_HOLDS.format(text=condition)), SYNC, EXISTS)
    fails = (given_step(voc.GIVEN.NEW_SOURCE_RECORD_CONDITION_FAILS.format(text=condition)), SYNC, NO_TARGET)
    source = ctx.section.source
    return [
        make_scenario("CONDITION_HOLDS", rule.kind.value, rule.line, holds, source=source),
        make_scenario("CONDITION_FAILS", rule.kind.value, rule.line, fails, source=source),
    ]


def _merge_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for criterion in ctx.section.merge_criteria:
        steps = (
            given_step(voc.GIVEN.TARGET_RECORD_WITH_VALUE.format(prop=step_value(criterion.target))),
            given_step(voc.GIVEN.NEW_SOURCE_RECORD_MATCHING.format(prop=step_value(criterion.source))),
            SYNC,
            then_step(voc.THEN.LINKED_TO_MATCH),
            ONE_TARGET,
        )
        names = {"source": ctx.section.source, "source_prop": criterion.source, "target_prop": criterion.target}
        out.append(make_scenario("MERGE", rule.kind.value, criterion.line, steps, **names))
    return out


def _create_if_no_match_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    found = NO_MATCH_RE.search(rule.text)
    created = found.group(1) if found else ctx.section.target
    return [make_scenario("CREATE_IF_NO_MATCH", rule.kind.value, rule.line, NO_MATCH_STEPS, created=created)]


def _create_from_connected_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    found = FROM_CONNECTED_RE.search(rule.text)
    created = found.group(1) if found else ctx.section.target
    connected = ", ".join(rule.connected_to)
    if not connected:
        part = CONNECTED_TO_RE.search(rule.text)
        connected = part.group(1) if part else rule.text
    steps = (given_step(voc.GIVEN.NEW_SOURCE_RECORD_CONNECTED.format(text=step_value(connected))), SYNC, EXISTS)
    names = {"created": created, "source": ctx.section.source}
    return [make_scenario("CREATE_FROM_CONNECTED", rule.kind.value, rule.line, steps, **names)]


def _bidirectional_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    kind, line = rule.kind.value, rule.line
    names = {"source": ctx.section.source, "target": ctx.section.target}
    edit_target: tuple[Step, ...] = EDIT_TARGET_STEPS
    if ctx.other_flows_from_source:
        edit_target = (*edit_target, then_step(voc.THEN.OTHER_FLOWS_CARRY))
    blocked = _blocked_directions(ctx)
    out = [
        make_scenario(
            "EDIT_SOURCE_ONE_WAY" if "target" in blocked else "EDIT_SOURCE", kind, line, EDIT_SOURCE_STEPS, **names
        ),
        make_scenario(
            "EDIT_TARGET_ONE_WAY" if "source" in blocked else "EDIT_TARGET", kind, line, edit_target, **names
        ),
        make_scenario("LATEST_WINS", kind, line, LATEST_STEPS)._replace(examples=LATEST_EXAMPLES),
        make_scenario("EMPTY_NEVER_OVERWRITES", kind, line, EMPTY_STEPS),
    ]
    for side, _ in SIDE_PAIRS:
        out.append(make_scenario("CLEAR_PROPAGATES", kind, line, CLEAR_STEPS[side], side=side, side_name=names[side]))
    out.append(make_scenario("QUIET_CYCLE", kind, line, QUIET_STEPS))
    for side, other in SIDE_PAIRS:
        out.append(
            make_scenario(
                "DELETE", kind, line, DELETE_STEPS[side], side=side, side_name=names[side], other_name=names[other]
            )
        )
    return out


def _blocked_directions(ctx: SectionContext) -> set[str]:
    """The sides ("source", "target") that some spec row of the section can never write, from the field
    catalogues: there an edit on the other side yields to the read-only side (``vocabulary.ONE_WAY_RULE``)."""
    blocked: set[str] = set()
    s = ctx.section
    for prop in s.properties:
        for side, system, spec_type, path in (
            ("source", ctx.source_resolved, s.source_type, prop.source),
            ("target", ctx.target_resolved, s.target_type, prop.target),
        ):
            found = lookup_field(system, spec_type, path) if path else None
            if found is not None and not isinstance(found, str) and found.read_only:
                blocked.add(side)
    return blocked


def _property_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    s, kind, line = ctx.section, rule.kind.value, rule.line
    if s.properties:
        rows = tuple((cell(p.source), cell(p.target), cell(p.datatype), str(p.line)) for p in s.properties)
        outline = make_scenario("PROPERTY", kind, line, PROPERTY_STEPS, source=s.source, target=s.target)
        first = outline._replace(examples=(PROPERTY_HEADER, *rows))
    else:
        first = make_scenario("NO_PROPERTIES", kind, line, NO_PROPERTIES_STEPS, source=s.source, target=s.target)
    return [first, make_scenario("ROUND_TRIP", kind, line, ROUND_TRIP_STEPS[s.is_bidirectional])]


def _resilience_scenarios(ctx: SectionContext) -> list[Scenario]:
    creates = any(rule.kind in CREATING_KINDS for rule in ctx.section.rules)
    line = ctx.section.line
    return [make_scenario(name, "resilience", line, steps) for name, steps in RESILIENCE_STEPS[creates].items()]


_PER_RULE = {
    RuleKind.CREATE: _create_scenarios,
    RuleKind.LINK_REQUIRED: _link_required_scenarios,
    RuleKind.CONDITIONAL: _conditional_scenarios,
    RuleKind.CREATE_IF_NO_MATCH: _create_if_no_match_scenarios,
    RuleKind.CREATE_FROM_CONNECTED: _create_from_connected_scenarios,
    RuleKind.BIDIRECTIONAL: _bidirectional_scenarios,
}
#: Kinds whose scenarios come from a table the whole section shares: written once, at the first such rule.
_PER_SECTION = {RuleKind.MERGE: _merge_scenarios, RuleKind.PROPERTIES: _property_scenarios}
assert set(_PER_SECTION) == SHARED_TABLE_KINDS


def section_scenarios(ctx: SectionContext) -> list[Scenario]:
    """The checklist items of one section, in order; ``FeatureError`` when two would share a name."""
    out: list[Scenario] = []
    rerun_written = False
    done: set[RuleKind] = set()
    for rule in ctx.section.rules:
        if rule.kind in _PER_SECTION:
            if rule.kind not in done:
                out.extend(_PER_SECTION[rule.kind](ctx, rule))
                done.add(rule.kind)
        elif rule.kind in _PER_RULE:
            out.extend(_PER_RULE[rule.kind](ctx, rule))
        if rule.kind in CREATING_KINDS and not rerun_written:
            out.append(_rerun_scenario(ctx, rule))
            rerun_written = True
    s = ctx.section
    if has_lines(ctx.source_resolved, s.source_type) or has_lines(ctx.target_resolved, s.target_type):
        out.append(make_scenario("LINES", "lines", s.line, LINES_STEPS, source=s.source, target=s.target))
    out.extend(_resilience_scenarios(ctx))
    if has_lines(ctx.source_resolved, s.source_type) or has_lines(ctx.target_resolved, s.target_type):
        out.append(deferred_scenario(ctx))
    out.extend(family_scenarios(ctx))
    # pytest-bdd keys scenarios by name: a repeated name would silently hide a checklist item.
    seen: dict[str, Scenario] = {}
    for scenario in out:
        if scenario.name in seen:
            raise FeatureError(
                f"{ctx.spec}:{s.line}: section {s.title!r} would hold two scenarios named "
                f"{scenario.name!r} (vocabulary SCENARIO.{seen[scenario.name].template} and "
                f"SCENARIO.{scenario.template}); scenario names must be unique within a feature, so the "
                "vocabulary's scenario names need a placeholder that tells these apart"
            )
        seen[scenario.name] = scenario
    return out
