"""write_reports: the four files, no secret in any of them, and all-or-nothing writing."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from report_helpers import SECRETS, synthetic_report

import harness.report
from harness.report import RunReport, SpecInfo, write_reports


@pytest.fixture
def report() -> RunReport:
    """The synthetic run of the bundled spec (why not in a conftest: see report_helpers)."""
    return synthetic_report()


NAMES = {"checklist.html", "checklist.json", "junit.xml", "cucumber.json"}


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_write_reports_creates_the_directory_and_the_four_files(report: RunReport, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "run-1"
    written = write_reports(report, out)
    assert {kind: path.name for kind, path in written.items()} == {
        "html": "checklist.html",
        "json": "checklist.json",
        "junit": "junit.xml",
        "cucumber": "cucumber.json",
    }
    assert {p.name for p in out.iterdir()} == NAMES
    for path in written.values():
        assert path.stat().st_size > 0
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_no_secret_from_an_exchange_reaches_any_report_file(report: RunReport, tmp_path: Path) -> None:
    written = write_reports(report, tmp_path)
    leaks = {(path.name, s) for path in written.values() for s in SECRETS if s in path.read_text(encoding="utf-8")}
    assert leaks == set()
    assert all("***" in path.read_text(encoding="utf-8") for path in written.values())


def test_a_writer_failing_midway_leaves_the_previous_reports_and_no_temporary_file(
    report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(report, tmp_path)
    before = _snapshot(tmp_path)

    def broken(_: RunReport) -> str:
        raise RuntimeError("junit writer broke")

    monkeypatch.setattr(harness.report, "render_junit", broken)
    changed = replace(report, spec=SpecInfo(report.spec.path, "A later run"))
    with pytest.raises(RuntimeError, match="junit writer broke"):
        write_reports(changed, tmp_path)
    assert _snapshot(tmp_path) == before


def test_a_disk_failure_on_the_third_file_leaves_the_previous_reports_and_no_temporary_file(
    report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(report, tmp_path)
    before = _snapshot(tmp_path)
    real_fsync = os.fsync
    calls: list[int] = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_reports(replace(report, spec=SpecInfo(report.spec.path, "A later run")), tmp_path)
    assert len(calls) == 3
    assert _snapshot(tmp_path) == before


def test_a_new_run_replaces_every_file(report: RunReport, tmp_path: Path) -> None:
    write_reports(report, tmp_path)
    before = _snapshot(tmp_path)
    write_reports(replace(report, spec=SpecInfo("fixtures/specs/exact-blank-target.rst", "A later run")), tmp_path)
    after = _snapshot(tmp_path)
    assert after.keys() == NAMES
    assert all(after[name] != before[name] for name in NAMES)
