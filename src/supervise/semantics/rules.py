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
from typing import Any, ClassVar, NamedTuple, Protocol, cast

import attrs

from supervise.dates import parse_date
from supervise.lang import resolve
from supervise.model import CredentialLevel, OutcomeKind, phase_label
from supervise.semantics import literal

__all__ = [
    "KINDS",
    "AllOf",
    "AnyOf",
    "Compiled",
    "CompletedProgram",
    "CredentialAtLeast",
    "DeliverableScoreAtLeast",
    "Facts",
    "HoursAtLeast",
    "Labels",
    "Not",
    "OutcomePresent",
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


class Facts(Protocol):
    """What rules read about each person as of the date, as SQL expressions (one value per
    person). Filters left ``None`` do not filter; ``since`` is inclusive."""

    def hours(self, phase: str | None, program: str | None, since: date | None) -> str:
        """Activity hours summed (0 when none)."""
        ...

    def sessions(self, phase: str | None, program: str | None, since: date | None) -> str:
        """Sessions attended that last at least their phase's minimum (0 when none)."""
        ...

    def best_score(self, phase: str | None, program: str | None) -> str:
        """The best score among scored deliverables (NULL when none)."""
        ...

    def completed(self, program: str | None) -> str:
        """Whether the person completed ``program`` (any program when ``None``) in some
        cohort, not withdrawn (true or false)."""
        ...

    def phase_done(self, program: str, phase: str) -> str:
        """Whether the phase is complete or exempt in some cohort of the program."""
        ...

    def credential(self) -> str:
        """The highest credential level held on the date (NULL when none)."""
        ...

    def practice_years(self) -> str:
        """Whole years of practice on the date (NULL when the start is unknown)."""
        ...

    def latest_outcome(self, kind: str, since: date | None) -> str:
        """The latest date of an outcome of ``kind`` up to the date (NULL when none)."""
        ...


class Compiled(NamedTuple):
    """A rule as SQL: the person's ``value`` (what ``explain`` receives) and ``met``."""

    value: str
    met: str


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

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the language setting,
        :func:`supervise.lang.resolve`)."""
        return self.message_zh if resolve(lang) == "zh" else self.message_en

    def leaves_missing(self) -> list[RuleResult]:
        """Every unmet simple result under this one, alternatives included: this one for a
        simple rule; the unmet children of an ``all_of``; every alternative of an unmet
        ``any_of``. What a person must do is :meth:`missing`, which keeps choices whole."""
        if self.met:
            return []
        if self.kind in _COUNTING:
            return [leaf for child in self.rules for leaf in child.leaves_missing()]
        return [self]

    @property
    def options(self) -> tuple[RuleResult, ...]:
        """The unmet rules of an unmet combination: for a :attr:`choice`, the alternatives
        left to choose from; empty for a simple rule or a met one."""
        if self.met or self.kind not in _COUNTING:
            return ()
        return tuple(r for r in self.rules if not r.met)

    @property
    def needed(self) -> int:
        """How many of :attr:`options` must still be met: every one for an ``all_of``, one
        for an ``any_of``, ``n`` less those met for an ``at_least_n_of``; 1 for an unmet
        simple rule (or ``not``), 0 when met."""
        if self.met:
            return 0
        if self.kind not in _COUNTING:
            return 1
        # Combinations that count: actual is how many rules hold, required how many must.
        return int(self.required) - int(self.actual)

    @property
    def choice(self) -> bool:
        """An unmet combination that leaves a choice: fewer of its unmet rules are needed
        than there are (an ``any_of`` with two unmet alternatives needs one of them)."""
        return bool(self.options) and self.needed < len(self.options)

    def missing(self) -> list[RuleResult]:
        """What is missing, each item needed: this result for an unmet simple rule (or
        ``not``); for an unmet :attr:`choice`, this result whole (meet :attr:`needed` of its
        :attr:`options`); for any other combination, what each unmet rule is missing."""
        if self.met:
            return []
        if self.kind not in _COUNTING or self.choice:
            return [self]
        return [item for option in self.options for item in option.missing()]

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

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        """The rule as SQL over ``facts``; a combination receives its rules compiled."""
        raise NotImplementedError

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        """The result for one person, from the value and verdict :meth:`compile` computed
        (and the results of nested rules): actual, required and what is missing."""
        raise NotImplementedError

    def children(self) -> tuple[Rule, ...]:
        """The rules nested in this one."""
        return ()

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


def _at_least(value: str, minimum: float) -> str:
    return f"coalesce({value} >= {literal.number(minimum)}, false)"


# -- programs and phases ----------------------------------------------------------------------


@attrs.frozen
class CompletedProgram(Rule):
    """Every phase complete or exempt in some cohort of ``program`` (of any program when not
    given), not withdrawn from it."""

    kind: ClassVar[str] = "completed_program"
    program: str | None = attrs.field(default=None, validator=_optional_text)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, None)}

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        done = facts.completed(self.program)
        return Compiled(done, done)

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        if self.program is None:
            zh, en = "培养项目", "a program"
        else:
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

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        done = facts.phase_done(self.program, self.phase)
        return Compiled(done, done)

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
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

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        value = facts.hours(self.phase, self.program, self.since)
        return Compiled(value, _at_least(value, self.hours))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        actual = float(value)
        gap = self.hours - actual
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

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        value = facts.sessions(self.phase, self.program, self.since)
        return Compiled(value, _at_least(value, self.sessions))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        actual = int(value)
        gap = self.sessions - actual
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

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        value = facts.best_score(self.phase, self.program)
        return Compiled(value, _at_least(value, self.score))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        best = None if value is None else float(value)
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

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        held = facts.credential()
        ranks = [lvl.value for lvl in CredentialLevel if lvl.rank >= self.level.rank]
        return Compiled(held, f"coalesce({held} IN {literal.texts(ranks)}, false)")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        held = None if value is None else CredentialLevel.parse(value)
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

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        value = facts.practice_years()
        return Compiled(value, _at_least(value, self.years))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        if value is None:
            return RuleResult(
                kind=self.kind,
                met=False,
                actual=None,
                required=self.years,
                message_zh=f"缺少从业起始日期（需从业满 {self.years} 年）",
                message_en=f"practice start date unknown ({self.years} years needed)",
            )
        actual = int(value)
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

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        latest = facts.latest_outcome(self.outcome.value, self.since)
        return Compiled(latest, f"({latest} IS NOT NULL)")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        since_zh, since_en = _since(self.since, "zh"), _since(self.since, "en")
        on = "" if value is None else value.isoformat()
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met,
            required=True,
            message_zh=(
                f"已有{self.outcome.zh}记录（{on}）"
                if met
                else f"尚无{self.outcome.zh}记录{since_zh}"
            ),
            message_en=(
                f"{self.outcome.en} on {on}"
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

    def children(self) -> tuple[Rule, ...]:
        return self.rules

    def programs(self) -> set[tuple[str | None, str | None]]:
        return set().union(*(r.programs() for r in self.rules))


def _count_met(children: Sequence[Compiled]) -> str:
    return "(" + " + ".join(f"CAST({c.met} AS INTEGER)" for c in children) + ")"


@attrs.frozen
class AllOf(_Composite):
    """Every one of ``rules`` holds."""

    kind: ClassVar[str] = "all_of"
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        return Compiled(_count_met(children), "(" + " AND ".join(c.met for c in children) + ")")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        missing = [c for c in children if not c.met]
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=int(value),
            required=len(children),
            rules=tuple(children),
            message_zh="全部满足"
            if met
            else "；".join(_clause(c, "zh", c.choice) for c in missing),
            message_en="all met" if met else "; ".join(_clause(c, "en", c.choice) for c in missing),
        )


@attrs.frozen
class AnyOf(_Composite):
    """At least one of ``rules`` holds."""

    kind: ClassVar[str] = "any_of"
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        return Compiled(_count_met(children), "(" + " OR ".join(c.met for c in children) + ")")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        first = next((c for c in children if c.met), None)
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=int(value),
            required=1,
            rules=tuple(children),
            message_zh=first.message_zh
            if first
            else "需满足其一：" + "；或 ".join(_clause(c, "zh", _several(c)) for c in children),
            message_en=first.message_en
            if first
            else "one of: " + "; or ".join(_clause(c, "en", _several(c)) for c in children),
        )


def _several(result: RuleResult) -> bool:
    """Whether ``result`` asks for more than one thing, or for a choice."""
    return result.choice or len(result.missing()) > 1


def _clause(result: RuleResult, lang: str, bracket: bool) -> str:
    """The message of a nested rule, bracketed when it would otherwise run into the
    message around it (a choice inside a list of needs, several needs inside a choice)."""
    text = result.message(lang)
    if not bracket:
        return text
    return f"（{text}）" if lang == "zh" else f"({text})"


def _rule(value: Any) -> Rule:
    if not isinstance(value, Rule):
        raise ValueError(f"rule must be a rule, not {value!r}")
    return value


@attrs.frozen
class Not(Rule):
    """``rule`` does not hold (kind ``not`` in policy files)."""

    kind: ClassVar[str] = "not"
    rule: Rule = attrs.field(validator=lambda _, __, v: _rule(v))

    def children(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return self.rule.programs()

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        (child,) = children
        return Compiled(child.met, f"(NOT {child.met})")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        (child,) = children
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
#: Combinations whose ``actual`` counts the rules that hold and whose ``required`` is how many
#: must: what is missing from them is a count of their unmet rules (all, or a choice).
_COUNTING = ("all_of", "any_of", "at_least_n_of")

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


def completed_program(program: str | None = None) -> CompletedProgram:
    """Every phase complete or exempt in some cohort of ``program`` (of any program)."""
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
