"""What a checklist run is about: the spec, its effective mapping, the system under test, the seed.

Loaded once per process; a spec or mapping that cannot be used is a ``HarnessError`` naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from harness.dataflow.lint import lint
from harness.dataflow.model import DataflowDocument, FlowSection
from harness.dataflow.parser import parse_file
from harness.errors import UsageError
from harness.sync.mapping import SectionMapping, effective_mapping
from harness.sync.mapping_file import load_mapping_file
from harness.sync.sut import check_sut, is_external

__all__ = ["DEFAULT_SPEC", "ChecklistConfig", "load_config"]

#: Our bundled default spec (ours, in our own words).
DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "fixtures" / "specs" / "exact-squarespace.rst"


@dataclass(frozen=True)
class ChecklistConfig:
    """One checklist run's inputs, shared by every scenario."""

    spec_path: Path
    document: DataflowDocument  #: parsed and linted
    mappings: tuple[SectionMapping, ...]
    mapping_path: str | None = None
    sut: str = "reference"
    seed: int = 1
    strict: bool = False
    examples: int = 10  #: hypothesis examples per round trip
    site_currency: str = "EUR"
    _by_line: dict[int, SectionMapping] = field(default_factory=dict, repr=False, compare=False)

    @property
    def served(self) -> bool:
        """An external SUT reaches the mocks over loopback; everything else reaches them in-process."""
        return is_external(self.sut)

    def mapping_at(self, line: int) -> SectionMapping | None:
        """The effective mapping of the distinct section whose title is at ``line``."""
        if not self._by_line:
            self._by_line.update({m.section.line: m for m in self.mappings})
        return self._by_line.get(line)

    def section_at(self, line: int) -> FlowSection | None:
        return next((s for s in self.document.sections if s.line == line), None)

    def scenario_seed(self, node_id: str) -> int:
        """A seed per scenario, the same whichever worker runs it (``-n 2`` gives the same results)."""
        digest = hashlib.sha256(f"{self.seed}\n{node_id}".encode()).digest()
        return int.from_bytes(digest[:4], "big")


@cache
def load_config(
    spec: str | None,
    mapping: str | None,
    sut: str = "reference",
    seed: int = 1,
    strict: bool = False,
    examples: int = 10,
) -> ChecklistConfig:
    """Read the spec and the mapping once per process (``spec`` None: the bundled default); check that
    ``sut`` names something that can run."""
    spec_path = Path(spec) if spec else DEFAULT_SPEC
    if not spec_path.is_file():
        raise UsageError(f"spec {spec_path} does not exist; give a dataflow document (--spec / --talkqa-spec)")
    document = lint(parse_file(spec_path))
    mapping_file = None
    if mapping:
        if not Path(mapping).is_file():
            raise UsageError(f"mapping file {mapping} does not exist")
        mapping_file = load_mapping_file(mapping)
    mappings = tuple(effective_mapping(document, mapping_file))
    check_sut(sut)
    return ChecklistConfig(spec_path, document, mappings, mapping, sut, seed, strict, examples)
