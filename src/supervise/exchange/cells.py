"""One cell of an exchange file as the Python value its column's kind calls for.

Cells arrive in four modes: ``text`` (CSV: every cell is a string, an empty one is no value),
``guarded`` (CSV written with formulas neutralised, see below), ``excel`` (XLSX: strings,
numbers, dates or nothing, as openpyxl reads them) and ``json`` (already typed).
:func:`typer` gives the function that turns a cell of one mode into the value of one column
kind, strictly: ``"3.5"`` is not a whole number, ``true`` is not a number, ``1_000`` is not a
number, and a number of more digits than any stored value has is refused before Python is
asked to read it. Dates pass through unparsed: the model parses them with
:func:`~supervise.dates.parse_date`, so every format it reads is accepted.

>>> typer("text", "integer")("12"), typer("text", "real")(" 2.5 "), typer("text", "text")("")
(12, 2.5, None)
>>> typer("text", "integer")("3.5")
Traceback (most recent call last):
...
supervise.exchange.cells.CellError: must be a whole number
>>> typer("excel", "text")(640104), typer("excel", "text")("'=1+1")
('640104', '=1+1')

Text that a spreadsheet would run as a formula, starting with ``=``, ``+``, ``-``, ``@``
(or their full-width and small forms, which Chinese input methods type: ``＝`` ``＋`` ``－``
``＠``), a tab or a carriage return, is written to XLSX, and to CSV unless asked otherwise,
with a leading apostrophe (:func:`guard_formula`) and read back without it
(:func:`unguard_formula`):

>>> guard_formula("=HYPERLINK(1)"), unguard_formula("'=HYPERLINK(1)"), guard_formula("＝1+1")
("'=HYPERLINK(1)", '=HYPERLINK(1)', "'＝1+1")
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from supervise.errors import digits_shown
from supervise.lang import Catalogue

__all__ = [
    "FORMULA_STARTS",
    "MODES",
    "BigNumber",
    "CellError",
    "guard_formula",
    "typer",
    "unguard_formula",
]

#: How the cells of a file are typed: CSV text (``guarded`` when the file says its formulas
#: were neutralised), XLSX values, JSON values.
MODES = ("text", "guarded", "excel", "json")

_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_REAL = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
#: Digits beyond which a number is refused unread: a stored whole number has at most 19, and
#: Python refuses to read more than 4300 (a number of 5,000 digits is an attack, not data).
MAX_DIGITS = 40
#: Characters that make a spreadsheet read a cell as a formula: ``= + - @``, every character
#: that Unicode NFKC folds into one of them (full-width ＝＋－＠, small ﹦﹢﹣﹫, superscript and
#: subscript forms; a test checks the list against unicodedata), tab and carriage return.
FORMULA_STARTS = (
    "\t",
    "\r",
    "+",
    "-",
    "=",
    "@",
    "\u207a",
    "\u207c",
    "\u208a",
    "\u208c",
    "\ufb29",
    "\ufe62",
    "\ufe63",
    "\ufe66",
    "\ufe6b",
    "\uff0b",
    "\uff0d",
    "\uff1d",
    "\uff20",
)

_T = Catalogue(
    __name__,
    {
        "whole": ("必须是整数", "must be a whole number"),
        "number": ("必须是数字", "must be a number"),
        "list_json_only": (
            "必须是列表，只有 JSON 能表示列表",
            "must be a list, which only JSON can hold",
        ),
        "not_boolean": ("不能是 {value}", "must not be {value}"),
        "cell_kind": ("无法读取 {kind} 类型的单元格", "cannot read a {kind} cell"),
        "not_a_date_number": ("必须是数字，而不是日期", "must be a number, not a date"),
        "text": ("必须是文本", "must be text"),
        "date_as_text": (
            "日期必须写成文本，例如 2024-07-01",
            "must be a date written as text, such as 2024-07-01",
        ),
        "list": ("必须是列表", "must be a list"),
        "boolean": ("必须是 true 或 false（是或否）", "must be true or false (是 or 否)"),
        "boolean_json": ("必须是 true 或 false", "must be true or false"),
        "too_many_digits": ("数字太长（{digits} 位）", "is too long a number ({digits} digits)"),
    },
)


class CellError(ValueError):
    """A cell's value does not fit its column; the message is the reason. ``shown`` is the
    value as the message should show it (personal data masked, a huge number summarised),
    when the cell itself should not be shown."""

    def __init__(self, reason: str, shown: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.shown = shown


class BigNumber:
    """A JSON number of more than :data:`MAX_DIGITS` digits, kept as its text: every column
    refuses it (reading it would cost Python more than the number is worth)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def digits(self) -> int:
        """How many digits the number has."""
        return sum(c.isdigit() for c in self.text)

    def __repr__(self) -> str:
        return self.text if len(self.text) <= MAX_DIGITS else f"<{self.digits:,} digits>"


def json_integer(text: str) -> int | BigNumber:
    """``parse_int`` for :func:`json.loads`: a whole number, or a :class:`BigNumber`."""
    return int(text) if len(text) <= MAX_DIGITS else BigNumber(text)


def _too_long(cell: str | BigNumber) -> CellError:
    text = cell.text if isinstance(cell, BigNumber) else cell
    digits = sum(c.isdigit() for c in text)
    return CellError(_T("too_many_digits", digits=f"{digits:,}"), digits_shown(digits))


Typer = Callable[[Any], Any]


def guard_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula.

    Text that already starts with apostrophes before such a character gets one more, so
    :func:`unguard_formula` gives back exactly ``text``."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unguard_formula(text: str) -> str:
    """Undo :func:`guard_formula`: drop the apostrophe it adds, and only that one."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def typer(mode: str, kind: str) -> Typer:
    """The function that turns a cell of ``mode`` into a value of column ``kind`` (``text``,
    ``code``, ``integer``, ``real``, ``date``, ``boolean`` or ``list``), ``None`` for an
    empty cell, or raises :class:`CellError`."""
    return _TYPERS[mode][kind]


# -- text (CSV) -----------------------------------------------------------------------------


def _text_text(cell: str) -> str | None:
    return cell if cell != "" else None


def _text_integer(cell: str) -> int | None:
    if _INTEGER.fullmatch(cell):
        if len(cell) > MAX_DIGITS and len(cell.strip().lstrip("+-")) > MAX_DIGITS:
            raise _too_long(cell)
        return int(cell)
    if not cell.strip():
        return None
    raise CellError(_T("whole"))


def _text_real(cell: str) -> float | None:
    if _REAL.fullmatch(cell):
        if len(cell) > MAX_DIGITS and sum(c.isdigit() for c in cell) > MAX_DIGITS:
            raise _too_long(cell)
        return float(cell)
    if not cell.strip():
        return None
    raise CellError(_T("number"))


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
    raise CellError(_T("boolean"))


def _no_list(cell: Any) -> Any:
    raise CellError(_T("list_json_only"))


def _guarded(convert: Typer) -> Typer:
    """A CSV typer for a file whose formulas were neutralised: the apostrophe goes first."""

    def typed(cell: str) -> Any:
        return convert(unguard_formula(cell) if cell[:1] == "'" else cell)

    return typed


# -- excel (XLSX) ---------------------------------------------------------------------------


def _excel(on_text: Typer, on_number: Typer, on_date: Typer) -> Typer:
    def convert(cell: Any) -> Any:
        if cell is None:
            return None
        if isinstance(cell, str):
            return on_text(unguard_formula(cell))
        if isinstance(cell, bool):
            raise CellError(_T("not_boolean", value="TRUE" if cell else "FALSE"))
        if isinstance(cell, int | float):
            return on_number(cell)
        if isinstance(cell, date):
            return on_date(cell)
        raise CellError(_T("cell_kind", kind=type(cell).__name__))

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
        raise CellError(_T("whole"))
    return int(number)


def _not_a_date_number(number: float) -> float:
    return number  # the model's date rule refuses it with its own message


def _date_not_number(day: date) -> int:
    raise CellError(_T("not_a_date_number"))


def _excel_boolean(cell: Any) -> bool | None:
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, str):
        return _text_boolean(unguard_formula(cell))
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    raise CellError(_T("boolean"))


# -- json -----------------------------------------------------------------------------------


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CellError(_T("text"))


def _json_code(value: Any) -> str | None:
    """A vocabulary cell: text, or a whole number read as its code (gender ``1``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _json_text(value)


def _json_integer(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, BigNumber):
        raise _too_long(value)
    raise CellError(_T("whole"))


def _json_real(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)  # at most MAX_DIGITS digits: a float can hold it
    if isinstance(value, BigNumber):
        raise _too_long(value)
    raise CellError(_T("number"))


def _json_date(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CellError(_T("date_as_text"))


def _json_boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise CellError(_T("boolean_json"))


def _json_list(value: Any) -> list[Any] | None:
    if value is None or isinstance(value, list):
        return value
    raise CellError(_T("list"))


_TEXT: dict[str, Typer] = {
    "text": _text_text,
    "code": _text_text,
    "integer": _text_integer,
    "real": _text_real,
    "date": _text_date,
    "boolean": _text_boolean,
    "list": _no_list,
}
_TYPERS: dict[str, dict[str, Typer]] = {
    "text": _TEXT,
    "guarded": {kind: _guarded(convert) for kind, convert in _TEXT.items()},
    "excel": {
        "text": _excel(_text_text, _number_as_text, _date_as_text),
        "code": _excel(_text_text, _number_as_text, _date_as_text),
        "integer": _excel(_text_integer, _whole, _date_not_number),
        "real": _excel(_text_real, float, _date_not_number),
        "date": _excel(_text_date, _not_a_date_number, lambda day: day),
        "boolean": _excel_boolean,
        "list": _no_list,
    },
    "json": {
        "text": _json_text,
        "code": _json_code,
        "integer": _json_integer,
        "real": _json_real,
        "date": _json_date,
        "boolean": _json_boolean,
        "list": _json_list,
    },
}
