"""The options of a checklist run, declared once: ``talkqa run``, ``talkqa selfcheck`` and the pytest plugin.

Every option is one ``Option`` in ``OPTIONS``: its name, type, default and help, its flag(s) on talkqa's
command line, its flag on pytest's, and which commands take it. From that one tuple come

- the argparse arguments of ``talkqa run`` and ``talkqa selfcheck`` (``add_arguments``, ``values_of``);
- the pytest options of talkqa's plugin, ``--talkqa-spec`` ... (``plugin_options``, ``plugin_values``);
- the pytest command line ``talkqa run`` starts its child process with (``checklist_args``);
- the arguments of ``load_config`` (``config_args``);
- the command line a report prints to replay a run (``replay_argv``).

A default lives here and nowhere else (``DEFAULT_SPEC`` too); help texts name it with ``%(default)s``.
This module imports nothing from harness (the CLI, the plugin, the runner and the config import it).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

__all__ = [
    "ALLOW_LINT_ERRORS",
    "CYCLE_TIMEOUT",
    "DEFAULT_SPEC",
    "EXAMPLES",
    "EXAMPLES_EXTERNAL",
    "EXAMPLES_IN_PROCESS",
    "FAULTS",
    "FULL",
    "KEYWORDS",
    "MAPPING",
    "MARKERS",
    "OPTIONS",
    "REPORT_DIR",
    "RUN_TIMEOUT",
    "SEED",
    "SPEC",
    "STRICT",
    "SUT",
    "TIME_SCALE",
    "VERBOSE",
    "WORKERS",
    "Command",
    "Option",
    "Surface",
    "Variant",
    "add_arguments",
    "checklist_args",
    "config_args",
    "examples_for",
    "non_negative",
    "options_of",
    "plugin_options",
    "plugin_values",
    "positive",
    "replay_argv",
    "seconds",
    "values_of",
    "workers",
]

#: Our bundled default spec (ours, in our own words): what a run checks when no spec is given.
DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "fixtures" / "specs" / "exact-squarespace.rst"

#: The talkqa commands that run checklists.
Command = Literal["run", "selfcheck"]
#: Where an option is given: a talkqa command, or pytest's command line (talkqa's plugin).
Surface = Literal["run", "selfcheck", "pytest"]

T = TypeVar("T")


# -- the types of command-line words --------------------------------------------------------------
def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, got {value}")
    return value


def positive(text: str) -> int:
    value = non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a number of 1 or more, got 0")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def workers(text: str) -> str:
    if text == "auto" or (text.isdigit() and int(text) > 0):
        return text
    raise argparse.ArgumentTypeError(f"expected a number of workers or 'auto', got {text!r}")


# -- the model ------------------------------------------------------------------------------------
_SAME: Any = object()  #: a Variant field left as the option says


@dataclass(frozen=True)
class Variant:
    """What one surface says differently of an option: its default, its help."""

    default: Any = _SAME
    help: str | None = None


@dataclass(frozen=True)
class Option(Generic[T]):
    """One option of a checklist run."""

    name: str  #: the field of RunOptions / SelfCheckOptions, the argparse dest, the load_config parameter
    type: Callable[[str], Any] | None  #: turns a command-line word into a value; None: a switch (store_true)
    default: T
    help: str  #: ``%(default)s`` in it is the default of the surface that shows it
    flags: tuple[str, ...] = ()  #: on talkqa's command line; the first is the one a command line is built with
    pytest_flag: str | None = None  #: on pytest's command line (the child of ``talkqa run``)
    plugin: bool = False  #: talkqa's plugin declares ``pytest_flag`` (False: pytest's own -m, pytest-xdist's -n)
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    commands: frozenset[Command] = frozenset({"run", "selfcheck"})  #: the talkqa commands that take it
    repeat: bool = False  #: may be given several times; the value is a tuple
    path: bool = False  #: a file or folder: the pytest child gets it as an absolute path
    config: bool = False  #: a parameter of ``load_config`` (in the order of ``OPTIONS``)
    replay: bool = False  #: part of the command line a report prints to replay the run
    variants: tuple[tuple[Surface, Variant], ...] = ()  #: what a command (or pytest) says differently

    @property
    def switch(self) -> bool:
        return self.type is None

    @property
    def pytest_dest(self) -> str:
        """Where pytest keeps the value of a plugin option (``config.getoption``)."""
        return f"talkqa_{self.name}"

    def _variant(self, surface: Surface) -> Variant:
        return dict(self.variants).get(surface, Variant())

    def default_for(self, surface: Surface) -> Any:
        default = self._variant(surface).default
        return self.default if default is _SAME else default

    def help_for(self, surface: Surface) -> str:
        return self._variant(surface).help or self.help


SPEC: Option[str | None] = Option(
    "spec",
    str,
    None,
    "the dataflow document (default: our bundled Exact Online to Squarespace spec)",
    flags=("--spec",),
    pytest_flag="--talkqa-spec",
    plugin=True,
    metavar="FILE",
    path=True,
    config=True,
    replay=True,
)
MAPPING: Option[str | None] = Option(
    "mapping",
    str,
    None,
    "a mapping file for sections whose property table is empty (default: the bundled one where it fits)",
    flags=("--mapping",),
    pytest_flag="--talkqa-mapping",
    plugin=True,
    metavar="FILE",
    path=True,
    config=True,
    replay=True,
)
SUT: Option[str] = Option(
    "sut",
    str,
    "reference",
    "the system under test: '%(default)s' (default), 'module:callable' (a Python factory), 'cmd:COMMAND' "
    "(an external program run once per cycle) or 'loop:COMMAND' (one kept running, a cycle per line on its "
    "stdin); see the README",
    flags=("--sut",),
    pytest_flag="--talkqa-sut",
    plugin=True,
    metavar="SUT",
    commands=frozenset({"run"}),
    config=True,
    replay=True,
)
REPORT_DIR: Option[str] = Option(
    "report_dir",
    str,
    "reports",
    "where the reports go (default %(default)s)",
    flags=("--report-dir",),
    pytest_flag="--talkqa-report-dir",
    plugin=True,
    metavar="DIR",
    path=True,
    variants=(
        (
            "selfcheck",
            Variant(
                "reports/selfcheck",
                "where the reports go: DIR/<engine>/ per run, DIR/selfcheck.json for the table (default %(default)s)",
            ),
        ),
        (
            "pytest",
            Variant(
                None, "write checklist.html/json, junit.xml and cucumber.json into DIR (default: none are written)"
            ),
        ),
    ),
)
SEED: Option[int] = Option(
    "seed",
    non_negative,
    1,
    "seed of the fake data and the round trips (default %(default)s); the report prints it",
    flags=("--seed",),
    pytest_flag="--talkqa-seed",
    plugin=True,
    metavar="N",
    config=True,
    replay=True,
)
WORKERS: Option[str | None] = Option(
    "workers",
    workers,
    None,
    "run on N processes (or 'auto'), with pytest-xdist",
    flags=("-n",),
    pytest_flag="-n",
    metavar="N",
    variants=(
        (
            "selfcheck",
            Variant(
                help="run on N processes at once (or 'auto': one per CPU); default: the reference engine beside "
                "the broken engines on two CPUs (with --full: one run after the other)"
            ),
        ),
    ),
)
FAULTS: Option[tuple[str, ...]] = Option(
    "faults",
    str,  # each word is one name; the value is the tuple of them
    (),
    "check only this broken engine (repeatable; default all); a module:callable factory of your own is run as "
    "one more broken engine",
    flags=("--fault", "--broken-engine"),
    metavar="NAME",
    commands=frozenset({"selfcheck"}),
    repeat=True,
)
STRICT: Option[bool] = Option(
    "strict",
    None,
    False,
    "a pending checklist item fails the run",
    flags=("--strict",),
    pytest_flag="--talkqa-strict",
    plugin=True,
    commands=frozenset({"run"}),
    config=True,
    replay=True,
)
#: hypothesis examples per round trip unless told: in-process, and for an external engine (``cmd:``,
#: ``loop:``), each of whose examples starts or wakes its program for several cycles
EXAMPLES_IN_PROCESS = 10
EXAMPLES_EXTERNAL = 3


def examples_for(external: bool, examples: int | None) -> int:
    """The round trips' examples of a run: ``examples`` when given, else the default for an external engine
    (``harness.sut.is_external``) or one in-process."""
    if examples is not None:
        return examples
    return EXAMPLES_EXTERNAL if external else EXAMPLES_IN_PROCESS


EXAMPLES: Option[int | None] = Option(
    "examples",
    positive,
    None,
    f"hypothesis examples per round trip (default {EXAMPLES_IN_PROCESS}; {EXAMPLES_EXTERNAL} for a cmd: or loop: "
    "engine, each of whose examples starts or wakes the program for several cycles)",
    flags=("--examples",),
    pytest_flag="--talkqa-examples",
    plugin=True,
    metavar="N",
    config=True,
    replay=True,
)
MARKERS: Option[str | None] = Option(
    "markers",
    str,
    None,
    "run only checklist items whose tags match, e.g. 'section_2' or 'bidirectional and not resilience' "
    "(an expression that does not parse, or names no tag of the checklist, exits 2 before running)",
    flags=("-m",),
    pytest_flag="-m",
    metavar="EXPR",
    replay=True,
    variants=(
        (
            "selfcheck",
            Variant(
                help="run only checklist items whose tags match, e.g. 'section_2' or 'bidirectional and not resilience'"
            ),
        ),
    ),
)
KEYWORDS: Option[str | None] = Option(
    "keywords",
    str,
    None,
    "run only checklist items whose test names match, as pytest's -k (each item's replay command in the report "
    "uses it)",
    flags=("-k",),
    pytest_flag="-k",
    metavar="EXPR",
    commands=frozenset({"run"}),
    replay=True,
)
ALLOW_LINT_ERRORS: Option[bool] = Option(
    "allow_lint_errors",
    None,
    False,
    "run although the spec has error-level lint findings (else exit 2 before running, listing them); the report "
    "shows them at its top and on the items of the sections they are in",
    flags=("--allow-lint-errors",),
    commands=frozenset({"run"}),
    replay=True,
)
VERBOSE: Option[bool] = Option(
    "verbose",
    None,
    False,
    "show pytest's own output: every item as it runs and the long tracebacks of failures (default: one line "
    "per failed item and a summary)",
    flags=("-v", "--verbose"),
    commands=frozenset({"run"}),
)

CYCLE_TIMEOUT: Option[float] = Option(
    "cycle_timeout",
    seconds,
    120.0,
    "seconds one sync cycle of a cmd: engine may take before its whole process tree is killed and the item "
    "fails (default %(default)g)",
    flags=("--cycle-timeout",),
    pytest_flag="--talkqa-cycle-timeout",
    plugin=True,
    metavar="S",
    commands=frozenset({"run"}),
    config=True,
)
RUN_TIMEOUT: Option[float | None] = Option(
    "run_timeout",
    seconds,
    None,
    "seconds the whole run may take: cycles still running then are stopped, the items left fail, and the "
    "reports say so (default: no limit)",
    flags=("--run-timeout",),
    pytest_flag="--talkqa-run-timeout",
    plugin=True,
    metavar="S",
    commands=frozenset({"run"}),
    config=True,
)

FULL: Option[bool] = Option(
    "full",
    None,
    False,
    "run every broken engine against the whole checklist, each in a pytest process of its own (default: "
    "each broken engine only until its first caught item: the items of the promise it breaks first, then the "
    "cheapest)",
    flags=("--full",),
    commands=frozenset({"selfcheck"}),
)
TIME_SCALE: Option[int] = Option(
    "time_scale",
    positive,
    60,
    "with --sut cmd:, the served mocks run on real time sped up N times: every wait they impose (Retry-After, "
    "rate-limit resets, cool-downs) lasts 1/N as long, told to the engine in real time (default %(default)s)",
    flags=("--time-scale",),
    pytest_flag="--talkqa-time-scale",
    plugin=True,
    metavar="N",
    commands=frozenset({"run"}),
    config=True,
    replay=True,
)

#: Every option, in the order ``--help`` lists them (and ``load_config`` takes the ``config`` ones).
OPTIONS: tuple[Option[Any], ...] = (
    SPEC,
    MAPPING,
    SUT,
    REPORT_DIR,
    SEED,
    WORKERS,
    FAULTS,
    STRICT,
    EXAMPLES,
    MARKERS,
    KEYWORDS,
    ALLOW_LINT_ERRORS,
    VERBOSE,
    CYCLE_TIMEOUT,
    RUN_TIMEOUT,
    TIME_SCALE,
    FULL,
)


def options_of(surface: Surface) -> tuple[Option[Any], ...]:
    """The options of a talkqa command, or (``pytest``) those talkqa's plugin declares."""
    if surface == "pytest":
        return tuple(option for option in OPTIONS if option.plugin)
    return tuple(option for option in OPTIONS if surface in option.commands)


def _given(option: Option[Any], value: Any) -> bool:
    """Whether ``value`` goes on a command line: a switch when on, an option without a default when set
    (not empty), an option with a default always (a 0 too)."""
    if option.switch or option.default is None or option.repeat:
        return bool(value)
    return value is not None


# -- talkqa's command line ------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser, command: Command) -> None:
    """Declare the options of ``command`` on its argparse parser."""
    for option in options_of(command):
        kwargs: dict[str, Any] = {"dest": option.name, "help": option.help_for(command)}
        if option.switch:
            kwargs.update(action="store_true", default=option.default_for(command))
        else:
            kwargs["type"] = option.type
            kwargs["metavar"] = option.metavar
            if option.choices is not None:
                kwargs["choices"] = option.choices
            if option.repeat:
                kwargs["action"] = "append"  # default None: argparse appends to a default list in place
            else:
                kwargs["default"] = option.default_for(command)
        parser.add_argument(*option.flags, **kwargs)


def values_of(args: argparse.Namespace, command: Command) -> dict[str, Any]:
    """The values ``add_arguments`` parsed, by option name (a repeatable option's as a tuple)."""
    values: dict[str, Any] = {}
    for option in options_of(command):
        value = getattr(args, option.name)
        values[option.name] = tuple(value or option.default_for(command)) if option.repeat else value
    return values


# -- pytest's command line ------------------------------------------------------------------------
def plugin_options() -> list[tuple[str, dict[str, Any]]]:
    """``(flag, keyword arguments)`` of each ``addoption`` call of talkqa's plugin."""
    out: list[tuple[str, dict[str, Any]]] = []
    for option in options_of("pytest"):
        if option.pytest_flag is None:
            raise TypeError(f"option {option.name} is declared by talkqa's plugin but has no pytest flag")
        kwargs: dict[str, Any] = {"dest": option.pytest_dest, "help": option.help_for("pytest")}
        if option.switch:
            kwargs.update(action="store_true", default=option.default_for("pytest"))
        else:
            kwargs.update(type=option.type, metavar=option.metavar, default=option.default_for("pytest"))
            if option.choices is not None:
                kwargs["choices"] = option.choices
        out.append((option.pytest_flag, kwargs))
    return out


def plugin_values(getoption: Callable[[str], Any]) -> dict[str, Any]:
    """The values of the plugin's options by name, read with ``config.getoption``."""
    values: dict[str, Any] = {}
    for option in options_of("pytest"):
        value = getoption(option.pytest_dest)
        values[option.name] = bool(value) if option.switch else value
    return values


def checklist_args(values: Mapping[str, Any]) -> list[str]:
    """The pytest arguments that give a checklist run ``values`` (by name; absent ones are not passed)."""
    argv: list[str] = []
    for option in OPTIONS:
        value: Any = values.get(option.name)
        if option.pytest_flag is None or not _given(option, value):
            continue
        if option.switch:
            argv.append(option.pytest_flag)
            continue
        for item in value if option.repeat else (value,):
            argv += [option.pytest_flag, str(Path(item).resolve()) if option.path else str(item)]
    return argv


def config_args(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """The positional arguments of ``load_config`` for a run with ``values`` (by name)."""
    return tuple(values[option.name] for option in OPTIONS if option.config)


def replay_argv(values: Mapping[str, Any]) -> tuple[str, ...]:
    """``talkqa run ...``: the command line that replays a run with ``values`` (by name)."""
    argv = ["talkqa", "run"]
    for option in OPTIONS:
        value: Any = values.get(option.name)
        if not option.replay or not _given(option, value):
            continue
        argv.append(option.flags[0])
        if not option.switch:
            argv += [str(item) for item in (value if option.repeat else (value,))]
    return tuple(argv)
