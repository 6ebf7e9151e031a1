"""What progress is computed from: a cohort's records, and their tallies per trainee and phase.

A :class:`CohortSnapshot` holds model objects; :func:`tally` reduces its records to one
:class:`PhaseTally` per (trainee, phase) as of a date. The store computes the same tallies in
SQL for speed; the two must agree, and the tests check that they do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

import attrs

from supervise.model import (
    Activity,
    Cohort,
    Deliverable,
    Enrollment,
    Exemption,
    MentorRole,
    Outcome,
    Pairing,
    Person,
    PhaseSpec,
    Program,
    Session,
)

__all__ = ["HOURS_PRECISION", "CohortSnapshot", "PhaseTally", "Tallies", "tally"]

#: Summed hours are rounded to this many decimals, so that any order of summation (Python's
#: or SQLite's) gives the same figure.
HOURS_PRECISION = 6


class PhaseTally(NamedTuple):
    """What one trainee achieved in one phase as of a date.

    ``hours``: sum of activity hours; ``sessions``: attended sessions at least as long as the
    phase's ``min_session_minutes``; ``days``: distinct activity dates; ``deliverables``: those
    scoring at least the pass score (all submitted ones without a pass score); ``records``: any
    activity, attended session or submitted deliverable at all; ``exempt``: an exemption.

    A named tuple, not an attrs class: hundreds of thousands are built per province run."""

    hours: float = 0.0
    sessions: int = 0
    days: int = 0
    deliverables: int = 0
    records: int = 0
    exempt: bool = False


#: Tallies by (person_id, phase key); absent pairs have achieved nothing.
Tallies = Mapping[tuple[str, str], PhaseTally]


def _tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class CohortSnapshot:
    """Everything about one cohort that progress needs, as model objects (and ``names``, the
    names of its trainees and mentors by person id).

    Build it from a registry (:meth:`supervise.Registry.snapshot`) or from any list of records
    with :meth:`from_records`. Record tuples may be left empty when tallies come from
    elsewhere (the store's SQL).
    """

    program: Program
    phases: tuple[PhaseSpec, ...] = attrs.field(converter=_tuple)
    cohort: Cohort
    enrollments: tuple[Enrollment, ...] = attrs.field(converter=_tuple)
    names: Mapping[str, str] = attrs.field(factory=dict)
    mentors: tuple[MentorRole, ...] = attrs.field(default=(), converter=_tuple)
    pairings: tuple[Pairing, ...] = attrs.field(default=(), converter=_tuple)
    activities: tuple[Activity, ...] = attrs.field(default=(), converter=_tuple)
    sessions: tuple[Session, ...] = attrs.field(default=(), converter=_tuple)
    deliverables: tuple[Deliverable, ...] = attrs.field(default=(), converter=_tuple)
    exemptions: tuple[Exemption, ...] = attrs.field(default=(), converter=_tuple)
    outcomes: tuple[Outcome, ...] = attrs.field(default=(), converter=_tuple)

    def __attrs_post_init__(self) -> None:
        if self.cohort.program_id != self.program.id:
            raise ValueError(
                f"cohort {self.cohort.id!r} belongs to program {self.cohort.program_id!r}, "
                f"not {self.program.id!r}"
            )
        object.__setattr__(
            self, "phases", tuple(sorted(self.phases, key=lambda p: (p.order, p.key)))
        )

    @classmethod
    def from_records(cls, records: Iterable[Any], cohort_id: str) -> CohortSnapshot:
        """Pick what concerns cohort ``cohort_id`` out of any mix of model records (for
        example ``supervise.demo.ningxia.records()``)."""
        by_type: dict[type[Any], list[Any]] = {}
        for record in records:
            by_type.setdefault(type(record), []).append(record)
        cohorts = [c for c in by_type.get(Cohort, []) if c.id == cohort_id]
        if not cohorts:
            raise LookupError(f"no cohort {cohort_id!r} among the records")
        cohort = cohorts[0]
        programs = [p for p in by_type.get(Program, []) if p.id == cohort.program_id]
        if not programs:
            raise LookupError(f"no program {cohort.program_id!r} among the records")

        def of_cohort(kind: type[Any]) -> list[Any]:
            return [r for r in by_type.get(kind, []) if r.cohort_id == cohort_id]

        enrollments = of_cohort(Enrollment)
        mentors = of_cohort(MentorRole)
        involved = {e.person_id for e in enrollments} | {m.person_id for m in mentors}
        return cls(
            program=programs[0],
            phases=[p for p in by_type.get(PhaseSpec, []) if p.program_id == cohort.program_id],
            cohort=cohort,
            enrollments=enrollments,
            names={p.id: p.name for p in by_type.get(Person, []) if p.id in involved},
            mentors=mentors,
            pairings=of_cohort(Pairing),
            activities=of_cohort(Activity),
            sessions=of_cohort(Session),
            deliverables=of_cohort(Deliverable),
            exemptions=of_cohort(Exemption),
            outcomes=[o for o in by_type.get(Outcome, []) if o.person_id in involved],
        )


def tally(snapshot: CohortSnapshot, as_of: date) -> dict[tuple[str, str], PhaseTally]:
    """Reduce the snapshot's records dated on or before ``as_of`` to tallies per
    (person_id, phase key). Records of phases the program lacks are ignored."""
    phases = {p.key: p for p in snapshot.phases}
    hours: dict[tuple[str, str], list[float]] = {}
    days: dict[tuple[str, str], set[date]] = {}
    counts: dict[tuple[str, str], dict[str, int]] = {}

    def bump(key: tuple[str, str], name: str, n: int = 1) -> None:
        slot = counts.setdefault(key, {"sessions": 0, "deliverables": 0, "records": 0})
        slot[name] += n

    for a in snapshot.activities:
        if a.on <= as_of and a.phase in phases:
            key = (a.person_id, a.phase)
            hours.setdefault(key, []).append(a.hours)
            days.setdefault(key, set()).add(a.on)
            bump(key, "records")
    for s in snapshot.sessions:
        if s.on <= as_of and s.phase in phases:
            minimum = phases[s.phase].requirements.min_session_minutes or 0
            for person in s.attendees:
                bump((person, s.phase), "records")
                bump((person, s.phase), "sessions", int(s.minutes >= minimum))
    for d in snapshot.deliverables:
        if d.submitted_on <= as_of and d.phase in phases:
            pass_score = phases[d.phase].requirements.pass_score
            passed = pass_score is None or (d.score is not None and d.score >= pass_score)
            bump((d.person_id, d.phase), "records")
            bump((d.person_id, d.phase), "deliverables", int(passed))
    exempt = {(e.person_id, e.phase) for e in snapshot.exemptions if e.granted_on <= as_of}
    result = {}
    for key in set(counts) | exempt:
        slot = counts.get(key, {})
        result[key] = PhaseTally(
            hours=round(math.fsum(hours.get(key, ())), HOURS_PRECISION),
            sessions=slot.get("sessions", 0),
            days=len(days.get(key, ())),
            deliverables=slot.get("deliverables", 0),
            records=slot.get("records", 0),
            exempt=key in exempt,
        )
    return result
