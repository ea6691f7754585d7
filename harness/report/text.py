"""The evidence of a failure as plain text, for formats that carry text only (JUnit, Cucumber).
Exchanges are redacted once more here: the text leaves the harness in files CI keeps."""

from __future__ import annotations

from harness.mock.calls import redact_text
from harness.report.diff import diff_rows
from harness.report.results import Evidence, HttpExchange, ItemResult

__all__ = ["evidence_text", "exchange_text", "failure_message"]


def exchange_text(exchange: HttpExchange) -> str:
    status = "timeout" if exchange.status == 0 else str(exchange.status)
    fault = f" [fault: {exchange.fault}]" if exchange.fault else ""
    lines = [f"{exchange.service}: {exchange.method} {redact_text(exchange.url)} -> {status}{fault}"]
    if exchange.request_excerpt:
        lines.append(f"  request:  {redact_text(exchange.request_excerpt)}")
    if exchange.response_excerpt:
        lines.append(f"  response: {redact_text(exchange.response_excerpt)}")
    return "\n".join(lines)


def evidence_text(evidence: Evidence) -> str:
    """Message, a ``-expected``/``+actual`` diff, the HTTP exchanges and the falsifying example."""
    parts = [evidence.message]
    if evidence.expected is not None and evidence.actual is not None:
        rows = diff_rows(evidence.expected, evidence.actual)
        parts.append("--- expected\n+++ actual\n" + "\n".join(f"{row.kind.sign} {row.text}" for row in rows))
    if evidence.exchanges:
        parts.append("HTTP exchanges:\n" + "\n".join(exchange_text(x) for x in evidence.exchanges))
    if evidence.hypothesis is not None:
        seed = evidence.hypothesis.seed
        parts.append(
            evidence.hypothesis.example + ("" if seed is None else f"\n(replay with --hypothesis-seed={seed})")
        )
    return "\n\n".join(parts)


def failure_message(item: ItemResult) -> str:
    """One line saying why the item did not pass."""
    return item.reason or item.status.value
