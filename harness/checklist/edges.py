"""Values at the edges of what a field holds, for the edge-value items: zero, false, a fractional
number, text with white space around it, text in another Unicode normal form, and multi-byte text at
the length limit of both sides. Each is drawn only where a row's two fields both hold it (from the
field catalogues: kinds and lengths), in the source's raw form; ``None`` when the edge does not apply.

These are the values a conversion bug is most likely to spoil: ``if value:`` drops a zero and a false,
``strip()`` eats the white space a person typed, a normalisation rewrites the letters, a byte count
cuts a text a character count would keep, a rounding loses the third decimal.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from harness.checklist.values import domain_of
from harness.dataflow.scenarios import EDGES
from harness.mapping.rows import MappingRow

__all__ = ["EDGES", "edge_value"]


#: letters of two and three bytes in UTF-8, one UTF-16 unit each (Exact counts characters)
_MULTI_BYTE = "€ĳüßøñ€ŒçĀ"
#: composed on purpose in the decomposed form (NFD): an engine that normalises to NFC changes it
_DECOMPOSED = unicodedata.normalize("NFD", "Crème brûlée à la Ångström")


def edge_value(row: MappingRow, edge: str, *, site_currency: str = "EUR") -> Any:
    """A source value of ``row`` at ``edge``, valid on both sides; ``None`` when the edge does not apply."""
    if row.is_reference or row.is_line_row or row.key:
        return None
    domain = domain_of(row, site_currency=site_currency)
    kind = domain.kind
    if edge == "zero":
        # money: Squarespace holds "no price" as 0.00, so a zero price is no edge value but an empty one
        return {"number": 0.0, "whole": 0.0, "integer": 0}.get(kind)
    if edge == "false":
        return {"flag": 0, "boolean": False}.get(kind)
    if edge == "a fractional number":
        return {"number": 0.125, "money": 0.5}.get(kind)
    if kind != "text":
        return None
    if edge == "white space around the text":
        text = "  Twee  spaties  tussen"
        return text if len(text) <= domain.max_length else None
    if edge == "another Unicode normal form":
        return _DECOMPOSED if len(_DECOMPOSED) <= domain.max_length else None
    if edge == "multi-byte text at the length limit":
        limits = [n for n in (row.source.max_length, row.target.max_length) if n]
        if not limits:
            return None
        size = min(limits)
        return (_MULTI_BYTE * (size // len(_MULTI_BYTE) + 1))[:size]
    raise ValueError(f"no such edge value: {edge!r}")
