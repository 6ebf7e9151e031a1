"""Eligibility rules: what a person must have, checked as of a date, explained when missing.

Each rule is a frozen object with a pure ``evaluate(view, as_of)`` returning a
:class:`RuleResult` (met, actual, required and a message in Chinese and English that says what
is missing). Rules read a :class:`PersonView`: the facts about one person as of a date, which
either Python (from model objects) or SQLite (from the store) prepares.

>>> from supervise.core import rules
>>> rule = rules.hours_at_least(24, phase="accompanied_supervision")
>>> view = PersonView(person_id="t1", name="马丽", measures={rule.measure: 18.0})
>>> result = rule.evaluate(view, date(2024, 12, 6))
>>> result.met, result.message_zh, result.message_en
(False, '还差 6 小时陪伴督导', '6 more hours of accompanied supervision needed')
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, ClassVar, cast

import attrs

from supervise.dates import parse_date, years_between
from supervise.model import CredentialLevel, OutcomeKind, phase_label

__all__ = [
    "KINDS",
    "AllOf",
    "AnyOf",
    "CompletedProgram",
    "CredentialAtLeast",
    "DeliverableScoreAtLeast",
    "HoursAtLeast",
    "Labels",
    "Measure",
    "Not",
    "OutcomePresent",
    "PersonView",
    "PhaseComplete",
    "PracticeYearsAtLeast",
    "Rule",
    "RuleResult",
    "SessionsAtLeast",
    "all_of",
    "any_of",
    "completed_program",
    "credential_at_least",
    "deliverable_score_at_least",
    "hours_at_least",
    "not_",
    "outcome_present",
    "phase_complete",
    "practice_years_at_least",
    "sessions_at_least",
]


@attrs.frozen
class Measure:
    """A per-person figure some rule needs: ``hours`` or ``sessions`` (sums), or
    ``best_score`` (the best scored deliverable), optionally limited to a program, a phase and
    records dated on or after ``since``. Measures are always taken as of the view's date."""

    kind: str
    program: str | None = None
    phase: str | None = None
    since: date | None = None


@attrs.frozen(kw_only=True)
class Labels:
    """Names used in messages: phase names (Chinese) by key, program names by id."""

    phases: Mapping[str, str] = attrs.field(factory=dict)
    programs: Mapping[str, str] = attrs.field(factory=dict)

    def phase(self, key: str, lang: str) -> str:
        if lang == "zh" and key in self.phases:
            return self.phases[key]
        return phase_label(key, lang)

    def program(self, program_id: str, lang: str) -> str:
        if lang == "zh":
            return self.programs.get(program_id) or program_id
        return program_id


_NO_LABELS = Labels()


@attrs.frozen(kw_only=True)
class PersonView:
    """What eligibility knows about one person as of a date.

    ``credential``: the highest level held that day; ``outcomes``: (kind, date) pairs up to
    that day; ``programs``: programs with a cohort the person is enrolled in (enrolled on or
    before that day); ``completed_programs``: programs with a cohort the person completed;
    ``phases_done``: (program, phase) complete or exempt in some cohort; ``measures``: the
    figures the policy's rules asked for (absent means zero, or no score)."""

    person_id: str
    name: str
    region_code: str | None = None
    practice_since: date | None = None
    credential: CredentialLevel | None = None
    outcomes: frozenset[tuple[OutcomeKind, date]] = frozenset()
    programs: frozenset[str] = frozenset()
    completed_programs: frozenset[str] = frozenset()
    phases_done: frozenset[tuple[str, str]] = frozenset()
    measures: Mapping[Measure, float] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class RuleResult:
    """One rule for one person: whether it is ``met``, the ``actual`` and ``required``
    values, a message in each language, and the results of nested rules."""

    kind: str
    met: bool
    actual: Any
    required: Any
    message_zh: str
    message_en: str
    rules: tuple[RuleResult, ...] = ()

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def leaves_missing(self) -> list[RuleResult]:
        """The unmet results that say what is missing: this one for a simple rule; the unmet
        children of an ``all_of``; every alternative of an unmet ``any_of``."""
        if self.met:
            return []
        if self.kind in ("all_of", "any_of"):
            return [leaf for child in self.rules for leaf in child.leaves_missing()]
        return [self]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "met": self.met,
            "actual": self.actual,
            "required": self.required,
            "message": {"zh": self.message_zh, "en": self.message_en},
        }
        if self.kind in _COMPOSITE:
            data["rules"] = [r.to_dict() for r in self.rules]
        return data


class Rule:
    """Base of every rule kind; ``kind`` is the name used in policy files."""

    kind: ClassVar[str]

    def holds(self, view: PersonView, as_of: date) -> bool:
        """Whether the rule is met: the same answer as ``evaluate(...).met``, without
        building the explanation (cheap enough for every person of a province)."""
        raise NotImplementedError

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        """The full result: met, actual, required and what is missing in both languages."""
        raise NotImplementedError

    def measures(self) -> set[Measure]:
        """The per-person figures this rule reads from a :class:`PersonView`."""
        return set()

    def programs(self) -> set[tuple[str | None, str | None]]:
        """(program, phase) pairs this rule refers to, for checking a policy against data."""
        return set()

    def params(self) -> dict[str, Any]:
        """The rule's parameters as a policy file writes them."""
        return {
            f.name: _plain(getattr(self, f.name))
            for f in attrs.fields(cast(Any, type(self)))
            if getattr(self, f.name) is not None
        }


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CredentialLevel | OutcomeKind):
        return value.value
    if isinstance(value, Rule):
        return {"kind": value.kind, **value.params()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _plural(n: float) -> str:
    return "" if n == 1 else "s"


def _num(value: float) -> str:
    """6.0 as ``6``, 6.5 as ``6.5``."""
    return f"{value:g}"


def _since(since: date | None, lang: str) -> str:
    if since is None:
        return ""
    return f"（自 {since.isoformat()} 起）" if lang == "zh" else f" since {since.isoformat()}"


def _where_zh(labels: Labels, phase: str | None, program: str | None) -> str:
    place = labels.phase(phase, "zh") if phase else ""
    if program:
        place += f"（{labels.program(program, 'zh')}）"
    return place


def _where_en(labels: Labels, phase: str | None, program: str | None) -> str:
    place = f" of {labels.phase(phase, 'en')}" if phase else ""
    if program:
        place += f" in {labels.program(program, 'en')}"
    return place


def _optional_date(value: Any) -> date | None:
    return None if value is None else parse_date(value)


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{attribute.name} must be a number of at least 0, not {value!r}")


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{attribute.name} must be non-empty text, not {value!r}")


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be non-empty text, not {value!r}")


# -- programs and phases ----------------------------------------------------------------------


@attrs.frozen
class CompletedProgram(Rule):
    """Every phase complete or exempt in some cohort of ``program`` (not withdrawn)."""

    kind: ClassVar[str] = "completed_program"
    program: str = attrs.field(validator=_text)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, None)}

    def holds(self, view: PersonView, as_of: date) -> bool:
        return self.program in view.completed_programs

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        met = self.program in view.completed_programs
        zh, en = labels.program(self.program, "zh"), labels.program(self.program, "en")
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met,
            required=True,
            message_zh=f"已完成{zh}" if met else f"尚未完成{zh}",
            message_en=f"completed {en}" if met else f"{en} not completed",
        )


@attrs.frozen
class PhaseComplete(Rule):
    """Phase ``phase`` complete or exempt in some cohort of ``program``."""

    kind: ClassVar[str] = "phase_complete"
    program: str = attrs.field(validator=_text)
    phase: str = attrs.field(validator=_text)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def holds(self, view: PersonView, as_of: date) -> bool:
        return (self.program, self.phase) in view.phases_done

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        met = (self.program, self.phase) in view.phases_done
        zh = _where_zh(labels, self.phase, self.program)
        en = f"{labels.phase(self.phase, 'en')} in {labels.program(self.program, 'en')}"
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met,
            required=True,
            message_zh=f"已完成{zh}环节" if met else f"尚未完成{zh}环节",
            message_en=f"completed {en}" if met else f"{en} not complete",
        )


# -- tallies --------------------------------------------------------------------------------


@attrs.frozen
class HoursAtLeast(Rule):
    """At least ``hours`` of activities (in ``phase``, in ``program``'s cohorts, on or after
    ``since``, when given)."""

    kind: ClassVar[str] = "hours_at_least"
    hours: float = attrs.field(validator=_positive)
    phase: str | None = attrs.field(default=None, validator=_optional_text)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    since: date | None = attrs.field(default=None, converter=_optional_date)

    @functools.cached_property
    def measure(self) -> Measure:
        return Measure("hours", self.program, self.phase, self.since)

    def measures(self) -> set[Measure]:
        return {self.measure}

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def holds(self, view: PersonView, as_of: date) -> bool:
        return view.measures.get(self.measure, 0.0) >= self.hours

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        actual = view.measures.get(self.measure, 0.0)
        gap = self.hours - actual
        met = gap <= 0
        where = _where_zh(labels, self.phase, self.program)
        en_where = _where_en(labels, self.phase, self.program)
        since_zh, since_en = _since(self.since, "zh"), _since(self.since, "en")
        if met:
            zh = f"已有 {_num(actual)} 小时{where}（需 {_num(self.hours)}）{since_zh}"
            en = f"{_num(actual)} hours{en_where}{since_en} (at least {_num(self.hours)})"
        else:
            zh = f"还差 {_num(gap)} 小时{where}{since_zh}"
            en = f"{_num(gap)} more hour{_plural(gap)}{en_where}{since_en} needed"
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=actual,
            required=float(self.hours),
            message_zh=zh,
            message_en=en,
        )


@attrs.frozen
class SessionsAtLeast(Rule):
    """At least ``sessions`` attended supervision sessions, each lasting at least its phase's
    minimum (in ``phase``, in ``program``'s cohorts, on or after ``since``, when given)."""

    kind: ClassVar[str] = "sessions_at_least"
    sessions: int = attrs.field(validator=_positive)
    phase: str | None = attrs.field(default=None, validator=_optional_text)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    since: date | None = attrs.field(default=None, converter=_optional_date)

    @functools.cached_property
    def measure(self) -> Measure:
        return Measure("sessions", self.program, self.phase, self.since)

    def measures(self) -> set[Measure]:
        return {self.measure}

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def holds(self, view: PersonView, as_of: date) -> bool:
        return view.measures.get(self.measure, 0) >= self.sessions

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        actual = int(view.measures.get(self.measure, 0))
        gap = self.sessions - actual
        met = gap <= 0
        zh_where = _where_zh(labels, self.phase, self.program) or "督导"
        en_where = _where_en(labels, self.phase, self.program)
        since_zh, since_en = _since(self.since, "zh"), _since(self.since, "en")
        if met:
            zh = f"已有 {actual} 次{zh_where}（需 {self.sessions}）{since_zh}"
            en = f"{actual} sessions{en_where}{since_en} (at least {self.sessions})"
        else:
            zh = f"还差 {gap} 次{zh_where}{since_zh}"
            en = f"{gap} more session{_plural(gap)}{en_where}{since_en} needed"
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=actual,
            required=self.sessions,
            message_zh=zh,
            message_en=en,
        )


@attrs.frozen
class DeliverableScoreAtLeast(Rule):
    """A deliverable (in ``phase``, in ``program``'s cohorts, when given) scored at least
    ``score``: the best scored one counts."""

    kind: ClassVar[str] = "deliverable_score_at_least"
    score: float = attrs.field(validator=_positive)
    phase: str | None = attrs.field(default=None, validator=_optional_text)
    program: str | None = attrs.field(default=None, validator=_optional_text)

    @functools.cached_property
    def measure(self) -> Measure:
        return Measure("best_score", self.program, self.phase)

    def measures(self) -> set[Measure]:
        return {self.measure}

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def holds(self, view: PersonView, as_of: date) -> bool:
        best = view.measures.get(self.measure)
        return best is not None and best >= self.score

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        best = view.measures.get(self.measure)
        met = best is not None and best >= self.score
        what_zh = (_where_zh(labels, self.phase, self.program) or "") + "成果"
        what_en = (labels.phase(self.phase, "en") + " " if self.phase else "") + "deliverable"
        if self.program:
            what_en += f" in {labels.program(self.program, 'en')}"
        need = _num(self.score)
        if best is None:
            zh, en = (
                f"尚无已评分的{what_zh}（需达到 {need} 分）",
                f"no scored {what_en} yet ({need} needed)",
            )
        elif met:
            zh, en = (
                f"{what_zh}最高 {_num(best)} 分（需 {need} 分）",
                f"best {what_en} scored {_num(best)} (at least {need})",
            )
        else:
            zh, en = (
                f"{what_zh}最高 {_num(best)} 分，需达到 {need} 分",
                f"best {what_en} scored {_num(best)}, {need} needed",
            )
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=best,
            required=float(self.score),
            message_zh=zh,
            message_en=en,
        )


# -- the person -----------------------------------------------------------------------------


def _level(value: Any) -> CredentialLevel:
    return CredentialLevel.parse(value)


@attrs.frozen
class CredentialAtLeast(Rule):
    """Holds, on as_of, a credential of ``level`` or higher (assistant < intermediate < senior)."""

    kind: ClassVar[str] = "credential_at_least"
    level: CredentialLevel = attrs.field(converter=_level)

    def holds(self, view: PersonView, as_of: date) -> bool:
        return view.credential is not None and view.credential.rank >= self.level.rank

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        held = view.credential
        met = held is not None and held.rank >= self.level.rank
        now_zh = held.zh if held else "无"
        now_en = held.value if held else "none"
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=held.value if held else None,
            required=self.level.value,
            message_zh=(
                f"持有{now_zh}职业资格（需{self.level.zh}及以上）"
                if met
                else f"需持有{self.level.zh}及以上职业资格（当前：{now_zh}）"
            ),
            message_en=(
                f"holds {now_en} credential ({self.level.value} or higher)"
                if met
                else f"{self.level.value} credential or higher needed (holds: {now_en})"
            ),
        )


@attrs.frozen
class PracticeYearsAtLeast(Rule):
    """At least ``years`` whole years from ``practice_since`` to as_of."""

    kind: ClassVar[str] = "practice_years_at_least"
    years: int = attrs.field(validator=_positive)

    def holds(self, view: PersonView, as_of: date) -> bool:
        since = view.practice_since
        return since is not None and years_between(since, as_of) >= self.years

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        if view.practice_since is None:
            return RuleResult(
                kind=self.kind,
                met=False,
                actual=None,
                required=self.years,
                message_zh=f"缺少从业起始日期（需从业满 {self.years} 年）",
                message_en=f"practice start date unknown ({self.years} years needed)",
            )
        actual = years_between(view.practice_since, as_of)
        met = actual >= self.years
        gap = self.years - actual
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=actual,
            required=self.years,
            message_zh=(
                f"从业 {actual} 年（需 {self.years} 年）"
                if met
                else f"从业年限还差 {gap} 年（当前 {actual} 年，需 {self.years} 年）"
            ),
            message_en=(
                f"{actual} years of practice (at least {self.years})"
                if met
                else f"{gap} more year{_plural(gap)} of practice needed ({actual} of {self.years})"
            ),
        )


def _outcome(value: Any) -> OutcomeKind:
    return OutcomeKind.parse(value)


@attrs.frozen
class OutcomePresent(Rule):
    """An outcome of kind ``outcome`` dated up to as_of (and on or after ``since``)."""

    kind: ClassVar[str] = "outcome_present"
    outcome: OutcomeKind = attrs.field(converter=_outcome)
    since: date | None = attrs.field(default=None, converter=_optional_date)

    def holds(self, view: PersonView, as_of: date) -> bool:
        since = self.since
        return any(
            kind is self.outcome and on <= as_of and (since is None or on >= since)
            for kind, on in view.outcomes
        )

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        dates = [
            on
            for kind, on in view.outcomes
            if kind is self.outcome and on <= as_of and (self.since is None or on >= self.since)
        ]
        met = bool(dates)
        since_zh, since_en = _since(self.since, "zh"), _since(self.since, "en")
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met,
            required=True,
            message_zh=(
                f"已有{self.outcome.zh}记录（{max(dates).isoformat()}）"
                if met
                else f"尚无{self.outcome.zh}记录{since_zh}"
            ),
            message_en=(
                f"{self.outcome.en} on {max(dates).isoformat()}"
                if met
                else f"no {self.outcome.en} outcome{since_en} yet"
            ),
        )


# -- combinations ---------------------------------------------------------------------------


def _rules(value: Any) -> tuple[Rule, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Rule):
            raise ValueError(f"rules must be rules, not {item!r}")
    if not items:
        raise ValueError("rules must hold at least one rule")
    return items


class _Composite(Rule):
    rules: tuple[Rule, ...]

    def measures(self) -> set[Measure]:
        return set().union(*(r.measures() for r in self.rules))

    def programs(self) -> set[tuple[str | None, str | None]]:
        return set().union(*(r.programs() for r in self.rules))

    def _children(self, view: PersonView, as_of: date, labels: Labels) -> tuple[RuleResult, ...]:
        return tuple(r.evaluate(view, as_of, labels) for r in self.rules)


@attrs.frozen
class AllOf(_Composite):
    """Every one of ``rules`` holds."""

    kind: ClassVar[str] = "all_of"
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)

    def holds(self, view: PersonView, as_of: date) -> bool:
        return all(r.holds(view, as_of) for r in self.rules)

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        children = self._children(view, as_of, labels)
        met_count = sum(c.met for c in children)
        missing = [c for c in children if not c.met]
        met = not missing
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met_count,
            required=len(children),
            rules=children,
            message_zh="全部满足" if met else "；".join(c.message_zh for c in missing),
            message_en="all met" if met else "; ".join(c.message_en for c in missing),
        )


@attrs.frozen
class AnyOf(_Composite):
    """At least one of ``rules`` holds."""

    kind: ClassVar[str] = "any_of"
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)

    def holds(self, view: PersonView, as_of: date) -> bool:
        return any(r.holds(view, as_of) for r in self.rules)

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        children = self._children(view, as_of, labels)
        met_count = sum(c.met for c in children)
        met = met_count > 0
        first = next((c for c in children if c.met), None)
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met_count,
            required=1,
            rules=children,
            message_zh=first.message_zh
            if first
            else "需满足其一：" + "；或 ".join(c.message_zh for c in children),
            message_en=first.message_en
            if first
            else "one of: " + "; or ".join(c.message_en for c in children),
        )


def _rule(value: Any) -> Rule:
    if not isinstance(value, Rule):
        raise ValueError(f"rule must be a rule, not {value!r}")
    return value


@attrs.frozen
class Not(Rule):
    """``rule`` does not hold (kind ``not`` in policy files)."""

    kind: ClassVar[str] = "not"
    rule: Rule = attrs.field(validator=lambda _, __, v: _rule(v))

    def measures(self) -> set[Measure]:
        return self.rule.measures()

    def programs(self) -> set[tuple[str | None, str | None]]:
        return self.rule.programs()

    def holds(self, view: PersonView, as_of: date) -> bool:
        return not self.rule.holds(view, as_of)

    def evaluate(self, view: PersonView, as_of: date, labels: Labels = _NO_LABELS) -> RuleResult:
        child = self.rule.evaluate(view, as_of, labels)
        met = not child.met
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=child.met,
            required=False,
            rules=(child,),
            message_zh=f"不满足：{child.message_zh}" if met else f"不得满足：{child.message_zh}",
            message_en=f"does not hold: {child.message_en}"
            if met
            else f"must not hold: {child.message_en}",
        )

    def params(self) -> dict[str, Any]:
        return {"rule": _plain(self.rule)}


_COMPOSITE = ("all_of", "any_of", "not")

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
        AllOf,
        AnyOf,
        Not,
    )
}


# -- constructors, named as in policy files --------------------------------------------------


def completed_program(program: str) -> CompletedProgram:
    """Every phase complete or exempt in some cohort of ``program``."""
    return CompletedProgram(program)


def phase_complete(program: str, phase: str) -> PhaseComplete:
    """Phase ``phase`` complete or exempt in some cohort of ``program``."""
    return PhaseComplete(program, phase)


def hours_at_least(
    hours: float,
    phase: str | None = None,
    program: str | None = None,
    since: date | str | None = None,
) -> HoursAtLeast:
    """At least ``hours`` hours of activities, optionally in a phase, a program, a window."""
    return HoursAtLeast(hours, phase, program, since)


def sessions_at_least(
    sessions: int,
    phase: str | None = None,
    program: str | None = None,
    since: date | str | None = None,
) -> SessionsAtLeast:
    """At least ``sessions`` attended sessions long enough for their phase."""
    return SessionsAtLeast(sessions, phase, program, since)


def deliverable_score_at_least(
    score: float, phase: str | None = None, program: str | None = None
) -> DeliverableScoreAtLeast:
    """A deliverable scored at least ``score``."""
    return DeliverableScoreAtLeast(score, phase, program)


def credential_at_least(level: CredentialLevel | str) -> CredentialAtLeast:
    """A credential of ``level`` or higher held on as_of."""
    return CredentialAtLeast(level)


def practice_years_at_least(years: int) -> PracticeYearsAtLeast:
    """At least ``years`` whole years of practice."""
    return PracticeYearsAtLeast(years)


def outcome_present(outcome: OutcomeKind | str, since: date | str | None = None) -> OutcomePresent:
    """An outcome of kind ``outcome`` (on or after ``since``)."""
    return OutcomePresent(outcome, since)


def all_of(rules: Sequence[Rule]) -> AllOf:
    """Every one of ``rules`` holds."""
    return AllOf(tuple(rules))


def any_of(rules: Sequence[Rule]) -> AnyOf:
    """At least one of ``rules`` holds."""
    return AnyOf(tuple(rules))


def not_(rule: Rule) -> Not:
    """``rule`` does not hold."""
    return Not(rule)
