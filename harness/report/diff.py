"""Expected against actual as rows of a line diff (difflib), for the HTML table and the text evidence."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DiffRow", "RowKind", "diff_rows"]


class RowKind(StrEnum):
    SAME = "same"  #: in both values
    EXPECTED = "expected"  #: only in the expected value (``-``)
    ACTUAL = "actual"  #: only in the actual value (``+``)

    @property
    def sign(self) -> str:
        return {"same": " ", "expected": "-", "actual": "+"}[self.value]


@dataclass(frozen=True)
class DiffRow:
    kind: RowKind
    expected_line: int | None  #: 1-based line in the expected text, when the row is from it
    actual_line: int | None
    text: str


def diff_rows(expected: str, actual: str) -> list[DiffRow]:
    """Every line of both values, in order, marked as common, expected-only or actual-only."""
    old = expected.splitlines() or [""]
    new = actual.splitlines() or [""]
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow(RowKind.SAME, i + 1, j + 1, old[i]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        rows.extend(DiffRow(RowKind.EXPECTED, i + 1, None, old[i]) for i in range(i1, i2))
        rows.extend(DiffRow(RowKind.ACTUAL, None, j + 1, new[j]) for j in range(j1, j2))
    return rows
