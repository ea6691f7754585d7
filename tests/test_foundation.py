"""The error tree and the clocks."""

from __future__ import annotations

import inspect

import pytest

import harness.errors as errors
from harness.clock import Clock, SystemClock, VirtualClock


def test_errors_all_lists_exactly_the_exception_classes() -> None:
    defined = {name for name, obj in vars(errors).items() if inspect.isclass(obj) and issubclass(obj, Exception)}
    assert set(errors.__all__) == defined


def test_every_error_is_a_harness_error() -> None:
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.HarnessError)


def test_the_module_docstring_draws_every_error() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        assert name in doc, f"{name} is missing from the error tree drawn in harness/errors.py"


def test_an_unreadable_spec_error_names_file_and_line() -> None:
    error = errors.UnreadableSpecError("spec.rst", "not UTF-8 (byte 0xe9)", line=3)
    assert str(error) == "spec.rst:3: not UTF-8 (byte 0xe9)"


def test_a_virtual_clock_sleeps_without_waiting() -> None:
    clock = VirtualClock(start=1000.0)
    clock.sleep(86_400)
    assert clock.now() == 87_400.0
    assert clock.slept == 86_400


def test_a_virtual_clock_never_goes_back() -> None:
    clock = VirtualClock(start=10.0)
    with pytest.raises(ValueError, match="does not go back"):
        clock.set(5.0)
    with pytest.raises(ValueError, match="does not go back"):
        clock.advance(-1)


def test_both_clocks_are_clocks() -> None:
    assert isinstance(VirtualClock(), Clock)
    assert isinstance(SystemClock(), Clock)
