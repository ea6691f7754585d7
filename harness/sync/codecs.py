"""The value kinds of both systems and their codecs: how each kind holds a value on the wire, decoded to a
canonical value (``None`` when empty) and encoded back. The rules they follow: ``harness.sync.convert``."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal, InvalidOperation
from typing import TypeAlias, TypeVar

from harness.errors import ConversionError
from harness.mapping.kinds import EXACT_KINDS, SQUARESPACE_KINDS, Domain
from harness.systems.fields import JsonValue

__all__ = [
    "EXACT_KINDS",
    "INTEGER_TEXT",
    "SQUARESPACE_KINDS",
    "WIDE_CONTEXT",
    "Canonical",
    "Codec",
    "Domain",
    "JsonValue",
    "codec_for",
    "decode_guid",
    "format_exact_datetime",
    "format_iso_utc",
    "parse_exact_datetime",
    "parse_iso_utc",
]

#: A value under its data type's rules (what equality compares and the link table stores).
Canonical: TypeAlias = str | int | Decimal | datetime | bool
_Decoder: TypeAlias = Callable[[object], "Canonical | None"]
_Encoder: TypeAlias = Callable[["Canonical | None"], "JsonValue"]


_CENT = Decimal("0.01")
#: Wide enough for every finite double (309 integral digits) and its cents, so quantize never traps on them.
WIDE_CONTEXT = Context(prec=400)
_T = TypeVar("_T")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EXACT_DATE = re.compile(r"/Date\((-?\d{1,16})\)/")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?")
#: A whole number written plainly: no sign on 0, no leading zeros.
INTEGER_TEXT = re.compile(r"0|-?[1-9][0-9]*")
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_NIL_GUID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Codec:
    """How one value kind is held on the wire, and its canonical domain."""

    kind: str
    domain: Domain
    label: str  #: for messages: ``Exact Online Edm.Double``
    decode: _Decoder  #: wire → canonical; ``None`` when empty
    encode: _Encoder  #: canonical → wire


# ---------------------------------------------------------------------------------------------------- helpers


def _refuse(reason: str, value: object) -> ConversionError:
    return ConversionError(reason, value=value)


def _expect_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _refuse(f"{value!r} is not {what} (expected a JSON string)", value)
    return value


def _as(value: Canonical, kind: type[_T]) -> _T:
    # Encoders receive canonical values of their own domain; anything else is a bridging defect.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _refuse(f"{value!r} is not a canonical {kind.__name__}", value)
    return value


def _zero_is_positive(number: Decimal) -> Decimal:
    return number.copy_abs() if number.is_zero() else number


def _decimal_of_double(number: float) -> Decimal:
    if not math.isfinite(number):
        raise _refuse(f"{number!r} is not a finite number", number)
    return _zero_is_positive(Decimal(repr(number)))


def _double_of_decimal(number: Decimal) -> float:
    """The double whose shortest repr is ``number``; refused when no double is exactly that decimal."""
    result = float(number)
    if not math.isfinite(result) or Decimal(repr(result)) != number:
        raise _refuse(f"{number} has more significant digits than a double holds exactly", number)
    return result + 0.0  # -0.0 becomes 0.0


def _instant(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_iso_utc(text: str) -> datetime:
    """An ISO 8601 date-time (``2024-01-02T03:04:05.123Z``; naive means UTC) as an aware UTC datetime."""
    if not _ISO.fullmatch(text):
        raise _refuse(f"{text!r} is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM])", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise _refuse(f"{text!r} is not a valid date-time: {error}", text) from error
    try:
        return _instant(parsed)
    except OverflowError as error:
        raise _refuse(f"{text!r} falls outside the years 1 to 9999 in UTC", text) from error


def _milliseconds(instant: datetime) -> timedelta:
    if instant.microsecond % 1000:
        raise _refuse(f"{instant.isoformat()} has a part finer than a millisecond, which the other side drops", instant)
    return instant - _EPOCH


def format_iso_utc(instant: datetime) -> str:
    """``2024-01-02T03:04:05.123Z``: UTC, always milliseconds (Squarespace's form)."""
    utc = _instant(instant)
    _milliseconds(utc)
    return utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def parse_exact_datetime(value: object) -> datetime | None:
    """An Exact Online DateTime — ``/Date(ms)/``, an ISO string (naive = UTC) or a datetime — as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _instant(value)
    text = _expect_str(value, "an Exact Online DateTime")
    match = _EXACT_DATE.fullmatch(text)
    if match is None:
        return parse_iso_utc(text)
    try:
        return _EPOCH + timedelta(milliseconds=int(match.group(1)))
    except OverflowError as error:
        raise _refuse(f"{text!r} falls outside the years 1 to 9999", text) from error


def format_exact_datetime(instant: datetime, *, literal: bool = False) -> str:
    """The form Exact's POST/PUT accept (``2019-02-17T19:29:53.123``, UTC), or with ``literal`` the
    ``/Date(ms)/`` form its GETs return."""
    utc = _instant(instant)
    elapsed = _milliseconds(utc)
    if literal:
        return f"/Date({elapsed // timedelta(milliseconds=1)})/"
    return utc.replace(tzinfo=None).isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------------------------------------- codecs


def _decode_text(value: object) -> Canonical | None:
    if value is None:
        return None
    return _expect_str(value, "text").rstrip(" ") or None


def _encode_text(value: Canonical | None) -> JsonValue:
    if value is None:
        return ""
    return _as(value, str)


def _decode_id(value: object) -> Canonical | None:
    if value is None:
        return None
    return _expect_str(value, "an id") or None


def decode_guid(value: object) -> Canonical | None:
    """A Guid as lowercase hyphenated text; ``None`` when empty or the nil Guid."""
    if value is None:
        return None
    text = _expect_str(value, "a Guid")
    if text == "":
        return None
    if not _GUID.fullmatch(text):
        raise _refuse(f"{text!r} is not a Guid (8-4-4-4-12 hexadecimal digits)", value)
    canonical = text.lower()
    return None if canonical == _NIL_GUID else canonical


def _encode_plain(value: Canonical | None) -> JsonValue:
    if isinstance(value, (Decimal, datetime)):
        raise _refuse(f"{value!r} needs a codec of its own", value)
    return value


def _integer_decoder(kind: str, bounds: tuple[int, int] | None, *, strings: bool = False) -> _Decoder:
    def decode(value: object) -> Canonical | None:
        if value is None:
            return None
        if isinstance(value, str) and strings:
            # OData v2 JSON may send Int64 as a string.
            if value == "":
                return None
            if not INTEGER_TEXT.fullmatch(value):
                raise _refuse(f"{value!r} is not an integer", value)
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(f"{value!r} is not an integer ({kind})", value)
        return _in_range(value, kind, bounds)

    return decode


def _integer_encoder(kind: str, bounds: tuple[int, int] | None) -> _Encoder:
    def encode(value: Canonical | None) -> JsonValue:
        if value is None:
            return None
        return _in_range(_as(value, int), kind, bounds)

    return encode


def _in_range(value: int, kind: str, bounds: tuple[int, int] | None) -> int:
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise _refuse(f"{value} is outside the range of {kind} ({bounds[0]} to {bounds[1]})", value)
    return value


def _decode_double(value: object) -> Canonical | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refuse(f"{value!r} is not a number", value)
    if isinstance(value, int):
        as_double = float(value) if abs(value) < 2**1024 else math.inf
        if as_double != value:
            raise _refuse(f"{value} is not a value a double holds exactly", value)
        value = as_double
    return _decimal_of_double(value)


def _encode_double(value: Canonical | None) -> JsonValue:
    if value is None:
        return None
    return _double_of_decimal(_as(value, Decimal))


def _decode_money(value: object) -> Canonical | None:
    if value is None:
        return None
    text = _expect_str(value, "a money amount")
    if text == "":
        return None
    if not _DECIMAL_TEXT.fullmatch(text):
        raise _refuse(f'{text!r} is not a decimal amount like "29.99"', value)
    return _zero_is_positive(Decimal(text))


def _encode_money(value: Canonical | None) -> JsonValue:
    if value is None:
        return None
    amount = _as(value, Decimal)
    try:
        cents = amount.quantize(_CENT, context=WIDE_CONTEXT)
    except InvalidOperation as error:
        raise _refuse(f"{amount} has too many digits for a money amount", amount) from error
    if cents != amount:
        raise _refuse(
            f"{amount} has more than 2 decimals and money holds cents; round it at its origin or map it to a number",
            value,
        )
    return format(_zero_is_positive(cents), "f")


def _decode_bool(value: object) -> Canonical | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _refuse(f"{value!r} is not a boolean (true or false)", value)
    return value


def _decode_flag(value: object) -> Canonical | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(f"{value!r} is not a Byte flag (0 or 1)", value)
    if value not in (0, 1):
        raise _refuse(f"{value} is not a Byte flag (0 or 1): only flags cross to a boolean", value)
    return value == 1


def _encode_flag(value: Canonical | None) -> JsonValue:
    if value is None:
        return None
    return 1 if _as(value, bool) else 0


def _decode_exact_datetime(value: object) -> Canonical | None:
    return parse_exact_datetime(value)


def _encode_exact_datetime(value: Canonical | None) -> JsonValue:
    if value is None:
        return None
    return format_exact_datetime(_as(value, datetime))


def _decode_iso(value: object) -> Canonical | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _instant(value)
    return parse_iso_utc(_expect_str(value, "an ISO 8601 date-time"))


def _encode_iso(value: Canonical | None) -> JsonValue:
    if value is None:
        return None
    return format_iso_utc(_as(value, datetime))


def _exact(kind: str, domain: Domain, decode: _Decoder, encode: _Encoder) -> Codec:
    return Codec(kind, domain, f"Exact Online Edm.{kind}", decode, encode)


def _square(kind: str, domain: Domain, decode: _Decoder, encode: _Encoder) -> Codec:
    return Codec(kind, domain, f"Squarespace {kind}", decode, encode)


def _edm_integer(kind: str, bounds: tuple[int, int], *, strings: bool = False) -> Codec:
    return _exact(
        kind,
        Domain.INTEGER,
        _integer_decoder(f"Edm.{kind}", bounds, strings=strings),
        _integer_encoder(f"Edm.{kind}", bounds),
    )


_CODECS: Mapping[str, Codec] = {
    "String": _exact("String", Domain.TEXT, _decode_text, _encode_text),
    "Int16": _edm_integer("Int16", (-(2**15), 2**15 - 1)),
    "Int32": _edm_integer("Int32", (-(2**31), 2**31 - 1)),
    "Int64": _edm_integer("Int64", (-(2**63), 2**63 - 1), strings=True),
    "Double": _exact("Double", Domain.DECIMAL, _decode_double, _encode_double),
    "Boolean": _exact("Boolean", Domain.BOOLEAN, _decode_bool, _encode_plain),
    "DateTime": _exact("DateTime", Domain.INSTANT, _decode_exact_datetime, _encode_exact_datetime),
    "Guid": _exact("Guid", Domain.UUID, decode_guid, _encode_plain),
    **{kind: _square(kind, Domain.TEXT, _decode_text, _encode_text) for kind in ("string", "html", "email", "enum")},
    "currency": _square("currency", Domain.TEXT, _decode_text, _encode_text),
    "id": _square("id", Domain.TEXT, _decode_id, _encode_plain),
    "integer": _square("integer", Domain.INTEGER, _integer_decoder("integer", None), _integer_encoder("integer", None)),
    "number": _square("number", Domain.DECIMAL, _decode_double, _encode_double),
    "money": _square("money", Domain.DECIMAL, _decode_money, _encode_money),
    "boolean": _square("boolean", Domain.BOOLEAN, _decode_bool, _encode_plain),
    "datetime": _square("datetime", Domain.INSTANT, _decode_iso, _encode_iso),
}
# Byte is the one kind whose reading depends on the other side: a flag beside a boolean, else a number 0-255.
_BYTE_FLAG = _exact("Byte", Domain.BOOLEAN, _decode_flag, _encode_flag)
_BYTE_NUMBER = _edm_integer("Byte", (0, 255))


def codec_for(kind: str, partner: Domain | None = None) -> Codec | None:
    """The codec of value kind ``kind`` (``None`` for a kind we do not know); ``partner`` is the domain of the
    other side of the row, which decides how an Edm.Byte reads."""
    if kind == "Byte":
        return _BYTE_FLAG if partner is Domain.BOOLEAN else _BYTE_NUMBER
    return _CODECS.get(kind)
