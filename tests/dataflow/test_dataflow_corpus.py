"""The whole published corpus (../shared/corpus/technical): the counts the issue states, and docutils as
the oracle of every table row. Skipped, with the reason, where the corpus is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils_oracle import DocutilsSections, sections_of_all
from support import CORPUS

from harness.dataflow import codes
from harness.dataflow.lint import lint_file
from harness.dataflow.model import PLAIN_DATATYPES, DataflowDocument

CORPUS_FILES = sorted(CORPUS.glob("*.rst")) if CORPUS.is_dir() else []
ABSENT = pytest.mark.skip(reason=f"{CORPUS} is absent: these tests read the shared corpus (../shared)")


@pytest.fixture(scope="session")
def corpus(corpus_dir: Path) -> dict[str, DataflowDocument]:
    """Every corpus document, parsed and linted once (none may raise)."""
    return {path.name: lint_file(path) for path in sorted(corpus_dir.glob("*.rst"))}


@pytest.fixture(scope="session")
def docutils_sections(corpus_dir: Path) -> dict[str, DocutilsSections]:
    """docutils' view of every corpus document, computed once for the session."""
    paths = [str(path) for path in sorted(corpus_dir.glob("*.rst"))]
    return {Path(path).name: found for path, found in sections_of_all(paths).items()}


# -- the counts -------------------------------------------------------------------------------------------
def test_the_corpus_holds_1152_documents(corpus: dict[str, DataflowDocument]) -> None:
    assert len(corpus) == 1152


def test_the_corpus_holds_4557_flow_sections(corpus: dict[str, DataflowDocument]) -> None:
    assert sum(len(d.sections) for d in corpus.values()) == 4557


def test_every_section_of_the_corpus_has_a_three_column_table(corpus: dict[str, DataflowDocument]) -> None:
    assert sum(s.has_property_table for d in corpus.values() for s in d.sections) == 4557


def test_the_corpus_holds_8472_property_rows(corpus: dict[str, DataflowDocument]) -> None:
    assert sum(len(s.properties) for d in corpus.values() for s in d.sections) == 8472


def test_2470_sections_of_the_corpus_have_no_property_rows(corpus: dict[str, DataflowDocument]) -> None:
    assert sum(not s.properties for d in corpus.values() for s in d.sections) == 2470


def test_the_corpus_holds_380_merge_criterion_rows(corpus: dict[str, DataflowDocument]) -> None:
    assert sum(len(s.merge_criteria) for d in corpus.values() for s in d.sections) == 380


def test_150_documents_repeat_a_section_word_for_word_and_lint_says_so(corpus: dict[str, DataflowDocument]) -> None:
    repeating = {name for name, d in corpus.items() if len(d.distinct_sections()) < len(d.sections)}
    reported = {name for name, d in corpus.items() if any(f.code == codes.DUPLICATE_SECTION.code for f in d.findings)}
    assert len(repeating) == 150
    assert reported == repeating


def test_32_documents_leave_the_target_blank_and_lint_says_so(corpus: dict[str, DataflowDocument]) -> None:
    blank = {name for name, d in corpus.items() if not d.target_system}
    reported = {name for name, d in corpus.items() if any(f.code == codes.BLANK_TITLE_SYSTEM.code for f in d.findings)}
    assert len(blank) == 32
    assert reported == blank


def test_the_corpus_data_types_are_all_plain(corpus: dict[str, DataflowDocument]) -> None:
    counts: dict[str, int] = {}
    for document in corpus.values():
        for section in document.sections:
            for row in section.properties:
                counts[row.datatype] = counts.get(row.datatype, 0) + 1
    assert counts == {"string": 7623, "integer": 431, "N/A": 336, "float": 68, "boolean": 14}
    assert set(counts) <= PLAIN_DATATYPES


def test_no_corpus_sentence_is_unknown(corpus: dict[str, DataflowDocument]) -> None:
    unknown = [
        (name, f.line) for name, d in corpus.items() for f in d.findings if f.code == codes.UNKNOWN_SENTENCE.code
    ]
    assert unknown == []


def test_every_corpus_section_title_splits_into_the_document_systems_but_seven(
    corpus: dict[str, DataflowDocument],
) -> None:
    mismatched = sorted(
        (name, f.line) for name, d in corpus.items() for f in d.findings if f.code == codes.SYSTEMS_MISMATCH.code
    )
    assert [name for name, _ in mismatched] == [
        "businesscentral-exact.rst",
        "businesscentral-salesforce.rst",
        "exact-salesforce.rst",
        "powerofficego-exact.rst",
        "powerofficego-salesforce.rst",
        "salesforce-exact.rst",
        "youtrack-youtrack.rst",
    ]


# -- docutils as the oracle ----------------------------------------------------------------------------
_QUOTED = re.compile(r'"(.*)"')
_NOTE = re.compile(r"(.+?) \((.*)\)")


def expected_property(cells: list[str]) -> tuple[str, str, str, str | None]:
    """A three-column docutils row as the model should hold it: note split off, plain types unquoted."""
    source, target, datatype = cells
    note: str | None = None
    noted = _NOTE.fullmatch(target)
    if noted is not None:
        target, note = noted.group(1).rstrip(), noted.group(2).strip()
    quoted = _QUOTED.fullmatch(datatype)
    if quoted is not None and quoted.group(1) in PLAIN_DATATYPES:
        datatype = quoted.group(1)
    return source, target, datatype, note


@pytest.mark.parametrize(
    "path", CORPUS_FILES or [pytest.param(None, marks=ABSENT)], ids=lambda p: p.name if p else "corpus"
)
def test_docutils_sees_the_same_sections_and_table_rows(
    path: Path,
    corpus: dict[str, DataflowDocument],
    docutils_sections: dict[str, DocutilsSections],
) -> None:
    document = corpus[path.name]
    oracle = docutils_sections[path.name]
    ours = [
        (
            section.title,
            [(p.source, p.target, p.datatype, p.note) for p in section.properties],
            [(m.source, m.target) for m in section.merge_criteria],
        )
        for section in document.sections
    ]
    theirs = [
        (
            title,
            [expected_property(row) for columns, rows in tables if columns == 3 for row in rows],
            [(row[0], row[1]) for columns, rows in tables if columns == 2 for row in rows],
        )
        for title, tables in oracle
    ]
    assert all(columns in (2, 3) for _, tables in oracle for columns, _ in tables)
    assert ours == theirs
