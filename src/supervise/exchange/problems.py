"""What is wrong with an exchange file: one :class:`Problem` per bad header, cell or row.

A problem names where it is (the file, and for a table's rows the row number as a spreadsheet
user counts it: the header is row 1, the first data row is row 2; in JSON the 1-based index of
the item in its table's list), the field, the value (masked when it is personal data, cut
when long) and the reason, in Chinese or English. ``str(problem)`` is the English;
:meth:`Problem.message` takes the language.

>>> reason = Text("must be at most 24", "不能大于 24")
>>> problem = Problem("activities.csv", "activities", 17, "hours", "25", reason)
>>> print(problem)
activities.csv row 17: hours (学时): must be at most 24 (got '25')
>>> print(problem.message("zh"))
activities.csv 第 17 行：学时（hours）：不能大于 24（实际为 '25'）
>>> print(Problem("batch.json: people", "people", 3, "id", None, "required value missing", "item"))
batch.json: people item 3: id (人员编号): required value missing
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from supervise.errors import shown
from supervise.exchange.headers import label
from supervise.lang import Catalogue, Text, localize, resolve
from supervise.pii import MASKS
from supervise.tables import TABLES

__all__ = [
    "MAX_PROBLEMS",
    "Problem",
    "Problems",
    "at_row",
    "cell_shown",
    "error_leaves",
    "repeated_rows",
]

#: How many problems an import keeps and shows; the total is always counted.
MAX_PROBLEMS = 200
#: How much of a value the JSON report gives (the value is the file's own data).
VALUE_LIMIT = 200

_TABLE_ORDER = {name: n for n, name in enumerate(TABLES)}
_T = Catalogue(
    __name__,
    {
        "repeat": (
            "{table}：{count} 行与前面某行完全相同，只计一次",
            "{table}: {count} row repeated an earlier row exactly and counted once",
        ),
        "repeats": (
            "{table}：{count} 行与前面某行完全相同，只计一次",
            "{table}: {count} rows repeated an earlier row exactly and counted once",
        ),
        "row": ("第 {row} 行", "row {row}"),
        "item": ("第 {row} 项", "item {row}"),
        "got": ("（实际为 {value}）", " (got {value})"),
    },
)


def at_row(unit: str, row: int) -> Text:
    """``row 17`` / ``第 17 行`` (``item 3`` / ``第 3 项`` in JSON)."""
    return _T("item" if unit == "item" else "row", row=row)


@attrs.frozen
class Problem:
    """One problem: ``source`` (file, sheet or JSON table), ``table`` (``None`` for the file
    itself), ``row`` (``None`` for the file or sheet as a whole), ``field``, ``value`` (masked
    when personal data, ``None`` when there is no value to show), ``reason``, and ``unit``:
    ``row`` for CSV and XLSX rows, ``item`` for a JSON list index."""

    source: str
    table: str | None
    row: int | None
    field: str | None
    value: Any
    reason: str
    unit: str = "row"

    def __str__(self) -> str:
        return self.message("en")

    def message(self, lang: str | None = None) -> str:
        """The problem as a line, in ``lang`` (default: the language setting)."""
        chosen = resolve(lang)
        where = self.source
        if self.row is not None:
            where += " " + localize(at_row(self.unit, self.row), chosen)
        parts = [where]
        if self.field is not None:
            parts.append(label(self.table or "", self.field, chosen))
        reason = localize(self.reason, chosen)
        got = ""
        if not self._in_reason(reason):
            got = localize(_T("got", value=self._shown(chosen)), chosen)
        return ("：" if chosen == "zh" else ": ").join([*parts, reason]) + got

    def _shown(self, lang: str) -> str:
        if isinstance(self.value, Text):  # already as it should be shown (a summary)
            return localize(self.value, lang)
        return shown(self.value, lang)

    def _in_reason(self, reason: str) -> bool:
        """Whether the reason shows the value already (quoted, or masked)."""
        value = self.value
        if value is None or value == "":
            return True
        if isinstance(value, Text) or not isinstance(value, str):
            return False
        return repr(value) in reason or ("*" in value and value in reason)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The problem as JSON values, its ``reason`` and ``message`` in ``lang``; the
        ``value`` as text, cut after a few hundred characters."""
        chosen = resolve(lang)
        value = None if self.value is None else localize(self.value, chosen)
        if value is not None and len(value) > VALUE_LIMIT:
            value = value[:VALUE_LIMIT] + "…"
        return {
            **attrs.asdict(self),
            "reason": localize(self.reason, chosen),
            "value": value,
            "message": self.message(chosen),
        }

    def _order(self) -> tuple[int, str, int, int]:
        table = TABLES.get(self.table or "")
        column = table.names.index(self.field) if table and self.field in table.names else -1
        return (_TABLE_ORDER.get(self.table or "", -1), self.source, self.row or 0, column)


class Problems:
    """Collects problems (keeping up to ``cap`` per table, counting all of them) and the
    warnings met on the way (``warnings``, texts that name their row)."""

    def __init__(self, cap: int = MAX_PROBLEMS) -> None:
        self.cap = cap
        self.total = 0
        self.warnings: list[str] = []
        self._kept: dict[str | None, list[Problem]] = {}

    def warn(self, text: str) -> None:  # text: a Text in both languages, or plain
        """Record a warning: something accepted that a person may want to look at."""
        self.warnings.append(text)

    def add(self, problem: Problem) -> None:
        """Record ``problem``."""
        self.total += 1
        kept = self._kept.setdefault(problem.table, [])
        if len(kept) < self.cap:
            kept.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0

    def listed(self) -> list[Problem]:
        """The kept problems in table order (parents first), then file, row and column order;
        at most ``cap`` of them."""
        every = [p for kept in self._kept.values() for p in kept]
        return sorted(every, key=Problem._order)[: self.cap]


def cell_shown(column: str, cell: Any) -> Any:
    """A cell of ``column`` as problems show it: personal data masked."""
    mask = MASKS.get(column)
    if mask is None or cell is None:
        return cell
    return mask(str(cell).strip())


def error_leaves(error: BaseException) -> Iterator[BaseException]:
    """The errors in ``error``, exception groups opened (a record's validators may raise
    several at once, each a problem of its own)."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from error_leaves(inner)
    else:
        yield error


def repeated_rows(table: str, count: int) -> Text:
    """The warning for ``count`` rows of ``table`` that repeat an earlier row exactly (they
    are counted once)."""
    return _T("repeats" if count > 1 else "repeat", table=table, count=count)
