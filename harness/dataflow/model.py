"""The dataflow document as data: a document holds flow sections; a section holds rules, property
mappings and merge criteria; anything the parser or lint notices is a ``Finding``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "PLAIN_DATATYPES",
    "DataflowDocument",
    "Finding",
    "FlowSection",
    "MergeCriterion",
    "PropertyMapping",
    "Rule",
    "RuleKind",
    "Severity",
]

#: Data-type cells that name a plain type (after unquoting). Anything else is kept raw and reported.
PLAIN_DATATYPES = frozenset({"string", "integer", "float", "boolean", "decimal", "list", "N/A"})


class RuleKind(StrEnum):
    """The sentence forms the Talk generator writes, one kind each."""

    CREATE = "create"  #: Every X will be synchronized with a Y.
    LINK_REQUIRED = "link_required"  #: Before any synchronization can take place, a link ...
    CONDITIONAL = "conditional"  #: When a X <condition>, it will be synchronized with a Y.
    MERGE = "merge"  #: A X will merge with a Y if one of the following property combinations match:
    CREATE_IF_NO_MATCH = "create_if_no_match"  #: If no matching X is found, a new X will be created.
    CREATE_FROM_CONNECTED = "create_from_connected"  #: A new X will be created from a Y if ...
    BIDIRECTIONAL = "bidirectional"  #: Once a link ... regardless of where it is edited.
    PROPERTIES = "properties"  #: The following properties are synchronized between a X and a Y:
    UNKNOWN = "unknown"  #: a sentence of no known form (kept, and reported)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """Something the parser or lint noticed, at a line of a document."""

    code: str  #: stable, e.g. ``TQ004``
    severity: Severity
    line: int  #: 1-based; 0 for the document as a whole
    message: str  #: what is wrong and what to do

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "line": self.line,
            "message": self.message,
        }

    def render(self, path: str) -> str:
        """``path:12: TQ004 warning: message`` — the lint output line."""
        return f"{path}:{self.line}: {self.code} {self.severity.value}: {self.message}"


@dataclass(frozen=True)
class Rule:
    """One sentence of a section, classified."""

    kind: RuleKind
    line: int
    text: str  #: the sentence as written (whitespace-normalised line ends only)
    condition: str | None = None  #: for ``conditional``: the condition text
    connected_to: tuple[str, ...] = ()  #: for ``create_from_connected``: the types named

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "line": self.line, "text": self.text}


@dataclass(frozen=True)
class PropertyMapping:
    """One row of a three-column property table."""

    source: str
    target: str  #: the target path, note split off (dotted paths address nested values)
    datatype: str  #: unquoted (``string``, ``N/A``, ...) or, when not a plain type, the raw cell
    note: str | None = None  #: a parenthesised note that stood in the target cell
    line: int = 0

    @property
    def is_plain_type(self) -> bool:
        return self.datatype in PLAIN_DATATYPES

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "datatype": self.datatype,
            "note": self.note,
            "line": self.line,
        }


@dataclass(frozen=True)
class MergeCriterion:
    """One row of a two-column merge table: records match when these properties are equal."""

    source: str
    target: str
    line: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "line": self.line}


@dataclass(frozen=True)
class FlowSection:
    """One flow: records of a source type and a target type, the rules between them, the mapping."""

    title: str
    line: int  #: line of the title
    source_system: str
    source_type: str
    target_system: str
    target_type: str
    rules: tuple[Rule, ...] = ()
    properties: tuple[PropertyMapping, ...] = ()
    merge_criteria: tuple[MergeCriterion, ...] = ()
    #: the section's text from title to the last non-blank line, line ends normalised;
    #: two sections are word-for-word duplicates when their bodies are equal
    body: str = field(default="", repr=False, compare=False)
    has_property_table: bool = field(default=False, compare=False)

    @property
    def source(self) -> str:
        """``<source system> <source type>``, as the sentences name it."""
        return f"{self.source_system} {self.source_type}".strip()

    @property
    def target(self) -> str:
        return f"{self.target_system} {self.target_type}".strip()

    def rules_of(self, kind: RuleKind) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind is kind)

    def has_rule(self, kind: RuleKind) -> bool:
        return any(rule.kind is kind for rule in self.rules)

    @property
    def is_bidirectional(self) -> bool:
        return self.has_rule(RuleKind.BIDIRECTIONAL)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "line": self.line,
            "source_system": self.source_system,
            "source_type": self.source_type,
            "target_system": self.target_system,
            "target_type": self.target_type,
            "rules": [rule.as_json() for rule in self.rules],
            "properties": [row.as_json() for row in self.properties],
            "merge_criteria": [row.as_json() for row in self.merge_criteria],
        }


@dataclass(frozen=True)
class DataflowDocument:
    """A parsed dataflow document. ``sections`` holds every section, duplicates included, in order."""

    path: str
    title: str
    source_system: str
    target_system: str
    generated: str | None
    sections: tuple[FlowSection, ...]
    findings: tuple[Finding, ...] = ()

    def distinct_sections(self) -> tuple[FlowSection, ...]:
        """Sections with word-for-word repeats left out (the first copy stays), in order."""
        seen: set[str] = set()
        out: list[FlowSection] = []
        for section in self.sections:
            if section.body in seen:
                continue
            seen.add(section.body)
            out.append(section)
        return tuple(out)

    def duplicates_of(self, section: FlowSection) -> tuple[FlowSection, ...]:
        """Later word-for-word copies of ``section``."""
        copies = [s for s in self.sections if s.body == section.body]
        return tuple(copies[1:])

    def with_findings(self, findings: tuple[Finding, ...]) -> DataflowDocument:
        """A copy with ``findings`` appended (lint adds to what the parser found), sorted by line."""
        merged = tuple(sorted((*self.findings, *findings), key=lambda f: (f.line, f.code)))
        return DataflowDocument(
            self.path,
            self.title,
            self.source_system,
            self.target_system,
            self.generated,
            self.sections,
            merged,
        )

    def as_json(self) -> dict[str, Any]:
        """The machine-readable shape of ``talkqa parse --format json`` (other tools depend on it)."""
        return {
            "path": self.path,
            "title": self.title,
            "source_system": self.source_system,
            "target_system": self.target_system,
            "generated": self.generated,
            "sections": [section.as_json() for section in self.sections],
            "findings": [finding.as_json() for finding in self.findings],
        }
