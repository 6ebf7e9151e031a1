"""Who attended which session: the ``session_attendees`` rows, read and replaced per session.

A session's attendees are a set; writing a session stores exactly its set, touching only the
sessions whose set changed, so writing the same sessions again changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from supervise.store.sql import select_in

__all__ = ["replace_attendees", "stored_attendees"]


def stored_attendees(
    conn: sqlite3.Connection, session_ids: Sequence[str]
) -> dict[str, frozenset[str]]:
    """The stored attendee set of each of ``session_ids`` that has one."""
    found: dict[str, set[str]] = {}
    columns = ("session_id", "person_id")
    for session, person in select_in(conn, "session_attendees", columns, "session_id", session_ids):
        found.setdefault(session, set()).add(person)
    return {k: frozenset(v) for k, v in found.items()}


def replace_attendees(
    conn: sqlite3.Connection,
    attendees: Mapping[str, frozenset[str]],
    stored: Mapping[str, frozenset[str]] | None = None,
) -> int:
    """Store ``attendees`` (person ids by session id); returns the rows deleted and inserted.
    Pass what :func:`stored_attendees` gave for these sessions as ``stored`` if you have it."""
    if stored is None:
        stored = stored_attendees(conn, list(attendees))
    changed = [s for s, people in attendees.items() if stored.get(s, frozenset()) != people]
    # rowcount, not total_changes: the audit trail's triggers write rows of their own
    deleted = conn.executemany(
        "DELETE FROM session_attendees WHERE session_id = ?", [(s,) for s in changed]
    ).rowcount
    inserted = conn.executemany(
        "INSERT INTO session_attendees (session_id, person_id) VALUES (?, ?)",
        [(s, person) for s in changed for person in sorted(attendees[s])],
    ).rowcount
    return max(deleted, 0) + max(inserted, 0)
