"""Who qualifies under a policy, as of a date, and what everyone else is missing.

:class:`Population` holds one :class:`~supervise.core.rules.PersonView` per person: the facts
the policy's rules read, as of a date. Build it from model objects with
:meth:`Population.from_records` (pure Python), or let the registry build it from SQL
(:meth:`supervise.Registry.eligibility`); both give the same views, and the tests check it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from supervise.core.policy import Policy
from supervise.core.progress import PhaseStatus, TraineeStatus, progress
from supervise.core.rules import Labels, Measure, PersonView, Rule, RuleResult
from supervise.core.snapshot import HOURS_PRECISION, CohortSnapshot
from supervise.dates import parse_date
from supervise.model import (
    Activity,
    Cohort,
    Credential,
    CredentialLevel,
    Deliverable,
    Enrollment,
    Outcome,
    Person,
    PhaseSpec,
    Program,
    Session,
)

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["EligibilityReport", "PersonEligibility", "Population", "eligibility", "measure_value"]


@attrs.frozen(kw_only=True)
class Population:
    """The people to assess, each as a :class:`PersonView` as of ``as_of`` (sorted by id),
    with the names messages use and each program's phase keys (to check policies)."""

    as_of: date
    views: tuple[PersonView, ...]
    labels: Labels = attrs.field(factory=Labels)
    phases: dict[str, frozenset[str]] = attrs.field(factory=dict)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Any],
        as_of: date | str,
        measures: Iterable[Measure] = (),
        people: Iterable[str] | None = None,
    ) -> Population:
        """Views of the people among ``records`` (or only ``people``), computed in Python.

        ``measures`` are the figures to tally (``policy.measures()``)."""
        day = parse_date(as_of)
        records = list(records)
        by_type: dict[type[Any], list[Any]] = {}
        for record in records:
            by_type.setdefault(type(record), []).append(record)
        persons = sorted(by_type.get(Person, []), key=lambda p: p.id)
        if people is not None:
            wanted = set(people)
            persons = [p for p in persons if p.id in wanted]
        completed, done = _completions(records, by_type, day)
        enrolled = _enrolled_programs(by_type, day)
        figures = {m: _measure(m, by_type, day) for m in set(measures)}
        views = tuple(
            PersonView(
                person_id=p.id,
                name=p.name,
                region_code=p.region_code,
                practice_since=p.practice_since,
                credential=_highest(
                    c.level
                    for c in by_type.get(Credential, [])
                    if c.person_id == p.id and c.held_on(day)
                ),
                outcomes=frozenset(
                    (o.kind, o.on)
                    for o in by_type.get(Outcome, [])
                    if o.person_id == p.id and o.on <= day
                ),
                programs=frozenset(enrolled.get(p.id, ())),
                completed_programs=frozenset(completed.get(p.id, ())),
                phases_done=frozenset(done.get(p.id, ())),
                measures={m: v[p.id] for m, v in figures.items() if p.id in v},
            )
            for p in persons
        )
        return cls(as_of=day, views=views, **_context(by_type))


def _context(by_type: dict[type[Any], list[Any]]) -> dict[str, Any]:
    phases: dict[str, set[str]] = {p.id: set() for p in by_type.get(Program, [])}
    names: dict[str, str] = {}
    for spec in sorted(by_type.get(PhaseSpec, []), key=lambda s: (s.program_id, s.order)):
        phases.setdefault(spec.program_id, set()).add(spec.key)
        names.setdefault(spec.key, spec.name)
    return {
        "labels": Labels(phases=names, programs={p.id: p.name for p in by_type.get(Program, [])}),
        "phases": {k: frozenset(v) for k, v in phases.items()},
    }


def _enrolled_programs(by_type: dict[type[Any], list[Any]], as_of: date) -> dict[str, set[str]]:
    program_of = {c.id: c.program_id for c in by_type.get(Cohort, [])}
    enrolled: dict[str, set[str]] = {}
    for e in by_type.get(Enrollment, []):
        if e.enrolled_on <= as_of and e.cohort_id in program_of:
            enrolled.setdefault(e.person_id, set()).add(program_of[e.cohort_id])
    return enrolled


def _highest(levels: Iterable[CredentialLevel]) -> CredentialLevel | None:
    return max(levels, key=lambda level: level.rank, default=None)


def _completions(
    records: list[Any], by_type: dict[type[Any], list[Any]], as_of: date
) -> tuple[dict[str, set[str]], dict[str, set[tuple[str, str]]]]:
    """Programs each person completed, and (program, phase) each person has done."""
    completed: dict[str, set[str]] = {}
    done: dict[str, set[tuple[str, str]]] = {}
    for cohort in by_type.get(Cohort, []):
        result = progress(CohortSnapshot.from_records(records, cohort.id), as_of)
        for trainee in result.trainees:
            if trainee.status is TraineeStatus.COMPLETED:
                completed.setdefault(trainee.person_id, set()).add(cohort.program_id)
            for phase in trainee.phases:
                if phase.status in (PhaseStatus.COMPLETE, PhaseStatus.EXEMPT):
                    done.setdefault(trainee.person_id, set()).add((cohort.program_id, phase.key))
    return completed, done


def _measure(
    measure: Measure, by_type: dict[type[Any], list[Any]], as_of: date
) -> dict[str, float]:
    """One figure for every person who has a non-zero value (or any score)."""
    program_of = {c.id: c.program_id for c in by_type.get(Cohort, [])}

    def wanted(cohort_id: str, phase: str, on: date) -> bool:
        return (
            on <= as_of
            and (measure.since is None or on >= measure.since)
            and (measure.phase is None or phase == measure.phase)
            and (measure.program is None or program_of.get(cohort_id) == measure.program)
        )

    if measure.kind == "hours":
        hours: dict[str, list[float]] = {}
        for a in by_type.get(Activity, []):
            if wanted(a.cohort_id, a.phase, a.on):
                hours.setdefault(a.person_id, []).append(a.hours)
        totals = {p: round(math.fsum(h), HOURS_PRECISION) for p, h in hours.items()}
        return {p: t for p, t in totals.items() if t}
    if measure.kind == "sessions":
        minimum = {
            (s.program_id, s.key): s.requirements.min_session_minutes or 0
            for s in by_type.get(PhaseSpec, [])
        }
        counts: dict[str, float] = {}
        for s in by_type.get(Session, []):
            long_enough = s.minutes >= minimum.get((program_of.get(s.cohort_id), s.phase), 0)
            if long_enough and wanted(s.cohort_id, s.phase, s.on):
                for person in s.attendees:
                    counts[person] = counts.get(person, 0) + 1
        return counts
    if measure.kind == "best_score":
        best: dict[str, float] = {}
        for d in by_type.get(Deliverable, []):
            if d.score is not None and wanted(d.cohort_id, d.phase, d.submitted_on):
                best[d.person_id] = max(best.get(d.person_id, d.score), d.score)
        return best
    raise ValueError(f"unknown measure kind {measure.kind!r}")


def measure_value(view: PersonView, measure: Measure) -> float | None:
    """A view's figure for ``measure``: 0 for absent sums, ``None`` for an absent score."""
    default = None if measure.kind == "best_score" else 0
    return view.measures.get(measure, default)


@attrs.frozen(kw_only=True)
class PersonEligibility:
    """One person under a policy on ``as_of``: eligible when every rule of the policy holds.

    Whether each rule holds (``met``) is decided for everyone at once; the explanations
    (``results``, with actual and required values and messages) are built on first use,
    since a province-wide run seldom reads them all."""

    person_id: str
    name: str
    met: tuple[bool, ...]
    view: PersonView
    rules: tuple[Rule, ...]
    as_of: date
    labels: Labels = attrs.field(factory=Labels, eq=False)

    @property
    def eligible(self) -> bool:
        return all(self.met)

    @property
    def unmet(self) -> int:
        """How many of the policy's rules are not met."""
        return self.met.count(False)

    @functools.cached_property
    def results(self) -> tuple[RuleResult, ...]:
        """One result per rule of the policy, in order."""
        return tuple(r.evaluate(self.view, self.as_of, self.labels) for r in self.rules)

    def missing(self) -> list[RuleResult]:
        """The unmet leaf results: exactly what is missing."""
        if self.eligible:
            return []
        return [leaf for r in self.results for leaf in r.leaves_missing()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "eligible": self.eligible,
            "rules": [r.to_dict() for r in self.results],
        }


@attrs.frozen(kw_only=True)
class EligibilityReport:
    """Everyone assessed under a policy on ``as_of``, in person-id order."""

    policy_id: str
    policy_version: str
    policy_name: str
    as_of: date
    people: tuple[PersonEligibility, ...]

    @property
    def eligible(self) -> tuple[str, ...]:
        """Person ids of everyone who qualifies."""
        return tuple(p.person_id for p in self.people if p.eligible)

    def person(self, person_id: str) -> PersonEligibility:
        for p in self.people:
            if p.person_id == person_id:
                return p
        raise KeyError(f"{person_id!r} was not assessed")

    def missing(self, person_id: str) -> list[RuleResult]:
        """What ``person_id`` lacks: the unmet leaf results (empty when eligible)."""
        return self.person(person_id).missing()

    def nearly(self, n: int = 1) -> tuple[str, ...]:
        """Person ids of those who miss by exactly ``n`` of the policy's rules."""
        return tuple(p.person_id for p in self.people if p.unmet == n)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; the shape is a public contract (docs/eligibility.md)."""
        return {
            "policy": {
                "id": self.policy_id,
                "version": self.policy_version,
                "name": self.policy_name,
            },
            "as_of": self.as_of.isoformat(),
            "eligible": list(self.eligible),
            "people": [p.to_dict() for p in self.people],
        }

    def to_pandas(self, table: str = "rules", lang: str = "zh") -> DataFrame:
        """A pandas DataFrame: ``rules`` (one row per person and rule, the default) or
        ``people`` (one row per person with everything missing), messages in ``lang``.
        Needs ``supervise[pandas]``."""
        from supervise.present.frames import eligibility_frame

        return eligibility_frame(self, table, lang)

    def to_html(self, lang: str = "zh", only: bool | None = None) -> str:
        """An HTML table: a green tick, or a red cross and everything missing."""
        from supervise.present.eligibility import to_html

        return to_html(self, lang, only=only)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str = "zh", only: bool | None = None) -> str:
        """A terminal table: one row per person with a tick or the first missing thing
        (only the eligible, or only the others, with ``only=True`` / ``False``)."""
        from supervise.present.eligibility import to_text

        return to_text(self, lang, only=only)

    def __str__(self) -> str:
        return self.to_text()


def eligibility(
    policy: Policy,
    data: Population | Iterable[Any],
    as_of: date | str | None = None,
    people: Iterable[str] | None = None,
) -> EligibilityReport:
    """Assess everyone in ``data`` under ``policy``.

    ``data`` is a :class:`Population` (already as of a date) or any iterable of model records,
    assessed as of ``as_of`` (default today), optionally narrowed to ``people``.

    >>> from supervise.core.policy import load_policy
    >>> from supervise.demo import ningxia
    >>> report = eligibility(load_policy("nx-expert-pool"), ningxia.records(), "2024-12-06")
    >>> len(report.people), len(report.eligible)
    (78, 27)
    """
    if isinstance(data, Population):
        if as_of is not None and parse_date(as_of) != data.as_of:
            raise ValueError(f"the population is as of {data.as_of}, not {as_of}")
        population = data
        if people is not None:
            wanted = set(people)
            population = attrs.evolve(
                population, views=tuple(v for v in data.views if v.person_id in wanted)
            )
    else:
        day = date.today() if as_of is None else parse_date(as_of)
        population = Population.from_records(data, day, policy.measures(), people)
    policy.check(population.phases)
    day, rules, labels = population.as_of, policy.rules, population.labels
    assessed = tuple(
        PersonEligibility(
            person_id=view.person_id,
            name=view.name,
            met=tuple(r.holds(view, day) for r in rules),
            view=view,
            rules=rules,
            as_of=day,
            labels=labels,
        )
        for view in population.views
    )
    return EligibilityReport(
        policy_id=policy.id,
        policy_version=policy.version,
        policy_name=policy.name,
        as_of=population.as_of,
        people=assessed,
    )
