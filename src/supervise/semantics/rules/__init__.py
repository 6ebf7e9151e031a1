"""Eligibility rules: what a person must have as of a date, and how a shortfall is explained.

Each rule kind is one class holding all of it: its parameters (as policy files write them),
its meaning (:meth:`Rule.compile`: SQL over the facts of :mod:`supervise.semantics.eligibility`
giving the person's figure and whether the rule is met) and its explanation
(:meth:`Rule.explain`: a :class:`RuleResult` with actual and required values and a message in
Chinese and English that says what is missing).

>>> from supervise.semantics import rules
>>> rule = rules.hours_at_least(24, phase="accompanied_supervision")
>>> result = rule.explain(18.0, False, ())
>>> result.met, result.message_zh, result.message_en
(False, '还差 6 小时陪伴督导', '6 more hours of accompanied supervision needed')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from supervise.model import CredentialLevel, OutcomeKind, SessionForm
from supervise.semantics.rules._base import (
    Compiled,
    Cycle,
    Facts,
    Labels,
    Rule,
    RuleResult,
    Scope,
    SessionCounts,
)
from supervise.semantics.rules._combinations import AllOf, AnyOf, AtLeastNOf, Not
from supervise.semantics.rules._person import (
    ContinuingEducationAtLeast,
    CredentialAtLeast,
    OutcomePresent,
    PracticeYearsAtLeast,
)
from supervise.semantics.rules._programs import CompletedProgram, PhaseComplete
from supervise.semantics.rules._tallies import (
    MEASURES,
    DeliverableScoreAtLeast,
    HoursAtLeast,
    Measure,
    RatioAtLeast,
    SessionsAtLeast,
)

__all__ = [
    "KINDS",
    "MEASURES",
    "AllOf",
    "AnyOf",
    "AtLeastNOf",
    "Compiled",
    "CompletedProgram",
    "ContinuingEducationAtLeast",
    "CredentialAtLeast",
    "Cycle",
    "DeliverableScoreAtLeast",
    "Facts",
    "HoursAtLeast",
    "Labels",
    "Measure",
    "Not",
    "OutcomePresent",
    "PhaseComplete",
    "PracticeYearsAtLeast",
    "RatioAtLeast",
    "Rule",
    "RuleResult",
    "Scope",
    "SessionCounts",
    "SessionsAtLeast",
    "all_of",
    "any_of",
    "at_least_n_of",
    "completed_program",
    "continuing_education_at_least",
    "credential_at_least",
    "deliverable_score_at_least",
    "hours_at_least",
    "not_",
    "outcome_present",
    "phase_complete",
    "practice_years_at_least",
    "ratio_at_least",
    "sessions_at_least",
]

#: Every rule kind by its name in policy files.
KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (
        CompletedProgram,
        PhaseComplete,
        HoursAtLeast,
        SessionsAtLeast,
        DeliverableScoreAtLeast,
        CredentialAtLeast,
        PracticeYearsAtLeast,
        OutcomePresent,
        ContinuingEducationAtLeast,
        RatioAtLeast,
        AllOf,
        AnyOf,
        AtLeastNOf,
        Not,
    )
}


# -- constructors, named as in policy files --------------------------------------------------


def completed_program(program: str | None = None) -> CompletedProgram:
    """Every phase complete or exempt in some cohort of ``program`` (of any program)."""
    return CompletedProgram(program)


def phase_complete(program: str, phase: str) -> PhaseComplete:
    """Phase ``phase`` complete or exempt in some cohort of ``program``."""
    return PhaseComplete(program, phase)


def hours_at_least(
    hours: float,
    phase: str | Sequence[str] | None = None,
    program: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> HoursAtLeast:
    """At least ``hours`` hours of activities, optionally in a phase (or phases), a program,
    a window."""
    return HoursAtLeast(hours, phase, program, since, until)


def sessions_at_least(
    sessions: int,
    phase: str | Sequence[str] | None = None,
    program: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    form: SessionForm | str | Sequence[SessionForm | str] | None = None,
    max_group_sessions: int | None = None,
) -> SessionsAtLeast:
    """At least ``sessions`` attended sessions long enough for their phase, optionally in a
    phase (or phases), a program, a window, of a form (or forms); group sessions counting
    up to ``max_group_sessions``."""
    return SessionsAtLeast(sessions, phase, program, since, until, form, max_group_sessions)


def deliverable_score_at_least(
    score: float,
    phase: str | None = None,
    program: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> DeliverableScoreAtLeast:
    """A deliverable scored at least ``score`` (submitted in the window, when given)."""
    return DeliverableScoreAtLeast(score, phase, program, since, until)


def ratio_at_least(
    ratio: float,
    numerator: Measure | Mapping[str, Any],
    denominator: Measure | Mapping[str, Any],
    since: date | str | None = None,
    until: date | str | None = None,
) -> RatioAtLeast:
    """``numerator`` at least ``ratio`` times ``denominator``:
    ``ratio_at_least(0.1, {"measure": "session_hours"}, {"measure": "hours", "phase":
    "practicum"})``."""
    return RatioAtLeast(ratio, numerator, denominator, since, until)


def continuing_education_at_least(hours: float | None = None) -> ContinuingEducationAtLeast:
    """Enough continuing education in the registration cycle containing the date (the
    level's hours, or ``hours``)."""
    return ContinuingEducationAtLeast(hours)


def at_least_n_of(n: int, rules: Sequence[Rule]) -> AtLeastNOf:
    """At least ``n`` of ``rules`` hold."""
    return AtLeastNOf(n, tuple(rules))


def credential_at_least(level: CredentialLevel | str) -> CredentialAtLeast:
    """A credential of ``level`` or higher held on as_of."""
    return CredentialAtLeast(level)


def practice_years_at_least(years: int) -> PracticeYearsAtLeast:
    """At least ``years`` whole years of practice."""
    return PracticeYearsAtLeast(years)


def outcome_present(
    outcome: OutcomeKind | str, since: date | str | None = None, until: date | str | None = None
) -> OutcomePresent:
    """An outcome of kind ``outcome`` (from ``since`` to ``until``, when given)."""
    return OutcomePresent(outcome, since, until)


def all_of(rules: Sequence[Rule]) -> AllOf:
    """Every one of ``rules`` holds."""
    return AllOf(tuple(rules))


def any_of(rules: Sequence[Rule]) -> AnyOf:
    """At least one of ``rules`` holds."""
    return AnyOf(tuple(rules))


def not_(rule: Rule) -> Not:
    """``rule`` does not hold."""
    return Not(rule)
