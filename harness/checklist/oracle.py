"""The checker's own notion of a value: what each system's value *means*, when two mean the same, when one
is empty, and the form the checklist writes a value in. Built from the API facts (how Exact Online's OData
JSON and Squarespace's Commerce JSON hold each kind of value), never from the engine's conversion code, so
a conversion bug the engine shares with nothing here shows up as a difference.

The facts it reads values by:

* Texts (Exact ``String``; Squarespace ``string``, ``html``, ``email``, ``enum``, ``currency``): Exact pads
  code columns with trailing spaces, so trailing U+0020 spaces carry no meaning on either side; an empty or
  all-space text means "no value". A Squarespace ``id`` is opaque: only the empty id means nothing.
* A Guid means the same in any letter case; the nil Guid means "no value".
* Whole numbers are JSON integers (OData may send an ``Edm.Int64`` as a string of digits); an ``Edm.Byte``
  beside a boolean is a 0/1 flag.
* ``Edm.Double`` and Squarespace ``number`` are JSON doubles: a double means the shortest decimal that reads
  back as it. Squarespace ``money`` is a decimal string (``"29.99"``). Negative zero is zero.
* ``Edm.DateTime`` reads ``/Date(ms)/`` (UTC) or an ISO date-time without zone (UTC), and Exact's POST/PUT
  take the ISO form; Squarespace ``datetime`` is ISO 8601 UTC with ``Z``. Both hold milliseconds.
* Values of two kinds meet across a row where both are numbers, where a whole number is written as text
  (an order number), or where a Guid is held as an id; a reference row's ids meet through the links.

Meanings are compared in the row's *source* terms (a target value is brought over first), as plain Python
values: ``str``, ``int``, ``Decimal``, ``bool``, aware UTC ``datetime``; ``None`` means empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

from harness.errors import ConversionError
from harness.mapping.kinds import Domain, row_domains
from harness.mapping.rows import IdLinks, MappingRow

__all__ = [
    "Meaning",
    "Side",
    "exact_date_time",
    "in_units",
    "is_empty",
    "meaning",
    "modified_at",
    "same",
    "written_in_target",
]

Meaning: TypeAlias = str | int | Decimal | bool | datetime
Side: TypeAlias = str  #: "source" or "target"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WCF_DATE = re.compile(r"/Date\((-?\d{1,16})\)/")
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?")
_PLAIN_WHOLE = re.compile(r"0|-?[1-9]\d*")
_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_NIL = "00000000-0000-0000-0000-000000000000"
_INT_RANGES = {
    "Int16": (-(2**15), 2**15 - 1),
    "Int32": (-(2**31), 2**31 - 1),
    "Int64": (-(2**63), 2**63 - 1),
    "Byte": (0, 255),
}
_TEXT_KINDS = frozenset({"String", "string", "html", "email", "enum", "currency"})


def _bad(what: str, value: object) -> ConversionError:
    return ConversionError(f"{value!r} is not {what}", value=value)


# ------------------------------------------------------------------------------------------------ reading


def _read_text(value: object) -> Meaning | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad("text", value)
    kept = value.rstrip(" ")
    return kept if kept else None


def _read_id(value: object) -> Meaning | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad("an id", value)
    return value or None


def _read_guid(value: object) -> Meaning | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _GUID.fullmatch(value):
        raise _bad("a Guid", value)
    lowered = value.lower()
    return None if lowered == _NIL else lowered


def _whole_reader(kind: str) -> Callable[[object], Meaning | None]:
    low_high = _INT_RANGES.get(kind)

    def read(value: object) -> Meaning | None:
        if value is None:
            return None
        if kind == "Int64" and isinstance(value, str):
            if value == "":
                return None
            if not _PLAIN_WHOLE.fullmatch(value):
                raise _bad("an integer", value)
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(f"an integer ({kind})", value)
        if low_high is not None and not low_high[0] <= value <= low_high[1]:
            raise ConversionError(f"{value} lies outside {kind}", value=value)
        return value

    return read


def _read_flag(value: object) -> Meaning | None:
    if value is None:
        return None
    if isinstance(value, bool) or value not in (0, 1):
        raise _bad("a 0/1 flag", value)
    return value == 1


def _read_boolean(value: object) -> Meaning | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _bad("true or false", value)
    return value


def _unsigned_zero(number: Decimal) -> Decimal:
    return Decimal(0) if number.is_zero() else number


def _read_double(value: object) -> Meaning | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad("a number", value)
    if isinstance(value, int):
        try:
            as_float = float(value)
        except OverflowError:
            raise _bad("a number a double holds", value) from None
        if int(as_float) != value:
            raise _bad("a number a double holds exactly", value)
        value = as_float
    if not math.isfinite(value):
        raise _bad("a finite number", value)
    return _unsigned_zero(Decimal(repr(value)))


def _read_amount(value: object) -> Meaning | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise _bad('a decimal amount like "29.99"', value)
    return _unsigned_zero(Decimal(value))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _read_iso(text: str) -> datetime:
    if not _ISO_DATE_TIME.fullmatch(text):
        raise _bad("an ISO 8601 date-time", text)
    try:
        return _utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError) as error:
        raise ConversionError(f"{text!r} is no date-time this side can hold: {error}", value=text) from error


def _read_exact_moment(value: object) -> Meaning | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if not isinstance(value, str):
        raise _bad("an Exact Online date-time", value)
    wcf = _WCF_DATE.fullmatch(value)
    if wcf is None:
        return _read_iso(value)
    try:
        return _EPOCH + timedelta(milliseconds=int(wcf.group(1)))
    except OverflowError as error:
        raise ConversionError(f"{value!r} lies outside the years 1 to 9999", value=value) from error


def _read_squarespace_moment(value: object) -> Meaning | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if not isinstance(value, str):
        raise _bad("an ISO 8601 date-time", value)
    return _read_iso(value)


def _reader(kind: str, domain: Domain) -> Callable[[object], Meaning | None]:
    if kind in _TEXT_KINDS:
        return _read_text
    if kind == "id":
        return _read_id
    if kind == "Guid":
        return _read_guid
    if kind == "Byte" and domain is Domain.BOOLEAN:
        return _read_flag
    if kind in _INT_RANGES or kind == "integer":
        return _whole_reader(kind)
    if kind in {"Double", "number"}:
        return _read_double
    if kind == "money":
        return _read_amount
    if kind in {"Boolean", "boolean"}:
        return _read_boolean
    if kind == "DateTime":
        return _read_exact_moment
    if kind == "datetime":
        return _read_squarespace_moment
    raise ConversionError(f"the checklist cannot read values of kind {kind!r}", value=kind)


# ------------------------------------------------------------------------------------------------ bringing over


def _whole_from_text(value: Meaning) -> Meaning:
    if not isinstance(value, str) or not _PLAIN_WHOLE.fullmatch(value):
        raise _bad("a whole number written plainly", value)
    return int(value)


def _whole_from_number(value: Meaning) -> Meaning:
    if not isinstance(value, Decimal) or value != value.to_integral_value():
        raise _bad("a whole number", value)
    return int(value)


def _number_from_whole(value: Meaning) -> Meaning:
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _guid_from_text(value: Meaning) -> Meaning:
    found = _read_guid(value)
    if found is None:
        raise _bad("a Guid other than the nil Guid", value)
    return found


def _over(value: Meaning, frm: Domain, to: Domain) -> Meaning:
    """A meaning of domain ``frm`` in the terms of domain ``to`` (only the pairs a row can join)."""
    if frm is to:
        return value
    if to is Domain.TEXT and frm is Domain.INTEGER:
        return str(value)
    if to is Domain.TEXT and frm is Domain.UUID:
        return value  # a Guid is its own (lowercase) text
    if to is Domain.INTEGER and frm is Domain.TEXT:
        return _whole_from_text(value)
    if to is Domain.INTEGER and frm is Domain.DECIMAL:
        return _whole_from_number(value)
    if to is Domain.DECIMAL and frm is Domain.INTEGER:
        return _number_from_whole(value)
    if to is Domain.UUID and frm is Domain.TEXT:
        return _guid_from_text(value)
    raise ConversionError(f"a {frm} value has no meaning as a {to} value", value=value)


def _domains(row: MappingRow) -> tuple[Domain, Domain]:
    found = row_domains(row.source.kind, row.target.kind)
    if found is None:
        raise ConversionError(f"{row.label}: the checklist does not know these kinds", value=row.label)
    return found


def _labelled(row: MappingRow, act: Callable[[], Any]) -> Any:
    try:
        return act()
    except ConversionError as error:
        raise ConversionError(f"{row.label}: {error.reason}", value=error.value) from error


def meaning(row: MappingRow, value: object, *, side: Side, links: IdLinks | None = None) -> Meaning | None:
    """What ``value`` (held by ``side``) means, in the row's source terms; ``None`` when it means nothing.
    A reference row's target id is brought over through ``links`` (no link: ``ConversionError``)."""
    source_domain, target_domain = _domains(row)

    def read() -> Meaning | None:
        if side == "source":
            return _reader(row.source.kind, source_domain)(value)
        held = _reader(row.target.kind, target_domain)(value)
        if held is None:
            return None
        if row.is_reference:
            linked = _need_links(row, links).source_id(str(held))
            found = _reader(row.source.kind, source_domain)(linked)
            if found is None:
                raise ConversionError(f"{held} has no linked counterpart yet", value=held)
            return found
        return _over(held, target_domain, source_domain)

    return _labelled(row, read)  # type: ignore[no-any-return]


def is_empty(row: MappingRow, value: object, *, side: Side) -> bool:
    """Whether ``value`` means nothing on ``side`` (``None``, an empty or all-space text, the nil Guid)."""
    source_domain, target_domain = _domains(row)
    kind, domain = (row.source.kind, source_domain) if side == "source" else (row.target.kind, target_domain)
    return _labelled(row, lambda: _reader(kind, domain)(value)) is None


def same(row: MappingRow, source_value: object, target_value: object) -> bool:
    """Whether the two values mean the same under the row (two empties do; a value that cannot be brought
    over does not). A reference row needs links: use ``meaning`` with them."""
    source_domain, target_domain = _domains(row)
    held = _labelled(row, lambda: _reader(row.source.kind, source_domain)(source_value))
    shown = _labelled(row, lambda: _reader(row.target.kind, target_domain)(target_value))
    if held is None or shown is None:
        return held is None and shown is None
    try:
        return bool(_over(shown, target_domain, source_domain) == held)
    except ConversionError:
        return False


def _need_links(row: MappingRow, links: IdLinks | None) -> IdLinks:
    if links is None:
        raise ConversionError(f"{row.label} refers to other records: its ids are compared through the links")
    return links


# ------------------------------------------------------------------------------------------------ writing


def exact_date_time(moment: datetime) -> str:
    """The form Exact's POST/PUT take a DateTime in: ISO 8601, UTC, milliseconds, no zone."""
    if moment.microsecond % 1000:
        raise _bad("a moment in whole milliseconds", moment)
    return _utc(moment).replace(tzinfo=None).isoformat(timespec="milliseconds")


def _squarespace_moment(moment: datetime) -> str:
    if moment.microsecond % 1000:
        raise _bad("a moment in whole milliseconds", moment)
    return _utc(moment).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _double(number: Decimal) -> float:
    result = float(number)
    if not math.isfinite(result) or Decimal(repr(result)) != number:
        raise _bad("a number a double holds exactly", number)
    return result + 0.0


def _amount(number: Decimal) -> str:
    try:
        cents = number.quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise _bad("a money amount", number) from error
    if cents != number:
        raise _bad("an amount in whole cents", number)
    return format(_unsigned_zero(cents), "f")


def _write(kind: str, domain: Domain, value: Meaning | None) -> Any:
    """``value`` in the wire form a field of ``kind`` takes."""
    if kind in _TEXT_KINDS:
        return "" if value is None else value
    if value is None:
        return None
    if kind == "Byte" and domain is Domain.BOOLEAN:
        return 1 if value else 0
    if kind in {"Double", "number"}:
        return _double(value if isinstance(value, Decimal) else Decimal(str(value)))
    if kind == "money":
        return _amount(value if isinstance(value, Decimal) else Decimal(str(value)))
    if kind == "DateTime" and isinstance(value, datetime):
        return exact_date_time(value)
    if kind == "datetime" and isinstance(value, datetime):
        return _squarespace_moment(value)
    if kind in _INT_RANGES or kind == "integer":
        low_high = _INT_RANGES.get(kind)
        if not isinstance(value, int) or (low_high and not low_high[0] <= value <= low_high[1]):
            raise _bad(f"a value of {kind}", value)
    return value


def written_in_target(row: MappingRow, source_value: object) -> Any:
    """The form the checklist writes into the target for a source value (a plain row; not a reference)."""
    source_domain, target_domain = _domains(row)

    def write() -> Any:
        held = _reader(row.source.kind, source_domain)(source_value)
        shown = None if held is None else _over(held, source_domain, target_domain)
        return row.target.check(_write(row.target.kind, target_domain, shown))

    return _labelled(row, write)


# ------------------------------------------------------------------------------------------------ time


def modified_at(system: str, record: dict[str, Any]) -> datetime | None:
    """When a record was last modified, as its system shows it: Exact's ``Modified`` (``/Date(ms)/``),
    Squarespace's ``modifiedOn`` (ISO 8601); None when the record shows no such time."""
    if system == "Exact Online":
        found = _read_exact_moment(record.get("Modified"))
    elif system == "Squarespace":
        found = _read_squarespace_moment(record.get("modifiedOn"))
    else:
        return None
    return found if isinstance(found, datetime) else None


# ------------------------------------------------------------------------------------------------ units


#: a Squarespace weight's unit, in kilograms (Exact Online holds an item's NetWeight in kilograms)
_KILOGRAMS = {"KILOGRAM": Decimal(1), "POUND": Decimal("0.45359237")}


def in_units(value: Meaning | None, holder: object, *, currency: str) -> Meaning | str | None:
    """A Squarespace amount or measure read with what gives it its meaning: ``holder`` is the object that
    holds the value (``{"unit": "POUND", "value": 2.2}``, ``{"currency": "USD", "value": "9.99"}``). A weight
    becomes kilograms; an amount in another currency than ``currency`` (the site's) means something else
    than the same number in it, so it is spelled with its currency."""
    if value is None or not isinstance(holder, dict):
        return value
    unit = holder.get("unit")
    if isinstance(unit, str):
        if unit == "KILOGRAM" or not isinstance(value, Decimal):
            return value
        if unit in _KILOGRAMS:
            return _unsigned_zero((value * _KILOGRAMS[unit]).normalize())
        return f"{value} {unit}"
    code = holder.get("currency")
    if isinstance(code, str) and code != currency:
        return f"{value} {code}"
    return value
