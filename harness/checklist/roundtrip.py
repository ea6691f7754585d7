"""The round trip of every mapped property, as a hypothesis property: any record drawn from the field
catalogues crosses to the other system (through the SUT) and back with every mapped property equal
under its data type's rules. The examples share a world, each with its own records (``_SharedWorld``:
a fresh one where a unique value would repeat, or after a failure); the run's seed fixes the examples,
and a falsifying example is reported with the seed that replays it. The first example is explicit: a
record at the limits, every text as long as both systems hold it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import example as explicit_example
from hypothesis import strategies as st

from harness.checklist import actions, oracle
from harness.checklist.checks import agree, values_of
from harness.checklist.counterparts import links_for
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.values import domain_of, row_strategy, utc_now
from harness.checklist.world import ChecklistWorld, Flow, ScenarioRecords
from harness.mapping.rows import MappingRow

__all__ = ["HYPOTHESIS_PROFILE", "round_trip"]

HYPOTHESIS_PROFILE = (
    "talkqa-ci: seeded by --seed, an explicit example at the limits, bounded examples, no database, no deadline"
)

WorldFactory = Callable[[Path], ChecklistWorld]


def _drawable(flow: Flow, rows: tuple[MappingRow, ...]) -> list[MappingRow]:
    return [r for r in rows if not r.is_line_row and not r.is_reference and domain_of(r).can_draw]


def round_trip(world: ChecklistWorld, make_world: WorldFactory, direction: str) -> None:
    """Check the round trip from the ``direction`` side ("source" or "target") of ``world``'s flow."""
    flow = world.require_mapping()
    line = flow.section.line
    names = (flow.section.source_system, flow.section.source_type, flow.section.target_system, flow.section.target_type)
    now = utc_now(world.clock.now())
    if direction == "target":
        rows = [
            r
            for r in _drawable(flow, flow.rows)
            if r.flows_to_source
            and r.source.writable_on_update
            and not flow.target.cannot("edit", flow.target_type, r.target.path)
        ]
        if not rows:
            pending(f"no mapped property can travel from {flow.section.target} back to {flow.section.source}")
    else:
        rows = [
            r
            for r in _drawable(flow, flow.rows)
            if r.flows_to_target and not flow.source.cannot("edit", flow.source_type, r.source.path)
        ]
        if not rows:
            pending(f"no mapped property of {flow.section.source} can be drawn from the catalogue")
    strategy = st.fixed_dictionaries({r.label: row_strategy(r, now) for r in rows})
    limits = _at_the_limits(world, rows)
    config = world.config
    world.close()  # each example brings its own mocks: the scenario's must not answer for them
    failures: list[ChecklistFailure] = []

    @seed(config.seed)
    @settings(
        max_examples=config.examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(drawn=strategy)
    def crosses(drawn: dict[str, Any]) -> None:
        example = shared.world_for(_unique_values(rows, drawn))
        try:
            example.set_flow(*names, line)
            _one_example(example, rows, drawn, direction)
        except ChecklistFailure as failure:
            failure.exchanges = example.exchanges()  # the report shows the failing example's calls
            shared.discard()
            raise
        except BaseException:
            shared.discard()
            raise

    if limits is not None:
        crosses = explicit_example(drawn=limits)(crosses)
    shared = _SharedWorld(make_world)
    try:
        crosses()
    except ChecklistFailure as only:
        failures.append(only)
    except BaseExceptionGroup as group:  # hypothesis found several distinct failures: report each kind's first
        found, rest = group.split(ChecklistFailure)
        if found is None:
            raise
        failures.extend(_leaves(found))
        if rest is not None:
            raise rest from failures[0]
    finally:
        shared.discard()
    for found_failure in failures:
        notes = "\n".join(getattr(found_failure, "__notes__", []))
        found_failure.hypothesis = (notes or "no example recorded", config.seed)  # type: ignore[attr-defined]
    if failures:
        raise failures[0]


class _SharedWorld:
    """One world for the examples of a round trip, each example making its own records in it (a world per
    example cost its mocks, its engine and its state folder every time). A fresh world is made for the first
    example, after a failing one (its world is spent), and for one whose unique values (an item code, an
    order number, a merge key) an earlier example in the world already used."""

    def __init__(self, make_world: WorldFactory) -> None:
        self._make_world = make_world
        self._world: ChecklistWorld | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._used: set[tuple[str, str]] = set()

    def world_for(self, unique: set[tuple[str, str]]) -> ChecklistWorld:
        if self._world is None or unique & self._used:
            self.discard()
            self._folder = tempfile.TemporaryDirectory(prefix="talkqa-roundtrip-")
            self._world = self._make_world(Path(self._folder.name))
        self._used |= unique
        self._world.records = ScenarioRecords()
        return self._world

    def discard(self) -> None:
        if self._world is not None:
            self._world.close()
            self._world = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
        self._used = set()


def _unique_values(rows: list[MappingRow], drawn: dict[str, Any]) -> set[tuple[str, str]]:
    """The drawn values that must not repeat within one world, as the systems compare them."""
    out = set()
    for row in rows:
        if row.key or row.source.unique or row.target.unique:
            value = drawn[row.label]
            out.add((row.label, value.strip().casefold() if isinstance(value, str) else repr(value)))
    return out


def _leaves(group: BaseExceptionGroup[ChecklistFailure]) -> list[ChecklistFailure]:
    out: list[ChecklistFailure] = []
    for error in group.exceptions:
        out.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return out


def _at_the_limits(world: ChecklistWorld, rows: list[MappingRow]) -> dict[str, Any] | None:
    """The example every round trip tries first: each text as long as both systems hold it (a text cut
    short shows only on a long one; random texts are mostly short), every other property a realistic
    value. None when a property has no value to give."""
    drawn: dict[str, Any] = {}
    for row in rows:
        domain = domain_of(row, site_currency=world.config.site_currency)
        if domain.kind == "text":
            text = " ".join(world.faker.words(nb=domain.max_length)).capitalize()[: domain.max_length]
            drawn[row.label] = text[:-1] + "x" if text.endswith(" ") else text
            continue
        value = world.values.source(row)
        if value is None:
            return None
        drawn[row.label] = value
    return drawn


def _one_example(world: ChecklistWorld, rows: list[MappingRow], drawn: dict[str, Any], direction: str) -> None:
    flow = world.require_mapping()
    by_path = {r.source.path: drawn[r.label] for r in rows}
    if direction == "source":
        actions.linked_pair(world, overrides=by_path)
    else:
        actions.linked_pair(world)
        target_id = world.records.target_id
        assert target_id is not None
        flow.target.edit(
            flow.target_type,
            target_id,
            {r.target.path: oracle.written_in_target(r, by_path[r.source.path]) for r in rows},
        )
        world.clock.advance(2)
        world.sync_until_quiet()
    source_id, target_id = world.records.source_id, world.records.target_id
    assert source_id is not None and target_id is not None
    source = flow.source.read(flow.source_type, source_id) or {}
    target = flow.target.read(flow.target_type, target_id) or {}
    links = links_for(world, flow)
    wrong: dict[str, Any] = {}
    for row in rows:
        wanted = oracle.meaning(row, by_path[row.source.path], side="source")
        there = values_of(row, target, "target", links)
        back = values_of(row, source, "source", links)
        if there != wanted or back != wanted:
            wrong[row.label] = {"drawn": wanted, "in the target": there, "in the source": back}
    for row in flow.rows:  # what no one drew (computed totals, lines) must still agree on both sides
        if row not in rows and row.flows_to_target:
            there, back = values_of(row, target, "target", links), values_of(row, source, "source", links)
            if not agree(flow, row, back, there, links):
                wrong[row.label] = {"drawn": back, "in the target": there, "in the source": back}
    if wrong:
        raise ChecklistFailure(
            f"{len(wrong)} mapped propert{'y' if len(wrong) == 1 else 'ies'} did not survive the round trip "
            f"from the {direction}",
            expected={label: v["drawn"] for label, v in wrong.items()},
            actual={label: {k: v[k] for k in ("in the target", "in the source")} for label, v in wrong.items()},
        )
