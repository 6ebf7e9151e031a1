"""The tables the semantics read, as typed columns: one definition for every way in.

Whatever the data comes from (a registry file through DuckDB's SQLite reader, an in-memory
registry's rows, or model objects built in a notebook), it reaches the engine as the raw
rows the store keeps (dates as ISO text, numbers as stored) and is typed by one projection,
:func:`typed_select`: dates become ``DATE``, kept-to-places numbers ``DECIMAL`` (so that sums
are exact), and personal data (national ID, phone) is left out: no answer needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from supervise.tables import TABLES, Column, Table

__all__ = ["ENGINE_TABLES", "arrow_of_rows", "engine_columns", "sql_type", "typed_select"]

#: Every table the engine can read, by name.
ENGINE_TABLES: Mapping[str, Table] = TABLES

_SQL_TYPES = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "real": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
}
_ARROW_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "real": pa.float64(),
    "date": pa.string(),  # ISO text, as stored; typed_select makes it a DATE
    "boolean": pa.bool_(),
}


def engine_columns(table: Table, personal: bool = False) -> tuple[Column, ...]:
    """The columns of ``table`` the engine keeps: all but personal data (unless
    ``personal``, for the one reader that needs it: matching people by national ID)."""
    return tuple(c for c in table.columns if personal or not c.pii)


def sql_type(column: Column) -> str:
    """The engine's SQL type of ``column``."""
    if column.places is not None:
        return f"DECIMAL(18, {column.places})"
    return _SQL_TYPES[column.kind]


def typed_select(table: Table, source: str, personal: bool = False) -> str:
    """``SELECT`` of ``table``'s engine columns (with ``personal``, personal data too) from
    ``source`` (a relation holding the raw stored columns), each cast to its engine type."""
    casts = ", ".join(
        f'CAST("{c.name}" AS {sql_type(c)}) AS "{c.name}"' for c in engine_columns(table, personal)
    )
    return f"SELECT {casts} FROM {source}"


def arrow_of_rows(
    table: Table, rows: Iterable[Sequence[Any]], names: Sequence[str], personal: bool = False
) -> pa.Table:
    """An Arrow table of raw stored rows (tuples in the order of ``names``), restricted to
    the engine columns (with ``personal``, personal data too), typed as the store keeps
    them (dates still ISO text)."""
    kept = engine_columns(table, personal)
    position = {name: n for n, name in enumerate(names)}
    columns: list[list[Any]] = [[] for _ in kept]
    index = [position[c.name] for c in kept]
    for row in rows:
        for values, n in zip(columns, index, strict=True):
            values.append(row[n])
    for column, values in zip(kept, columns, strict=True):
        if column.kind == "boolean":  # SQLite keeps 1 and 0, model objects True and False
            values[:] = [None if v is None else bool(v) for v in values]
    return pa.table(
        {c.name: pa.array(v, _ARROW_TYPES[c.kind]) for c, v in zip(kept, columns, strict=True)}
    )
