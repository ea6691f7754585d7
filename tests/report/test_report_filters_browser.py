"""The filters of checklist.html in a real browser: the system's Chromium driven by Playwright (with
``executable_path``: no browser download). Skips, saying why, where either is missing — the page is then
checked by parsing only (``test_report_scaling.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from report_helpers import synthetic_report

from harness.report import ItemStatus, RunReport, write_reports


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.skip("no chromium on PATH or at /usr/bin/chromium: install the system's chromium package")
    return found


@pytest.fixture(scope="module")
def report() -> RunReport:
    base = synthetic_report()
    failed = next(item for item in base.items() if item.status is ItemStatus.FAILED)
    more = tuple(replace(failed, name=f"{failed.name} copy {n}", node_id=f"{failed.node_id}_{n}") for n in range(5))
    last = base.sections[-1]
    return replace(base, sections=(*base.sections[:-1], replace(last, items=(*last.items, *more))))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright")
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def url(report: RunReport, tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_reports(report, tmp_path_factory.mktemp("filters"))["html"].as_uri()


def _visible(page: Any) -> list[str]:
    return [
        str(s)
        for s in page.eval_on_selector_all(
            "li.item", "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.status)"
        )
    ]


def test_the_status_filter_shows_only_the_chosen_statuses(browser: Any, url: str, report: RunReport) -> None:
    page = browser.new_page()
    page.goto(url)
    assert page.is_visible("form.filters")
    assert len(_visible(page)) == report.summary.total
    page.uncheck("form.filters input[value=passed]")
    assert sorted(_visible(page)) == sorted(i.status.value for i in report.items() if i.status is not ItemStatus.PASSED)
    for status in ("pending", "skipped", "error"):
        page.uncheck(f"form.filters input[value={status}]")
    assert set(_visible(page)) == {"failed"}
    assert page.inner_text(".filter-count") == f"{report.summary.failed} shown"


def test_the_text_filter_matches_names_and_reasons(browser: Any, url: str) -> None:
    page = browser.new_page()
    page.goto(url)
    page.fill("form.filters input[type=search]", "copy 3")
    assert len(_visible(page)) == 1
    page.fill("form.filters input[type=search]", "")
    assert len(_visible(page)) > 1


def test_a_link_into_a_folded_block_opens_it(browser: Any, url: str) -> None:
    page = browser.new_page()
    page.goto(url + "#item-1-1")
    assert page.eval_on_selector("#item-1-1 details", "d => d.open") is True  # a passed item, folded until linked


def test_without_script_every_item_shows_and_the_filters_hide(browser: Any, url: str, report: RunReport) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    assert not page.is_visible("form.filters")
    assert len(page.query_selector_all("li.item")) == report.summary.total
    context.close()
