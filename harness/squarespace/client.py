"""``SquarespaceClient`` — the sync httpx client the sync engine uses against Squarespace
Commerce (or its mock): cursor paging, reads by ids in chunks of 50, product and variant writes,
keyed inventory adjustments and order imports, fulfilments.

It never creates twice: a product create has no idempotency key in the API, so after an
ambiguous failure (time-out, lost answer, 5xx) it looks the product up by SKU and name before
sending it again; keyed calls are repeated with the same key, which the caller may fix so that a
retry after a crash reuses it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx

from harness import __version__
from harness.clock import Clock, SystemClock
from harness.retry import RetryPolicy
from harness.squarespace.transport import NOT_FOUND_IS_DONE, SQUARESPACE_RETRY, Transport

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_USER_AGENT", "MAX_IDS", "MAX_OPERATIONS", "Page", "SquarespaceClient"]

DEFAULT_BASE_URL = "https://api.squarespace.com"
DEFAULT_USER_AGENT = f"talkqa/{__version__} (Squarespace sync client)"
MAX_IDS = 50
MAX_OPERATIONS = 50
Json = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """One page of a list, and the cursor of the next (None on the last)."""

    items: list[Json]
    next_cursor: str | None


def _iso(moment: datetime | str) -> str:
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        raise ValueError("give an aware datetime (UTC), not a naive one")
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _chunks(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


class SquarespaceClient:
    """A client for one Squarespace site.

    ``clock`` is where it waits (429 cool-downs, backoff, pacing); ``http`` an ``httpx.Client``
    of the caller's (closed by the caller) or None for one of its own.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        user_agent: str = DEFAULT_USER_AGENT,
        clock: Clock | None = None,
        http: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        products_version: str = "1.1",
    ) -> None:
        self.clock = clock or SystemClock()
        self._own_http = http is None
        self.http = http or httpx.Client(timeout=timeout_s)
        self.products_path = f"/{products_version}/commerce/products"
        headers = {"Authorization": f"Bearer {api_key}", "User-Agent": user_agent, "Accept": "application/json"}
        self.transport = Transport(
            self.http, base_url, headers, self.clock, (retry or SQUARESPACE_RETRY).over(SQUARESPACE_RETRY)
        )

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def __enter__(self) -> SquarespaceClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @staticmethod
    def new_idempotency_key() -> str:
        """A fresh key; store it with the intent before sending, so a retry can reuse it."""
        return uuid.uuid4().hex

    # -- paging ----------------------------------------------------------------------------
    def _pages(self, path: str, key: str, params: Mapping[str, str]) -> Iterator[Page]:
        query: Mapping[str, str] = params
        while True:
            body = self.transport.call("GET", path, params=query, safe=True)
            pagination = body.get("pagination") or {}
            cursor = pagination.get("nextPageCursor") if pagination.get("hasNextPage") else None
            yield Page(list(body.get(key) or []), cursor)
            if not cursor:
                return
            query = {"cursor": cursor}  # the cursor carries the filters and may not be combined with dates

    def store_pages(self) -> Iterator[Json]:
        for page in self._pages("/1.0/commerce/store_pages", "storePages", {}):
            yield from page.items

    def product_pages(self, *, product_type: str | None = None) -> Iterator[Page]:
        return self._pages(self.products_path, "products", {"type": product_type} if product_type else {})

    def products(self, *, product_type: str | None = None) -> Iterator[Json]:
        """Every product, 50 a page. The API has no modified filter: compare ``modifiedOn``."""
        for page in self.product_pages(product_type=product_type):
            yield from page.items

    def inventory_pages(self) -> Iterator[Page]:
        return self._pages("/1.0/commerce/inventory", "inventory", {})

    def inventory(self) -> Iterator[Json]:
        for page in self.inventory_pages():
            yield from page.items

    def order_pages(
        self,
        *,
        modified_after: datetime | str | None = None,
        modified_before: datetime | str | None = None,
        fulfillment_status: str | None = None,
    ) -> Iterator[Page]:
        """Orders from the oldest change to the newest, in a ``modifiedOn`` window when given (both
        ends or neither)."""
        if (modified_after is None) != (modified_before is None):
            raise ValueError("give modified_after and modified_before together, or neither")
        params: dict[str, str] = {}
        if modified_after is not None and modified_before is not None:
            params = {"modifiedAfter": _iso(modified_after), "modifiedBefore": _iso(modified_before)}
        if fulfillment_status is not None:
            params["fulfillmentStatus"] = fulfillment_status
        return self._pages("/1.0/commerce/orders", "result", params)

    def orders(
        self,
        *,
        modified_after: datetime | str | None = None,
        modified_before: datetime | str | None = None,
        fulfillment_status: str | None = None,
    ) -> Iterator[Json]:
        for page in self.order_pages(
            modified_after=modified_after, modified_before=modified_before, fulfillment_status=fulfillment_status
        ):
            yield from page.items

    # -- reads by id -------------------------------------------------------------------------
    def get_products(self, product_ids: Sequence[str]) -> list[Json]:
        """The products, in the order asked, 50 ids a call."""
        found: dict[str, Json] = {}
        for chunk in _chunks(product_ids, MAX_IDS):
            body = self.transport.call("GET", f"{self.products_path}/{','.join(chunk)}", safe=True)
            found.update((p["id"], p) for p in body.get("products") or [])
        return [found[i] for i in dict.fromkeys(product_ids) if i in found]

    def get_product(self, product_id: str) -> Json:
        return self.get_products([product_id])[0]

    def get_inventory(self, variant_ids: Sequence[str]) -> list[Json]:
        """Inventory items in the order asked (the API answers in no guaranteed order)."""
        found: dict[str, Json] = {}
        for chunk in _chunks(variant_ids, MAX_IDS):
            body = self.transport.call("GET", f"/1.0/commerce/inventory/{','.join(chunk)}", safe=True)
            found.update((i["variantId"], i) for i in body.get("inventory") or [])
        return [found[v] for v in dict.fromkeys(variant_ids) if v in found]

    def get_order(self, order_id: str) -> Json:
        result: Json = self.transport.call("GET", f"/1.0/commerce/orders/{order_id}", safe=True)
        return result

    def find_products_by_sku(self, sku: str) -> list[Json]:
        """Every product with a variant of that SKU (SKUs need not be unique across products)."""
        return [p for p in self.products() if any(v.get("sku") == sku for v in p.get("variants") or [])]

    # -- product writes ----------------------------------------------------------------------
    def create_product(self, product: Json) -> Json:
        """Create a product (every variant must carry a SKU). After an ambiguous failure the
        product is looked up by its SKUs and name first, so it is never created twice."""
        skus = {v.get("sku", "").strip() for v in product.get("variants") or []}
        if not skus or "" in skus:
            raise ValueError("every variant needs a sku: it is how a retry finds a product already created")

        def already_created() -> Json | None:
            matches = [
                p
                for p in self.products()
                if p.get("name") == product.get("name", "") and skus <= {v.get("sku") for v in p.get("variants") or []}
            ]
            return max(matches, key=lambda p: str(p.get("createdOn"))) if matches else None

        result: Json = self.transport.call(
            "POST", self.products_path, json=product, safe=False, recover=already_created
        )
        return result

    def update_product(self, product_id: str, changes: Json) -> Json:
        result: Json = self.transport.call("POST", f"{self.products_path}/{product_id}", json=changes, safe=True)
        return result

    def delete_product(self, product_id: str) -> None:
        self.transport.call("DELETE", f"{self.products_path}/{product_id}", safe=True, recover=NOT_FOUND_IS_DONE)

    def create_variant(self, product_id: str, variant: Json) -> Json:
        """Add a variant; after an ambiguous failure, look for its SKU on the product first."""
        sku = str(variant.get("sku", "")).strip()
        if not sku:
            raise ValueError("the variant needs a sku: it is how a retry finds a variant already created")

        def already_created() -> Json | None:
            current = self.get_product(product_id)
            return next((v for v in current.get("variants") or [] if v.get("sku") == sku), None)

        result: Json = self.transport.call(
            "POST", f"{self.products_path}/{product_id}/variants", json=variant, safe=False, recover=already_created
        )
        return result

    def update_variant(self, product_id: str, variant_id: str, changes: Json) -> Json:
        result: Json = self.transport.call(
            "POST", f"{self.products_path}/{product_id}/variants/{variant_id}", json=changes, safe=True
        )
        return result

    def delete_variant(self, product_id: str, variant_id: str) -> None:
        self.transport.call(
            "DELETE", f"{self.products_path}/{product_id}/variants/{variant_id}", safe=True, recover=NOT_FOUND_IS_DONE
        )

    # -- inventory -----------------------------------------------------------------------------
    def adjust_inventory(
        self,
        *,
        increments: Mapping[str, int] | None = None,
        decrements: Mapping[str, int] | None = None,
        set_finite: Mapping[str, int] | None = None,
        set_unlimited: Iterable[str] = (),
        idempotency_key: str | None = None,
    ) -> str:
        """One atomic adjustment of at most 50 operations; returns the key it was sent with."""
        body: dict[str, list[Any]] = {
            "incrementOperations": [{"variantId": v, "quantity": q} for v, q in (increments or {}).items()],
            "decrementOperations": [{"variantId": v, "quantity": q} for v, q in (decrements or {}).items()],
            "setFiniteOperations": [{"variantId": v, "quantity": q} for v, q in (set_finite or {}).items()],
            "setUnlimitedOperations": list(set_unlimited),
        }
        count = sum(len(ops) for ops in body.values())
        if not 1 <= count <= MAX_OPERATIONS:
            raise ValueError(f"an adjustment carries 1 to {MAX_OPERATIONS} operations, not {count}; split it")
        key = idempotency_key or self.new_idempotency_key()
        self.transport.call(
            "POST", "/1.0/commerce/inventory/adjustments", json=body, headers={"Idempotency-Key": key}, safe=True
        )
        return key

    # -- orders --------------------------------------------------------------------------------
    def import_order(self, order: Json, *, idempotency_key: str | None = None) -> Json:
        """Import an order from another channel; a retry with the same key cannot import twice."""
        key = idempotency_key or self.new_idempotency_key()
        result: Json = self.transport.call(
            "POST", "/1.0/commerce/orders", json=order, headers={"Idempotency-Key": key}, safe=True
        )
        return result

    def fulfil_order(self, order_id: str, shipments: Sequence[Json] = (), *, send_notification: bool = False) -> None:
        """Mark an order fulfilled (with shipments). After an ambiguous failure the order is read
        first: fulfilled, with our tracking numbers, means it was done."""
        tracking = {s.get("trackingNumber") for s in shipments}

        def already_done() -> bool | None:
            order = self.get_order(order_id)
            known = {f.get("trackingNumber") for f in order.get("fulfillments") or []}
            return True if order.get("fulfillmentStatus") == "FULFILLED" and tracking <= known else None

        self.transport.call(
            "POST",
            f"/1.0/commerce/orders/{order_id}/fulfillments",
            json={"shouldSendNotification": send_notification, "shipments": list(shipments)},
            safe=False,
            recover=already_done,
        )
