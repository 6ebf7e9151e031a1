"""Table and column names as offices write them: English names or Chinese labels.

A header matches a column when both are equal after Unicode NFKC normalisation (full-width
brackets and letters become their ASCII forms), trimming and case folding, so
``督导最短时长(分钟)`` finds ``督导最短时长（分钟）`` and ``Hours`` finds ``hours``. Table names
(CSV file names, sheet names, JSON keys) match the same way against the table names and their
Chinese labels in :mod:`supervise.tables`.

>>> table_named("学时记录"), table_named("Activities.")
('activities', None)
>>> columns = HeaderMap(TABLES["phases"])
>>> columns.resolve("督导最短时长(分钟)"), columns.resolve(" Weight ")
('min_session_minutes', 'weight')
>>> columns.suggest("requried_hours")
'did you mean required_hours (要求学时)?'
"""

from __future__ import annotations

import difflib
import unicodedata

import attrs

from supervise.lang import Catalogue, Text
from supervise.model import Session
from supervise.tables import TABLES, Table

__all__ = ["ATTENDEES_FIELD", "ATTENDEES_LABEL", "HeaderMap", "label", "normalise", "table_named"]

#: The sessions field that JSON carries as a list (CSV and XLSX use session_attendees rows).
ATTENDEES_FIELD = "attendees"
#: Its Chinese label.
ATTENDEES_LABEL: str = attrs.fields(Session).attendees.metadata["zh"]


_T = Catalogue(
    __name__,
    {
        "did_you_mean": ("是不是 {column}？", "did you mean {column}?"),
        "expected": ("可用的列：{columns}", "expected one of {columns}"),
    },
)


def normalise(text: str) -> str:
    """The form in which names are compared: NFKC, stripped, case-folded."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


_TABLE_NAMES = {
    normalise(name): table.name for table in TABLES.values() for name in (table.name, table.zh)
}


def table_named(text: str) -> str | None:
    """The table that ``text`` names (English or Chinese), or ``None``."""
    return _TABLE_NAMES.get(normalise(text))


def label(table: str, column: str, lang: str = "en") -> str:
    """How messages name a column, in both languages: ``hours (学时)``, or in Chinese
    ``学时（hours）``."""
    known = TABLES.get(table)
    zh = None
    if known is not None and column in known.names:
        zh = known.column(column).zh
    elif table == "sessions" and column == ATTENDEES_FIELD:
        zh = ATTENDEES_LABEL
    if zh is None:
        return column
    return f"{zh}（{column}）" if lang == "zh" else f"{column} ({zh})"


class HeaderMap:
    """Resolves the headers of one table to its column names."""

    def __init__(self, table: Table) -> None:
        self.table = table
        names = {normalise(c.name): c.name for c in table.columns}
        names.update({normalise(c.zh): c.name for c in table.columns})
        if table.name == "sessions":
            names[normalise(ATTENDEES_FIELD)] = names[normalise(ATTENDEES_LABEL)] = ATTENDEES_FIELD
        self._names = names

    def resolve(self, header: str) -> str | None:
        """The column ``header`` names, or ``None`` when it names none of this table's."""
        return self._names.get(normalise(header))

    def suggest(self, header: str) -> Text:
        """A hint for an unknown header: the closest column, or the list of columns."""
        close = difflib.get_close_matches(normalise(header[:200]), self._names, n=1, cutoff=0.6)
        table = self.table.name
        if close:
            name = self._names[close[0]]
            column = Text(label(table, name), label(table, name, "zh"))
            return _T("did_you_mean", column=column)
        en = ", ".join(label(table, c.name) for c in self.table.columns)
        zh = "、".join(label(table, c.name, "zh") for c in self.table.columns)
        return _T("expected", columns=Text(en, zh))
