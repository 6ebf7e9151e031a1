"""What every rule kind shares: the facts rules read, the SQL a rule compiles to, the
result that explains it, the base class, and the helpers their messages use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, ClassVar, NamedTuple, Protocol, cast

import attrs

from supervise.dates import parse_date
from supervise.lang import resolve
from supervise.model import SessionForm, Vocabulary, phase_label
from supervise.semantics import literal

_COMPOSITE = ("all_of", "any_of", "at_least_n_of", "not")
#: Combinations whose ``actual`` counts the rules that hold and whose ``required`` is how many
#: must: what is missing from them is a count of their unmet rules (all, or a choice).
_COUNTING = ("all_of", "any_of", "at_least_n_of")


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
    if isinstance(value, Rule):
        return {"kind": value.kind, **value.params()}
    if hasattr(value, "params"):  # a part of a rule with parameters of its own (a Measure)
        return value.params()
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


class _Windowed:
    """What a rule kind counting from ``since`` to ``until`` (both optional) shares: the
    window is checked when the rule is made, and written into its messages."""

    __slots__ = ()
    since: date | None
    until: date | None

    def __attrs_post_init__(self) -> None:
        _check_window(self)

    def windows(self) -> tuple[str, str]:
        """The window as the Chinese and the English messages write it."""
        return _window(self.since, self.until, "zh"), _window(self.since, self.until, "en")


class _Scoped(_Windowed):
    """What a rule kind counting records of ``phase`` (one key or a list) in ``program``'s
    cohorts, in a window, shares: the :class:`Scope` it reads and the phases it names."""

    __slots__ = ()
    phase: str | tuple[str, ...] | None
    program: str | None

    @property
    def scope(self) -> Scope:
        return Scope(_as_keys(self.phase), self.program, self.since, self.until)

    def programs(self) -> set[tuple[str | None, str | None]]:
        return {(self.program, p) for p in _as_keys(self.phase) or (None,)}


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
