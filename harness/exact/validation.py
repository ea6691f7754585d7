"""Checks every write to Exact Online passes: OData's conversion of the JSON body (an unknown
property or a wrong type refuses the request; read-only fields are ignored) and Exact's business
rules on mandatory fields and lengths, reported together and joined with ``\\r\\n``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.exact.resources import field_of
from harness.exact.values import ValueProblem, input_value, max_length
from harness.systems.exact import ResourceSpec

__all__ = ["RecordError", "convert", "lines_of_body", "rule_problems"]


class RecordError(Exception):
    """A write Exact refuses: the status and the message of its error body."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"{status}: {message}")


def _unknown_property(name: str, spec: ResourceSpec) -> RecordError:
    return RecordError(
        400,
        f"The property '{name}' does not exist on type '{spec.entity_type}'. "
        "Make sure to only use property names that are defined by the type.",
    )


def convert(spec: ResourceSpec, body: Any, method: str, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """OData's conversion of a JSON body for ``method``: stored values of the writable fields given."""
    if not isinstance(body, Mapping):
        raise RecordError(
            400, "Error processing request stream. The request should be a valid top-level resource object."
        )
    out: dict[str, Any] = {}
    for name, value in body.items():
        if name == "__metadata" or name in skip:
            continue
        field = field_of(spec, name)
        if field is None:
            raise _unknown_property(name, spec)
        if field.edm_type == "Collection" or not (field.post if method == "POST" else field.put):
            continue  # read-only: ignored, as Exact does
        try:
            out[name] = input_value(field, value)
        except ValueProblem as exc:
            raise RecordError(400, str(exc)) from None
    return out


_RULES: dict[str, list[tuple[str, bool, int | None]]] = {}


def _rules(spec: ResourceSpec) -> list[tuple[str, bool, int | None]]:
    """(name, required, longest) of the fields a business rule applies to, in field order."""
    rules = _RULES.get(spec.path)
    if rules is None:
        rules = _RULES[spec.path] = [
            (f.name, f.required, max_length(f))
            for f in spec.fields
            if not f.key and f.edm_type != "Collection" and (f.required or max_length(f) is not None)
        ]
    return rules


def rule_problems(spec: ResourceSpec, values: Mapping[str, Any], *, creating: bool) -> list[str]:
    """Mandatory fields and lengths: every problem, in field order."""
    problems = []
    for name, required, limit in _rules(spec):
        present = name in values
        value = values.get(name)
        if required and (creating or present) and (value is None or (isinstance(value, str) and not value.strip())):
            problems.append(f"Mandatory: {name}")
        if isinstance(value, str) and limit is not None and len(value) > limit:
            problems.append(f"{name}: value too long (maximum {limit} characters, given {len(value)})")
    return problems


def lines_of_body(body: Mapping[str, Any]) -> list[Any] | None:
    raw = body.get("SalesOrderLines")
    if isinstance(raw, Mapping) and "results" in raw:
        raw = raw["results"]
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise RecordError(
            400,
            "Error processing request stream. Error encountered in converting the value from request payload "
            "for property 'SalesOrderLines' to type 'System.Collections.Generic.List', which is the property's "
            "expected type.",
        )
    return raw
