"""Before a checklist run of an external engine (``--sut cmd:``): one cycle against a fresh pair of served
mocks, so that an engine that cannot start fails the run once, with one line, instead of every item."""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness.checklist.config import ChecklistConfig
from harness.checklist.world import ChecklistWorld
from harness.errors import UsageError

__all__ = ["probe_external_engine"]


def probe_external_engine(config: ChecklistConfig) -> None:
    """Raise ``UsageError`` when the external engine's first cycle fails before it calls either system."""
    if not config.served:
        return
    with tempfile.TemporaryDirectory(prefix="talkqa-probe-") as folder:
        world = ChecklistWorld(config, "talkqa-probe", Path(folder) / "sut-state")
        try:
            result = world.sync(must_succeed=False)
            called = len(world.exact.calls) + len(world.squarespace.calls)
        finally:
            world.close()
    if not result.ok and called == 0:
        raise UsageError(
            f"--sut {config.sut!r}: the engine could not start ({result.error}); it made no call to either system"
        )
