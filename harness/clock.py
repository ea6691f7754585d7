"""Injected time: the mocks, the clients and the engine read time only through a ``Clock``.

A ``VirtualClock`` lets a test spend a day of rate limits or a token lifetime in microseconds:
``sleep`` advances it instead of blocking. A ``ScaledClock`` is real time sped up N times: the clock
of mocks served to an external engine, which lives in real time. Whatever such a mock tells a client
about time (``Retry-After``, a reset in epoch milliseconds, a token's ``expires_in``) goes through
``told_delay`` / ``told_time``, which turn the mock's seconds into the client's real ones.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

__all__ = [
    "DEFAULT_EPOCH",
    "Clock",
    "ScaledClock",
    "SystemClock",
    "VirtualClock",
    "told_delay",
    "told_seconds",
    "told_time",
    "utc_datetime",
]

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

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Stand still until the block ends (this clock does unless told to move): as ``ScaledClock.hold``."""
        yield

    def set(self, when: float) -> None:
        """Jump to an absolute time at or after the present."""
        with self._lock:
            if when < self._now:
                raise ValueError("a clock does not go back")
            self._now = float(when)


class ScaledClock:
    """Real time sped up ``scale`` times, starting at the real present (or ``start``).

    A mock on this clock keeps its rules in its own seconds (a minutely window, a one-minute cool-down)
    while a client living in real time waits ``1/scale`` of them: a 60 s ``Retry-After`` is told as
    ``60/scale`` real seconds and really holds that long. ``advance`` jumps ahead as a virtual clock does
    (the checklist does so between edits); ``sleep`` blocks for the real share of the seconds asked.
    ``real`` and ``pause`` are the real clock and the real wait, injected for tests.
    """

    def __init__(
        self,
        scale: float,
        *,
        start: float | None = None,
        real: Callable[[], float] = time.time,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        if not scale > 0:
            raise ValueError(f"a time scale must be positive, not {scale}")
        self.scale = float(scale)
        self._real = real
        self._pause = pause
        self._real0 = real()
        self._start = self._real0 if start is None else float(start)
        self._offset = 0.0
        self._held: float | None = None  #: the moment the clock stands at while held
        self._lock = threading.Lock()

    def _moment(self) -> float:
        return self._start + (self._real() - self._real0) * self.scale + self._offset

    def now(self) -> float:
        """Whole milliseconds, as the systems keep their times (and as a virtual clock reads)."""
        with self._lock:
            moment = self._moment() if self._held is None else self._held
        return math.floor(moment * 1000) / 1000

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Stand still until the block ends, then run on from where it stood (the real time it stood
        is taken out): what the checklist does in the block happens at one instant of this clock."""
        with self._lock:
            if self._held is not None:
                raise RuntimeError("the clock is held already")
            self._held = self._moment()
        try:
            yield
        finally:
            with self._lock:
                self._offset -= self._moment() - self._held
                self._held = None

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._pause(seconds / self.scale)

    def advance(self, seconds: float) -> None:
        """Jump forward ``seconds`` of this clock at once (never backward)."""
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._offset += seconds
            if self._held is not None:
                self._held += seconds

    def real_delay(self, seconds: float) -> float:
        """How long ``seconds`` of this clock last in real time."""
        return seconds / self.scale

    def real_time(self, when: float) -> float:
        """The real epoch second at which this clock reads ``when``."""
        return self._real() + (when - self.now()) / self.scale


def told_delay(clock: Clock, seconds: float) -> float:
    """A span of ``clock`` seconds as a client living in real time must be told it."""
    return clock.real_delay(seconds) if isinstance(clock, ScaledClock) else seconds


def told_seconds(clock: Clock, seconds: float) -> int:
    """``told_delay`` in whole seconds, rounded up and never 0 for a positive span (``Retry-After``)."""
    told = told_delay(clock, seconds)
    return max(1, math.ceil(told - 1e-9)) if seconds > 0 else 0


def told_time(clock: Clock, when: float) -> float:
    """An instant of ``clock`` (epoch seconds) as a client living in real time must be told it."""
    return clock.real_time(when) if isinstance(clock, ScaledClock) else when


def utc_datetime(clock: Clock) -> datetime:
    """The clock's present as an aware UTC datetime."""
    return datetime.fromtimestamp(clock.now(), tz=UTC)
