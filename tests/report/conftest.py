"""Fixtures of the report tests: the synthetic run report, plain and hostile."""

from __future__ import annotations

import pytest
from report_helpers import synthetic_report

from harness.report import RunReport


@pytest.fixture
def report() -> RunReport:
    return synthetic_report()


@pytest.fixture
def hostile_report() -> RunReport:
    return synthetic_report(hostile=True)
