"""Exact Online's rate limits: calls per app and division per wall-clock minute and per UTC day,
announced in six ``X-RateLimit-*`` headers (epoch milliseconds), 429 when exceeded; and the
error-count block.

The block: more than ``error_block_threshold`` answers of 400/401/403/404 for one app, user,
division and endpoint within an hour block that endpoint for an hour. Exact documents that the key
is "temporarily blocked from making further requests" but not with which status; the mock answers
**429** (it is a limit, and unlike 403 a 429 does not itself count as an error, so the block does
not feed itself), with Exact's error body and without ``X-RateLimit-*`` headers (no reset is
announced: a client can only give up or wait the hour).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass

from harness.clock import Clock, told_time

__all__ = ["ERROR_STATUSES", "ErrorBlock", "LimitDecision", "RateLimiter"]

#: the statuses Exact counts as errors for the block
ERROR_STATUSES = frozenset({400, 401, 403, 404})
_DAY_S = 86_400


@dataclass(frozen=True)
class LimitDecision:
    """Whether a call may go ahead, and the headers to send (all six, or those of the limit hit)."""

    allowed: bool
    headers: dict[str, str]
    exceeded: str | None = None  #: "minutely" or "daily" when refused


@dataclass
class _Window:
    start: int = -1  #: the window's start, whole seconds
    used: int = 0


class RateLimiter:
    """Counts calls per (client_id, division); a call without a division counts only per minute."""

    def __init__(self, clock: Clock, minutely_limit: int, daily_limit: int) -> None:
        self.clock = clock
        self.minutely_limit = minutely_limit
        self.daily_limit = daily_limit
        self._minutes: dict[tuple[str, int | None], _Window] = defaultdict(_Window)
        self._days: dict[tuple[str, int], _Window] = defaultdict(_Window)

    def set_limits(self, minutely: int | None = None, daily: int | None = None) -> None:
        if minutely is not None:
            self.minutely_limit = minutely
        if daily is not None:
            self.daily_limit = daily

    def take(self, client_id: str, division: int | None) -> LimitDecision:
        """Count one call if the limits allow it; otherwise refuse it without counting it."""
        now = self.clock.now()
        minute_start = int(math.floor(now / 60) * 60)
        day_start = int(math.floor(now / _DAY_S) * _DAY_S)
        minute = self._minutes[(client_id, division)]
        if minute.start != minute_start:
            minute.start, minute.used = minute_start, 0
        day: _Window | None = None
        if division is not None:
            day = self._days[(client_id, division)]
            if day.start != day_start:
                day.start, day.used = day_start, 0
        if day is not None and day.used >= self.daily_limit:
            return LimitDecision(False, self._daily_headers(day, day_start), "daily")
        if minute.used >= self.minutely_limit:
            return LimitDecision(False, self._minutely_headers(minute, minute_start), "minutely")
        minute.used += 1
        headers = {}
        if day is not None:
            day.used += 1
            headers.update(self._daily_headers(day, day_start))
        headers.update(self._minutely_headers(minute, minute_start))
        return LimitDecision(True, headers)

    def _daily_headers(self, day: _Window, day_start: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.daily_limit),
            "X-RateLimit-Remaining": str(max(self.daily_limit - day.used, 0)),
            "X-RateLimit-Reset": self._told_ms(day_start + _DAY_S),
        }

    def _minutely_headers(self, minute: _Window, minute_start: int) -> dict[str, str]:
        return {
            "X-RateLimit-Minutely-Limit": str(self.minutely_limit),
            "X-RateLimit-Minutely-Remaining": str(max(self.minutely_limit - minute.used, 0)),
            "X-RateLimit-Minutely-Reset": self._told_ms(minute_start + 60),
        }

    def _told_ms(self, when: float) -> str:
        """A reset in epoch milliseconds of the client's (real) time, rounded up: waiting until then is enough."""
        return str(math.ceil(told_time(self.clock, when) * 1000))

    def used(self, client_id: str, division: int | None) -> tuple[int, int]:
        """(calls this minute, calls today) as counted so far (for tests and reports)."""
        minute = self._minutes.get((client_id, division))
        day = self._days.get((client_id, division)) if division is not None else None
        return (minute.used if minute else 0, day.used if day else 0)


class ErrorBlock:
    """Counts error answers per (client_id, user, division, endpoint) and blocks for an hour past the threshold."""

    def __init__(self, clock: Clock, threshold: int, block_s: int) -> None:
        self.clock = clock
        self.threshold = threshold
        self.block_s = block_s
        self._errors: dict[tuple[str, str, int | None, str], deque[float]] = defaultdict(deque)
        self._blocked_until: dict[tuple[str, str, int | None, str], float] = {}

    def blocked_until(self, key: tuple[str, str, int | None, str]) -> float | None:
        """When the block on ``key`` lifts (clock seconds), or None when it is not blocked."""
        until = self._blocked_until.get(key)
        if until is None:
            return None
        if self.clock.now() >= until:
            del self._blocked_until[key]
            self._errors.pop(key, None)
            return None
        return until

    def record(self, key: tuple[str, str, int | None, str], status: int) -> None:
        """Note an answer's status; the one error too many starts the block."""
        if status not in ERROR_STATUSES:
            return
        now = self.clock.now()
        errors = self._errors[key]
        errors.append(now)
        while errors and errors[0] <= now - 3600:
            errors.popleft()
        if len(errors) > self.threshold:
            self._blocked_until[key] = now + self.block_s

    def clear(self) -> None:
        self._errors.clear()
        self._blocked_until.clear()
