"""The stable finding codes of ``talkqa parse`` and ``talkqa lint``: code, severity, one-line summary.

Codes never change meaning once released; a retired code is not reused. Severity ``error`` is kept for
what makes the checklist wrong or impossible; ``warning`` for what a person should fix but the checklist
can live with; ``info`` for facts worth knowing. The errors, and why:

    TQ001  untitled text: there are no systems to check (``parse_file`` refuses such a file outright)
    TQ012  a row with a cell too few or too many: a cell was lost or guessed, so the row may test the wrong thing
    TQ013  a table cut short: rows are missing, so the checklist is incomplete without saying so
    TQ015  a table of neither two nor three columns: its rows are dropped
    TQ030  a property the system does not have: the checklist item can never pass
    TQ032  a read-only field as target of a one-way section: no sync can ever write it

A document with no flow sections (TQ006) is only a warning: 233 published documents are like that
(no flows between those two systems), and an empty checklist is not a wrong one.

    TQ001-TQ019  document structure, sentences, tables (the parser reports these)
    TQ020-TQ029  systems, repeats, property tables (lint; TQ020 the parser, which reads the title)
    TQ030-TQ039  field metadata of the systems we know, Exact Online so far (lint)
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.dataflow.model import Finding, Severity

__all__ = [
    "ANNOUNCED_TABLE_MISSING",
    "BAD_TITLE",
    "BLANK_SECTION_SYSTEM",
    "BLANK_TITLE_SYSTEM",
    "CODES",
    "CONDITION_WITHOUT_SUBJECT",
    "DUPLICATE_SECTION",
    "EMPTY_PROPERTY_TABLE",
    "FIELD_INTERPLAY",
    "FIELD_NOT_WRITABLE",
    "FIELD_ONE_WAY",
    "FINDINGS_SUPPRESSED",
    "LEGACY_DATATYPE",
    "MALFORMED_ROW",
    "MISSING_UNDERLINE",
    "NOT_PLAIN_DATATYPE",
    "NO_FIELD_METADATA",
    "NO_GENERATED",
    "NO_HEADER_ROWS",
    "NO_SECTIONS",
    "NO_SENTENCES",
    "NO_TITLE",
    "REPEATED_TITLE",
    "SHORT_UNDERLINE",
    "STRAY_TEXT",
    "SYSTEMS_MISMATCH",
    "TABLE_CUT_SHORT",
    "TARGET_NOTE",
    "UNKNOWN_FIELD",
    "UNKNOWN_SENTENCE",
    "UNSUPPORTED_TABLE",
    "FindingCode",
    "shorten",
]


@dataclass(frozen=True)
class FindingCode:
    """One entry of the code table; ``at`` makes a finding of it."""

    code: str
    severity: Severity
    summary: str

    def at(self, line: int, message: str) -> Finding:
        return Finding(self.code, self.severity, line, message)


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

# -- the parser ------------------------------------------------------------------------------
NO_TITLE = FindingCode("TQ001", _E, "no '=' underlined title: the text is no dataflow document")
BAD_TITLE = FindingCode("TQ002", _W, "the title does not read '<Source> to <Target> Dataflow'")
NO_GENERATED = FindingCode("TQ003", _I, "no 'Generated: <timestamp>' line")
SHORT_UNDERLINE = FindingCode("TQ004", _W, "a title's underline is shorter than the title")
MISSING_UNDERLINE = FindingCode("TQ005", _W, "a section title without its '-' underline (taken as a section)")
NO_SECTIONS = FindingCode("TQ006", _W, "the document has no flow sections: the checklist is empty")
NO_SENTENCES = FindingCode("TQ007", _W, "a flow section holds no sentences")
UNKNOWN_SENTENCE = FindingCode("TQ008", _W, "a sentence of no known form (kept as an 'unknown' rule)")
CONDITION_WITHOUT_SUBJECT = FindingCode("TQ009", _W, "a conditional sentence that does not name its source records")
SYSTEMS_MISMATCH = FindingCode("TQ010", _W, "a section title whose systems do not match the document title")
ANNOUNCED_TABLE_MISSING = FindingCode("TQ011", _W, "a sentence announces a table that does not follow")
MALFORMED_ROW = FindingCode("TQ012", _E, "a table row with the wrong number of cells (data lost or guessed)")
TABLE_CUT_SHORT = FindingCode("TQ013", _E, "a table cut short: the document ends inside it")
STRAY_TEXT = FindingCode("TQ014", _W, "text inside a table that is no row or cell (ignored)")
UNSUPPORTED_TABLE = FindingCode("TQ015", _E, "a table with neither two nor three columns (rows dropped)")
NO_HEADER_ROWS = FindingCode("TQ016", _W, "a list-table without ':header-rows: 1'")
FINDINGS_SUPPRESSED = FindingCode("TQ017", _I, "more findings of one code than are worth printing")

# -- lint: systems, repeats, property tables --------------------------------------------------
BLANK_TITLE_SYSTEM = FindingCode("TQ020", _W, "the document title leaves a system name blank")
BLANK_SECTION_SYSTEM = FindingCode("TQ021", _W, "a section leaves blank a system the document title names")
DUPLICATE_SECTION = FindingCode("TQ022", _W, "a section repeated word for word")
REPEATED_TITLE = FindingCode("TQ023", _W, "a section title repeated with different content")
EMPTY_PROPERTY_TABLE = FindingCode("TQ024", _W, "a flow section lists no properties")
NOT_PLAIN_DATATYPE = FindingCode("TQ025", _W, "a data type that is not a plain type (kept raw)")
LEGACY_DATATYPE = FindingCode("TQ026", _I, "a data type only older generations of the documents use")
TARGET_NOTE = FindingCode("TQ027", _I, "a target cell carries a note: the row applies only under a condition")

# -- lint: field metadata ----------------------------------------------------------------------
UNKNOWN_FIELD = FindingCode("TQ030", _E, "a mapped property that the system does not have")
FIELD_ONE_WAY = FindingCode("TQ031", _W, "a read-only source field in a flow promised to sync both ways")
FIELD_NOT_WRITABLE = FindingCode("TQ032", _E, "a read-only field as the target: it can never be written")
NO_FIELD_METADATA = FindingCode("TQ033", _I, "a type of a known system whose fields we have no metadata for")
FIELD_INTERPLAY = FindingCode("TQ034", _W, "one source field mapped by several rows that would fight: one row wins")


def shorten(text: str, width: int = 80) -> str:
    """Spec text as a message quotes it: cut to ``width`` characters."""
    return text if len(text) <= width else text[: width - 3] + "..."


#: Every code, by its ``TQnnn``.
CODES: dict[str, FindingCode] = {
    entry.code: entry for entry in globals().copy().values() if isinstance(entry, FindingCode)
}
