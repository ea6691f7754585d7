"""checklist.html, read back with html.parser: blocks, items, evidence, summary, context, escaping."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from importlib import resources

import pytest
from report_helpers import HOSTILE_TITLE, HOSTILE_VALUE, SECRETS, synthetic_report
from report_html_tree import Node, parse_html

from harness.report import HttpExchange, ItemStatus, RunReport, render_html
from harness.report.html import format_duration


@pytest.fixture
def report() -> RunReport:
    """The synthetic run of the bundled spec (why not in a conftest: see report_helpers)."""
    return synthetic_report()


@pytest.fixture
def hostile_report() -> RunReport:
    return synthetic_report(hostile=True)


_RESOURCE_ATTRS = ("src", "href", "srcset", "action", "formaction", "data", "poster", "background", "cite")


@pytest.fixture
def page(report: RunReport) -> Node:
    return parse_html(render_html(report))


def _flows(page: Node) -> list[Node]:
    return page.find_all("section", cls="flow")


def test_the_template_is_package_data_found_through_importlib_resources() -> None:
    assert resources.files("harness.report").joinpath("templates", "checklist.html.j2").is_file()


def test_one_block_per_section_in_spec_order(report: RunReport, page: Node) -> None:
    flows = _flows(page)
    assert [f.find("h2", cls="flow-title").text() for f in flows] == [s.title for s in report.sections]
    assert [int(f.attrs["data-line"] or 0) for f in flows] == [12, 34, 82]


def test_each_item_shows_its_status_spec_line_and_duration_in_its_own_block(report: RunReport, page: Node) -> None:
    for flow, section in zip(_flows(page), report.sections, strict=True):
        blocks = flow.find_all("li", cls="item")
        assert len(blocks) == len(section.items)
        for block, item in zip(blocks, section.items, strict=True):
            assert block.attrs["data-status"] == item.status.value
            assert block.find(cls="status").text() == item.status.value.upper()
            assert block.find(cls="item-name").text() == item.name
            assert block.find("dd", cls="line").text() == str(item.line)
            assert block.find("dd", cls="duration").text() == format_duration(item.duration_s)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.0, "0 ms"), (0.0042, "4 ms"), (0.412, "412 ms"), (1.5, "1.50 s"), (59.994, "59.99 s"), (125.0, "2 min 05.0 s")],
)
def test_durations_read_as_milliseconds_seconds_or_minutes(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


def test_pending_and_skipped_items_say_why(report: RunReport, page: Node) -> None:
    reasons = {
        b.find(cls="item-name").text(): b.find("p", cls="reason").text()
        for b in page.find_all(cls="item")
        if b.attrs["data-status"] in ("pending", "skipped")
    }
    expected = {i.name: i.reason for i in report.items() if i.status in (ItemStatus.PENDING, ItemStatus.SKIPPED)}
    assert reasons == expected
    assert "the spec lists no properties for this flow" in reasons.values()


def test_the_summary_table_counts_each_status_per_section_and_overall(report: RunReport, page: Node) -> None:
    table = page.find("table", cls="summary")
    rows = {row.attrs["data-section-line"]: row for row in table.find_all("tr") if "data-section-line" in row.attrs}
    for section in report.sections:
        counted = Counter(item.status.value for item in section.items)
        cells = {td.attrs["data-status"]: int(td.text()) for td in rows[str(section.line)].find_all("td")}
        assert cells == {**{s.value: counted[s.value] for s in ItemStatus}, "total": len(section.items)}
    overall = {td.attrs["data-status"]: int(td.text()) for td in rows["all"].find_all("td")}
    assert overall == {"passed": 4, "failed": 2, "error": 0, "pending": 3, "skipped": 1, "total": 10}


def test_the_verdict_states_the_exit_code(report: RunReport) -> None:
    failing = parse_html(render_html(report)).find(cls="verdict").text()
    passing_report = replace(report, sections=(report.sections[1],))
    passing = parse_html(render_html(passing_report)).find(cls="verdict").text()
    assert (failing, passing) == ("FAILED — exit code 1", "PASSED — exit code 0")


def _failed_block(page: Node, name_start: str) -> Node:
    return next(b for b in page.find_all("li", cls="item") if b.find(cls="item-name").text().startswith(name_start))


def test_a_failure_shows_expected_against_actual_as_diff_rows(page: Node) -> None:
    block = _failed_block(page, "An edit in Exact Online Items")
    rows = block.find("table", cls="diff").find("tbody").find_all("tr")
    kinds = [row.attrs["data-kind"] for row in rows]
    assert kinds == ["same", "same", "expected", "actual", "same", "same"]
    changed = {row.attrs["data-kind"]: row.find("td", cls="text").text() for row in rows[2:4]}
    assert changed == {"expected": '"quantity": 12,', "actual": '"quantity": 11,'}
    assert [row.find("td", cls="sign").text() for row in rows[2:4]] == ["-", "+"]
    assert not block.find_all("pre", cls="diff")


def test_a_failure_shows_its_http_exchanges_redacted(page: Node) -> None:
    exchanges = _failed_block(page, "An edit in Exact Online Items").find_all("li", cls="exchange")
    assert len(exchanges) == 2
    token_call, limited_call = (x.text() for x in exchanges)
    assert token_call.startswith("exact POST https://start.exactonline.nl/api/oauth2/token?code=*** → 200")
    assert "client_secret=***" in token_call and '"access_token": "***"' in token_call
    assert "→ 429" in limited_call and "injected: status 429" in limited_call and "Bearer ***" in limited_call


def test_a_property_test_failure_shows_the_falsifying_example_and_its_seed(page: Node) -> None:
    block = _failed_block(page, "Every mapped property survives the round trip")
    hypothesis = block.find(cls="hypothesis")
    assert "test_round_trip(record={'Code': 'A', 'Stock': 3})" in hypothesis.find("pre").text()
    assert hypothesis.find("code", cls="hypothesis-seed").text() == "424242"


def test_lint_findings_are_listed_with_path_and_line(report: RunReport, page: Node) -> None:
    rows = page.find("section", id="findings").find("tbody").find_all("tr")
    shown = [[td.text() for td in row.find_all("td")] for row in rows]
    assert shown == [[f"{f.path}:{f.line}", f.code, f.severity.value, f.message] for f in report.findings]


def test_assumed_mapping_rows_are_listed_with_where_they_came_from(report: RunReport, page: Node) -> None:
    rows = page.find("section", id="assumed").find("tbody").find_all("tr")
    shown = [[td.text() for td in row.find_all("td")] for row in rows]
    assert shown == [
        [f"{r.section} (line {r.section_line})", r.source, r.target, r.datatype, r.origin]
        for r in report.assumed_mappings
    ]


def test_seeds_and_the_replay_command_are_shown(page: Node) -> None:
    run = page.find("section", id="run")
    seeds = {
        cls: run.find("dd", cls=cls).text() for cls in ("seed-run", "seed-faker", "seed-hypothesis", "seed-profile")
    }
    assert seeds == {
        "seed-run": "1234",
        "seed-faker": "1234",
        "seed-hypothesis": "none (derandomized)",
        "seed-profile": "ci",
    }
    assert run.find("code", cls="replay").text() == (
        "talkqa run --spec fixtures/specs/exact-squarespace.rst "
        "--mapping fixtures/mappings/exact-squarespace.toml --sut reference --seed 1234 --allow-lint-errors"
    )


def test_versions_and_timings_are_shown(report: RunReport, page: Node) -> None:
    versions = page.find("table", cls="versions")
    assert [(r.find("th").text(), r.find("td").text()) for r in versions.find_all("tr")] == list(report.versions)
    timings = page.find("table", cls="timings")
    shown = {r.find("th").text(): r.find("td").text() for r in timings.find_all("tr")}
    assert shown == {
        "Started": "2026-05-09 07:35:25 UTC",
        "Finished": "2026-05-09 07:35:39 UTC",
        "Total": "14.50 s",
        "parse": "40 ms",
        "features": "120 ms",
        "run": "13.90 s",
    }


def test_the_page_loads_nothing_from_outside_and_its_one_script_is_inline(page: Node) -> None:
    tags = Counter(node.tag for node in page.iter())
    for tag in ("noscript", "link", "iframe", "object", "embed", "img", "base", "frame"):
        assert tags[tag] == 0, f"<{tag}> in a self-contained page"
    [script] = page.find_all("script")
    assert "src" not in script.attrs
    code = script.text()
    assert len(code) < 4000
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(|eval\(|innerHTML|document\.write", code)
    for node in page.iter():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), f"event handler {name} on <{node.tag}>"
            assert name != "hidden", f"<{node.tag}> hidden from readers"
            if name in _RESOURCE_ATTRS:
                assert (value or "").startswith("#"), f"<{node.tag} {name}={value!r}> points outside the page"
    css = page.find("style").text()
    assert not re.search(r"url\(|@import|@font-face|https?:", css)


def test_the_page_is_laid_out_for_phones_and_print(page: Node) -> None:
    viewport = page.find("meta", name="viewport")
    assert viewport.attrs["content"] == "width=device-width, initial-scale=1"
    css = page.find("style").text()
    assert re.search(r"@media \(max-width: \d+rem\)", css)
    print_css = css[css.index("@media print") :]
    assert "break-inside: avoid" in print_css and "background: none" in print_css


def test_a_hostile_spec_or_record_value_appears_only_as_text(hostile_report: RunReport) -> None:
    html = render_html(hostile_report)
    page = parse_html(html)
    assert not [n.tag for n in page.iter() if n.tag in ("img", "svg", "iframe")]
    [script] = page.find_all("script")  # the page's own filter script, and no other
    assert script.text() == parse_html(render_html(synthetic_report())).find("script").text()
    assert not [name for n in page.iter() for name in n.attrs if name.startswith("on")]
    assert page.find("h1").text() == HOSTILE_TITLE
    assert HOSTILE_TITLE in page.find("title").text()
    flows = _flows(page)
    assert flows[1].find("h2").text() == f"Exact Online Items to {HOSTILE_VALUE}"
    assert HOSTILE_TITLE in [n.text() for n in flows[1].find_all(cls="item-name")]
    diff_texts = [td.text() for td in flows[0].find_all("td", cls="text")]
    assert '"descriptor": "\\"><img src=x onerror=alert(1)>",' in diff_texts
    assert any(HOSTILE_VALUE in x.text() for x in flows[0].find_all("li", cls="exchange"))
    assert HOSTILE_VALUE in page.find("section", id="findings").text()
    assert HOSTILE_VALUE in page.find("section", id="assumed").text()
    assert "<img" not in re.sub(r"&lt;img", "", html)


def test_exchanges_are_redacted_again_when_the_page_is_rendered(report: RunReport) -> None:
    bearer, access, refresh, secret, code = SECRETS
    leaky = HttpExchange("exact", "POST", "https://start.exactonline.nl/api/oauth2/token", 200)
    # a record that slipped past every earlier redaction (built around the model's own check)
    object.__setattr__(leaky, "url", f"https://start.exactonline.nl/api/oauth2/token?code={code}")
    object.__setattr__(leaky, "request_excerpt", f"Authorization: Bearer {bearer}\nclient_secret={secret}")
    object.__setattr__(leaky, "response_excerpt", f'{{"access_token": "{access}", "refresh_token": "{refresh}"}}')
    section = report.sections[0]
    failed = section.items[1]
    assert failed.evidence is not None
    leaky_item = replace(failed, evidence=replace(failed.evidence, exchanges=(leaky,)))
    leaky_report = replace(report, sections=(replace(section, items=(leaky_item,)),))
    html = render_html(leaky_report)
    assert [s for s in SECRETS if s in html] == []
    assert "client_secret=***" in parse_html(html).find("li", cls="exchange").text()


def test_status_is_told_in_words_not_colour_alone(page: Node) -> None:
    labels = {n.text() for n in page.find_all("span", cls="status")}
    assert labels == {"PASSED", "FAILED", "PENDING", "SKIPPED"}


def test_a_duplicated_section_names_the_lines_of_its_copies(page: Node) -> None:
    orders = _flows(page)[2]
    assert orders.find("p", cls="duplicates").text() == "Repeated word for word at spec line 120: checked once, here."


def test_every_rendering_is_the_same(report: RunReport) -> None:
    assert render_html(report) == render_html(synthetic_report())
