"""The Squarespace Commerce mock (``SquarespaceMock`` and its ``SquarespaceControl``), reached
in-process (``squarespace()``) or served on loopback, and the httpx client the sync engine uses
(``SquarespaceClient``); ``catalogue`` says which fields exist and how each may be written."""

from __future__ import annotations

from harness.retry import RetryPolicy
from harness.squarespace.app import SquarespaceMock
from harness.squarespace.client import Page, SquarespaceClient
from harness.squarespace.control import SquarespaceControl
from harness.squarespace.factory import Filled, SquarespaceFactory
from harness.squarespace.serve import serve, squarespace

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
