"""The test-side control surface of the Squarespace mock — a Python API, never an HTTP route an
engine could call by accident: fill the site, act as a merchant in the Squarespace UI (every edit
moves ``modifiedOn``), read records as stored, revoke or rotate the API key, set limits, inject
faults and read the call log.

It drives any ``SquarespaceSite`` (the state it reaches in its mock; ``SquarespaceMock`` is one), so it never
imports the mock's module: the mock builds its control surface."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any, Protocol

from harness.clock import Clock
from harness.errors import MockError
from harness.mock.calls import CallLog
from harness.mock.faults import FaultPlan, FaultShortcuts
from harness.redaction import remember_secret
from harness.retry import RetryPolicy
from harness.squarespace.client import SquarespaceClient
from harness.squarespace.factory import Filled, SquarespaceFactory
from harness.squarespace.limits import HourlyLimit, MinuteRateLimit
from harness.squarespace.orders import cancel_order, fulfil_order
from harness.squarespace.payloads import product_changes, product_draft, variant_changes
from harness.squarespace.problems import ApiProblem
from harness.squarespace.products import apply_product_changes, apply_variant_changes, make_product
from harness.squarespace.records import Product
from harness.squarespace.store import Store
from harness.squarespace.values import IdFactory, format_money
from harness.systems import SQUARESPACE

__all__ = ["SquarespaceControl", "SquarespaceSite"]

Json = dict[str, Any]


class SquarespaceSite(Protocol):
    """What the control surface reaches in its mock (``SquarespaceMock``): the site's state, and the key
    and limits it replaces."""

    api_key: str | None
    permissions: frozenset[str]
    rate_limit: MinuteRateLimit
    order_limit: HourlyLimit

    @property
    def seed(self) -> int: ...

    @property
    def store(self) -> Store: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    @property
    def faults(self) -> FaultPlan: ...

    @property
    def calls(self) -> CallLog: ...


def _set_path(target: Json, path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for name in parents:
        child = target.get(name)
        if not isinstance(child, dict):
            child = {}
            target[name] = child
        target = child
    target[leaf] = format_money(value) if isinstance(value, Decimal) else value


class SquarespaceControl(FaultShortcuts):
    """Drives one ``SquarespaceMock`` from a test. Methods answer JSON as the API would show it."""

    base_url = SQUARESPACE.base_url

    def __init__(self, mock: SquarespaceSite) -> None:
        self.mock = mock
        self.store = mock.store
        self.factory = SquarespaceFactory(mock.seed, currency=mock.store.currency)
        self._keys = IdFactory(mock.seed * 31 + 17)

    # -- what a test reaches through --------------------------------------------------------
    @property
    def clock(self) -> Clock:
        return self.mock.clock

    @property
    def api_key(self) -> str:
        if self.mock.api_key is None:
            raise MockError("the API key was revoked; rotate_api_key() issues a new one")
        return self.mock.api_key

    @property
    def faults(self) -> FaultPlan:
        return self.mock.faults

    @property
    def calls(self) -> CallLog:
        return self.mock.calls

    def client(
        self, *, base_url: str | None = None, retry: RetryPolicy | None = None, **kwargs: Any
    ) -> SquarespaceClient:
        """A client for this site on the mock's clock (in-process unless ``base_url`` says otherwise)."""
        return SquarespaceClient(
            self.api_key, base_url=base_url or self.base_url, clock=self.clock, retry=retry, **kwargs
        )

    def _guard(self, problem: ApiProblem) -> MockError:
        return MockError(f"Squarespace would refuse that edit: {problem.message}")

    # -- data ----------------------------------------------------------------------------------
    def seed(self, products: int = 20, orders: int = 10) -> Filled:
        """A store page, ``products`` products (one variant each) and ``orders`` web orders."""
        with self.mock.lock:
            return self.factory.fill(self.store, products, orders)

    def add_store_page(self, title: str = "Shop", *, enabled: bool = True) -> Json:
        with self.mock.lock:
            return self.store.add_page(title, enabled=enabled).as_json()

    def store_page_id(self) -> str:
        """The first store page's id (a "Shop" page is made when there is none)."""
        with self.mock.lock:
            pages = self.store.page_list()
            return pages[0].id if pages else self.store.add_page("Shop").id

    def create_product(
        self,
        *,
        name: str,
        sku: str,
        price: str = "10.00",
        quantity: int = 0,
        unlimited: bool = False,
        description: str = "",
        visible: bool = True,
        sale_price: str | None = None,
        weight_kg: float | None = None,
        tags: Sequence[str] = (),
        store_page_id: str | None = None,
    ) -> Json:
        """A product with one variant, made by a merchant in the UI."""
        currency = self.store.currency
        variant: Json = {
            "sku": sku,
            "pricing": {
                "basePrice": {"currency": currency, "value": price},
                "onSale": sale_price is not None,
                "salePrice": {"currency": currency, "value": sale_price or "0.00"},
            },
            "stock": {"quantity": quantity, "unlimited": unlimited},
        }
        if weight_kg is not None:
            variant["shippingMeasurements"] = {"weight": {"unit": "KILOGRAM", "value": weight_kg}}
        body = {
            "type": "PHYSICAL",
            "storePageId": store_page_id or self.store_page_id(),
            "name": name,
            "description": description,
            "isVisible": visible,
            "tags": list(tags),
            "variants": [variant],
        }
        with self.mock.lock:
            try:
                product = make_product(self.store, product_draft(body, currency))
            except ApiProblem as problem:
                raise self._guard(problem) from None
            return self.store.product_json(product)

    def place_order(self, product_ids: Sequence[str] | None = None) -> Json:
        """A web order a shopper places now over some (or the given) products; the checkout takes
        the items from stock (never more than there is) and moves those products' ``modifiedOn``."""
        with self.mock.lock:
            chosen = [self.store.product(p) for p in product_ids] if product_ids else list(self.store.products.values())
            if not chosen:
                raise MockError("a web order needs at least one product in the store")
            order = self.factory.add_web_order(self.store, chosen, self.store.now_ms(), take_stock=True)
            if order is None:
                raise MockError("none of the products chosen is in stock; set_stock() first")
            return order.as_json()

    # -- merchant edits ------------------------------------------------------------------------
    def edit_product(self, product_id: str, changes: Mapping[str, Any]) -> Json:
        """Edit a product as a merchant would, by dotted paths (``name``, ``isVisible``,
        ``variants.pricing.basePrice.value``, ``variants.stock.quantity`` ...). ``variants.*``
        paths need a product with one variant; use ``edit_variant`` otherwise."""
        with self.mock.lock:
            product = self.store.product(product_id)
            own = {k: v for k, v in changes.items() if not k.startswith("variants.")}
            of_variant = {k.removeprefix("variants."): v for k, v in changes.items() if k.startswith("variants.")}
            if of_variant and len(product.variants) != 1:
                raise MockError(f"product {product_id} has {len(product.variants)} variants; use edit_variant")
            saved = copy.deepcopy(product)
            try:
                body: Json = {}
                for path, value in own.items():
                    _set_path(body, path, value)
                checked = product_changes(body) if own else {}
                if of_variant:
                    self._edit_variant(product, product.variants[0].id, of_variant, touch=False)
                if checked:
                    apply_product_changes(self.store, product, checked, touch=False)
            except (ApiProblem, MockError) as problem:
                self._restore(product, saved)  # an edit the UI refuses changes nothing
                raise problem if isinstance(problem, MockError) else self._guard(problem) from None
            self.store.touch_product(product)  # one edit saved in the UI: one change
            return self.store.product_json(product)

    def _restore(self, product: Product, saved: Product) -> None:
        if product.url_slug != saved.url_slug:
            self.store.change_slug(product, saved.url_slug)
        product.__dict__.update(saved.__dict__)
        self.store.changed(product)

    def edit_variant(self, variant_id: str, changes: Mapping[str, Any]) -> Json:
        """Edit one variant as a merchant would, by dotted paths below the variant (``sku``,
        ``pricing.basePrice.value``, ``stock.quantity`` ...)."""
        with self.mock.lock:
            product, _ = self.store.variant_owner(variant_id)
            try:
                return self._edit_variant(product, variant_id, changes)
            except ApiProblem as problem:
                raise self._guard(problem) from None

    def _edit_variant(
        self, product: Product, variant_id: str, changes: Mapping[str, Any], *, touch: bool = True
    ) -> Json:
        variant = product.variant(variant_id)
        assert variant is not None
        current = variant.as_json()
        for path, value in changes.items():
            _set_path(current, path, value)
        touched = {path.split(".")[0] for path in changes}
        body = {name: current[name] for name in touched if name in current}
        if touched - set(body) or touched & {"id", "image"}:
            raise MockError(f"a merchant cannot set {sorted(touched - set(body) | (touched & {'id', 'image'}))}")
        apply_variant_changes(
            self.store, product, variant, variant_changes(body, self.store.currency, allow_stock=True), touch=touch
        )
        return variant.as_json()

    def set_stock(self, variant_id: str, quantity: int | None) -> Json:
        """Set a variant's stock as a merchant would (None: unlimited); answers the inventory item."""
        change: Json = (
            {"stock.unlimited": True} if quantity is None else {"stock.unlimited": False, "stock.quantity": quantity}
        )
        self.edit_variant(variant_id, change)
        return self.inventory_item(variant_id)

    def fulfil_order(self, order_id: str) -> Json:
        with self.mock.lock:
            order = self.store.order(order_id)
            try:
                fulfil_order(self.store, order, [])
            except ApiProblem as problem:
                raise self._guard(problem) from None
            return order.as_json()

    def cancel_order(self, order_id: str) -> Json:
        with self.mock.lock:
            order = self.store.order(order_id)
            cancel_order(self.store, order)
            return order.as_json()

    def delete_product(self, product_id: str) -> None:
        with self.mock.lock:
            self.store.remove_product(self.store.product(product_id))

    # -- reading as stored ---------------------------------------------------------------------
    def product(self, product_id: str) -> Json:
        with self.mock.lock:
            return self.store.product_json(self.store.product(product_id))

    def variant(self, variant_id: str) -> Json:
        with self.mock.lock:
            return self.store.variant_owner(variant_id)[1].as_json()

    def product_of_variant(self, variant_id: str) -> Json:
        with self.mock.lock:
            return self.store.product_json(self.store.variant_owner(variant_id)[0])

    def inventory_item(self, variant_id: str) -> Json:
        with self.mock.lock:
            product, variant = self.store.variant_owner(variant_id)
            return product.inventory_json(variant)

    def order(self, order_id: str) -> Json:
        with self.mock.lock:
            return self.store.order(order_id).as_json()

    def products(self) -> list[Json]:
        with self.mock.lock:
            return [self.store.product_json(p) for p in sorted(self.store.products.values(), key=lambda p: p.seq)]

    def listed_products(self) -> list[Json]:
        """``products`` as the listing renders them, each rendered only after it changed: the dicts are
        the mock's own, so read them and never change them (``products`` gives copies to change)."""
        with self.mock.lock:
            return [self.store.listed_json(p) for p in sorted(self.store.products.values(), key=lambda p: p.seq)]

    def orders(self) -> list[Json]:
        with self.mock.lock:
            return [o.as_json() for o in self.store.orders_by_modified()]

    def inventory(self) -> list[Json]:
        with self.mock.lock:
            rows, _ = self.store.variants_after(0, len(self.store.variant_index))
            return [product.inventory_json(variant) for _, product, variant in rows]

    def products_with_sku(self, sku: str) -> list[Json]:
        return [p for p in self.products() if any(v["sku"] == sku for v in p["variants"])]

    def duplicate_skus(self) -> dict[str, list[str]]:
        """SKUs held by more than one variant, with those variants' ids: a sync that created a
        record twice shows up here."""
        with self.mock.lock:
            by_sku: dict[str, list[str]] = {}
            for sku, variant_id in self.store.skus():
                by_sku.setdefault(sku, []).append(variant_id)
        return {sku: ids for sku, ids in by_sku.items() if len(ids) > 1}

    def snapshot(self) -> Json:
        """Every product and order as stored (a deep copy), for before/after comparisons."""
        return copy.deepcopy({"products": self.products(), "orders": self.orders()})

    # -- key and limits ------------------------------------------------------------------------
    def revoke_api_key(self) -> None:
        """Every request now answers 401 until ``rotate_api_key``."""
        with self.mock.lock:
            self.mock.api_key = None

    def rotate_api_key(self, permissions: Iterable[str] | None = None) -> str:
        """Issue a new key (the old one stops working), optionally with other permissions
        (``products:read``, ``orders:write`` ...)."""
        with self.mock.lock:
            self.mock.api_key = self._keys.api_key()
            remember_secret(self.mock.api_key)
            if permissions is not None:
                self.mock.permissions = frozenset(permissions)
            return self.mock.api_key

    def set_rate_limit(self, per_minute: int) -> None:
        with self.mock.lock:
            self.mock.rate_limit = MinuteRateLimit(per_minute)

    def set_order_limit(self, per_hour: int) -> None:
        with self.mock.lock:
            self.mock.order_limit = HourlyLimit(per_hour)

    # -- faults ----------------------------------------------------------------------------------
