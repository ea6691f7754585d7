"""Evidence of every call a mock answered, with tokens, secrets and authorization codes redacted."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = ["CallLog", "CallRecord", "body_excerpt", "redact_text", "redacted_headers"]

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


#: what every text holding something to redact contains (lower-cased): a text without any of these is
#: passed as it is, without running the patterns over it (most bodies: listings, records)
_MARKERS = (*_SECRET_KEYS, "code=", "bearer")


def redact_text(text: str) -> str:
    """Blank out tokens, secrets and authorization codes in a URL, form, JSON or header text."""
    lowered = text.lower()
    if not any(marker in lowered for marker in _MARKERS):
        return text
    text = _SECRET_JSON.sub(rf'\1"{_REDACTED}"', text)
    text = _SECRET_FORM.sub(rf"\1{_REDACTED}", text)
    text = _AUTH_CODE.sub(rf"\1{_REDACTED}", text)
    return _BEARER.sub(rf"\1{_REDACTED}", text)


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


def body_excerpt(body: bytes) -> str:
    text = body[:_BODY_EXCERPT].decode("utf-8", errors="replace")
    if len(body) > _BODY_EXCERPT:
        text += f"... ({len(body)} bytes)"
    return redact_text(text)


def redacted_headers(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    out = []
    for name, value in sorted(headers.items()):
        if name in {"authorization", "cookie", "set-cookie", "x-api-key"}:
            value = _BEARER.sub(rf"\1{_REDACTED}", value) if name == "authorization" else _REDACTED
            if name == "authorization" and not value.lower().startswith("bearer"):
                value = _REDACTED
        out.append((name, value))
    return tuple(out)
