"""Drivers: how the checklist acts as a *user* of each system — through the mocks' control surfaces,
never through the API the system under test uses — and reads records as that API would show them.

A driver answers ``None`` to "can you ...?" when it can, or the reason it cannot (which becomes the
reason of a pending checklist item).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from harness.errors import MockError
from harness.exact.app import ExactOnlineMock
from harness.exact.factory import ExactFactory
from harness.exact.values import output_value
from harness.mapping.paths import get_path
from harness.mock.calls import CallLog
from harness.mock.core import MockService
from harness.mock.faults import FaultKind
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.spec_types import physical_path, product_view
from harness.systems.exact import FieldSpec, resource

__all__ = ["Driver", "ExactDriver", "SquarespaceDriver"]

Json = dict[str, Any]


class Driver(Protocol):
    """One system, as the checklist's user."""

    system: str
    service: MockService

    def cannot(self, action: str, spec_type: str, path: str | None = None) -> str | None:
        """None when ``action`` (create, edit, clear, delete) is possible, else why not."""
        ...

    def create(self, spec_type: str, values: Mapping[str, Any]) -> str: ...

    def read(self, spec_type: str, record_id: str) -> Json | None: ...

    def records(self, spec_type: str) -> list[tuple[str, Json]]: ...

    def edit(self, spec_type: str, record_id: str, changes: Mapping[str, Any]) -> None: ...

    def delete(self, spec_type: str, record_id: str) -> None: ...

    def expire_tokens(self) -> str | None:
        """Make the system's access tokens expire; the reason when it has none that expire."""
        ...

    def shown_when_empty(self, spec_type: str, path: str) -> Any:
        """What the system shows for a property that holds nothing (None: it shows nothing)."""
        ...

    @property
    def calls(self) -> CallLog: ...


#: Exact fields its UI never lets a user type in (the server computes them)
_EXACT_COMPUTED = {
    "ID",
    "OrderID",
    "Created",
    "Modified",
    "Creator",
    "Modifier",
    "Division",
    "Timestamp",
    "AmountFC",
    "AmountDC",
    "AmountFCExclVat",
    "VATAmount",
    "LineNumber",
}
_EXACT_TABLES = {"items": ("items", "logistics/Items"), "salesorders": ("orders", "salesorder/SalesOrders")}


class ExactDriver:
    """Exact Online as its user: items and sales orders, edited as in Exact's UI."""

    system = "Exact Online"

    def __init__(self, mock: ExactOnlineMock, *, seed: int) -> None:
        self.mock = mock
        self.service: MockService = mock
        self.control = mock.control
        self.factory = ExactFactory(seed)
        self.account = self.control.add_account("Talkqa Testklant B.V.").account_id

    @property
    def calls(self) -> CallLog:
        return self.mock.calls

    def cannot(self, action: str, spec_type: str, path: str | None = None) -> str | None:
        if spec_type.casefold() not in _EXACT_TABLES:
            return f"talkqa has no Exact Online driver for {spec_type}"
        if action in {"edit", "clear"} and path is not None:
            name = path.split(".")[-1]
            if name in _EXACT_COMPUTED:
                return f"Exact Online computes {path}: no user edits it"
            field = self._field(spec_type, path)
            if action == "clear" and field is not None and field.required:
                return f"Exact Online requires {path}: it cannot be cleared"
        return None

    def needs_lines(self, spec_type: str) -> tuple[str, str] | None:
        """(line collection, type its lines refer to) when a record of ``spec_type`` cannot exist without a
        line: Exact refuses a sales order without one."""
        return ("SalesOrderLines", "Items") if spec_type.casefold() == "salesorders" else None

    def create(self, spec_type: str, values: Mapping[str, Any]) -> str:
        table, path = _EXACT_TABLES[spec_type.casefold()]
        if table == "items":
            draft = self.factory.item()
            fields = {**draft.fields, **{k: v for k, v in values.items() if self._writable(path, k)}}
            ui = {**draft.ui_fields, **{k: v for k, v in values.items() if not self._writable(path, k)}}
            fields = {k: v for k, v in fields.items() if v is not None}
            return str(self.control.create_item(fields, read_only=ui)["ID"]).lower()
        header = {k: v for k, v in values.items() if k != "SalesOrderLines" and v is not None}
        header.setdefault("OrderedBy", self.account)
        header["SalesOrderLines"] = [dict(line) for line in values.get("SalesOrderLines") or []]
        return str(self.control.create_order(header)["OrderID"]).lower()

    def read(self, spec_type: str, record_id: str) -> Json | None:
        table, path = _EXACT_TABLES[spec_type.casefold()]
        record = self.control.record(table, record_id)
        if record is None:
            return None
        view = _render(resource(path).fields, record)
        if table == "orders":
            lines = [line for line in self.control.records("lines") if str(line.get("OrderID")).lower() == record_id]
            lines.sort(key=lambda line: int(line.get("LineNumber") or 0))
            view["SalesOrderLines"] = [_render(resource("salesorder/SalesOrderLines").fields, line) for line in lines]
        return view

    def records(self, spec_type: str) -> list[tuple[str, Json]]:
        table, _ = _EXACT_TABLES[spec_type.casefold()]
        key = "ID" if table == "items" else "OrderID"
        out = []
        for record in self.control.records(table):
            view = self.read(spec_type, str(record[key]).lower())
            if view is not None:
                out.append((str(record[key]).lower(), view))
        return out

    def edit(self, spec_type: str, record_id: str, changes: Mapping[str, Any]) -> None:
        table, _ = _EXACT_TABLES[spec_type.casefold()]
        header = {k: v for k, v in changes.items() if not k.startswith("SalesOrderLines.")}
        if header:
            self.control.edit(table, record_id, header)
        lines = {k.split(".", 1)[1]: v for k, v in changes.items() if k.startswith("SalesOrderLines.")}
        if lines:
            current = self.read(spec_type, record_id) or {}
            for index, line in enumerate(current.get("SalesOrderLines") or []):
                self.control.edit("lines", str(line["ID"]), {k: v[index] for k, v in lines.items() if index < len(v)})

    def delete(self, spec_type: str, record_id: str) -> None:
        table, _ = _EXACT_TABLES[spec_type.casefold()]
        self.control.delete(table, record_id)

    def expire_tokens(self) -> str | None:
        self.control.expire_tokens()
        return None

    def shown_when_empty(self, spec_type: str, path: str) -> Any:
        # Exact's OData sends a Boolean or a Byte it was never given as false or 0, never as null.
        field = self._field(spec_type, path) if spec_type.casefold() in _EXACT_TABLES else None
        return {"Boolean": False, "Byte": 0}.get(field.edm_type) if field is not None else None

    @staticmethod
    def _writable(path: str, name: str) -> bool:
        field = resource(path).field(name)
        return field is not None and field.post

    @staticmethod
    def _field(spec_type: str, path: str) -> FieldSpec | None:
        _, resource_path = _EXACT_TABLES[spec_type.casefold()]
        if path.startswith("SalesOrderLines."):
            return resource("salesorder/SalesOrderLines").field(path.split(".", 1)[1])
        return resource(resource_path).field(path)


def _render(fields: tuple[FieldSpec, ...], record: Mapping[str, Any]) -> Json:
    """A stored record as Exact's JSON shows it."""
    return {
        f.name: output_value(f.edm_type, record.get(f.name, {"Boolean": False, "Byte": 0}.get(f.edm_type)))
        for f in fields
        if f.edm_type != "Collection"
    }


_PRODUCT_TYPES = {"inventory", "sesamproducts"}
_MERCHANT_EDITS = {
    "name",
    "description",
    "isVisible",
    "urlSlug",
    "tags",
    "variants.sku",
    "variants.pricing.basePrice.value",
    "variants.pricing.salePrice.value",
    "variants.pricing.onSale",
    "variants.stock.quantity",
    "variants.stock.unlimited",
    "variants.shippingMeasurements.weight.value",
}
_SHOWN_WHEN_EMPTY = {
    "variants.shippingMeasurements.weight.value": 0.0,
    # and dimensions: 0 where none was given
    "variants.shippingMeasurements.dimensions.length": 0.0,
    "variants.shippingMeasurements.dimensions.width": 0.0,
    "variants.shippingMeasurements.dimensions.height": 0.0,
    "variants.stock.quantity": 0,
    "variants.pricing.basePrice.value": "0.00",  # a variant always has a price: with none, 0.00
    "variants.pricing.salePrice.value": "0.00",  # and a sale price, 0.00 when it is not on sale
}
#: what a merchant can leave empty (numbers, flags, the name and the SKU always hold a value)
_CLEARABLE = {"description", "tags"}  # urlSlug: Squarespace requires one
_CREATE_ARGUMENTS = {
    "name": "name",
    "variants.sku": "sku",
    "variants.pricing.basePrice.value": "price",
    "variants.stock.quantity": "quantity",
    "description": "description",
    "isVisible": "visible",
    "variants.shippingMeasurements.weight.value": "weight_kg",
    "variants.pricing.salePrice.value": "sale_price",
}


class SquarespaceDriver:
    """Squarespace Commerce as its merchant: products (with their inventory) and orders."""

    system = "Squarespace"

    def __init__(self, mock: SquarespaceMock) -> None:
        self.mock = mock
        self.service: MockService = mock
        self.control = mock.control

    @property
    def calls(self) -> CallLog:
        return self.mock.calls

    def cannot(self, action: str, spec_type: str, path: str | None = None) -> str | None:
        kind = spec_type.casefold()
        if kind == "order":
            if action == "create":
                return "talkqa cannot place a Squarespace order with chosen values as a shopper"
            if action == "delete":
                return "Squarespace orders cannot be deleted"
            if action in {"edit", "clear"}:
                return "a Squarespace merchant cannot change an order's properties after it was placed or imported"
            return None
        if kind not in _PRODUCT_TYPES:
            return f"talkqa has no Squarespace driver for {spec_type}"
        if action in {"edit", "clear"} and path is not None:
            physical = physical_path("Inventory" if kind == "inventory" else "Sesamproducts", path)
            if physical not in _MERCHANT_EDITS:
                return f"a Squarespace merchant cannot edit {path}"
            if action == "clear" and physical not in _CLEARABLE:
                return f"Squarespace always holds a value for {path}: it cannot be cleared"
        return None

    def create(self, spec_type: str, values: Mapping[str, Any]) -> str:
        arguments: dict[str, Any] = {}
        for path, value in values.items():
            physical = physical_path(_spec(spec_type), path)
            if physical in _CREATE_ARGUMENTS and value is not None:
                arguments[_CREATE_ARGUMENTS[physical]] = value
        arguments.setdefault("sku", "TQ-NEW")
        arguments.setdefault("name", str(arguments["sku"]))
        product = self.control.create_product(**arguments)
        return str(product["id"])

    def read(self, spec_type: str, record_id: str) -> Json | None:
        try:
            if spec_type.casefold() == "order":
                return dict(self.control.order(record_id))
            return product_view(self.control.product(record_id))
        except MockError:
            return None

    def records(self, spec_type: str) -> list[tuple[str, Json]]:
        if spec_type.casefold() == "order":
            return [(str(o["id"]), dict(o)) for o in self.control.orders()]
        # the listing's own renderings (a product is rendered again only after it changed): product_view
        # copies each, and nothing here changes what it shares with the mock
        return [(str(p["id"]), product_view(p)) for p in self.control.listed_products()]

    def edit(self, spec_type: str, record_id: str, changes: Mapping[str, Any]) -> None:
        physical = {physical_path(_spec(spec_type), path): value for path, value in changes.items()}
        self.control.edit_product(record_id, physical)

    def delete(self, spec_type: str, record_id: str) -> None:
        self.control.delete_product(record_id)

    def expire_tokens(self) -> str | None:
        return "Squarespace API keys do not expire"

    def shown_when_empty(self, spec_type: str, path: str) -> Any:
        # A variant always carries a weight and a stock count: with none given, Squarespace shows 0.
        return _SHOWN_WHEN_EMPTY.get(physical_path(_spec(spec_type), path))


def _spec(spec_type: str) -> str:
    return "Inventory" if spec_type.casefold() == "inventory" else "Sesamproducts"


def find(driver: Driver, spec_type: str, path: str, value: Any) -> list[str]:
    """Ids of the driver's records whose ``path`` holds ``value``."""
    return [rid for rid, data in driver.records(spec_type) if get_path(data, path) == value]


def inject(driver: Driver, kind: FaultKind, times: int, status: int = 500) -> None:
    """The next ``times`` calls to the driver's system fail as ``kind``."""
    driver.service.faults.inject(kind, status=status, times=times)
