"""Every conversion round-trips: a value that crosses comes back equal under its data type's rules, and the
target value it became is equal to it. Hypothesis, derandomized and bounded (the CI profile)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from harness.errors import ConversionError
from harness.sync.convert import conversion_for

BOUNDED = settings(
    derandomize=True,
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)

_MS_MIN = -62135596800000  # 0001-01-01T00:00:00Z
_MS_MAX = 253402300799999  # 9999-12-31T23:59:59.999Z
_LIMIT = 2**53

cents = st.integers(min_value=-(10**14), max_value=10**14)
money_strings = cents.map(lambda c: format(Decimal(c).scaleb(-2), "f"))
doubles = st.floats(allow_nan=False, allow_infinity=False)
instants = st.integers(min_value=_MS_MIN, max_value=_MS_MAX).map(
    lambda ms: datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
)
padded = st.tuples(st.text(max_size=30), st.integers(min_value=0, max_value=8)).map(lambda t: t[0] + " " * t[1])

# (source kind, target kind, datatype, source values, target values)
CASES = [
    ("String", "string", "string", padded, padded),
    ("String", "html", "string", st.text(), st.text()),
    ("Int16", "integer", "integer", st.integers(-(2**15), 2**15 - 1), st.integers(-(2**15), 2**15 - 1)),
    ("Int32", "string", "string", st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1).map(str)),
    ("Int64", "integer", "integer", st.integers(-(2**63), 2**63 - 1).map(str), st.integers(-(2**63), 2**63 - 1)),
    ("Double", "number", "float", doubles, doubles),
    ("Double", "money", "float", cents.map(lambda c: c / 100), money_strings),
    ("Double", "integer", "integer", st.integers(-_LIMIT, _LIMIT).map(float), st.integers(-_LIMIT, _LIMIT)),
    (
        "DateTime",
        "datetime",
        "string",
        st.integers(_MS_MIN, _MS_MAX).map(lambda ms: f"/Date({ms})/"),
        instants.map(lambda i: i.isoformat(timespec="milliseconds").replace("+00:00", "Z")),
    ),
    ("DateTime", "datetime", "string", instants.map(lambda i: i.replace(tzinfo=None)), instants),
    ("Byte", "boolean", "boolean", st.sampled_from([0, 1]), st.booleans()),
    ("Byte", "integer", "integer", st.integers(0, 255), st.integers(0, 255)),
    ("Boolean", "boolean", "boolean", st.booleans(), st.booleans()),
    ("Guid", "id", "string", st.uuids().map(lambda u: str(u).upper()), st.uuids().map(str)),
]
IDS = [f"{s}-{t}" for s, t, *_ in CASES]


@pytest.mark.parametrize(("source_kind", "target_kind", "datatype", "sources", "targets"), CASES, ids=IDS)
def test_a_source_value_crosses_and_comes_back_equal(
    source_kind: str, target_kind: str, datatype: str, sources: st.SearchStrategy[object], targets: object
) -> None:
    conversion = conversion_for(source_kind, target_kind, datatype)

    @BOUNDED
    @given(sources)
    def check(value: object) -> None:
        crossed = conversion.to_target(value)
        assert conversion.same(value, crossed)
        back = conversion.to_source(crossed)
        assert conversion.canonical(back, side="source") == conversion.canonical(value, side="source")
        assert conversion.to_target(back) == crossed

    check()


@pytest.mark.parametrize(("source_kind", "target_kind", "datatype", "sources", "targets"), CASES, ids=IDS)
def test_a_target_value_crosses_back_and_returns_equal(
    source_kind: str, target_kind: str, datatype: str, sources: object, targets: st.SearchStrategy[object]
) -> None:
    conversion = conversion_for(source_kind, target_kind, datatype)

    @BOUNDED
    @given(targets)
    def check(value: object) -> None:
        back = conversion.to_source(value)
        assert conversion.same(back, value)
        again = conversion.to_target(back)
        assert conversion.canonical(again, side="target") == conversion.canonical(value, side="target")

    check()


@BOUNDED
@given(cents)
def test_every_amount_in_cents_crosses_to_money_and_back_to_the_same_double(amount: int) -> None:
    price = conversion_for("Double", "money", "float")
    double = amount / 100
    text = price.to_target(double)
    assert text == format(Decimal(amount).scaleb(-2), "f")
    assert price.to_source(text) == double


@BOUNDED
@given(doubles)
def test_any_double_either_crosses_to_money_exactly_or_is_refused(value: float) -> None:
    price = conversion_for("Double", "money", "float")
    try:
        text = price.to_target(value)
    except ConversionError:
        assert Decimal(repr(value)).as_tuple().exponent < -2  # type: ignore[operator]
        return
    assert isinstance(text, str)
    assert Decimal(text) == Decimal(repr(value))


@BOUNDED
@given(doubles)
def test_any_double_either_crosses_to_an_integer_exactly_or_is_refused(value: float) -> None:
    stock = conversion_for("Double", "integer", "integer")
    try:
        quantity = stock.to_target(value)
    except ConversionError:
        assert not value.is_integer()
        return
    # the integer is the double's shortest decimal (beyond 2**53 not its binary value), and reads back as it
    assert isinstance(quantity, int)
    assert Decimal(quantity) == Decimal(repr(value))
    assert stock.to_source(quantity) == value


@BOUNDED
@given(st.text(alphabet="0123456789-+ .e", max_size=12))
def test_an_order_number_string_comes_back_unchanged_or_is_refused(text: str) -> None:
    number = conversion_for("Int32", "string", "string")
    assume(text.strip(" ") != "")
    try:
        back = number.to_source(text)
    except ConversionError:
        return
    assert number.to_target(back) == text


@BOUNDED
@given(st.datetimes(timezones=st.just(UTC)))
def test_a_datetime_crosses_whole_or_is_refused_never_truncated(value: datetime) -> None:
    date = conversion_for("DateTime", "datetime", "string")
    try:
        text = date.to_target(value)
    except ConversionError:
        assert value.microsecond % 1000 != 0
        return
    assert date.canonical(text, side="target") == value
