"""Rule kinds about the person: credential, years of practice, outcomes, continuing
education."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

import attrs

from supervise.model import CredentialLevel, OutcomeKind
from supervise.semantics import literal
from supervise.semantics.rules._base import (
    _NO_LABELS,
    Compiled,
    Facts,
    Labels,
    Rule,
    RuleResult,
    _at_least,
    _num,
    _optional_date,
    _plural,
    _positive,
    _Windowed,
)


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
class OutcomePresent(_Windowed, Rule):
    """An outcome of kind ``outcome`` dated up to as_of (and from ``since`` to ``until``)."""

    kind: ClassVar[str] = "outcome_present"
    outcome: OutcomeKind = attrs.field(converter=_outcome)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        latest = facts.latest_outcome(self.outcome.value, self.since, self.until)
        return Compiled(latest, f"({latest} IS NOT NULL)")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        window_zh, window_en = self.windows()
        on = "" if value is None else value.isoformat()
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=met,
            required=True,
            message_zh=(
                f"已有{self.outcome.zh}记录（{on}）"
                if met
                else f"尚无{self.outcome.zh}记录{window_zh}"
            ),
            message_en=(
                f"{self.outcome.en} on {on}"
                if met
                else f"no {self.outcome.en} outcome{window_en}"
                + ("" if self.until is not None else " yet")
            ),
        )


def _optional_hours(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _positive(instance, attribute, value)


@attrs.frozen
class ContinuingEducationAtLeast(Rule):
    """Enough continuing education (继续教育) in the registration cycle that contains the
    date: three-year cycles (by default) run from the ``registered_on`` of the highest
    credential held (its ``issued_on`` when not registered), and each level requires its
    hours (by default 72 for assistant, 90 for intermediate and senior; a province sets its
    own, see :mod:`supervise.semantics.continuing`). ``hours``, when given, is required
    whatever the level."""

    kind: ClassVar[str] = "continuing_education_at_least"
    hours: float | None = attrs.field(default=None, validator=_optional_hours)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        c = facts.cycle(self.hours)
        value = (
            f"struct_pack(level := {c.level}, starts := {c.starts}, ends := {c.ends}, "
            f"hours := {c.hours}, required := {c.required})"
        )
        met = f"coalesce({c.starts} IS NOT NULL AND {c.hours} >= {c.required}, false)"
        return Compiled(value, met)

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        required = None if value["required"] is None else float(value["required"])
        if value["level"] is None:
            return RuleResult(
                kind=self.kind,
                met=False,
                actual=None,
                required=required if self.hours is None else float(self.hours),
                message_zh="未持有职业资格，无继续教育周期",
                message_en="no credential held, so no continuing-education cycle",
            )
        level = CredentialLevel.parse(value["level"])
        if value["starts"] is None:
            return RuleResult(
                kind=self.kind,
                met=False,
                actual=None,
                required=required,
                message_zh=f"{level.zh}职业资格尚未注册，继续教育周期未开始",
                message_en=f"the {level.en} credential is not registered yet: no cycle",
            )
        hours = float(value["hours"])
        cycle_zh = f"本周期（{value['starts']} 至 {value['ends']}）"
        cycle_en = f"this cycle ({value['starts']} to {value['ends']})"
        need = _num(required or 0)
        if met:
            zh = f"{cycle_zh}继续教育 {_num(hours)} 小时（需 {need}）"
            en = f"{_num(hours)} hours of continuing education {cycle_en} (at least {need})"
        else:
            gap = (required or 0) - hours
            zh = f"{cycle_zh}继续教育还差 {_num(gap)} 小时（已有 {_num(hours)}，需 {need}）"
            en = (
                f"{_num(gap)} more hour{_plural(gap)} of continuing education needed "
                f"{cycle_en}: {_num(hours)} of {need}"
            )
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=hours,
            required=required,
            message_zh=zh,
            message_en=en,
        )
