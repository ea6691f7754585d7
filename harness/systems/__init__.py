"""The registry of the systems talkqa knows: each one's name, the data types specs give it (and which carry
lines), the hosts its API answers on, and where its mock and its checklist driver live. Its field catalogue
is ``harness.systems.<system>`` and the one lookup of fields is ``harness.systems.fields``.

A dataflow document may leave a system's name blank (all ``*-squarespace`` documents do): the
blank is kept in the model and reported, and ``resolve_system`` names the system from the data
types the document uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["EXACT_ONLINE", "KNOWN_SYSTEMS", "SQUARESPACE", "KnownSystem", "known_system", "resolve_system"]


@dataclass(frozen=True)
class KnownSystem:
    """A system with a mock and a driver: the spec data types it serves and where it answers."""

    name: str
    types: frozenset[str]
    #: data types whose records hold lines that reference other records (orders)
    types_with_lines: frozenset[str]
    #: the hosts its API answers on, the first one the one clients are given
    hosts: tuple[str, ...]
    #: ``module:attribute`` of its mock and of the checklist's driver for it (named, so that the registry
    #: imports neither)
    mock: str
    driver: str

    @property
    def base_url(self) -> str:
        """Where clients reach its in-process mock."""
        return f"https://{self.hosts[0]}"


EXACT_ONLINE = KnownSystem(
    "Exact Online",
    frozenset({"Items", "Salesorders", "Salesorderlines"}),
    frozenset({"Salesorders"}),
    tuple(f"start.exactonline.{tld}" for tld in ("nl", "be", "de", "fr", "es", "co.uk", "com")),
    mock="harness.exact.app:ExactOnlineMock",
    driver="harness.checklist.drivers:ExactDriver",
)
SQUARESPACE = KnownSystem(
    "Squarespace",
    frozenset({"Inventory", "Sesamproducts", "Order"}),
    frozenset({"Order"}),
    ("api.squarespace.com",),
    mock="harness.squarespace.app:SquarespaceMock",
    driver="harness.checklist.drivers:SquarespaceDriver",
)
KNOWN_SYSTEMS: tuple[KnownSystem, ...] = (EXACT_ONLINE, SQUARESPACE)


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
