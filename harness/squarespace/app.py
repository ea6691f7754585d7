"""The Squarespace Commerce mock: a framework-free ``MockService`` for ``api.squarespace.com``.

Every request passes, in this order: the API key (``Authorization: Bearer``, else 401), a
``User-Agent`` (else 400), the rate limit (300 a minute by default, else 429 with ``Retry-After``
and a one-minute cool-down), the route (404, or 405 with ``Allow``), the key's permission for that
API (403), and then the endpoint. Every error — injected faults and bugs of the mock included —
comes back in Squarespace's shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from harness.clock import Clock, told_delay
from harness.mock.core import MockService
from harness.mock.faults import Fault
from harness.mock.messages import MockRequest, MockResponse
from harness.redaction import remember_secret
from harness.squarespace import inventory, orders, products
from harness.squarespace.control import SquarespaceControl
from harness.squarespace.limits import HourlyLimit, MinuteRateLimit, retry_after_header
from harness.squarespace.problems import ApiProblem, error_body
from harness.squarespace.routing import Context, Handler, Route
from harness.squarespace.store import Store
from harness.squarespace.values import IdFactory
from harness.systems import SQUARESPACE

HOST = SQUARESPACE.hosts[0]

__all__ = ["ALL_PERMISSIONS", "HOST", "SquarespaceMock"]

#: What an API key may be allowed: read or write, per API (store pages belong to Products).
ALL_PERMISSIONS = frozenset(
    f"{api}:{mode}" for api in ("products", "inventory", "orders") for mode in ("read", "write")
)

_V = r"/(?P<version>1\.0|1\.1)/commerce"
_V1 = r"/1\.0/commerce"


def _route(pattern: str, api: str, **methods: Handler) -> Route:
    return Route(re.compile(f"^{pattern}/?$"), methods, api)


ROUTES: tuple[Route, ...] = (
    _route(f"{_V1}/store_pages", "products", GET=products.list_store_pages),
    _route(f"{_V}/products", "products", GET=products.list_products, POST=products.create_product),
    _route(
        f"{_V}/products/(?P<product_id>[^/]+)/variants/(?P<variant_id>[^/]+)",
        "products",
        POST=products.update_variant,
        DELETE=products.delete_variant,
    ),
    _route(f"{_V}/products/(?P<product_id>[^/]+)/variants", "products", POST=products.create_variant),
    _route(
        f"{_V}/products/(?P<ids>[^/]+)",
        "products",
        GET=products.get_products,
        POST=products.update_product,
        DELETE=products.delete_product,
    ),
    _route(f"{_V1}/inventory", "inventory", GET=inventory.list_inventory),
    _route(f"{_V1}/inventory/adjustments", "inventory", POST=inventory.adjust_inventory),
    _route(f"{_V1}/inventory/(?P<ids>[^/]+)", "inventory", GET=inventory.get_inventory),
    _route(f"{_V1}/orders", "orders", GET=orders.list_orders, POST=orders.import_order),
    _route(f"{_V1}/orders/(?P<order_id>[^/]+)/fulfillments", "orders", POST=orders.fulfil_order_endpoint),
    _route(f"{_V1}/orders/(?P<order_id>[^/]+)", "orders", GET=orders.get_order),
)


class SquarespaceMock(MockService):
    """One Squarespace site behind ``https://api.squarespace.com``, on an injected clock.

    ``seed`` fixes the ids, the API key and error context ids, so two mocks built alike answer
    the same requests alike. ``control`` is the test-side control surface.
    """

    name = "squarespace"
    hosts = SQUARESPACE.hosts

    def __init__(
        self,
        clock: Clock,
        *,
        seed: int = 1,
        api_key: str | None = None,
        rate_limit: int = 300,
        order_limit: int = 100,
        currency: str = "USD",
        permissions: Iterable[str] = ALL_PERMISSIONS,
    ) -> None:
        super().__init__(clock)
        self.seed = seed
        self.store = Store(clock, seed=seed, currency=currency)
        self._context_ids = IdFactory(seed * 7919 + 1)
        self.api_key: str | None = api_key or IdFactory(seed * 104_729 + 3).api_key()
        remember_secret(self.api_key)
        self.permissions = frozenset(permissions)
        self.rate_limit = MinuteRateLimit(rate_limit)
        self.order_limit = HourlyLimit(order_limit)

        self._control: SquarespaceControl | None = None

    @property
    def control(self) -> SquarespaceControl:
        """The test-side control surface (seed, merchant edits, key, limits, faults)."""
        if self._control is None:
            self._control = SquarespaceControl(self)
        return self._control

    def context_id(self) -> str:
        return self._context_ids.context_id()

    # -- MockService -----------------------------------------------------------------------
    def dispatch(self, request: MockRequest) -> MockResponse:
        try:
            return self._dispatch(request)
        except ApiProblem as problem:
            return problem.response(self.context_id())

    def fault_response(self, request: MockRequest, fault: Fault) -> MockResponse:
        status = fault.status
        headers = retry_after_header(told_delay(self.clock, self.cooldown_left())) if status == 429 else {}
        message = {
            429: "too many requests; wait for the cool-down",
            503: "the service is temporarily unavailable; try again later",
        }.get(status, f"injected fault {status}")
        subtype = "RATE_LIMIT_EXCEEDED" if status == 429 else None
        return MockResponse.json(status, error_body(status, message, self.context_id(), subtype), headers)

    def too_large_response(self, request: MockRequest) -> MockResponse:
        limit = self.max_body_bytes // (1024 * 1024)
        message = f"the request body is larger than {limit} MB"
        return MockResponse.json(413, error_body(413, message, self.context_id(), "REQUEST_TOO_LARGE"))

    def rate_limit_reset(self, at: float) -> float:
        """An injected 429 starts the one-minute cool-down the site's own limit would."""
        return at + self.rate_limit.cooldown_s

    def crash_response(self, request: MockRequest, exc: Exception) -> MockResponse:
        return MockResponse.json(500, error_body(500, "an internal error occurred", self.context_id()))

    # -- the pipeline ----------------------------------------------------------------------
    def _dispatch(self, request: MockRequest) -> MockResponse:
        self._authenticate(request)
        agent = request.header("user-agent")
        if agent is None or not agent.strip():
            raise ApiProblem(
                400, "a User-Agent header describing your application is required", subtype="MISSING_ARGUMENT"
            )
        wait = self.rate_limit.admit(self.clock.now())
        if wait is not None:
            raise ApiProblem(
                429,
                f"more than {self.rate_limit.limit} requests a minute; wait {wait:.0f} s before the next",
                subtype="RATE_LIMIT_EXCEEDED",
                headers=retry_after_header(told_delay(self.clock, wait)),
            )
        for route in ROUTES:
            params = route.match(request.path)
            if params is None:
                continue
            handler = route.methods.get(request.method)
            if handler is None:
                allow = ", ".join(sorted(route.methods))
                raise ApiProblem(
                    405,
                    f"{request.method} is not allowed on {request.path}; use {allow}",
                    subtype="METHOD_NOT_ALLOWED",
                    headers={"allow": allow},
                )
            mode = "read" if request.method == "GET" else "write"
            if f"{route.api}:{mode}" not in self.permissions:
                raise ApiProblem(
                    403,
                    f"the API key may not {mode} {route.api}; give it that permission",
                    subtype="INSUFFICIENT_PERMISSIONS",
                )
            ctx = Context(request, self.store, self.order_limit, self.context_id)
            return handler(ctx, **{k: v for k, v in params.items() if v is not None})
        raise ApiProblem(404, f"no endpoint at {request.path}")

    def _authenticate(self, request: MockRequest) -> None:
        header = request.header("authorization") or ""
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiProblem(401, "an Authorization header with a Bearer API key is required")
        if self.api_key is None or key.strip() != self.api_key:
            raise ApiProblem(401, "the API key is not valid; it may have been revoked or mistyped")
