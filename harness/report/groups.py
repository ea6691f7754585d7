"""What the top of a report points at: items that did not pass grouped by their identical first line
(63 items failing the same way are one thing to look at), and HTTP bodies made readable — JSON
pretty-printed, anything long cut with its full size stated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from harness.report.model import RunReport
from harness.report.results import ItemResult, ItemStatus

__all__ = ["BodyView", "FailureGroup", "body_view", "failure_groups", "failure_shape", "item_anchor"]

#: How much of an HTTP body a report shows.
BODY_CHARS = 1500
BODY_LINES = 40

_CUT_TAIL = re.compile(r"\.\.\. \((\d+) bytes\)$")  #: how the mocks' call log marks an excerpt it cut


def item_anchor(section_index: int, item_index: int) -> str:
    """The id of an item's block in checklist.html (both counted from 1)."""
    return f"item-{section_index}-{item_index}"


_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)*(?![\w])")


def failure_shape(headline: str) -> str:
    """A failure's first line with its values blanked: quoted text and numbers that are not part of a
    name. Items whose first lines differ only in the values of their own records fail the same way."""
    shape = _NUMBER.sub("#", _QUOTED.sub('"…"', headline))
    return re.sub(r"\s*\(and # more\)$", "", shape)  # how many more values a line names is a value too


@dataclass(frozen=True)
class FailureGroup:
    """Items that did not pass with the same status and the same first line of their reason, but for
    the values of their own records."""

    status: ItemStatus
    headline: str  #: the first line of the group's first item
    members: tuple[tuple[str, ItemResult], ...]  #: (anchor, item), in report order

    @property
    def values_differ(self) -> bool:
        """Whether the members' first lines differ (in their values)."""
        return len({(item.reason or "").splitlines()[0] if item.reason else "" for _, item in self.members}) > 1

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def first_anchor(self) -> str:
        return self.members[0][0]


def failure_groups(report: RunReport) -> list[FailureGroup]:
    """Failed and errored items grouped by status and the shape of the first line of the reason
    (``failure_shape``), largest group first (ties in report order)."""
    grouped: dict[tuple[ItemStatus, str], list[tuple[str, ItemResult]]] = {}
    for s_index, section in enumerate(report.sections, start=1):
        for i_index, item in enumerate(section.items, start=1):
            if item.did_not_pass:
                shape = failure_shape((item.reason or item.status.value).splitlines()[0])
                grouped.setdefault((item.status, shape), []).append((item_anchor(s_index, i_index), item))
    groups = [
        FailureGroup(status, (members[0][1].reason or status.value).splitlines()[0], tuple(members))
        for (status, _), members in grouped.items()
    ]
    order = {id(group): index for index, group in enumerate(groups)}
    return sorted(groups, key=lambda group: (-group.count, order[id(group)]))


@dataclass(frozen=True)
class BodyView:
    text: str
    note: str = ""  #: says what was cut, and the full size


def body_view(text: str, *, chars: int = BODY_CHARS, lines: int = BODY_LINES) -> BodyView:
    """An HTTP body as a report shows it: JSON pretty-printed; cut at ``lines`` lines or ``chars``
    characters, saying how big it was in full (the call log may have cut it already: its size is kept)."""
    recorded: int | None = None
    match = _CUT_TAIL.search(text)
    if match:
        recorded = int(match.group(1))
        text = text[: match.start()]
    try:
        pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        pretty = text
    shown_lines = pretty.splitlines()
    cut = pretty
    if len(shown_lines) > lines:
        cut = "\n".join(shown_lines[:lines])
    if len(cut) > chars:
        cut = cut[:chars]
    notes: list[str] = []
    if cut != pretty:
        notes.append(f"cut: {len(cut):,} of {len(pretty):,} characters shown")
    if recorded is not None:
        notes.append(f"the body was {recorded:,} bytes in full; the call log kept its start")
    return BodyView(cut, "; ".join(notes))
