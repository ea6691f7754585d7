"""Hypothesis strategies built from the Squarespace field catalogue: valid product create bodies
(one variant), what the API answers for each written value, and bodies broken in one field."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from harness.squarespace.values import format_money
from harness.systems.squarespace import FieldSpec, ValueKind, type_fields

__all__ = ["CREATE_FIELDS", "broken_product_bodies", "expected_value", "product_bodies", "read_path", "value_for"]

#: The fields of ``Sesamproducts`` a product create may write, with their paths in the body.
CREATE_FIELDS: tuple[FieldSpec, ...] = tuple(f for f in type_fields("Sesamproducts") if f.create is not None)

_TEXT = st.characters(exclude_categories=["Cs"])
_SLUG = r"[A-Za-z0-9]{1,12}(-[A-Za-z0-9]{1,12}){0,3}"
_HTML = st.text(st.sampled_from("<>/&;\"'= pabuliemstrong\n\té€😀") | _TEXT, max_size=400)


def _text(limit: int, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Any text up to ``limit`` characters (short ones mostly, and once in a while the longest)."""
    return st.text(_TEXT, min_size=min_size, max_size=min(limit, 80)) | st.just("x" * limit)


def _trimmed(limit: int) -> st.SearchStrategy[str]:
    """Non-empty text with no surrounding whitespace (a SKU is trimmed by the API)."""
    return _text(limit, min_size=1).filter(lambda s: s == s.strip() and bool(s))


def value_for(spec: FieldSpec, currency: str, store_page_id: str) -> st.SearchStrategy[Any]:
    """Valid values of one field for a create body."""
    kind = spec.kind
    if spec.path == "storePageId":
        return st.just(store_page_id)
    if spec.path == "urlSlug":
        return st.from_regex(_SLUG, fullmatch=True)
    if spec.path == "variants.sku":
        return _trimmed(spec.max_length or 60)
    if kind in (ValueKind.STRING, ValueKind.EMAIL):
        return _text(spec.max_length or 200)
    if kind is ValueKind.HTML:
        return _HTML | st.just("<p>" + "ü" * ((spec.max_length or 400) - 7) + "</p>")
    if kind is ValueKind.MONEY:
        cents = st.integers(0, 100_000_000) | st.sampled_from([0, 1, 99, 100_000_000])
        return cents.map(lambda c: format_money(Decimal(c) / 100))
    if kind is ValueKind.CURRENCY:
        return st.just(currency)
    if kind is ValueKind.INTEGER:
        return st.integers(0, 2**31 - 1)
    if kind is ValueKind.NUMBER:
        return st.floats(0, 1_000_000, allow_nan=False, allow_infinity=False)
    if kind is ValueKind.BOOLEAN:
        return st.booleans()
    if kind is ValueKind.ENUM:
        assert spec.create is not None
        return st.sampled_from(spec.create.values or spec.values)
    if kind is ValueKind.STRING_LIST:
        return st.lists(_text(200, min_size=1).filter(str.strip), max_size=4)
    if kind is ValueKind.STRING_MAP:
        return st.dictionaries(_text(40), _text(200, min_size=1), max_size=3)
    raise AssertionError(f"no strategy for {spec.path} ({kind})")


def _put(body: dict[str, Any], path: str, value: Any) -> None:
    target: Any = body
    *parents, leaf = path.split(".")
    for name in parents:
        target = target.setdefault("variants", [{}])[0] if name == "variants" else target.setdefault(name, {})
    target[leaf] = value


def read_path(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a body or an answer (``variants`` is the first variant)."""
    value: Any = record
    for name in path.split("."):
        value = value[name]
        if name == "variants":
            value = value[0]
    return value


@st.composite
def product_bodies(draw: st.DrawFn, store_page_id: str, currency: str = "USD") -> dict[str, Any]:
    """A valid create body with one variant, every field the catalogue lets a create write."""
    body: dict[str, Any] = {}
    for spec in CREATE_FIELDS:
        _put(body, spec.path, draw(value_for(spec, currency, store_page_id)))
    return body


def expected_value(body: dict[str, Any], path: str) -> Any:
    """What the API answers at ``path`` for the value sent: the value itself, but for the
    documented rule that unlimited stock holds no quantity."""
    if path == "variants.stock.quantity" and read_path(body, "variants.stock.unlimited"):
        return 0
    return read_path(body, path)


def _invalid(spec: FieldSpec) -> st.SearchStrategy[Any]:
    kind = spec.kind
    wrong_type: list[Any] = [12, 1.5, True, [], {}]
    if kind in (ValueKind.STRING, ValueKind.HTML, ValueKind.EMAIL):
        over = [("x" * (spec.max_length + 1))] if spec.max_length else []
        blank = ["   ", ""] if spec.required else []
        slug = ["no spaces", "a--b", "-a"] if spec.path == "urlSlug" else []
        return st.sampled_from([12, True, [], {}, *over, *blank, *slug])
    if kind is ValueKind.MONEY:
        return st.sampled_from([12.5, "12.345", "-1.00", "1000000.01", "1e3", "", "twelve", None, True])
    if kind is ValueKind.CURRENCY:
        return st.sampled_from(["EUR", "usd", "", 840, None])
    if kind is ValueKind.INTEGER:
        return st.sampled_from([-1, 2**31, 1.5, "3", True, None, []])
    if kind is ValueKind.NUMBER:
        return st.sampled_from([-0.5, 1_000_000.5, "1.0", True, []])
    if kind is ValueKind.BOOLEAN:
        return st.sampled_from(["true", 1, 0, [], {}])
    if kind is ValueKind.ENUM:
        return st.sampled_from(["NOPE", "physical", 1, [], "SERVICE" if spec.path == "type" else "OUNCE"])
    if kind is ValueKind.ID:
        return st.sampled_from(["0123456789abcdef01234567", "", 5, None])
    if kind is ValueKind.STRING_LIST:
        return st.sampled_from(["tag", [1], [""], ["x" * 201], {}])
    if kind is ValueKind.STRING_MAP:
        return st.sampled_from([[], {"a": 1}, {"a": ""}, "a=b"])
    return st.sampled_from(wrong_type)


@st.composite
def broken_product_bodies(draw: st.DrawFn, store_page_id: str, currency: str = "USD") -> tuple[dict[str, Any], str]:
    """A create body with exactly one field made invalid, and that field's path."""
    body = copy.deepcopy(draw(product_bodies(store_page_id, currency)))
    spec = draw(st.sampled_from(CREATE_FIELDS))
    value = draw(_invalid(spec))
    if value is None and not spec.required:
        value = [None]  # null means "not given" for an optional field: send a wrong shape instead
    _put(body, spec.path, value)
    return body, spec.path
