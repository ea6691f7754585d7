"""A line scanner for Sesam Talk dataflow documents: text in, ``DataflowDocument`` out.

Purpose-built for the generated RST dialect (docutils is the tests' oracle, never a runtime need): a
title, a ``Generated:`` line, an introduction, then flow sections of sentences and list-tables. It
never raises on a document; what it cannot understand becomes a ``Finding`` with a 1-based line.
Only ``parse_file`` raises, and only for a file that is no document at all (``UnreadableSpecError``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from harness.dataflow import codes
from harness.dataflow.codes import FindingCode, shorten
from harness.dataflow.model import (
    DataflowDocument,
    Finding,
    FlowSection,
    MergeCriterion,
    PropertyMapping,
    Rule,
)
from harness.dataflow.sentences import classify, starts_sentence
from harness.dataflow.tables import read_table
from harness.dataflow.titles import SideMatch, split_document_title, split_section_title
from harness.errors import UnreadableSpecError
from harness.systems import resolve_system

__all__ = ["parse_file", "parse_text"]

#: Findings of one code per document beyond which only a count is reported.
FINDINGS_PER_CODE = 100
#: A line longer than this is never guessed to be a section title that lost its underline.
_LONGEST_HEADING = 300

_EQUALS = re.compile(r"={3,}[ \t]*")
_DASHES = re.compile(r"-{3,}[ \t]*")
_GENERATED = re.compile(r"Generated:[ \t]*(.*?)[ \t]*", re.IGNORECASE)
_LIST_TABLE = re.compile(r"\.\.[ \t]+list-table::")


class _Findings:
    """Collects findings, reporting at most ``FINDINGS_PER_CODE`` of each code (10 MB of noise
    must give a readable answer, not a million lines)."""

    def __init__(self) -> None:
        self.items: list[Finding] = []
        self._counts: dict[str, int] = {}

    def add(self, code: FindingCode, line: int, message: str) -> None:
        count = self._counts.get(code.code, 0) + 1
        self._counts[code.code] = count
        if count <= FINDINGS_PER_CODE:
            self.items.append(code.at(line, message))

    def close(self) -> tuple[Finding, ...]:
        for code, count in self._counts.items():
            if count > FINDINGS_PER_CODE:
                self.items.append(
                    codes.FINDINGS_SUPPRESSED.at(
                        0,
                        f"{count - FINDINGS_PER_CODE} more {code} findings not shown; "
                        f"fix the first {FINDINGS_PER_CODE} and lint again",
                    )
                )
        return tuple(self.items)


@dataclass
class _SectionParts:
    rules: list[Rule] = field(default_factory=list)
    properties: list[PropertyMapping] = field(default_factory=list)
    merge_criteria: list[MergeCriterion] = field(default_factory=list)
    has_property_table: bool = False


#: The largest dataflow document read (bytes): the largest of the corpus is well under 1 MB.
MAX_SPEC_BYTES = 20 * 1024 * 1024


def parse_file(path: str | os.PathLike[str]) -> DataflowDocument:
    """Read and parse the document at ``path``; ``UnreadableSpecError`` if it is no document at all."""
    name = str(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_SPEC_BYTES + 1)  # /dev/zero, a pipe or a huge file: never read without bound
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise UnreadableSpecError(name, f"cannot be opened ({reason}); expected a readable dataflow document") from exc
    if len(data) > MAX_SPEC_BYTES:
        raise UnreadableSpecError(
            name,
            f"is larger than {MAX_SPEC_BYTES // (1024 * 1024)} MB; talkqa reads dataflow documents of up to "
            f"{MAX_SPEC_BYTES // (1024 * 1024)} MB (split the document)",
        )
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise UnreadableSpecError(
            name, "is a binary file (a NUL byte); expected a UTF-8 text dataflow document", line=line
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UnreadableSpecError(
            name,
            f"is not UTF-8 (byte 0x{data[exc.start]:02x} is byte {column} of line {line}); "
            "expected UTF-8 text: re-save the file as UTF-8",
            line=line,
        ) from None
    if not text.strip():
        raise UnreadableSpecError(name, "is empty; expected a dataflow document titled '<Source> to <Target> Dataflow'")
    document, titled = _parse(text, name)
    if not titled:
        raise UnreadableSpecError(
            name,
            "has no title; expected a first line '<Source> to <Target> Dataflow' over- and underlined with '='",
        )
    return document


def parse_text(text: str, path: str = "<text>") -> DataflowDocument:
    """Parse a document given as text. Never raises: problems become findings (``TQ001`` if untitled)."""
    return _parse(text, path)[0]


# -- the document ------------------------------------------------------------------------------
def _parse(text: str, path: str) -> tuple[DataflowDocument, bool]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    findings = _Findings()
    title_at, body_start = _find_title(lines, findings)
    if title_at is None:
        findings.add(
            codes.NO_TITLE,
            1,
            "no title found; start the document with '<Source> to <Target> Dataflow' over- and underlined with '='",
        )
        return DataflowDocument(path, "", "", "", None, (), findings.close()), False
    title = lines[title_at].strip()
    split = split_document_title(title)
    source_system, target_system = split.source_system, split.target_system
    if split.problem:
        findings.add(
            codes.BAD_TITLE, title_at + 1, f"{split.problem}; write the title as '<Source> to <Target> Dataflow'"
        )
    headings = _find_headings(lines, body_start, source_system, target_system, findings)
    first_section = headings[0][0] if headings else len(lines)
    generated = _find_generated(lines, body_start, first_section)
    if generated is None:
        findings.add(
            codes.NO_GENERATED,
            title_at + 1,
            "no 'Generated: <timestamp>' line (or an empty one) after the title; "
            "add it so readers know which generation this is",
        )
    sections: list[FlowSection] = []
    for number, (at, content_start) in enumerate(headings):
        end = headings[number + 1][0] if number + 1 < len(headings) else len(lines)
        if _is_introduction(lines[at]):
            continue
        sections.append(
            _parse_section(lines, at, content_start, end, source_system, target_system, split.has_systems, findings)
        )
    if not sections:
        findings.add(
            codes.NO_SECTIONS,
            title_at + 1,
            "the document has no flow sections; add sections titled '<Source> <type> to <Target> <type>' "
            "underlined with '-'",
        )
    if split.has_systems:
        _report_blank_systems(title, title_at, source_system, target_system, sections, findings)
    document = DataflowDocument(path, title, source_system, target_system, generated, tuple(sections), findings.close())
    return document, True


def _report_blank_systems(
    title: str,
    title_at: int,
    source_system: str,
    target_system: str,
    sections: list[FlowSection],
    findings: _Findings,
) -> None:
    """One finding per blank side of the title (its sections inherit the blank: they are counted, not
    reported one by one)."""
    for side, name in (("source", source_system), ("target", target_system)):
        if name:
            continue
        types = [s.source_type if side == "source" else s.target_type for s in sections]
        blank = sum(1 for s in sections if not (s.source_system if side == "source" else s.target_system))
        guess = resolve_system("", types)
        hint = f" (its data types suggest '{guess}')" if guess else ""
        findings.add(
            codes.BLANK_TITLE_SYSTEM,
            title_at + 1,
            f"the title '{title}' leaves the {side} system blank, and so do {blank} of its {len(sections)} "
            f"sections{hint}; name the system in the title and the section titles",
        )


def _find_title(lines: list[str], findings: _Findings) -> tuple[int | None, int]:
    """The index of the title line and of the first line after its underline (``None`` if untitled)."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None, 0
    count = len(lines)
    if _EQUALS.fullmatch(lines[first]):
        at = first + 1
        if at >= count or not lines[at].strip() or _EQUALS.fullmatch(lines[at]):
            return None, 0
        title = lines[at].strip()
        if at + 1 < count and _EQUALS.fullmatch(lines[at + 1]):
            _check_underline(title, lines[first], at, findings)
            _check_underline(title, lines[at + 1], at, findings)
            return at, at + 2
        findings.add(codes.SHORT_UNDERLINE, at + 1, "the title has an '=' overline but no underline; add the underline")
        return at, at + 1
    if first + 1 < count and _EQUALS.fullmatch(lines[first + 1]):
        _check_underline(lines[first].strip(), lines[first + 1], first, findings)
        return first, first + 2
    return None, 0


def _check_underline(title: str, underline: str, at: int, findings: _Findings) -> None:
    width = len(underline.rstrip())
    if width < len(title):
        findings.add(
            codes.SHORT_UNDERLINE,
            at + 1,
            f"the line under/over '{shorten(title)}' is {width} characters, the title {len(title)}; "
            "lengthen it to the title's length",
        )


def _find_generated(lines: list[str], start: int, end: int) -> str | None:
    for index in range(start, end):
        line = lines[index]
        if line[:1] in ("G", "g"):
            match = _GENERATED.fullmatch(line)
            if match:
                return match.group(1) or None
    return None


def _find_headings(
    lines: list[str], start: int, source_system: str, target_system: str, findings: _Findings
) -> list[tuple[int, int]]:
    """Section headings as (title index, first content index), in order."""
    # Two cheap passes over the lines pick the few candidates; only those get a closer look.
    underlined = [
        index
        for index in range(start + 1, len(lines))
        if lines[index][:3] == "---" and lines[index - 1].strip() and _DASHES.fullmatch(lines[index])
    ]
    headings: list[tuple[int, int]] = []
    for index in underlined:
        title = lines[index - 1].rstrip()
        width = len(lines[index].rstrip())
        if width < len(title.strip()):
            findings.add(
                codes.SHORT_UNDERLINE,
                index + 1,
                f"the underline of '{shorten(title.strip())}' is {width} characters, the title {len(title.strip())}; "
                "lengthen it to the title's length",
            )
        headings.append((index - 1, index + 1))
    titled = {at for at, _ in headings}
    unmarked = [
        index
        for index in range(start, len(lines))
        if " to " in lines[index]
        and lines[index][:1] not in " \t"
        and (index == start or not lines[index - 1].strip())
        and index not in titled
        and _opens_block(lines, index + 1)
        and _looks_like_heading(lines[index], source_system, target_system)
    ]
    for index in unmarked:
        findings.add(
            codes.MISSING_UNDERLINE,
            index + 1,
            f"'{shorten(lines[index].strip())}' reads like a section title but has no '-' underline; "
            "it is taken as a section: add the underline",
        )
        headings.append((index, index + 1))
    return sorted(headings) if unmarked else headings


def _opens_block(lines: list[str], index: int) -> bool:
    """Whether the line at ``index`` could follow a section title: the end, a blank or a known sentence."""
    return index >= len(lines) or not lines[index].strip() or starts_sentence(lines[index].strip())


def _looks_like_heading(line: str, source_system: str, target_system: str) -> bool:
    text = line.rstrip()
    if (
        len(text) > _LONGEST_HEADING
        or " to " not in text
        or text[-1] in ".:!?,"
        or _DASHES.fullmatch(text)
        or starts_sentence(text)
    ):
        return False
    split = split_section_title(text, source_system, target_system)
    return split.source_match is not SideMatch.GUESSED and split.target_match is not SideMatch.GUESSED


def _is_introduction(line: str) -> bool:
    return line.strip().rstrip(".").strip().casefold() == "introduction"


# -- one section ---------------------------------------------------------------------------------
def _parse_section(
    lines: list[str],
    at: int,
    content_start: int,
    end: int,
    source_system: str,
    target_system: str,
    compare_systems: bool,
    findings: _Findings,
) -> FlowSection:
    title = lines[at].rstrip()
    split = split_section_title(title, source_system, target_system)
    if split.problem and compare_systems:
        findings.add(codes.SYSTEMS_MISMATCH, at + 1, split.problem)
    last = end - 1
    while last > at and not lines[last].strip():
        last -= 1
    body = "\n".join(lines[at : last + 1])
    names = (split.source_system, split.source_type, split.target_system, split.target_type)
    parts = _SectionParts()
    sentence: list[tuple[int, str]] = []
    awaiting: Rule | None = None

    def flush() -> None:
        nonlocal awaiting
        if not sentence:
            return
        text = " ".join(part for _, part in sentence)
        line = sentence[0][0] + 1
        sentence.clear()
        if awaiting is not None:
            _report_missing_table(awaiting, findings)
        rule, problem = classify(text, line, names)
        parts.rules.append(rule)
        if problem is not None:
            findings.add(problem[0], line, problem[1])
        awaiting = rule if text.rstrip().endswith(":") else None

    index = content_start
    while index <= last:
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            flush()
            index += 1
            continue
        if line[0] == "." and _LIST_TABLE.match(line):
            flush()
            awaiting = None
            table = read_table(lines, index, last + 1, findings.add)
            parts.properties += table.properties
            parts.merge_criteria += table.merge_criteria
            parts.has_property_table = parts.has_property_table or table.columns == 3
            index = table.end
            continue
        if sentence and (sentence[-1][1][-1] in ".:!?" or starts_sentence(stripped)):
            flush()
        sentence.append((index, stripped))
        index += 1
    flush()
    if awaiting is not None:
        _report_missing_table(awaiting, findings)
    if not parts.rules:
        findings.add(
            codes.NO_SENTENCES,
            at + 1,
            f"section '{shorten(title)}' holds no sentences; say how its records are created and kept in sync",
        )
    return FlowSection(
        title=title,
        line=at + 1,
        source_system=split.source_system,
        source_type=split.source_type,
        target_system=split.target_system,
        target_type=split.target_type,
        rules=tuple(parts.rules),
        properties=tuple(parts.properties),
        merge_criteria=tuple(parts.merge_criteria),
        body=body,
        has_property_table=parts.has_property_table,
    )


def _report_missing_table(rule: Rule, findings: _Findings) -> None:
    findings.add(
        codes.ANNOUNCED_TABLE_MISSING,
        rule.line,
        f"'{shorten(rule.text)}' announces a table but no '.. list-table::' follows; add the table",
    )
