"""The framework-free core of every mock: a request in, a response out, with faults and a call log.

A mock system (Exact Online, Squarespace) subclasses ``MockService`` and implements ``dispatch``.
The respx adapter (``inprocess.py``) and the ASGI adapter (``asgi.py``) both call ``handle``, so the
in-process and the served mock behave identically by construction.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Mapping
from typing import Any

from harness.clock import Clock
from harness.mock.calls import READS, CallLog, CallRecord, body_excerpt, redact_text, redacted_headers
from harness.mock.faults import Blackout, Cooldown, Fault, FaultKind, FaultPlan
from harness.mock.messages import MockRequest, MockResponse

__all__ = ["COOLDOWN_NOTE", "MockService"]

#: How the call log marks a call refused because it came before the reset an injected 429 announced.
COOLDOWN_NOTE = "cool-down after"


class MockService:
    """Base of every mock: applies faults, calls ``dispatch``, records the call.

    Subclasses set ``name`` and ``hosts`` and implement ``dispatch``. They may override
    ``fault_response`` (to answer an injected status fault in the system's own error shape) and
    ``crash_response`` (a bug in the mock becomes a 500 in that shape, and is logged as a crash).
    """

    name = "mock"
    hosts: tuple[str, ...] = ()
    #: The largest request body answered; a served mock refuses a larger one before it is read whole.
    max_body_bytes = 10 * 1024 * 1024

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls = CallLog()
        self.faults = FaultPlan()
        self.blackout: Blackout | None = None  #: shared with other services to simulate a caller's crash
        self.cooldown: Cooldown | None = None  #: an injected 429 holds until its announced reset
        self.lock = threading.RLock()

    # -- the one entry point -------------------------------------------------------------
    def handle(self, request: MockRequest) -> MockResponse:
        with self.lock:
            started = time.perf_counter()
            at = self.clock.now()
            blackout = self.blackout
            cooling = self.cooldown if self.cooldown is not None and self.cooldown.holds(request, at) else None
            fault = None if (blackout is not None and blackout.active) or cooling else self.faults.take(request)
            crashed: str | None = None
            if blackout is not None and blackout.active:
                response = MockResponse.timeout(lost=True)
            elif cooling is not None:
                # A 429 is a promise: nothing on that path goes through before the reset it announced.
                response = self.fault_response(request, cooling.fault)
            elif fault is not None and fault.kind is FaultKind.STATUS:
                if fault.status == 429:
                    self.cooldown = Cooldown(fault, self.rate_limit_reset(at))
                response = self.fault_response(request, fault)
            elif fault is not None and fault.kind is FaultKind.TIMEOUT:
                response = MockResponse.timeout()
            else:
                if fault is not None and fault.kind is FaultKind.SLOW:
                    self.clock.sleep(fault.delay_s)
                try:
                    if len(request.body) > self.max_body_bytes:  # as the served adapter refuses it unread
                        response = self.too_large_response(request)
                    else:
                        response = self.dispatch(request)
                except Exception as exc:  # a bug in the mock: answer 500, keep the evidence
                    crashed = "".join(traceback.format_exception_only(exc)).strip()
                    response = self.crash_response(request, exc)
                if fault is not None and fault.kind is FaultKind.LOST_RESPONSE:
                    response = MockResponse.timeout(lost=True)
                elif blackout is not None and self.writes_records(request):
                    blackout.observe(request, response)
            self.calls.append(
                CallRecord(
                    seq=self.calls.next_seq(),
                    service=self.name,
                    method=request.method,
                    url=request.url,
                    path=request.path,
                    status=response.status,
                    request_bytes=len(request.body),
                    response_bytes=len(response.body),
                    at=at,
                    elapsed_s=time.perf_counter() - started,
                    request_headers=dict(request.headers),
                    request_excerpt=body_excerpt(request.body, redact=False),
                    response_excerpt=body_excerpt(response.body, redact=False),
                    fault=_fault_note(fault, cooling, response),
                    crashed=crashed,
                    redacted=False,  # when read: most calls never are
                )
            )
            return response

    # -- for subclasses ------------------------------------------------------------------
    def dispatch(self, request: MockRequest) -> MockResponse:
        raise NotImplementedError

    def writes_records(self, request: MockRequest) -> bool:
        """Whether ``request`` may change records (a blackout counts these writes, not a login's)."""
        return request.method not in READS

    def fault_response(self, request: MockRequest, fault: Fault) -> MockResponse:
        return MockResponse.json(fault.status, {"error": f"injected fault {fault.status}"})

    def crash_response(self, request: MockRequest, exc: Exception) -> MockResponse:
        return MockResponse.json(500, {"error": "internal error"})

    def too_large_response(self, request: MockRequest) -> MockResponse:
        """The answer to a body over ``max_body_bytes`` (in the system's own error shape)."""
        return MockResponse.json(413, {"error": f"the request body is larger than {self.max_body_bytes} bytes"})

    def refuse_too_large(self, request: MockRequest, size: int | None) -> MockResponse:
        """Answer (and log) a request whose body was refused unread: ``request.body`` is empty,
        ``size`` what its Content-Length announced (``None`` when it was streamed)."""
        with self.lock:
            response = self.too_large_response(request)
            self.calls.append(
                CallRecord(
                    seq=self.calls.next_seq(),
                    service=self.name,
                    method=request.method,
                    url=redact_text(request.url),
                    path=request.path,
                    status=response.status,
                    request_bytes=size if size is not None else self.max_body_bytes + 1,
                    response_bytes=len(response.body),
                    at=self.clock.now(),
                    elapsed_s=0.0,
                    request_headers=redacted_headers(request.headers),
                    request_excerpt="(body refused unread)",
                    response_excerpt=body_excerpt(response.body),
                )
            )
            return response

    def rate_limit_reset(self, at: float) -> float:
        """When a 429 injected at ``at`` lifts (clock seconds): a minute later unless the system says otherwise."""
        return at + 60.0

    def cooldown_left(self) -> float:
        """Clock seconds until the present cool-down lifts (0 when none holds)."""
        cooldown = self.cooldown
        return max(cooldown.until - self.clock.now(), 0.0) if cooldown is not None else 0.0

    # -- convenience ---------------------------------------------------------------------
    def call(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        body: bytes | str | None = None,
    ) -> MockResponse:
        """Call the service directly, with no HTTP stack (for unit tests of the core)."""
        return self.handle(MockRequest.build(method, url, headers=headers, json_body=json_body, body=body))


def _fault_note(fault: Fault | None, cooling: Cooldown | None, response: MockResponse) -> str | None:
    """What the call log says of the fault a call met."""
    if cooling is not None:
        return f"{COOLDOWN_NOTE} {cooling.fault.describe()}"
    if fault is not None:
        return fault.describe()
    return "blackout" if response.timed_out else None
