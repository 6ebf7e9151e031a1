"""Continuing education (继续教育) per registration cycle: the definition.

Certified social workers owe hours of continuing education in every registration cycle.
Cycles run from the ``registered_on`` of the highest credential a person holds on the date
(its ``issued_on`` when it was not registered), ``years`` long (three by default), one after
the other: the cycle containing the date starts on the last anniversary that is a multiple of
``years`` (29 February falling on 28 February, as everywhere in `supervise`) and ends the day
before the next. Each level requires its hours, data a province sets
(:class:`CycleRequirement`; the defaults: 72 hours for assistant, 90 for intermediate and
senior). Records of ``continuing_education`` dated in the cycle, up to the date, count.

:func:`cycles` is the one statement: the ``continuing_education_at_least`` rule
(:mod:`supervise.semantics.rules`) and ``supervise ce`` both read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from supervise.model import CredentialLevel
from supervise.semantics import literal

__all__ = ["DEFAULT_REQUIREMENT", "CycleRequirement", "cycles"]


class CycleRequirement(NamedTuple):
    """Hours of continuing education each credential level requires per cycle (by level
    value: ``assistant``, ``intermediate``, ``senior``), and the cycle's length in years."""

    hours: Mapping[str, float]
    years: int = 3


#: The requirement when a province sets none: 72 hours for assistant social workers, 90 for
#: intermediate and senior, per three-year cycle.
DEFAULT_REQUIREMENT = CycleRequirement({"assistant": 72.0, "intermediate": 90.0, "senior": 90.0}, 3)


def cycles(as_of: date, requirement: CycleRequirement, hours: float | None = None) -> str:
    """One row per person holding a credential on the date: ``person_id``, ``level`` (the
    highest held), ``registered`` (where the cycles run from), ``starts`` and ``ends`` (the
    cycle containing the date; NULL when registered after the date), ``hours`` (continuing
    education in the cycle up to the date) and ``required`` (``hours`` when given, else the
    level's)."""
    on = literal.day(as_of)
    years = requirement.years
    rank = (
        "CASE c.level "
        + " ".join(f"WHEN {literal.text(lvl.value)} THEN {lvl.rank}" for lvl in CredentialLevel)
        + " END"
    )
    if hours is not None:
        required = f"CAST({literal.number(float(hours))} AS DOUBLE)"
    else:
        required = (
            "CASE h.level "
            + " ".join(
                f"WHEN {literal.text(level)} THEN CAST({literal.number(float(need))} AS DOUBLE)"
                for level, need in sorted(requirement.hours.items())
            )
            + " END"
        )
    return f"""
WITH held AS (
    SELECT c.person_id, c.level, coalesce(c.registered_on, c.issued_on) AS registered,
        row_number() OVER (PARTITION BY c.person_id
            ORDER BY {rank} DESC, c.issued_on DESC, coalesce(c.registered_on, c.issued_on) DESC)
            AS n
    FROM credentials c
    WHERE c.issued_on <= {on} AND coalesce(c.expires_on >= {on}, true)
),
cycle AS (
    SELECT person_id, level, registered,
        date_sub('year', registered, {on}) // {years} AS k
    FROM held WHERE n = 1
),
dated AS (
    SELECT person_id, level, registered,
        CASE WHEN registered <= {on}
            THEN CAST(registered + to_years(CAST(k * {years} AS INTEGER)) AS DATE) END AS starts,
        CASE WHEN registered <= {on}
            THEN CAST(registered + to_years(CAST((k + 1) * {years} AS INTEGER)) AS DATE) - 1
            END AS ends
    FROM cycle
)
SELECT h.person_id, h.level, h.registered, h.starts, h.ends,
    CASE WHEN h.starts IS NULL THEN NULL ELSE coalesce(CAST(sum(e.hours) AS DOUBLE), 0.0) END
        AS hours,
    {required} AS required
FROM dated h
LEFT JOIN continuing_education e
    ON e.person_id = h.person_id AND e."on" >= h.starts AND e."on" <= h.ends AND e."on" <= {on}
GROUP BY h.person_id, h.level, h.registered, h.starts, h.ends
"""
