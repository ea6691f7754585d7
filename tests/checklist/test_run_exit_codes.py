"""Exit codes of ``talkqa run``: 1 when a required item failed (or, strict, is pending); 2 — with one line
on stderr and no run at all — when the spec, the mapping file or the command line is unusable. (0 for the
bundled spec, with pending items that do not fail it, is proved by the real run in ``test_bundled_run.py``.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from checklist_helpers import parse_page, talkqa_run
from support import FIXTURES

from harness.cli import main

BROKEN_SPECS = FIXTURES / "specs" / "broken"


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def _binary(tmp: Path) -> str:
    path = tmp / "binary.rst"
    path.write_bytes(b"\x00\x01\x02 not a dataflow document \xff")
    return str(path)


def _refused_mapping(tmp: Path) -> str:
    path = tmp / "refused.toml"
    path.write_text(
        'source_system = "Exact Online"\ntarget_system = "Squarespace"\n\n'
        '[[section]]\nsource = "Items"\ntarget = "Inventory"\n\n'
        '[[section.row]]\nsource = "NoSuchField"\ntarget = "sku"\ndatatype = "string"\n',
        encoding="utf-8",
    )
    return str(path)


def _not_toml(tmp: Path) -> str:
    path = tmp / "broken.toml"
    path.write_text("[[section]\nsource = \n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--spec", lambda tmp: str(tmp / "missing.rst"), "does not exist"),
        ("--spec", _binary, "binary file"),
        ("--spec", lambda tmp: str(BROKEN_SPECS / "no-title.rst"), "has no title"),
        ("--spec", lambda tmp: str(tmp), "does not exist"),  # a folder is no document
        ("--mapping", lambda tmp: str(tmp / "missing.toml"), "mapping file"),
        ("--mapping", _not_toml, "is not valid TOML"),
        ("--mapping", _refused_mapping, "has no field 'NoSuchField'"),
        ("--sut", lambda tmp: "no_such_engine:make", "cannot import 'no_such_engine'"),
        ("--sut", lambda tmp: "harness.sync.reference:no_such_factory", "has no 'no_such_factory'"),
        ("--sut", lambda tmp: "harness.sync.reference:__doc__", "is not callable"),
        ("--sut", lambda tmp: "an-engine", "expected 'reference', 'module:callable' or 'cmd:COMMAND'"),
        ("--sut", lambda tmp: "cmd:", "needs a command line"),
        ("--sut", lambda tmp: "cmd:/no/such/engine --once", "no program '/no/such/engine'"),
    ],
    ids=[
        "missing-spec",
        "binary-spec",
        "untitled-spec",
        "folder-as-spec",
        "missing-mapping",
        "mapping-not-toml",
        "mapping-row-refused",
        "sut-module-missing",
        "sut-factory-missing",
        "sut-not-callable",
        "sut-neither-form",
        "sut-empty-command",
        "sut-command-missing",
    ],
)
def test_an_unusable_spec_mapping_or_sut_exits_2_with_one_line(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: object, says: str
) -> None:
    report_dir = tmp_path / "reports"
    code = main(["run", option, value(tmp_path), "--report-dir", str(report_dir)])  # type: ignore[operator]
    out, err = capfd.readouterr()
    assert code == 2
    assert says in _one_line(err)
    assert out == ""
    assert not report_dir.exists()  # nothing ran


@pytest.mark.parametrize(
    "argv",
    [
        ["-n", "0"],
        ["-n", "many"],
        ["-n", "-2"],
        ["--examples", "0"],
        ["--seed", "minus"],
        ["--no-such-option"],
    ],
    ids=["no-workers", "workers-not-a-number", "negative-workers", "no-examples", "seed-not-a-number", "unknown"],
)
def test_a_bad_command_line_exits_2_with_one_line(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", "--report-dir", str(tmp_path / "reports"), *argv])
    out, err = capfd.readouterr()
    assert exited.value.code == 2
    line = _one_line(err)
    assert line.startswith("talkqa") and ": error: " in line
    assert out == ""


def test_strict_fails_a_run_whose_required_items_are_pending(tmp_path: Path) -> None:
    # line 88: the order section's "properties" items, which Squarespace never lets a merchant change
    run = talkqa_run(tmp_path, "--strict", "-m", "line_88")
    assert run.exit_code == 1, run.stdout[-2000:] + run.stderr
    data = run.json
    # The items stay pending, with their reasons; the run fails because it is strict.
    assert data["strict"] is True
    assert data["exit_code"] == 1
    assert set(run.statuses().values()) == {"pending"}
    assert all(item["reason"] and item["required"] for item in run.items())


def test_a_system_under_test_that_cannot_start_fails_the_run_with_1(tmp_path: Path) -> None:
    run = talkqa_run(
        tmp_path, "--sut", "checklist_helpers:engine_that_cannot_start", "-m", "section_1 and line_14 and create"
    )
    assert run.exit_code == 1, run.stdout[-2000:] + run.stderr
    items = list(run.items())
    assert [item["status"] for item in items] == ["failed", "failed"]
    assert all("the engine's database is down" in item["reason"] for item in items)


def test_a_working_factory_named_module_callable_passes_with_0(tmp_path: Path) -> None:
    run = talkqa_run(tmp_path, "--sut", "checklist_helpers:reference", "-m", "section_1 and line_14 and create")
    assert run.exit_code == 0, run.stdout[-2000:] + run.stderr
    assert set(run.statuses().values()) == {"passed"}
    assert run.json["sut"]["name"] == "checklist_helpers:reference"


def test_a_spec_without_flow_sections_runs_an_empty_checklist_and_exits_0(tmp_path: Path) -> None:
    spec = tmp_path / "no-flows.rst"
    spec.write_text(
        "================================\nAcme CRM to Acme Ledger Dataflow\n================================\n\n"
        "Generated: 2025-01-02 03:04:05\n\nIntroduction\n------------\n\nTwo systems, and no flow between them.\n",
        encoding="utf-8",
    )
    run = talkqa_run(tmp_path / "reports", "--spec", str(spec))
    assert run.exit_code == 0, run.stdout[-2000:] + run.stderr
    data = run.json
    assert data["sections"] == []
    assert data["summary"] == {"passed": 0, "failed": 0, "pending": 0, "skipped": 0}
    assert [finding["code"] for finding in data["findings"]] == ["TQ006"]  # lint says the checklist is empty
    page = parse_page((run.report_dir / "checklist.html").read_text(encoding="utf-8"))
    assert page.all("section", "flow") == []
