"""Splitting titles into systems and types: "Exact Online Items to  Inventory" is source system
"Exact Online", source type "Items", target system "" (blank), target type "Inventory".

Section titles are split with the system names the document title gives, because names hold
spaces, dots and parentheses ("PowerOffice GO", "Wix.com Members") and a type may itself hold
" to ". When a title does not start with the document's systems, the best split is kept and the
problem is returned for the parser to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

__all__ = ["DocumentTitle", "SectionTitle", "SideMatch", "split_document_title", "split_section_title"]

_DOCUMENT_TITLE = re.compile(r"(?P<source>.*?)[ \t]*\bto\b[ \t]*(?P<target>.*?)[ \t]+Dataflow", re.IGNORECASE)
_LOOSE_TITLE = re.compile(r"(?P<source>.*?)[ \t]*\bto\b[ \t]*(?P<target>.*?)", re.IGNORECASE)
_SEPARATOR = " to "
#: Splits tried per title: a real title has one or two " to "; noise may have thousands.
_MAX_SPLITS = 20


class SideMatch(IntEnum):
    """How one side of a section title matched the document's system name (higher is better)."""

    GUESSED = 0  #: the name is not there: the split is a guess
    FUZZY = 1  #: the name is there but spelled differently (case, spaces: "Powerofficego")
    BLANK = 2  #: the section leaves the name blank while the document names the system
    EXACT = 3  #: the document's name, as written (a blank name matches a blank)


@dataclass(frozen=True)
class SectionTitle:
    """A section title split into systems and types, with how well it matched the document title."""

    source_system: str
    source_type: str
    target_system: str
    target_type: str
    source_match: SideMatch
    target_match: SideMatch
    problem: str | None = None  #: a message for the parser to report, when a side was guessed or misspelled


@dataclass(frozen=True)
class DocumentTitle:
    """A document title split into its two systems (either may be blank)."""

    source_system: str
    target_system: str
    problem: str | None = None  #: a message for the parser to report
    has_systems: bool = True  #: False when the title has no " to ": its systems are unknown, not blank


def split_document_title(title: str) -> DocumentTitle:
    """``"<Source> to <Target> Dataflow"`` -> the two systems, and a problem when it reads otherwise."""
    text = title.strip()
    match = _DOCUMENT_TITLE.fullmatch(text)
    if match is not None:
        return DocumentTitle(match.group("source").strip(), match.group("target").strip())
    match = _LOOSE_TITLE.fullmatch(text)
    if match is not None:
        return DocumentTitle(
            match.group("source").strip(),
            match.group("target").strip(),
            f"the title '{text}' does not end with 'Dataflow'",
        )
    return DocumentTitle(text, "", f"the title '{text}' names no target system (no ' to ')", has_systems=False)


def split_section_title(title: str, source_system: str, target_system: str) -> SectionTitle:
    """Split ``title`` at the " to " where both sides best match the document's systems."""
    best: SectionTitle | None = None
    start = title.find(_SEPARATOR)
    tried = 0
    while start >= 0 and tried < _MAX_SPLITS:
        tried += 1
        before, after = title[:start], title[start + len(_SEPARATOR) :]
        candidate = _candidate(before, after, source_system, target_system)
        if best is None or candidate.source_match + candidate.target_match > best.source_match + best.target_match:
            best = candidate
        start = title.find(_SEPARATOR, start + 1)
    if best is None:
        system, kind, match = _split_side(title, source_system)
        return SectionTitle(
            system,
            kind,
            "",
            "",
            match,
            SideMatch.GUESSED,
            f"section title '{title.strip()}' has no ' to ' between source and target; "
            "write it as '<Source> <type> to <Target> <type>'",
        )
    return _with_problem(best, title, source_system, target_system)


def _candidate(before: str, after: str, source_system: str, target_system: str) -> SectionTitle:
    source, source_kind, source_match = _split_side(before, source_system)
    target, target_kind, target_match = _split_side(after, target_system)
    return SectionTitle(source, source_kind, target, target_kind, source_match, target_match)


def _with_problem(split: SectionTitle, title: str, source_system: str, target_system: str) -> SectionTitle:
    wrong = [
        (side, written, kind, expected, match)
        for side, written, kind, expected, match in (
            ("source", split.source_system, split.source_type, source_system, split.source_match),
            ("target", split.target_system, split.target_type, target_system, split.target_match),
        )
        if match in (SideMatch.GUESSED, SideMatch.FUZZY)
    ]
    if not wrong:
        return split
    described = "; ".join(
        f"its {side} system reads '{written}' where the document title has '{expected}'"
        + (f" (so its type is taken to be '{kind}', a guess)" if match is SideMatch.GUESSED else "")
        for side, written, kind, expected, match in wrong
    )
    problem = f"section '{title.strip()}' does not match the document title: {described}; use the title's system names"
    return SectionTitle(
        split.source_system,
        split.source_type,
        split.target_system,
        split.target_type,
        split.source_match,
        split.target_match,
        problem,
    )


def _split_side(part: str, system: str) -> tuple[str, str, SideMatch]:
    """(system, type, match) for one side of a section title."""
    if not system:
        # the document leaves this system blank: whatever the section writes is the type
        return "", part.strip(), SideMatch.EXACT
    size = len(system)
    if part.startswith(system) and part[size : size + 1] in (" ", "\t"):
        return system, part[size:].strip(), SideMatch.EXACT
    if part[:size].casefold() == system.casefold() and part[size : size + 1] in (" ", "\t"):
        return part[:size], part[size:].strip(), SideMatch.FUZZY
    if part[:1] in (" ", "\t"):
        return "", part.strip(), SideMatch.BLANK
    words = part.split()
    squeezed = system.replace(" ", "").casefold()
    joined = ""
    for count in range(1, len(words)):
        joined += words[count - 1].casefold()
        if joined == squeezed:
            return " ".join(words[:count]), " ".join(words[count:]), SideMatch.FUZZY
        if len(joined) >= len(squeezed):
            break
    first = system.split()[0].casefold()
    if len(words) > 1 and words[0].casefold() == first:
        return words[0], " ".join(words[1:]), SideMatch.GUESSED
    if len(words) > 1:
        return " ".join(words[:-1]), words[-1], SideMatch.GUESSED
    return "", part.strip(), SideMatch.GUESSED
