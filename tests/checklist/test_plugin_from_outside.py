"""talkqa's pytest plugin, run from the outside as a project would use it: a fresh folder with a test
module (and maybe a feature of its own), plain ``pytest`` and the ``--talkqa-*`` options."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from checklist_helpers import BUNDLED_SPEC
from support import ROOT

from harness.dataflow.parser import parse_file
from harness.plugin import features_dir

pytest_plugins = ["pytester"]

#: A project's test module that binds the features of the spec under test (as steps/test_checklist.py does).
BINDS_OUR_FEATURES = """
from pytest_bdd import scenarios

from harness.plugin import features_dir

scenarios(str(features_dir()))
"""

#: The options every run here shares: no cache folder in the test's project; plain asserts (the checklist
#: fails through its own exceptions, so rewriting every harness module would only cost time).
QUIET = ("-p", "no:cacheprovider", "--assert=plain")


def _selected(pytester: pytest.Pytester, *args: str) -> list[pytest.Item]:
    """The items a run with ``args`` would run (collected, then selected by ``-m``)."""
    recorder = pytester.inline_run(*QUIET, "--collect-only", *args)
    [finished] = recorder.getcalls("pytest_collection_finish")
    return list(finished.session.items)


def _section_tags(item: pytest.Item) -> set[str]:
    return {mark.name for mark in item.iter_markers() if mark.name.startswith("section_")}


def test_a_project_binding_our_features_runs_them_under_plain_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    result = pytester.runpytest_inprocess(*QUIET, "-m", "section_1 and line_14 and create")
    result.assert_outcomes(passed=2, deselected=len(_selected(pytester)) - 2)


def test_the_spec_option_runs_the_checklist_of_another_spec(pytester: pytest.Pytester) -> None:
    # the seed-shaped spec: blank target system, empty tables filled from the bundled mapping file
    spec = ROOT / "fixtures" / "specs" / "exact-blank-target.rst"
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    result = pytester.runpytest_inprocess(*QUIET, f"--talkqa-spec={spec}", "-m", "section_1 and create")
    selected = _selected(pytester, f"--talkqa-spec={spec}", "-m", "section_1 and create")
    assert len(selected) == 2
    assert all({m.name for m in item.iter_markers()} >= {"create", "section_1", "target_blank"} for item in selected)
    result.assert_outcomes(passed=2, deselected=len(_selected(pytester, f"--talkqa-spec={spec}")) - 2)


def test_section_markers_split_the_checklist_into_its_sections(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    everything = _selected(pytester)
    counts = Counter(tag for item in everything for tag in _section_tags(item))
    assert sorted(counts) == ["section_1", "section_2", "section_3"]
    assert sum(counts.values()) == len(everything)  # every item belongs to exactly one section
    for section, count in counts.items():
        selected = _selected(pytester, "-m", section)
        assert len(selected) == count
        assert all(_section_tags(item) == {section} for item in selected)


def test_rule_kind_markers_combine_with_section_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    selected = _selected(pytester, "-m", "bidirectional and not section_3")
    assert selected
    assert all({m.name for m in item.iter_markers()} >= {"bidirectional", "talkqa"} for item in selected)
    assert {tag for item in selected for tag in _section_tags(item)} == {"section_1", "section_2"}


def test_a_pending_item_is_a_skip_with_the_pending_reason(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    result = pytester.runpytest_inprocess(*QUIET, "-rs", "-m", "section_1", "-k", "deliberate_clear")
    result.assert_outcomes(skipped=2, deselected=len(_selected(pytester)) - 2)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED*talkqa pending: no mapped property of this flow can be cleared in the source record*",
            "SKIPPED*talkqa pending: no mapped property of this flow can be cleared in the target record*",
        ],
        consecutive=False,
    )


def test_strict_turns_pending_items_into_failures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    result = pytester.runpytest_inprocess(*QUIET, "--talkqa-strict", "-m", "section_1", "-k", "deliberate_clear")
    result.assert_outcomes(failed=2, deselected=len(_selected(pytester)) - 2)
    result.stdout.fnmatch_lines(["*pending under --talkqa-strict: no mapped property of this flow can be cleared*"])


def test_the_report_dir_option_writes_the_four_reports(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    out = tmp_path / "reports"
    result = pytester.runpytest_inprocess(
        *QUIET, "--talkqa-report-dir", str(out), "-m", "section_1 and line_14 and create"
    )
    result.assert_outcomes(passed=2, deselected=len(_selected(pytester)) - 2)
    assert sorted(p.name for p in out.iterdir()) == ["checklist.html", "checklist.json", "cucumber.json", "junit.xml"]
    data = json.loads((out / "checklist.json").read_text(encoding="utf-8"))
    assert data["spec"]["path"] == str(BUNDLED_SPEC)
    # every section of the spec, in spec order, those with no selected item too
    assert [s["line"] for s in data["sections"]] == [s.line for s in parse_file(BUNDLED_SPEC).distinct_sections()]
    assert [i["status"] for i in data["sections"][0]["items"]] == ["passed", "passed"]
    assert data["summary"] == {"passed": 2, "failed": 0, "error": 0, "pending": 0, "skipped": 0}
    assert data["exit_code"] == 0
    suite = ET.parse(out / "junit.xml").getroot()
    assert len(suite.findall(".//testcase")) == 2
    assert len(json.loads((out / "cucumber.json").read_text(encoding="utf-8"))) == 3  # one feature per section


def test_a_project_can_run_its_own_feature_with_our_step_sentences(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".feature",
        mine="""
        Feature: Our shop's items reach Squarespace
          Background:
            Given the flow from "Exact Online" "Items" to "Squarespace" "Inventory" at spec line 12

          Scenario: A new item appears in the shop
            Given a new source record
            When a sync cycle runs
            Then a target record linked to the source record exists
            And every mapped property of the target record equals the source record's

          Scenario: A cycle with nothing new writes nothing
            Given a linked pair of source and target records
            And a sync cycle has run
            When a sync cycle runs
            Then no record was written on either side
        """,
    )
    pytester.makepyfile(test_mine='from pytest_bdd import scenarios\n\nscenarios("mine.feature")\n')
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=2)


def test_a_flow_the_spec_does_not_have_fails_and_says_how_to_fix_it(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".feature",
        mine="""
        Feature: A flow at the wrong line
          Scenario: A new item appears in the shop
            Given the flow from "Exact Online" "Items" to "Squarespace" "Inventory" at spec line 13
            And a new source record
        """,
    )
    pytester.makepyfile(test_mine='from pytest_bdd import scenarios\n\nscenarios("mine.feature")\n')
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the spec has no section*at line 13: regenerate the features from the spec*"])


def test_the_mock_fixtures_serve_any_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from harness.exact.client import ExactClient


        def test_exact(exact_mock, exact_clock):
            exact_mock.control.create_item({"Code": "TQ-1", "Description": "Mug"})
            settings = exact_mock.settings
            with ExactClient(
                "https://start.exactonline.nl",
                settings.client_id,
                settings.client_secret,
                settings.redirect_uri,
                clock=exact_clock,
            ) as client:
                client.login()
                assert [item["Code"] for item in client.list_all("logistics/Items")] == ["TQ-1"]


        def test_squarespace(squarespace_mock, squarespace_clock):
            assert squarespace_mock.clock is squarespace_clock
            product = squarespace_mock.control.create_product(name="Mug", sku="M-1")
            with squarespace_mock.control.client() as client:
                assert [p["id"] for p in client.products()] == [product["id"]]
        """
    )
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=2)


def _binary(path: Path) -> str:
    path.write_bytes(b"\x00\x01talkqa\x00")
    return str(path)


def _untitled(path: Path) -> str:
    path.write_text("Just some notes\nabout a dataflow\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--talkqa-spec", lambda tmp: str(tmp / "missing.rst"), "ERROR: talkqa: spec * does not exist*"),
        ("--talkqa-spec", lambda tmp: _binary(tmp / "binary.rst"), "ERROR: talkqa: *binary.rst*binary file*"),
        ("--talkqa-spec", lambda tmp: _untitled(tmp / "notes.rst"), "ERROR: talkqa: *notes.rst*has no title*"),
        ("--talkqa-mapping", lambda tmp: str(tmp / "missing.toml"), "ERROR: talkqa: mapping file * does not exist*"),
        ("--talkqa-sut", lambda tmp: "no_such_engine:make", "ERROR: talkqa: --sut 'no_such_engine:make': cannot*"),
        ("--talkqa-sut", lambda tmp: "cmd:/no/such/engine --once", "ERROR: talkqa: --sut *no program '/no/such/*"),
    ],
    ids=["missing-spec", "binary-spec", "untitled-spec", "missing-mapping", "unknown-factory", "missing-command"],
)
def test_an_unusable_option_is_a_one_line_usage_error(
    pytester: pytest.Pytester, tmp_path: Path, option: str, value: Callable[[Path], str], expected: str
) -> None:
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    result = pytester.runpytest_inprocess(*QUIET, option, value(tmp_path))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.strip()]
    assert len(errors) == 1, errors
    result.stderr.fnmatch_lines([expected])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_a_run_inside_a_session_gives_that_session_its_checklist_back(pytester: pytest.Pytester) -> None:
    ours = features_dir()  # this session's: the bundled spec's features
    pytester.makepyfile(test_our_checklist=BINDS_OUR_FEATURES)
    other = ROOT / "fixtures" / "specs" / "exact-blank-target.rst"
    result = pytester.runpytest_inprocess(*QUIET, "--collect-only", "--talkqa-spec", str(other))
    assert result.ret == pytest.ExitCode.OK
    assert features_dir() == ours
