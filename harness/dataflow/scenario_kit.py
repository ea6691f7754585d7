"""The parts checklist items are built from: steps, scenarios, a section's context, the common steps and
the naming of a scenario from its vocabulary template (``scenarios`` and ``families`` build items from them)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from harness.dataflow import vocabulary as voc
from harness.dataflow.model import DataflowDocument, FlowSection, RuleKind
from harness.systems import KNOWN_SYSTEMS, resolve_system

#: Rules whose records the flow creates; the re-run scenario follows the first of them.
CREATING_KINDS = frozenset(
    {RuleKind.CREATE, RuleKind.CONDITIONAL, RuleKind.CREATE_IF_NO_MATCH, RuleKind.CREATE_FROM_CONNECTED}
)

#: Kinds whose items come from a table the whole section shares: written once, at the first such rule.
SHARED_TABLE_KINDS = frozenset({RuleKind.MERGE, RuleKind.PROPERTIES})

#: The Examples columns of our Scenario Outlines. pytest-bdd substitutes ``<name>`` for these in every
#: step and name of an outline (the Background included), so spec text must never spell them.
OUTLINE_PARAMS = frozenset(
    {"source", "target", "datatype", "line", "first", "later", "edge", "fault", "write", "shape"}
)
_PARAM_RE = re.compile(r"<(.+?)>")  # the pattern pytest-bdd renders outlines with
_LINE_BREAKS = str.maketrans(dict.fromkeys("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))
NO_MATCH_RE = re.compile(r"a new (.+?) will be created", re.IGNORECASE)
FROM_CONNECTED_RE = re.compile(r"^A new (.+?) will be created from", re.IGNORECASE)
CONNECTED_TO_RE = re.compile(r"connected to (?:an? )?(.+?)(?: that is synchronized.*)?\.?$", re.IGNORECASE)


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


def cell(value: str) -> str:
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


def given_step(text: str) -> Step:
    return Step("Given", text)


def when_step(text: str) -> Step:
    return Step("When", text)


def then_step(text: str) -> Step:
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


def has_lines(system: str, type_name: str) -> bool:
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
NEW = given_step(voc.GIVEN.NEW_SOURCE_RECORD)
_UNMATCHED = given_step(voc.GIVEN.NEW_SOURCE_RECORD_UNMATCHED)
PAIR = given_step(voc.GIVEN.LINKED_PAIR)
SYNC = when_step(voc.WHEN.SYNC)
QUIET = when_step(voc.WHEN.SYNC_UNTIL_QUIET)
EDIT = {side: when_step(voc.WHEN.EDIT_ALL.format(side=side)) for side in ("source", "target")}
EXISTS = then_step(voc.THEN.LINKED_TARGET_EXISTS)
NO_TARGET = then_step(voc.THEN.NO_TARGET_CREATED)
ONE_TARGET = then_step(voc.THEN.EXACTLY_ONE_TARGET)
EQUAL = {
    side: then_step(voc.THEN.VALUES_EQUAL.format(side=side, other=other))
    for side, other in (("source", "target"), ("target", "source"))
}
SIDE_PAIRS = (("source", "target"), ("target", "source"))

CREATE_STEPS = (NEW, SYNC, EXISTS, EQUAL["target"])
RERUN_STEPS = (NEW, SYNC, when_step(voc.WHEN.ENGINE_RESTARTS), ONE_TARGET)
LINK_REQUIRED_STEPS = (_UNMATCHED, SYNC, NO_TARGET)
NO_MATCH_STEPS = (_UNMATCHED, SYNC, EXISTS)
EDIT_SOURCE_STEPS = (PAIR, EDIT["source"], SYNC, EQUAL["target"])
EDIT_TARGET_STEPS = (PAIR, EDIT["target"], SYNC, EQUAL["source"])
LATEST_STEPS = (
    PAIR,
    when_step(voc.WHEN.EDIT_BOTH.format(first="<first>", later="<later>")),
    SYNC,
    then_step(voc.THEN.LATER_EDIT_WINS.format(later="<later>")),
)
LATEST_EXAMPLES = (("first", "later"), *SIDE_PAIRS)
EMPTY_STEPS = (PAIR, when_step(voc.WHEN.FILL_TARGET_EDIT_SOURCE), SYNC, then_step(voc.THEN.VALUE_KEPT))
CLEAR_STEPS = {
    side: (
        PAIR,
        when_step(voc.WHEN.CLEAR.format(side=side)),
        SYNC,
        then_step(voc.THEN.CLEAR_PROPAGATED.format(other=other)),
    )
    for side, other in SIDE_PAIRS
}
QUIET_STEPS = (PAIR, given_step(voc.GIVEN.QUIET_AFTER_SYNC), SYNC, then_step(voc.THEN.NOTHING_WRITTEN))
DELETE_STEPS = {
    side: (
        PAIR,
        when_step(voc.WHEN.DELETE.format(side=side)),
        SYNC,
        then_step(voc.THEN.DELETE_PROPAGATED.format(other=other)),
    )
    for side, other in SIDE_PAIRS
}
PROPERTY_STEPS = (
    PAIR,
    when_step(voc.WHEN.EDIT_ONE.format(side="source", prop="<source>")),
    SYNC,
    then_step(voc.THEN.PROPERTY_EQUAL.format(prop="<target>", datatype="<datatype>")),
)
PROPERTY_HEADER = ("source", "target", "datatype", "line")
NO_PROPERTIES_STEPS = (given_step(voc.GIVEN.NO_PROPERTIES), then_step(voc.THEN.PROPERTIES_FROM_MAPPING))
ROUND_TRIP_STEPS = {
    False: (then_step(voc.THEN.ROUND_TRIP_SOURCE),),
    True: (then_step(voc.THEN.ROUND_TRIP_SOURCE), then_step(voc.THEN.ROUND_TRIP_TARGET)),
}
LINES_STEPS = (
    given_step(voc.GIVEN.NEW_SOURCE_RECORD_WITH_LINES),
    SYNC,
    then_step(voc.THEN.LINES_POINT_AT_COUNTERPARTS),
)


def _resilience_steps(creates: bool) -> dict[str, tuple[Step, ...]]:
    """The four resilience checklist items: from a new record when the flow creates, else from a linked pair."""
    start = NEW if creates else PAIR
    edit = () if creates else (EDIT["source"],)
    outcome = (EXISTS, ONE_TARGET) if creates else (EQUAL["target"],)
    faults = voc.GIVEN.FAULTS
    return {
        "RATE_LIMITS": (
            start,
            given_step(faults.format(side="source", n=2, status=429)),
            given_step(faults.format(side="target", n=2, status=429)),
            *edit,
            QUIET,
            *outcome,
        ),
        "SERVER_ERRORS": (
            start,
            given_step(faults.format(side="source", n=1, status=500)),
            given_step(faults.format(side="target", n=1, status=503)),
            given_step(voc.GIVEN.TIMEOUTS.format(side="target", n=1)),
            *edit,
            QUIET,
            *outcome,
        ),
        "TOKEN_EXPIRY": (PAIR, given_step(voc.GIVEN.TOKENS_EXPIRED), EDIT["source"], SYNC, EQUAL["target"]),
        "RESTART": (start, *edit, when_step(voc.WHEN.CRASH_AND_RESTART), QUIET, ONE_TARGET, EQUAL["target"]),
    }


RESILIENCE_STEPS = {creates: _resilience_steps(creates) for creates in (False, True)}


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


def make_scenario(template: str, kind: str, line: int, steps: tuple[Step, ...], **names: str) -> Scenario:
    values = {key: _name_value(value) for key, value in names.items()}
    name = _articles(getattr(voc.SCENARIO, template).format(line=line, **values))
    return Scenario(template, name, (kind, f"line_{line}"), steps)
