"""Evidence of every call a mock answered, with tokens, secrets and authorization codes redacted."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from itertools import islice

from harness.redaction import REDACTED, forgotten_mark, redact_later, redact_text

__all__ = ["DEFAULT_CALL_WINDOW", "READS", "CallLog", "CallRecord", "body_excerpt", "redact_text", "redacted_headers"]

#: the methods that change nothing
READS = frozenset({"GET", "HEAD", "OPTIONS"})

_BODY_EXCERPT = 4096
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
_BEARER = re.compile(r"^((?:Bearer|Basic)\s+)\S+", re.IGNORECASE)


class CallRecord:
    """Evidence of one call, its secrets redacted. A mock logs what it saw (``redacted=False``) and the
    URL, headers and body excerpts are redacted the first time they are read — with every secret known by
    then — so that the thousands of calls nobody looks at cost nothing. Immutable once made."""

    __slots__ = (
        "_cache",
        "_mark",
        "_raw",
        "at",
        "crashed",
        "elapsed_s",
        "fault",
        "method",
        "path",
        "request_bytes",
        "response_bytes",
        "seq",
        "service",
        "status",
    )

    def __init__(
        self,
        seq: int,
        service: str,
        method: str,
        url: str,
        path: str,
        status: int,
        request_bytes: int,
        response_bytes: int,
        at: float,
        elapsed_s: float,
        request_headers: tuple[tuple[str, str], ...] | Mapping[str, str] = (),
        request_excerpt: str = "",
        response_excerpt: str = "",
        fault: str | None = None,
        crashed: str | None = None,
        *,
        redacted: bool = True,
    ) -> None:
        self.seq = seq
        self.service = service
        self.method = method
        self.path = path
        self.status = status  #: 0 when the client timed out
        self.request_bytes = request_bytes
        self.response_bytes = response_bytes
        self.at = at  #: service-clock time the call arrived
        self.elapsed_s = elapsed_s  #: real seconds spent handling it
        self.fault = fault
        self.crashed = crashed  #: the exception, when the mock itself failed (a bug in the mock)
        headers = tuple(request_headers.items()) if isinstance(request_headers, Mapping) else request_headers
        self._raw: tuple[str, tuple[tuple[str, str], ...], str, str] | None = None
        self._cache: tuple[str, tuple[tuple[str, str], ...], str, str] | None = None
        self._mark = forgotten_mark()
        if redacted:
            self._cache = (url, headers, request_excerpt, response_excerpt)
        else:
            self._raw = (url, headers, request_excerpt, response_excerpt)

    def _redacted(self) -> tuple[str, tuple[tuple[str, str], ...], str, str]:
        cache = self._cache
        if cache is None:
            assert self._raw is not None
            url, headers, request, response = self._raw
            mark = self._mark
            shown = tuple((name, redact_later(value, mark)) for name, value in redacted_headers(dict(headers)))
            cache = (redact_later(url, mark), shown, redact_later(request, mark), redact_later(response, mark))
            self._cache, self._raw = cache, None  # the raw texts (and their secrets) are gone
        return cache

    @property
    def url(self) -> str:
        return self._redacted()[0]

    @property
    def request_headers(self) -> tuple[tuple[str, str], ...]:
        return self._redacted()[1]

    @property
    def request_excerpt(self) -> str:
        return self._redacted()[2]

    @property
    def response_excerpt(self) -> str:
        return self._redacted()[3]

    def __setattr__(self, name: str, value: object) -> None:
        if name in {"_cache", "_raw"} or not hasattr(self, name):
            object.__setattr__(self, name, value)
        else:
            raise AttributeError(f"a CallRecord is immutable: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CallRecord):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[object, ...]:
        return (self.seq, self.service, self.method, self.path, self.status, self.at, *self._redacted())

    def __repr__(self) -> str:
        shown = {
            "seq": self.seq, "service": self.service, "method": self.method, "url": self.url, "path": self.path,
            "status": self.status, "request_bytes": self.request_bytes, "response_bytes": self.response_bytes,
            "at": self.at, "elapsed_s": self.elapsed_s, "request_headers": self.request_headers,
            "request_excerpt": self.request_excerpt, "response_excerpt": self.response_excerpt,
            "fault": self.fault, "crashed": self.crashed,
        }  # fmt: skip
        return "CallRecord(" + ", ".join(f"{name}={value!r}" for name, value in shown.items()) + ")"

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
        return [r for r in self.since(since) if r.method not in READS]

    def crashes(self) -> list[CallRecord]:
        return [r for r in self.records() if r.crashed]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._total = 0


def body_excerpt(body: bytes, *, redact: bool = True) -> str:
    """The first bytes of ``body`` as text (its size said when it is cut), redacted unless ``redact`` is off
    (a ``CallRecord`` made with ``redacted=False`` redacts it when read)."""
    text = body[:_BODY_EXCERPT].decode("utf-8", errors="replace")
    if len(body) > _BODY_EXCERPT:
        text += f"... ({len(body)} bytes)"
    return redact_text(text) if redact else text


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
