"""Targets with deadlines (目标), e.g. no fewer than 100 local supervisors by 2027-12-31, and
whether the current pace reaches them.

>>> target = Target(id="t", name="100 supervisors", metric="completed_program", goal=100,
...                 deadline="2027-12-31", region="64")
>>> status = target_status(target, current=60, year_ago=29, as_of=date(2024, 12, 6))
>>> status.remaining, round(status.pace_needed, 2), round(status.pace_achieved, 2), status.on_track
(40, 1.09, 2.58, True)
"""

from __future__ import annotations

import itertools
import os
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from dateutil.relativedelta import relativedelta

from supervise import _display
from supervise.dates import parse_date
from supervise.errors import SuperviseError
from supervise.model import CredentialLevel, OutcomeKind
from supervise.semantics import rules
from supervise.semantics.rules import Rule

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "METRICS",
    "Target",
    "TargetError",
    "TargetStatus",
    "history_dates",
    "load_targets",
    "target_status",
]

#: What a target counts: people who completed a program (``program`` or any), people holding
#: a credential of ``level`` or higher, people with an outcome of kind ``outcome``.
METRICS = ("completed_program", "credential_at_least", "outcome")
#: Average days per month, for paces per month.
DAYS_PER_MONTH = 365.25 / 12


class TargetError(SuperviseError, ValueError):
    """A target definition is wrong; the message names the target and field."""


def _optional_level(value: Any) -> CredentialLevel | None:
    return None if value is None else CredentialLevel.parse(value)


def _optional_outcome(value: Any) -> OutcomeKind | None:
    return None if value is None else OutcomeKind.parse(value)


@attrs.frozen(kw_only=True)
class Target:
    """A goal with a deadline: ``goal`` people counted by ``metric`` by ``deadline``,
    optionally only people whose region code starts with ``region``."""

    id: str
    name: str
    metric: str = attrs.field(validator=attrs.validators.in_(METRICS))
    goal: int
    deadline: date = attrs.field(converter=parse_date)
    program: str | None = None
    level: CredentialLevel | None = attrs.field(default=None, converter=_optional_level)
    outcome: OutcomeKind | None = attrs.field(default=None, converter=_optional_outcome)
    region: str | None = None

    def __attrs_post_init__(self) -> None:
        if isinstance(self.goal, bool) or not isinstance(self.goal, int) or self.goal < 1:
            raise TargetError(
                f"target {self.id!r}: goal must be a whole number of at least 1, not {self.goal!r}"
            )
        if self.metric == "credential_at_least" and self.level is None:
            raise TargetError(f"target {self.id!r}: metric credential_at_least needs a level")
        if self.metric == "outcome" and self.outcome is None:
            raise TargetError(f"target {self.id!r}: metric outcome needs an outcome")

    def rule(self) -> Rule:
        """Whom the target counts, as an eligibility rule (people of ``region`` for whom it
        holds on a date count): one definition for targets and policies alike."""
        if self.metric == "completed_program":
            return rules.completed_program(self.program)
        if self.metric == "credential_at_least" and self.level is not None:
            return rules.credential_at_least(self.level)
        if self.metric == "outcome" and self.outcome is not None:
            return rules.outcome_present(self.outcome)
        raise TargetError(f"target {self.id!r}: metric {self.metric} lacks its parameter")


@attrs.frozen(kw_only=True)
class TargetStatus:
    """Where a target stands on ``as_of`` and whether the pace of the last 12 months reaches
    it. Paces are people per month; ``projected`` is when the goal is reached at the achieved
    pace (``None`` when that pace is zero)."""

    target: Target
    as_of: date
    current: int
    goal: int
    remaining: int
    days_left: int
    pace_needed: float | None
    pace_achieved: float
    projected: date | None
    on_track: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.target.id,
            "name": self.target.name,
            "metric": self.target.metric,
            "as_of": self.as_of.isoformat(),
            "deadline": self.target.deadline.isoformat(),
            "current": self.current,
            "goal": self.goal,
            "remaining": self.remaining,
            "days_left": self.days_left,
            "pace_needed": self.pace_needed,
            "pace_achieved": self.pace_achieved,
            "projected": None if self.projected is None else self.projected.isoformat(),
            "on_track": self.on_track,
        }

    def to_pandas(self) -> DataFrame:
        """One row with the columns of :meth:`to_dict`, dates as Timestamps.
        Needs ``supervise[pandas]``."""
        return _display.frame(self)

    def to_html(self, lang: str | None = None) -> str:
        """The status as an HTML table row, the verdict coloured, in ``lang`` (default: the
        language setting)."""
        return _display.html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str | None = None) -> str:
        """The status for a terminal, in ``lang`` (default: the language setting)."""
        return _display.text(self, lang)

    def __str__(self) -> str:
        return self.to_text()


def year_before(as_of: date) -> date:
    """The day 12 months before ``as_of``, the start of the pace window."""
    return as_of - relativedelta(months=12)


def history_dates(start: date, end: date, step_months: int = 1) -> list[date]:
    """``start``, then every ``step_months`` months after it, then ``end``: the dates a
    burn-up chart counts on. Months are added to ``start`` (not chained), so month ends
    clamp without drifting.

    >>> [d.isoformat() for d in history_dates(date(2024, 1, 31), date(2024, 4, 15))]
    ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-15']
    """
    if isinstance(step_months, bool) or not isinstance(step_months, int) or step_months < 1:
        raise ValueError(f"step_months must be a whole number of at least 1, not {step_months!r}")
    if end < start:
        raise ValueError(f"history end {end} is before its start {start}")
    days = []
    for n in itertools.count():
        day = start + relativedelta(months=n * step_months)
        if day >= end:
            break
        days.append(day)
    days.append(end)
    return days


def target_status(target: Target, current: int, year_ago: int, as_of: date) -> TargetStatus:
    """Status from the counts on ``as_of`` and 12 months before."""
    remaining = max(0, target.goal - current)
    days_left = (target.deadline - as_of).days
    pace_achieved = max(0, current - year_ago) / 12
    pace_needed = remaining / (days_left / DAYS_PER_MONTH) if days_left > 0 else None
    if remaining == 0:
        projected: date | None = as_of
    elif pace_achieved > 0:
        projected = as_of + timedelta(days=round(remaining / pace_achieved * DAYS_PER_MONTH))
    else:
        projected = None
    return TargetStatus(
        target=target,
        as_of=as_of,
        current=current,
        goal=target.goal,
        remaining=remaining,
        days_left=days_left,
        pace_needed=pace_needed,
        pace_achieved=pace_achieved,
        projected=projected,
        on_track=remaining == 0 or (projected is not None and projected <= target.deadline),
    )


def load_targets(path: str | os.PathLike[str]) -> list[Target]:
    """Targets from a TOML file of ``[[targets]]`` tables (keys: id, name, metric, goal,
    deadline, and program, level, outcome, region as the metric needs)."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetError(f"no targets file {where!r}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TargetError(f"{where}: not valid TOML: {exc}") from None
    items = data.get("targets")
    if not isinstance(items, list) or not items:
        raise TargetError(f"{where}: expected one or more [[targets]] tables")
    fields = {f.name for f in attrs.fields(Target)}
    targets = []
    for n, item in enumerate(items):
        position = f"{where}: targets[{n}]"
        unknown = set(item) - fields
        if unknown:
            raise TargetError(
                f"{position}: unknown key {sorted(unknown)[0]!r} "
                f"(keys: {', '.join(sorted(fields))})"
            )
        missing = [k for k in ("id", "name", "metric", "goal", "deadline") if k not in item]
        if missing:
            raise TargetError(f"{position}: missing {missing[0]!r}")
        try:
            targets.append(Target(**item))
        except TargetError as exc:
            raise TargetError(f"{position}: {exc}") from None
        except (ValueError, TypeError) as exc:
            raise TargetError(f"{position}: {exc}") from None
    return targets
