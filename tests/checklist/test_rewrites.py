"""What a never-quiet cycle rewrites, named property by property (harness.checklist.rewrites)."""

from __future__ import annotations

import json

from harness.checklist.rewrites import describe_rewrites, write_leaves
from harness.mock.calls import CallRecord

PRODUCT = "https://api.squarespace.com/1.1/commerce/products/695b7d90f227df04472f05d0"


def _write(url: str, body: object, seq: int = 1, service: str = "squarespace") -> CallRecord:
    return CallRecord(seq, service, "POST", url, url, 200, 0, 0, 0.0, 0.0, request_excerpt=json.dumps(body))


def _price(value: str, variant: str = "baf35a2e-45f6-42e7-8ade-099200cb25fc") -> CallRecord:
    return _write(f"{PRODUCT}/variants/{variant}", {"pricing": {"basePrice": {"value": value}}})


def test_a_write_is_read_as_dotted_properties() -> None:
    record = _write(PRODUCT, {"name": "Tas", "variants": [{"sku": "A1", "stock": {"quantity": 3}}]})
    assert write_leaves(record) == {"name": "Tas", "variants[0].sku": "A1", "variants[0].stock.quantity": 3}
    assert write_leaves(CallRecord(1, "exact", "PUT", PRODUCT, PRODUCT, 204, 0, 0, 0.0, 0.0)) == {}


def test_the_same_value_written_every_cycle_is_named_with_its_value() -> None:
    headline, detail = describe_rewrites([_price("190.00")], [_price("190.00")])
    assert headline == 'rewritten each cycle: squarespace variants pricing.basePrice.value = "190.00" again'
    assert detail == 'squarespace POST /1.1/commerce/products/{id}/variants/{id}: pricing.basePrice.value = "190.00"'


def test_a_value_that_flips_each_cycle_is_named_with_both_values() -> None:
    headline, _ = describe_rewrites([_price("190.00")], [_price("189.95")])
    assert headline == 'rewritten each cycle: squarespace variants pricing.basePrice.value: "189.95" → "190.00"'


def test_two_records_are_not_mixed_up() -> None:
    other = "0b1c2d3e-45f6-42e7-8ade-099200cb25fc"
    headline, _ = describe_rewrites(
        [_price("190.00"), _price("5.00", other)], [_price("5.00", other), _price("190.00")]
    )
    assert "→" not in headline and headline.count("again") == 2


def test_more_properties_than_the_headline_holds_are_counted() -> None:
    body = {"a": 1, "b": 2, "c": 3, "d": 4}
    headline, detail = describe_rewrites([_write(PRODUCT, body)], [])
    assert headline == "written in the last cycle: squarespace products a = 1; squarespace products b = 2 (and 2 more)"
    assert detail.endswith("a = 1, b = 2, c = 3, d = 4")


def test_an_odata_write_is_named_by_its_entity_set() -> None:
    url = "https://start.exactonline.nl/api/v1/1/logistics/Items(guid'6c3f8a0e-4b1d-4e57-9a2c-5d7e8f901234')"
    headline, _ = describe_rewrites([_write(url, {"StandardSalesPrice": 190.0}, service="exact")], [])
    assert headline == "written in the last cycle: exact Items StandardSalesPrice = 190.0"


def test_writes_without_a_json_body_are_counted() -> None:
    record = CallRecord(1, "exact", "DELETE", PRODUCT, PRODUCT, 204, 0, 0, 0.0, 0.0)
    assert describe_rewrites([record], [])[0] == "1 write(s) in the last cycle"
