"""Exact Online as the engine sees it: Items and SalesOrders (with their lines), read incrementally
from the sync endpoints by Timestamp and from ``sync/Deleted``, written through the REST resources.

A field the sync endpoint does not carry (``StandardSalesPrice`` is not on ``sync/Logistics/Items``)
is read from the resource itself for the records that changed, so no mapped property is missed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from harness.errors import ExactApiError
from harness.exact.client import ExactClient
from harness.sync.codecs import parse_exact_datetime
from harness.sync.records import ChangeBatch, Record, Writes, chunks
from harness.systems.exact import resource

__all__ = ["ExactItemsSide", "ExactOrdersSide", "odata_literal"]

_IDS_PER_FILTER = 40  #: keeps a filter of Guid clauses well under Exact's 6,000-character URLs
_ITEMS, _SYNC_ITEMS = "logistics/Items", "sync/Logistics/Items"
_ORDERS, _SYNC_HEADERS = "salesorder/SalesOrders", "sync/SalesOrder/SalesOrderHeaders"
_LINES, _SYNC_LINES = "salesorder/SalesOrderLines", "sync/SalesOrder/SalesOrderLines"
_ENTITY_ITEM, _ENTITY_ORDER, _ENTITY_LINE = 9, 32, 33


def odata_literal(value: Any, edm_type: str) -> str:
    """``value`` as an OData literal of its Edm type (``'it''s'``, ``guid'…'``, ``12``)."""
    if edm_type == "Guid":
        return f"guid'{str(value).lower()}'"
    if edm_type in {"String"}:
        return "'" + str(value).replace("'", "''") + "'"
    if edm_type == "Boolean":
        return "true" if value else "false"
    return str(value)


def _delete(client: ExactClient, path: str, record_id: str) -> None:
    """Delete a record; one that is gone already (deleted on both sides at once) is done."""
    try:
        client.delete(path, record_id)
    except ExactApiError as exc:
        if exc.status != 404:
            raise


def _modified(row: Mapping[str, Any]) -> float | None:
    when = parse_exact_datetime(row.get("Modified"))
    return when.timestamp() if when is not None else None


def _cursor(text: str | None) -> dict[str, int]:
    return {str(k): int(v) for k, v in json.loads(text).items()} if text else {}


def _select(path: str, wanted: Iterable[str], always: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split ``wanted`` fields into those ``path`` serves and those it does not."""
    served = set(resource(path).names())
    fields = list(dict.fromkeys([*always, *wanted]))
    return [f for f in fields if f in served], [f for f in fields if f not in served]


class ExactItemsSide:
    """Exact Online Items (``logistics/Items``)."""

    key = "exact:items"
    label = "Exact Online Items"

    def __init__(self, client: ExactClient, fields: Iterable[str]) -> None:
        self.client = client
        wanted = [f for f in fields if resource(_ITEMS).field(f) is not None]
        self.fields = list(dict.fromkeys(["ID", "Code", "Modified", *wanted]))
        self.sync_fields, self.extra_fields = _select(_SYNC_ITEMS, self.fields, ["ID", "Modified"])

    def begin_cycle(self) -> None:
        """Nothing is cached between cycles."""

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        marks = _cursor(cursor)
        rows: dict[str, dict[str, Any]] = {}
        calls = 0
        since = marks.get("rows", 1)
        for page in self.client.sync(_SYNC_ITEMS, ",".join(self.sync_fields), since=since):
            calls += 1
            for row in page.rows:
                rows[str(row["ID"]).lower()] = row
            since = page.cursor
        deleted: list[str] = []
        deleted_since = marks.get("deleted", 1)
        for page in self.client.deleted(since=deleted_since, entity_type=_ENTITY_ITEM):
            calls += 1
            deleted.extend(str(r["EntityKey"]).lower() for r in page.rows)
            deleted_since = page.cursor
        if self.extra_fields and rows:
            # The first read holds every item: one listing (60 a page) beats filters of 40 ids a call.
            extra, more_calls = self._read(None if not marks else list(rows), self.extra_fields)
            calls += more_calls
            for key, values in extra.items():
                if key in rows:
                    rows[key].update(values)
        gone = set(deleted)
        records = tuple(self._record(row) for key, row in rows.items() if key not in gone)
        new_cursor = json.dumps({"rows": since, "deleted": deleted_since}, sort_keys=True)
        return ChangeBatch(records, tuple(deleted), complete=False, cursor=new_cursor, calls=calls)

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        rows, _ = self._read(ids, self.fields)
        return {key: self._record(row) for key, row in rows.items()}

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        spec = resource(_ITEMS).field(path)
        if spec is None or value is None or value == "":
            return []
        found = self.client.list_all(
            _ITEMS, select=",".join(self.fields), filter=f"{path} eq {odata_literal(value, spec.edm_type)}"
        )
        return [self._record(row) for row in found]

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        code = values.get("Code")
        natural_key = f"Code eq {odata_literal(code, 'String')}" if code else None
        created = self.client.create(_ITEMS, dict(values), natural_key=natural_key)
        return self._record(created)

    def update(self, record: Record, writes: Writes) -> None:
        body = {path: value for (_, path), value in writes.items()}
        if body:
            self.client.update(_ITEMS, record.id, body)

    def delete(self, record_id: str) -> bool:
        _delete(self.client, _ITEMS, record_id)
        return True

    def stored(self, spec_type: str, path: str, value: Any) -> Any:
        """Exact keeps what it is given."""
        return value

    def reference_of(self, record_id: str) -> str | None:
        return record_id

    def record_of_reference(self, reference: str) -> str | None:
        return reference.lower()

    def _read(self, ids: Sequence[str] | None, fields: Sequence[str]) -> tuple[dict[str, dict[str, Any]], int]:
        """Rows of these items (None: of every item), with these fields; and the calls it took."""
        out: dict[str, dict[str, Any]] = {}
        calls = 0
        select = ",".join(dict.fromkeys(["ID", *fields]))
        if ids is None:
            for page in self.client.pages(_ITEMS, select=select):
                calls += 1
                out.update((str(row["ID"]).lower(), row) for row in page)
            return out, calls
        for chunk in chunks(list(ids), _IDS_PER_FILTER):
            condition = " or ".join(f"ID eq {odata_literal(i, 'Guid')}" for i in chunk)
            for page in self.client.pages(_ITEMS, select=select, filter=condition):
                calls += 1
                for row in page:
                    out[str(row["ID"]).lower()] = row
        return out, calls

    @staticmethod
    def _record(row: Mapping[str, Any]) -> Record:
        data = {k: v for k, v in row.items() if k != "__metadata"}
        return Record(str(row["ID"]).lower(), data, _modified(row))


class ExactOrdersSide:
    """Exact Online sales orders with their lines (``SalesOrderLines``, in line-number order)."""

    key = "exact:salesorders"
    label = "Exact Online Salesorders"

    #: header and line fields an order import needs to make its totals add up (taxes, discounts)
    HEADER_EXTRAS = ("AmountFC", "AmountFCExclVat", "VATAmount", "Currency")
    LINE_EXTRAS = ("AmountFC", "UnitPrice", "Quantity", "LineNumber")

    def __init__(self, client: ExactClient, header_fields: Iterable[str], line_fields: Iterable[str]) -> None:
        self.client = client
        headers = [f for f in header_fields if resource(_ORDERS).field(f) is not None]
        lines = [f for f in line_fields if resource(_LINES).field(f) is not None]
        wanted = list(dict.fromkeys(["OrderID", "Modified", *self.HEADER_EXTRAS, *headers]))
        self.sync_headers, self.extra_headers = _select(_SYNC_HEADERS, wanted, ["OrderID", "Modified"])
        # The resource lacks some sync fields (VATAmount): a record read from it derives them (``_record``).
        served = set(resource(_ORDERS).names())
        self.header_fields = [f for f in wanted if f in served]
        self.extra_headers = [f for f in self.extra_headers if f in served]
        self.line_fields = list(dict.fromkeys(["ID", "OrderID", *self.LINE_EXTRAS, *lines]))
        self.sync_lines, self.extra_lines = _select(_SYNC_LINES, self.line_fields, ["ID", "OrderID"])

    def begin_cycle(self) -> None:
        """Nothing is cached between cycles."""

    def changes(self, cursor: str | None, spec_types: Sequence[str]) -> ChangeBatch:
        marks = _cursor(cursor)
        calls = 0
        headers: dict[str, dict[str, Any]] = {}
        since_headers = marks.get("headers", 1)
        for page in self.client.sync(_SYNC_HEADERS, ",".join(self.sync_headers), since=since_headers):
            calls += 1
            headers.update((str(r["OrderID"]).lower(), r) for r in page.rows)
            since_headers = page.cursor
        touched: set[str] = set(headers)
        first_read = "lines" not in marks
        synced: dict[str, list[dict[str, Any]]] = {}
        since_lines = marks.get("lines", 1)
        for page in self.client.sync(_SYNC_LINES, ",".join(self.sync_lines), since=since_lines):
            calls += 1
            for row in page.rows:
                synced.setdefault(str(row["OrderID"]).lower(), []).append(row)
            since_lines = page.cursor
        touched.update(synced)
        deleted: list[str] = []
        since_deleted = marks.get("deleted", 1)
        for page in self.client.deleted(since=since_deleted):
            calls += 1
            for row in page.rows:
                if row["EntityType"] == _ENTITY_ORDER:
                    deleted.append(str(row["EntityKey"]).lower())
            since_deleted = page.cursor
        touched -= set(deleted)
        missing_headers = [o for o in touched if o not in headers]
        fetched, more = self._headers(missing_headers)
        calls += more
        headers.update(fetched)
        if self.extra_headers and headers:
            extra, more = self._headers(list(headers), self.extra_headers)
            calls += more
            for key, values in extra.items():
                headers[key].update(values)
        if first_read and not self.extra_lines:  # the first read of the sync endpoint holds every line
            lines = synced
        else:
            lines, more = self._lines([o for o in touched if o in headers])
            calls += more
        records = tuple(self._record(headers[o], lines.get(o, [])) for o in sorted(touched) if o in headers)
        new_cursor = json.dumps(
            {"headers": since_headers, "lines": since_lines, "deleted": since_deleted}, sort_keys=True
        )
        return ChangeBatch(records, tuple(deleted), complete=False, cursor=new_cursor, calls=calls)

    def fetch(self, ids: Sequence[str]) -> dict[str, Record]:
        headers, _ = self._headers(ids)
        lines, _ = self._lines(list(headers))
        return {o: self._record(h, lines.get(o, [])) for o, h in headers.items()}

    def find(self, spec_type: str, path: str, value: Any) -> list[Record]:
        spec = resource(_ORDERS).field(path)
        if spec is None or spec.edm_type == "Collection" or value is None or value == "":
            return []
        rows = self.client.list_all(
            _ORDERS, select=",".join(self.header_fields), filter=f"{path} eq {odata_literal(value, spec.edm_type)}"
        )
        found = {str(r["OrderID"]).lower(): r for r in rows}
        lines, _ = self._lines(list(found))
        return [self._record(h, lines.get(o, [])) for o, h in found.items()]

    def create(self, values: Mapping[str, Any], *, intent_key: str, source: Record | None = None) -> Record:
        number = values.get("OrderNumber")
        natural_key = f"OrderNumber eq {number}" if isinstance(number, int) else None
        created = self.client.create(_ORDERS, dict(values), natural_key=natural_key)
        return self.fetch([str(created["OrderID"]).lower()])[str(created["OrderID"]).lower()]

    def update(self, record: Record, writes: Writes) -> None:
        body = {path: value for (_, path), value in writes.items() if "." not in path}
        if body:
            self.client.update(_ORDERS, record.id, body)

    def delete(self, record_id: str) -> bool:
        _delete(self.client, _ORDERS, record_id)
        return True

    def stored(self, spec_type: str, path: str, value: Any) -> Any:
        """Exact keeps what it is given."""
        return value

    def reference_of(self, record_id: str) -> str | None:
        return record_id

    def record_of_reference(self, reference: str) -> str | None:
        return reference.lower()

    def _headers(
        self, ids: Sequence[str], fields: Sequence[str] | None = None
    ) -> tuple[dict[str, dict[str, Any]], int]:
        out: dict[str, dict[str, Any]] = {}
        calls = 0
        select = ",".join(dict.fromkeys(["OrderID", *(fields or self.header_fields)]))
        for chunk in chunks(list(ids), _IDS_PER_FILTER):
            condition = " or ".join(f"OrderID eq {odata_literal(i, 'Guid')}" for i in chunk)
            for page in self.client.pages(_ORDERS, select=select, filter=condition):
                calls += 1
                out.update((str(r["OrderID"]).lower(), r) for r in page)
        return out, calls

    def _lines(self, order_ids: Sequence[str]) -> tuple[dict[str, list[dict[str, Any]]], int]:
        out: dict[str, list[dict[str, Any]]] = {}
        calls = 0
        for chunk in chunks(list(order_ids), _IDS_PER_FILTER):
            condition = " or ".join(f"OrderID eq {odata_literal(i, 'Guid')}" for i in chunk)
            for page in self.client.pages(_LINES, select=",".join(self.line_fields), filter=condition):
                calls += 1
                for row in page:
                    out.setdefault(str(row["OrderID"]).lower(), []).append(row)
        return out, calls

    @staticmethod
    def _record(header: Mapping[str, Any], lines: list[dict[str, Any]]) -> Record:
        data = {k: v for k, v in header.items() if k != "__metadata"}
        if data.get("VATAmount") is None and data.get("AmountFC") is not None:
            # salesorder/SalesOrders has no VATAmount: the tax is what the VAT adds to the amount
            vat = Decimal(repr(float(data["AmountFC"]))) - Decimal(repr(float(data.get("AmountFCExclVat") or 0.0)))
            data["VATAmount"] = float(vat)
        ordered = sorted(lines, key=lambda line: int(line.get("LineNumber") or 0))
        data["SalesOrderLines"] = [{k: v for k, v in line.items() if k != "__metadata"} for line in ordered]
        return Record(str(header["OrderID"]).lower(), data, _modified(header))
