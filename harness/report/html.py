"""``checklist.html``: the run report rendered once through a Jinja environment with autoescape on,
from the template shipped as package data (``templates/checklist.html.j2``).

Every value from a spec or a record reaches the page through ``{{ ... }}`` and is escaped there;
HTTP exchanges are redacted once more at render time, in case a record slipped past the call log.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from importlib import resources

from jinja2 import Environment, FunctionLoader, StrictUndefined

from harness.dataflow.model import Severity
from harness.mock.calls import redact_text
from harness.report.diff import diff_rows
from harness.report.groups import body_view, failure_groups
from harness.report.model import EXIT_INTERRUPTED, EXIT_NOTHING_CHECKED, RunReport
from harness.report.results import ItemResult, ItemStatus

__all__ = ["TEMPLATE", "format_duration", "render_html"]

TEMPLATE = "checklist.html.j2"


def _load_template(name: str) -> str | None:
    """A template from ``harness/report/templates``, read through importlib.resources (works installed)."""
    source = resources.files("harness.report").joinpath("templates", name)
    return source.read_text(encoding="utf-8") if source.is_file() else None


def format_duration(seconds: float) -> str:
    """``4 ms``, ``1.50 s``, ``2 min 03.0 s``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:.0f} min {rest:04.1f} s"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _environment() -> Environment:
    env = Environment(
        loader=FunctionLoader(_load_template),
        autoescape=True,  # for every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["redact"] = redact_text
    env.filters["duration"] = format_duration
    env.filters["utc"] = _utc
    env.filters["iso"] = _iso
    env.globals["diff_rows"] = diff_rows
    env.globals["body_view"] = body_view
    return env


_ENV = _environment()


_VERDICTS = {0: ("PASSED", "pass"), EXIT_NOTHING_CHECKED: ("NOTHING CHECKED", "nothing")}


def render_html(report: RunReport) -> str:
    """The whole ``checklist.html`` page."""
    exit_code = report.exit_code()
    word, css = _VERDICTS.get(exit_code, ("FAILED", "fail"))
    if exit_code == EXIT_INTERRUPTED:
        word, css = "INTERRUPTED", "fail"
    groups = failure_groups(report)

    def item_replay(item: ItemResult) -> str:
        return shlex.join(report.item_replay_argv(item))

    return _ENV.get_template(TEMPLATE).render(
        report=report,
        summary=report.summary,
        statuses=list(ItemStatus),
        exit_code=exit_code,
        verdict=report.verdict(),
        verdict_word=word,
        verdict_class=css,
        groups=groups,
        group_of={anchor: group for group in groups for anchor, _ in group.members},
        lint_errors=[f for f in report.findings if f.severity is Severity.ERROR],
        item_replay=item_replay,
        replay=shlex.join(report.replay_argv()),
    )
