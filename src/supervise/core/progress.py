"""How far along a cohort is, as of a date: the result objects.

The figures are decided by :mod:`supervise.semantics.progress` (docs/progress.md states the
rules in prose) and arrive here as columns, one row per trainee and one per trainee and phase.
A :class:`CohortProgress` keeps those columns and builds :class:`TraineeProgress` and
:class:`PhaseProgress` objects only when a caller reads them, so that the progress of every
cohort of a province costs columns, not a million objects; ``to_arrow()`` and ``to_pandas()``
come straight from the columns.
"""

from __future__ import annotations

import bisect
import enum
import functools
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, overload

import attrs

from supervise import _display
from supervise.lang import Catalogue, localize, resolve
from supervise.model import REQUIREMENT_NAMES

if TYPE_CHECKING:
    import pyarrow as pa
    from pandas import DataFrame

    from supervise.core.teams import TeamsProgress

__all__ = [
    "DEFAULT_TOLERANCE",
    "CohortProgress",
    "MentorLoad",
    "PhaseProgress",
    "PhaseStatus",
    "ProgressColumns",
    "TraineeProgress",
    "TraineeStatus",
]

#: How far below the expected share a phase may fall before its trainee is behind.
DEFAULT_TOLERANCE = 0.25


class PhaseStatus(enum.StrEnum):
    """A trainee's state in one phase, in order of precedence."""

    EXEMPT = "exempt"
    COMPLETE = "complete"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"

    @property
    def zh(self) -> str:
        return _PHASE_STATUS_ZH[self]


_PHASE_STATUS_ZH = {
    PhaseStatus.EXEMPT: "免修",
    PhaseStatus.COMPLETE: "已完成",
    PhaseStatus.OVERDUE: "已逾期",
    PhaseStatus.NOT_STARTED: "未开始",
    PhaseStatus.IN_PROGRESS: "进行中",
}


class TraineeStatus(enum.StrEnum):
    """A trainee's state in the cohort."""

    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def zh(self) -> str:
        return {"active": "在读", "completed": "已完成", "withdrawn": "已退出"}[self.value]


@attrs.frozen(kw_only=True)
class PhaseProgress:
    """One trainee in one phase: ``achieved``, ``pending`` and ``required`` are keyed by
    requirement name (hours, sessions, days, deliverables), for the requirements the phase
    sets; ``pending`` is what records awaiting sign-off add (counted in ``achieved`` only
    where the program's ``pending_counts`` is true); ``behind`` when the fraction is below
    the expected share minus the tolerance; ``projected`` the date the phase will be
    complete at the trainee's own pace (``None`` when done or without a pace) and
    ``at_risk`` when that falls after the phase's due date. With a cap on group sessions,
    ``group_sessions`` is how many the trainee attended that count, before the cap, and
    ``max_group_sessions`` the cap."""

    key: str
    name: str
    status: PhaseStatus
    fraction: float
    expected: float | None
    achieved: Mapping[str, float]
    required: Mapping[str, float]
    behind: bool = False
    pending: Mapping[str, float] = attrs.field(factory=dict)
    projected: date | None = None
    at_risk: bool = False
    group_sessions: int | None = None
    max_group_sessions: int | None = None
    due_on: date | None = None

    @property
    def done(self) -> bool:
        """Complete or exempt."""
        return self.status in (PhaseStatus.COMPLETE, PhaseStatus.EXEMPT)

    @property
    def capped(self) -> bool:
        """Group sessions went uncounted: more were attended than the cap lets count."""
        return (
            self.max_group_sessions is not None
            and self.group_sessions is not None
            and self.group_sessions > self.max_group_sessions
        )

    def notes(self, lang: str | None = None) -> list[str]:
        """What a reader should know beyond the figures, in ``lang`` (default: the language
        setting): group sessions over the cap, records awaiting sign-off, a projection after
        the due date."""
        return _notes(self, lang)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status.value,
            "fraction": self.fraction,
            "expected": self.expected,
            "behind": self.behind,
            "achieved": dict(self.achieved),
            "pending": dict(self.pending),
            "required": dict(self.required),
            "projected": None if self.projected is None else self.projected.isoformat(),
            "at_risk": self.at_risk,
        }
        if self.max_group_sessions is not None:
            data["group_sessions"] = {
                "attended": self.group_sessions,
                "max": self.max_group_sessions,
            }
        return data


_T = Catalogue(
    __name__,
    {
        "capped": (
            "团体督导最多计 {max} 次，已计满（参加 {attended} 次）",
            "group sessions count up to {max}: limit reached ({attended} attended)",
        ),
        "pending": ("待审核：{amounts}", "awaiting sign-off: {amounts}"),
        "late": (
            "按目前进度预计 {projected} 完成（截止 {due}）",
            "at this pace done on {projected} (due {due})",
        ),
        "hours": ("{n} 小时", "{n} hours"),
        "hours_1": ("{n} 小时", "{n} hour"),
        "sessions": ("{n} 次督导", "{n} sessions"),
        "sessions_1": ("{n} 次督导", "{n} session"),
        "days": ("{n} 天", "{n} days"),
        "days_1": ("{n} 天", "{n} day"),
        "deliverables": ("{n} 份成果", "{n} deliverables"),
        "deliverables_1": ("{n} 份成果", "{n} deliverable"),
    },
)


def _notes(p: PhaseProgress, lang: str | None) -> list[str]:
    lang = resolve(lang)
    notes = []
    if p.capped:
        notes.append(_T("capped", max=p.max_group_sessions, attended=p.group_sessions))
    waiting = [_T(n if v != 1 else f"{n}_1", n=f"{v:g}") for n, v in p.pending.items() if v]
    if waiting:
        amounts = ("、" if lang == "zh" else ", ").join(localize(w, lang) for w in waiting)
        notes.append(_T("pending", amounts=amounts))
    if p.at_risk and p.projected is not None and p.due_on is not None:
        notes.append(_T("late", projected=p.projected, due=p.due_on))
    return [localize(note, lang) for note in notes]


@attrs.frozen(kw_only=True)
class TraineeProgress:
    """One trainee across the phases of the program, in phase order. ``projected_completion``
    is the date the program will be complete at the trainee's own pace (``None`` when
    complete, withdrawn, or some unfinished phase has no pace yet); ``at_risk`` when some
    phase's projection falls after its due date (which can show long before ``behind``)."""

    person_id: str
    name: str
    team: str | None
    status: TraineeStatus
    progress: float
    behind: bool
    phases: tuple[PhaseProgress, ...]
    projected_completion: date | None = None
    at_risk: bool = False

    @property
    def complete(self) -> bool:
        """Every phase complete or exempt."""
        return all(p.done for p in self.phases)

    def phase(self, key: str) -> PhaseProgress:
        """The progress in phase ``key``."""
        for p in self.phases:
            if p.key == key:
                return p
        raise KeyError(f"no phase {key!r}; phases: {', '.join(p.key for p in self.phases)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "team": self.team,
            "status": self.status.value,
            "progress": self.progress,
            "complete": self.complete,
            "behind": self.behind,
            "projected_completion": None
            if self.projected_completion is None
            else self.projected_completion.isoformat(),
            "at_risk": self.at_risk,
            "phases": {p.key: p.to_dict() for p in self.phases},
        }


@attrs.frozen(kw_only=True)
class MentorLoad:
    """A mentor's trainees (pairings in force on ``as_of``) against their capacity."""

    person_id: str
    name: str
    trainees: int
    capacity: int | None

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.trainees > self.capacity

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "trainees": self.trainees,
            "capacity": self.capacity,
        }


@attrs.frozen(kw_only=True)
class PhasePlan:
    """A phase as results show it on the date: key, name, the requirements it sets, the
    share of its window elapsed (``expected``, the same for every trainee), its cap on group
    sessions and its due date."""

    key: str
    name: str
    required: Mapping[str, float]
    expected: float | None = None
    max_group_sessions: int | None = None
    due_on: date | None = None


@attrs.frozen(kw_only=True, eq=False)
class ProgressColumns:
    """The columns of one progress run, shared by the :class:`CohortProgress` of every cohort
    in it: ``trainees`` (one row per trainee in cohort and person order: ``cohort_id``,
    ``person_id``, ``program_id``, ``name``, ``team``, ``trainee_status``, ``progress``,
    ``trainee_behind``, ``projected_completion``, ``trainee_at_risk``), ``rows`` (one row per
    trainee and phase, in the same trainee order and then phase order) and each program's
    phases."""

    trainees: pa.Table
    rows: pa.Table
    plans: Mapping[str, tuple[PhasePlan, ...]]

    @functools.cached_property
    def offsets(self) -> tuple[int, ...]:
        """Where each trainee's phase rows start, and one past the last."""
        offsets = [0]
        for program in self.trainees.column("program_id").to_pylist():
            offsets.append(offsets[-1] + max(1, len(self.plans.get(program, ()))))
        if offsets[-1] != self.rows.num_rows:
            raise ValueError("phase rows do not match the trainees' programs")
        return tuple(offsets)

    def build(self, start: int, stop: int) -> list[TraineeProgress]:
        """The trainees of rows ``start`` to ``stop``, as objects."""
        rows, offsets = self.rows, self.offsets
        people = self.trainees.slice(start, stop - start).to_pylist()
        first, last = offsets[start], offsets[stop]
        cells = {
            name: rows.column(name).slice(first, last - first).to_pylist() for name in _PHASE_CELLS
        }
        built = []
        for n, row in enumerate(people):
            at = offsets[start + n] - first
            phases = []
            for spec in self.plans.get(row["program_id"], ()):
                phases.append(
                    PhaseProgress(
                        key=spec.key,
                        name=spec.name,
                        status=PhaseStatus(cells["status"][at]),
                        fraction=cells["fraction"][at],
                        expected=spec.expected,
                        achieved={n: cells[n][at] for n in spec.required},
                        required=spec.required,
                        behind=cells["behind"][at],
                        pending={n: cells[f"pending_{n}"][at] for n in spec.required},
                        projected=cells["projected"][at],
                        at_risk=cells["at_risk"][at],
                        group_sessions=cells["group_sessions"][at],
                        max_group_sessions=spec.max_group_sessions,
                        due_on=spec.due_on,
                    )
                )
                at += 1
            built.append(
                TraineeProgress(
                    person_id=row["person_id"],
                    name=row["name"],
                    team=row["team"],
                    status=TraineeStatus(row["trainee_status"]),
                    progress=row["progress"],
                    behind=row["trainee_behind"],
                    phases=tuple(phases),
                    projected_completion=row["projected_completion"],
                    at_risk=row["trainee_at_risk"],
                )
            )
        return built


_PHASE_CELLS = (
    "status",
    "fraction",
    "behind",
    *REQUIREMENT_NAMES,
    *(f"pending_{n}" for n in REQUIREMENT_NAMES),
    "group_sessions",
    "projected",
    "at_risk",
)


class TraineeRows(Sequence[TraineeProgress]):
    """A cohort's trainees, as a read-only sequence built from the columns on first read
    (a sequence equals any other holding equal trainees in the same order)."""

    def __init__(self, columns: ProgressColumns, start: int, stop: int) -> None:
        self.columns = columns
        self.start, self.stop = start, stop
        self._built: list[TraineeProgress] | None = None

    def _items(self) -> list[TraineeProgress]:
        if self._built is None:
            self._built = self.columns.build(self.start, self.stop)
        return self._built

    def __len__(self) -> int:
        return self.stop - self.start

    @overload
    def __getitem__(self, index: int) -> TraineeProgress: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[TraineeProgress]: ...
    def __getitem__(self, index: int | slice) -> TraineeProgress | Sequence[TraineeProgress]:
        return self._items()[index]

    def __iter__(self) -> Iterator[TraineeProgress]:
        return iter(self._items())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} trainees>"

    def column(self, name: str) -> list[Any]:
        """One column of the trainee rows (``person_id``, ``trainee_status``,
        ``trainee_behind``, ...) without building objects."""
        table = self.columns.trainees
        values: list[Any] = table.column(name).slice(self.start, len(self)).to_pylist()
        return values

    def arrow(self) -> tuple[pa.Table, pa.Table]:
        """This cohort's trainee rows and trainee-phase rows (in order), as Arrow tables."""
        columns = self.columns
        first, last = columns.offsets[self.start], columns.offsets[self.stop]
        return columns.trainees.slice(self.start, len(self)), columns.rows.slice(
            first, last - first
        )


@attrs.frozen(kw_only=True)
class CohortProgress:
    """How far along a cohort is on ``as_of`` (the rules: docs/progress.md).

    ``enrolled`` counts trainees enrolled by ``as_of``; ``completion_rate`` is completed /
    (enrolled - withdrawn), ``None`` when nobody remains enrolled."""

    cohort_id: str
    cohort_name: str
    program_id: str
    as_of: date
    tolerance: float
    phases: tuple[tuple[str, str], ...]  # (key, name) in order
    trainees: Sequence[TraineeProgress]
    mentors: tuple[MentorLoad, ...]
    outcomes: Mapping[str, int]
    enrolled: int
    withdrawn: int
    completed: int
    completion_rate: float | None
    counts: Mapping[str, Mapping[str, int]] = attrs.field(repr=False)

    @property
    def behind(self) -> tuple[str, ...]:
        """Person ids of trainees behind schedule, in roster order."""
        rows = self.trainees
        if isinstance(rows, TraineeRows):
            flags = rows.column("trainee_behind")
            return tuple(p for p, b in zip(rows.column("person_id"), flags, strict=True) if b)
        return tuple(t.person_id for t in rows if t.behind)

    @property
    def at_risk(self) -> tuple[str, ...]:
        """Person ids of trainees whose own pace takes some phase past its due date, in
        roster order."""
        rows = self.trainees
        if isinstance(rows, TraineeRows):
            flags = rows.column("trainee_at_risk")
            return tuple(p for p, b in zip(rows.column("person_id"), flags, strict=True) if b)
        return tuple(t.person_id for t in rows if t.at_risk)

    @property
    def overdue(self) -> tuple[str, ...]:
        """Person ids of trainees with some phase overdue (past its due date and not
        complete), withdrawn trainees left out, in roster order."""
        from supervise.core.teams import trainee_rows

        return tuple(
            person
            for person, _, status, _, phases in trainee_rows(self)
            if status != "withdrawn" and "overdue" in phases
        )

    def phase_counts(self) -> dict[str, dict[str, int]]:
        """Per phase, how many (non-withdrawn) trainees are in each status."""
        return {key: dict(self.counts[key]) for key, _ in self.phases}

    def trainee(self, person_id: str) -> TraineeProgress:
        """The progress of one trainee."""
        rows = self.trainees
        if isinstance(rows, TraineeRows):
            ids = rows.column("person_id")
            at = bisect.bisect_left(ids, person_id)
            if at < len(ids) and ids[at] == person_id:
                return rows[at]
        else:
            for t in rows:
                if t.person_id == person_id:
                    return t
        raise KeyError(f"{person_id!r} is not enrolled in cohort {self.cohort_id!r}")

    def to_arrow(self, table: str = "trainee_phases") -> pa.Table:
        """An Arrow table: ``trainee_phases`` (one row per trainee and phase, the default) or
        ``trainees`` (one row per trainee), the columns of ``to_pandas()``."""
        return _display.arrow(self, table)

    def to_pandas(self, table: str = "trainee_phases") -> DataFrame:
        """A pandas DataFrame: ``trainee_phases`` (one row per trainee and phase, the
        default), ``trainees`` (one row per trainee, a fraction column per phase),
        ``phases`` (status counts per phase) or ``mentors``. Needs ``supervise[pandas]``."""
        return _display.frame(self, table)

    def by_team(self) -> TeamsProgress:
        """This progress team by team (``Enrollment.team``): trainees, withdrawn,
        completed, who is behind, who has an overdue phase, phases done; grouped from these
        same figures."""
        from supervise.core.teams import teams_of

        return teams_of(self)

    def to_html(self, lang: str | None = None) -> str:
        """A compact HTML table, statuses coloured, in ``lang`` (``zh`` or ``en``; default:
        the language setting, :func:`supervise.lang.resolve`)."""
        return _display.html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str | None = None) -> str:
        """A terminal table: summary, one row per trainee, mentor load, outcomes, in
        ``lang`` (default: the language setting)."""
        return _display.text(self, lang)

    def __str__(self) -> str:
        return self.to_text()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; the shape is a public contract (docs/progress.md)."""
        return {
            "cohort_id": self.cohort_id,
            "cohort_name": self.cohort_name,
            "program_id": self.program_id,
            "as_of": self.as_of.isoformat(),
            "tolerance": self.tolerance,
            "enrolled": self.enrolled,
            "withdrawn": self.withdrawn,
            "completed": self.completed,
            "completion_rate": self.completion_rate,
            "phases": self.phase_counts(),
            "behind": list(self.behind),
            "at_risk": list(self.at_risk),
            "trainees": [t.to_dict() for t in self.trainees],
            "mentors": [m.to_dict() for m in self.mentors],
            "outcomes": dict(self.outcomes),
        }
