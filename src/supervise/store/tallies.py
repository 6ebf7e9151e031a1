"""Per trainee and phase tallies computed by SQLite, for progress at province scale.

These queries compute exactly what :func:`supervise.core.snapshot.tally` computes from model
objects (the tests hold the two to the same answers), reading the covering indexes. One set of
queries serves one cohort or every cohort at once.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from supervise.core.snapshot import HOURS_PRECISION, PhaseTally

__all__ = ["cohort_tallies", "tallies"]

# {where} is one of two fixed fragments below, never user text.
_ACTIVITIES = """
SELECT a.cohort_id, a.person_id, a.phase, sum(a.hours), count(DISTINCT a."on"), count(*)
FROM activities a
JOIN cohorts c ON c.id = a.cohort_id
JOIN phases p ON p.program_id = c.program_id AND p.key = a.phase
WHERE a."on" <= :as_of {where}
GROUP BY a.cohort_id, a.person_id, a.phase
"""
_SESSIONS = """
SELECT s.cohort_id, t.person_id, s.phase,
    sum(s.minutes >= coalesce(p.min_session_minutes, 0)), count(*)
FROM sessions s
JOIN cohorts c ON c.id = s.cohort_id
JOIN phases p ON p.program_id = c.program_id AND p.key = s.phase
JOIN session_attendees t ON t.session_id = s.id
WHERE s."on" <= :as_of {where}
GROUP BY s.cohort_id, t.person_id, s.phase
"""
_DELIVERABLES = """
SELECT d.cohort_id, d.person_id, d.phase,
    sum(p.pass_score IS NULL OR coalesce(d.score >= p.pass_score, 0)), count(*)
FROM deliverables d
JOIN cohorts c ON c.id = d.cohort_id
JOIN phases p ON p.program_id = c.program_id AND p.key = d.phase
WHERE d.submitted_on <= :as_of {where}
GROUP BY d.cohort_id, d.person_id, d.phase
"""
_EXEMPTIONS = """
SELECT e.cohort_id, e.person_id, e.phase FROM exemptions e WHERE e.granted_on <= :as_of {where}
"""
_ONE_COHORT = {
    "a": "AND a.cohort_id = :cohort",
    "s": "AND s.cohort_id = :cohort",
    "d": "AND d.cohort_id = :cohort",
    "e": "AND e.cohort_id = :cohort",
}

Key = tuple[str, str, str]


def tallies(
    conn: sqlite3.Connection, as_of: date, cohort_id: str | None = None
) -> dict[Key, PhaseTally]:
    """Tallies by (cohort_id, person_id, phase key) of records dated on or before ``as_of``,
    for one cohort or (``cohort_id=None``) all of them."""
    params = {"cohort": cohort_id, "as_of": as_of.isoformat()}

    def where(alias: str) -> str:
        return _ONE_COHORT[alias] if cohort_id is not None else ""

    slots: dict[Key, list[float]] = {}  # hours, days, sessions, deliverables, records, exempt
    for cohort, person, phase, hours, days, n in conn.execute(
        _ACTIVITIES.format(where=where("a")), params
    ):
        s = slots.setdefault((cohort, person, phase), [0.0, 0, 0, 0, 0, 0])
        s[0], s[1] = round(hours, HOURS_PRECISION), days
        s[4] += n
    for cohort, person, phase, counted, n in conn.execute(
        _SESSIONS.format(where=where("s")), params
    ):
        s = slots.setdefault((cohort, person, phase), [0.0, 0, 0, 0, 0, 0])
        s[2] = counted
        s[4] += n
    for cohort, person, phase, passed, n in conn.execute(
        _DELIVERABLES.format(where=where("d")), params
    ):
        s = slots.setdefault((cohort, person, phase), [0.0, 0, 0, 0, 0, 0])
        s[3] = passed
        s[4] += n
    for cohort, person, phase in conn.execute(_EXEMPTIONS.format(where=where("e")), params):
        slots.setdefault((cohort, person, phase), [0.0, 0, 0, 0, 0, 0])[5] = 1
    return {
        key: PhaseTally(
            hours=float(s[0]),
            days=int(s[1]),
            sessions=int(s[2]),
            deliverables=int(s[3]),
            records=int(s[4]),
            exempt=bool(s[5]),
        )
        for key, s in slots.items()
    }


def cohort_tallies(
    conn: sqlite3.Connection, cohort_id: str, as_of: date
) -> dict[tuple[str, str], PhaseTally]:
    """Tallies by (person_id, phase key) for one cohort."""
    return {(person, phase): t for (_, person, phase), t in tallies(conn, as_of, cohort_id).items()}
