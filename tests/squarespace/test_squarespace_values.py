"""Value rules: money as decimal strings exact to the cent, ISO 8601 times in milliseconds, ids."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.squarespace.values import (
    IdFactory,
    format_iso,
    format_money,
    is_object_id,
    is_variant_id,
    parse_iso,
    parse_money,
    slugify,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("29.99", Decimal("29.99")),
        ("29.9", Decimal("29.9")),
        ("29", Decimal("29")),
        ("0", Decimal("0")),
        ("0.01", Decimal("0.01")),
        ("1000000", Decimal("1000000")),
        ("1000000.00", Decimal("1000000.00")),
        ("1000000.01", None),
        ("29.999", None),
        ("-1.00", None),
        ("01.00", None),
        ("1e3", None),
        (" 1.00", None),
        ("", None),
        (29.99, None),
        (None, None),
    ],
)
def test_money_is_a_decimal_string_of_at_most_two_decimals(given: object, expected: Decimal | None) -> None:
    assert parse_money(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"), [("29.9", "29.90"), ("29", "29.00"), ("0.1", "0.10"), ("1000000", "1000000.00")]
)
def test_money_is_answered_with_two_decimals(given: str, expected: str) -> None:
    value = parse_money(given)
    assert value is not None and format_money(value) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-01-05T09:00:00Z", 1_767_603_600_000),
        ("2026-01-05T09:00:00.123Z", 1_767_603_600_123),
        ("2026-01-05T09:00:00.1239Z", 1_767_603_600_123),
        ("2026-01-05T10:00:00+01:00", 1_767_603_600_000),
        ("2026-01-05T09:00:00", None),
        ("2026-02-30T09:00:00Z", None),
        ("yesterday", None),
        (1_767_603_600, None),
    ],
)
def test_iso_times_need_a_zone_and_keep_milliseconds(given: object, expected: int | None) -> None:
    assert parse_iso(given) == expected


def test_times_are_answered_in_utc_with_milliseconds_and_z() -> None:
    assert format_iso(1_767_603_600_007) == "2026-01-05T09:00:00.007Z"


def test_ids_from_the_same_seed_are_the_same_and_well_formed() -> None:
    first, second = IdFactory(3), IdFactory(3)
    ids = [first.object_id(1_767_603_600), first.variant_id()]
    assert ids == [second.object_id(1_767_603_600), second.variant_id()]
    assert is_object_id(ids[0]) and ids[0].startswith("695b")
    assert is_variant_id(ids[1]) and not is_object_id(ids[1])


@pytest.mark.parametrize(("name", "slug"), [("Stoneware Mug", "stoneware-mug"), ("  Ça va -- bien!", "a-va-bien")])
def test_a_slug_is_letters_and_digits_with_single_hyphens(name: str, slug: str) -> None:
    assert slugify(name) == slug
