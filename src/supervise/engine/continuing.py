"""Continuing education on the engine: the cycles statement of
:mod:`supervise.semantics.continuing`, for everyone certified and registered on a date."""

from __future__ import annotations

from datetime import date

from supervise.core.continuing import CycleStatus, EducationReport
from supervise.engine import Engine
from supervise.model import CredentialLevel
from supervise.semantics.continuing import DEFAULT_REQUIREMENT, CycleRequirement, cycles

__all__ = ["EDUCATION_TABLES", "continuing_education"]

#: The tables the question reads.
EDUCATION_TABLES = ("people", "credentials", "continuing_education")


def continuing_education(
    engine: Engine,
    as_of: date,
    requirement: CycleRequirement = DEFAULT_REQUIREMENT,
    within: int | None = None,
) -> EducationReport:
    """Everyone holding a credential on ``as_of`` and registered by then, in the cycle
    containing it: hours done and required; ``within`` (days) narrows what the report
    lists as due."""
    if within is not None and within < 0:
        raise ValueError(f"within must be a number of days of at least 0, not {within!r}")

    def ask() -> EducationReport:
        engine.bind(EDUCATION_TABLES)
        sql = (
            f"SELECT c.person_id, coalesce(p.name, c.person_id), c.level, c.starts, c.ends, "
            f"c.hours, c.required FROM ({cycles(as_of, requirement)}) c "
            "LEFT JOIN people p ON p.id = c.person_id "
            "WHERE c.starts IS NOT NULL ORDER BY c.person_id"
        )
        people = [
            CycleStatus(
                person_id=person,
                name=name,
                level=CredentialLevel.parse(level),
                starts=starts,
                ends=ends,
                hours=hours,
                required=required,
            )
            for person, name, level, starts, ends, hours, required in engine.rows(sql)
        ]
        return EducationReport(as_of=as_of, requirement=requirement, people=people, within=within)

    return engine.answer(ask)
