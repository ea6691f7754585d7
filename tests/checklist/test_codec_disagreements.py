"""When the checklist's oracle finds two values different that the engine under test — talkqa's reference
engine, in-process — takes for the same, the failed item's notes say so: the engine cannot see the difference.
The verdict itself never rests on the engine's code."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from support import FIXTURES

from harness.checklist.outcomes import ChecklistFailure
from harness.dataflow.parser import parse_file
from harness.mapping.sections import effective_mapping
from harness.plugin import _note_codec_disagreements
from harness.sync import crossing
from harness.sync.reference import ReferenceEngine

_, PRODUCTS, _ = effective_mapping(parse_file(FIXTURES / "specs" / "exact-squarespace.rst"))
NAME = next(r for r in PRODUCTS.rows if r.label == "Description → name")


def _item(engine: Any) -> Any:
    world = SimpleNamespace(notes=[], _sut=SimpleNamespace(engine=engine))
    return SimpleNamespace(talkqa_world=world)


def _failure(*compared: tuple[Any, Any, Any]) -> ChecklistFailure:
    failure = ChecklistFailure("1 mapped property differs", expected={}, actual={})
    failure.compared = list(compared)
    return failure


def test_a_difference_the_reference_engine_cannot_see_is_named_in_the_notes() -> None:
    # Exact pads text with trailing spaces: the engine's codec reads "Stoel  " and "Stoel" as one value. Were the
    # oracle to tell them apart, the engine would never correct the target: the note says which side sees what.
    assert crossing.same(NAME, "Stoel  ", "Stoel")
    item = _item(ReferenceEngine.__new__(ReferenceEngine))
    _note_codec_disagreements(item, _failure((NAME, "Stoel  ", "Stoel")))
    (note,) = item.talkqa_world.notes
    assert note.startswith("Description → name: the engine's own codec (harness.sync) takes 'Stoel  ' and 'Stoel'")
    assert "the checklist's oracle (written from the API facts) does not" in note


def test_a_difference_both_see_adds_nothing() -> None:
    assert not crossing.same(NAME, "Stoel", "Tafel")
    item = _item(ReferenceEngine.__new__(ReferenceEngine))
    _note_codec_disagreements(item, _failure((NAME, "Stoel", "Tafel")))
    assert item.talkqa_world.notes == []


def test_an_engine_not_built_on_talkqas_says_nothing_of_talkqas_codec() -> None:
    item = _item(object())  # a user's own in-process engine
    _note_codec_disagreements(item, _failure((NAME, "Stoel  ", "Stoel")))
    assert item.talkqa_world.notes == []
