"""Errors as the Squarespace mock answers them: ``{"type", "subtype", "message", "details",
"contextId"}`` with a standard status.

Our vocabulary of ``type`` (the public facts name only ``INVALID_REQUEST_ERROR``; the rest is ours,
one per kind of status, so a client can rely on the status alone):

    400, 405  INVALID_REQUEST_ERROR   subtype MISSING_ARGUMENT, INVALID_ARGUMENT, METHOD_NOT_ALLOWED
    401, 403  AUTHORIZATION_ERROR     subtype null, INSUFFICIENT_PERMISSIONS
    404       NOT_FOUND_ERROR
    409       CONFLICT_ERROR          subtype IDEMPOTENCY_KEY_REUSED, INSUFFICIENT_STOCK, ...
    429       RATE_LIMIT_ERROR        subtype RATE_LIMIT_EXCEEDED, ORDER_CREATION_LIMIT_EXCEEDED
    5xx       INTERNAL_ERROR / SERVICE_UNAVAILABLE
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.mock.messages import MockResponse

__all__ = ["ApiProblem", "bad_request", "conflict", "error_body", "missing", "not_found"]

_TYPES = {
    400: "INVALID_REQUEST_ERROR",
    401: "AUTHORIZATION_ERROR",
    403: "AUTHORIZATION_ERROR",
    404: "NOT_FOUND_ERROR",
    405: "INVALID_REQUEST_ERROR",
    409: "CONFLICT_ERROR",
    429: "RATE_LIMIT_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


class ApiProblem(Exception):
    """Raised inside the mock to answer with an error; never escapes ``handle``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        subtype: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.subtype = subtype
        self.headers = dict(headers or {})

    def response(self, context_id: str) -> MockResponse:
        return MockResponse.json(
            self.status, error_body(self.status, self.message, context_id, self.subtype), self.headers
        )


def error_body(status: int, message: str, context_id: str, subtype: str | None = None) -> dict[str, object]:
    """The error object, every field present."""
    kind = _TYPES.get(status, "INTERNAL_ERROR" if status >= 500 else "INVALID_REQUEST_ERROR")
    return {"type": kind, "subtype": subtype, "message": message, "details": None, "contextId": context_id}


def bad_request(message: str) -> ApiProblem:
    return ApiProblem(400, message, subtype="INVALID_ARGUMENT")


def missing(name: str) -> ApiProblem:
    return ApiProblem(400, f"{name} is required", subtype="MISSING_ARGUMENT")


def not_found(what: str) -> ApiProblem:
    return ApiProblem(404, f"{what} not found")


def conflict(message: str, subtype: str) -> ApiProblem:
    return ApiProblem(409, message, subtype=subtype)
