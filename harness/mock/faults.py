"""Faults a test injects into a mock: error statuses, time-outs, lost responses, slowness, and a
blackout that simulates a caller's crash after its first write."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from harness.errors import MockError
from harness.mock.messages import MockRequest, MockResponse

__all__ = ["Blackout", "Cooldown", "Fault", "FaultKind", "FaultPlan", "FaultShortcuts"]


class FaultKind(StrEnum):
    """What an injected fault does to a call."""

    STATUS = "status"  #: answer with an error status (500, 503, 429, ...) without acting
    TIMEOUT = "timeout"  #: the request never arrives: the client times out, nothing happens
    LOST_RESPONSE = "lost_response"  #: the request is acted on, then the client times out
    SLOW = "slow"  #: acted on normally, after ``delay_s`` seconds on the service clock


@dataclass
class Fault:
    """One injected fault, applied to the next ``times`` matching calls."""

    kind: FaultKind
    status: int = 500
    delay_s: float = 0.0
    times: int = 1
    method: str | None = None
    path: str | None = None  #: a substring (or regex when ``regex``) of the request path
    regex: bool = False

    def matches(self, request: MockRequest) -> bool:
        if self.method is not None and request.method != self.method.upper():
            return False
        if self.path is None:
            return True
        if self.regex:
            return re.search(self.path, request.path) is not None
        return self.path in request.path

    def describe(self) -> str:
        what = f"{self.kind.value}" + (f" {self.status}" if self.kind is FaultKind.STATUS else "")
        where = f"{self.method or '*'} {self.path or '*'}"
        return f"{what} on {where}"


@dataclass(frozen=True)
class Cooldown:
    """After an injected 429, every call the fault would have hit is refused until ``until`` (clock seconds):
    an engine that does not wait for the reset it was told keeps meeting 429s."""

    fault: Fault
    until: float

    def holds(self, request: MockRequest, now: float) -> bool:
        return now < self.until and self.fault.matches(request)


class FaultPlan:
    """Faults waiting for the calls they will hit, first matching fault first."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(
        self,
        kind: FaultKind | str,
        *,
        status: int = 500,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        regex: bool = False,
        delay_s: float = 0.0,
    ) -> Fault:
        """Make the next ``times`` calls matching ``method``/``path`` fail as ``kind``."""
        kind = FaultKind(kind)
        if times < 1:
            raise MockError(f"a fault must hit at least one call, not {times}")
        if kind is FaultKind.STATUS and not 400 <= status <= 599:
            raise MockError(f"a status fault needs a 4xx or 5xx status, not {status}")
        if kind is FaultKind.SLOW and delay_s <= 0:
            raise MockError("a slow fault needs a positive delay_s")
        fault = Fault(kind, status, delay_s, times, method, path, regex)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, request: MockRequest) -> Fault | None:
        """The fault this call hits, if any (consuming one of its uses)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(request):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


class Blackout:
    """Simulates a crash of whatever is calling: once ``after_writes`` write calls have succeeded
    across the services sharing this switch, every further call times out until ``lift``.

    Works on any system under test, black box: its cycle dies mid-way, as a crash would leave it.
    """

    def __init__(self, after_writes: int = 1) -> None:
        if after_writes < 1:
            raise MockError(f"a blackout needs at least one write before it, not {after_writes}")
        self.after_writes = after_writes
        self.writes_seen = 0
        self.active = False
        #: called once, as the write that trips the blackout is done (before its answer leaves): an
        #: external engine's process tree is killed there, as a real crash would take it
        self.on_trip: Callable[[], object] | None = None
        self._lock = threading.Lock()

    def observe(self, request: MockRequest, response: MockResponse) -> None:
        """Count ``request`` if it succeeded: a service passes only its record writes
        (``MockService.writes_records``)."""
        if not 200 <= response.status < 300:
            return
        with self._lock:
            self.writes_seen += 1
            tripped = not self.active and self.writes_seen >= self.after_writes
            if tripped:
                self.active = True
        if tripped and self.on_trip is not None:
            self.on_trip()

    def lift(self) -> None:
        with self._lock:
            self.active = False


class FaultShortcuts:
    """The fault injections a test reaches for most, on a mock's control surface."""

    @property
    def faults(self) -> FaultPlan:
        """The mock's fault plan (a control surface gives its mock's)."""
        raise NotImplementedError

    def fail_next(
        self, path: str | None = None, status: int = 500, *, times: int = 1, method: str | None = None
    ) -> Fault:
        """The next ``times`` calls whose path contains ``path`` answer ``status`` (500, 503, 429, ...)
        without acting."""
        return self.faults.inject(FaultKind.STATUS, status=status, times=times, method=method, path=path)

    def time_out_next(self, path: str | None = None, *, times: int = 1, method: str | None = None) -> Fault:
        """The next calls never arrive: the client times out and nothing happens."""
        return self.faults.inject(FaultKind.TIMEOUT, times=times, method=method, path=path)

    def lose_response_next(self, path: str | None = None, *, times: int = 1, method: str | None = None) -> Fault:
        """The next calls are carried out, then the client times out waiting for the answer."""
        return self.faults.inject(FaultKind.LOST_RESPONSE, times=times, method=method, path=path)

    def slow_next(self, path: str | None, delay_s: float, *, times: int = 1, method: str | None = None) -> Fault:
        """The next calls are answered after ``delay_s`` seconds on the mock's clock."""
        return self.faults.inject(FaultKind.SLOW, delay_s=delay_s, times=times, method=method, path=path)
