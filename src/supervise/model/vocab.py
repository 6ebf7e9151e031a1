"""Closed vocabularies of the model, each value carrying its Chinese label.

Values are stable English identifiers (what files and the database store); ``.zh`` is the
label users read. :meth:`Vocabulary.parse` accepts either, so a spreadsheet saying
``高级社会工作师`` and one saying ``senior`` load the same. Some vocabularies also accept the
codes offices use: gender the codes of GB/T 2261.1 (``1`` 男, ``2`` 女; ``0`` 未知 and ``9``
未说明 mean that no gender is recorded) and ``M`` / ``F``.

>>> CredentialLevel.parse("社会工作师") is CredentialLevel.INTERMEDIATE
True
>>> CredentialLevel.SENIOR.zh
'高级社会工作师'
>>> Gender.parse("2"), Gender.parse("M"), Gender.read("9")
(<Gender.FEMALE: 'female'>, <Gender.MALE: 'male'>, None)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Self

from supervise.errors import shown_in_both
from supervise.lang import Catalogue, Text

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
    def read(cls, value: Any) -> Self | None:
        """The member whose value, Chinese label or code is ``value`` (case and surrounding
        blanks ignored), or ``None`` for a code that means "not recorded" (gender ``0``,
        ``9``). Raises ``ValueError`` listing the accepted values otherwise."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            text = value.strip()
            for member in cls:
                if text.lower() == member.value or text == member.zh:
                    return member
            aliases = _ALIASES.get(cls, {})
            if text.lower() in aliases:
                return aliases[text.lower()]  # type: ignore[return-value]
        accepted = ", ".join(f"{m.value} ({m.zh})" for m in cls)
        kind = Text(cls.__name__, _NAMES_ZH.get(cls.__name__, cls.__name__))
        reason = _T("unknown", kind=kind, value=shown_in_both(value), accepted=accepted)
        codes = cls.codes_note()
        if codes is not None:
            reason = Text(f"{reason.en}; {codes.en}", f"{reason.zh}；{codes.zh}")
        raise ValueError(reason)

    @classmethod
    def codes_note(cls) -> Text | None:
        """What codes besides values and labels this vocabulary accepts, for documentation
        and messages (``None`` when it accepts none)."""
        return _T(_CODES[cls]) if cls in _CODES else None

    @classmethod
    def parse(cls, value: Any) -> Self:
        """Like :meth:`read`, for a value that must be recorded: a code meaning "not
        recorded" raises ``ValueError`` too."""
        member = cls.read(value)
        if member is None:
            raise ValueError(_T("not_recorded", value=shown_in_both(value)))
        return member


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


_T = Catalogue(
    __name__,
    {
        "unknown": (
            "未知的{kind} {value}；可用的值：{accepted}",
            "unknown {kind} {value}; expected one of {accepted}",
        ),
        "gender_codes": (
            "或 GB/T 2261.1 代码 1（男）、2（女）、0（未知）、9（未说明），或 M、F",
            "or a GB/T 2261.1 code 1 (male), 2 (female), 0 (unknown), 9 (not stated), or M, F",
        ),
        "not_recorded": (
            "{value} 表示未记录，而这里必须有值",
            "{value} means not recorded, and a value is required here",
        ),
    },
)
#: Chinese names of the vocabularies, for messages.
_NAMES_ZH = {
    "Gender": "性别",
    "EnrollmentStatus": "学员状态",
    "MentorKind": "导师类型",
    "SessionForm": "督导形式",
    "CredentialLevel": "职业资格等级",
    "OutcomeKind": "成效类型",
}
#: Codes offices use besides values and labels (lower case), by vocabulary; ``None`` means
#: "not recorded". Gender: GB/T 2261.1-2003 (人的性别代码) and the M/F of other systems.
_ALIASES: dict[type[Vocabulary], Mapping[str, Vocabulary | None]] = {
    Gender: {
        "1": Gender.MALE,
        "2": Gender.FEMALE,
        "m": Gender.MALE,
        "f": Gender.FEMALE,
        "男性": Gender.MALE,
        "女性": Gender.FEMALE,
        "0": None,
        "9": None,
        "未知": None,
        "未知的性别": None,
        "未说明": None,
        "未说明的性别": None,
    },
}
_CODES: dict[type[Vocabulary], str] = {Gender: "gender_codes"}
