"""Child processes leave nothing behind (``harness.procs``): a child's session is killed when it ends,
a process group with everything it started, and a signal to the parent reaches the child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from harness.procs import kill_tree, run_child, session_members, signals_forwarded, start_group

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="process sessions are read from /proc (Linux)")


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for its (re)parent to reap it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _gone(pids: list[int], within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not any(_running(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def _spawner(tmp_path: Path, *, new_group: bool = False) -> list[str]:
    """A child that starts a long sleeper (in a group of its own, if asked), writes both pids, and ends."""
    script = tmp_path / "spawner.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import subprocess, sys
            sleeper = subprocess.Popen(["sleep", "300"], process_group={0 if new_group else None})
            open(sys.argv[1], "w").write(f"{{sleeper.pid}}")
            """
        ),
        encoding="utf-8",
    )
    return [sys.executable, str(script), str(tmp_path / "pids")]


@pytest.mark.parametrize("new_group", [False, True])
def test_what_a_child_leaves_running_in_its_session_is_killed_when_it_ends(tmp_path: Path, new_group: bool) -> None:
    result = run_child(_spawner(tmp_path, new_group=new_group))
    assert result.returncode == 0
    sleeper = int((tmp_path / "pids").read_text())
    assert _gone([sleeper])


def test_a_child_that_overruns_its_timeout_is_stopped_with_its_tree(tmp_path: Path) -> None:
    script = tmp_path / "hang.sh"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {tmp_path / 'pids'}\nwait\n", encoding="utf-8")
    script.chmod(0o755)
    started = time.monotonic()
    result = run_child([str(script)], timeout_s=0.5, grace_s=0.5)
    assert result.timed_out
    assert result.returncode != 0
    assert time.monotonic() - started < 10
    assert _gone([int((tmp_path / "pids").read_text())])


def test_kill_tree_ends_a_group_and_everything_it_started(tmp_path: Path) -> None:
    script = tmp_path / "tree.sh"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {tmp_path / 'pids'}\nsleep 300\n", encoding="utf-8")
    script.chmod(0o755)
    leader = start_group([str(script)])
    deadline = time.monotonic() + 5
    while not (tmp_path / "pids").exists() or not (tmp_path / "pids").read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    kill_tree(leader.pid)
    leader.wait(timeout=5)
    assert _gone([int((tmp_path / "pids").read_text())])


def test_a_group_already_gone_is_no_error() -> None:
    done = start_group(["true"])
    done.wait()
    kill_tree(done.pid, grace_s=0.1)


def test_session_members_lists_a_child_session(tmp_path: Path) -> None:
    child = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert session_members(child.pid) == [child.pid]
    finally:
        kill_tree(child.pid)
        child.wait()
    assert session_members(child.pid) == []


def test_a_signal_to_the_parent_is_forwarded_to_the_child_which_may_end_by_itself(tmp_path: Path) -> None:
    script = tmp_path / "polite.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import signal, sys, time
            def bye(signum, frame):
                open({str(tmp_path / "heard")!r}, "w").write(str(signum))
                sys.exit(3)
            signal.signal(signal.SIGTERM, bye)
            open({str(tmp_path / "ready")!r}, "w").write("1")
            time.sleep(300)
            """
        ),
        encoding="utf-8",
    )

    def send_when_ready(signum: int, frame: object) -> None:
        if (tmp_path / "ready").exists():
            os.kill(os.getpid(), signal.SIGTERM)
        else:
            signal.setitimer(signal.ITIMER_REAL, 0.05)

    previous = signal.signal(signal.SIGALRM, send_when_ready)
    try:
        with signals_forwarded() as interruption:
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            result = run_child([sys.executable, str(script)], grace_s=5)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert interruption.signum == signal.SIGTERM
    assert result.interrupted is interruption
    assert result.returncode == 3  # it ended by itself, within the grace period
    assert (tmp_path / "heard").read_text() == str(int(signal.SIGTERM))
    assert interruption.exit_code == 143


def test_no_child_starts_once_the_parent_was_interrupted() -> None:
    with signals_forwarded() as interruption:
        os.kill(os.getpid(), signal.SIGINT)
        assert interruption.signum == signal.SIGINT
        with pytest.raises(KeyboardInterrupt):
            run_child(["true"])
