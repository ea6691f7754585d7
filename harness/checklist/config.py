"""What a checklist run is about: the spec, its effective mapping, the system under test, the seed.

Loaded once per process; a spec or mapping that cannot be used is a ``HarnessError`` naming the file.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from harness.dataflow.lint import lint
from harness.dataflow.model import DataflowDocument, FlowSection
from harness.dataflow.parser import parse_file
from harness.errors import UsageError
from harness.mapping.mapping_file import load_mapping_file
from harness.mapping.sections import SectionMapping, effective_mapping
from harness.options import (
    CYCLE_TIMEOUT,
    DEFAULT_SPEC,
    EXAMPLES,
    EXAMPLES_IN_PROCESS,
    RUN_TIMEOUT,
    SEED,
    SPEC,
    STRICT,
    SUT,
    TIME_SCALE,
    examples_for,
)
from harness.sut import check_sut, is_external

__all__ = ["DEFAULT_SPEC", "HTTP_TIMEOUT_S", "ChecklistConfig", "load_config"]

#: seconds an external engine should wait for an answer before it takes the call as timed out
HTTP_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class ChecklistConfig:
    """One checklist run's inputs, shared by every scenario."""

    spec_path: Path
    document: DataflowDocument  #: parsed and linted
    mappings: tuple[SectionMapping, ...]
    mapping_path: str | None = None
    sut: str = SUT.default
    seed: int = SEED.default
    strict: bool = STRICT.default
    examples: int = EXAMPLES_IN_PROCESS  #: hypothesis examples per round trip
    site_currency: str = "EUR"
    cycle_timeout_s: float = CYCLE_TIMEOUT.default  #: one cycle of a cmd: engine
    run_deadline: float | None = None  #: ``time.monotonic()`` when the run's budget (--run-timeout) is spent
    time_scale: int = TIME_SCALE.default  #: served mocks run this many times faster than real time
    #: the client time-out the run advertises to an external engine (``TALKQA_HTTP_TIMEOUT_S``): a simulated
    #: time-out holds a served connection this long, and no longer
    http_timeout_s: float = HTTP_TIMEOUT_S
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
        """A seed per scenario, the same whichever worker runs it (``-n 2`` gives the same results) and
        whichever module binds the features (``talkqa run``'s or a project's own): only the test's name
        and parameters after ``::`` count."""
        name = node_id.partition("::")[2] or node_id
        digest = hashlib.sha256(f"{self.seed}\n{name}".encode()).digest()
        return int.from_bytes(digest[:4], "big")


@cache
def load_config(
    spec: str | None,
    mapping: str | None,
    sut: str = SUT.default,
    seed: int = SEED.default,
    strict: bool = STRICT.default,
    examples: int | None = EXAMPLES.default,
    cycle_timeout: float = CYCLE_TIMEOUT.default,
    run_timeout: float | None = RUN_TIMEOUT.default,
    time_scale: int = TIME_SCALE.default,
) -> ChecklistConfig:
    """Read the spec and the mapping once per process (``spec`` None: the bundled default); check that
    ``sut`` names something that can run. The parameters are the ``config`` options of ``harness.options``,
    in their order (``config_args`` builds them)."""
    started = time.monotonic()
    spec_path = Path(spec) if spec else DEFAULT_SPEC
    if spec_path.is_dir():
        raise UsageError(
            f"spec {spec_path} is a folder; give a dataflow document in it ({SPEC.flags[0]} / {SPEC.pytest_flag})"
        )
    if not spec_path.is_file():
        raise UsageError(
            f"spec {spec_path} does not exist; give a dataflow document ({SPEC.flags[0]} / {SPEC.pytest_flag})"
        )
    document = lint(parse_file(spec_path))
    mapping_file = None
    if mapping:
        if Path(mapping).is_dir():
            raise UsageError(f"mapping file {mapping} is a folder; give a mapping file (.toml)")
        if not Path(mapping).is_file():
            raise UsageError(f"mapping file {mapping} does not exist")
        mapping_file = load_mapping_file(mapping)
    mappings = tuple(effective_mapping(document, mapping_file))
    check_sut(sut)
    deadline = None if run_timeout is None else started + run_timeout
    return ChecklistConfig(
        spec_path,
        document,
        mappings,
        mapping,
        sut,
        seed,
        strict,
        examples_for(is_external(sut), examples),
        cycle_timeout_s=cycle_timeout,
        run_deadline=deadline,
        time_scale=time_scale,
    )
