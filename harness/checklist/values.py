"""Values for checklist records: for each mapping row, the domain of values that are valid on *both*
sides (so an edit can cross unchanged), drawn with faker for the steps and as hypothesis strategies
for the round trips. Values are in the source's raw form (what Exact's API accepts); the row converts
them for the target."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from faker import Faker
from hypothesis import strategies as st

from harness.checklist import oracle
from harness.mapping.rows import MappingRow

__all__ = ["Domain", "RowValues", "domain_of", "row_strategy"]

_TEXT_CAP = 60  #: longest text drawn when neither side says (keeps records readable in reports)
_CODE_ALPHABET = string.ascii_uppercase + string.digits
#: Squarespace fields that hold only letters and digits with single hyphens between (a URL slug): a value
#: crosses unchanged only when it is one
_SLUG_FIELDS = frozenset({"urlSlug"})


@dataclass(frozen=True)
class Domain:
    """What values a row accepts on both sides."""

    kind: str  #: text, code, slug, digits, money, number, whole, integer, flag, boolean, datetime, choice, none
    max_length: int = _TEXT_CAP
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    why_none: str = ""

    @property
    def can_draw(self) -> bool:
        return self.kind != "none"


def _limit(*values: int | None) -> int:
    known = [v for v in values if v]
    return min([*known, _TEXT_CAP]) if known else _TEXT_CAP


def domain_of(row: MappingRow, *, site_currency: str = "EUR") -> Domain:
    """The values a row can carry unchanged from one side to the other."""
    source, target = row.source, row.target
    if row.is_reference:
        return Domain("none", why_none=f"{row.label} refers to other records; its values come from the links")
    kinds = {source.kind, target.kind}
    if (target.choices or "currency" in kinds) and source.kind not in {"String", "string", "enum", "currency"}:
        return Domain("none", why_none=f"{source.label} holds no text, and {target.label} holds one of a few codes")
    if "currency" in kinds:
        return Domain("choice", choices=(site_currency,))
    if source.choices or target.choices:
        shared = [c for c in (source.choices or target.choices) if not target.choices or c in target.choices]
        return Domain("choice", choices=tuple(shared)) if shared else Domain("none", why_none="no shared choices")
    edm = source.kind
    if edm == "String" and target.path in _SLUG_FIELDS:
        return Domain("slug", max_length=_limit(source.max_length, target.max_length))
    if edm == "String" and target.kind == "integer":
        return Domain("digits", minimum=Decimal(0), maximum=Decimal(99_999))
    if edm == "String":
        code = source.unique or target.unique
        return Domain("code" if code else "text", max_length=_limit(source.max_length, target.max_length))
    if edm == "Double":
        if target.kind == "money":
            return Domain("money", minimum=Decimal("0.01"), maximum=Decimal("999.99"))
        if target.kind == "integer":
            low = 1 if row.is_line_row else 0  # a line holds at least one of its item
            return Domain("whole", minimum=Decimal(low), maximum=Decimal(50))
        return Domain("number", minimum=Decimal("0.001"), maximum=Decimal(1000))
    if edm in {"Int16", "Int32", "Int64"}:
        return Domain("integer", minimum=Decimal(1), maximum=Decimal(30_000 if edm == "Int16" else 9_999_999))
    if edm == "Byte":
        return Domain("flag")
    if edm == "Boolean":
        return Domain("boolean")
    if edm == "DateTime":
        return Domain("datetime")
    return Domain("none", why_none=f"talkqa draws no values for {source.label} ({edm})")


#: domain kinds from the narrowest (fewest values) to the widest
_NARROW = (
    "none",
    "choice",
    "flag",
    "boolean",
    "whole",
    "digits",
    "integer",
    "money",
    "number",
    "datetime",
    "slug",
    "code",
    "text",
)


class RowValues:
    """Fresh realistic values per row, from a seeded faker (the same seed gives the same values)."""

    def __init__(self, faker: Faker, rng: random.Random, now: datetime, *, site_currency: str = "EUR") -> None:
        self.faker = faker
        self.rng = rng
        self.now = now
        self.site_currency = site_currency

    def narrowness(self, row: MappingRow) -> int:
        """How few values ``row`` accepts, as a rank (0 the fewest): of several rows of one source field, the
        narrowest one's values fit the others."""
        return _NARROW.index(domain_of(row, site_currency=self.site_currency).kind)

    def source(self, row: MappingRow, *, unlike: Any = None) -> Any:
        """A source value for ``row`` that differs from ``unlike`` (canonically); None when none can."""
        domain = domain_of(row, site_currency=self.site_currency)
        if not domain.can_draw:
            return None
        for _ in range(20):
            value = self._draw(domain)
            if unlike is None or oracle.meaning(row, value, side="source") != oracle.meaning(
                row, unlike, side="source"
            ):
                return value
        return None

    def target(self, row: MappingRow, *, unlike: Any = None) -> Any:
        """A target value for ``row`` (a drawn source value, converted) that differs from ``unlike``."""
        for _ in range(20):
            value = self.source(row)
            if value is None:
                return None
            converted = oracle.written_in_target(row, value)
            if unlike is None or oracle.meaning(row, converted, side="target") != oracle.meaning(
                row, unlike, side="target"
            ):
                return converted
        return None

    def _draw(self, domain: Domain) -> Any:
        rng = self.rng
        if domain.kind == "code":
            size = min(domain.max_length, 10)
            return "TQ" + "".join(rng.choice(_CODE_ALPHABET) for _ in range(max(size - 2, 4)))
        if domain.kind == "digits":
            return str(rng.randint(int(domain.minimum or 0), int(domain.maximum or 99_999)))
        if domain.kind == "slug":
            words = [w for w in self.faker.words(nb=rng.randint(2, 4)) if w.isascii() and w.isalnum()] or ["tq"]
            return "-".join(words).lower()[: domain.max_length].strip("-") + f"-{rng.randint(1, 999_999)}"
        if domain.kind == "text":
            words = self.faker.words(nb=rng.randint(2, 4))
            return " ".join(words).capitalize()[: domain.max_length].rstrip()
        if domain.kind == "money":
            return float(Decimal(rng.randint(1, 99_999)) / 100)
        if domain.kind == "number":
            return round(rng.uniform(0.1, 250.0), 3)
        if domain.kind == "whole":
            return float(rng.randint(int(domain.minimum or 0), int(domain.maximum or 50)))
        if domain.kind == "integer":
            return rng.randint(1, 999_999)
        if domain.kind == "flag":
            return rng.randint(0, 1)
        if domain.kind == "boolean":
            return rng.random() < 0.5
        if domain.kind == "datetime":
            back = timedelta(days=rng.randint(1, 400), seconds=rng.randint(0, 86_399), milliseconds=rng.randint(0, 999))
            return oracle.exact_date_time(self.now - back)
        if domain.kind == "choice":
            return rng.choice(domain.choices)
        raise ValueError(f"cannot draw a value of kind {domain.kind}")


def row_strategy(row: MappingRow, now: datetime, *, site_currency: str = "EUR") -> st.SearchStrategy[Any]:
    """A hypothesis strategy of source values for ``row`` (empty values included where a side allows)."""
    domain = domain_of(row, site_currency=site_currency)
    kind = domain.kind
    if kind == "code":
        return st.text(_CODE_ALPHABET, min_size=4, max_size=min(domain.max_length, 12)).map(lambda s: "TQ" + s)
    if kind == "digits":
        return st.integers(int(domain.minimum or 0), int(domain.maximum or 99_999)).map(str)
    if kind == "slug":
        part = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
        return st.lists(part, min_size=1, max_size=4).map("-".join).map(lambda s: s[: domain.max_length].strip("-"))
    if kind == "text":
        alphabet = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
        return st.text(alphabet, min_size=1, max_size=domain.max_length).map(str.strip).filter(bool)
    if kind == "money":
        return st.integers(1, 99_999).map(lambda cents: float(Decimal(cents) / 100))
    if kind == "number":
        return st.decimals(Decimal("0.001"), Decimal(1000), places=3).map(float)
    if kind == "whole":
        return st.integers(int(domain.minimum or 0), int(domain.maximum or 50)).map(float)
    if kind == "integer":
        return st.integers(1, 9_999_999)
    if kind == "flag":
        return st.sampled_from([0, 1])
    if kind == "boolean":
        return st.booleans()
    if kind == "datetime":
        earliest = now.replace(tzinfo=None) - timedelta(days=3650)
        moments = st.datetimes(earliest, now.replace(tzinfo=None) - timedelta(seconds=1))
        return moments.map(
            lambda dt: oracle.exact_date_time(dt.replace(microsecond=dt.microsecond // 1000 * 1000, tzinfo=UTC))
        )
    if kind == "choice":
        return st.sampled_from(domain.choices)
    return st.nothing()


def utc_now(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
