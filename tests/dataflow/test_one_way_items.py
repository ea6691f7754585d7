"""No checklist item promises that an edit reaches a side that a row can never write: the edit items of a
section with one-way rows say the edit yields there, as lint's TQ031 and the engine have it."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import FIXTURES

from harness.dataflow.parser import parse_file
from harness.dataflow.scenarios import section_contexts, section_scenarios

USER_SPECS = Path(__file__).parent.parent / "checklist" / "specs"


def _edit_names(path: Path) -> dict[str, list[str]]:
    document = parse_file(path)
    return {
        ctx.section.title: [s.name for s in section_scenarios(ctx) if s.template.startswith("EDIT_")]
        for ctx in section_contexts(document)
    }


@pytest.mark.parametrize(
    ("section", "blocked_edit"),
    [
        ("Exact Online Items to Squarespace Inventory", "target"),  # Stock is read-only in Exact
        ("Exact Online Items to Squarespace Sesamproducts", "target"),  # StandardSalesPrice too
    ],
)
def test_an_edit_that_cannot_reach_a_read_only_side_is_named_as_yielding(section: str, blocked_edit: str) -> None:
    names = _edit_names(FIXTURES / "specs" / "exact-squarespace.rst")[section]
    (blocked,) = [n for n in names if n.startswith(f"An edit in the {blocked_edit} record")]
    assert "yields to the source's value where it cannot" in blocked
    (free,) = [n for n in names if not n.startswith(f"An edit in the {blocked_edit} record")]
    assert "yields" not in free


def test_a_read_only_target_makes_the_source_edit_item_yield() -> None:
    names = _edit_names(USER_SPECS / "user-derived-and-read-only.rst")["Exact Online Items to Squarespace Inventory"]
    (source_edit,) = [n for n in names if n.startswith("An edit in the source record")]
    assert "yields to the target's value where it cannot" in source_edit


def test_a_section_with_only_two_way_rows_keeps_the_plain_names() -> None:
    names = _edit_names(USER_SPECS / "user-normalised-fields.rst")["Exact Online Items to Squarespace Sesamproducts"]
    assert names and not [n for n in names if "yields" in n]
