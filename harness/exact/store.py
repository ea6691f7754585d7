"""The mock's in-memory data: divisions holding items, sales orders, their lines and a deleted log,
users and the accounts orders refer to. Each division has one monotonic row-version counter that
every write draws its ``Timestamp`` from, as Exact's rowversion column does.

Records are plain dicts of stored values (see ``values``); a field never written is absent and
reads as its default.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DELETED_ENTITY_TYPES",
    "Account",
    "Division",
    "Store",
    "User",
]

#: sync/Deleted ``EntityType`` per table.
DELETED_ENTITY_TYPES = {"items": 9, "orders": 32, "lines": 33}


@dataclass
class User:
    """An Exact user: who a token acts for and which divisions they may open."""

    user_id: str
    full_name: str
    email: str
    divisions: set[int]
    current_division: int
    language: str = "nl-NL"


@dataclass(frozen=True)
class Account:
    """A customer account sales orders may be ordered by, invoiced to, delivered to."""

    account_id: str
    code: str
    name: str


@dataclass
class Division:
    """One Exact administration (a company): its tables and its row-version counter."""

    number: int
    name: str
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    #: rowversion values are large numbers in Exact, so ``Timestamp gt 1`` (where a sync starts) sees every row
    row_version: int = 1_000_000_000_000
    next_order_number: int = 1
    blocked: bool = False
    _codes: dict[str, str] = field(default_factory=dict, repr=False)
    _sorted: dict[tuple[str, str], tuple[tuple[int, int], list[dict[str, Any]], list[Any]]] = field(
        default_factory=dict, repr=False
    )

    def table(self, name: str) -> dict[str, dict[str, Any]]:
        """``items``, ``orders``, ``lines`` or ``deleted``."""
        tables: dict[str, dict[str, dict[str, Any]]] = {
            "items": self.items,
            "orders": self.orders,
            "lines": self.lines,
            "deleted": self.deleted,
        }
        return tables[name]

    def next_timestamp(self) -> int:
        """The next row version: strictly greater than every one handed out before."""
        self.row_version += 1
        return self.row_version

    def sorted_rows(self, table: str, name: str) -> tuple[list[dict[str, Any]], list[Any]]:
        """A table's rows ordered by ``name`` (a key or Timestamp) and those values, for bisection.

        Kept until the row version or the row count moves, so that reading page after page of an
        unchanged table sorts it once, not once a page.
        """
        rows = self.table(table)
        version = (self.row_version, len(rows))
        cached = self._sorted.get((table, name))
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        ordered = sorted(rows.values(), key=lambda r: r[name])
        values = [r[name] for r in ordered]
        self._sorted[(table, name)] = (version, ordered, values)
        return ordered, values

    def lines_of(self, order_id: str) -> list[dict[str, Any]]:
        """An order's lines by line number."""
        found = [line for line in self.lines.values() if line.get("OrderID") == order_id]
        return sorted(found, key=lambda line: int(line.get("LineNumber") or 0))

    def item_by_code(self, code: str) -> dict[str, Any] | None:
        """The item with this code, compared as Exact's collation does (case and trailing spaces ignored)."""
        wanted = _code_key(code)
        item = self.items.get(self._codes.get(wanted, ""))
        if item is None or _code_key(str(item.get("Code", ""))) != wanted:
            self._codes.pop(wanted, None)  # gone, or its code changed since
            return None
        return item

    def index_code(self, item: dict[str, Any]) -> None:
        """Note an item's (new) code, so that ``item_by_code`` finds it without a scan."""
        self._codes[_code_key(str(item.get("Code", "")))] = str(item["ID"])

    def log_deleted(self, table: str, key: str, by: str, at_ms: int) -> dict[str, Any]:
        """Add the sync/Deleted row of a removed record."""
        timestamp = self.next_timestamp()
        row_id = str(uuid.uuid5(uuid.NAMESPACE_OID, f"deleted:{self.number}:{table}:{key}:{timestamp}"))
        row = {
            "ID": row_id,
            "Timestamp": timestamp,
            "EntityKey": key,
            "EntityType": DELETED_ENTITY_TYPES[table],
            "DeletedBy": by,
            "DeletedDate": at_ms,
            "Division": self.number,
        }
        self.deleted[row_id] = row
        return row


def _code_key(code: str) -> str:
    return code.rstrip(" ").casefold()


class Store:
    """Every division and user of one mock, and the seeded randomness keys and tokens come from."""

    def __init__(self, seed: int = 1) -> None:
        self.random = random.Random(seed)
        self.divisions: dict[int, Division] = {}
        self.users: dict[str, User] = {}

    def new_guid(self) -> str:
        """A random (version 4) GUID from the store's seeded generator: reproducible runs."""
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def add_division(self, number: int, name: str) -> Division:
        if number in self.divisions:
            raise ValueError(f"division {number} exists already")
        division = Division(number, name)
        self.divisions[number] = division
        return division

    def add_user(self, full_name: str, email: str, divisions: set[int], current: int) -> User:
        user = User(self.new_guid(), full_name, email, set(divisions), current)
        self.users[user.user_id] = user
        return user

    def division(self, number: int) -> Division | None:
        return self.divisions.get(number)

    def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def __iter__(self) -> Iterator[Division]:
        return iter(self.divisions.values())
