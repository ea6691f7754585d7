"""Plausible Squarespace data from a fixed seed: a store page, products with one variant each
(names, HTML descriptions, SKUs, prices as decimal strings, stock, weights) and orders whose line
items reference those variants. The same seed always gives the same data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from faker import Faker

from harness.squarespace.orders import cancel_order, fulfil_order
from harness.squarespace.payloads import product_draft
from harness.squarespace.products import make_product
from harness.squarespace.records import Address, LineItem, Money, Order, Product, Shipment
from harness.squarespace.store import Store
from harness.squarespace.values import format_money

__all__ = ["Filled", "SquarespaceFactory"]

_ADJECTIVES = (
    "Classic", "Organic", "Handmade", "Vintage", "Everyday", "Recycled", "Nordic", "Rustic", "Minimal",
    "Woven", "Heritage", "Field", "Harbour", "Alpine", "Studio",
)  # fmt: skip
_MATERIALS = (
    "Cotton", "Linen", "Oak", "Ceramic", "Wool", "Leather", "Walnut", "Stoneware", "Canvas", "Brass",
    "Bamboo", "Cork", "Glass", "Merino", "Copper",
)  # fmt: skip
_NOUNS = (
    "Mug", "Tote Bag", "Scarf", "Candle", "Notebook", "Serving Board", "Planter", "Beanie", "Tea Towel",
    "Vase", "Apron", "Coaster Set", "Blanket", "Wallet", "Lamp",
)  # fmt: skip
_TAGS = ("new", "bestseller", "gift", "home", "kitchen", "outdoor", "limited", "sustainable")
_CARRIERS = (("PostNL", "Standard"), ("DHL", "Express"), ("UPS", "Ground"), ("USPS", "Priority"))
_CENTS = (Decimal("0.00"), Decimal("0.50"), Decimal("0.95"), Decimal("0.99"))


@dataclass(frozen=True)
class Filled:
    """What ``fill`` created."""

    store_page_id: str
    product_ids: tuple[str, ...]
    order_ids: tuple[str, ...]


class SquarespaceFactory:
    """Faker-based records for a Squarespace site (``seed`` 1 unless told otherwise)."""

    def __init__(self, seed: int = 1, *, currency: str = "USD") -> None:
        self.seed = seed
        self.currency = currency
        self._skus: set[str] = set()

    @cached_property
    def fake(self) -> Faker:
        """Made on first use: a Faker takes some 3 ms to start, and most mocks never draw a record."""
        fake = Faker("en_US")
        fake.seed_instance(self.seed)
        return fake

    # -- request bodies --------------------------------------------------------------------
    def sku(self, noun: str | None = None) -> str:
        stem = "".join(ch for ch in (noun or self.fake.random_element(_NOUNS)).upper() if ch.isalpha())[:3]
        while True:
            sku = f"{stem}-{self.fake.bothify('??-####').upper()}"
            if sku not in self._skus:
                self._skus.add(sku)
                return sku

    def price(self, low: int = 4, high: int = 240) -> Decimal:
        return Decimal(self.fake.random_int(low, high)) + self.fake.random_element(_CENTS)

    def product_body(self, store_page_id: str, *, sku: str | None = None) -> dict[str, Any]:
        """A create body for ``POST /1.1/commerce/products``: one physical product, one variant."""
        fake = self.fake
        noun = fake.random_element(_NOUNS)
        name = f"{fake.random_element(_ADJECTIVES)} {fake.random_element(_MATERIALS)} {noun}"
        features = "".join(f"<li>{fake.sentence(nb_words=5)}</li>" for _ in range(fake.random_int(1, 3)))
        description = f"<p>{fake.paragraph(nb_sentences=2)}</p><ul>{features}</ul>"
        base = self.price()
        on_sale = fake.random_int(1, 5) == 1
        sale = (base * Decimal("0.8")).quantize(Decimal("0.01")) if on_sale else Decimal(0)
        unlimited = fake.random_int(1, 20) == 1
        return {
            "type": "PHYSICAL",
            "storePageId": store_page_id,
            "name": name,
            "description": description,
            "tags": sorted(set(fake.random_elements(_TAGS, length=fake.random_int(1, 3)))),
            "isVisible": fake.random_int(1, 10) > 1,
            "variants": [
                {
                    "sku": sku or self.sku(noun),
                    "pricing": {
                        "basePrice": {"currency": self.currency, "value": format_money(base)},
                        "onSale": on_sale,
                        "salePrice": {"currency": self.currency, "value": format_money(sale)},
                    },
                    "stock": {"quantity": 0 if unlimited else fake.random_int(0, 250), "unlimited": unlimited},
                    "shippingMeasurements": {
                        "weight": {"unit": "KILOGRAM", "value": fake.random_int(5, 500) / 100},
                        "dimensions": {
                            "unit": "CENTIMETER",
                            "length": float(fake.random_int(5, 60)),
                            "width": float(fake.random_int(5, 40)),
                            "height": float(fake.random_int(2, 30)),
                        },
                    },
                }
            ],
        }

    def address(self) -> Address:
        fake = self.fake
        return Address(
            first_name=fake.first_name(),
            last_name=fake.last_name(),
            address1=fake.street_address(),
            address2=None,
            city=fake.city(),
            state=fake.state_abbr(),
            country_code="US",
            postal_code=fake.postcode(),
            phone=fake.numerify("+1 ###-###-####"),
        )

    def order_import_body(
        self, lines: Sequence[tuple[str, int, Decimal]], *, reference: str | None = None
    ) -> dict[str, Any]:
        """A body for ``POST /1.0/commerce/orders``: (variant id, quantity, unit price) per line."""
        fake = self.fake
        address = self.address().as_json()
        return {
            "channelName": "Exact Online",
            "externalOrderReference": reference or f"SO-{fake.unique.random_int(10_000, 99_999)}",
            "customerEmail": fake.email(),
            "billingAddress": address,
            "shippingAddress": address,
            "inventoryBehavior": "SKIP",
            "priceTaxInterpretation": "EXCLUSIVE",
            "lineItems": [
                {
                    "lineItemType": "PHYSICAL_PRODUCT",
                    "variantId": variant_id,
                    "quantity": quantity,
                    "unitPricePaid": {"currency": self.currency, "value": format_money(price)},
                }
                for variant_id, quantity, price in lines
            ],
            "shippingTotal": {"currency": self.currency, "value": "0.00"},
            "taxTotal": {"currency": self.currency, "value": "0.00"},
            "fulfillmentStatus": "PENDING",
        }

    # -- straight into a store -------------------------------------------------------------
    def add_product(self, store: Store, store_page_id: str) -> Product:
        return make_product(store, product_draft(self.product_body(store_page_id), store.currency))

    def add_web_order(
        self, store: Store, products: Sequence[Product], created_on: int, *, take_stock: bool = False
    ) -> Order | None:
        """An order a shopper placed on the site at ``created_on`` (milliseconds). With
        ``take_stock`` the checkout takes the items from stock — never more than there is — and
        None is answered when nothing chosen is in stock."""
        fake = self.fake
        chosen = fake.random_elements(list(products), length=min(len(products), fake.random_int(1, 5)), unique=True)
        lines = []
        for product in chosen:
            variant = product.variants[0]
            quantity = fake.random_int(1, 3)
            if take_stock and not variant.unlimited:
                quantity = min(quantity, variant.quantity)
                if quantity == 0:
                    continue
                variant.quantity -= quantity
                store.touch_product(product)
            price = variant.sale_price if variant.on_sale else variant.base_price
            lines.append(
                LineItem(
                    store.ids.object_id(created_on / 1000),
                    variant.id,
                    variant.sku,
                    product.id,
                    product.name,
                    quantity,
                    Money(price.currency, price.value),
                )
            )
        if not lines:
            return None
        now = store.now_ms()
        subtotal = sum((line.unit_price_paid.value * line.quantity for line in lines), Decimal(0))
        shipping = fake.random_element((Decimal("0.00"), Decimal("4.95"), Decimal("9.95")))
        tax = (subtotal * Decimal("0.08")).quantize(Decimal("0.01"))
        address = self.address()
        order = Order(
            id=store.ids.object_id(created_on / 1000),
            order_number=store.next_order_number(),
            created_on=created_on,
            modified_on=max(created_on, min(now, created_on + 60_000)),
            channel="web",
            customer_email=fake.email(),
            line_items=lines,
            subtotal=Money(store.currency, subtotal),
            shipping_total=Money(store.currency, shipping),
            discount_total=Money(store.currency, Decimal(0)),
            tax_total=Money(store.currency, tax),
            grand_total=Money(store.currency, subtotal + shipping + tax),
            billing_address=address,
            shipping_address=address,
        )
        return store.insert_order(order)

    def fill(self, store: Store, products: int = 20, orders: int = 10) -> Filled:
        """A store page, ``products`` products and ``orders`` web orders over the past 30 days
        (about a third fulfilled, a few canceled)."""
        page = store.page_list()[0] if store.pages else store.add_page("Shop")
        made = [self.add_product(store, page.id) for _ in range(products)]
        order_ids: list[str] = []
        if made and orders:
            now = store.now_ms()
            moments = sorted(now - self.fake.random_int(3_600_000, 30 * 86_400_000) for _ in range(orders))
            for moment in moments:
                order = self.add_web_order(store, made, moment)
                assert order is not None
                roll = self.fake.random_int(1, 10)
                if roll <= 3:
                    carrier, service = self.fake.random_element(_CARRIERS)
                    shipment = Shipment(
                        store.ids.object_id(moment / 1000),
                        min(now, moment + 86_400_000),
                        carrier,
                        service,
                        self.fake.bothify("##########"),
                        None,
                    )
                    fulfil_order(store, order, [shipment])
                elif roll == 4:
                    cancel_order(store, order)
                order_ids.append(order.id)
        return Filled(page.id, tuple(p.id for p in made), tuple(order_ids))
