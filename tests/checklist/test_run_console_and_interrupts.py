"""What ``talkqa run`` prints and what an interrupted run leaves: one line per failed item and a summary
(pytest's tracebacks only with -v); SIGINT to the run, or SIGTERM to its pytest child, leaves a report
marked interrupted with the items that finished — never the previous run's files — and exits 130; a
failure while a scenario is set up is an error, not a failed check."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from checklist_helpers import HERE, TALKQA, Run, parse_page, talkqa_run
from support import ROOT

pytest_plugins = ["pytester"]

CANNOT_START = ("--sut", "checklist_helpers:engine_that_cannot_start", "-m", "section_1 and line_14")


def test_verbose_shows_pytests_own_tracebacks(tmp_path: Path) -> None:
    # (the quiet console of the same run is test_run_exit_codes's engine-that-cannot-start test)
    run = talkqa_run(tmp_path, *CANNOT_START, "-v")
    assert run.exit_code == 1
    assert [line for line in run.stdout.splitlines() if line.startswith("E   ")]
    assert "PASSED" in run.stdout or "FAILED" in run.stdout


def _old_run(report_dir: Path) -> None:
    """What a previous run left in the folder, and a file of the user's own."""
    report_dir.mkdir(parents=True)
    for name in ("checklist.html", "checklist.json", "junit.xml", "cucumber.json"):
        (report_dir / name).write_text("the previous run: 49 passed\n", encoding="utf-8")
    (report_dir / "README").write_text("ours\n", encoding="utf-8")


def _start(report_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent)])}
    return subprocess.Popen(
        [str(TALKQA), "run", "--report-dir", str(report_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        start_new_session=True,  # its own process group, as a terminal's job is
    )


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        pytest.skip("no /proc/<pid>/task/<pid>/children here: cannot find the pytest child")
    return [int(word) for word in path.read_text().split()]


def _assert_interrupted(process: subprocess.Popen[str], report_dir: Path) -> None:
    stdout, stderr = process.communicate(timeout=120)
    run = Run(process.returncode, stdout, stderr, report_dir)
    assert run.exit_code == 130, stdout[-2000:] + stderr
    data = run.json
    assert data["interrupted"] is True and data["exit_code"] == 130
    assert data["verdict"].startswith("interrupted: ")
    assert data["planned"] > 69  # the whole bundled checklist was selected ...
    assert sum(data["summary"].values()) < data["planned"]  # ... and not all of it finished
    for name in ("checklist.html", "junit.xml", "cucumber.json"):
        assert "the previous run" not in (report_dir / name).read_text(encoding="utf-8"), name
    assert (report_dir / "README").read_text(encoding="utf-8") == "ours\n"
    assert [p.name for p in report_dir.parent.iterdir() if p.name.startswith(".")] == []  # no staging folder left
    page = parse_page((report_dir / "checklist.html").read_text(encoding="utf-8"))
    assert page.one("p", "verdict").text().startswith("INTERRUPTED — exit code 130")
    assert page.one("p", "interrupted").text().startswith("The run was interrupted")


def test_ctrl_c_leaves_a_report_marked_interrupted_and_no_previous_file(tmp_path: Path) -> None:
    report_dir = tmp_path / "out" / "reports"
    _old_run(report_dir)
    process = _start(report_dir)
    time.sleep(5)  # collected, some items run
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _assert_interrupted(process, report_dir)


def test_sigterm_to_the_pytest_child_leaves_a_report_marked_interrupted(tmp_path: Path) -> None:
    report_dir = tmp_path / "out" / "reports"
    _old_run(report_dir)
    process = _start(report_dir)
    time.sleep(5)
    [child] = _children(process.pid)
    os.kill(child, signal.SIGTERM)
    _assert_interrupted(process, report_dir)


# -- a setup failure is an error ------------------------------------------------------------------------------
FEATURE = """\
@section_1 @line_14
Feature: Arranging can fail

  Scenario: The world cannot be arranged
    Given the records cannot be arranged
    When nothing happens
    Then nothing is checked

  Scenario: A check fails
    Given the records are arranged
    When nothing happens
    Then the check finds a difference
"""

STEPS = """\
from pytest_bdd import given, scenarios, then, when

from harness.checklist.outcomes import ChecklistFailure

scenarios("arranging.feature")


@given("the records cannot be arranged")
def cannot_arrange():
    raise RuntimeError("the fixture data is missing")


@given("the records are arranged")
def arranged():
    pass


@when("nothing happens")
def nothing():
    pass


@then("nothing is checked")
def unchecked():
    pass


@then("the check finds a difference")
def difference():
    raise ChecklistFailure("quantity differs", expected=12, actual=11)
"""


def test_a_failing_given_is_an_error_and_a_failing_then_a_failure(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makefile(".feature", arranging=FEATURE)
    pytester.makepyfile(test_arranging=STEPS)
    out = tmp_path / "reports"
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--talkqa-report-dir", str(out))
    result.assert_outcomes(failed=2)
    data = json.loads((out / "checklist.json").read_text(encoding="utf-8"))
    items = {item["name"]: item for item in data["sections"][0]["items"]}
    error, failure = items["The world cannot be arranged"], items["A check fails"]
    assert error["status"] == "error"
    assert error["reason"] == "could not set the scenario up: RuntimeError: the fixture data is missing"
    assert [step["status"] for step in error["steps"]] == ["error", "not_run", "not_run"]
    assert failure["status"] == "failed" and failure["reason"] == "quantity differs"
    assert [step["status"] for step in failure["steps"]] == ["passed", "passed", "failed"]
    assert data["summary"]["error"] == 1 and data["summary"]["failed"] == 1 and data["exit_code"] == 1


# -- a signal whose KeyboardInterrupt Python swallows still stops the run ------------------------------------
SWALLOWED_FEATURE = """\
@section_1 @line_14
Feature: A signal lands in a destructor

  Scenario: The signal arrives
    Given a signal lands where its exception is swallowed
    When nothing happens
    Then nothing is checked

  Scenario: Never reached
    Given the records are arranged
    When nothing happens
    Then nothing is checked
"""

SWALLOWED_STEPS = (
    STEPS.replace('scenarios("arranging.feature")', 'scenarios("swallowed.feature")')
    + """

import signal


class Swallowed:
    def __del__(self):
        signal.raise_signal(signal.SIGTERM)


@given("a signal lands where its exception is swallowed")
def swallowed():
    Swallowed()  # collected at once: the handler's KeyboardInterrupt is raised inside __del__ and ignored
"""
)


def test_a_signal_swallowed_inside_a_destructor_still_interrupts_the_run(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    # What CI once saw: SIGTERM's KeyboardInterrupt raised inside hypothesis's gc callback, ignored there,
    # and the run went on to the end and exited 1 instead of stopping with a report marked interrupted.
    pytester.makefile(".feature", swallowed=SWALLOWED_FEATURE)
    pytester.makepyfile(test_swallowed=SWALLOWED_STEPS)
    out = tmp_path / "reports"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--talkqa-report-dir", str(out))
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str()
    data = json.loads((out / "checklist.json").read_text(encoding="utf-8"))
    assert data["interrupted"] is True
    names = [item["name"] for section in data["sections"] for item in section["items"]]
    assert "Never reached" not in names
    assert all(item["status"] != "failed" for section in data["sections"] for item in section["items"])
