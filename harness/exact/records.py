"""Writes to items, sales orders and their lines as Exact Online validates and computes them.

Input is checked by ``validation`` first; then come the rules that need the data (duplicate item
code, unknown item or account, an order without lines). Server-set fields (Created, Modified,
Creator, Division, Timestamp, LineNumber, an order's amounts, descriptions) are computed here and
never taken from input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.exact.resources import APPROVAL_STATUSES, ORDER_STATUSES, UNITS, VAT_CODES, WRITE_PATHS
from harness.exact.store import Division, Store, User
from harness.exact.validation import RecordError, convert, lines_of_body, rule_problems
from harness.systems.exact import resource

__all__ = ["RecordError", "Writer"]


def _money(value: float) -> float:
    return float(round(value, 2)) if math.isfinite(value) else 0.0


@dataclass
class Writer:
    """Applies writes to one division, as one user, at one moment."""

    store: Store
    division: Division
    user: User
    now_ms: int
    business_status: int = 400

    # -- shared ----------------------------------------------------------------------------
    def stamp(self, record: dict[str, Any], *, created: bool) -> None:
        if created:
            record["Created"] = self.now_ms
            record["Creator"] = self.user.user_id
            record["CreatorFullName"] = self.user.full_name
        record["Modified"] = self.now_ms
        record["Modifier"] = self.user.user_id
        record["ModifierFullName"] = self.user.full_name
        record["Division"] = self.division.number
        record["Timestamp"] = self.division.next_timestamp()

    def _business(self, message: str) -> RecordError:
        return RecordError(self.business_status, message)

    def _key(self, table: str, values: dict[str, Any], key_name: str) -> str:
        key = values.pop(key_name, None)
        if key is None:
            return self.store.new_guid()
        if key in self.division.table(table):
            raise self._business(f"{key_name}: a record with key {key} exists already")
        return str(key)

    # -- items -----------------------------------------------------------------------------
    def create_item(self, body: Any) -> dict[str, Any]:
        spec = resource(WRITE_PATHS["items"])
        values = convert(spec, body, "POST")
        problems = rule_problems(spec, values, creating=True)
        if problems:
            raise RecordError(400, "\r\n".join(problems))
        if self.division.item_by_code(values["Code"]) is not None:
            raise self._business(f"Code: an item with code '{values['Code'].rstrip()}' exists already")
        key = self._key("items", values, "ID")
        record: dict[str, Any] = {"ID": key, "Stock": 0.0, "StandardSalesPrice": 0.0, "SecurityLevel": 10}
        record.update(values)
        self.describe_item(record)
        self.stamp(record, created=True)
        self.division.items[key] = record
        self.division.index_code(record)
        return record

    def update_item(self, key: str, body: Any) -> dict[str, Any]:
        spec = resource(WRITE_PATHS["items"])
        record = self._existing("items", key)
        values = convert(spec, body, "PUT")
        self._same_key(values, "ID", key)
        problems = rule_problems(spec, values, creating=False)
        if problems:
            raise RecordError(400, "\r\n".join(problems))
        if "Code" in values:
            other = self.division.item_by_code(values["Code"])
            if other is not None and other["ID"] != key:
                raise self._business(f"Code: an item with code '{values['Code'].rstrip()}' exists already")
        record.update(values)
        self.division.index_code(record)
        self.describe_item(record)
        self.stamp(record, created=False)
        return record

    def delete_item(self, key: str) -> None:
        self._existing("items", key)
        if any(line.get("Item") == key for line in self.division.lines.values()):
            raise self._business("This item is used in sales order lines and cannot be deleted.")
        del self.division.items[key]
        self.division.log_deleted("items", key, self.user.user_id, self.now_ms)

    @staticmethod
    def describe_item(record: dict[str, Any]) -> None:
        unit = record.get("Unit")
        record["UnitDescription"] = UNITS.get(unit.rstrip()) if isinstance(unit, str) else None
        vat = record.get("SalesVatCode")
        record["SalesVatCodeDescription"] = (
            VAT_CODES[vat.rstrip()][1] if isinstance(vat, str) and vat.rstrip() in VAT_CODES else None
        )

    # -- sales orders ----------------------------------------------------------------------
    def create_order(self, body: Any) -> dict[str, Any]:
        spec = resource(WRITE_PATHS["orders"])
        values = convert(spec, body, "POST")
        raw_lines = lines_of_body(body) if isinstance(body, Mapping) else None
        line_values = [self._convert_line(raw, "POST", deep=True) for raw in raw_lines or []]
        problems = rule_problems(spec, values, creating=True)
        if not line_values:
            problems.append("SalesOrderLines: a sales order needs at least one line")
        for number, line in enumerate(line_values, start=1):
            problems += [f"SalesOrderLines[{number}] {p}" for p in self._line_rules(line, creating=True)]
        if problems:
            raise RecordError(400, "\r\n".join(problems))
        self._check_accounts(values)
        for line in line_values:
            self._check_item(line["Item"])
        self._check_new_line_keys([line["ID"] for line in line_values if line.get("ID")])
        key = self._key("orders", values, "OrderID")
        number = values.pop("OrderNumber", None)
        if number is None:
            number = self.division.next_order_number
        elif any(o.get("OrderNumber") == number for o in self.division.orders.values()):
            raise self._business(f"OrderNumber: sales order {number} exists already")
        self.division.next_order_number = max(self.division.next_order_number, number + 1)
        today_ms = self.now_ms - self.now_ms % 86_400_000
        record: dict[str, Any] = {
            "OrderID": key,
            "OrderNumber": number,
            "OrderDate": today_ms,
            "Currency": "EUR",
            "ApprovalStatus": 1,
            "Status": 12,
            "DeliveryStatus": 12,
            "InvoiceStatus": 12,
        }
        record.update(values)
        self.stamp(record, created=True)
        self.division.orders[key] = record
        for line in line_values:
            self._insert_line(record, line)
        self.recompute_order(record, bump=False)
        return record

    def update_order(self, key: str, body: Any) -> dict[str, Any]:
        spec = resource(WRITE_PATHS["orders"])
        record = self._existing("orders", key)
        values = convert(spec, body, "PUT")
        self._same_key(values, "OrderID", key)
        raw_lines = lines_of_body(body) if isinstance(body, Mapping) else None
        line_values = [self._convert_line(raw, "PUT", deep=True) for raw in raw_lines or []]
        problems = rule_problems(spec, values, creating=False)
        for number, line in enumerate(line_values, start=1):
            new = "ID" not in line or line["ID"] not in self.division.lines
            problems += [f"SalesOrderLines[{number}] {p}" for p in self._line_rules(line, creating=new)]
        if problems:
            raise RecordError(400, "\r\n".join(problems))
        if "OrderNumber" in values and any(
            o.get("OrderNumber") == values["OrderNumber"] and o["OrderID"] != key for o in self.division.orders.values()
        ):
            raise self._business(f"OrderNumber: sales order {values['OrderNumber']} exists already")
        self._check_accounts(values)
        self._check_new_line_keys(
            [line["ID"] for line in line_values if line.get("ID") not in (None, *self.division.lines)]
        )
        for line in line_values:
            if "Item" in line:
                self._check_item(line["Item"])
            line_key = line.get("ID")
            if line_key in self.division.lines and self.division.lines[line_key].get("OrderID") != key:
                raise self._business(f"SalesOrderLines: line {line_key} belongs to another sales order")
        record.update(values)
        for line in line_values:
            if line.get("ID") in self.division.lines:
                self._apply_line_update(self.division.lines[line["ID"]], line)
            else:
                self._insert_line(record, line)
        self.stamp(record, created=False)
        self.recompute_order(record, bump=False)
        return record

    def delete_order(self, key: str) -> None:
        self._existing("orders", key)
        for line in self.division.lines_of(key):
            del self.division.lines[line["ID"]]
            self.division.log_deleted("lines", line["ID"], self.user.user_id, self.now_ms)
        del self.division.orders[key]
        self.division.log_deleted("orders", key, self.user.user_id, self.now_ms)

    def _check_accounts(self, values: Mapping[str, Any]) -> None:
        for name in ("OrderedBy", "InvoiceTo", "DeliverTo"):
            if values.get(name) is not None and values[name] not in self.division.accounts:
                raise self._business(f"{name}: no account with ID {values[name]} in division {self.division.number}")

    def _check_new_line_keys(self, keys: list[str]) -> None:
        """Refuse given line IDs that repeat or exist already, before anything is written."""
        if len(set(keys)) != len(keys) or any(k in self.division.lines for k in keys):
            raise self._business("SalesOrderLines: a line ID is given twice or exists already")

    def recompute_order(self, order: dict[str, Any], *, bump: bool) -> None:
        lines = self.division.lines_of(order["OrderID"])
        excl = sum(float(line.get("AmountFC") or 0.0) for line in lines)
        vat = sum(float(line.get("VATAmount") or 0.0) for line in lines)
        order["AmountFCExclVat"] = _money(excl)
        order["VATAmount"] = _money(vat)
        order["AmountFC"] = _money(excl + vat)
        order["AmountDC"] = order["AmountFC"]
        self.describe_order(self.division, order)
        if bump:
            self.stamp(order, created=False)

    @staticmethod
    def describe_order(division: Division, order: dict[str, Any]) -> None:
        """Fill the names and descriptions an order shows from its references and codes."""
        order.setdefault("InvoiceTo", order.get("OrderedBy"))
        order.setdefault("DeliverTo", order.get("OrderedBy"))
        for ref, name in (
            ("OrderedBy", "OrderedByName"),
            ("InvoiceTo", "InvoiceToName"),
            ("DeliverTo", "DeliverToName"),
        ):
            account = division.accounts.get(order.get(ref) or "")
            order[name] = account.name if account else None
        for status in ("Status", "DeliveryStatus", "InvoiceStatus"):
            order[f"{status}Description"] = ORDER_STATUSES.get(order.get(status) or 0)
        order["ApprovalStatusDescription"] = APPROVAL_STATUSES.get(order.get("ApprovalStatus") or 0)

    # -- sales order lines -----------------------------------------------------------------
    def _convert_line(self, raw: Any, method: str, *, deep: bool) -> dict[str, Any]:
        spec = resource(WRITE_PATHS["lines"])
        # in a deep insert the order gives OrderID and OrderNumber; the line's own are ignored
        return convert(spec, raw, method, skip=frozenset({"OrderID", "OrderNumber"}) if deep else frozenset())

    def _line_rules(self, values: Mapping[str, Any], *, creating: bool) -> list[str]:
        spec = resource(WRITE_PATHS["lines"])
        problems = rule_problems(spec, values, creating=creating)
        return [p for p in problems if p != "Mandatory: OrderID"]

    def _check_item(self, item_id: str) -> dict[str, Any]:
        item = self.division.items.get(item_id)
        if item is None:
            raise self._business(f"Item: no item with ID {item_id} in division {self.division.number}")
        return item

    def create_line(self, body: Any) -> dict[str, Any]:
        values = self._convert_line(body, "POST", deep=False)
        problems = rule_problems(resource(WRITE_PATHS["lines"]), values, creating=True)
        if problems:
            raise RecordError(400, "\r\n".join(problems))
        order = self.division.orders.get(values["OrderID"])
        if order is None:
            raise self._business(f"OrderID: no sales order with ID {values['OrderID']}")
        self._check_item(values["Item"])
        values.pop("OrderNumber", None)
        line = self._insert_line(order, values)
        self.recompute_order(order, bump=True)
        return line

    def update_line(self, key: str, body: Any) -> dict[str, Any]:
        line = self._existing("lines", key)
        values = self._convert_line(body, "PUT", deep=False)
        self._same_key(values, "ID", key)
        problems = rule_problems(resource(WRITE_PATHS["lines"]), values, creating=False)
        if problems:
            raise RecordError(400, "\r\n".join(problems))
        if values.pop("OrderID", line["OrderID"]) != line["OrderID"]:
            raise self._business("OrderID: a line cannot move to another sales order")
        values.pop("OrderNumber", None)
        if "Item" in values:
            self._check_item(values["Item"])
        self._apply_line_update(line, values)
        self.recompute_order(self.division.orders[line["OrderID"]], bump=True)
        return line

    def delete_line(self, key: str) -> None:
        line = self._existing("lines", key)
        if len(self.division.lines_of(line["OrderID"])) <= 1:
            raise self._business("A sales order needs at least one line: delete the sales order instead.")
        del self.division.lines[key]
        self.division.log_deleted("lines", key, self.user.user_id, self.now_ms)
        self.recompute_order(self.division.orders[line["OrderID"]], bump=True)

    def _insert_line(self, order: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        item = self._check_item(values["Item"])
        key = self._key("lines", values, "ID")
        existing = self.division.lines_of(order["OrderID"])
        number = max((int(line.get("LineNumber") or 0) for line in existing), default=0) + 1
        line: dict[str, Any] = {
            "ID": key,
            "OrderID": order["OrderID"],
            "OrderNumber": order["OrderNumber"],
            "LineNumber": number,
            "Description": item.get("Description"),
            "UnitCode": item.get("Unit"),
            "UnitPrice": float(item.get("StandardSalesPrice") or 0.0),
            "Quantity": 1.0,
            "Discount": 0.0,
            "VATCode": item.get("SalesVatCode"),
            "DeliveryDate": order.get("DeliveryDate"),
            "CostPriceFC": float(item.get("CostPriceStandard") or 0.0),
            "QuantityDelivered": 0.0,
            "QuantityInvoiced": 0.0,
            "Status": 12,
            "DeliveryStatus": 12,
            "InvoiceStatus": 12,
            "OrderStatus": 12,
        }
        line.update(values)
        self.derive_line(line, set(values))
        self.stamp(line, created=True)
        self.division.lines[key] = line
        return line

    def _apply_line_update(self, line: dict[str, Any], values: dict[str, Any]) -> None:
        line.update(values)
        self.derive_line(line, set(values), changed=set(values))
        self.stamp(line, created=False)

    def derive_line(self, line: dict[str, Any], given: set[str], changed: set[str] | None = None) -> None:
        """Fill the amounts and names a line shows, keeping every value the request gave."""
        item = self.division.items.get(line["Item"], {})
        line["ItemCode"] = item.get("Code")
        line["ItemDescription"] = item.get("Description")
        unit = line.get("UnitCode")
        line["UnitDescription"] = UNITS.get(unit.rstrip()) if isinstance(unit, str) else None
        vat = line.get("VATCode")
        vat_known = isinstance(vat, str) and vat.rstrip() in VAT_CODES
        line["VATCodeDescription"] = VAT_CODES[vat.rstrip()][1] if vat_known and isinstance(vat, str) else None

        def stale(name: str, inputs: set[str]) -> bool:
            return name not in given and (changed is None or bool(changed & inputs))

        if stale("VATPercentage", {"VATCode"}):
            line["VATPercentage"] = VAT_CODES[vat.rstrip()][0] if vat_known and isinstance(vat, str) else 0.0
        price, discount = float(line.get("UnitPrice") or 0.0), float(line.get("Discount") or 0.0)
        if stale("NetPrice", {"UnitPrice", "Discount"}):
            line["NetPrice"] = _money(price * (1.0 - discount))
        if stale("AmountFC", {"UnitPrice", "Discount", "NetPrice", "Quantity"}):
            line["AmountFC"] = _money(float(line.get("Quantity") or 0.0) * float(line.get("NetPrice") or 0.0))
        if stale(
            "VATAmount", {"UnitPrice", "Discount", "NetPrice", "Quantity", "AmountFC", "VATCode", "VATPercentage"}
        ):
            line["VATAmount"] = _money(float(line.get("AmountFC") or 0.0) * float(line.get("VATPercentage") or 0.0))
        line["AmountDC"] = line.get("AmountFC")
        for status in ("Status", "DeliveryStatus", "InvoiceStatus"):
            line[f"{status}Description"] = ORDER_STATUSES.get(line.get(status) or 0)

    # -- helpers ---------------------------------------------------------------------------
    def _existing(self, table: str, key: str) -> dict[str, Any]:
        record = self.division.table(table).get(key)
        if record is None:
            raise RecordError(404, "Resource not found.")
        return record

    @staticmethod
    def _same_key(values: dict[str, Any], name: str, key: str) -> None:
        given = values.pop(name, key)
        if given != key:
            raise RecordError(400, f"{name} in the body ({given}) differs from the key in the address ({key}).")
