"""A small, slow, independent reference for the semantics: plain Python over model objects.

The library decides everything once, in SQL (supervise.semantics), run by DuckDB. This
module re-derives the same figures the obvious way, record by record, straight from the
prose of docs/progress.md and docs/eligibility.md, so that property tests can hold the one
definition to it on generated registries. It is never used by the library.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from supervise.model import (
    Activity,
    Cohort,
    Credential,
    Deliverable,
    Enrollment,
    Exemption,
    MentorRole,
    Outcome,
    OutcomeKind,
    Pairing,
    Person,
    PhaseSpec,
    Placement,
    Program,
    Session,
)
from supervise.semantics import rules as R

STATUSES = ("exempt", "complete", "overdue", "not_started", "in_progress")


def _of(records: Iterable[Any], cls: type[Any]) -> list[Any]:
    return [r for r in records if type(r) is cls]


def _phases(records: list[Any], program: str) -> list[PhaseSpec]:
    found = [p for p in _of(records, PhaseSpec) if p.program_id == program]
    return sorted(found, key=lambda p: (p.order, p.key))


def _withdrawn(e: Enrollment, as_of: date) -> bool:
    return e.status == "withdrawn" and (e.left_on is None or e.left_on <= as_of)


def _achieved(records: list[Any], e: Enrollment, spec: PhaseSpec, as_of: date) -> dict[str, Any]:
    """What trainee ``e`` achieved in phase ``spec`` by ``as_of``."""
    acts = [
        a
        for a in _of(records, Activity)
        if (a.person_id, a.cohort_id, a.phase) == (e.person_id, e.cohort_id, spec.key)
        and a.on <= as_of
    ]
    minimum = spec.requirements.min_session_minutes or 0
    attended = [
        s
        for s in _of(records, Session)
        if s.cohort_id == e.cohort_id
        and s.phase == spec.key
        and s.on <= as_of
        and e.person_id in s.attendees
    ]
    pass_score = spec.requirements.pass_score
    submitted = [
        d
        for d in _of(records, Deliverable)
        if (d.person_id, d.cohort_id, d.phase) == (e.person_id, e.cohort_id, spec.key)
        and d.submitted_on <= as_of
    ]
    return {
        "hours": round(math.fsum(a.hours for a in acts), 6),
        "days": len({a.on for a in acts}),
        "sessions": sum(s.minutes >= minimum for s in attended),
        "deliverables": sum(
            pass_score is None or (d.score is not None and d.score >= pass_score) for d in submitted
        ),
        "records": len(acts) + len(attended) + len(submitted),
        "exempt": any(
            (x.person_id, x.cohort_id, x.phase) == (e.person_id, e.cohort_id, spec.key)
            and x.granted_on <= as_of
            for x in _of(records, Exemption)
        ),
    }


def _expected(spec: PhaseSpec, as_of: date) -> float | None:
    if spec.starts_on is None or spec.due_on is None:
        return None
    span = (spec.due_on - spec.starts_on).days
    if span == 0:
        return 1.0 if as_of >= spec.due_on else 0.0
    return min(1.0, max(0.0, (as_of - spec.starts_on).days / span))


def phase(records: list[Any], e: Enrollment, spec: PhaseSpec, as_of: date, tol: float) -> dict:
    """One trainee in one phase, as ``PhaseProgress.to_dict()`` gives it."""
    got = _achieved(records, e, spec, as_of)
    required = spec.requirements.set()
    share, met = 0.0, True
    for name, need in required.items():
        if got[name] >= need:
            share += 1.0
        else:
            met, share = False, share + got[name] / need
    fraction = 1.0 if got["exempt"] or not required else share / len(required)
    if got["exempt"]:
        status = "exempt"
    elif met:
        status = "complete"
    elif spec.due_on is not None and as_of > spec.due_on:
        status = "overdue"
    elif got["records"] == 0:
        status = "not_started"
    else:
        status = "in_progress"
    expected = _expected(spec, as_of)
    return {
        "status": status,
        "fraction": fraction,
        "expected": expected,
        "behind": expected is not None and fraction < expected - tol,
        "achieved": {name: got[name] for name in required},
        "required": dict(required),
    }


def progress(records: list[Any], cohort_id: str, as_of: date, tol: float = 0.25) -> dict:
    """``CohortProgress.to_dict()`` of cohort ``cohort_id``, computed record by record."""
    cohort = next(c for c in _of(records, Cohort) if c.id == cohort_id)
    specs = _phases(records, cohort.program_id)
    names = {p.id: p.name for p in _of(records, Person)}
    roster = sorted(
        (
            e
            for e in _of(records, Enrollment)
            if e.cohort_id == cohort_id and e.enrolled_on <= as_of
        ),
        key=lambda e: e.person_id,
    )
    trainees = []
    for e in roster:
        phases = {s.key: phase(records, e, s, as_of, tol) for s in specs}
        weights = [s.weight for s in specs]
        total = sum(weights)
        overall = sum(w * p["fraction"] for w, p in zip(weights, phases.values(), strict=True))
        done = all(p["status"] in ("complete", "exempt") for p in phases.values())
        withdrawn = _withdrawn(e, as_of)
        trainees.append(
            {
                "person_id": e.person_id,
                "name": names.get(e.person_id, e.person_id),
                "team": e.team,
                "status": "withdrawn" if withdrawn else ("completed" if done else "active"),
                "progress": overall / total if total else 1.0,
                "complete": done,
                "behind": not withdrawn and any(p["behind"] for p in phases.values()),
                "phases": phases,
            }
        )
    counts = {s.key: dict.fromkeys(STATUSES, 0) for s in specs}
    for t in trainees:
        if t["status"] != "withdrawn":
            for key, p in t["phases"].items():
                counts[key][p["status"]] += 1
    withdrawn = sum(t["status"] == "withdrawn" for t in trainees)
    completed = sum(t["status"] == "completed" for t in trainees)
    remaining = len(trainees) - withdrawn
    on_roll = {e.person_id for e in roster}
    return {
        "cohort_id": cohort.id,
        "cohort_name": cohort.name,
        "program_id": cohort.program_id,
        "as_of": as_of.isoformat(),
        "tolerance": tol,
        "enrolled": len(trainees),
        "withdrawn": withdrawn,
        "completed": completed,
        "completion_rate": completed / remaining if remaining else None,
        "phases": counts,
        "behind": [t["person_id"] for t in trainees if t["behind"]],
        "trainees": trainees,
        "mentors": _mentors(records, cohort_id, names, as_of),
        "outcomes": _outcomes(records, on_roll, as_of),
    }


def _mentors(records: list[Any], cohort_id: str, names: dict, as_of: date) -> list[dict]:
    roles = sorted(
        (m for m in _of(records, MentorRole) if m.cohort_id == cohort_id), key=lambda m: m.person_id
    )
    on_roll = {
        e.person_id
        for e in _of(records, Enrollment)
        if e.cohort_id == cohort_id and e.enrolled_on <= as_of and not _withdrawn(e, as_of)
    }
    pairings = [
        p
        for p in _of(records, Pairing)
        if p.cohort_id == cohort_id
        and p.starts_on <= as_of
        and (p.ends_on is None or as_of <= p.ends_on)
        and p.trainee_id in on_roll
    ]
    return [
        {
            "person_id": m.person_id,
            "name": names.get(m.person_id, m.person_id),
            "trainees": len({p.trainee_id for p in pairings if p.mentor_id == m.person_id}),
            "capacity": m.capacity,
        }
        for m in roles
    ]


def _outcomes(records: list[Any], on_roll: set[str], as_of: date) -> dict[str, int]:
    people: dict[str, set[str]] = {}
    for o in _of(records, Outcome):
        if o.person_id in on_roll and o.on <= as_of:
            people.setdefault(o.kind.value, set()).add(o.person_id)
    return {k.value: len(people[k.value]) for k in OutcomeKind if k.value in people}


# -- eligibility ----------------------------------------------------------------------------


def _program_of(records: list[Any]) -> dict[str, str]:
    return {c.id: c.program_id for c in _of(records, Cohort)}


def completions(records: list[Any], as_of: date) -> tuple[set, set]:
    """(person, program) completed, and (person, program, phase) done, in any cohort."""
    completed, done = set(), set()
    for cohort in _of(records, Cohort):
        result = progress(records, cohort.id, as_of)
        for t in result["trainees"]:
            if t["status"] == "completed":
                completed.add((t["person_id"], cohort.program_id))
            for key, p in t["phases"].items():
                if p["status"] in ("complete", "exempt"):
                    done.add((t["person_id"], cohort.program_id, key))
    return completed, done


def _wanted(rule: Any, records: list[Any], cohort_id: str, phase_key: str, on: date, as_of: date):
    program = getattr(rule, "program", None)
    since = getattr(rule, "since", None)
    return (
        on <= as_of
        and (since is None or on >= since)
        and (rule.phase is None or phase_key == rule.phase)
        and (program is None or _program_of(records).get(cohort_id) == program)
    )


def rule_value(rule: Any, person: Person, records: list[Any], as_of: date, done: tuple) -> Any:
    """(met, value) of ``rule`` for ``person``, value as ``Rule.explain`` receives it."""
    completed, phases_done = done
    pid = person.id
    if isinstance(rule, R.CompletedProgram):
        met = any(p == pid and (rule.program is None or g == rule.program) for p, g in completed)
        return met, met
    if isinstance(rule, R.PhaseComplete):
        met = (pid, rule.program, rule.phase) in phases_done
        return met, met
    if isinstance(rule, R.HoursAtLeast):
        hours = round(
            math.fsum(
                a.hours
                for a in _of(records, Activity)
                if a.person_id == pid and _wanted(rule, records, a.cohort_id, a.phase, a.on, as_of)
            ),
            6,
        )
        return hours >= rule.hours, hours
    if isinstance(rule, R.SessionsAtLeast):
        program_of = _program_of(records)
        minimum = {
            (s.program_id, s.key): s.requirements.min_session_minutes or 0
            for s in _of(records, PhaseSpec)
        }
        n = sum(
            1
            for s in _of(records, Session)
            if pid in s.attendees
            and s.minutes >= minimum.get((program_of.get(s.cohort_id), s.phase), 0)
            and _wanted(rule, records, s.cohort_id, s.phase, s.on, as_of)
        )
        return n >= rule.sessions, n
    if isinstance(rule, R.DeliverableScoreAtLeast):
        scores = [
            d.score
            for d in _of(records, Deliverable)
            if d.person_id == pid
            and d.score is not None
            and _wanted(rule, records, d.cohort_id, d.phase, d.submitted_on, as_of)
        ]
        best = max(scores, default=None)
        return best is not None and best >= rule.score, best
    if isinstance(rule, R.CredentialAtLeast):
        held = [
            c.level
            for c in _of(records, Credential)
            if c.person_id == pid
            and c.issued_on <= as_of
            and (c.expires_on is None or as_of <= c.expires_on)
        ]
        best = max(held, key=lambda level: level.rank, default=None)
        met = best is not None and best.rank >= rule.level.rank
        return met, None if best is None else best.value
    if isinstance(rule, R.PracticeYearsAtLeast):
        if person.practice_since is None:
            return False, None
        years = max(0, relativedelta(as_of, person.practice_since).years)
        return years >= rule.years, years
    if isinstance(rule, R.OutcomePresent):
        dates = [
            o.on
            for o in _of(records, Outcome)
            if o.person_id == pid
            and o.kind is rule.outcome
            and o.on <= as_of
            and (rule.since is None or o.on >= rule.since)
        ]
        latest = max(dates, default=None)
        return latest is not None, latest
    children = [rule_value(c, person, records, as_of, done) for c in rule.children()]
    if isinstance(rule, R.AllOf):
        return all(m for m, _ in children), sum(m for m, _ in children)
    if isinstance(rule, R.AnyOf):
        return any(m for m, _ in children), sum(m for m, _ in children)
    if isinstance(rule, R.Not):
        ((met, _),) = children
        return not met, met
    raise TypeError(f"the oracle does not know {rule.kind}")


def eligibility(policy: Any, records: list[Any], as_of: date) -> dict[str, list[Any]]:
    """Per person id, (met, value) of each of the policy's rules, computed record by record."""
    done = completions(records, as_of)
    return {
        p.id: [rule_value(r, p, records, as_of, done) for r in policy.rules]
        for p in sorted(_of(records, Person), key=lambda p: p.id)
    }


def programs(records: list[Any]) -> list[str]:
    return sorted(p.id for p in _of(records, Program))


# -- talent structure -------------------------------------------------------------------------


def tiers(records: list[Any], as_of: date, by: str | None) -> dict[str, dict[str, int]]:
    """People per highest credential held, per group (``TierCounts.groups``)."""
    digits = {"province": 2, "prefecture": 4, "county": 6}
    program_of = _program_of(records)
    groups: dict[str, dict[str, int]] = {}
    for person in _of(records, Person):
        held = rule_value(
            R.credential_at_least("assistant"), person, records, as_of, (set(), set())
        )
        tier = held[1] or "none"
        if by is None:
            names = ["all"]
        elif by == "program":
            names = sorted(
                {
                    program_of[e.cohort_id]
                    for e in _of(records, Enrollment)
                    if e.person_id == person.id and e.enrolled_on <= as_of
                }
            ) or ["unknown"]
        else:
            code = person.region_code
            names = [code[: digits[by]] if code and len(code) >= digits[by] else "unknown"]
        for name in names:
            counts = groups.setdefault(
                name, dict.fromkeys(("none", "assistant", "intermediate", "senior", "total"), 0)
            )
            counts[tier] += 1
            counts["total"] += 1
    if by is None and not groups:
        groups["all"] = dict.fromkeys(("none", "assistant", "intermediate", "senior", "total"), 0)
    return dict(sorted(groups.items()))


def target_count(target: Any, records: list[Any], as_of: date) -> int:
    """People of the target's region for whom its rule holds."""
    done = completions(records, as_of)
    return sum(
        rule_value(target.rule(), p, records, as_of, done)[0]
        for p in _of(records, Person)
        if target.region is None or (p.region_code or "").startswith(target.region)
    )


# -- placements and teams ---------------------------------------------------------------------


def placements(records: list[Any], as_of: date, cohorts: list[str] | None) -> list[tuple]:
    """Rows of ``Placements.rows`` (as tuples): the placements of the chosen cohorts begun by
    ``as_of``, and whether the date falls within each (one without an end is open)."""
    names = {p.id: p.name for p in _of(records, Person)}
    rows = [
        (
            pl.cohort_id,
            pl.person_id,
            names[pl.person_id],
            pl.station,
            pl.region_code,
            pl.starts_on,
            pl.ends_on,
            pl.ends_on is None or pl.ends_on >= as_of,
        )
        for pl in _of(records, Placement)
        if pl.starts_on <= as_of and (cohorts is None or pl.cohort_id in cohorts)
    ]
    return sorted(rows, key=lambda r: (r[0], r[3], r[1], r[5]))


def teams(records: list[Any], cohort_id: str, as_of: date) -> list[dict]:
    """``TeamsProgress.to_dict()["teams"]``: the trainees of :func:`progress` grouped by
    team in roster order, no team last."""
    found = progress(records, cohort_id, as_of)
    keys = [s.key for s in _phases(records, found["program_id"])]
    grouped: dict[Any, list[dict]] = {}
    for t in found["trainees"]:
        grouped.setdefault(t["team"], []).append(t)
    out = []
    for team in sorted(grouped, key=lambda t: t is None):
        members = grouped[team]
        active = [t for t in members if t["status"] != "withdrawn"]
        out.append(
            {
                "team": team,
                "trainees": [t["person_id"] for t in members],
                "enrolled": len(members),
                "withdrawn": len(members) - len(active),
                "completed": sum(t["status"] == "completed" for t in members),
                "behind": [t["person_id"] for t in active if t["behind"]],
                "overdue": [
                    t["person_id"]
                    for t in active
                    if any(p["status"] == "overdue" for p in t["phases"].values())
                ],
                "phases_done": {
                    k: sum(t["phases"][k]["status"] in ("complete", "exempt") for t in active)
                    for k in keys
                },
            }
        )
    return out
