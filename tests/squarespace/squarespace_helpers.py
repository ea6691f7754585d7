"""Helpers of the Squarespace mock tests: an httpx client that sends the key and a User-Agent, the
error shape every failure must have, and request bodies."""

from __future__ import annotations

from typing import Any

import httpx

from harness.squarespace.app import SquarespaceMock

BASE = "https://api.squarespace.com"
USER_AGENT = "talkqa-tests/1.0 (mock conformance)"
ERROR_KEYS = {"type", "subtype", "message", "details", "contextId"}


class Api:
    """Raw calls to the mock with a valid key and User-Agent (override per call with ``headers``)."""

    def __init__(self, mock: SquarespaceMock, http: httpx.Client, base: str = BASE) -> None:
        self.mock = mock
        self.http = http
        self.base = base

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.mock.api_key}", "User-Agent": USER_AGENT, **(extra or {})}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = self.headers(kwargs.pop("headers", None))
        return self.http.request(method, f"{self.base}{path}", headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error body of ``response``, after checking its status and Squarespace's shape."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["contextId"], str) and body["contextId"]
    assert body["details"] is None
    return body


def variant_body(sku: str = "MUG-001", price: str = "12.50", quantity: int = 5, **extra: Any) -> dict[str, Any]:
    return {
        "sku": sku,
        "pricing": {"basePrice": {"currency": "USD", "value": price}},
        "stock": {"quantity": quantity, "unlimited": False},
        **extra,
    }


def product_body(store_page_id: str, sku: str = "MUG-001", **extra: Any) -> dict[str, Any]:
    """A valid create body: one physical product with one variant."""
    body: dict[str, Any] = {
        "type": "PHYSICAL",
        "storePageId": store_page_id,
        "name": "Stoneware Mug",
        "description": "<p>A mug.</p>",
        "isVisible": True,
        "variants": [variant_body(sku)],
    }
    body.update(extra)
    return body


def order_body(variant_id: str, quantity: int = 2, price: str = "12.50", **extra: Any) -> dict[str, Any]:
    """A valid import body with one line."""
    body: dict[str, Any] = {
        "channelName": "Exact Online",
        "externalOrderReference": "SO-1001",
        "customerEmail": "ann@example.com",
        "lineItems": [
            {"variantId": variant_id, "quantity": quantity, "unitPricePaid": {"currency": "USD", "value": price}}
        ],
    }
    body.update(extra)
    return body
