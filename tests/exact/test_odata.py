"""$filter and the other query options: parsed, checked and evaluated as Exact's OData does."""

from __future__ import annotations

from typing import Any

import pytest

from harness.exact.odata import ODataError, check_filter, evaluate, parse_filter, parse_query
from harness.systems.exact import resource

ITEM = {
    "ID": "0f1c2d3e-4b5a-4c6d-8e7f-901234567890",
    "Code": "BEK-0001",
    "Description": "Beker 'oker'",
    "Unit": "stuk    ",
    "StandardSalesPrice": 12.5,
    "SecurityLevel": 10,
    "IsSalesItem": True,
    "Created": 1641034800000,
    "Barcode": None,
}
SPEC = resource("logistics/Items")


def passes(text: str, row: dict[str, Any] = ITEM) -> bool:
    expr = parse_filter(text)
    check_filter(expr, lambda n: f.edm_type if (f := SPEC.field(n)) else None, SPEC.entity_type)
    return evaluate(expr, row.get)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code eq 'BEK-0001'", True),
        ("Code eq 'bek-0001'", True),
        ("Unit eq 'stuk'", True),
        ("Code ne 'BEK-0001'", False),
        ("Description eq 'Beker ''oker'''", True),
        ("ID eq guid'0F1C2D3E-4B5A-4C6D-8E7F-901234567890'", True),
        ("StandardSalesPrice gt 12", True),
        ("StandardSalesPrice ge 12.5", True),
        ("StandardSalesPrice lt 12.5", False),
        ("StandardSalesPrice le 12.5M", True),
        ("SecurityLevel eq 10L", True),
        ("SecurityLevel eq 10", True),
        ("IsSalesItem eq true", True),
        ("IsSalesItem eq false", False),
        ("Barcode eq null", True),
        ("Barcode ne null", False),
        ("Barcode gt 'a' or Code eq 'BEK-0001'", True),
        ("Created ge datetime'2022-01-01T11:00:00'", True),
        ("Created gt datetime'2022-01-01T11:00:00'", False),
        ("Created lt datetime'2022-01-01T11:00:00.001'", True),
        ("Code eq 'X' or (StandardSalesPrice gt 10 and IsSalesItem eq true)", True),
        ("(Code eq 'X' or StandardSalesPrice gt 10) and IsSalesItem eq false", False),
        ("Code eq 'X' or StandardSalesPrice gt 10 and IsSalesItem eq false", False),
        ("'BEK-0001' eq Code", True),
    ],
)
def test_filters_select_rows_as_exact_does(text: str, expected: bool) -> None:
    assert passes(text) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Code eq", "Expression expected"),
        ("Code 'x'", "Syntax error"),
        ("Code eq 'unclosed", "Syntax error"),
        ("(Code eq 'x'", "expected"),
        ("Code eq 'x')", "Syntax error"),
        ("Code eq 'x' and", "Expression expected"),
        ("Colour eq 'red'", "No property 'Colour'"),
        ("ID eq 'text'", "incompatible"),
        ("Code eq 5", "incompatible"),
        ("IsSalesItem gt true", "incompatible"),
        ("ID gt guid'0f1c2d3e-4b5a-4c6d-8e7f-901234567890'", "incompatible"),
        ("Created eq '2022-01-01'", "incompatible"),
        ("ID eq guid'nope'", "Unrecognized 'Edm.Guid' literal"),
        ("Created eq datetime'yesterday'", "Unrecognized 'Edm.DateTime' literal"),
        ("startswith(Code, 'B') eq true", "Unknown function"),
        ("not IsSalesItem", "Syntax error"),
        ("SecurityLevel add 1 eq 2", "not supported"),
        ("ItemGroup/Code eq 'x'", "navigation property"),
        ("Code eq 'x' # y", "Syntax error"),
        ("", "requires an expression"),
        ("SecurityLevel eq 99999999999999999999", "Unrecognized 'Edm.Int64' literal"),
    ],
)
def test_malformed_or_unsupported_filters_are_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ODataError, match=message):
        passes(text)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("$skip", "10")], "$skip is not supported"),
        ([("$format", "json")], "system-reserved '$' character but is not recognized"),
        ([("$top", "-1")], "non-negative integer"),
        ([("$top", "ten")], "non-negative integer"),
        ([("$inlinecount", "some")], "Invalid value 'some' for $inlinecount"),
        ([("$orderby", "Code sideways")], "Syntax error in $orderby"),
        ([("$select", "Code,,ID")], "empty property name"),
        ([("$top", "1"), ("$top", "2")], "more than once"),
    ],
)
def test_bad_query_options_are_refused(params: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(ODataError) as raised:
        parse_query(params)
    assert message in str(raised.value)


def test_custom_query_parameters_are_ignored_as_odata_does() -> None:
    query = parse_query([("foo", "bar"), ("$select", "ID, Code"), ("$orderby", "Code desc,ID")])
    assert query.select == ("ID", "Code")
    assert query.orderby == (("Code", True), ("ID", False))
