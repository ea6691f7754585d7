"""Reading collections the way Exact Online pages them: options checked per endpoint kind, rows
filtered and ordered, ``$skiptoken`` pages with absolute ``__next`` links that keep the query (a
full page always links on, so the last full page is followed by an empty one)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import quote

from harness.exact.odata import (
    Compare,
    Expr,
    Literal,
    Logical,
    ODataError,
    Property,
    Query,
    check_filter,
    evaluate,
    sort_key,
)
from harness.exact.resources import Endpoint, field_of
from harness.exact.values import is_guid

__all__ = ["Page", "check_options", "next_link", "page_rows"]

_SYNC_OPTIONS = frozenset({"$select", "$filter", "$skiptoken"})


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    next_skiptoken: str | None
    next_top: int | None
    count: int


def check_options(endpoint: Endpoint, query: Query) -> None:
    """Refuse what this endpoint does not take, with Exact's 400 message."""
    spec = endpoint.spec
    if endpoint.kind in ("sync", "bulk"):
        extra = sorted(query.given - _SYNC_OPTIONS)
        if extra:
            raise ODataError(
                f"The query option '{extra[0]}' is not supported on {endpoint.kind} endpoints: "
                "use $select, $filter and the __next link."
            )
        if query.select is None:
            raise ODataError(f"$select is mandatory on {endpoint.path}: name the properties you need.")
        if "*" in query.select:
            raise ODataError(f"$select=* is not allowed on {endpoint.path}: name the properties you need.")
    if query.select is not None:
        for name in query.select:
            if name != "*" and field_of(spec, name) is None:
                raise ODataError(f"Could not find a property named '{name}' on type '{spec.entity_type}'.")
    for name in query.expand:
        field = field_of(spec, name)
        if field is None or field.edm_type != "Collection":
            raise ODataError(f"Could not find a navigation property named '{name}' on type '{spec.entity_type}'.")
    for name, _ in query.orderby:
        field = field_of(spec, name)
        if field is None or field.edm_type in ("Collection", "Binary"):
            raise ODataError(f"Could not find a property named '{name}' on type '{spec.entity_type}'.")
    if query.filter is not None:
        check_filter(query.filter, lambda n: f.edm_type if (f := field_of(spec, n)) else None, spec.entity_type)
        if endpoint.kind == "sync":
            _check_sync_filter(endpoint, query)


def _check_sync_filter(endpoint: Endpoint, query: Query) -> None:
    expr = query.filter
    parts = [expr.left, expr.right] if isinstance(expr, Logical) and expr.op == "and" else [expr]
    ok = bool(parts) and _is_timestamp_gt(parts[0])
    if len(parts) == 2:
        ok = ok and endpoint.table == "deleted" and _is_entity_type_eq(parts[1])
    if not ok:
        raise ODataError(
            f"Only $filter=Timestamp gt <number> is supported on {endpoint.path}"
            + (" (optionally 'and EntityType eq <number>')." if endpoint.table == "deleted" else ".")
        )


def _is_timestamp_gt(expr: object) -> bool:
    return (
        isinstance(expr, Compare)
        and expr.op == "gt"
        and isinstance(expr.left, Property)
        and expr.left.name == "Timestamp"
        and isinstance(expr.right, Literal)
        and expr.right.kind in ("Int32", "Int64")
    )


def _is_entity_type_eq(expr: object) -> bool:
    return (
        isinstance(expr, Compare)
        and expr.op == "eq"
        and isinstance(expr.left, Property)
        and expr.left.name == "EntityType"
        and isinstance(expr.right, Literal)
        and expr.right.kind == "Int32"
    )


def page_rows(
    endpoint: Endpoint,
    query: Query,
    rows: Sequence[dict[str, Any]],
    *,
    key_name: str,
    page_size: int,
    presorted: tuple[Sequence[dict[str, Any]], Sequence[Any]] | None = None,
    need_count: bool = True,
) -> Page:
    """Filter, order and cut one page; say how the next page starts.

    ``presorted`` (rows in the endpoint's natural order and their order keys: Timestamp on sync
    endpoints, the key elsewhere) lets a page be found by bisection instead of a sort of every row.
    """
    if endpoint.kind == "sync":
        return _sync_page(query, presorted or _sorted(rows, "Timestamp"), page_size)
    if presorted is not None and not query.orderby:
        return _keyed_page(query, presorted, key_name, page_size, need_count)
    selected = list(presorted[0]) if presorted is not None else list(rows)
    if query.filter is not None:
        expr = query.filter
        selected = [r for r in selected if evaluate(expr, r.get)]
    count = len(selected)
    selected.sort(key=_row_order(query.orderby, key_name))
    if query.skiptoken is not None:
        after_key = _guid_token(query.skiptoken)
        position = next((i for i, r in enumerate(selected) if r[key_name] == after_key), None)
        if position is not None:
            selected = selected[position + 1 :]
        else:  # the row the token names is gone: continue by key
            selected = [r for r in selected if str(r[key_name]) > after_key]
    return _cut(selected, query, key_name, page_size, count)


def _sorted(rows: Sequence[dict[str, Any]], name: str) -> tuple[list[dict[str, Any]], list[Any]]:
    ordered = sorted(rows, key=lambda r: r[name])
    return ordered, [r[name] for r in ordered]


def _cut(selected: Sequence[dict[str, Any]], query: Query, key_name: str, page_size: int, count: int) -> Page:
    size = page_size if query.top is None else min(page_size, query.top)
    page = list(selected[:size])
    remaining_top = None if query.top is None else query.top - len(page)
    more = len(page) == page_size and (remaining_top is None or remaining_top > 0)
    token = f"guid'{page[-1][key_name]}'" if more else None
    return Page(page, token, remaining_top if more else None, count)


def _keyed_page(
    query: Query,
    presorted: tuple[Sequence[dict[str, Any]], Sequence[Any]],
    key_name: str,
    page_size: int,
    need_count: bool,
) -> Page:
    ordered, keys = presorted
    start = bisect_right(keys, _guid_token(query.skiptoken)) if query.skiptoken is not None else 0
    if query.filter is None:
        return _cut(ordered[start:], query, key_name, page_size, len(ordered))
    expr = query.filter
    wanted = page_size if query.top is None else min(page_size, query.top)
    page = list(islice((r for r in ordered[start:] if evaluate(expr, r.get)), wanted))
    count = sum(1 for r in ordered if evaluate(expr, r.get)) if need_count else -1
    return _cut(page, query, key_name, page_size, count)


def _sync_page(query: Query, presorted: tuple[Sequence[dict[str, Any]], Sequence[Any]], page_size: int) -> Page:
    ordered, stamps = presorted
    after = 0
    extra: Expr | None = None
    if isinstance(query.filter, Compare):
        after = int(query.filter.right.value) if isinstance(query.filter.right, Literal) else 0
    elif isinstance(query.filter, Logical):  # Timestamp gt N and EntityType eq K (checked before)
        first = query.filter.left
        if isinstance(first, Compare) and isinstance(first.right, Literal):
            after = int(first.right.value)
        extra = query.filter.right
    if query.skiptoken is not None:
        after = max(after, _timestamp_token(query.skiptoken))
    start = bisect_right(stamps, after)
    rest: Iterable[dict[str, Any]] = ordered[start:]
    if extra is not None:
        check = extra
        rest = [r for r in rest if evaluate(check, r.get)]
        count = len(rest)
    else:
        count = len(ordered) - start
    page = list(islice(rest, page_size))
    token = f"{page[-1]['Timestamp']}L" if len(page) == page_size else None
    return Page(page, token, None, count)


def _row_order(order: Sequence[tuple[str, bool]], key_name: str) -> Callable[[dict[str, Any]], Any]:
    def key(row: dict[str, Any]) -> Any:
        parts: list[Any] = []
        for name, descending in order:
            rank, value = sort_key(row.get(name))
            parts.append(_Reversed((rank, value)) if descending else (rank, value))
        parts.append(str(row[key_name]))
        return tuple(parts)

    return key


class _Reversed:
    """Sorts its value in descending order inside an ascending sort."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.value == other.value)

    __hash__ = None  # type: ignore[assignment]


def _timestamp_token(token: str) -> int:
    text = token.strip()
    text = text[:-1] if text.endswith(("L", "l")) else text
    if not (text.isascii() and text.isdigit()):
        raise ODataError(f"The $skiptoken '{token}' is not valid on this endpoint.")
    return int(text)


def _guid_token(token: str) -> str:
    text = token.strip()
    if text.startswith("guid'") and text.endswith("'"):
        text = text[5:-1]
    if not is_guid(text):
        raise ODataError(f"The $skiptoken '{token}' is not valid on this endpoint.")
    return text.lower()


def next_link(url_without_query: str, params: Sequence[tuple[str, str]], skiptoken: str, top: int | None) -> str:
    """The absolute ``__next`` URL: the same query with the new ``$skiptoken`` (and what is left of ``$top``)."""
    kept = [(k, v) for k, v in params if k not in ("$skiptoken", "$top")]
    if top is not None:
        kept.append(("$top", str(top)))
    kept.append(("$skiptoken", skiptoken))
    return (
        url_without_query + "?" + "&".join(f"{quote(k, safe='$')}={quote(v, safe=chr(39) + '$,()*:')}" for k, v in kept)
    )
