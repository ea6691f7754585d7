"""Deliberately broken sync engines, for ``talkqa selfcheck``: the checklist must catch every one.

Each is talkqa's reference engine with one fault put in through a seam — a ``RecordSide`` wrapper
(``sides.py``), another conflict policy (``policies.py``, through ``PairReconciler.decide``), a
``SyncCycle`` subclass (``cycles.py``), a link table that does not outlive the process, a client that
does not wait out rate limits or reads one page only. Each is a factory for ``--sut``::

    talkqa run --sut harness.sync.broken:rounds_double

and its docstring (in ``engines.py``) says what it breaks and which promise of the spec that violates.
``FAULTS`` lists them in the order ``talkqa selfcheck`` runs them. The factories load on first use:
naming the catalogue (as ``talkqa --help`` does) does not import the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "FAULTS",
    "Fault",
    "clear_is_no_change",
    "drops_property",
    "duplicates_on_rerun",
    "echoes_writes",
    "empty_overwrites",
    "first_page_only",
    "gives_up_on_429",
    "ignores_deletes",
    "ignores_merge_criteria",
    "ignores_target_edits",
    "loses_time_of_date",
    "one_way",
    "rounds_double",
    "truncates_text",
    "wrong_variant",
]

#: how many characters of a text ``truncates_text`` keeps
TEXT_CUT = 20


@dataclass(frozen=True)
class Fault:
    """One broken engine: its name (the factory's), what it breaks, and the promise that breaks."""

    name: str
    breaks: str
    promise: str

    @property
    def sut(self) -> str:
        """What ``--sut`` names to run the checklist against it."""
        return f"{__name__}:{self.name}"


FAULTS: tuple[Fault, ...] = (
    Fault("drops_property", "drops one mapped property", "every mapped property travels with its record"),
    Fault("one_way", "writes only to the target, never to the source", "edits and deletes flow both ways"),
    Fault("rounds_double", "rounds Doubles to whole numbers", "a Double arrives equal"),
    Fault("loses_time_of_date", "dates arrive at midnight", "a DateTime arrives equal to the second"),
    Fault("truncates_text", f"cuts text to {TEXT_CUT} characters", "a string arrives equal"),
    Fault("duplicates_on_rerun", "forgets its links at restart, never looks for a match", "a re-run never duplicates"),
    Fault("ignores_merge_criteria", "never looks for an existing record", "merge on the merge criteria"),
    Fault("echoes_writes", "writes every mapped property every cycle", "a quiet cycle writes nothing"),
    Fault("first_page_only", "reads only the first page of a listing", "every record is synced"),
    Fault("gives_up_on_429", "takes a 429 as nothing there, skips the record", "keeps working through rate limits"),
    Fault("empty_overwrites", "whole-record latest-wins, empties included", "an empty value never overwrites"),
    Fault("ignores_target_edits", "a target edit never counts as a change", "an edit in the target reaches the source"),
    Fault("clear_is_no_change", "a clear is read as no change", "a deliberate clear propagates"),
    Fault("ignores_deletes", "never propagates a delete", "a deleted record does not linger"),
    Fault("wrong_variant", "order lines point at the next line's variant", "lines point at the right variants"),
)


def __getattr__(name: str) -> Any:
    """A factory, imported from ``engines`` when first named (PEP 562)."""
    if name in __all__ and name not in {"FAULTS", "Fault"}:
        from harness.sync.broken import engines

        return getattr(engines, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
