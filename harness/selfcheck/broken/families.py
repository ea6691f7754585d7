"""Broken engines for the checklist families of issue 12 — bugs nobody planted for the first checklist:
values at the edges, merges of records that differ, faults on every kind of write, crashes mid-cycle,
volume, unmapped fields, conflicts of other shapes, deferred work. Each is the reference engine with
one realistic fault an integration developer could ship; its docstring says what a shop owner or a
bookkeeper would see, and which promise of the spec that breaks."""

from __future__ import annotations

import re
import struct
import unicodedata
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from harness.clock import Clock
from harness.mapping.rows import MappingRow
from harness.selfcheck.broken.engines import _rewire, _rows
from harness.selfcheck.broken.sides import Fix, SideWrapper, ValueFault
from harness.sut import Endpoints
from harness.sync.plan import Group
from harness.sync.records import Record, RecordSide, Writes
from harness.sync.reference import ReferenceEngine

__all__ = [
    "cuts_text_by_bytes",
    "normalises_unicode",
    "rounds_to_cents",
    "skips_false",
    "skips_zero",
    "strips_text",
]

_TEXT_KINDS = frozenset({"String", "string", "html"})


# -- wiring ----------------------------------------------------------------------------------------
def _both_sides_fixes(engine: ReferenceEngine, fix_for: Callable[[MappingRow, str], Fix | None]) -> None:
    """Spoil, on both sides, the values ``fix_for(row, role)`` names a fix for, on create and update."""

    def wrap(side: RecordSide, group: Group, role: str) -> RecordSide | None:
        fixes: dict[str, Fix] = {}
        for row in _rows(group):
            fix = fix_for(row, role)
            if fix is not None:
                fixes[row.target.path if role == "target" else row.source.path] = fix
        return ValueFault(side, fixes) if fixes else None

    _rewire(engine, wrap)


def _text_rows(row: MappingRow, role: str) -> bool:
    field = row.target if role == "target" else row.source
    return field.kind in _TEXT_KINDS and not row.is_line_row


class DropsWrites(SideWrapper):
    """Leaves out of every create and update the values ``dropped`` picks (an ``if value:`` guard)."""

    def __init__(self, inner: RecordSide, dropped: Callable[[str, Any], bool]) -> None:
        super().__init__(inner)
        self.dropped = dropped

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        kept = {k: v for k, v in values.items() if not self.dropped(k, v)}
        return self.inner.create(kept, intent_key=intent_key, source=source)

    def update(self, record: Record, writes: Writes) -> None:
        kept = {key: value for key, value in writes.items() if not self.dropped(key[1], value)}
        if kept:
            self.inner.update(record, kept)


def is_zero(_: str, value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value == 0


def _is_false(paths: frozenset[str]) -> Callable[[str, Any], bool]:
    def dropped(path: str, value: Any) -> bool:
        return value is False or (path in paths and value == 0 and not isinstance(value, float))

    return dropped


# -- edge values -------------------------------------------------------------------------------------
def strips_text(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Strips texts: every text goes out ``strip()``-ed, so the white space a person typed at the start
    of a name (or two spaces inside it, kept) is gone in the other system. Violates: a string arrives
    equal — white space around the text included."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _strip if _text_rows(row, role) and not row.key else None)
    return engine


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def normalises_unicode(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Normalises texts to NFC: a name typed with combining accents (as macOS and many phones send it)
    arrives composed — it looks the same, but it is another text, and a search or a comparison by code
    point finds it changed. Violates: a string arrives equal, in the normal form it was typed in."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _nfc if _text_rows(row, role) else None)
    return engine


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def collapses_white_space(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Collapses runs of white space in texts to one space (a "clean-up" of pasted text): a name typed with
    two spaces arrives with one. Violates: a string arrives equal."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _collapse if _text_rows(row, role) and not row.key else None)
    return engine


def _collapse(value: Any) -> Any:
    return re.sub(r"\s{2,}", " ", value) if isinstance(value, str) else value


def folds_to_ascii(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Folds texts to ASCII (a transliteration meant for URLs, applied to names): "Crème brûlée" arrives as
    "Creme brulee", "€" disappears. Violates: a string arrives equal, accents and symbols included."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _ascii if _text_rows(row, role) else None)
    return engine


def _ascii(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKD", value).encode("ascii", errors="ignore").decode("ascii")


def latin1_texts(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Sends texts through Latin-1 (an old encoding setting): every character Latin-1 lacks — the euro
    sign, "ĳ", "Œ" — arrives as "?". Violates: a string arrives equal, in any script."""
    engine = ReferenceEngine(endpoints, clock)
    _both_sides_fixes(engine, lambda row, role: _latin1 if _text_rows(row, role) else None)
    return engine


def _latin1(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.encode("latin-1", errors="replace").decode("latin-1")


def numbers_as_float32(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Holds numbers in single precision on the way (a float32 column in its own staging table): a weight
    of 12.345 kg arrives as 12.345000267028809. Violates: a number arrives equal."""
    engine = ReferenceEngine(endpoints, clock)

    def fix_for(row: MappingRow, role: str) -> Fix | None:
        field = row.target if role == "target" else row.source
        return _float32 if field.kind in {"Double", "number"} and not row.is_line_row else None

    _both_sides_fixes(engine, fix_for)
    return engine


def _float32(value: Any) -> Any:
    if isinstance(value, float):
        return float(struct.unpack("f", struct.pack("f", value))[0])
    return value


def cuts_text_by_bytes(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Cuts texts to the receiving field's length in UTF-8 *bytes* (the field holds that many
    characters): a 60-letter name with accents or a euro sign arrives cut to about half. Violates: a
    string arrives equal when it fits the field on both sides."""
    engine = ReferenceEngine(endpoints, clock)

    def fix_for(row: MappingRow, role: str) -> Fix | None:
        field = row.target if role == "target" else row.source
        if not _text_rows(row, role) or not field.max_length:
            return None
        return _byte_cut(field.max_length)

    _both_sides_fixes(engine, fix_for)
    return engine


def _byte_cut(limit: int) -> Fix:
    def cut(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return value.encode("utf-8")[:limit].decode("utf-8", errors="ignore")

    return cut


def skips_zero(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Skips zero numbers: an ``if value:`` guard leaves a 0 out of every write, so a weight or a stock
    set to 0 keeps its old value in the other system. Violates: a number arrives equal — zero too."""
    engine = ReferenceEngine(endpoints, clock)
    _rewire(engine, lambda side, group, role: DropsWrites(side, is_zero))
    return engine


def skips_false(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Skips false flags: an ``if value:`` guard leaves false (and Exact's 0 flag) out of every write, so
    a product hidden in one system stays visible in the other. Violates: a boolean arrives equal — false
    too."""
    engine = ReferenceEngine(endpoints, clock)

    def wrap(side: RecordSide, group: Group, role: str) -> RecordSide | None:
        flags = frozenset(
            row.source.path for row in _rows(group) if row.source.kind == "Byte" and row.target.kind == "boolean"
        )
        return DropsWrites(side, _is_false(flags if role == "source" else frozenset()))

    _rewire(engine, wrap)
    return engine


def rounds_to_cents(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Rounds every number to two decimals (it formats all numbers as money): a weight of 0.125 kg
    arrives as 0.13. Violates: a number arrives equal to the precision its field holds."""
    engine = ReferenceEngine(endpoints, clock)

    def fix_for(row: MappingRow, role: str) -> Fix | None:
        field = row.target if role == "target" else row.source
        return _cents if field.kind in {"Double", "number"} and not row.is_line_row else None

    _both_sides_fixes(engine, fix_for)
    return engine


def _cents(value: Any) -> Any:
    if isinstance(value, float):
        return float(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return value


# -- a value with its unit -----------------------------------------------------------------------------
def weight_in_pounds(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Sends weights with the unit POUND (the developer's own shop ships in pounds) but the number in
    kilograms, as Exact holds it: a 10 kg chair is listed, and charged shipping, as 4.5 kg. Violates: a
    value arrives with its whole meaning — a number with its unit."""
    engine = ReferenceEngine(endpoints, clock)
    for side in engine.engine.sides():
        money = getattr(side, "_money", None)
        if money is None:
            continue

        def in_pounds(variant: dict[str, Any], money: Callable[[dict[str, Any]], dict[str, Any]] = money) -> Any:
            weight = (variant.get("shippingMeasurements") or {}).get("weight")
            if isinstance(weight, dict):
                weight["unit"] = "POUND"
            return money(variant)

        side._money = in_pounds
    return engine


# -- what the spec does not map ------------------------------------------------------------------------
def resets_unmapped_product_fields(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Updates a product from a full template (mapped values over the defaults of a new product): every
    update also sends ``tags: []`` and an empty URL slug, so the merchant's tags and the product's address
    are wiped whenever an item changes. Violates: an edit leaves what the flow does not map alone."""
    engine = ReferenceEngine(endpoints, clock)
    client = engine.squarespace
    update = client.update_product

    def from_template(product_id: str, changes: dict[str, Any]) -> Any:
        return update(product_id, {"tags": [], "urlSlug": f"p-{product_id[-8:]}", **changes})

    client.update_product = from_template  # type: ignore[method-assign]
    return engine


def blanks_unmapped_item_fields(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """Updates an Exact item with a body built from an empty item, so fields the flow does not map go out
    as null: the bookkeeper's notes and search code are wiped whenever the shop changes a product.
    Violates: an edit leaves what the flow does not map alone."""
    engine = ReferenceEngine(endpoints, clock)
    client = engine.exact
    update = client.update

    def from_empty_item(resource: str, key: str, body: Mapping[str, Any]) -> None:
        blank = {"Notes": None, "SearchCode": None} if resource.endswith("Items") else {}
        update(resource, key, {**blank, **body})

    client.update = from_empty_item  # type: ignore[method-assign]
    return engine
