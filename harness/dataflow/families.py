"""The items of issue 12's families, per section where the spec's rules apply: values at the edges, merges of
records that differ (or that two records match), faults on every kind of write, conflicts of every shape,
unmapped fields, crashes, volume and deferred work."""

from __future__ import annotations

from harness.dataflow import vocabulary as voc
from harness.dataflow.model import Rule, RuleKind
from harness.dataflow.scenario_kit import (
    EDIT,
    EQUAL,
    EXISTS,
    LATEST_EXAMPLES,
    NEW,
    ONE_TARGET,
    PAIR,
    QUIET,
    SHARED_TABLE_KINDS,
    SIDE_PAIRS,
    SYNC,
    Scenario,
    SectionContext,
    Step,
    given_step,
    make_scenario,
    step_value,
    then_step,
    when_step,
)

#: the edge values (``harness.checklist.edges`` draws them), as the steps name them
EDGES = (
    "zero",
    "false",
    "a fractional number",
    "white space around the text",
    "another Unicode normal form",
    "multi-byte text at the length limit",
)


#: the data types (the spec's property tables) a property must have for an edge to apply to it
_EDGE_TYPES = {
    "zero": {"integer", "float", "number"},
    "false": {"boolean"},
    "a fractional number": {"float", "number"},
}


def _edges(ctx: SectionContext) -> list[str]:
    """The edges some property of the section can hold, by its data types (a text edge needs a string)."""
    types = {p.datatype.strip().strip('"').casefold() for p in ctx.section.properties}
    return [e for e in EDGES if types & _EDGE_TYPES.get(e, {"string", "text", "html"})]


def _edge_examples(ctx: SectionContext) -> tuple[tuple[str, ...], ...]:
    return (("edge",), *((edge,) for edge in _edges(ctx)))


def _edge_create_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    examples = _edge_examples(ctx)
    if len(examples) == 1:
        return []
    steps = (given_step(voc.GIVEN.NEW_SOURCE_RECORD_EDGE.format(edge="<edge>")), SYNC, EXISTS, EQUAL["target"])
    outline = make_scenario("EDGE_CREATE", "edge_values", rule.line, steps, source=ctx.section.source)
    return [outline._replace(examples=examples)]


def _foreign_currency_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    """Where the section carries a currency, a record in another currency than the shop's (which holds one)."""
    if not any(p.target.strip().endswith(".currency") for p in ctx.section.properties):
        return []
    steps = (given_step(voc.GIVEN.NEW_SOURCE_RECORD_FOREIGN_CURRENCY), SYNC, then_step(voc.THEN.NOT_IN_SHOP_CURRENCY))
    names = {"source": ctx.section.source, "target": ctx.section.target}
    return [make_scenario("FOREIGN_CURRENCY", "edge_values", rule.line, steps, **names)]


def _edge_edit_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    examples = _edge_examples(ctx)
    if len(examples) == 1:
        return []
    names = {"source": ctx.section.source, "target": ctx.section.target}
    out = []
    for side, other in SIDE_PAIRS:
        steps = (PAIR, when_step(voc.WHEN.EDIT_EDGE.format(side=side, edge="<edge>")), SYNC, EQUAL[other])
        outline = make_scenario("EDGE_EDIT", "edge_values", rule.line, steps, side=side, side_name=names[side])
        out.append(outline._replace(examples=examples))
    return out


#: the write faults: a refusal the client's retries do not outlast, and a write acted on whose answer is lost
WRITE_FAULTS = ("a server error", "a lost answer")
#: how many calls in a row a write fault hits: more than a client's usual retries, so a write fails outright
WRITE_FAULT_CALLS = 6
_FAULT_EXAMPLES = (("fault",), *((fault,) for fault in WRITE_FAULTS))


def _write_fault(side: str, what: str) -> Step:
    return given_step(voc.GIVEN.WRITE_FAULT.format(side=side, n=WRITE_FAULT_CALLS, what=what, fault="<fault>"))


def _update_fault_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for side, other in SIDE_PAIRS:
        steps: tuple[Step, ...] = (
            PAIR,
            _write_fault(other, "update"),
            EDIT[side],
            QUIET,
            EQUAL[other],
            ONE_TARGET,
        )
        outline = make_scenario("WRITE_FAULT", "write_faults", rule.line, steps, side=side, other=other)
        out.append(outline._replace(examples=_FAULT_EXAMPLES))
    for side, other in SIDE_PAIRS:
        steps = (
            PAIR,
            _write_fault(other, "delete"),
            when_step(voc.WHEN.DELETE.format(side=side)),
            QUIET,
            then_step(voc.THEN.DELETE_PROPAGATED.format(other=other)),
        )
        outline = make_scenario("DELETE_FAULT", "write_faults", rule.line, steps, side=side, other=other)
        out.append(outline._replace(examples=_FAULT_EXAMPLES))
    return out


def _create_fault_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    steps = (NEW, _write_fault("target", "create"), QUIET, EXISTS, ONE_TARGET, EQUAL["target"])
    names = {"source": ctx.section.source, "target": ctx.section.target}
    return [make_scenario("CREATE_FAULT", "write_faults", rule.line, steps, **names)._replace(examples=_FAULT_EXAMPLES)]


#: what the source record of a merge holds, against a target record that holds other values throughout
MERGE_SHAPES = ("other values", "empty values", "zero and false", "values against a later, emptied target")


def _merge_differing_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for criterion in ctx.section.merge_criteria:
        steps = (
            given_step(voc.GIVEN.TARGET_RECORD_WITH_VALUE.format(prop=step_value(criterion.target))),
            given_step(voc.GIVEN.NEW_SOURCE_RECORD_MERGING.format(prop=step_value(criterion.source), shape="<shape>")),
            SYNC,
            then_step(voc.THEN.LINKED_TO_MATCH),
            then_step(voc.THEN.MERGED_VALUES),
        )
        names = {"source_prop": criterion.source, "target_prop": criterion.target}
        outline = make_scenario("MERGE_DIFFERING", "merges", criterion.line, steps, **names)
        out.append(outline._replace(examples=(("shape",), *((shape,) for shape in MERGE_SHAPES))))
        two = (
            given_step(voc.GIVEN.TWO_TARGET_RECORDS_WITH_VALUE.format(prop=step_value(criterion.target))),
            given_step(voc.GIVEN.NEW_SOURCE_RECORD_MATCHING_BOTH.format(prop=step_value(criterion.source))),
            QUIET,
            then_step(voc.THEN.ONE_CANDIDATE_MERGED),
        )
        names = {**names, "source": ctx.section.source, "target": ctx.section.target}
        out.append(make_scenario("MERGE_TWO_CANDIDATES", "merges", criterion.line, two, **names))
    return out


#: the kinds of value a conflict is drawn in, by the spec's data types that hold them (a boolean has two
#: values: two edits of it that differ from the value before and from each other cannot be drawn)
_CONFLICT_KINDS = {"text": {"string", "text", "html"}, "number": {"float", "number"}}


def _conflict_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    two = (
        PAIR,
        when_step(voc.WHEN.EDIT_TWO_PROPERTIES.format(first="<first>", later="<later>")),
        SYNC,
        then_step(voc.THEN.BOTH_EDITS_KEPT),
    )
    out = [make_scenario("CONFLICT_TWO_PROPERTIES", "conflicts", rule.line, two)._replace(examples=LATEST_EXAMPLES)]
    tie = (PAIR, when_step(voc.WHEN.EDIT_BOTH_AT_ONCE), SYNC, then_step(voc.THEN.PRIORITY_EDIT_WINS))
    out.append(make_scenario("CONFLICT_SAME_INSTANT", "conflicts", rule.line, tie))
    types = {p.datatype.strip().strip('"').casefold() for p in ctx.section.properties}
    kinds = [kind for kind, held_by in _CONFLICT_KINDS.items() if types & held_by]
    if kinds:
        steps = (
            PAIR,
            when_step(voc.WHEN.EDIT_BOTH_KIND.format(datatype="<datatype>", first="<first>", later="<later>")),
            SYNC,
            then_step(voc.THEN.LATER_EDIT_WINS.format(later="<later>")),
        )
        rows = tuple((kind, first, later) for kind in kinds for first, later in SIDE_PAIRS)
        outline = make_scenario("CONFLICT_KIND", "conflicts", rule.line, steps)
        out.append(outline._replace(examples=(("datatype", "first", "later"), *rows)))
    return out


def _unmapped_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for side, other in SIDE_PAIRS:
        steps = (
            PAIR,
            given_step(voc.GIVEN.UNMAPPED_VALUES),
            EDIT[side],
            SYNC,
            EQUAL[other],
            then_step(voc.THEN.UNMAPPED_UNCHANGED),
        )
        out.append(make_scenario("UNMAPPED", "unmapped", rule.line, steps, side=side))
    return out


def deferred_scenario(ctx: SectionContext) -> Scenario:
    """Work the engine must defer: the records a new record's lines refer to are refused once by the target,
    so in the first cycle they have no counterpart when the record itself comes up."""
    steps = (
        given_step(voc.GIVEN.ORDER_BEFORE_ITEMS),
        given_step(voc.GIVEN.WRITE_FAULT.format(side="target", n=2, what="referenced create", fault="a refusal")),
        QUIET,
        then_step(voc.THEN.LINES_POINT_AT_COUNTERPARTS),
        ONE_TARGET,
    )
    s = ctx.section
    return make_scenario("DEFERRED", "deferred", s.line, steps, source=s.source)


#: records in a cycle that crashes, and the writes it crashes after (a create may take more than one)
CRASH_RECORDS = 3
CRASH_WRITES = (1, 2, 3, 5)
#: records of the volume item: more than a Squarespace page (50) and an inventory adjustment batch (50)
VOLUME_RECORDS = 60


def _crash_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    steps = (
        given_step(voc.GIVEN.MANY_SOURCE_RECORDS.format(n=CRASH_RECORDS)),
        when_step(voc.WHEN.CRASH_AT_WRITE.format(write="<write>")),
        QUIET,
        then_step(voc.THEN.EVERY_SOURCE_LINKED),
    )
    examples = (("write",), *((str(n),) for n in CRASH_WRITES))
    every = (
        given_step(voc.GIVEN.MANY_SOURCE_RECORDS.format(n=CRASH_RECORDS)),
        when_step(voc.WHEN.CRASH_AT_EVERY_WRITE),
        QUIET,
        then_step(voc.THEN.EVERY_SOURCE_LINKED),
    )
    return [
        make_scenario("CRASH_AT_WRITE", "crashes", rule.line, steps)._replace(examples=examples),
        make_scenario("CRASH_AT_EVERY_WRITE", "crashes", rule.line, every),
    ]


def _volume_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    steps = (
        given_step(voc.GIVEN.MANY_SOURCE_RECORDS.format(n=VOLUME_RECORDS)),
        QUIET,
        then_step(voc.THEN.EVERY_SOURCE_LINKED),
    )
    names = {"source": ctx.section.source, "target": ctx.section.target}
    return [make_scenario("VOLUME", "volume", rule.line, steps, **names)]


#: the tags (kinds) of the families' items
FAMILY_KINDS = frozenset(
    {"edge_values", "merges", "write_faults", "crashes", "volume", "unmapped", "conflicts", "deferred"}
)

#: per rule kind, the families of issue 12 that follow the rule's own items
_FAMILIES = {
    RuleKind.CREATE: (
        _edge_create_scenarios,
        _foreign_currency_scenarios,
        _create_fault_scenarios,
        _crash_scenarios,
        _volume_scenarios,
    ),
    RuleKind.BIDIRECTIONAL: (_edge_edit_scenarios, _update_fault_scenarios, _conflict_scenarios, _unmapped_scenarios),
    RuleKind.MERGE: (_merge_differing_scenarios,),
}


def family_scenarios(ctx: SectionContext) -> list[Scenario]:
    """The items of issue 12's families, after the section's own: per rule, in rule order."""
    out: list[Scenario] = []
    done: set[RuleKind] = set()
    for rule in ctx.section.rules:
        if rule.kind in SHARED_TABLE_KINDS and rule.kind in done:
            continue  # a table the section shares: its items are written once
        done.add(rule.kind)
        for family in _FAMILIES.get(rule.kind, ()):
            out.extend(family(ctx, rule))
    return out
