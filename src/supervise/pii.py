"""Personal data: national ID numbers and phone numbers, validated and masked.

National ID numbers (居民身份证号码) are checked with python-stdnum's ``cn.ric``: a wrong length,
a non-digit or a bad checksum is an error. stdnum also rejects a real number whose 6-digit
location code was created after the holder's birth year (640104 兴庆区 dates from 2002); that
is reported as a :class:`~supervise.errors.NationalIdWarning`, never an error.

>>> mask_national_id("11010519491231002X")
'110105********002X'
>>> mask_phone("13812345678")
'138****5678'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from supervise.lang import Catalogue

__all__ = [
    "MASKS",
    "check_national_id",
    "compact_phone",
    "mask_lookalikes",
    "mask_national_id",
    "mask_phone",
    "normalize_phone",
    "trusted_load",
]

_T = Catalogue(
    __name__,
    {
        "id_length": (
            "身份证号 {masked} 应为 18 位，而不是 {length} 位",
            "national ID {masked} must have 18 characters, not {length}",
        ),
        "id_format": (
            "身份证号 {masked} 应为 17 位数字加一位数字或 X",
            "national ID {masked} must be 17 digits and a digit or X",
        ),
        "id_check_digit": (
            "身份证号 {masked} 的校验码不对",
            "national ID {masked} has a wrong check digit",
        ),
        "id_birth_date": (
            "身份证号 {masked} 的出生日期不存在",
            "national ID {masked} has an impossible birth date",
        ),
        "id_location": (
            "身份证号 {masked}：地址码 {code} 在出生年份 {year} 时尚未设立"
            "（已接受；如非预期请核对号码）",
            "national ID {masked}: location code {code} is unknown for birth year {year} "
            "(accepted; check the number if this is unexpected)",
        ),
        "phone": (
            "手机号码 {masked} 应为 7 到 15 位数字",
            "phone {masked} must have 7 to 15 digits",
        ),
    },
)
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_PHONE = re.compile(r"\+?\d{7,15}")


def mask_national_id(value: str) -> str:
    """Keep the location code and the last four characters of an 18-character ID number
    (``640104********003X``); anything else keeps at most its first 3 and last 2 characters."""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[-4:]
    if len(value) <= 6:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a phone number (``138****5678``)."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


#: The mask of each personal-data field, by field name.
MASKS: dict[str, Callable[[str], str]] = {
    "national_id": mask_national_id,
    "phone": mask_phone,
}


def check_national_id(value: str) -> tuple[str, str | None]:
    """Validate an 18-digit national ID number.

    Returns ``(number, warning)``: the number in its compact form (upper-case ``X``) and a
    warning text when only the location code is unknown for the birth year, else ``None``.
    Raises ``ValueError`` with a message that masks the number when it is invalid.

    The location lookup is the slow part (tens of µs); inside :func:`trusted_load` it is
    skipped, for numbers that were checked, and warned about, when they were stored.
    """
    number = ric.compact(value) if not _COMPACT.fullmatch(value) else value.upper()
    masked = mask_national_id(number)
    if len(number) != 18:
        raise ValueError(_T("id_length", masked=masked, length=len(number)))
    if not _DIGITS_17.fullmatch(number[:17]) or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError(_T("id_format", masked=masked))
    if number[17] != ric.calc_check_digit(number):
        raise ValueError(_T("id_check_digit", masked=masked))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(_T("id_birth_date", masked=masked)) from None
    if not _LOCATE.get():
        return number, None
    try:
        ric.get_birth_place(number)
    except stdnum_errors.InvalidComponent:
        return number, _T("id_location", masked=masked, code=number[:6], year=born.year)
    return number, None


@contextmanager
def trusted_load() -> Iterator[None]:
    """Within the block, skip the location lookup of :func:`check_national_id` (numbers are
    still checked for length, format, check digit and birth date). The store reads records
    inside it: their numbers were fully checked when written."""
    token = _LOCATE.set(False)
    try:
        yield
    finally:
        _LOCATE.reset(token)


_LOCATE: ContextVar[bool] = ContextVar("supervise_locate_national_ids", default=True)
_COMPACT = re.compile(r"[0-9]{17}[0-9Xx]")
# ASCII digits only: str.isdigit() also accepts other scripts' digits (٣, ３), which int()
# reads but the check digit is not computed over.
_DIGITS_17 = re.compile(r"[0-9]{17}")


def compact_phone(value: str) -> str:
    """A phone number without spaces, dashes and brackets (not checked)."""
    return _PHONE_SEPARATORS.sub("", value)


def normalize_phone(value: str) -> str:
    """Strip spaces, dashes and brackets from a phone number and check it has 7 to 15 digits
    (an optional leading ``+``). Raises ``ValueError`` with a masked number otherwise."""
    number = compact_phone(value)
    if not _PHONE.fullmatch(number):
        raise ValueError(_T("phone", masked=mask_phone(number)))
    return number


# What looks like a national ID number (18 characters, or the 15 digits of the first
# generation) or a mainland mobile number, standing alone in a text.
_LOOKALIKE_ID = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
_LOOKALIKE_PHONE = re.compile(r"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])")


def mask_lookalikes(text: str) -> str:
    """``text`` with everything that looks like a national ID number or a mobile number
    masked, whether or not it is one: for messages that repeat what somebody typed (an
    unknown person id that was in fact a national ID number).

    >>> mask_lookalikes("no person '11010519491231002X'; call 13812345678")
    "no person '110105********002X'; call 138****5678"
    """
    if not any(c.isdigit() for c in text):
        return text
    masked = _LOOKALIKE_ID.sub(lambda m: mask_national_id(m.group()), text)
    return _LOOKALIKE_PHONE.sub(lambda m: mask_phone(m.group()), masked)
