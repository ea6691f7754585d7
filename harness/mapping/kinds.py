"""The value kinds of both systems as facts a mapping row is checked against: the domain each kind's values
live in, which declared data types may describe it, and which domains a row can join. No value is converted
here: the engine's codecs (``harness.sync``) and the checker's oracle (``harness.checklist``) each read values
in their own way.

A value kind names how one side holds a value: the Exact Online Edm types (``String``, ``Int16``, ``Int32``,
``Int64``, ``Double``, ``Byte``, ``Boolean``, ``DateTime``, ``Guid``) and the Squarespace catalogue's scalar
kinds (``string``, ``html``, ``email``, ``currency``, ``enum``, ``id``, ``integer``, ``number``, ``money``,
``boolean``, ``datetime``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = [
    "BRIDGED_DOMAINS",
    "DATATYPE_KINDS",
    "EXACT_KINDS",
    "SQUARESPACE_KINDS",
    "Domain",
    "datatype_fits",
    "domain_of",
    "kind_label",
    "pair_problem",
    "row_domains",
]

EXACT_KINDS = frozenset({"String", "Int16", "Int32", "Int64", "Double", "Byte", "Boolean", "DateTime", "Guid"})
#: Squarespace kinds: the values of ``harness.systems.squarespace.ValueKind`` that hold one scalar.
SQUARESPACE_KINDS = frozenset(
    {"id", "string", "html", "email", "currency", "enum", "integer", "number", "money", "boolean", "datetime"}
)


class Domain(StrEnum):
    """The domains values are compared in."""

    TEXT = "text"  #: str, trailing spaces dropped
    UUID = "uuid"  #: str, lowercase hyphenated Guid
    INTEGER = "integer"  #: int
    DECIMAL = "decimal"  #: Decimal (a double's shortest repr, or a money amount)
    BOOLEAN = "boolean"  #: bool
    INSTANT = "instant"  #: aware UTC datetime


_DOMAINS: Mapping[str, Domain] = {
    "String": Domain.TEXT,
    "Int16": Domain.INTEGER,
    "Int32": Domain.INTEGER,
    "Int64": Domain.INTEGER,
    "Double": Domain.DECIMAL,
    "Boolean": Domain.BOOLEAN,
    "DateTime": Domain.INSTANT,
    "Guid": Domain.UUID,
    "string": Domain.TEXT,
    "html": Domain.TEXT,
    "email": Domain.TEXT,
    "enum": Domain.TEXT,
    "currency": Domain.TEXT,
    "id": Domain.TEXT,
    "integer": Domain.INTEGER,
    "number": Domain.DECIMAL,
    "money": Domain.DECIMAL,
    "boolean": Domain.BOOLEAN,
    "datetime": Domain.INSTANT,
}

#: Pairs of different domains a row can join (both ways): an ``Int32`` order number and a ``string`` one, a
#: ``Double`` stock and an ``integer`` quantity, a ``Guid`` and an ``id``.
BRIDGED_DOMAINS = frozenset(
    {
        (Domain.INTEGER, Domain.TEXT),
        (Domain.TEXT, Domain.INTEGER),
        (Domain.DECIMAL, Domain.INTEGER),
        (Domain.INTEGER, Domain.DECIMAL),
        (Domain.UUID, Domain.TEXT),
        (Domain.TEXT, Domain.UUID),
    }
)

#: Which value kinds each declared data type (the spec's third column, naming the target's type) may sit on.
DATATYPE_KINDS: Mapping[str, frozenset[str]] = {
    "string": frozenset(
        {"string", "html", "email", "currency", "enum", "id", "money", "datetime", "String", "Guid", "DateTime"}
    ),
    "integer": frozenset({"integer", "Int16", "Int32", "Int64", "Byte", "Double"}),  # a Double holds whole numbers
    "float": frozenset({"number", "money", "Double"}),
    "decimal": frozenset({"number", "money", "Double"}),
    "boolean": frozenset({"boolean", "Boolean", "Byte"}),
    "N/A": EXACT_KINDS | SQUARESPACE_KINDS,
}


def domain_of(kind: str, partner: Domain | None = None) -> Domain | None:
    """The domain of value kind ``kind`` (``None`` for a kind we do not know). ``partner`` is the domain of
    the other side of the row: an Edm.Byte is a flag (boolean) beside a boolean, else a number 0-255."""
    if kind == "Byte":
        return Domain.BOOLEAN if partner is Domain.BOOLEAN else Domain.INTEGER
    return _DOMAINS.get(kind)


def kind_label(kind: str) -> str:
    """How messages name a kind: ``Exact Online Edm.Double``, ``Squarespace money``."""
    return f"Exact Online Edm.{kind}" if kind in EXACT_KINDS else f"Squarespace {kind}"


def datatype_fits(datatype: str, kind: str) -> bool:
    """Whether a declared data type can describe a field of value kind ``kind``."""
    return kind in DATATYPE_KINDS.get(datatype, frozenset())


def row_domains(source_kind: str, target_kind: str) -> tuple[Domain, Domain] | None:
    """The domains a row's two kinds are read in (each may depend on the other: an Edm.Byte beside a
    boolean is a flag), or ``None`` when a kind is unknown."""
    first_source, first_target = domain_of(source_kind), domain_of(target_kind)
    if first_source is None or first_target is None:
        return None
    source = domain_of(source_kind, first_target) or first_source
    target = domain_of(target_kind, source) or first_target
    return source, target


def pair_problem(source_kind: str, target_kind: str, datatype: str) -> str | None:
    """Why no row can join a ``source_kind`` field to a ``target_kind`` field under ``datatype`` (an unknown
    data type or kind, a data type that does not describe the target, domains that do not meet), or ``None``."""
    if datatype not in DATATYPE_KINDS:
        return (
            f'the data type {datatype!r} has no conversion: use "string", "integer", "float", "decimal", "boolean" '
            'or "N/A"'
        )
    domains = row_domains(source_kind, target_kind)
    if domains is None:
        unknown = source_kind if domain_of(source_kind) is None else target_kind
        return f"no conversion knows the value kind {unknown!r}"
    source, target = domains
    if not datatype_fits(datatype, target_kind):
        return f'the data type "{datatype}" does not describe {kind_label(target_kind)} values'
    if source is not target and (source, target) not in BRIDGED_DOMAINS:
        return f"no conversion carries {kind_label(source_kind)} values to {kind_label(target_kind)} values"
    return None
