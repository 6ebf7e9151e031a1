"""Talent structure, outcomes and targets on the engine: each reads only the tables it
needs (tiers: people and credentials; targets of credentials or outcomes: no tallies)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from supervise.core.outcomes import OutcomeTally
from supervise.core.placements import PlacementRow, Placements
from supervise.core.targets import Target
from supervise.core.tiers import LEVELS, TierCounts
from supervise.engine import Engine
from supervise.engine.eligibility import ELIGIBILITY_TABLES, progress_tables
from supervise.model import OutcomeKind
from supervise.semantics import structure

__all__ = ["outcomes", "placements", "target_count", "tiers"]


def tiers(engine: Engine, as_of: date, by: str | None = None) -> TierCounts:
    """People by the highest credential held on ``as_of``, optionally grouped ``by``
    province, prefecture, county or program."""
    if by is not None and by not in structure.GROUPINGS:
        raise ValueError(
            f"unknown grouping {by!r}; expected one of {', '.join(structure.GROUPINGS)}"
        )

    def ask() -> TierCounts:
        engine.bind(("people", "credentials", "enrollments", "cohorts"))
        groups: dict[str, dict[str, int]] = {}
        for group, tier, people in engine.rows(structure.tiers(as_of, by)):
            counts = groups.setdefault(group, dict.fromkeys((*LEVELS, "total"), 0))
            counts[tier] += people
            counts["total"] += people
        if by is None and not groups:
            groups["all"] = dict.fromkeys((*LEVELS, "total"), 0)
        return TierCounts(as_of=as_of, by=by, groups=dict(sorted(groups.items())))

    return engine.answer(ask)


def outcomes(
    engine: Engine,
    as_of: date,
    cohorts: Sequence[str] | None,
    program: str | None = None,
    cohort: str | None = None,
) -> OutcomeTally:
    """Among the trainees of ``cohorts`` (all when ``None``) on ``as_of``: people enrolled,
    trained (completed) and per outcome kind; ``program`` and ``cohort`` label the tally."""

    def ask() -> OutcomeTally:
        tables = progress_tables(engine, as_of)()
        engine.bind(ELIGIBILITY_TABLES)
        ((enrolled, trained),) = engine.rows(structure.trained(tables, cohorts))
        people = dict(engine.rows(structure.outcome_people(as_of, tables, cohorts)))
        return OutcomeTally(
            as_of=as_of,
            program=program,
            cohort=cohort,
            enrolled=enrolled,
            trained=trained,
            outcomes={kind.value: people.get(kind.value, 0) for kind in OutcomeKind},
        )

    return engine.answer(ask)


def target_count(engine: Engine, target: Target, as_of: date) -> int:
    """How many people count towards ``target`` on ``as_of``."""

    def ask() -> int:
        engine.bind(("people", *ELIGIBILITY_TABLES))
        sql = structure.counted(target.rule(), as_of, progress_tables(engine, as_of), target.region)
        ((people,),) = engine.rows(sql)
        return int(people)

    return engine.answer(ask)


def placements(
    engine: Engine,
    as_of: date,
    cohorts: Sequence[str] | None,
    program: str | None = None,
    cohort: str | None = None,
) -> Placements:
    """The placements of ``cohorts`` (all when ``None``) begun by ``as_of``; ``program`` and
    ``cohort`` label the result."""

    def ask() -> Placements:
        engine.bind(("placements", "people"))
        rows = tuple(
            PlacementRow(
                cohort_id=cohort_id,
                person_id=person_id,
                name=name,
                station=station,
                region_code=region_code,
                starts_on=starts_on,
                ends_on=ends_on,
                in_post=in_post,
            )
            for (
                cohort_id,
                person_id,
                name,
                station,
                region_code,
                starts_on,
                ends_on,
                in_post,
            ) in engine.rows(structure.placements(as_of, cohorts))
        )
        return Placements(as_of=as_of, program=program, cohort=cohort, rows=rows)

    return engine.answer(ask)
