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

from supervise.errors import shown_in_both
from supervise.lang import Catalogue, Text
from supervise.store.sql import Reference, q
from supervise.tables import TABLE_LABELS

__all__ = ["Problem", "check_references", "describe_missing"]

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


_T = Catalogue(
    __name__,
    {
        "not_enrolled": (
            "人员 {person} 不是批次 {cohort} 的学员",
            "person {person} is not enrolled in cohort {cohort}",
        ),
        "not_mentor": (
            "人员 {person} 不是批次 {cohort} 的导师",
            "person {person} is not a mentor in cohort {cohort}",
        ),
        "missing": ("没有{noun} {value}", "no {noun} {value}"),
        "no_phase": (
            "批次 {cohort}（项目 {program}）没有环节 {phase}；它的环节是 {listed}",
            "cohort {cohort} (program {program}) has no phase {phase}; its phases are {listed}",
        ),
        "none": ("（无）", "none"),
    },
)
_NOUNS = {"people": "person", "programs": "program", "cohorts": "cohort", "sessions": "session"}


def describe_missing(ref: Reference, values: tuple[Any, ...]) -> tuple[str, Any, str]:
    """The field to blame, its value and the reason, for a missing parent."""
    field, value = ref.columns[0], values[0]
    parent = ref.parent
    if parent in ("enrollments", "mentors"):
        kind = "not_enrolled" if parent == "enrollments" else "not_mentor"
        person, cohort = shown_in_both(value), shown_in_both(values[1])
        return field, value, _T(kind, person=person, cohort=cohort)
    noun = Text(_NOUNS.get(parent, parent), TABLE_LABELS.get(parent, parent))
    return field, value, _T("missing", noun=noun, value=shown_in_both(value))


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
                listed = ", ".join(sorted(known)) or _T("none")
                reason = _T(
                    "no_phase",
                    cohort=shown_in_both(row["cohort_id"]),
                    program=shown_in_both(program),
                    phase=shown_in_both(row["phase"]),
                    listed=listed,
                )
                problems.append(Problem(table, index, "phase", row["phase"], reason))
    return problems
