"""checklist.json, junit.xml and cucumber.json, each read back by a parser and checked for shape and statuses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest
from report_helpers import synthetic_report

from harness.report import ItemResult, ItemStatus, RunReport, StepResult, render_cucumber, render_json, render_junit


@pytest.fixture
def report() -> RunReport:
    """The synthetic run of the bundled spec (why not in a conftest: see report_helpers)."""
    return synthetic_report()


STATUSES = {"passed", "failed", "pending", "skipped"}


# -- checklist.json ------------------------------------------------------------------------------


def test_json_holds_the_required_keys_at_every_level(report: RunReport) -> None:
    data = json.loads(render_json(report))
    assert {"spec", "seed", "sut", "sections", "findings", "assumed_mappings", "summary"} <= data.keys()
    assert data["spec"] == {"path": "fixtures/specs/exact-squarespace.rst", "title": report.spec.title}
    assert data["seed"] == 1234
    assert data["sut"]["name"] == "reference"
    assert [(s["title"], s["line"]) for s in data["sections"]] == [(s.title, s.line) for s in report.sections]
    for section in data["sections"]:
        assert {"title", "line", "items"} <= section.keys()
        for item in section["items"]:
            assert {"name", "status", "line", "reason", "duration_s"} <= item.keys()
            assert item["status"] in STATUSES
            assert isinstance(item["line"], int) and isinstance(item["duration_s"], float)
    assert data["summary"] == {"passed": 4, "failed": 2, "error": 0, "pending": 3, "skipped": 1}
    assert [f["code"] for f in data["findings"]] == ["TQ004", "TQ002"]
    assert data["findings"][0]["path"] == "fixtures/specs/exact-squarespace.rst"
    assert data["assumed_mappings"][0] == {
        "section": "Exact Online Salesorders to Squarespace Order",
        "section_line": 82,
        "source": "SalesOrderLines.Item",
        "target": "lineItems.variantId",
        "datatype": "string",
        "origin": "fixtures/mappings/exact-squarespace.toml:4",
    }


def test_json_items_keep_the_reason_of_pending_items(report: RunReport) -> None:
    items = json.loads(render_json(report))["sections"][2]["items"]
    assert [(i["status"], i["reason"]) for i in items] == [
        ("passed", None),
        ("pending", "the spec lists no properties for this flow"),
        ("pending", "no driver for this system: Squarespace orders cannot be edited through the Commerce API"),
    ]


# -- junit.xml -----------------------------------------------------------------------------------


def _junit(report: RunReport) -> ET.Element:
    return ET.fromstring(render_junit(report).encode("utf-8"))


def test_junit_has_one_testsuite_per_section_with_counts_that_match_its_testcases(report: RunReport) -> None:
    root = _junit(report)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [s.title for s in report.sections]
    for suite in suites:
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(1 for c in cases if c.find("failure") is not None))
        assert suite.get("skipped") == str(sum(1 for c in cases if c.find("skipped") is not None))
        assert suite.get("errors") == "0"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("10", "2", "4")


def test_junit_testcases_name_the_item_its_time_and_the_spec_line(report: RunReport) -> None:
    cases = _junit(report).findall("testsuite/testcase")
    assert [(c.get("name"), c.get("line"), c.get("time")) for c in cases] == [
        (i.name, str(i.line), f"{i.duration_s:.3f}") for i in report.items()
    ]
    assert {c.get("file") for c in cases} == {"fixtures/specs/exact-squarespace.rst"}
    assert cases[0].get("classname") == "exact-squarespace.Exact Online Items to Squarespace Inventory"


def test_junit_failure_holds_message_and_evidence_text(report: RunReport) -> None:
    failure = _junit(report).findall("testsuite/testcase/failure")[0]
    assert failure.get("message") == (
        "Squarespace Inventory quantity differs from Exact Online Items Stock after one sync cycle"
    )
    text = failure.text or ""
    assert '-   "quantity": 12,' in text and '+   "quantity": 11,' in text
    assert "squarespace: POST https://api.squarespace.com/1.0/commerce/inventory/adjustments -> 429" in text
    assert "Bearer ***" in text


def test_junit_pending_and_skipped_items_are_skipped_with_their_reason(report: RunReport) -> None:
    messages = [s.get("message") for s in _junit(report).findall("testsuite/testcase/skipped")]
    assert messages == [
        "skipped: deselected with -m 'not quiet'",
        "pending: a condition text the harness cannot evaluate: 'the later edit' on a DIGITAL product",
        "pending: the spec lists no properties for this flow",
        "pending: no driver for this system: Squarespace orders cannot be edited through the Commerce API",
    ]


def test_junit_in_strict_mode_fails_required_pending_items_like_the_exit_code(report: RunReport) -> None:
    root = _junit(replace(report, strict=True))
    pending = [f.get("message") for f in root.findall("testsuite/testcase/failure") if f.get("type") == "pending"]
    assert pending == [
        "pending (strict): the spec lists no properties for this flow",
        "pending (strict): no driver for this system: Squarespace orders cannot be edited through the Commerce API",
    ]
    assert (root.get("failures"), root.get("skipped")) == ("4", "2")  # the optional pending item stays skipped


def test_junit_survives_characters_xml_cannot_hold(report: RunReport) -> None:
    section = report.sections[0]
    odd = ItemResult("Code \x00\x1b[31m with control characters", ItemStatus.PASSED, 14)
    root = _junit(replace(report, sections=(replace(section, items=(odd,)),)))
    assert root.find("testsuite/testcase").get("name") == "Code \ufffd\ufffd[31m with control characters"


# -- cucumber.json -------------------------------------------------------------------------------


def _derived(element: dict[str, Any]) -> str:
    """The scenario status a Cucumber tool derives from step and hook results."""
    results = [s["result"]["status"] for s in element["steps"]] + [
        h["result"]["status"] for h in element.get("after", [])
    ]
    for status in ("failed", "pending", "skipped"):
        if status in results:
            return status
    return "passed"


def test_cucumber_has_one_feature_per_section_with_scenarios_at_their_spec_lines(report: RunReport) -> None:
    features = json.loads(render_cucumber(report))
    assert [(f["keyword"], f["name"], f["line"], f["uri"]) for f in features] == [
        ("Feature", s.title, s.line, "fixtures/specs/exact-squarespace.rst") for s in report.sections
    ]
    for feature, section in zip(features, report.sections, strict=True):
        assert [(e["type"], e["keyword"], e["name"], e["line"]) for e in feature["elements"]] == [
            ("scenario", "Scenario", i.name, i.line) for i in section.items
        ]
        assert len({e["id"] for e in feature["elements"]}) == len(section.items)
    assert len({f["id"] for f in features}) == 3


def test_cucumber_scenarios_carry_our_status_through_their_steps(report: RunReport) -> None:
    elements = [e for f in json.loads(render_cucumber(report)) for e in f["elements"]]
    assert [_derived(e) for e in elements] == [i.status.value for i in report.items()]
    for element in elements:
        for step in element["steps"]:
            assert step["result"]["status"] in STATUSES
            assert isinstance(step["result"]["duration"], int)


def test_cucumber_steps_report_nanoseconds_and_the_failing_step_holds_the_evidence(report: RunReport) -> None:
    edit = json.loads(render_cucumber(report))[0]["elements"][1]
    assert [(s["keyword"], s["result"]["status"], s["result"]["duration"]) for s in edit["steps"]] == [
        ("Given ", "passed", 300_000_000),
        ("When ", "passed", 0),
        ("And ", "passed", 1_100_000_000),
        ("Then ", "failed", 100_000_000),
    ]
    assert '+   "quantity": 11,' in edit["steps"][3]["result"]["error_message"]
    assert "after" not in edit


def test_cucumber_an_item_without_steps_gets_one_step_with_its_status_and_reason(report: RunReport) -> None:
    pending = json.loads(render_cucumber(report))[2]["elements"][1]
    assert pending["steps"] == [
        {
            "keyword": "Then ",
            "name": pending["name"],
            "line": 88,
            "match": {"location": "fixtures/specs/exact-squarespace.rst:88"},
            "result": {
                "status": "pending",
                "duration": 0,
                "error_message": "the spec lists no properties for this flow",
            },
        }
    ]


def test_cucumber_a_failure_after_the_last_step_is_carried_by_an_after_hook(report: RunReport) -> None:
    section = report.sections[0]
    failed = replace(
        section.items[1],
        steps=tuple(replace(s, status=ItemStatus.PASSED) for s in section.items[1].steps),
    )
    element = json.loads(render_cucumber(replace(report, sections=(replace(section, items=(failed,)),))))[0][
        "elements"
    ][0]
    assert [s["result"]["status"] for s in element["steps"]] == ["passed"] * 4
    assert element["after"][0]["result"]["status"] == "failed"
    assert "quantity differs" in element["after"][0]["result"]["error_message"]
    assert _derived(element) == "failed"


@pytest.mark.parametrize("tags", [("exact-online-items",), ("@exact-online-items",)])
def test_cucumber_tags_are_prefixed_once(report: RunReport, tags: tuple[str, ...]) -> None:
    section = report.sections[0]
    item = ItemResult(
        "tagged", ItemStatus.PASSED, 14, tags=tags, steps=(StepResult("Given", "x", 3, ItemStatus.PASSED),)
    )
    element = json.loads(render_cucumber(replace(report, sections=(replace(section, items=(item,)),))))[0]["elements"][
        0
    ]
    assert element["tags"] == [{"name": "@exact-online-items", "line": 14}]
