"""The factory: plausible, seeded Exact data."""

from __future__ import annotations

import re

from harness.exact.factory import ExactFactory


def test_the_same_seed_gives_the_same_items_and_another_seed_other_ones() -> None:
    first = [ExactFactory(11).item() for _ in range(1)]
    again = [ExactFactory(11).item() for _ in range(1)]
    other = [ExactFactory(12).item() for _ in range(1)]
    assert first == again
    assert first != other


def test_items_look_like_exact_items() -> None:
    factory = ExactFactory(1)
    drafts = [factory.item() for _ in range(200)]
    codes = [d.fields["Code"] for d in drafts]
    assert len(set(codes)) == 200
    assert all(re.fullmatch(r"[A-Z]{3}-\d{4}", c) for c in codes)
    assert all(0 < len(d.fields["Description"]) <= 60 for d in drafts)
    assert all(len(d.fields.get("ExtraDescription", "")) <= 255 for d in drafts)
    assert {d.fields["Unit"] for d in drafts} <= {"stuk", "set", "doos"}
    assert {d.fields["SalesVatCode"] for d in drafts} <= {"0", "1", "2"}
    assert all(d.ui_fields["StandardSalesPrice"] > d.fields["CostPriceStandard"] > 0 for d in drafts)


def test_orders_have_one_to_five_lines_over_the_given_items() -> None:
    factory = ExactFactory(2)
    items = [f"item-{n}" for n in range(10)]
    orders = [factory.order(items, ["acct"]) for _ in range(100)]
    assert {len(o["SalesOrderLines"]) for o in orders} == {1, 2, 3, 4, 5}
    assert all(line["Item"] in items for o in orders for line in o["SalesOrderLines"])
    assert all(o["DeliveryDate"] >= o["OrderDate"] for o in orders)


def test_account_codes_are_right_aligned_in_18_characters() -> None:
    assert ExactFactory(1).account(42)["code"] == " " * 16 + "42"
