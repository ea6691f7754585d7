"""How the mock writes answers: Exact's JSON (``{"d": ...}`` with ``__metadata``), its error body, and
the Atom XML an OData v2 service sends to a client that does not ask for JSON."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from harness.exact.values import ms_to_iso, output_value
from harness.mock.messages import MockResponse
from harness.systems.exact import FieldSpec, ResourceSpec

__all__ = ["EntityView", "entity_response", "error_body", "error_response", "feed_response"]

_ATOM = "http://www.w3.org/2005/Atom"
_D = "http://schemas.microsoft.com/ado/2007/08/dataservices"
_M = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
ET.register_namespace("", _ATOM)
ET.register_namespace("d", _D)
ET.register_namespace("m", _M)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_JSON = "application/json; charset=utf-8"
_ATOM_TYPE = "application/atom+xml;type={kind};charset=utf-8"


def error_body(message: str) -> dict[str, Any]:
    """Exact's error body."""
    return {"error": {"code": "", "message": {"lang": "", "value": message}}}


def error_response(
    status: int, message: str, *, atom: bool = False, headers: dict[str, str] | None = None
) -> MockResponse:
    """An error in Exact's shape: JSON, or OData's XML error when the client did not ask for JSON."""
    if not atom:
        return MockResponse.json(status, error_body(message), headers)
    root = ET.Element(f"{{{_M}}}error")
    ET.SubElement(root, f"{{{_M}}}code").text = ""
    ET.SubElement(root, f"{{{_M}}}message", {"xml:lang": ""}).text = _xml_text(message)
    hdrs = {"content-type": "application/xml;charset=utf-8"}
    hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
    return MockResponse(status, hdrs, ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


@dataclass(frozen=True)
class EntityView:
    """Renders records of one endpoint: which fields, where they live, how Int64 is written."""

    spec: ResourceSpec
    uri_prefix: str  #: absolute URL of the collection, e.g. https://host/api/v1/123/logistics/Items
    key_name: str
    key_is_timestamp: bool
    select: tuple[str, ...] | None
    expand: tuple[str, ...]
    int64_as_string: bool
    lines_of: Callable[[str], Sequence[dict[str, Any]]] | None = None
    line_view: EntityView | None = None

    @cached_property
    def selected(self) -> tuple[FieldSpec, ...]:
        """The fields this view writes, in the catalogue's order (worked out once per view)."""
        wanted = set(self.select) if self.select is not None and "*" not in self.select else None
        return tuple(f for f in self.spec.fields if wanted is None or f.name in wanted)

    def fields(self) -> tuple[FieldSpec, ...]:
        return self.selected

    def uri(self, record: dict[str, Any]) -> str:
        key = record.get(self.key_name)
        literal = f"{key}L" if self.key_is_timestamp else f"guid'{key}'"
        return f"{self.uri_prefix}({literal})"

    @staticmethod
    def stored(record: dict[str, Any], field: FieldSpec) -> Any:
        if field.name in record:
            return record[field.name]
        return {"Boolean": False, "Byte": 0}.get(field.edm_type)

    def json(self, record: dict[str, Any]) -> dict[str, Any]:
        uri = self.uri(record)
        out: dict[str, Any] = {"__metadata": {"uri": uri, "type": self.spec.entity_type}}
        for field in self.fields():
            if field.edm_type == "Collection":
                if field.name == "SalesOrderLines" and field.name in self.expand and self.lines_of and self.line_view:
                    lines = self.lines_of(str(record[self.key_name]))
                    out[field.name] = {"results": [self.line_view.json(line) for line in lines]}
                else:
                    out[field.name] = {"__deferred": {"uri": f"{uri}/{field.name}"}}
                continue
            out[field.name] = output_value(
                field.edm_type, self.stored(record, field), int64_as_string=self.int64_as_string
            )
        return out

    def atom_entry(self, record: dict[str, Any], parent: ET.Element | None = None) -> ET.Element:
        tag = f"{{{_ATOM}}}entry"
        entry = ET.SubElement(parent, tag) if parent is not None else ET.Element(tag)
        uri = self.uri(record)
        ET.SubElement(entry, f"{{{_ATOM}}}id").text = uri
        ET.SubElement(entry, f"{{{_ATOM}}}category", {"term": self.spec.entity_type, "scheme": f"{_M}/scheme"})
        ET.SubElement(entry, f"{{{_ATOM}}}link", {"rel": "edit", "href": uri})
        content = ET.SubElement(entry, f"{{{_ATOM}}}content", {"type": "application/xml"})
        props = ET.SubElement(content, f"{{{_M}}}properties")
        for field in self.fields():
            if field.edm_type == "Collection":
                continue
            value = self.stored(record, field)
            attrs = {} if field.edm_type == "String" else {f"{{{_M}}}type": f"Edm.{field.edm_type}"}
            if value is None:
                attrs[f"{{{_M}}}null"] = "true"
            element = ET.SubElement(props, f"{{{_D}}}{field.name}", attrs)
            if value is not None:
                element.text = _atom_value(field.edm_type, value)
        return entry


def _atom_value(edm_type: str, value: Any) -> str:
    if edm_type == "DateTime":
        return ms_to_iso(int(value))
    if edm_type == "Boolean":
        return "true" if value else "false"
    if edm_type == "Double":
        return repr(float(value))
    return _xml_text(str(value))


def entity_response(
    view: EntityView, record: dict[str, Any], status: int, *, atom: bool, headers: dict[str, str] | None = None
) -> MockResponse:
    """One entity: ``{"d": {...}}`` or an Atom entry."""
    if not atom:
        return MockResponse.json(status, {"d": view.json(record)}, headers)
    entry = view.atom_entry(record)
    return _xml(status, entry, "entry", headers)


def feed_response(
    view: EntityView,
    records: Sequence[dict[str, Any]],
    *,
    next_url: str | None,
    count: int | None,
    atom: bool,
    bare_array: bool = False,
    headers: dict[str, str] | None = None,
) -> MockResponse:
    """A page of a collection: ``{"d": {"results": [...], "__next": ...}}`` (or a bare array) or an Atom feed."""
    if not atom:
        results = [view.json(r) for r in records]
        if bare_array:
            return MockResponse.json(200, {"d": results}, headers)
        d: dict[str, Any] = {"results": results}
        if count is not None:
            d["__count"] = str(count)
        if next_url is not None:
            d["__next"] = next_url
        return MockResponse.json(200, {"d": d}, headers)
    feed = ET.Element(f"{{{_ATOM}}}feed")
    ET.SubElement(feed, f"{{{_ATOM}}}id").text = view.uri_prefix
    ET.SubElement(feed, f"{{{_ATOM}}}title", {"type": "text"}).text = view.uri_prefix.rsplit("/", 1)[-1]
    if count is not None:
        ET.SubElement(feed, f"{{{_M}}}count").text = str(count)
    for record in records:
        view.atom_entry(record, feed)
    if next_url is not None:
        ET.SubElement(feed, f"{{{_ATOM}}}link", {"rel": "next", "href": next_url})
    return _xml(200, feed, "feed", headers)


def _xml(status: int, root: ET.Element, kind: str, headers: dict[str, str] | None) -> MockResponse:
    hdrs = {"content-type": _ATOM_TYPE.format(kind=kind)}
    hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
    return MockResponse(status, hdrs, ET.tostring(root, encoding="utf-8", xml_declaration=True))


def json_content_type() -> str:
    return _JSON
