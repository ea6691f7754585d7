"""The Squarespace fields our mock serves for the spec types ``Inventory``, ``Sesamproducts`` and
``Order``: per dotted path, the kind of value, whether (and through which API call) it may be
written when the record is created and later, its limits, and what an id refers to.

Lint and the mapping layer ask ``field(spec_type, path)`` whether a path exists and whether it can
be written; the mock validates with the same limits, so the two cannot drift apart.

Decisions where the public facts are silent (each also noted on the field):

- An order's ``createdOn`` may be set by the import (``POST /1.0/commerce/orders``), since the
  import carries an order from another channel that already has a date; it defaults to the
  moment of the import and may not lie in the future. Nothing else about an order can be
  changed afterwards, except that a fulfilment sets ``fulfillmentStatus`` to ``FULFILLED``.
- Stock is written on creation as ``variants.stock`` and afterwards only through inventory
  adjustments; a variant update that carries ``stock`` is refused.
- ``orderNumber`` is assigned by Squarespace and never written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from functools import cache

__all__ = [
    "ADJUST_INVENTORY",
    "CREATE_PRODUCT",
    "CREATE_VARIANT",
    "CURRENCIES",
    "FULFIL_ORDER",
    "IMPORT_ORDER",
    "INVENTORY_PATHS",
    "SPEC_TYPES",
    "UPDATE_PRODUCT",
    "UPDATE_VARIANT",
    "FieldSpec",
    "FieldWrite",
    "ValueKind",
    "field",
    "physical_path",
    "type_fields",
]

CREATE_PRODUCT = "POST /1.1/commerce/products"
UPDATE_PRODUCT = "POST /1.1/commerce/products/{productId}"
CREATE_VARIANT = "POST /1.1/commerce/products/{productId}/variants"
UPDATE_VARIANT = "POST /1.1/commerce/products/{productId}/variants/{variantId}"
ADJUST_INVENTORY = "POST /1.0/commerce/inventory/adjustments"
IMPORT_ORDER = "POST /1.0/commerce/orders"
FULFIL_ORDER = "POST /1.0/commerce/orders/{orderId}/fulfillments"

#: Currencies a mock site may be set up in (all with two decimals, so money is exact to the cent).
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK")

#: The spec type names dataflow documents use for Squarespace.
SPEC_TYPES = ("Inventory", "Sesamproducts", "Order")

#: An inventory item is the stock of a product's variant: each Inventory path is this field of the product
INVENTORY_PATHS = {
    "sku": "variants.sku",
    "quantity": "variants.stock.quantity",
    "isUnlimited": "variants.stock.unlimited",
    "variantId": "variants.id",
}


def physical_path(spec_type: str, path: str) -> str:
    """The product field a property is (an Inventory path is a field of the variant; others are themselves)."""
    return INVENTORY_PATHS.get(path, path) if spec_type == "Inventory" else path


class ValueKind(StrEnum):
    """What a field holds, as the API carries it in JSON."""

    ID = "id"  #: an opaque id string (24 hex digits, or a UUID for variants)
    STRING = "string"
    HTML = "html"  #: an HTML snippet, kept byte for byte
    EMAIL = "email"
    MONEY = "money"  #: a decimal string with at most two decimals ("29.99")
    CURRENCY = "currency"  #: an ISO 4217 code; must be the site's currency
    INTEGER = "integer"
    NUMBER = "number"  #: a JSON number (weights and dimensions)
    BOOLEAN = "boolean"
    DATETIME = "datetime"  #: ISO 8601 UTC, answered as ``2026-01-05T09:00:00.000Z``
    ENUM = "enum"
    STRING_LIST = "string_list"
    STRING_MAP = "string_map"


@dataclass(frozen=True)
class FieldWrite:
    """How one API call writes a field: the call, and where the value goes in its JSON body."""

    call: str  #: e.g. ``POST /1.0/commerce/inventory/adjustments``
    body_path: str  #: dotted path in the request body (lists stepped through by name)
    values: tuple[str, ...] = ()  #: for an enum, the values this call accepts when narrower


@dataclass(frozen=True)
class FieldSpec:
    """One field of a spec type, addressed by its dotted path in the API's JSON."""

    path: str
    kind: ValueKind
    create: FieldWrite | None = None  #: how it may be written when the record is created
    update: FieldWrite | None = None  #: how it may be changed afterwards
    required: bool = False  #: must be given when the record is created
    max_length: int | None = None
    values: tuple[str, ...] = ()  #: the enum's values
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    reference: str | None = None  #: what an id refers to: ``variant``, ``product``, ``storePage``
    nullable: bool = False  #: may be answered as null
    note: str = ""

    @property
    def writable_on_create(self) -> bool:
        return self.create is not None

    @property
    def writable_on_update(self) -> bool:
        return self.update is not None

    @property
    def read_only(self) -> bool:
        return self.create is None and self.update is None


def _w(call: str, body_path: str, *values: str) -> FieldWrite:
    return FieldWrite(call, body_path, tuple(values))


_ZERO = Decimal(0)
_MONEY_MAX = Decimal(1_000_000)


def _money(
    prefix: str, create: str | None, update: str | None, body: str, *, required: bool = False
) -> list[FieldSpec]:
    """The two fields of a money object (``currency`` and ``value``) under ``prefix``."""
    out = []
    for leaf, kind in (("currency", ValueKind.CURRENCY), ("value", ValueKind.MONEY)):
        out.append(
            FieldSpec(
                f"{prefix}.{leaf}",
                kind,
                create=_w(create, f"{body}.{leaf}") if create else None,
                update=_w(update, f"{body}.{leaf}") if update else None,
                required=required,
                values=CURRENCIES if kind is ValueKind.CURRENCY else (),
                minimum=_ZERO if kind is ValueKind.MONEY else None,
                maximum=_MONEY_MAX if kind is ValueKind.MONEY else None,
            )
        )
    return out


def _product_fields() -> list[FieldSpec]:
    k = ValueKind
    fields = [
        FieldSpec("id", k.ID),
        FieldSpec(
            "type",
            k.ENUM,
            create=_w(CREATE_PRODUCT, "type", "PHYSICAL"),
            required=True,
            values=("PHYSICAL", "SERVICE", "GIFT_CARD", "DIGITAL"),
            note="only PHYSICAL may be created through the API",
        ),
        FieldSpec("storePageId", k.ID, create=_w(CREATE_PRODUCT, "storePageId"), required=True, reference="storePage"),
        FieldSpec(
            "name", k.STRING, create=_w(CREATE_PRODUCT, "name"), update=_w(UPDATE_PRODUCT, "name"), max_length=200
        ),
        FieldSpec(
            "description",
            k.HTML,
            create=_w(CREATE_PRODUCT, "description"),
            update=_w(UPDATE_PRODUCT, "description"),
            max_length=102_400,
        ),
        FieldSpec("url", k.STRING, note="derived from the store page and urlSlug"),
        FieldSpec(
            "urlSlug",
            k.STRING,
            create=_w(CREATE_PRODUCT, "urlSlug"),
            update=_w(UPDATE_PRODUCT, "urlSlug"),
            max_length=200,
            note="letters and digits with single hyphens between; made from the name when not given; unique",
        ),
        FieldSpec("tags", k.STRING_LIST, create=_w(CREATE_PRODUCT, "tags"), update=_w(UPDATE_PRODUCT, "tags")),
        FieldSpec(
            "isVisible", k.BOOLEAN, create=_w(CREATE_PRODUCT, "isVisible"), update=_w(UPDATE_PRODUCT, "isVisible")
        ),
        FieldSpec(
            "variantAttributes",
            k.STRING_LIST,
            create=_w(CREATE_PRODUCT, "variantAttributes"),
            update=_w(UPDATE_PRODUCT, "variantAttributes"),
            note="required (non-empty) before a product can hold more than one variant",
        ),
        FieldSpec(
            "seoOptions.title", k.STRING, update=_w(UPDATE_PRODUCT, "seoOptions.title"), max_length=200, nullable=True
        ),
        FieldSpec(
            "seoOptions.description",
            k.STRING,
            update=_w(UPDATE_PRODUCT, "seoOptions.description"),
            max_length=400,
            nullable=True,
        ),
        FieldSpec("createdOn", k.DATETIME),
        FieldSpec("modifiedOn", k.DATETIME, note="changes with every change of the product, its variants or stock"),
        FieldSpec("variants.id", k.ID),
        FieldSpec(
            "variants.sku",
            k.STRING,
            create=_w(CREATE_PRODUCT, "variants.sku"),
            update=_w(UPDATE_VARIANT, "sku"),
            required=True,
            max_length=60,
            note="surrounding whitespace removed; unique among one product's variants, not across products",
        ),
        *_money("variants.pricing.basePrice", CREATE_PRODUCT, UPDATE_VARIANT, "pricing.basePrice", required=True),
        FieldSpec(
            "variants.pricing.onSale",
            k.BOOLEAN,
            create=_w(CREATE_PRODUCT, "variants.pricing.onSale"),
            update=_w(UPDATE_VARIANT, "pricing.onSale"),
        ),
        *_money("variants.pricing.salePrice", CREATE_PRODUCT, UPDATE_VARIANT, "pricing.salePrice"),
        FieldSpec(
            "variants.stock.quantity",
            k.INTEGER,
            create=_w(CREATE_PRODUCT, "variants.stock.quantity"),
            update=_w(ADJUST_INVENTORY, "setFiniteOperations.quantity"),
            minimum=_ZERO,
            note="changed after creation only through inventory adjustments",
        ),
        FieldSpec(
            "variants.stock.unlimited",
            k.BOOLEAN,
            create=_w(CREATE_PRODUCT, "variants.stock.unlimited"),
            update=_w(ADJUST_INVENTORY, "setUnlimitedOperations"),
        ),
        FieldSpec(
            "variants.attributes",
            k.STRING_MAP,
            create=_w(CREATE_PRODUCT, "variants.attributes"),
            update=_w(UPDATE_VARIANT, "attributes"),
        ),
        FieldSpec(
            "variants.shippingMeasurements.weight.unit",
            k.ENUM,
            create=_w(CREATE_PRODUCT, "variants.shippingMeasurements.weight.unit"),
            update=_w(UPDATE_VARIANT, "shippingMeasurements.weight.unit"),
            values=("KILOGRAM", "POUND"),
        ),
        FieldSpec(
            "variants.shippingMeasurements.weight.value",
            k.NUMBER,
            create=_w(CREATE_PRODUCT, "variants.shippingMeasurements.weight.value"),
            update=_w(UPDATE_VARIANT, "shippingMeasurements.weight.value"),
            minimum=_ZERO,
        ),
        FieldSpec(
            "variants.shippingMeasurements.dimensions.unit",
            k.ENUM,
            create=_w(CREATE_PRODUCT, "variants.shippingMeasurements.dimensions.unit"),
            update=_w(UPDATE_VARIANT, "shippingMeasurements.dimensions.unit"),
            values=("INCH", "CENTIMETER"),
        ),
    ]
    for side in ("length", "width", "height"):
        fields.append(
            FieldSpec(
                f"variants.shippingMeasurements.dimensions.{side}",
                k.NUMBER,
                create=_w(CREATE_PRODUCT, f"variants.shippingMeasurements.dimensions.{side}"),
                update=_w(UPDATE_VARIANT, f"shippingMeasurements.dimensions.{side}"),
                minimum=_ZERO,
            )
        )
    return fields


def _inventory_fields() -> list[FieldSpec]:
    k = ValueKind
    return [
        FieldSpec("variantId", k.ID, reference="variant"),
        FieldSpec(
            "sku",
            k.STRING,
            create=_w(CREATE_PRODUCT, "variants.sku"),
            update=_w(UPDATE_VARIANT, "sku"),
            required=True,
            max_length=60,
            note="the variant's SKU: an inventory item is created with its product",
        ),
        FieldSpec("descriptor", k.STRING, note="the product name, then the variant's attributes"),
        FieldSpec(
            "isUnlimited",
            k.BOOLEAN,
            create=_w(CREATE_PRODUCT, "variants.stock.unlimited"),
            update=_w(ADJUST_INVENTORY, "setUnlimitedOperations"),
        ),
        FieldSpec(
            "quantity",
            k.INTEGER,
            create=_w(CREATE_PRODUCT, "variants.stock.quantity"),
            update=_w(ADJUST_INVENTORY, "setFiniteOperations.quantity"),
            minimum=_ZERO,
        ),
    ]


_ADDRESS_LEAVES = (
    "firstName",
    "lastName",
    "address1",
    "address2",
    "city",
    "state",
    "countryCode",
    "postalCode",
    "phone",
)


def _order_fields() -> list[FieldSpec]:
    k = ValueKind
    imp = IMPORT_ORDER
    fields = [
        FieldSpec("id", k.ID),
        FieldSpec("orderNumber", k.STRING, note="assigned by Squarespace"),
        FieldSpec(
            "createdOn",
            k.DATETIME,
            create=_w(imp, "createdOn"),
            note="an import may date the order (not in the future); defaults to the import time",
        ),
        FieldSpec("modifiedOn", k.DATETIME),
        FieldSpec("channel", k.STRING, note="web for orders placed on the site, external for imports"),
        FieldSpec("channelName", k.STRING, create=_w(imp, "channelName"), required=True, max_length=30),
        FieldSpec(
            "externalOrderReference", k.STRING, create=_w(imp, "externalOrderReference"), required=True, max_length=200
        ),
        FieldSpec("testmode", k.BOOLEAN),
        FieldSpec("customerEmail", k.EMAIL, create=_w(imp, "customerEmail"), max_length=254, nullable=True),
    ]
    for address in ("billingAddress", "shippingAddress"):
        fields.extend(
            FieldSpec(f"{address}.{leaf}", k.STRING, create=_w(imp, f"{address}.{leaf}"), max_length=200, nullable=True)
            for leaf in _ADDRESS_LEAVES
        )
    fields += [
        FieldSpec(
            "fulfillmentStatus",
            k.ENUM,
            create=_w(imp, "fulfillmentStatus", "PENDING", "FULFILLED"),
            update=_w(FULFIL_ORDER, "", "FULFILLED"),
            values=("PENDING", "FULFILLED", "CANCELED"),
            note="a fulfilment sets FULFILLED; only a merchant cancels",
        ),
        FieldSpec("fulfilledOn", k.DATETIME, nullable=True),
        FieldSpec("lineItems.id", k.ID),
        FieldSpec(
            "lineItems.variantId", k.ID, create=_w(imp, "lineItems.variantId"), required=True, reference="variant"
        ),
        FieldSpec("lineItems.sku", k.STRING, note="the variant's SKU at the time of the order"),
        FieldSpec("lineItems.productId", k.ID, reference="product"),
        FieldSpec("lineItems.productName", k.STRING),
        FieldSpec(
            "lineItems.quantity",
            k.INTEGER,
            create=_w(imp, "lineItems.quantity"),
            required=True,
            minimum=Decimal(1),
        ),
        *_money("lineItems.unitPricePaid", imp, None, "lineItems.unitPricePaid", required=True),
        *_money("subtotal", imp, None, "subtotal"),
        *_money("shippingTotal", imp, None, "shippingTotal"),
        *_money("discountTotal", imp, None, "discountTotal"),
        *_money("taxTotal", imp, None, "taxTotal"),
        *_money("grandTotal", imp, None, "grandTotal"),
        FieldSpec("refundedTotal.currency", k.CURRENCY, values=CURRENCIES),
        FieldSpec("refundedTotal.value", k.MONEY),
        FieldSpec(
            "priceTaxInterpretation",
            k.ENUM,
            create=_w(imp, "priceTaxInterpretation"),
            values=("EXCLUSIVE", "INCLUSIVE"),
        ),
    ]
    totals_note = "computed from the lines when not given; refused when given and not adding up"
    return [replace(f, note=totals_note) if f.path in {"subtotal.value", "grandTotal.value"} else f for f in fields]


@cache
def _catalogue() -> dict[str, dict[str, FieldSpec]]:
    return {
        "Inventory": {f.path: f for f in _inventory_fields()},
        "Sesamproducts": {f.path: f for f in _product_fields()},
        "Order": {f.path: f for f in _order_fields()},
    }


def type_fields(spec_type: str) -> tuple[FieldSpec, ...]:
    """Every field of ``spec_type`` (``Inventory``, ``Sesamproducts``, ``Order``); ``KeyError``
    for a type Squarespace does not serve."""
    return tuple(_catalogue()[spec_type].values())


def field(spec_type: str, path: str) -> FieldSpec | None:
    """The field at dotted ``path`` of ``spec_type``, or None when we serve no such field."""
    fields = _catalogue().get(spec_type)
    return fields.get(path) if fields is not None else None
