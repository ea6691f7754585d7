"""Values cross a mapping row under its data type's rules: tables of conversions and their edge cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from harness.errors import ConversionError, MappingError
from harness.mapping.kinds import datatype_fits
from harness.sync.codecs import format_exact_datetime, parse_exact_datetime
from harness.sync.convert import Conversion, conversion_for

CODE = conversion_for("String", "string", "string")
DESCRIPTION = conversion_for("String", "html", "string")
ORDER_NUMBER = conversion_for("Int32", "string", "string")
TIMESTAMP = conversion_for("Int64", "integer", "integer")
SHORT = conversion_for("Int16", "integer", "integer")
PRICE = conversion_for("Double", "money", "float")
WEIGHT = conversion_for("Double", "number", "float")
STOCK = conversion_for("Double", "integer", "integer")
ORDER_DATE = conversion_for("DateTime", "datetime", "string")
FLAG = conversion_for("Byte", "boolean", "boolean")
BYTE = conversion_for("Byte", "integer", "integer")
SWITCH = conversion_for("Boolean", "boolean", "boolean")
GUID = conversion_for("Guid", "id", "string")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("A-100", "A-100"),
        ("A-100     ", "A-100"),  # Exact pads code fields to their width
        ("stuk    ", "stuk"),
        ("  lead", "  lead"),  # leading spaces are part of the value
        ("tab\t", "tab\t"),  # only spaces are padding
        ("line\n", "line\n"),
        ("", ""),
        ("    ", ""),
        (None, ""),
        ("ünï cødé ✓", "ünï cødé ✓"),
    ],
)
def test_text_drops_trailing_spaces_on_the_way_to_the_target(given: str | None, expected: str) -> None:
    assert CODE.to_target(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [("sku-1", "sku-1"), ("sku-1  ", "sku-1"), ("", ""), ("<p>Hi</p> ", "<p>Hi</p>")],
)
def test_text_drops_trailing_spaces_on_the_way_back_too(given: str, expected: str) -> None:
    assert DESCRIPTION.to_source(given) == expected


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("A-100     ", "A-100", True),
        ("A-100", "A-100 ", True),
        ("A-100", "a-100", False),
        (" A-100", "A-100", False),
        ("", None, True),
        ("   ", "", True),
        ("A", "", False),
    ],
)
def test_text_equality_ignores_only_trailing_spaces(source: str, target: str | None, expected: bool) -> None:
    assert CODE.same(source, target) is expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [(1001, "1001"), (0, "0"), (-5, "-5"), (2**31 - 1, "2147483647"), (None, None)],
)
def test_an_int32_order_number_becomes_its_decimal_string(given: int | None, expected: str | None) -> None:
    assert ORDER_NUMBER.to_target(given) == (expected if expected is not None else "")


@pytest.mark.parametrize("given", ["01001", "-0", "+5", "1 001", "1e3", "10.0", "٣", str(2**31)])
def test_an_order_number_string_that_cannot_come_back_unchanged_is_refused(given: str) -> None:
    with pytest.raises(ConversionError):
        ORDER_NUMBER.to_source(given)


def test_an_order_number_with_a_leading_zero_is_not_the_same_number() -> None:
    assert ORDER_NUMBER.same(1001, "1001")
    assert not ORDER_NUMBER.same(1001, "01001")


@pytest.mark.parametrize(
    ("given", "expected"),
    [(2**63 - 1, 2**63 - 1), ("9223372036854775807", 2**63 - 1), (-(2**63), -(2**63)), ("12", 12)],
)
def test_int64_accepts_the_odata_string_form_and_keeps_large_values(given: int | str, expected: int) -> None:
    assert TIMESTAMP.to_target(given) == expected


@pytest.mark.parametrize(("conversion", "value"), [(TIMESTAMP, 2**63), (SHORT, 2**15), (SHORT, -(2**15) - 1)])
def test_an_integer_outside_the_edm_range_cannot_come_back(conversion: Conversion, value: int) -> None:
    with pytest.raises(ConversionError, match="outside the range"):
        conversion.to_source(value)


@pytest.mark.parametrize("given", [True, 1.0, "1"])
def test_an_int32_is_only_an_int(given: object) -> None:
    with pytest.raises(ConversionError):
        SHORT.to_target(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (19.99, "19.99"),
        (20.0, "20.00"),
        (20, "20.00"),
        (0.1, "0.10"),
        (0.01, "0.01"),
        (0.0, "0.00"),
        (-0.0, "0.00"),
        (-12.5, "-12.50"),
        (1234567.89, "1234567.89"),
        (1e22, "10000000000000000000000.00"),
        (0.1 + 0.7, None),  # 0.7999999999999999
        (None, None),
    ],
)
def test_a_double_price_becomes_a_money_string_without_losing_a_cent(given: float | None, expected: str | None) -> None:
    if expected is None and given is not None:
        with pytest.raises(ConversionError):
            PRICE.to_target(given)
    else:
        assert PRICE.to_target(given) == expected


@pytest.mark.parametrize("given", [0.1 + 0.2, 19.999, 0.001, 1e-7, 5e-324])
def test_a_double_with_more_than_cents_is_refused_not_rounded(given: float) -> None:
    with pytest.raises(ConversionError, match="more than 2 decimals"):
        PRICE.to_target(given)


def test_the_refusal_names_both_sides_and_what_to_do() -> None:
    with pytest.raises(ConversionError) as caught:
        PRICE.to_target(0.1 + 0.2)
    message = str(caught.value)
    assert "0.30000000000000004" in message
    assert "Exact Online Edm.Double" in message
    assert "Squarespace money" in message
    assert "round it" in message
    assert isinstance(caught.value, MappingError)


@pytest.mark.parametrize("given", [float("nan"), float("inf"), float("-inf"), True, "19.99", 2**1030])
def test_a_price_that_is_no_finite_double_is_refused(given: object) -> None:
    with pytest.raises(ConversionError):
        PRICE.to_target(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("19.99", 19.99),
        ("0.10", 0.1),
        ("0.3", 0.3),
        ("20", 20.0),
        ("-0.00", 0.0),
        ("1234567.89", 1234567.89),
        ("", None),
        (None, None),
    ],
)
def test_a_money_string_becomes_the_double_that_reads_back_as_it(given: str | None, expected: float | None) -> None:
    assert PRICE.to_source(given) == expected


@pytest.mark.parametrize("given", ["12345678901234567890.12", "1e5", "19,99", " 19.99", "19.", ".5", "NaN", 19.99])
def test_a_money_value_no_double_holds_exactly_or_no_amount_at_all_is_refused(given: object) -> None:
    with pytest.raises(ConversionError):
        PRICE.to_source(given)


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        (19.99, "19.99", True),
        (19.99, "19.990", True),
        (20.0, "20", True),
        (-0.0, "0.00", True),
        (0.1 + 0.2, "0.30", False),
        (0.125, "0.13", False),
        (19.99, "19.98", False),
        (None, "", True),
        (0.0, None, False),  # zero is a value
    ],
)
def test_money_equality_is_exact_to_the_value(source: float | None, target: str | None, expected: bool) -> None:
    assert PRICE.same(source, target) is expected


@pytest.mark.parametrize("value", [0.1 + 0.2, 2.5, -0.0, 1e300, 5e-324, 123456.789])
def test_a_double_crosses_to_a_json_number_unchanged(value: float) -> None:
    assert WEIGHT.to_target(value) == value
    assert WEIGHT.to_source(WEIGHT.to_target(value)) == value
    assert WEIGHT.same(value, value)


def test_negative_zero_weight_is_zero() -> None:
    assert str(WEIGHT.to_target(-0.0)) == "0.0"
    assert WEIGHT.same(-0.0, 0)


@pytest.mark.parametrize(
    ("given", "expected"),
    [(5.0, 5), (0.0, 0), (-0.0, 0), (-3.0, -3), (1e20, 10**20), (2.0**53, 2**53), (None, None)],
)
def test_an_integral_double_stock_becomes_an_integer_quantity(given: float | None, expected: int | None) -> None:
    result = STOCK.to_target(given)
    assert result == expected
    assert result is None or type(result) is int


@pytest.mark.parametrize("given", [5.5, 0.1, -0.5, 1e-300])
def test_a_fractional_stock_cannot_become_a_quantity(given: float) -> None:
    with pytest.raises(ConversionError, match="not a whole number"):
        STOCK.to_target(given)


@pytest.mark.parametrize(("given", "expected"), [(5, 5.0), (0, 0.0), (2**53, 2.0**53)])
def test_a_quantity_becomes_a_double_stock(given: int, expected: float) -> None:
    assert STOCK.to_source(given) == expected


def test_a_quantity_no_double_holds_exactly_is_refused() -> None:
    with pytest.raises(ConversionError, match="double holds exactly"):
        STOCK.to_source(2**53 + 1)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/Date(1641034800000)/", "2022-01-01T11:00:00.000Z"),
        ("/Date(1641034800123)/", "2022-01-01T11:00:00.123Z"),
        ("/Date(0)/", "1970-01-01T00:00:00.000Z"),
        ("/Date(-1)/", "1969-12-31T23:59:59.999Z"),
        ("/Date(-86400000)/", "1969-12-31T00:00:00.000Z"),
        ("/Date(-2208988800000)/", "1900-01-01T00:00:00.000Z"),
        ("/Date(-62135596800000)/", "0001-01-01T00:00:00.000Z"),
        ("/Date(253402300799999)/", "9999-12-31T23:59:59.999Z"),
        ("2019-02-17T19:29:53", "2019-02-17T19:29:53.000Z"),  # the ISO form Exact's writes accept
        (datetime(2024, 2, 29, 12, 30, 15, 250000), "2024-02-29T12:30:15.250Z"),  # naive is UTC
        (datetime(2024, 2, 29, 14, 30, tzinfo=timezone(timedelta(hours=2))), "2024-02-29T12:30:00.000Z"),
        (None, None),
        ("", None),
    ],
)
def test_an_exact_datetime_becomes_iso_8601_utc_with_milliseconds(given: object, expected: str | None) -> None:
    assert ORDER_DATE.to_target(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2022-01-01T11:00:00.123Z", "2022-01-01T11:00:00.123"),
        ("2022-01-01T12:00:00.123+01:00", "2022-01-01T11:00:00.123"),
        ("2022-01-01T11:00:00Z", "2022-01-01T11:00:00.000"),
        ("1969-07-20T20:17:40.000Z", "1969-07-20T20:17:40.000"),
        ("2022-01-01T11:00:00.5", "2022-01-01T11:00:00.500"),  # naive is UTC
    ],
)
def test_an_iso_date_time_goes_back_in_the_form_exact_writes_accept(given: str, expected: str) -> None:
    assert ORDER_DATE.to_source(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "2022-01-01T11:00:00.123456Z",  # finer than a millisecond
        "2022-01-01",  # no time
        "2022-01-01 11:00:00Z",
        "2022-02-30T00:00:00Z",
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "yesterday",
        1641034800000,
    ],
)
def test_a_date_time_that_would_lose_its_time_or_is_none_is_refused(given: object) -> None:
    with pytest.raises(ConversionError):
        ORDER_DATE.to_source(given)


@pytest.mark.parametrize("given", ["/Date(253402300800000)/", "/Date(abc)/", "/Date(1.5)/", 5])
def test_an_exact_date_outside_the_calendar_or_malformed_is_refused(given: object) -> None:
    with pytest.raises(ConversionError):
        ORDER_DATE.to_target(given)


def test_a_datetime_finer_than_a_millisecond_does_not_cross() -> None:
    with pytest.raises(ConversionError, match="finer than a millisecond"):
        ORDER_DATE.to_target(datetime(2024, 1, 1, 0, 0, 0, 1500, tzinfo=UTC))


def test_the_same_instant_is_equal_in_any_notation() -> None:
    assert ORDER_DATE.same("/Date(1641034800123)/", "2022-01-01T12:00:00.123+01:00")
    assert not ORDER_DATE.same("/Date(1641034800123)/", "2022-01-01T11:00:00.124Z")


def test_exact_datetime_helpers_read_and_write_both_exact_forms() -> None:
    instant = datetime(1960, 5, 6, 7, 8, 9, 10000, tzinfo=UTC)
    literal = format_exact_datetime(instant, literal=True)
    assert literal == "/Date(-304707110990)/"  # calendar.timegm(...) * 1000 + 10
    assert parse_exact_datetime(literal) == instant
    assert parse_exact_datetime(format_exact_datetime(instant)) == instant


@pytest.mark.parametrize(("given", "expected"), [(1, True), (0, False), (None, None)])
def test_a_byte_flag_becomes_a_boolean(given: int | None, expected: bool | None) -> None:
    assert FLAG.to_target(given) is expected


@pytest.mark.parametrize(("given", "expected"), [(True, 1), (False, 0), (None, None)])
def test_a_boolean_becomes_a_byte_flag(given: bool | None, expected: int | None) -> None:
    assert FLAG.to_source(given) == expected


@pytest.mark.parametrize("given", [2, 255, -1, True, "1", 1.0])
def test_a_byte_that_is_no_flag_is_refused(given: object) -> None:
    with pytest.raises(ConversionError):
        FLAG.to_target(given)


def test_a_byte_beside_an_integer_is_a_number_from_0_to_255() -> None:
    assert BYTE.to_target(255) == 255
    with pytest.raises(ConversionError, match="0 to 255"):
        BYTE.to_source(256)


@pytest.mark.parametrize("given", [1, 0, "true", None])
def test_a_boolean_is_only_true_or_false(given: object) -> None:
    if given is None:
        assert SWITCH.to_target(given) is None
    else:
        with pytest.raises(ConversionError):
            SWITCH.to_target(given)


def test_false_is_a_value_not_an_empty_one() -> None:
    assert not SWITCH.is_empty(False, side="source")
    assert not SWITCH.same(False, None)
    assert SWITCH.same(False, False)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0F1C2D3E-4A5B-6C7D-8E9F-A0B1C2D3E4F5", "0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5"),
        ("0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5", "0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5"),
        ("00000000-0000-0000-0000-000000000000", None),  # the nil Guid is "no reference"
        (None, None),
    ],
)
def test_a_guid_becomes_a_lowercase_id_string(given: str | None, expected: str | None) -> None:
    assert GUID.to_target(given) == expected


@pytest.mark.parametrize(
    "given", ["{0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5}", "0f1c2d3e4a5b6c7d8e9fa0b1c2d3e4f5", "x", 5]
)
def test_something_that_is_no_hyphenated_guid_is_refused(given: object) -> None:
    with pytest.raises(ConversionError):
        GUID.to_target(given)


def test_an_id_that_is_no_guid_cannot_go_back_to_exact() -> None:
    with pytest.raises(ConversionError, match="not a Guid"):
        GUID.to_source("5f8a6b7c9d0e1f2a3b4c5d6e")
    assert not GUID.same("0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5", "5f8a6b7c9d0e1f2a3b4c5d6e")


def test_guids_compare_regardless_of_case() -> None:
    assert GUID.same("0F1C2D3E-4A5B-6C7D-8E9F-A0B1C2D3E4F5", "0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5")


ITEM = "0f1c2d3e-4a5b-6c7d-8e9f-a0b1c2d3e4f5"
VARIANT = "5f8a6b7c9d0e1f2a3b4c5d6e"


def test_a_reference_crosses_through_the_links_not_by_value() -> None:
    forward = {ITEM: VARIANT}.get
    backward = {VARIANT: ITEM.upper()}.get
    assert GUID.to_target(ITEM.upper(), translate=forward) == VARIANT
    assert GUID.to_source(VARIANT, translate=backward) == ITEM  # canonical on arrival
    assert GUID.canonical(VARIANT, side="target", translate=backward) == ITEM
    assert GUID.same(ITEM, VARIANT, translate=forward)
    assert not GUID.same(ITEM, "another-variant", translate=forward)


def test_an_unlinked_reference_cannot_cross_and_is_unequal() -> None:
    with pytest.raises(ConversionError, match="no linked counterpart"):
        GUID.to_target(ITEM, translate={}.get)
    assert not GUID.same(ITEM, VARIANT, translate={}.get)


@pytest.mark.parametrize(
    ("conversion", "side", "value", "expected"),
    [
        (CODE, "source", None, True),
        (CODE, "source", "", True),
        (CODE, "source", "   ", True),
        (CODE, "target", " x", False),
        (PRICE, "source", 0.0, False),
        (PRICE, "target", "", True),
        (PRICE, "target", "0.00", False),
        (STOCK, "target", 0, False),
        (FLAG, "source", 0, False),
        (SWITCH, "target", False, False),
        (ORDER_DATE, "source", "", True),
        (ORDER_DATE, "source", "/Date(0)/", False),
        (GUID, "source", "00000000-0000-0000-0000-000000000000", True),
        (GUID, "target", "", True),
        (ORDER_NUMBER, "target", "", True),
        (ORDER_NUMBER, "source", 0, False),
    ],
)
def test_what_counts_as_empty_depends_on_the_kind(
    conversion: Conversion, side: str, value: object, expected: bool
) -> None:
    assert conversion.is_empty(value, side="source" if side == "source" else "target") is expected


@pytest.mark.parametrize(
    ("conversion", "empty"),
    [(CODE, ""), (PRICE, None), (STOCK, None), (ORDER_DATE, None), (FLAG, None), (GUID, None), (ORDER_NUMBER, "")],
)
def test_an_empty_value_crosses_as_the_other_sides_empty_value(conversion: Conversion, empty: object) -> None:
    assert conversion.to_target(None) == empty
    assert conversion.is_empty(conversion.to_target(None), side="target")
    assert conversion.is_empty(conversion.to_source(None), side="source")


def test_canonical_values_are_what_equality_compares() -> None:
    assert PRICE.canonical(19.99, side="source") == Decimal("19.99")
    assert PRICE.canonical("19.990", side="target") == Decimal("19.99")
    assert STOCK.canonical(7, side="target") == Decimal(7)
    assert ORDER_NUMBER.canonical("1001", side="target") == 1001
    assert ORDER_DATE.canonical("/Date(0)/", side="source") == datetime(1970, 1, 1, tzinfo=UTC)
    assert CODE.canonical("A-1   ", side="source") == "A-1"


@pytest.mark.parametrize(
    ("source", "target", "datatype", "reason"),
    [
        ("Double", "boolean", "boolean", "no conversion carries"),
        ("String", "money", "float", "no conversion carries"),
        ("Double", "money", "list", "has no conversion"),
        ("Double", "money", '"float" (x)', "has no conversion"),
        ("String", "string", "integer", "does not describe"),
        ("Double", "money", "integer", "does not describe"),
        ("Binary", "string", "string", "value kind 'Binary'"),
        ("String", "string_list", "string", "value kind 'string_list'"),
        ("Collection", "string", "N/A", "value kind 'Collection'"),
    ],
)
def test_a_pair_of_kinds_without_a_conversion_is_refused_with_the_reason(
    source: str, target: str, datatype: str, reason: str
) -> None:
    with pytest.raises(ConversionError, match=reason):
        conversion_for(source, target, datatype)


@pytest.mark.parametrize(
    ("datatype", "kind", "expected"),
    [
        ("string", "money", True),
        ("float", "money", True),
        ("decimal", "number", True),
        ("string", "datetime", True),
        ("integer", "number", False),
        ("integer", "Double", True),
        ("float", "Int32", False),
        ("boolean", "Byte", True),
        ("N/A", "html", True),
        ("list", "string", False),
    ],
)
def test_which_declared_data_types_describe_which_kinds(datatype: str, kind: str, expected: bool) -> None:
    assert datatype_fits(datatype, kind) is expected


def test_a_conversion_names_its_kinds() -> None:
    assert PRICE.name == "Exact Online Edm.Double ↔ Squarespace money (float)"
