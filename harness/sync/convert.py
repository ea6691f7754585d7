"""Value conversion across a mapping row — Exact Online Edm values ↔ Squarespace JSON values under the row's
declared data type — and equality under that data type's rules. Pure functions: no I/O, no clock.

A value kind names how one side holds a value: the Exact Online Edm types (``String``, ``Int16``, ``Int32``,
``Int64``, ``Double``, ``Byte``, ``Boolean``, ``DateTime``, ``Guid``) and the Squarespace catalogue's scalar
kinds (``string``, ``html``, ``email``, ``currency``, ``enum`` — all text — and ``id``, ``integer``, ``number``,
``money``, ``boolean``, ``datetime``). Each kind has a codec that decodes a wire value into a *canonical* value
(``None`` when empty) and encodes one back. A ``Conversion`` joins a source codec and a target codec, bridging
their canonical domains where they differ (an ``Int32`` order number to a ``string`` one, a ``Double`` stock to
an ``integer`` quantity, a ``Guid`` to an ``id``). Every conversion is reversible on the values it accepts:
``to_source(to_target(v))`` equals ``v`` under the data type's rules; a value it cannot carry unchanged raises
``ConversionError`` instead of being altered.

The rules, decided once:

* Text: trailing spaces (U+0020) are never significant, on either side. Exact pads code-like fields to their
  column width (``"stuk    "``), so both directions drop them and equality ignores them; leading spaces, tabs
  and newlines are kept. An empty (or all-space) text crosses as ``""``.
* Double: its value is the shortest decimal that reads back as the same double (``repr``), held as ``Decimal``;
  binary float formatting is never used. Money (``"29.99"``) holds cents: a double with more decimals than two
  (``0.1 + 0.2``) cannot cross and raises ``ConversionError`` — nothing is rounded silently. A decimal that no
  double holds exactly (too many digits) cannot cross back either. Negative zero is zero.
* Double ↔ integer: only integral values cross. Int16/32/64 and Byte keep their ranges.
* DateTime: Exact reads ``/Date(ms)/`` (epoch milliseconds, UTC) and is written the ISO form its POST/PUT accept
  (``2019-02-17T19:29:53.123``, UTC, no zone); Squarespace holds ISO 8601 UTC with milliseconds and ``Z``.
  Naive inputs are UTC. Both sides hold milliseconds: a value with a finer part cannot cross.
* Byte flags (``IsWebshopItem``) are 0/1 and cross to booleans; any other byte is refused.
* Guid: canonical as lowercase hyphenated text; the nil Guid means "no value".
* Empty: ``None`` always; ``""`` for every string-held kind; all-space text. ``0`` and ``false`` are values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal, TypeAlias, TypeVar

from harness.errors import ConversionError

__all__ = [
    "EXACT_KINDS",
    "SQUARESPACE_KINDS",
    "Canonical",
    "Codec",
    "Conversion",
    "Domain",
    "JsonValue",
    "Side",
    "Translate",
    "conversion_for",
    "datatype_fits",
    "format_exact_datetime",
    "format_iso_utc",
    "parse_exact_datetime",
    "parse_iso_utc",
]

#: A value as it travels in JSON on either side.
JsonValue: TypeAlias = str | int | float | bool | None
#: A value under its data type's rules (what equality compares and the link table stores).
Canonical: TypeAlias = str | int | Decimal | datetime | bool
Side: TypeAlias = Literal["source", "target"]
_Decoder: TypeAlias = Callable[[object], "Canonical | None"]
_Encoder: TypeAlias = Callable[["Canonical | None"], "JsonValue"]
#: Maps an id from one side to its linked counterpart's id on the other side (``None``: not linked).
Translate: TypeAlias = Callable[[str], "str | None"]

EXACT_KINDS = frozenset({"String", "Int16", "Int32", "Int64", "Double", "Byte", "Boolean", "DateTime", "Guid"})
#: Squarespace kinds: the values of ``harness.squarespace.catalogue.ValueKind`` that hold one scalar.
SQUARESPACE_KINDS = frozenset(
    {"id", "string", "html", "email", "currency", "enum", "integer", "number", "money", "boolean", "datetime"}
)

_CENT = Decimal("0.01")
# Wide enough for every finite double (309 integral digits) and its cents, so quantize never traps on them.
_WIDE = Context(prec=400)
_T = TypeVar("_T")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EXACT_DATE = re.compile(r"/Date\((-?\d{1,16})\)/")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?")
_INTEGER_TEXT = re.compile(r"0|-?[1-9][0-9]*")
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_NIL_GUID = "00000000-0000-0000-0000-000000000000"


class Domain(StrEnum):
    """The canonical domains values are compared in."""

    TEXT = "text"  #: str, trailing spaces dropped
    UUID = "uuid"  #: str, lowercase hyphenated Guid
    INTEGER = "integer"  #: int
    DECIMAL = "decimal"  #: Decimal (a double's shortest repr, or a money amount)
    BOOLEAN = "boolean"  #: bool
    INSTANT = "instant"  #: aware UTC datetime


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


def _decode_guid(value: object) -> Canonical | None:
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
            if not _INTEGER_TEXT.fullmatch(value):
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
        cents = amount.quantize(_CENT, context=_WIDE)
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
    "Guid": _exact("Guid", Domain.UUID, _decode_guid, _encode_plain),
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


def _codec(kind: str, partner: Domain | None) -> Codec | None:
    if kind == "Byte":
        return _BYTE_FLAG if partner is Domain.BOOLEAN else _BYTE_NUMBER
    return _CODECS.get(kind)


# ---------------------------------------------------------------------------------------------------- bridges

_Bridge = Callable[[Canonical], Canonical]


def _same(value: Canonical) -> Canonical:
    return value


def _integer_to_text(value: Canonical) -> Canonical:
    return str(value)


def _text_to_integer(value: Canonical) -> Canonical:
    if not isinstance(value, str) or not _INTEGER_TEXT.fullmatch(value):
        raise _refuse(f"{value!r} is not a whole number written plainly (no sign on 0, no leading zeros)", value)
    return int(value)


def _decimal_to_integer(value: Canonical) -> Canonical:
    if not isinstance(value, Decimal) or value != value.to_integral_value(context=_WIDE):
        raise _refuse(f"{value} is not a whole number: only integral values cross to an integer", value)
    return int(value)


def _integer_to_decimal(value: Canonical) -> Canonical:
    return Decimal(value) if isinstance(value, int) else value


def _text_to_uuid(value: Canonical) -> Canonical:
    decoded = _decode_guid(value)
    if decoded is None:
        raise _refuse(f"{value!r} is the nil Guid", value)
    return decoded


_BRIDGES: Mapping[tuple[Domain, Domain], tuple[_Bridge, _Bridge]] = {
    (Domain.INTEGER, Domain.TEXT): (_integer_to_text, _text_to_integer),
    (Domain.TEXT, Domain.INTEGER): (_text_to_integer, _integer_to_text),
    (Domain.DECIMAL, Domain.INTEGER): (_decimal_to_integer, _integer_to_decimal),
    (Domain.INTEGER, Domain.DECIMAL): (_integer_to_decimal, _decimal_to_integer),
    (Domain.UUID, Domain.TEXT): (_same, _text_to_uuid),
    (Domain.TEXT, Domain.UUID): (_text_to_uuid, _same),
}

# Which value kinds each declared data type (the spec's third column, naming the target's type) may sit on.
_DATATYPE_KINDS: Mapping[str, frozenset[str]] = {
    "string": frozenset(
        {"string", "html", "email", "currency", "enum", "id", "money", "datetime", "String", "Guid", "DateTime"}
    ),
    "integer": frozenset({"integer", "Int16", "Int32", "Int64", "Byte", "Double"}),  # a Double holds whole numbers
    "float": frozenset({"number", "money", "Double"}),
    "decimal": frozenset({"number", "money", "Double"}),
    "boolean": frozenset({"boolean", "Boolean", "Byte"}),
    "N/A": EXACT_KINDS | SQUARESPACE_KINDS,
}


def datatype_fits(datatype: str, kind: str) -> bool:
    """Whether a declared data type can describe a field of value kind ``kind``."""
    return kind in _DATATYPE_KINDS.get(datatype, frozenset())


# ---------------------------------------------------------------------------------------------------- conversion


@dataclass(frozen=True)
class Conversion:
    """How values cross one mapping row, both ways, and when two of them are equal.

    Canonical values live in the *source* codec's domain: ``canonical(v, side="target")`` bridges a target
    value back, so ``same(s, t)`` is ``canonical(s, side="source") == canonical(t, side="target")``.

    ``translate`` (optional on every method) replaces the bridge for ids that cross through a link table
    rather than by value: it maps a canonical id of the side the value comes from to the other side's id,
    or to ``None`` when no link exists (the value then cannot cross, and is unequal to anything).
    """

    source: Codec
    target: Codec
    datatype: str
    forward: _Bridge  #: source domain → target domain
    backward: _Bridge  #: target domain → source domain

    @property
    def name(self) -> str:
        return f"{self.source.label} ↔ {self.target.label} ({self.datatype})"

    def to_target(self, value: object, *, translate: Translate | None = None) -> JsonValue:
        """The target's wire value for a source value (an empty one crosses as the target's empty value)."""
        return self._cross(value, self.source, self._way(self.forward, translate, self.target), self.target)

    def to_source(self, value: object, *, translate: Translate | None = None) -> JsonValue:
        """The source's wire value for a target value (for Exact: the form its POST/PUT accept)."""
        return self._cross(value, self.target, self._way(self.backward, translate, self.source), self.source)

    def canonical(self, value: object, *, side: Side, translate: Translate | None = None) -> Canonical | None:
        """``value`` (from ``side``) under the data type's rules, in the source's domain; ``None`` when empty."""
        if side == "source":
            return self._decode(self.source, value)
        decoded = self._decode(self.target, value)
        if decoded is None:
            return None
        try:
            return self._way(self.backward, translate, self.source)(decoded)
        except ConversionError as error:
            raise _crossing_error(error, value, self.target, self.source) from error

    def same(self, source_value: object, target_value: object, *, translate: Translate | None = None) -> bool:
        """Equal under the data type's rules. Two empty values are equal; a value no bridge carries is unequal;
        a value that is not of its side's kind at all raises ``ConversionError``. With ``translate`` (which
        maps a source id to a target id), the source id's link is compared with the target id."""
        source = self._decode(self.source, source_value)
        target = self._decode(self.target, target_value)
        if source is None or target is None:
            return source is None and target is None
        try:
            if translate is not None:
                return self._way(self.forward, translate, self.target)(source) == target
            return self.backward(target) == source
        except ConversionError:
            return False

    def is_empty(self, value: object, *, side: Side) -> bool:
        """Whether ``value`` counts as empty on ``side`` (``None``, ``""``, all spaces, the nil Guid)."""
        return self._decode(self.source if side == "source" else self.target, value) is None

    def _way(self, bridge: _Bridge, translate: Translate | None, destination: Codec) -> _Bridge:
        if translate is None:
            return bridge

        def through_links(value: Canonical) -> Canonical:
            found = destination.decode(translate(str(value)))
            if found is None:
                raise _refuse(f"{value} has no linked counterpart yet", value)
            return found

        return through_links

    def _cross(self, value: object, origin: Codec, bridge: _Bridge, destination: Codec) -> JsonValue:
        decoded = self._decode(origin, value)
        if decoded is None:
            return destination.encode(None)
        try:
            return destination.encode(bridge(decoded))
        except ConversionError as error:
            raise _crossing_error(error, value, origin, destination) from error

    def _decode(self, codec: Codec, value: object) -> Canonical | None:
        try:
            return codec.decode(value)
        except ConversionError as error:
            raise ConversionError(f"{error.reason} — not a {codec.label} value", value=value) from error


def _crossing_error(error: ConversionError, value: object, origin: Codec, destination: Codec) -> ConversionError:
    return ConversionError(
        f"{value!r} cannot cross from {origin.label} to {destination.label} unchanged: {error.reason}", value=value
    )


def conversion_for(source_kind: str, target_kind: str, datatype: str) -> Conversion:
    """The conversion between two value kinds under a declared data type; ``ConversionError`` saying why
    when none exists (an unknown kind, a data type that does not fit the target, domains that do not meet)."""
    if datatype not in _DATATYPE_KINDS:
        raise ConversionError(
            f'the data type {datatype!r} has no conversion: use "string", "integer", "float", "decimal", "boolean" '
            'or "N/A"',
            value=datatype,
        )
    first_source = _codec(source_kind, None)
    first_target = _codec(target_kind, None)
    if first_source is None or first_target is None:
        unknown = source_kind if first_source is None else target_kind
        raise ConversionError(f"no conversion knows the value kind {unknown!r}", value=unknown)
    source = _codec(source_kind, first_target.domain) or first_source
    target = _codec(target_kind, source.domain) or first_target
    if not datatype_fits(datatype, target.kind):
        raise ConversionError(f'the data type "{datatype}" does not describe {target.label} values', value=datatype)
    if source.domain is target.domain:
        return Conversion(source, target, datatype, _same, _same)
    bridges = _BRIDGES.get((source.domain, target.domain))
    if bridges is None:
        raise ConversionError(
            f"no conversion carries {source.label} values to {target.label} values", value=(source_kind, target_kind)
        )
    return Conversion(source, target, datatype, *bridges)
