"""The report of a checklist run: the results model (``model``, ``results``) and its writers —
``checklist.html`` (``html``), ``checklist.json`` (``json_report``), ``junit.xml`` (``junit``) and
``cucumber.json`` (``cucumber``). ``write_reports`` writes all four, all or nothing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from harness.report.cucumber import render_cucumber
from harness.report.html import render_html
from harness.report.json_report import render_json
from harness.report.junit import render_junit
from harness.report.merge import merge_reports
from harness.report.model import (
    AssumedMapping,
    Evidence,
    HttpExchange,
    HypothesisExample,
    ItemResult,
    ItemStatus,
    LintFinding,
    PhaseTiming,
    RunReport,
    SectionResult,
    Seeds,
    SpecInfo,
    StepResult,
    Summary,
    SutInfo,
    Timings,
    installed_versions,
)

__all__ = [
    "REPORT_FILES",
    "AssumedMapping",
    "Evidence",
    "HttpExchange",
    "HypothesisExample",
    "ItemResult",
    "ItemStatus",
    "LintFinding",
    "PhaseTiming",
    "RunReport",
    "SectionResult",
    "Seeds",
    "SpecInfo",
    "StepResult",
    "Summary",
    "SutInfo",
    "Timings",
    "installed_versions",
    "merge_reports",
    "render_cucumber",
    "render_html",
    "render_json",
    "render_junit",
    "write_reports",
]

#: The files a run writes, by kind.
REPORT_FILES: dict[str, str] = {
    "html": "checklist.html",
    "json": "checklist.json",
    "junit": "junit.xml",
    "cucumber": "cucumber.json",
}


def _writers() -> dict[str, Callable[[RunReport], str]]:
    """The renderer of each kind, looked up when called (so a test can swap one for a failing one)."""
    return {"html": render_html, "json": render_json, "junit": render_junit, "cucumber": render_cucumber}


def _write_temp(directory: Path, name: str, text: str) -> Path:
    """``text`` in a new temporary file beside ``name``, flushed to disk; removed again if that fails."""
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        os.chmod(temp, 0o644)  # mkstemp makes 0600; reports are read by CI artefact stores and people
        with os.fdopen(fd, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Path(temp)


def write_reports(report: RunReport, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the four report files into ``out_dir`` (created if need be); return their paths by kind.

    All four are rendered and written to temporary files first, and only then renamed into place:
    when a writer fails, the previous reports stay as they were and no temporary file is left.
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    writers = _writers()
    temps: dict[str, Path] = {}
    try:
        for kind, name in REPORT_FILES.items():
            temps[kind] = _write_temp(directory, name, writers[kind](report))
        written: dict[str, Path] = {}
        for kind, temp in temps.items():
            target = directory / REPORT_FILES[kind]
            os.replace(temp, target)
            written[kind] = target
        return written
    finally:
        for temp in temps.values():
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
