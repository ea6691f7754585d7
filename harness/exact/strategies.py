"""Hypothesis strategies built from the field catalogue: valid request bodies for Items and SalesOrders
(one strategy per Edm type), what Exact gives back for each value, and bodies broken in one way."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from harness.exact.values import INT_RANGES, PADDED_WIDTHS, max_length
from harness.systems.exact import FieldSpec, resource

__all__ = [
    "broken_item_bodies",
    "expected_value",
    "item_bodies",
    "order_bodies",
    "value_for",
]

ITEMS = resource("logistics/Items")
ORDERS = resource("salesorder/SalesOrders")
LINES = resource("salesorder/SalesOrderLines")
#: fields a strategy never writes: navigation collections, and on deep-inserted lines the order's own keys
_SKIP = {"SalesOrderOrderChargeLines", "SalesOrderLines", "OrderID", "OrderNumber"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TEXT = st.characters(exclude_categories=["Cs"])


def _datetimes() -> st.SearchStrategy[str]:
    zones: st.SearchStrategy[Any] = st.sampled_from(
        [None, UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
    )
    moments = st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(9998, 12, 31), timezones=zones)
    return moments.map(lambda m: m.isoformat())


def value_for(field: FieldSpec) -> st.SearchStrategy[Any]:
    """Valid JSON values for one field, by its Edm type and limits."""
    kind = field.edm_type
    if kind == "String":
        limit = max_length(field) or 80
        text = st.text(_TEXT, min_size=1 if field.required else 0, max_size=limit)
        return text.filter(lambda s: s.strip()) if field.required else text
    if kind == "Guid":
        return st.uuids().map(str)
    if kind in INT_RANGES:
        low, high = INT_RANGES[kind]
        return st.integers(low, high)
    if kind == "Byte":
        return st.sampled_from([0, 1])
    if kind == "Boolean":
        return st.booleans()
    if kind == "Double":
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    if kind == "DateTime":
        return _datetimes()
    if kind == "Binary":
        return st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode())
    raise ValueError(f"no strategy for Edm.{kind}")


def expected_value(field: FieldSpec, given: Any) -> Any:
    """What a GET answers for a field written as ``given``, worked out here on its own (not with the
    mock's conversions): dates as ``/Date(ms)/`` cut to the millisecond in UTC, code fields
    right-padded to their column width, Guids lower-case, Doubles exactly as sent."""
    if given is None:
        return None
    kind = field.edm_type
    if kind == "DateTime":
        moment = datetime.fromisoformat(given)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return f"/Date({(moment - _EPOCH) // timedelta(milliseconds=1)})/"
    if kind == "String":
        width = PADDED_WIDTHS.get(field.name)
        return given + " " * (width - len(given)) if width is not None else given
    if kind == "Guid":
        return str(given).lower()
    if kind == "Double":
        return float(given)
    return given


def _body(fields: list[FieldSpec], required: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    optional = {f.name: value_for(f) for f in fields if f.post and f.name not in required and f.name not in _SKIP}
    return st.fixed_dictionaries(required, optional=optional)


def item_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Any valid Item POST body: Code and Description always, any other writable field maybe."""
    required = {f.name: value_for(f) for f in ITEMS.fields if f.required}
    return _body([f for f in ITEMS.fields if f.name != "ID"], required)


def order_bodies(item_ids: list[str], account_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Any valid SalesOrder POST body with 1–3 deep-inserted lines over ``item_ids``."""
    line = _body([f for f in LINES.fields if f.name != "ID"], {"Item": st.sampled_from(item_ids)})
    accounts = st.sampled_from(account_ids)
    required = {"OrderedBy": accounts, "SalesOrderLines": st.lists(line, min_size=1, max_size=3)}
    fields = [f for f in ORDERS.fields if f.name not in ("OrderID", "OrderNumber")]
    refs = {"InvoiceTo", "DeliverTo"}
    optional = {
        f.name: value_for(f) for f in fields if f.post and f.name not in required and f.name not in _SKIP | refs
    }
    optional.update(dict.fromkeys(refs, accounts))
    optional["OrderNumber"] = st.integers(1, 2**31 - 1)
    return st.fixed_dictionaries(required, optional=optional)


def _wrong_value(field: FieldSpec) -> st.SearchStrategy[Any]:
    """Values no conversion to ``field``'s type accepts."""
    kind = field.edm_type
    if kind == "String":
        return st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), max_size=2))
    if kind == "Guid":
        return st.one_of(st.text(max_size=10), st.integers())
    if kind in INT_RANGES:
        low, high = INT_RANGES[kind]
        return st.one_of(st.integers(high + 1, high * 4 + 4), st.integers(low * 4 - 4, low - 1), st.booleans())
    if kind == "Byte":
        return st.one_of(st.integers(2, 300), st.integers(max_value=-1), st.booleans(), st.text(max_size=3))
    if kind == "Boolean":
        return st.one_of(st.integers(), st.text(max_size=5))
    if kind == "Double":
        return st.one_of(st.text(max_size=5), st.booleans(), st.lists(st.floats(allow_nan=False), max_size=1))
    if kind == "DateTime":
        return st.one_of(
            st.integers(), st.sampled_from(["31-01-2024", "2024-13-01", "yesterday", "0001-01-01T00:00:00"])
        )
    return st.one_of(st.integers(), st.just("not base64!"))


def broken_item_bodies() -> st.SearchStrategy[bytes]:
    """An Item POST body (as bytes) broken in one way: a wrong type, too long, missing, unknown, not JSON."""
    writable = [f for f in ITEMS.fields if f.post and f.name != "ID"]

    def with_change(change: st.SearchStrategy[tuple[str, Any]]) -> st.SearchStrategy[bytes]:
        return st.tuples(item_bodies(), change).map(
            lambda pair: json.dumps({**pair[0], pair[1][0]: pair[1][1]}).encode()
        )

    wrong_type = st.sampled_from(writable).flatmap(lambda f: st.tuples(st.just(f.name), _wrong_value(f)))
    too_long = st.sampled_from([f for f in writable if max_length(f)]).flatmap(
        lambda f: st.tuples(st.just(f.name), st.text(_TEXT, min_size=(max_length(f) or 0) + 1, max_size=300))
    )
    unknown = st.tuples(st.sampled_from(["Colour", "code", "Prices", "SalesOrderLines", "Item"]), st.integers())
    blank = st.tuples(st.sampled_from(["Code", "Description"]), st.sampled_from([None, "", "   "]))
    not_json = st.sampled_from(
        [b"", b"{", b"[1, 2]", b'"text"', b"NaN", b'{"Code": NaN, "Description": "x"}', b"\xff\xfe"]
    )
    return st.one_of(with_change(st.one_of(wrong_type, too_long, unknown, blank)), not_json)
