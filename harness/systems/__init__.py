"""The systems talkqa knows: their names, the data types specs give them, and which carry lines.

A dataflow document may leave a system's name blank (all ``*-squarespace`` documents do): the
blank is kept in the model and reported, and ``resolve_system`` names the system from the data
types the document uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KNOWN_SYSTEMS", "KnownSystem", "known_system", "resolve_system"]


@dataclass(frozen=True)
class KnownSystem:
    """A system with a mock and a driver: the spec data types it serves."""

    name: str
    types: frozenset[str]
    #: data types whose records hold lines that reference other records (orders)
    types_with_lines: frozenset[str] = frozenset()


KNOWN_SYSTEMS: tuple[KnownSystem, ...] = (
    KnownSystem(
        "Exact Online",
        frozenset({"Items", "Salesorders", "Salesorderlines"}),
        frozenset({"Salesorders"}),
    ),
    KnownSystem("Squarespace", frozenset({"Inventory", "Sesamproducts", "Order"}), frozenset({"Order"})),
)


def known_system(name: str) -> KnownSystem | None:
    """The known system called ``name`` (case-insensitive), if any."""
    wanted = name.strip().casefold()
    return next((s for s in KNOWN_SYSTEMS if s.name.casefold() == wanted), None)


def resolve_system(name: str, types: Iterable[str]) -> str:
    """The system's name; a blank name is resolved from the data types it is used with.

    Returns ``name`` unchanged when it is not blank, or when no single known system serves every
    one of ``types`` (the blank then stays blank).
    """
    if name.strip():
        return name
    wanted = {t for t in types if t}
    if not wanted:
        return name
    candidates = [s for s in KNOWN_SYSTEMS if wanted <= s.types]
    return candidates[0].name if len(candidates) == 1 else name
