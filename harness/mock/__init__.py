"""Plumbing shared by the mocks: a framework-free core, the respx and ASGI adapters, serving."""

from __future__ import annotations

from harness.mock.calls import CallLog, CallRecord, redact_text
from harness.mock.core import MockService
from harness.mock.faults import Blackout, Fault, FaultKind, FaultPlan, FaultShortcuts
from harness.mock.messages import MockRequest, MockResponse

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
