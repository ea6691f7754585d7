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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeAlias

from harness.errors import ConversionError
from harness.mapping.kinds import pair_problem
from harness.sync.codecs import (
    INTEGER_TEXT,
    WIDE_CONTEXT,
    Canonical,
    Codec,
    Domain,
    JsonValue,
    codec_for,
    decode_guid,
)

__all__ = ["Conversion", "Side", "Translate", "conversion_for"]

Side: TypeAlias = Literal["source", "target"]
#: Maps an id from one side to its linked counterpart's id on the other side (``None``: not linked).
Translate: TypeAlias = Callable[[str], "str | None"]


# ---------------------------------------------------------------------------------------------------- bridges

_Bridge: TypeAlias = Callable[[Canonical], Canonical]


def _same(value: Canonical) -> Canonical:
    return value


def _integer_to_text(value: Canonical) -> Canonical:
    return str(value)


def _text_to_integer(value: Canonical) -> Canonical:
    if not isinstance(value, str) or not INTEGER_TEXT.fullmatch(value):
        raise ConversionError(
            f"{value!r} is not a whole number written plainly (no sign on 0, no leading zeros)", value=value
        )
    return int(value)


def _decimal_to_integer(value: Canonical) -> Canonical:
    if not isinstance(value, Decimal) or value != value.to_integral_value(context=WIDE_CONTEXT):
        raise ConversionError(f"{value} is not a whole number: only integral values cross to an integer", value=value)
    return int(value)


def _integer_to_decimal(value: Canonical) -> Canonical:
    return Decimal(value) if isinstance(value, int) else value


def _text_to_uuid(value: Canonical) -> Canonical:
    decoded = decode_guid(value)
    if decoded is None:
        raise ConversionError(f"{value!r} is the nil Guid", value=value)
    return decoded


_BRIDGES: Mapping[tuple[Domain, Domain], tuple[_Bridge, _Bridge]] = {
    (Domain.INTEGER, Domain.TEXT): (_integer_to_text, _text_to_integer),
    (Domain.TEXT, Domain.INTEGER): (_text_to_integer, _integer_to_text),
    (Domain.DECIMAL, Domain.INTEGER): (_decimal_to_integer, _integer_to_decimal),
    (Domain.INTEGER, Domain.DECIMAL): (_integer_to_decimal, _decimal_to_integer),
    (Domain.UUID, Domain.TEXT): (_same, _text_to_uuid),
    (Domain.TEXT, Domain.UUID): (_text_to_uuid, _same),
}


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
                raise ConversionError(f"{value} has no linked counterpart yet", value=value)
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
    when none exists (``harness.mapping.kinds.pair_problem``)."""
    problem = pair_problem(source_kind, target_kind, datatype)
    if problem is not None:
        raise ConversionError(problem, value=(source_kind, target_kind, datatype))
    first_target = codec_for(target_kind, None)
    source = codec_for(source_kind, first_target.domain if first_target else None)
    assert source is not None and first_target is not None  # pair_problem knows every kind a codec knows
    target = codec_for(target_kind, source.domain) or first_target
    if source.domain is target.domain:
        return Conversion(source, target, datatype, _same, _same)
    return Conversion(source, target, datatype, *_BRIDGES[(source.domain, target.domain)])
