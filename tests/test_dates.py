from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervise import DateParseError, SuperviseError, parse_date, years_between


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-01", date(2024, 7, 1)),
        ("2024-7-1", date(2024, 7, 1)),
        ("2024/7/1", date(2024, 7, 1)),
        ("2024/07/01", date(2024, 7, 1)),
        ("2024.7.1", date(2024, 7, 1)),
        ("2024年7月1日", date(2024, 7, 1)),
        ("2024年07月01日", date(2024, 7, 1)),
        ("2024 年 7 月 1 日", date(2024, 7, 1)),
        ("2024年7月1", date(2024, 7, 1)),
        ("  2024-07-01  ", date(2024, 7, 1)),
        ("20240701", date(2024, 7, 1)),
        ("2024-07-01T00:00:00", date(2024, 7, 1)),
        ("2024-07-01 00:00", date(2024, 7, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        ("1 July 2024", date(2024, 7, 1)),
        ("July 1, 2024", date(2024, 7, 1)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_date_passes_dates_through() -> None:
    assert parse_date(date(2024, 7, 1)) == date(2024, 7, 1)
    assert parse_date(datetime(2024, 7, 1)) == date(2024, 7, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "'2024-02-30' is not a real date (month 2, day 30)"),
        ("2023年2月29日", "'2023年2月29日' is not a real date (month 2, day 29)"),
        ("2024/13/1", "'2024/13/1' is not a real date (month 13, day 1)"),
        ("7/1/2024", "'7/1/2024' is ambiguous (is the first number the day or the month?)"),
        ("01.07.2024", "'01.07.2024' is ambiguous"),
        ("July 2024", "'July 2024' is missing the year, month or day"),
        ("45474", "'45474' is a number, not a date"),
        ("", "empty date"),
        ("soon", "'soon' is not a date"),
        ("2024-07-01T08:30", "has a time of day"),
        (45474, "45474 is not a date"),
        (None, "None is not a date"),
        (datetime(2024, 7, 1, 9, 0), "'2024-07-01T09:00:00' has a time of day"),
        ("20241301", "'20241301' is not a real date (month 13, day 1)"),
    ],
)
def test_parse_date_refuses_with_a_clear_message(value: object, message: str) -> None:
    with pytest.raises(DateParseError, match=None) as info:
        parse_date(value)
    assert message in str(info.value)
    assert isinstance(info.value, SuperviseError)
    assert isinstance(info.value, ValueError)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_reads_every_style_of_every_date(day: date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert parse_date(text) == day


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2010, 3, 1), date(2024, 2, 29), 13),
        (date(2010, 3, 1), date(2024, 3, 1), 14),
        (date(2000, 2, 29), date(2001, 2, 28), 1),
        (date(2000, 2, 29), date(2001, 2, 27), 0),
        (date(2024, 7, 1), date(2024, 7, 1), 0),
        (date(2024, 7, 1), date(2020, 7, 1), -4),
    ],
)
def test_years_between_counts_whole_years(start: date, end: date, years: int) -> None:
    assert years_between(start, end) == years
