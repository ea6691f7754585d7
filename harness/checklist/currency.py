"""A record in a currency other than the shop's. A Squarespace site holds one currency: an amount in another
cannot be stored as it is. An engine may leave such a record out (and say why) or convert it, but must never
carry the amounts over as if they were in the shop's currency — 100 dollars becoming 100 euros is data of
lesser quality, which Talk promised never to produce."""

from __future__ import annotations

from harness.checklist.actions import new_source_record
from harness.checklist.counterparts import counterparts
from harness.checklist.outcomes import ChecklistFailure, pending
from harness.checklist.world import ChecklistWorld
from harness.mapping.paths import get_path

__all__ = ["check_not_in_shop_currency", "new_source_record_in_foreign_currency"]


def _currency_rows(world: ChecklistWorld) -> list[tuple[str, str]]:
    """(source path, target path) of the rows that carry a currency code."""
    flow = world.require_mapping()
    return [
        (r.source.path, r.target.path)
        for r in flow.rows
        if r.target.path.endswith(".currency") and not r.is_line_row and r.flows_to_target
    ]


def new_source_record_in_foreign_currency(world: ChecklistWorld) -> None:
    rows = _currency_rows(world)
    if not rows:
        pending("no row of this flow carries a currency to the target")
    foreign = "USD" if world.config.site_currency != "USD" else "EUR"
    new_source_record(world, overrides={source: foreign for source, _ in rows})
    world.records.chosen_value = foreign


def check_not_in_shop_currency(world: ChecklistWorld) -> None:
    flow = world.require_mapping()
    source_id, foreign = world.records.source_id, world.records.chosen_value
    if source_id is None or not foreign:
        raise ChecklistFailure("no record in another currency was made before this step")
    shop = world.config.site_currency
    found = counterparts(world, flow, source_id)
    wrong: dict[str, dict[str, object]] = {}
    for target_id in found:
        data = flow.target.read(flow.target_type, target_id) or {}
        held = {path: get_path(data, path) for _, path in _currency_rows(world)}
        if any(value != foreign for value in held.values()):
            wrong[target_id] = held
    if wrong:
        raise ChecklistFailure(
            f"the {flow.section.source} record in {foreign} reached {flow.section.target} with its amounts in "
            f"{shop}: the same numbers now mean another amount of money",
            expected=f"no {flow.section.target} record, or one whose amounts are in {foreign}",
            actual=wrong,
        )
    if not found:
        world.notes.append(
            f"the engine did not carry the record in {foreign} to {flow.section.target}, whose shop holds {shop} only"
        )
