"""The framework-free core of every mock: a request in, a response out, with faults and a call log.

A mock system (Exact Online, Squarespace) subclasses ``MockService`` and implements ``dispatch``.
The respx adapter (``inprocess.py``) and the ASGI adapter (``asgi.py``) both call ``handle``, so the
in-process and the served mock behave identically by construction.
"""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from harness.clock import Clock
from harness.errors import MockError

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

_BODY_EXCERPT = 4096
_SECRET_KEYS = (
    "access_token",
    "refresh_token",
    "client_secret",
    "api_key",
    "apikey",
    "password",
)
_SECRET_JSON = re.compile(r'("(?:' + "|".join(_SECRET_KEYS) + r')"\s*:\s*)"[^"]*"', re.IGNORECASE)
_SECRET_FORM = re.compile(r"(?<![\w])((?:" + "|".join(_SECRET_KEYS) + r")=)[^&\s]*", re.IGNORECASE)
# an OAuth authorization code travels as ``code=`` in a query or form (``Code`` in JSON is an item code)
_AUTH_CODE = re.compile(r"(?<![\w])(code=)[^&\s]*")
_BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)
_REDACTED = "***"


def redact_text(text: str) -> str:
    """Blank out tokens, secrets and authorization codes in a URL, form, JSON or header text."""
    text = _SECRET_JSON.sub(rf'\1"{_REDACTED}"', text)
    text = _SECRET_FORM.sub(rf"\1{_REDACTED}", text)
    text = _AUTH_CODE.sub(rf"\1{_REDACTED}", text)
    return _BEARER.sub(rf"\1{_REDACTED}", text)


@dataclass(frozen=True)
class MockRequest:
    """An HTTP request as a mock sees it, whichever adapter delivered it."""

    method: str
    url: str  #: absolute, as the client sent it (scheme and host included)
    path: str  #: percent-decoded path
    query: tuple[tuple[str, str], ...] = ()  #: decoded (name, value) pairs in order
    headers: Mapping[str, str] = field(default_factory=dict)  #: lower-cased names
    body: bytes = b""

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
        json_body: Any = None,
    ) -> MockRequest:
        """Build a request from an absolute URL (handy for tests and direct calls)."""
        parts = urlsplit(url)
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        raw = b""
        if json_body is not None:
            raw = json.dumps(json_body).encode()
            hdrs.setdefault("content-type", "application/json")
        elif isinstance(body, str):
            raw = body.encode()
        elif body is not None:
            raw = body
        return cls(
            method=method.upper(),
            url=url,
            path=unquote(parts.path),
            query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
            headers=hdrs,
            body=raw,
        )

    @property
    def base_url(self) -> str:
        """``scheme://host[:port]`` of the request."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def param(self, name: str) -> str | None:
        """The first value of a query parameter, or None."""
        for key, value in self.query:
            if key == name:
                return value
        return None

    def params(self) -> dict[str, str]:
        """Query parameters as a dict (first value wins)."""
        out: dict[str, str] = {}
        for key, value in self.query:
            out.setdefault(key, value)
        return out

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` on a body that is not JSON."""
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True))


@dataclass
class MockResponse:
    """A response from a mock. ``timed_out`` tells the adapters to simulate a client time-out."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    timed_out: bool = False

    @classmethod
    def json(cls, status: int, data: Any, headers: Mapping[str, str] | None = None) -> MockResponse:
        hdrs = {"content-type": "application/json; charset=utf-8"}
        hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
        return cls(status, hdrs, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    @classmethod
    def empty(cls, status: int = 204, headers: Mapping[str, str] | None = None) -> MockResponse:
        return cls(status, {k.lower(): v for k, v in (headers or {}).items()}, b"")

    @classmethod
    def timeout(cls) -> MockResponse:
        return cls(0, {}, b"", timed_out=True)

    def parsed(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


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
        self._lock = threading.Lock()

    def observe(self, request: MockRequest, response: MockResponse) -> None:
        if request.method in {"GET", "HEAD", "OPTIONS"} or not 200 <= response.status < 300:
            return
        with self._lock:
            self.writes_seen += 1
            if self.writes_seen >= self.after_writes:
                self.active = True

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


@dataclass(frozen=True)
class CallRecord:
    """Evidence of one call, secrets already redacted."""

    seq: int
    service: str
    method: str
    url: str
    path: str
    status: int  #: 0 when the client timed out
    request_bytes: int
    response_bytes: int
    at: float  #: service-clock time the call arrived
    elapsed_s: float  #: real seconds spent handling it
    request_headers: tuple[tuple[str, str], ...] = ()
    request_excerpt: str = ""
    response_excerpt: str = ""
    fault: str | None = None
    crashed: str | None = None  #: the exception, when the mock itself failed (a bug in the mock)

    def summary(self) -> str:
        status = "timeout" if self.status == 0 else str(self.status)
        fault = f" [{self.fault}]" if self.fault else ""
        return f"{self.method} {self.url} -> {status}{fault}"


class CallLog:
    """Every call a mock answered, in order. Thread-safe."""

    def __init__(self) -> None:
        self._records: list[CallRecord] = []
        self._lock = threading.Lock()

    def append(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)

    def next_seq(self) -> int:
        with self._lock:
            return len(self._records) + 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(self.records())

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def since(self, mark: int) -> list[CallRecord]:
        """Calls after ``mark`` (a value of ``len(log)`` taken earlier)."""
        with self._lock:
            return self._records[mark:]

    def mark(self) -> int:
        return len(self)

    def count(self, method: str | None = None, path: str | None = None, since: int = 0) -> int:
        """How many calls (after ``since``) match a method and a path substring."""
        return sum(
            1
            for r in self.since(since)
            if (method is None or r.method == method.upper()) and (path is None or path in r.path)
        )

    def writes(self, since: int = 0) -> list[CallRecord]:
        """The calls after ``since`` that may change data (anything but GET/HEAD/OPTIONS)."""
        return [r for r in self.since(since) if r.method not in {"GET", "HEAD", "OPTIONS"}]

    def crashes(self) -> list[CallRecord]:
        return [r for r in self.records() if r.crashed]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


def _excerpt(body: bytes) -> str:
    text = body[:_BODY_EXCERPT].decode("utf-8", errors="replace")
    if len(body) > _BODY_EXCERPT:
        text += f"... ({len(body)} bytes)"
    return redact_text(text)


def _redacted_headers(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    out = []
    for name, value in sorted(headers.items()):
        if name in {"authorization", "cookie", "set-cookie", "x-api-key"}:
            value = _BEARER.sub(rf"\1{_REDACTED}", value) if name == "authorization" else _REDACTED
            if name == "authorization" and not value.lower().startswith("bearer"):
                value = _REDACTED
        out.append((name, value))
    return tuple(out)


class MockService:
    """Base of every mock: applies faults, calls ``dispatch``, records the call.

    Subclasses set ``name`` and ``hosts`` and implement ``dispatch``. They may override
    ``fault_response`` (to answer an injected status fault in the system's own error shape) and
    ``crash_response`` (a bug in the mock becomes a 500 in that shape, and is logged as a crash).
    """

    name = "mock"
    hosts: tuple[str, ...] = ()

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls = CallLog()
        self.faults = FaultPlan()
        self.blackout: Blackout | None = None  #: shared with other services to simulate a caller's crash
        self.lock = threading.RLock()

    # -- the one entry point -------------------------------------------------------------
    def handle(self, request: MockRequest) -> MockResponse:
        with self.lock:
            started = time.perf_counter()
            at = self.clock.now()
            blackout = self.blackout
            fault = None if blackout is not None and blackout.active else self.faults.take(request)
            crashed: str | None = None
            if blackout is not None and blackout.active:
                response = MockResponse.timeout()
            elif fault is not None and fault.kind is FaultKind.STATUS:
                response = self.fault_response(request, fault)
            elif fault is not None and fault.kind is FaultKind.TIMEOUT:
                response = MockResponse.timeout()
            else:
                if fault is not None and fault.kind is FaultKind.SLOW:
                    self.clock.sleep(fault.delay_s)
                try:
                    response = self.dispatch(request)
                except Exception as exc:  # a bug in the mock: answer 500, keep the evidence
                    crashed = "".join(traceback.format_exception_only(exc)).strip()
                    response = self.crash_response(request, exc)
                if fault is not None and fault.kind is FaultKind.LOST_RESPONSE:
                    response = MockResponse.timeout()
                elif blackout is not None:
                    blackout.observe(request, response)
            self.calls.append(
                CallRecord(
                    seq=self.calls.next_seq(),
                    service=self.name,
                    method=request.method,
                    url=redact_text(request.url),
                    path=request.path,
                    status=response.status,
                    request_bytes=len(request.body),
                    response_bytes=len(response.body),
                    at=at,
                    elapsed_s=time.perf_counter() - started,
                    request_headers=_redacted_headers(request.headers),
                    request_excerpt=_excerpt(request.body),
                    response_excerpt=_excerpt(response.body),
                    fault=fault.describe() if fault is not None else ("blackout" if response.timed_out else None),
                    crashed=crashed,
                )
            )
            return response

    # -- for subclasses ------------------------------------------------------------------
    def dispatch(self, request: MockRequest) -> MockResponse:
        raise NotImplementedError

    def fault_response(self, request: MockRequest, fault: Fault) -> MockResponse:
        return MockResponse.json(fault.status, {"error": f"injected fault {fault.status}"})

    def crash_response(self, request: MockRequest, exc: Exception) -> MockResponse:
        return MockResponse.json(500, {"error": "internal error"})

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


def header_items(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Fold (name, value) pairs into a lower-cased dict, joining repeats with ', '."""
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out
