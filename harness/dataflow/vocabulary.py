"""The checklist's wording: every step sentence the feature writer emits and the step library binds.

The writer renders these templates with ``str.format``; ``steps/`` binds the same templates with
``pytest_bdd.parsers.parse``. Because both read this one module, a generated feature never holds an
undefined step. Change a sentence here and both sides follow; the committed features must then be
regenerated (``talkqa features --check`` fails until they are).

Placeholders: ``{system}``/``{type}`` are names as the spec writes them (a blank system is ``""``);
``{prop}`` is a property path; ``{n}`` a count; ``{status}`` an HTTP status; ``{text}`` free text.
Values are quoted with double quotes, which never occur in them (the writer replaces any).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

__all__ = [
    "ASSUMED_MAPPING_NOTE",
    "GIVEN",
    "ONE_WAY_RULE",
    "SCENARIO",
    "THEN",
    "WHEN",
    "quote",
    "step_converters",
    "step_pattern",
    "step_templates",
]


def quote(value: str) -> str:
    """A value as it stands between double quotes in a step (a stray ``"`` becomes ``'``)."""
    return value.replace('"', "'").replace("\r", " ").replace("\n", " ")


class GIVEN:
    """``Given`` sentences."""

    FLOW = 'the flow from "{source_system}" "{source_type}" to "{target_system}" "{target_type}" at spec line {line:d}'
    NEW_SOURCE_RECORD = "a new source record"
    NEW_SOURCE_RECORD_UNMATCHED = "a new source record that matches no target record"
    NEW_SOURCE_RECORD_CONDITION_HOLDS = 'a new source record for which "{text}" holds'
    NEW_SOURCE_RECORD_CONDITION_FAILS = 'a new source record for which "{text}" does not hold'
    NEW_SOURCE_RECORD_CONNECTED = 'a new source record connected to a "{text}" record that is synchronized'
    NEW_SOURCE_RECORD_WITH_LINES = "a new source record with lines that reference other records"
    TARGET_RECORD_WITH_VALUE = 'a target record whose "{prop}" holds a fresh value'
    NEW_SOURCE_RECORD_MATCHING = 'a new source record whose "{prop}" holds the same value'
    TWO_TARGET_RECORDS_WITH_VALUE = 'two target records, made one after the other, whose "{prop}" holds one fresh value'
    NEW_SOURCE_RECORD_FOREIGN_CURRENCY = "a new source record in a currency other than the shop's"
    NEW_SOURCE_RECORD_MATCHING_BOTH = 'a new source record whose "{prop}" holds that value and whose others differ'
    LINKED_PAIR = "a linked pair of source and target records"
    QUIET_AFTER_SYNC = "a sync cycle has run"
    NO_PROPERTIES = "the spec lists no properties for this flow"
    FAULTS = "the {side} system answers its next {n:d} calls with {status:d}"
    TIMEOUTS = "the {side} system times out on its next {n:d} calls"
    TOKENS_EXPIRED = "the access tokens of both systems have expired"
    WRITE_FAULT = 'the {side} system fails its next {n:d} "{what}" calls with "{fault}"'
    NEW_SOURCE_RECORD_MERGING = 'a new source record that matches it on "{prop}" and holds "{shape}"'
    UNMAPPED_VALUES = "both records hold values in properties the flow does not map"
    ORDER_BEFORE_ITEMS = "a new source record with lines whose referenced records are not synchronized yet"
    MANY_SOURCE_RECORDS = "{n:d} new source records"
    NEW_SOURCE_RECORD_EDGE = 'a new source record whose properties hold "{edge}" where they can'


class WHEN:
    """``When`` sentences (also used after ``And``)."""

    SYNC = "a sync cycle runs"
    SYNC_UNTIL_QUIET = "sync cycles run until a cycle writes nothing"
    ENGINE_RESTARTS = "the engine restarts and a sync cycle runs again"
    CRASH_AND_RESTART = "a sync cycle crashes after its first write and the engine restarts"
    EDIT_ALL = "every mapped property of the {side} record is edited"
    EDIT_ONE = 'the {side} property "{prop}" is set to a new value'
    EDIT_BOTH = "one mapped property is edited in the {first} record and later in the {later} record"
    FILL_TARGET_EDIT_SOURCE = (
        "an empty mapped property gets a value in the target record "
        "and the source record is later edited in another property"
    )
    CLEAR = "a mapped property of the {side} record is cleared"
    DELETE = "the {side} record is deleted"
    EDIT_TWO_PROPERTIES = "one mapped property is edited in the {first} record and another later in the {later} record"
    EDIT_BOTH_KIND = "a mapped {datatype} property is edited in the {first} record and later in the {later} record"
    EDIT_BOTH_AT_ONCE = "a mapped property is edited in both records at the same instant"
    CRASH_AT_WRITE = "a sync cycle crashes after write {write} and the engine restarts"
    CRASH_AT_EVERY_WRITE = "the engine crashes after each write it makes and restarts, until a cycle writes nothing"
    EDIT_EDGE = 'every mapped property of the {side} record that can hold "{edge}" is set to it'


class THEN:
    """``Then`` sentences (also used after ``And``)."""

    LINKED_TARGET_EXISTS = "a target record linked to the source record exists"
    NO_TARGET_CREATED = "no target record is created"
    EXACTLY_ONE_TARGET = "exactly one target record exists for the source record"
    LINKED_TO_MATCH = "the source record is linked to that target record"
    VALUES_EQUAL = "every mapped property of the {side} record equals the {other} record's"
    PROPERTY_EQUAL = 'the target property "{prop}" holds that value as {datatype}'
    LATER_EDIT_WINS = "both records hold the value of the {later} record"
    NOT_IN_SHOP_CURRENCY = "no target record holds its amounts as if they were in the shop's currency"
    PRIORITY_EDIT_WINS = "both records hold the value of the source record, whose system has priority"
    VALUE_KEPT = "the target record keeps its value and the source record receives it"
    CLEAR_PROPAGATED = "the property is empty in the {other} record as well"
    NOTHING_WRITTEN = "no record was written on either side"
    DELETE_PROPAGATED = "the {other} record is deleted, or unlinked where the {other} system cannot delete it"
    OTHER_FLOWS_CARRY = "every other flow from the same source record carries the edit"
    LINES_POINT_AT_COUNTERPARTS = "every line of the target record points at the linked counterpart of its item"
    PROPERTIES_FROM_MAPPING = "the properties come from a mapping file and are reported as assumed"
    ROUND_TRIP_SOURCE = "any source record built from the field catalogue crosses to the target and back unchanged"
    ROUND_TRIP_TARGET = "any target record built from the field catalogue crosses to the source and back unchanged"
    MERGED_VALUES = "both records hold, in every mapped property, the value the merge rule gives"
    ONE_CANDIDATE_MERGED = (
        "one of the two target records holds the source record's values, the other holds what it held, and no "
        "target record was added"
    )
    BOTH_EDITS_KEPT = "both records hold both edits"
    UNMAPPED_UNCHANGED = "no property the flow does not map has changed in either record"
    EVERY_SOURCE_LINKED = "every source record has exactly one target record holding its values"


class SCENARIO:
    """Scenario names; each ends with the spec line it comes from, which keeps them unique."""

    CREATE = "A new {source} record is created as a {target} record (spec line {line})"
    LINK_REQUIRED = "An unlinked {source} record is not synchronized (spec line {line})"
    CONDITION_HOLDS = "A {source} record for which the condition holds is created (spec line {line})"
    CONDITION_FAILS = "A {source} record for which the condition fails is left alone (spec line {line})"
    MERGE = "A {source} record merges on {source_prop} = {target_prop} (spec line {line})"
    CREATE_IF_NO_MATCH = "A new {created} record is created when none matches (spec line {line})"
    CREATE_FROM_CONNECTED = "A new {created} record is created from a connected {source} record (spec line {line})"
    EDIT_SOURCE = "An edit in the source record ({source}) reaches the target record ({target}) (spec line {line})"
    EDIT_TARGET = "An edit in the target record ({target}) reaches the source record ({source}) (spec line {line})"
    #: the edit items of a section with rows that flow one way only (ONE_WAY_RULE): an edit reaches the other
    #: side only where it can, and yields to the read-only side's value elsewhere
    EDIT_SOURCE_ONE_WAY = (
        "An edit in the source record ({source}) reaches the target record ({target}) where a row can carry it, "
        "and yields to the target's value where it cannot (spec line {line})"
    )
    EDIT_TARGET_ONE_WAY = (
        "An edit in the target record ({target}) reaches the source record ({source}) where a row can carry it, "
        "and yields to the source's value where it cannot (spec line {line})"
    )
    LATEST_WINS = "When both sides are edited, the later edit wins (spec line {line})"
    EMPTY_NEVER_OVERWRITES = "An empty value never overwrites a value (spec line {line})"
    CLEAR_PROPAGATES = "A deliberate clear in the {side} record ({side_name}) propagates (spec line {line})"
    QUIET_CYCLE = "A quiet cycle writes nothing (spec line {line})"
    RERUN = "A re-run never duplicates a {target} record (spec line {line})"
    DELETE = "A {side} record deleted in {side_name} does not linger in {other_name} (spec line {line})"
    PROPERTY = "<source> of {source} is carried to <target> of {target} (spec line {line})"
    NO_PROPERTIES = "The spec lists no properties from {source} to {target} (spec line {line})"
    ROUND_TRIP = "Every mapped property survives the round trip (spec line {line})"
    LINES = "The lines of a {source} record point at the right {target} records (spec line {line})"
    RATE_LIMITS = "The flow keeps working through rate limits (spec line {line})"
    SERVER_ERRORS = "The flow keeps working through server errors and time-outs (spec line {line})"
    TOKEN_EXPIRY = "The flow keeps working when access tokens expire (spec line {line})"
    RESTART = "A crash and a restart neither duplicate nor lose a record (spec line {line})"
    WRITE_FAULT = "An edit in the {side} record survives <fault> on the {other}'s update (spec line {line})"
    DELETE_FAULT = "A delete in the {side} record survives <fault> on the {other}'s delete (spec line {line})"
    CREATE_FAULT = "A new {source} record survives <fault> on its create: one {target} record (spec line {line})"
    MERGE_DIFFERING = (
        "A merge on {source_prop} = {target_prop} of records holding <shape> follows the merge rule (spec line {line})"
    )
    MERGE_TWO_CANDIDATES = (
        "A {source} record matching two {target} records on {source_prop} = {target_prop} merges with one and "
        "leaves the other as it was (spec line {line})"
    )
    CONFLICT_TWO_PROPERTIES = (
        "Edits of two properties, in the <first> record and later the <later> record, both survive (spec line {line})"
    )
    CONFLICT_KIND = (
        "A <datatype> edited in the <first> record and later the <later> record: the later wins (spec line {line})"
    )
    FOREIGN_CURRENCY = (
        "A new {source} record in a currency other than the shop's never reaches {target} in the shop's currency "
        "(spec line {line})"
    )
    CONFLICT_SAME_INSTANT = (
        "Edits in both records at the same instant: the source's wins, Talk's fixed system priority (spec line {line})"
    )
    UNMAPPED = "An edit in the {side} record leaves every property the flow does not map alone (spec line {line})"
    DEFERRED = (
        "A {source} record whose referenced records are not synchronized yet arrives once they are (spec line {line})"
    )
    CRASH_AT_WRITE = "A crash after write <write> of a cycle over several records loses nothing (spec line {line})"
    CRASH_AT_EVERY_WRITE = (
        "A crash after each write of a cycle over several records, each time restarted, loses nothing"
        " (spec line {line})"
    )
    VOLUME = "More {source} records than any page or batch all reach {target} (spec line {line})"
    EDGE_CREATE = "A new {source} record holding an edge value (<edge>) is created unchanged (spec line {line})"
    EDGE_EDIT = "An edge value (<edge>) edited in the {side} record ({side_name}) arrives unchanged (spec line {line})"


#: The one rule for a row that can flow one way only (one side never accepts a write of its field), said
#: the same by lint, the checklist's item names and checks, the report and the reference engine. Talk
#: promised that a link keeps both systems in sync and that the latest version wins — but a value that
#: cannot reach the read-only side can never be the version both hold; the read-only side is the system of
#: record for it (Exact computes Stock; Squarespace derives a descriptor), so it stays the master.
ONE_WAY_RULE = (
    "the side that cannot be written is the master of that property: an edit on the other side "
    "cannot reach it and yields to the master's value at the next cycle"
)

#: Said in a feature's description when a section's property table is empty.
ASSUMED_MAPPING_NOTE = (
    "The spec lists no properties for this flow: a mapping file must supply them, "
    "and every row it supplies is reported as assumed."
)


_FIELD = re.compile(r'("?)\{(\w+)(?::(d))?\}("?)')


def step_pattern(template: str) -> re.Pattern[str]:
    """The regular expression a step library binds ``template`` with.

    A quoted value may be empty (a blank system name is ``""``, which ``parsers.parse`` would not
    match); ``{n:d}`` is a whole number; any other value is the shortest text that fits.
    """
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        open_quote, name, number, close_quote = match.groups()
        if name in seen:  # the same value said twice must be the same text
            value = f"(?P={name})"
        elif number:
            value = rf"(?P<{name}>\d+)"
        elif open_quote and close_quote:
            value = rf'(?P<{name}>[^"]*)'
        else:
            value = rf"(?P<{name}>.+?)"
        seen.add(name)
        parts.append(re.escape(open_quote) + value + re.escape(close_quote))
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts))


def step_converters(template: str) -> dict[str, Callable[[str], object]]:
    """Converters for the typed values of ``template`` (``{n:d}`` becomes an int)."""
    return {match.group(2): int for match in _FIELD.finditer(template) if match.group(3)}


def step_templates() -> Iterator[tuple[str, str, str]]:
    """Every step sentence: (keyword class name, constant name, template)."""
    for cls in (GIVEN, WHEN, THEN):
        for name, template in vars(cls).items():
            if name.isupper() and isinstance(template, str):
                yield cls.__name__, name, template
