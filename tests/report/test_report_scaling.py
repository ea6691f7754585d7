"""checklist.html with 60 failures, read back with html.parser: it stays small, groups identical
failures, points at what to look at first, folds what passed, filters by status and text, links each
spec line to the section's excerpt, cuts big HTTP bodies saying how big they were — and every item has
its own name and replay command in all four reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from report_helpers import synthetic_report
from report_html_tree import Node, parse_html

from harness.report import (
    Evidence,
    HttpExchange,
    ItemResult,
    ItemStatus,
    RunReport,
    SectionResult,
    StepResult,
    render_cucumber,
    render_html,
    render_json,
    render_junit,
)
from harness.report.groups import body_view, failure_groups, failure_shape
from harness.report.results import StepStatus, distinct_names

#: A product as Squarespace answers it: the body of every response below (about 1.6 KB as JSON).
PRODUCT = {
    "id": "695b7d90f227df04472f05d0",
    "type": "PHYSICAL",
    "name": "Draagtas jute wit XL",
    "description": "Vrouw daar honger een bescherm zeven langs wakker voorbeeld. " * 8,
    "variants": [
        {
            "id": f"variant-{n}",
            "sku": f"TQQ7IXIWK{n}",
            "pricing": {"basePrice": {"currency": "EUR", "value": "190.00"}, "onSale": False},
            "stock": {"quantity": 16, "unlimited": False},
        }
        for n in range(4)
    ],
}


def _failing(n: int) -> ItemResult:
    price = f"{100 + n}.00"
    exchanges = tuple(
        HttpExchange(
            "squarespace",
            "POST",
            f"https://api.squarespace.com/1.1/commerce/products/p{n}/variants/v{n}",
            200,
            request_excerpt=json.dumps({"pricing": {"basePrice": {"value": price, "currency": "EUR"}}}),
            response_excerpt=json.dumps(PRODUCT),
        )
        for _ in range(12)
    )
    return ItemResult(
        f"Item {n}: an edit reaches the target record (spec line {20 + n})",
        ItemStatus.FAILED,
        20 + n,
        duration_s=0.3,
        node_id=f"binding.py::test_item_{n}_spec_line_{20 + n}",
        evidence=Evidence(
            "no quiet cycle within 8 cycles — rewritten each cycle: "
            f'squarespace variants pricing.basePrice.value = "{price}" again',
            "a cycle that completes and writes nothing",
            f"1 write(s) in cycle 8:\nsquarespace POST /1.1/commerce/products/{{id}}: basePrice.value = {price}",
            exchanges,
        ),
        steps=(
            StepResult("Given", "a linked pair of source and target records", 9, StepStatus.FAILED, 0.3),
            StepResult("When", "the source record is edited", 10, StepStatus.NOT_RUN),
            StepResult("Then", "the target record holds the edit", 11, StepStatus.NOT_RUN),
        ),
        order=n,
    )


@pytest.fixture(scope="module")
def big() -> RunReport:
    """The synthetic run plus a section of 60 items failing the same way (values differ per item)."""
    base = synthetic_report()
    excerpt = tuple((line, f"spec text of line {line}") for line in range(18, 82))
    section = SectionResult(
        "Exact Online Items to Squarespace Variants",
        18,
        "Exact Online Items",
        "Squarespace Variants",
        tuple(_failing(n) for n in range(60)),
        excerpt=excerpt,
    )
    return replace(base, sections=(*base.sections, section))


@pytest.fixture(scope="module")
def html(big: RunReport) -> str:
    return render_html(big)


@pytest.fixture(scope="module")
def page(html: str) -> Node:
    return parse_html(html)


def test_sixty_failures_stay_under_300_kb(html: str) -> None:
    size = len(html.encode("utf-8"))
    print(f"checklist.html with 62 failures: {size / 1000:.0f} KB")
    assert size < 300_000


def test_identical_failures_are_one_group_with_their_count_largest_first(big: RunReport, page: Node) -> None:
    groups = page.find("section", id="first").find("ol", cls="groups").find_all("li", cls="group")
    assert [int(g.attrs["data-count"] or 0) for g in groups] == [60, 1, 1]
    first = groups[0]
    assert first.find("a", cls="group-headline").text().startswith("no quiet cycle within 8 cycles — rewritten")
    assert "the values differ from item to item" in first.text()
    assert first.find("a", cls="group-headline").attrs["href"] == "#item-4-1"
    assert len(first.find("details", cls="group-members").find_all("a")) == 60


def test_only_the_first_item_of_a_group_carries_the_evidence(page: Node) -> None:
    items = page.find("section", id="flow-4").find_all("li", cls="item")
    assert len(items[0].find_all("li", cls="exchange")) == 12
    for item in items[1:]:
        assert item.find_all("li", cls="exchange") == []
        note = item.find("p", cls="group-note")
        assert note.find("a").attrs["href"] == "#item-4-1"


def test_the_top_screen_names_what_to_look_at_first(page: Node) -> None:
    header = page.find("header")
    assert header.find(cls="verdict").text() == "FAILED — exit code 1"
    assert header.find("p", cls="verdict-line").text() == "62 required item(s) did not pass"
    first = header.find("section", id="first")
    assert "62 item(s) did not pass, in 3 groups" in first.text()
    # the header comes before every section block, and the first thing in it after the verdict is this
    order = [n.attrs.get("id") for n in page.iter() if n.attrs.get("id") in ("first", "summary", "flow-1")]
    assert order == ["first", "summary", "flow-1"]


def test_passed_items_are_folded_and_the_others_open(page: Node) -> None:
    for item in page.find_all("li", cls="item"):
        details = item.find("details", cls="item-body")
        assert ("open" in details.attrs) == (item.attrs["data-status"] != "passed")
        assert details.find("summary").find("h3", cls="item-name")


def test_the_filters_offer_every_status_with_its_count_and_a_text_box(big: RunReport, page: Node) -> None:
    form = page.find("form", cls="filters")
    boxes = form.find_all("input", type="checkbox")
    assert [b.attrs["value"] for b in boxes] == [s.value for s in ItemStatus]
    assert all("checked" in b.attrs for b in boxes)  # everything shows until a reader filters
    labels = [b.text() for b in form.find_all("label")][: len(boxes)]
    assert labels == [f"{s.value} ({big.summary.count(s)})" for s in ItemStatus]
    assert form.find("input", type="search")
    css = page.find("style").text()
    assert ".filters { display: none;" in css and ".js .filters { display: flex; }" in css  # no script: no dead form


def test_every_link_inside_the_page_has_its_target(page: Node) -> None:
    ids = {n.attrs["id"] for n in page.iter() if n.attrs.get("id")}
    hrefs = [n.attrs["href"] or "" for n in page.find_all("a") if "href" in n.attrs]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert [h for h in hrefs if h[1:] not in ids and not h.startswith("#spec-L")] == []
    # a spec line links into the excerpt of its section, where the excerpt is known
    flow = page.find("section", id="flow-4")
    excerpt = flow.find("details", cls="excerpt")
    lines = {n.attrs["id"] for n in excerpt.find_all("span", cls="spec-line")}
    assert excerpt.find("summary").text() == "The section in the spec: lines 18–81"
    for item in flow.find_all("li", cls="item"):
        link = item.find("dd", cls="line").find("a")
        assert link.attrs["href"] == f"#spec-L{link.text()}" and f"spec-L{link.text()}" in lines


def test_steps_after_the_failing_one_read_not_run(page: Node) -> None:
    steps = page.find("li", id="item-4-1").find("ol", cls="steps").find_all("li")
    assert [s.find(cls="status").text() for s in steps] == ["FAILED", "NOT RUN", "NOT RUN"]


def test_a_big_body_is_pretty_printed_and_cut_with_its_full_size(page: Node) -> None:
    exchange = page.find("li", id="item-4-1").find("li", cls="exchange")
    body = exchange.find_all("pre")[1].text()
    assert body.startswith('{ "id": "695b7d90f227df04472f05d0",')  # indented JSON (text() folds whitespace)
    full = len(json.dumps(PRODUCT, indent=2, ensure_ascii=False))
    assert (
        exchange.find("p", cls="cut").text()
        == f"cut: {len(body_view(json.dumps(PRODUCT)).text):,} of {full:,} characters shown"
    )


@pytest.mark.parametrize(
    ("body", "text", "note"),
    [
        ('{"a":1}', '{\n  "a": 1\n}', ""),
        ("not json", "not json", ""),
        ('{"a": "xxxx... (5000 bytes)', '{"a": "xxxx', "the body was 5,000 bytes in full; the call log kept its start"),
        ("x" * 2000, "x" * 1500, "cut: 1,500 of 2,000 characters shown"),
        ("\n".join(["l"] * 50), "\n".join(["l"] * 40), "cut: 79 of 99 characters shown"),
    ],
    ids=["json", "text", "cut-by-the-call-log", "long", "many-lines"],
)
def test_body_view(body: str, text: str, note: str) -> None:
    view = body_view(body)
    assert (view.text, view.note) == (text, note)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ('value = "190.00" again', 'value = "184.50" again', True),
        ("2 of 3 properties differ", "1 of 3 properties differ", True),
        ('rewritten: a = "1" again (and 2 more)', 'rewritten: a = "7" again', True),
        ("no quiet cycle within 8 cycles", "the sync cycle failed: boom", False),
        ("section_2 differs", "section_3 differs", False),  # a number inside a name is no value
    ],
)
def test_failures_group_by_their_shape(one: str, other: str, same: bool) -> None:
    assert (failure_shape(one) == failure_shape(other)) is same


def test_errors_group_apart_from_failures_with_the_same_line() -> None:
    failed = _failing(1)
    error = replace(_failing(2), status=ItemStatus.ERROR)
    base = synthetic_report()
    report = replace(base, sections=(SectionResult("S", 1, "a", "b", (failed, error)),))
    assert [(g.status, g.count) for g in failure_groups(report)] == [(ItemStatus.FAILED, 1), (ItemStatus.ERROR, 1)]


# -- every item has its own name, everywhere -------------------------------------------------------------
def _twins() -> RunReport:
    """Two examples of one outline, named alike (as pytest-bdd names them), made distinct."""
    base = synthetic_report()
    item = ItemResult("When both sides are edited, the later edit wins (spec line 16)", ItemStatus.PASSED, 16)
    items = distinct_names(
        [
            replace(item, node_id="binding.py::test_later_edit_wins_spec_line_16[source-target]", order=0),
            replace(item, node_id="binding.py::test_later_edit_wins_spec_line_16[target-source]", order=1),
            replace(item, node_id="binding.py::test_quiet", name="A quiet cycle", order=2),
            replace(item, node_id="binding.py::test_quiet_1", name="A quiet cycle", order=3),
        ]
    )
    return replace(base, sections=(SectionResult("S", 12, "a", "b", tuple(items)),))


def test_examples_of_one_outline_are_named_apart_in_all_four_reports() -> None:
    report = _twins()
    expected = [
        "When both sides are edited, the later edit wins (spec line 16) [source-target]",
        "When both sides are edited, the later edit wins (spec line 16) [target-source]",
        "A quiet cycle",
        "A quiet cycle #2",
    ]
    assert [i["name"] for i in json.loads(render_json(report))["sections"][0]["items"]] == expected
    cases = ET.fromstring(render_junit(report)).findall(".//testcase")
    assert [c.get("name") for c in cases] == expected
    elements = json.loads(render_cucumber(report))[0]["elements"]
    assert [e["name"] for e in elements] == expected and len({e["id"] for e in elements}) == 4
    shown = [h.text() for h in parse_html(render_html(report)).find_all("h3", cls="item-name")]
    assert shown == expected


def test_each_item_replays_alone_by_its_own_test_name() -> None:
    report = _twins()
    items = report.items()
    replays = [report.item_replay_argv(item) for item in items]
    assert [r[r.index("-k") + 1] for r in replays] == [
        "test_later_edit_wins_spec_line_16[source-target]",
        "test_later_edit_wins_spec_line_16[target-source]",
        "test_quiet and not test_quiet_1",  # -k matches substrings: the longer name is ruled out
        "test_quiet_1",
    ]
    for replay in replays:
        assert replay[:2] == ("talkqa", "run") and "-m" not in replay
        assert replay[replay.index("--seed") + 1] == "1234" and replay[replay.index("--sut") + 1] == "reference"
    page = parse_html(render_html(report))
    assert [c.text() for c in page.find_all("code", cls="replay-item-command")][2].endswith(
        "-k 'test_quiet and not test_quiet_1' --allow-lint-errors"
    )


# -- a setup error is told apart from a failed check in every report ---------------------------------------
def _errored() -> RunReport:
    base = synthetic_report()
    error = ItemResult(
        "A new record is created (spec line 14)",
        ItemStatus.ERROR,
        14,
        node_id="binding.py::test_new",
        evidence=Evidence("could not set the scenario up: RuntimeError: the fixture data is missing"),
        steps=(
            StepResult("Given", "a new source record", 9, StepStatus.ERROR, 0.1),
            StepResult("When", "a sync cycle runs", 10, StepStatus.NOT_RUN),
        ),
    )
    return replace(base, sections=(SectionResult("S", 12, "a", "b", (error, _failing(1))),))


def test_a_setup_error_is_an_error_in_all_four_reports() -> None:
    report = _errored()
    assert report.summary.error == 1 and report.exit_code() == 1
    data = json.loads(render_json(report))
    assert [i["status"] for i in data["sections"][0]["items"]] == ["error", "failed"]
    assert data["summary"]["error"] == 1
    root = ET.fromstring(render_junit(report))
    assert root.get("errors") == "1" and root.get("failures") == "1"
    [error_case, failed_case] = root.findall(".//testcase")
    assert error_case.find("error") is not None and error_case.find("failure") is None
    assert error_case.find("error").get("type") == "setup"  # type: ignore[union-attr]
    assert failed_case.find("failure") is not None
    [element, _] = json.loads(render_cucumber(report))[0]["elements"]
    assert element["before"][0]["result"]["status"] == "failed"
    assert "fixture data is missing" in element["before"][0]["result"]["error_message"]
    assert [s["result"]["status"] for s in element["steps"]] == ["skipped", "skipped"]
    page = parse_html(render_html(report))
    item = page.find("li", id="item-1-1")
    assert item.attrs["data-status"] == "error" and item.find(cls="status").text() == "ERROR"


def test_an_example_id_that_k_cannot_spell_replays_by_its_outline() -> None:
    base = synthetic_report()
    item = ItemResult("Odd example", ItemStatus.PASSED, 16, node_id="binding.py::test_odd[a b=c]")
    report = replace(base, sections=(SectionResult("S", 12, "a", "b", (item,)),))
    replay = report.item_replay_argv(item)
    assert replay[replay.index("-k") + 1] == "test_odd"
