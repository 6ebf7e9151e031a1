"""Checks that a batch of rows refers only to records that exist (in the batch or the store).

SQLite enforces the same foreign keys, but only says "FOREIGN KEY constraint failed"; these
checks run first so that the message names the record, the field and the missing value, and
they also check what SQL cannot: that a record's ``phase`` is a phase of its cohort's program.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs

from supervise.store.sql import Reference, q

__all__ = ["Problem", "check_references", "describe_missing", "phase_missing"]

Rows = Mapping[str, Sequence[Mapping[str, Any]]]

# Above this many distinct values, read the parent's whole key set instead of probing each.
_PROBE_LIMIT = 500


@attrs.frozen
class Problem:
    """One thing wrong with one row: ``table``, the row's ``index`` in its batch (0-based),
    the ``field``, the ``value`` and the ``reason``."""

    table: str
    index: int
    field: str
    value: Any
    reason: str


def describe_missing(ref: Reference, values: tuple[Any, ...]) -> tuple[str, Any, str]:
    """The field to blame, its value and the reason, for a missing parent."""
    field, value = ref.columns[0], values[0]
    parent = ref.parent
    if parent == "enrollments":
        return field, value, f"person {value!r} is not enrolled in cohort {values[1]!r}"
    if parent == "mentors":
        return field, value, f"person {value!r} is not a mentor in cohort {values[1]!r}"
    noun = {"people": "person", "programs": "program", "cohorts": "cohort", "sessions": "session"}
    return field, value, f"no {noun.get(parent, parent)} {value!r}"


def _present(
    conn: sqlite3.Connection, ref: Reference, wanted: set[tuple[Any, ...]]
) -> set[tuple[Any, ...]]:
    """Which of ``wanted`` exist as keys of ``ref.parent`` in the database."""
    cols = ", ".join(q(c) for c in ref.parent_columns)
    if len(wanted) > _PROBE_LIMIT:
        rows = conn.execute(f"SELECT {cols} FROM {q(ref.parent)}")
        return wanted & {tuple(r) for r in rows}
    match = " AND ".join(f"{q(c)} = ?" for c in ref.parent_columns)
    sql = f"SELECT 1 FROM {q(ref.parent)} WHERE {match}"
    return {values for values in wanted if conn.execute(sql, values).fetchone()}


def _keys(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> set[tuple[Any, ...]]:
    return {tuple(row[c] for c in columns) for row in rows}


def check_references(
    conn: sqlite3.Connection,
    refs: Mapping[str, list[Reference]],
    batch: Rows,
    only: Collection[str] | None = None,
) -> list[Problem]:
    """Every reference in ``batch`` (rows by table) to a record that is neither in the batch
    nor in the database, and every phase unknown to its cohort's program.

    With ``only``, just the rows of those tables are checked; the other rows of ``batch``
    count only as records that exist (parents)."""
    problems: list[Problem] = []
    for table, rows in batch.items():
        if only is not None and table not in only:
            continue
        for ref in refs.get(table, ()):
            if not rows or any(c not in rows[0] for c in ref.columns):
                continue  # an optional reference column absent from this batch
            in_batch = _keys(batch.get(ref.parent, ()), ref.parent_columns)
            wanted = {
                values
                for values in _keys(rows, ref.columns)
                if None not in values and values not in in_batch
            }
            if not wanted:
                continue
            missing = wanted - _present(conn, ref, wanted)
            if not missing:
                continue
            for index, row in enumerate(rows):
                values = tuple(row[c] for c in ref.columns)
                if values in missing:
                    problems.append(Problem(table, index, *describe_missing(ref, values)))
    problems.extend(_check_phases(conn, batch, only))
    return sorted(problems, key=lambda p: (p.table, p.index))


def _check_phases(
    conn: sqlite3.Connection, batch: Rows, only: Collection[str] | None = None
) -> list[Problem]:
    users = [
        t
        for t in ("activities", "sessions", "deliverables", "exemptions")
        if batch.get(t) and (only is None or t in only)
    ]
    if not users:
        return []
    program_of = dict(conn.execute("SELECT id, program_id FROM cohorts").fetchall())
    program_of.update({c["id"]: c["program_id"] for c in batch.get("cohorts", ())})
    phases: dict[str, set[str]] = {}
    for program, key in conn.execute("SELECT program_id, key FROM phases"):
        phases.setdefault(program, set()).add(key)
    for phase in batch.get("phases", ()):
        phases.setdefault(phase["program_id"], set()).add(phase["key"])
    problems = []
    for table in users:
        for index, row in enumerate(batch[table]):
            program = program_of.get(row.get("cohort_id"))
            if program is None or row.get("phase") is None:
                continue  # a missing cohort is reported by its reference
            known = phases.get(program, set())
            if row["phase"] not in known:
                reason = phase_missing(row["cohort_id"], program, row["phase"], known)
                problems.append(Problem(table, index, "phase", row["phase"], reason))
    return problems


def phase_missing(cohort: str, program: str, phase: str, known: Collection[str]) -> str:
    """Why a record's ``phase`` is refused: its cohort's program has no such phase."""
    listed = ", ".join(sorted(known)) or "none"
    return (
        f"cohort {cohort!r} (program {program!r}) has no phase {phase!r}; its phases are {listed}"
    )
