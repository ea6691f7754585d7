"""Each system's fields, looked up one way: ``lookup_field`` gives a ``FieldRef`` (kind, limits, roles,
writability) for the mapping layer, and ``catalogue_for`` gives lint a ``FieldFact`` per path. Both read the
catalogues in ``harness.systems.exact`` and ``harness.systems.squarespace``; nothing here knows a mock."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeAlias

from harness.errors import ConversionError
from harness.systems import exact, squarespace
from harness.systems.exact import SPEC_TYPES, ResourceSpec, catalogue, resource_for_spec_type

__all__ = [
    "CATALOGUED_SYSTEMS",
    "CATALOGUES",
    "LINE_COLLECTIONS",
    "SINGLE_ELEMENT_LISTS",
    "ExactTypeFields",
    "FieldCatalogue",
    "FieldFact",
    "FieldRef",
    "JsonValue",
    "Reference",
    "SquarespaceTypeFields",
    "TypeFields",
    "catalogue_for",
    "exact_catalogue",
    "lookup_field",
    "register_catalogue",
    "squarespace_catalogue",
    "type_problem",
]

#: A value as it travels in JSON on either side.
JsonValue: TypeAlias = str | int | float | bool | None

# A list on the way is handled by name: ``SalesOrderLines`` and ``lineItems`` are *line collections* (a path
# through one reads or writes one value per line, in line order); any other list (``variants``) holds exactly
# one element in our flows (one Item is one product with one variant).

#: Lists addressed per line: a path through one reads or writes one value per line.
LINE_COLLECTIONS = frozenset({"SalesOrderLines", "lineItems"})
#: Lists that hold exactly one element in our flows (created as a one-element list by ``set_path``).
SINGLE_ELEMENT_LISTS = frozenset({"variants"})


# -- the face lint asks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldFact:
    """What a catalogue knows of one property path of a type."""

    path: str  #: as the spec writes it, e.g. ``SalesOrderLines.Item``
    where: str  #: the resource or type it was looked up in, e.g. ``salesorder/SalesOrderLines``
    exists: bool
    read_only: bool = False  #: the system never accepts a write of it
    hint: str = ""  #: for a missing field: a close name or why the path cannot exist; else a note on it


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


# -- Squarespace ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SquarespaceTypeFields:
    """The fields of one Squarespace spec type (``Inventory``, ``Sesamproducts``, ``Order``), by dotted path."""

    spec_type: str

    @property
    def label(self) -> str:
        return f"Squarespace {self.spec_type}"

    def lookup(self, path: str) -> FieldFact:
        spec = squarespace.field(self.spec_type, path)
        if spec is not None:
            return FieldFact(path, self.spec_type, exists=True, read_only=spec.read_only, hint=spec.note)
        known = [f.path for f in squarespace.type_fields(self.spec_type)]
        folded = next((k for k in known if k.casefold() == path.casefold()), None)
        close = folded or next(iter(difflib.get_close_matches(path, known, n=1, cutoff=0.7)), None)
        return FieldFact(path, self.spec_type, exists=False, hint=f"did you mean '{close}'?" if close else "")


def squarespace_catalogue(spec_type: str) -> TypeFields | None:
    """Squarespace's fields for a spec type (any case), or ``None`` for a type Squarespace does not serve."""
    wanted = spec_type.strip().casefold()
    name = next((t for t in squarespace.SPEC_TYPES if t.casefold() == wanted), None)
    return SquarespaceTypeFields(name) if name is not None else None


register_catalogue("Squarespace", squarespace_catalogue)


# -- the face the mapping asks ----------------------------------------------------------------------
_EXACT = "Exact Online"
_SQUARESPACE = "Squarespace"
#: The systems whose fields talkqa knows (and so can map).
CATALOGUED_SYSTEMS = (_EXACT, _SQUARESPACE)


@dataclass(frozen=True)
class Reference:
    """What an id field refers to: records of these spec types of the same system."""

    spec_types: tuple[str, ...]
    what: str  #: for messages: ``the variant of the linked product``


@dataclass(frozen=True)
class FieldRef:
    """One field of one spec type of one system, with what the mapping needs to know of it."""

    system: str
    spec_type: str
    path: str  #: dotted, as the spec writes it
    kind: str  #: the value kind conversions know: an Edm type, or a Squarespace ``ValueKind``
    writable_on_create: bool
    writable_on_update: bool
    unique: bool = False  #: identifies a record (a key, or unique in our flows)
    reference: Reference | None = None
    line_collection: str | None = None  #: ``SalesOrderLines`` / ``lineItems`` when the field lies in a line
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.system} {self.spec_type}.{self.path}"

    @property
    def read_only(self) -> bool:
        return not (self.writable_on_create or self.writable_on_update)

    @property
    def read_only_clause(self) -> str:
        """``<label> is read-only (<note>)``: how a message says that a row cannot write this field."""
        return f"{self.label} is read-only" + (f" ({self.note})" if self.note else "")

    @property
    def line_path(self) -> str:
        """The path within one line (``Item`` for ``SalesOrderLines.Item``); the path itself outside lines."""
        return self.path.partition(".")[2] if self.line_collection else self.path

    def check(self, value: JsonValue) -> JsonValue:
        """``value`` if this field can hold it (length, bounds, choices); ``ConversionError`` otherwise."""
        if isinstance(value, str) and self.max_length is not None and len(value) > self.max_length:
            raise ConversionError(
                f"{len(value)} characters, but {self.label} holds at most {self.max_length}", value=value
            )
        if self.choices and value not in (None, "") and value not in self.choices:
            raise ConversionError(f"{value!r} is none of {', '.join(self.choices)} ({self.label})", value=value)
        number = _number(value) if self.kind in {"money", "number", "integer"} else None
        if number is not None and self.minimum is not None and number < self.minimum:
            raise ConversionError(f"{value} is below the minimum {self.minimum} of {self.label}", value=value)
        if number is not None and self.maximum is not None and number > self.maximum:
            raise ConversionError(f"{value} is above the maximum {self.maximum} of {self.label}", value=value)
        return value


def _number(value: JsonValue) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


# Exact marks only its Guid keys; these codes are unique too (an item code, an order number).
_EXACT_UNIQUE = {("logistics/Items", "Code"), ("salesorder/SalesOrders", "OrderNumber")}
_EXACT_REFERENCES = {
    ("salesorder/SalesOrderLines", "Item"): Reference(("Items",), "the Exact Online item"),
    ("salesorder/SalesOrderLines", "OrderID"): Reference(("Salesorders",), "the Exact Online sales order"),
}
# Squarespace ids, and the codes that one Item's product and variant are recognised by in our flows (a
# repeated SKU is a defect there, though Squarespace itself only keeps SKUs unique within one product).
_SQUARESPACE_UNIQUE = {
    ("Inventory", "variantId"),
    ("Inventory", "sku"),
    ("Sesamproducts", "id"),
    ("Sesamproducts", "variants.id"),
    ("Sesamproducts", "variants.sku"),
    ("Sesamproducts", "urlSlug"),
    ("Order", "id"),
    ("Order", "orderNumber"),
    ("Order", "externalOrderReference"),
}
_SQUARESPACE_REFERENCES = {
    "variant": Reference(("Inventory", "Sesamproducts"), "the variant of the linked product"),
    "product": Reference(("Sesamproducts",), "the linked product"),
    "storePage": Reference((), "a store page"),
}


def _exact_field(spec_type: str, path: str) -> FieldRef | str:
    name = next(t for t in exact.SPEC_TYPES if t.casefold() == spec_type.strip().casefold())
    resource = exact.resource(exact.SPEC_TYPES[name])
    head, dot, rest = path.partition(".")
    lines = None
    if dot:
        collection = resource.field(head)
        if collection is None or collection.edm_type != "Collection" or "." in rest:
            return f"{path!r} is no field of Exact Online {name}: only a line collection's fields take a dot"
        lines = head
        container = resource
        resource = exact.resource(f"{resource.path.split('/')[0]}/{head}")
        path_in, spec = rest, resource.field(rest)
    else:
        container, path_in, spec = resource, path, resource.field(path)
    if spec is None:
        return _unknown(f"Exact Online {name}", path_in, resource.names())
    writable = container.field(lines) if lines else None
    return FieldRef(
        _EXACT,
        name,
        path,
        spec.edm_type,
        writable_on_create=spec.post and (writable is None or writable.post),
        writable_on_update=spec.put,
        unique=spec.key or (resource.path, spec.name) in _EXACT_UNIQUE,
        reference=_EXACT_REFERENCES.get((resource.path, spec.name)),
        line_collection=lines,
        max_length=spec.max_length,
        note="neither POST nor PUT writes it" if spec.read_only else "",
    )


def _squarespace_field(spec_type: str, path: str) -> FieldRef | str:
    name = next(t for t in squarespace.SPEC_TYPES if t.casefold() == spec_type.strip().casefold())
    spec = squarespace.field(name, path)
    if spec is None:
        return _unknown(f"Squarespace {name}", path, [f.path for f in squarespace.type_fields(name)])
    head = path.partition(".")[0]
    return FieldRef(
        _SQUARESPACE,
        name,
        path,
        spec.kind.value,
        writable_on_create=spec.writable_on_create,
        writable_on_update=spec.writable_on_update,
        unique=(name, path) in _SQUARESPACE_UNIQUE,
        reference=_SQUARESPACE_REFERENCES.get(spec.reference) if spec.reference else None,
        line_collection=head if head in LINE_COLLECTIONS and "." in path else None,
        max_length=spec.max_length,
        minimum=spec.minimum,
        maximum=spec.maximum,
        choices=spec.values,
        note=spec.note,
    )


def _unknown(where: str, path: str, known: Sequence[str]) -> str:
    folded = next((k for k in known if k.casefold() == path.casefold()), None)
    close = folded or next(iter(difflib.get_close_matches(path, known, n=1, cutoff=0.7)), None)
    return f"{where} has no field {path!r}" + (f" (did you mean {close!r}?)" if close else "")


_CATALOGUES = {_EXACT.casefold(): _exact_field, _SQUARESPACE.casefold(): _squarespace_field}
_TYPES = {_EXACT.casefold(): tuple(exact.SPEC_TYPES), _SQUARESPACE.casefold(): squarespace.SPEC_TYPES}


def type_problem(system: str, spec_type: str) -> str | None:
    """Why ``system``'s ``spec_type`` has no fields we know, or ``None`` when it has."""
    types = _TYPES.get(system.strip().casefold())
    if types is None:
        return (
            f"talkqa has no field catalogue for {system or 'a blank system'!r} (it knows {_EXACT} and {_SQUARESPACE})"
        )
    if spec_type.strip().casefold() not in {t.casefold() for t in types}:
        return f"talkqa's {system} catalogue has no type {spec_type!r} (it has {', '.join(types)})"
    return None


def lookup_field(system: str, spec_type: str, path: str) -> FieldRef | str:
    """The field at ``path`` of ``system``'s ``spec_type``, or why there is none (a sentence)."""
    problem = type_problem(system, spec_type)
    if problem is not None:
        return problem
    return _CATALOGUES[system.strip().casefold()](spec_type, path)
