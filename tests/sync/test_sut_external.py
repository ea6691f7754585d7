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
