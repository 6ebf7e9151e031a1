"""Read the sheets of one table into checked rows, keyed for upserts: the hot path of imports.

Each cell passes its column's rule (the model's field rules, see
:mod:`~supervise.exchange.columns`); a row whose cells all pass becomes a tuple of stored values.
Rules spanning fields (an end not before its start) are checked on the whole record, for the
model classes that have them. Rows that share a key must be equal; a row repeated exactly is
kept once. A bad row is not kept, but what could be read of it still counts when references
are checked, so that a bad parent row is reported once rather than again by every child.

Problems go to a :class:`~supervise.exchange.problems.Problems`; nothing here touches the
database.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import cattrs

from supervise.convert import from_dict
from supervise.errors import InvalidRecord, reason_of, shown_in_both
from supervise.exchange.cells import CellError
from supervise.exchange.columns import ColumnCheck, column_check
from supervise.exchange.headers import ATTENDEES_FIELD, HeaderMap
from supervise.exchange.problems import Problem, Problems, at_row, cell_shown, error_leaves
from supervise.exchange.read import ROW_ERRORS, Sheet
from supervise.lang import Catalogue, Text
from supervise.tables import Table

__all__ = ["Entry", "Gathered", "Note", "gather"]

#: A row: (sheet number, row number, stored values in the layout of its table).
Entry = tuple[int, int, tuple[Any, ...]]
#: A note the model made about a cell (an anachronistic location code): (sheet number, row
#: number, the row's key, the text).
Note = tuple[int, int, Any, str]
#: Called with the number of rows read since the last call.
Tick = Callable[[int], None]

_TICK = 8192  # rows between progress reports
_T = Catalogue(
    __name__,
    {
        "unknown_column": ("未知的列 {header}；{hint}", "unknown column {header}; {hint}"),
        "twice": (
            "出现了两次：第 {first} 列和第 {second} 列",
            "appears twice, in columns {first} and {second}",
        ),
        "attendees_table": (
            "请在 session_attendees 表中列出参加人员，每人一行",
            "list attendees in the session_attendees table, a row per person",
        ),
        "missing_column": ("缺少必填列", "required column missing"),
        "other_columns": (
            "与本表的第一个文件列不同（此处：{layout}；第一个文件：{first}）；同一表的各文件须有相同的列",
            "has other columns ({layout}) than the first file of this table ({first}); give "
            "every file of one table the same columns",
        ),
        "unreadable_row": ("无法读取此行：{error}", "cannot read the row: {error}"),
        "cells": (
            "有 {cells} 个单元格，而表头只有 {width} 列",
            "has {cells} cells; the header names {width}",
        ),
        "no_header": ("第 {column} 列没有表头", "column {column} has no header"),
        "same_key": ("与{where}的键相同而其他值不同", "{where} has the same key and other values"),
        "same_keys": (
            "与{where}的键（{names}）相同而其他值不同",
            "{where} has the same key ({names}) and other values",
        ),
    },
)


@attrs.define
class Gathered:
    """The rows of one table, from every sheet that holds it.

    ``columns`` is the layout of every row (the columns the files give, in the table's order);
    ``rows`` maps each key to its :data:`Entry`; ``partial`` holds what could be read of bad
    rows (``None`` for a bad cell); ``repeats`` counts rows that repeat a kept row exactly;
    ``sources`` names each sheet by number, with the unit of its row numbers; ``notes`` holds
    what the model noted about kept rows (see :data:`Note`)."""

    table: Table
    columns: tuple[str, ...] | None = None
    rows: dict[Any, Entry] = attrs.Factory(dict)
    partial: list[Entry] = attrs.Factory(list)
    repeats: int = 0
    sources: dict[int, tuple[str, str]] = attrs.Factory(dict)
    notes: list[Note] = attrs.Factory(list)

    def entries(self) -> Iterator[Entry]:
        """Every kept and every partial row."""
        return itertools.chain(self.rows.values(), self.partial)

    def where(self, entry: Entry) -> tuple[str, str, int]:
        """Source, unit and row number of ``entry``."""
        source, unit = self.sources[entry[0]]
        return source, unit, entry[1]


@attrs.frozen
class _Sheet:
    """One sheet, resolved against its table: the rule and cell position of each column."""

    sheet: Sheet
    number: int
    columns: tuple[str, ...]
    rules: dict[str, ColumnCheck]
    positions: list[int]
    blank: list[int]
    attendees_at: int | None


def gather(
    into: Gathered,
    sheet: Sheet,
    number: int,
    problems: Problems,
    *,
    people: Mapping[str, str],
    person_columns: Sequence[str],
    attendees: Gathered | None = None,
    tick: Tick | None = None,
) -> None:
    """Read ``sheet`` (sheet ``number`` of the import) into ``into``.

    ``people`` maps person ids of the file to the ids they stand for (people matched by
    national ID), in ``person_columns``. A JSON sessions sheet may list each session's
    attendees: they become rows of ``attendees``."""
    into.sources[number] = (sheet.source, sheet.unit)
    if sheet.mode == "json" and not sheet.headers:
        return  # an empty list: no rows, and no columns to check
    resolved = _resolve(into, sheet, number, problems)
    if resolved is None:
        for count, _ in enumerate(sheet.rows, start=1):
            if tick is not None and count % _TICK == 0:
                tick(_TICK)
        return
    _Reader(into, resolved, problems, people, person_columns, attendees).read(tick)


# -- headers --------------------------------------------------------------------------------


def _resolve(into: Gathered, sheet: Sheet, number: int, problems: Problems) -> _Sheet | None:
    """Match the headers to columns, reporting unknown, repeated and missing ones."""
    table = into.table
    names = HeaderMap(table)
    header_row = sheet.header_row

    def fail(field: str | None, reason: str) -> None:
        problems.add(Problem(sheet.source, table.name, header_row, field, None, reason))

    seen: dict[str, int] = {}
    blank = []
    for index, header in enumerate(sheet.headers):
        text = "" if header is None else str(header)
        name = names.resolve(text) if text.strip() else None
        if not text.strip():
            blank.append(index)
        elif name is None:
            hint = names.suggest(text)
            fail(None, _T("unknown_column", header=shown_in_both(text), hint=hint))
        elif name in seen:
            fail(name, _T("twice", first=seen[name] + 1, second=index + 1))
        elif name == ATTENDEES_FIELD and sheet.mode != "json":
            fail(name, _T("attendees_table"))
        else:
            seen[name] = index
    for column in table.columns:
        if column.required and column.name not in seen:
            fail(column.name, _T("missing_column"))
    layout = tuple(c for c in table.names if c in seen)
    if into.columns is None:
        into.columns = layout
    elif set(into.columns) != set(layout):
        reason = _T("other_columns", layout=", ".join(layout), first=", ".join(into.columns))
        fail(None, reason)
        return None
    rules = {name: column_check(table, name, sheet.mode) for name in seen}
    positions = [seen[name] for name in into.columns]
    attendees_at = seen.get(ATTENDEES_FIELD)
    return _Sheet(sheet, number, into.columns, rules, positions, blank, attendees_at)


# -- rows -----------------------------------------------------------------------------------


class _Reader:
    """Reads the rows of one resolved sheet into a :class:`Gathered`."""

    def __init__(
        self,
        into: Gathered,
        resolved: _Sheet,
        problems: Problems,
        people: Mapping[str, str],
        person_columns: Sequence[str],
        attendees: Gathered | None,
    ) -> None:
        self.into, self.at, self.problems = into, resolved, problems
        self.people = people
        columns = resolved.columns
        self.remap = [columns.index(c) for c in person_columns if c in columns] if people else []
        self.key = _key_getter(into.table, columns)
        self.whole = _whole_record(into.table)
        self.attendees = attendees if resolved.attendees_at is not None else None

    def fail(self, number: int, field: str | None, value: Any, reason: str) -> None:
        sheet = self.at.sheet
        self.problems.add(
            Problem(sheet.source, self.into.table.name, number, field, value, reason, sheet.unit)
        )

    def read(self, tick: Tick | None) -> None:
        """The hot loop: one ``map`` over the column rules per row; anything unusual (a bad
        cell, a short row, a person to remap) takes the careful path, which finds every
        problem of the row. Everything it needs is bound to locals: it runs a million times.
        A damaged file stops the reading with a problem."""
        at, into = self.at, self.into
        parsers = [at.rules[c].parse for c in at.columns]
        width, blank, sheet_number = len(at.sheet.headers), at.blank, at.number
        pick = _picker(at.positions, width)
        warned = [at.rules[c].warned for c in at.columns if at.rules[c].column.pii]
        call, key, rows, finish = operator.call, self.key, into.rows, self.finish
        plain = not (warned or self.remap or self.whole or self.attendees)
        count, number = 0, 1
        try:
            for count, (number, cells) in enumerate(at.sheet.rows, start=1):
                if tick is not None and count % _TICK == 0:
                    tick(_TICK)
                values: tuple[Any, ...] | None = None
                if len(cells) == width and not (blank and _filled_at(cells, blank)):
                    try:
                        values = tuple(map(call, parsers, cells if pick is None else pick(cells)))
                    except (CellError, TypeError):  # TypeError: a cell it cannot remember
                        values = None
                if values is not None and plain and key is not None:
                    entry = (sheet_number, number, values)
                    previous = rows.setdefault(key(values), entry)
                    if previous is not entry:
                        self.repeat(number, key(values), values, previous)
                else:
                    finish(number, cells, values)
        except ROW_ERRORS as exc:
            self.fail(number + 1, None, None, _T("unreadable_row", error=reason_of(exc)))
        if tick is not None:
            tick(count % _TICK)

    def finish(self, number: int, cells: Sequence[Any], values: tuple[Any, ...] | None) -> None:
        """Everything but the plainest rows: bad cells, warnings, remapped people, rules
        across fields, attendee lists."""
        good = values is not None
        if values is None:
            values, good = self.careful(number, cells)
            if values is None:
                return
        notes = [text for c in self.at.columns for text in self.at.rules[c].warned]
        for c in self.at.columns:
            self.at.rules[c].warned.clear()
        if self.remap:
            values = _remapped(values, self.remap, self.people)
        if good and self.whole:
            good = self.whole_record(number, values)
        if self.attendees is not None:
            self.add_attendees(number, cells, values)
        if not good or self.key is None:
            self.into.partial.append((self.at.number, number, values))
            return
        self.into.notes.extend((self.at.number, number, self.key(values), n) for n in notes)
        entry = (self.at.number, number, values)
        previous = self.into.rows.setdefault(self.key(values), entry)
        if previous is not entry:
            self.repeat(number, self.key(values), values, previous)

    def careful(self, number: int, cells: Sequence[Any]) -> tuple[tuple[Any, ...] | None, bool]:
        """The values of a row (``None`` for a bad cell) and whether all were good, after
        reporting each problem; ``(None, False)`` for a blank spreadsheet row, skipped."""
        at = self.at
        if at.sheet.mode != "json" and not any(_filled(c) for c in cells):
            return None, False
        width = len(at.sheet.headers)
        good = True
        if len(cells) > width and any(_filled(c) for c in cells[width:]):
            self.fail(number, None, None, _T("cells", cells=len(cells), width=width))
            good = False
        for index in at.blank:
            if index < len(cells) and _filled(cells[index]):
                self.fail(number, None, cells[index], _T("no_header", column=index + 1))
                good = False
        blank_cell = "" if at.sheet.mode in ("text", "guarded") else None
        padded = list(cells) + [blank_cell] * (width - len(cells))
        values: list[Any] = []
        for name, position in zip(at.columns, at.positions, strict=True):
            cell = padded[position]
            try:
                values.append(at.rules[name].check(cell))
            except CellError as exc:
                values.append(None)
                good = False
                shown = exc.shown if exc.shown is not None else cell_shown(name, cell)
                self.fail(number, name, shown, exc.reason)
        return tuple(values), good

    def whole_record(self, number: int, values: tuple[Any, ...]) -> bool:
        """Check the rules that span fields by building the model object."""
        model = self.into.table.model
        columns = self.at.columns
        try:
            from_dict(model, dict(zip(columns, values, strict=True)))  # type: ignore[arg-type]
        except (InvalidRecord, cattrs.BaseValidationError) as exc:
            for error in error_leaves(exc):
                field = getattr(error, "field", None)
                shown = values[columns.index(field)] if field in columns else None
                reason = error.reason if isinstance(error, InvalidRecord) else reason_of(error)
                self.fail(number, field, cell_shown(field or "", shown), reason)
            return False
        return True

    def add_attendees(self, number: int, cells: Sequence[Any], values: tuple[Any, ...]) -> None:
        """A JSON session's ``attendees`` list, as rows of session_attendees."""
        at, into = self.at, self.attendees
        if into is None or at.attendees_at is None:
            return
        cell = cells[at.attendees_at] if at.attendees_at < len(cells) else None
        try:
            people = at.rules[ATTENDEES_FIELD].check(cell)
        except CellError as exc:
            self.fail(number, ATTENDEES_FIELD, cell, exc.reason)
            return
        session = values[at.columns.index("id")]
        if people is None or session is None:
            return
        into.sources[at.number] = (at.sheet.source, at.sheet.unit)
        into.columns = ("session_id", "person_id")
        for person in sorted(people):
            row = (session, self.people.get(person, person))
            into.rows.setdefault(row, (at.number, number, row))

    def repeat(self, number: int, key: Any, values: tuple[Any, ...], previous: Entry) -> None:
        """A row whose key an earlier row has: fine when equal, a problem when not."""
        if previous[2] == values:
            self.into.repeats += 1
            return
        source, unit, row = self.into.where(previous)
        where = at_row(unit, row)
        if source != self.at.sheet.source:
            where = Text(f"{source} {where.en}", f"{source} {where.zh}")
        table = self.into.table
        if len(table.key) == 1:
            self.fail(number, table.key[0], key, _T("same_key", where=where))
        else:
            names = ", ".join(table.key)
            self.fail(number, None, key, _T("same_keys", where=where, names=names))


def _key_getter(table: Table, columns: tuple[str, ...]) -> Callable[[tuple[Any, ...]], Any] | None:
    """Gets a row's key (a value for one-column keys, else a tuple); ``None`` when the
    columns lack part of the key (a problem already reported)."""
    if not all(k in columns for k in table.key):
        return None
    return operator.itemgetter(*(columns.index(k) for k in table.key))


def _whole_record(table: Table) -> bool:
    """Whether the model has rules that span fields (``__attrs_post_init__``)."""
    return table.model is not None and "__attrs_post_init__" in vars(table.model)


def _picker(positions: list[int], width: int) -> Callable[[Sequence[Any]], Sequence[Any]] | None:
    """Picks a row's cells in layout order (unknown and blank columns left out); ``None``
    when the row is in layout order already."""
    if positions == list(range(width)):
        return None
    if not positions:  # no column of the table at all (already reported): nothing to pick
        return lambda cells: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda cells: (cells[only],)
    getter = operator.itemgetter(*positions)
    return lambda cells: getter(cells)


def _remapped(values: tuple[Any, ...], at: list[int], people: Mapping[str, str]) -> tuple[Any, ...]:
    row = list(values)
    for index in at:
        row[index] = people.get(row[index], row[index])
    return tuple(row)


def _filled_at(cells: Sequence[Any], indexes: list[int]) -> bool:
    return any(_filled(cells[i]) for i in indexes if i < len(cells))


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())
