"""Evidence of every call a mock answered, with tokens, secrets and authorization codes redacted."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice

from harness.redaction import REDACTED, redact_text

__all__ = ["DEFAULT_CALL_WINDOW", "CallLog", "CallRecord", "body_excerpt", "redact_text", "redacted_headers"]

_BODY_EXCERPT = 4096
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
_BEARER = re.compile(r"^((?:Bearer|Basic)\s+)\S+", re.IGNORECASE)


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


#: How many calls a log keeps by default (the oldest are dropped first): about 40 MB at the most.
DEFAULT_CALL_WINDOW = 10_000


class CallLog:
    """The calls a mock answered, in order — the last ``window`` of them (older ones are dropped, so a
    long-served mock stays flat in memory). Marks and ``len`` count every call ever logged, so a mark
    taken earlier stays valid after drops. Thread-safe."""

    def __init__(self, window: int = DEFAULT_CALL_WINDOW) -> None:
        if window < 1:
            raise ValueError(f"a call log keeps at least one call, not {window}")
        self.window = window
        self._records: deque[CallRecord] = deque(maxlen=window)
        self._total = 0  #: calls ever logged (kept and dropped)
        self._lock = threading.Lock()

    def append(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)
            self._total += 1

    def next_seq(self) -> int:
        with self._lock:
            return self._total + 1

    def __len__(self) -> int:
        """Calls ever logged (a mark); ``records()`` holds the last ``window`` of them."""
        with self._lock:
            return self._total

    @property
    def dropped(self) -> int:
        """Calls no longer kept."""
        with self._lock:
            return self._total - len(self._records)

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(self.records())

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def since(self, mark: int) -> list[CallRecord]:
        """Calls after ``mark`` (a value of ``len(log)`` taken earlier) that are still kept."""
        with self._lock:
            first = max(0, mark - (self._total - len(self._records)))
            return list(islice(self._records, first, None))

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
            self._total = 0


def body_excerpt(body: bytes) -> str:
    text = body[:_BODY_EXCERPT].decode("utf-8", errors="replace")
    if len(body) > _BODY_EXCERPT:
        text += f"... ({len(body)} bytes)"
    return redact_text(text)


def redacted_headers(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Headers as evidence: credentials blanked out (the scheme of an Authorization kept), and any known
    secret or secret-shaped value in the others too."""
    out = []
    for name, value in sorted(headers.items()):
        if name.lower() in _SECRET_HEADERS:
            scheme = _BEARER.match(value) if name.lower().endswith("authorization") else None
            value = f"{scheme.group(1)}{REDACTED}" if scheme else REDACTED
        else:
            value = redact_text(value)
        out.append((name, value))
    return tuple(out)
