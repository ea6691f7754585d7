"""What a sync cycle that is never quiet keeps writing: each write of the last cycle by service,
resource and the properties (dotted paths) it set, with their values, compared with the cycle before —
so a failure names the property and the value rewritten each cycle, not just a count of writes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from harness.mock.calls import CallRecord

__all__ = ["describe_rewrites", "write_leaves"]

#: A path segment that names one record rather than a resource: ids, GUIDs, OData keys.
_ID = re.compile(r"^(?:\d+|[0-9a-f]{16,}|[0-9a-f-]{32,36}|.*\(.*\))$", re.IGNORECASE)


def _resource(record: CallRecord) -> tuple[str, str]:
    """``(label, path with ids as {id})`` of a write, e.g. ``("variants", "/1.1/commerce/products/{id}/...")``."""
    segments = [s for s in urlsplit(record.url).path.split("/") if s]
    generic = ["{id}" if _ID.match(s) else s for s in segments]
    names = [s for s in generic if s != "{id}"]
    label = names[-1] if names else record.path
    if segments and "(" in segments[-1]:  # OData: Items(guid'...')
        label = segments[-1].split("(", 1)[0]
    return label, "/" + "/".join(generic)


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _flatten(inner, f"{prefix}[{index}]")
    else:
        yield prefix, value


def write_leaves(record: CallRecord) -> dict[str, Any]:
    """The properties a write set (dotted paths to values); ``{}`` when its body is no JSON."""
    try:
        body = json.loads(record.request_excerpt)
    except ValueError:
        return {}
    return dict(_flatten(body))


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'


def describe_rewrites(last: Sequence[CallRecord], before: Sequence[CallRecord], *, limit: int = 2) -> tuple[str, str]:
    """``(headline, detail)``: the headline names up to ``limit`` properties the last cycle wrote (a value
    that changed from the cycle before as ``old → new``, one written again as ``= value``); the detail
    lists every write of the last cycle, one a line."""
    earlier: dict[tuple[str, str], dict[str, Any]] = {}
    for record in before:
        earlier.setdefault((record.service, urlsplit(record.url).path), {}).update(write_leaves(record))
    changing: list[str] = []
    repeated: list[str] = []
    detail: list[str] = []
    for record in last:
        label, generic = _resource(record)
        leaves = write_leaves(record)
        previous = earlier.get((record.service, urlsplit(record.url).path), {})
        detail.append(
            f"{record.service} {record.method} {generic}: "
            + (", ".join(f"{path} = {_shown(value)}" for path, value in leaves.items()) or "(no JSON body)")
        )
        for path, value in leaves.items():
            name = f"{record.service} {label} {path}"
            if path in previous and previous[path] != value:
                changing.append(f"{name}: {_shown(previous[path])} → {_shown(value)}")
            elif path in previous:
                repeated.append(f"{name} = {_shown(value)} again")
            else:
                repeated.append(f"{name} = {_shown(value)}")
    named = [*changing, *repeated]
    if not named:
        return f"{len(last)} write(s) in the last cycle", "\n".join(detail)
    more = f" (and {len(named) - limit} more)" if len(named) > limit else ""
    verb = "rewritten each cycle" if before else "written in the last cycle"
    return f"{verb}: {'; '.join(named[:limit])}{more}", "\n".join(detail)
