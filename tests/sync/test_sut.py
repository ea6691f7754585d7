"""The SUT adapters: a Python factory and an external command, behind one protocol."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.clock import VirtualClock
from harness.errors import SutError, UsageError
from harness.sut import Endpoints, ExternalCommandSut, PythonFactorySut, SystemUnderTest, load_sut


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
