"""Continuing education (继续教育): the hours a province requires per registration cycle, and
who is short in the current cycle.

The requirement is data a province sets, as a TOML file (or a ``[continuing_education]``
table in a policy file)::

    cycle_years = 3

    [hours]             # per cycle, by credential level; levels left out keep the default
    assistant = 72
    intermediate = 90
    senior = 90

The figures are decided by :mod:`supervise.semantics.continuing` and arrive here as rows.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from supervise import _display
from supervise.errors import SuperviseError
from supervise.lang import Catalogue, localize
from supervise.model import CredentialLevel
from supervise.semantics.continuing import DEFAULT_REQUIREMENT, CycleRequirement

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "DEFAULT_REQUIREMENT",
    "CycleRequirement",
    "CycleStatus",
    "EducationReport",
    "load_requirement",
    "requirement_from_dict",
]


_T = Catalogue(
    __name__,
    {
        "done": (
            "本周期（{starts} 至 {ends}）继续教育 {hours} 小时（需 {required}）",
            "{hours} hours of continuing education this cycle ({starts} to {ends}) "
            "(at least {required})",
        ),
        "short": (
            "本周期（{starts} 至 {ends}）继续教育还差 {short} 小时（已有 {hours}，需 {required}）",
            "{short} more hours of continuing education needed this cycle ({starts} to "
            "{ends}): {hours} of {required}",
        ),
    },
)


def requirement_from_dict(data: Any) -> CycleRequirement:
    """A :class:`CycleRequirement` from parsed TOML: ``cycle_years`` and ``hours`` by level
    (levels left out keep the default). ``ValueError`` names what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError(f"must be a table with cycle_years and hours, not {data!r}")
    unknown = sorted(set(data) - {"cycle_years", "hours"})
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (expected cycle_years, hours)")
    years = data.get("cycle_years", DEFAULT_REQUIREMENT.years)
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ValueError(f"cycle_years: must be a whole number of at least 1, not {years!r}")
    given = data.get("hours", {})
    if not isinstance(given, Mapping):
        raise ValueError(f"hours: must be a table of hours by level, not {given!r}")
    hours = dict(DEFAULT_REQUIREMENT.hours)
    for level, need in given.items():
        try:
            key = CredentialLevel.parse(level).value
        except ValueError as exc:
            raise ValueError(f"hours: {exc}") from None
        if isinstance(need, bool) or not isinstance(need, int | float) or need < 0:
            raise ValueError(f"hours.{level}: must be a number of at least 0, not {need!r}")
        hours[key] = float(need)
    return CycleRequirement(hours, years)


def load_requirement(path: str | os.PathLike[str]) -> CycleRequirement:
    """The requirement in the TOML file at ``path``; :class:`SuperviseError` naming the file
    and what is wrong."""
    where = os.fspath(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuperviseError(f"cannot read {where!r}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SuperviseError(f"{where}: not valid TOML: {exc}") from None
    try:
        return requirement_from_dict(data)
    except ValueError as exc:
        raise SuperviseError(f"{where}: {exc}") from None


@attrs.frozen(kw_only=True)
class CycleStatus:
    """One certified person in the registration cycle containing ``as_of``: the level that
    sets the cycle, its first and last day, the hours done in it so far and required, how
    many are still ``short`` and the ``days_left`` to the cycle's end (inclusive)."""

    person_id: str
    name: str
    level: CredentialLevel
    starts: date
    ends: date
    hours: float
    required: float

    @property
    def short(self) -> float:
        """Hours still needed this cycle (0 when done)."""
        return max(0.0, self.required - self.hours)

    def days_left(self, as_of: date) -> int:
        """Days from ``as_of`` to the cycle's last day."""
        return (self.ends - as_of).days

    def message(self, lang: str | None = None) -> str:
        """``本周期（…）继续教育还差 12 小时（已有 78，需 90）`` or its English, in ``lang``
        (default: the language setting)."""
        text = _T(
            "short" if self.short else "done",
            starts=self.starts,
            ends=self.ends,
            hours=f"{self.hours:g}",
            required=f"{self.required:g}",
            short=f"{self.short:g}",
        )
        return localize(text, lang)

    def to_dict(self, as_of: date) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "level": self.level.value,
            "cycle_starts": self.starts.isoformat(),
            "cycle_ends": self.ends.isoformat(),
            "hours": self.hours,
            "required": self.required,
            "short": self.short,
            "days_left": self.days_left(as_of),
        }


@attrs.frozen(kw_only=True)
class EducationReport:
    """Continuing education on ``as_of`` of everyone holding a credential and registered by
    then, in person-id order, under ``requirement``. ``within``, when given, is how many days
    ahead :meth:`due` looks."""

    as_of: date
    requirement: CycleRequirement
    people: Sequence[CycleStatus]
    within: int | None = None

    def short(self) -> list[CycleStatus]:
        """Those still short of the hours of their current cycle."""
        return [p for p in self.people if p.short > 0]

    def due(self, within: int | None = None) -> list[CycleStatus]:
        """Those short whose cycle ends within ``within`` days (default: the report's own
        ``within``; every one short when neither is given)."""
        days = self.within if within is None else within
        return [p for p in self.short() if days is None or p.days_left(self.as_of) <= days]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the requirement, and everyone short (within ``within``
        days of their cycle's end, when given)."""
        return {
            "as_of": self.as_of.isoformat(),
            "cycle_years": self.requirement.years,
            "hours": dict(self.requirement.hours),
            "within": self.within,
            "certified": len(self.people),
            "short": [p.to_dict(self.as_of) for p in self.due()],
        }

    def to_text(self, lang: str | None = None) -> str:
        """A terminal table of those short, most urgent first, in ``lang`` (default: the
        language setting)."""
        return _display.text(self, lang)

    def to_html(self, lang: str | None = None) -> str:
        """An HTML table of those short, most urgent first."""
        return _display.html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_pandas(self) -> DataFrame:
        """One row per person short (as :meth:`to_dict` lists them). Needs pandas."""
        return _display.frame(self)

    def __str__(self) -> str:
        return self.to_text()
