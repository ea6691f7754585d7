"""The Inventory API of the Squarespace mock: the stock view of every variant, read by cursor or
by ids, and changed by keyed adjustments that apply all at once or not at all.

One adjustment request carries at most ``MAX_OPERATIONS`` (50) operations in all, each variant at
most once — our choice, matching the 50 ids a read may ask for; more is a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.mock.messages import MockResponse
from harness.squarespace.paging import PAGE_SIZE, decode_cursor, encode_cursor, pagination, seq_position
from harness.squarespace.payloads import MAX_INT, Fields
from harness.squarespace.problems import bad_request, conflict, missing, not_found
from harness.squarespace.products import split_ids
from harness.squarespace.records import Product
from harness.squarespace.routing import Context, keyed
from harness.squarespace.store import Store
from harness.squarespace.values import is_variant_id

__all__ = ["MAX_OPERATIONS", "Adjustment", "adjust_inventory", "apply_adjustment", "get_inventory", "list_inventory"]

MAX_OPERATIONS = 50
_KINDS = ("incrementOperations", "decrementOperations", "setFiniteOperations", "setUnlimitedOperations")


@dataclass
class Adjustment:
    """The operations of one request, by variant id."""

    increments: dict[str, int] = field(default_factory=dict)
    decrements: dict[str, int] = field(default_factory=dict)
    set_finite: dict[str, int] = field(default_factory=dict)
    set_unlimited: list[str] = field(default_factory=list)

    def variant_ids(self) -> list[str]:
        return [*self.increments, *self.decrements, *self.set_finite, *self.set_unlimited]


def read_adjustment(data: Any) -> Adjustment:
    fields = Fields(data, "", _KINDS)
    out = Adjustment()
    seen: set[str] = set()

    def note(variant_id: object, where: str) -> str:
        if not isinstance(variant_id, str) or not is_variant_id(variant_id):
            raise bad_request(f"{where} must be a variant id")
        if variant_id in seen:
            raise bad_request(f"variant {variant_id} appears in more than one operation")
        seen.add(variant_id)
        return variant_id

    for kind, target, minimum in (
        ("incrementOperations", out.increments, 1),
        ("decrementOperations", out.decrements, 1),
        ("setFiniteOperations", out.set_finite, 0),
    ):
        for i, item in enumerate(fields.array(kind) or []):
            op = Fields(item, f"{kind}[{i}]", {"variantId", "quantity"})
            variant_id = note(op.data.get("variantId"), op.name("variantId"))
            quantity = op.integer("quantity", required=True, minimum=minimum)
            assert quantity is not None
            target[variant_id] = quantity
    for i, item in enumerate(fields.array("setUnlimitedOperations") or []):
        out.set_unlimited.append(note(item, f"setUnlimitedOperations[{i}]"))
    count = len(seen)
    if count == 0:
        raise missing("at least one operation")
    if count > MAX_OPERATIONS:
        raise bad_request(f"at most {MAX_OPERATIONS} operations may be sent at once, not {count}")
    return out


def apply_adjustment(store: Store, adjustment: Adjustment) -> None:
    """Apply every operation, or — when one cannot be applied — none."""
    unknown = [v for v in adjustment.variant_ids() if store.owner(v) is None]
    if unknown:
        raise bad_request(f"unknown variant id(s): {', '.join(unknown)}")
    for variant_id in [*adjustment.increments, *adjustment.decrements]:
        _, variant = store.variant_owner(variant_id)
        if variant.unlimited:
            raise conflict(
                f"variant {variant_id} has unlimited stock; set a finite quantity before adding or removing stock",
                "UNLIMITED_STOCK",
            )
    for variant_id, quantity in adjustment.decrements.items():
        _, variant = store.variant_owner(variant_id)
        if variant.quantity < quantity:
            raise conflict(
                f"variant {variant_id} has {variant.quantity} in stock; removing {quantity} would go below zero",
                "INSUFFICIENT_STOCK",
            )
    for variant_id, quantity in adjustment.increments.items():
        _, variant = store.variant_owner(variant_id)
        if variant.quantity + quantity > MAX_INT:
            raise bad_request(f"variant {variant_id} would hold more than {MAX_INT} in stock")
    touched: dict[str, Product] = {}
    for variant_id in adjustment.variant_ids():
        product, variant = store.variant_owner(variant_id)
        if variant_id in adjustment.increments:
            variant.quantity += adjustment.increments[variant_id]
        elif variant_id in adjustment.decrements:
            variant.quantity -= adjustment.decrements[variant_id]
        elif variant_id in adjustment.set_finite:
            variant.quantity = adjustment.set_finite[variant_id]
            variant.unlimited = False
        else:
            variant.quantity = 0
            variant.unlimited = True
        touched[product.id] = product
    for product in touched.values():
        store.touch_product(product)


# -- endpoints -------------------------------------------------------------------------------
def list_inventory(ctx: Context) -> MockResponse:
    cursor = ctx.request.param("cursor")
    after = 0
    if cursor:
        position, _ = decode_cursor(cursor, "inventory")
        after = seq_position(position)
    rows, more = ctx.store.variants_after(after, PAGE_SIZE)
    next_cursor = encode_cursor("inventory", rows[-1][0]) if more else None
    return ctx.json(
        200,
        {
            "inventory": [product.inventory_json(variant) for _, product, variant in rows],
            "pagination": pagination(ctx.request, next_cursor),
        },
    )


def get_inventory(ctx: Context, ids: str) -> MockResponse:
    wanted = split_ids(ids, valid=is_variant_id, what="variant")
    unknown = [v for v in wanted if ctx.store.owner(v) is None]
    if unknown:
        raise not_found(f"inventory item(s) {', '.join(unknown)}")
    # "no guaranteed order": we answer by variant id, so a client relying on its own order notices
    items: list[Mapping[str, Any]] = []
    for variant_id in sorted(wanted):
        product, variant = ctx.store.variant_owner(variant_id)
        items.append(product.inventory_json(variant))
    return ctx.json(200, {"inventory": items})


def adjust_inventory(ctx: Context) -> MockResponse:
    def act() -> MockResponse:
        apply_adjustment(ctx.store, read_adjustment(ctx.body()))
        return MockResponse.empty(204)

    return keyed(ctx, "inventory/adjustments", act)
