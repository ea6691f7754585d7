"""The checklist items of each flow section as data: scenarios whose steps are ``harness.dataflow.vocabulary``
sentences filled with the spec's values, for the Gherkin writer to render."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from harness.dataflow import vocabulary as voc
from harness.dataflow.model import DataflowDocument, FlowSection, Rule, RuleKind
from harness.errors import FeatureError
from harness.systems import KNOWN_SYSTEMS, resolve_system
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

#: Rules whose records the flow creates; the re-run scenario follows the first of them.
CREATING_KINDS = frozenset(
    {RuleKind.CREATE, RuleKind.CONDITIONAL, RuleKind.CREATE_IF_NO_MATCH, RuleKind.CREATE_FROM_CONNECTED}
)

#: The Examples columns of our Scenario Outlines. pytest-bdd substitutes ``<name>`` for these in every
#: step and name of an outline (the Background included), so spec text must never spell them.
OUTLINE_PARAMS = frozenset(
    {"source", "target", "datatype", "line", "first", "later", "edge", "fault", "write", "shape"}
)
_PARAM_RE = re.compile(r"<(.+?)>")  # the pattern pytest-bdd renders outlines with
_LINE_BREAKS = str.maketrans(dict.fromkeys("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))
_NO_MATCH_RE = re.compile(r"a new (.+?) will be created", re.IGNORECASE)
_FROM_CONNECTED_RE = re.compile(r"^A new (.+?) will be created from", re.IGNORECASE)
_CONNECTED_TO_RE = re.compile(r"connected to (?:an? )?(.+?)(?: that is synchronized.*)?\.?$", re.IGNORECASE)


# -- values -------------------------------------------------------------------------------------
def one_line(text: str) -> str:
    """Every character that could end a line (in Python or in Gherkin) becomes a space."""
    return text.translate(_LINE_BREAKS)


def _inert(text: str) -> str:
    """Spell an outline parameter like ``<source>`` with angle quotes, so pytest-bdd leaves it as it is."""
    if "<" not in text:
        return text
    return _PARAM_RE.sub(lambda m: f"‹{m.group(1)}›" if m.group(1) in OUTLINE_PARAMS else m.group(0), text)


# The same few names recur in every scenario of a section: cache their spelling (parse + features of
# the whole corpus must stay well under two seconds).
@functools.lru_cache(maxsize=4096)
def step_value(value: str) -> str:
    """A spec value as it stands inside a step."""
    return _inert(one_line(voc.quote(value)))


@functools.lru_cache(maxsize=4096)
def _name_value(value: str) -> str:
    """A spec value as it stands inside a scenario name or the feature title."""
    return _inert(one_line(value))


def _cell(value: str) -> str:
    """A spec value as an Examples cell: quoted like a step value, with Gherkin's escapes."""
    text = one_line(voc.quote(value)).strip()
    return text.replace("\\", "\\\\").replace("|", "\\|")


# -- the checklist as data ------------------------------------------------------------------------
# Named tuples rather than dataclasses: a corpus run builds some 70,000 scenarios, and step blocks are
# cached by value (see ``_step_lines`` in ``harness.dataflow.gherkin``).
class Step(NamedTuple):
    """One step of a scenario: its keyword and its sentence."""

    keyword: str  #: Given, When or Then (rendered as And after the same keyword)
    text: str


class Scenario(NamedTuple):
    """One checklist item: a named, tagged scenario (an outline when it has examples)."""

    template: str  #: the SCENARIO constant it is named by, for error messages
    name: str
    tags: tuple[str, ...]
    steps: tuple[Step, ...]
    examples: tuple[tuple[str, ...], ...] = ()  #: header row first; rows are already escaped cells


def _given(text: str) -> Step:
    return Step("Given", text)


def _when(text: str) -> Step:
    return Step("When", text)


def _then(text: str) -> Step:
    return Step("Then", text)


@dataclass(frozen=True)
class SectionContext:
    """What the scenarios of one section need to know about the rest of the document."""

    document: DataflowDocument
    spec: str  #: the spec's file name, on one line (never its folder: output must not depend on it)
    section: FlowSection
    source_resolved: str
    target_resolved: str
    other_flows_from_source: bool


def _blank_side_types(document: DataflowDocument, side: str) -> list[str]:
    """The data types used with a blank system name on ``side`` anywhere in the document."""
    if side == "source":
        return [s.source_type for s in document.sections if not s.source_system.strip()]
    return [s.target_type for s in document.sections if not s.target_system.strip()]


def _has_lines(system: str, type_name: str) -> bool:
    return any(s.name == system and type_name in s.types_with_lines for s in KNOWN_SYSTEMS)


def section_contexts(document: DataflowDocument) -> list[SectionContext]:
    """One context per distinct section of ``document``, in section order."""
    distinct = document.distinct_sections()
    source_types = _blank_side_types(document, "source")
    target_types = _blank_side_types(document, "target")
    spec = one_line(Path(document.path).name)
    return [
        SectionContext(
            document=document,
            spec=spec,
            section=section,
            source_resolved=resolve_system(section.source_system, source_types),
            target_resolved=resolve_system(section.target_system, target_types),
            other_flows_from_source=any(
                other is not section
                and other.source_system == section.source_system
                and other.source_type == section.source_type
                for other in distinct
            ),
        )
        for section in distinct
    ]


# -- scenarios per rule ---------------------------------------------------------------------------
# Steps without spec values are the same in every feature: built once.
_NEW = _given(voc.GIVEN.NEW_SOURCE_RECORD)
_UNMATCHED = _given(voc.GIVEN.NEW_SOURCE_RECORD_UNMATCHED)
_PAIR = _given(voc.GIVEN.LINKED_PAIR)
_SYNC = _when(voc.WHEN.SYNC)
_QUIET = _when(voc.WHEN.SYNC_UNTIL_QUIET)
_EDIT = {side: _when(voc.WHEN.EDIT_ALL.format(side=side)) for side in ("source", "target")}
_EXISTS = _then(voc.THEN.LINKED_TARGET_EXISTS)
_NO_TARGET = _then(voc.THEN.NO_TARGET_CREATED)
_ONE_TARGET = _then(voc.THEN.EXACTLY_ONE_TARGET)
_EQUAL = {
    side: _then(voc.THEN.VALUES_EQUAL.format(side=side, other=other))
    for side, other in (("source", "target"), ("target", "source"))
}
_SIDE_PAIRS = (("source", "target"), ("target", "source"))

_CREATE_STEPS = (_NEW, _SYNC, _EXISTS, _EQUAL["target"])
_RERUN_STEPS = (_NEW, _SYNC, _when(voc.WHEN.ENGINE_RESTARTS), _ONE_TARGET)
_LINK_REQUIRED_STEPS = (_UNMATCHED, _SYNC, _NO_TARGET)
_NO_MATCH_STEPS = (_UNMATCHED, _SYNC, _EXISTS)
_EDIT_SOURCE_STEPS = (_PAIR, _EDIT["source"], _SYNC, _EQUAL["target"])
_EDIT_TARGET_STEPS = (_PAIR, _EDIT["target"], _SYNC, _EQUAL["source"])
_LATEST_STEPS = (
    _PAIR,
    _when(voc.WHEN.EDIT_BOTH.format(first="<first>", later="<later>")),
    _SYNC,
    _then(voc.THEN.LATER_EDIT_WINS.format(later="<later>")),
)
_LATEST_EXAMPLES = (("first", "later"), *_SIDE_PAIRS)
_EMPTY_STEPS = (_PAIR, _when(voc.WHEN.FILL_TARGET_EDIT_SOURCE), _SYNC, _then(voc.THEN.VALUE_KEPT))
_CLEAR_STEPS = {
    side: (_PAIR, _when(voc.WHEN.CLEAR.format(side=side)), _SYNC, _then(voc.THEN.CLEAR_PROPAGATED.format(other=other)))
    for side, other in _SIDE_PAIRS
}
_QUIET_STEPS = (_PAIR, _given(voc.GIVEN.QUIET_AFTER_SYNC), _SYNC, _then(voc.THEN.NOTHING_WRITTEN))
_DELETE_STEPS = {
    side: (
        _PAIR,
        _when(voc.WHEN.DELETE.format(side=side)),
        _SYNC,
        _then(voc.THEN.DELETE_PROPAGATED.format(other=other)),
    )
    for side, other in _SIDE_PAIRS
}
_PROPERTY_STEPS = (
    _PAIR,
    _when(voc.WHEN.EDIT_ONE.format(side="source", prop="<source>")),
    _SYNC,
    _then(voc.THEN.PROPERTY_EQUAL.format(prop="<target>", datatype="<datatype>")),
)
_PROPERTY_HEADER = ("source", "target", "datatype", "line")
_NO_PROPERTIES_STEPS = (_given(voc.GIVEN.NO_PROPERTIES), _then(voc.THEN.PROPERTIES_FROM_MAPPING))
_ROUND_TRIP_STEPS = {
    False: (_then(voc.THEN.ROUND_TRIP_SOURCE),),
    True: (_then(voc.THEN.ROUND_TRIP_SOURCE), _then(voc.THEN.ROUND_TRIP_TARGET)),
}
_LINES_STEPS = (_given(voc.GIVEN.NEW_SOURCE_RECORD_WITH_LINES), _SYNC, _then(voc.THEN.LINES_POINT_AT_COUNTERPARTS))


def _resilience_steps(creates: bool) -> dict[str, tuple[Step, ...]]:
    """The four resilience checklist items: from a new record when the flow creates, else from a linked pair."""
    start = _NEW if creates else _PAIR
    edit = () if creates else (_EDIT["source"],)
    outcome = (_EXISTS, _ONE_TARGET) if creates else (_EQUAL["target"],)
    faults = voc.GIVEN.FAULTS
    return {
        "RATE_LIMITS": (
            start,
            _given(faults.format(side="source", n=2, status=429)),
            _given(faults.format(side="target", n=2, status=429)),
            *edit,
            _QUIET,
            *outcome,
        ),
        "SERVER_ERRORS": (
            start,
            _given(faults.format(side="source", n=1, status=500)),
            _given(faults.format(side="target", n=1, status=503)),
            _given(voc.GIVEN.TIMEOUTS.format(side="target", n=1)),
            *edit,
            _QUIET,
            *outcome,
        ),
        "TOKEN_EXPIRY": (_PAIR, _given(voc.GIVEN.TOKENS_EXPIRED), _EDIT["source"], _SYNC, _EQUAL["target"]),
        "RESTART": (start, *edit, _when(voc.WHEN.CRASH_AND_RESTART), _QUIET, _ONE_TARGET, _EQUAL["target"]),
    }


_RESILIENCE_STEPS = {creates: _resilience_steps(creates) for creates in (False, True)}


_ARTICLE = re.compile(r"\b([Aa]) (?=(\w+))")
#: Words that start with a vowel letter and a consonant sound ("a unit", "a one-way flow").
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "one", "eu")


def _articles(name: str) -> str:
    """``a`` as ``an`` before a vowel sound: "an Exact Online Items record", "an Order record"."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(2).lower()
        if word[:1] in "aeiou" and not word.startswith(_CONSONANT_SOUND):
            return f"{match.group(1)}n "
        return match.group(0)

    return _ARTICLE.sub(fix, name)


def _scenario(template: str, kind: str, line: int, steps: tuple[Step, ...], **names: str) -> Scenario:
    values = {key: _name_value(value) for key, value in names.items()}
    name = _articles(getattr(voc.SCENARIO, template).format(line=line, **values))
    return Scenario(template, name, (kind, f"line_{line}"), steps)


def _create_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    s = ctx.section
    return [_scenario("CREATE", rule.kind.value, rule.line, _CREATE_STEPS, source=s.source, target=s.target)]


def _rerun_scenario(ctx: SectionContext, rule: Rule) -> Scenario:
    return _scenario("RERUN", rule.kind.value, rule.line, _RERUN_STEPS, target=ctx.section.target)


def _link_required_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    return [_scenario("LINK_REQUIRED", rule.kind.value, rule.line, _LINK_REQUIRED_STEPS, source=ctx.section.source)]


def _conditional_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    condition = step_value(rule.condition if rule.condition is not None else rule.text)
    holds = (_given(voc.GIVEN.NEW_SOURCE_RECORD_CONDITION_HOLDS.format(text=condition)), _SYNC, _EXISTS)
    fails = (_given(voc.GIVEN.NEW_SOURCE_RECORD_CONDITION_FAILS.format(text=condition)), _SYNC, _NO_TARGET)
    source = ctx.section.source
    return [
        _scenario("CONDITION_HOLDS", rule.kind.value, rule.line, holds, source=source),
        _scenario("CONDITION_FAILS", rule.kind.value, rule.line, fails, source=source),
    ]


def _merge_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for criterion in ctx.section.merge_criteria:
        steps = (
            _given(voc.GIVEN.TARGET_RECORD_WITH_VALUE.format(prop=step_value(criterion.target))),
            _given(voc.GIVEN.NEW_SOURCE_RECORD_MATCHING.format(prop=step_value(criterion.source))),
            _SYNC,
            _then(voc.THEN.LINKED_TO_MATCH),
            _ONE_TARGET,
        )
        names = {"source": ctx.section.source, "source_prop": criterion.source, "target_prop": criterion.target}
        out.append(_scenario("MERGE", rule.kind.value, criterion.line, steps, **names))
    return out


def _create_if_no_match_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    found = _NO_MATCH_RE.search(rule.text)
    created = found.group(1) if found else ctx.section.target
    return [_scenario("CREATE_IF_NO_MATCH", rule.kind.value, rule.line, _NO_MATCH_STEPS, created=created)]


def _create_from_connected_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    found = _FROM_CONNECTED_RE.search(rule.text)
    created = found.group(1) if found else ctx.section.target
    connected = ", ".join(rule.connected_to)
    if not connected:
        part = _CONNECTED_TO_RE.search(rule.text)
        connected = part.group(1) if part else rule.text
    steps = (_given(voc.GIVEN.NEW_SOURCE_RECORD_CONNECTED.format(text=step_value(connected))), _SYNC, _EXISTS)
    names = {"created": created, "source": ctx.section.source}
    return [_scenario("CREATE_FROM_CONNECTED", rule.kind.value, rule.line, steps, **names)]


def _bidirectional_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    kind, line = rule.kind.value, rule.line
    names = {"source": ctx.section.source, "target": ctx.section.target}
    edit_target: tuple[Step, ...] = _EDIT_TARGET_STEPS
    if ctx.other_flows_from_source:
        edit_target = (*edit_target, _then(voc.THEN.OTHER_FLOWS_CARRY))
    blocked = _blocked_directions(ctx)
    out = [
        _scenario(
            "EDIT_SOURCE_ONE_WAY" if "target" in blocked else "EDIT_SOURCE", kind, line, _EDIT_SOURCE_STEPS, **names
        ),
        _scenario("EDIT_TARGET_ONE_WAY" if "source" in blocked else "EDIT_TARGET", kind, line, edit_target, **names),
        _scenario("LATEST_WINS", kind, line, _LATEST_STEPS)._replace(examples=_LATEST_EXAMPLES),
        _scenario("EMPTY_NEVER_OVERWRITES", kind, line, _EMPTY_STEPS),
    ]
    for side, _ in _SIDE_PAIRS:
        out.append(_scenario("CLEAR_PROPAGATES", kind, line, _CLEAR_STEPS[side], side=side, side_name=names[side]))
    out.append(_scenario("QUIET_CYCLE", kind, line, _QUIET_STEPS))
    for side, other in _SIDE_PAIRS:
        out.append(
            _scenario(
                "DELETE", kind, line, _DELETE_STEPS[side], side=side, side_name=names[side], other_name=names[other]
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
        rows = tuple((_cell(p.source), _cell(p.target), _cell(p.datatype), str(p.line)) for p in s.properties)
        outline = _scenario("PROPERTY", kind, line, _PROPERTY_STEPS, source=s.source, target=s.target)
        first = outline._replace(examples=(_PROPERTY_HEADER, *rows))
    else:
        first = _scenario("NO_PROPERTIES", kind, line, _NO_PROPERTIES_STEPS, source=s.source, target=s.target)
    return [first, _scenario("ROUND_TRIP", kind, line, _ROUND_TRIP_STEPS[s.is_bidirectional])]


def _resilience_scenarios(ctx: SectionContext) -> list[Scenario]:
    creates = any(rule.kind in CREATING_KINDS for rule in ctx.section.rules)
    line = ctx.section.line
    return [_scenario(name, "resilience", line, steps) for name, steps in _RESILIENCE_STEPS[creates].items()]


# -- the families of issue 12: values at the edges, merges that differ, faults on every write, ... -----
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
    steps = (_given(voc.GIVEN.NEW_SOURCE_RECORD_EDGE.format(edge="<edge>")), _SYNC, _EXISTS, _EQUAL["target"])
    outline = _scenario("EDGE_CREATE", "edge_values", rule.line, steps, source=ctx.section.source)
    return [outline._replace(examples=examples)]


def _foreign_currency_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    """Where the section carries a currency, a record in another currency than the shop's (which holds one)."""
    if not any(p.target.strip().endswith(".currency") for p in ctx.section.properties):
        return []
    steps = (_given(voc.GIVEN.NEW_SOURCE_RECORD_FOREIGN_CURRENCY), _SYNC, _then(voc.THEN.NOT_IN_SHOP_CURRENCY))
    names = {"source": ctx.section.source, "target": ctx.section.target}
    return [_scenario("FOREIGN_CURRENCY", "edge_values", rule.line, steps, **names)]


def _edge_edit_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    examples = _edge_examples(ctx)
    if len(examples) == 1:
        return []
    names = {"source": ctx.section.source, "target": ctx.section.target}
    out = []
    for side, other in _SIDE_PAIRS:
        steps = (_PAIR, _when(voc.WHEN.EDIT_EDGE.format(side=side, edge="<edge>")), _SYNC, _EQUAL[other])
        outline = _scenario("EDGE_EDIT", "edge_values", rule.line, steps, side=side, side_name=names[side])
        out.append(outline._replace(examples=examples))
    return out


#: the write faults: a refusal the client's retries do not outlast, and a write acted on whose answer is lost
WRITE_FAULTS = ("a server error", "a lost answer")
#: how many calls in a row a write fault hits: more than a client's usual retries, so a write fails outright
WRITE_FAULT_CALLS = 6
_FAULT_EXAMPLES = (("fault",), *((fault,) for fault in WRITE_FAULTS))


def _write_fault(side: str, what: str) -> Step:
    return _given(voc.GIVEN.WRITE_FAULT.format(side=side, n=WRITE_FAULT_CALLS, what=what, fault="<fault>"))


def _update_fault_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for side, other in _SIDE_PAIRS:
        steps: tuple[Step, ...] = (
            _PAIR,
            _write_fault(other, "update"),
            _EDIT[side],
            _QUIET,
            _EQUAL[other],
            _ONE_TARGET,
        )
        outline = _scenario("WRITE_FAULT", "write_faults", rule.line, steps, side=side, other=other)
        out.append(outline._replace(examples=_FAULT_EXAMPLES))
    for side, other in _SIDE_PAIRS:
        steps = (
            _PAIR,
            _write_fault(other, "delete"),
            _when(voc.WHEN.DELETE.format(side=side)),
            _QUIET,
            _then(voc.THEN.DELETE_PROPAGATED.format(other=other)),
        )
        outline = _scenario("DELETE_FAULT", "write_faults", rule.line, steps, side=side, other=other)
        out.append(outline._replace(examples=_FAULT_EXAMPLES))
    return out


def _create_fault_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    steps = (_NEW, _write_fault("target", "create"), _QUIET, _EXISTS, _ONE_TARGET, _EQUAL["target"])
    names = {"source": ctx.section.source, "target": ctx.section.target}
    return [_scenario("CREATE_FAULT", "write_faults", rule.line, steps, **names)._replace(examples=_FAULT_EXAMPLES)]


#: what the source record of a merge holds, against a target record that holds other values throughout
MERGE_SHAPES = ("other values", "empty values", "zero and false")


def _merge_differing_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for criterion in ctx.section.merge_criteria:
        steps = (
            _given(voc.GIVEN.TARGET_RECORD_WITH_VALUE.format(prop=step_value(criterion.target))),
            _given(voc.GIVEN.NEW_SOURCE_RECORD_MERGING.format(prop=step_value(criterion.source), shape="<shape>")),
            _SYNC,
            _then(voc.THEN.LINKED_TO_MATCH),
            _then(voc.THEN.MERGED_VALUES),
        )
        names = {"source_prop": criterion.source, "target_prop": criterion.target}
        outline = _scenario("MERGE_DIFFERING", "merges", criterion.line, steps, **names)
        out.append(outline._replace(examples=(("shape",), *((shape,) for shape in MERGE_SHAPES))))
        two = (
            _given(voc.GIVEN.TWO_TARGET_RECORDS_WITH_VALUE.format(prop=step_value(criterion.target))),
            _given(voc.GIVEN.NEW_SOURCE_RECORD_MATCHING_BOTH.format(prop=step_value(criterion.source))),
            _QUIET,
            _then(voc.THEN.ONE_CANDIDATE_MERGED),
        )
        names = {**names, "source": ctx.section.source, "target": ctx.section.target}
        out.append(_scenario("MERGE_TWO_CANDIDATES", "merges", criterion.line, two, **names))
    return out


#: the kinds of value a conflict is drawn in, by the spec's data types that hold them (a boolean has two
#: values: two edits of it that differ from the value before and from each other cannot be drawn)
_CONFLICT_KINDS = {"text": {"string", "text", "html"}, "number": {"float", "number"}}


def _conflict_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    two = (
        _PAIR,
        _when(voc.WHEN.EDIT_TWO_PROPERTIES.format(first="<first>", later="<later>")),
        _SYNC,
        _then(voc.THEN.BOTH_EDITS_KEPT),
    )
    out = [_scenario("CONFLICT_TWO_PROPERTIES", "conflicts", rule.line, two)._replace(examples=_LATEST_EXAMPLES)]
    tie = (_PAIR, _when(voc.WHEN.EDIT_BOTH_AT_ONCE), _SYNC, _then(voc.THEN.PRIORITY_EDIT_WINS))
    out.append(_scenario("CONFLICT_SAME_INSTANT", "conflicts", rule.line, tie))
    types = {p.datatype.strip().strip('"').casefold() for p in ctx.section.properties}
    kinds = [kind for kind, held_by in _CONFLICT_KINDS.items() if types & held_by]
    if kinds:
        steps = (
            _PAIR,
            _when(voc.WHEN.EDIT_BOTH_KIND.format(datatype="<datatype>", first="<first>", later="<later>")),
            _SYNC,
            _then(voc.THEN.LATER_EDIT_WINS.format(later="<later>")),
        )
        rows = tuple((kind, first, later) for kind in kinds for first, later in _SIDE_PAIRS)
        outline = _scenario("CONFLICT_KIND", "conflicts", rule.line, steps)
        out.append(outline._replace(examples=(("datatype", "first", "later"), *rows)))
    return out


def _unmapped_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    out = []
    for side, other in _SIDE_PAIRS:
        steps = (
            _PAIR,
            _given(voc.GIVEN.UNMAPPED_VALUES),
            _EDIT[side],
            _SYNC,
            _EQUAL[other],
            _then(voc.THEN.UNMAPPED_UNCHANGED),
        )
        out.append(_scenario("UNMAPPED", "unmapped", rule.line, steps, side=side))
    return out


def _deferred_scenario(ctx: SectionContext) -> Scenario:
    """Work the engine must defer: the records a new record's lines refer to are refused once by the target,
    so in the first cycle they have no counterpart when the record itself comes up."""
    steps = (
        _given(voc.GIVEN.ORDER_BEFORE_ITEMS),
        _given(voc.GIVEN.WRITE_FAULT.format(side="target", n=2, what="referenced create", fault="a refusal")),
        _QUIET,
        _then(voc.THEN.LINES_POINT_AT_COUNTERPARTS),
        _ONE_TARGET,
    )
    s = ctx.section
    return _scenario("DEFERRED", "deferred", s.line, steps, source=s.source)


#: records in a cycle that crashes, and the writes it crashes after (a create may take more than one)
CRASH_RECORDS = 3
CRASH_WRITES = (1, 2, 3, 5)
#: records of the volume item: more than a Squarespace page (50) and an inventory adjustment batch (50)
VOLUME_RECORDS = 60


def _crash_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    steps = (
        _given(voc.GIVEN.MANY_SOURCE_RECORDS.format(n=CRASH_RECORDS)),
        _when(voc.WHEN.CRASH_AT_WRITE.format(write="<write>")),
        _QUIET,
        _then(voc.THEN.EVERY_SOURCE_LINKED),
    )
    examples = (("write",), *((str(n),) for n in CRASH_WRITES))
    return [_scenario("CRASH_AT_WRITE", "crashes", rule.line, steps)._replace(examples=examples)]


def _volume_scenarios(ctx: SectionContext, rule: Rule) -> list[Scenario]:
    steps = (
        _given(voc.GIVEN.MANY_SOURCE_RECORDS.format(n=VOLUME_RECORDS)),
        _QUIET,
        _then(voc.THEN.EVERY_SOURCE_LINKED),
    )
    names = {"source": ctx.section.source, "target": ctx.section.target}
    return [_scenario("VOLUME", "volume", rule.line, steps, **names)]


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


def _family_scenarios(ctx: SectionContext) -> list[Scenario]:
    """The items of issue 12's families, after the section's own: per rule, in rule order."""
    out: list[Scenario] = []
    done: set[RuleKind] = set()
    for rule in ctx.section.rules:
        if rule.kind in _PER_SECTION and rule.kind in done:
            continue  # a table the section shares: its items are written once
        done.add(rule.kind)
        for family in _FAMILIES.get(rule.kind, ()):
            out.extend(family(ctx, rule))
    return out


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
    if _has_lines(ctx.source_resolved, s.source_type) or _has_lines(ctx.target_resolved, s.target_type):
        out.append(_scenario("LINES", "lines", s.line, _LINES_STEPS, source=s.source, target=s.target))
    out.extend(_resilience_scenarios(ctx))
    if _has_lines(ctx.source_resolved, s.source_type) or _has_lines(ctx.target_resolved, s.target_type):
        out.append(_deferred_scenario(ctx))
    out.extend(_family_scenarios(ctx))
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
