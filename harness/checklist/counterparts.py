"""How the checklist recognises a record's counterpart in the other system, as a user would: by the
mapping's key rows (merge criteria, or pairs of unique fields) — never by reading the SUT's own links."""

from __future__ import annotations

from typing import Any

from harness.checklist import oracle
from harness.checklist.outcomes import pending
from harness.checklist.world import ChecklistWorld, Flow
from harness.mapping.paths import get_path
from harness.mapping.rows import MappingRow
from harness.mapping.sections import SectionMapping

__all__ = ["WorldLinks", "counterparts", "flow_of", "key_rows", "links_for", "sources_of"]


class WorldLinks:
    """Ids of referenced records translated as a user would find them: by the referenced section's key rows."""

    def __init__(self, world: ChecklistWorld, titles: tuple[str, ...]) -> None:
        self.world = world
        self.mappings = [m for m in world.config.mappings if m.section.title in titles]

    def target_id(self, source_id: str) -> str | None:
        for mapping in self.mappings:
            flow = flow_of(self.world, mapping)
            found = counterparts(self.world, flow, str(source_id).lower())
            if len(found) == 1:
                data = flow.target.read(flow.target_type, found[0]) or {}
                return str(data.get("variantId") or found[0])
        return None

    def source_id(self, target_id: str) -> str | None:
        for mapping in self.mappings:
            flow = flow_of(self.world, mapping)
            for rid, data in flow.target.records(flow.target_type):
                if str(target_id) in {rid, str(data.get("variantId"))}:
                    back = sources_of(self.world, flow, data)
                    if len(back) == 1:
                        return back[0]
        return None


def flow_of(world: ChecklistWorld, mapping: SectionMapping) -> Flow:
    section = mapping.section
    source = world.drivers.get(mapping.source_system) or world.require_flow().source
    target = world.drivers.get(mapping.target_system) or world.require_flow().target
    return Flow(section, mapping, source, target)


def links_for(world: ChecklistWorld, flow: Flow) -> WorldLinks:
    titles = tuple(t for row in flow.mapping.reference_rows for t in row.via)
    return WorldLinks(world, titles)


def key_rows(flow: Flow) -> tuple[MappingRow, ...]:
    rows = tuple(r for r in flow.mapping.key_rows if not r.is_line_row)
    if not rows:
        pending(
            f"talkqa cannot recognise {flow.section.target} records as counterparts of {flow.section.source} "
            "records: the section has no merge criterion and maps no pair of unique fields"
        )
    return rows


def counterparts(world: ChecklistWorld, flow: Flow, source_id: str) -> list[str]:
    """Target records whose key properties hold the source record's values."""
    data = flow.source.read(flow.source_type, source_id)
    if data is None:
        return []
    found: set[str] | None = None
    for row in key_rows(flow):
        value = get_path(data, row.source.path)
        if oracle.is_empty(row, value, side="source"):
            continue
        ids = {
            rid for rid, t in flow.target.records(flow.target_type) if _same(row, value, get_path(t, row.target.path))
        }
        found = ids if found is None else found & ids
    return sorted(found or [])


def sources_of(world: ChecklistWorld, flow: Flow, target: dict[str, Any]) -> list[str]:
    found: set[str] | None = None
    for row in key_rows(flow):
        value = get_path(target, row.target.path)
        if oracle.is_empty(row, value, side="target"):
            continue
        ids = {
            rid for rid, s in flow.source.records(flow.source_type) if _same(row, get_path(s, row.source.path), value)
        }
        found = ids if found is None else found & ids
    return sorted(found or [])


def _same(row: MappingRow, source: Any, target: Any) -> bool:
    try:
        return oracle.same(row, source, target)
    except Exception:  # a value of another kind is simply not a match
        return False
