"""The Orders API of the Squarespace mock: list (by ``modifiedOn``, in a window or by cursor,
never both), get, import with an ``Idempotency-Key`` under the hourly creation limit, and
fulfilments — the only change the API may make to an order.

Decisions where the public facts are silent: a window is ``modifiedAfter < modifiedOn <=
modifiedBefore`` (consecutive windows tile time with neither gap nor overlap); lists run from
the oldest change to the newest; ``fulfillmentStatus`` may accompany a cursor only when it
repeats the one the cursor was made with; an import replayed from its key costs nothing against
the hourly limit, every other import request counts.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from harness.clock import told_delay
from harness.mock.messages import MockResponse
from harness.squarespace.limits import retry_after_header
from harness.squarespace.paging import PAGE_SIZE, decode_cursor, encode_cursor, key_position, pagination
from harness.squarespace.payloads import Fields
from harness.squarespace.problems import ApiProblem, bad_request, conflict, missing, not_found
from harness.squarespace.records import LineItem, Money, Order, Shipment
from harness.squarespace.routing import Context, keyed
from harness.squarespace.store import Store
from harness.squarespace.values import is_object_id, is_variant_id, parse_iso
from harness.systems import squarespace as catalogue

__all__ = ["cancel_order", "fulfil_order", "fulfil_order_endpoint", "get_order", "import_order", "list_orders"]

STATUSES = ("PENDING", "FULFILLED", "CANCELED")
MAX_LINE_ITEMS = 100
_IMPORT_FIELDS = {
    "channelName",
    "externalOrderReference",
    "customerEmail",
    "billingAddress",
    "shippingAddress",
    "inventoryBehavior",
    "lineItems",
    "priceTaxInterpretation",
    "subtotal",
    "shippingTotal",
    "discountTotal",
    "taxTotal",
    "grandTotal",
    "createdOn",
    "fulfillmentStatus",
    "shopperFulfillmentNotificationBehavior",
}


def _limit(path: str) -> int | None:
    spec = catalogue.field("Order", path)
    return spec.max_length if spec is not None else None


# -- rules shared with the control surface ---------------------------------------------------
def fulfil_order(store: Store, order: Order, shipments: list[Shipment]) -> None:
    if order.fulfillment_status == "CANCELED":
        raise conflict(f"order {order.id} is canceled and cannot be fulfilled", "ORDER_CANCELED")
    order.shipments.extend(shipments)
    if order.fulfillment_status != "FULFILLED":
        order.fulfillment_status = "FULFILLED"
        order.fulfilled_on = store.now_ms()
    store.touch_order(order)


def cancel_order(store: Store, order: Order) -> None:
    if order.fulfillment_status != "CANCELED":
        order.fulfillment_status = "CANCELED"
        store.touch_order(order)


def _money_sum(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _read_import(ctx: Context, admit: Callable[[], None]) -> Order:
    """The order a request imports; ``admit`` runs once every check passed, before anything is written
    (the hourly quota: a refused import does not count against it)."""
    store = ctx.store
    currency = store.currency
    fields = Fields(ctx.body(), "", _IMPORT_FIELDS)
    channel_name = fields.string("channelName", required=True, max_length=_limit("channelName"))
    reference = fields.string("externalOrderReference", required=True, max_length=_limit("externalOrderReference"))
    email = fields.string("customerEmail", max_length=_limit("customerEmail"))
    if email is not None and ("@" not in email or email.startswith("@") or email.endswith("@")):
        raise bad_request("customerEmail must be an email address")
    behaviour = fields.enum("inventoryBehavior", ("DEDUCT", "SKIP")) or "SKIP"
    fields.enum("shopperFulfillmentNotificationBehavior", ("SEND", "SKIP"))
    interpretation = fields.enum("priceTaxInterpretation", ("EXCLUSIVE", "INCLUSIVE")) or "EXCLUSIVE"
    status = fields.enum("fulfillmentStatus", ("PENDING", "FULFILLED")) or "PENDING"
    now = store.now_ms()
    created = fields.iso("createdOn")
    if created is not None and created > now:
        raise bad_request("createdOn must not lie in the future")
    raw_lines = fields.array("lineItems", required=True)
    assert raw_lines is not None
    if not raw_lines:
        raise missing("lineItems (at least one)")
    if len(raw_lines) > MAX_LINE_ITEMS:
        raise bad_request(f"an order holds at most {MAX_LINE_ITEMS} line items")
    lines: list[LineItem] = []
    wanted: dict[str, int] = {}
    for i, raw in enumerate(raw_lines):
        line = Fields(raw, f"lineItems[{i}]", {"lineItemType", "variantId", "quantity", "unitPricePaid"})
        line.enum("lineItemType", ("PHYSICAL_PRODUCT",))
        variant_id = line.string("variantId", required=True)
        assert variant_id is not None
        owner = store.owner(variant_id) if is_variant_id(variant_id) else None
        if owner is None:
            raise bad_request(f"{line.name('variantId')} {variant_id!r} is not a variant of this site")
        quantity = line.integer("quantity", required=True, minimum=1)
        price = line.money("unitPricePaid", currency, required=True)
        assert quantity is not None and price is not None
        product, variant = owner
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
        lines.append(
            LineItem(
                store.ids.object_id(now / 1000), variant.id, variant.sku, product.id, product.name, quantity, price
            )
        )
    zero = Money(currency, Decimal(0))
    shipping = fields.money("shippingTotal", currency) or zero
    discount = fields.money("discountTotal", currency) or zero
    tax = fields.money("taxTotal", currency) or zero
    subtotal = Money(currency, _money_sum([line.unit_price_paid.value * line.quantity for line in lines]))
    given_subtotal = fields.money("subtotal", currency)
    if given_subtotal is not None and given_subtotal.value != subtotal.value:
        raise bad_request(f"subtotal {given_subtotal.value} is not the sum of the line items ({subtotal.value})")
    grand_value = subtotal.value + shipping.value - discount.value
    if interpretation == "EXCLUSIVE":
        grand_value += tax.value
    if grand_value < 0:
        raise bad_request("the discount exceeds the order's total")
    grand = Money(currency, grand_value)
    given_grand = fields.money("grandTotal", currency)
    if given_grand is not None and given_grand.value != grand.value:
        raise bad_request(f"grandTotal {given_grand.value} does not add up ({grand.value})")
    billing = fields.address("billingAddress")
    shipping_address = fields.address("shippingAddress")
    if behaviour == "DEDUCT":
        for variant_id, quantity in wanted.items():
            _, variant = store.variant_owner(variant_id)
            if not variant.unlimited and variant.quantity < quantity:
                raise conflict(
                    f"variant {variant_id} has {variant.quantity} in stock, the order takes {quantity}",
                    "INSUFFICIENT_STOCK",
                )
    admit()
    if behaviour == "DEDUCT":
        for variant_id, quantity in wanted.items():
            product, variant = store.variant_owner(variant_id)
            if not variant.unlimited:
                variant.quantity -= quantity
                store.touch_product(product)
    return Order(
        id=store.ids.object_id(now / 1000),
        order_number=store.next_order_number(),
        created_on=created if created is not None else now,
        modified_on=now,
        channel="external",
        customer_email=email,
        line_items=lines,
        subtotal=subtotal,
        shipping_total=shipping,
        discount_total=discount,
        tax_total=tax,
        grand_total=grand,
        channel_name=channel_name,
        external_order_reference=reference,
        billing_address=billing,
        shipping_address=shipping_address,
        fulfillment_status=status,
        fulfilled_on=now if status == "FULFILLED" else None,
        price_tax_interpretation=interpretation,
    )


def _window(ctx: Context) -> tuple[int | None, int | None]:
    after_text, before_text = ctx.request.param("modifiedAfter"), ctx.request.param("modifiedBefore")
    if (after_text is None) != (before_text is None):
        raise bad_request("modifiedAfter and modifiedBefore must be given together")
    if after_text is None or before_text is None:
        return None, None
    after, before = parse_iso(after_text), parse_iso(before_text)
    if after is None or before is None:
        raise bad_request("modifiedAfter and modifiedBefore must be ISO 8601 UTC dates and times")
    if after > before:
        raise bad_request("modifiedAfter must not be later than modifiedBefore")
    return after, before


# -- endpoints -------------------------------------------------------------------------------
def list_orders(ctx: Context) -> MockResponse:
    request = ctx.request
    cursor = request.param("cursor") or None
    status = request.param("fulfillmentStatus") or None
    if status is not None and status not in STATUSES:
        raise bad_request(f"fulfillmentStatus must be one of {', '.join(STATUSES)}")
    position: list[Any] | None = None
    if cursor is not None:
        if request.param("modifiedAfter") is not None or request.param("modifiedBefore") is not None:
            raise bad_request("cursor cannot be combined with modifiedAfter/modifiedBefore; send the cursor alone")
        raw_position, filters = decode_cursor(cursor, "orders")
        if status is not None and status != filters.get("status"):
            raise bad_request("fulfillmentStatus must not change while paging; start again without cursor")
        position = key_position(raw_position)
        after, before, status = filters.get("after"), filters.get("before"), filters.get("status")
        if not (
            all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (after, before))
            and (status is None or status in STATUSES)
        ):
            raise bad_request("cursor is not a cursor this endpoint handed out")
    else:
        after, before = _window(ctx)
    page: list[Order] = []
    more = False
    for order in ctx.store.orders_by_modified():
        if after is not None and before is not None and not after < order.modified_on <= before:
            continue
        if status is not None and order.fulfillment_status != status:
            continue
        if position is not None and [order.modified_on, order.id] <= position:
            continue
        if len(page) == PAGE_SIZE:
            more = True
            break
        page.append(order)
    next_cursor = None
    if more:
        last = page[-1]
        filters = {"after": after, "before": before, "status": status}
        next_cursor = encode_cursor("orders", [last.modified_on, last.id], filters)
    return ctx.json(200, {"result": [o.as_json() for o in page], "pagination": pagination(request, next_cursor)})


def _one_order(ctx: Context, order_id: str) -> Order:
    if not is_object_id(order_id):
        raise not_found(f"order {order_id}")
    order = ctx.store.orders.get(order_id)
    if order is None:
        raise not_found(f"order {order_id}")
    return order


def get_order(ctx: Context, order_id: str) -> MockResponse:
    return ctx.json(200, _one_order(ctx, order_id).as_json())


def import_order(ctx: Context) -> MockResponse:
    def admit() -> None:
        wait = ctx.order_limit.admit(ctx.store.clock.now())
        if wait is not None:
            raise ApiProblem(
                429,
                f"at most {ctx.order_limit.limit} orders may be created an hour; try again in {wait:.0f} s",
                subtype="ORDER_CREATION_LIMIT_EXCEEDED",
                headers=retry_after_header(told_delay(ctx.store.clock, wait)),
            )

    def act() -> MockResponse:
        order = _read_import(ctx, admit)
        rendered = order.as_json()  # rendered before it is stored: what cannot be answered is not kept
        ctx.store.insert_order(order)
        return ctx.json(201, rendered)

    return keyed(ctx, "orders", act)


def fulfil_order_endpoint(ctx: Context, order_id: str) -> MockResponse:
    order = _one_order(ctx, order_id)
    fields = Fields(ctx.body(), "", {"shouldSendNotification", "shipments"})
    fields.boolean("shouldSendNotification", required=True)
    shipments: list[Shipment] = []
    now = ctx.store.now_ms()
    for i, raw in enumerate(fields.array("shipments") or []):
        item = Fields(raw, f"shipments[{i}]", {"shipDate", "carrierName", "service", "trackingNumber", "trackingUrl"})
        ship_date = item.iso("shipDate", required=True)
        carrier = item.string("carrierName", required=True, max_length=100)
        service = item.string("service", required=True, max_length=100)
        tracking = item.string("trackingNumber", required=True, max_length=100)
        url = item.string("trackingUrl", max_length=2000)
        assert ship_date is not None and carrier is not None and service is not None and tracking is not None
        shipments.append(Shipment(ctx.store.ids.object_id(now / 1000), ship_date, carrier, service, tracking, url))
    fulfil_order(ctx.store, order, shipments)
    return MockResponse.empty(204)
