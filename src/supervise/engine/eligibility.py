"""Eligibility on the engine: one statement per policy and date, the progress tables of that
date shared with progress, the verdicts handed to the report as columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from supervise.core.eligibility import EligibilityColumns, EligibilityReport, PeopleRows
from supervise.core.policy import Policy, VersionedPolicy, deciding
from supervise.core.progress import DEFAULT_TOLERANCE
from supervise.dates import parse_date
from supervise.engine import Engine, StaticRows
from supervise.engine.progress import PROGRESS_TABLES, tallied
from supervise.engine.records import rows_of
from supervise.semantics.continuing import DEFAULT_REQUIREMENT
from supervise.semantics.eligibility import Tables, statement
from supervise.semantics.rules import Labels

__all__ = [
    "ELIGIBILITY_TABLES",
    "eligibility",
    "eligibility_of_records",
    "labels",
    "phases_by_program",
    "progress_tables",
]

#: The tables eligibility reads (those of progress, for completion, and the person's own).
ELIGIBILITY_TABLES = (*PROGRESS_TABLES, "credentials", "outcomes", "continuing_education")


def eligibility(
    engine: Engine,
    policy: Policy,
    as_of: date,
    people: Iterable[str] | None = None,
    cohort: str | None = None,
) -> EligibilityReport:
    """Everyone (or ``people``, or the trainees of ``cohort``) under ``policy`` on ``as_of``.
    Raises :class:`~supervise.PolicyError` when the policy names a program or phase the data
    lacks."""
    chosen = None if people is None else sorted(set(people))
    return engine.answer(lambda: _eligibility(engine, policy, as_of, chosen, cohort))


def _eligibility(
    engine: Engine,
    policy: Policy,
    as_of: date,
    people: Sequence[str] | None,
    cohort: str | None,
) -> EligibilityReport:
    engine.bind(ELIGIBILITY_TABLES)
    policy.check(phases_by_program(engine))
    requirement = policy.continuing_education or DEFAULT_REQUIREMENT
    sql, nodes, top = statement(
        policy.rules, as_of, progress_tables(engine, as_of), people, cohort, requirement
    )
    columns = EligibilityColumns(
        table=engine.fetch(sql), nodes=tuple(nodes), top=tuple(top), labels=labels(engine)
    )
    return EligibilityReport(
        policy_id=policy.id,
        policy_version=policy.version,
        policy_name=policy.name,
        as_of=as_of,
        people=PeopleRows(columns, as_of),
        effective_from=policy.effective_from,
        effective_until=policy.effective_until,
    )


def progress_tables(engine: Engine, as_of: date) -> Callable[[], Tables]:
    """The progress tables of ``as_of`` (at the default tolerance, so that they are the ones
    progress keeps), computed when first asked for."""

    def tables() -> Tables:
        t = tallied(engine, as_of, DEFAULT_TOLERANCE)
        return Tables(t.roster, t.phases, t.plan)

    return tables


def phases_by_program(engine: Engine) -> dict[str, frozenset[str]]:
    """Each program's phase keys (programs without phases included)."""
    found: dict[str, set[str]] = {p: set() for (p,) in engine.rows("SELECT id FROM programs")}
    for program, key in engine.rows("SELECT program_id, key FROM phases"):
        found.setdefault(program, set()).add(key)
    return {program: frozenset(keys) for program, keys in found.items()}


def labels(engine: Engine) -> Labels:
    """Phase names (the first program's, in program and phase order) and program names."""
    names: dict[str, str] = {}
    for key, name in engine.rows('SELECT key, name FROM phases ORDER BY program_id, "order"'):
        names.setdefault(key, name)
    return Labels(phases=names, programs=dict(engine.rows("SELECT id, name FROM programs")))


def eligibility_of_records(
    policy: Policy | VersionedPolicy,
    records: Iterable[Any],
    as_of: date | str | None = None,
    people: Iterable[str] | None = None,
    version: str | None = None,
) -> EligibilityReport:
    """Assess everyone among model ``records`` under ``policy`` on ``as_of`` (default
    today), optionally only ``people``, by the same definition a registry uses: the
    version in force on ``as_of``, or the one ``version`` names.

    >>> from supervise.core.policy import load_policy
    >>> from supervise.demo import ningxia
    >>> report = eligibility_of_records(load_policy("nx-expert-pool"), ningxia.records(),
    ...                                 "2024-12-06")
    >>> len(report.people), len(report.eligible)
    (78, 27)
    """
    day = date.today() if as_of is None else parse_date(as_of)
    in_force = deciding(policy, day, version)
    engine = Engine(StaticRows(rows_of(records)), threads=1)
    try:
        return eligibility(engine, in_force, day, people)
    finally:
        engine.close()
