"""The wheel ships harness alone: the step library and the module ``talkqa run`` points pytest at live inside
it, no top-level ``steps`` package shadows a project's own, package data comes along, and ``talkqa run``
works from the wheel's files.

The wheel is built once for the module, without build isolation (hatchling, from the dev extra, must be
installed) and offline: about a second; the run from the wheel a few more (each step has a 30 s limit).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import FIXTURES, ROOT

from harness.checklist.runner import CHECKLIST_MODULE

#: Each build or run here must finish within this many seconds.
LIMIT_S = 30


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="the wheel is built with hatchling: pip install -e '.[dev]'")
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out)]
    built = subprocess.run([*command, str(ROOT)], capture_output=True, text=True, timeout=LIMIT_S, check=False, cwd=out)
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("talkqa-*.whl")
    return path


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_holds_harness_and_its_metadata_only(names: set[str]) -> None:
    assert {name.split("/")[0] for name in names} == {"harness", "talkqa-0.1.0.dist-info"}
    assert not any(name.startswith("steps/") for name in names)


def test_the_step_library_and_the_checklist_module_ship_inside_harness(names: set[str]) -> None:
    assert "harness/checklist/steps.py" in names
    assert CHECKLIST_MODULE.relative_to(ROOT).as_posix() in names  # what talkqa run points pytest at


def test_package_data_ships(names: set[str]) -> None:
    assert "harness/systems/exact_catalogue.txt" in names
    assert "harness/py.typed" in names
    data = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "harness").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }
    assert data
    assert data <= names


def test_the_wheel_declares_the_plugin_and_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read("talkqa-0.1.0.dist-info/entry_points.txt").decode()
    assert "talkqa = harness.plugin" in entry_points
    assert "talkqa = harness.cli:main" in entry_points


def test_no_module_of_the_wheel_imports_a_top_level_steps(unpacked: Path) -> None:
    for module in (unpacked / "harness").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            imported = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.append(node.module or "")
            assert not [name for name in imported if name.split(".")[0] == "steps"], module


def test_talkqa_run_works_from_the_wheels_files(unpacked: Path, tmp_path: Path) -> None:
    # The spec is copied out of the checkout, so nothing of the run is found through it.
    spec = shutil.copy(FIXTURES / "specs" / "exact-squarespace.rst", tmp_path / "spec.rst")
    reports = tmp_path / "reports"
    env = {**os.environ, "PYTHONPATH": str(unpacked), "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "harness.cli", "run", "--spec", str(spec), "--report-dir", str(reports)]
    ran = subprocess.run(
        [*command, "-m", "section_1 and line_14 and create"],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr
    data = json.loads((reports / "checklist.json").read_text(encoding="utf-8"))
    assert data["summary"]["passed"] == 2
    node_files = {item["node_id"].split("::")[0] for section in data["sections"] for item in section["items"]}
    assert {Path(name).name for name in node_files} == {CHECKLIST_MODULE.name}
    probe = [sys.executable, "-c", "import harness.checklist.runner as r; print(r.CHECKLIST_MODULE)"]
    where = subprocess.run(probe, capture_output=True, text=True, timeout=LIMIT_S, check=True, cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(unpacked)  # the run above was the wheel's
