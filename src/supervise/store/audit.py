"""The audit trail: every write to the registry, who made it, when, and what it changed.

Each write transaction that changes something adds one row to ``audit_writes``: when (UTC),
who (the ``actor``), the ``operation`` (``add``, ``import``, ``migrate``, ``protect``,
``confirm``, ...), a ``detail`` (the files an import read, by name) and the rows it inserted,
updated and deleted per table. Row by row, ``audit_changes`` holds each change of a record:
its table, key, the person it is about, and its values before and after (the whole row of an
insert or a delete, the fields that changed of an update), national ID and phone numbers
masked (never the numbers, nor their ciphertext).

The row-level entries are written by SQLite itself, by temporary triggers on the store's own
connection (:func:`install`), so no write path can forget them and a bulk update costs no
round trip to Python. An import does not list the rows it inserts one by one (a million
activity rows would double the file; the imported file's SHA-256 is in its provenance), only
their count; updates and deletes it makes are listed with their values before and after.

Code that writes through the store needs nothing more: :meth:`Store.transaction` names the
operation and the actor. :meth:`Store.audit` adds an entry the triggers cannot see, such as
a decision about a record that changes no column. Writes made by other programs (the
``sqlite3`` shell, a database browser) are not recorded: the triggers live on the store's
own connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import attrs

from supervise.pii import MASKS
from supervise.store.sql import q
from supervise.tables import TABLES, Table

__all__ = [
    "AUDITED",
    "AuditChange",
    "AuditWrite",
    "Trail",
    "Write",
    "history",
    "key_text",
]

#: The tables whose rows the trail follows one by one: every table of records.
AUDITED = tuple(TABLES)
# Whose record a row is, for history by person: the first of these columns the table has.
_PERSON_COLUMNS = ("person_id", "trainee_id", "mentor_id")


@attrs.frozen(kw_only=True)
class AuditChange:
    """One change of one record: ``table``, ``key`` (the key's values), ``person_id`` (whose
    record it is, when it is someone's), ``change`` (``insert``, ``update`` or ``delete``)
    and the record's values ``before`` and ``after`` (personal numbers masked): the whole
    row for an insert or a delete, the fields that changed for an update."""

    table: str
    key: tuple[Any, ...]
    person_id: str | None
    change: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    def changed(self) -> dict[str, tuple[Any, Any]]:
        """The fields whose value differs, with the values before and after."""
        before, after = self.before or {}, self.after or {}
        return {
            name: (before.get(name), after.get(name))
            for name in dict.fromkeys([*before, *after])
            if before.get(name) != after.get(name)
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "key": list(self.key),
            "person_id": self.person_id,
            "change": self.change,
            "before": None if self.before is None else dict(self.before),
            "after": None if self.after is None else dict(self.after),
        }


@attrs.frozen(kw_only=True)
class AuditWrite:
    """One write: its ``id``, ``at`` (UTC, ISO 8601), ``actor``, ``operation``, ``detail``,
    ``counts`` (per table: inserted, updated, deleted) and the ``changes`` listed."""

    id: int
    at: str
    actor: str
    operation: str
    detail: str | None
    counts: Mapping[str, Mapping[str, int]]
    changes: tuple[AuditChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "operation": self.operation,
            "detail": self.detail,
            "counts": {t: dict(c) for t, c in self.counts.items()},
            "changes": [c.to_dict() for c in self.changes],
        }


def key_text(values: Sequence[Any]) -> str:
    """A record's key as the trail keeps it: a JSON array, as SQLite's ``json_array`` writes
    it (no spaces, text unescaped)."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


# -- recording --------------------------------------------------------------------------------


class Trail:
    """The recording of writes on one connection: temporary triggers (on that connection
    only) that list every change of a record into ``audit_changes``, and the write under
    way, which the triggers read through a function (no temporary table, so recording adds
    no change of its own to the connection's count). ``masked(column, value)`` is what the
    trail keeps of a personal-data value."""

    def __init__(self, conn: sqlite3.Connection, masked: Any) -> None:
        self.conn = conn
        self.write: Write | None = None
        self.rows = True
        conn.create_function("supervise_masked", 2, masked, deterministic=True)
        conn.create_function("supervise_write_id", 0, self._write_id)

    def _write_id(self) -> int | None:
        return None if self.write is None or not self.write.id else self.write.id

    def install(self) -> None:
        """Create the triggers (once the schema is current; again after an import)."""
        if not _has_trail(self.conn):
            return
        for name in AUDITED:
            for statement in _triggers(TABLES[name], inserts=self.rows):
                self.conn.execute(statement)

    def begin(self, operation: str, actor: str, detail: str | None) -> Write:
        """Start a write (inside its transaction, which holds the write lock, so no other
        process takes the same id): from now on its changes are listed."""
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        write_id = _next_id(self.conn) if _has_trail(self.conn) else 0
        self.write = Write(self, write_id, operation, actor, detail, at)
        return self.write

    def list_rows(self, listed: bool) -> None:
        """List inserted rows one by one, or only count them: without their triggers, a
        bulk insert costs nothing more than it did."""
        if listed == self.rows:
            return
        self.rows = listed
        if listed:
            self.install()
        else:
            for name in AUDITED:
                self.conn.execute(f"DROP TRIGGER IF EXISTS temp.audit_insert_{name}")

    def quiet(self) -> None:
        """List no change of this write, only its counts (for a conversion of every row in
        which the trail would see nothing but masks, before and after alike)."""
        self.rows = False
        for name in AUDITED:
            for change in ("insert", "update", "delete"):
                self.conn.execute(f"DROP TRIGGER IF EXISTS temp.audit_{change}_{name}")

    def end(self) -> None:
        """Stop listing changes (the write committed or rolled back)."""
        self.write = None
        if not self.rows:
            self.rows = True
            self.install()

    def record(
        self,
        table: str,
        key: Sequence[Any],
        change: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        person_id: str | None = None,
    ) -> None:
        """Add an entry to the write under way (see :meth:`Store.audit`)."""
        write_id = self._write_id()
        if write_id is None:
            return  # a registry whose schema predates the trail

        def kept(values: Mapping[str, Any] | None) -> str | None:
            if values is None:
                return None
            masked = {
                k: MASKS[k](v) if k in MASKS and isinstance(v, str) else v
                for k, v in values.items()
            }
            return json.dumps(masked, ensure_ascii=False, default=str)

        self.conn.execute(
            "INSERT INTO audit_changes "
            "(write_id, table_name, key, person_id, change, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (write_id, table, key_text(key), person_id, change, kept(before), kept(after)),
        )


def _triggers(table: Table, *, inserts: bool = True) -> list[str]:
    name = table.name
    whose = [c for c in _PERSON_COLUMNS if c in table.names]
    person = "id" if name == "people" else whose[0] if whose else None

    def row(alias: str) -> str:
        pairs = []
        for column in table.columns:
            value = f"{alias}.{q(column.name)}"
            if column.pii:
                value = f"supervise_masked('{column.name}', {value})"
            pairs.append(f"'{column.name}', {value}")
        return f"json_object({', '.join(pairs)})"

    def entry(alias: str, change: str, before: str, after: str) -> str:
        key = f"json_array({', '.join(f'{alias}.{q(k)}' for k in table.key)})"
        whose = "NULL" if person is None else f"{alias}.{q(person)}"
        return (
            "INSERT INTO audit_changes "
            "(write_id, table_name, key, person_id, change, before, after) VALUES ("
            f"supervise_write_id(), '{name}', {key}, {whose}, '{change}', {before}, {after});"
        )

    def changed_only() -> str:
        """An update keeps the fields that changed, each before and after: a correction of
        one field costs one field, not two copies of the row."""
        fields = []
        for column in table.columns:
            old, new = f"OLD.{q(column.name)}", f"NEW.{q(column.name)}"
            shown = (
                (
                    f"supervise_masked('{column.name}', {old})",
                    f"supervise_masked('{column.name}', {new})",
                )
                if column.pii
                else (old, new)
            )
            fields.append(
                f"SELECT '{column.name}' AS k, {old} IS NOT {new} AS d, "
                f"{shown[0]} AS o, {shown[1]} AS n"
            )
        key = f"json_array({', '.join(f'NEW.{q(k)}' for k in table.key)})"
        whose = "NULL" if person is None else f"NEW.{q(person)}"
        return (
            "INSERT INTO audit_changes "
            "(write_id, table_name, key, person_id, change, before, after) "
            f"SELECT supervise_write_id(), '{name}', {key}, {whose}, 'update', "
            "json_group_object(k, o), json_group_object(k, n) "
            f"FROM ({' UNION ALL '.join(fields)}) WHERE d HAVING count(*) > 0;"
        )

    on = f"main.{q(name)}"
    listed = "supervise_write_id() IS NOT NULL"
    triggers = [
        f"CREATE TEMP TRIGGER IF NOT EXISTS audit_update_{name} AFTER UPDATE ON {on} "
        f"WHEN {listed} BEGIN {changed_only()} END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS audit_delete_{name} AFTER DELETE ON {on} "
        f"WHEN {listed} BEGIN {entry('OLD', 'delete', row('OLD'), 'NULL')} END",
    ]
    if inserts:
        triggers.append(
            f"CREATE TEMP TRIGGER IF NOT EXISTS audit_insert_{name} AFTER INSERT ON {on} "
            f"WHEN {listed} BEGIN {entry('NEW', 'insert', 'NULL', row('NEW'))} END"
        )
    return triggers


class Write:
    """A write under way: its ``id`` in the trail, ``operation``, ``actor``, ``detail`` and
    ``at`` (when it began, UTC). ``counts`` (per table: inserted, updated, deleted), when a
    caller sets it, adds to what the listed changes count: an import that does not list its
    inserted rows (:meth:`list_rows`) gives their number here."""

    def __init__(
        self,
        trail: Trail,
        id: int,
        operation: str,
        actor: str,
        detail: str | None,
        at: str,
    ) -> None:
        self.trail = trail
        self.id = id
        self.operation = operation
        self.actor = actor
        self.detail = detail
        self.at = at
        self.counts: Mapping[str, Mapping[str, int]] | None = None

    def list_rows(self, listed: bool) -> None:
        """List inserted rows one by one (the default) or only count them (for the rest of
        this write)."""
        self.trail.list_rows(listed)

    def quiet(self) -> None:
        """List none of this write's changes: only its counts (``counts``)."""
        self.trail.quiet()

    def finish(self) -> None:
        """Record the write itself (the transaction changed something and commits)."""
        conn = self.trail.conn
        if not _has_trail(conn):
            return  # a registry migrated to a version before the trail
        if not self.id:  # the trail was created by this very write (a migration)
            self.id = _next_id(conn)
        found: dict[str, dict[str, int]] = {}
        for table, change, n in conn.execute(
            "SELECT table_name, change, count(*) FROM audit_changes WHERE write_id = ? "
            "GROUP BY table_name, change",
            (self.id,),
        ):
            found.setdefault(table, {})[_COUNTED.get(change, change)] = n
        for table, given in (self.counts or {}).items():
            for name, n in given.items():
                if n and name in _COUNTED.values():
                    found.setdefault(table, {})[name] = n
        conn.execute(
            "INSERT INTO audit_writes (id, at, actor, operation, detail, counts) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.id,
                self.at,
                self.actor,
                self.operation,
                self.detail,
                json.dumps(found, sort_keys=True),
            ),
        )


_COUNTED = {"insert": "inserted", "update": "updated", "delete": "deleted"}


def _has_trail(conn: sqlite3.Connection) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'audit_writes'").fetchone()
    )


def _next_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_writes").fetchone()[0])


# -- reading ----------------------------------------------------------------------------------


def history(
    conn: sqlite3.Connection,
    *,
    table: str | None = None,
    key: Sequence[Any] | None = None,
    person: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[AuditWrite]:
    """The writes, oldest first, between ``since`` and ``until`` (UTC dates, both included),
    and of them only those that changed the record ``table``/``key`` or a record of
    ``person``, each with the changes that match (all its changes when neither is given)."""
    where, params = ["1"], []
    if table is not None:
        where.append("c.table_name = ?")
        params.append(table)
    if key is not None:
        where.append("c.key = ?")
        params.append(key_text(key))
    if person is not None:
        where.append("(c.person_id = ? OR (c.table_name = 'people' AND c.key = ?))")
        params.extend([person, key_text([person])])
    matched = " AND ".join(where)
    span, span_params = ["1"], []
    if since is not None:
        span.append("w.at >= ?")
        span_params.append(since.isoformat())
    if until is not None:
        span.append("w.at < ?")
        span_params.append(date.fromordinal(until.toordinal() + 1).isoformat())
    filtered = table is not None or key is not None or person is not None
    writes = conn.execute(
        "SELECT w.id, w.at, w.actor, w.operation, w.detail, w.counts FROM audit_writes w "
        f"WHERE {' AND '.join(span)}"
        + (
            f" AND EXISTS (SELECT 1 FROM audit_changes c WHERE c.write_id = w.id AND {matched})"
            if filtered
            else ""
        )
        + " ORDER BY w.id",
        span_params + (params if filtered else []),
    ).fetchall()
    changes: dict[int, list[AuditChange]] = {}
    if writes:
        ids = [w[0] for w in writes]
        rows = conn.execute(
            "SELECT c.write_id, c.table_name, c.key, c.person_id, c.change, c.before, c.after "
            f"FROM audit_changes c WHERE c.write_id BETWEEN ? AND ? AND {matched} "
            "ORDER BY c.rowid",
            [min(ids), max(ids), *params],
        )
        for write_id, name, key_json, whose, change, before, after in rows:
            changes.setdefault(write_id, []).append(
                AuditChange(
                    table=name,
                    key=tuple(json.loads(key_json)),
                    person_id=whose,
                    change=change,
                    before=None if before is None else json.loads(before),
                    after=None if after is None else json.loads(after),
                )
            )
    return [
        AuditWrite(
            id=i,
            at=at,
            actor=actor,
            operation=operation,
            detail=detail,
            counts=json.loads(counts),
            changes=tuple(changes.get(i, ())),
        )
        for i, at, actor, operation, detail, counts in writes
    ]
