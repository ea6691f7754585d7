"""Field metadata of the systems we know, behind one small registry that lint asks.

A *catalogue* is a function from a spec data type ("Items") to the fields of that type, or ``None``
when we have no metadata for it. ``CATALOGUES`` maps a system name to its catalogue; a new system
(Squarespace, say) is added with ``register_catalogue`` without touching lint.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from harness.exact.catalogue import SPEC_TYPES, ResourceSpec, catalogue, resource_for_spec_type

__all__ = [
    "CATALOGUES",
    "ExactTypeFields",
    "FieldCatalogue",
    "FieldFact",
    "TypeFields",
    "catalogue_for",
    "exact_catalogue",
    "register_catalogue",
]


@dataclass(frozen=True)
class FieldFact:
    """What a catalogue knows of one property path of a type."""

    path: str  #: as the spec writes it, e.g. ``SalesOrderLines.Item``
    where: str  #: the resource or type it was looked up in, e.g. ``salesorder/SalesOrderLines``
    exists: bool
    read_only: bool = False  #: the system never accepts a write of it
    hint: str = ""  #: for a missing field: a close name or why the path cannot exist


class TypeFields(Protocol):
    """The fields of one data type of one system."""

    @property
    def label(self) -> str:
        """How messages name the type, e.g. ``Exact Online logistics/Items``."""
        ...

    def lookup(self, path: str) -> FieldFact:
        """What is known of ``path`` (a property name or dotted path)."""
        ...


#: A system's catalogue: spec data type -> its fields, or ``None`` when we have no metadata for it.
FieldCatalogue = Callable[[str], TypeFields | None]

#: Catalogues by casefolded system name.
CATALOGUES: dict[str, FieldCatalogue] = {}


def register_catalogue(system: str, catalogue_of_system: FieldCatalogue) -> None:
    """Make lint check the fields of ``system`` with ``catalogue_of_system``."""
    CATALOGUES[system.strip().casefold()] = catalogue_of_system


def catalogue_for(system: str) -> FieldCatalogue | None:
    """The catalogue of ``system`` (case-insensitive), if one is registered."""
    return CATALOGUES.get(system.strip().casefold())


# -- Exact Online ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExactTypeFields:
    """The fields of one Exact Online resource. A dotted path whose first segment is a Collection
    field (``SalesOrderLines.Item``) is looked up in the line resource of the same service."""

    resource: ResourceSpec

    @property
    def label(self) -> str:
        return f"Exact Online {self.resource.path}"

    def lookup(self, path: str) -> FieldFact:
        head, dot, rest = path.partition(".")
        if not dot:
            return _fact(self.resource, path, path)
        collection = self.resource.field(head)
        if collection is None or collection.edm_type != "Collection":
            reason = (
                f"'{head}' is no field of {self.resource.path}"
                if collection is None
                else f"'{head}' is a {collection.edm_type}, not a collection: Exact fields are flat"
            )
            return FieldFact(path, self.resource.path, exists=False, hint=reason)
        service = self.resource.path.split("/", 1)[0]
        lines = catalogue().get(f"{service}/{head}")
        if lines is None:
            return FieldFact(path, self.resource.path, exists=False, hint=f"no metadata for the lines in '{head}'")
        if "." in rest:
            return FieldFact(path, lines.path, exists=False, hint=f"'{rest}' goes deeper than a line field")
        return _fact(lines, rest, path)


def _fact(resource: ResourceSpec, name: str, path: str) -> FieldFact:
    spec = resource.field(name)
    if spec is None:
        close = difflib.get_close_matches(name, resource.names(), n=1, cutoff=0.75)
        folded = next((n for n in resource.names() if n.casefold() == name.casefold()), None)
        suggestion = folded or (close[0] if close else None)
        hint = f"did you mean '{suggestion}'?" if suggestion else ""
        return FieldFact(path, resource.path, exists=False, hint=hint)
    return FieldFact(path, resource.path, exists=True, read_only=spec.read_only)


def exact_catalogue(spec_type: str) -> TypeFields | None:
    """Exact Online's fields for a spec type ("Items", "Salesorders", "Salesorderlines")."""
    found = resource_for_spec_type(spec_type)
    if found is None:
        wanted = spec_type.strip().casefold()
        key = next((k for k in SPEC_TYPES if k.casefold() == wanted), None)
        found = resource_for_spec_type(key) if key is not None else None
    return ExactTypeFields(found) if found is not None else None


register_catalogue("Exact Online", exact_catalogue)
