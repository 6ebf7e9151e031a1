"""Progress, as of a date: the definition (docs/progress.md states the same rules in prose).

Three statements, each reading the ones before it, which the engine keeps for one date and
one state of the data, so that progress and eligibility share them:

- :func:`plan`: per program and phase, what is the same for every trainee on the date (the
  requirements that are set, whether the phase is overdue, the share of its window elapsed);
- :func:`roster`: the trainees enrolled on the date, numbered in (cohort, person) order, and
  whether each counts as withdrawn;
- :func:`trainee_phases`: per trainee and phase, what was achieved by the date, the fraction,
  the status and whether the trainee is behind in it, and per trainee its status, progress
  and whether it is behind.

:func:`cohort_summary`, :func:`phase_counts`, :func:`mentor_load` and :func:`cohort_outcomes`
read them for the figures of a cohort.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from supervise.semantics import literal

__all__ = [
    "PHASE_STATUSES",
    "TRAINEE_STATUSES",
    "cohort_outcomes",
    "cohort_summary",
    "mentor_load",
    "phase_counts",
    "plan",
    "roster",
    "trainee_phases",
]

#: Phase statuses in order of precedence; SQL gives them as this ENUM.
PHASE_STATUSES = ("exempt", "complete", "overdue", "not_started", "in_progress")
#: Trainee statuses.
TRAINEE_STATUSES = ("active", "completed", "withdrawn")

_ENUM = "ENUM(" + ", ".join(literal.text(s) for s in PHASE_STATUSES) + ")"
_TRAINEE_ENUM = "ENUM(" + ", ".join(literal.text(s) for s in TRAINEE_STATUSES) + ")"


def plan(as_of: date) -> str:
    """Per phase of every program: its place (``position`` 0, 1, ... in phase order), weight,
    requirements, how many are set (``needs``), ``overdue`` (the date is after ``due_on``)
    and ``expected``: the share of the window from ``starts_on`` to ``due_on`` elapsed on the
    date, clamped to 0-1 (a one-day window is 0 before its day and 1 from it on; no window,
    no expectation)."""
    on = literal.day(as_of)
    return f"""
SELECT program_id, key, name,
    CAST(row_number() OVER (PARTITION BY program_id ORDER BY "order", key) - 1 AS INTEGER)
        AS position,
    weight, required_hours, required_sessions, required_days, required_deliverables,
    min_session_minutes, pass_score,
    CAST((required_hours IS NOT NULL) AS INTEGER) + CAST((required_sessions IS NOT NULL) AS INTEGER)
        + CAST((required_days IS NOT NULL) AS INTEGER)
        + CAST((required_deliverables IS NOT NULL) AS INTEGER) AS needs,
    coalesce(due_on < {on}, false) AS overdue,
    CASE
        WHEN starts_on IS NULL OR due_on IS NULL THEN NULL
        WHEN due_on = starts_on THEN CASE WHEN {on} >= due_on THEN 1.0 ELSE 0.0 END
        ELSE least(1.0, greatest(0.0,
            date_diff('day', starts_on, {on}) / date_diff('day', starts_on, due_on)))
    END AS expected
FROM phases
"""


def roster(as_of: date, cohorts: Sequence[str] | None = None) -> str:
    """The trainees enrolled on or before the date (of ``cohorts``, or of every cohort),
    numbered 0, 1, ... in (cohort, person) order as ``trainee``. A trainee is ``withdrawn``
    when the enrollment says withdrawn and ``left_on`` is empty or not after the date."""
    on = literal.day(as_of)
    only = "" if cohorts is None else f"AND e.cohort_id IN {literal.texts(cohorts)}"
    return f"""
SELECT CAST(row_number() OVER (ORDER BY e.cohort_id, e.person_id) - 1 AS INTEGER) AS trainee,
    e.cohort_id, e.person_id, c.program_id, coalesce(p.name, e.person_id) AS name, e.team,
    {_withdrawn("e", on)} AS withdrawn
FROM enrollments e
JOIN cohorts c ON c.id = e.cohort_id
LEFT JOIN people p ON p.id = e.person_id
WHERE e.enrolled_on <= {on} {only}
"""


def _withdrawn(enrollment: str, on: str) -> str:
    """Whether the enrollment ``enrollment`` counts as withdrawn on the date ``on``: it says
    withdrawn, and ``left_on`` is empty or not after the date."""
    return f"({enrollment}.status = 'withdrawn' AND coalesce({enrollment}.left_on <= {on}, true))"


def trainee_phases(
    as_of: date,
    tolerance: float,
    roster: str,
    plan: str,
    cohorts: Sequence[str] | None = None,
) -> str:
    """One row per trainee of ``roster`` and phase of the trainee's program (``plan``), with
    the trainee's own figures on each (a trainee whose program has no phases gets one row,
    its phase columns NULL).

    Records dated after the date do not count, nor records of phases the program lacks.
    Achieved: ``hours`` summed (exactly: hours are kept to the micro-hour), ``days`` distinct
    activity dates, ``sessions`` attended that last at least the phase's minimum,
    ``deliverables`` scoring at least the pass score (every submitted one without a pass
    score); ``records`` counts any activity, attended session or submitted deliverable.

    A set requirement is met when achieved >= required; ``fraction`` is the mean over the set
    requirements of min(1, achieved / required), 1 with none set or when exempt. Status, in
    order of precedence: exempt (an exemption granted by the date), complete (every set
    requirement met), overdue, not_started (no records), in_progress. ``behind``: the
    fraction is below the expected share minus ``tolerance``. ``cohorts`` (those of the
    roster, when it was limited to them) lets the records of other cohorts be skipped early.

    Per trainee: ``trainee_status`` (withdrawn; else completed when every phase is complete
    or exempt, the records deciding, not the stored enrollment status; else active),
    ``progress`` (the weighted mean of phase fractions, 1 without phases) and
    ``trainee_behind`` (some phase behind; never a withdrawn trainee)."""
    on = literal.day(as_of)
    only = "" if cohorts is None else f"AND cohort_id IN {literal.texts(cohorts)}"
    return f"""
WITH
activity AS (
    SELECT cohort_id, person_id, phase, CAST(sum(hours) AS DOUBLE) AS hours,
        count(DISTINCT "on") AS days, count(*) AS records
    FROM activities WHERE "on" <= {on} {only}
    GROUP BY cohort_id, person_id, phase
),
attended AS (
    SELECT s.cohort_id, a.person_id, s.phase,
        count(*) FILTER (WHERE s.minutes >= coalesce(p.min_session_minutes, 0)) AS sessions,
        count(*) AS records
    FROM sessions s
    JOIN cohorts c ON c.id = s.cohort_id
    JOIN {plan} p ON p.program_id = c.program_id AND p.key = s.phase
    JOIN session_attendees a ON a.session_id = s.id
    WHERE s."on" <= {on} {only.replace("cohort_id", "s.cohort_id")}
    GROUP BY s.cohort_id, a.person_id, s.phase
),
submitted AS (
    SELECT d.cohort_id, d.person_id, d.phase,
        count(*) FILTER (WHERE p.pass_score IS NULL OR d.score >= p.pass_score) AS deliverables,
        count(*) AS records
    FROM deliverables d
    JOIN cohorts c ON c.id = d.cohort_id
    JOIN {plan} p ON p.program_id = c.program_id AND p.key = d.phase
    WHERE d.submitted_on <= {on} {only.replace("cohort_id", "d.cohort_id")}
    GROUP BY d.cohort_id, d.person_id, d.phase
),
exempt AS (
    SELECT DISTINCT cohort_id, person_id, phase FROM exemptions
    WHERE granted_on <= {on} {only}
),
achieved AS (
    SELECT r.trainee, p.*,
        coalesce(a.hours, 0.0) AS hours, coalesce(t.sessions, 0) AS sessions,
        coalesce(a.days, 0) AS days, coalesce(d.deliverables, 0) AS deliverables,
        coalesce(a.records, 0) + coalesce(t.records, 0) + coalesce(d.records, 0) AS records,
        x.phase IS NOT NULL AS exempt
    FROM {roster} r
    JOIN {plan} p ON p.program_id = r.program_id
    LEFT JOIN activity a
        ON a.cohort_id = r.cohort_id AND a.person_id = r.person_id AND a.phase = p.key
    LEFT JOIN attended t
        ON t.cohort_id = r.cohort_id AND t.person_id = r.person_id AND t.phase = p.key
    LEFT JOIN submitted d
        ON d.cohort_id = r.cohort_id AND d.person_id = r.person_id AND d.phase = p.key
    LEFT JOIN exempt x
        ON x.cohort_id = r.cohort_id AND x.person_id = r.person_id AND x.phase = p.key
),
judged AS (
    SELECT *,
        coalesce(hours >= required_hours, true)
            AND coalesce(sessions >= required_sessions, true)
            AND coalesce(days >= required_days, true)
            AND coalesce(deliverables >= required_deliverables, true) AS met,
        -- Added in requirement order, unset ones as 0.0: the same sum in every engine.
        CASE WHEN exempt OR needs = 0 THEN 1.0 ELSE (
            {_share("hours", "required_hours")} + {_share("sessions", "required_sessions")}
            + {_share("days", "required_days")}
            + {_share("deliverables", "required_deliverables")}
        ) / needs END AS fraction
    FROM achieved
),
phased AS (
    SELECT trainee, position, weight, expected, hours, sessions, days, deliverables,
        CAST(CASE
            WHEN exempt THEN 'exempt'
            WHEN met THEN 'complete'
            WHEN overdue THEN 'overdue'
            WHEN records = 0 THEN 'not_started'
            ELSE 'in_progress'
        END AS {_ENUM}) AS status,
        fraction,
        exempt OR met AS done,
        coalesce(fraction < expected - {literal.number(tolerance)}, false) AS behind
    FROM judged
),
trainee AS (
    SELECT r.trainee,
        CAST(CASE
            WHEN r.withdrawn THEN 'withdrawn'
            WHEN coalesce(bool_and(p.done), true) THEN 'completed'
            ELSE 'active'
        END AS {_TRAINEE_ENUM}) AS trainee_status,
        -- Sums in DECIMAL are exact: the result does not depend on the order rows arrive in.
        coalesce(CAST(sum(CAST(p.weight * p.fraction AS DECIMAL(38, 18))) AS DOUBLE)
            / CAST(nullif(sum(CAST(p.weight AS DECIMAL(38, 18))), 0) AS DOUBLE),
            sum(p.weight * p.fraction) / sum(p.weight), 1.0) AS progress,
        NOT r.withdrawn AND coalesce(bool_or(p.behind), false) AS trainee_behind
    FROM {roster} r
    LEFT JOIN phased p ON p.trainee = r.trainee
    GROUP BY r.trainee, r.withdrawn
)
SELECT t.trainee, t.trainee_status, t.progress, t.trainee_behind, p.position,
    p.status, p.fraction, p.expected, p.behind, p.done,
    p.hours, p.sessions, p.days, p.deliverables
FROM trainee t LEFT JOIN phased p ON p.trainee = t.trainee
"""


def _share(achieved: str, required: str) -> str:
    return (
        f"CASE WHEN {required} IS NULL THEN 0.0 WHEN {achieved} >= {required} THEN 1.0 "
        f"ELSE {achieved} / {required} END"
    )


def cohort_summary(roster: str, trainee_phases: str) -> str:
    """Per cohort: ``enrolled``, ``withdrawn``, ``completed`` and ``completion_rate``
    (completed / (enrolled - withdrawn), NULL when nobody remains enrolled)."""
    return f"""
WITH t AS (SELECT DISTINCT trainee, trainee_status AS status FROM {trainee_phases})
SELECT r.cohort_id, count(*) AS enrolled,
    count(*) FILTER (WHERE t.status = 'withdrawn') AS withdrawn,
    count(*) FILTER (WHERE t.status = 'completed') AS completed,
    count(*) FILTER (WHERE t.status = 'completed')
        / nullif(count(*) FILTER (WHERE t.status <> 'withdrawn'), 0) AS completion_rate
FROM {roster} r JOIN t ON t.trainee = r.trainee
GROUP BY r.cohort_id
"""


def phase_counts(roster: str, trainee_phases: str) -> str:
    """Per cohort, phase position and status: how many trainees, withdrawn ones left out."""
    return f"""
SELECT r.cohort_id, p.position, p.status, count(*) AS trainees
FROM {roster} r JOIN {trainee_phases} p ON p.trainee = r.trainee
WHERE NOT r.withdrawn AND p.position IS NOT NULL
GROUP BY r.cohort_id, p.position, p.status
"""


def mentor_load(as_of: date, cohorts: Sequence[str] | None = None) -> str:
    """Per mentor role (of ``cohorts``, or all): the distinct trainees in pairings in force on
    the date (both ends inclusive), against the role's capacity. A trainee counts only while
    on the roll: enrolled on or before the date and not withdrawn by it (as the roster says)."""
    on = literal.day(as_of)
    only = "" if cohorts is None else f"WHERE m.cohort_id IN {literal.texts(cohorts)}"
    return f"""
SELECT m.cohort_id, m.person_id, coalesce(p.name, m.person_id) AS name, m.capacity,
    count(DISTINCT e.person_id) AS trainees
FROM mentors m
LEFT JOIN people p ON p.id = m.person_id
LEFT JOIN pairings g ON g.cohort_id = m.cohort_id AND g.mentor_id = m.person_id
    AND g.starts_on <= {on} AND coalesce(g.ends_on >= {on}, true)
LEFT JOIN enrollments e ON e.cohort_id = g.cohort_id AND e.person_id = g.trainee_id
    AND e.enrolled_on <= {on} AND NOT {_withdrawn("e", on)}
{only}
GROUP BY m.cohort_id, m.person_id, p.name, m.capacity
ORDER BY m.cohort_id, m.person_id
"""


def cohort_outcomes(as_of: date, roster: str) -> str:
    """Per cohort and outcome kind: the trainees of ``roster`` with an outcome of that kind
    dated on or before the date (a person counts once per kind)."""
    on = literal.day(as_of)
    return f"""
SELECT r.cohort_id, o.kind, count(DISTINCT o.person_id) AS people
FROM {roster} r JOIN outcomes o ON o.person_id = r.person_id
WHERE o."on" <= {on}
GROUP BY r.cohort_id, o.kind
"""
