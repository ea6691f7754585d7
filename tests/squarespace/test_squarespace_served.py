"""The served mock: it answers exactly as the in-process one does, and ``talkqa serve squarespace``
prints its one start line and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from typing import Any

import httpx
from squarespace_helpers import USER_AGENT

from harness.clock import VirtualClock
from harness.mock.served import ServedMock
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.serve import squarespace

_COMPARED_HEADERS = ("content-type", "retry-after", "allow")


def _script(variant_id: str, page_id: str) -> list[tuple[str, str, dict[str, str], Any]]:
    """Requests covering every kind of answer: lists and pages, writes, replays, refusals."""
    variant = {"sku": "NEW-1", "pricing": {"basePrice": {"currency": "USD", "value": "3.5"}}}
    product = {"type": "PHYSICAL", "storePageId": page_id, "name": "New", "variants": [variant]}
    adjust = {"incrementOperations": [{"variantId": variant_id, "quantity": 2}]}
    order = {
        "channelName": "Exact Online",
        "externalOrderReference": "SO-1",
        "lineItems": [{"variantId": variant_id, "quantity": 1, "unitPricePaid": {"currency": "USD", "value": "3.50"}}],
    }
    key = {"Idempotency-Key": "same"}
    return [
        ("GET", "/1.0/commerce/store_pages", {}, None),
        ("GET", "/1.1/commerce/products", {}, None),
        ("GET", "/1.0/commerce/inventory", {}, None),
        ("GET", "/1.0/commerce/orders?fulfillmentStatus=PENDING", {}, None),
        ("POST", "/1.1/commerce/products", {}, product),
        ("POST", "/1.1/commerce/products", {}, {**product, "type": "SERVICE"}),
        ("POST", "/1.0/commerce/inventory/adjustments", key, adjust),
        ("POST", "/1.0/commerce/inventory/adjustments", key, adjust),
        ("POST", "/1.0/commerce/inventory/adjustments", key, {"setUnlimitedOperations": [variant_id]}),
        ("POST", "/1.0/commerce/orders", key, order),
        ("POST", "/1.0/commerce/orders", key, order),
        ("GET", f"/1.0/commerce/inventory/{variant_id}", {}, None),
        (
            "GET",
            "/1.0/commerce/orders?modifiedAfter=2025-01-01T00:00:00Z&modifiedBefore=2027-01-01T00:00:00Z",
            {},
            None,
        ),
        ("GET", "/1.0/commerce/orders?modifiedAfter=2025-01-01T00:00:00Z", {}, None),
        ("DELETE", "/1.0/commerce/orders", {}, None),
        ("GET", "/1.0/commerce/nothing", {}, None),
        ("GET", "/1.0/commerce/orders", {"Authorization": "Bearer wrong"}, None),
    ]


def _answers(http: httpx.Client, base: str, mock: SquarespaceMock) -> list[tuple[int, dict[str, str], Any]]:
    page_id = mock.store.page_list()[0].id
    variant_id = next(iter(mock.store.products.values())).variants[0].id
    out = []
    pages: list[str] = []
    for method, path, extra, body in _script(variant_id, page_id):
        headers = {"Authorization": f"Bearer {mock.api_key}", "User-Agent": USER_AGENT, **extra}
        response = http.request(method, f"{base}{path}", headers=headers, json=body)
        parsed = json.loads(response.text.replace(base, "BASE")) if response.content else None
        kept = {k: v for k, v in response.headers.items() if k in _COMPARED_HEADERS}
        out.append((response.status_code, kept, parsed))
        if isinstance(parsed, dict) and (parsed.get("pagination") or {}).get("nextPageUrl"):
            pages.append(parsed["pagination"]["nextPageUrl"].replace("BASE", base))
    for url in pages:  # follow every next page by its absolute URL
        response = http.get(url, headers={"Authorization": f"Bearer {mock.api_key}", "User-Agent": USER_AGENT})
        out.append((response.status_code, {}, json.loads(response.text.replace(base, "BASE"))))
    return out


def test_the_served_and_the_in_process_mock_answer_the_same_requests_identically(http: httpx.Client) -> None:
    in_process = SquarespaceMock(VirtualClock(), seed=4)
    served = SquarespaceMock(VirtualClock(), seed=4)
    for mock in (in_process, served):
        mock.control.seed(products=60, orders=55)
    with squarespace(in_process):
        expected = _answers(http, "https://api.squarespace.com", in_process)
    with ServedMock(served) as server, httpx.Client(timeout=10) as loopback:
        actual = _answers(loopback, server.base_url, served)
    scripted = [200, 200, 200, 200, 201, 400, 204, 204, 409, 201, 201, 200, 200, 400, 405, 404, 401]
    assert [a[0] for a in actual[: len(scripted)]] == scripted
    assert len(actual) == len(scripted) + 3  # the next pages of products, inventory and the orders window
    assert actual == expected
    assert in_process.calls.crashes() == served.calls.crashes() == []


def test_talkqa_serve_squarespace_prints_one_start_line_and_stops_on_ctrl_c() -> None:
    command = [sys.executable, "-m", "harness.cli", "serve", "squarespace", "--port", "0", "--products", "3"]
    command += ["--orders", "2", "--seed", "5", "--rate-limit", "50"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        start = json.loads(process.stdout.readline())
        assert set(start) == {"base_url", "api_key"}
        assert start["base_url"].startswith("http://127.0.0.1:")
        headers = {"Authorization": f"Bearer {start['api_key']}", "User-Agent": USER_AGENT}
        with httpx.Client(base_url=start["base_url"], headers=headers, timeout=10) as client:
            assert len(client.get("/1.1/commerce/products").json()["products"]) == 3
            assert len(client.get("/1.0/commerce/orders").json()["result"]) == 2
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
        assert process.returncode == 0, err
        assert "Traceback" not in err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
