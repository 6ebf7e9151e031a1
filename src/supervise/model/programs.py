"""Programs, their phase catalogues and their cohorts."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import attrs

from supervise.model._fields import (
    check_order,
    count,
    day,
    flag,
    identifier,
    nested,
    number,
    optional_day,
    optional_text,
    region,
    text,
)

__all__ = [
    "DEFAULT_PHASES",
    "REQUIREMENT_NAMES",
    "Cohort",
    "PhaseSpec",
    "Program",
    "Requirements",
    "default_phases",
    "phase_label",
]


@attrs.frozen(kw_only=True)
class Program:
    """A training scheme (培养项目) with its own phase catalogue, e.g. Ningxia's supervisor
    program. Its phases are :class:`PhaseSpec` records with ``program_id`` set to its id.
    ``pending_counts`` says whether records still awaiting sign-off (``submitted``) count
    towards progress and eligibility; rejected records never do."""

    __table__: ClassVar[str] = "programs"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str = identifier("项目编号")
    name: str = text("项目名称")
    region_code: str | None = region("行政区划代码")
    sponsor: str | None = optional_text("主办单位")
    starts_on: date | None = optional_day("开始日期")
    ends_on: date | None = optional_day("结束日期")
    pending_counts: bool = flag("待审核记录计入进度")

    def __attrs_post_init__(self) -> None:
        check_order(self, "starts_on", "ends_on")


#: Names of the requirement kinds, in the order results list them.
REQUIREMENT_NAMES = ("hours", "sessions", "days", "deliverables")


@attrs.frozen(kw_only=True)
class Requirements:
    """What completes a phase (要求). Unset (``None``) requirements do not count.

    ``min_session_minutes`` says how long a supervision session must last to count towards
    ``sessions``; ``pass_score`` is the score a deliverable needs to count towards
    ``deliverables`` (without it, every submitted deliverable counts);
    ``max_group_sessions`` caps how many group sessions count towards ``sessions``.
    """

    hours: float | None = number("要求学时", 0, float("inf"), low_open=True, default=None)
    sessions: int | None = count("要求督导次数")
    min_session_minutes: int | None = count("督导最短时长（分钟）")
    days: int | None = count("要求天数")
    deliverables: int | None = count("要求成果数")
    pass_score: float | None = number("合格分数", 0, 100, default=None)
    max_group_sessions: int | None = count("团体督导计入上限", minimum=0)

    def set(self) -> dict[str, float]:
        """The requirements that are set, by name (``hours``, ``sessions``, ``days``,
        ``deliverables``), in that order."""
        values = (self.hours, self.sessions, self.days, self.deliverables)
        return {name: v for name, v in zip(REQUIREMENT_NAMES, values, strict=True) if v is not None}


@attrs.frozen(kw_only=True)
class PhaseSpec:
    """One phase (环节) of a program: its place in the order, its window and what completes it.

    ``starts_on`` and ``due_on`` form the window in which the phase is expected to be done;
    ``weight`` is the phase's share in a trainee's overall progress.
    """

    __table__: ClassVar[str] = "phases"
    __key__: ClassVar[tuple[str, ...]] = ("program_id", "key")

    program_id: str = identifier("项目编号")
    key: str = identifier("环节代码")
    name: str = text("环节名称")
    order: int = count("顺序", required=True)
    starts_on: date | None = optional_day("开始日期")
    due_on: date | None = optional_day("截止日期")
    requirements: Requirements = nested(Requirements, "要求")
    weight: float = number("权重", 0, float("inf"), low_open=True, default=1.0)

    def __attrs_post_init__(self) -> None:
        check_order(self, "starts_on", "due_on")

    @property
    def window(self) -> tuple[date | None, date | None]:
        """``(starts_on, due_on)``."""
        return self.starts_on, self.due_on


@attrs.frozen(kw_only=True)
class Cohort:
    """One intake (批次) of a program, with its dates."""

    __table__: ClassVar[str] = "cohorts"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str = identifier("批次编号")
    program_id: str = identifier("项目编号")
    name: str = text("批次名称")
    starts_on: date = day("开始日期")
    ends_on: date = day("结束日期")

    def __attrs_post_init__(self) -> None:
        check_order(self, "starts_on", "ends_on")


#: The default phase catalogue (Ningxia's supervisor program): key, Chinese and English name.
DEFAULT_PHASES: tuple[tuple[str, str, str], ...] = (
    ("theory", "理论学习", "theory study"),
    ("training", "业务培训", "professional training"),
    ("practicum", "实践教学", "practicum"),
    ("accompanied_supervision", "陪伴督导", "accompanied supervision"),
    ("case_study", "案例研究", "case study"),
)
_EN_NAMES = {key: en for key, _, en in DEFAULT_PHASES}


def default_phases(program_id: str, **requirements: Requirements) -> list[PhaseSpec]:
    """The five default phases for ``program_id``, in order, with no windows.

    Pass requirements by phase key: ``default_phases("p", theory=Requirements(hours=40))``.
    """
    unknown = set(requirements) - set(_EN_NAMES)
    if unknown:
        raise ValueError(
            f"unknown default phase {sorted(unknown)[0]!r}; expected one of {list(_EN_NAMES)}"
        )
    return [
        PhaseSpec(
            program_id=program_id,
            key=key,
            name=zh,
            order=n,
            requirements=requirements.get(key, Requirements()),
        )
        for n, (key, zh, _) in enumerate(DEFAULT_PHASES, start=1)
    ]


def phase_label(phase: PhaseSpec | str, lang: str = "zh") -> str:
    """How messages name a phase: its name in Chinese; in English the default catalogue's
    English name, or the key with spaces for underscores for a program's own phases."""
    key = phase if isinstance(phase, str) else phase.key
    if lang == "zh" and isinstance(phase, PhaseSpec):
        return phase.name
    if lang == "zh":
        return next((zh for k, zh, _ in DEFAULT_PHASES if k == key), key)
    return _EN_NAMES.get(key, key.replace("_", " "))
