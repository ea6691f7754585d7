"""The bundled checklist, run for real with ``talkqa run`` — once on one process and once on two
(pytest-xdist) — and the reports that run writes, read back: checklist.html parsed with html.parser,
checklist.json against the shape other tools rely on, junit.xml and cucumber.json parsed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from checklist_helpers import BUNDLED_SPEC, Element, Run, StartedRun, parse_page

from harness.dataflow.parser import parse_file

SEED = 3  #: not the default, so the report must show the seed it was given
STATUSES = {"passed", "failed", "error", "pending", "skipped"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    """The serial run and the run on two workers, side by side (the results cannot depend on timing:
    every scenario runs on its own virtual clock)."""
    serial = StartedRun(tmp_path_factory.mktemp("serial"), ("--seed", str(SEED)), None)
    parallel = StartedRun(tmp_path_factory.mktemp("parallel"), ("--seed", str(SEED), "-n", "2"), None)
    return serial.finish(), parallel.finish()


@pytest.fixture(scope="module")
def serial(runs: tuple[Run, Run]) -> Run:
    return runs[0]


@pytest.fixture(scope="module")
def parallel(runs: tuple[Run, Run]) -> Run:
    return runs[1]


@pytest.fixture(scope="module")
def page(serial: Run) -> Element:
    return parse_page((serial.report_dir / "checklist.html").read_text(encoding="utf-8"))


def test_the_bundled_checklist_passes_every_required_item_and_exits_0(serial: Run) -> None:
    assert serial.exit_code == 0, serial.stdout[-3000:] + serial.stderr
    summary = serial.json["summary"]
    assert summary["failed"] == 0
    assert summary["passed"] > 0
    # the summary line talkqa run prints is the report's
    assert (
        f"talkqa run: {summary['passed']} passed, 0 failed, {summary['pending']} pending, "
        f"{summary['skipped']} skipped" in serial.stdout
    )


def test_every_pending_item_says_why(serial: Run) -> None:
    pending = [item for item in serial.items() if item["status"] == "pending"]
    assert pending
    assert all(item["reason"] and not item["reason"].startswith("talkqa pending") for item in pending)


def test_two_workers_give_the_same_results_item_by_item(serial: Run, parallel: Run) -> None:
    assert parallel.exit_code == serial.exit_code == 0, parallel.stdout[-3000:] + parallel.stderr
    one = {item["node_id"]: (item["status"], item["reason"]) for item in serial.items()}
    two = {item["node_id"]: (item["status"], item["reason"]) for item in parallel.items()}
    assert len(one) == sum(serial.json["summary"].values())
    assert sorted(one) == sorted(two)
    assert {node: result for node, result in two.items() if one[node] != result} == {}
    # and the report lists them in the same order, section by section
    assert [item["node_id"] for item in serial.items()] == [item["node_id"] for item in parallel.items()]


def test_checklist_json_has_the_shape_tools_rely_on(serial: Run) -> None:
    data = serial.json
    assert data["spec"] == {"path": str(BUNDLED_SPEC), "title": "Exact Online to Squarespace Dataflow"}
    assert data["seed"] == SEED
    assert data["sut"]["name"] == "reference"
    assert isinstance(data["findings"], list)
    assert isinstance(data["assumed_mappings"], list)
    counts: Counter[str] = Counter()
    for section in data["sections"]:
        assert isinstance(section["title"], str) and isinstance(section["line"], int)
        for item in section["items"]:
            assert {"name", "status", "line", "reason", "duration_s"} <= set(item)
            assert item["status"] in STATUSES
            assert isinstance(item["line"], int) and item["line"] > 0
            assert isinstance(item["duration_s"], float) and item["duration_s"] >= 0
            assert (item["reason"] is None) == (item["status"] == "passed")
            counts[item["status"]] += 1
    assert data["summary"] == {status: counts[status] for status in ("passed", "failed", "error", "pending", "skipped")}


def test_every_item_cites_a_line_of_its_own_section(serial: Run) -> None:
    document = parse_file(BUNDLED_SPEC)
    sections = document.distinct_sections()
    bounds = [section.line for section in sections] + [10**9]
    for index, section in enumerate(serial.json["sections"]):
        assert (section["title"], section["line"]) == (sections[index].title, sections[index].line)
        assert section["items"], f"no item ran for {section['title']}"
        for item in section["items"]:
            assert bounds[index] <= item["line"] < bounds[index + 1], item["name"]


def test_the_html_report_has_one_block_per_section_in_spec_order(serial: Run, page: Element) -> None:
    blocks = page.all("section", "flow")
    expected = [(s["title"], s["line"]) for s in serial.json["sections"]]
    assert [(b.one("h2").text(), int(b.attrs["data-line"] or 0)) for b in blocks] == expected


def test_the_html_report_shows_every_item_with_its_status_line_and_reason(serial: Run, page: Element) -> None:
    for block, section in zip(page.all("section", "flow"), serial.json["sections"], strict=True):
        shown = block.all("li", "item")
        assert len(shown) == len(section["items"])
        for li, item in zip(shown, section["items"], strict=True):
            assert li.attrs["data-status"] == item["status"]
            assert li.one(cls="item-head").one(cls="status").text() == item["status"].upper()
            assert li.one("h3", "item-name").text() == " ".join(item["name"].split())
            assert li.one("dd", "line").text() == str(item["line"])
            if item["status"] == "pending":
                assert li.one("p", "reason").text() == " ".join(item["reason"].split())


def test_the_html_summary_counts_what_the_blocks_show(serial: Run, page: Element) -> None:
    summary = page.one("table", "summary")
    totals = {
        td.attrs["data-status"]: int(td.text())
        for tr in summary.all("tr")
        if tr.attrs.get("data-section-line") == "all"
        for td in tr.all("td")
    }
    assert totals == {**serial.json["summary"], "total": sum(serial.json["summary"].values())}
    shown = Counter(li.attrs["data-status"] for li in page.all("li", "item"))
    assert {status: shown[status] for status in serial.json["summary"]} == serial.json["summary"]


def test_the_html_report_shows_the_seeds_and_the_replay_command(page: Element) -> None:
    assert page.one("dd", "seed-run").text() == str(SEED)
    assert page.one("dd", "seed-faker").text() == str(SEED)
    replay = page.one("code", "replay").text()
    assert replay.startswith("talkqa run ")
    assert f"--seed {SEED}" in replay


def test_the_html_report_uses_no_external_asset(page: Element) -> None:
    [script] = page.all("script")  # the filters: inline, nothing loaded
    assert "src" not in script.attrs
    assert page.all("link") == []
    assert page.all("img") == [] and page.all("iframe") == []
    for element in page.iter():
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            value = element.attrs.get(name)
            assert value is None or value.startswith("#"), f"<{element.tag} {name}={value!r}>"
    style = " ".join(s.text() for s in page.all("style"))
    assert "url(" not in style and "@import" not in style


def test_every_item_has_its_own_name_in_all_four_reports(serial: Run, page: Element) -> None:
    names = [item["name"] for item in serial.items()]
    assert len(set(names)) == len(names)
    assert sum(1 for name in names if name.startswith("When both sides are edited, the later edit wins")) == 6
    assert [h.text() for h in page.all("h3", "item-name")] == [" ".join(name.split()) for name in names]
    cases = ET.parse(serial.report_dir / "junit.xml").getroot().findall(".//testcase")
    assert [case.get("name") for case in cases] == names
    features = json.loads((serial.report_dir / "cucumber.json").read_text(encoding="utf-8"))
    elements = [element for feature in features for element in feature["elements"]]
    assert [element["name"] for element in elements] == names
    assert len({element["id"] for element in elements}) == len(elements)


def test_the_run_level_replay_keeps_the_options_that_shaped_the_run(serial: Run) -> None:
    replay = serial.json["replay"]
    assert replay[:2] == ["talkqa", "run"]
    assert replay[replay.index("--seed") + 1] == str(SEED) and replay[replay.index("--examples") + 1] == "10"


def test_junit_xml_holds_one_testcase_per_item(serial: Run) -> None:
    root = ET.parse(serial.report_dir / "junit.xml").getroot()
    cases = root.findall(".//testcase")
    summary = serial.json["summary"]
    assert len(cases) == sum(summary.values())
    assert sum(1 for case in cases if case.find("failure") is not None) == summary["failed"] == 0
    assert sum(1 for case in cases if case.find("skipped") is not None) == summary["pending"] + summary["skipped"]


def test_cucumber_json_holds_one_feature_per_section(serial: Run) -> None:
    features = json.loads((serial.report_dir / "cucumber.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in features] == [s["title"] for s in serial.json["sections"]]
    assert sum(len(f["elements"]) for f in features) == sum(serial.json["summary"].values())
