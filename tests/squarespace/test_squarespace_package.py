"""The package's public names: every module says what it exports, and the exports exist."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import harness.squarespace

MODULES = sorted(m.name for m in pkgutil.iter_modules(harness.squarespace.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_every_module_has_a_docstring_and_exports_what_its_all_names(name: str) -> None:
    module = importlib.import_module(f"harness.squarespace.{name}")
    assert module.__doc__ and module.__doc__.strip()
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert [n for n in exported if not hasattr(module, n)] == []


def test_the_package_exports_the_mock_its_control_and_the_client() -> None:
    assert {"SquarespaceMock", "SquarespaceControl", "SquarespaceClient", "RetryPolicy", "squarespace", "serve"} <= set(
        harness.squarespace.__all__
    )
    assert sorted(harness.squarespace.__all__) == harness.squarespace.__all__
