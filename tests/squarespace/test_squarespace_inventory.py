"""The Inventory API: the stock view of every variant, read by cursor or ids, and keyed
adjustments that apply all at once, exactly once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from squarespace_helpers import Api, error_of

from harness.clock import VirtualClock
from harness.squarespace.control import SquarespaceControl

INVENTORY = "/1.0/commerce/inventory"
ADJUST = f"{INVENTORY}/adjustments"


@pytest.fixture
def variants(control: SquarespaceControl) -> list[str]:
    """Three variants with 10, 0 and unlimited stock."""
    out = []
    for sku, quantity, unlimited in (("A-1", 10, False), ("B-1", 0, False), ("C-1", 0, True)):
        product = control.create_product(name=f"Item {sku}", sku=sku, quantity=quantity, unlimited=unlimited)
        out.append(product["variants"][0]["id"])
    return out


def _quantities(control: SquarespaceControl, ids: list[str]) -> list[int | None]:
    items = [control.inventory_item(i) for i in ids]
    return [None if item["isUnlimited"] else item["quantity"] for item in items]


def _adjust(api: Api, body: dict[str, Any], key: str = "adj-1") -> Any:
    return api.post(ADJUST, json=body, headers={"Idempotency-Key": key})


def test_an_inventory_item_is_the_stock_view_of_a_variant(api: Api, control: SquarespaceControl) -> None:
    product = control.create_product(name="Linen Apron", sku="APR-1", quantity=4)
    variant_id = product["variants"][0]["id"]
    assert api.get(f"{INVENTORY}/{variant_id}").json() == {
        "inventory": [
            {"variantId": variant_id, "sku": "APR-1", "descriptor": "Linen Apron", "isUnlimited": False, "quantity": 4}
        ]
    }


def test_inventory_is_listed_50_a_page_by_cursor(api: Api, control: SquarespaceControl) -> None:
    control.seed(products=75, orders=0)
    first = api.get(INVENTORY).json()
    second = api.get(INVENTORY, params={"cursor": first["pagination"]["nextPageCursor"]}).json()
    assert (len(first["inventory"]), len(second["inventory"])) == (50, 25)
    assert second["pagination"]["hasNextPage"] is False
    assert [i["variantId"] for i in first["inventory"] + second["inventory"]] == [
        i["variantId"] for i in control.inventory()
    ]


def test_inventory_by_ids_answers_every_item_asked_in_no_promised_order(api: Api, variants: list[str]) -> None:
    asked = [variants[2], variants[0], variants[1]]
    items = api.get(f"{INVENTORY}/{','.join(asked)}").json()["inventory"]
    assert sorted(i["variantId"] for i in items) == sorted(asked)
    assert [i["variantId"] for i in items] == sorted(asked)  # the mock's order: by id, not the order asked


@pytest.mark.parametrize(
    ("ids", "status"),
    [
        ("00000000-0000-4000-8000-000000000000", 404),
        ("0123456789abcdef01234567", 400),
        (",".join(f"00000000-0000-4000-8000-{i:012x}" for i in range(51)), 400),
    ],
)
def test_inventory_by_unknown_malformed_or_too_many_ids_is_refused(api: Api, ids: str, status: int) -> None:
    error_of(api.get(f"{INVENTORY}/{ids}"), status)


def test_every_kind_of_operation_applies_in_one_request(
    api: Api, control: SquarespaceControl, variants: list[str]
) -> None:
    extra = control.create_product(name="Item D", sku="D-1", quantity=3)["variants"][0]["id"]
    body = {
        "incrementOperations": [{"variantId": variants[0], "quantity": 5}],
        "decrementOperations": [{"variantId": extra, "quantity": 3}],
        "setFiniteOperations": [{"variantId": variants[2], "quantity": 40}],
        "setUnlimitedOperations": [variants[1]],
    }
    response = _adjust(api, body)
    assert response.status_code == 204 and response.content == b""
    assert _quantities(control, [*variants, extra]) == [15, None, 40, 0]


def test_an_adjustment_moves_the_products_modified_on(
    api: Api, control: SquarespaceControl, variants: list[str], clock: VirtualClock
) -> None:
    before = control.product_of_variant(variants[0])["modifiedOn"]
    clock.advance(5)
    _adjust(api, {"incrementOperations": [{"variantId": variants[0], "quantity": 1}]})
    assert control.product_of_variant(variants[0])["modifiedOn"] == "2026-01-05T09:00:05.000Z" > before


def test_a_replayed_key_with_the_same_body_answers_the_same_and_applies_once(
    api: Api, control: SquarespaceControl, variants: list[str]
) -> None:
    body = {"incrementOperations": [{"variantId": variants[0], "quantity": 5}]}
    first, again = _adjust(api, body, "key-1"), _adjust(api, body, "key-1")
    assert (first.status_code, first.content) == (again.status_code, again.content) == (204, b"")
    assert _quantities(control, variants[:1]) == [15]
    _adjust(api, body, "key-2")
    assert _quantities(control, variants[:1]) == [20]


def test_a_replayed_refusal_is_the_same_refusal(api: Api, control: SquarespaceControl, variants: list[str]) -> None:
    body = {"decrementOperations": [{"variantId": variants[1], "quantity": 1}]}
    first = _adjust(api, body, "key-1")
    control.set_stock(variants[1], 5)
    again = _adjust(api, body, "key-1")
    assert first.status_code == again.status_code == 409 and first.json() == again.json()
    assert _quantities(control, variants[1:2]) == [5]


def test_a_replayed_key_with_another_body_answers_409(
    api: Api, control: SquarespaceControl, variants: list[str]
) -> None:
    _adjust(api, {"incrementOperations": [{"variantId": variants[0], "quantity": 5}]}, "key-1")
    response = _adjust(api, {"incrementOperations": [{"variantId": variants[0], "quantity": 6}]}, "key-1")
    assert error_of(response, 409)["subtype"] == "IDEMPOTENCY_KEY_REUSED"
    assert _quantities(control, variants[:1]) == [15]


def test_the_same_body_in_other_whitespace_is_the_same_request(api: Api, variants: list[str]) -> None:
    compact = f'{{"incrementOperations":[{{"variantId":"{variants[0]}","quantity":1}}]}}'
    spaced = f'{{ "incrementOperations" : [ {{ "quantity" : 1, "variantId" : "{variants[0]}" }} ] }}'
    for raw in (compact, spaced):
        response = api.post(ADJUST, content=raw, headers={"Idempotency-Key": "k", "Content-Type": "application/json"})
        assert response.status_code == 204


def test_a_key_is_remembered_for_48_hours(
    api: Api, control: SquarespaceControl, variants: list[str], clock: VirtualClock
) -> None:
    body = {"incrementOperations": [{"variantId": variants[0], "quantity": 1}]}
    _adjust(api, body, "k")
    clock.advance(47 * 3600)
    _adjust(api, body, "k")
    assert _quantities(control, variants[:1]) == [11]
    clock.advance(2 * 3600)
    _adjust(api, body, "k")
    assert _quantities(control, variants[:1]) == [12]


@pytest.mark.parametrize("key", [None, "", "has space", "x" * 65, "key.with.dots", "a/b"])
def test_an_adjustment_without_a_usable_idempotency_key_answers_400(
    api: Api, variants: list[str], key: str | None
) -> None:
    headers = {} if key is None else {"Idempotency-Key": key}
    body = {"incrementOperations": [{"variantId": variants[0], "quantity": 1}]}
    error_of(api.post(ADJUST, json=body, headers=headers), 400)


def test_a_decrement_below_zero_is_refused_and_nothing_in_the_request_applies(
    api: Api, control: SquarespaceControl, variants: list[str]
) -> None:
    body = {
        "incrementOperations": [{"variantId": variants[1], "quantity": 3}],
        "decrementOperations": [{"variantId": variants[0], "quantity": 11}],
    }
    assert error_of(_adjust(api, body), 409)["subtype"] == "INSUFFICIENT_STOCK"
    assert _quantities(control, variants[:2]) == [10, 0]


def test_adding_to_unlimited_stock_is_refused(api: Api, variants: list[str]) -> None:
    response = _adjust(api, {"incrementOperations": [{"variantId": variants[2], "quantity": 1}]})
    assert error_of(response, 409)["subtype"] == "UNLIMITED_STOCK"


def test_at_most_50_operations_are_taken_at_once(api: Api, control: SquarespaceControl) -> None:
    filled = control.seed(products=51, orders=0)
    ids = [control.product(p)["variants"][0]["id"] for p in filled.product_ids]
    fifty = {"setFiniteOperations": [{"variantId": v, "quantity": 7} for v in ids[:50]]}
    assert _adjust(api, fifty, "k50").status_code == 204
    fifty_one = {"setFiniteOperations": [{"variantId": v, "quantity": 8} for v in ids]}
    assert "at most 50" in error_of(_adjust(api, fifty_one, "k51"), 400)["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"incrementOperations": []},
        {"incrementOperations": [{"variantId": "V0", "quantity": 0}]},
        {"decrementOperations": [{"variantId": "V0", "quantity": -1}]},
        {"setFiniteOperations": [{"variantId": "V0", "quantity": -1}]},
        {"setFiniteOperations": [{"variantId": "V0", "quantity": "5"}]},
        {"setFiniteOperations": [{"variantId": "V0"}]},
        {"setFiniteOperations": [{"variantId": "V0", "quantity": 1, "sku": "A-1"}]},
        {"setUnlimitedOperations": [{"variantId": "V0"}]},
        {"setUnlimitedOperations": ["V0", "V0"]},
        {"incrementOperations": [{"variantId": "V0", "quantity": 1}], "setUnlimitedOperations": ["V0"]},
        {"setUnlimitedOperations": ["not-a-variant"]},
        {"setUnlimitedOperations": ["00000000-0000-4000-8000-000000000000"]},
        {"adjustments": []},
        {"incrementOperations": {"variantId": "V0", "quantity": 1}},
    ],
)
def test_a_malformed_adjustment_answers_400_and_changes_nothing(
    api: Api, control: SquarespaceControl, variants: list[str], body: dict[str, Any]
) -> None:
    raw = json.loads(json.dumps(body).replace("V0", variants[0]))
    error_of(_adjust(api, raw), 400)
    assert _quantities(control, variants) == [10, 0, None]
