"""An engine in another process (``--sut cmd:``) is checked over the served mocks, end to end."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support import FIXTURES

from harness.checklist.runner import RunOptions, run_checklist

ENGINE = FIXTURES / "engines" / "reference_once.py"


def _statuses(report_dir: Path) -> dict[str, str]:
    data = json.loads((report_dir / "checklist.json").read_text(encoding="utf-8"))
    return {item["name"]: item["status"] for section in data["sections"] for item in section["items"]}


def test_an_external_engine_passes_the_items_it_keeps(tmp_path: Path) -> None:
    options = RunOptions(
        sut=f"cmd:{sys.executable} {ENGINE}", report_dir=str(tmp_path), markers="section_1 and create", quiet=True
    )
    assert run_checklist(options) == 0
    statuses = _statuses(tmp_path)
    assert len(statuses) == 2
    assert set(statuses.values()) == {"passed"}
    sut = json.loads((tmp_path / "checklist.json").read_text(encoding="utf-8"))["sut"]["description"]
    assert "time scale 60" in sut and "TALKQA_TIME_SCALE" in sut


def test_an_external_engine_that_does_nothing_fails_the_creation_item(tmp_path: Path) -> None:
    idle = tmp_path / "idle.py"
    idle.write_text("print('did nothing')\n", encoding="utf-8")
    reports = tmp_path / "reports"
    options = RunOptions(
        sut=f"cmd:{sys.executable} {idle}", report_dir=str(reports), markers="section_1 and create", quiet=True
    )
    assert run_checklist(options) == 1
    assert "failed" in _statuses(reports).values()


@pytest.mark.parametrize("line", ["TALKQA_EXACT_BASE_URL", "TALKQA_SQUARESPACE_API_KEY", "TALKQA_STATE_DIR"])
def test_the_readme_documents_every_variable_the_example_engine_reads(line: str) -> None:
    readme = (FIXTURES.parent / "README.md").read_text(encoding="utf-8")
    assert line in ENGINE.read_text(encoding="utf-8")
    assert line in readme


def test_an_external_engine_that_cannot_start_fails_the_run_once_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.cli import main

    missing = tmp_path / "no-such-engine.py"
    code = main(["run", "--sut", f"cmd:python {missing}", "--report-dir", str(tmp_path / "reports")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "could not start" in err and "no-such-engine.py" in err
    assert not (tmp_path / "reports" / "checklist.json").exists()


IMPATIENT = '''
"""The reference engine on a clock that never waits: it ignores Retry-After and Exact's reset headers."""
import os, sys
from harness.clock import SystemClock
from harness.sut import Endpoints
from harness.sync.reference import reference_engine


class Impatient(SystemClock):
    def sleep(self, seconds: float) -> None:
        pass


env = os.environ
endpoints = Endpoints(
    exact_base_url=env["TALKQA_EXACT_BASE_URL"],
    exact_client_id=env["TALKQA_EXACT_CLIENT_ID"],
    exact_client_secret=env["TALKQA_EXACT_CLIENT_SECRET"],
    exact_redirect_uri=env["TALKQA_EXACT_REDIRECT_URI"],
    exact_division=int(env["TALKQA_EXACT_DIVISION"]),
    squarespace_base_url=env["TALKQA_SQUARESPACE_BASE_URL"],
    squarespace_api_key=env["TALKQA_SQUARESPACE_API_KEY"],
    spec_path=env["TALKQA_SPEC"],
    state_dir=env["TALKQA_STATE_DIR"],
    mapping_path=env.get("TALKQA_MAPPING"),
    http_timeout_s=float(env["TALKQA_HTTP_TIMEOUT_S"]),
)
engine = reference_engine(endpoints, Impatient())
report = engine.run_cycle()
engine.close()
sys.exit(0 if report.ok else 1)
'''


def test_an_external_engine_that_ignores_retry_after_and_reset_headers_fails_the_rate_limit_items(
    tmp_path: Path,
) -> None:
    engine = tmp_path / "impatient.py"
    engine.write_text(IMPATIENT, encoding="utf-8")
    reports = tmp_path / "reports"
    options = RunOptions(
        sut=f"cmd:python {engine}", report_dir=str(reports), markers="section_1 and resilience", quiet=True
    )
    assert run_checklist(options) == 1
    statuses = _statuses(reports)
    rate_limits = [name for name in statuses if name.startswith("The flow keeps working through rate limits")]
    assert rate_limits and all(statuses[name] == "failed" for name in rate_limits), statuses
    data = json.loads((reports / "checklist.json").read_text(encoding="utf-8"))
    reasons = [i["reason"] for sec in data["sections"] for i in sec["items"] if i["name"] in rate_limits]
    assert all("before the reset a 429 announced" in reason for reason in reasons), reasons
    # the engine is otherwise sound: what it fails is waiting, not syncing
    assert statuses[next(n for n in statuses if n.startswith("A crash and a restart"))] == "passed"


def test_the_reference_engine_served_keeps_to_the_waits_it_is_told(tmp_path: Path) -> None:
    options = RunOptions(
        sut=f"cmd:python {ENGINE}", report_dir=str(tmp_path), markers="section_1 and resilience", quiet=True
    )
    assert run_checklist(options) == 0
    assert set(_statuses(tmp_path).values()) == {"passed"}
