"""The generator's sentence forms, each recognised into a ``Rule`` of its kind.

Matching is tolerant of the drift seen across generations: case, runs of spaces, "synchronised",
a missing final period or comma. A sentence of no known form is kept as an ``unknown`` rule and a
problem is returned for the parser to report.
"""

from __future__ import annotations

import re

from harness.dataflow import codes
from harness.dataflow.codes import FindingCode, shorten
from harness.dataflow.model import Rule, RuleKind

__all__ = ["classify", "starts_sentence"]

#: A sentence longer than this is not matched against the forms (10 MB of noise must stay fast).
MAX_SENTENCE = 20_000

_A = r"(?:an? )?"
_SYNC = r"synchroni[sz]ed"
_I = re.IGNORECASE

_CREATE = re.compile(rf"every (?P<x>.+?) (?:will|shall) be {_SYNC} (?:with|into|to) {_A}(?P<y>.*?)\.?", _I)
_LINK_REQUIRED = re.compile(
    rf"before any synchroni[sz]ation can take place,? a link between {_A}(?P<x>.+?) and {_A}(?P<y>.*?) "
    r"(?:must|has to|needs to) be established\.?",
    _I,
)
_CONDITIONAL = re.compile(rf"when {_A}(?P<rest>.+?),? it (?:will|shall) be {_SYNC} with {_A}(?P<y>.*?)\.?", _I)
_HEADLESS_CONDITIONAL = re.compile(rf"(?P<rest>.+?), it (?:will|shall) be {_SYNC} with {_A}(?P<y>.*?)\.?", _I)
_MERGE = re.compile(
    rf"{_A}(?P<x>.+?) will merge with {_A}(?P<y>.*?) if (?:one|any) of the following "
    r"(?:property )?combinations? (?:match|matches|is matched|are matched):?",
    _I,
)
_MERGE_EXISTING = re.compile(
    rf"if {_A}matching (?P<y>.*?) already exists,? the (?P<x>.+?) will be merged with the existing one\.?", _I
)
_NO_MATCH = re.compile(rf"if no matching (?P<y>.*?) is found,? {_A}new (?P<z>.*?) will be created\.?", _I)
_FROM_CONNECTED = re.compile(
    rf"{_A}new (?P<y>.*?) will be created from {_A}(?P<x>.+?) if it is connected to {_A}(?P<types>.+?) "
    rf"that (?:is|are) {_SYNC} (?:in)?to(?P<system>.*?)\.?",
    _I,
)
_BIDIRECTIONAL = re.compile(
    rf"once a link between {_A}(?P<x>.+?) and {_A}(?P<y>.*?) (?:is|has been) established,? it will "
    r"(?:keep|stay|be kept) in sync\b.*\bregardless of where it is edited\.?",
    _I,
)
_PROPERTIES = re.compile(
    rf"the following properties (?:are|will be) {_SYNC} between {_A}(?P<x>.+?) and {_A}(?P<y>.*?):?", _I
)
#: The first words of every form: a line starting so begins a new sentence even without a blank line.
_START = re.compile(
    r"(?:every |before any synchroni|when an? |an? .+ will merge with |if an? matching |if no matching "
    r"|an? new .+ will be created from |once a link between |the following properties )",
    _I,
)
_CONDITION_VERB = re.compile(r" (?:is|are|has|have|was|were|does|do|contains?|belongs?|matches|holds?) ", _I)
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:or |and )?|\s+or\s+")


def starts_sentence(text: str) -> bool:
    """Whether ``text`` begins with the first words of a known form."""
    return _START.match(text, 0, 1000) is not None


def classify(text: str, line: int, names: tuple[str, str, str, str]) -> tuple[Rule, tuple[FindingCode, str] | None]:
    """The rule ``text`` states, and a problem to report (or ``None``).

    ``names`` are the section's (source system, source type, target system, target type).
    """
    squeezed = " ".join(text.split())
    if len(squeezed) > MAX_SENTENCE:
        return Rule(RuleKind.UNKNOWN, line, text), (
            codes.UNKNOWN_SENTENCE,
            f"a {len(squeezed)}-character paragraph is no sentence of a known form; "
            "rewrite it as the generator's sentences",
        )
    first = squeezed[:6].casefold()
    if first.startswith("every ") and _CREATE.fullmatch(squeezed):
        return Rule(RuleKind.CREATE, line, text), None
    if first.startswith("before") and _LINK_REQUIRED.fullmatch(squeezed):
        return Rule(RuleKind.LINK_REQUIRED, line, text), None
    if first.startswith("once ") and _BIDIRECTIONAL.fullmatch(squeezed):
        return Rule(RuleKind.BIDIRECTIONAL, line, text), None
    if first.startswith("the ") and _PROPERTIES.fullmatch(squeezed):
        return Rule(RuleKind.PROPERTIES, line, text), None
    if first.startswith("if "):
        if _MERGE_EXISTING.fullmatch(squeezed):
            return Rule(RuleKind.MERGE, line, text), None
        if _NO_MATCH.fullmatch(squeezed):
            return Rule(RuleKind.CREATE_IF_NO_MATCH, line, text), None
    if first.startswith(("a ", "an ")):
        if _MERGE.fullmatch(squeezed):
            return Rule(RuleKind.MERGE, line, text), None
        connected = _FROM_CONNECTED.fullmatch(squeezed)
        if connected is not None:
            types = _connected_types(connected.group("types"), names)
            return Rule(RuleKind.CREATE_FROM_CONNECTED, line, text, connected_to=types), None
    if first.startswith("when "):
        conditional = _CONDITIONAL.fullmatch(squeezed)
        if conditional is not None:
            condition = _condition(conditional.group("rest"), names)
            return Rule(RuleKind.CONDITIONAL, line, text, condition=condition), None
    headless = _HEADLESS_CONDITIONAL.fullmatch(squeezed)
    if headless is not None:
        condition = headless.group("rest").strip()
        source = " ".join(f"{names[0]} {names[1]}".split())
        return Rule(RuleKind.CONDITIONAL, line, text, condition=condition), (
            codes.CONDITION_WITHOUT_SUBJECT,
            f"the conditional sentence does not name its source records: it should read 'When a {source} "
            f"<condition>, it will be synchronized with a ...'; the condition is taken as '{shorten(condition)}'",
        )
    return Rule(RuleKind.UNKNOWN, line, text), (
        codes.UNKNOWN_SENTENCE,
        f"'{shorten(squeezed)}' is no sentence of a known form; the checklist cannot test it: "
        "reword it as one of the generator's sentences or remove it",
    )


def _condition(rest: str, names: tuple[str, str, str, str]) -> str:
    """The condition of 'When a <source> <condition>': the source's name dropped, as written or drifted."""
    source = " ".join(f"{names[0]} {names[1]}".split())
    if source and rest.casefold().startswith(source.casefold() + " "):
        return rest[len(source) + 1 :].strip()
    verb = _CONDITION_VERB.search(rest)
    if verb is not None:
        return rest[verb.start() + 1 :].strip()
    return rest.strip()


def _connected_types(listed: str, names: tuple[str, str, str, str]) -> tuple[str, ...]:
    """'HubSpot Deal, Quote, or Lineitem' -> ('Deal', 'Quote', 'Lineitem'): the system name dropped."""
    systems = [name for name in (names[0], names[2]) if name]
    out: list[str] = []
    for item in _LIST_SEPARATOR.split(listed.strip()):
        item = item.strip()
        if item.casefold().startswith("or "):
            item = item[3:].strip()
        for system in systems:
            if item.startswith(system + " "):
                item = item[len(system) + 1 :].strip()
                break
        if item:
            out.append(item)
    return tuple(out)
