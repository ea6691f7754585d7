"""``junit.xml`` for CI: one ``<testsuite>`` per spec section (in spec order), one ``<testcase>`` per
checklist item, built with xml.etree.

Status mapping:

==========  ==================================================================================
passed      ``<testcase>`` with nothing inside
failed      ``<failure type="failed" message="<reason>">`` holding the evidence as text (message,
            ``-expected``/``+actual`` diff, redacted HTTP exchanges, falsifying example and seed)
error       ``<error type="setup" message="<reason>">``: the scenario could not be set up, nothing was
            checked (as pytest reports a fixture error)
pending     ``<skipped message="pending: <reason>">``; in strict mode, when the item is required,
            ``<failure type="pending">`` instead, so that a CI gate on JUnit agrees with the exit code
skipped     ``<skipped message="skipped: <reason>">``
==========  ==================================================================================

Every item has its own ``name`` (the examples of an outline carry their example). A lint error in the
item's section (run with ``--allow-lint-errors``) is named in the message of a non-passing item and in
``<system-out>``. A testcase has ``classname`` ``<spec file stem>.<section title>`` (dots in either become ``_``, as
CI tools split class names at dots), ``name`` the item name, ``time`` in seconds, and ``file`` and
``line`` pointing at the spec line the item comes from. Each testsuite carries the run's seeds and
system under test as ``<properties>``. Characters XML 1.0 cannot hold become U+FFFD.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import PurePath

from harness.report.model import RunReport
from harness.report.results import ItemResult, ItemStatus, SectionResult, Summary
from harness.report.text import evidence_text, failure_message

__all__ = ["render_junit"]

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: object) -> str:
    """``text`` as a string XML 1.0 can hold."""
    return _NOT_XML.sub("\ufffd", str(text))


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _counts(summary: Summary, failing_pending: int) -> dict[str, str]:
    return {
        "tests": str(summary.total),
        "failures": str(summary.failed + failing_pending),
        "errors": str(summary.error),
        "skipped": str(summary.skipped + summary.pending - failing_pending),
    }


def _fails_as_pending(report: RunReport, item: ItemResult) -> bool:
    return report.strict and item.required and item.status is ItemStatus.PENDING


def _testcase(report: RunReport, classname: str, item: ItemResult) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": _x(classname),
            "name": _x(item.name),
            "time": _seconds(item.duration_s),
            "file": _x(report.spec.path),
            "line": str(item.line),
        },
    )
    reason = _x(failure_message(item))
    if item.lint_errors and item.status is not ItemStatus.PASSED:
        reason += _x(f" [spec lint errors in this section: {'; '.join(item.lint_errors)}]")
    if item.status in (ItemStatus.FAILED, ItemStatus.ERROR):
        kind = "failure" if item.status is ItemStatus.FAILED else "error"
        failure = ET.SubElement(case, kind, {"type": "failed" if kind == "failure" else "setup", "message": reason})
        failure.text = _x(evidence_text(item.evidence) if item.evidence else failure_message(item))
    elif _fails_as_pending(report, item):
        failure = ET.SubElement(case, "failure", {"type": "pending", "message": f"pending (strict): {reason}"})
        failure.text = reason
    elif item.status in (ItemStatus.PENDING, ItemStatus.SKIPPED):
        ET.SubElement(case, "skipped", {"message": f"{item.status.value}: {reason}"})
    if item.lint_errors:
        ET.SubElement(case, "system-out").text = _x("\n".join(item.lint_errors))
    return case


def _properties(report: RunReport, section: SectionResult) -> ET.Element:
    properties = ET.Element("properties")
    values = [
        ("spec", report.spec.path),
        ("spec.title", report.spec.title),
        ("section.line", str(section.line)),
        ("sut", report.sut.name),
        ("seed", str(report.seeds.run)),
        ("seed.faker", str(report.seeds.faker)),
        ("seed.hypothesis", "" if report.seeds.hypothesis is None else str(report.seeds.hypothesis)),
        ("hypothesis.profile", report.seeds.hypothesis_profile),
        ("strict", "true" if report.strict else "false"),
    ]
    for name, value in values:
        ET.SubElement(properties, "property", {"name": name, "value": _x(value)})
    return properties


def _classname(report: RunReport, section: SectionResult) -> str:
    stem = PurePath(report.spec.path).stem or "spec"
    return f"{stem.replace('.', '_')}.{section.title.replace('.', '_')}"


def render_junit(report: RunReport) -> str:
    """The whole ``junit.xml`` text, XML declaration included."""
    timestamp = report.timings.started.strftime("%Y-%m-%dT%H:%M:%S")
    strict_failures = sum(1 for item in report.items() if _fails_as_pending(report, item))
    root = ET.Element(
        "testsuites",
        {
            "name": _x(f"talkqa: {report.spec.title}"),
            **_counts(report.summary, strict_failures),
            "time": _seconds(report.timings.total_s),
            "timestamp": timestamp,
        },
    )
    for index, section in enumerate(report.sections):
        section_strict = sum(1 for item in section.items if _fails_as_pending(report, item))
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _x(section.title),
                "id": str(index),
                **_counts(section.summary, section_strict),
                "time": _seconds(sum(item.duration_s for item in section.items)),
                "timestamp": timestamp,
                "file": _x(report.spec.path),
            },
        )
        suite.append(_properties(report, section))
        classname = _classname(report, section)
        for item in section.items:
            suite.append(_testcase(report, classname, item))
    ET.indent(root)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue().decode("utf-8") + "\n"
