"""The one error tree of talkqa: every error the harness raises on purpose is a ``HarnessError``.

    HarnessError
     ├── UsageError                  a command line that cannot be honoured (CLI exit 2)
     ├── SpecError
     │    └── UnreadableSpecError    a file that is no dataflow document at all (CLI exit 2)
     ├── FeatureError                a .feature file that cannot be written or read back
     ├── ReportError                 a report that cannot be built, read back or merged
     ├── MappingError                a mapping row that cannot be honoured, refused at load time
     │    └── ConversionError        a value that cannot cross a row unchanged
     ├── MockError                   misuse of a mock's test-side control surface
     ├── ApiError                    an API answered with an error the client cannot recover from
     │    ├── ExactApiError
     │    └── SquarespaceApiError
     ├── GaveUpError                 a client stopped retrying (rate limit, faults, time-outs)
     │    └── RateLimitedError       ... because a rate limit would not reset in time
     ├── AuthError                   a login or token refresh was refused
     ├── SyncError                   the sync engine could not complete a cycle
     │    └── LinkTableError         the link table is unreadable or inconsistent
     └── SutError                    a system under test could not be loaded or run

Messages are written for the person who has to act: they say what is wrong and what to do.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "AuthError",
    "ConversionError",
    "ExactApiError",
    "FeatureError",
    "GaveUpError",
    "HarnessError",
    "LinkTableError",
    "MappingError",
    "MockError",
    "RateLimitedError",
    "ReportError",
    "SpecError",
    "SquarespaceApiError",
    "SutError",
    "SyncError",
    "UnreadableSpecError",
    "UsageError",
]


class HarnessError(Exception):
    """Root of every error talkqa raises on purpose."""


class UsageError(HarnessError):
    """A command line that cannot be honoured."""


class SpecError(HarnessError):
    """A dataflow document problem that stops the harness."""


class UnreadableSpecError(SpecError):
    """The file is not a dataflow document at all: unreadable, not UTF-8, binary, empty, no title."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class FeatureError(HarnessError):
    """A Gherkin feature file that cannot be written or read back."""


class ReportError(HarnessError):
    """A report that cannot be built, read back or merged (a runner bug or a foreign JSON file)."""


class MappingError(HarnessError):
    """A property mapping row that cannot be honoured (unknown field, read-only target, bad type)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class ConversionError(MappingError):
    """A value that cannot cross a mapping row unchanged (or is not a value of its kind at all)."""

    def __init__(self, reason: str, *, value: object = None) -> None:
        self.reason = reason
        self.value = value
        super().__init__(reason)


class MockError(HarnessError):
    """Misuse of a mock's test-side control surface (unknown record, bad fault spec, ...)."""


class ApiError(HarnessError):
    """An API answered with an error that the client cannot recover from."""

    def __init__(self, status: int, message: str, *, method: str = "", url: str = "") -> None:
        self.status = status
        self.message = message
        self.method = method
        self.url = url
        target = f" {method} {url}" if method else ""
        super().__init__(f"HTTP {status}{target}: {message}")


class ExactApiError(ApiError):
    """Exact Online answered with an error body (``{"error": {"message": {"value": ...}}}``)."""


class SquarespaceApiError(ApiError):
    """Squarespace Commerce answered with an error body (``{"type", "subtype", "message"}``)."""


class GaveUpError(HarnessError):
    """A client stopped retrying after faults, time-outs or rate limits."""

    def __init__(self, message: str, *, attempts: int = 0, last_status: int | None = None) -> None:
        self.attempts = attempts
        self.last_status = last_status
        super().__init__(message)


class RateLimitedError(GaveUpError):
    """A rate limit would not reset within the time the client was allowed to wait."""

    def __init__(self, message: str, *, reset_at: float | None = None, attempts: int = 0) -> None:
        self.reset_at = reset_at
        super().__init__(message, attempts=attempts, last_status=429)


class AuthError(HarnessError):
    """A login, token request or token refresh was refused."""


class SyncError(HarnessError):
    """The sync engine could not complete a cycle."""


class LinkTableError(SyncError):
    """The link table is unreadable, of another schema version, or inconsistent."""


class SutError(HarnessError):
    """A system under test could not be loaded or run."""
