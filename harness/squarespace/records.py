"""The records the Squarespace mock keeps — store pages, products with variants, orders — and
their JSON as the API answers it (every documented field present, null where empty)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from harness.squarespace.values import format_iso, format_money

__all__ = [
    "Address",
    "Dimensions",
    "LineItem",
    "Money",
    "Order",
    "Product",
    "Shipment",
    "StorePage",
    "Variant",
    "Weight",
]

Json = dict[str, Any]


@dataclass
class Money:
    currency: str
    value: Decimal

    def as_json(self) -> Json:
        return {"currency": self.currency, "value": format_money(self.value)}


@dataclass
class Weight:
    unit: str = "KILOGRAM"
    value: float = 0.0

    def as_json(self) -> Json:
        return {"unit": self.unit, "value": self.value}


@dataclass
class Dimensions:
    unit: str = "CENTIMETER"
    length: float = 0.0
    width: float = 0.0
    height: float = 0.0

    def as_json(self) -> Json:
        return {"unit": self.unit, "length": self.length, "width": self.width, "height": self.height}


@dataclass
class StorePage:
    id: str
    title: str
    url_slug: str
    is_enabled: bool = True
    seq: int = 0

    def as_json(self) -> Json:
        return {"id": self.id, "title": self.title, "isEnabled": self.is_enabled}


@dataclass
class Variant:
    id: str
    sku: str
    base_price: Money
    sale_price: Money
    on_sale: bool = False
    quantity: int = 0
    unlimited: bool = False
    attributes: dict[str, str] = field(default_factory=dict)
    weight: Weight = field(default_factory=Weight)
    dimensions: Dimensions = field(default_factory=Dimensions)

    def as_json(self) -> Json:
        return {
            "id": self.id,
            "sku": self.sku,
            "pricing": {
                "basePrice": self.base_price.as_json(),
                "onSale": self.on_sale,
                "salePrice": self.sale_price.as_json(),
            },
            "stock": {"quantity": self.quantity, "unlimited": self.unlimited},
            "attributes": dict(self.attributes),
            "shippingMeasurements": {"weight": self.weight.as_json(), "dimensions": self.dimensions.as_json()},
            "image": None,
        }


@dataclass
class Product:
    id: str
    store_page_id: str
    name: str
    description: str
    url_slug: str
    created_on: int  #: milliseconds since the epoch
    modified_on: int
    seq: int  #: creation order, the key of the product list's cursor
    type: str = "PHYSICAL"
    tags: list[str] = field(default_factory=list)
    is_visible: bool = False
    variant_attributes: list[str] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    seo_title: str | None = None
    seo_description: str | None = None

    def variant(self, variant_id: str) -> Variant | None:
        return next((v for v in self.variants if v.id == variant_id), None)

    def as_json(self, site_url: str, page_slug: str) -> Json:
        return {
            "id": self.id,
            "type": self.type,
            "storePageId": self.store_page_id,
            "name": self.name,
            "description": self.description,
            "url": f"{site_url}/{page_slug}/p/{self.url_slug}",
            "urlSlug": self.url_slug,
            "tags": list(self.tags),
            "isVisible": self.is_visible,
            "seoOptions": {"title": self.seo_title, "description": self.seo_description},
            "variantAttributes": list(self.variant_attributes),
            "variants": [v.as_json() for v in self.variants],
            "images": [],
            "createdOn": format_iso(self.created_on),
            "modifiedOn": format_iso(self.modified_on),
        }

    def descriptor(self, variant: Variant) -> str:
        """How the inventory names a variant: the product name, then its attribute values."""
        if not variant.attributes:
            return self.name
        values = ", ".join(f"{k}: {v}" for k, v in variant.attributes.items())
        return f"{self.name} [{values}]"

    def inventory_json(self, variant: Variant) -> Json:
        return {
            "variantId": variant.id,
            "sku": variant.sku,
            "descriptor": self.descriptor(variant),
            "isUnlimited": variant.unlimited,
            "quantity": variant.quantity,
        }


ADDRESS_FIELDS = (
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    ("address1", "address1"),
    ("address2", "address2"),
    ("city", "city"),
    ("state", "state"),
    ("country_code", "countryCode"),
    ("postal_code", "postalCode"),
    ("phone", "phone"),
)


@dataclass
class Address:
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    country_code: str | None = None
    postal_code: str | None = None
    phone: str | None = None

    def as_json(self) -> Json:
        return {api: getattr(self, attr) for attr, api in ADDRESS_FIELDS}


@dataclass
class LineItem:
    id: str
    variant_id: str | None
    sku: str | None
    product_id: str | None
    product_name: str
    quantity: int
    unit_price_paid: Money

    def as_json(self) -> Json:
        return {
            "id": self.id,
            "variantId": self.variant_id,
            "sku": self.sku,
            "productId": self.product_id,
            "productName": self.product_name,
            "quantity": self.quantity,
            "unitPricePaid": self.unit_price_paid.as_json(),
            "variantOptions": None,
            "customizations": None,
            "imageUrl": None,
            "lineItemType": "PHYSICAL_PRODUCT",
        }


@dataclass
class Shipment:
    id: str
    ship_date: int
    carrier_name: str
    service: str
    tracking_number: str
    tracking_url: str | None

    def as_json(self) -> Json:
        return {
            "id": self.id,
            "shipDate": format_iso(self.ship_date),
            "carrierName": self.carrier_name,
            "service": self.service,
            "trackingNumber": self.tracking_number,
            "trackingUrl": self.tracking_url,
        }


@dataclass
class Order:
    id: str
    order_number: str
    created_on: int
    modified_on: int
    channel: str
    customer_email: str | None
    line_items: list[LineItem]
    subtotal: Money
    shipping_total: Money
    discount_total: Money
    tax_total: Money
    grand_total: Money
    channel_name: str | None = None
    external_order_reference: str | None = None
    testmode: bool = False
    billing_address: Address | None = None
    shipping_address: Address | None = None
    fulfillment_status: str = "PENDING"
    fulfilled_on: int | None = None
    shipments: list[Shipment] = field(default_factory=list)
    price_tax_interpretation: str = "EXCLUSIVE"
    internal_notes: list[str] = field(default_factory=list)

    def as_json(self) -> Json:
        currency = self.grand_total.currency
        return {
            "id": self.id,
            "orderNumber": self.order_number,
            "createdOn": format_iso(self.created_on),
            "modifiedOn": format_iso(self.modified_on),
            "channel": self.channel,
            "channelName": self.channel_name,
            "externalOrderReference": self.external_order_reference,
            "testmode": self.testmode,
            "customerEmail": self.customer_email,
            "billingAddress": self.billing_address.as_json() if self.billing_address else None,
            "shippingAddress": self.shipping_address.as_json() if self.shipping_address else None,
            "fulfillmentStatus": self.fulfillment_status,
            "lineItems": [item.as_json() for item in self.line_items],
            "internalNotes": list(self.internal_notes),
            "shippingLines": [],
            "discountLines": [],
            "formSubmission": None,
            "fulfillments": [s.as_json() for s in self.shipments],
            "subtotal": self.subtotal.as_json(),
            "shippingTotal": self.shipping_total.as_json(),
            "discountTotal": self.discount_total.as_json(),
            "taxTotal": self.tax_total.as_json(),
            "refundedTotal": Money(currency, Decimal(0)).as_json(),
            "grandTotal": self.grand_total.as_json(),
            "fulfilledOn": format_iso(self.fulfilled_on) if self.fulfilled_on is not None else None,
            "priceTaxInterpretation": self.price_tax_interpretation,
        }
