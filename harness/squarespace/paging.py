"""Cursor pages as Squarespace answers lists: 50 records under a resource key beside
``pagination``. A cursor is opaque to clients; ours carries the list it belongs to, the key of the
last record served and the filters, so the same URL gives the same page while nothing changes and
a record changed between pages is neither lost nor served out of order."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any
from urllib.parse import quote

from harness.mock.messages import MockRequest
from harness.squarespace.problems import bad_request

__all__ = ["PAGE_SIZE", "Cursor", "decode_cursor", "encode_cursor", "key_position", "pagination", "seq_position"]

PAGE_SIZE = 50
Cursor = tuple[Any, dict[str, Any]]


def _digest(payload: bytes) -> str:
    return hashlib.sha256(b"talkqa-squarespace-cursor:" + payload).hexdigest()[:12]


def encode_cursor(kind: str, position: Any, filters: dict[str, Any] | None = None) -> str:
    payload = json.dumps({"k": kind, "p": position, "f": filters or {}}, separators=(",", ":"), sort_keys=True)
    raw = payload.encode()
    text = base64.urlsafe_b64encode(raw + b"|" + _digest(raw).encode()).decode().rstrip("=")
    return text


def decode_cursor(text: str, kind: str) -> Cursor:
    """The position and filters of a cursor made for list ``kind``, or a 400."""
    try:
        blob = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        raw, _, digest = blob.rpartition(b"|")
        if not raw or digest.decode() != _digest(raw):
            raise ValueError("digest")
        data = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request("cursor is not a cursor this endpoint handed out") from None
    if not isinstance(data, dict) or data.get("k") != kind or not isinstance(data.get("f"), dict):
        raise bad_request("cursor belongs to another list")
    return data["p"], data["f"]


def seq_position(position: Any) -> int:
    """The sequence number a cursor of a creation-ordered list carries."""
    if isinstance(position, bool) or not isinstance(position, int):
        raise bad_request("cursor is not a cursor this endpoint handed out")
    return position


def key_position(position: Any) -> list[Any]:
    """The (modifiedOn, id) key a cursor of the orders list carries."""
    if (
        not isinstance(position, list)
        or len(position) != 2
        or isinstance(position[0], bool)
        or not isinstance(position[0], int)
        or not isinstance(position[1], str)
    ):
        raise bad_request("cursor is not a cursor this endpoint handed out")
    return position


def pagination(request: MockRequest, next_cursor: str | None) -> dict[str, Any]:
    url = f"{request.base_url}{request.path}?cursor={quote(next_cursor, safe='')}" if next_cursor else None
    return {"hasNextPage": next_cursor is not None, "nextPageCursor": next_cursor, "nextPageUrl": url}
