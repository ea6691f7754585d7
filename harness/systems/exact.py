"""The Exact Online fields our mock serves: name, Edm type, key, required, writable on POST/PUT,
longest string. Read from ``exact_catalogue.txt`` (package data, our own notation) once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "EDM_TYPES",
    "SPEC_TYPES",
    "FieldSpec",
    "ResourceSpec",
    "catalogue",
    "resource",
    "resource_for_spec_type",
]

#: Every Edm type the catalogue uses.
EDM_TYPES = frozenset(
    {"Guid", "String", "Int16", "Int32", "Int64", "Double", "Byte", "Boolean", "DateTime", "Binary", "Collection"}
)

#: How dataflow documents name Exact Online resources ("Exact Online Items" -> logistics/Items).
SPEC_TYPES = {
    "Items": "logistics/Items",
    "Salesorders": "salesorder/SalesOrders",
    "Salesorderlines": "salesorder/SalesOrderLines",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of an Exact Online resource."""

    name: str
    edm_type: str  #: without the ``Edm.`` prefix: ``String``, ``Double``, ``Guid``, ...
    key: bool = False
    required: bool = False  #: must be given on POST
    post: bool = False  #: may be written on POST
    put: bool = False  #: may be written on PUT
    max_length: int | None = None

    @property
    def read_only(self) -> bool:
        """Neither POST nor PUT may write it (server-set or computed)."""
        return not (self.post or self.put)


@dataclass(frozen=True)
class ResourceSpec:
    """An Exact Online resource: its path under the division, OData type and fields."""

    path: str  #: e.g. ``logistics/Items`` (``current/Me`` has no division)
    entity_type: str
    methods: frozenset[str]
    fields: tuple[FieldSpec, ...]

    @property
    def key(self) -> FieldSpec:
        return next(f for f in self.fields if f.key)

    def field(self, name: str) -> FieldSpec | None:
        return self._by_name().get(name)

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def writable(self, method: str) -> tuple[FieldSpec, ...]:
        """Fields that ``method`` (POST or PUT) may write."""
        if method.upper() == "POST":
            return tuple(f for f in self.fields if f.post)
        return tuple(f for f in self.fields if f.put)

    def _by_name(self) -> dict[str, FieldSpec]:
        # Indexed by path (one catalogue entry per path): hashing a whole ResourceSpec, or its tuple of
        # fields, on every lookup would cost tens of microseconds a field.
        index = _FIELD_INDEX.get(self.path)
        if index is None:
            index = _FIELD_INDEX[self.path] = {f.name: f for f in self.fields}
        return index


_FIELD_INDEX: dict[str, dict[str, FieldSpec]] = {}


def _parse(text: str) -> dict[str, ResourceSpec]:
    out: dict[str, ResourceSpec] = {}
    current: tuple[str, str, frozenset[str]] | None = None
    fields: list[FieldSpec] = []

    def close() -> None:
        if current is not None:
            path, entity_type, methods = current
            out[path] = ResourceSpec(path, entity_type, methods, tuple(fields))

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            close()
            header, entity_type, methods = line.split()
            current = (header.strip("[]"), entity_type, frozenset(methods.split(",")))
            fields = []
            continue
        name, edm_type, *flags = line.split()
        if edm_type not in EDM_TYPES:
            raise ValueError(f"exact_catalogue.txt: unknown Edm type {edm_type!r} for {name}")
        max_length = next((int(f[4:]) for f in flags if f.startswith("max=")), None)
        fields.append(
            FieldSpec(
                name=name,
                edm_type=edm_type,
                key="key" in flags,
                required="required" in flags,
                post="post" in flags,
                put="put" in flags,
                max_length=max_length,
            )
        )
    close()
    return out


@cache
def catalogue() -> dict[str, ResourceSpec]:
    """Every resource the mock serves, by path."""
    text = resources.files("harness.systems").joinpath("exact_catalogue.txt").read_text(encoding="utf-8")
    return _parse(text)


def resource(path: str) -> ResourceSpec:
    """The resource at ``path`` (``logistics/Items``); ``KeyError`` if the mock does not serve it."""
    return catalogue()[path]


def resource_for_spec_type(spec_type: str) -> ResourceSpec | None:
    """The resource a dataflow document means by ``Exact Online <spec_type>``, if we know it."""
    path = SPEC_TYPES.get(spec_type)
    return catalogue()[path] if path else None
