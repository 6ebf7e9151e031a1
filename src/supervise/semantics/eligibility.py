"""Eligibility, as of a date: the facts rules read, and one statement for a whole policy.

:class:`PersonFacts` defines each fact once (what counts towards hours, which sessions count,
the best score, completion, credentials held, practice years, outcomes) as a grouped query
joined to the people assessed; :func:`statement` asks every rule of a policy, nested ones
included, to :meth:`~supervise.semantics.rules.Rule.compile` itself over those facts and
gives one row per person with a value and a verdict per rule. Completion and phases done come
from the progress tables of the same date (:mod:`supervise.semantics.progress`), so both
questions share one set of tallies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from supervise.model import CredentialLevel
from supervise.semantics import literal, signoff
from supervise.semantics.continuing import DEFAULT_REQUIREMENT, CycleRequirement, cycles
from supervise.semantics.rules import Compiled, Cycle, Rule, Scope, SessionCounts

__all__ = ["Node", "PersonFacts", "Tables", "credential_held", "nodes", "statement"]


class Tables(NamedTuple):
    """The progress tables of the date (:mod:`supervise.semantics.progress`): roster, trainee
    phases (with each trainee's own figures) and phase plan."""

    roster: str
    phases: str
    plan: str


class Node(NamedTuple):
    """A rule of the policy (nested ones included, depth first) and its place: ``value_<n>``
    and ``met_<n>`` are its columns; ``children`` the numbers of its nested rules."""

    number: int
    rule: Rule
    children: tuple[int, ...]


def nodes(rules: Sequence[Rule]) -> tuple[list[Node], list[int]]:
    """Every rule of ``rules`` and every rule nested in them, numbered depth first, and the
    numbers of ``rules`` themselves."""
    found: list[Node] = []

    def visit(rule: Rule) -> int:
        number = len(found)
        found.append(Node(number, rule, ()))
        children = tuple(visit(child) for child in rule.children())
        found[number] = Node(number, rule, children)
        return number

    top = [visit(rule) for rule in rules]
    return found, top


def credential_held(as_of: date) -> str:
    """Per person, the highest credential level held on the date: issued on or before it and
    not expired before it (a credential is still held on its ``expires_on`` day)."""
    on = literal.day(as_of)
    rank = (
        "CASE level "
        + " ".join(f"WHEN {literal.text(lvl.value)} THEN {lvl.rank}" for lvl in CredentialLevel)
        + " END"
    )
    return f"""
SELECT person_id, arg_max(level, {rank}) AS level
FROM credentials
WHERE issued_on <= {on} AND coalesce(expires_on >= {on}, true)
GROUP BY person_id
"""


class PersonFacts:
    """The facts of :class:`~supervise.semantics.rules.Facts`, each a grouped subquery joined
    to the people assessed (``p``) once, however many rules read it. ``requirement`` is the
    continuing education each credential level owes per cycle."""

    def __init__(
        self,
        as_of: date,
        tables: Callable[[], Tables],
        requirement: CycleRequirement = DEFAULT_REQUIREMENT,
    ) -> None:
        self.on = literal.day(as_of)
        self.as_of = as_of
        self.requirement = requirement
        self._tables = tables  # the progress tables are computed only if a rule reads them
        self.joins: list[str] = []
        self._aliases: dict[tuple[object, ...], str] = {}

    def _join(self, key: tuple[object, ...], select: str) -> str:
        """The alias of ``select`` (one row per ``person_id``) joined to the people."""
        alias = self._aliases.get(key)
        if alias is None:
            alias = f"f{len(self._aliases)}"
            self._aliases[key] = alias
            self.joins.append(f"LEFT JOIN ({select}) {alias} ON {alias}.person_id = p.id")
        return alias

    def _filters(self, table: str, day: str, scope: Scope) -> str:
        """The scope's filters on ``table`` (dated by ``day``), and sign-off: records that
        count under their program's ``pending_counts`` (``pr``)."""
        parts = [f"{table}.{day} <= {self.on}", signoff.counted(table, "pr.pending_counts")]
        if scope.phases is not None:
            parts.append(f"{table}.phase IN {literal.texts(scope.phases)}")
        if scope.program is not None:
            parts.append(f"c.program_id = {literal.text(scope.program)}")
        if scope.since is not None:
            parts.append(f"{table}.{day} >= {literal.day(scope.since)}")
        if scope.until is not None:
            parts.append(f"{table}.{day} <= {literal.day(scope.until)}")
        return " AND ".join(parts)

    def hours(self, scope: Scope) -> str:
        where = self._filters("a", '"on"', scope)
        alias = self._join(
            ("hours", scope),
            "SELECT a.person_id, CAST(sum(a.hours) AS DOUBLE) AS value FROM activities a "
            "JOIN cohorts c ON c.id = a.cohort_id LEFT JOIN programs pr ON pr.id = c.program_id "
            f"WHERE {where} GROUP BY a.person_id",
        )
        return f"coalesce({alias}.value, 0.0)"

    def sessions(self, scope: Scope, forms: tuple[str, ...] | None) -> SessionCounts:
        where = self._filters("s", '"on"', scope)
        if forms is not None:
            where += f" AND s.form IN {literal.texts(forms)}"
        alias = self._join(
            ("sessions", scope, forms),
            "SELECT t.person_id, count(*) FILTER (WHERE s.form <> 'group') AS other, "
            "count(*) FILTER (WHERE s.form = 'group') AS grp, sum(s.minutes) AS minutes "
            "FROM sessions s JOIN cohorts c ON c.id = s.cohort_id "
            "LEFT JOIN programs pr ON pr.id = c.program_id "
            "LEFT JOIN phases ph ON ph.program_id = c.program_id AND ph.key = s.phase "
            "JOIN session_attendees t ON t.session_id = s.id "
            f"WHERE {where} AND s.minutes >= coalesce(ph.min_session_minutes, 0) "
            "GROUP BY t.person_id",
        )
        return SessionCounts(
            other=f"coalesce({alias}.other, 0)",
            group=f"coalesce({alias}.grp, 0)",
            minutes=f"coalesce({alias}.minutes, 0)",
        )

    def best_score(self, scope: Scope) -> str:
        where = self._filters("d", "submitted_on", scope)
        alias = self._join(
            ("best_score", scope),
            "SELECT d.person_id, max(d.score) AS value FROM deliverables d "
            "JOIN cohorts c ON c.id = d.cohort_id LEFT JOIN programs pr ON pr.id = c.program_id "
            f"WHERE {where} AND d.score IS NOT NULL GROUP BY d.person_id",
        )
        return f"{alias}.value"

    def completed(self, program: str | None) -> str:
        # One join for every completed_program rule of a policy: the programs each person
        # completed, as a list (a policy may name ten programs).
        t = self._tables()
        alias = self._join(
            ("completed",),
            f"SELECT r.person_id, list(DISTINCT r.program_id) AS programs FROM {t.roster} r "
            f"JOIN {t.phases} x ON x.trainee = r.trainee "
            "WHERE x.trainee_status = 'completed' AND coalesce(x.position, 0) = 0 "
            "GROUP BY r.person_id",
        )
        if program is None:
            return f"({alias}.person_id IS NOT NULL)"
        return f"coalesce(list_contains({alias}.programs, {literal.text(program)}), false)"

    def phase_done(self, program: str, phase: str) -> str:
        t = self._tables()
        alias = self._join(
            ("phase_done",),
            "SELECT r.person_id, list(DISTINCT {'program': r.program_id, 'phase': k.key}) "
            f"AS done FROM {t.roster} r "
            f"JOIN {t.phases} x ON x.trainee = r.trainee "
            f"JOIN {t.plan} k ON k.program_id = r.program_id AND k.position = x.position "
            "WHERE x.done GROUP BY r.person_id",
        )
        wanted = f"{{'program': {literal.text(program)}, 'phase': {literal.text(phase)}}}"
        return f"coalesce(list_contains({alias}.done, {wanted}), false)"

    def credential(self) -> str:
        alias = self._join(("credential",), credential_held(self.as_of))
        return f"{alias}.level"

    def practice_years(self) -> str:
        # Whole years as relativedelta counts them (an anniversary on 29 February falls on
        # 28 February in a common year); none before practice starts.
        return (
            "CASE WHEN p.practice_since IS NULL THEN NULL "
            f"ELSE greatest(0, date_sub('year', p.practice_since, {self.on})) END"
        )

    def latest_outcome(self, kind: str, since: date | None, until: date | None) -> str:
        window = "" if since is None else f'AND o."on" >= {literal.day(since)} '
        window += "" if until is None else f'AND o."on" <= {literal.day(until)} '
        alias = self._join(
            ("outcome", kind, since, until),
            f'SELECT o.person_id, max(o."on") AS value FROM outcomes o '
            f'WHERE o.kind = {literal.text(kind)} AND o."on" <= {self.on} {window}'
            "GROUP BY o.person_id",
        )
        return f"{alias}.value"

    def cycle(self, hours: float | None) -> Cycle:
        alias = self._join(("cycle", hours), cycles(self.as_of, self.requirement, hours))
        return Cycle(
            level=f"{alias}.level",
            starts=f"{alias}.starts",
            ends=f"{alias}.ends",
            hours=f"{alias}.hours",
            # Known without a credential too, when the rule gives it.
            required=f"{alias}.required"
            if hours is None
            else f"CAST({literal.number(float(hours))} AS DOUBLE)",
        )


def statement(
    rules: Sequence[Rule],
    as_of: date,
    tables: Callable[[], Tables],
    people: Sequence[str] | None = None,
    cohort: str | None = None,
    requirement: CycleRequirement = DEFAULT_REQUIREMENT,
) -> tuple[str, list[Node], list[int]]:
    """One row per person assessed (everyone, or ``people``, or the trainees of ``cohort``),
    in id order: ``person_id``, ``name``, then ``value_<n>`` and ``met_<n>`` for each node
    (see :func:`nodes`, whose numbering of the policy's own rules comes back too).
    ``requirement`` is the continuing education each level owes per cycle."""
    facts = PersonFacts(as_of, tables, requirement)
    found, top = nodes(rules)
    compiled: dict[int, Compiled] = {}
    for node in reversed(found):  # children before their parents
        children = [compiled[c] for c in node.children]
        compiled[node.number] = node.rule.compile(facts, children)
    columns = ", ".join(
        f"{compiled[n.number].value} AS value_{n.number}, "
        f"coalesce({compiled[n.number].met}, false) AS met_{n.number}"
        for n in found
    )
    where = []
    if people is not None:
        where.append(f"p.id IN {literal.texts(people)}")
    if cohort is not None:
        where.append(
            f"p.id IN (SELECT person_id FROM enrollments WHERE cohort_id = {literal.text(cohort)})"
        )
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    sql = (
        f"SELECT p.id AS person_id, p.name, {columns} FROM people p\n"
        + "\n".join(facts.joins)
        + f"\n{condition}\nORDER BY p.id"
    )
    return sql, found, top
