"""The Products API of the Squarespace mock (``/{1.0|1.1}/commerce/products``, variants beneath
it) and Store Pages (``/1.0/commerce/store_pages``), with the product rules the control surface
shares: a merchant's edit obeys the same limits as an API write."""

from __future__ import annotations

import re
from typing import Any

from harness.mock.messages import MockResponse
from harness.squarespace.paging import PAGE_SIZE, decode_cursor, encode_cursor, pagination, seq_position
from harness.squarespace.payloads import ProductDraft, VariantDraft, check_variant_set, product_changes, variant_changes
from harness.squarespace.payloads import product_draft as read_product_draft
from harness.squarespace.payloads import variant_draft as read_variant_draft
from harness.squarespace.problems import ApiProblem, bad_request, conflict, not_found
from harness.squarespace.records import Product, Variant
from harness.squarespace.routing import Context
from harness.squarespace.store import Store
from harness.squarespace.values import is_object_id

__all__ = [
    "apply_product_changes",
    "apply_variant_changes",
    "create_product",
    "create_variant",
    "delete_product",
    "delete_variant",
    "get_products",
    "list_products",
    "list_store_pages",
    "make_product",
    "make_variant",
    "update_product",
    "update_variant",
]

PRODUCT_TYPES = ("PHYSICAL", "SERVICE", "GIFT_CARD", "DIGITAL")
MAX_IDS = 50
_SLUG = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")


# -- rules shared with the control surface ---------------------------------------------------
def make_variant(store: Store, draft: VariantDraft) -> Variant:
    return Variant(
        id=store.ids.variant_id(),
        sku=draft.sku,
        base_price=draft.base_price,
        sale_price=draft.sale_price,
        on_sale=draft.on_sale,
        quantity=draft.quantity,
        unlimited=draft.unlimited,
        attributes=dict(draft.attributes),
        weight=draft.weight,
        dimensions=draft.dimensions,
    )


def _check_slug(store: Store, slug: str, product_id: str | None) -> None:
    if not _SLUG.match(slug):
        raise bad_request("urlSlug may hold only letters, digits and single hyphens between them")
    owner = store.slug_owner(slug)
    if owner is not None and owner != product_id:
        raise conflict(f"urlSlug {slug!r} is already used by another product", "URL_SLUG_TAKEN")


def make_product(store: Store, draft: ProductDraft) -> Product:
    """Create a product from a checked draft (store page and slug checked here)."""
    if draft.store_page_id not in store.pages:
        raise bad_request(f"storePageId {draft.store_page_id!r} is not a store page of this site")
    if draft.url_slug is not None:
        _check_slug(store, draft.url_slug, None)
    slug = draft.url_slug if draft.url_slug is not None else store.free_slug(draft.name or "product")
    now = store.now_ms()
    product = Product(
        id=store.ids.object_id(now / 1000),
        store_page_id=draft.store_page_id,
        name=draft.name,
        description=draft.description,
        url_slug=slug,
        created_on=now,
        modified_on=now,
        seq=0,
        tags=list(draft.tags),
        is_visible=draft.is_visible,
        variant_attributes=list(draft.variant_attributes),
        variants=[make_variant(store, v) for v in draft.variants],
    )
    return store.insert_product(product)


def apply_product_changes(store: Store, product: Product, changes: dict[str, Any], *, touch: bool = True) -> None:
    """Apply checked product-level changes and (unless told not to) move ``modifiedOn``."""
    if "url_slug" in changes:
        _check_slug(store, changes["url_slug"], product.id)
    if "variant_attributes" in changes:
        attributes = changes["variant_attributes"]
        if len(product.variants) > 1 and not attributes:
            raise bad_request("variantAttributes cannot be emptied while the product has several variants")
    for name, value in changes.items():
        if name == "url_slug":
            store.change_slug(product, value)
        else:
            setattr(product, name, value)
    store.changed(product)
    if touch:
        store.touch_product(product)


def apply_variant_changes(
    store: Store, product: Product, variant: Variant, changes: dict[str, Any], *, touch: bool = True
) -> None:
    """Apply checked variant changes (stock only from the control surface) and move ``modifiedOn``."""
    if "sku" in changes and any(v.sku == changes["sku"] for v in product.variants if v is not variant):
        raise bad_request(f"sku {changes['sku']!r} is already used by another variant of this product")
    if "attributes" in changes and len(product.variants) > 1:
        check_variant_set(
            [(v.sku, changes["attributes"] if v is variant else v.attributes) for v in product.variants],
            product.variant_attributes,
        )
    for name, value in changes.items():
        setattr(variant, name, value)
    if variant.unlimited:
        variant.quantity = 0
    store.changed(product)
    if touch:
        store.touch_product(product)


# -- helpers ---------------------------------------------------------------------------------
def _one_product(store: Store, product_id: str) -> Product:
    if "," in product_id:
        raise bad_request("this call takes one product id")
    product = store.products.get(product_id)
    if product is None:
        raise not_found(f"product {product_id}")
    return product


def _one_variant(product: Product, variant_id: str) -> Variant:
    variant = product.variant(variant_id)
    if variant is None:
        raise not_found(f"variant {variant_id} of product {product.id}")
    return variant


def _types(text: str | None) -> frozenset[str] | None:
    if text is None or not text.strip():
        return None
    wanted = frozenset(t.strip() for t in text.split(","))
    unknown = sorted(wanted - set(PRODUCT_TYPES))
    if unknown:
        raise bad_request(f"type must be among {', '.join(PRODUCT_TYPES)}, not {unknown[0]!r}")
    return wanted


def split_ids(text: str, *, valid: Any, what: str) -> list[str]:
    """The ids of a comma-separated path segment, at most 50, each well formed."""
    ids = list(dict.fromkeys(part.strip() for part in text.split(",")))
    if not ids or any(not i for i in ids):
        raise bad_request(f"the {what} ids must be separated by single commas")
    if len(ids) > MAX_IDS:
        raise bad_request(f"at most {MAX_IDS} {what} ids may be asked for at once, not {len(ids)}")
    bad = [i for i in ids if not valid(i)]
    if bad:
        raise bad_request(f"{bad[0]!r} is not a {what} id")
    return ids


# -- endpoints -------------------------------------------------------------------------------
def list_store_pages(ctx: Context) -> MockResponse:
    cursor = ctx.request.param("cursor")
    after = 0
    if cursor:
        position, _ = decode_cursor(cursor, "store_pages")
        after = seq_position(position)
    pages = [p for p in ctx.store.page_list() if p.seq > after]
    more = len(pages) > PAGE_SIZE
    pages = pages[:PAGE_SIZE]
    next_cursor = encode_cursor("store_pages", pages[-1].seq) if more else None
    return ctx.json(
        200, {"storePages": [p.as_json() for p in pages], "pagination": pagination(ctx.request, next_cursor)}
    )


def list_products(ctx: Context, version: str) -> MockResponse:
    cursor = ctx.request.param("cursor")
    types = _types(ctx.request.param("type"))
    after = 0
    if cursor:
        position, filters = decode_cursor(cursor, "products")
        listed = filters.get("type") or []
        if not isinstance(listed, list) or not set(listed) <= set(PRODUCT_TYPES):
            raise bad_request("cursor is not a cursor this endpoint handed out")
        carried = frozenset(listed) or None
        if types is not None and types != carried:
            raise bad_request("type must not change while paging; start again without cursor")
        types, after = carried, seq_position(position)
    products, more = ctx.store.products_after(after, PAGE_SIZE, types)
    filters = {"type": sorted(types)} if types else {}
    next_cursor = encode_cursor("products", products[-1].seq, filters) if more else None
    return ctx.json(
        200,
        {
            "products": [ctx.store.listed_json(p) for p in products],
            "pagination": pagination(ctx.request, next_cursor),
        },
    )


def get_products(ctx: Context, version: str, ids: str) -> MockResponse:
    wanted = split_ids(ids, valid=is_object_id, what="product")
    unknown = [i for i in wanted if i not in ctx.store.products]
    if unknown:
        raise not_found(f"product(s) {', '.join(unknown)}")
    return ctx.json(200, {"products": [ctx.store.product_json(ctx.store.products[i]) for i in wanted]})


def create_product(ctx: Context, version: str) -> MockResponse:
    draft = read_product_draft(ctx.body(), ctx.store.currency)
    product = make_product(ctx.store, draft)
    return ctx.json(201, ctx.store.product_json(product))


def update_product(ctx: Context, version: str, ids: str) -> MockResponse:
    product = _one_product(ctx.store, ids)
    apply_product_changes(ctx.store, product, product_changes(ctx.body()))
    return ctx.json(200, ctx.store.product_json(product))


def delete_product(ctx: Context, version: str, ids: str) -> MockResponse:
    product = _one_product(ctx.store, ids)
    ctx.store.remove_product(product)
    return MockResponse.empty(204)


def create_variant(ctx: Context, version: str, product_id: str) -> MockResponse:
    product = _one_product(ctx.store, product_id)
    draft = read_variant_draft(ctx.body(), "", ctx.store.currency)
    if not product.variant_attributes:
        raise bad_request(
            "the product has no variantAttributes; add them with POST /products/{id} before adding variants"
        )
    existing = [(v.sku, v.attributes) for v in product.variants]
    if len(existing) >= 100:
        raise bad_request("a product holds at most 100 variants")
    check_variant_set([*existing, (draft.sku, draft.attributes)], product.variant_attributes)
    variant = make_variant(ctx.store, draft)
    ctx.store.add_variant(product, variant)
    return ctx.json(201, variant.as_json())


def update_variant(ctx: Context, version: str, product_id: str, variant_id: str) -> MockResponse:
    product = _one_product(ctx.store, product_id)
    variant = _one_variant(product, variant_id)
    apply_variant_changes(ctx.store, product, variant, variant_changes(ctx.body(), ctx.store.currency))
    return ctx.json(200, variant.as_json())


def delete_variant(ctx: Context, version: str, product_id: str, variant_id: str) -> MockResponse:
    product = _one_product(ctx.store, product_id)
    variant = _one_variant(product, variant_id)
    if len(product.variants) == 1:
        raise ApiProblem(400, "a product keeps at least one variant; delete the product instead")
    ctx.store.remove_variant(product, variant)
    return MockResponse.empty(204)
