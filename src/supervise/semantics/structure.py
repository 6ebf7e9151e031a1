"""Talent structure, outcomes and targets, as of a date: the definitions.

- :func:`tiers`: people by the highest credential held (the same fact rules read), grouped by
  region code prefix or by the programs a person is enrolled in;
- :func:`trained` and :func:`outcome_people`: what the chosen cohorts produced (Ningxia's
  table: of 60 trained, 18 admitted to the expert pool, ...);
- :func:`counted`: how many people of a region a target's rule holds for;
- :func:`placements`: the placements of the chosen cohorts begun by a date, and whether
  each is in force on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from supervise.semantics import literal
from supervise.semantics.eligibility import PersonFacts, Tables, credential_held
from supervise.semantics.rules import Rule

__all__ = [
    "GROUPINGS",
    "UNKNOWN",
    "counted",
    "outcome_people",
    "placements",
    "tiers",
    "trained",
]

#: Ways to group: region code prefixes of 2 (province), 4 (prefecture) or 6 (county) digits,
#: or the programs a person is enrolled in (0).
GROUPINGS = {"province": 2, "prefecture": 4, "county": 6, "program": 0}
#: The group of people with no region code (or no program) when grouping.
UNKNOWN = "unknown"


def tiers(as_of: date, by: str | None) -> str:
    """Rows ``(group, tier, people)``: tier is the highest level held on the date, or
    ``none``. Everyone in the registry counts, mentors included; grouped by program, a
    person enrolled (on or before the date) in several programs counts in each."""
    on = literal.day(as_of)
    unknown = literal.text(UNKNOWN)
    if by is None:
        group = "'all'"
        source = "people p"
    elif by == "program":
        group = f"coalesce(e.program_id, {unknown})"
        source = (
            "people p LEFT JOIN (SELECT DISTINCT e.person_id, c.program_id FROM enrollments e "
            f"JOIN cohorts c ON c.id = e.cohort_id WHERE e.enrolled_on <= {on}) e "
            "ON e.person_id = p.id"
        )
    else:
        digits = GROUPINGS[by]
        group = (
            f"CASE WHEN length(p.region_code) >= {digits} "
            f"THEN substr(p.region_code, 1, {digits}) ELSE {unknown} END"
        )
        source = "people p"
    return f"""
SELECT {group} AS grp, coalesce(h.level, 'none') AS tier, count(*) AS people
FROM {source}
LEFT JOIN ({credential_held(as_of)}) h ON h.person_id = p.id
GROUP BY ALL
"""


def _only(cohorts: Sequence[str] | None) -> str:
    return "true" if cohorts is None else f"r.cohort_id IN {literal.texts(cohorts)}"


def trained(tables: Tables, cohorts: Sequence[str] | None) -> str:
    """One row ``(enrolled, trained)``: distinct people enrolled in the chosen cohorts on the
    date, and those of them who completed one (a person in several cohorts counts once)."""
    return f"""
SELECT count(DISTINCT r.person_id) AS enrolled,
    count(DISTINCT r.person_id) FILTER (WHERE t.trainee_status = 'completed') AS trained
FROM {tables.roster} r JOIN {tables.phases} t ON t.trainee = r.trainee
WHERE {_only(cohorts)}
"""


def outcome_people(as_of: date, tables: Tables, cohorts: Sequence[str] | None) -> str:
    """Rows ``(kind, people)``: among the people enrolled in the chosen cohorts on the date,
    how many have an outcome of each kind dated on or before it."""
    on = literal.day(as_of)
    return f"""
SELECT o.kind, count(DISTINCT o.person_id) AS people
FROM outcomes o
WHERE o."on" <= {on}
    AND o.person_id IN (SELECT r.person_id FROM {tables.roster} r WHERE {_only(cohorts)})
GROUP BY o.kind
"""


def counted(rule: Rule, as_of: date, tables: Callable[[], Tables], region: str | None) -> str:
    """One row ``(people)``: how many people, of ``region`` (a region code prefix) when
    given, ``rule`` holds for on the date."""
    facts = PersonFacts(as_of, tables)
    compiled = rule.compile(facts, [])
    where = f"coalesce({compiled.met}, false)"
    if region is not None:
        where += f" AND starts_with(coalesce(p.region_code, ''), {literal.text(region)})"
    joins = "\n".join(facts.joins)
    return f"SELECT count(*) AS people FROM people p\n{joins}\nWHERE {where}"


def placements(as_of: date, cohorts: Sequence[str] | None) -> str:
    """Rows ``(cohort_id, person_id, name, station, region_code, starts_on, ends_on,
    in_post)``: the placements of the chosen cohorts (every cohort when ``None``) that began
    on or before the date, as records dated after it do not count; ``in_post`` when the date
    falls within the placement (one without an end is open). In cohort, station, person and
    start order."""
    on = literal.day(as_of)
    chosen = "true" if cohorts is None else f"pl.cohort_id IN {literal.texts(cohorts)}"
    return f"""
SELECT pl.cohort_id, pl.person_id, p.name, pl.station, pl.region_code, pl.starts_on,
    pl.ends_on, coalesce(pl.ends_on >= {on}, true) AS in_post
FROM placements pl JOIN people p ON p.id = pl.person_id
WHERE pl.starts_on <= {on} AND {chosen}
ORDER BY pl.cohort_id, pl.station, pl.person_id, pl.starts_on
"""
