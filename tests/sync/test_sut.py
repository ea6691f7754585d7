"""The SUT adapters: a Python factory and an external command, behind one protocol."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness.clock import VirtualClock
from harness.errors import SutError, UsageError
from harness.sut import (
    Endpoints,
    ExternalCommandSut,
    LoopCommandSut,
    PythonFactorySut,
    SystemUnderTest,
    engine_path,
    load_sut,
)


def endpoints(tmp_path: Path) -> Endpoints:
    return Endpoints(
        exact_base_url="http://127.0.0.1:9001",
        exact_client_id="client-1",
        exact_client_secret="secret-1",
        exact_redirect_uri="http://127.0.0.1/callback",
        exact_division=123,
        squarespace_base_url="http://127.0.0.1:9002",
        squarespace_api_key="key-1",
        spec_path="spec.rst",
        state_dir=str(tmp_path),
    )


class CountingEngine:
    """A toy engine: counts its cycles in memory and in its state folder."""

    built = 0

    def __init__(self, endpoints: Endpoints, clock: Any) -> None:
        CountingEngine.built += 1
        self.cycles = 0
        self.state = Path(endpoints.state_dir) / "cycles"

    def run_cycle(self) -> None:
        self.cycles += 1
        done = int(self.state.read_text()) if self.state.exists() else 0
        self.state.write_text(str(done + 1))


def failing_factory(endpoints: Endpoints, clock: Any) -> Any:
    class Failing:
        def run_cycle(self) -> None:
            raise RuntimeError("lost the connection")

    return Failing()


def not_an_engine(endpoints: Endpoints, clock: Any) -> object:
    return object()


def test_a_python_factory_runs_cycles_and_restarts_from_persisted_state(tmp_path: Path) -> None:
    sut = load_sut(f"{__name__}:CountingEngine", endpoints(tmp_path), VirtualClock())
    assert isinstance(sut, SystemUnderTest)
    assert sut.run_cycle().ok
    sut.restart()
    assert sut.run_cycle().ok
    assert (tmp_path / "cycles").read_text() == "2"
    assert isinstance(sut, PythonFactorySut)
    assert sut.engine.cycles == 1, "a restart loses what was only in memory"


def test_an_exception_in_a_cycle_is_a_failed_cycle_not_a_crash(tmp_path: Path) -> None:
    result = load_sut(f"{__name__}:failing_factory", endpoints(tmp_path), VirtualClock()).run_cycle()
    assert not result.ok
    assert result.error == "RuntimeError: lost the connection"


def test_a_factory_that_builds_no_engine_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SutError, match="has no run_cycle"):
        load_sut(f"{__name__}:not_an_engine", endpoints(tmp_path), VirtualClock())


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module_here:factory", "cannot import"),
        (f"{__name__}:missing", "has no 'missing'"),
        ("justaword", "expected 'reference'"),
        ("cmd:", "needs a command line"),
    ],
)
def test_a_bad_sut_argument_is_a_usage_error(tmp_path: Path, spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_sut(spec, endpoints(tmp_path), VirtualClock())


def write_script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "engine.py"
    script.write_text(body)
    return f"cmd:{sys.executable} {script}"


def test_an_external_command_gets_the_endpoints_in_its_environment(tmp_path: Path) -> None:
    command = write_script(
        tmp_path,
        "import json, os\n"
        "keys = sorted(k for k in os.environ if k.startswith('TALKQA_'))\n"
        "state = os.environ['TALKQA_STATE_DIR']\n"
        "open(os.path.join(state, 'env.json'), 'w').write(json.dumps({k: os.environ[k] for k in keys}))\n",
    )
    sut = load_sut(command, endpoints(tmp_path), VirtualClock())
    assert isinstance(sut, ExternalCommandSut)
    result = sut.run_cycle()
    assert result.ok, result.error
    seen = json.loads((tmp_path / "env.json").read_text())
    assert seen["TALKQA_EXACT_TOKEN_URL"] == "http://127.0.0.1:9001/api/oauth2/token"
    assert seen["TALKQA_SQUARESPACE_API_KEY"] == "key-1"
    assert seen["TALKQA_EXACT_DIVISION"] == "123"


def test_an_external_command_that_fails_reports_its_last_error_line(tmp_path: Path) -> None:
    command = write_script(
        tmp_path, "import sys\nprint('working')\nsys.stderr.write('first\\nrate limited, giving up\\n')\nsys.exit(3)\n"
    )
    result = load_sut(command, endpoints(tmp_path), VirtualClock()).run_cycle()
    assert not result.ok
    assert result.error == "exit status 3: rate limited, giving up"


def test_an_external_command_that_hangs_is_stopped(tmp_path: Path) -> None:
    script = tmp_path / "hang.py"
    script.write_text("import time\ntime.sleep(30)\n")
    sut = ExternalCommandSut(f"{sys.executable} {script}", endpoints(tmp_path), timeout_s=0.5)
    result = sut.run_cycle()
    assert not result.ok
    assert "did not finish" in (result.error or "")


def test_a_missing_external_program_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SutError, match="not found"):
        load_sut("cmd:/no/such/engine --once", endpoints(tmp_path), VirtualClock()).run_cycle()


def test_the_reference_engine_parses_a_spec_once_however_often_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.options import DEFAULT_SPEC
    from harness.sync import reference

    spec = tmp_path / "spec.rst"
    spec.write_text(DEFAULT_SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    parsed: list[str] = []
    real_parse = reference.parse_file

    def counting(path: str) -> Any:
        parsed.append(path)
        return real_parse(path)

    monkeypatch.setattr(reference, "parse_file", counting)
    reference._parsed_mappings.cache_clear()
    where = dataclasses.replace(endpoints(tmp_path), spec_path=str(spec))
    for _ in range(5):  # a scenario builds it, a restart builds it again
        load_sut("reference", where, VirtualClock()).close()
    assert parsed == [str(spec)]
    spec.write_text(spec.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # an edited spec is read again
    load_sut("reference", where, VirtualClock()).close()
    assert parsed == [str(spec), str(spec)]


def leaky_factory(endpoints: Endpoints, clock: Any) -> Any:
    class Leaky:
        def run_cycle(self) -> None:
            raise RuntimeError(
                f"login failed with {endpoints.exact_client_secret}-and-more, key {endpoints.squarespace_api_key}"
            )

    return Leaky()


def test_a_failing_python_engine_s_message_is_redacted_of_the_run_s_secrets(tmp_path: Path) -> None:
    where = dataclasses.replace(
        endpoints(tmp_path), exact_client_secret="s3cret-value-1", squarespace_api_key="k3y-value-22"
    )
    result = load_sut(f"{__name__}:leaky_factory", where, VirtualClock()).run_cycle()
    assert not result.ok
    assert result.error == "RuntimeError: login failed with ***-and-more, key ***"


def test_a_crash_kills_the_external_engines_whole_process_tree(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = tmp_path / "tree.py"
    script.write_text(
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "time.sleep(60)\n"
    )
    sut = ExternalCommandSut(f"{sys.executable} {script}", endpoints(tmp_path), timeout_s=30)
    outcome: list[Any] = []
    runner = threading.Thread(target=lambda: outcome.append(sut.run_cycle()))
    runner.start()
    while not pids.exists() or not pids.read_text():
        time.sleep(0.02)
    assert sut.kill()
    runner.join(timeout=10)
    assert outcome and not outcome[0].ok
    assert outcome[0].error == "killed by signal 9"
    grandchild = int(pids.read_text().split()[1])
    for _ in range(100):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the engine's child outlived the crash")
    assert not sut.kill()  # nothing runs any more


def test_an_external_engine_finds_the_interpreter_talkqa_runs_on_first_on_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    command = write_script(
        tmp_path,
        "import os, sys\nopen(os.path.join(os.environ['TALKQA_STATE_DIR'], 'path'), 'w').write(os.environ['PATH'])\n",
    )
    assert load_sut(command, endpoints(tmp_path), VirtualClock()).run_cycle().ok
    first = (tmp_path / "path").read_text().split(os.pathsep)[0]
    assert first == os.path.dirname(sys.executable)
    assert engine_path("/usr/bin") == os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin"])


def test_the_run_advertises_its_time_out_and_time_scale_to_an_external_engine(tmp_path: Path) -> None:
    env = replace(endpoints(tmp_path), http_timeout_s=2.0, time_scale=60).as_environment()
    assert (env["TALKQA_HTTP_TIMEOUT_S"], env["TALKQA_TIME_SCALE"]) == ("2", "60")


LOOP_ENGINE = (
    "import os, sys\n"
    "count = 0\n"
    "for line in sys.stdin:\n"
    "    count += 1\n"
    "    open(os.path.join(os.environ['TALKQA_STATE_DIR'], 'memory'), 'w').write(str(count))\n"
    "    print('ok' if count < 3 else 'error: third time unlucky', flush=True)\n"
)


def test_a_kept_running_engine_runs_a_cycle_per_line_and_keeps_its_memory_until_a_restart(tmp_path: Path) -> None:
    script = tmp_path / "loop.py"
    script.write_text(LOOP_ENGINE)
    sut = load_sut(f"loop:{sys.executable} {script}", endpoints(tmp_path), VirtualClock())
    assert isinstance(sut, LoopCommandSut)
    try:
        assert sut.run_cycle().ok and sut.run_cycle().ok
        third = sut.run_cycle()
        assert not third.ok and third.error == "error: third time unlucky"
        assert (tmp_path / "memory").read_text() == "3" and sut.starts == 1
        sut.restart()
        assert sut.run_cycle().ok
        assert (tmp_path / "memory").read_text() == "1" and sut.starts == 2
    finally:
        sut.close()


def test_a_kept_running_engine_that_dies_or_is_killed_fails_its_cycle_and_starts_again(tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text("import sys, time\nfor line in sys.stdin:\n    time.sleep(60)\n")
    sut = LoopCommandSut(f"{sys.executable} {script}", endpoints(tmp_path), timeout_s=30)
    outcome: list[Any] = []
    runner = threading.Thread(target=lambda: outcome.append(sut.run_cycle()))
    runner.start()
    while sut.starts == 0:
        time.sleep(0.02)
    time.sleep(0.2)
    assert sut.kill()
    runner.join(timeout=10)
    assert outcome and outcome[0].error == "killed by signal 9"
    dying = tmp_path / "dying.py"
    dying.write_text("import sys\nsys.stderr.write('no config\\n')\nsys.exit(4)\n")
    broken = LoopCommandSut(f"{sys.executable} {dying}", endpoints(tmp_path))
    result = broken.run_cycle()
    assert not result.ok and result.error == "exit status 4: no config"
    broken.close()
    sut.close()
