"""Squarespace Commerce products as the engine sees them (orders: ``squarespace_orders.py``).

One product with one variant per record, presented under both spec types at once — the
"Sesamproducts" view (``name``, ``variants.sku``, ...) and the "Inventory" view of its variant
(``sku``, ``quantity``, ``variantId``, ``descriptor``, ``isUnlimited``) — because in Squarespace an
inventory item is not a record of its own but the stock of a variant. The Products API has no
modified filter, so every cycle lists every product (a complete snapshot) and the engine compares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.errors import SquarespaceApiError, SyncError
from harness.mapping.paths import get_path
from harness.squarespace.client import SquarespaceClient
from harness.squarespace.spec_types import INVENTORY_PATHS, physical_path, product_view, stored_value
from harness.sync.codecs import parse_iso_utc
from harness.sync.records import ChangeBatch, Record, Writes
from harness.systems import squarespace as catalogue

__all__ = ["SquarespaceProductsSide", "modified_of"]

INVENTORY, PRODUCTS, ORDER = "Inventory", "Sesamproducts", "Order"


def modified_of(data: Mapping[str, Any]) -> float | None:
    """A product's or an order's ``modifiedOn`` in clock seconds."""
    text = data.get("modifiedOn")
    return parse_iso_utc(text).timestamp() if isinstance(text, str) and text else None


class SquarespaceProductsSide:
    """Squarespace products with one variant, as "Sesamproducts" and "Inventory" records."""

    key = "squarespace:products"
    label = "Squarespace products"

    def __init__(self, client: SquarespaceClient, *, currency: str) -> None:
        self.client = client
        self.currency = currency
        self._snapshot: dict[str, Record] | None = None
        self._variants: dict[str, str] = {}  #: variant id -> product id
        self._variant_of: dict[str, str] = {}  #: product id -> variant id
        self._index: dict[str, dict[Any, list[Record]]] = {}  #: path -> value -> snapshot records holding it
        self._store_page: str | None = None

    def begin_cycle(self) -> None:
        self._snapshot = None
        self._index = {}

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        calls = 0
        records: dict[str, Record] = {}
        for page in self.client.product_pages():
            calls += 1
            for product in page.items:
                record = self._record(product)
                records[record.id] = record
        self._snapshot = records
        self._index = {}
        return ChangeBatch(tuple(records.values()), (), complete=True, cursor=None, calls=calls)

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        """Current products; an id the site does not have is absent (a 404 for a batch of ids is
        answered by asking for each id alone)."""
        try:
            products = self.client.get_products(list(ids))
        except SquarespaceApiError as exc:
            if exc.status != 404:
                raise
            products = []
            for product_id in ids:
                try:
                    products.append(self.client.get_product(product_id))
                except SquarespaceApiError as missing:
                    if missing.status != 404:
                        raise
        return {record.id: record for record in map(self._record, products)}

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        """Products of this cycle's snapshot holding ``value`` at ``path`` (an index per path, built once a
        snapshot: matching 10,000 new items one by one must not scan 10,000 products each time)."""
        if value is None or value == "":
            return []
        if self._snapshot is None:
            return [r for r in self._all().values() if get_path(r.data, path) == value]
        if path not in self._index:
            self._index[path] = {}
            for record in self._snapshot.values():
                self._add_to_index(path, record)
        try:
            return list(self._index[path].get(value, ()))
        except TypeError:  # an unhashable value (a list): nothing is keyed by it
            return [r for r in self._snapshot.values() if get_path(r.data, path) == value]

    def _add_to_index(self, path: str, record: Record) -> None:
        key = get_path(record.data, path)
        try:
            self._index[path].setdefault(key, []).append(record)
        except TypeError:
            return

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        product = self._product_body(values)
        created = self.client.create_product(product)
        record = self._record(created)
        if "$problem" in record.data:
            raise SyncError(f"Squarespace created product {created.get('id')}: {record.data['$problem']}")
        if self._snapshot is not None:
            self._snapshot[record.id] = record
            for path in self._index:
                self._add_to_index(path, record)
        return record

    def update(self, record: Record, writes: Writes) -> None:
        """Each write goes through the call the field catalogue names for changing that field."""
        product: dict[str, Any] = {}
        variant: dict[str, Any] = {}
        stock: int | None = None
        for (spec_type, path), value in writes.items():
            physical = physical_path(spec_type, path)
            spec = catalogue.field(PRODUCTS, physical)
            call = spec.update if spec is not None else None
            if call is None:
                raise SyncError(f"talkqa cannot write Squarespace product field {physical!r}")
            if call.call == catalogue.UPDATE_PRODUCT:
                empty_text = value is None and physical in {"name", "description"}
                _set(product, call.body_path, "" if empty_text else value)
            elif call.call == catalogue.ADJUST_INVENTORY and physical == "variants.stock.quantity":
                stock = int(value or 0)
            elif call.call == catalogue.UPDATE_VARIANT:
                _set(variant, call.body_path, value)
            else:
                raise SyncError(f"talkqa cannot write Squarespace product field {physical!r} ({call.call})")
        variant_id = self.reference_of(record.id)
        if product:
            self.client.update_product(record.id, product)
        if variant:
            if variant_id is None:
                raise SyncError(f"Squarespace product {record.id} has no variant to update")
            self.client.update_variant(record.id, variant_id, self._money(variant))
        if stock is not None and variant_id is not None:
            self.client.adjust_inventory(set_finite={variant_id: stock})

    def delete(self, record_id: str) -> bool:
        try:
            self.client.delete_product(record_id)
        except SquarespaceApiError as exc:
            if exc.status != 404:
                raise  # a 404: deleted on both sides at once, nothing left to do
        return True

    def stored(self, spec_type: str, path: str, value: Any) -> Any:
        return stored_value(spec_type, path, value)

    def reference_of(self, record_id: str) -> str | None:
        if record_id in self._variant_of:
            return self._variant_of[record_id]
        fetched = self.fetch([record_id]).get(record_id)
        if fetched is None or "$problem" in fetched.data:
            return None
        return str(fetched.data["variantId"])

    def record_of_reference(self, reference: str) -> str | None:
        return self._variants.get(reference)

    # -- internals ---------------------------------------------------------------------------
    def _all(self) -> dict[str, Record]:
        return {record.id: record for record in map(self._record, self.client.products())}

    def _record(self, product: Mapping[str, Any]) -> Record:
        data = product_view(product)
        if "$problem" not in data:
            self._variants[str(data["variantId"])] = str(product["id"])
            self._variant_of[str(product["id"])] = str(data["variantId"])
        return Record(str(product["id"]), data, modified_of(product))

    def _store_page_id(self) -> str:
        if self._store_page is None:
            pages = [p for p in self.client.store_pages() if p.get("isEnabled", True)]
            if not pages:
                raise SyncError("the Squarespace site has no enabled store page to create products on")
            self._store_page = str(pages[0]["id"])
        return self._store_page

    def _product_body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        variant: dict[str, Any] = {}
        product: dict[str, Any] = {"type": "PHYSICAL", "storePageId": self._store_page_id()}
        for key, value in values.items():
            if key == "variants":
                for element in value or []:
                    variant.update(element)
            elif key in INVENTORY_PATHS:
                _set(variant, INVENTORY_PATHS[key].removeprefix("variants."), value)
            elif _creates_product_field(key, value):
                _merge(product, key, value)
            else:
                raise SyncError(f"talkqa cannot create Squarespace products with field {key!r}")
        if not variant.get("sku"):
            raise SyncError("a Squarespace product needs a SKU: map the item code to sku or variants.sku")
        variant.setdefault("pricing", {}).setdefault("basePrice", {}).setdefault("value", "0.00")
        if product.get("name") in (None, ""):
            product["name"] = str(variant["sku"])
        if product.get("description") is None:
            product.pop("description", None)
        stock = variant.get("stock")
        if isinstance(stock, dict) and stock.get("quantity") is None:
            stock.pop("quantity")
        product["variants"] = [self._money(variant)]
        return product

    def _money(self, variant: dict[str, Any]) -> dict[str, Any]:
        """Money objects carry the site's currency; a weight carries its unit."""
        pricing = variant.get("pricing")
        if isinstance(pricing, dict):
            for name in ("basePrice", "salePrice"):
                money = pricing.get(name)
                if isinstance(money, dict):
                    money.setdefault("currency", self.currency)
                    if money.get("value") is None:
                        money["value"] = "0.00"
        dimensions = (variant.get("shippingMeasurements") or {}).get("dimensions")
        if isinstance(dimensions, dict):
            dimensions.setdefault("unit", "CENTIMETER")
        weight = (variant.get("shippingMeasurements") or {}).get("weight")
        if isinstance(weight, dict):
            weight.setdefault("unit", "KILOGRAM")
            if weight.get("value") is None:
                weight["value"] = 0.0
        return variant


def _creates_product_field(key: str, value: Any) -> bool:
    """Whether ``key`` (a top-level key of a built product: ``name``, ``seoOptions``) holds only fields the
    product create call writes."""
    if not isinstance(value, dict):
        spec = catalogue.field(PRODUCTS, key)
        return spec is not None and spec.create is not None and spec.create.call == catalogue.CREATE_PRODUCT
    return all(_creates_product_field(f"{key}.{name}", inner) for name, inner in value.items())


def _merge(target: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _set(target, f"{key}.{name}", inner)
    else:
        target[key] = value


def _set(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for name in parents:
        child = target.get(name)
        if not isinstance(child, dict):
            child = target[name] = {}
        target = child
    target[leaf] = value
