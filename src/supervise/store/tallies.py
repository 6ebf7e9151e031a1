"""Per trainee and phase tallies computed by SQLite, for progress at province scale.

These queries compute exactly what :func:`supervise.core.snapshot.tally` computes from model
objects (the tests hold the two to the same answers), reading only the covering indexes.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from supervise.core.snapshot import HOURS_PRECISION, PhaseTally
from supervise.model import Cohort

__all__ = ["cohort_tallies"]

_ACTIVITIES = """
SELECT a.person_id, a.phase, sum(a.hours), count(DISTINCT a."on"), count(*)
FROM activities a JOIN phases p ON p.program_id = :program AND p.key = a.phase
WHERE a.cohort_id = :cohort AND a."on" <= :as_of
GROUP BY a.person_id, a.phase
"""
_SESSIONS = """
SELECT t.person_id, s.phase,
    sum(s.minutes >= coalesce(p.min_session_minutes, 0)), count(*)
FROM sessions s
JOIN phases p ON p.program_id = :program AND p.key = s.phase
JOIN session_attendees t ON t.session_id = s.id
WHERE s.cohort_id = :cohort AND s."on" <= :as_of
GROUP BY t.person_id, s.phase
"""
_DELIVERABLES = """
SELECT d.person_id, d.phase,
    sum(p.pass_score IS NULL OR coalesce(d.score >= p.pass_score, 0)), count(*)
FROM deliverables d JOIN phases p ON p.program_id = :program AND p.key = d.phase
WHERE d.cohort_id = :cohort AND d.submitted_on <= :as_of
GROUP BY d.person_id, d.phase
"""
_EXEMPTIONS = """
SELECT person_id, phase FROM exemptions WHERE cohort_id = :cohort AND granted_on <= :as_of
"""


def cohort_tallies(
    conn: sqlite3.Connection, cohort: Cohort, as_of: date
) -> dict[tuple[str, str], PhaseTally]:
    """Tallies by (person_id, phase key) of ``cohort``'s records dated on or before ``as_of``."""
    params = {"cohort": cohort.id, "program": cohort.program_id, "as_of": as_of.isoformat()}
    slots: dict[tuple[str, str], dict[str, float]] = {}

    def slot(person: str, phase: str) -> dict[str, float]:
        return slots.setdefault((person, phase), {"records": 0})

    for person, phase, hours, days, n in conn.execute(_ACTIVITIES, params):
        s = slot(person, phase)
        s.update(hours=round(hours, HOURS_PRECISION), days=days)
        s["records"] += n
    for person, phase, counted, n in conn.execute(_SESSIONS, params):
        s = slot(person, phase)
        s["sessions"] = counted
        s["records"] += n
    for person, phase, passed, n in conn.execute(_DELIVERABLES, params):
        s = slot(person, phase)
        s["deliverables"] = passed
        s["records"] += n
    for person, phase in conn.execute(_EXEMPTIONS, params):
        slot(person, phase)["exempt"] = True
    return {
        key: PhaseTally(
            hours=float(s.get("hours", 0.0)),
            sessions=int(s.get("sessions", 0)),
            days=int(s.get("days", 0)),
            deliverables=int(s.get("deliverables", 0)),
            records=int(s["records"]),
            exempt=bool(s.get("exempt", False)),
        )
        for key, s in slots.items()
    }
