"""Both mocks, served as ASGI apps, answer every request — random methods, paths, query strings, headers
and bodies (deep nesting, huge numbers, NUL, every Unicode category, wrong content types) — with something
other than a 5xx, and a refused request (4xx) changes nothing they store.

The default run draws a bounded number of examples; ``-m fuzz`` (``make fuzz``) draws many more."""

from __future__ import annotations

import asyncio
import copy
import json
import os
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.clock import VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.mock.asgi import asgi_app
from harness.mock.core import MockService
from harness.squarespace.app import SquarespaceMock

#: Examples per test: bounded in the default run; TALKQA_FUZZ_EXAMPLES under the ``fuzz`` marker.
DEFAULT_EXAMPLES = 60
LONG_EXAMPLES = int(os.environ.get("TALKQA_FUZZ_EXAMPLES", "3000"))

METHODS = st.one_of(
    st.sampled_from(["GET", "POST"]), st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
DIGITS_LOOKALIKE = st.sampled_from(["²", "١٢", "๓", "⑦", "1_000", " 7", "-1", "0x1f", "99999999999999999999999"])


def _deep(depth: int, opener: str, closer: str, inner: str = "1") -> str:
    return opener * depth + inner + closer * depth


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    ANY_TEXT,
)
JSON_VALUE = st.recursive(
    JSON_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4), max_leaves=12
)


def _bodies(fields: list[str]) -> st.SearchStrategy[bytes]:
    """Bodies: JSON shaped like the API's (known field names, hostile values), any JSON, hostile raw text."""
    shaped = st.dictionaries(st.sampled_from(fields) | ANY_TEXT, JSON_VALUE | DIGITS_LOOKALIKE, max_size=6).map(
        lambda data: json.dumps(data).encode()
    )
    hostile = st.one_of(
        st.integers(min_value=600, max_value=6000).map(lambda n: _deep(n, "[", "]").encode()),
        st.integers(min_value=600, max_value=6000).map(lambda n: _deep(n, '{"a":', "}").encode()),
        st.sampled_from([b"1e999999", b"9" * 5000, b"-" + b"9" * 5000 + b".5", b'{"a": NaN}', b'{"a": Infinity}',
                         b"\x00", b'{"Code": "\x00"}', b"\xff\xfe\xfd", b"", b"null", b"[]", b'"x"',
                         b'{"Description": "\\ud800"}']),
        st.binary(max_size=64),
    )  # fmt: skip
    return st.one_of(hostile, shaped, st.recursive(JSON_LEAF, lambda i: st.lists(i, max_size=3)).map(
        lambda v: json.dumps(v).encode()), hostile)  # fmt: skip


def _query(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    value = st.one_of(
        ANY_TEXT,
        DIGITS_LOOKALIKE,
        st.integers(min_value=300, max_value=3000).map(lambda n: _deep(n, "(", ")", "ID eq 1")),
        st.integers(min_value=1, max_value=60_000).map(lambda n: "Code eq '" + "x" * n + "'"),
        st.sampled_from(["Timestamp gt 1", "ID eq guid'00000000-0000-0000-0000-000000000000'", "Code eq 'A'",
                         "substringof('a', Description)", "not", "((", "Code eq", "2026-01-01T00:00:00Z",
                         "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]),
    )  # fmt: skip
    return st.lists(st.tuples(st.sampled_from(names) | ANY_TEXT, value), max_size=4)


def _paths(prefixes: list[str]) -> st.SearchStrategy[str]:
    # percent-encoded as a client must send them (the mock sees them decoded): /api/v1/%C2%B2/... and the like
    segment = st.one_of(ANY_TEXT, DIGITS_LOOKALIKE).map(lambda text: quote(text, safe=""))
    return st.one_of(
        st.sampled_from(prefixes),
        st.tuples(st.sampled_from(prefixes), segment).map(lambda pair: f"{pair[0]}/{pair[1]}"),
        st.tuples(st.sampled_from(prefixes), segment).map(lambda pair: pair[0].replace("{division}", pair[1])),
        st.lists(segment, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    )


class Target:
    """One mock behind its ASGI app, with what a valid request looks like and a snapshot of its data."""

    def __init__(
        self,
        service: MockService,
        prefixes: list[str],
        query_names: list[str],
        fields: list[str],
        auth: str,
        snapshot: Callable[[], Any],
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        self.service = service
        self.prefixes = prefixes
        self.query_names = query_names
        self.fields = fields
        self.auth = auth
        self.snapshot = snapshot
        #: what a well-behaved client always sends; a drawn request may leave any of it out or change it
        self.base_headers = {"authorization": auth, "accept": "application/json", "content-type": "application/json",
                             **(extra_headers or {})}  # fmt: skip
        self.app = asgi_app(service)
        self.loop = asyncio.new_event_loop()

    def request(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        """Call the ASGI app as uvicorn would (raw path and query bytes, the body in two chunks)."""
        return self.loop.run_until_complete(self._call(method, path, query, headers, body))

    async def _call(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": unquote(path, errors="surrogateescape"), "raw_path": path.encode(), "root_path": "",
            "query_string": query.encode(), "server": ("127.0.0.1", 8080), "client": ("127.0.0.1", 50000),
            "headers": [(b"host", b"127.0.0.1:8080"), (b"content-length", str(len(body)).encode()),
                        *((k.encode(), v.encode("latin-1", errors="replace")) for k, v in headers.items())],
        }  # fmt: skip
        chunks = [body[: len(body) // 2], body[len(body) // 2 :]]
        status: list[int] = []
        sent: list[bytes] = []

        async def receive() -> dict[str, Any]:
            if chunks:
                chunk = chunks.pop(0)
                return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                sent.append(message.get("body", b""))

        try:
            await self.app(scope, receive, send)
        except Exception as exc:  # the app raised: uvicorn answers 500
            return 500, repr(exc).encode()
        return (status[0] if status else 500), b"".join(sent)

    def close(self) -> None:
        self.loop.close()


def _exact() -> Target:
    mock = ExactOnlineMock(VirtualClock(), seed=3)
    mock.control.seed(items=3, orders=2, seed=3)
    mock.control.set_limits(minutely=10**9, daily=10**9)
    token = mock.control.issue_tokens().access_token
    division = mock.settings.default_division
    tables = [
        "logistics/Items", "salesorder/SalesOrders", "salesorder/SalesOrderLines", "sync/Logistics/Items",
        "sync/SalesOrder/SalesOrderHeaders", "sync/SalesOrder/SalesOrderLines", "sync/Deleted",
        "bulk/Logistics/Items", "bulk/SalesOrder/SalesOrders", "bulk/SalesOrder/SalesOrderLines",
    ]  # fmt: skip
    prefixes = [f"/api/v1/{division}/{table}" for table in tables]
    prefixes += ["/api/v1/current/Me", "/api/oauth2/token", "/api/oauth2/auth", "/api/v1/{division}/logistics/Items"]
    item = next(iter(mock.control.records("items")))
    prefixes.append(f"/api/v1/{division}/logistics/Items(guid'{item['ID']}')")

    def snapshot() -> Any:
        return [
            (d.number, d.row_version, copy.deepcopy((d.items, d.orders, d.lines, d.deleted)))
            for d in mock.control.divisions()
        ]

    fields = ["Code", "Description", "SalesPrice", "IsWebshopItem", "Barcode", "Notes", "OrderDate", "SalesOrderLines",
              "Item", "Quantity", "UnitPrice", "OrderedBy", "Timestamp", "ID", "StartDate", "EndDate"]  # fmt: skip
    names = ["$filter", "$select", "$top", "$skip", "$skiptoken", "$orderby", "$inlinecount", "$expand", "$format",
             "code", "client_id", "redirect_uri", "response_type"]  # fmt: skip
    return Target(mock, prefixes, names, fields, f"Bearer {token}", snapshot)


def _squarespace() -> Target:
    mock = SquarespaceMock(VirtualClock(), seed=3, rate_limit=10**9, order_limit=10**9)
    mock.control.add_store_page("Shop")
    product = mock.control.create_product(name="Fuzz", sku="F-1", price="1.00", quantity=3)
    base = "/1.0/commerce"
    prefixes = [f"{base}/store_pages", f"{base}/products", f"{base}/inventory", f"{base}/inventory/adjustments",
                f"{base}/orders", "/1.1/commerce/products", f"{base}/products/{product['id']}",
                f"{base}/products/{product['id']}/variants"]  # fmt: skip

    def snapshot() -> Any:
        return mock.control.snapshot()

    fields = ["type", "storePageId", "name", "description", "variants", "sku", "pricing", "basePrice", "value",
              "currency", "stock", "quantity", "unlimited", "incrementOperations", "decrementOperations",
              "setFiniteOperations", "setUnlimitedOperations", "variantId", "channelName", "externalOrderReference",
              "customerEmail", "lineItems", "createdOn", "grandTotal", "subtotal", "shippingTotal", "taxTotal",
              "discountTotal", "priceTaxInterpretation", "inventoryBehavior", "fulfillmentStatus",
              "shouldSendNotification", "shipments", "shipDate", "carrierName", "trackingNumber", "isVisible",
              "urlSlug", "tags"]  # fmt: skip
    names = ["cursor", "modifiedAfter", "modifiedBefore", "type", "fulfillmentStatus", "customerId"]
    return Target(mock, prefixes, names, fields, f"Bearer {mock.api_key}", snapshot, {"user-agent": "talkqa-fuzz"})


@pytest.fixture(scope="module", params=["exact", "squarespace"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    built = _exact() if request.param == "exact" else _squarespace()
    yield built
    built.close()


def _requests(target: Target) -> st.SearchStrategy[dict[str, Any]]:
    headers = st.fixed_dictionaries(
        {},
        optional={
            "authorization": st.sampled_from([target.auth, "Bearer nope", "Basic eA==", ""]),
            "content-type": st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                             "application/json; charset=latin-1", "multipart/form-data"]),
            "accept": st.sampled_from(["application/json", "application/xml", "*/*", "text/html"]),
            "idempotency-key": st.one_of(st.uuids().map(str), ANY_TEXT.filter(lambda s: s.isascii())),
            "x-anything": st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
        },
    )  # fmt: skip
    return st.fixed_dictionaries(
        {
            "method": METHODS,
            "path": _paths(target.prefixes),
            "query": _query(target.query_names),
            "headers": st.tuples(headers, st.sets(st.sampled_from(sorted(target.base_headers)))).map(
                lambda pair: {
                    **{k: v for k, v in target.base_headers.items() if k not in pair[1] or len(pair[1]) > 2},
                    **pair[0],
                }
            ),
            "body": _bodies(target.fields),
        }
    )


def _check(target: Target, request: dict[str, Any]) -> None:
    before = target.snapshot()
    mark = target.service.calls.mark()
    status, body = target.request(
        request["method"], request["path"], urlencode(request["query"]), request["headers"], request["body"]
    )
    crashes = [call for call in target.service.calls.since(mark) if call.crashed]
    assert not crashes, crashes[-1].crashed
    assert status < 500, (status, body[:300])
    if 400 <= status < 500:
        assert target.snapshot() == before, f"a refused request ({status}) changed the data"


def _fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
        derandomize=examples == DEFAULT_EXAMPLES,
    )


@_fuzz(DEFAULT_EXAMPLES)
@given(data=st.data())
def test_no_request_makes_a_mock_answer_5xx_or_store_what_it_refused(target: Target, data: st.DataObject) -> None:
    _check(target, data.draw(_requests(target)))


@pytest.fixture
def long_run(request: pytest.FixtureRequest) -> None:
    if "fuzz" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long fuzz run: make fuzz (pytest -m fuzz tests/mock/test_fuzz_asgi.py)")


@pytest.mark.fuzz
@_fuzz(LONG_EXAMPLES)
@given(data=st.data())
def test_long_fuzz_no_5xx_and_no_change_on_refusal(long_run: None, target: Target, data: st.DataObject) -> None:
    _check(target, data.draw(_requests(target)))


# -- the hostile requests a probe found, each a regression test -----------------------------------
DEEP_ARRAY = _deep(5000, "[", "]").encode()
DEEP_OBJECT = _deep(5000, '{"a":', "}").encode()
YEAR_ONE_ORDER = {
    "channelName": "probe", "externalOrderReference": "year-one", "createdOn": "0001-01-01T00:00:00+14:00",
    "lineItems": [{"variantId": "{variant}", "quantity": 1, "unitPricePaid": {"value": "1.00", "currency": "EUR"}}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("system", "method", "path", "query", "body"),
    [
        ("exact", "POST", "/api/v1/{division}/logistics/Items", "", DEEP_ARRAY),
        ("exact", "POST", "/api/v1/{division}/logistics/Items", "", DEEP_OBJECT),
        ("exact", "GET", "/api/v1/{division}/logistics/Items", "$filter=" + _deep(400, "(", ")", "Code eq 'A'"), b""),
        ("exact", "GET", "/api/v1/{division}/logistics/Items", "$filter=" + "Code eq 'A' or " * 540 + "Code eq 'B'",
         b""),
        ("exact", "GET", "/api/v1/{division}/logistics/Items", "$filter=Code eq '" + "x" * 7000 + "'", b""),
        ("exact", "GET", "/api/v1/{division}/logistics/Items", "$skiptoken=²", b""),
        ("exact", "GET", "/api/v1/{division}/sync/Logistics/Items", "$select=ID&$skiptoken=²", b""),
        ("exact", "GET", "/api/v1/{division}/logistics/Items", "$top=١٢", b""),
        ("exact", "GET", "/api/v1/%C2%B2/logistics/Items", "", b""),
        ("exact", "GET", "/api/v1/%D9%A1%D9%A2/logistics/Items", "", b""),
        ("squarespace", "POST", "/1.0/commerce/products", "", DEEP_ARRAY),
        ("squarespace", "POST", "/1.0/commerce/products", "", DEEP_OBJECT),
        ("squarespace", "POST", "/1.0/commerce/inventory/adjustments", "", DEEP_ARRAY),
        ("squarespace", "POST", "/1.0/commerce/orders", "", DEEP_OBJECT),
        ("squarespace", "POST", "/1.0/commerce/orders", "", b"year-one"),
        ("squarespace", "GET", "/1.0/commerce/orders", "cursor=²", b""),
    ],
)  # fmt: skip
def test_a_hostile_request_the_probe_found_is_refused_with_4xx(
    system: str, method: str, path: str, query: str, body: bytes
) -> None:
    target = _exact() if system == "exact" else _squarespace()
    try:
        if body == b"year-one":
            variant = target.service.control.products()[0]["variants"][0]["id"]  # type: ignore[attr-defined]
            body = json.dumps(YEAR_ONE_ORDER).replace("{variant}", variant).encode()
        division = str(getattr(getattr(target.service, "settings", None), "default_division", ""))
        headers = {**target.base_headers, "idempotency-key": "probe-1"}
        before = target.snapshot()
        for _ in range(3):  # the same key thrice: never a 5xx remembered, never three orders
            status, answer = target.request(method, path.replace("{division}", division), query, headers, body)
            assert 400 <= status < 500, (status, answer[:300])
        assert target.snapshot() == before
        if system == "squarespace":
            listed, _ = target.request("GET", "/1.0/commerce/orders", "", target.base_headers, b"")
            assert listed == 200
    finally:
        target.close()
