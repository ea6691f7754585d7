"""``talkqa run`` leaves nothing behind: a SIGTERM or SIGINT at any moment ends the pytest child, the
served mocks and the external engine with all it started; a ``cmd:`` engine that hangs fails its item
within ``--cycle-timeout`` and leaves no process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="processes are looked up in /proc (Linux)")

#: One section, two items (create, re-run): the cheapest selection of the bundled checklist.
ONE_LINE = "line_14 and create"


def _hanging_engine(tmp_path: Path) -> Path:
    """An engine that notes its pid, its sleeper's and the mocks' URLs, then hangs (with a grandchild)."""
    script = tmp_path / "hang.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$$" >> {tmp_path}/pids\n'
        f'echo "$TALKQA_EXACT_BASE_URL $TALKQA_SQUARESPACE_BASE_URL" >> {tmp_path}/urls\n'
        "sleep 300 &\n"
        f'echo "$!" >> {tmp_path}/pids\n'
        "wait\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _descendants(pid: int) -> set[int]:
    """Every process whose parent chain leads to ``pid``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text(encoding="ascii").rpartition(")")[2].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _listening(url: str) -> bool:
    host, _, port = url.removeprefix("http://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def _wait_for(path: Path, lines: int, timeout_s: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and len(text := path.read_text().split()) >= lines:
            return text
        time.sleep(0.05)
    raise AssertionError(f"{path} did not get {lines} entries within {timeout_s} s")


def _talkqa_run(tmp_path: Path, engine: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "run", "--sut", f"cmd:{engine}", "-m", ONE_LINE,
         "--report-dir", str(tmp_path / "reports"), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


@pytest.mark.parametrize("moment", ["probe", "checklist"])
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_talkqa_run_leaves_no_process_and_no_port(
    tmp_path: Path, stop: signal.Signals, moment: str
) -> None:
    # The engine first runs in talkqa's probe (its first cycle, bounded by the cycle timeout: 3 s here),
    # then in the checklist's pytest child: a signal at either moment leaves nothing behind.
    run = _talkqa_run(tmp_path, _hanging_engine(tmp_path), "--cycle-timeout", "3")
    try:
        lines = 2 if moment == "probe" else 4
        pids = [int(p) for p in _wait_for(tmp_path / "pids", lines)][lines - 2 :]
        urls = _wait_for(tmp_path / "urls", lines)
        family = _descendants(run.pid)
        # the engine and its sleeper (and, in the checklist, the pytest child above them)
        assert set(pids) <= family and len(family) >= (2 if moment == "probe" else 3)
        assert all(_listening(url) for url in urls[lines - 2 :])
        run.send_signal(stop)
        _, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 128 + stop
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in family if _running(pid)] == []
    assert [url for url in urls if _listening(url)] == []


def test_a_hanging_engine_fails_its_items_within_the_cycle_timeout_and_leaves_no_process(tmp_path: Path) -> None:
    started = time.monotonic()
    run = _talkqa_run(tmp_path, _hanging_engine(tmp_path), "--cycle-timeout", "1.5")
    stdout, stderr = run.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert run.returncode == 1, stderr
    report = json.loads((tmp_path / "reports" / "checklist.json").read_text(encoding="utf-8"))
    assert report["summary"]["failed"] == 2
    assert "within the cycle timeout of 1.5 s (--cycle-timeout); its process tree was killed" in stdout
    assert elapsed < 60
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if _running(pid)] == []


def test_the_run_timeout_stops_the_cycles_and_fails_what_is_left(tmp_path: Path) -> None:
    started = time.monotonic()
    run = _talkqa_run(tmp_path, _hanging_engine(tmp_path), "--run-timeout", "3")
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 1, stderr
    assert time.monotonic() - started < 60
    assert "the run's time budget (--run-timeout)" in stdout
    noted = tmp_path / "pids"
    pids = [int(p) for p in noted.read_text().split()] if noted.exists() else []
    assert len(pids) <= 4  # the probe's cycle and one more at most (none on a slow machine): budget spent
    assert [pid for pid in pids if _running(pid)] == []


@pytest.mark.parametrize("value", ["0", "-3", "soon", "inf", "nan"])
@pytest.mark.parametrize("flag", ["--cycle-timeout", "--run-timeout"])
def test_a_timeout_that_is_no_positive_number_is_a_usage_error(
    flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["run", flag, value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and flag in err


def test_a_signal_to_selfcheck_leaves_no_run_behind(tmp_path: Path) -> None:
    run = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "selfcheck", "--fault", "one_way", "-m", "line_16",
         "--report-dir", str(tmp_path / "reports")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        family: set[int] = set()
        while time.monotonic() < deadline and not any(
            "pytest" in _cmdline(pid) or "selfcheck.batch" in _cmdline(pid) for pid in family
        ):
            time.sleep(0.1)
            family = _descendants(run.pid)
        assert family, "selfcheck started no run"
        run.send_signal(signal.SIGTERM)
        _, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode in {130, 143}, stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in family if _running(pid)] == []
