"""How a checklist item ends besides passing: pending with a reason, or failed with evidence."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from harness.mapping.rows import MappingRow
    from harness.mock.calls import CallRecord

__all__ = ["PENDING_PREFIX", "ChecklistFailure", "pending", "pending_reason"]

#: A pending item is a pytest skip whose reason starts with this (so plain pytest shows it, and
#: talkqa's report — or ``--talkqa-strict`` — can tell it from a skip).
PENDING_PREFIX = "talkqa pending: "


def pending(reason: str) -> NoReturn:
    """End the item as pending: the checklist cannot run it here, and says why."""
    pytest.skip(PENDING_PREFIX + reason)


def pending_reason(skip_reason: str) -> str | None:
    """The pending reason inside a pytest skip reason, or None when it was a plain skip."""
    text = skip_reason.removeprefix("Skipped: ")
    return text[len(PENDING_PREFIX) :] if text.startswith(PENDING_PREFIX) else None


class ChecklistFailure(AssertionError):
    """A checklist item failed: what was expected, what was found."""

    def __init__(self, message: str, *, expected: Any = None, actual: Any = None) -> None:
        self.message = message
        self.expected = expected
        self.actual = actual
        #: the HTTP exchanges of the failure, when they happened outside the scenario's own world (a round
        #: trip's failing example runs in a world of its own)
        self.exchanges: list[CallRecord] | None = None
        #: the rows whose two values the oracle found different, with the raw values as each system holds them
        #: (source, target): what a report can hold against another notion of equal, the engine's own
        self.compared: list[tuple[MappingRow, Any, Any]] = []
        text = message
        if expected is not None or actual is not None:
            text += f"\n  expected: {_show(expected)}\n  actual:   {_show(actual)}"
        super().__init__(text)


def _show(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)
