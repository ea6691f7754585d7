"""The systems registry names each system's mock and driver truly, and the mocks answer on its hosts."""

from __future__ import annotations

import importlib

import pytest

from harness.systems import KNOWN_SYSTEMS, KnownSystem, known_system


def _load(target: str) -> object:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


@pytest.mark.parametrize("system", KNOWN_SYSTEMS, ids=lambda s: s.name)
def test_the_registry_names_a_mock_and_a_driver_that_exist(system: KnownSystem) -> None:
    mock, driver = _load(system.mock), _load(system.driver)
    assert isinstance(mock, type) and isinstance(driver, type)
    assert set(getattr(mock, "hosts", ())) == set(system.hosts)
    assert system.base_url == f"https://{system.hosts[0]}"


def test_a_system_is_found_by_name_whatever_its_case() -> None:
    assert known_system("  exact online ") is KNOWN_SYSTEMS[0]
    assert known_system("HubSpot") is None
