"""``talkqa parse`` and ``talkqa lint`` from the outside: output shapes and exit codes."""

from __future__ import annotations

import json
import re

import pytest
from support import FIXTURES

from harness.cli import main

SPECS = FIXTURES / "specs"
BUNDLED = SPECS / "exact-squarespace.rst"
BLANK_TARGET = SPECS / "exact-blank-target.rst"
BROKEN = SPECS / "broken"

DOCUMENT_KEYS = ["path", "title", "source_system", "target_system", "generated", "sections", "findings"]
SECTION_KEYS = [
    "title",
    "line",
    "source_system",
    "source_type",
    "target_system",
    "target_type",
    "rules",
    "properties",
    "merge_criteria",
]
RULE_KEYS = ["kind", "line", "text"]
PROPERTY_KEYS = ["source", "target", "datatype", "note", "line"]
MERGE_KEYS = ["source", "target", "line"]
FINDING_KEYS = ["code", "severity", "line", "message"]
LINT_LINE = re.compile(
    r"(?P<path>.+):(?P<line>\d+): (?P<code>TQ\d{3}) (?P<severity>error|warning|info): (?P<message>.+)"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.splitlines()


def test_parse_json_prints_one_object_per_file_with_exactly_the_documented_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "parse", "--format", "json", str(BUNDLED), str(BLANK_TARGET))
    assert status == 0
    assert len(out) == 2
    documents = [json.loads(line) for line in out]
    assert [d["path"] for d in documents] == [str(BUNDLED), str(BLANK_TARGET)]
    for document in documents:
        assert list(document) == DOCUMENT_KEYS
        for section in document["sections"]:
            assert list(section) == SECTION_KEYS
            assert all(list(rule) == RULE_KEYS for rule in section["rules"])
            assert all(list(row) == PROPERTY_KEYS for row in section["properties"])
            assert all(list(row) == MERGE_KEYS for row in section["merge_criteria"])
        assert all(list(finding) == FINDING_KEYS for finding in document["findings"])


def test_parse_json_holds_the_values_of_the_bundled_spec(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "parse", "--format", "json", str(BUNDLED))
    document = json.loads(out[0])
    assert (document["title"], document["source_system"], document["target_system"], document["generated"]) == (
        "Exact Online to Squarespace Dataflow",
        "Exact Online",
        "Squarespace",
        "2025-03-14 09:30:00",
    )
    inventory = document["sections"][0]
    assert inventory["title"] == "Exact Online Items to Squarespace Inventory"
    assert [r["kind"] for r in inventory["rules"]] == ["create", "bidirectional", "properties"]
    assert inventory["properties"][0] == {
        "source": "Code",
        "target": "sku",
        "datatype": "string",
        "note": None,
        "line": 26,
    }
    assert document["sections"][1]["merge_criteria"] == [{"source": "Code", "target": "variants.sku", "line": 49}]


def test_parse_json_keeps_duplicates_and_blank_systems(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "parse", "--format", "json", str(BLANK_TARGET))
    document = json.loads(out[0])
    assert document["target_system"] == ""
    assert [s["title"] for s in document["sections"]] == [
        "Exact Online Items to  Inventory",
        "Exact Online Items to  Inventory",
        "Exact Online Items to  Sesamproducts",
        "Exact Online Salesorders to  Order",
    ]
    assert {s["target_system"] for s in document["sections"]} == {""}


def test_parse_text_summarises_each_document(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "parse", str(BLANK_TARGET))
    assert status == 0
    assert out[0].startswith(f"{BLANK_TARGET}: 'Exact Online to  Dataflow': 4 sections (3 distinct), 0 property rows")


def test_lint_text_prints_one_finding_per_line_and_exits_0_without_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "lint", str(BUNDLED))
    assert status == 0
    matches = [LINT_LINE.fullmatch(line) for line in out]
    assert all(matches)
    assert [(m["path"], m["code"], m["severity"]) for m in matches if m] == [(str(BUNDLED), "TQ031", "warning")] * 3
    assert err == ["talkqa lint: 0 errors, 3 warnings, 0 notes in 1 file(s)"]


def test_lint_exits_1_when_a_finding_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "lint", str(BUNDLED), str(BROKEN / "exact-fields.rst"))
    assert status == 1
    assert any(" TQ030 error: " in line for line in out)


def test_lint_exits_2_when_a_file_is_unreadable_even_beside_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "lint", str(BROKEN / "exact-fields.rst"), str(BROKEN / "latin1.rst"))
    assert status == 2
    assert err[0].startswith(f"talkqa: {BROKEN / 'latin1.rst'}:10: is not UTF-8")


def test_lint_json_prints_one_object_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "lint", "--format", "json", str(BLANK_TARGET), str(BROKEN / "latin1.rst"))
    assert status == 2
    linted, unreadable = (json.loads(line) for line in out)
    assert list(linted) == ["path", "findings"]
    assert [f["code"] for f in linted["findings"]] == ["TQ020", "TQ024", "TQ022", "TQ024", "TQ024"]
    assert all(list(f) == FINDING_KEYS for f in linted["findings"])
    assert unreadable["path"] == str(BROKEN / "latin1.rst")
    assert unreadable["error"].startswith("is not UTF-8")
