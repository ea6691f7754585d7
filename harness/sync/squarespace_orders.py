"""Squarespace Commerce orders as the engine sees them: read by ``modifiedOn`` window, imported with an
``Idempotency-Key`` (a replay after a crash returns the order already imported); after the import only
fulfilment can change, and orders are never deleted through the API.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from harness.clock import Clock
from harness.errors import SquarespaceApiError, SyncError
from harness.mapping.paths import get_path
from harness.squarespace.client import SquarespaceClient
from harness.sync.codecs import format_iso_utc
from harness.sync.records import ChangeBatch, Record, Writes
from harness.sync.squarespace_side import modified_of

__all__ = ["SquarespaceOrdersSide"]

_WINDOW_OVERLAP_S = 1.0  #: read a little before the last window's end: an edit in that instant is not lost


class SquarespaceOrdersSide:
    """Squarespace orders: read by modified window, created by import."""

    key = "squarespace:orders"
    label = "Squarespace orders"
    CHANNEL = "Exact Online"
    idempotent_create = True  #: an import with the same Idempotency-Key returns the order already imported

    def __init__(self, client: SquarespaceClient, clock: Clock, *, currency: str) -> None:
        self.client = client
        self.clock = clock
        self.currency = currency

    def begin_cycle(self) -> None:
        """Nothing is cached between cycles."""

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        now = datetime.fromtimestamp(self.clock.now(), tz=UTC).replace(microsecond=0)
        calls = 0
        records: list[Record] = []
        if cursor is None:
            pages = self.client.order_pages()
        else:
            start = datetime.fromtimestamp(float(cursor) - _WINDOW_OVERLAP_S, tz=UTC)
            pages = self.client.order_pages(modified_after=start, modified_before=now)
        for page in pages:
            calls += 1
            records.extend(Record(str(o["id"]), o, modified_of(o)) for o in page.items)
        return ChangeBatch(tuple(records), (), complete=False, cursor=str(now.timestamp()), calls=calls)

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        out = {}
        for order_id in ids:
            try:
                order = self.client.get_order(order_id)
            except SquarespaceApiError as exc:
                if exc.status == 404:
                    continue
                raise
            out[order_id] = Record(order_id, order, modified_of(order))
        return out

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        if value is None or value == "":
            return []
        return [Record(str(o["id"]), o, modified_of(o)) for o in self.client.orders() if get_path(o, path) == value]

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        """Import an order. The key is stable per Exact order, so a replay after a crash returns the order
        imported then; when the key was used for another body (the order changed in Exact since an import
        whose answer was lost, or since an import Squarespace refused), the order is looked up by its
        reference first and only imported — under a key of this body — when it is not there."""
        body = self._import_body(values, source)
        try:
            order = self.client.import_order(body, idempotency_key=intent_key)
        except SquarespaceApiError as exc:
            if exc.status != 409 or "IDEMPOTENCY_KEY_REUSED" not in str(exc):
                raise
            reference = body.get("externalOrderReference")
            found = [o for o in self.client.orders() if reference and o.get("externalOrderReference") == reference]
            if len(found) == 1:
                order = found[0]
            elif found:
                raise SyncError(f"{len(found)} Squarespace orders carry the reference {reference!r}") from None
            else:
                digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
                order = self.client.import_order(body, idempotency_key=f"{intent_key[:50]}-{digest}")
        return Record(str(order["id"]), order, modified_of(order))

    def update(self, record: Record, writes: Writes) -> None:
        for (_, path), value in writes.items():
            if path == "fulfillmentStatus" and value == "FULFILLED":
                self.client.fulfil_order(record.id)
            else:
                raise SyncError(f"Squarespace orders cannot be changed after their import ({path})")

    def delete(self, record_id: str) -> bool:
        return False  # the Orders API cannot delete an order

    def stored(self, spec_type: str, path: str, value: Any) -> Any:
        return value

    def reference_of(self, record_id: str) -> str | None:
        return None

    def record_of_reference(self, reference: str) -> str | None:
        return None

    def _import_body(self, values: Mapping[str, Any], source: Record | None) -> dict[str, Any]:
        body = {k: v for k, v in values.items() if v is not None}
        body.setdefault("channelName", self.CHANNEL)
        body.setdefault("priceTaxInterpretation", "EXCLUSIVE")
        grand = body.get("grandTotal") if isinstance(body.get("grandTotal"), dict) else None
        currency = (grand or {}).get("currency") or self.currency
        lines = []
        for line in body.get("lineItems") or []:
            line = dict(line)
            line.setdefault("lineItemType", "PHYSICAL_PRODUCT")
            price = line.get("unitPricePaid") or {}
            line["unitPricePaid"] = {"currency": currency, "value": price.get("value") or "0.00"}
            lines.append(line)
        body["lineItems"] = lines
        subtotal = sum(
            (Decimal(str(li["unitPricePaid"]["value"])) * int(li.get("quantity") or 0) for li in lines), Decimal("0")
        )
        if grand is not None and grand.get("value") is None:
            # Only the currency is mapped: the total is the lines' (Squarespace needs a value with a currency).
            body["grandTotal"] = {"currency": currency, "value": f"{subtotal:.2f}"}
        elif grand is not None:
            tax = _money_of(source, "VATAmount")
            shipping = discount = Decimal("0")
            rest = Decimal(str(grand["value"])) - subtotal - tax
            if rest >= 0:
                shipping = rest
            else:
                discount = -rest
            body["grandTotal"] = {"currency": currency, "value": str(grand["value"])}
            body["taxTotal"] = {"currency": currency, "value": f"{tax:.2f}"}
            body["shippingTotal"] = {"currency": currency, "value": f"{shipping:.2f}"}
            body["discountTotal"] = {"currency": currency, "value": f"{discount:.2f}"}
        if isinstance(body.get("createdOn"), datetime):
            body["createdOn"] = format_iso_utc(body["createdOn"])
        return body


def _money_of(source: Record | None, field: str) -> Decimal:
    value = source.data.get(field) if source is not None else None
    return Decimal(repr(float(value))).quantize(Decimal("0.01")) if value not in (None, "") else Decimal("0")
