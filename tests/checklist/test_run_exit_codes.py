"""Exit codes of ``talkqa run``: 1 when a required item failed (or, strict, is pending); 2 — with one line
on stderr and no run at all — when the spec, the mapping file, the command line (``-m``/``-k`` included)
or the report folder is unusable, or the spec has error-level lint findings; 5 when nothing was checked;
130 when interrupted — and never 0 when pytest itself was in trouble. (0 for the bundled spec, with
pending items that do not fail it, is proved by the real run in ``test_bundled_run.py``.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from checklist_helpers import BUNDLED_SPEC, parse_page, talkqa_run
from support import FIXTURES

from harness.checklist import runner
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
        ("--spec", lambda tmp: str(tmp), "is a folder; give a dataflow document in it"),  # a folder is no document
        ("--mapping", lambda tmp: str(tmp), "is a folder; give a mapping file"),
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
        "folder-as-mapping",
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
    # the engine is built when the scenario first syncs (a When): a failed check, not a setup error
    assert [item["status"] for item in items] == ["failed", "failed"]
    assert all("the engine's database is down" in item["reason"] for item in items)
    for item in items:  # the steps after the failing one never ran
        statuses = [step["status"] for step in item["steps"]]
        failing = statuses.index("failed")
        assert item["steps"][failing]["keyword"] == "When"
        assert statuses[:failing] == ["passed"] * failing and set(statuses[failing + 1 :]) == {"not_run"}
    # the console: one line per failed item, naming it, its spec line and the reason's first line
    lines = [line for line in run.stdout.splitlines() if line.startswith("FAILED ")]
    assert len(lines) == 2 and all(
        "(spec line 14): SutError: " in line and "database is down" in line for line in lines
    )
    assert lines[0].startswith("FAILED A new Exact Online Items record is created as a Squarespace Inventory record")
    assert not [line for line in run.stdout.splitlines() if line.startswith("E   ")]  # no pytest traceback
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout.splitlines()[-1].startswith("talkqa run: 0 passed, 2 failed, 0 pending, 0 skipped")
    assert run.stderr.strip() == "talkqa run: 2 required item(s) did not pass"


def test_a_working_factory_named_module_callable_passes_with_0(tmp_path: Path) -> None:
    run = talkqa_run(tmp_path, "--sut", "checklist_helpers:reference", "-m", "section_1 and line_14 and create")
    assert run.exit_code == 0, run.stdout[-2000:] + run.stderr
    assert set(run.statuses().values()) == {"passed"}
    assert run.json["sut"]["name"] == "checklist_helpers:reference"


def test_a_spec_without_flow_sections_runs_an_empty_checklist_and_exits_5(tmp_path: Path) -> None:
    spec = tmp_path / "no-flows.rst"
    spec.write_text(
        "================================\nAcme CRM to Acme Ledger Dataflow\n================================\n\n"
        "Generated: 2025-01-02 03:04:05\n\nIntroduction\n------------\n\nTwo systems, and no flow between them.\n",
        encoding="utf-8",
    )
    run = talkqa_run(tmp_path / "reports", "--spec", str(spec))
    assert run.exit_code == 5, run.stdout[-2000:] + run.stderr  # nothing was checked
    assert "nothing was checked: the spec gives no checklist item" in _one_line(run.stderr)
    data = run.json
    assert data["sections"] == []
    assert data["summary"] == {"passed": 0, "failed": 0, "error": 0, "pending": 0, "skipped": 0}
    assert [finding["code"] for finding in data["findings"]] == ["TQ006"]  # lint says the checklist is empty
    page = parse_page((run.report_dir / "checklist.html").read_text(encoding="utf-8"))
    assert page.all("section", "flow") == []


# -- refused before anything runs ---------------------------------------------------------------------
@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test if talkqa run starts its pytest child."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the checklist was started")

    monkeypatch.setattr(runner, "run_child", refuse)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["-m", "section_2 and ("], "-m 'section_2 and (': not an expression pytest can use"),
        (["-m", "nosuchtag"], "no checklist item is tagged nosuchtag"),
        (["-m", "section_2 and not nosuch_1"], "no checklist item is tagged nosuch_1"),
        (["-k", "test_("], "-k 'test_(': not an expression pytest can use"),
    ],
    ids=["m-does-not-parse", "m-unknown-tag", "m-one-unknown-tag", "k-does-not-parse"],
)
@pytest.mark.usefixtures("nothing_runs")
def test_an_unusable_selection_exits_2_before_running(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], says: str
) -> None:
    report_dir = tmp_path / "reports"
    assert main(["run", "--report-dir", str(report_dir), *argv]) == 2
    out, err = capfd.readouterr()
    assert says in _one_line(err) and out == ""
    assert not report_dir.exists()


def _misspelt_spec(tmp: Path) -> Path:
    """The bundled spec with the merge criterion ``Code`` of the products section misspelt ``Cdoe``."""
    lines = BUNDLED_SPEC.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[48] == "   * - Code\n"
    lines[48] = "   * - Cdoe\n"
    spec = tmp / "misspelt.rst"
    spec.write_text("".join(lines), encoding="utf-8")
    return spec


@pytest.mark.usefixtures("nothing_runs")
def test_a_spec_with_an_error_level_finding_exits_2_before_running_listing_it(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = _misspelt_spec(tmp_path)
    assert main(["run", "--spec", str(spec), "--report-dir", str(tmp_path / "reports")]) == 2
    out, err = capfd.readouterr()
    finding, verdict = err.splitlines()
    assert finding.startswith(f"{spec}:49: TQ030 error: merge criterion 'Cdoe'")
    assert verdict.endswith(
        "1 error-level lint finding(s), listed above: fix them, or run anyway with --allow-lint-errors"
    )
    assert out == "" and not (tmp_path / "reports").exists()


def test_allow_lint_errors_runs_and_the_items_name_the_finding(tmp_path: Path) -> None:
    spec = _misspelt_spec(tmp_path)
    run = talkqa_run(
        tmp_path / "reports", "--spec", str(spec), "--allow-lint-errors", "-m", "section_2 and (line_36 or line_40)"
    )
    assert run.exit_code in (0, 1, 5), run.stdout[-2000:] + run.stderr
    items = list(run.items())
    assert items and all(any("TQ030 at spec line 49" in e for e in item["lint_errors"]) for item in items)
    assert "--allow-lint-errors" in run.json["replay"]
    page = parse_page((run.report_dir / "checklist.html").read_text(encoding="utf-8"))
    top = page.one("section", "lint-errors")
    assert "TQ030" in top.text() and "Cdoe" in top.text()
    assert all("TQ030" in li.one(cls="item-lint").text() for li in page.all("li", "item"))


@pytest.mark.parametrize(
    ("where", "says"),
    [
        (lambda tmp: _file(tmp / "a-file"), "not a folder"),
        (lambda tmp: str(Path(_file(tmp / "a-file")) / "reports"), "is a file"),
        (lambda tmp: "/proc/talkqa-reports", "cannot write there"),
    ],
    ids=["a-file", "below-a-file", "unwritable"],
)
@pytest.mark.usefixtures("nothing_runs")
def test_an_unusable_report_dir_exits_2_before_running(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, where: object, says: str
) -> None:
    report_dir = where(tmp_path)  # type: ignore[operator]
    assert main(["run", "--report-dir", report_dir]) == 2
    out, err = capfd.readouterr()
    assert says in _one_line(err) and f"--report-dir {report_dir}" in err and out == ""


def _file(path: Path) -> str:
    path.write_text("not a folder\n", encoding="utf-8")
    return str(path)


def test_a_refused_run_leaves_no_report_folder_behind(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report_dir = tmp_path / "new" / "reports"
    assert main(["run", "--report-dir", str(report_dir), "-m", "nosuchtag"]) == 2
    assert not (tmp_path / "new").exists()


# -- nothing checked: 5, saying why --------------------------------------------------------------------
def test_a_run_whose_items_are_all_pending_exits_5_saying_why(tmp_path: Path) -> None:
    run = talkqa_run(tmp_path, "-m", "line_88")  # the order section's properties Squarespace never lets change
    assert run.exit_code == 5, run.stdout[-2000:] + run.stderr
    assert set(run.statuses().values()) == {"pending"}
    line = _one_line(run.stderr)
    assert line.startswith("talkqa run: nothing was checked: all ") and "are pending" in line
    assert run.json["exit_code"] == 5 and run.json["verdict"] == line.removeprefix("talkqa run: ")


CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "technical"


def test_a_corpus_spec_without_a_driver_exits_5_not_0(tmp_path: Path) -> None:
    spec = CORPUS / "hubspot-squarespace.rst"
    if not spec.is_file():
        pytest.skip(f"the shared corpus is absent ({spec})")
    run = talkqa_run(tmp_path, "--spec", str(spec), "--allow-lint-errors")
    assert run.exit_code == 5, run.stdout[-2000:] + run.stderr
    assert run.json["summary"]["passed"] == 0 and run.json["summary"]["pending"] > 0
    assert "nothing was checked" in run.stderr and "no driver" in run.stderr


# -- pytest's own trouble is never a pass ----------------------------------------------------------------
def _report(exit_code: int, **summary: int) -> dict[str, object]:
    counts = {"passed": 0, "failed": 0, "error": 0, "pending": 0, "skipped": 0, **summary}
    return {"sections": [], "summary": counts, "exit_code": exit_code, "verdict": "a verdict"}


@pytest.mark.parametrize(
    ("child", "data", "expected"),
    [
        (0, _report(0, passed=3), 0),
        (1, _report(1, failed=1), 1),
        (5, _report(5), 5),
        (1, _report(0, passed=3), 1),  # pytest saw a failure the report does not show
        (2, _report(0, passed=3), 2),  # a collection error
        (3, _report(0, passed=3), 3),  # an internal error
        (4, _report(0, passed=3), 2),  # a usage error
        (-9, _report(0, passed=3), 2),  # killed
        (3, None, 3),
        (4, None, 2),
    ],
)
def test_pytest_trouble_never_turns_into_0(
    capfd: pytest.CaptureFixture[str], tmp_path: Path, child: int, data: dict[str, object] | None, expected: int
) -> None:
    assert runner._conclude(data, child, None, tmp_path) == expected


def test_the_help_of_talkqa_run_names_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    epilog = text[text.index("Exit codes:") :]
    for code in (
        "0 at least one required item ran",
        "1 a required item failed",
        "2 unusable input",
        "3 internal",
        "5 nothing was checked",
        "130 interrupted",
    ):
        assert code in epilog, code
