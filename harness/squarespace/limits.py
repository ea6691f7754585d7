"""Squarespace's request limits, on the mock's clock: 300 requests a minute with a one-minute
cool-down once exceeded, and at most 100 order imports an hour."""

from __future__ import annotations

import math
from collections import deque

__all__ = ["HourlyLimit", "MinuteRateLimit", "retry_after_header"]


def retry_after_header(seconds: float) -> dict[str, str]:
    """A ``Retry-After`` header of whole seconds, never 0 while a limit still holds."""
    return {"retry-after": str(max(1, math.ceil(seconds)))}


class MinuteRateLimit:
    """At most ``limit`` requests in any 60 seconds; the request over it starts a one-minute
    cool-down in which every request is refused."""

    def __init__(self, limit: int = 300, *, window_s: float = 60.0, cooldown_s: float = 60.0) -> None:
        if limit < 1:
            raise ValueError("a rate limit allows at least one request")
        self.limit = limit
        self.window_s = window_s
        self.cooldown_s = cooldown_s
        self._accepted: deque[float] = deque()
        self._blocked_until = float("-inf")
        self.refused = 0  #: requests refused so far (evidence for tests and reports)

    def admit(self, now: float) -> float | None:
        """Count a request at ``now``: None when it may proceed, else seconds until it may."""
        if now < self._blocked_until:
            self.refused += 1
            return self._blocked_until - now
        while self._accepted and self._accepted[0] <= now - self.window_s:
            self._accepted.popleft()
        if len(self._accepted) >= self.limit:
            self._blocked_until = now + self.cooldown_s
            self._accepted.clear()
            self.refused += 1
            return self.cooldown_s
        self._accepted.append(now)
        return None

    def in_last_window(self, now: float) -> int:
        """Requests accepted in the 60 seconds before ``now``."""
        return sum(1 for t in self._accepted if t > now - self.window_s)


class HourlyLimit:
    """At most ``limit`` events in any hour (order imports)."""

    def __init__(self, limit: int = 100, *, window_s: float = 3600.0) -> None:
        if limit < 1:
            raise ValueError("a limit allows at least one request")
        self.limit = limit
        self.window_s = window_s
        self._events: deque[float] = deque()

    def admit(self, now: float) -> float | None:
        """Count one event at ``now``: None when allowed, else seconds until the oldest expires."""
        while self._events and self._events[0] <= now - self.window_s:
            self._events.popleft()
        if len(self._events) >= self.limit:
            return self._events[0] + self.window_s - now
        self._events.append(now)
        return None
