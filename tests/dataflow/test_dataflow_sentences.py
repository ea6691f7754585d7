"""Every sentence form of the generator, and the drift around it, becomes a rule of its kind."""

from __future__ import annotations

import pytest

from harness.dataflow import codes
from harness.dataflow.model import RuleKind
from harness.dataflow.sentences import classify, starts_sentence

NAMES = ("HubSpot", "Deal", "Tripletex", "Order")


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Every HubSpot Deal will be synchronized with a Tripletex Order.", RuleKind.CREATE),
        ("Every  HubSpot Deal will be synchronised with a Tripletex Order", RuleKind.CREATE),
        ("Every Exact Online Items will be synchronized with a  Inventory.", RuleKind.CREATE),
        (
            "Before any synchronization can take place, a link between a HubSpot Deal and a Tripletex Order "
            "must be established.",
            RuleKind.LINK_REQUIRED,
        ),
        (
            "When a HubSpot Deal has a 100% probability of beeing sold, it  will be synchronized with a "
            "Tripletex Order.",
            RuleKind.CONDITIONAL,
        ),
        (
            "A HubSpot Deal will merge with a Tripletex Order if one of the following property combinations match:",
            RuleKind.MERGE,
        ),
        (
            "If a matching Tripletex Order already exists, the HubSpot Deal will be merged with the existing one.",
            RuleKind.MERGE,
        ),
        (
            "If no matching Tripletex Order is found, a new Tripletex Order will be created.",
            RuleKind.CREATE_IF_NO_MATCH,
        ),
        (
            "A new Tripletex Order will be created from a HubSpot Deal if it is connected to a HubSpot Company "
            "that is synchronized into Tripletex.",
            RuleKind.CREATE_FROM_CONNECTED,
        ),
        (
            "Once a link between a HubSpot Deal and a Tripletex Order is established, it will keep in sync between "
            "the two systems, regardless of where it is edited.",
            RuleKind.BIDIRECTIONAL,
        ),
        (
            "The following properties are synchronized between a HubSpot Deal and a Tripletex Order:",
            RuleKind.PROPERTIES,
        ),
        ("The deal owner decides when to invoice.", RuleKind.UNKNOWN),
    ],
)
def test_a_sentence_becomes_a_rule_of_its_kind(sentence: str, kind: RuleKind) -> None:
    rule, _ = classify(sentence, 7, NAMES)
    assert (rule.kind, rule.line, rule.text) == (kind, 7, sentence)


def test_a_known_sentence_brings_no_problem() -> None:
    _, problem = classify("Every HubSpot Deal will be synchronized with a Tripletex Order.", 1, NAMES)
    assert problem is None


def test_an_unknown_sentence_is_kept_and_reported_with_its_text() -> None:
    rule, problem = classify("The deal owner decides when to invoice.", 3, NAMES)
    assert rule.kind is RuleKind.UNKNOWN
    assert problem is not None
    assert problem[0] is codes.UNKNOWN_SENTENCE
    assert "The deal owner decides when to invoice." in problem[1]


@pytest.mark.parametrize(
    ("sentence", "condition"),
    [
        (
            "When a HubSpot Deal has a 100% probability of beeing sold, it  will be synchronized with a "
            "Tripletex Order.",
            "has a 100% probability of beeing sold",
        ),
        (
            "When a HubSpot Deals is of type Agent, it will be synchronized with a Tripletex Order.",
            "is of type Agent",
        ),
        (
            "When a  HubSpot   Deal is won, it will be synchronized with a Tripletex Order.",
            "is won",
        ),
    ],
)
def test_a_conditional_sentence_keeps_its_condition(sentence: str, condition: str) -> None:
    rule, problem = classify(sentence, 1, NAMES)
    assert (rule.kind, rule.condition, problem) == (RuleKind.CONDITIONAL, condition, None)


def test_a_conditional_without_its_subject_keeps_the_text_before_it_as_the_condition_and_is_reported() -> None:
    sentence = (
        "removed person customers for now until that pattern is resolved, it  will be synchronized with a "
        "Tripletex Order."
    )
    rule, problem = classify(sentence, 4, NAMES)
    assert rule.kind is RuleKind.CONDITIONAL
    assert rule.condition == "removed person customers for now until that pattern is resolved"
    assert problem is not None
    assert problem[0] is codes.CONDITION_WITHOUT_SUBJECT


@pytest.mark.parametrize(
    ("listed", "types"),
    [
        ("a HubSpot Company", ("Company",)),
        (
            "a HubSpot Deal, Quote, Lineitem, or Quotedealassociation",
            ("Deal", "Quote", "Lineitem", "Quotedealassociation"),
        ),
        ("a HubSpot Deal or Quote", ("Deal", "Quote")),
        ("a Tripletex Project", ("Project",)),
        ("an Asana Task", ("Asana Task",)),
    ],
)
def test_create_from_connected_lists_the_connected_types_without_the_system(
    listed: str, types: tuple[str, ...]
) -> None:
    sentence = (
        "A new Tripletex Order will be created from a HubSpot Deal if it is connected to "
        f"{listed} that is synchronized into Tripletex."
    )
    rule, _ = classify(sentence, 1, NAMES)
    assert rule.kind is RuleKind.CREATE_FROM_CONNECTED
    assert rule.connected_to == types


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("Every HubSpot Deal will be synchronized with a Tripletex Order.", True),
        ("Once a link between a HubSpot Deal and a Tripletex Order is established,", True),
        ("A HubSpot Deal will merge with a Tripletex Order if", True),
        ("it will keep in sync between the two systems, regardless of where it is edited.", False),
        ("A long paragraph about something else.", False),
    ],
)
def test_a_line_that_opens_a_known_form_starts_a_new_sentence(line: str, starts: bool) -> None:
    assert starts_sentence(line) is starts


def test_a_huge_paragraph_is_unknown_without_being_matched() -> None:
    text = "Every " + "word " * 10_000 + "will be synchronized with a Tripletex Order."
    rule, problem = classify(text, 1, NAMES)
    assert rule.kind is RuleKind.UNKNOWN
    assert problem is not None
