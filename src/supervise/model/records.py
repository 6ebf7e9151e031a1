"""What happens in a cohort: enrollments, mentor roles and pairings, and the dated records
that show progress (activities, sessions, placements, deliverables, exemptions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

import attrs

from supervise.lang import Catalogue
from supervise.model._fields import (
    check_identifier,
    check_order,
    converted,
    count,
    day,
    fail,
    identifier,
    number,
    optional_day,
    optional_text,
    region,
    text,
    vocab,
)
from supervise.model.vocab import EnrollmentStatus, MentorKind, RecordState, SessionForm

__all__ = [
    "DEFAULT_SESSION_PHASE",
    "HOURS_PLACES",
    "SIGNED_TABLES",
    "Activity",
    "Deliverable",
    "Enrollment",
    "Exemption",
    "MentorRole",
    "Pairing",
    "Placement",
    "Session",
]

#: Activity hours are kept to the micro-hour: sums of them are then exact, whatever the order.
HOURS_PLACES = 6
#: The phase a supervision session belongs to when none is given.
DEFAULT_SESSION_PHASE = "accompanied_supervision"
#: The tables whose records a mentor of the cohort signs off (审核确认): each has ``state``
#: (empty: confirmed, so records written before sign-off existed keep counting),
#: ``signed_by`` (a mentor of the record's cohort) and ``signed_on``.
SIGNED_TABLES = ("activities", "sessions", "deliverables")


@attrs.frozen(kw_only=True)
class Enrollment:
    """A person enrolled as a trainee (学员) in a cohort. ``status`` is what the office
    recorded; progress decides completion from the records themselves."""

    __table__: ClassVar[str] = "enrollments"
    __key__: ClassVar[tuple[str, ...]] = ("person_id", "cohort_id")

    person_id: str = identifier("人员编号")
    cohort_id: str = identifier("批次编号")
    enrolled_on: date = day("入学日期")
    status: EnrollmentStatus = vocab(EnrollmentStatus, "状态", default=EnrollmentStatus.ACTIVE)
    left_on: date | None = optional_day("退出日期")
    team: str | None = optional_text("小组")

    def __attrs_post_init__(self) -> None:
        check_order(self, "enrolled_on", "left_on")


@attrs.frozen(kw_only=True)
class MentorRole:
    """A person assigned as a mentor (导师/督导) in a cohort, with how many trainees they can
    take (``capacity``)."""

    __table__: ClassVar[str] = "mentors"
    __key__: ClassVar[tuple[str, ...]] = ("person_id", "cohort_id")

    person_id: str = identifier("导师编号")
    cohort_id: str = identifier("批次编号")
    kind: MentorKind = vocab(MentorKind, "导师类型", default=MentorKind.PRACTITIONER)
    affiliation: str | None = optional_text("所属单位")
    capacity: int | None = count("带教人数上限")


@attrs.frozen(kw_only=True)
class Pairing:
    """A mentor guiding a trainee (师徒帮带) in a cohort from ``starts_on`` to ``ends_on``."""

    __table__: ClassVar[str] = "pairings"
    __key__: ClassVar[tuple[str, ...]] = ("mentor_id", "trainee_id", "cohort_id", "starts_on")

    mentor_id: str = identifier("导师编号")
    trainee_id: str = identifier("学员编号")
    cohort_id: str = identifier("批次编号")
    starts_on: date = day("开始日期")
    ends_on: date | None = optional_day("结束日期")

    def __attrs_post_init__(self) -> None:
        check_order(self, "starts_on", "ends_on")

    def active_on(self, as_of: date) -> bool:
        """Whether the pairing is in force on ``as_of`` (both ends inclusive)."""
        return self.starts_on <= as_of and (self.ends_on is None or as_of <= self.ends_on)


@attrs.frozen(kw_only=True)
class Activity:
    """Hours a trainee spent in a phase on one day (学时记录): at most 24 per record."""

    __table__: ClassVar[str] = "activities"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str = identifier("记录编号")
    person_id: str = identifier("人员编号")
    cohort_id: str = identifier("批次编号")
    phase: str = identifier("环节")
    on: date = day("日期")
    hours: float = number("学时", 0, 24, places=HOURS_PLACES)
    note: str | None = optional_text("备注")
    state: RecordState = vocab(RecordState, "审核状态", default=RecordState.CONFIRMED)
    signed_by: str | None = identifier("确认人编号", default=None)
    signed_on: date | None = optional_day("确认日期")


_T = Catalogue(
    __name__,
    {
        "collection": ("必须是人员编号的集合", "must be a collection of person ids"),
        "someone": ("至少要有一个人", "must name at least one person"),
        "non_empty": ("人员编号必须是非空文本", "must hold non-empty person ids"),
    },
)


def _attendees(value: Any, instance: Any, field: attrs.Attribute[Any]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise fail(instance, field.name, value, _T("collection"))
    people = frozenset(value)
    if not people:
        raise fail(instance, field.name, sorted(people), _T("someone"))
    for person in people:
        if not isinstance(person, str) or not person.strip():
            raise fail(instance, field.name, person, _T("non_empty"))
        reason = check_identifier(person)
        if reason is not None:
            raise fail(instance, field.name, person, reason)
    return people


@attrs.frozen(kw_only=True)
class Session:
    """A dated supervision meeting (督导记录) led by a mentor and attended by trainees."""

    __table__: ClassVar[str] = "sessions"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str = identifier("督导记录编号")
    mentor_id: str = identifier("导师编号")
    cohort_id: str = identifier("批次编号")
    on: date = day("日期")
    minutes: int = count("时长（分钟）", required=True)
    form: SessionForm = vocab(SessionForm, "督导形式", default=SessionForm.INDIVIDUAL)
    phase: str = identifier("环节", default=DEFAULT_SESSION_PHASE)
    attendees: frozenset[str] = converted(_attendees, "参加人员")
    state: RecordState = vocab(RecordState, "审核状态", default=RecordState.CONFIRMED)
    signed_by: str | None = identifier("确认人编号", default=None)
    signed_on: date | None = optional_day("确认日期")


@attrs.frozen(kw_only=True)
class Placement:
    """A practicum or internship posting (实习安排) at a township social-work station."""

    __table__: ClassVar[str] = "placements"
    __key__: ClassVar[tuple[str, ...]] = ("person_id", "cohort_id", "station", "starts_on")

    person_id: str = identifier("人员编号")
    cohort_id: str = identifier("批次编号")
    station: str = text("社工站")
    region_code: str | None = region("行政区划代码")
    starts_on: date = day("开始日期")
    ends_on: date | None = optional_day("结束日期")

    def __attrs_post_init__(self) -> None:
        check_order(self, "starts_on", "ends_on")


@attrs.frozen(kw_only=True)
class Deliverable:
    """A case study or report (成果) submitted in a phase, scored 0-100 once reviewed."""

    __table__: ClassVar[str] = "deliverables"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str = identifier("成果编号")
    person_id: str = identifier("人员编号")
    cohort_id: str = identifier("批次编号")
    phase: str = identifier("环节")
    title: str = text("标题")
    submitted_on: date = day("提交日期")
    score: float | None = number("评分", 0, 100, default=None)
    reviewer_id: str | None = identifier("评审人编号", default=None)
    state: RecordState = vocab(RecordState, "审核状态", default=RecordState.CONFIRMED)
    signed_by: str | None = identifier("确认人编号", default=None)
    signed_on: date | None = optional_day("确认日期")


@attrs.frozen(kw_only=True)
class Exemption:
    """A phase recognised as complete (免修/互认) for prior learning or another province's
    program; ``source`` says where the recognised learning came from."""

    __table__: ClassVar[str] = "exemptions"
    __key__: ClassVar[tuple[str, ...]] = ("person_id", "cohort_id", "phase")

    person_id: str = identifier("人员编号")
    cohort_id: str = identifier("批次编号")
    phase: str = identifier("环节")
    granted_on: date = day("认定日期")
    reason: str | None = optional_text("原因")
    source: str | None = optional_text("来源")
