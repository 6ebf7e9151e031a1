"""What is wrong with an exchange file: one :class:`Problem` per bad header, cell or row.

A problem names where it is (the file, and for a table's rows the row number as a spreadsheet
user counts it: the header is row 1, the first data row is row 2; in JSON the 1-based index of
the item in its table's list), the field, the value (masked when it is personal data) and the
reason.

>>> print(Problem("activities.csv", "activities", 17, "hours", "25", "must be at most 24"))
activities.csv row 17: hours (学时): must be at most 24 (got '25')
>>> print(Problem("batch.json: people", "people", 3, "id", None, "required value missing", "item"))
batch.json: people item 3: id (人员编号): required value missing
"""

from __future__ import annotations

from typing import Any

import attrs

from supervise.exchange.headers import label
from supervise.tables import TABLES

__all__ = ["MAX_PROBLEMS", "Problem", "Problems"]

#: How many problems an import keeps and shows; the total is always counted.
MAX_PROBLEMS = 200

_TABLE_ORDER = {name: n for n, name in enumerate(TABLES)}


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
        where = self.source if self.row is None else f"{self.source} {self.unit} {self.row}"
        parts = [where]
        if self.field is not None:
            parts.append(label(self.table or "", self.field))
        got = "" if self._in_reason() else f" (got {self.value!r})"
        return f"{': '.join(parts)}: {self.reason}{got}"

    def _in_reason(self) -> bool:
        """Whether the reason shows the value already (quoted, or masked)."""
        value = self.value
        if value is None or value == "" or repr(value) in self.reason:
            return True
        return isinstance(value, str) and "*" in value and value in self.reason

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON values."""
        value = self.value if self.value is None else str(self.value)
        return {**attrs.asdict(self), "value": value, "message": str(self)}

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

    def warn(self, text: str) -> None:
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
