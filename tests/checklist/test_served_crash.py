"""A crash of an external engine, as the served mocks stage it: its whole process is killed the moment the
mock has done its first write (not left to time out), and the restart resumes from its state folder."""

from __future__ import annotations

import sys
from pathlib import Path

from support import FIXTURES

from harness.checklist import actions
from harness.checklist.config import load_config
from harness.checklist.world import ChecklistWorld
from harness.sut import ExternalCommandSut

ENGINE = FIXTURES / "engines" / "reference_once.py"


def test_a_crash_kills_the_engine_at_its_first_write_and_the_restart_completes_the_pair(tmp_path: Path) -> None:
    config = load_config(None, None, f"cmd:{sys.executable} {ENGINE}")
    world = ChecklistWorld(config, "test_served_crash", tmp_path / "state")
    try:
        world.set_flow("Exact Online", "Items", "Squarespace", "Inventory", 12)
        actions.new_source_record(world)
        mark = world.write_mark()
        world.crash_and_restart()
        sut = world.sut
        assert isinstance(sut, ExternalCommandSut)
        assert sut.killed == 1
        assert world.cycles[-1].error == "killed by signal 9"
        # the first record write the mock saw, and nothing after it (the login before it writes no record)
        writes = [call.path for call in world.writes_list(mark)]
        record_writes = [path for path in writes if not path.startswith("/api/oauth2/")]
        assert len(record_writes) == 1 and record_writes == writes[-1:]
        world.sync_until_quiet()
        assert world.records.source_id is not None
        assert len(actions.counterparts(world, world.require_flow(), world.records.source_id)) == 1
    finally:
        world.close()
