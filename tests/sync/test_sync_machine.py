"""A model-based test of the reference engine between the two mocks (after Hypothesis's stateful tests
and vdirsyncer's SyncMachine): rules create items and orders in Exact Online, edit either side through
its API or its UI, clear, delete, inject faults, crash and restart the engine, let time pass and run
cycles. After a quiet cycle (cycles run until one writes nothing) the invariants state Talk's promises:
both sides agree on every mapped property of every linked pair, the link table is one-to-one, nothing
exists twice, no acknowledged edit is lost (the latest edit of a record wins, ties go to Exact), no
rate limit was exceeded, and neither mock failed.

The model is deliberately simple: per item and property, the value both sides agreed on at the last
quiet point, the latest value a user gave it on each side since, and when each side's record was last
edited by a user — the two APIs keep one modification time per record, not per property.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from engine_world import EngineWorld, variant
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from harness.errors import GaveUpError, MockError
from harness.exact.auth import App
from harness.mock.faults import FaultKind
from harness.sync.engine import SimulatedCrash

Json = dict[str, Any]
EXACT, SQUARESPACE = "exact", "squarespace"
MERCHANT_AGENT = "merchant-tool/1.0"  #: the User-Agent of the test's own Squarespace API edits
MERCHANT_APP = App("9d0c6b1e-0000-4f00-8000-00000000beef", "merchant-secret", "https://merchant.invalid/cb")

#: property -> (Exact field, Squarespace dotted path, flows both ways)
PROPERTIES: dict[str, tuple[str, str, bool]] = {
    "name": ("Description", "name", True),
    "text": ("ExtraDescription", "description", True),
    "weight": ("NetWeight", "variants.shippingMeasurements.weight.value", True),
    "visible": ("IsWebshopItem", "isVisible", True),
    "sku": ("Code", "variants.sku", True),
    "stock": ("Stock", "variants.stock.quantity", False),
    "price": ("StandardSalesPrice", "variants.pricing.basePrice.value", False),
}
API_WRITABLE = {"name", "text", "weight", "visible", "sku"}  #: Exact's Items API writes these; the UI all

NAMES = ("Bank", "Stoel eiken", "Tafel", "Kast wit", "Lamp")
TEXTS = ("", "Glanzend", "Mat zwart", "Twee deuren")
WEIGHTS = (0.5, 1.25, 3.0, 12.75)

FAULTS = [
    (EXACT, FaultKind.STATUS, 429, "GET", "sync/Logistics/Items"),
    (EXACT, FaultKind.STATUS, 503, "PUT", "logistics/Items"),
    (EXACT, FaultKind.LOST_RESPONSE, 0, "PUT", "logistics/Items"),
    (EXACT, FaultKind.TIMEOUT, 0, "GET", "sync/"),
    (EXACT, FaultKind.LOST_RESPONSE, 0, "DELETE", "logistics/Items"),
    (SQUARESPACE, FaultKind.STATUS, 429, "GET", "/commerce/products"),
    (SQUARESPACE, FaultKind.STATUS, 500, "POST", "/commerce/products"),
    (SQUARESPACE, FaultKind.LOST_RESPONSE, 0, "POST", "/commerce/products"),
    (SQUARESPACE, FaultKind.TIMEOUT, 0, "POST", "/variants/"),
    (SQUARESPACE, FaultKind.LOST_RESPONSE, 0, "POST", "/inventory/adjustments"),
    (SQUARESPACE, FaultKind.STATUS, 503, "POST", "/commerce/orders"),
    (SQUARESPACE, FaultKind.LOST_RESPONSE, 0, "POST", "/commerce/orders"),
]


def exact_value(item: Json, prop: str) -> Any:
    """An Exact item's property in the model's domain (the model keeps Exact's values)."""
    raw = item.get(PROPERTIES[prop][0])
    return _normal(prop, raw)


def agree(prop: str, in_exact: Any, in_squarespace: Any) -> bool:
    """Whether the two sides hold the same value; Squarespace holds no weight as a weight of 0."""
    if prop == "weight" and in_exact is None:
        return in_squarespace == 0
    return bool(in_exact == in_squarespace)


def squarespace_value(product: Json, prop: str) -> Any:
    node: Any = product
    for step in PROPERTIES[prop][1].split("."):
        node = node[0] if isinstance(node, list) else node
        node = node.get(step) if isinstance(node, dict) else None
    return _normal(prop, node)


def _normal(prop: str, raw: Any) -> Any:
    if prop in {"name", "text", "sku"}:
        return (raw or "").rstrip()
    if prop == "weight":
        return Decimal(repr(float(raw))) if raw is not None else None
    if prop == "visible":
        return bool(raw)
    if prop == "stock":
        return int(raw or 0)
    return Decimal(repr(float(raw or 0))).quantize(Decimal("0.01"))  # price


@dataclass
class ItemModel:
    """What the test knows of one Exact item and its product."""

    item_id: str
    agreed: dict[str, Any] = field(default_factory=dict)  #: at the last quiet point (empty: not yet)
    edits: dict[str, dict[str, Any]] = field(default_factory=lambda: {EXACT: {}, SQUARESPACE: {}})
    edited_at: dict[str, float] = field(default_factory=lambda: {EXACT: 0.0, SQUARESPACE: 0.0})
    orphaned: str | None = None  #: the id of its product, deleted: until the item is deleted too, or relinked
    orphaned_since: int = 0  #: the mark of Exact's call log when it was

    def expected(self, prop: str) -> Any:
        """What the pair should hold: the one edit since the last agreement, or of two the one on the record
        a user edited last (Exact on a tie); a one-way property always Exact's."""
        in_exact = self.edits[EXACT].get(prop, _UNSET)
        in_squarespace = self.edits[SQUARESPACE].get(prop, _UNSET)
        if not PROPERTIES[prop][2] or in_squarespace is _UNSET:
            return self.agreed[prop] if in_exact is _UNSET else in_exact
        if in_exact is _UNSET or self.edited_at[SQUARESPACE] > self.edited_at[EXACT]:
            return in_squarespace
        return in_exact


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="talkqa-machine-"))
        self.world = EngineWorld(self.folder / "state")
        self.world.exact.auth.register(MERCHANT_APP)
        self.merchant = self.world.squarespace.control.client(user_agent=MERCHANT_AGENT)
        self.items: dict[str, ItemModel] = {}
        self.orders: dict[str, int] = {}  #: Exact order id -> order number, for live Exact orders
        self.imported: set[int] = set()  #: order numbers seen imported (their lines checked then)
        self.codes = 0
        self.quiet = False

    # -- setting up and tearing down ---------------------------------------------------------
    @initialize(items=st.integers(1, 4))
    def start(self, items: int) -> None:
        for _ in range(items):
            self._new_item()
        self._settle()

    def teardown(self) -> None:
        """Every run ends quiet, with the quiet invariants checked once more."""
        try:
            self._settle()
            self.linked_pairs_agree()
            self.every_order_is_imported_once()
        finally:
            self.merchant.close()
            self.world.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -----------------------------------------------------------------------------
    def fresh_code(self) -> str:
        self.codes += 1
        return f"M-{self.codes:03d}"

    def _new_item(self, **fields: Any) -> ItemModel:
        code = self.fresh_code()
        created = self.world.new_item(code, NAMES[self.codes % len(NAMES)], IsWebshopItem=1, **fields)
        model = ItemModel(created["ID"])
        self.items[model.item_id] = model
        return model

    def _linked(self) -> list[str]:
        """Ids of live items linked to a product that was not deleted since."""
        key = self.world.section_key("squarespace:products")
        linked = {link.source_id for link in self.world.engine.links.links(key) if link.is_linked}
        return sorted(i for i, m in self.items.items() if i.lower() in linked and not m.orphaned)

    def _product(self, item_id: str) -> Json:
        return self.world.product_of(item_id)

    def _edited(self, model: ItemModel, side: str, prop: str, value: Any) -> None:
        """A user edit: the record's modification time moves (as the system stamps it: Squarespace keeps
        its stamps increasing, a millisecond apart within one instant); the property is changed unless it
        is back where the sides agreed (the engine sees values, not the edits between them)."""
        if side == EXACT:
            model.edited_at[side] = (self.world.item(model.item_id) or {})["Modified"] / 1000
        else:
            stamp = self._product(model.item_id)["modifiedOn"]
            model.edited_at[side] = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        normal = _normal(prop, value)
        agreed = model.agreed.get(prop, _UNSET)
        if agreed is not _UNSET and (normal == agreed or (side == SQUARESPACE and agree(prop, agreed, normal))):
            model.edits[side].pop(prop, None)
        else:
            model.edits[side][prop] = normal
        self.quiet = False

    def _settle(self) -> None:
        self.world.exact.faults.clear()
        self.world.squarespace.faults.clear()
        self.world.tick(60)
        self.world.settle(limit=8)
        self._observe()
        self.quiet = True

    def _observe(self) -> None:
        """After a cycle: every property both sides now agree on was settled — by the policy's winner
        (no acknowledged edit lost). The model agrees from here on."""
        links = self.world.engine.links
        key = self.world.section_key("squarespace:products")
        for item_id, model in list(self.items.items()):
            if not model.orphaned:
                continue
            if self.world.item(item_id) is None:
                del self.items[item_id]  # the delete crossed
            elif (link := links.get(key, item_id.lower())) is not None and link.target_id != model.orphaned:
                # read again (it changed since the cursor): created anew from Exact's values
                model.orphaned = None
                model.agreed.clear()
                model.edits = {EXACT: {}, SQUARESPACE: {}}
        self._observe_orders()
        for item_id in self._linked():
            model = self.items[item_id]
            item = self.world.item(item_id)
            if item is None:
                continue
            product = self._product(item_id)
            for prop in PROPERTIES:
                value = exact_value(item, prop)
                if not agree(prop, value, squarespace_value(product, prop)):
                    continue
                if prop in model.agreed:
                    assert value == model.expected(prop), (
                        f"{item_id} {prop}: {value!r}, expected {model.expected(prop)!r} "
                        f"(agreed {model.agreed[prop]!r}, edits {model.edits}, last edited {model.edited_at})"
                    )
                model.agreed[prop] = value
                model.edits[EXACT].pop(prop, None)
                model.edits[SQUARESPACE].pop(prop, None)

    # -- Exact ---------------------------------------------------------------------------------
    @rule()
    def create_item(self) -> None:
        self._new_item(NetWeight=2.0, ExtraDescription="Nieuw", Stock=5.0, StandardSalesPrice=19.95)
        self.quiet = False

    @precondition(lambda self: len(self.items) > 0)
    @rule(data=st.data(), lines=st.integers(1, 3))
    def create_order(self, data: st.DataObject, lines: int) -> None:
        chosen = data.draw(st.lists(st.sampled_from(sorted(self.items)), min_size=1, max_size=lines, unique=True))
        order = self.world.exact.control.create_order(
            {
                "OrderedBy": self.world.exact.control.add_account("Klant").account_id,
                "SalesOrderLines": [{"Item": i, "Quantity": float(n + 1)} for n, i in enumerate(chosen)],
            }
        )
        self.orders[order["OrderID"]] = int(order["OrderNumber"])
        self.quiet = False

    @precondition(lambda self: len(self.items) > 0)
    @rule(data=st.data(), prop=st.sampled_from(sorted(PROPERTIES)), ui=st.booleans())
    def edit_in_exact(self, data: st.DataObject, prop: str, ui: bool) -> None:
        item_id = data.draw(st.sampled_from(sorted(self.items)))
        self._edit_exact(item_id, prop, data.draw(_exact_values(prop, self)), ui)

    def _edit_exact(self, item_id: str, prop: str, value: Any, ui: bool) -> None:
        field_name = PROPERTIES[prop][0]
        if ui or prop not in API_WRITABLE:
            self.world.exact.control.edit("items", item_id, {field_name: value})
        else:
            self._exact_api_put(item_id, {field_name: value})
        self._edited(self.items[item_id], EXACT, prop, value)

    def _exact_api_put(self, item_id: str, body: Json) -> None:
        """A user's own app writes through Exact's API (retrying, as a user would, through injected faults)."""
        tokens = self.world.exact.control.issue_tokens(MERCHANT_APP.client_id)
        url = (
            f"https://start.exactonline.nl/api/v1/{self.world.exact.settings.default_division}"
            f"/logistics/Items(guid'{item_id}')"
        )
        headers = {"Authorization": f"Bearer {tokens.access_token}", "Accept": "application/json"}
        for _ in range(10):
            answer = self.world.exact.call("PUT", url, headers=headers, json_body=body)
            if not answer.timed_out and answer.status < 300:
                return
            assert answer.timed_out or answer.status in (429, 500, 503), answer.body
        raise AssertionError(f"the user's PUT of {body} kept failing")

    def _squarespace_api(self, act: Callable[[], object]) -> None:
        """A merchant's own tool writes through Squarespace's API (retrying through injected faults)."""
        for _ in range(3):
            try:
                act()
                return
            except GaveUpError:
                continue
        raise AssertionError("the merchant's API call kept failing")

    @precondition(lambda self: len(self.items) > 0)
    @rule(data=st.data())
    def delete_in_exact(self, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(sorted(self.items)))
        try:
            self.world.exact.control.delete("items", item_id)
        except MockError:
            return  # Exact refuses: the item is on a sales order
        del self.items[item_id]
        self.quiet = False

    @precondition(lambda self: len(self.orders) > 0)
    @rule(data=st.data())
    def delete_order_in_exact(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(sorted(self.orders)))
        self.world.exact.control.delete("orders", order_id)
        del self.orders[order_id]
        self.quiet = False

    # -- Squarespace ---------------------------------------------------------------------------
    @precondition(lambda self: len(self._linked()) > 0)
    @rule(data=st.data(), prop=st.sampled_from(sorted(PROPERTIES)), ui=st.booleans())
    def edit_in_squarespace(self, data: st.DataObject, prop: str, ui: bool) -> None:
        item_id = data.draw(st.sampled_from(self._linked()))
        self._edit_squarespace(item_id, prop, data.draw(_squarespace_values(prop, self)), ui)

    @precondition(lambda self: len(self._linked()) > 0)
    @rule(
        data=st.data(),
        prop=st.sampled_from(sorted(p for p, (_, _, both_ways) in PROPERTIES.items() if both_ways)),
        exact_first=st.booleans(),
        gap=st.sampled_from([0, 2]),
        ui=st.booleans(),
    )
    def edit_both_sides(self, data: st.DataObject, prop: str, exact_first: bool, gap: int, ui: bool) -> None:
        """The same property edited on both sides before the engine runs: the later edit must win."""
        item_id = data.draw(st.sampled_from(self._linked()))
        in_exact, in_squarespace = data.draw(_exact_values(prop, self)), data.draw(_squarespace_values(prop, self))
        edits = [
            lambda: self._edit_exact(item_id, prop, in_exact, ui),
            lambda: self._edit_squarespace(item_id, prop, in_squarespace, ui),
        ]
        for edit in edits if exact_first else reversed(edits):
            edit()
            self.world.tick(gap)

    def _edit_squarespace(self, item_id: str, prop: str, value: Any, ui: bool) -> None:
        product = self._product(item_id)
        path = PROPERTIES[prop][1]
        if ui:
            self.world.squarespace.control.edit_product(product["id"], {path: value})
        elif prop == "stock":
            key = self.merchant.new_idempotency_key()
            self._squarespace_api(
                lambda: self.merchant.adjust_inventory(set_finite={variant(product)["id"]: value}, idempotency_key=key)
            )
        elif path.startswith("variants."):
            change = _nested(path.removeprefix("variants."), value)
            if prop == "price":
                change["pricing"]["basePrice"]["currency"] = "EUR"
            if prop == "weight":
                change["shippingMeasurements"]["weight"]["unit"] = "KILOGRAM"
            self._squarespace_api(lambda: self.merchant.update_variant(product["id"], variant(product)["id"], change))
        else:
            self._squarespace_api(lambda: self.merchant.update_product(product["id"], {path: value}))
        self._edited(self.items[item_id], SQUARESPACE, prop, value)

    @precondition(lambda self: len(self._linked()) > 0)
    @rule(data=st.data())
    def delete_in_squarespace(self, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(self._linked()))
        product_id = self._product(item_id)["id"]
        self.world.squarespace.control.delete_product(product_id)
        model = self.items[item_id]
        model.orphaned = product_id  # until the engine deletes the item, or reports that Exact refused to
        model.orphaned_since = self.world.exact.calls.mark()
        model.agreed.clear()
        model.edits = {EXACT: {}, SQUARESPACE: {}}
        self.quiet = False

    # -- the engine and the world around it ------------------------------------------------------
    @rule(index=st.integers(0, len(FAULTS) - 1), times=st.sampled_from([1, 2, 6]))
    def inject_fault(self, index: int, times: int) -> None:
        system, kind, status, method, path = FAULTS[index]
        mock = self.world.exact if system == EXACT else self.world.squarespace
        mock.faults.inject(kind, status=status or 500, times=times, method=method, path=path)
        self.quiet = False

    @rule()
    def expire_exact_tokens(self) -> None:
        self.world.exact.control.expire_tokens()

    @rule(seconds=st.sampled_from([1, 5, 61, 3600]))
    def let_time_pass(self, seconds: int) -> None:
        self.world.tick(seconds)

    @rule()
    def run_cycle(self) -> None:
        self.world.cycle()
        self._observe()
        self.quiet = False

    @rule(after_writes=st.integers(0, 3))
    def crash_and_restart(self, after_writes: int) -> None:
        self.world.engine.engine.crash_after_writes = after_writes
        with contextlib.suppress(SimulatedCrash):
            self.world.cycle()
        self.world.restart()
        self._observe()
        self.quiet = False

    @rule(after_writes=st.integers(1, 3))
    def blackout_and_restart(self, after_writes: int) -> None:
        with self.world.blackout(after_writes):
            self.world.cycle()
        self.world.restart()
        self._observe()
        self.quiet = False

    @rule()
    def settle(self) -> None:
        """Cycles until one writes nothing (the invariants that need a quiet point hold after it)."""
        self._settle()

    # -- invariants ------------------------------------------------------------------------------
    @invariant()
    def nothing_exists_twice(self) -> None:
        assert self.world.squarespace.control.duplicate_skus() == {}
        references = [o["externalOrderReference"] for o in self.world.orders()]
        assert len(references) == len(set(references)), references
        assert self.world.engine.links.check() == []

    @invariant()
    def no_mock_failed_and_no_limit_was_exceeded(self) -> None:
        assert self.world.crashes() == []
        exceeded = [r for r in self.world.rate_limited() if dict(r.request_headers).get("user-agent") != MERCHANT_AGENT]
        assert exceeded == [], [r.summary() for r in exceeded]

    @precondition(lambda self: self.quiet)
    @invariant()
    def linked_pairs_agree(self) -> None:
        links = self.world.engine.links
        waiting = {order_id.lower() for order_id in self._waiting_orders()}
        assert {link.source_id for link in links.pending_creates()} <= waiting, "a create left half done"
        linked = set(self._linked())
        in_table = {link.source_id for link in links.links(self.world.section_key("squarespace:products"))}
        products = {p["id"] for p in self.world.products()}
        for item_id, model in self.items.items():
            assert (item_id.lower() in in_table) is (model.orphaned is None), f"item {item_id}, {model.orphaned}"
            if model.orphaned:  # its product is gone and it is still here: the engine tried, Exact refused
                refused = [
                    r
                    for r in self.world.exact.calls.since(model.orphaned_since)
                    if r.method == "DELETE" and item_id in r.path and 400 <= r.status < 500
                ]
                assert refused, f"item {item_id}: its product was deleted, and it was neither deleted nor refused"
        assert len(products) == len(linked), "a product without its item, or an item without its product"
        for item_id in linked:
            item = self.world.item(item_id)
            assert item is not None
            product = self._product(item_id)
            for prop in PROPERTIES:
                assert agree(prop, exact_value(item, prop), squarespace_value(product, prop)), (
                    item_id,
                    prop,
                    item,
                    product,
                )
            assert self.items[item_id].edits == {EXACT: {}, SQUARESPACE: {}}, "an edit did not settle"

    @precondition(lambda self: self.quiet)
    @invariant()
    def every_order_is_imported_once(self) -> None:
        """At a quiet point every order is imported, unless one of its items waits to be linked again."""
        by_reference = {o["externalOrderReference"] for o in self.world.orders()}
        assert {str(n) for n in self.imported} <= by_reference, "an imported order disappeared"
        waiting = self._waiting_orders()
        for order_id, number in self.orders.items():
            if number not in self.imported:
                assert order_id in waiting, f"order {number} was not imported"

    def _waiting_orders(self) -> list[str]:
        """Orders that wait for an item of theirs to be linked again (its product was deleted)."""
        lines = self.world.exact.control.records("lines")
        orphans = {i for i, m in self.items.items() if m.orphaned}
        return [o for o in self.orders if any(li["Item"] in orphans for li in lines if li["OrderID"] == o)]

    def _observe_orders(self) -> None:
        """An order seen imported for the first time (right after the cycle that imported it) has one line
        item per Exact line, on the variant of that line's item's product, in line order."""
        by_reference = {o["externalOrderReference"]: o for o in self.world.orders()}
        lines = sorted(self.world.exact.control.records("lines"), key=lambda li: li["LineNumber"])
        for order_id, number in self.orders.items():
            if number in self.imported or str(number) not in by_reference:
                continue
            items = [li["Item"] for li in lines if li["OrderID"] == order_id]
            assert set(items) <= set(self._linked()), f"order {number} imported with an unlinked item"
            variants = [variant(self._product(i))["id"] for i in items]
            assert [li["variantId"] for li in by_reference[str(number)]["lineItems"]] == variants
            self.imported.add(number)


class _Unset:
    pass


_UNSET = _Unset()


def _nested(path: str, value: Any) -> Json:
    out: Json = {}
    node = out
    *parents, leaf = path.split(".")
    for name in parents:
        node = node.setdefault(name, {})
    node[leaf] = value
    return out


def _exact_values(prop: str, machine: SyncMachine) -> st.SearchStrategy[Any]:
    if prop == "name":
        return st.sampled_from(NAMES).map(lambda n: f"{n} E")
    if prop == "text":
        return st.sampled_from((*TEXTS, None))
    if prop == "weight":
        return st.sampled_from((*WEIGHTS, None))
    if prop == "visible":
        return st.sampled_from((0, 1))
    if prop == "sku":
        return st.builds(machine.fresh_code)
    if prop == "stock":
        return st.integers(0, 40).map(float)
    return st.sampled_from((4.5, 9.99, 25.0))  # price


def _squarespace_values(prop: str, machine: SyncMachine) -> st.SearchStrategy[Any]:
    if prop == "name":
        return st.sampled_from(NAMES).map(lambda n: f"{n} S")
    if prop == "text":
        return st.sampled_from(TEXTS)
    if prop == "weight":
        return st.sampled_from((*WEIGHTS, 0.0))
    if prop == "visible":
        return st.booleans()
    if prop == "sku":
        return st.builds(machine.fresh_code)
    if prop == "stock":
        return st.integers(0, 40)
    return st.sampled_from(("1.00", "7.50"))  # price


SyncMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestSyncMachine = SyncMachine.TestCase
