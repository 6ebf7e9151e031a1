"""Dates as Chinese offices write them, parsed strictly.

>>> parse_date("2024年7月1日")
datetime.date(2024, 7, 1)
>>> parse_date("2024.7.1") == parse_date("2024/7/1") == parse_date("2024-07-01")
True
>>> years_between(date(1990, 3, 1), date(2024, 2, 29))
33
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

from supervise.errors import SuperviseError, shown_in_both
from supervise.lang import Catalogue

__all__ = ["DateParseError", "parse_date", "years_between"]


class DateParseError(SuperviseError, ValueError):
    """A text is not a date `supervise` accepts; the message says why and shows a good form."""


# Year first, then month and day, with any of the separators seen in Chinese spreadsheets.
_YMD = re.compile(
    r"(?P<y>\d{4})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:0{2}(?::0{2}(?:\.0+)?)?)?"
)
# Day or month first with a year last (7/1/2024, 01.07.2024): which is the day cannot be known.
_YEAR_LAST = re.compile(r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}")
# Any digit-only run (Excel serial numbers, 2024, 202407) is not a date on its own.
_DIGITS = re.compile(r"\d+")
_SENTINELS = (datetime(1901, 1, 1), datetime(1902, 2, 2))
_T = Catalogue(
    __name__,
    {
        "time_of_day": (
            "{value} 带有时刻；这里需要日期",
            "{value} has a time of day; a date is expected",
        ),
        "not_a_date": (
            "{value} 不是日期；请写作 2024-07-01、2024/7/1、2024.7.1 或 2024年7月1日",
            "{value} is not a date; write it as 2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日",
        ),
        "empty": (
            "日期为空；请写作 2024-07-01、2024/7/1、2024.7.1 或 2024年7月1日",
            "empty date; write it as 2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日",
        ),
        "number": (
            "{value} 是数字，不是日期；请写作 2024-07-01、2024/7/1、2024.7.1 或 2024年7月1日",
            "{value} is a number, not a date; write it as 2024-07-01, 2024/7/1, 2024.7.1 or "
            "2024年7月1日",
        ),
        "ambiguous": (
            "{value} 有歧义（第一个数是日还是月？）；请写作 2024-07-01、2024/7/1、2024.7.1 或 "
            "2024年7月1日",
            "{value} is ambiguous (is the first number the day or the month?); write it as "
            "2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日",
        ),
        "impossible": (
            "{value} 不是真实存在的日期（{month} 月 {day} 日）",
            "{value} is not a real date (month {month}, day {day})",
        ),
        "partial": (
            "{value} 缺少年、月或日；请写作 2024-07-01、2024/7/1、2024.7.1 或 2024年7月1日",
            "{value} is missing the year, month or day; write it as 2024-07-01, 2024/7/1, "
            "2024.7.1 or 2024年7月1日",
        ),
    },
)


def parse_date(value: object) -> date:
    """Return the calendar date that ``value`` denotes, or raise :class:`DateParseError`.

    Accepts ``date`` objects, ``datetime`` objects at midnight, ISO-8601 text, and year-first
    text with ``-``, ``/``, ``.`` or ``年月日`` (``2024-7-1``, ``2024/7/1``, ``2024.7.1``,
    ``2024年7月1日``). Month names (``1 July 2024``) go through dateutil. Refused: impossible
    dates (``2024-02-30``), day-or-month-first numbers (``7/1/2024`` is ambiguous), partial
    dates (``July 2024``), numbers other than ``20240701``, and times of day other than midnight.
    """
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise DateParseError(_T("time_of_day", value=repr(value.isoformat())))
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise DateParseError(_T("not_a_date", value=shown_in_both(value)))
    text = value.strip()
    if not text:
        raise DateParseError(_T("empty"))
    match = _YMD.fullmatch(text)
    if match:
        return _build(text, int(match["y"]), int(match["m"]), int(match["d"]))
    if _DIGITS.fullmatch(text):
        if len(text) == 8:  # ISO-8601 basic form, 20240701
            return _build(text, int(text[:4]), int(text[4:6]), int(text[6:]))
        raise DateParseError(_T("number", value=shown_in_both(text)))
    if _YEAR_LAST.fullmatch(text):
        raise DateParseError(_T("ambiguous", value=repr(text)))
    return _parse_words(text)


def _build(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(_T("impossible", value=repr(text), month=month, day=day)) from None


def _parse_words(text: str) -> date:
    """Dates with month names; every part must be present (parsing twice with different
    defaults exposes a part dateutil would silently fill in from the default)."""
    try:
        first, second = (
            _dateutil_parse(text, default=default, dayfirst=False, yearfirst=True)
            for default in _SENTINELS
        )
    except (ValueError, OverflowError):
        raise DateParseError(_T("not_a_date", value=shown_in_both(text))) from None
    if first != second:
        raise DateParseError(_T("partial", value=repr(text)))
    if first.time() != datetime.min.time() or first.tzinfo is not None:
        raise DateParseError(_T("time_of_day", value=repr(text)))
    return first.date()


@functools.lru_cache(maxsize=65536)
def years_between(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end`` (negative when ``end`` is earlier).

    A year is complete on the anniversary; someone who started on 29 February completes a
    year on 28 February of a common year, as ``relativedelta`` counts it. Cached: a
    province's people share few distinct (start, end) pairs, and relativedelta is slow.
    """
    from dateutil.relativedelta import relativedelta  # only when a year is counted

    return relativedelta(end, start).years


def _dateutil_parse(text: str, **options: Any) -> datetime:
    # dateutil's parser is imported only for the rare text that is not ISO or Chinese.
    from dateutil import parser

    parsed: datetime = parser.parse(text, **options)
    return parsed
