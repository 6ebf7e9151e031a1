"""Where the engine's tables come from: a registry file, an in-memory registry, or records.

A source binds views named after the tables (``activities``, ``sessions``, ...) in a DuckDB
connection, so that the semantics, written once against those names, read whichever data it
is given. :meth:`Source.bind` returns a state: equal states mean equal data, which lets the
engine reuse what it computed for the same question.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from supervise.engine.columns import ENGINE_TABLES, arrow_of_rows, typed_select
from supervise.engine.copy import ColumnarCopy, tokens

__all__ = ["RegistryFile", "RegistryRows", "Source", "StaticRows"]


class Source(Protocol):
    """Something that can show tables to a DuckDB connection."""

    def bind(self, con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> tuple[Any, ...]:
        """Make the views ``tables`` show the current data; return a state of that data."""
        ...


class _Views:
    """The views a source has created in one connection, by table, with what each shows."""

    def __init__(self) -> None:
        self.shown: dict[str, Any] = {}

    def show_parquet(self, con: duckdb.DuckDBPyConnection, table: str, path: str) -> None:
        if self.shown.get(table) != path:
            literal = "'" + path.replace("'", "''") + "'"
            select = f"SELECT * FROM read_parquet({literal})"
            con.execute(f'CREATE OR REPLACE VIEW "{table}" AS {select}')
            self.shown[table] = path

    def show_arrow(
        self, con: duckdb.DuckDBPyConnection, table: str, state: Any, data: pa.Table
    ) -> None:
        if self.shown.get(table) != state:
            raw = f"raw_{table}"
            con.register(raw, data)
            select = typed_select(ENGINE_TABLES[table], f'"{raw}"')
            con.execute(f'CREATE OR REPLACE VIEW "{table}" AS {select}')
            self.shown[table] = state


class RegistryFile:
    """A registry file, read through its columnar copy (:mod:`supervise.engine.copy`)."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.copy = ColumnarCopy(path)
        self.views = _Views()

    def bind(self, con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> tuple[Any, ...]:
        files = self.copy.files(self.conn, tables)
        for table, path in files.items():
            self.views.show_parquet(con, table, path)
        return tuple(sorted(files.items()))


class RegistryRows:
    """An in-memory registry: its rows, read again for the tables whose token moved."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.views = _Views()

    def bind(self, con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> tuple[Any, ...]:
        current = tokens(self.conn)
        state = tuple(sorted((t, current.get(t)) for t in tables))
        for table in tables:
            token = current.get(table)
            if self.views.shown.get(table) != token:
                cursor = self.conn.execute(f'SELECT * FROM "{table}"')
                names = [d[0] for d in cursor.description]
                data = arrow_of_rows(ENGINE_TABLES[table], cursor, names)
                self.views.show_arrow(con, table, token, data)
        return state


class StaticRows:
    """Rows that never change (model objects from a notebook), by table, in the store's
    column order; tables not given are empty."""

    def __init__(self, rows: Mapping[str, Iterable[Sequence[Any]]]) -> None:
        self.rows = {name: list(values) for name, values in rows.items()}
        self.views = _Views()

    def bind(self, con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> tuple[Any, ...]:
        for table in tables:
            if table not in self.views.shown:
                names = ENGINE_TABLES[table].names
                data = arrow_of_rows(ENGINE_TABLES[table], self.rows.get(table, ()), names)
                self.views.show_arrow(con, table, "static", data)
        return ()
