"""The list-tables of a dataflow document: three columns give property mappings, two give merge criteria.

A table is scanned line by line (``* - cell`` opens a row, ``- cell`` adds a cell, a deeper indented line
continues the cell). What does not fit (a row of the wrong length, a table cut short, stray text) is
reported through the caller's ``report`` and the rest is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.dataflow import codes
from harness.dataflow.codes import FindingCode, shorten
from harness.dataflow.model import PLAIN_DATATYPES, MergeCriterion, PropertyMapping

__all__ = ["Report", "Table", "read_table", "split_note", "unquote_datatype"]

#: Where findings go: (code, 1-based line, message).
Report = Callable[[FindingCode, int, str], None]

_OPTION = re.compile(r"[ \t]+:([\w-]+):[ \t]*(.*?)[ \t]*")
_QUOTED = re.compile(r'"([^"]*)"')


@dataclass
class Table:
    """A list-table as scanned, and what its body rows gave."""

    line: int  #: of the ``.. list-table::`` directive
    end: int = 0  #: index of the first line after the table
    header_rows: int | None = None
    columns: int = 0  #: of the header row; 0 when the table gave nothing
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    properties: list[PropertyMapping] = field(default_factory=list)
    merge_criteria: list[MergeCriterion] = field(default_factory=list)


def read_table(lines: list[str], start: int, stop: int, report: Report) -> Table:
    """Scan the list-table whose directive is at index ``start`` (scanning stops before ``stop``)."""
    table = Table(line=start + 1)
    index = start + 1
    while index < stop:
        option = _OPTION.fullmatch(lines[index])
        if option is None:
            break
        if option.group(1) == "header-rows":
            value = option.group(2)
            table.header_rows = int(value) if value.isdigit() else None
        index += 1
    cells: list[str] | None = None
    content_column = 0
    while index < stop:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if line[0] not in " \t":
            break
        body = line.lstrip(" \t")
        indent = len(line) - len(body)
        if body[:1] == "*" and body[1:2] in (" ", "\t"):
            rest = body[1:].lstrip(" \t")
            if rest[:1] == "-" and rest[1:2] in ("", " ", "\t"):
                cells = [rest[1:].strip()]
                table.rows.append((index + 1, cells))
                content_column = indent + len(body) - len(rest) + 2
                index += 1
                continue
        is_cell = body[:1] == "-" and body[1:2] in ("", " ", "\t")
        if is_cell and cells is not None:
            cells.append(body[1:].strip())
            content_column = indent + 2
        elif not is_cell and cells is not None and indent >= content_column:
            cells[-1] = f"{cells[-1]} {body.strip()}".strip()
        else:
            report(
                codes.STRAY_TEXT,
                index + 1,
                f"'{shorten(line.strip())}' inside the table of line {table.line} is no row ('* - cell') "
                "or cell ('- cell'); it is ignored: move it out of the table or make it a cell",
            )
        index += 1
    table.end = index
    at_end = all(not lines[rest].strip() for rest in range(index, len(lines)))
    _fill(table, report, at_end)
    return table


def _fill(table: Table, report: Report, at_end: bool) -> None:
    """Turn the scanned rows into property mappings or merge criteria, reporting what does not fit."""
    if not table.rows:
        code = codes.TABLE_CUT_SHORT if at_end else codes.NO_HEADER_ROWS
        report(code, table.line, "the list-table has no rows, not even a header; add the header row and the rows")
        return
    header_rows = table.header_rows
    if header_rows is None:
        header_rows = 1
        report(
            codes.NO_HEADER_ROWS,
            table.line,
            "the list-table has no ':header-rows: 1' option; its first row is taken as the header: add the option",
        )
    columns = len(table.rows[0][1])
    body = table.rows[header_rows:]
    if columns not in (2, 3):
        report(
            codes.UNSUPPORTED_TABLE,
            table.line,
            f"the list-table has {columns} columns; a property table has 3 and a merge table 2: "
            f"its {len(body)} rows are dropped",
        )
        return
    table.columns = columns
    last_line = table.rows[-1][0]
    for line, cells in body:
        if len(cells) != columns:
            kept = len(cells) >= 2
            cut = at_end and line == last_line and len(cells) < columns
            what = "kept with empty cells" if kept and len(cells) < columns else "kept, extra cells dropped"
            fate = what if kept else "dropped"
            if cut:
                report(
                    codes.TABLE_CUT_SHORT,
                    line,
                    f"the document ends inside this row ({len(cells)} of {columns} cells); the row is {fate}: "
                    "restore the end of the table",
                )
            else:
                report(
                    codes.MALFORMED_ROW,
                    line,
                    f"this row has {len(cells)} cells, the header {columns}; the row is {fate}: "
                    f"give every row {columns} cells",
                )
            if not kept:
                continue
            cells = [*cells, "", ""][:columns]
        if columns == 3:
            target, note = split_note(cells[1])
            table.properties.append(PropertyMapping(cells[0], target, unquote_datatype(cells[2]), note, line))
        else:
            table.merge_criteria.append(MergeCriterion(cells[0], cells[1], line))


def split_note(cell: str) -> tuple[str, str | None]:
    """``OrgNr (Dependant on ...)`` -> (``OrgNr``, ``Dependant on ...``): the balanced trailing group."""
    if not cell.endswith(")"):
        return cell, None
    depth = 0
    for index in range(len(cell) - 1, -1, -1):
        char = cell[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                target = cell[:index].rstrip()
                if not target:
                    return cell, None
                return target, cell[index + 1 : -1].strip()
    return cell, None


def unquote_datatype(cell: str) -> str:
    """Unquote a plain type (``"string"`` -> ``string``); anything else stays as written."""
    if cell in PLAIN_DATATYPES:
        return cell
    quoted = _QUOTED.fullmatch(cell)
    if quoted is not None and quoted.group(1).strip() in PLAIN_DATATYPES:
        return quoted.group(1).strip()
    return cell
