"""The in-memory state of one Squarespace site: store pages, products with their variants (whose
stock is the inventory), orders, and the idempotency records of keyed requests.

Every change — through the API or as a merchant's edit in the UI — goes through the store, which
keeps ``modifiedOn``: it moves to the clock's present and, so that no change is ever invisible to
a reader comparing ``modifiedOn``, at least one millisecond past the record's previous value even
when a virtual clock stands still.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from harness.clock import Clock
from harness.errors import MockError
from harness.squarespace.records import Order, Product, StorePage, Variant
from harness.squarespace.values import IdFactory, slugify

__all__ = ["IdempotencyRecord", "SeqIndex", "Store"]

#: Idempotency keys are honoured for 48 hours after their first use.
IDEMPOTENCY_TTL_MS = 48 * 3600 * 1000


class SeqIndex:
    """Records in creation order: keyset pages ("the next ``n`` after sequence number ``s``")."""

    def __init__(self) -> None:
        self._seqs: list[int] = []
        self._ids: dict[int, str] = {}

    def add(self, seq: int, record_id: str) -> None:
        if self._seqs and seq <= self._seqs[-1]:
            raise ValueError("sequence numbers only grow")
        self._seqs.append(seq)
        self._ids[seq] = record_id

    def remove(self, seq: int) -> None:
        at = bisect.bisect_left(self._seqs, seq)
        if at < len(self._seqs) and self._seqs[at] == seq:
            del self._seqs[at]
            del self._ids[seq]

    def after(self, seq: int) -> Iterator[tuple[int, str]]:
        for at in range(bisect.bisect_right(self._seqs, seq), len(self._seqs)):
            found = self._seqs[at]
            yield found, self._ids[found]

    def __len__(self) -> int:
        return len(self._seqs)


@dataclass(frozen=True)
class IdempotencyRecord:
    """The first answer to a keyed request, replayed for the same key and body."""

    fingerprint: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    at_ms: int


class Store:
    """One Squarespace site's data. Not thread-safe by itself: the mock's lock guards it."""

    def __init__(
        self,
        clock: Clock,
        *,
        seed: int = 1,
        currency: str = "USD",
        site_url: str = "https://talkqa-demo.squarespace.com",
    ) -> None:
        self.clock = clock
        self.currency = currency
        self.site_url = site_url
        self.ids = IdFactory(seed)
        self.pages: dict[str, StorePage] = {}
        self.products: dict[str, Product] = {}
        self.orders: dict[str, Order] = {}
        self.product_index = SeqIndex()
        self.variant_index = SeqIndex()
        self._variant_seq: dict[str, int] = {}
        self._variant_owner: dict[str, str] = {}
        self._slugs: dict[str, str] = {}
        self._seq = 0
        self._order_number = 1000
        self.idempotency: dict[tuple[str, str], IdempotencyRecord] = {}
        #: product id -> (its page's slug, its rendering in a listing): a listing renders only what changed
        self._listed: dict[str, tuple[str, dict[str, Any]]] = {}

    # -- time ----------------------------------------------------------------------------
    def now_ms(self) -> int:
        return round(self.clock.now() * 1000)

    def next_modified(self, previous: int) -> int:
        return max(self.now_ms(), previous + 1)

    def touch_product(self, product: Product) -> None:
        product.modified_on = self.next_modified(product.modified_on)
        self.changed(product)

    def changed(self, product: Product) -> None:
        """Forget ``product``'s rendering: every change to a product or its variants passes here."""
        self._listed.pop(product.id, None)

    def touch_order(self, order: Order) -> None:
        order.modified_on = self.next_modified(order.modified_on)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # -- store pages ---------------------------------------------------------------------
    def add_page(self, title: str, *, enabled: bool = True) -> StorePage:
        slug = slugify(title) or "store"
        taken = {p.url_slug for p in self.pages.values()}
        base, n = slug, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        page = StorePage(self.ids.object_id(self.clock.now()), title, slug, enabled, self._next_seq())
        self.pages[page.id] = page
        return page

    def page_list(self) -> list[StorePage]:
        return sorted(self.pages.values(), key=lambda p: p.seq)

    def product_json(self, product: Product) -> dict[str, Any]:
        page = self.pages.get(product.store_page_id)
        return product.as_json(self.site_url, page.url_slug if page else "store")

    def listed_json(self, product: Product) -> dict[str, Any]:
        """``product_json`` for an answer serialized at once (never changed by the caller): rendered again
        only after the product changed (a listing of 55 unchanged products was a third of a cycle)."""
        page = self.pages.get(product.store_page_id)
        slug = page.url_slug if page else "store"
        kept = self._listed.get(product.id)
        if kept is not None and kept[0] == slug:
            return kept[1]
        rendered = product.as_json(self.site_url, slug)
        self._listed[product.id] = (slug, rendered)
        return rendered

    # -- products and variants -----------------------------------------------------------
    def slug_owner(self, slug: str) -> str | None:
        return self._slugs.get(slug)

    def free_slug(self, name: str) -> str:
        """A slug made from ``name`` that no product has yet (``-2``, ``-3`` ... when taken)."""
        base = slugify(name) or "product"
        slug, n = base, 1
        while slug in self._slugs:
            n += 1
            suffix = f"-{n}"
            slug = base[: 200 - len(suffix)] + suffix
        return slug

    def insert_product(self, product: Product) -> Product:
        product.seq = self._next_seq()
        self.products[product.id] = product
        self.product_index.add(product.seq, product.id)
        self._slugs[product.url_slug] = product.id
        for variant in product.variants:
            self._index_variant(product, variant)
        return product

    def _index_variant(self, product: Product, variant: Variant) -> None:
        seq = self._next_seq()
        self._variant_seq[variant.id] = seq
        self._variant_owner[variant.id] = product.id
        self.variant_index.add(seq, variant.id)

    def add_variant(self, product: Product, variant: Variant) -> None:
        product.variants.append(variant)
        self._index_variant(product, variant)
        self.touch_product(product)

    def remove_variant(self, product: Product, variant: Variant) -> None:
        product.variants.remove(variant)
        self.variant_index.remove(self._variant_seq.pop(variant.id))
        del self._variant_owner[variant.id]
        self.touch_product(product)

    def change_slug(self, product: Product, slug: str) -> None:
        del self._slugs[product.url_slug]
        product.url_slug = slug
        self._slugs[slug] = product.id
        self.changed(product)

    def remove_product(self, product: Product) -> None:
        for variant in list(product.variants):
            self.variant_index.remove(self._variant_seq.pop(variant.id))
            del self._variant_owner[variant.id]
        self.product_index.remove(product.seq)
        del self._slugs[product.url_slug]
        del self.products[product.id]
        self.changed(product)

    def owner(self, variant_id: str) -> tuple[Product, Variant] | None:
        """The product a variant belongs to, and the variant."""
        product_id = self._variant_owner.get(variant_id)
        if product_id is None:
            return None
        product = self.products[product_id]
        variant = product.variant(variant_id)
        assert variant is not None
        return product, variant

    def products_after(self, seq: int, limit: int, types: frozenset[str] | None = None) -> tuple[list[Product], bool]:
        """Up to ``limit`` products created after ``seq``, and whether more follow."""
        out: list[Product] = []
        for _, product_id in self.product_index.after(seq):
            product = self.products[product_id]
            if types is not None and product.type not in types:
                continue
            if len(out) == limit:
                return out, True
            out.append(product)
        return out, False

    def variants_after(self, seq: int, limit: int) -> tuple[list[tuple[int, Product, Variant]], bool]:
        """Up to ``limit`` variants created after ``seq`` (with their sequence numbers)."""
        out: list[tuple[int, Product, Variant]] = []
        for found, variant_id in self.variant_index.after(seq):
            if len(out) == limit:
                return out, True
            owner = self.owner(variant_id)
            assert owner is not None
            out.append((found, *owner))
        return out, False

    # -- orders --------------------------------------------------------------------------
    def next_order_number(self) -> str:
        self._order_number += 1
        return str(self._order_number)

    def insert_order(self, order: Order) -> Order:
        self.orders[order.id] = order
        return order

    def orders_by_modified(self) -> list[Order]:
        return sorted(self.orders.values(), key=lambda o: (o.modified_on, o.id))

    # -- idempotency ---------------------------------------------------------------------
    def remembered(self, scope: str, key: str) -> IdempotencyRecord | None:
        record = self.idempotency.get((scope, key))
        if record is not None and self.now_ms() - record.at_ms > IDEMPOTENCY_TTL_MS:
            del self.idempotency[(scope, key)]
            return None
        return record

    def remember(self, scope: str, key: str, record: IdempotencyRecord) -> None:
        self.idempotency[(scope, key)] = record

    # -- look-ups for the control surface --------------------------------------------------
    def product(self, product_id: str) -> Product:
        product = self.products.get(product_id)
        if product is None:
            raise MockError(f"no product {product_id!r} in the Squarespace mock")
        return product

    def order(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise MockError(f"no order {order_id!r} in the Squarespace mock")
        return order

    def variant_owner(self, variant_id: str) -> tuple[Product, Variant]:
        owner = self.owner(variant_id)
        if owner is None:
            raise MockError(f"no variant {variant_id!r} in the Squarespace mock")
        return owner

    def skus(self) -> Iterable[tuple[str, str]]:
        """(sku, variant id) of every variant."""
        for product in self.products.values():
            for variant in product.variants:
                yield variant.sku, variant.id
