"""Before a checklist run of an external engine (``--sut cmd:``): one cycle against a fresh pair of served
mocks, so that an engine that cannot start fails the run once, with one line, instead of every item.

The probe is bounded and leaves nothing behind: it waits at most ``PROBE_TIMEOUT_S`` (or the cycle
timeout, if shorter) — an engine still running then has started, and the checklist's items judge it —
and a SIGINT or SIGTERM while it runs ends the engine's whole process tree before talkqa exits."""

from __future__ import annotations

import contextlib
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from harness.checklist.config import ChecklistConfig
from harness.checklist.world import ChecklistWorld
from harness.errors import UsageError
from harness.procs import Interrupted

__all__ = ["PROBE_TIMEOUT_S", "probe_external_engine"]

#: Seconds the probe waits for the engine's first cycle.
PROBE_TIMEOUT_S = 10.0


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """While the block runs, SIGTERM (as SIGINT already does) raises, so the engine's cycle is killed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def probe_external_engine(config: ChecklistConfig) -> None:
    """Raise ``UsageError`` when the external engine's first cycle fails before it calls either system."""
    if not config.served:
        return
    timeout = min(PROBE_TIMEOUT_S, config.cycle_timeout_s)
    if config.run_deadline is not None:  # --run-timeout: the probe takes from the run's budget, never more
        timeout = max(0.1, min(timeout, config.run_deadline - time.monotonic()))
    probing = replace(config, cycle_timeout_s=timeout)
    with tempfile.TemporaryDirectory(prefix="talkqa-probe-") as folder, _sigterm_interrupts():
        world = ChecklistWorld(probing, "talkqa-probe", Path(folder) / "sut-state")
        try:
            result = world.sync(must_succeed=False)
            called = len(world.exact.calls) + len(world.squarespace.calls)
        finally:
            world.close()
    if result.ok or called or "did not finish" in (result.error or ""):
        return  # it started: it called a system, or it is still at work (the items judge it)
    raise UsageError(
        f"--sut {config.sut!r}: the engine could not start ({result.error}); it made no call to either system"
    )
