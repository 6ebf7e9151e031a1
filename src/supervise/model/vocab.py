"""Closed vocabularies of the model, each value carrying its Chinese label.

Values are stable English identifiers (what files and the database store); ``.zh`` is the
label users read. :meth:`Vocabulary.parse` accepts either, so a spreadsheet saying
``高级社会工作师`` and one saying ``senior`` load the same.

>>> CredentialLevel.parse("社会工作师") is CredentialLevel.INTERMEDIATE
True
>>> CredentialLevel.SENIOR.zh
'高级社会工作师'
"""

from __future__ import annotations

import enum
from typing import Any, Self

__all__ = [
    "CredentialLevel",
    "EnrollmentStatus",
    "Gender",
    "MentorKind",
    "OutcomeKind",
    "RecordState",
    "SessionForm",
    "Vocabulary",
]


class Vocabulary(enum.StrEnum):
    """A string enum whose members are declared as ``NAME = "value", "中文"``."""

    zh: str

    def __new__(cls, value: str, zh: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        return member

    @property
    def en(self) -> str:
        """English label: the value with spaces for underscores."""
        return self.value.replace("_", " ")

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.zh if lang == "zh" else self.en

    @classmethod
    def parse(cls, value: Any) -> Self:
        """Return the member whose value or Chinese label is ``value`` (case and surrounding
        blanks ignored). Raises ``ValueError`` listing the accepted values otherwise."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            text = value.strip()
            for member in cls:
                if text.lower() == member.value or text == member.zh:
                    return member
        accepted = ", ".join(f"{m.value} ({m.zh})" for m in cls)
        raise ValueError(f"unknown {cls.__name__} {value!r}; expected one of {accepted}")


class Gender(Vocabulary):
    MALE = "male", "男"
    FEMALE = "female", "女"


class EnrollmentStatus(Vocabulary):
    ACTIVE = "active", "在读"
    WITHDRAWN = "withdrawn", "已退出"
    COMPLETED = "completed", "已结业"


class MentorKind(Vocabulary):
    UNIVERSITY = "university", "高校导师"
    PRACTITIONER = "practitioner", "实务督导"
    EXTERNAL = "external", "外部合作导师"


class SessionForm(Vocabulary):
    INDIVIDUAL = "individual", "个别督导"
    GROUP = "group", "团体督导"
    PEER = "peer", "同辈督导"


class RecordState(Vocabulary):
    """Where a record stands in sign-off (审核确认) by a mentor of its cohort. Rejected
    records never count; submitted ones count only where the program says so
    (``Program.pending_counts``)."""

    SUBMITTED = "submitted", "待审核"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已退回"


class CredentialLevel(Vocabulary):
    """Social-work professional qualification levels, ordered by :attr:`rank`."""

    ASSISTANT = "assistant", "助理社会工作师"
    INTERMEDIATE = "intermediate", "社会工作师"
    SENIOR = "senior", "高级社会工作师"

    @property
    def rank(self) -> int:
        """1 for assistant, 2 for intermediate, 3 for senior."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {
    CredentialLevel.ASSISTANT: 1,
    CredentialLevel.INTERMEDIATE: 2,
    CredentialLevel.SENIOR: 3,
}


class OutcomeKind(Vocabulary):
    EXPERT_POOL = "expert_pool", "入选人才专家库"
    STANDARD_DRAFTING = "standard_drafting", "参与地方标准起草"
    SENIOR_REVIEW_PASSED = "senior_review_passed", "通过高级社会工作师评审"
    SENIOR_EXAM_PASSED = "senior_exam_passed", "通过高级社会工作师考试"
    PROMOTION = "promotion", "晋升"
    COMPLETION_CERTIFICATE = "completion_certificate", "获得结业证书"
    OTHER = "other", "其他"
