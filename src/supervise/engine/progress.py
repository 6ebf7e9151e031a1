"""Progress of cohorts on the engine: the statements of :mod:`supervise.semantics.progress`,
run once for every cohort asked about, split into one :class:`CohortProgress` per cohort."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from supervise.core.progress import (
    DEFAULT_TOLERANCE,
    CohortProgress,
    MentorLoad,
    PhasePlan,
    ProgressColumns,
    TraineeRows,
)
from supervise.core.snapshot import CohortSnapshot
from supervise.dates import parse_date
from supervise.engine import Engine, StaticRows
from supervise.engine.records import rows_of
from supervise.model import REQUIREMENT_NAMES, OutcomeKind
from supervise.semantics import literal
from supervise.semantics import progress as semantics

__all__ = ["PROGRESS_TABLES", "Tallied", "cohorts_progress", "progress", "tallied"]

#: The tables progress reads.
PROGRESS_TABLES = (
    "programs",
    "phases",
    "cohorts",
    "people",
    "enrollments",
    "activities",
    "sessions",
    "session_attendees",
    "deliverables",
    "exemptions",
)
_MENTOR_TABLES = ("mentors", "pairings", "outcomes")


class Tallied(NamedTuple):
    """What is kept for one date: the phase plan, the roster and the trainee-phase rows, by
    the names of the temporary tables holding them."""

    plan: str
    roster: str
    phases: str


def tallied(
    engine: Engine, as_of: date, tolerance: float, cohorts: Sequence[str] | None = None
) -> Tallied:
    """The tallies of ``as_of`` for ``cohorts`` (all when ``None``), computed once per state
    of the data and kept: progress and eligibility on one date share them."""
    state = engine.bind(PROGRESS_TABLES)
    only = None if cohorts is None else tuple(sorted(set(cohorts)))
    key = (as_of, tolerance, only, state)
    plan = engine.keep(("plan", as_of, state), semantics.plan(as_of))
    roster = engine.keep(("roster", *key), semantics.roster(as_of, only))
    phases = engine.keep(
        ("phases", *key), semantics.trainee_phases(as_of, tolerance, roster, plan, only)
    )
    return Tallied(plan, roster, phases)


def cohorts_progress(
    engine: Engine, cohorts: Sequence[str] | None, as_of: date, tolerance: float
) -> dict[str, CohortProgress]:
    """Progress on ``as_of`` of ``cohorts`` (every cohort when ``None``), by cohort id in
    cohort-id order. Unknown ids are left out (the caller checks them)."""
    if not 0 <= tolerance <= 1:
        raise ValueError(f"tolerance must be between 0 and 1, got {tolerance!r}")
    return engine.answer(lambda: _progress(engine, cohorts, as_of, tolerance))


def _progress(
    engine: Engine, cohorts: Sequence[str] | None, as_of: date, tolerance: float
) -> dict[str, CohortProgress]:
    t = tallied(engine, as_of, tolerance, cohorts)
    engine.bind(_MENTOR_TABLES)
    only = "" if cohorts is None else f"WHERE id IN {literal.texts(cohorts)}"
    chosen = engine.rows(f"SELECT id, name, program_id FROM cohorts {only} ORDER BY id")
    plans = _plans(engine, t.plan)
    trainees = engine.fetch(
        "SELECT r.cohort_id, r.person_id, r.program_id, r.name, r.team, "
        "p.trainee_status, p.progress, p.trainee_behind, p.projected_completion, "
        "p.trainee_at_risk "
        f"FROM {t.roster} r JOIN {t.phases} p ON p.trainee = r.trainee "
        "WHERE coalesce(p.position, 0) = 0 ORDER BY r.trainee"
    )
    # Only what results read, in the narrowest types: at 10^6 trainees these are 5M rows.
    rows = engine.fetch(
        "SELECT status, fraction, behind, hours, CAST(sessions AS INTEGER) AS sessions, "
        "CAST(days AS INTEGER) AS days, CAST(deliverables AS INTEGER) AS deliverables, "
        "pending_hours, CAST(pending_sessions AS INTEGER) AS pending_sessions, "
        "CAST(pending_days AS INTEGER) AS pending_days, "
        "CAST(pending_deliverables AS INTEGER) AS pending_deliverables, "
        "CAST(group_sessions AS INTEGER) AS group_sessions, projected, at_risk "
        f"FROM {t.phases} ORDER BY trainee, position"
    )
    columns = ProgressColumns(trainees=trainees, rows=rows, plans=plans)
    summary = {row[0]: row[1:] for row in engine.rows(semantics.cohort_summary(t.roster, t.phases))}
    counts: dict[str, dict[int, dict[str, int]]] = {}
    for cohort, position, status, n in engine.rows(semantics.phase_counts(t.roster, t.phases)):
        counts.setdefault(cohort, {}).setdefault(position, {})[status] = n
    mentors: dict[str, list[MentorLoad]] = {}
    for cohort, person, name, capacity, load in engine.rows(semantics.mentor_load(as_of, cohorts)):
        mentors.setdefault(cohort, []).append(
            MentorLoad(person_id=person, name=name, trainees=load, capacity=capacity)
        )
    outcomes: dict[str, dict[str, int]] = {}
    for cohort, kind, people in engine.rows(semantics.cohort_outcomes(as_of, t.roster)):
        outcomes.setdefault(cohort, {})[kind] = people
    ids = trainees.column("cohort_id").to_pylist()
    results = {}
    for cohort_id, name, program_id in chosen:
        start, stop = bisect.bisect_left(ids, cohort_id), bisect.bisect_right(ids, cohort_id)
        plan = plans.get(program_id, ())
        enrolled, withdrawn, completed, rate = summary.get(cohort_id, (0, 0, 0, None))
        by_position = counts.get(cohort_id, {})
        kinds = outcomes.get(cohort_id, {})
        results[cohort_id] = CohortProgress(
            cohort_id=cohort_id,
            cohort_name=name,
            program_id=program_id,
            as_of=as_of,
            tolerance=tolerance,
            phases=tuple((p.key, p.name) for p in plan),
            trainees=TraineeRows(columns, start, stop),
            mentors=tuple(mentors.get(cohort_id, ())),
            outcomes={k.value: kinds[k.value] for k in OutcomeKind if k.value in kinds},
            enrolled=enrolled,
            withdrawn=withdrawn,
            completed=completed,
            completion_rate=rate,
            counts={
                p.key: {s: by_position.get(n, {}).get(s, 0) for s in semantics.PHASE_STATUSES}
                for n, p in enumerate(plan)
            },
        )
    return results


def _plans(engine: Engine, plan: str) -> dict[str, tuple[PhasePlan, ...]]:
    requirement_columns = ", ".join(f"required_{n}" for n in REQUIREMENT_NAMES)
    plans: dict[str, list[PhasePlan]] = {}
    for program, key, name, expected, cap, due, *required in engine.rows(
        f"SELECT program_id, key, name, expected, max_group_sessions, due_on, "
        f"{requirement_columns} FROM {plan} ORDER BY program_id, position"
    ):
        plans.setdefault(program, []).append(
            PhasePlan(
                key=key,
                name=name,
                expected=expected,
                required={
                    n: v for n, v in zip(REQUIREMENT_NAMES, required, strict=True) if v is not None
                },
                max_group_sessions=cap,
                due_on=due,
            )
        )
    return {program: tuple(items) for program, items in plans.items()}


def progress(
    snapshot: CohortSnapshot, as_of: date | str, tolerance: float = DEFAULT_TOLERANCE
) -> CohortProgress:
    """How far along the snapshot's cohort is on ``as_of``, computed from its records by the
    same definition a registry uses (on an engine of its own, in memory).

    >>> from supervise.demo import ningxia
    >>> snapshot = CohortSnapshot.from_records(ningxia.records(), ningxia.SECOND_BATCH)
    >>> result = progress(snapshot, "2024-10-15")
    >>> result.enrolled, len(result.behind)
    (31, 2)
    """
    day = parse_date(as_of)
    engine = Engine(StaticRows(rows_of(snapshot.records())), threads=1)
    try:
        return cohorts_progress(engine, [snapshot.cohort.id], day, tolerance)[snapshot.cohort.id]
    finally:
        engine.close()
