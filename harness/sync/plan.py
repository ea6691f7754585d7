"""What the engine will sync: flow sections grouped by the pair of record kinds they connect.

Two sections that land on the same records — "Items to Inventory" and "Items to Sesamproducts" both
reach one Squarespace product — form one group: the target record is created once, with every
section's values, and each section keeps its own links. Groups whose rows refer to another group's
records (order lines to items) come after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from harness.dataflow.model import DataflowDocument, FlowSection, RuleKind
from harness.mapping.sections import SectionMapping
from harness.sync.records import RecordSide

__all__ = ["Group", "SectionPlan", "SyncPlan", "build_plan", "section_keys"]

_CREATING = (RuleKind.CREATE, RuleKind.CREATE_IF_NO_MATCH)
_NOT_EVALUABLE = {
    RuleKind.CONDITIONAL: "its creation depends on a condition the reference engine cannot evaluate",
    RuleKind.CREATE_FROM_CONNECTED: "its creation depends on connected records the reference engine does not follow",
}


@dataclass(frozen=True)
class SectionPlan:
    """One section as the engine runs it."""

    key: str  #: its name in the link table
    section: FlowSection
    mapping: SectionMapping

    @property
    def source_type(self) -> str:
        return self.section.source_type

    @property
    def target_type(self) -> str:
        return self.section.target_type


@dataclass
class Group:
    """Sections that connect the same two kinds of records."""

    source: RecordSide
    target: RecordSide
    sections: list[SectionPlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.source.key}>{self.target.key}"

    @property
    def lead(self) -> str:
        """The section whose links stand for the group's (every section holds the same pairs)."""
        return self.sections[0].key

    @property
    def creates(self) -> bool:
        return any(s.section.has_rule(kind) for s in self.sections for kind in _CREATING)

    @property
    def bidirectional(self) -> bool:
        return any(s.section.is_bidirectional for s in self.sections)

    @property
    def source_types(self) -> list[str]:
        return list(dict.fromkeys(s.source_type for s in self.sections))

    @property
    def target_types(self) -> list[str]:
        return list(dict.fromkeys(s.target_type for s in self.sections))


@dataclass
class SyncPlan:
    groups: list[Group]
    skipped: list[tuple[FlowSection, str]]  #: sections the engine does not sync, and why


def section_keys(document: DataflowDocument) -> dict[int, str]:
    """A link-table name per distinct section: its title (``#2`` for a title repeated with other content)."""
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for section in document.distinct_sections():
        count = seen.get(section.title, 0) + 1
        seen[section.title] = count
        out[id(section)] = section.title if count == 1 else f"{section.title} #{count}"
    return out


def build_plan(
    document: DataflowDocument,
    mappings: Sequence[SectionMapping],
    side_for: Callable[[str, str], RecordSide | None],
) -> SyncPlan:
    """Group the usable sections by (source side, target side); say why any other section is left out."""
    keys = section_keys(document)
    groups: dict[tuple[str, str], Group] = {}
    skipped: list[tuple[FlowSection, str]] = []
    for mapping in mappings:
        section = mapping.section
        if not mapping.usable:
            skipped.append((section, mapping.unusable or "the section maps no property the engine can honour"))
            continue
        source = side_for(mapping.source_system, section.source_type)
        target = side_for(mapping.target_system, section.target_type)
        if source is None or target is None:
            missing = section.source if source is None else section.target
            skipped.append((section, f"talkqa has no driver for {missing or 'a blank system'}"))
            continue
        group = groups.setdefault((source.key, target.key), Group(source, target))
        group.sections.append(SectionPlan(keys[id(section)], section, mapping))
        for kind, why in _NOT_EVALUABLE.items():
            if section.has_rule(kind):
                group.notes.append(f"{section.title}: {why}; records are only linked, never created")
    return SyncPlan(_ordered(list(groups.values())), skipped)


def _ordered(groups: list[Group]) -> list[Group]:
    """Groups whose reference rows go through another group's sections come after that group."""
    titles = {s.section.title: g for g in groups for s in g.sections}

    def depends_on(group: Group) -> set[int]:
        via = {t for s in group.sections for row in s.mapping.reference_rows for t in row.via}
        return {id(titles[t]) for t in via if t in titles and titles[t] is not group}

    done: list[Group] = []
    waiting = list(groups)
    while waiting:
        ready = [g for g in waiting if depends_on(g) <= {id(d) for d in done}] or waiting[:1]
        for group in ready:
            done.append(group)
            waiting.remove(group)
    return done
