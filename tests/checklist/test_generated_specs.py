"""Specs a user could write for Exact Online → Squarespace, generated over the field catalogues
(``spec_strategies``): every valid one runs with no failed item on the reference engine and every pending item
says why; every invalid row the generator can draw is refused by lint.

The default run checks ``DEFAULT_SPECS`` seeded specs with one hypothesis example per round trip; the long
form (``make test-generated``, ``pytest -m generated_specs``) checks ``LONG_SPECS``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from checklist_helpers import talkqa_run
from hypothesis import HealthCheck, given, settings
from spec_strategies import Section, documents, invalid_rows, render

from harness.dataflow import codes
from harness.dataflow.lint import lint
from harness.dataflow.model import Severity
from harness.dataflow.parser import parse_text

DEFAULT_SPECS = 10
LONG_SPECS = 300


@cache
def drawn_specs(count: int) -> list[str]:
    """``count`` distinct generated specs, the same every run (hypothesis derandomized: seeded by the test)."""
    found: dict[str, None] = {}

    @settings(max_examples=count * 20, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(documents())
    def collect(document: tuple[Section, ...]) -> None:
        if len(found) < count:
            found.setdefault(render(document))

    collect()
    assert len(found) == count, f"the generator drew only {len(found)} distinct specs"
    return list(found)


def _fails_no_item(text: str, tmp_path: Path) -> None:
    spec = tmp_path / "generated.rst"
    spec.write_text(text, encoding="utf-8", newline="")
    errors = [f for f in lint(parse_text(text, path=str(spec))).findings if f.severity is Severity.ERROR]
    assert not errors, [f.message for f in errors]
    run = talkqa_run(tmp_path / "reports", "--spec", str(spec), "--examples", "1")
    assert run.exit_code in (0, 1), run.stderr
    failed = [(i["name"], i["reason"]) for i in run.items() if i["status"] == "failed"]
    assert not failed, (text, failed)
    pending = [i for i in run.items() if i["status"] == "pending"]
    assert all(i["reason"] and not i["reason"].startswith("talkqa pending") for i in pending), pending


@pytest.mark.parametrize("index", range(DEFAULT_SPECS))
def test_a_generated_spec_fails_no_item_on_the_reference_engine(index: int, tmp_path: Path) -> None:
    _fails_no_item(drawn_specs(DEFAULT_SPECS)[index], tmp_path)


@pytest.mark.generated_specs
def test_many_generated_specs_fail_no_item_on_the_reference_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if "generated_specs" not in (request.config.getoption("markexpr") or ""):
        pytest.skip(f"the long form ({LONG_SPECS} specs, an hour or more): run it with make test-generated")
    for index, text in enumerate(drawn_specs(LONG_SPECS)):
        _fails_no_item(text, tmp_path / str(index))


@settings(max_examples=200, deadline=None, database=None)
@given(invalid_rows())
def test_every_invalid_row_the_generator_draws_is_refused_by_lint(section: Section) -> None:
    findings = lint(parse_text(render((section,)), path="generated.rst")).findings
    refused = {codes.UNKNOWN_FIELD.code, codes.FIELD_NOT_WRITABLE.code}
    assert [f for f in findings if f.code in refused and f.severity is Severity.ERROR], findings
