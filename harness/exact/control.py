"""The test-side control surface of the Exact Online mock: a Python API (``mock.control``), never an
HTTP route, so an engine under test cannot reach it by accident.

Data
    ``seed(items=50, orders=10, seed=None, division=None) -> SeedResult``   fill a division with the factory
    ``add_account(name, code=None, division=None) -> Account``             a customer orders may refer to
    ``create_item(fields, read_only=None, division=None, user=None) -> dict``
    ``create_order(fields, division=None, user=None) -> dict``             ``fields["SalesOrderLines"]`` required
    ``edit(table, key, changes, division=None, user=None) -> dict``        as a user in Exact's UI: any field,
                                                                           read-only ones too; bumps Modified/Timestamp
    ``delete(table, key, division=None, user=None)``                       with its sync/Deleted row(s)
    ``record(table, key, division=None) -> dict | None``, ``records(table, division=None) -> list[dict]``
        stored values (copies); ``table`` is ``items``/``orders``/``lines``/``deleted`` or an endpoint path
Divisions and users
    ``division(number=None) -> Division``, ``divisions()``, ``users()``, ``user(user_id=None)``,
    ``add_division(number, name, grant=True)``, ``block_division(number, blocked=True)``
Tokens
    ``issue_tokens(client_id=None, user_id=None) -> TokenPair``            skip the login dance
    ``revoke_token(access_token)``, ``revoke_app(client_id=None)``, ``expire_tokens()``
Limits and faults
    ``set_limits(minutely=None, daily=None)``, ``clear_error_block()``
    ``fail_next(path, status=500, times=1, method=None)``, ``time_out_next(...)``, ``lose_response_next(...)``,
    ``slow_next(path, delay_s, ...)``; the raw ``faults`` (FaultPlan) and ``calls`` (CallLog) of the mock

It drives any ``ExactSite`` (the state it reaches in its mock; ``ExactOnlineMock`` is one), so it never imports
the mock's module: the mock builds its control surface.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from harness.clock import Clock, utc_datetime
from harness.errors import MockError
from harness.exact.auth import AuthServer, TokenPair
from harness.exact.factory import ExactFactory
from harness.exact.limits import ErrorBlock, RateLimiter
from harness.exact.records import Writer
from harness.exact.resources import ENDPOINTS, all_fields
from harness.exact.settings import ExactSettings
from harness.exact.store import Account, Division, Store, User
from harness.exact.validation import RecordError
from harness.exact.values import ValueProblem, input_value
from harness.mock.calls import CallLog
from harness.mock.faults import FaultPlan, FaultShortcuts

__all__ = ["ExactControl", "ExactSite", "SeedResult"]

_TABLES = ("items", "orders", "lines", "deleted")


class ExactSite(Protocol):
    """What the control surface reaches in its mock (``ExactOnlineMock``)."""

    @property
    def seed(self) -> int: ...

    @property
    def settings(self) -> ExactSettings: ...

    @property
    def store(self) -> Store: ...

    @property
    def auth(self) -> AuthServer: ...

    @property
    def limiter(self) -> RateLimiter: ...

    @property
    def error_block(self) -> ErrorBlock: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def faults(self) -> FaultPlan: ...

    @property
    def calls(self) -> CallLog: ...

    def now_ms(self) -> int: ...


@dataclass(frozen=True)
class SeedResult:
    """What ``seed`` created (keys), and the seed that made it."""

    seed: int
    division: int
    accounts: list[str]
    items: list[str]
    orders: list[str]


class ExactControl(FaultShortcuts):
    """Drive one ``ExactOnlineMock`` from a test."""

    def __init__(self, mock: ExactSite) -> None:
        self._mock = mock

    # -- plumbing --------------------------------------------------------------------------
    @property
    def faults(self) -> FaultPlan:
        return self._mock.faults

    @property
    def calls(self) -> CallLog:
        return self._mock.calls

    def division(self, number: int | None = None) -> Division:
        wanted = self._mock.settings.default_division if number is None else number
        found = self._mock.store.division(wanted)
        if found is None:
            raise MockError(f"the Exact mock has no division {wanted}; known: {sorted(self._mock.store.divisions)}")
        return found

    def user(self, user_id: str | None = None) -> User:
        wanted = user_id or self._mock.auth.default_user_id or ""
        found = self._mock.store.user(wanted)
        if found is None:
            raise MockError(f"the Exact mock has no user {wanted!r}")
        return found

    def divisions(self) -> list[Division]:
        return list(self._mock.store)

    def users(self) -> list[User]:
        return list(self._mock.store.users.values())

    def add_division(self, number: int, name: str, *, grant: bool = True) -> Division:
        """A new division; ``grant`` gives the default user access to it."""
        try:
            division = self._mock.store.add_division(number, name)
        except ValueError as exc:
            raise MockError(str(exc)) from None
        if grant:
            self.user().divisions.add(number)
        return division

    def block_division(self, number: int, blocked: bool = True) -> None:
        self.division(number).blocked = blocked

    def _writer(self, division: int | None, user: str | None) -> Writer:
        return Writer(self._mock.store, self.division(division), self.user(user), self._mock.now_ms())

    @staticmethod
    def _table(name: str) -> str:
        if name in _TABLES:
            return name
        endpoint = ENDPOINTS.get(name)
        if endpoint is None:
            raise MockError(f"unknown table {name!r}: use one of {', '.join(_TABLES)} or an endpoint path")
        return endpoint.table

    # -- data ------------------------------------------------------------------------------
    def add_account(self, name: str, code: str | None = None, *, division: int | None = None) -> Account:
        target = self.division(division)
        account = Account(self._mock.store.new_guid(), code or str(len(target.accounts) + 1).rjust(18), name)
        target.accounts[account.account_id] = account
        return account

    def seed(
        self, *, items: int = 50, orders: int = 10, seed: int | None = None, division: int | None = None
    ) -> SeedResult:
        """Fill a division with factory data: 5 accounts (at least), ``items`` items, ``orders`` orders."""
        used_seed = self._mock.seed if seed is None else seed
        factory = ExactFactory(used_seed)
        target = self.division(division)
        accounts = [
            self.add_account(**factory.account(len(target.accounts) + 1), division=target.number) for _ in range(5)
        ]
        item_ids = []
        for _ in range(items):
            draft = factory.item()
            while target.item_by_code(draft.fields["Code"]) is not None:
                draft = factory.item()
            item_ids.append(self._create_item(draft.fields, draft.ui_fields, target.number, None)["ID"])
        account_ids = [a.account_id for a in accounts]
        order_ids = []
        now = utc_datetime(self._mock.clock)
        for _ in range(orders if item_ids else 0):
            order_ids.append(
                self.create_order(factory.order(item_ids, account_ids, now), division=target.number)["OrderID"]
            )
        return SeedResult(used_seed, target.number, account_ids, item_ids, order_ids)

    def create_item(
        self,
        fields: Mapping[str, Any],
        *,
        read_only: Mapping[str, Any] | None = None,
        division: int | None = None,
        user: str | None = None,
    ) -> dict[str, Any]:
        """Create an item as the API would, then set UI-only fields (``StandardSalesPrice``, ``Stock``)."""
        return copy.deepcopy(self._create_item(fields, read_only or {}, division, user))

    def _create_item(
        self, fields: Mapping[str, Any], read_only: Mapping[str, Any], division: int | None, user: str | None
    ) -> dict[str, Any]:
        writer = self._writer(division, user)
        try:
            record = writer.create_item(dict(fields))
        except RecordError as exc:
            raise MockError(f"the Exact mock refused the item: {exc.message}") from None
        record.update(self._ui_values("items", read_only))
        return record

    def create_order(
        self, fields: Mapping[str, Any], *, division: int | None = None, user: str | None = None
    ) -> dict[str, Any]:
        """Create a sales order with its lines (``fields["SalesOrderLines"]``), as the API would."""
        try:
            return copy.deepcopy(self._writer(division, user).create_order(dict(fields)))
        except RecordError as exc:
            raise MockError(f"the Exact mock refused the sales order: {exc.message}") from None

    def edit(
        self, table: str, key: str, changes: Mapping[str, Any], *, division: int | None = None, user: str | None = None
    ) -> dict[str, Any]:
        """Change a record as a user in Exact's UI: any field (read-only ones too); bumps Modified and Timestamp."""
        name = self._table(table)
        if name == "deleted":
            raise MockError("sync/Deleted rows cannot be edited")
        writer = self._writer(division, user)
        record = writer.division.table(name).get(key)
        if record is None:
            raise MockError(f"no {name} record {key} in division {writer.division.number}")
        values = self._ui_values(name, changes)
        if name == "items" and "Code" in values:
            other = writer.division.item_by_code(values["Code"])
            if other is not None and other["ID"] != key:
                raise MockError(f"an item with code {values['Code']!r} exists already")
        record.update(values)
        if name == "items":
            writer.division.index_code(record)
            writer.describe_item(record)
        elif name == "lines":
            writer.derive_line(record, set(values), changed=set(values))
        writer.stamp(record, created=False)
        if name == "orders":
            writer.recompute_order(record, bump=False)
        elif name == "lines":
            writer.recompute_order(writer.division.orders[record["OrderID"]], bump=True)
        return copy.deepcopy(record)

    def _ui_values(self, table: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        fields = all_fields(table)
        out = {}
        for name, value in changes.items():
            spec = fields.get(name)
            if spec is None or spec.key or spec.edm_type == "Collection" or name == "Timestamp":
                raise MockError(f"{table} has no field {name!r} a user can edit")
            if isinstance(value, datetime):
                value = value.isoformat()
            try:
                out[name] = input_value(spec, value)
            except ValueProblem as exc:
                raise MockError(f"{table}.{name}: {exc}") from None
        return out

    def delete(self, table: str, key: str, *, division: int | None = None, user: str | None = None) -> None:
        """Delete a record as a user would (an order takes its lines along); sync/Deleted rows are logged."""
        name = self._table(table)
        writer = self._writer(division, user)
        try:
            {"items": writer.delete_item, "orders": writer.delete_order, "lines": writer.delete_line}[name](key)
        except RecordError as exc:
            raise MockError(f"the Exact mock refused the delete: {exc.message}") from None
        except KeyError:
            raise MockError("sync/Deleted rows cannot be deleted") from None

    def record(self, table: str, key: str, *, division: int | None = None) -> dict[str, Any] | None:
        found = self.division(division).table(self._table(table)).get(key)
        return copy.deepcopy(found) if found is not None else None

    def records(self, table: str, *, division: int | None = None) -> list[dict[str, Any]]:
        return [copy.deepcopy(r) for r in self.division(division).table(self._table(table)).values()]

    # -- tokens ----------------------------------------------------------------------------
    def issue_tokens(self, client_id: str | None = None, user_id: str | None = None) -> TokenPair:
        """A token pair as a completed login gives, without the dance."""
        return self._mock.auth.issue(client_id or self._mock.settings.client_id, self.user(user_id).user_id)

    def revoke_token(self, access_token: str) -> None:
        if not self._mock.auth.revoke_access(access_token):
            raise MockError("the Exact mock never issued that access token")

    def revoke_app(self, client_id: str | None = None) -> int:
        """Revoke every grant of an app (its refresh tokens too): the app must log in again."""
        return self._mock.auth.revoke_app(client_id or self._mock.settings.client_id)

    def expire_tokens(self) -> int:
        """Make every live access token expire now (refresh tokens stay good)."""
        return self._mock.auth.expire_access_tokens()

    # -- limits and faults -----------------------------------------------------------------
    def set_limits(self, minutely: int | None = None, daily: int | None = None) -> None:
        self._mock.limiter.set_limits(minutely, daily)

    def clear_error_block(self) -> None:
        self._mock.error_block.clear()
