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

from supervise.semantics import literal, signoff

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
    requirements, how many are set (``needs``), the cap on group sessions, whether the
    program counts records awaiting sign-off (``pending_counts``), the window, ``overdue``
    (the date is after ``due_on``) and ``expected``: the share of the window from
    ``starts_on`` to ``due_on`` elapsed on the date, clamped to 0-1 (a one-day window is 0
    before its day and 1 from it on; no window, no expectation)."""
    on = literal.day(as_of)
    return f"""
SELECT ph.program_id, ph.key, ph.name,
    CAST(row_number() OVER (PARTITION BY ph.program_id ORDER BY ph."order", ph.key) - 1
        AS INTEGER) AS position,
    ph.weight, ph.required_hours, ph.required_sessions, ph.required_days,
    ph.required_deliverables, ph.min_session_minutes, ph.pass_score, ph.max_group_sessions,
    coalesce(pr.pending_counts, false) AS pending_counts, ph.starts_on, ph.due_on,
    CAST((ph.required_hours IS NOT NULL) AS INTEGER)
        + CAST((ph.required_sessions IS NOT NULL) AS INTEGER)
        + CAST((ph.required_days IS NOT NULL) AS INTEGER)
        + CAST((ph.required_deliverables IS NOT NULL) AS INTEGER) AS needs,
    coalesce(ph.due_on < {on}, false) AS overdue,
    CASE
        WHEN ph.starts_on IS NULL OR ph.due_on IS NULL THEN NULL
        WHEN ph.due_on = ph.starts_on THEN CASE WHEN {on} >= ph.due_on THEN 1.0 ELSE 0.0 END
        ELSE least(1.0, greatest(0.0,
            date_diff('day', ph.starts_on, {on}) / date_diff('day', ph.starts_on, ph.due_on)))
    END AS expected
FROM phases ph LEFT JOIN programs pr ON pr.id = ph.program_id
"""


def roster(as_of: date, cohorts: Sequence[str] | None = None) -> str:
    """The trainees enrolled on or before the date (of ``cohorts``, or of every cohort),
    numbered 0, 1, ... in (cohort, person) order as ``trainee``, with the cohort's start. A
    trainee is ``withdrawn`` when the enrollment says withdrawn and ``left_on`` is empty or
    not after the date."""
    on = literal.day(as_of)
    only = "" if cohorts is None else f"AND e.cohort_id IN {literal.texts(cohorts)}"
    return f"""
SELECT CAST(row_number() OVER (ORDER BY e.cohort_id, e.person_id) - 1 AS INTEGER) AS trainee,
    e.cohort_id, e.person_id, c.program_id, coalesce(p.name, e.person_id) AS name, e.team,
    {_withdrawn("e", on)} AS withdrawn,
    c.starts_on AS cohort_starts_on
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

    Records dated after the date do not count, nor records of phases the program lacks, nor
    rejected records, nor records awaiting sign-off unless the program's ``pending_counts``
    says so (:mod:`supervise.semantics.signoff`). Achieved: ``hours`` summed (exactly: hours
    are kept to the micro-hour), ``days`` distinct activity dates, ``sessions`` attended that
    last at least the phase's minimum, group sessions counting up to the phase's
    ``max_group_sessions``, ``deliverables`` scoring at least the pass score (every submitted
    one without a pass score); ``records`` counts any activity, attended session or submitted
    deliverable that is not rejected. ``pending_<figure>`` is what the records awaiting
    sign-off add to each figure (counted or not); ``group_sessions`` the group sessions
    attended that count, before the cap.

    A set requirement is met when achieved >= required; ``fraction`` is the mean over the set
    requirements of min(1, achieved / required), 1 with none set or when exempt. Status, in
    order of precedence: exempt (an exemption granted by the date), complete (every set
    requirement met), overdue, not_started (no records), in_progress. ``behind``: the
    fraction is below the expected share minus ``tolerance``.

    ``projected``: for a phase not done, of a trainee not withdrawn, the date it will be
    complete at the trainee's own pace: each unmet requirement needs
    ceil((required - achieved) x elapsed / pace) more days, where elapsed counts the days
    from the phase's start (its ``starts_on``, else the cohort's) to the date, both included
    (at least 1), and pace is the achieved figure (for sessions with the group cap reached,
    the other sessions only); NULL when some unmet requirement has no pace (zero); at most
    a century ahead. ``at_risk``: the projection falls after ``due_on``.

    Per trainee: ``trainee_status`` (withdrawn; else completed when every phase is complete
    or exempt, the records deciding, not the stored enrollment status; else active),
    ``progress`` (the weighted mean of phase fractions, 1 without phases),
    ``trainee_behind`` (some phase behind; never a withdrawn trainee),
    ``projected_completion`` (the latest projection of the phases not done, a phase whose
    window has not opened taken to finish on its due date; NULL when withdrawn, completed,
    or some phase cannot be projected) and ``trainee_at_risk`` (some phase at risk).

    ``cohorts``, when the roster holds only those cohorts, lets the records of other cohorts
    be skipped as they are read (the columnar copy is clustered by cohort)."""
    on = literal.day(as_of)
    a, s, d = "activities", "s", "d"

    def only(alias: str) -> str:
        return "" if cohorts is None else f"AND {alias}cohort_id IN {literal.texts(cohorts)}"

    return f"""
WITH
activity_day AS (
    -- Distinct days counted by grouping twice: a count(DISTINCT) with a filter, twice over,
    -- took longer than both groupings together.
    SELECT cohort_id, person_id, phase,
        sum(hours) FILTER (WHERE {signoff.is_confirmed(a)}) AS hours_confirmed,
        sum(hours) FILTER (WHERE {signoff.not_rejected(a)}) AS hours_all,
        bool_or({signoff.is_confirmed(a)}) AS day_confirmed,
        bool_or({signoff.not_rejected(a)}) AS day_all,
        count(*) FILTER (WHERE {signoff.not_rejected(a)}) AS records
    FROM activities WHERE "on" <= {on} {only("")}
    GROUP BY cohort_id, person_id, phase, "on"
),
activity AS (
    SELECT cohort_id, person_id, phase,
        sum(hours_confirmed) AS hours_confirmed, sum(hours_all) AS hours_all,
        count(*) FILTER (WHERE day_confirmed) AS days_confirmed,
        count(*) FILTER (WHERE day_all) AS days_all,
        sum(records) AS records
    FROM activity_day
    GROUP BY cohort_id, person_id, phase
),
attended AS (
    SELECT s.cohort_id, a.person_id, s.phase,
        count(*) FILTER (WHERE long_enough AND s.form = 'group' AND {signoff.is_confirmed(s)})
            AS group_confirmed,
        count(*) FILTER (WHERE long_enough AND s.form <> 'group' AND {signoff.is_confirmed(s)})
            AS other_confirmed,
        count(*) FILTER (WHERE long_enough AND s.form = 'group' AND {signoff.not_rejected(s)})
            AS group_all,
        count(*) FILTER (WHERE long_enough AND s.form <> 'group' AND {signoff.not_rejected(s)})
            AS other_all,
        count(*) FILTER (WHERE {signoff.not_rejected(s)}) AS records
    FROM (
        SELECT s.*, s.minutes >= coalesce(p.min_session_minutes, 0) AS long_enough
        FROM sessions s
        JOIN cohorts c ON c.id = s.cohort_id
        JOIN {plan} p ON p.program_id = c.program_id AND p.key = s.phase
        WHERE s."on" <= {on} {only("s.")}
    ) s
    JOIN session_attendees a ON a.session_id = s.id
    GROUP BY s.cohort_id, a.person_id, s.phase
),
submitted AS (
    SELECT d.cohort_id, d.person_id, d.phase,
        count(*) FILTER (WHERE passes AND {signoff.is_confirmed(d)}) AS deliverables_confirmed,
        count(*) FILTER (WHERE passes AND {signoff.not_rejected(d)}) AS deliverables_all,
        count(*) FILTER (WHERE {signoff.not_rejected(d)}) AS records
    FROM (
        SELECT d.*, p.pass_score IS NULL OR d.score >= p.pass_score AS passes
        FROM deliverables d
        JOIN cohorts c ON c.id = d.cohort_id
        JOIN {plan} p ON p.program_id = c.program_id AND p.key = d.phase
        WHERE d.submitted_on <= {on} {only("d.")}
    ) d
    GROUP BY d.cohort_id, d.person_id, d.phase
),
exempt AS (
    SELECT DISTINCT cohort_id, person_id, phase FROM exemptions
    WHERE granted_on <= {on} {only("")}
),
joined AS (
    SELECT r.trainee, r.withdrawn, r.cohort_starts_on, p.*,
        coalesce(a.hours_confirmed, 0) AS hours_confirmed,
        coalesce(a.hours_all, 0) AS hours_all,
        coalesce(a.days_confirmed, 0) AS days_confirmed, coalesce(a.days_all, 0) AS days_all,
        coalesce(t.group_confirmed, 0) AS group_confirmed,
        coalesce(t.other_confirmed, 0) AS other_confirmed,
        coalesce(t.group_all, 0) AS group_all, coalesce(t.other_all, 0) AS other_all,
        coalesce(d.deliverables_confirmed, 0) AS deliverables_confirmed,
        coalesce(d.deliverables_all, 0) AS deliverables_all,
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
achieved AS (
    SELECT *,
        -- Hours are summed as DECIMAL, so their difference is exact too.
        CAST(CASE WHEN pending_counts THEN hours_all ELSE hours_confirmed END AS DOUBLE)
            AS hours,
        CAST(hours_all - hours_confirmed AS DOUBLE) AS pending_hours,
        CASE WHEN pending_counts THEN days_all ELSE days_confirmed END AS days,
        days_all - days_confirmed AS pending_days,
        CASE WHEN pending_counts THEN group_all ELSE group_confirmed END AS group_sessions,
        CASE WHEN pending_counts THEN other_all ELSE other_confirmed END AS other_sessions,
        CASE WHEN pending_counts THEN deliverables_all ELSE deliverables_confirmed END
            AS deliverables,
        deliverables_all - deliverables_confirmed AS pending_deliverables,
        (other_all + {_capped("group_all")}) - (other_confirmed + {_capped("group_confirmed")})
            AS pending_sessions
    FROM joined
),
judged AS (
    SELECT *,
        other_sessions + {_capped("group_sessions")} AS sessions,
        coalesce(hours >= required_hours, true)
            AND coalesce(other_sessions + {_capped("group_sessions")} >= required_sessions, true)
            AND coalesce(days >= required_days, true)
            AND coalesce(deliverables >= required_deliverables, true) AS met,
        greatest(1, date_diff('day', coalesce(starts_on, cohort_starts_on), {on}) + 1)
            AS elapsed,
        {on} >= coalesce(starts_on, cohort_starts_on) AS opened
    FROM achieved
),
scored AS (
    SELECT *,
        -- Added in requirement order, unset ones as 0.0: the same sum in every engine.
        CASE WHEN exempt OR needs = 0 THEN 1.0 ELSE (
            {_share("hours", "required_hours")} + {_share("sessions", "required_sessions")}
            + {_share("days", "required_days")}
            + {_share("deliverables", "required_deliverables")}
        ) / needs END AS fraction,
        {_days_needed("hours", "required_hours", "hours")} AS need_hours,
        {_days_needed("sessions", "required_sessions", _session_pace())} AS need_sessions,
        {_days_needed("days", "required_days", "days")} AS need_days,
        {_days_needed("deliverables", "required_deliverables", "deliverables")}
            AS need_deliverables
    FROM judged
),
phased AS (
    SELECT trainee, position, weight, expected, hours, sessions, days, deliverables,
        pending_hours, pending_sessions, pending_days, pending_deliverables,
        CASE WHEN max_group_sessions IS NULL THEN NULL ELSE group_sessions END
            AS group_sessions,
        CAST(CASE
            WHEN exempt THEN 'exempt'
            WHEN met THEN 'complete'
            WHEN overdue THEN 'overdue'
            WHEN records = 0 THEN 'not_started'
            ELSE 'in_progress'
        END AS {_ENUM}) AS status,
        fraction,
        exempt OR met AS done,
        coalesce(fraction < expected - {literal.number(tolerance)}, false) AS behind,
        CASE
            WHEN withdrawn OR exempt OR met THEN NULL
            WHEN need_hours IS NULL OR need_sessions IS NULL OR need_days IS NULL
                OR need_deliverables IS NULL THEN NULL
            ELSE {on} + CAST(least(
                greatest(need_hours, need_sessions, need_days, need_deliverables),
                {PROJECTION_DAYS}) AS INTEGER)
        END AS projected,
        due_on, opened, withdrawn
    FROM scored
),
risked AS (
    SELECT *,
        coalesce(projected > due_on, false) AS at_risk,
        -- When this phase will be done, as far as the trainee's completion goes.
        CASE WHEN done THEN NULL WHEN projected IS NOT NULL THEN projected
            WHEN NOT opened THEN due_on END AS finish
    FROM phased
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
        NOT r.withdrawn AND coalesce(bool_or(p.behind), false) AS trainee_behind,
        CASE
            WHEN r.withdrawn OR coalesce(bool_and(p.done), true) THEN NULL
            WHEN bool_or(NOT p.done AND p.finish IS NULL) THEN NULL
            ELSE max(p.finish)
        END AS projected_completion,
        NOT r.withdrawn AND coalesce(bool_or(p.at_risk), false) AS trainee_at_risk
    FROM {roster} r
    LEFT JOIN risked p ON p.trainee = r.trainee
    GROUP BY r.trainee, r.withdrawn
)
SELECT t.trainee, t.trainee_status, t.progress, t.trainee_behind, t.projected_completion,
    t.trainee_at_risk, p.position, p.status, p.fraction, p.expected, p.behind, p.done,
    p.hours, p.sessions, p.days, p.deliverables, p.pending_hours, p.pending_sessions,
    p.pending_days, p.pending_deliverables, p.group_sessions, p.projected, p.at_risk
FROM trainee t LEFT JOIN risked p ON p.trainee = t.trainee
"""


#: Projections further ahead than this many days (a century) are given as this many days:
#: "not at this pace", within the dates every tool can hold.
PROJECTION_DAYS = 36524


def _capped(group: str) -> str:
    """Group sessions as they count: up to the phase's ``max_group_sessions``."""
    return (
        f"(CASE WHEN max_group_sessions IS NULL THEN {group} "
        f"ELSE least({group}, max_group_sessions) END)"
    )


def _session_pace() -> str:
    """The sessions that set the pace: once the group cap is reached, only the others."""
    return (
        "(CASE WHEN max_group_sessions IS NOT NULL AND group_sessions >= max_group_sessions "
        "THEN other_sessions ELSE sessions END)"
    )


def _days_needed(achieved: str, required: str, pace: str) -> str:
    """Days more to meet a requirement at the pace of ``pace`` per ``elapsed`` days: 0 when
    unset or met, NULL without a pace. Multiplied before divided, as the oracle does."""
    return (
        f"(CASE WHEN {required} IS NULL OR {achieved} >= {required} THEN 0 "
        f"WHEN {pace} <= 0 THEN NULL "
        f"ELSE ceil(({required} - {achieved}) * elapsed / {pace}) END)"
    )


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
