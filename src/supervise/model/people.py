"""People and what they hold: credentials (职业资格) and outcomes (培养成效)."""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any, ClassVar

import attrs

from supervise.errors import NationalIdWarning, reason_of
from supervise.lang import Catalogue
from supervise.model._fields import (
    check_order,
    converted,
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
from supervise.model.records import HOURS_PLACES
from supervise.model.vocab import CredentialLevel, Gender, OutcomeKind
from supervise.pii import (
    check_national_id,
    compact_phone,
    mask_national_id,
    mask_phone,
    normalize_phone,
)

__all__ = ["ContinuingEducation", "Credential", "Outcome", "Person"]

_T = Catalogue(
    __name__, {"text": ("必须是文本", "must be text"), "not_text": ("<不是文本>", "<not text>")}
)


def _national_id(value: Any, instance: Any, field: attrs.Attribute[Any]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(instance, field.name, _T("not_text"), _T("text"))
    try:
        number, warning = check_national_id(value)
    except ValueError as exc:
        raise fail(instance, field.name, mask_national_id(value.strip()), reason_of(exc)) from None
    if warning:
        warnings.warn(warning, NationalIdWarning, stacklevel=4)
    return number


def _phone(value: Any, instance: Any, field: attrs.Attribute[Any]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(instance, field.name, _T("not_text"), _T("text"))
    try:
        return normalize_phone(value)
    except ValueError as exc:
        # the same masked form as the message: the number without separators
        masked = mask_phone(compact_phone(value))
        raise fail(instance, field.name, masked, reason_of(exc)) from None


def _masked(mask: Any) -> Any:
    return lambda value: "None" if value is None else repr(mask(value))


@attrs.frozen(kw_only=True)
class Person:
    """Anyone tracked (人员): a trainee by enrollment, a mentor by assignment, maybe both.

    ``national_id`` and ``phone`` are personal data: validated on construction and masked in
    ``repr`` and ``str``. A national ID with a bad checksum is an error; one whose location code
    is unknown for the birth year only warns (:class:`~supervise.errors.NationalIdWarning`).
    """

    __table__: ClassVar[str] = "people"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str = identifier("人员编号")
    name: str = text("姓名")
    national_id: str | None = converted(
        _national_id,
        "身份证号",
        default=None,
        repr=_masked(mask_national_id),
        metadata={"pii": True},
    )
    phone: str | None = converted(
        _phone, "手机号码", default=None, repr=_masked(mask_phone), metadata={"pii": True}
    )
    gender: Gender | None = vocab(Gender, "性别", default=None)
    region_code: str | None = region("行政区划代码")
    organization: str | None = optional_text("工作单位")
    practice_since: date | None = optional_day("从业起始日期")


@attrs.frozen(kw_only=True)
class Credential:
    """A professional qualification (职业资格) held from ``issued_on`` until ``expires_on``.

    ``registered_on`` is the date of registration (登记); the three-year cycles of continuing
    education run from it (from ``issued_on`` when it is empty)."""

    __table__: ClassVar[str] = "credentials"
    __key__: ClassVar[tuple[str, ...]] = ("person_id", "level", "issued_on")

    person_id: str = identifier("人员编号")
    level: CredentialLevel = vocab(CredentialLevel, "等级")
    certificate_no: str | None = optional_text("证书编号")
    issued_on: date = day("发证日期")
    expires_on: date | None = optional_day("有效期至")
    issuer: str | None = optional_text("发证机关")
    region_code: str | None = region("行政区划代码")
    registered_on: date | None = optional_day("注册日期")

    def __attrs_post_init__(self) -> None:
        check_order(self, "issued_on", "expires_on")

    def held_on(self, as_of: date) -> bool:
        """Whether the credential is in force on ``as_of`` (issued, and not yet expired; it
        is still held on its ``expires_on`` day)."""
        return self.issued_on <= as_of and (self.expires_on is None or as_of <= self.expires_on)


@attrs.frozen(kw_only=True)
class ContinuingEducation:
    """Hours of continuing education (继续教育) a person completed on one day: a course, a
    lecture, a training. Not tied to a cohort: certified social workers owe these hours per
    registration cycle whether or not they are in a program."""

    __table__: ClassVar[str] = "continuing_education"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str = identifier("记录编号")
    person_id: str = identifier("人员编号")
    on: date = day("日期")
    hours: float = number("学时", 0, 1000, low_open=True, places=HOURS_PLACES)
    provider: str | None = optional_text("培训机构")
    category: str | None = optional_text("类别")


@attrs.frozen(kw_only=True)
class Outcome:
    """A result of training (培养成效) for a person, dated: admission to the expert pool,
    drafting a local standard, passing the senior review or exam, a promotion, ..."""

    __table__: ClassVar[str] = "outcomes"
    __key__: ClassVar[tuple[str, ...]] = ("person_id", "kind", "on")

    person_id: str = identifier("人员编号")
    kind: OutcomeKind = vocab(OutcomeKind, "成效类型")
    on: date = day("日期")
    detail: str | None = optional_text("说明")
