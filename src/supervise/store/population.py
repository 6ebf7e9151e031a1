"""Eligibility views of everyone in a registry, computed with SQL aggregates.

Builds the same :class:`~supervise.core.eligibility.Population` that
``Population.from_records`` builds in Python, without loading a record per row: one GROUP BY
per figure a policy needs, and completion from the progress tallies of every cohort at once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import Any

from supervise.core.eligibility import Population
from supervise.core.progress import PhasePlan, withdrawn
from supervise.core.rules import Labels, Measure, PersonView
from supervise.core.snapshot import HOURS_PRECISION, PhaseTally
from supervise.model import CredentialLevel, OutcomeKind, PhaseSpec
from supervise.store.tallies import tallies

__all__ = ["population"]

_NOTHING = PhaseTally()
# Credential ranks as SQL, built from the vocabulary (constants, not user values).
_RANK = (
    "CASE level "
    + " ".join(f"WHEN '{lvl.value}' THEN {lvl.rank}" for lvl in CredentialLevel)
    + " END"
)
_BY_RANK = {lvl.rank: lvl for lvl in CredentialLevel}

# Optional filters, each a fixed fragment chosen by which measure fields are set.
_FILTERS = {
    "program": "AND c.program_id = :program",
    "phase": "AND {t}.phase = :phase",
    "since": "AND {t}.{on} >= :since",
    "people": "AND {person} IN (SELECT value FROM json_each(:people))",
}
_MEASURES = {
    "hours": (
        "SELECT a.person_id, sum(a.hours) FROM activities a JOIN cohorts c ON c.id = a.cohort_id "
        'WHERE a."on" <= :as_of {filters} GROUP BY a.person_id',
        {"t": "a", "on": '"on"', "person": "a.person_id"},
    ),
    "sessions": (
        "SELECT t.person_id, count(*) FROM sessions s JOIN cohorts c ON c.id = s.cohort_id "
        "LEFT JOIN phases p ON p.program_id = c.program_id AND p.key = s.phase "
        "JOIN session_attendees t ON t.session_id = s.id "
        'WHERE s."on" <= :as_of AND s.minutes >= coalesce(p.min_session_minutes, 0) {filters} '
        "GROUP BY t.person_id",
        {"t": "s", "on": '"on"', "person": "t.person_id"},
    ),
    "best_score": (
        "SELECT d.person_id, max(d.score) FROM deliverables d JOIN cohorts c ON c.id = d.cohort_id "
        "WHERE d.score IS NOT NULL AND d.submitted_on <= :as_of {filters} GROUP BY d.person_id",
        {"t": "d", "on": "submitted_on", "person": "d.person_id"},
    ),
}


def population(
    conn: sqlite3.Connection,
    phases: list[PhaseSpec],
    as_of: date,
    measures: Iterable[Measure],
    people: Iterable[str] | None = None,
) -> Population:
    """Views of everyone (or of ``people``) as of ``as_of``, with the ``measures`` tallied.

    ``phases`` is every phase of every program (small; the caller loads it)."""
    day = as_of.isoformat()
    wanted = None if people is None else json.dumps(sorted(set(people)))
    who = "" if wanted is None else "AND id IN (SELECT value FROM json_each(:people))"
    params: dict[str, Any] = {"as_of": day, "people": wanted}
    persons = conn.execute(
        f"SELECT id, name, region_code, practice_since FROM people WHERE 1 {who} ORDER BY id",
        params,
    ).fetchall()
    pwho = who.replace("id IN", "person_id IN")
    credentials = {
        person: _BY_RANK[rank]
        for person, rank in conn.execute(
            f"SELECT person_id, max({_RANK}) FROM credentials WHERE issued_on <= :as_of "
            f"AND (expires_on IS NULL OR expires_on >= :as_of) {pwho} GROUP BY person_id",
            params,
        )
    }
    outcomes: dict[str, set[tuple[OutcomeKind, date]]] = {}
    for person, kind, on in conn.execute(
        f'SELECT person_id, kind, "on" FROM outcomes WHERE "on" <= :as_of {pwho}', params
    ):
        outcomes.setdefault(person, set()).add((OutcomeKind.parse(kind), date.fromisoformat(on)))
    completed, done = _completions(conn, phases, as_of)
    enrolled: dict[str, set[str]] = {}
    for person, program in conn.execute(
        "SELECT DISTINCT e.person_id, c.program_id FROM enrollments e "
        "JOIN cohorts c ON c.id = e.cohort_id WHERE e.enrolled_on <= :as_of",
        params,
    ):
        enrolled.setdefault(person, set()).add(program)
    figures = {m: _measure(conn, m, params) for m in set(measures)}
    views = tuple(
        PersonView(
            person_id=pid,
            name=name,
            region_code=region,
            practice_since=None if since is None else date.fromisoformat(since),
            credential=credentials.get(pid),
            outcomes=frozenset(outcomes.get(pid, ())),
            programs=frozenset(enrolled.get(pid, ())),
            completed_programs=frozenset(completed.get(pid, ())),
            phases_done=frozenset(done.get(pid, ())),
            measures={m: v[pid] for m, v in figures.items() if pid in v},
        )
        for pid, name, region, since in persons
    )
    programs = dict(conn.execute("SELECT id, name FROM programs").fetchall())
    by_program: dict[str, set[str]] = {p: set() for p in programs}
    names: dict[str, str] = {}
    for spec in sorted(phases, key=lambda s: (s.program_id, s.order)):
        by_program.setdefault(spec.program_id, set()).add(spec.key)
        names.setdefault(spec.key, spec.name)
    return Population(
        as_of=as_of,
        views=views,
        labels=Labels(phases=names, programs=programs),
        phases={k: frozenset(v) for k, v in by_program.items()},
    )


def _completions(
    conn: sqlite3.Connection, phases: list[PhaseSpec], as_of: date
) -> tuple[dict[str, set[str]], dict[str, set[tuple[str, str]]]]:
    """Programs each person completed and (program, phase) pairs done, from the tallies of
    every cohort, by the progress rules (withdrawn trainees complete no program)."""
    plans: dict[str, list[PhasePlan]] = {}
    for spec in phases:
        plans.setdefault(spec.program_id, []).append(PhasePlan.of(spec, as_of))
    counted = tallies(conn, as_of)
    completed: dict[str, set[str]] = {}
    done: dict[str, set[tuple[str, str]]] = {}
    rows = conn.execute(
        "SELECT e.person_id, e.cohort_id, c.program_id, e.status, e.left_on "
        "FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id WHERE e.enrolled_on <= ?",
        (as_of.isoformat(),),
    )
    for person, cohort, program, status, left_on in rows:
        plan = plans.get(program, [])
        mine = counted.get(cohort, {})
        finished = [(program, p.key) for p in plan if p.done(mine.get((person, p.key), _NOTHING))]
        if finished:
            done.setdefault(person, set()).update(finished)
        left = None if left_on is None else date.fromisoformat(left_on)
        if len(finished) == len(plan) and not withdrawn(status, left, as_of):
            completed.setdefault(person, set()).add(program)
    return completed, done


def _measure(conn: sqlite3.Connection, measure: Measure, base: dict[str, Any]) -> dict[str, float]:
    sql, names = _MEASURES[measure.kind]
    filters = [
        _FILTERS[name].format(**names)
        for name in ("program", "phase", "since")
        if getattr(measure, name) is not None
    ]
    if base["people"] is not None:
        filters.append(_FILTERS["people"].format(**names))
    params = {
        **base,
        "program": measure.program,
        "phase": measure.phase,
        "since": None if measure.since is None else measure.since.isoformat(),
    }
    values: dict[str, float] = {}
    for person, value in conn.execute(sql.format(filters=" ".join(filters)), params):
        if measure.kind == "best_score":
            values[person] = float(value)  # any score counts, 0 included
        elif measure.kind == "hours" and (hours := round(value, HOURS_PRECISION)):
            values[person] = hours
        elif measure.kind == "sessions":
            values[person] = value
    return values
