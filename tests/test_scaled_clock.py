"""A scaled clock runs N times faster than real time, and tells clients living in real time what they must wait."""

from __future__ import annotations

import pytest

from harness.clock import ScaledClock, VirtualClock, told_delay, told_seconds, told_time


class FakeReal:
    """The real clock, injected: moves only when a test sleeps on it."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def pause(self, seconds: float) -> None:
        self.t += seconds


def test_a_scaled_clock_starts_at_the_real_present_and_runs_n_times_faster() -> None:
    real = FakeReal()
    clock = ScaledClock(60, real=real, pause=real.pause)
    assert clock.now() == 1_000.0
    real.t += 1.0
    assert clock.now() == pytest.approx(1_060.0)


def test_sleeping_a_minute_of_the_clock_blocks_one_sixtieth_in_real_time() -> None:
    real = FakeReal()
    clock = ScaledClock(60, real=real, pause=real.pause)
    clock.sleep(60)
    assert real.t == pytest.approx(1_001.0)
    assert clock.now() == pytest.approx(1_060.0)


def test_advance_jumps_the_clock_without_real_time_passing() -> None:
    real = FakeReal()
    clock = ScaledClock(10, real=real, pause=real.pause)
    clock.advance(2)
    assert clock.now() == pytest.approx(1_002.0)
    assert real.t == 1_000.0
    with pytest.raises(ValueError, match="does not go back"):
        clock.advance(-1)


def test_an_instant_of_the_clock_is_told_as_the_real_time_it_comes() -> None:
    real = FakeReal()
    clock = ScaledClock(60, real=real, pause=real.pause)
    clock.advance(30)  # the clock is 30 s ahead of real time
    reset = clock.now() + 60  # a minute of the clock from now ...
    assert told_time(clock, reset) == pytest.approx(1_001.0)  # ... is one real second away
    real.t = told_time(clock, reset)
    assert clock.now() >= reset - 1e-9


@pytest.mark.parametrize(("seconds", "told"), [(60, 1), (61, 2), (0.5, 1), (0, 0), (3600, 60)])
def test_retry_after_is_told_in_whole_real_seconds_rounded_up(seconds: float, told: int) -> None:
    real = FakeReal()
    assert told_seconds(ScaledClock(60, real=real, pause=real.pause), seconds) == told


def test_a_virtual_clock_tells_its_own_seconds() -> None:
    clock = VirtualClock(start=500.0)
    assert told_delay(clock, 60) == 60
    assert told_time(clock, 560.0) == 560.0


def test_a_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)


def test_a_scaled_clock_reads_whole_milliseconds() -> None:
    real = FakeReal(1_000.0001234)
    clock = ScaledClock(7, real=real, pause=real.pause)
    real.t += 0.123456789
    assert clock.now() * 1000 == pytest.approx(round(clock.now() * 1000), abs=1e-6)


def test_a_held_clock_stands_still_then_runs_on_from_where_it_stood() -> None:
    real = FakeReal()
    clock = ScaledClock(60, real=real, pause=real.pause)
    real.t += 1.0
    with clock.hold():
        assert clock.now() == pytest.approx(1_060.0)
        real.t += 5.0  # the checklist edits two records meanwhile: both at one instant
        assert clock.now() == pytest.approx(1_060.0)
        clock.advance(2)
        assert clock.now() == pytest.approx(1_062.0)
    assert clock.now() == pytest.approx(1_062.0)  # the five real seconds it stood are taken out
    real.t += 1.0
    assert clock.now() == pytest.approx(1_122.0)
    with pytest.raises(RuntimeError), clock.hold(), clock.hold():
        pass


def test_a_virtual_clock_held_stands_as_it_always_does() -> None:
    clock = VirtualClock(start=100.0)
    with clock.hold():
        assert clock.now() == 100.0
    assert clock.now() == 100.0
