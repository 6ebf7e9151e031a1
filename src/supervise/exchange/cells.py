"""One cell of an exchange file as the Python value its column's kind calls for.

Cells arrive in three modes: ``text`` (CSV: every cell is a string, an empty one is no value),
``excel`` (XLSX: strings, numbers, dates or nothing, as openpyxl reads them) and ``json``
(already typed). :func:`typer` gives the function that turns a cell of one mode into the value
of one column kind, strictly: ``"3.5"`` is not a whole number, ``true`` is not a number,
``1_000`` is not a number. Dates pass through unparsed: the model parses them with
:func:`~supervise.dates.parse_date`, so every format it reads is accepted.

>>> typer("text", "integer")("12"), typer("text", "real")(" 2.5 "), typer("text", "text")("")
(12, 2.5, None)
>>> typer("text", "integer")("3.5")
Traceback (most recent call last):
...
supervise.exchange.cells.CellError: must be a whole number
>>> typer("excel", "text")(640104), typer("excel", "text")("'=1+1")
('640104', '=1+1')

XLSX cells whose text would start a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return)
are written with a leading apostrophe (:func:`guard_formula`) and read back without it
(:func:`unguard_formula`):

>>> guard_formula("=HYPERLINK(1)"), unguard_formula("'=HYPERLINK(1)")
("'=HYPERLINK(1)", '=HYPERLINK(1)')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

__all__ = ["MODES", "CellError", "guard_formula", "typer", "unguard_formula"]

#: How the cells of a file are typed: CSV text, XLSX values, JSON values.
MODES = ("text", "excel", "json")

_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_REAL = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    """A cell's value does not fit its column; the message is the reason. ``shown`` is the
    value as the model's own message shows it (personal data masked), when it gave one."""

    def __init__(self, reason: str, shown: Any = None) -> None:
        super().__init__(reason)
        self.shown = shown


Typer = Callable[[Any], Any]


def guard_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula.

    Text that already starts with apostrophes before such a character gets one more, so
    :func:`unguard_formula` gives back exactly ``text``."""
    return "'" + text if text.lstrip("'").startswith(_FORMULA_STARTS) else text


def unguard_formula(text: str) -> str:
    """Undo :func:`guard_formula`: drop the apostrophe it adds, and only that one."""
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_STARTS):
        return text[1:]
    return text


def typer(mode: str, kind: str) -> Typer:
    """The function that turns a cell of ``mode`` into a value of column ``kind`` (``text``,
    ``integer``, ``real``, ``date``, ``boolean`` or ``list``), ``None`` for an empty cell, or raises
    :class:`CellError`."""
    return _TYPERS[mode][kind]


# -- text (CSV) -----------------------------------------------------------------------------


def _text_text(cell: str) -> str | None:
    return cell if cell != "" else None


def _text_integer(cell: str) -> int | None:
    if _INTEGER.fullmatch(cell):
        return int(cell)
    if not cell.strip():
        return None
    raise CellError("must be a whole number")


def _text_real(cell: str) -> float | None:
    if _REAL.fullmatch(cell):
        return float(cell)
    if not cell.strip():
        return None
    raise CellError("must be a number")


def _text_date(cell: str) -> str | None:
    return cell if cell.strip() else None


_TRUE = frozenset(("true", "1", "yes", "y", "是"))
_FALSE = frozenset(("false", "0", "no", "n", "否"))


def _text_boolean(cell: str) -> bool | None:
    word = cell.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    if not word:
        return None
    raise CellError("must be true or false (是 or 否)")


def _no_list(cell: Any) -> Any:
    raise CellError("must be a list, which only JSON can hold")


# -- excel (XLSX) ---------------------------------------------------------------------------


def _excel(on_text: Typer, on_number: Typer, on_date: Typer) -> Typer:
    def convert(cell: Any) -> Any:
        if cell is None:
            return None
        if isinstance(cell, str):
            return on_text(unguard_formula(cell))
        if isinstance(cell, bool):
            raise CellError(f"must not be {'TRUE' if cell else 'FALSE'}")
        if isinstance(cell, int | float):
            return on_number(cell)
        if isinstance(cell, date):
            return on_date(cell)
        raise CellError(f"cannot read a {type(cell).__name__} cell")

    return convert


def _number_as_text(number: float) -> str:
    # Ids and region codes typed into Excel become numbers: 640104 means "640104".
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def _date_as_text(day: date) -> str:
    if isinstance(day, datetime) and day.time() == datetime.min.time():
        return day.date().isoformat()
    return day.isoformat()


def _whole(number: float) -> int:
    if isinstance(number, float) and not number.is_integer():
        raise CellError("must be a whole number")
    return int(number)


def _not_a_date_number(number: float) -> float:
    return number  # the model's date rule refuses it with its own message


def _date_not_number(day: date) -> int:
    raise CellError("must be a number, not a date")


def _excel_boolean(cell: Any) -> bool | None:
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, str):
        return _text_boolean(unguard_formula(cell))
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    raise CellError("must be true or false (是 or 否)")


# -- json -----------------------------------------------------------------------------------


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CellError("must be text")


def _json_integer(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise CellError("must be a whole number")


def _json_real(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise CellError("must be a number")


def _json_date(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CellError("must be a date written as text, such as 2024-07-01")


def _json_boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise CellError("must be true or false")


def _json_list(value: Any) -> list[Any] | None:
    if value is None or isinstance(value, list):
        return value
    raise CellError("must be a list")


_TYPERS: dict[str, dict[str, Typer]] = {
    "text": {
        "text": _text_text,
        "integer": _text_integer,
        "real": _text_real,
        "date": _text_date,
        "boolean": _text_boolean,
        "list": _no_list,
    },
    "excel": {
        "text": _excel(_text_text, _number_as_text, _date_as_text),
        "integer": _excel(_text_integer, _whole, _date_not_number),
        "real": _excel(_text_real, float, _date_not_number),
        "date": _excel(_text_date, _not_a_date_number, lambda day: day),
        "boolean": _excel_boolean,
        "list": _no_list,
    },
    "json": {
        "text": _json_text,
        "integer": _json_integer,
        "real": _json_real,
        "date": _json_date,
        "boolean": _json_boolean,
        "list": _json_list,
    },
}
