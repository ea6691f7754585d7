"""Child processes that leave nothing behind: each started in a session or process group of its own,
SIGINT/SIGTERM forwarded to it, and its whole tree killed when it ends, times out or is interrupted.

- ``run_child`` runs a command (``talkqa run``'s and ``selfcheck``'s pytest children) in a new *session*;
  when it ends, every process still in that session — an engine it started, a grandchild of that
  engine — is killed. Under ``signals_forwarded()`` a SIGINT/SIGTERM to talkqa goes on to every live
  child; a child that does not end within ``grace_s`` of it is killed with its session.
- ``start_group`` starts a command (a ``cmd:`` engine's cycle) in a new *process group* of the caller's
  session, so ``kill_tree(pgid)`` ends it with everything it started, and a session kill above still
  reaches it.

Linux finds a session's members in ``/proc``; elsewhere only the process group is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

__all__ = [
    "ChildResult",
    "Interrupted",
    "Interruption",
    "kill_session",
    "kill_tree",
    "run_child",
    "session_members",
    "signals_forwarded",
    "start_group",
    "watched",
]

#: Seconds a child has to end by itself after a forwarded signal (to write an *interrupted* report).
GRACE_S = 10.0
_FORWARDED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM (``signum``) ended the work; what it started is gone. ``talkqa`` exits 128 + it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@dataclass
class Interruption:
    """The signal talkqa received while children ran (``None``: none), and when."""

    signum: int | None = None
    at: float = 0.0

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + (self.signum or 0)


_lock = threading.Lock()
_live: set[int] = set()  #: session ids of the children ``run_child`` waits for
_interruption: Interruption | None = None  #: set while ``signals_forwarded`` is active


def session_members(sid: int) -> list[int]:
    """The processes of session ``sid`` (read from ``/proc``; empty where there is none)."""
    members: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return members
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ... — comm may hold spaces and parentheses: split after the last ')'
        fields = stat.rpartition(")")[2].split()
        if len(fields) >= 4 and fields[0] != "Z" and fields[3] == str(sid):
            members.append(int(entry.name))
    return members


def kill_tree(pgid: int, *, grace_s: float = 0.0) -> None:
    """End process group ``pgid`` and everything in it: SIGTERM, up to ``grace_s`` to go, then SIGKILL.
    A group already gone is no error."""
    if grace_s > 0:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def kill_session(sid: int) -> None:
    """SIGKILL every process of session ``sid``, whatever process group it moved to."""
    kill_tree(sid)
    for pid in session_members(sid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def start_group(argv: Sequence[str], **popen: Any) -> subprocess.Popen[str]:
    """Start ``argv`` as the leader of a new process group in this session (``kill_tree(proc.pid)``
    ends it and all it started)."""
    return subprocess.Popen(list(argv), process_group=0, **popen)


@dataclass(frozen=True)
class ChildResult:
    returncode: int
    interrupted: Interruption | None = None  #: the signal that cut the run short
    timed_out: bool = False  #: the child overran its ``timeout_s`` and was stopped


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
    timeout_s: float | None = None,
    grace_s: float = GRACE_S,
) -> ChildResult:
    """Run ``argv`` in a session of its own until it ends; nothing of it survives this call.

    After ``timeout_s`` (or a signal forwarded under ``signals_forwarded``) the child gets SIGTERM and
    ``grace_s`` to end by itself; then its session is killed. Raises ``KeyboardInterrupt`` when talkqa
    is interrupted before the child starts."""
    interruption = _interruption
    if interruption is not None and interruption.signum is not None:
        raise KeyboardInterrupt
    proc = subprocess.Popen(list(argv), env=dict(env) if env is not None else None, stdout=stdout, stderr=stderr,
                            start_new_session=True)  # fmt: skip
    sid = proc.pid
    with _lock:
        _live.add(sid)
    deadline = time.monotonic() + timeout_s if timeout_s is not None else None
    stopping_since: float | None = None
    timed_out = False
    try:
        while True:
            try:
                proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if stopping_since is None:
                signalled = interruption is not None and interruption.signum is not None
                if deadline is not None and now >= deadline and not signalled:
                    timed_out = True
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(sid, signal.SIGTERM)
                    stopping_since = now
                elif signalled:
                    stopping_since = interruption.at if interruption is not None else now
            elif now - stopping_since >= grace_s:
                kill_session(sid)
    except BaseException:
        kill_session(sid)
        proc.wait()
        raise
    finally:
        kill_session(sid)
        with _lock:
            _live.discard(sid)
    stopped = interruption if interruption is not None and interruption.signum is not None else None
    return ChildResult(proc.returncode, stopped, timed_out)


def _forward(signum: int, frame: FrameType | None) -> None:
    interruption = _interruption
    if interruption is None:
        return
    with _lock:
        sessions = list(_live)
    if interruption.signum is None:
        interruption.signum = signum
        interruption.at = time.monotonic()
        for sid in sessions:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(sid, signum)
    else:  # a second signal: no more grace
        for sid in sessions:
            kill_session(sid)


@contextlib.contextmanager
def watched(proc: subprocess.Popen[Any]) -> Iterator[None]:
    """Count ``proc`` (started with ``start_new_session=True``) among the children signals are forwarded to
    while the block runs, as ``run_child`` does its own; when the block ends its session is killed."""
    with _lock:
        _live.add(proc.pid)
    try:
        yield
    finally:
        kill_session(proc.pid)
        with _lock:
            _live.discard(proc.pid)


@contextlib.contextmanager
def signals_forwarded() -> Iterator[Interruption]:
    """While the block runs, SIGINT and SIGTERM to this process go on to every child ``run_child``
    waits for (a second signal kills them at once); the yielded ``Interruption`` says which came.
    Only the main thread can catch signals: elsewhere this forwards nothing."""
    global _interruption
    interruption = Interruption()
    if threading.current_thread() is not threading.main_thread():
        yield interruption
        return
    previous = {signum: signal.getsignal(signum) for signum in _FORWARDED}
    _interruption = interruption
    for signum in _FORWARDED:
        signal.signal(signum, _forward)
    try:
        yield interruption
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _interruption = None
