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
# Sessions are few next to their attendees: decide once per session whether it is long
# enough, then fan out to attendees through the (session_id, person_id) key.
_SESSIONS = """
WITH counted AS MATERIALIZED (
    SELECT s.id, s.cohort_id, s.phase, s.minutes >= coalesce(p.min_session_minutes, 0) AS ok
    FROM sessions s
    JOIN cohorts c ON c.id = s.cohort_id
    JOIN phases p ON p.program_id = c.program_id AND p.key = s.phase
    WHERE s."on" <= :as_of {where}
)
SELECT k.cohort_id, t.person_id, k.phase, sum(k.ok), count(*)
FROM counted k JOIN session_attendees t ON t.session_id = k.id
GROUP BY k.cohort_id, t.person_id, k.phase
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
_NONE = (0, 0)

Key = tuple[str, str, str]


def tallies(
    conn: sqlite3.Connection, as_of: date, cohort_id: str | None = None
) -> dict[str, dict[tuple[str, str], PhaseTally]]:
    """Tallies of records dated on or before ``as_of``, by cohort id and then by
    (person_id, phase key), for one cohort or (``cohort_id=None``) all of them."""
    params = {"cohort": cohort_id, "as_of": as_of.isoformat()}

    def run(sql: str, alias: str) -> sqlite3.Cursor:
        return conn.execute(sql.format(where=_ONE_COHORT[alias] if cohort_id else ""), params)

    activities = {
        (c, p, ph): (hours, days, n) for c, p, ph, hours, days, n in run(_ACTIVITIES, "a")
    }
    sessions = {(c, p, ph): (ok, n) for c, p, ph, ok, n in run(_SESSIONS, "s")}
    deliverables = {(c, p, ph): (ok, n) for c, p, ph, ok, n in run(_DELIVERABLES, "d")}
    exempt = {tuple(row) for row in run(_EXEMPTIONS, "e")}
    result: dict[str, dict[tuple[str, str], PhaseTally]] = {}

    def put(key: Key, tally: PhaseTally) -> None:
        cohort, person, phase = key
        inner = result.get(cohort)
        if inner is None:
            inner = result[cohort] = {}
        inner[person, phase] = tally

    for key, (hours, days, n) in activities.items():
        s_ok, s_n = sessions.pop(key, _NONE)
        d_ok, d_n = deliverables.pop(key, _NONE)
        put(
            key,
            PhaseTally(
                round(hours, HOURS_PRECISION), s_ok, days, d_ok, n + s_n + d_n, key in exempt
            ),
        )
    for key, (s_ok, s_n) in sessions.items():
        d_ok, d_n = deliverables.pop(key, _NONE)
        put(key, PhaseTally(0.0, s_ok, 0, d_ok, s_n + d_n, key in exempt))
    for key, (d_ok, d_n) in deliverables.items():
        put(key, PhaseTally(0.0, 0, 0, d_ok, d_n, key in exempt))
    for key in exempt:
        cohort, person, phase = key
        if (person, phase) not in result.get(cohort, {}):
            put(key, PhaseTally(exempt=True))
    return result


def cohort_tallies(
    conn: sqlite3.Connection, cohort_id: str, as_of: date
) -> dict[tuple[str, str], PhaseTally]:
    """Tallies by (person_id, phase key) for one cohort."""
    return tallies(conn, as_of, cohort_id).get(cohort_id, {})
