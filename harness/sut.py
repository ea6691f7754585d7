"""The system under test is pluggable: anything that can "run one sync cycle against these endpoints".

Three adapters:

- a *named engine* — one registered under the ``talkqa.engines`` entry point group; talkqa's own reference
  engine registers itself there as ``reference``, the default;
- ``module:callable`` — a Python factory, called as ``factory(endpoints=..., clock=...)``, returning
  an object with ``run_cycle()`` (and optionally ``close()``); a restart calls the factory again;
- ``cmd:COMMAND LINE`` — an external program, run once per cycle with the mocks' base URLs and
  credentials in ``TALKQA_*`` environment variables (the mocks are then served on loopback), so an
  engine written in any language can be checked. Exit status 0 means the cycle completed;
- ``loop:COMMAND LINE`` — the same program kept running: a cycle per line ``cycle`` on its stdin,
  answered by a line ``ok`` (or ``error: why``) on its stdout, for engines slow to start.

State that must survive a restart (links, cursors, tokens) belongs in ``endpoints.state_dir``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import queue
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from harness.clock import Clock
from harness.errors import SutError, UsageError
from harness.options import CYCLE_TIMEOUT
from harness.procs import kill_tree, start_group
from harness.redaction import redact_text, remember_secret
from harness.systems import EXACT_ONLINE, SQUARESPACE

if TYPE_CHECKING:
    from harness.exact.app import ExactOnlineMock
    from harness.squarespace.app import SquarespaceMock

__all__ = [
    "CycleResult",
    "Endpoints",
    "ExternalCommandSut",
    "LoopCommandSut",
    "PythonFactorySut",
    "SystemUnderTest",
    "check_sut",
    "describe_sut",
    "endpoints_of",
    "is_external",
    "load_sut",
]

#: The entry point group where engines register a name for ``--sut NAME`` (``module:callable``).
ENGINE_GROUP = "talkqa.engines"
#: How ``--sut`` names an external program: run once per cycle, or kept running (a cycle per line).
_EXTERNAL = ("cmd:", "loop:")
#: The engine ``--sut`` means when it names none.
DEFAULT_SUT = "reference"
#: Seconds one cycle of an external program may take (``--cycle-timeout``).
DEFAULT_CYCLE_TIMEOUT_S = CYCLE_TIMEOUT.default
#: The last characters of what a program printed that a cycle keeps as evidence.
_OUTPUT_KEPT = 2000
#: Seconds to read what a killed program printed before giving up on its pipes.
_DRAIN_S = 2.0


@cache
def named_engines() -> dict[str, str]:
    """Engines registered by name: name → ``module:callable`` (from the ``talkqa.engines`` entry points)."""
    from importlib.metadata import entry_points  # ~20 ms: not for an external engine that imports Endpoints

    return {ep.name: ep.value for ep in entry_points(group=ENGINE_GROUP)}


def _named(text: str) -> str | None:
    """The engine name ``text`` means (``""`` is the default), or ``None`` when it names none. The default
    missing from the entry points means talkqa is not installed as a package: a usage error saying so."""
    name = text or DEFAULT_SUT
    if name in named_engines():
        return name
    if name == DEFAULT_SUT:
        known = ", ".join(sorted(named_engines())) or "none"
        raise UsageError(
            f"--sut {name!r}: no engine of that name is installed ({ENGINE_GROUP} entry points: {known}); "
            "reinstall talkqa (pip install -e .)"
        )
    return None


@dataclass(frozen=True)
class Endpoints:
    """Where the two systems are and how to log in, plus the spec, mapping and a state folder."""

    exact_base_url: str
    exact_client_id: str
    exact_client_secret: str
    exact_redirect_uri: str
    exact_division: int
    squarespace_base_url: str
    squarespace_api_key: str
    spec_path: str
    state_dir: str
    mapping_path: str | None = None
    squarespace_currency: str = "EUR"  #: the site's currency: every money value it accepts is in it
    http_timeout_s: float = 30.0  #: how long to wait for an answer before a call counts as timed out
    time_scale: float = 1.0  #: how many times faster than real time the (served) mocks run

    def as_environment(self) -> dict[str, str]:
        """The ``TALKQA_*`` environment variables an external engine reads."""
        env = {
            "TALKQA_EXACT_BASE_URL": self.exact_base_url,
            "TALKQA_EXACT_AUTH_URL": f"{self.exact_base_url}/api/oauth2/auth",
            "TALKQA_EXACT_TOKEN_URL": f"{self.exact_base_url}/api/oauth2/token",
            "TALKQA_EXACT_CLIENT_ID": self.exact_client_id,
            "TALKQA_EXACT_CLIENT_SECRET": self.exact_client_secret,
            "TALKQA_EXACT_REDIRECT_URI": self.exact_redirect_uri,
            "TALKQA_EXACT_DIVISION": str(self.exact_division),
            "TALKQA_SQUARESPACE_BASE_URL": self.squarespace_base_url,
            "TALKQA_SQUARESPACE_API_KEY": self.squarespace_api_key,
            "TALKQA_SQUARESPACE_CURRENCY": self.squarespace_currency,
            "TALKQA_SPEC": self.spec_path,
            "TALKQA_STATE_DIR": self.state_dir,
            "TALKQA_HTTP_TIMEOUT_S": f"{self.http_timeout_s:g}",
            "TALKQA_TIME_SCALE": f"{self.time_scale:g}",
        }
        if self.mapping_path:
            env["TALKQA_MAPPING"] = self.mapping_path
        return env


def endpoints_of(
    exact: ExactOnlineMock,
    squarespace: SquarespaceMock,
    *,
    spec_path: str,
    state_dir: str,
    exact_url: str = EXACT_ONLINE.base_url,
    squarespace_url: str = SQUARESPACE.base_url,
    mapping_path: str | None = None,
    currency: str = "EUR",
    http_timeout_s: float = 30.0,
    time_scale: float = 1.0,
) -> Endpoints:
    """The endpoints of two mocks, with the login their control surfaces hold (the hosts are the real ones,
    as the mocks are reached in-process; pass a served mock's ``base_url`` otherwise)."""
    settings = exact.settings
    return Endpoints(
        exact_base_url=exact_url,
        exact_client_id=settings.client_id,
        exact_client_secret=settings.client_secret,
        exact_redirect_uri=settings.redirect_uri,
        exact_division=settings.default_division,
        squarespace_base_url=squarespace_url,
        squarespace_api_key=squarespace.api_key or "",
        spec_path=spec_path,
        state_dir=state_dir,
        mapping_path=mapping_path,
        squarespace_currency=currency,
        http_timeout_s=http_timeout_s,
        time_scale=time_scale,
    )


@dataclass(frozen=True)
class CycleResult:
    """How one cycle went, as far as the SUT tells."""

    ok: bool
    error: str | None = None  #: one line, when the cycle did not complete
    detail: Mapping[str, Any] = field(default_factory=dict)  #: whatever the SUT reports (counts, events)
    duration_s: float = 0.0


@runtime_checkable
class SystemUnderTest(Protocol):
    """Run one sync cycle; restart as after a crash (in-memory state lost, persisted state kept)."""

    @property
    def description(self) -> str: ...

    def run_cycle(self) -> CycleResult: ...

    def restart(self) -> None: ...

    def close(self) -> None: ...


class PythonFactorySut:
    """A SUT built by a Python factory ``module:callable``."""

    def __init__(self, target: str, endpoints: Endpoints, clock: Clock) -> None:
        self.target = target
        self.endpoints = endpoints
        self.clock = clock
        remember_secret(endpoints.exact_client_secret, endpoints.squarespace_api_key)
        self._factory = _import_factory(target)
        self._engine: Any = self._build()

    @property
    def description(self) -> str:
        named = next((n for n, v in named_engines().items() if v == self.target), None)
        return describe_sut(named or self.target)

    @property
    def engine(self) -> Any:
        """The object the factory built (for evidence and tests)."""
        return self._engine

    def run_cycle(self) -> CycleResult:
        started = time.perf_counter()
        try:
            outcome = self._engine.run_cycle()
        except Exception as exc:  # the SUT failed its cycle: that is a result, not a harness crash
            failure = redact_text(f"{type(exc).__name__}: {exc}")
            return CycleResult(False, failure, duration_s=time.perf_counter() - started)
        duration = time.perf_counter() - started
        if isinstance(outcome, CycleResult):
            return replace(outcome, error=redact_text(outcome.error)) if outcome.error else outcome
        ok = bool(getattr(outcome, "ok", True))
        said = getattr(outcome, "error", None)
        error = redact_text(str(said)) if said else None
        detail = outcome.as_detail() if hasattr(outcome, "as_detail") else {}
        return CycleResult(ok, error, detail, duration)

    def restart(self) -> None:
        self.close()
        self._engine = self._build()

    def close(self) -> None:
        closer = getattr(self._engine, "close", None)
        if callable(closer):
            closer()

    def _build(self) -> Any:
        try:
            engine = self._factory(endpoints=self.endpoints, clock=self.clock)
        except Exception as exc:
            raise SutError(f"{self.target} could not build a system under test: {type(exc).__name__}: {exc}") from exc
        if not callable(getattr(engine, "run_cycle", None)):
            raise SutError(f"{self.target} returned {type(engine).__name__}, which has no run_cycle() method")
        return engine


def engine_path(path: str | None = None) -> str:
    """The ``PATH`` an external engine runs with: the folder of the interpreter talkqa runs on first, so
    ``cmd:python engine.py`` finds the Python that has talkqa (a virtual environment need not be activated)."""
    here = os.path.dirname(sys.executable)
    rest = [part for part in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep) if part]
    return os.pathsep.join([here, *[part for part in rest if part != here]])


class ExternalCommandSut:
    """A SUT that is an external program, run once per cycle.

    Each cycle runs in a process group of its own: when it overruns ``timeout_s`` (or the run's
    ``deadline``, a ``time.monotonic()`` value), or the checklist is interrupted, the whole tree it started
    is killed. What it prints passes the run's redactor before it is kept."""

    def __init__(
        self,
        command: str,
        endpoints: Endpoints,
        *,
        timeout_s: float = DEFAULT_CYCLE_TIMEOUT_S,
        cwd: str | None = None,
        deadline: float | None = None,
    ) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise UsageError("--sut cmd: needs a command line after 'cmd:'")
        self.command = command
        self.endpoints = endpoints
        self.timeout_s = timeout_s
        self.deadline = deadline
        self.cwd = cwd
        self.runs = 0
        # the secrets handed to the program are secrets of the run: whatever it prints is redacted of them
        remember_secret(endpoints.exact_client_secret, endpoints.squarespace_api_key)
        self.killed = 0  #: cycles ended by ``kill`` (a crash)
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return describe_sut(f"cmd:{self.command}")

    def _budget(self) -> tuple[float, str]:
        """Seconds this cycle may take, and what to call the limit when it is reached."""
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left < self.timeout_s:
                return max(0.0, left), "the run's time budget (--run-timeout)"
        return self.timeout_s, f"the cycle timeout of {self.timeout_s:g} s (--cycle-timeout)"

    def run_cycle(self) -> CycleResult:
        budget, limit = self._budget()
        if budget <= 0:
            return CycleResult(False, f"not run: {limit} is spent")
        started = time.perf_counter()
        self.runs += 1
        process = _spawn(self.argv, self.endpoints, "cmd", cwd=self.cwd, stdin=subprocess.DEVNULL)
        with self._lock:
            self._process = process
        try:
            stdout, stderr = process.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)
            stdout, stderr = _leftover_output(process)
            return CycleResult(
                False,
                f"cycle did not finish within {limit}; its process tree was killed",
                _output(stdout, stderr),
                time.perf_counter() - started,
            )
        except BaseException:  # interrupted: leave nothing running
            kill_tree(process.pid)
            process.wait()
            raise
        finally:
            with self._lock:
                self._process = None
            kill_tree(process.pid)  # whatever the program left running in its group ends with its cycle
        duration = time.perf_counter() - started
        if process.returncode == 0:
            return CycleResult(True, None, _output(stdout, ""), duration)
        last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
        if process.returncode < 0:
            reason = f"killed by signal {-process.returncode}"
        else:
            reason = f"exit status {process.returncode}" + (f": {last.strip()}" if last else "")
        return CycleResult(False, redact_text(reason), _output(stdout, stderr), duration)

    def kill(self) -> bool:
        """Kill the running cycle's whole process tree at once (a crash); False when no cycle runs."""
        with self._lock:
            process = self._process
        if process is None or process.poll() is not None:
            return False
        kill_tree(process.pid)
        self.killed += 1
        return True

    def restart(self) -> None:
        """An external program keeps nothing between runs but what it persisted: nothing to do."""

    def close(self) -> None:
        """Nothing stays running between cycles."""
        self.kill()


class LoopCommandSut:
    """A SUT that is an external program started once and kept running: one cycle per line ``cycle`` on its
    stdin, answered by one line on its stdout — ``ok``, or anything else (``error: why``) for a failed cycle.
    A restart stops it (end of its stdin) and the next cycle starts it anew; a crash kills its process group.
    For engines whose start-up costs more than a cycle (``--sut loop:COMMAND``)."""

    def __init__(
        self, command: str, endpoints: Endpoints, *, timeout_s: float = DEFAULT_CYCLE_TIMEOUT_S, cwd: str | None = None
    ) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise UsageError("--sut loop: needs a command line after 'loop:'")
        remember_secret(endpoints.exact_client_secret, endpoints.squarespace_api_key)
        self.command = command
        self.endpoints = endpoints
        self.timeout_s = timeout_s
        self.cwd = cwd
        self.runs = 0
        self.starts = 0
        self.killed = 0
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._stderr_reader = threading.Thread()

    @property
    def description(self) -> str:
        return describe_sut(f"loop:{self.command}")

    def _start(self) -> subprocess.Popen[str]:
        process = _spawn(self.argv, self.endpoints, "loop", cwd=self.cwd, stdin=subprocess.PIPE, bufsize=1)
        self.starts += 1
        self._lines = queue.Queue()
        self._stderr = []
        threading.Thread(target=_pump, args=(process.stdout, self._lines), daemon=True).start()
        self._stderr_reader = threading.Thread(target=_keep_tail, args=(process.stderr, self._stderr), daemon=True)
        self._stderr_reader.start()
        self._process = process
        return process

    def run_cycle(self) -> CycleResult:
        process = self._process if self._process is not None and self._process.poll() is None else self._start()
        started = time.perf_counter()
        self.runs += 1
        try:
            assert process.stdin is not None
            process.stdin.write("cycle\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # it died: the answer below says how
        try:
            line = self._lines.get(timeout=self.timeout_s)
        except queue.Empty:
            self.close()
            return CycleResult(False, f"cycle did not finish within {self.timeout_s:.0f} s", duration_s=self.timeout_s)
        duration = time.perf_counter() - started
        if line is not None and line.strip() == "ok":
            return CycleResult(True, None, {}, duration)
        if line is not None:
            return CycleResult(False, redact_text(line.strip()) or "an empty answer", {}, duration)
        code = process.wait()
        self._process = None
        self._stderr_reader.join(timeout=2)  # its last words
        last = next((text for text in reversed(self._stderr) if text.strip()), "")
        reason = (
            f"killed by signal {-code}" if code < 0 else f"exit status {code}" + (f": {last.strip()}" if last else "")
        )
        return CycleResult(False, redact_text(reason), _output("", "\n".join(self._stderr)), duration)

    def kill(self) -> bool:
        """Kill the program's whole process tree at once (a crash); False when it is not running."""
        process = self._process
        if process is None or process.poll() is not None:
            return False
        kill_tree(process.pid)
        self.killed += 1
        return True

    def restart(self) -> None:
        """Stop the program: in-memory state is lost; the next cycle starts it again."""
        self.close()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.close()  # end of input: stop
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                kill_tree(process.pid)
                process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _spawn(argv: list[str], endpoints: Endpoints, kind: str, **popen: Any) -> subprocess.Popen[str]:
    """Start an external engine in a process group of its own, with the run's ``TALKQA_*`` environment and
    talkqa's interpreter first on its ``PATH``; a program that cannot start is a ``SutError``."""
    env = dict(os.environ)
    env.update(endpoints.as_environment())
    env["PATH"] = engine_path(env.get("PATH"))
    program = shutil.which(argv[0], path=env["PATH"]) or argv[0]
    try:
        return start_group(
            [program, *argv[1:]],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            **popen,
        )
    except FileNotFoundError:
        raise SutError(f"external SUT not found: {argv[0]!r}; check the --sut {kind}: command line") from None
    except PermissionError:
        raise SutError(f"external SUT {argv[0]!r} is not executable") from None


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    """Every line the program answers, then None when its stdout ends."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _keep_tail(stream: Any, tail: list[str], keep: int = 50) -> None:
    for line in stream:
        tail.append(line)
        del tail[:-keep]


def _output(stdout: str, stderr: str) -> dict[str, str]:
    """The last of what a program printed, redacted, as a cycle's detail."""
    detail = {"stdout": redact_text(stdout[-_OUTPUT_KEPT:])}
    if stderr:
        detail["stderr"] = redact_text(stderr[-_OUTPUT_KEPT:])
    return detail


def _leftover_output(process: subprocess.Popen[str]) -> tuple[str, str]:
    """What a killed program printed before it died; a pipe some escaped process still holds is not
    waited for."""
    try:
        stdout, stderr = process.communicate(timeout=_DRAIN_S)
    except subprocess.TimeoutExpired:
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        process.wait()
        return "", ""
    return stdout or "", stderr or ""


def _import_factory(target: str) -> Callable[..., Any]:
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise UsageError(f"--sut {target!r}: expected 'reference', 'module:callable' or 'cmd:COMMAND'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"--sut {target!r}: cannot import {module_name!r} ({exc})") from None
    factory = module
    for part in attribute.split("."):
        factory = getattr(factory, part, None)  # type: ignore[assignment]
        if factory is None:
            raise UsageError(f"--sut {target!r}: {module_name} has no {attribute!r}")
    if not callable(factory):
        raise UsageError(f"--sut {target!r}: {attribute!r} is not callable")
    return factory


def check_sut(spec: str) -> None:
    """Raise ``UsageError`` when ``--sut`` names nothing that can run — before any scenario does: a
    factory that cannot be imported or called, or a command that is not there."""
    text = spec.strip()
    if _named(text) is not None:
        return
    if text.startswith(_EXTERNAL):
        kind, _, rest = text.partition(":")
        try:
            argv = shlex.split(rest)
        except ValueError as exc:
            raise UsageError(f"--sut {spec!r}: cannot split the command line ({exc})") from None
        if not argv:
            raise UsageError(f"--sut {kind}: needs a command line after '{kind}:'")
        if shutil.which(argv[0], path=engine_path()) is None:
            raise UsageError(f"--sut {spec!r}: no program {argv[0]!r} (not on PATH, or not executable)")
        return
    # The checklist runs under ``python -m pytest``, where the current folder is importable: so here too.
    added = os.getcwd() not in sys.path
    if added:
        sys.path.append(os.getcwd())
    try:
        _import_factory(text)
    except UsageError:
        raise
    except Exception as exc:  # the module itself fails on import: still the command line's problem
        raise UsageError(f"--sut {spec!r}: importing it failed: {type(exc).__name__}: {exc}") from None
    finally:
        if added:
            sys.path.remove(os.getcwd())


def load_sut(
    spec: str,
    endpoints: Endpoints,
    clock: Clock,
    *,
    cycle_timeout_s: float | None = None,
    deadline: float | None = None,
) -> SystemUnderTest:
    """Build the SUT named by ``--sut``: ``reference``, ``module:callable`` or ``cmd:COMMAND`` (whose
    cycles stop after ``cycle_timeout_s``, and at the run's ``deadline``, a ``time.monotonic()`` value)."""
    text = spec.strip()
    name = _named(text)
    if name is not None:
        return PythonFactorySut(named_engines()[name], endpoints, clock)
    if text.startswith("cmd:"):
        return ExternalCommandSut(
            text[4:].strip(), endpoints, timeout_s=cycle_timeout_s or DEFAULT_CYCLE_TIMEOUT_S, deadline=deadline
        )
    if text.startswith("loop:"):
        return LoopCommandSut(text[5:].strip(), endpoints, timeout_s=cycle_timeout_s or DEFAULT_CYCLE_TIMEOUT_S)
    return PythonFactorySut(text, endpoints, clock)


def describe_sut(spec: str) -> str:
    """What ``--sut`` names, for people (the report's SUT line)."""
    text = spec.strip()
    if not text.startswith(_EXTERNAL) and ":" not in text:
        return f"talkqa {text or DEFAULT_SUT} engine"
    if text.startswith("cmd:"):
        return f"external command {text[4:].strip()}"
    if text.startswith("loop:"):
        return f"external command {text[5:].strip()}, kept running (a cycle per line on its stdin)"
    return f"Python factory {text}"


def is_external(spec: str) -> bool:
    """Whether ``--sut`` names an external command (which needs the mocks served on loopback)."""
    return spec.strip().startswith(_EXTERNAL)
