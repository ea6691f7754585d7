"""Edm values: what a request body may carry per type, and how Exact writes values back."""

from __future__ import annotations

from typing import Any

import pytest

from harness.exact.values import ValueProblem, format_date, input_value, output_value, parse_datetime
from harness.systems.exact import FieldSpec


def field(edm_type: str, name: str = "F", max_length: int | None = None) -> FieldSpec:
    return FieldSpec(name=name, edm_type=edm_type, post=True, put=True, max_length=max_length)


@pytest.mark.parametrize(
    ("edm_type", "given", "stored"),
    [
        ("Guid", "0F1C2D3E-4B5A-4C6D-8E7F-901234567890", "0f1c2d3e-4b5a-4c6d-8e7f-901234567890"),
        ("Guid", "{0f1c2d3e-4b5a-4c6d-8e7f-901234567890}", "0f1c2d3e-4b5a-4c6d-8e7f-901234567890"),
        ("Int16", -32768, -32768),
        ("Int16", 32767, 32767),
        ("Int32", 2**31 - 1, 2**31 - 1),
        ("Int32", 7.0, 7),
        ("Int64", 2**63 - 1, 2**63 - 1),
        ("Int64", "123456789012", 123456789012),
        ("Double", 0.1, 0.1),
        ("Double", 3, 3.0),
        ("Double", -0.0, -0.0),
        ("Byte", 0, 0),
        ("Byte", 1, 1),
        ("Boolean", True, True),
        ("Boolean", False, False),
        ("String", "", ""),
        ("String", "met ''quotes'' en é", "met ''quotes'' en é"),
        ("DateTime", "2019-02-17T19:29:53", 1550431793000),
        ("DateTime", "2019-02-17T19:29:53.1239", 1550431793123),
        ("DateTime", "2019-02-17T21:29:53+02:00", 1550431793000),
        ("DateTime", "2019-02-17T19:29:53Z", 1550431793000),
        ("DateTime", "/Date(1641034800000)/", 1641034800000),
        ("Binary", "aGVsbG8=", "aGVsbG8="),
        ("Int32", None, None),
    ],
)
def test_input_values_convert_to_their_stored_form(edm_type: str, given: Any, stored: Any) -> None:
    assert input_value(field(edm_type), given) == stored


@pytest.mark.parametrize(
    ("edm_type", "given"),
    [
        ("Guid", "not-a-guid"),
        ("Guid", 12),
        ("Int16", 32768),
        ("Int16", -32769),
        ("Int32", 2**31),
        ("Int32", True),
        ("Int32", "12"),
        ("Int32", 1.5),
        ("Int64", 2**63),
        ("Int64", "12x"),
        ("Double", "1.5"),
        ("Double", True),
        ("Double", float("nan")),
        ("Double", float("inf")),
        ("Byte", 2),
        ("Byte", -1),
        ("Byte", True),
        ("Boolean", 1),
        ("Boolean", "true"),
        ("String", 5),
        ("String", ["a"]),
        ("DateTime", "17-02-2019"),
        ("DateTime", "1600-01-01T00:00:00"),
        ("DateTime", 1550431793000),
        ("Binary", "not base64!"),
    ],
)
def test_input_values_of_the_wrong_type_are_refused_with_odatas_message(edm_type: str, given: Any) -> None:
    with pytest.raises(ValueProblem, match="Error encountered in converting the value from request payload"):
        input_value(field(edm_type), given)


@pytest.mark.parametrize(
    ("name", "given", "stored"),
    [("Unit", "stuk", "stuk    "), ("SalesVatCode", "5", "5  "), ("VATCode", "21 ", "21 "), ("Code", "A", "A")],
)
def test_code_fields_are_padded_as_exact_pads_them(name: str, given: str, stored: str) -> None:
    assert input_value(field("String", name), given) == stored


@pytest.mark.parametrize(
    ("edm_type", "stored", "as_string", "written"),
    [
        ("DateTime", 1641034800000, False, "/Date(1641034800000)/"),
        ("Int64", 1000000000001, False, 1000000000001),
        ("Int64", 1000000000001, True, "1000000000001"),
        ("Double", 2, False, 2.0),
        ("String", None, False, None),
    ],
)
def test_stored_values_are_written_as_exact_writes_them(
    edm_type: str, stored: Any, as_string: bool, written: Any
) -> None:
    assert output_value(edm_type, stored, int64_as_string=as_string) == written


def test_a_date_survives_a_round_trip_to_the_millisecond() -> None:
    ms = parse_datetime("2031-07-04T23:59:59.999+00:00")
    assert parse_datetime(format_date(ms)) == ms
