"""Rule kinds that count records: hours, sessions, deliverable scores and their ratios."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

import attrs

from supervise.model import SessionForm
from supervise.semantics import literal
from supervise.semantics.rules._base import (
    _NO_LABELS,
    Compiled,
    Facts,
    Labels,
    Rule,
    RuleResult,
    Scope,
    _as_forms,
    _as_keys,
    _at_least,
    _form_values,
    _forms,
    _forms_en,
    _forms_zh,
    _keys,
    _num,
    _optional_date,
    _optional_text,
    _optional_whole,
    _plain,
    _plural,
    _positive,
    _Scoped,
    _where_en,
    _where_zh,
    _Windowed,
)


@attrs.frozen
class HoursAtLeast(_Scoped, Rule):
    """At least ``hours`` of activities (in ``phase``, one key or a list of them, in
    ``program``'s cohorts, from ``since`` to ``until``, when given)."""

    kind: ClassVar[str] = "hours_at_least"
    hours: float = attrs.field(validator=_positive)
    phase: str | tuple[str, ...] | None = attrs.field(default=None, converter=_keys)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        value = facts.hours(self.scope)
        return Compiled(value, _at_least(value, self.hours))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        actual = float(value)
        gap = self.hours - actual
        where = _where_zh(labels, self.phase, self.program)
        en_where = _where_en(labels, self.phase, self.program)
        window_zh, window_en = self.windows()
        if met:
            zh = f"已有 {_num(actual)} 小时{where}（需 {_num(self.hours)}）{window_zh}"
            en = f"{_num(actual)} hours{en_where}{window_en} (at least {_num(self.hours)})"
        else:
            zh = f"还差 {_num(gap)} 小时{where}{window_zh}"
            en = f"{_num(gap)} more hour{_plural(gap)}{en_where}{window_en} needed"
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=actual,
            required=float(self.hours),
            message_zh=zh,
            message_en=en,
        )


@attrs.frozen
class SessionsAtLeast(_Scoped, Rule):
    """At least ``sessions`` attended supervision sessions, each lasting at least its phase's
    minimum (in ``phase``, one key or a list of them, in ``program``'s cohorts, of ``form``,
    one or a list, from ``since`` to ``until``, when given); with ``max_group_sessions``,
    group sessions count up to that many."""

    kind: ClassVar[str] = "sessions_at_least"
    sessions: int = attrs.field(validator=_positive)
    phase: str | tuple[str, ...] | None = attrs.field(default=None, converter=_keys)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)
    form: SessionForm | tuple[SessionForm, ...] | None = attrs.field(default=None, converter=_forms)
    max_group_sessions: int | None = attrs.field(default=None, validator=_optional_whole)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        counts = facts.sessions(self.scope, _form_values(self.form))
        if self.max_group_sessions is None:
            value = f"({counts.other} + {counts.group})"
            return Compiled(value, _at_least(value, self.sessions))
        counted = f"({counts.other} + least({counts.group}, {self.max_group_sessions}))"
        value = f"struct_pack(sessions := {counted}, group_sessions := {counts.group})"
        return Compiled(value, _at_least(counted, self.sessions))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        group = None
        if isinstance(value, Mapping):
            value, group = value["sessions"], value["group_sessions"]
        actual = int(value)
        gap = self.sessions - actual
        zh_where = _where_zh(labels, self.phase, self.program) or "督导"
        en_where = _where_en(labels, self.phase, self.program)
        forms_zh, forms_en = _forms_zh(_as_forms(self.form)), _forms_en(_as_forms(self.form))
        zh_what = f"{zh_where}（{forms_zh}）" if forms_zh else zh_where
        en_what = f" {forms_en} sessions" if forms_en else " sessions"
        window_zh, window_en = self.windows()
        if met:
            zh = f"已有 {actual} 次{zh_what}（需 {self.sessions}）{window_zh}"
            en = f"{actual}{en_what}{en_where}{window_en} (at least {self.sessions})"
        else:
            zh = f"还差 {gap} 次{zh_what}{window_zh}"
            en_noun = en_what if gap != 1 else en_what[:-1]
            en = f"{gap} more{en_noun}{en_where}{window_en} needed"
        cap = self.max_group_sessions
        if cap is not None and group is not None and int(group) >= cap:
            zh += f"；团体督导最多计 {cap} 次，已计满"
            en += f"; group sessions count up to {cap}, limit reached"
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=actual,
            required=self.sessions,
            message_zh=zh,
            message_en=en,
        )


@attrs.frozen
class DeliverableScoreAtLeast(_Scoped, Rule):
    """A deliverable (in ``phase``, in ``program``'s cohorts, submitted from ``since`` to
    ``until``, when given) scored at least ``score``: the best scored one counts."""

    kind: ClassVar[str] = "deliverable_score_at_least"
    score: float = attrs.field(validator=_positive)
    phase: str | None = attrs.field(default=None, validator=_optional_text)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        value = facts.best_score(self.scope)
        return Compiled(value, _at_least(value, self.score))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        best = None if value is None else float(value)
        what_zh = (_where_zh(labels, self.phase, self.program) or "") + "成果"
        what_en = (labels.phase(self.phase, "en") + " " if self.phase else "") + "deliverable"
        if self.program:
            what_en += f" in {labels.program(self.program, 'en')}"
        window_zh, window_en = self.windows()
        what_zh += window_zh
        what_en += window_en
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


#: What a :class:`Measure` counts.
MEASURES = ("hours", "sessions", "session_hours")


@attrs.frozen
class Measure:
    """One side of a :class:`RatioAtLeast`: ``hours`` (activity hours), ``sessions``
    (sessions attended) or ``session_hours`` (the hours of sessions attended), in ``phase``
    (one key or a list), in ``program``'s cohorts, of session ``form`` (one or a list;
    sessions only). Sessions count only when they last their phase's minimum."""

    measure: str
    phase: str | tuple[str, ...] | None = attrs.field(default=None, converter=_keys)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    form: SessionForm | tuple[SessionForm, ...] | None = attrs.field(default=None, converter=_forms)

    def __attrs_post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {self.measure!r}")
        if self.measure == "hours" and self.form is not None:
            raise ValueError("form applies to sessions and session_hours, not to hours")

    def compile(self, facts: Facts, since: date | None, until: date | None) -> str:
        scope = Scope(_as_keys(self.phase), self.program, since, until)
        if self.measure == "hours":
            return facts.hours(scope)
        counts = facts.sessions(scope, _form_values(self.form))
        if self.measure == "sessions":
            return f"CAST({counts.other} + {counts.group} AS DOUBLE)"
        return f"({counts.minutes} / 60.0)"

    def label(self, labels: Labels, lang: str) -> str:
        if lang == "zh":
            base = {"hours": "学时", "sessions": "督导次数", "session_hours": "督导时数"}
            parts = [_where_zh(labels, self.phase, self.program), _forms_zh(_as_forms(self.form))]
            details = "，".join(p for p in parts if p)
            return base[self.measure] + (f"（{details}）" if details else "")
        base = {"hours": "hours", "sessions": "sessions", "session_hours": "session hours"}
        forms = _forms_en(_as_forms(self.form))
        text = (f"{forms} " if forms else "") + base[self.measure]
        return text + _where_en(labels, self.phase, self.program)

    def params(self) -> dict[str, Any]:
        return {
            f.name: _plain(getattr(self, f.name))
            for f in attrs.fields(Measure)
            if getattr(self, f.name) is not None
        }


def _measure(value: Any) -> Measure:
    if isinstance(value, Measure):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"must be a table such as {{ measure = 'hours' }}, not {value!r}")
    known = {f.name for f in attrs.fields(Measure)}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (keys: {', '.join(sorted(known))})")
    if "measure" not in value:
        raise ValueError(f"needs 'measure', one of {', '.join(MEASURES)}")
    return Measure(**value)


@attrs.frozen
class RatioAtLeast(_Windowed, Rule):
    """``numerator`` is at least ``ratio`` times ``denominator`` (two :class:`Measure` s of
    the same person from ``since`` to ``until``, when given), and the denominator is not 0.
    For example, hours of supervision sessions per hour of practicum activity."""

    kind: ClassVar[str] = "ratio_at_least"
    ratio: float = attrs.field(validator=_positive)
    numerator: Measure = attrs.field(converter=_measure)
    denominator: Measure = attrs.field(converter=_measure)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {
            (m.program, p)
            for m in (self.numerator, self.denominator)
            for p in _as_keys(m.phase) or (None,)
        }

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        top = self.numerator.compile(facts, self.since, self.until)
        bottom = self.denominator.compile(facts, self.since, self.until)
        value = f"struct_pack(numerator := {top}, denominator := {bottom})"
        met = f"coalesce({bottom} > 0 AND {top} >= {literal.number(self.ratio)} * {bottom}, false)"
        return Compiled(value, met)

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        top, bottom = float(value["numerator"]), float(value["denominator"])
        top_zh, bottom_zh = self.numerator.label(labels, "zh"), self.denominator.label(labels, "zh")
        top_en, bottom_en = self.numerator.label(labels, "en"), self.denominator.label(labels, "en")
        window_zh, window_en = self.windows()
        need = _num(self.ratio)
        if bottom <= 0:
            return RuleResult(
                kind=self.kind,
                met=False,
                actual=None,
                required=float(self.ratio),
                message_zh=(
                    f"尚无{bottom_zh}{window_zh}，无法计算{top_zh}与之的比例（需至少 {need}）"
                ),
                message_en=f"no {bottom_en}{window_en} yet to set {top_en} against "
                f"(at least {need} needed)",
            )
        actual = top / bottom
        shown = f"{actual:.3g}"
        zh = f"{top_zh}与{bottom_zh}之比为 {shown}（{_num(top)} / {_num(bottom)}）{window_zh}，" + (
            f"需至少 {need}" if not met else f"不低于 {need}"
        )
        en = f"{top_en} per {bottom_en}{window_en}: {shown} ({_num(top)} / {_num(bottom)}), " + (
            f"at least {need} needed" if not met else f"at least {need}"
        )
        return RuleResult(
            kind=self.kind,
            met=met,
            actual=actual,
            required=float(self.ratio),
            message_zh=zh,
            message_en=en,
        )
