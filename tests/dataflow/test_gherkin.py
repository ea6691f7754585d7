"""The Gherkin writer on documents built by hand: layout, tags, escaping, uniqueness, files and --check."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_bdd import parsers
from pytest_bdd.parser import Feature, FeatureParser, ScenarioTemplate

from harness import cli
from harness.dataflow import vocabulary as voc
from harness.dataflow.gherkin import HEADER_PREFIX, check_features, render_features, write_features
from harness.dataflow.model import DataflowDocument, FlowSection, MergeCriterion, PropertyMapping, Rule, RuleKind
from harness.dataflow.parser import parse_file
from harness.dataflow.scenarios import FAMILY_KINDS
from harness.errors import FeatureError

# -- helpers shared with test_gherkin_corpus.py --------------------------------------------------------


def _templates() -> list[tuple[str, str, str, parsers.re]]:
    """(name, template, literal prefix, parser) for every step sentence, bound as the step library binds it."""
    out = []
    for keyword, attr, template in voc.step_templates():
        prefix = template.split("{", 1)[0]
        out.append((f"{keyword}.{attr}", template, prefix, parsers.re(voc.step_pattern(template))))
    return out


TEMPLATES = _templates()


def matching_templates(text: str) -> list[str]:
    """The vocabulary templates that ``text`` matches, as the step library's ``parsers.re`` would match it."""
    return [name for name, _, prefix, parser in TEMPLATES if text.startswith(prefix) and parser.is_matching(text)]


def parse_feature(path: Path) -> Feature:
    """The feature as pytest-bdd reads it (the official Gherkin parser, then pytest-bdd's own)."""
    return FeatureParser(str(path.parent), path.name).parse()


def scenario_runs(scenario: ScenarioTemplate) -> Iterator[tuple[dict[str, str], list[str]]]:
    """Each run of a scenario (one per Examples row): its context and step texts, background included."""
    contexts = [ctx for examples in scenario.examples for ctx in examples.as_contexts()] or [{}]
    for context in contexts:
        yield context, [step.name for step in scenario.render(context).steps]


def write_and_parse(document: DataflowDocument, folder: Path) -> dict[str, Feature]:
    return {path.name: parse_feature(path) for path in write_features(document, folder)}


def citation_problems(document: DataflowDocument, spec_lines: list[str], feature: Feature) -> list[str]:
    """What is wrong with the spec lines a feature cites; every scenario must point at the very item it checks.

    A rule's scenario cites the line its sentence starts on; a merge scenario the row of its criterion; the
    lines and resilience items the section's title; each property example the row it comes from.
    """
    (section_tag,) = [tag for tag in feature.tags if tag.startswith("section_")]
    section = document.distinct_sections()[int(section_tag.removeprefix("section_")) - 1]
    problems = []

    def text_at(line: int) -> str:
        return spec_lines[line - 1].strip() if 1 <= line <= len(spec_lines) else f"<no line {line}>"

    for name, scenario in feature.scenarios.items():
        (line_tag,) = [tag for tag in scenario.tags if tag.startswith("line_")]
        (kind,) = scenario.tags - {line_tag}
        line = int(line_tag.removeprefix("line_"))
        cited = text_at(line)
        if not name.endswith(f"(spec line {line})"):
            problems.append(f"{name!r} is tagged {line_tag} but names another line")
        if kind in ("resilience", "lines"):
            ok = line == section.line and cited == section.title.strip()
        elif kind in FAMILY_KINDS:  # issue 12's items follow the rule, criterion or section they extend
            extended = {r.line for r in section.rules} | {c.line for c in section.merge_criteria} | {section.line}
            ok = line in extended and bool(cited)
        elif kind == RuleKind.MERGE.value:
            ok = any(c.line == line and c.source in cited and cited.startswith("*") for c in section.merge_criteria)
        else:
            rules = [r for r in section.rules if r.line == line and r.kind.value == kind]
            ok = bool(rules) and bool(cited) and rules[0].text.startswith(cited)
        if not ok:
            problems.append(f"{name!r} ({kind}) cites line {line}, which reads {cited!r}")
        for examples in scenario.examples:
            if "line" not in examples.example_params:
                continue
            for context in examples.as_contexts():
                row = next((r for r in section.properties if r.line == int(context["line"])), None)
                if row is None or row.source not in text_at(row.line):
                    problems.append(f"{name!r}: example {context} cites no property row of the section")
    return problems


_BREAKS = str.maketrans(dict.fromkeys("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))
_PARAMS = ("source", "target", "datatype", "line", "first", "later")


def as_step_value(value: str) -> str:
    """What a spec value must look like inside a step: quoted, one line, outline parameters made inert."""
    text = voc.quote(value).translate(_BREAKS)
    for param in _PARAMS:
        text = text.replace(f"<{param}>", f"‹{param}›")
    return text


# -- documents built by hand -------------------------------------------------------------------------

CREATE = "Every {s} will be synchronized with a {t}."
BIDI = "Once a link between a {s} and a {t} is established, it will keep in sync between the two systems."
PROPS = "The following properties are synchronized between a {s} and a {t}:"


def flow(
    title_line: int,
    source: tuple[str, str],
    target: tuple[str, str],
    kinds: tuple[RuleKind, ...] = (RuleKind.CREATE, RuleKind.BIDIRECTIONAL, RuleKind.PROPERTIES),
    properties: tuple[tuple[str, str, str], ...] = (),
    merge: tuple[tuple[str, str], ...] = (),
    title: str | None = None,
    body: str | None = None,
    condition: str = "has a 100% probability",
) -> FlowSection:
    """A section whose rules sit on consecutive even lines after the title, tables after the rules."""
    s, t = f"{source[0]} {source[1]}".strip(), f"{target[0]} {target[1]}".strip()
    texts = {RuleKind.CREATE: CREATE, RuleKind.BIDIRECTIONAL: BIDI, RuleKind.PROPERTIES: PROPS}
    rules = []
    for i, kind in enumerate(kinds):
        text = texts.get(kind, f"A sentence of kind {kind.value} about {s} and {t}.").format(s=s, t=t)
        rules.append(Rule(kind, title_line + 2 + 2 * i, text, condition if kind is RuleKind.CONDITIONAL else None))
    first_row = title_line + 2 + 2 * len(kinds) + 4
    rows = tuple(PropertyMapping(a, b, c, None, first_row + 3 * i) for i, (a, b, c) in enumerate(properties))
    crit = tuple(MergeCriterion(a, b, first_row + 3 * len(rows) + 2 * i) for i, (a, b) in enumerate(merge))
    name = title if title is not None else f"{s} to {t}"
    return FlowSection(
        name,
        title_line,
        source[0],
        source[1],
        target[0],
        target[1],
        tuple(rules),
        rows,
        crit,
        body=body if body is not None else f"{name}@{title_line}",
        has_property_table=RuleKind.PROPERTIES in kinds,
    )


def document(*sections: FlowSection, path: str = "/somewhere/else/spec.rst") -> DataflowDocument:
    return DataflowDocument(path, "Exact Online to Squarespace Dataflow", "Exact Online", "Squarespace", None, sections)


EXACT = ("Exact Online", "Items")
INVENTORY = ("Squarespace", "Inventory")
PRODUCTS = ("Squarespace", "Sesamproducts")
ROWS = (("Code", "sku", "string"), ("Description", "name", "string"), ("Price", "price.value", "float"))


def main_document() -> DataflowDocument:
    return document(
        flow(12, EXACT, INVENTORY, properties=ROWS),
        flow(40, EXACT, PRODUCTS, properties=ROWS[:1]),
        flow(60, ("Exact Online", "Salesorders"), ("Squarespace", "Order"), kinds=(RuleKind.CREATE,)),
    )


def names(feature: Feature) -> list[str]:
    return list(feature.scenarios)


def own_names(feature: Feature) -> list[str]:
    """The names of a feature's items but those of issue 12's families (which follow them)."""
    return [name for name, scenario in feature.scenarios.items() if not FAMILY_KINDS & set(scenario.tags)]


# -- layout ------------------------------------------------------------------------------------------


def test_rendering_twice_gives_the_same_bytes() -> None:
    first = render_features(main_document())
    second = render_features(main_document())
    assert first == second
    assert all(text.endswith("\n") and "\r" not in text and "\t" not in text for text in first.values())


def test_the_spec_is_cited_by_file_name_never_by_its_folder() -> None:
    here = render_features(document(flow(12, EXACT, INVENTORY), path="/a/b/spec.rst"))
    there = render_features(document(flow(12, EXACT, INVENTORY), path="relative/spec.rst"))
    assert here == there
    assert all("/a/b" not in text and "relative" not in text for text in here.values())


def test_one_feature_per_distinct_section_named_by_ordinal_and_slug() -> None:
    copy = replace(flow(12, EXACT, INVENTORY), line=30)  # same body: a word-for-word repeat
    doc = document(flow(12, EXACT, INVENTORY), copy, flow(50, ("Exact Online", "Sales Orders (EU)"), PRODUCTS))
    assert list(render_features(doc)) == [
        "01-exact-online-items-to-squarespace-inventory.feature",
        "02-exact-online-sales-orders-eu-to-squarespace-sesamproducts.feature",
    ]


def test_a_word_for_word_duplicate_is_written_once_and_noted(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, INVENTORY), replace(flow(12, EXACT, INVENTORY), line=30))
    (feature,) = write_and_parse(doc, tmp_path).values()
    assert "Repeated word for word at line 30; written once." in feature.description.splitlines()


def test_the_header_names_the_spec_and_how_to_regenerate() -> None:
    text = render_features(main_document())["01-exact-online-items-to-squarespace-inventory.feature"]
    assert text.splitlines()[0] == (
        f"{HEADER_PREFIX}spec.rst; do not edit. Regenerate: talkqa features <spec> -o <dir>"
    )


def test_feature_tags_name_section_systems_and_flow(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, ("", "Inventory")), flow(30, ("Exact Online", "Salesorders"), ("", "Order")))
    features = list(write_and_parse(doc, tmp_path).values())
    assert features[0].tags == {"talkqa", "section_1", "source_exact_online", "target_blank", "flow_items_to_inventory"}
    assert features[1].tags == {
        "talkqa",
        "section_2",
        "source_exact_online",
        "target_blank",
        "flow_salesorders_to_order",
    }


def test_scenario_tags_carry_kind_and_line(tmp_path: Path) -> None:
    (feature,) = write_and_parse(document(flow(12, EXACT, INVENTORY, properties=ROWS)), tmp_path).values()
    for scenario in feature.scenarios.values():
        (line_tag,) = [tag for tag in scenario.tags if tag.startswith("line_")]
        assert f"(spec line {line_tag.removeprefix('line_')})" in scenario.name
        assert len(scenario.tags) == 2
    tags = {name: scenario.tags for name, scenario in feature.scenarios.items()}
    assert tags["A new Exact Online Items record is created as a Squarespace Inventory record (spec line 14)"] == {
        "create",
        "line_14",
    }
    assert tags["A quiet cycle writes nothing (spec line 16)"] == {"bidirectional", "line_16"}
    assert tags["The flow keeps working through rate limits (spec line 12)"] == {"resilience", "line_12"}


def test_the_background_states_the_flow_as_the_spec_writes_it(tmp_path: Path) -> None:
    (feature,) = write_and_parse(document(flow(12, EXACT, ("", "Inventory"))), tmp_path).values()
    assert feature.background is not None
    assert [(s.keyword, s.name) for s in feature.background.steps] == [
        ("Given", 'the flow from "Exact Online" "Items" to "" "Inventory" at spec line 12')
    ]


def test_a_bidirectional_section_gets_every_checklist_item_in_rule_order(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, INVENTORY, properties=ROWS), flow(40, EXACT, PRODUCTS))
    feature = next(iter(write_and_parse(doc, tmp_path).values()))
    s, t = "Exact Online Items", "Squarespace Inventory"
    assert own_names(feature) == [
        f"A new {s} record is created as a {t} record (spec line 14)",
        f"A re-run never duplicates a {t} record (spec line 14)",
        f"An edit in the source record ({s}) reaches the target record ({t}) (spec line 16)",
        f"An edit in the target record ({t}) reaches the source record ({s}) (spec line 16)",
        "When both sides are edited, the later edit wins (spec line 16)",
        "An empty value never overwrites a value (spec line 16)",
        f"A deliberate clear in the source record ({s}) propagates (spec line 16)",
        f"A deliberate clear in the target record ({t}) propagates (spec line 16)",
        "A quiet cycle writes nothing (spec line 16)",
        f"A source record deleted in {s} does not linger in {t} (spec line 16)",
        f"A target record deleted in {t} does not linger in {s} (spec line 16)",
        f"<source> of {s} is carried to <target> of {t} (spec line 18)",
        "Every mapped property survives the round trip (spec line 18)",
        "The flow keeps working through rate limits (spec line 12)",
        "The flow keeps working through server errors and time-outs (spec line 12)",
        "The flow keeps working when access tokens expire (spec line 12)",
        "A crash and a restart neither duplicate nor lose a record (spec line 12)",
    ]


def test_edit_in_the_target_reaches_other_flows_only_when_another_section_shares_the_source(tmp_path: Path) -> None:
    shared = document(flow(12, EXACT, INVENTORY), flow(40, EXACT, PRODUCTS))
    alone = document(flow(12, EXACT, INVENTORY), flow(40, ("Exact Online", "Accounts"), PRODUCTS))
    name = (
        "An edit in the target record (Squarespace Inventory) reaches the source record (Exact Online Items) "
        "(spec line 16)"
    )
    steps_shared = next(iter(write_and_parse(shared, tmp_path / "a").values())).scenarios[name]._steps
    steps_alone = next(iter(write_and_parse(alone, tmp_path / "b").values())).scenarios[name]._steps
    assert [s.name for s in steps_shared][-1] == voc.THEN.OTHER_FLOWS_CARRY
    assert voc.THEN.OTHER_FLOWS_CARRY not in [s.name for s in steps_alone]


def test_the_property_outline_has_one_example_per_row_in_spec_order(tmp_path: Path) -> None:
    (feature,) = write_and_parse(document(flow(12, EXACT, INVENTORY, properties=ROWS)), tmp_path).values()
    outline = feature.scenarios[
        "<source> of Exact Online Items is carried to <target> of Squarespace Inventory (spec line 18)"
    ]
    (examples,) = outline.examples
    assert examples.example_params == ["source", "target", "datatype", "line"]
    assert examples.examples == [
        ["Code", "sku", "string", "24"],
        ["Description", "name", "string", "27"],
        ["Price", "price.value", "float", "30"],
    ]
    _, steps = next(scenario_runs(outline))
    assert steps[-2:] == ["a sync cycle runs", 'the target property "sku" holds that value as string']


def test_an_empty_property_table_yields_the_no_properties_item_and_the_assumed_note(tmp_path: Path) -> None:
    (feature,) = write_and_parse(document(flow(12, EXACT, INVENTORY)), tmp_path).values()
    name = "The spec lists no properties from Exact Online Items to Squarespace Inventory (spec line 18)"
    assert [(s.type, s.name) for s in feature.scenarios[name]._steps] == [
        ("given", voc.GIVEN.NO_PROPERTIES),
        ("then", voc.THEN.PROPERTIES_FROM_MAPPING),
    ]
    assert voc.ASSUMED_MAPPING_NOTE in feature.description.splitlines()
    assert not any(scenario.templated for scenario in feature.scenarios.values() if "carried" in scenario.name)


def test_the_round_trip_starts_with_then_and_asks_for_the_way_back_only_when_bidirectional(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, INVENTORY), flow(30, EXACT, PRODUCTS, kinds=(RuleKind.CREATE, RuleKind.PROPERTIES)))
    both, one_way = write_and_parse(doc, tmp_path).values()
    trip_both = both.scenarios["Every mapped property survives the round trip (spec line 18)"]._steps
    trip_one = one_way.scenarios["Every mapped property survives the round trip (spec line 34)"]._steps
    assert [(s.keyword, s.name) for s in trip_both] == [
        ("Then", voc.THEN.ROUND_TRIP_SOURCE),
        ("And", voc.THEN.ROUND_TRIP_TARGET),
    ]
    assert [s.name for s in trip_one] == [voc.THEN.ROUND_TRIP_SOURCE]


def test_merge_gives_one_scenario_per_criterion_once_per_section(tmp_path: Path) -> None:
    section = flow(
        12, EXACT, INVENTORY, kinds=(RuleKind.MERGE, RuleKind.MERGE), merge=(("Code", "sku"), ("EAN", "gtin"))
    )
    (feature,) = write_and_parse(document(section), tmp_path).values()
    merges = [name for name in feature.scenarios if "merges on" in name]
    assert merges == [
        "An Exact Online Items record merges on Code = sku (spec line 22)",
        "An Exact Online Items record merges on EAN = gtin (spec line 24)",
    ]
    steps = [s.name for s in feature.scenarios[merges[1]]._steps]
    assert steps[:2] == [
        'a target record whose "gtin" holds a fresh value',
        'a new source record whose "EAN" holds the same value',
    ]


def test_the_re_run_item_follows_the_first_creating_rule_only(tmp_path: Path) -> None:
    kinds = (RuleKind.LINK_REQUIRED, RuleKind.CONDITIONAL, RuleKind.CREATE, RuleKind.CREATE_IF_NO_MATCH)
    (feature,) = write_and_parse(document(flow(12, EXACT, INVENTORY, kinds=kinds)), tmp_path).values()
    rule_items = names(feature)[: names(feature).index("The flow keeps working through rate limits (spec line 12)")]
    assert [n for n in rule_items if "re-run" in n] == [
        "A re-run never duplicates a Squarespace Inventory record (spec line 16)"
    ]
    assert rule_items.index("A re-run never duplicates a Squarespace Inventory record (spec line 16)") == 3
    assert feature.scenarios[rule_items[1]].tags == {"conditional", "line_16"}
    condition_steps = [s.name for s in feature.scenarios[rule_items[1]]._steps]
    assert condition_steps[0] == 'a new source record for which "has a 100% probability" holds'


def test_created_types_are_taken_from_the_sentence(tmp_path: Path) -> None:
    rules = (
        Rule(
            RuleKind.CREATE_IF_NO_MATCH,
            14,
            "If no matching HubSpot Contact is found, a new HubSpot Contact will be created.",
        ),
        Rule(
            RuleKind.CREATE_FROM_CONNECTED,
            16,
            "A new Tripletex Product will be created from a HubSpot Contact if it is connected to a HubSpot Deal, "
            "or Quote that is synchronized into Tripletex.",
        ),
        Rule(
            RuleKind.CREATE_FROM_CONNECTED,
            18,
            "A new Tripletex Order will be created from x.",
            connected_to=("Deal", "Quote"),
        ),
    )
    section = FlowSection(
        "HubSpot Contact to Tripletex Contact", 12, "HubSpot", "Contact", "Tripletex", "Contact", rules, body="x"
    )
    (feature,) = write_and_parse(document(section), tmp_path).values()
    assert names(feature)[:2] == [
        "A new HubSpot Contact record is created when none matches (spec line 14)",
        "A re-run never duplicates a Tripletex Contact record (spec line 14)",
    ]
    connected = feature.scenarios[
        "A new Tripletex Product record is created from a connected HubSpot Contact record (spec line 16)"
    ]
    assert (
        connected._steps[0].name
        == 'a new source record connected to a "HubSpot Deal, or Quote" record that is synchronized'
    )
    listed = feature.scenarios[
        "A new Tripletex Order record is created from a connected HubSpot Contact record (spec line 18)"
    ]
    assert listed._steps[0].name == 'a new source record connected to a "Deal, Quote" record that is synchronized'


def test_orders_get_the_lines_item_also_when_the_target_name_is_blank(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, ("", "Inventory")), flow(30, ("Exact Online", "Salesorders"), ("", "Order")))
    items, orders = write_and_parse(doc, tmp_path).values()
    assert not any("lines of" in name for name in items.scenarios)
    assert (
        "The lines of an Exact Online Salesorders record point at the right Order records (spec line 30)"
        in orders.scenarios
    )
    note = "The target system's name is blank in the spec; talkqa resolves it from its data types: Squarespace."
    assert note in orders.description.splitlines()


def test_an_unresolvable_blank_name_is_said_to_be_unknown_and_unknown_sentences_are_cited(tmp_path: Path) -> None:
    section = flow(12, ("", "Widgets"), ("Acme", "Gadgets"), kinds=(RuleKind.UNKNOWN,))
    (feature,) = write_and_parse(document(section), tmp_path).values()
    lines = feature.description.splitlines()
    assert "The source system's name is blank in the spec; talkqa resolves it from its data types: unknown." in lines
    assert "Unknown sentence at line 14: A sentence of kind unknown about Widgets and Acme Gadgets." in lines
    assert not any("(spec line 14)" in name for name in feature.scenarios)


@pytest.mark.parametrize(
    ("creates", "first_steps"),
    [
        (True, [voc.GIVEN.NEW_SOURCE_RECORD, "the source system answers its next 2 calls with 429"]),
        (False, [voc.GIVEN.LINKED_PAIR, "the source system answers its next 2 calls with 429"]),
    ],
)
def test_resilience_starts_from_a_new_record_only_when_the_flow_creates(
    tmp_path: Path, creates: bool, first_steps: list[str]
) -> None:
    kinds = (RuleKind.CREATE,) if creates else (RuleKind.LINK_REQUIRED, RuleKind.BIDIRECTIONAL)
    (feature,) = write_and_parse(document(flow(12, EXACT, INVENTORY, kinds=kinds)), tmp_path).values()
    rate = [s.name for s in feature.scenarios["The flow keeps working through rate limits (spec line 12)"]._steps]
    restart = [
        s.name
        for s in feature.scenarios["A crash and a restart neither duplicate nor lose a record (spec line 12)"]._steps
    ]
    assert rate[:2] == first_steps
    assert (voc.WHEN.EDIT_ALL.format(side="source") in rate) is not creates
    assert restart[-2:] == [voc.THEN.EXACTLY_ONE_TARGET, voc.THEN.VALUES_EQUAL.format(side="target", other="source")]
    assert all(s.tags >= {"resilience", "line_12"} for n, s in feature.scenarios.items() if "keeps working" in n)


# -- nothing from the spec can break the Gherkin -----------------------------------------------------

NASTY = [
    "Pipe | and back\\slash \\| \\n",
    "# not a comment",
    'Say "hi" to "them"',
    "<source> <target> <datatype> <line> <first> <later> <other>",
    "@tag @lookalike",
    "Given a leading keyword",
    "Scenario: a fake one",
    "Examples:",
    "| a | table |",
    '"""',
    "Ünïcødé — 日本語 🚀",
    "x" * 3000,
    "line\rbreak and line\nfeed",
    "form\x0cfeed and line\u2028separator",
    "trailing backslash \\",
]


@pytest.mark.parametrize("nasty", NASTY, ids=[f"nasty{i}" for i in range(len(NASTY))])
def test_a_nasty_value_anywhere_cannot_break_the_feature(tmp_path: Path, nasty: str) -> None:
    rows = ((nasty, nasty, nasty), ("Code", nasty, "string"))
    section = flow(
        12,
        (nasty, nasty),
        (nasty, "Inventory"),
        kinds=(RuleKind.CONDITIONAL, RuleKind.MERGE, RuleKind.BIDIRECTIONAL, RuleKind.PROPERTIES, RuleKind.UNKNOWN),
        properties=rows,
        merge=((nasty, nasty),),
        title=nasty,
        condition=nasty,
    )
    other = flow(60, (nasty, nasty), PRODUCTS, kinds=(RuleKind.CREATE_FROM_CONNECTED,), title=f"Given {nasty}")
    other = replace(other, rules=(replace(other.rules[0], connected_to=(nasty, "Deal")),))
    doc = document(section, other, path=f"/tmp/{nasty[:40].replace('/', '_')}.rst")
    features = write_and_parse(doc, tmp_path)
    assert len(features) == 2
    first, second = features.values()
    assert first.name == nasty.translate(_BREAKS).strip()
    # condition x2, re-run, merge, bidirectional x9, properties x2, resilience x4
    assert len(own_names(first)) == 2 + 1 + 1 + 9 + 2 + 4
    assert len(own_names(second)) == 2 + 4  # created from connected, re-run, resilience
    value = as_step_value(nasty)
    assert first.background is not None
    flow_step = first.background.steps[0].name
    assert flow_step == voc.GIVEN.FLOW.format(
        source_system=value, source_type=value, target_system=value, target_type="Inventory", line=12
    )
    outline = next(s for s in first.scenarios.values() if s.examples and "carried" in s.name)
    cell = voc.quote(nasty).translate(_BREAKS).strip()
    assert outline.examples[0].examples == [[cell, cell, cell, "28"], ["Code", cell, "string", "31"]]
    second_flow = voc.GIVEN.FLOW.format(
        source_system=value, source_type=value, target_system="Squarespace", target_type="Sesamproducts", line=60
    )
    for feature, background in ((first, flow_step), (second, second_flow)):
        for scenario in feature.scenarios.values():
            for context, steps in scenario_runs(scenario):
                assert steps[0] == background  # an outline's examples never rewrite the spec's names
                for text in steps:
                    assert len(matching_templates(text)) == 1, (text, context)


def test_tags_stay_marker_names_whatever_the_names(tmp_path: Path) -> None:
    section = flow(12, ("Wix.com (EU) – Ünï", "Members & Co"), ("", ""), kinds=(RuleKind.CREATE,))
    (feature,) = write_and_parse(document(section), tmp_path).values()
    assert feature.tags == {"talkqa", "section_1", "source_wix_com_eu_uni", "target_blank", "flow_members_co_to_blank"}
    for scenario in feature.scenarios.values():
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", tag) for tag in scenario.tags | feature.tags)


# -- scenario names are unique, or the writer refuses ------------------------------------------------


def test_a_scenario_name_that_would_repeat_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voc.SCENARIO, "CREATE", "A new {source} record is created")
    section = flow(12, EXACT, INVENTORY, kinds=(RuleKind.CREATE, RuleKind.CREATE))
    with pytest.raises(FeatureError, match=r"spec\.rst:12: .* two scenarios named 'A new Exact Online Items record is"):
        render_features(document(section))


def test_a_flow_from_a_type_to_itself_gets_unique_scenario_names() -> None:
    hubspot = ("HubSpot", "Contact")
    [text] = render_features(document(flow(12, hubspot, hubspot))).values()
    names = re.findall(r"^  Scenario(?: Outline)?: (.*)$", text, flags=re.MULTILINE)
    assert len(names) == len(set(names)) > 10


# -- steps bind to the vocabulary --------------------------------------------------------------------


def test_every_step_matches_exactly_one_vocabulary_template(tmp_path: Path) -> None:
    kinds = tuple(kind for kind in RuleKind if kind is not RuleKind.UNKNOWN)
    doc = document(
        flow(12, EXACT, INVENTORY, kinds=kinds, properties=ROWS, merge=(("Code", "sku"),)),
        flow(
            60,
            ("Exact Online", "Salesorders"),
            ("Squarespace", "Order"),
            kinds=(RuleKind.LINK_REQUIRED, RuleKind.PROPERTIES),
        ),
        flow(80, EXACT, PRODUCTS, kinds=(RuleKind.CREATE,)),
        flow(
            100,
            ("Exact Online", "Salesorders"),
            ("Squarespace", "Order"),
            kinds=(RuleKind.CREATE, RuleKind.PROPERTIES),
            properties=(("Currency", "grandTotal.currency", "string"),),
            title="Exact Online Salesorders to Squarespace Order in other currencies",
        ),
    )
    used: set[str] = set()
    for feature in write_and_parse(doc, tmp_path).values():
        for scenario in feature.scenarios.values():
            for _, steps in scenario_runs(scenario):
                for text in steps:
                    matches = matching_templates(text)
                    assert len(matches) == 1, (text, matches)
                    used.update(matches)
    assert used == {name for name, *_ in TEMPLATES}  # and every sentence of the vocabulary is in use


def test_the_flow_step_of_a_blank_system_matches_its_template() -> None:
    text = voc.GIVEN.FLOW.format(
        source_system="Exact Online", source_type="Items", target_system="", target_type="Inventory", line=12
    )
    assert matching_templates(text) == ["GIVEN.FLOW"]


def test_generated_features_run_under_pytest_bdd_and_markers_select_sections(tmp_path: Path) -> None:
    """Then-first scenarios, outline columns not used by any step and tags as ``-m`` markers, for real."""
    write_features(main_document(), tmp_path / "features")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_checklist.py").write_text(
        textwrap.dedent(
            """
            from pytest_bdd import given, parsers, scenarios, then, when
            from harness.dataflow import vocabulary as voc

            decorators = {"GIVEN": given, "WHEN": when, "THEN": then}
            for keyword, attr, template in voc.step_templates():
                pattern = voc.step_pattern(template)
                fields = sorted(pattern.groupindex)
                name = f"step_{keyword}_{attr}"
                namespace = {}
                exec(f"def {name}({', '.join(fields)}):\\n    pass\\n", namespace)
                converters = voc.step_converters(template)
                decorators[keyword](parsers.re(pattern), converters=converters, stacklevel=1)(namespace[name])

            scenarios("features")
            """
        ),
        encoding="utf-8",
    )
    run = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestUnknownMarkWarning",
    ]
    everything = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert everything.returncode == 0, everything.stdout[-3000:]
    features = [parse_feature(path) for path in (tmp_path / "features").iterdir()]
    runs = sum(len(list(scenario_runs(s))) for feature in features for s in feature.scenarios.values())
    # 41 scenarios, of which outlines: latest-wins 2 + 2 runs, property rows 3 + 1 runs; and 81 runs of the
    # families of issue 12 — edge values 15 + 9, write faults 10 + 10 + 2, conflicts 6 + 4 + 2 (one at the same
    # instant per two-way section), crashes 5 + 5 + 5 (four writes, and after each write), unmapped 2 + 2,
    # volume 1 + 1 + 1, deferred 1 (the order section's lines)
    assert runs == 45 + 81
    assert f"{runs} passed" in everything.stdout
    selected = subprocess.run(
        [*run, "-m", "section_2 and bidirectional"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert "10 passed" in selected.stdout, selected.stdout[-3000:]


# -- files ---------------------------------------------------------------------------------------------


def test_write_features_replaces_ours_removes_stale_and_leaves_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "features"
    first = write_features(document(flow(12, EXACT, INVENTORY), flow(40, EXACT, PRODUCTS)), out)
    assert [p.name for p in first] == [
        "01-exact-online-items-to-squarespace-inventory.feature",
        "02-exact-online-items-to-squarespace-sesamproducts.feature",
    ]
    (out / "99-hand-written.feature").write_text("Feature: mine\n", encoding="utf-8")
    (out / "notes.txt").write_text(HEADER_PREFIX + "but not a feature\n", encoding="utf-8")
    second = write_features(document(flow(12, EXACT, INVENTORY)), out)
    assert second == first[:1]
    assert sorted(p.name for p in out.iterdir()) == [
        "01-exact-online-items-to-squarespace-inventory.feature",
        "99-hand-written.feature",
        "notes.txt",
    ]
    assert (out / "99-hand-written.feature").read_text(encoding="utf-8") == "Feature: mine\n"


def test_write_features_never_overwrites_a_file_it_did_not_write(tmp_path: Path) -> None:
    mine = tmp_path / "01-exact-online-items-to-squarespace-inventory.feature"
    mine.write_text("Feature: by hand\n", encoding="utf-8")
    with pytest.raises(FeatureError, match="was not written by talkqa"):
        write_features(document(flow(12, EXACT, INVENTORY)), tmp_path)
    assert mine.read_text(encoding="utf-8") == "Feature: by hand\n"


def test_check_features_is_empty_when_up_to_date_and_lists_each_difference(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, INVENTORY), flow(40, EXACT, PRODUCTS))
    assert check_features(doc, tmp_path / "absent") == [
        f"{tmp_path / 'absent' / '01-exact-online-items-to-squarespace-inventory.feature'}: missing",
        f"{tmp_path / 'absent' / '02-exact-online-items-to-squarespace-sesamproducts.feature'}: missing",
    ]
    first, second = write_features(doc, tmp_path)
    assert check_features(doc, tmp_path) == []
    lines = first.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = "  # edited by hand\n"
    first.write_text("".join(lines), encoding="utf-8")
    second.unlink()
    stale = tmp_path / "07-gone.feature"
    stale.write_text(HEADER_PREFIX + "old.rst\n", encoding="utf-8")
    (tmp_path / "08-foreign.feature").write_text("Feature: foreign\n", encoding="utf-8")
    assert check_features(doc, tmp_path) == [
        f"{first}: differs from the spec from line 7",
        f"{second}: missing",
        f"{stale}: stale (generated by talkqa, no longer given by the spec)",
    ]


def test_a_crlf_copy_on_disk_differs_from_line_one(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, INVENTORY))
    (path,) = write_features(doc, tmp_path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert check_features(doc, tmp_path) == [f"{path}: differs from the spec from line 1"]


def test_a_file_cut_short_differs_after_its_last_line(tmp_path: Path) -> None:
    doc = document(flow(12, EXACT, INVENTORY))
    (path,) = write_features(doc, tmp_path)
    kept = path.read_text(encoding="utf-8").splitlines(keepends=True)[:5]
    path.write_text("".join(kept), encoding="utf-8")
    assert check_features(doc, tmp_path) == [f"{path}: differs from the spec from line 6"]


def test_write_features_leaves_no_temporary_file_behind_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("harness.dataflow.gherkin.os.replace", broken_replace)
    with pytest.raises(FeatureError, match="cannot write the feature"):
        write_features(document(flow(12, EXACT, INVENTORY)), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_files_are_plain_utf8_with_lf_and_two_space_indentation(tmp_path: Path) -> None:
    for path in write_features(main_document(), tmp_path):
        raw = path.read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n")
        for line in raw.decode("utf-8").splitlines():
            indent = len(line) - len(line.lstrip(" "))
            assert indent % 2 == 0 and line == line.rstrip(), line
        assert path.stat().st_mode & 0o644 == 0o644


# -- the committed features and the command line -----------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = [
    (ROOT / "fixtures" / "specs" / "exact-squarespace.rst", ROOT / "features" / "exact-squarespace"),
    (ROOT / "fixtures" / "specs" / "exact-blank-target.rst", ROOT / "features" / "exact-blank-target"),
]


@pytest.mark.parametrize(("spec", "folder"), COMMITTED, ids=[spec.stem for spec, _ in COMMITTED])
def test_the_committed_features_match_their_fixture_spec(spec: Path, folder: Path) -> None:
    assert check_features(parse_file(spec), folder) == []


@pytest.mark.parametrize(("spec", "folder"), COMMITTED, ids=[spec.stem for spec, _ in COMMITTED])
def test_every_scenario_cites_the_spec_line_of_what_it_checks(tmp_path: Path, spec: Path, folder: Path) -> None:
    doc = parse_file(spec)
    lines = spec.read_text(encoding="utf-8").splitlines()
    features = list(write_and_parse(doc, tmp_path).values())
    assert len(features) == len(doc.distinct_sections())
    assert [problem for feature in features for problem in citation_problems(doc, lines, feature)] == []


def test_the_seed_shaped_fixture_gives_three_features_and_notes_the_repeat() -> None:
    spec, folder = COMMITTED[1]
    doc = parse_file(spec)
    assert (len(doc.sections), len(doc.distinct_sections())) == (4, 3)
    features = [parse_feature(path) for path in sorted(folder.glob("*.feature"))]
    assert sum("Repeated word for word at line" in f.description for f in features) == 1
    assert all(voc.ASSUMED_MAPPING_NOTE in f.description for f in features)
    assert all(any(name.startswith("The spec lists no properties") for name in f.scenarios) for f in features)


@pytest.mark.parametrize("spec", [spec for spec, _ in COMMITTED], ids=[spec.stem for spec, _ in COMMITTED])
def test_crlf_and_lf_copies_of_a_spec_give_the_same_bytes(tmp_path: Path, spec: Path) -> None:
    text = spec.read_bytes().decode("utf-8").replace("\r\n", "\n")
    (tmp_path / "lf").mkdir()
    (tmp_path / "crlf").mkdir()
    (tmp_path / "lf" / spec.name).write_bytes(text.encode("utf-8"))
    (tmp_path / "crlf" / spec.name).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    lf = render_features(parse_file(tmp_path / "lf" / spec.name))
    crlf = render_features(parse_file(tmp_path / "crlf" / spec.name))
    assert lf == crlf
    assert lf == render_features(parse_file(spec))


SMALL_SPEC = """\
==============================
Acme Shop to Squarespace Dataflow
==============================

Generated: 2025-01-01 00:00:00

Introduction
------------

A small document of our own for the command-line tests.

Acme Shop Widgets to Squarespace Inventory
------------------------------------------
Every Acme Shop Widgets will be synchronized with a Squarespace Inventory.

The following properties are synchronized between a Acme Shop Widgets and a Squarespace Inventory:

.. list-table::
   :header-rows: 1

   * - Acme Shop Widgets Property
     - Squarespace Inventory Property
     - Squarespace Data Type
   * - code
     - sku
     - "string"
"""


def test_cli_features_writes_then_check_exits_0_and_1_on_each_kind_of_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "acme.rst"
    spec.write_text(SMALL_SPEC, encoding="utf-8")
    out = tmp_path / "features"
    assert cli.main(["features", str(spec), "-o", str(out)]) == 0
    (written,) = out.glob("*.feature")
    assert capsys.readouterr().out == f"{written}\n"
    assert cli.main(["features", str(spec), "-o", str(out), "--check"]) == 0

    written.write_text(written.read_text(encoding="utf-8") + "# a hand edit\n", encoding="utf-8")
    assert cli.main(["features", str(spec), "-o", str(out), "--check"]) == 1
    captured = capsys.readouterr()
    assert "differs from the spec from line" in captured.out
    assert f"run `talkqa features {spec} -o {out}`" in captured.err

    written.unlink()
    assert cli.main(["features", str(spec), "-o", str(out), "--check"]) == 1
    assert f"{written}: missing" in capsys.readouterr().out

    assert cli.main(["features", str(spec), "-o", str(out)]) == 0
    stale = out / "09-old.feature"
    stale.write_text(HEADER_PREFIX + "acme.rst; do not edit.\n", encoding="utf-8")
    assert cli.main(["features", str(spec), "-o", str(out), "--check"]) == 1
    assert f"{stale}: stale" in capsys.readouterr().out


def test_cli_features_leaves_foreign_files_alone_and_removes_our_stale_ones(tmp_path: Path) -> None:
    spec = tmp_path / "acme.rst"
    spec.write_text(SMALL_SPEC, encoding="utf-8")
    out = tmp_path / "features"
    out.mkdir()
    foreign = out / "00-ours-by-hand.feature"
    foreign.write_text("Feature: written by a person\n", encoding="utf-8")
    stale = out / "02-gone.feature"
    stale.write_text(HEADER_PREFIX + "acme.rst; do not edit.\n", encoding="utf-8")
    assert cli.main(["features", str(spec), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "00-ours-by-hand.feature",
        "01-acme-shop-widgets-to-squarespace-inventory.feature",
    ]
    assert foreign.read_text(encoding="utf-8") == "Feature: written by a person\n"
    assert cli.main(["features", str(spec), "-o", str(out), "--check"]) == 0


@pytest.mark.parametrize(
    ("name", "fixed"),
    [
        ("A re-run never duplicates a Inventory record", "A re-run never duplicates an Inventory record"),
        ("A Exact Online Items record merges", "An Exact Online Items record merges"),
        ("The lines of a Order record", "The lines of an Order record"),
        (
            "A new Squarespace record is created as a Unit record",
            "A new Squarespace record is created as a Unit record",
        ),
        ("A re-run never duplicates a Euro record", "A re-run never duplicates a Euro record"),
        ("Data of a user", "Data of a user"),
    ],
)
def test_scenario_names_say_an_before_a_vowel_sound(name: str, fixed: str) -> None:
    from harness.dataflow.scenario_kit import _articles

    assert _articles(name) == fixed
