"""A small, slow, independent reference for the semantics: plain Python over model objects.

The library decides everything once, in SQL (supervise.semantics), run by DuckDB. This
module re-derives the same figures the obvious way, record by record, straight from the
prose of docs/progress.md and docs/eligibility.md, so that property tests can hold the one
definition to it on generated registries. It is never used by the library.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from supervise.model import (
    Activity,
    Cohort,
    ContinuingEducation,
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


def _program(records: list[Any], cohort_id: str) -> Program | None:
    cohort = next((c for c in _of(records, Cohort) if c.id == cohort_id), None)
    if cohort is None:
        return None
    return next((p for p in _of(records, Program) if p.id == cohort.program_id), None)


def counts(record: Any, program: Program | None) -> bool:
    """Sign-off: confirmed records count; submitted ones where the program says so."""
    state = record.state.value
    return state == "confirmed" or (
        state == "submitted" and program is not None and program.pending_counts
    )


def _capped(group: int, cap: int | None) -> int:
    return group if cap is None else min(group, cap)


def _figures(
    acts: list[Activity], attended: list[Session], submitted: list[Deliverable], spec: PhaseSpec
) -> dict[str, Any]:
    """The four figures of some records of one trainee in one phase."""
    minimum = spec.requirements.min_session_minutes or 0
    pass_score = spec.requirements.pass_score
    long_enough = [s for s in attended if s.minutes >= minimum]
    group = sum(s.form == "group" for s in long_enough)
    other = len(long_enough) - group
    return {
        "hours": round(math.fsum(a.hours for a in acts), 6),
        "days": len({a.on for a in acts}),
        "group": group,
        "other": other,
        "sessions": other + _capped(group, spec.requirements.max_group_sessions),
        "deliverables": sum(
            pass_score is None or (d.score is not None and d.score >= pass_score) for d in submitted
        ),
    }


def _achieved(records: list[Any], e: Enrollment, spec: PhaseSpec, as_of: date) -> dict[str, Any]:
    """What trainee ``e`` achieved in phase ``spec`` by ``as_of``, and what awaits sign-off."""
    program = _program(records, e.cohort_id)
    acts = [
        a
        for a in _of(records, Activity)
        if (a.person_id, a.cohort_id, a.phase) == (e.person_id, e.cohort_id, spec.key)
        and a.on <= as_of
    ]
    attended = [
        s
        for s in _of(records, Session)
        if s.cohort_id == e.cohort_id
        and s.phase == spec.key
        and s.on <= as_of
        and e.person_id in s.attendees
    ]
    submitted = [
        d
        for d in _of(records, Deliverable)
        if (d.person_id, d.cohort_id, d.phase) == (e.person_id, e.cohort_id, spec.key)
        and d.submitted_on <= as_of
    ]

    def only(keep: Any) -> dict[str, Any]:
        return _figures(
            [a for a in acts if keep(a)],
            [s for s in attended if keep(s)],
            [d for d in submitted if keep(d)],
            spec,
        )

    got = only(lambda r: counts(r, program))
    confirmed = only(lambda r: r.state.value == "confirmed")
    signed_or_not = only(lambda r: r.state.value != "rejected")
    got["pending"] = {
        name: (
            round(signed_or_not[name] - confirmed[name], 6)
            if name == "hours"
            else signed_or_not[name] - confirmed[name]
        )
        for name in ("hours", "sessions", "days", "deliverables")
    }
    got["records"] = sum(r.state.value != "rejected" for r in (*acts, *attended, *submitted))
    got["exempt"] = any(
        (x.person_id, x.cohort_id, x.phase) == (e.person_id, e.cohort_id, spec.key)
        and x.granted_on <= as_of
        for x in _of(records, Exemption)
    )
    return got


def _expected(spec: PhaseSpec, as_of: date) -> float | None:
    if spec.starts_on is None or spec.due_on is None:
        return None
    span = (spec.due_on - spec.starts_on).days
    if span == 0:
        return 1.0 if as_of >= spec.due_on else 0.0
    return min(1.0, max(0.0, (as_of - spec.starts_on).days / span))


CENTURY = 36524


def _projected(got: dict[str, Any], spec: PhaseSpec, start: date, as_of: date) -> date | None:
    """The day the phase is complete at the trainee's pace: every unmet requirement needs
    ceil((required - achieved) x elapsed / pace) more days."""
    elapsed = max(1, (as_of - start).days + 1)
    cap = spec.requirements.max_group_sessions
    needs = []
    for name, need in spec.requirements.set().items():
        have = got[name]
        if have >= need:
            continue
        pace = (
            got["other"] if name == "sessions" and cap is not None and got["group"] >= cap else have
        )
        if pace <= 0:
            return None
        needs.append(math.ceil((need - have) * elapsed / pace))
    return as_of + timedelta(days=min(max(needs), CENTURY))


def phase(
    records: list[Any], e: Enrollment, spec: PhaseSpec, as_of: date, tol: float, start: date
) -> dict:
    """One trainee in one phase, as ``PhaseProgress.to_dict()`` gives it (and ``opened``)."""
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
    done = status in ("complete", "exempt")
    phase_start = spec.starts_on or start
    projected = None if done or _withdrawn(e, as_of) else _projected(got, spec, phase_start, as_of)
    result = {
        "status": status,
        "fraction": fraction,
        "expected": expected,
        "behind": expected is not None and fraction < expected - tol,
        "achieved": {name: got[name] for name in required},
        "pending": {name: got["pending"][name] for name in required},
        "required": dict(required),
        "projected": None if projected is None else projected.isoformat(),
        "at_risk": projected is not None and spec.due_on is not None and projected > spec.due_on,
    }
    if spec.requirements.max_group_sessions is not None:
        result["group_sessions"] = {
            "attended": got["group"],
            "max": spec.requirements.max_group_sessions,
        }
    result["_opened"] = as_of >= phase_start
    return result


def _completion(phases: dict[str, dict], specs: list[PhaseSpec]) -> str | None:
    """The latest day a phase not done will be: its projection, or its due date when its
    window has not opened; None when one of them cannot say."""
    finishes = []
    for spec in specs:
        p = phases[spec.key]
        if p["status"] in ("complete", "exempt"):
            continue
        if p["projected"] is not None:
            finishes.append(p["projected"])
        elif not p["_opened"] and spec.due_on is not None:
            finishes.append(spec.due_on.isoformat())
        else:
            return None
    return max(finishes) if finishes else None


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
        phases = {s.key: phase(records, e, s, as_of, tol, cohort.starts_on) for s in specs}
        weights = [s.weight for s in specs]
        total = sum(weights)
        overall = sum(w * p["fraction"] for w, p in zip(weights, phases.values(), strict=True))
        done = all(p["status"] in ("complete", "exempt") for p in phases.values())
        withdrawn = _withdrawn(e, as_of)
        completion = None if withdrawn or done else _completion(phases, specs)
        for p in phases.values():
            del p["_opened"]
        trainees.append(
            {
                "person_id": e.person_id,
                "name": names.get(e.person_id, e.person_id),
                "team": e.team,
                "status": "withdrawn" if withdrawn else ("completed" if done else "active"),
                "progress": overall / total if total else 1.0,
                "complete": done,
                "behind": not withdrawn and any(p["behind"] for p in phases.values()),
                "projected_completion": completion,
                "at_risk": not withdrawn and any(p["at_risk"] for p in phases.values()),
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
        "at_risk": [t["person_id"] for t in trainees if t["at_risk"]],
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


def _keys(value: Any) -> tuple[Any, ...] | None:
    return (value,) if isinstance(value, str) else value


def _wanted(
    rule: Any, records: list[Any], cohort_id: str, phase_key: str, on: date, as_of: date
) -> bool:
    """A record of ``cohort_id`` in ``phase_key`` dated ``on`` is in the rule's scope."""
    return _in_scope(
        records,
        cohort_id,
        phase_key,
        on,
        as_of,
        _keys(getattr(rule, "phase", None)),
        getattr(rule, "program", None),
        getattr(rule, "since", None),
        getattr(rule, "until", None),
    )


def _in_scope(
    records: list[Any],
    cohort_id: str,
    phase_key: str,
    on: date,
    as_of: date,
    phases: tuple[str, ...] | None,
    program: str | None,
    since: date | None,
    until: date | None,
) -> bool:
    return (
        on <= as_of
        and (since is None or on >= since)
        and (until is None or on <= until)
        and (phases is None or phase_key in phases)
        and (program is None or _program_of(records).get(cohort_id) == program)
    )


def _counted(records: list[Any], record: Any) -> bool:
    return counts(record, _program(records, record.cohort_id))


def _hours(records: list[Any], pid: str, as_of: date, scope: tuple[Any, ...]) -> float:
    return round(
        math.fsum(
            a.hours
            for a in _of(records, Activity)
            if a.person_id == pid
            and _counted(records, a)
            and _in_scope(records, a.cohort_id, a.phase, a.on, as_of, *scope)
        ),
        6,
    )


def _sessions(
    records: list[Any], pid: str, as_of: date, scope: tuple[Any, ...], forms: Any
) -> list[Session]:
    """The sessions ``pid`` attended that count: long enough for their phase, signed off."""
    program_of = _program_of(records)
    minimum = {
        (s.program_id, s.key): s.requirements.min_session_minutes or 0
        for s in _of(records, PhaseSpec)
    }
    wanted = None if forms is None else {f.value for f in _keys(forms)}  # type: ignore[union-attr]
    return [
        s
        for s in _of(records, Session)
        if pid in s.attendees
        and s.minutes >= minimum.get((program_of.get(s.cohort_id), s.phase), 0)
        and _counted(records, s)
        and (wanted is None or s.form.value in wanted)
        and _in_scope(records, s.cohort_id, s.phase, s.on, as_of, *scope)
    ]


def _scope(rule: Any) -> tuple[Any, ...]:
    return (
        _keys(getattr(rule, "phase", None)),
        getattr(rule, "program", None),
        getattr(rule, "since", None),
        getattr(rule, "until", None),
    )


def _measure(m: Any, rule: Any, pid: str, records: list[Any], as_of: date) -> float:
    scope = (_keys(m.phase), m.program, rule.since, rule.until)
    if m.measure == "hours":
        return _hours(records, pid, as_of, scope)
    attended = _sessions(records, pid, as_of, scope, m.form)
    if m.measure == "sessions":
        return float(len(attended))
    return sum(s.minutes for s in attended) / 60.0


def _held(records: list[Any], pid: str, as_of: date) -> Credential | None:
    """The credential that decides: highest level held, the latest issued among those."""
    held = [
        c
        for c in _of(records, Credential)
        if c.person_id == pid
        and c.issued_on <= as_of
        and (c.expires_on is None or as_of <= c.expires_on)
    ]
    return max(
        held,
        key=lambda c: (c.level.rank, c.issued_on, c.registered_on or c.issued_on),
        default=None,
    )


DEFAULT_HOURS = {"assistant": 72.0, "intermediate": 90.0, "senior": 90.0}


def cycle(records: list[Any], pid: str, as_of: date, hours: float | None, years: int = 3) -> dict:
    """The person's registration cycle on ``as_of``, as the rule's value."""
    c = _held(records, pid, as_of)
    if c is None:
        level = None
        required = None if hours is None else float(hours)
        return {"level": None, "starts": None, "ends": None, "hours": None, "required": required}
    level = c.level.value
    required = float(hours) if hours is not None else DEFAULT_HOURS[level]
    registered = c.registered_on or c.issued_on
    if registered > as_of:
        return {"level": level, "starts": None, "ends": None, "hours": None, "required": required}
    k = relativedelta(as_of, registered).years // years
    starts = registered + relativedelta(years=k * years)
    ends = registered + relativedelta(years=(k + 1) * years) - timedelta(days=1)
    done = round(
        math.fsum(
            e.hours
            for e in _of(records, ContinuingEducation)
            if e.person_id == pid and starts <= e.on <= min(ends, as_of)
        ),
        6,
    )
    return {"level": level, "starts": starts, "ends": ends, "hours": done, "required": required}


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
        hours = _hours(records, pid, as_of, _scope(rule))
        return hours >= rule.hours, hours
    if isinstance(rule, R.SessionsAtLeast):
        attended = _sessions(records, pid, as_of, _scope(rule), rule.form)
        group = sum(s.form.value == "group" for s in attended)
        other = len(attended) - group
        if rule.max_group_sessions is None:
            return other + group >= rule.sessions, other + group
        n = other + min(group, rule.max_group_sessions)
        return n >= rule.sessions, {"sessions": n, "group_sessions": group}
    if isinstance(rule, R.DeliverableScoreAtLeast):
        scores = [
            d.score
            for d in _of(records, Deliverable)
            if d.person_id == pid
            and d.score is not None
            and _counted(records, d)
            and _wanted(rule, records, d.cohort_id, d.phase, d.submitted_on, as_of)
        ]
        best = max(scores, default=None)
        return best is not None and best >= rule.score, best
    if isinstance(rule, R.CredentialAtLeast):
        held = _held(records, pid, as_of)
        met = held is not None and held.level.rank >= rule.level.rank
        return met, None if held is None else held.level.value
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
            and (rule.until is None or o.on <= rule.until)
        ]
        latest = max(dates, default=None)
        return latest is not None, latest
    if isinstance(rule, R.ContinuingEducationAtLeast):
        value = cycle(records, pid, as_of, rule.hours)
        met = value["starts"] is not None and value["hours"] >= value["required"]
        return met, value
    if isinstance(rule, R.RatioAtLeast):
        top = _measure(rule.numerator, rule, pid, records, as_of)
        bottom = _measure(rule.denominator, rule, pid, records, as_of)
        return bottom > 0 and top >= rule.ratio * bottom, {"numerator": top, "denominator": bottom}
    children = [rule_value(c, person, records, as_of, done) for c in rule.children()]
    if isinstance(rule, R.AllOf):
        return all(m for m, _ in children), sum(m for m, _ in children)
    if isinstance(rule, R.AnyOf):
        return any(m for m, _ in children), sum(m for m, _ in children)
    if isinstance(rule, R.AtLeastNOf):
        held = sum(m for m, _ in children)
        return held >= rule.n, held
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
