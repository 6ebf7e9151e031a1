"""The engine's tables over many provinces: each the union of the provinces' own.

:class:`ProvincesSource` is a source of :mod:`supervise.engine` like a registry's: it binds
the views ``people``, ``activities``, ... that the one definition of the semantics reads, so
:mod:`supervise.engine.progress`, :mod:`~supervise.engine.eligibility` and
:mod:`~supervise.engine.structure` answer over many provinces unchanged. Each view is the
``UNION ALL`` of the provinces' tables with every id made unique nationally
(``ningxia:t2024-08``: province label, colon, the province's own id) and every person mapped
to the one id of the person when matched across provinces (:mod:`~supervise.national.matching`):

- an id column is a table's ``id`` or a column whose foreign key leads to one (read from the
  schema, so a column added to the model with its foreign key is qualified too);
- a person column (one leading to ``people.id``) is mapped through
  :data:`~supervise.national.matching.MAP`;
- ``people`` holds each person once: rows mapped to another are left out.

Nothing is copied: the views read the provinces' Parquet files (or, for other formats, their
rows in memory) whenever a question runs, and DuckDB streams them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Protocol

import duckdb

from supervise.engine.columns import engine_columns
from supervise.national.matching import MAP
from supervise.national.parquet import quoted
from supervise.store.sql import references
from supervise.tables import TABLES, Table

__all__ = ["ProvincesSource", "id_columns", "person_columns"]


class Part(Protocol):
    """Rows of some provinces: ``select(table)`` gives the stored columns of ``table`` with
    each row's province (``_p``) and the prefix its ids take (``_prefix``)."""

    def select(self, table: Table) -> str: ...


@functools.cache
def _closure(start: frozenset[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """``start`` and every column whose foreign key leads, in steps, to one of them."""
    from supervise.store import Store

    with Store() as store:
        refs = references(store.conn)
    found = set(start)
    grew = True
    while grew:
        grew = False
        for table, table_refs in refs.items():
            for ref in table_refs:
                for column, parent in zip(ref.columns, ref.parent_columns, strict=True):
                    if (ref.parent, parent) in found and (table, column) not in found:
                        found.add((table, column))
                        grew = True
    return frozenset(found)


def id_columns() -> frozenset[tuple[str, str]]:
    """(table, column) of every id: each table's ``id`` and what refers to one."""
    return _closure(frozenset((t.name, "id") for t in TABLES.values() if "id" in t.names))


def person_columns() -> frozenset[tuple[str, str]]:
    """(table, column) of every person id: ``people.id`` and what refers to it."""
    return _closure(frozenset({("people", "id")}))


class ProvincesSource:
    """The union of the provinces' tables (held by ``parts``), ids qualified, people
    matched."""

    def __init__(self) -> None:
        self.parts: Sequence[Part] = ()
        self._shown: set[str] = set()

    def show(self, parts: Sequence[Part]) -> None:
        """Answer over ``parts`` (once they are open and checked)."""
        self.parts = parts

    def bind(self, con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> tuple[Any, ...]:
        for name in tables:
            if name not in self._shown:
                table = TABLES[name]
                union = "\nUNION ALL ".join(_select(part, table) for part in self.parts)
                con.execute(f"CREATE OR REPLACE VIEW {quoted(name)} AS {union}")
                self._shown.add(name)
        return ()  # the files do not change while they are open


def _select(part: Part, table: Table) -> str:
    """``table``'s engine columns from ``part``: ids qualified, people mapped."""
    ids, people = id_columns(), person_columns()
    joins: list[str] = []
    cells: list[str] = []
    for column in engine_columns(table):
        c = f"t.{quoted(column.name)}"
        where = (table.name, column.name)
        if where in people and table.name != "people":
            alias = f"m{len(joins)}"
            joins.append(f"LEFT JOIN {MAP} {alias} ON {alias}.province = t._p AND {alias}.id = {c}")
            c = f"coalesce({alias}.canonical, t._prefix || {c})"
        elif where in ids:
            c = f"t._prefix || {c}"
        cells.append(f"{c} AS {quoted(column.name)}")
    select = f"SELECT {', '.join(cells)} FROM ({part.select(table)}) t {' '.join(joins)}"
    if table.name == "people":  # each person once: rows matched to another are left out
        select += (
            f" WHERE NOT EXISTS (SELECT 1 FROM {MAP} m WHERE m.province = t._p AND m.id = t.id)"
        )
    return select
