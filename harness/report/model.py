"""The results of a checklist run as plain data: the sections of item results (``results.py``) with
the run's context — spec, seeds, system under test, lint findings, assumed mapping rows, versions,
timings — and the summary and exit-code rule computed from them. Nothing here renders;
``RunReport.to_json``/``from_json`` give the one serialised shape that ``checklist.json`` holds
and that partial reports are merged from.
"""

from __future__ import annotations

import platform
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from harness.dataflow.model import DataflowDocument, Finding, PropertyMapping, Severity
from harness.errors import ReportError
from harness.options import replay_argv
from harness.report.results import (
    Evidence,
    HttpExchange,
    HypothesisExample,
    ItemResult,
    ItemStatus,
    SectionResult,
    StepResult,
    Summary,
)

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NOTHING_CHECKED",
    "FORMAT",
    "AssumedMapping",
    "Evidence",
    "HttpExchange",
    "HypothesisExample",
    "ItemResult",
    "ItemStatus",
    "LintFinding",
    "PhaseTiming",
    "RunReport",
    "SectionResult",
    "Seeds",
    "SpecInfo",
    "StepResult",
    "Summary",
    "SutInfo",
    "Timings",
    "installed_versions",
]

#: The exit code of a run that checked nothing (pytest's "no tests ran"), and of an interrupted one.
EXIT_NOTHING_CHECKED = 5
EXIT_INTERRUPTED = 130

#: What pytest's -k takes as one name (its scanner's identifier characters).
_KEYWORD = re.compile(r"[\w:+\-.\[\]\\/]+")

#: Names the serialised shape; bumped when a key changes meaning.
FORMAT = "talkqa-checklist/1"

#: Distributions whose versions a report lists by default, in this order.
_VERSIONED = ("talkqa", "pytest", "pytest-bdd", "hypothesis", "faker", "httpx", "respx", "jinja2")


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ReportError(f"timestamp {text!r} has no time zone: reports hold UTC times")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class LintFinding:
    """A lint finding about the spec (or a mapping file), with the file it is about."""

    path: str
    code: str
    severity: Severity
    line: int
    message: str

    @classmethod
    def of(cls, path: str, finding: Finding) -> LintFinding:
        return cls(path, finding.code, finding.severity, finding.line, finding.message)

    def render(self) -> str:
        """``path:12: TQ004 warning: message``, as ``talkqa lint`` prints it."""
        return f"{self.path}:{self.line}: {self.code} {self.severity.value}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "code": self.code,
            "severity": self.severity.value,
            "line": self.line,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LintFinding:
        return cls(data["path"], data["code"], Severity(data["severity"]), int(data["line"]), data["message"])


@dataclass(frozen=True)
class AssumedMapping:
    """A property row the spec did not list, taken from a mapping file (or a default) and so assumed."""

    section: str  #: the section title
    section_line: int
    source: str
    target: str
    datatype: str
    origin: str  #: where the row came from, e.g. ``fixtures/mappings/exact-squarespace.toml:14``

    @classmethod
    def of(cls, section: str, section_line: int, row: PropertyMapping, origin: str) -> AssumedMapping:
        return cls(section, section_line, row.source, row.target, row.datatype, origin)

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "section_line": self.section_line,
            "source": self.source,
            "target": self.target,
            "datatype": self.datatype,
            "origin": self.origin,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AssumedMapping:
        return cls(
            data["section"], int(data["section_line"]), data["source"], data["target"], data["datatype"], data["origin"]
        )


@dataclass(frozen=True)
class SpecInfo:
    path: str
    title: str

    @classmethod
    def of(cls, document: DataflowDocument) -> SpecInfo:
        return cls(document.path, document.title)


@dataclass(frozen=True)
class SutInfo:
    """The system under test: the ``--sut`` name and what it is."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class Seeds:
    """Every seed of a run. ``run`` is ``--seed N``; the others are what the runner derived from it."""

    run: int
    faker: int
    hypothesis: int | None = None  #: None under a derandomized profile
    hypothesis_profile: str = "default"

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "faker": self.faker,
            "hypothesis": self.hypothesis,
            "hypothesis_profile": self.hypothesis_profile,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Seeds:
        return cls(
            int(data["run"]), int(data["faker"]), data.get("hypothesis"), data.get("hypothesis_profile", "default")
        )


@dataclass(frozen=True)
class PhaseTiming:
    name: str  #: ``parse``, ``features``, ``collect``, ``run``, ``report``, ...
    seconds: float


@dataclass(frozen=True)
class Timings:
    """When the run started and finished (UTC) and how long each phase took."""

    started: datetime
    finished: datetime
    phases: tuple[PhaseTiming, ...] = ()

    def __post_init__(self) -> None:
        if self.started.tzinfo is None or self.finished.tzinfo is None:
            raise ReportError("report timings must be time-zone aware (UTC)")
        if self.finished < self.started:
            raise ReportError(f"the run finished ({self.finished}) before it started ({self.started})")

    @property
    def total_s(self) -> float:
        return (self.finished - self.started).total_seconds()

    def to_json(self) -> dict[str, Any]:
        return {
            "started": _utc_iso(self.started),
            "finished": _utc_iso(self.finished),
            "total_s": self.total_s,
            "phases": [{"name": p.name, "seconds": p.seconds} for p in self.phases],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Timings:
        return cls(
            _parse_utc(data["started"]),
            _parse_utc(data["finished"]),
            tuple(PhaseTiming(p["name"], float(p["seconds"])) for p in data.get("phases", ())),
        )


def installed_versions(extra: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """``(name, version)`` of Python and of the distributions a run depends on, plus ``extra``."""
    found: list[tuple[str, str]] = [("python", platform.python_version())]
    for name in _VERSIONED:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    found.extend((extra or {}).items())
    return tuple(found)


@dataclass(frozen=True)
class RunReport:
    """Everything one checklist run found, in spec order. Build it, then hand it to the writers."""

    spec: SpecInfo
    sut: SutInfo
    seeds: Seeds
    sections: tuple[SectionResult, ...]
    timings: Timings
    findings: tuple[LintFinding, ...] = ()
    assumed_mappings: tuple[AssumedMapping, ...] = ()
    versions: tuple[tuple[str, str], ...] = ()
    strict: bool = False  #: ``--strict``: a pending required item fails the run
    mapping_path: str | None = None  #: ``--mapping FILE``, when one was given
    examples: int | None = None  #: ``--examples N``: hypothesis examples per round trip (None: not recorded)
    markers: str | None = None  #: the ``-m`` expression that selected the items
    keywords: str | None = None  #: the ``-k`` expression that selected the items
    interrupted: bool = False  #: the run was stopped (SIGINT, SIGTERM) before every item finished
    planned: int | None = None  #: how many items were selected to run (None: not recorded)

    def items(self) -> tuple[ItemResult, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.items())

    def exit_code(self, strict: bool | None = None) -> int:
        """The exit code a CI gate gets: 0 when at least one required item ran and every required item
        passed (skipped and pending items neither fail nor count as checked); 1 when a required item
        failed or could not be set up (error) — strict: or is pending; 5 when nothing was checked (no
        item selected, or every one pending or skipped); 130 when the run was interrupted.
        ``strict`` defaults to the run's."""
        strict = self.strict if strict is None else strict
        if self.interrupted:
            return EXIT_INTERRUPTED
        failing = {ItemStatus.FAILED, ItemStatus.ERROR}
        if strict:
            failing.add(ItemStatus.PENDING)
        required = [item for item in self.items() if item.required]
        if any(item.status in failing for item in required):
            return 1
        if not any(item.status is ItemStatus.PASSED for item in required):
            return EXIT_NOTHING_CHECKED
        return 0

    def verdict(self) -> str:
        """One line saying what the exit code means for this run (why, when nothing was checked)."""
        code = self.exit_code()
        summary = self.summary
        if code == EXIT_INTERRUPTED:
            planned = f" of {self.planned}" if self.planned is not None else ""
            return f"interrupted: {summary.total}{planned} item(s) finished; the report holds only those"
        if code == 1:
            failing = {ItemStatus.FAILED, ItemStatus.ERROR} | ({ItemStatus.PENDING} if self.strict else set())
            bad = sum(1 for item in self.items() if item.required and item.status in failing)
            return f"{bad} required item(s) did not pass"
        if code == EXIT_NOTHING_CHECKED:
            return "nothing was checked: " + self._nothing_checked_why()
        return f"every required item passed ({summary.passed} checked)"

    def _nothing_checked_why(self) -> str:
        items = self.items()
        selection = " and ".join(
            f"{flag} {expression!r}" for flag, expression in (("-m", self.markers), ("-k", self.keywords)) if expression
        )
        if not items:
            if selection:
                return f"{selection} selected no checklist item"
            return "the spec gives no checklist item (no flow section)"
        reasons: dict[str, int] = {}
        for item in items:
            reasons[item.reason or item.status.value] = reasons.get(item.reason or item.status.value, 0) + 1
        top, count = max(reasons.items(), key=lambda pair: pair[1])
        statuses = sorted({item.status.value for item in items})
        return f"all {len(items)} item(s) are {' or '.join(statuses)}; the most common reason ({count}): {top}"

    def _replay_values(self) -> dict[str, Any]:
        return {
            "spec": self.spec.path,
            "mapping": self.mapping_path,
            "sut": self.sut.name,
            "seed": self.seeds.run,
            "strict": self.strict,
            "examples": self.examples,
            "allow_lint_errors": any(f.severity is Severity.ERROR for f in self.findings),
        }

    def replay_argv(self) -> tuple[str, ...]:
        """The command line that replays this run with the same seeds and the same selection (built from
        the one options model)."""
        return replay_argv({**self._replay_values(), "markers": self.markers, "keywords": self.keywords})

    def item_replay_argv(self, item: ItemResult) -> tuple[str, ...]:
        """The command line that runs ``item`` alone, as it ran here: the run's spec, mapping, system under
        test, seed and examples, and ``-k`` with the item's test name (excluding, by name, any other item
        of the run whose name contains it)."""
        name = item.test_name
        if not _KEYWORD.fullmatch(name):  # an example id -k cannot spell: select the outline by its function
            name = name.partition("[")[0]
        others = sorted(
            {
                o.test_name
                for o in self.items()
                if o.test_name not in (name, item.test_name)
                and name.lower() in o.test_name.lower()
                and _KEYWORD.fullmatch(o.test_name)
            }
        )
        keywords = " and ".join([name, *(f"not {other}" for other in others)])
        return replay_argv({**self._replay_values(), "keywords": keywords})

    def to_json(self) -> dict[str, Any]:
        """The ``checklist.json`` document (``summary`` and ``exit_code`` are computed, and ignored on read)."""
        return {
            "format": FORMAT,
            "spec": {"path": self.spec.path, "title": self.spec.title},
            "seed": self.seeds.run,
            "seeds": self.seeds.to_json(),
            "sut": {"name": self.sut.name, "description": self.sut.description},
            "strict": self.strict,
            "mapping_path": self.mapping_path,
            "sections": [section.to_json() for section in self.sections],
            "findings": [finding.to_json() for finding in self.findings],
            "assumed_mappings": [row.to_json() for row in self.assumed_mappings],
            "versions": dict(self.versions),
            "timings": self.timings.to_json(),
            "summary": self.summary.to_json(),
            "examples": self.examples,
            "markers": self.markers,
            "keywords": self.keywords,
            "interrupted": self.interrupted,
            "planned": self.planned,
            "exit_code": self.exit_code(),
            "verdict": self.verdict(),
            "replay": list(self.replay_argv()),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunReport:
        """Read back what ``to_json`` wrote; a foreign or damaged document raises ``ReportError``."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, Mapping) else type(data).__name__
            raise ReportError(f"not a talkqa checklist report (format {found!r}, expected {FORMAT!r})")
        try:
            return cls(
                spec=SpecInfo(data["spec"]["path"], data["spec"]["title"]),
                sut=SutInfo(data["sut"]["name"], data["sut"].get("description", "")),
                seeds=Seeds.from_json(data["seeds"]),
                sections=tuple(SectionResult.from_json(s) for s in data["sections"]),
                timings=Timings.from_json(data["timings"]),
                findings=tuple(LintFinding.from_json(f) for f in data.get("findings", ())),
                assumed_mappings=tuple(AssumedMapping.from_json(r) for r in data.get("assumed_mappings", ())),
                versions=tuple((str(k), str(v)) for k, v in data.get("versions", {}).items()),
                strict=bool(data.get("strict", False)),
                mapping_path=data.get("mapping_path"),
                examples=data.get("examples"),
                markers=data.get("markers"),
                keywords=data.get("keywords"),
                interrupted=bool(data.get("interrupted", False)),
                planned=data.get("planned"),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ReportError(f"damaged talkqa checklist report: {type(exc).__name__}: {exc}") from exc
