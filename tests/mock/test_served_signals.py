"""A served mock stops cleanly, exit status 0, on Ctrl-C (SIGINT) and on a process manager's SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx
import pytest


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("system", ["exact", "squarespace"])
def test_a_served_mock_prints_its_start_line_answers_and_stops_on_a_signal(system: str, stop: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "serve", system, "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        start = json.loads(process.stdout.readline())
        assert start["base_url"].startswith("http://127.0.0.1:")
        assert httpx.get(start["base_url"] + "/nowhere", timeout=5).status_code in {401, 404}
        process.send_signal(stop)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()
