"""Value rules shared by the Squarespace mock and client: money as decimal strings, ISO 8601 UTC
times in milliseconds, the two id formats, URL slugs."""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

__all__ = [
    "MAX_MONEY",
    "IdFactory",
    "format_iso",
    "format_money",
    "is_object_id",
    "is_variant_id",
    "parse_iso",
    "parse_money",
    "slugify",
]

#: The largest amount a price may hold (Squarespace refuses more than 1,000,000).
MAX_MONEY = Decimal("1000000")
_MONEY = re.compile(r"^(0|[1-9][0-9]{0,6})(\.[0-9]{1,2})?$")
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
_VARIANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ISO = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})$",
)
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


def parse_money(text: object) -> Decimal | None:
    """A money value as Squarespace takes it — a decimal string with at most two decimals, from
    0 to 1,000,000 — or None when ``text`` is not one."""
    if not isinstance(text, str) or not _MONEY.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None
    return value if value <= MAX_MONEY else None


def format_money(value: Decimal) -> str:
    """A decimal as Squarespace answers it: always two decimals (``"29.90"``)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def parse_iso(text: object) -> int | None:
    """Milliseconds since the epoch of an ISO 8601 date-time with a zone (``Z`` or ``±hh:mm``),
    or None when ``text`` is not one. Digits beyond the millisecond are dropped."""
    if not isinstance(text, str):
        return None
    match = _ISO.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime.fromisoformat(
            f"{year}-{month}-{day}T{hour}:{minute}:{second}{'+00:00' if zone == 'Z' else zone}"
        ).astimezone(UTC)  # 0001-01-01T00:00:00+14:00 is in year 0 in UTC: no time this API can write back
    except (ValueError, OverflowError):
        return None
    millis = int((fraction or "0").ljust(3, "0")[:3])
    return int(moment.timestamp()) * 1000 + millis


def format_iso(millis: int) -> str:
    """Milliseconds since the epoch as Squarespace writes times: ``2026-01-05T09:00:00.000Z``."""
    seconds, rest = divmod(millis, 1000)
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}.{rest:03d}Z"  # %Y does not pad year 1 to 0001


def is_object_id(text: str) -> bool:
    """Products, orders, store pages and line items have 24 lower-case hex digits as id."""
    return _OBJECT_ID.match(text) is not None


def is_variant_id(text: str) -> bool:
    """Variants (and so inventory items) have a UUID as id."""
    return _VARIANT_ID.match(text) is not None


def slugify(text: str) -> str:
    """A URL slug from a name: lower-case letters and digits joined by single hyphens."""
    slug = _SLUG_CHARS.sub("-", text.casefold()).strip("-")
    return slug[:200].strip("-")


class IdFactory:
    """Ids drawn from a seeded generator, so that two mocks built alike hand out the same ids."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def object_id(self, now_s: float) -> str:
        """A 24-hex id whose first eight digits are the creation second, like Squarespace's."""
        return f"{int(now_s) & 0xFFFFFFFF:08x}{self._random.getrandbits(64):016x}"

    def variant_id(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def context_id(self) -> str:
        """The ``contextId`` of an error body: nine capital letters."""
        return "".join(self._random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(9))

    def api_key(self) -> str:
        return f"sqsp-{self._random.getrandbits(160):040x}"
