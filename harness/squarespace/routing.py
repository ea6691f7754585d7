"""What the Squarespace mock's endpoint handlers share: the request context, the route type and
the ``Idempotency-Key`` replay of keyed requests."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.mock.messages import MockRequest, MockResponse, parse_json_bytes
from harness.squarespace.limits import HourlyLimit
from harness.squarespace.payloads import parse_json
from harness.squarespace.problems import ApiProblem, bad_request, conflict, missing
from harness.squarespace.store import IdempotencyRecord, Store

__all__ = ["Context", "Handler", "Route", "keyed"]

_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass
class Context:
    """One request being answered, and the site it is answered from."""

    request: MockRequest
    store: Store
    order_limit: HourlyLimit
    context_id: Callable[[], str]

    def body(self) -> Any:
        return parse_json(self.request.body)

    def json(self, status: int, data: Any) -> MockResponse:
        return MockResponse.json(status, data)


Handler = Callable[..., MockResponse]


@dataclass(frozen=True)
class Route:
    """A path pattern, the handler per method, and the API whose permission it needs."""

    pattern: re.Pattern[str]
    methods: Mapping[str, Handler]
    api: str  #: ``products``, ``inventory`` or ``orders``

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.match(path)
        return found.groupdict() if found else None


def _fingerprint(body: bytes) -> str:
    try:
        canonical = json.dumps(parse_json_bytes(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def keyed(ctx: Context, scope: str, act: Callable[[], MockResponse]) -> MockResponse:
    """Answer a request that needs an ``Idempotency-Key``: a key seen before with the same body
    gets the first answer again without acting; with another body it is refused (409).

    Answers that changed nothing and may be retried — 429 and 5xx — are not remembered.
    """
    key = ctx.request.header("idempotency-key")
    if key is None or not key.strip():
        raise missing("Idempotency-Key header")
    if not _KEY.match(key):
        raise bad_request("Idempotency-Key must be 1 to 64 letters, digits, dashes or underscores")
    fingerprint = _fingerprint(ctx.request.body)
    earlier = ctx.store.remembered(scope, key)
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            raise conflict(
                f"Idempotency-Key {key!r} was already used with a different request body; use a new key",
                "IDEMPOTENCY_KEY_REUSED",
            )
        return MockResponse(earlier.status, dict(earlier.headers), earlier.body)
    try:
        response = act()
    except ApiProblem as problem:
        response = problem.response(ctx.context_id())
    if response.status != 429 and response.status < 500:
        ctx.store.remember(
            scope,
            key,
            IdempotencyRecord(
                fingerprint, response.status, tuple(response.headers.items()), response.body, ctx.store.now_ms()
            ),
        )
    return response
