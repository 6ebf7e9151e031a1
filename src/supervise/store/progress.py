"""Progress of many cohorts at once, from a handful of queries over the whole registry.

Per cohort, :meth:`Registry.cohort_progress` runs a few small queries; for every cohort of a
province that adds up. Here each kind of fact (tallies, rosters, mentor load, outcomes) is read
once for all cohorts and then split, and each cohort is assembled by the same core function
as the pure path, :func:`supervise.core.progress.assemble`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from supervise.core.progress import CohortProgress, MentorLoad, RosterEntry, assemble
from supervise.model import Cohort, EnrollmentStatus, OutcomeKind, PhaseSpec
from supervise.store.tallies import tallies

__all__ = ["cohorts_progress"]

# {where} is empty or a fixed one-cohort filter, never user text.
_ROSTER = """
SELECT e.cohort_id, e.person_id, p.name, e.enrolled_on, e.status, e.left_on, e.team
FROM enrollments e JOIN people p ON p.id = e.person_id
WHERE e.enrolled_on <= :as_of {where}
"""
_MENTORS = """
SELECT m.cohort_id, m.person_id, p.name, m.capacity, coalesce(a.trainees, 0)
FROM mentors m JOIN people p ON p.id = m.person_id
LEFT JOIN (
    SELECT cohort_id, mentor_id, count(DISTINCT trainee_id) AS trainees FROM pairings e
    WHERE starts_on <= :as_of AND (ends_on IS NULL OR ends_on >= :as_of) {where}
    GROUP BY cohort_id, mentor_id
) a ON a.cohort_id = m.cohort_id AND a.mentor_id = m.person_id
WHERE 1 {mwhere}
ORDER BY m.cohort_id, m.person_id
"""
_OUTCOMES = """
SELECT e.cohort_id, o.kind, count(DISTINCT o.person_id)
FROM outcomes o JOIN enrollments e ON e.person_id = o.person_id
WHERE o."on" <= :as_of AND e.enrolled_on <= :as_of {where}
GROUP BY e.cohort_id, o.kind
"""
_ONE = "AND e.cohort_id = :cohort"


def cohorts_progress(
    conn: sqlite3.Connection,
    cohorts: Sequence[Cohort],
    phases: Sequence[PhaseSpec],
    as_of: date,
    tolerance: float,
) -> dict[str, CohortProgress]:
    """Progress of each of ``cohorts`` on ``as_of``, by cohort id (in the order given)."""
    one = cohorts[0].id if len(cohorts) == 1 else None
    params = {"as_of": as_of.isoformat(), "cohort": one}
    where = _ONE if one else ""
    mwhere = "AND m.cohort_id = :cohort" if one else ""
    wanted = {c.id for c in cohorts}
    by_cohort = tallies(conn, as_of, one)
    rosters: dict[str, list[RosterEntry]] = {c: [] for c in wanted}
    statuses = {s.value: s for s in EnrollmentStatus}
    for cohort, person, name, enrolled, status, left, team in conn.execute(
        _ROSTER.format(where=where), params
    ):
        if cohort in rosters:
            rosters[cohort].append(
                RosterEntry(
                    person,
                    name,
                    date.fromisoformat(enrolled),
                    statuses[status],
                    None if left is None else date.fromisoformat(left),
                    team,
                )
            )
    mentors: dict[str, list[MentorLoad]] = {c: [] for c in wanted}
    for cohort, person, name, capacity, active in conn.execute(
        _MENTORS.format(where=where, mwhere=mwhere), params
    ):
        if cohort in mentors:
            mentors[cohort].append(
                MentorLoad(person_id=person, name=name, trainees=active, capacity=capacity)
            )
    outcomes: dict[str, dict[OutcomeKind, int]] = {c: {} for c in wanted}
    for cohort, kind, people in conn.execute(_OUTCOMES.format(where=where), params):
        if cohort in outcomes:
            outcomes[cohort][OutcomeKind.parse(kind)] = people
    by_program: dict[str, list[PhaseSpec]] = {}
    for spec in sorted(phases, key=lambda s: (s.order, s.key)):
        by_program.setdefault(spec.program_id, []).append(spec)
    return {
        c.id: assemble(
            c,
            by_program.get(c.program_id, []),
            rosters[c.id],
            by_cohort.get(c.id, {}),
            tuple(mentors[c.id]),
            {k.value: outcomes[c.id][k] for k in OutcomeKind if k in outcomes[c.id]},
            as_of,
            tolerance,
        )
        for c in cohorts
    }
