"""Read the sheets of one table into checked rows, keyed for upserts: the hot path of imports.

Each cell passes its column's rule (the model's field rules, see
:mod:`~supervise.exchange.rules`); a row whose cells all pass becomes a tuple of stored values.
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
from supervise.errors import InvalidRecord
from supervise.exchange.cells import CellError
from supervise.exchange.headers import ATTENDEES_FIELD, HeaderMap
from supervise.exchange.problems import Problem, Problems
from supervise.exchange.read import ROW_ERRORS, Sheet
from supervise.exchange.rules import Rule, column_rule
from supervise.pii import MASKS
from supervise.tables import Table

__all__ = ["Entry", "Gathered", "gather"]

#: A row: (sheet number, row number, stored values in the layout of its table).
Entry = tuple[int, int, tuple[Any, ...]]
#: Called with the number of rows read since the last call.
Tick = Callable[[int], None]

_TICK = 8192  # rows between progress reports


@attrs.define
class Gathered:
    """The rows of one table, from every sheet that holds it.

    ``columns`` is the layout of every row (the columns the files give, in the table's order);
    ``rows`` maps each key to its :data:`Entry`; ``partial`` holds what could be read of bad
    rows (``None`` for a bad cell); ``repeats`` counts rows that repeat a kept row exactly;
    ``sources`` names each sheet by number, with the unit of its row numbers."""

    table: Table
    columns: tuple[str, ...] | None = None
    rows: dict[Any, Entry] = attrs.Factory(dict)
    partial: list[Entry] = attrs.Factory(list)
    repeats: int = 0
    sources: dict[int, tuple[str, str]] = attrs.Factory(dict)

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
    rules: dict[str, Rule]
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
            fail(None, f"unknown column {text!r}; {names.suggest(text)}")
        elif name in seen:
            fail(name, f"appears twice, in columns {seen[name] + 1} and {index + 1}")
        elif name == ATTENDEES_FIELD and sheet.mode != "json":
            fail(name, "list attendees in the session_attendees table, a row per person")
        else:
            seen[name] = index
    for column in table.columns:
        if column.required and column.name not in seen:
            fail(column.name, "required column missing")
    layout = tuple(c for c in table.names if c in seen)
    if into.columns is None:
        into.columns = layout
    elif set(into.columns) != set(layout):
        fail(
            None,
            f"has other columns ({', '.join(layout)}) than the first file of this table "
            f"({', '.join(into.columns)}); give every file of one table the same columns",
        )
        return None
    rules = {name: column_rule(table, name, sheet.mode) for name in seen}
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
            self.fail(number + 1, None, None, f"cannot read the row: {exc}")
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
        for texts in (self.at.rules[c].warned for c in self.at.columns):
            if texts:
                self.note_warnings(number, texts)
        if self.remap:
            values = _remapped(values, self.remap, self.people)
        if good and self.whole:
            good = self.whole_record(number, values)
        if self.attendees is not None:
            self.add_attendees(number, cells, values)
        if not good or self.key is None:
            self.into.partial.append((self.at.number, number, values))
            return
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
            self.fail(number, None, None, f"has {len(cells)} cells; the header names {width}")
            good = False
        for index in at.blank:
            if index < len(cells) and _filled(cells[index]):
                self.fail(number, None, cells[index], f"column {index + 1} has no header")
                good = False
        padded = list(cells) + ["" if at.sheet.mode == "text" else None] * (width - len(cells))
        values: list[Any] = []
        for name, position in zip(at.columns, at.positions, strict=True):
            cell = padded[position]
            try:
                values.append(at.rules[name].check(cell))
            except CellError as exc:
                values.append(None)
                good = False
                masked = name in MASKS and exc.shown is not None
                self.fail(number, name, exc.shown if masked else _shown(name, cell), str(exc))
        return tuple(values), good

    def note_warnings(self, number: int, texts: list[str]) -> None:
        where = f"{self.at.sheet.source} {self.at.sheet.unit} {number}"
        self.problems.warnings.extend(f"{where}: {text}" for text in texts)
        texts.clear()

    def whole_record(self, number: int, values: tuple[Any, ...]) -> bool:
        """Check the rules that span fields by building the model object."""
        model = self.into.table.model
        columns = self.at.columns
        try:
            from_dict(model, dict(zip(columns, values, strict=True)))  # type: ignore[arg-type]
        except (InvalidRecord, cattrs.BaseValidationError) as exc:
            for error in _leaves(exc):
                field = getattr(error, "field", None)
                shown = values[columns.index(field)] if field in columns else None
                reason = error.reason if isinstance(error, InvalidRecord) else str(error)
                self.fail(number, field, _shown(field or "", shown), reason)
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
            self.fail(number, ATTENDEES_FIELD, cell, str(exc))
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
        where = f"{unit} {row}" if source == self.at.sheet.source else f"{source} {unit} {row}"
        table = self.into.table
        if len(table.key) == 1:
            self.fail(number, table.key[0], key, f"{where} has the same key and other values")
        else:
            names = ", ".join(table.key)
            self.fail(number, None, key, f"{where} has the same key ({names}) and other values")


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


def _shown(column: str, cell: Any) -> Any:
    """A cell as messages show it: personal data masked."""
    mask = MASKS.get(column)
    if mask is None or cell is None:
        return cell
    return mask(str(cell).strip())


def _leaves(error: BaseException) -> Iterator[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _leaves(inner)
    else:
        yield error
