"""Model objects as the rows the store keeps, for the engine to read them like a registry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from supervise.model import Session
from supervise.tables import ATTENDEES, TABLES

__all__ = ["rows_of"]


def rows_of(records: Iterable[Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows by table name (in each table's column order) of model ``records``; a session's
    attendees become ``session_attendees`` rows, as in the store."""
    from supervise.convert import to_dict  # cattrs, only for records built by hand

    rows: dict[str, list[tuple[Any, ...]]] = {}
    for record in records:
        row = to_dict(record)
        name = type(record).__table__
        if type(record) is Session:
            rows.setdefault(ATTENDEES.name, []).extend(
                (record.id, person) for person in sorted(record.attendees)
            )
        rows.setdefault(name, []).append(tuple(row.get(c) for c in TABLES[name].names))
    return rows
