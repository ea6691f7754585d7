"""The link table keeps its promises: one-to-one per section, exact values, intents, durability."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from harness.errors import LinkTableError
from harness.sync.links import LinkState, LinkTable, decode_value, encode_value


@pytest.fixture
def table() -> LinkTable:
    return LinkTable()


def test_a_link_remembers_its_last_values_exactly(table: LinkTable) -> None:
    values = {"Code": "A-1", "price": Decimal("19.99"), "when": datetime(2026, 1, 5, 9, 0, 0, 123000, tzinfo=UTC)}
    table.link("s1", "src-1", "tgt-1", values, source_seen=10.0, target_seen=11.0, at=12.0)
    link = table.get("s1", "src-1")
    assert link is not None
    assert link.is_linked
    assert dict(link.last_values) == values
    assert isinstance(link.last_values["price"], Decimal)
    assert (link.source_seen, link.target_seen) == (10.0, 11.0)


def test_a_target_cannot_be_linked_to_two_sources_in_one_section(table: LinkTable) -> None:
    table.link("s1", "src-1", "tgt-1", {}, source_seen=None, target_seen=None, at=1.0)
    with pytest.raises(LinkTableError, match="already linked"):
        table.link("s1", "src-2", "tgt-1", {}, source_seen=None, target_seen=None, at=2.0)
    assert table.check() == []


def test_the_same_target_may_be_linked_in_two_sections(table: LinkTable) -> None:
    table.link("inventory", "src-1", "product-1", {}, source_seen=None, target_seen=None, at=1.0)
    table.link("products", "src-1", "product-1", {}, source_seen=None, target_seen=None, at=1.0)
    assert table.by_target("inventory", "product-1") is not None
    assert table.by_target("products", "product-1") is not None


def test_a_create_intent_is_pending_until_completed(table: LinkTable) -> None:
    table.begin_create("s1", "src-1", "intent-abc", at=1.0)
    [pending] = table.pending_creates("s1")
    assert (pending.state, pending.intent_key, pending.target_id) == (LinkState.CREATING, "intent-abc", None)
    table.link("s1", "src-1", "tgt-1", {"Code": "A"}, source_seen=1.0, target_seen=1.0, at=2.0)
    assert table.pending_creates("s1") == []
    link = table.get("s1", "src-1")
    assert link is not None and link.intent_key is None and link.target_id == "tgt-1"


def test_a_second_intent_for_a_linked_source_does_not_unlink_it(table: LinkTable) -> None:
    table.link("s1", "src-1", "tgt-1", {}, source_seen=None, target_seen=None, at=1.0)
    table.begin_create("s1", "src-1", "intent-x", at=2.0)
    link = table.get("s1", "src-1")
    assert link is not None and link.is_linked and link.target_id == "tgt-1"


def test_updating_values_merges_and_seen_times_never_go_back(table: LinkTable) -> None:
    table.link("s1", "src-1", "tgt-1", {"a": 1, "b": 2}, source_seen=10.0, target_seen=10.0, at=1.0)
    table.update_values("s1", "src-1", {"b": 3}, source_seen=5.0, target_seen=20.0, at=2.0)
    link = table.get("s1", "src-1")
    assert link is not None
    assert dict(link.last_values) == {"a": 1, "b": 3}
    assert (link.source_seen, link.target_seen) == (10.0, 20.0)


def test_updating_an_unlinked_source_is_refused(table: LinkTable) -> None:
    with pytest.raises(LinkTableError, match="not linked"):
        table.update_values("s1", "nobody", {"a": 1}, at=1.0)


def test_unlink_removes_the_pair(table: LinkTable) -> None:
    table.link("s1", "src-1", "tgt-1", {}, source_seen=None, target_seen=None, at=1.0)
    table.unlink("s1", "src-1")
    assert table.get("s1", "src-1") is None
    assert table.links("s1") == []


def test_cursors_and_client_state_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "links.sqlite"
    first = LinkTable(path)
    first.set_cursor("exact:items", "1234")
    first.set_client_state("exact", {"refresh_token": "r", "expires_at": 99.0})
    first.link("s1", "src-1", "tgt-1", {"q": Decimal("1.50")}, source_seen=1.0, target_seen=2.0, at=3.0)
    first.close()
    second = LinkTable(path)
    assert second.cursor("exact:items") == "1234"
    assert second.client_state("exact") == {"refresh_token": "r", "expires_at": 99.0}
    link = second.get("s1", "src-1")
    assert link is not None and link.last_values == {"q": Decimal("1.50")}


def test_a_file_that_is_not_a_link_table_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "links.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LinkTableError, match="not a readable link table"):
        LinkTable(path)


@pytest.mark.parametrize(
    "value",
    [None, "text", 3, 2.5, True, Decimal("0.10"), datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC), ["a", 1]],
)
def test_values_survive_encoding(value: object) -> None:
    assert decode_value(encode_value(value)) == value


def test_the_link_table_keeps_a_write_ahead_log_synced_at_checkpoints(tmp_path: Path) -> None:
    table = LinkTable(tmp_path / "links.sqlite")
    assert table._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert table._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    table.close()


def test_a_crashed_engine_loses_no_committed_change(tmp_path: Path) -> None:
    path = tmp_path / "links.sqlite"
    engine = (
        "import os, signal, sys\n"
        "from harness.sync.links import LinkTable\n"
        f"table = LinkTable({str(path)!r})\n"
        "table.link('s1', 'src-1', 'tgt-1', {'Code': 'A-1'}, source_seen=1.0, target_seen=2.0, at=3.0)\n"
        "table.begin_create('s1', 'src-2', 'key-2', at=4.0)\n"
        "table.set_cursor('exact-items', '42')\n"
        "os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint: killed as a crash would\n"
    )
    finished = subprocess.run([sys.executable, "-c", engine], capture_output=True, text=True, check=False)
    assert finished.returncode == -signal.SIGKILL, finished.stderr
    reopened = LinkTable(path)
    link = reopened.get("s1", "src-1")
    assert link is not None and link.target_id == "tgt-1" and dict(link.last_values) == {"Code": "A-1"}
    pending = reopened.get("s1", "src-2")
    assert pending is not None and not pending.is_linked
    assert reopened.cursor("exact-items") == "42"
    reopened.close()


def test_each_write_returns_the_row_as_a_fresh_read_finds_it(tmp_path: Path) -> None:
    path = tmp_path / "links.sqlite"
    table = LinkTable(path)
    creating = table.begin_create("s1", "src-1", "key-1", at=1.0)
    linked = table.link("s1", "src-1", "tgt-1", {"Code": "A-1"}, source_seen=1.0, target_seen=2.0, at=3.0)
    again = table.begin_create("s1", "src-1", "key-2", at=4.0)  # linked already: the intent changes nothing
    updated = table.update_values("s1", "src-1", {"Name": "Mok"}, target_seen=5.0, at=5.0)
    fresh = LinkTable(path)
    assert (creating.state, creating.intent_key) == ("creating", "key-1")
    assert again == linked and again.intent_key is None
    assert updated == fresh.get("s1", "src-1") == table.get("s1", "src-1")
    assert dict(updated.last_values) == {"Code": "A-1", "Name": "Mok"} and updated.target_seen == 5.0
    assert fresh.by_target("s1", "tgt-1") == updated
    table.close()
    fresh.close()


def test_a_section_read_whole_answers_from_memory_and_stays_true_through_writes(tmp_path: Path) -> None:
    table = LinkTable(tmp_path / "links.sqlite")
    table.link("s1", "src-1", "tgt-1", {"Code": "A-1"}, source_seen=1.0, target_seen=1.0, at=1.0)
    table.link("s2", "src-9", "tgt-9", {}, source_seen=1.0, target_seen=1.0, at=1.0)
    reads: list[str] = []
    table._db.set_trace_callback(lambda sql: reads.append(sql) if sql.startswith("SELECT") else None)
    assert [link.source_id for link in table.links("s1")] == ["src-1"]
    assert len(reads) == 1  # the section, read whole once
    assert table.get("s1", "src-2") is None and table.by_target("s1", "tgt-2") is None  # none: no reading
    table.begin_create("s1", "src-0", "key-0", at=2.0)
    table.link("s1", "src-2", "tgt-2", {"Code": "A-2"}, source_seen=2.0, target_seen=2.0, at=2.0)
    table.unlink("s1", "src-1")
    assert [link.source_id for link in table.links("s1")] == ["src-0", "src-2"]
    assert table.by_target("s1", "tgt-2") == table.get("s1", "src-2") and table.get("s1", "src-1") is None
    assert len(reads) == 1
    fresh = LinkTable(tmp_path / "links.sqlite")  # what the file holds is what memory said
    assert fresh.links("s1") == table.links("s1")
    assert table.get("s2", "src-8") is None and len(reads) == 2  # a section not read whole is asked as before
    table.close()
    fresh.close()
