"""The results of checklist items as plain data: an item's status, reason, duration and steps, the
evidence of a failure (message, compared values, HTTP exchanges, falsifying example), and the
results of a spec section. Nothing here renders.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from harness.dataflow.model import DataflowDocument, FlowSection
from harness.errors import ReportError
from harness.mock.calls import CallRecord, redact_text

__all__ = [
    "Evidence",
    "HttpExchange",
    "HypothesisExample",
    "ItemResult",
    "ItemStatus",
    "SectionResult",
    "StepResult",
    "StepStatus",
    "Summary",
    "distinct_names",
]


class ItemStatus(StrEnum):
    """The outcome of one checklist item."""

    PASSED = "passed"
    FAILED = "failed"  #: a check found the system under test wrong
    ERROR = "error"  #: the scenario could not be set up (a fixture or a Given step failed): nothing was checked
    PENDING = "pending"  #: could not be checked here (no properties, no driver, a condition we cannot evaluate)
    SKIPPED = "skipped"  #: deliberately not run (deselected, not applicable to this SUT)


def _one_line(text: str | None) -> str | None:
    """``text`` with its whitespace runs (newlines included) folded to single spaces; None stays None."""
    if text is None:
        return None
    folded = " ".join(text.split())
    return folded or None


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP exchange a failure involved. Redacted again on construction, whatever the source."""

    service: str
    method: str
    url: str
    status: int  #: 0 when the client timed out
    fault: str | None = None  #: the injected fault, described
    request_excerpt: str = ""
    response_excerpt: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", redact_text(self.url))
        object.__setattr__(self, "request_excerpt", redact_text(self.request_excerpt))
        object.__setattr__(self, "response_excerpt", redact_text(self.response_excerpt))

    @classmethod
    def from_call(cls, record: CallRecord) -> HttpExchange:
        """The exchange a mock's call log recorded."""
        return cls(
            service=record.service,
            method=record.method,
            url=record.url,
            status=record.status,
            fault=record.fault,
            request_excerpt=record.request_excerpt,
            response_excerpt=record.response_excerpt,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "fault": self.fault,
            "request_excerpt": self.request_excerpt,
            "response_excerpt": self.response_excerpt,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HttpExchange:
        return cls(
            data["service"],
            data["method"],
            data["url"],
            int(data["status"]),
            data.get("fault"),
            data.get("request_excerpt", ""),
            data.get("response_excerpt", ""),
        )


@dataclass(frozen=True)
class HypothesisExample:
    """The falsifying example hypothesis reported, and the seed that replays it."""

    example: str  #: as hypothesis printed it (``Falsifying example: test(record={...})``)
    seed: int | None = None  #: None under a derandomized profile: the example replays without one

    def to_json(self) -> dict[str, Any]:
        return {"example": self.example, "seed": self.seed}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HypothesisExample:
        return cls(data["example"], data.get("seed"))


@dataclass(frozen=True)
class Evidence:
    """Why an item failed: a message, the values compared (rendered as a diff), the HTTP exchanges
    involved and, for a property test, the falsifying example."""

    message: str
    expected: str | None = None  #: text, one value per line (see ``format_value``)
    actual: str | None = None
    exchanges: tuple[HttpExchange, ...] = ()
    hypothesis: HypothesisExample | None = None

    @staticmethod
    def format_value(value: Any) -> str:
        """A compared value as diffable text: strings as they are, anything else as sorted, indented JSON."""
        if isinstance(value, str):
            return value
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)

    @classmethod
    def of_values(
        cls,
        message: str,
        expected: Any,
        actual: Any,
        *,
        exchanges: Iterable[HttpExchange | CallRecord] = (),
        hypothesis: HypothesisExample | None = None,
    ) -> Evidence:
        """Evidence from two compared values (records, dicts, strings) and the calls involved."""
        return cls(
            message,
            cls.format_value(expected),
            cls.format_value(actual),
            tuple(x if isinstance(x, HttpExchange) else HttpExchange.from_call(x) for x in exchanges),
            hypothesis,
        )

    @property
    def has_diff(self) -> bool:
        return self.expected is not None and self.actual is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "exchanges": [x.to_json() for x in self.exchanges],
            "hypothesis": self.hypothesis.to_json() if self.hypothesis else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        hyp = data.get("hypothesis")
        return cls(
            data["message"],
            data.get("expected"),
            data.get("actual"),
            tuple(HttpExchange.from_json(x) for x in data.get("exchanges", ())),
            HypothesisExample.from_json(hyp) if hyp else None,
        )


class StepStatus(StrEnum):
    """The outcome of one Gherkin step: an item's statuses, and ``not_run`` for a step never reached."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    PENDING = "pending"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"  #: an earlier step failed or ended the item

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class StepResult:
    """One Gherkin step of an item, as pytest-bdd ran it."""

    keyword: str  #: ``Given``, ``When``, ``Then``, ``And``
    text: str
    line: int  #: line in the .feature file
    status: StepStatus
    duration_s: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", StepStatus(self.status))

    def to_json(self) -> dict[str, Any]:
        return {
            "keyword": self.keyword,
            "text": self.text,
            "line": self.line,
            "status": self.status.value,
            "duration_s": self.duration_s,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StepResult:
        return cls(
            data["keyword"], data["text"], int(data["line"]), StepStatus(data["status"]), float(data["duration_s"])
        )


@dataclass(frozen=True)
class Summary:
    """Counts per status."""

    passed: int = 0
    failed: int = 0
    error: int = 0
    pending: int = 0
    skipped: int = 0

    @classmethod
    def of(cls, items: Iterable[ItemResult]) -> Summary:
        counts = dict.fromkeys(ItemStatus, 0)
        for item in items:
            counts[item.status] += 1
        return cls(**{status.value: n for status, n in counts.items()})

    def count(self, status: ItemStatus) -> int:
        return int(getattr(self, status.value))

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.error + self.pending + self.skipped

    def to_json(self) -> dict[str, int]:
        return {status.value: self.count(status) for status in ItemStatus}


@dataclass(frozen=True)
class ItemResult:
    """One checklist item (a scenario, or one example of an outline) and its outcome."""

    name: str
    status: ItemStatus
    line: int  #: the spec line the item comes from
    reason: str | None = None  #: one line: why it is pending, skipped or failed
    duration_s: float = 0.0
    tags: tuple[str, ...] = ()
    required: bool = True  #: a failing required item fails the run
    node_id: str = ""  #: the pytest node id, which replays the item alone
    evidence: Evidence | None = None
    steps: tuple[StepResult, ...] = ()
    order: int = 0  #: place in the run's collection order; partial reports are merged by it
    lint_errors: tuple[str, ...] = ()  #: error-level lint findings in the item's section (run anyway)
    #: what the scenario chose that the spec does not say (values of unmapped fields, rows it could not check)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", ItemStatus(self.status))
        reason = _one_line(self.reason)
        if reason is None and self.status in (ItemStatus.FAILED, ItemStatus.ERROR) and self.evidence is not None:
            reason = _one_line(self.evidence.message)
        object.__setattr__(self, "reason", reason)
        if reason is None and self.status in (ItemStatus.PENDING, ItemStatus.SKIPPED):
            raise ReportError(f"{self.status.value} item {self.name!r} (spec line {self.line}) needs a reason")
        if self.duration_s < 0:
            raise ReportError(f"item {self.name!r} has a negative duration {self.duration_s}")

    @property
    def test_name(self) -> str:
        """The pytest name of the item (its node id after ``::``), which ``-k`` selects it by."""
        return self.node_id.partition("::")[2] or self.node_id

    @property
    def did_not_pass(self) -> bool:
        return self.status in (ItemStatus.FAILED, ItemStatus.ERROR)

    @property
    def key(self) -> str:
        """What identifies the item across partial reports."""
        return self.node_id or f"{self.line}:{self.name}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "line": self.line,
            "reason": self.reason,
            "duration_s": self.duration_s,
            "tags": list(self.tags),
            "required": self.required,
            "node_id": self.node_id,
            "evidence": self.evidence.to_json() if self.evidence else None,
            "steps": [step.to_json() for step in self.steps],
            "order": self.order,
            "lint_errors": list(self.lint_errors),
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ItemResult:
        evidence = data.get("evidence")
        return cls(
            name=data["name"],
            status=ItemStatus(data["status"]),
            line=int(data["line"]),
            reason=data.get("reason"),
            duration_s=float(data.get("duration_s", 0.0)),
            tags=tuple(data.get("tags", ())),
            required=bool(data.get("required", True)),
            node_id=data.get("node_id", ""),
            evidence=Evidence.from_json(evidence) if evidence else None,
            steps=tuple(StepResult.from_json(s) for s in data.get("steps", ())),
            order=int(data.get("order", 0)),
            lint_errors=tuple(data.get("lint_errors", ())),
            notes=tuple(data.get("notes", ())),
        )


@dataclass(frozen=True)
class SectionResult:
    """One flow section of the spec and the results of its checklist items."""

    title: str
    line: int
    source: str  #: ``<source system> <source type>`` as the spec names it
    target: str
    items: tuple[ItemResult, ...] = ()
    duplicate_lines: tuple[int, ...] = ()  #: title lines of word-for-word copies checked as this one
    excerpt: tuple[tuple[int, str], ...] = ()  #: the section as the spec writes it: (line number, text)
    excerpt_cut: int = 0  #: lines of the section left out of ``excerpt``

    @classmethod
    def of(
        cls,
        document: DataflowDocument,
        section: FlowSection,
        items: Iterable[ItemResult],
        source_lines: list[str] | None = None,
        max_excerpt: int = 60,
    ) -> SectionResult:
        """The result of a (distinct) section of a parsed spec, its word-for-word copies noted and, given
        the spec's lines, its text (from its title to the next section, at most ``max_excerpt`` lines)."""
        excerpt: list[tuple[int, str]] = []
        cut = 0
        if source_lines:
            later = [s.line for s in document.sections if s.line > section.line]
            end = min(later) - 1 if later else len(source_lines)
            numbered = [
                (n, source_lines[n - 1]) for n in range(max(section.line, 1), end + 1) if n <= len(source_lines)
            ]
            while numbered and not numbered[-1][1].strip():
                numbered.pop()
            excerpt, cut = numbered[:max_excerpt], max(0, len(numbered) - max_excerpt)
        return cls(
            section.title,
            section.line,
            section.source,
            section.target,
            tuple(items),
            tuple(copy.line for copy in document.duplicates_of(section)),
            tuple(excerpt),
            cut,
        )

    @property
    def summary(self) -> Summary:
        return Summary.of(self.items)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "line": self.line,
            "source": self.source,
            "target": self.target,
            "duplicate_lines": list(self.duplicate_lines),
            "excerpt": [[line, text] for line, text in self.excerpt],
            "excerpt_cut": self.excerpt_cut,
            "items": [item.to_json() for item in self.items],
            "summary": self.summary.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SectionResult:
        return cls(
            data["title"],
            int(data["line"]),
            data.get("source", ""),
            data.get("target", ""),
            tuple(ItemResult.from_json(i) for i in data["items"]),
            tuple(int(n) for n in data.get("duplicate_lines", ())),
            tuple((int(line), str(text)) for line, text in data.get("excerpt", ())),
            int(data.get("excerpt_cut", 0)),
        )


def _example_label(item: ItemResult) -> str | None:
    """What tells a parametrised example apart: the ``[...]`` part of its node id."""
    name = item.test_name
    if name.endswith("]") and "[" in name:
        return name[name.index("[") + 1 : -1]
    return None


def distinct_names(items: Iterable[ItemResult]) -> list[ItemResult]:
    """``items`` with every name made unique: the examples of one outline carry the same name, so each
    gets its example (``[source-target]``), and any name still repeated a number (``#2``)."""
    listed = list(items)
    counts: dict[str, int] = {}
    for item in listed:
        counts[item.name] = counts.get(item.name, 0) + 1
    renamed: list[ItemResult] = []
    seen: set[str] = set()
    for item in listed:
        name = item.name
        if counts[name] > 1:
            label = _example_label(item)
            if label is not None:
                name = f"{name} [{label}]"
        base, number = name, 1
        while name in seen:
            number += 1
            name = f"{base} #{number}"
        seen.add(name)
        renamed.append(item if name == item.name else replace(item, name=name))
    return renamed
