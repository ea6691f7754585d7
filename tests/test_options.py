"""One options model (``harness.options``): every option of a checklist run is declared once, and talkqa run's
and talkqa selfcheck's command lines, the pytest plugin's options, the argv of the pytest child, the replay
command of a report and the defaults of every options class all agree with it."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harness import cli, options, plugin
from harness.checklist import config as checklist_config
from harness.checklist.runner import CHECKLIST_MODULE, RunOptions, pytest_argv
from harness.options import OPTIONS, Command, Option, options_of, replay_argv, values_of
from harness.report.model import RunReport, Seeds, SpecInfo, SutInfo, Timings
from harness.selfcheck.run import SelfCheckOptions
from harness.sut import is_external

pytest_plugins = ["pytester"]

COMMANDS: tuple[Command, ...] = ("run", "selfcheck")

#: A value of each option unlike its default, as the options classes hold it.
OTHER_VALUES: dict[str, Any] = {
    "spec": "my-spec.rst",
    "mapping": "my-mapping.toml",
    "sut": "cmd:my-engine --once",
    "report_dir": "my-reports",
    "seed": 0,  # falsy, and still a value
    "workers": "2",
    "faults": ("one_way", "my_module:make"),
    "strict": True,
    "examples": 3,
    "markers": "section_1 and not resilience",
    "keywords": "test_a_quiet_cycle and not line_16",
    "allow_lint_errors": True,
    "verbose": True,
    "cycle_timeout": 7.5,
    "run_timeout": 600.0,
    "time_scale": 7,
    "full": True,
}

#: Options only ``talkqa selfcheck`` takes (no field of RunOptions).
SELFCHECK_ONLY = ("faults", "full")

#: Where pytest keeps the values of the options that are pytest's own (-m) or pytest-xdist's (-n).
PYTEST_OWN_DEST = {"-m": "markexpr", "-n": "numprocesses", "-k": "keyword"}


def _defaults(surface: options.Surface) -> dict[str, Any]:
    return {option.name: option.default_for(surface) for option in options_of(surface)}


def _word(option: Option[Any], value: Any) -> list[str]:
    """``value`` as words of talkqa's command line."""
    if option.switch:
        return [option.flags[0]] if value else []
    items = value if option.repeat else (value,)
    return [word for item in items for word in (option.flags[0], str(item))]


def _parse(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(list(argv))


# -- the model holds together -------------------------------------------------------------------
def test_every_option_has_one_name_and_its_flags_once() -> None:
    names = [option.name for option in OPTIONS]
    flags = [flag for option in OPTIONS for flag in option.flags]
    pytest_flags = [option.pytest_flag for option in OPTIONS if option.pytest_flag]
    assert len(set(names)) == len(names)
    assert len(set(flags)) == len(flags)
    assert len(set(pytest_flags)) == len(pytest_flags)
    for option in OPTIONS:
        assert option.commands, f"{option.name} is taken by no command"
        assert option.flags, f"{option.name} has no flag"
        assert not option.plugin or (option.pytest_flag or "").startswith("--talkqa-"), option.name
        assert set(option.commands) <= set(COMMANDS)


def test_the_model_imports_nothing_from_harness_but_its_errors() -> None:
    tree = ast.parse(Path(options.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name for name in imported if name.split(".")[0] == "harness"} <= {"harness.errors"}


def test_the_default_spec_is_declared_once() -> None:
    assert cli.DEFAULT_SPEC is options.DEFAULT_SPEC
    assert checklist_config.DEFAULT_SPEC is options.DEFAULT_SPEC
    assert options.DEFAULT_SPEC.is_file()


# -- talkqa run / talkqa selfcheck -----------------------------------------------------------------
@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_takes_exactly_its_options_with_their_defaults(command: Command) -> None:
    parsed = _parse(command)
    assert set(vars(parsed)) - {"command", "handler"} == {option.name for option in options_of(command)}
    assert values_of(parsed, command) == _defaults(command)


@pytest.mark.parametrize(
    ("command", "option"),
    [(command, option) for command in COMMANDS for option in options_of(command)],
    ids=lambda arg: arg if isinstance(arg, str) else arg.name,
)
def test_every_flag_of_an_option_sets_it(command: Command, option: Option[Any]) -> None:
    value = OTHER_VALUES[option.name]
    for flag in option.flags:
        words = [w if w != option.flags[0] else flag for w in _word(option, value)]
        assert values_of(_parse(command, *words), command)[option.name] == value


@pytest.mark.parametrize("command", COMMANDS)
def test_the_help_names_every_option_and_its_default(
    command: Command, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per option
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for option in options_of(command):
        assert all(flag in text for flag in option.flags), option.name
        assert option.help_for(command) % {"default": option.default_for(command)} in text
    assert "%(default)" not in text


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("flag", "word"), [("--seed", "-1"), ("--examples", "0"), ("-n", "0"), ("-n", "some")])
def test_a_bad_value_exits_2(command: Command, flag: str, word: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([command, flag, word])
    assert exited.value.code == 2
    assert f"talkqa {command}: error: argument {flag}" in capsys.readouterr().err


# -- the options classes ---------------------------------------------------------------------------
def _class_defaults(cls: type) -> dict[str, Any]:
    return {f.name: f.default for f in dataclasses.fields(cls)}


def test_run_options_hold_the_options_of_talkqa_run_with_their_defaults() -> None:
    defaults = _class_defaults(RunOptions)
    assert defaults.pop("quiet") is False  # pytest's -qq for selfcheck's runs: no option of talkqa run
    assert defaults == _defaults("run")


def test_selfcheck_options_hold_the_options_of_talkqa_selfcheck_with_their_defaults() -> None:
    assert _class_defaults(SelfCheckOptions) == _defaults("selfcheck")


def test_load_config_takes_the_config_options_in_order_with_their_defaults() -> None:
    parameters = inspect.signature(checklist_config.load_config).parameters
    assert list(parameters) == [option.name for option in OPTIONS if option.config]
    for option in OPTIONS:
        if option.config and parameters[option.name].default is not inspect.Parameter.empty:
            assert parameters[option.name].default == option.default, option.name
    fields = _class_defaults(checklist_config.ChecklistConfig)
    for name in ("sut", "seed", "strict"):
        assert fields[name] == getattr(options, name.upper()).default
    assert fields["examples"] == options.examples_for(is_external(options.SUT.default), options.EXAMPLES.default)


@pytest.mark.parametrize(
    ("sut", "given", "examples"),
    [
        ("reference", None, 10),
        ("harness.selfcheck.broken:one_way", None, 10),
        ("cmd:python engine.py", None, 3),
        ("loop:python engine.py --loop", None, 3),
        ("cmd:python engine.py", 7, 7),
        ("reference", 1, 1),
    ],
)
def test_round_trips_take_fewer_examples_from_an_external_engine_unless_told(
    sut: str, given: int | None, examples: int
) -> None:
    assert options.examples_for(is_external(sut), given) == examples
    assert checklist_config.load_config(None, None, sut, 1, False, given).examples == examples


# -- the pytest plugin -----------------------------------------------------------------------------
class _Group:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def addoption(self, *flags: str, **kwargs: Any) -> None:
        self.calls.append((flags, kwargs))


class _Parser:
    def __init__(self) -> None:
        self.group = _Group()

    def getgroup(self, name: str, description: str = "") -> _Group:
        return self.group


def test_the_plugin_declares_exactly_the_plugin_options() -> None:
    parser = _Parser()
    plugin.pytest_addoption(parser)  # type: ignore[arg-type]
    declared = dict(parser.group.calls)
    expected = {option.pytest_flag: option for option in options_of("pytest")}
    assert set(declared) == {(flag,) for flag in expected}
    for (flag,), kwargs in declared.items():
        assert kwargs["dest"] == expected[flag].pytest_dest
        assert kwargs.get("default") == expected[flag].default_for("pytest")


def test_the_plugin_options_parse_to_their_defaults(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfig()
    assert options.plugin_values(config.getoption) == _defaults("pytest")


# -- the argv of the pytest child --------------------------------------------------------------------
@pytest.mark.parametrize(
    "run",
    [
        RunOptions(),
        RunOptions(**{k: v for k, v in OTHER_VALUES.items() if k not in SELFCHECK_ONLY}),
        RunOptions(spec="", mapping="", workers="auto", markers="", seed=5, quiet=True),
    ],
    ids=["defaults", "every-option", "empty-and-auto"],
)
def test_the_child_argv_parses_back_to_the_run_options(pytester: pytest.Pytester, run: RunOptions) -> None:
    argv = pytest_argv(run)
    assert argv[1:4] == ["-m", "pytest", str(CHECKLIST_MODULE)]
    config = pytester.parseconfig(*argv[3:])
    untouched = pytester.parseconfig()  # what pytest holds for an option the child is not given
    assert [Path(arg) for arg in config.args] == [CHECKLIST_MODULE]
    for option in options_of("run"):
        if option.pytest_flag is None:
            continue
        value, parsed = getattr(run, option.name), _held(config, option)
        if not value and option.default_for("run") is None:  # unset: the child keeps its own default
            assert parsed == _held(untouched, option), option.name
        elif option.path:
            assert Path(parsed) == Path(value).resolve(), option.name
        else:
            assert str(parsed) == str(value), option.name


def _held(config: pytest.Config, option: Option[Any]) -> Any:
    """The value pytest holds for ``option``."""
    if option.plugin:
        return options.plugin_values(config.getoption)[option.name]
    assert option.pytest_flag is not None
    return config.getoption(PYTEST_OWN_DEST[option.pytest_flag])


def test_a_talkqa_run_command_line_reaches_the_child_unchanged(pytester: pytest.Pytester) -> None:
    words = [w for option in options_of("run") for w in _word(option, OTHER_VALUES[option.name])]
    run = RunOptions(**values_of(_parse("run", *words), "run"))
    assert run == RunOptions(**{k: v for k, v in OTHER_VALUES.items() if k not in SELFCHECK_ONLY})
    got = options.plugin_values(pytester.parseconfig(*pytest_argv(run)[3:]).getoption)
    assert got["seed"] == 0 and got["strict"] is True and got["sut"] == OTHER_VALUES["sut"]


# -- the replay command ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mapping", "strict", "seed"), [(None, False, 1), ("maps/my mapping.toml", True, 0)], ids=["plain", "everything"]
)
def test_the_replay_command_is_the_reports_and_parses_back(mapping: str | None, strict: bool, seed: int) -> None:
    now = datetime.now(UTC)
    report = RunReport(
        spec=SpecInfo("/specs/my spec.rst", "My spec"),
        sut=SutInfo("cmd:engine --once"),
        seeds=Seeds(run=seed, faker=seed),
        sections=(),
        timings=Timings(now, now),
        strict=strict,
        mapping_path=mapping,
    )
    values = {"spec": report.spec.path, "mapping": mapping, "sut": report.sut.name, "seed": seed, "strict": strict}
    assert replay_argv(values) == report.replay_argv()
    argv = replay_argv(values)
    assert argv[:2] == ("talkqa", "run")
    parsed = values_of(_parse(*argv[1:]), "run")
    assert {name: parsed[name] for name in values} == values
