"""A cohort's progress team by team (小组): Anhui sends 18 people in 5 teams to 5 counties,
and a department asks how each team is doing.

Nothing is decided here: :func:`teams_of` groups the figures a
:class:`~supervise.core.progress.CohortProgress` already holds (each trainee's team, status,
whether behind, each phase's status) by ``Enrollment.team``, reading the result's columns.

>>> import supervise
>>> from supervise.demo import ningxia
>>> registry = supervise.open(); _ = ningxia.build(registry)
>>> teams = registry.cohort_progress("nx-2024-b2", "2024-10-15").by_team()
>>> [(t.team, t.enrolled, len(t.behind)) for t in teams.teams]
[(None, 31, 2)]
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from supervise import _display

if TYPE_CHECKING:
    from pandas import DataFrame

    from supervise.core.progress import CohortProgress

__all__ = ["TeamProgress", "TeamsProgress", "teams_of", "trainee_rows"]

_DONE = ("complete", "exempt")


@attrs.frozen(kw_only=True)
class TeamProgress:
    """One team of a cohort on the date: its ``trainees`` (person ids, roster order), how
    many ``withdrawn`` and ``completed``, who is ``behind`` and who has an ``overdue`` phase
    (withdrawn trainees never), and per phase key how many (not withdrawn) have it
    complete or exempt (``phases_done``). ``team`` is ``None`` for trainees in no team."""

    team: str | None
    trainees: tuple[str, ...]
    withdrawn: int
    completed: int
    behind: tuple[str, ...]
    overdue: tuple[str, ...]
    phases_done: Mapping[str, int]

    @property
    def enrolled(self) -> int:
        """Trainees of the team, withdrawn ones included."""
        return len(self.trainees)

    @property
    def active(self) -> int:
        """Trainees of the team not withdrawn."""
        return len(self.trainees) - self.withdrawn

    def to_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "trainees": list(self.trainees),
            "enrolled": self.enrolled,
            "withdrawn": self.withdrawn,
            "completed": self.completed,
            "behind": list(self.behind),
            "overdue": list(self.overdue),
            "phases_done": dict(self.phases_done),
        }


@attrs.frozen(kw_only=True)
class TeamsProgress:
    """A cohort's progress by team on ``as_of``: one :class:`TeamProgress` per team, in the
    order of their first trainee on the roster (person id order), trainees in no team last
    (``team`` ``None``)."""

    cohort_id: str
    cohort_name: str
    program_id: str
    as_of: date
    phases: tuple[tuple[str, str], ...]
    teams: tuple[TeamProgress, ...]

    def team(self, name: str | None) -> TeamProgress:
        """The team called ``name`` (``None``: trainees in no team)."""
        for t in self.teams:
            if t.team == name:
                return t
        known = ", ".join(str(t.team) for t in self.teams)
        raise KeyError(f"no team {name!r} in cohort {self.cohort_id!r}; teams: {known}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "cohort_id": self.cohort_id,
            "cohort_name": self.cohort_name,
            "program_id": self.program_id,
            "as_of": self.as_of.isoformat(),
            "teams": [t.to_dict() for t in self.teams],
        }

    def to_pandas(self) -> DataFrame:
        """One row per team: ``team``, ``enrolled``, ``withdrawn``, ``completed``,
        ``behind``, ``overdue`` (counts), then per phase key how many have it done.
        Needs ``supervise[pandas]``."""
        return _display.frame(self)

    def to_html(self, lang: str | None = None) -> str:
        """The team table as HTML, in ``lang`` (default: the language setting)."""
        return _display.html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str | None = None) -> str:
        """A terminal table, one row per team, in ``lang`` (default: the language setting)."""
        return _display.text(self, lang)

    def __str__(self) -> str:
        return self.to_text()


def teams_of(result: CohortProgress) -> TeamsProgress:
    """``result`` grouped by team, from its columns (each trainee's team, status, behind
    flag and phase statuses)."""
    keys = [key for key, _ in result.phases]
    grouped: dict[str | None, dict[str, Any]] = {}
    for person, team, status, behind, phases in trainee_rows(result):
        group = grouped.setdefault(
            team,
            {"trainees": [], "withdrawn": 0, "completed": 0, "behind": [], "overdue": []},
        )
        group.setdefault("done", dict.fromkeys(keys, 0))
        group["trainees"].append(person)
        if status == "withdrawn":
            group["withdrawn"] += 1
            continue
        group["completed"] += status == "completed"
        if behind:
            group["behind"].append(person)
        if "overdue" in phases:
            group["overdue"].append(person)
        for key, phase in zip(keys, phases, strict=True):
            group["done"][key] += phase in _DONE
    order = sorted(grouped, key=lambda team: team is None)  # roster order, no team last
    return TeamsProgress(
        cohort_id=result.cohort_id,
        cohort_name=result.cohort_name,
        program_id=result.program_id,
        as_of=result.as_of,
        phases=result.phases,
        teams=tuple(
            TeamProgress(
                team=team,
                trainees=tuple(grouped[team]["trainees"]),
                withdrawn=grouped[team]["withdrawn"],
                completed=grouped[team]["completed"],
                behind=tuple(grouped[team]["behind"]),
                overdue=tuple(grouped[team]["overdue"]),
                phases_done=grouped[team]["done"],
            )
            for team in order
        ),
    )


def trainee_rows(
    result: CohortProgress,
) -> list[tuple[str, str | None, str, bool, list[str]]]:
    """(person id, team, trainee status, behind, phase statuses) per trainee, from the
    columns when the result has them, else from its objects (a result built by hand)."""
    from supervise.core.progress import TraineeRows

    rows = result.trainees
    if not isinstance(rows, TraineeRows):
        return [
            (t.person_id, t.team, t.status.value, t.behind, [p.status.value for p in t.phases])
            for t in rows
        ]
    trainees, phase_rows = rows.arrow()
    n = len(result.phases)
    statuses = [str(s) for s in phase_rows.column("status").to_pylist()] if n else []
    return [
        (person, team, str(status), bool(behind), statuses[i * n : (i + 1) * n])
        for i, (person, team, status, behind) in enumerate(
            zip(
                trainees.column("person_id").to_pylist(),
                trainees.column("team").to_pylist(),
                trainees.column("trainee_status").to_pylist(),
                trainees.column("trainee_behind").to_pylist(),
                strict=True,
            )
        )
    ]
