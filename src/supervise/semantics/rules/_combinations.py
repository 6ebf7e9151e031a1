"""Rule kinds that combine rules: all of, any of, at least N of, not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from supervise.semantics.rules._base import (
    _NO_LABELS,
    Compiled,
    Facts,
    Labels,
    Rule,
    RuleResult,
    _plain,
)


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


@attrs.frozen
class AtLeastNOf(_Composite):
    """At least ``n`` of ``rules`` hold (N of M); ``n`` must not exceed the number of rules."""

    kind: ClassVar[str] = "at_least_n_of"
    n: int = attrs.field()
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)

    @n.validator
    def _check_n(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"n must be a whole number of at least 1, not {value!r}")

    def __attrs_post_init__(self) -> None:
        if self.n > len(self.rules):
            raise ValueError(
                f"n ({self.n}) must not be more than the number of rules ({len(self.rules)})"
            )

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        count = _count_met(children)
        return Compiled(count, f"({count} >= {self.n})")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        held, total = int(value), len(children)
        missing = [c for c in children if not c.met]
        if met:
            zh = f"满足 {total} 项中的 {held} 项（需至少 {self.n} 项）"
            en = f"{held} of {total} met (at least {self.n})"
        else:
            more = self.n - held
            zh = (
                f"还需满足 {more} 项（已满足 {held} 项，需 {total} 项中至少 {self.n} 项）："
                + "；".join(_clause(c, "zh", _several(c)) for c in missing)
            )
            en = (
                f"{more} more of these needed ({held} of {total} met, at least {self.n}): "
                + "; ".join(_clause(c, "en", _several(c)) for c in missing)
            )
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=held,
            required=self.n,
            rules=tuple(children),
            message_zh=zh,
            message_en=en,
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
