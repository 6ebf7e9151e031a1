"""Per trainee and phase tallies computed by SQLite, for progress at province scale.

These queries compute exactly what :func:`supervise.core.snapshot.tally` computes from model
objects (the tests hold the two to the same answers), reading the covering indexes. One set of
queries serves one cohort or every cohort at once.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from supervise.core.snapshot import HOURS_PRECISION, PhaseTally

__all__ = ["tallies"]

# {where} is one of two fixed fragments below, never user text.
# Activities of phases their program lacks are dropped in Python (``known`` below): joining
# every activity row to its cohort and phase costs more than the whole filter.
_ACTIVITIES = """
SELECT a.cohort_id, a.person_id, a.phase, sum(a.hours), count(DISTINCT a."on"), count(*)
FROM activities a
WHERE a."on" <= :as_of {where}
GROUP BY a.cohort_id, a.person_id, a.phase
"""
_KNOWN_PHASES = """
SELECT c.id, p.key FROM cohorts c JOIN phases p ON p.program_id = c.program_id
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


def tallies(
    conn: sqlite3.Connection, as_of: date, cohort_id: str | None = None
) -> dict[str, dict[tuple[str, str], PhaseTally]]:
    """Tallies of records dated on or before ``as_of``, by cohort id and then by
    (person_id, phase key), for one cohort or (``cohort_id=None``) all of them."""
    params = {"cohort": cohort_id, "as_of": as_of.isoformat()}

    def run(sql: str, alias: str) -> sqlite3.Cursor:
        return conn.execute(sql.format(where=_ONE_COHORT[alias] if cohort_id else ""), params)

    known = set(conn.execute(_KNOWN_PHASES).fetchall())
    sessions = {(c, p, ph): (ok, n) for c, p, ph, ok, n in run(_SESSIONS, "s")}
    deliverables = {(c, p, ph): (ok, n) for c, p, ph, ok, n in run(_DELIVERABLES, "d")}
    exempt = {tuple(row) for row in run(_EXEMPTIONS, "e")}
    result: dict[str, dict[tuple[str, str], PhaseTally]] = {}
    inner: dict[tuple[str, str], PhaseTally] = {}
    current = None
    # Activity groups arrive in cohort order (GROUP BY cohort_id first): one dict per cohort.
    for cohort, person, phase, hours, days, n in run(_ACTIVITIES, "a"):
        if (cohort, phase) not in known:
            continue
        if cohort != current:
            current = cohort
            inner = result.setdefault(cohort, {})
        key = (cohort, person, phase)
        s_ok, s_n = sessions.pop(key, _NONE)
        d_ok, d_n = deliverables.pop(key, _NONE)
        inner[person, phase] = PhaseTally(
            round(hours, HOURS_PRECISION), s_ok, days, d_ok, n + s_n + d_n, key in exempt
        )
    for (cohort, person, phase), (s_ok, s_n) in sessions.items():
        d_ok, d_n = deliverables.pop((cohort, person, phase), _NONE)
        tally = PhaseTally(0.0, s_ok, 0, d_ok, s_n + d_n, (cohort, person, phase) in exempt)
        result.setdefault(cohort, {})[person, phase] = tally
    for (cohort, person, phase), (d_ok, d_n) in deliverables.items():
        tally = PhaseTally(0.0, 0, 0, d_ok, d_n, (cohort, person, phase) in exempt)
        result.setdefault(cohort, {})[person, phase] = tally
    for cohort, person, phase in exempt:
        mine = result.setdefault(cohort, {})
        if (person, phase) not in mine:
            mine[person, phase] = PhaseTally(exempt=True)
    return result
