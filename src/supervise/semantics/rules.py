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
from supervise.model import CredentialLevel, OutcomeKind, SessionForm, Vocabulary, phase_label
from supervise.semantics import literal

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


class Scope(NamedTuple):
    """Which records a counting rule reads: of ``phases`` (any phase when ``None``), of
    ``program``'s cohorts, dated from ``since`` to ``until`` (both inclusive, and never after
    the date of assessment); ``None`` does not filter."""

    phases: tuple[str, ...] | None = None
    program: str | None = None
    since: date | None = None
    until: date | None = None


class SessionCounts(NamedTuple):
    """A person's sessions as SQL expressions: those not in group form (``other``), those in
    group form (``group``) and their minutes (``minutes``)."""

    other: str
    group: str
    minutes: str


class Cycle(NamedTuple):
    """A person's registration cycle on the date as SQL expressions: the credential level
    that sets it, its first and last day, the continuing-education hours in it so far and the
    hours it requires (all NULL without a credential; the days NULL before registration)."""

    level: str
    starts: str
    ends: str
    hours: str
    required: str


class Facts(Protocol):
    """What rules read about each person as of the date, as SQL expressions (one value per
    person). Only records that count under sign-off are read (rejected never; submitted
    where their program's ``pending_counts`` is true)."""

    def hours(self, scope: Scope) -> str:
        """Activity hours summed (0 when none)."""
        ...

    def sessions(self, scope: Scope, forms: tuple[str, ...] | None) -> SessionCounts:
        """Sessions attended that last at least their phase's minimum, of ``forms`` (any
        form when ``None``)."""
        ...

    def best_score(self, scope: Scope) -> str:
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

    def latest_outcome(self, kind: str, since: date | None, until: date | None) -> str:
        """The latest date of an outcome of ``kind`` from ``since`` to ``until`` and up to
        the date (NULL when none)."""
        ...

    def cycle(self, hours: float | None) -> Cycle:
        """The registration cycle containing the date and its continuing education;
        ``hours`` replaces the hours each level requires."""
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
        ``any_of`` or ``at_least_n_of``. What a person must do is :meth:`missing`, which
        keeps choices whole."""
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
    if isinstance(value, Vocabulary):
        return value.value
    if isinstance(value, Measure):
        return value.params()
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


def _window(since: date | None, until: date | None, lang: str) -> str:
    """``（2024-09-01 至 2024-11-30）`` / `` between 2024-09-01 and 2024-11-30``."""
    if since is None and until is None:
        return ""
    if lang == "zh":
        if since is not None and until is not None:
            return f"（{since.isoformat()} 至 {until.isoformat()}）"
        return f"（自 {since.isoformat()} 起）" if since else f"（截至 {until}）"
    if since is not None and until is not None:
        return f" between {since.isoformat()} and {until.isoformat()}"
    return f" since {since.isoformat()}" if since else f" until {until}"


def _phases_zh(labels: Labels, phases: tuple[str, ...] | None) -> str:
    return "、".join(labels.phase(p, "zh") for p in phases or ())


def _phases_en(labels: Labels, phases: tuple[str, ...] | None) -> str:
    names = [labels.phase(p, "en") for p in phases or ()]
    return " or ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " or " + names[-1]


def _where_zh(labels: Labels, phase: str | tuple[str, ...] | None, program: str | None) -> str:
    place = _phases_zh(labels, _as_keys(phase))
    if program:
        place += f"（{labels.program(program, 'zh')}）"
    return place


def _where_en(labels: Labels, phase: str | tuple[str, ...] | None, program: str | None) -> str:
    place = f" of {_phases_en(labels, _as_keys(phase))}" if phase else ""
    if program:
        place += f" in {labels.program(program, 'en')}"
    return place


def _forms_zh(forms: tuple[SessionForm, ...] | None) -> str:
    return "、".join(f.zh for f in forms or ())


def _forms_en(forms: tuple[SessionForm, ...] | None) -> str:
    return " or ".join(f.en for f in forms or ())


def _as_keys(phase: str | tuple[str, ...] | None) -> tuple[str, ...] | None:
    return (phase,) if isinstance(phase, str) else phase


def _keys(value: Any) -> str | tuple[str, ...] | None:
    """A phase key, or a list of them (kept as a tuple): what ``phase`` takes."""
    if value is None or isinstance(value, str):
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"phase must be non-empty text, not {value!r}")
        return value
    if isinstance(value, list | tuple):
        items = tuple(value)
        if not items or not all(isinstance(v, str) and v.strip() for v in items):
            raise ValueError(f"phase must be a phase key or a list of them, not {value!r}")
        return items
    raise ValueError(f"phase must be a phase key or a list of them, not {value!r}")


def _forms(value: Any) -> SessionForm | tuple[SessionForm, ...] | None:
    """A session form, or a list of them: what ``form`` takes."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("form must name at least one form")
        return tuple(SessionForm.parse(v) for v in value)
    return SessionForm.parse(value)


def _as_forms(form: SessionForm | tuple[SessionForm, ...] | None) -> tuple[SessionForm, ...] | None:
    return (form,) if isinstance(form, SessionForm) else form


def _form_values(form: SessionForm | tuple[SessionForm, ...] | None) -> tuple[str, ...] | None:
    forms = _as_forms(form)
    return None if forms is None else tuple(f.value for f in forms)


def _check_window(instance: Any) -> None:
    since, until = instance.since, instance.until
    if since is not None and until is not None and since > until:
        raise ValueError(f"since ({since}) must not be after until ({until})")


def _optional_whole(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{attribute.name} must be a whole number of at least 0, not {value!r}")


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
    """At least ``hours`` of activities (in ``phase``, one key or a list of them, in
    ``program``'s cohorts, from ``since`` to ``until``, when given)."""

    kind: ClassVar[str] = "hours_at_least"
    hours: float = attrs.field(validator=_positive)
    phase: str | tuple[str, ...] | None = attrs.field(default=None, converter=_keys)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def __attrs_post_init__(self) -> None:
        _check_window(self)

    @property
    def scope(self) -> Scope:
        return Scope(_as_keys(self.phase), self.program, self.since, self.until)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, p) for p in _as_keys(self.phase) or (None,)}

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
        window_zh, window_en = (
            _window(self.since, self.until, "zh"),
            _window(self.since, self.until, "en"),
        )
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
class SessionsAtLeast(Rule):
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

    def __attrs_post_init__(self) -> None:
        _check_window(self)

    @property
    def scope(self) -> Scope:
        return Scope(_as_keys(self.phase), self.program, self.since, self.until)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, p) for p in _as_keys(self.phase) or (None,)}

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
        window_zh, window_en = (
            _window(self.since, self.until, "zh"),
            _window(self.since, self.until, "en"),
        )
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
class DeliverableScoreAtLeast(Rule):
    """A deliverable (in ``phase``, in ``program``'s cohorts, submitted from ``since`` to
    ``until``, when given) scored at least ``score``: the best scored one counts."""

    kind: ClassVar[str] = "deliverable_score_at_least"
    score: float = attrs.field(validator=_positive)
    phase: str | None = attrs.field(default=None, validator=_optional_text)
    program: str | None = attrs.field(default=None, validator=_optional_text)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def __attrs_post_init__(self) -> None:
        _check_window(self)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, self.phase)}

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        scope = Scope(_as_keys(self.phase), self.program, self.since, self.until)
        value = facts.best_score(scope)
        return Compiled(value, _at_least(value, self.score))

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        best = None if value is None else float(value)
        what_zh = (_where_zh(labels, self.phase, self.program) or "") + "成果"
        what_en = (labels.phase(self.phase, "en") + " " if self.phase else "") + "deliverable"
        if self.program:
            what_en += f" in {labels.program(self.program, 'en')}"
        what_zh += _window(self.since, self.until, "zh")
        what_en += _window(self.since, self.until, "en")
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
class RatioAtLeast(Rule):
    """``numerator`` is at least ``ratio`` times ``denominator`` (two :class:`Measure` s of
    the same person from ``since`` to ``until``, when given), and the denominator is not 0.
    For example, hours of supervision sessions per hour of practicum activity."""

    kind: ClassVar[str] = "ratio_at_least"
    ratio: float = attrs.field(validator=_positive)
    numerator: Measure = attrs.field(converter=_measure)
    denominator: Measure = attrs.field(converter=_measure)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def __attrs_post_init__(self) -> None:
        _check_window(self)

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
        window_zh = _window(self.since, self.until, "zh")
        window_en = _window(self.since, self.until, "en")
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
    """An outcome of kind ``outcome`` dated up to as_of (and from ``since`` to ``until``)."""

    kind: ClassVar[str] = "outcome_present"
    outcome: OutcomeKind = attrs.field(converter=_outcome)
    since: date | None = attrs.field(default=None, converter=_optional_date)
    until: date | None = attrs.field(default=None, converter=_optional_date)

    def __attrs_post_init__(self) -> None:
        _check_window(self)

    def compile(self, facts: Facts, children: Sequence[Compiled] = ()) -> Compiled:
        latest = facts.latest_outcome(self.outcome.value, self.since, self.until)
        return Compiled(latest, f"({latest} IS NOT NULL)")

    def explain(
        self, value: Any, met: bool, children: Sequence[RuleResult], labels: Labels = _NO_LABELS
    ) -> RuleResult:
        window_zh = _window(self.since, self.until, "zh")
        window_en = _window(self.since, self.until, "en")
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


_COMPOSITE = ("all_of", "any_of", "at_least_n_of", "not")
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
