"""How far along is a cohort, as of a date: pure functions over model objects.

The rules (docs/progress.md spells them out with examples):

- records dated after ``as_of`` do not count; neither do enrollments, exemptions, pairings or
  outcomes dated after it;
- a phase's *fraction* is the mean, over its set requirements, of min(1, achieved / required);
  it is complete when every set requirement is met, and exempt when an exemption was granted;
- status precedence: exempt, complete, overdue (``as_of`` after ``due_on``), not_started (no
  records), in_progress;
- *expected* is the share of the phase window elapsed; a trainee is *behind* when some phase's
  fraction is below expected - tolerance;
- a trainee is withdrawn when the enrollment says withdrawn and ``left_on`` is empty or not
  after ``as_of``; withdrawn trainees are listed but never behind and left out of phase counts
  and of the completion-rate denominator;
- a trainee has completed when every phase is complete or exempt (the records decide, not the
  stored enrollment status); progress is the weighted mean of phase fractions.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from supervise.core.snapshot import CohortSnapshot, PhaseTally, Tallies, tally
from supervise.dates import parse_date
from supervise.model import REQUIREMENT_NAMES, Cohort, EnrollmentStatus, OutcomeKind, PhaseSpec

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "DEFAULT_TOLERANCE",
    "CohortProgress",
    "MentorLoad",
    "PhasePlan",
    "PhaseProgress",
    "PhaseStatus",
    "RosterEntry",
    "TraineeProgress",
    "TraineeStatus",
    "assemble",
    "assess",
    "is_withdrawn",
    "progress",
    "withdrawn",
]

#: How far below the expected share a phase may fall before its trainee is behind.
DEFAULT_TOLERANCE = 0.25
_NOTHING = PhaseTally()


class PhaseStatus(enum.StrEnum):
    """A trainee's state in one phase, in order of precedence."""

    EXEMPT = "exempt"
    COMPLETE = "complete"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"

    @property
    def zh(self) -> str:
        return _PHASE_STATUS_ZH[self]


_PHASE_STATUS_ZH = {
    PhaseStatus.EXEMPT: "免修",
    PhaseStatus.COMPLETE: "已完成",
    PhaseStatus.OVERDUE: "已逾期",
    PhaseStatus.NOT_STARTED: "未开始",
    PhaseStatus.IN_PROGRESS: "进行中",
}


class TraineeStatus(enum.StrEnum):
    """A trainee's state in the cohort."""

    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def zh(self) -> str:
        return {"active": "在读", "completed": "已完成", "withdrawn": "已退出"}[self.value]


@attrs.frozen(kw_only=True)
class PhaseProgress:
    """One trainee in one phase: ``achieved`` and ``required`` are keyed by requirement name
    (hours, sessions, days, deliverables), for the requirements the phase sets."""

    key: str
    name: str
    status: PhaseStatus
    fraction: float
    expected: float | None
    achieved: Mapping[str, float]
    required: Mapping[str, float]

    @property
    def done(self) -> bool:
        """Complete or exempt."""
        return self.status in (PhaseStatus.COMPLETE, PhaseStatus.EXEMPT)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "fraction": self.fraction,
            "expected": self.expected,
            "achieved": dict(self.achieved),
            "required": dict(self.required),
        }


@attrs.frozen(kw_only=True)
class TraineeProgress:
    """One trainee across the phases of the program, in phase order."""

    person_id: str
    name: str
    team: str | None
    status: TraineeStatus
    progress: float
    behind: bool
    phases: tuple[PhaseProgress, ...]

    @property
    def complete(self) -> bool:
        """Every phase complete or exempt."""
        return all(p.done for p in self.phases)

    def phase(self, key: str) -> PhaseProgress:
        """The progress in phase ``key``."""
        for p in self.phases:
            if p.key == key:
                return p
        raise KeyError(f"no phase {key!r}; phases: {', '.join(p.key for p in self.phases)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "team": self.team,
            "status": self.status.value,
            "progress": self.progress,
            "complete": self.complete,
            "behind": self.behind,
            "phases": {p.key: p.to_dict() for p in self.phases},
        }


@attrs.frozen(kw_only=True)
class MentorLoad:
    """A mentor's trainees (pairings in force on ``as_of``) against their capacity."""

    person_id: str
    name: str
    trainees: int
    capacity: int | None

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.trainees > self.capacity

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "trainees": self.trainees,
            "capacity": self.capacity,
        }


@attrs.frozen(kw_only=True)
class CohortProgress:
    """How far along a cohort is on ``as_of``: see the module docstring for the rules."""

    cohort_id: str
    cohort_name: str
    program_id: str
    as_of: date
    tolerance: float
    phases: tuple[tuple[str, str], ...]  # (key, name) in order
    trainees: tuple[TraineeProgress, ...]
    mentors: tuple[MentorLoad, ...]
    outcomes: Mapping[str, int]

    @property
    def enrolled(self) -> int:
        return len(self.trainees)

    @property
    def withdrawn(self) -> int:
        return sum(t.status is TraineeStatus.WITHDRAWN for t in self.trainees)

    @property
    def completed(self) -> int:
        return sum(t.status is TraineeStatus.COMPLETED for t in self.trainees)

    @property
    def completion_rate(self) -> float | None:
        """completed / (enrolled - withdrawn); ``None`` when nobody remains enrolled."""
        remaining = self.enrolled - self.withdrawn
        return self.completed / remaining if remaining else None

    @property
    def behind(self) -> tuple[str, ...]:
        """Person ids of trainees behind schedule, in roster order."""
        return tuple(t.person_id for t in self.trainees if t.behind)

    def phase_counts(self) -> dict[str, dict[str, int]]:
        """Per phase, how many (non-withdrawn) trainees are in each status."""
        counts = {key: dict.fromkeys((s.value for s in PhaseStatus), 0) for key, _ in self.phases}
        for t in self.trainees:
            if t.status is not TraineeStatus.WITHDRAWN:
                for p in t.phases:
                    counts[p.key][p.status.value] += 1
        return counts

    def trainee(self, person_id: str) -> TraineeProgress:
        """The progress of one trainee."""
        for t in self.trainees:
            if t.person_id == person_id:
                return t
        raise KeyError(f"{person_id!r} is not enrolled in cohort {self.cohort_id!r}")

    def to_pandas(self, table: str = "trainee_phases") -> DataFrame:
        """A pandas DataFrame: ``trainee_phases`` (one row per trainee and phase, the
        default), ``trainees`` (one row per trainee, a fraction column per phase),
        ``phases`` (status counts per phase) or ``mentors``. Needs ``supervise[pandas]``."""
        from supervise.present.frames import progress_frame

        return progress_frame(self, table)

    def to_html(self, lang: str = "zh") -> str:
        """A compact HTML table, statuses coloured, in ``lang`` (``zh`` or ``en``)."""
        from supervise.present.progress import to_html

        return to_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str = "zh") -> str:
        """A terminal table: summary, one row per trainee, mentor load, outcomes."""
        from supervise.present.progress import to_text

        return to_text(self, lang)

    def __str__(self) -> str:
        return self.to_text()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; the shape is a public contract (docs/progress.md)."""
        return {
            "cohort_id": self.cohort_id,
            "cohort_name": self.cohort_name,
            "program_id": self.program_id,
            "as_of": self.as_of.isoformat(),
            "tolerance": self.tolerance,
            "enrolled": self.enrolled,
            "withdrawn": self.withdrawn,
            "completed": self.completed,
            "completion_rate": self.completion_rate,
            "phases": self.phase_counts(),
            "behind": list(self.behind),
            "trainees": [t.to_dict() for t in self.trainees],
            "mentors": [m.to_dict() for m in self.mentors],
            "outcomes": dict(self.outcomes),
        }


def progress(
    snapshot: CohortSnapshot, as_of: date | str, tolerance: float = DEFAULT_TOLERANCE
) -> CohortProgress:
    """How far along the snapshot's cohort is on ``as_of``, computed from its records.

    >>> from supervise.demo import ningxia
    >>> snapshot = CohortSnapshot.from_records(ningxia.records(), ningxia.SECOND_BATCH)
    >>> result = progress(snapshot, "2024-10-15")
    >>> result.enrolled, len(result.behind)
    (31, 2)
    """
    day = parse_date(as_of)
    return assess(snapshot, tally(snapshot, day), day, tolerance)


class RosterEntry(NamedTuple):
    """A trainee on a cohort's roll, as assessment needs it (cheap to build in bulk)."""

    person_id: str
    name: str
    enrolled_on: date
    status: EnrollmentStatus
    left_on: date | None
    team: str | None


def assess(
    snapshot: CohortSnapshot, tallies: Tallies, as_of: date, tolerance: float = DEFAULT_TOLERANCE
) -> CohortProgress:
    """Progress from precomputed ``tallies`` (by person and phase); the snapshot supplies the
    program, phases, roster, mentors and outcomes. Its record tuples are not read."""
    names = snapshot.names
    roster = [
        RosterEntry(
            e.person_id,
            names.get(e.person_id, e.person_id),
            e.enrolled_on,
            e.status,
            e.left_on,
            e.team,
        )
        for e in snapshot.enrollments
    ]
    return assemble(
        snapshot.cohort,
        snapshot.phases,
        roster,
        tallies,
        _mentor_load(snapshot, names, as_of),
        _outcomes(snapshot, {r.person_id for r in roster if r.enrolled_on <= as_of}, as_of),
        as_of,
        tolerance,
    )


def assemble(
    cohort: Cohort,
    phases: Sequence[PhaseSpec],
    roster: Iterable[RosterEntry],
    tallies: Tallies,
    mentors: tuple[MentorLoad, ...],
    outcomes: Mapping[str, int],
    as_of: date,
    tolerance: float = DEFAULT_TOLERANCE,
) -> CohortProgress:
    """The cohort's progress from its roster (entries enrolled after ``as_of`` are left out),
    tallies by (person, phase), mentor load and outcome counts. Both the pure path and the
    store's bulk path end here, so they cannot disagree."""
    if not 0 <= tolerance <= 1:
        raise ValueError(f"tolerance must be between 0 and 1, got {tolerance!r}")
    plan = [PhasePlan.of(spec, as_of) for spec in phases]
    total_weight = sum(p.weight for p in plan)
    trainees = tuple(
        _trainee(entry, plan, total_weight, tallies, as_of, tolerance)
        for entry in sorted(roster, key=lambda r: r.person_id)
        if entry.enrolled_on <= as_of
    )
    return CohortProgress(
        cohort_id=cohort.id,
        cohort_name=cohort.name,
        program_id=cohort.program_id,
        as_of=as_of,
        tolerance=tolerance,
        phases=tuple((p.key, p.name) for p in phases),
        trainees=trainees,
        mentors=mentors,
        outcomes=outcomes,
    )


def is_withdrawn(enrollment: Any, as_of: date) -> bool:
    """Whether an enrollment (or roster entry) counts as withdrawn on ``as_of``."""
    return withdrawn(enrollment.status, enrollment.left_on, as_of)


def withdrawn(status: str, left_on: date | None, as_of: date) -> bool:
    """The withdrawal rule: status ``withdrawn`` and ``left_on`` empty or not after ``as_of``."""
    return status == EnrollmentStatus.WITHDRAWN and (left_on is None or left_on <= as_of)


# Positions of the requirement figures in a PhaseTally.
_FIELD = {name: PhaseTally._fields.index(name) for name in REQUIREMENT_NAMES}


class PhasePlan(NamedTuple):
    """What is the same for every trainee of a phase on a date, computed once: the
    requirements, whether the phase is overdue and the share of its window elapsed."""

    key: str
    name: str
    weight: float
    required: dict[str, float]
    needs: tuple[tuple[str, int, float], ...]  # (name, field position in PhaseTally, required)
    overdue: bool
    expected: float | None

    def done(self, achieved: PhaseTally) -> bool:
        """Whether the phase is complete or exempt, given what was achieved in it."""
        return achieved.exempt or all(achieved[field] >= need for _, field, need in self.needs)

    @classmethod
    def of(cls, spec: PhaseSpec, as_of: date) -> PhasePlan:
        required = spec.requirements.set()
        return cls(
            spec.key,
            spec.name,
            spec.weight,
            required,
            tuple((name, _FIELD[name], need) for name, need in required.items()),
            spec.due_on is not None and as_of > spec.due_on,
            _expected(spec, as_of),
        )


def _trainee(
    entry: RosterEntry,
    plan: list[PhasePlan],
    total_weight: float,
    tallies: Tallies,
    as_of: date,
    tolerance: float,
) -> TraineeProgress:
    # Plain loops: this runs once per trainee of a province.
    withdrawn = is_withdrawn(entry, as_of)
    results = []
    overall = 0.0
    complete = True
    behind = False
    for p in plan:
        r = _phase(p, tallies.get((entry.person_id, p.key), _NOTHING))
        results.append(r)
        overall += p.weight * r.fraction
        if r.status is not PhaseStatus.COMPLETE and r.status is not PhaseStatus.EXEMPT:
            complete = False
        if r.expected is not None and r.fraction < r.expected - tolerance:
            behind = True
    if withdrawn:
        status, behind = TraineeStatus.WITHDRAWN, False
    else:
        status = TraineeStatus.COMPLETED if complete else TraineeStatus.ACTIVE
    return TraineeProgress(
        person_id=entry.person_id,
        name=entry.name,
        team=entry.team,
        status=status,
        progress=overall / total_weight if total_weight else 1.0,
        behind=behind,
        phases=tuple(results),
    )


def _phase(plan: PhasePlan, achieved: PhaseTally) -> PhaseProgress:
    got = {}
    share = 0.0
    met = True
    for name, field, need in plan.needs:
        value = got[name] = achieved[field]
        if value >= need:
            share += 1.0
        else:
            met = False
            share += value / need
    if achieved.exempt:
        status, fraction = PhaseStatus.EXEMPT, 1.0
    else:
        fraction = share / len(plan.needs) if plan.needs else 1.0
        if met:
            status = PhaseStatus.COMPLETE
        elif plan.overdue:
            status = PhaseStatus.OVERDUE
        elif achieved.records == 0:
            status = PhaseStatus.NOT_STARTED
        else:
            status = PhaseStatus.IN_PROGRESS
    return PhaseProgress(
        key=plan.key,
        name=plan.name,
        status=status,
        fraction=fraction,
        expected=plan.expected,
        achieved=got,
        required=plan.required,
    )


def _expected(spec: PhaseSpec, as_of: date) -> float | None:
    """Share of the phase window elapsed on ``as_of``, clamped to 0-1."""
    if spec.starts_on is None or spec.due_on is None:
        return None
    span = (spec.due_on - spec.starts_on).days
    if span == 0:
        return 1.0 if as_of >= spec.due_on else 0.0
    return min(1.0, max(0.0, (as_of - spec.starts_on).days / span))


def _mentor_load(
    snapshot: CohortSnapshot, names: Mapping[str, str], as_of: date
) -> tuple[MentorLoad, ...]:
    active = Counter(
        mentor
        for mentor, _ in {
            (p.mentor_id, p.trainee_id) for p in snapshot.pairings if p.active_on(as_of)
        }
    )
    return tuple(
        MentorLoad(
            person_id=m.person_id,
            name=names.get(m.person_id, m.person_id),
            trainees=active.get(m.person_id, 0),
            capacity=m.capacity,
        )
        for m in sorted(snapshot.mentors, key=lambda m: m.person_id)
    )


def _outcomes(snapshot: CohortSnapshot, on_roll: set[str], as_of: date) -> dict[str, int]:
    """People per outcome kind among the cohort's trainees, dated on or before ``as_of``."""
    people: dict[OutcomeKind, set[str]] = {}
    for o in snapshot.outcomes:
        if o.person_id in on_roll and o.on <= as_of:
            people.setdefault(o.kind, set()).add(o.person_id)
    return {kind.value: len(people[kind]) for kind in OutcomeKind if kind in people}
