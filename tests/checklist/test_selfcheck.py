"""``talkqa selfcheck`` from the command line: its options, its table, its exit codes — 0 every broken
engine caught, 1 one survives (here: a "broken" engine that is in fact the reference engine) or the
reference engine fails an item, 2 unusable input. The real runs here use a small slice of the checklist
(``-m``); every fault against the whole checklist is in ``test_selfcheck_faults.py``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support import FIXTURES

from harness.cli import main
from harness.selfcheck.broken import BROKEN_ENGINES
from harness.selfcheck.run import (
    REFERENCE,
    CaughtItem,
    RunOutcome,
    SelfCheckResult,
    Target,
    render_table,
    resolve_targets,
)

#: A "broken" engine that is in fact correct: the reference factory under another name.
CORRECT_ENGINE = "harness.sync.reference:reference_engine"
#: A slice of the checklist that drops_property fails (the new product has no name) and the reference passes.
SLICE = "section_2 and create"


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def _selfcheck(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["selfcheck", *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- options ---------------------------------------------------------------------------------------


def test_selfcheck_help_names_every_option_and_every_broken_engine(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["selfcheck", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0
    for option in ("--spec", "--mapping", "--report-dir", "--seed", "-n", "--fault", "--examples", "-m"):
        assert option in out
    for fault in BROKEN_ENGINES:
        assert fault.name in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["-n", "0"], "expected a number of workers or 'auto'"),
        (["-n", "many"], "expected a number of workers or 'auto'"),
        (["--seed", "-1"], "expected a number of 0 or more"),
        (["--examples", "0"], "expected a number of 1 or more"),
        (["--no-such-option"], "unrecognized arguments"),
    ],
)
def test_a_bad_option_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str], says: str) -> None:
    with pytest.raises(SystemExit) as done:
        main(["selfcheck", *args])
    assert done.value.code == 2
    assert says in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("no_such_fault", "no such broken engine; choose from drops_property, one_way"),
        ("no_such_module:make", "cannot import 'no_such_module'"),
        ("harness.sync.reference:no_such_factory", "has no callable 'no_such_factory'"),
    ],
)
def test_an_unknown_fault_exits_2_before_any_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fault: str, says: str
) -> None:
    report_dir = tmp_path / "selfcheck"
    code, _, err = _selfcheck(capsys, "--fault", fault, "--report-dir", str(report_dir))
    assert code == 2
    assert says in _one_line(err)
    assert not report_dir.exists()


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--spec", lambda tmp: str(tmp / "missing.rst"), "does not exist"),
        ("--spec", lambda tmp: str(FIXTURES / "specs" / "broken" / "no-title.rst"), "has no title"),
        ("--mapping", lambda tmp: str(tmp / "missing.toml"), "mapping file"),
    ],
)
def test_an_unusable_spec_or_mapping_exits_2_before_any_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: Callable[[Path], str], says: str
) -> None:
    report_dir = tmp_path / "selfcheck"
    code, _, err = _selfcheck(capsys, option, value(tmp_path), "--report-dir", str(report_dir))
    assert code == 2
    assert says in _one_line(err)
    assert not report_dir.exists()


def test_no_fault_named_means_the_whole_catalogue_in_order_and_a_name_given_twice_runs_once() -> None:
    assert [t.name for t in resolve_targets([])] == [f.name for f in BROKEN_ENGINES]
    assert [t.sut for t in resolve_targets([])] == [f"harness.selfcheck.broken:{f.name}" for f in BROKEN_ENGINES]
    assert [t.name for t in resolve_targets(["wrong_variant", "one_way", "wrong_variant"])] == [
        "wrong_variant",
        "one_way",
    ]


# -- the verdict and the table (no runs) ---------------------------------------------------------------

_ITEM = CaughtItem("2.1", "A new record is created (spec line 36)", "Items to Sesamproducts", 36, "no name")


def _outcome(name: str, failed: tuple[CaughtItem, ...] = (), problem: str | None = None) -> RunOutcome:
    target = Target(name, name if ":" in name else f"harness.selfcheck.broken:{name}")
    return RunOutcome(target, 2 if problem else int(bool(failed)), failed=failed, problem=problem)


@pytest.mark.parametrize(
    ("reference", "faults", "exit_code"),
    [
        (_outcome(REFERENCE), (_outcome("one_way", (_ITEM,)), _outcome("rounds_double", (_ITEM,))), 0),
        (_outcome(REFERENCE), (_outcome("one_way", (_ITEM,)), _outcome("rounds_double")), 1),
        (_outcome(REFERENCE, (_ITEM,)), (_outcome("one_way", (_ITEM,)),), 1),
        (_outcome(REFERENCE), (_outcome("one_way", problem="no report"),), 2),
        (_outcome(REFERENCE, problem="no report"), (_outcome("one_way"),), 2),
    ],
    ids=["all caught", "one survives", "the reference fails an item", "a fault's run did not report", "no reference"],
)
def test_the_exit_code_says_whether_the_checklist_can_fail(
    reference: RunOutcome, faults: tuple[RunOutcome, ...], exit_code: int
) -> None:
    assert SelfCheckResult(reference, faults, 1.0, 1).exit_code == exit_code


def test_the_table_counts_the_catching_items_and_names_them_under_it() -> None:
    later = CaughtItem("2.10", "A deliberate clear propagates (spec line 52)", "Items to Sesamproducts", 52, "")
    earlier = CaughtItem("2.9", "An empty value never overwrites (spec line 52)", "Items to Sesamproducts", 52, "")
    result = SelfCheckResult(
        _outcome(REFERENCE), (_outcome("clear_is_no_change", (earlier, later)), _outcome(CORRECT_ENGINE)), 1.0, 1
    )
    lines = render_table(result).splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:4]}
    assert rows[REFERENCE][0] == "0"
    assert rows["clear_is_no_change"] == ["2", "2.9", "2.10"]
    assert rows[CORRECT_ENGINE][:2] == ["0", "SURVIVED:"]
    legend = lines[lines.index("items:") + 1 :]
    assert [line.split()[0] for line in legend] == ["2.9", "2.10"]  # numeric order, not text order
    assert legend[0].endswith("Items to Sesamproducts: An empty value never overwrites (spec line 52)")


def test_the_table_says_so_when_the_reference_engine_fails_an_item() -> None:
    result = SelfCheckResult(_outcome(REFERENCE, (_ITEM,)), (_outcome("one_way", (_ITEM,)),), 1.0, 1)
    assert "REFERENCE FAILS: 2.1" in render_table(result).splitlines()[1]


# -- real runs, on a slice of the checklist ------------------------------------------------------------


def test_a_correct_engine_given_as_a_fault_survives_and_the_selfcheck_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _selfcheck(
        capsys, "--fault", CORRECT_ENGINE, "-m", SLICE, "-n", "2", "--examples", "1", "--report-dir", str(tmp_path)
    )
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith(CORRECT_ENGINE))
    assert row.split()[1:] == ["0", "SURVIVED:", "no", "item", "failed"]
    assert f"survived: {CORRECT_ENGINE}" in err.splitlines()[-1]
    summary = json.loads((tmp_path / "selfcheck.json").read_text(encoding="utf-8"))
    assert summary["survivors"] == [CORRECT_ENGINE]
    assert summary["exit_code"] == 1
    for folder in (REFERENCE, "harness.sync.reference-reference_engine"):  # a factory's name made path-safe
        assert json.loads((tmp_path / folder / "checklist.json").read_text(encoding="utf-8"))["summary"]["failed"] == 0


def test_a_caught_fault_exits_0_with_the_items_that_caught_it_and_their_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _selfcheck(
        capsys, "--fault", "drops_property", "-m", SLICE, "-n", "2", "--examples", "1", "--report-dir", str(tmp_path)
    )
    assert code == 0, out + err
    row = next(line for line in out.splitlines() if line.startswith("drops_property"))
    count, *ids = row.split()[1:]
    assert int(count) == len(ids) >= 1
    legend = out.splitlines()[out.splitlines().index("items:") + 1 :]
    assert {line.split()[0] for line in legend} == set(ids)
    assert "every broken engine is caught (1 of 1)" in err.splitlines()[-1]
    report = json.loads((tmp_path / "drops_property" / "checklist.json").read_text(encoding="utf-8"))
    failed = [item for section in report["sections"] for item in section["items"] if item["status"] == "failed"]
    assert len(failed) == len(ids)
    assert all(item["evidence"] for item in failed)  # a person can read why the item failed
    assert (tmp_path / "drops_property" / "checklist.html").is_file()
    assert (tmp_path / "drops_property" / "run.log").is_file()
