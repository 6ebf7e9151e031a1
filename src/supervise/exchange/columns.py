"""The check each cell of a column must pass: the model's own field rules, run without
building a model object per row.

A column's check types the cell (:mod:`~supervise.exchange.cells`), then applies the converter
and validator of the attrs field behind the column, exactly as the model's constructor would,
and gives the value as the store keeps it (dates as ISO text, vocabularies as their English
value). So a cell is accepted on import exactly when the model accepts it, and the field rules
live in one place: :mod:`supervise.model`. Checks that span fields (an end not before its
start) run on whole records in :mod:`~supervise.exchange.load`. (Eligibility *rules* are
another concept: :mod:`supervise.semantics.rules`.)

>>> from supervise.tables import TABLES
>>> hours = column_check(TABLES["activities"], "hours", "text")
>>> hours.check("2.5")
2.5
>>> hours.check("25")
Traceback (most recent call last):
...
supervise.exchange.cells.CellError: must be at least 0 and at most 24
>>> column_check(TABLES["enrollments"], "status", "text").check("已结业")
'completed'
>>> column_check(TABLES["enrollments"], "status", "text").check("")   # empty: the default
'active'
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date
from typing import Any, cast

import attrs

from supervise.errors import InvalidRecord, NationalIdWarning, reason_of
from supervise.exchange.cells import CellError, typer
from supervise.exchange.headers import ATTENDEES_FIELD
from supervise.lang import Catalogue
from supervise.model import Person, Session, Vocabulary
from supervise.tables import Column, Table, model_field

__all__ = ["ColumnCheck", "column_check"]

# Distinct values remembered per column; enough for dates, phases, cohorts and most people.
_MEMO_LIMIT = 200_000
_T = Catalogue(
    __name__,
    {
        "missing": ("缺少必填值", "required value missing"),
        "masked": (
            "是打码后的号码：交换文件需要完整号码（导出时请用 include_pii）",
            "is masked: exchange files need the whole number (export with include_pii)",
        ),
    },
)
# session_attendees has no model class: its columns follow the fields they refer to.
_ATTENDEE_FIELDS = {
    "session_id": attrs.fields(Session).id,
    "person_id": attrs.fields(Person).id,
}


class _Memo(dict[Any, Any]):
    """Remembers a check's answers per cell; a failing cell is not remembered (it raises)."""

    def __init__(self, rule: Callable[[Any], Any]) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, cell: Any) -> Any:
        value = self.rule(cell)
        if len(self) < _MEMO_LIMIT:
            self[cell] = value
        return value


@attrs.frozen
class ColumnCheck:
    """The check of one column: ``check(cell)`` gives the stored value or raises
    :class:`~supervise.exchange.cells.CellError`; ``parse`` does the same, faster for repeated
    cells, and may also raise ``TypeError`` for a cell it cannot remember (retry with
    ``check``). Warnings the model raises (an unusual national ID) go to ``warned``."""

    column: Column
    check: Callable[[Any], Any]
    parse: Callable[[Any], Any]
    warned: list[str]


def column_check(table: Table, name: str, mode: str) -> ColumnCheck:
    """The rule for column ``name`` of ``table`` in files of ``mode`` (``text``, ``excel``,
    ``json``). ``sessions`` also has an ``attendees`` column in JSON (a list of person ids)."""
    field: attrs.Attribute[Any]
    if table.name == "sessions" and name == ATTENDEES_FIELD:
        column = Column(ATTENDEES_FIELD, "", "list", False)
        field = attrs.fields(Session).attendees
    else:
        column = table.column(name)
        field = model_field(table, name) or _ATTENDEE_FIELDS[name]
    warned: list[str] = []
    kind = "code" if column.vocab is not None else column.kind
    check = _check(column, field, typer(mode, kind), warned)
    remember = not column.pii and column.kind != "list" and table.key != (name,)
    parse = _remembering(check, mode) if remember else check
    return ColumnCheck(column, check, parse, warned)


def _remembering(check: Callable[[Any], Any], mode: str) -> Callable[[Any], Any]:
    """``check`` with its answers remembered per text cell. CSV cells are all text; JSON and
    XLSX cells may be numbers or booleans, which must not share answers (``True == 1``)."""
    remembered = _Memo(check).__getitem__
    if mode in ("text", "guarded"):
        return remembered

    def parse(cell: Any) -> Any:
        return remembered(cell) if type(cell) is str else check(cell)

    return parse


def _check(
    column: Column, field: attrs.Attribute[Any], to_cell: Callable[[Any], Any], warned: list[str]
) -> Callable[[Any], Any]:
    convert = _converter(field)
    validate = field.validator
    # Validators and converters name the record in their errors; a blank, unset instance of
    # the class stands in for it (only the reason is kept).
    blank = object.__new__(_owner(field))
    default = None if column.required else _stored(field.default)
    required = column.required
    to_store = _storer(column)

    def check(cell: Any) -> Any:
        value = to_cell(cell)
        if value is None:
            if required:
                raise CellError(_T("missing"))
            return default
        try:
            if convert is not None:
                value = convert(value, blank, field)
            if validate is not None:
                validate(blank, field, value)
        except InvalidRecord as exc:
            raise CellError(exc.reason, exc.value if column.pii else None) from None
        return value if to_store is None or value is None else to_store(value)

    if not column.pii:
        return check

    def check_noting_warnings(cell: Any) -> Any:
        if isinstance(cell, str) and "*" in cell:
            raise CellError(_T("masked"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", NationalIdWarning)
            value = check(cell)
        warned.extend(
            _text_of(w.message) for w in caught if issubclass(w.category, NationalIdWarning)
        )
        return value

    return check_noting_warnings


def _text_of(message: Warning | str) -> str:
    """A warning's text, with both its languages when it has them."""
    return message if isinstance(message, str) else reason_of(message)


def _converter(field: attrs.Attribute[Any]) -> Callable[[Any, Any, Any], Any] | None:
    """The field's converter as ``convert(value, instance, field)``."""
    conv: Any = field.converter
    if conv is None:
        return None
    if isinstance(conv, attrs.Converter):
        # attrs sets ``__call__`` on each Converter to take (value, instance, field).
        call: Callable[[Any, Any, Any], Any] = cast(Any, conv).__call__
        return call
    return lambda value, _instance, _field: conv(value)


def _owner(field: attrs.Attribute[Any]) -> type[Any]:
    """The class that declares ``field`` (a validator may name it in its message)."""
    from supervise.model import MODELS, Requirements

    for cls in (*MODELS, Requirements):
        if any(f is field for f in attrs.fields(cls)):
            return cls
    raise LookupError(f"no model class declares field {field.name!r}")


def _stored(value: Any) -> Any:
    """A default as the store keeps it (the schema's column defaults are the same values)."""
    if value is attrs.NOTHING:
        return None
    return _storer_of(value)(value)


def _storer(column: Column) -> Callable[[Any], Any] | None:
    """How a column's model value is stored; ``None`` when as it is."""
    if column.kind == "date":
        return _iso
    if column.vocab is not None:
        return _vocab_value
    return None


def _storer_of(value: Any) -> Callable[[Any], Any]:
    if isinstance(value, date):
        return _iso
    if isinstance(value, Vocabulary):
        return _vocab_value
    return _same


def _iso(value: date) -> str:
    return value.isoformat()


def _vocab_value(value: Vocabulary) -> str:
    return value.value


def _same(value: Any) -> Any:
    return value
