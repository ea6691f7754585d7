"""Plumbing shared by the mocks: a framework-free core, the respx and ASGI adapters, serving."""

from __future__ import annotations

from harness.mock.core import (
    Blackout,
    CallLog,
    CallRecord,
    Fault,
    FaultKind,
    FaultPlan,
    FaultShortcuts,
    MockRequest,
    MockResponse,
    MockService,
    redact_text,
)

__all__ = [
    "Blackout",
    "CallLog",
    "CallRecord",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FaultShortcuts",
    "MockRequest",
    "MockResponse",
    "MockService",
    "redact_text",
]
