"""Requests and responses as a mock sees them, whichever adapter (respx or ASGI) delivered them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["MAX_JSON_DEPTH", "MockRequest", "MockResponse", "header_items", "is_ascii_number", "parse_json_bytes"]

#: How deep a request body's JSON may nest (arrays and objects): no API body of either system comes near.
MAX_JSON_DEPTH = 64


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth(data: Any) -> int:
    """How deep arrays and objects nest in ``data`` (iteratively: no recursion to exhaust)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                return deepest
        stack.extend((item, depth) for item in value)
    return deepest


def parse_json_bytes(body: bytes) -> Any:
    """A request body as strict JSON (no NaN or Infinity, UTF-8, nested at most ``MAX_JSON_DEPTH``
    deep); ``ValueError`` saying why otherwise — never a ``RecursionError``."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ValueError("the body is not UTF-8") from None
    except RecursionError:
        raise ValueError(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels") from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise ValueError(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
    return data


def is_ascii_number(text: str) -> bool:
    """Whether ``text`` is a whole number in ASCII digits only (``'²'.isdigit()`` is true; ``int('²')`` fails)."""
    return text.isascii() and text.isdigit()


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
        """The body parsed as JSON; raises ``ValueError`` on a body that is not JSON (or nests too deep)."""
        return parse_json_bytes(self.body)

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True))


@dataclass
class MockResponse:
    """A response from a mock. ``timed_out`` tells the adapters to simulate a client time-out; ``lost``
    that the answer is lost on the way (a served mock closes the connection at once instead of holding it
    until the client gives up)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    timed_out: bool = False
    lost: bool = False

    @classmethod
    def json(cls, status: int, data: Any, headers: Mapping[str, str] | None = None) -> MockResponse:
        hdrs = {"content-type": "application/json; charset=utf-8"}
        hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
        return cls(status, hdrs, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    @classmethod
    def empty(cls, status: int = 204, headers: Mapping[str, str] | None = None) -> MockResponse:
        return cls(status, {k.lower(): v for k, v in (headers or {}).items()}, b"")

    @classmethod
    def timeout(cls, *, lost: bool = False) -> MockResponse:
        return cls(0, {}, b"", timed_out=True, lost=lost)

    def parsed(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


def header_items(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Fold (name, value) pairs into a lower-cased dict, joining repeats with ', '."""
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out
