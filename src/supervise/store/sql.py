"""SQL text built from the schema, never from user values.

Identifiers come from :data:`supervise.tables.TABLES` (and SQLite's own catalogue) and are
always double-quoted; values always travel as ``?`` parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from supervise.model import SIGNED_TABLES
from supervise.tables import TABLES, Table

__all__ = ["SIGNERS", "Reference", "insert_sql", "q", "references", "select_in", "upsert_sql"]

# Values bound per query: well under SQLite's limit on parameters.
_CHUNK = 500


def q(identifier: str) -> str:
    """Quote an identifier taken from the schema (``order`` and ``on`` are SQL keywords)."""
    if identifier not in _KNOWN:
        raise ValueError(f"{identifier!r} is not a table or column of the schema")
    return '"' + identifier + '"'


_KNOWN = frozenset([*TABLES, *(c for t in TABLES.values() for c in t.names)])


def insert_sql(table: Table, columns: Sequence[str]) -> str:
    """A plain ``INSERT`` of ``columns``: for rows known to be new (it costs less than an
    upsert, which looks each key up before inserting)."""
    names = ", ".join(q(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {q(table.name)} ({names}) VALUES ({marks})"


def upsert_sql(table: Table, columns: Sequence[str]) -> str:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` that writes only when a value differs, so
    repeating a write changes nothing (and ``total_changes`` counts real changes only)."""
    names = ", ".join(q(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    key = ", ".join(q(c) for c in table.key)
    head = f"INSERT INTO {q(table.name)} ({names}) VALUES ({marks}) ON CONFLICT ({key}) DO "
    updates = [c for c in columns if c not in table.key]
    if not updates:
        return head + "NOTHING"
    assign = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in updates)
    differs = " OR ".join(f"{q(c)} IS NOT excluded.{q(c)}" for c in updates)
    return head + f"UPDATE SET {assign} WHERE {differs}"


def select_in(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    column: str,
    values: Sequence[Any],
) -> Iterator[tuple[Any, ...]]:
    """The ``columns`` of the rows of ``table`` whose ``column`` is one of ``values``, asked
    for a few hundred values at a time."""
    names = ", ".join(q(c) for c in columns)
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT {names} FROM {q(table)} WHERE {q(column)} IN ({marks})"
        yield from conn.execute(sql, chunk)


@attrs.frozen
class Reference:
    """A foreign key: ``table.columns`` must name an existing ``parent.parent_columns``."""

    table: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]


#: References SQLite does not enforce (a composite foreign key cannot be added to a table
#: after it was made) but every write checks: who signs a record off must be a mentor of the
#: record's cohort.
SIGNERS = tuple(
    Reference(table, ("signed_by", "cohort_id"), "mentors", ("person_id", "cohort_id"))
    for table in SIGNED_TABLES
)


def references(conn: sqlite3.Connection) -> dict[str, list[Reference]]:
    """Every foreign key of the schema, read from SQLite's catalogue, by child table, and the
    references of :data:`SIGNERS`."""
    found: dict[str, list[Reference]] = {}
    for name in TABLES:
        keys: dict[int, list[tuple[str, str, str]]] = {}
        for row in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (name,)):
            fk_id, _seq, parent, column, parent_column = row[:5]
            keys.setdefault(fk_id, []).append((parent, column, parent_column))
        found[name] = [
            Reference(
                name,
                tuple(c for _, c, _ in parts),
                parts[0][0],
                tuple(pc for _, _, pc in parts),
            )
            for _, parts in sorted(keys.items())
        ]
    for ref in SIGNERS:
        found[ref.table].append(ref)
    return found
