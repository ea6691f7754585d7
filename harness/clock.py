"""Injected time: the mocks, the clients and the engine read time only through a ``Clock``.

A ``VirtualClock`` lets a test spend a day of rate limits or a token lifetime in microseconds:
``sleep`` advances it instead of blocking.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

__all__ = ["DEFAULT_EPOCH", "Clock", "SystemClock", "VirtualClock", "utc_datetime"]

#: 2026-01-05T09:00:00Z, a Monday morning: where a virtual clock starts unless told otherwise.
DEFAULT_EPOCH = 1_767_603_600.0


@runtime_checkable
class Clock(Protocol):
    """Wall-clock time in UTC epoch seconds, and a way to wait."""

    def now(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``; a virtual clock advances instead."""
        ...


class SystemClock:
    """The real clock, for served mocks and real runs."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class VirtualClock:
    """A clock that only moves when told to; ``sleep`` advances it at once. Thread-safe."""

    def __init__(self, start: float = DEFAULT_EPOCH) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self.slept = 0.0  # total virtual seconds spent in sleep(), for evidence and benchmarks

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._now += seconds
                self.slept += seconds

    def advance(self, seconds: float) -> None:
        """Move time forward (never backward)."""
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._now += seconds

    def set(self, when: float) -> None:
        """Jump to an absolute time at or after the present."""
        with self._lock:
            if when < self._now:
                raise ValueError("a clock does not go back")
            self._now = float(when)


def utc_datetime(clock: Clock) -> datetime:
    """The clock's present as an aware UTC datetime."""
    return datetime.fromtimestamp(clock.now(), tz=UTC)
