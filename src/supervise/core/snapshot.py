"""What progress is computed from, as model objects: one cohort's records.

A :class:`CohortSnapshot` gathers the records that concern one cohort, from a registry
(:meth:`supervise.Registry.snapshot`) or from any mix of model objects
(:meth:`CohortSnapshot.from_records`); :func:`supervise.progress` answers from it with the same
definition a registry uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

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

__all__ = ["CohortSnapshot"]


def _tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class CohortSnapshot:
    """Everything about one cohort that progress needs, as model objects (and ``names``, the
    names of its trainees and mentors by person id).

    Build it from a registry (:meth:`supervise.Registry.snapshot`) or from any list of records
    with :meth:`from_records`.
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

    def records(self) -> Iterator[Any]:
        """Every record of the snapshot, its people included (named as in ``names``)."""
        yield self.program
        yield from self.phases
        yield self.cohort
        for person_id, name in self.names.items():
            yield Person(id=person_id, name=name)
        for group in (
            self.enrollments,
            self.mentors,
            self.pairings,
            self.activities,
            self.sessions,
            self.deliverables,
            self.exemptions,
            self.outcomes,
        ):
            yield from group
