"""The tabular view of the model: one table per model class, one column per field.

This is the single description of columns that the store (SQLite), the exchange format
(``supervise/1``) and reports share. It is derived from the attrs classes, so a field added to
the model appears everywhere at once. :class:`PhaseSpec` is flattened (its
:class:`Requirements` become ``required_hours``, ``required_sessions``, ...) and a session's
attendees live in the separate ``session_attendees`` table.
"""

from __future__ import annotations

import types
from datetime import date
from typing import Any, Union, get_args, get_origin

import attrs

from supervise.model import MODELS, Requirements, Session, Vocabulary

__all__ = ["ATTENDEES", "TABLES", "Column", "Table", "model_field", "table_of"]

# Requirements field -> flat column name in the phases table.
REQUIREMENT_COLUMNS = {
    "hours": "required_hours",
    "sessions": "required_sessions",
    "min_session_minutes": "min_session_minutes",
    "days": "required_days",
    "deliverables": "required_deliverables",
    "pass_score": "pass_score",
    "max_group_sessions": "max_group_sessions",
}


@attrs.frozen
class Column:
    """One column: its English ``name`` and Chinese label ``zh``, its ``kind`` (``text``,
    ``integer``, ``real``, ``date``, ``boolean`` or ``list``), the :class:`Vocabulary` it
    draws from (if any), whether it is ``required``, whether it holds personal data
    (``pii``) and, for numbers kept to a fixed number of decimals, how many (``places``)."""

    name: str
    zh: str
    kind: str
    required: bool
    vocab: type[Vocabulary] | None = None
    pii: bool = False
    places: int | None = None


@attrs.frozen
class Table:
    """A table of the exchange format and the store: its name, model class, key, columns and
    Chinese label ``zh`` (what a workbook may call its sheet)."""

    name: str
    model: type[Any] | None
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    zh: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def _kind(tp: Any) -> tuple[str, type[Vocabulary] | None, bool]:
    """Column kind, vocabulary and optionality of a resolved field type."""
    optional = False
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        optional = len(args) < len(get_args(tp))
        (tp,) = args
    if isinstance(tp, type) and issubclass(tp, Vocabulary):
        return "text", tp, optional
    if get_origin(tp) is frozenset:
        return "list", None, optional
    kinds = {str: "text", int: "integer", float: "real", date: "date", bool: "boolean"}
    return kinds[tp], None, optional


def _columns(cls: type[Any]) -> list[Column]:
    columns = []
    for field in attrs.fields(attrs.resolve_types(cls)):
        if field.type is Requirements:
            columns.extend(_columns_of_requirements())
            continue
        kind, vocab, _ = _kind(field.type)
        required = field.default is attrs.NOTHING
        columns.append(
            Column(
                field.name,
                field.metadata["zh"],
                kind,
                required,
                vocab,
                field.metadata.get("pii", False),
                field.metadata.get("places"),
            )
        )
    return columns


def _columns_of_requirements() -> list[Column]:
    return [
        attrs.evolve(column, name=REQUIREMENT_COLUMNS[column.name])
        for column in _columns(Requirements)
    ]


#: Chinese label of each table, as the glossary names its records.
TABLE_LABELS = {
    "programs": "培养项目",
    "phases": "环节",
    "cohorts": "批次",
    "people": "人员",
    "enrollments": "学员",
    "mentors": "导师",
    "pairings": "师徒帮带",
    "activities": "学时记录",
    "sessions": "督导记录",
    "placements": "实习安排",
    "deliverables": "成果",
    "exemptions": "免修互认",
    "credentials": "职业资格",
    "continuing_education": "继续教育",
    "outcomes": "培养成效",
    "session_attendees": "督导参加人员",
}


def _table(cls: type[Any]) -> Table:
    columns = _columns(cls)
    if cls is Session:  # attendees are rows of their own table in SQL, CSV and XLSX
        columns = [c for c in columns if c.name != "attendees"]
    return Table(cls.__table__, cls, cls.__key__, tuple(columns), TABLE_LABELS[cls.__table__])


#: The session_attendees table: which people attended which session.
ATTENDEES = Table(
    "session_attendees",
    None,
    ("session_id", "person_id"),
    (
        Column("session_id", "督导记录编号", "text", True),
        Column("person_id", "人员编号", "text", True),
    ),
    TABLE_LABELS["session_attendees"],
)

#: Every table, parents before children (the order of writes), by name.
TABLES: dict[str, Table] = {t.name: t for t in [*map(_table, MODELS), ATTENDEES]}


def table_of(cls: type[Any]) -> Table:
    """The table that stores model class ``cls``."""
    return TABLES[cls.__table__]


def model_field(table: Table, name: str) -> attrs.Attribute[Any] | None:
    """The attrs field behind column ``name`` of ``table``: where its validator, converter and
    metadata live (``required_hours`` is :class:`Requirements`' ``hours``). ``None`` for the
    ``session_attendees`` table, which has no model class.

    >>> model_field(TABLES["phases"], "required_hours").metadata["zh"]
    '要求学时'
    """
    if table.model is None:
        return None
    flat = {column: field for field, column in REQUIREMENT_COLUMNS.items()}
    if table.model.__table__ == "phases" and name in flat:
        return attrs.fields_dict(Requirements)[flat[name]]
    return attrs.fields_dict(table.model)[name]
