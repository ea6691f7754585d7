"""Edm values as Exact Online reads and writes them: JSON input checked and converted per Edm type,
stored values rendered back (``/Date(ms)/`` dates, padded code fields, Int64 as number or string).

Stored forms: Guid a lower-case string, DateTime epoch milliseconds (int, UTC), Double a float,
Int*/Byte an int, Boolean a bool, String/Binary a str. ``None`` is a null.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.systems.exact import FieldSpec

__all__ = [
    "DOTNET_TYPES",
    "INT_RANGES",
    "PADDED_WIDTHS",
    "ValueProblem",
    "format_date",
    "input_value",
    "is_guid",
    "max_length",
    "ms_to_iso",
    "output_value",
    "pad",
    "parse_datetime",
]

#: The CLR type OData names in its messages, per Edm type.
DOTNET_TYPES = {
    "Guid": "System.Guid",
    "String": "System.String",
    "Int16": "System.Int16",
    "Int32": "System.Int32",
    "Int64": "System.Int64",
    "Double": "System.Double",
    "Byte": "System.Byte",
    "Boolean": "System.Boolean",
    "DateTime": "System.DateTime",
    "Binary": "System.Byte[]",
    "Collection": "System.Collections.Generic.List",
}

INT_RANGES = {
    "Int16": (-(2**15), 2**15 - 1),
    "Int32": (-(2**31), 2**31 - 1),
    "Int64": (-(2**63), 2**63 - 1),
}

#: Code fields Exact keeps in fixed-width columns and answers right-padded with spaces
#: ("stuk    ", "5  "): the width is also the longest value accepted.
PADDED_WIDTHS = {"Unit": 8, "UnitCode": 8, "SalesVatCode": 3, "VATCode": 3}

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MS_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")
# SQL Server datetime, where Exact keeps dates: 1753-01-01 .. 9999-12-31
_MIN_MS = -6_847_804_800_000
_MAX_MS = 253_402_300_799_999
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ValueProblem(ValueError):
    """A JSON value that does not convert to its field's Edm type (OData answers 400)."""


def is_guid(text: str) -> bool:
    return bool(_GUID.match(text))


def format_date(ms: int) -> str:
    """``/Date(1641034800000)/``: how Exact writes a DateTime."""
    return f"/Date({ms})/"


def ms_to_iso(ms: int) -> str:
    """An ISO 8601 UTC text of epoch milliseconds (for the Atom rendering and messages)."""
    moment = _EPOCH + timedelta(milliseconds=ms)
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def parse_datetime(text: str) -> int:
    """Epoch milliseconds of an ISO 8601 text or ``/Date(ms)/``. A time without offset is UTC.

    Finer than a millisecond is cut off, as Exact's SQL datetime does; ``ValueError`` when unreadable.
    """
    match = _MS_DATE.match(text.strip())
    if match:
        ms = int(match.group(1))
    else:
        raw = text.strip()
        if raw.endswith(("Z", "z")):
            raw = raw[:-1] + "+00:00"
        if "T" not in raw and len(raw) > 10 and raw[10] == " ":
            raw = raw[:10] + "T" + raw[11:]
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        delta = moment - _EPOCH
        ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if not _MIN_MS <= ms <= _MAX_MS:
        raise ValueError("date outside 1753-01-01 .. 9999-12-31")
    return ms


def max_length(field: FieldSpec) -> int | None:
    """The longest string ``field`` accepts: the catalogue's limit, else a padded column's width."""
    return field.max_length if field.max_length is not None else PADDED_WIDTHS.get(field.name)


def pad(name: str, value: str) -> str:
    """A code field as Exact stores it: right-padded to its column width."""
    width = PADDED_WIDTHS.get(name)
    return value.ljust(width) if width is not None else value


def _conversion(field: FieldSpec, value: Any) -> ValueProblem:
    return ValueProblem(
        "Error processing request stream. Error encountered in converting the value from request payload "
        f"for property '{field.name}' to type '{DOTNET_TYPES[field.edm_type]}', which is the property's "
        f"expected type. (value: {_short(value)})"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def input_value(field: FieldSpec, value: Any) -> Any:
    """Convert a JSON value from a request body to the stored form of ``field``; ``ValueProblem`` if it cannot.

    Checks the Edm type only (OData's conversion). Length limits and required fields are business
    rules, checked by the caller so that all of them can be reported at once.
    """
    if value is None:
        return None
    kind = field.edm_type
    if kind == "String":
        if not isinstance(value, str):
            raise _conversion(field, value)
        return pad(field.name, value) if len(value) <= (max_length(field) or len(value)) else value
    if kind == "Guid":
        if not isinstance(value, str) or not is_guid(value.strip("{}")):
            raise _conversion(field, value)
        return value.strip("{}").lower()
    if kind in INT_RANGES or kind == "Byte":
        number = _integer(field, value)
        low, high = INT_RANGES.get(kind, (0, 1))  # Exact's Byte fields are 0/1 flags
        if not low <= number <= high:
            raise _conversion(field, value)
        return number
    if kind == "Double":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _conversion(field, value)
        real = float(value)
        if not math.isfinite(real):
            raise _conversion(field, value)
        return real
    if kind == "Boolean":
        if not isinstance(value, bool):
            raise _conversion(field, value)
        return value
    if kind == "DateTime":
        if not isinstance(value, str):
            raise _conversion(field, value)
        try:
            return parse_datetime(value)
        except ValueError:
            raise _conversion(field, value) from None
    if kind == "Binary":
        if not isinstance(value, str):
            raise _conversion(field, value)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _conversion(field, value) from None
        return value
    raise _conversion(field, value)


def _integer(field: FieldSpec, value: Any) -> int:
    if isinstance(value, bool):
        raise _conversion(field, value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if field.edm_type == "Int64" and isinstance(value, str) and re.fullmatch(r"-?\d{1,19}", value):
        return int(value)  # OData v2 JSON carries Int64 as a string
    raise _conversion(field, value)


def output_value(edm_type: str, value: Any, *, int64_as_string: bool = False) -> Any:
    """A stored value as Exact's JSON carries it."""
    if value is None:
        return None
    if edm_type == "DateTime":
        return format_date(int(value))
    if edm_type == "Int64" and int64_as_string:
        return str(value)
    if edm_type == "Double":
        return float(value)
    return value
