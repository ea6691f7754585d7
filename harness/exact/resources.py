"""The endpoints the mock serves under ``/api/v1/{division}/``: which table each reads, its catalogue
view, whether it is an ordinary, a sync or a bulk endpoint, and the code tables Exact fills
descriptions from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from harness.systems.exact import FieldSpec, ResourceSpec, resource

__all__ = [
    "APPROVAL_STATUSES",
    "ENDPOINTS",
    "ORDER_STATUSES",
    "UNITS",
    "VAT_CODES",
    "WRITE_PATHS",
    "Endpoint",
    "all_fields",
    "field_of",
]

#: unit code -> description (Exact keeps the code padded to 8)
UNITS = {
    "stuk": "Stuk",
    "pc": "Piece",
    "kg": "Kilogram",
    "m": "Meter",
    "l": "Liter",
    "doos": "Doos",
    "uur": "Uur",
    "set": "Set",
}
#: VAT code -> (rate, description) (Exact keeps the code padded to 3)
VAT_CODES = {
    "0": (0.0, "0% BTW"),
    "1": (0.21, "BTW 21% excl."),
    "2": (0.09, "BTW 9% excl."),
    "5": (0.21, "BTW 21% incl."),
    "7": (0.0, "BTW verlegd"),
}
#: Status, DeliveryStatus and InvoiceStatus of orders and lines
ORDER_STATUSES = {12: "Open", 20: "Partial", 21: "Complete", 45: "Cancelled"}
APPROVAL_STATUSES = {1: "Awaiting approval", 2: "Automatically approved", 3: "Approved"}


@dataclass(frozen=True)
class Endpoint:
    """One collection under a division."""

    path: str
    table: str  #: items, orders, lines or deleted
    kind: str  #: rest, sync or bulk

    @property
    def spec(self) -> ResourceSpec:
        return resource(self.path)

    @property
    def writable(self) -> bool:
        return "POST" in self.spec.methods

    @property
    def needs_select(self) -> bool:
        return self.kind in ("sync", "bulk")


ENDPOINTS: dict[str, Endpoint] = {
    e.path: e
    for e in (
        Endpoint("logistics/Items", "items", "rest"),
        Endpoint("salesorder/SalesOrders", "orders", "rest"),
        Endpoint("salesorder/SalesOrderLines", "lines", "rest"),
        Endpoint("sync/Logistics/Items", "items", "sync"),
        Endpoint("sync/SalesOrder/SalesOrderHeaders", "orders", "sync"),
        Endpoint("sync/SalesOrder/SalesOrderLines", "lines", "sync"),
        Endpoint("sync/Deleted", "deleted", "sync"),
        Endpoint("bulk/Logistics/Items", "items", "bulk"),
        Endpoint("bulk/SalesOrder/SalesOrders", "orders", "bulk"),
        Endpoint("bulk/SalesOrder/SalesOrderLines", "lines", "bulk"),
    )
}

#: the writable endpoint of each table
WRITE_PATHS = {"items": "logistics/Items", "orders": "salesorder/SalesOrders", "lines": "salesorder/SalesOrderLines"}


_FIELD_INDEX: dict[str, dict[str, FieldSpec]] = {}


def field_of(spec: ResourceSpec, name: str) -> FieldSpec | None:
    """``spec.field(name)`` by a plain dict per resource path (``ResourceSpec.field`` hashes the whole spec)."""
    index = _FIELD_INDEX.get(spec.path)
    if index is None:
        index = _FIELD_INDEX[spec.path] = {f.name: f for f in spec.fields}
    return index.get(name)


@cache
def all_fields(table: str) -> dict[str, FieldSpec]:
    """Every field any endpoint shows of ``table`` (the control surface may set any of them)."""
    out: dict[str, FieldSpec] = {}
    for endpoint in ENDPOINTS.values():
        if endpoint.table == table:
            for spec in endpoint.spec.fields:
                out.setdefault(spec.name, spec)
    if table in WRITE_PATHS:  # the writable view's flags win
        out.update({f.name: f for f in resource(WRITE_PATHS[table]).fields})
    return out
