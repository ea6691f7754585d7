"""Reading request bodies of the Squarespace mock: JSON objects checked field by field against the
catalogue's limits, turned into typed drafts and change sets, or refused with a 400 that names the
field. Unknown and read-only fields are refused too, so a client that writes one learns of it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from harness.mock.messages import parse_json_bytes
from harness.squarespace.problems import bad_request, missing
from harness.squarespace.records import ADDRESS_FIELDS, Address, Dimensions, Money, Weight
from harness.squarespace.values import parse_iso, parse_money
from harness.systems import squarespace as catalogue

__all__ = [
    "Fields",
    "ProductDraft",
    "VariantDraft",
    "check_variant_set",
    "parse_json",
    "product_changes",
    "product_draft",
    "variant_changes",
    "variant_draft",
]

MAX_INT = 2**31 - 1
MAX_MEASURE = 1_000_000.0
_PRODUCT_CREATE = {
    "type",
    "storePageId",
    "name",
    "description",
    "urlSlug",
    "tags",
    "isVisible",
    "variantAttributes",
    "variants",
}
_PRODUCT_UPDATE = {"name", "description", "urlSlug", "tags", "isVisible", "variantAttributes", "seoOptions"}
_VARIANT_CREATE = {"sku", "pricing", "stock", "attributes", "shippingMeasurements"}
_VARIANT_UPDATE = {"sku", "pricing", "attributes", "shippingMeasurements"}
_MAX_VARIANTS = 100


def _limit(spec_type: str, path: str) -> int | None:
    spec = catalogue.field(spec_type, path)
    return spec.max_length if spec is not None else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """A request body as JSON (strict: no NaN or Infinity), or a 400."""
    try:
        return parse_json_bytes(body)
    except ValueError as exc:
        raise bad_request(f"the request body is not valid JSON: {exc}") from None


class Fields:
    """Typed access to one JSON object of a request body; ``where`` names it in messages."""

    def __init__(self, data: object, where: str, allowed: Iterable[str] | None = None) -> None:
        if not isinstance(data, Mapping):
            raise bad_request(f"{where or 'the request body'} must be a JSON object")
        self.data: Mapping[str, Any] = data
        self.where = where
        if allowed is not None:
            unknown = sorted(set(data) - set(allowed))
            if unknown:
                raise bad_request(f"{self.name(unknown[0])} is not a field that can be written here")

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            raise missing(self.name(key))
        return value

    def string(
        self, key: str, *, required: bool = False, max_length: int | None = None, strip: bool = False
    ) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise bad_request(f"{self.name(key)} must be a string")
        if strip:
            value = value.strip()
        if required and not value:
            raise missing(self.name(key))
        if max_length is not None and len(value) > max_length:
            raise bad_request(f"{self.name(key)} is longer than {max_length} characters")
        return value

    def boolean(self, key: str, *, required: bool = False) -> bool | None:
        value = self._get(key, required)
        if value is not None and not isinstance(value, bool):
            raise bad_request(f"{self.name(key)} must be true or false")
        return value

    def integer(self, key: str, *, required: bool = False, minimum: int = 0) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"{self.name(key)} must be a whole number")
        if not minimum <= value <= MAX_INT:
            raise bad_request(f"{self.name(key)} must be between {minimum} and {MAX_INT}")
        return value

    def number(self, key: str) -> float | None:
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise bad_request(f"{self.name(key)} must be a number")
        if not 0 <= value <= MAX_MEASURE:
            raise bad_request(f"{self.name(key)} must be between 0 and {MAX_MEASURE:g}")
        return float(value)

    def enum(self, key: str, values: Iterable[str], *, required: bool = False) -> str | None:
        value = self._get(key, required)
        allowed = tuple(values)
        if value is None:
            return None
        if not isinstance(value, str) or value not in allowed:
            raise bad_request(f"{self.name(key)} must be one of {', '.join(allowed)}")
        return value

    def iso(self, key: str, *, required: bool = False) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        millis = parse_iso(value)
        if millis is None:
            raise bad_request(f"{self.name(key)} must be an ISO 8601 UTC date and time")
        return millis

    def obj(self, key: str, allowed: Iterable[str] | None = None, *, required: bool = False) -> Fields | None:
        value = self._get(key, required)
        return None if value is None else Fields(value, self.name(key), allowed)

    def array(self, key: str, *, required: bool = False) -> list[Any] | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise bad_request(f"{self.name(key)} must be a list")
        return value

    def strings(self, key: str, *, max_length: int = 200) -> list[str] | None:
        items = self.array(key)
        if items is None:
            return None
        for item in items:
            if not isinstance(item, str) or not item.strip() or len(item) > max_length:
                raise bad_request(f"{self.name(key)} must hold non-empty strings of at most {max_length} characters")
        return list(items)

    def money(self, key: str, currency: str, *, required: bool = False) -> Money | None:
        shape = self.obj(key, {"currency", "value"}, required=required)
        if shape is None:
            return None
        code = shape.string("currency", required=True)
        if code != currency:
            raise bad_request(f"{shape.name('currency')} must be the site's currency {currency}, not {code!r}")
        value = parse_money(shape.data.get("value"))
        if value is None:
            if shape.data.get("value") is None:
                raise missing(shape.name("value"))
            raise bad_request(f'{shape.name("value")} must be a decimal string such as "29.99", from 0 to 1000000')
        return Money(currency, value)

    def address(self, key: str) -> Address | None:
        shape = self.obj(key, {api for _, api in ADDRESS_FIELDS})
        if shape is None:
            return None
        return Address(**{attr: shape.string(api, max_length=200) for attr, api in ADDRESS_FIELDS})


@dataclass
class VariantDraft:
    sku: str
    base_price: Money
    sale_price: Money
    on_sale: bool = False
    quantity: int = 0
    unlimited: bool = False
    attributes: dict[str, str] = field(default_factory=dict)
    weight: Weight = field(default_factory=Weight)
    dimensions: Dimensions = field(default_factory=Dimensions)


@dataclass
class ProductDraft:
    store_page_id: str
    name: str
    description: str
    url_slug: str | None
    tags: list[str]
    is_visible: bool
    variant_attributes: list[str]
    variants: list[VariantDraft]


def _attributes(fields: Fields, key: str) -> dict[str, str] | None:
    shape = fields.obj(key)
    if shape is None:
        return None
    out: dict[str, str] = {}
    for name in shape.data:
        value = shape.string(name, required=True, max_length=200)
        assert value is not None
        out[str(name)] = value
    return out


def _measurements(fields: Fields) -> tuple[Weight | None, Dimensions | None]:
    shape = fields.obj("shippingMeasurements", {"weight", "dimensions"})
    if shape is None:
        return None, None
    weight = dimensions = None
    w = shape.obj("weight", {"unit", "value"})
    if w is not None:
        weight = Weight(w.enum("unit", ("KILOGRAM", "POUND")) or "KILOGRAM", w.number("value") or 0.0)
    d = shape.obj("dimensions", {"unit", "length", "width", "height"})
    if d is not None:
        dimensions = Dimensions(
            d.enum("unit", ("INCH", "CENTIMETER")) or "CENTIMETER",
            d.number("length") or 0.0,
            d.number("width") or 0.0,
            d.number("height") or 0.0,
        )
    return weight, dimensions


def variant_draft(data: object, where: str, currency: str) -> VariantDraft:
    fields = Fields(data, where, _VARIANT_CREATE)
    sku = fields.string("sku", required=True, max_length=_limit("Sesamproducts", "variants.sku"), strip=True)
    pricing = fields.obj("pricing", {"basePrice", "onSale", "salePrice"}, required=True)
    assert pricing is not None and sku is not None
    base = pricing.money("basePrice", currency, required=True)
    assert base is not None
    sale = pricing.money("salePrice", currency) or Money(currency, Decimal(0))
    on_sale = bool(pricing.boolean("onSale"))
    stock = fields.obj("stock", {"quantity", "unlimited"})
    quantity = (stock.integer("quantity") if stock else None) or 0
    unlimited = bool(stock.boolean("unlimited")) if stock else False
    weight, dimensions = _measurements(fields)
    return VariantDraft(
        sku=sku,
        base_price=base,
        sale_price=sale,
        on_sale=on_sale,
        quantity=0 if unlimited else quantity,
        unlimited=unlimited,
        attributes=_attributes(fields, "attributes") or {},
        weight=weight or Weight(),
        dimensions=dimensions or Dimensions(),
    )


def product_draft(data: object, currency: str) -> ProductDraft:
    """A product create body, checked; cross-record rules (store page, slug) are the store's."""
    fields = Fields(data, "", _PRODUCT_CREATE)
    kind = fields.string("type", required=True)
    if kind != "PHYSICAL":
        raise bad_request(f"type must be PHYSICAL, the only type the API creates, not {kind!r}")
    page = fields.string("storePageId", required=True)
    raw_variants = fields.array("variants", required=True)
    assert page is not None and raw_variants is not None
    if not raw_variants:
        raise missing("variants (at least one)")
    if len(raw_variants) > _MAX_VARIANTS:
        raise bad_request(f"a product holds at most {_MAX_VARIANTS} variants")
    variants = [variant_draft(v, f"variants[{i}]", currency) for i, v in enumerate(raw_variants)]
    attributes = fields.strings("variantAttributes") or []
    check_variant_set([(v.sku, v.attributes) for v in variants], attributes)
    return ProductDraft(
        store_page_id=page,
        name=fields.string("name", max_length=_limit("Sesamproducts", "name")) or "",
        description=fields.string("description", max_length=_limit("Sesamproducts", "description")) or "",
        url_slug=fields.string("urlSlug", max_length=_limit("Sesamproducts", "urlSlug")),
        tags=fields.strings("tags") or [],
        is_visible=bool(fields.boolean("isVisible")),
        variant_attributes=attributes,
        variants=variants,
    )


def check_variant_set(variants: Sequence[tuple[str, Mapping[str, str]]], attributes: Sequence[str]) -> None:
    """(sku, attributes) of a product's variants: SKUs are unique within a product, and several
    variants need attributes (exactly the product's) whose values tell them apart."""
    skus = [sku for sku, _ in variants]
    if len(set(skus)) != len(skus):
        raise bad_request("variants[].sku must be unique among the product's variants")
    if len(variants) > 1:
        if not attributes:
            raise bad_request("variantAttributes must name at least one attribute for a product with several variants")
        combos = set()
        for sku, given in variants:
            if set(given) != set(attributes):
                raise bad_request(f"variant {sku!r} must give exactly the attributes {', '.join(attributes)}")
            combos.add(tuple(given[a] for a in attributes))
        if len(combos) != len(variants):
            raise bad_request("two variants have the same attribute values")


def product_changes(data: object) -> dict[str, Any]:
    """A product update body as product attribute → new value."""
    fields = Fields(data, "", _PRODUCT_UPDATE)
    out: dict[str, Any] = {}
    if fields.has("name"):
        out["name"] = fields.string("name", max_length=_limit("Sesamproducts", "name")) or ""
    if fields.has("description"):
        out["description"] = fields.string("description", max_length=_limit("Sesamproducts", "description")) or ""
    if fields.has("urlSlug"):
        slug = fields.string("urlSlug", required=True, max_length=_limit("Sesamproducts", "urlSlug"))
        out["url_slug"] = slug
    if fields.has("tags"):
        out["tags"] = fields.strings("tags") or []
    if fields.has("isVisible"):
        out["is_visible"] = fields.boolean("isVisible", required=True)
    if fields.has("variantAttributes"):
        out["variant_attributes"] = fields.strings("variantAttributes") or []
    seo = fields.obj("seoOptions", {"title", "description"})
    if seo is not None:
        if seo.has("title"):
            out["seo_title"] = seo.string("title", max_length=_limit("Sesamproducts", "seoOptions.title"))
        if seo.has("description"):
            out["seo_description"] = seo.string(
                "description", max_length=_limit("Sesamproducts", "seoOptions.description")
            )
    if not out:
        raise missing("at least one field to change")
    return out


def variant_changes(data: object, currency: str, *, allow_stock: bool = False) -> dict[str, Any]:
    """A variant update body as variant attribute → new value. Stock is the Inventory API's, but a
    merchant in the UI may change it (``allow_stock``)."""
    allowed = _VARIANT_CREATE if allow_stock else _VARIANT_UPDATE
    if not allow_stock and isinstance(data, Mapping) and "stock" in data:
        raise bad_request("stock cannot be changed here; use POST /1.0/commerce/inventory/adjustments")
    fields = Fields(data, "", allowed)
    out: dict[str, Any] = {}
    if fields.has("sku"):
        out["sku"] = fields.string("sku", required=True, max_length=_limit("Sesamproducts", "variants.sku"), strip=True)
    pricing = fields.obj("pricing", {"basePrice", "onSale", "salePrice"})
    if pricing is not None:
        if pricing.has("basePrice"):
            out["base_price"] = pricing.money("basePrice", currency, required=True)
        if pricing.has("salePrice"):
            out["sale_price"] = pricing.money("salePrice", currency, required=True)
        if pricing.has("onSale"):
            out["on_sale"] = pricing.boolean("onSale", required=True)
    if fields.has("attributes"):
        out["attributes"] = _attributes(fields, "attributes") or {}
    weight, dimensions = _measurements(fields)
    if weight is not None:
        out["weight"] = weight
    if dimensions is not None:
        out["dimensions"] = dimensions
    stock = fields.obj("stock", {"quantity", "unlimited"}) if allow_stock else None
    if stock is not None:
        if stock.has("unlimited"):
            out["unlimited"] = stock.boolean("unlimited", required=True)
        if stock.has("quantity"):
            out["quantity"] = stock.integer("quantity", required=True)
    if not out:
        raise missing("at least one field to change")
    return out
