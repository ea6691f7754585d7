"""The link table: which source record is linked to which target record, per flow section, with the
last synced value of every mapped property — so the engine can tell what changed on which side.

SQLite, in a file (or ``:memory:`` in tests). A create is written as an *intent* before the
target record is created and completed after, so a crash between the two is recovered on restart
by matching the intent instead of creating twice. Every change is committed at once (WAL, synchronous
NORMAL: a committed change survives a crash of the engine).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from harness.errors import LinkTableError

__all__ = ["SCHEMA_VERSION", "Link", "LinkState", "LinkTable", "decode_value", "encode_value"]

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS links (
    section TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('creating', 'linked')),
    intent_key TEXT,
    last_values TEXT NOT NULL DEFAULT '{}',
    source_seen REAL,
    target_seen REAL,
    updated_at REAL,
    PRIMARY KEY (section, source_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS links_one_target ON links (section, target_id);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS client_state (system TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class LinkState:
    CREATING = "creating"
    LINKED = "linked"


def encode_value(value: Any) -> Any:
    """A canonical property value as JSON (Decimal and datetime keep their exact type)."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode_value(v) for k, v in value.items()}
    return value


def decode_value(value: Any) -> Any:
    """The inverse of ``encode_value``."""
    if isinstance(value, dict):
        if set(value) == {"$decimal"}:
            return Decimal(value["$decimal"])
        if set(value) == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


@dataclass(frozen=True)
class Link:
    """One row of the link table."""

    section: str
    source_id: str
    target_id: str | None
    state: str
    intent_key: str | None = None
    last_values: Mapping[str, Any] = field(default_factory=dict)
    source_seen: float | None = None  #: modification time of the source record last synced
    target_seen: float | None = None
    updated_at: float | None = None

    @property
    def is_linked(self) -> bool:
        return self.state == LinkState.LINKED and self.target_id is not None


class LinkTable:
    """Links per section, one-to-one, with last synced values; plus cursors and client state."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else ":memory:"
        try:
            fresh = self.path == ":memory:" or not Path(self.path).exists()
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            # A fresh table holds nothing to lose yet: it is made without a sync (else ~25 ms of fsyncs per
            # state folder). From then on WAL with synchronous NORMAL: it syncs at checkpoints, not at every
            # commit, and a commit still survives the engine's crash (the log is in the OS's hands); only a
            # power cut may lose the last ones. FULL fsynced every commit: 43 % of an initial sync's time.
            self._db.execute("PRAGMA synchronous=OFF" if fresh else "PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            self._db.executescript(_SCHEMA)
            version = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is None:
                self._db.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif version[0] != SCHEMA_VERSION:
                raise LinkTableError(
                    f"{self.path}: link table of schema {version[0]}, this talkqa reads {SCHEMA_VERSION}; "
                    "use a fresh state folder"
                )
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise LinkTableError(f"{self.path}: not a readable link table ({exc}); use a fresh state folder") from None
        self._lock = threading.RLock()
        # What this process read or wrote, by (section, source id), and the source id of each linked target:
        # the table has one owner (the engine), so a row it already knows need not be read again — a
        # cycle looks each link up a dozen times. Every write goes through this class and updates both.
        self._known: dict[tuple[str, str], Link | None] = {}
        self._source_of: dict[tuple[str, str], str] = {}
        #: sections whose every row is known (read whole by ``links``, kept since): a row not known there
        #: does not exist, and the section's links need no reading
        self._complete: set[str] = set()

    # -- reading ---------------------------------------------------------------------------
    def get(self, section: str, source_id: str) -> Link | None:
        key = (section, source_id)
        with self._lock:
            if key in self._known:
                return self._known[key]
            if section in self._complete:
                return None
            link = self._one("SELECT * FROM links WHERE section = ? AND source_id = ?", key)
            self._remember(key, link)
            return link

    def by_target(self, section: str, target_id: str) -> Link | None:
        with self._lock:
            source_id = self._source_of.get((section, target_id))
            if source_id is not None:
                known = self._known.get((section, source_id))
                if known is not None and known.target_id == target_id:
                    return known
            if section in self._complete:
                return None
            link = self._one("SELECT * FROM links WHERE section = ? AND target_id = ?", (section, target_id))
            if link is not None:
                self._remember((section, link.source_id), link)
            return link

    def _remember(self, key: tuple[str, str], link: Link | None) -> None:
        old = self._known.get(key)
        if old is not None and old.target_id is not None:
            self._source_of.pop((key[0], old.target_id), None)
        self._known[key] = link
        if link is not None and link.target_id is not None:
            self._source_of[(key[0], link.target_id)] = key[1]

    def _forget(self, section: str, source_id: str) -> None:
        """Drop what is known of a row about to be written (the next ``get`` reads it again)."""
        with self._lock:
            old = self._known.pop((section, source_id), None)
            if old is not None and old.target_id is not None:
                self._source_of.pop((section, old.target_id), None)
            self._complete.discard(section)

    def links(self, section: str | None = None) -> list[Link]:
        if section is None:
            return self._many("SELECT * FROM links ORDER BY section, source_id", ())
        with self._lock:
            if section in self._complete:  # in the table's order (UTF-8 bytes sort as code points do)
                known = [link for (s, _), link in self._known.items() if s == section and link is not None]
                return sorted(known, key=lambda link: link.source_id)
            rows = self._many("SELECT * FROM links WHERE section = ? ORDER BY source_id", (section,))
            present = {link.source_id for link in rows}
            for key in [k for k in self._known if k[0] == section and k[1] not in present]:
                self._remember(key, None)
            for link in rows:
                self._remember((section, link.source_id), link)
            self._complete.add(section)
            return rows

    def pending_creates(self, section: str | None = None) -> list[Link]:
        return [link for link in self.links(section) if link.state == LinkState.CREATING]

    def sections(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT DISTINCT section FROM links ORDER BY section")]

    # -- writing ---------------------------------------------------------------------------
    def begin_create(self, section: str, source_id: str, intent_key: str, at: float) -> Link:
        """Record that a target record is about to be created for ``source_id``."""
        return self._write_row(
            section,
            source_id,
            "INSERT INTO links (section, source_id, target_id, state, intent_key, updated_at) "
            "VALUES (?, ?, NULL, 'creating', ?, ?) "
            "ON CONFLICT (section, source_id) DO UPDATE SET intent_key = excluded.intent_key, "
            "updated_at = excluded.updated_at WHERE links.state = 'creating' RETURNING *",
            (section, source_id, intent_key, at),
        )

    def link(
        self,
        section: str,
        source_id: str,
        target_id: str,
        last_values: Mapping[str, Any],
        *,
        source_seen: float | None,
        target_seen: float | None,
        at: float,
    ) -> Link:
        """Link ``source_id`` to ``target_id`` (completing a create intent, or after a merge)."""
        holder = self.by_target(section, target_id)
        if holder is not None and holder.source_id != source_id:
            raise LinkTableError(
                f"section {section}: target {target_id} is already linked to source {holder.source_id}; "
                f"refusing to link it to {source_id} as well"
            )
        return self._write_row(
            section,
            source_id,
            "INSERT INTO links (section, source_id, target_id, state, intent_key, last_values, "
            "source_seen, target_seen, updated_at) VALUES (?, ?, ?, 'linked', NULL, ?, ?, ?, ?) "
            "ON CONFLICT (section, source_id) DO UPDATE SET target_id = excluded.target_id, state = 'linked', "
            "intent_key = NULL, last_values = excluded.last_values, source_seen = excluded.source_seen, "
            "target_seen = excluded.target_seen, updated_at = excluded.updated_at RETURNING *",
            (section, source_id, target_id, _dump(last_values), source_seen, target_seen, at),
        )

    def update_values(
        self,
        section: str,
        source_id: str,
        values: Mapping[str, Any],
        *,
        source_seen: float | None = None,
        target_seen: float | None = None,
        at: float,
    ) -> Link:
        """Merge ``values`` into the last synced values of a link; seen-times only move forward."""
        current = self.get(section, source_id)
        if current is None or not current.is_linked:
            raise LinkTableError(f"section {section}: source {source_id} is not linked")
        merged = dict(current.last_values)
        merged.update(values)
        new_source_seen = _later(current.source_seen, source_seen)
        new_target_seen = _later(current.target_seen, target_seen)
        return self._write_row(
            section,
            source_id,
            "UPDATE links SET last_values = ?, source_seen = ?, target_seen = ?, updated_at = ? "
            "WHERE section = ? AND source_id = ? RETURNING *",
            (_dump(merged), new_source_seen, new_target_seen, at, section, source_id),
        )

    def unlink(self, section: str, source_id: str) -> None:
        with self._lock:
            self._write("DELETE FROM links WHERE section = ? AND source_id = ?", (section, source_id))
            self._remember((section, source_id), None)

    # -- cursors and client state ------------------------------------------------------------
    def cursor(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, name: str, value: str) -> None:
        self._write(
            "INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def client_state(self, system: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM client_state WHERE system = ?", (system,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def set_client_state(self, system: str, state: Mapping[str, Any]) -> None:
        self._write(
            "INSERT INTO client_state (system, value) VALUES (?, ?) "
            "ON CONFLICT (system) DO UPDATE SET value = excluded.value",
            (system, json.dumps(dict(state), sort_keys=True)),
        )

    # -- housekeeping ------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Problems with the table's own promises (one-to-one per section); empty when sound."""
        problems = []
        with self._lock:
            rows = self._db.execute(
                "SELECT section, target_id, COUNT(*) FROM links WHERE target_id IS NOT NULL "
                "GROUP BY section, target_id HAVING COUNT(*) > 1"
            ).fetchall()
        for section, target_id, count in rows:
            problems.append(f"section {section}: target {target_id} is linked {count} times")
        return problems

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- internals ---------------------------------------------------------------------------
    def _write(self, sql: str, params: tuple[Any, ...]) -> list[Link]:
        """One statement, in a transaction of its own: the connection commits each statement as it completes
        (autocommit), so every change is whole and durable once this returns. What it returns (``RETURNING``)
        comes back as links."""
        with self._lock:
            try:
                return _links(self._db.execute(sql, params))
            except sqlite3.IntegrityError as exc:
                raise LinkTableError(f"link table refused a change: {exc}") from None

    def _write_row(self, section: str, source_id: str, sql: str, params: tuple[Any, ...]) -> Link:
        """``_write`` of one link's row, which it returns and keeps (read again only if it returned none)."""
        with self._lock:
            written = self._write(sql, params)
            if written:
                link: Link | None = written[0]
                self._remember((section, source_id), link)
            else:
                self._forget(section, source_id)
                link = self.get(section, source_id)
        assert link is not None
        return link

    def _one(self, sql: str, params: tuple[Any, ...]) -> Link | None:
        rows = self._many(sql, params)
        return rows[0] if rows else None

    def _many(self, sql: str, params: tuple[Any, ...]) -> list[Link]:
        with self._lock:
            return _links(self._db.execute(sql, params))


def _links(cursor: sqlite3.Cursor) -> list[Link]:
    """The rows a statement gave, as links (none for a statement that returns no rows)."""
    if cursor.description is None:
        return []
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        data = dict(zip(names, row, strict=True))
        out.append(
            Link(
                section=data["section"],
                source_id=data["source_id"],
                target_id=data["target_id"],
                state=data["state"],
                intent_key=data["intent_key"],
                last_values={k: decode_value(v) for k, v in json.loads(data["last_values"]).items()},
                source_seen=data["source_seen"],
                target_seen=data["target_seen"],
                updated_at=data["updated_at"],
            )
        )
    return out


def _dump(values: Mapping[str, Any]) -> str:
    return json.dumps({k: encode_value(v) for k, v in values.items()}, sort_keys=True)


def _later(old: float | None, new: float | None) -> float | None:
    if new is None:
        return old
    if old is None:
        return new
    return max(old, new)
