"""Deliberately broken sync engines, for ``talkqa selfcheck``: the checklist must catch every one.

Each is talkqa's reference engine with one fault put in through a seam — a ``RecordSide`` wrapper
(``sides.py``), another conflict policy (``policies.py``, through ``PairReconciler.decide``), a
``SyncCycle`` subclass (``cycles.py``), a link table that does not outlive the process, a client that
does not wait out rate limits or reads one page only. Each is a factory for ``--sut``::

    talkqa run --sut harness.selfcheck.broken:rounds_double

and its docstring (in ``engines.py``) says what it breaks and which promise of the spec that violates.
``BROKEN_ENGINES`` lists them in the order ``talkqa selfcheck`` runs them. The factories load on first use:
naming the catalogue (as ``talkqa --help`` does) does not import the engine.
"""

from __future__ import annotations

import importlib
from typing import Any

from harness.selfcheck.broken.catalogue import BROKEN_ENGINES, FAMILY_ENGINES, TEXT_CUT, BrokenEngine

#: the catalogue is the one list of the engines' names
__all__ = ["BROKEN_ENGINES", "TEXT_CUT", "BrokenEngine", *(engine.name for engine in BROKEN_ENGINES)]


def __getattr__(name: str) -> Any:
    """A factory, imported from ``engines`` when first named (PEP 562)."""
    if name in __all__ and name not in {"BROKEN_ENGINES", "BrokenEngine"}:
        # loaded by name, on first use: the catalogue alone must not import the engine
        engine = next(e for e in BROKEN_ENGINES if e.name == name)
        module = engine.module or ("families" if name in FAMILY_ENGINES else "engines")
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
