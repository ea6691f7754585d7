"""The Squarespace Commerce mock (``SquarespaceMock`` and its ``SquarespaceControl``), reached
in-process (``squarespace()``) or served on loopback, and the httpx client the sync engine uses
(``SquarespaceClient``); ``catalogue`` says which fields exist and how each may be written."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.retry import RetryPolicy
    from harness.squarespace.app import SquarespaceMock
    from harness.squarespace.client import Page, SquarespaceClient
    from harness.squarespace.control import SquarespaceControl
    from harness.squarespace.factory import Filled, SquarespaceFactory
    from harness.squarespace.serve import serve, squarespace

#: where each public name lives: imported when first asked for, so an engine that needs only the client
#: does not load the mock, its factory and Faker (a third of a second per process start)
_HOMES = {
    "Filled": "harness.squarespace.factory",
    "Page": "harness.squarespace.client",
    "RetryPolicy": "harness.retry",
    "SquarespaceClient": "harness.squarespace.client",
    "SquarespaceControl": "harness.squarespace.control",
    "SquarespaceFactory": "harness.squarespace.factory",
    "SquarespaceMock": "harness.squarespace.app",
    "serve": "harness.squarespace.serve",
    "squarespace": "harness.squarespace.serve",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'harness.squarespace' has no attribute {name!r}")
    return getattr(import_module(home), name)


__all__ = [
    "Filled",
    "Page",
    "RetryPolicy",
    "SquarespaceClient",
    "SquarespaceControl",
    "SquarespaceFactory",
    "SquarespaceMock",
    "serve",
    "squarespace",
]
