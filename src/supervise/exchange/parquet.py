"""``supervise/1`` as Parquet: a folder with one typed file per table.

``supervise export --format parquet`` writes ``<table>.parquet`` for every table
(``session_attendees.parquet`` included), its columns typed as the columnar engine reads them:
text as strings, whole numbers as 64-bit integers, numbers as doubles, numbers kept to a fixed
number of places (activity hours) as ``DECIMAL(18, 6)``, dates as ``DATE``. Each file's
key-value metadata says what it holds:

===========================  ===============================================================
``supervise.format``         ``supervise/1``
``supervise.table``          the table's name
``supervise.schema``         the table as JSON: label, key, and per column its name, Chinese
                             label, kind, Parquet type and whether it is required
``supervise.exported_at``    when (ISO 8601), and ``supervise.source``: what wrote it
``supervise.national_id``    people only: ``plain``, ``masked``, or ``hmac-sha256 <key id>``
                             for pseudonyms (:mod:`supervise.pseudonym`)
===========================  ===============================================================

Files are read two ways: by ``supervise import`` (:func:`sheets`: rows pass the same
cell-by-cell checks as every other format) and in place by DuckDB for a national roll-up
(:mod:`supervise.national`). Both judge a file's columns with :func:`file_columns`, so a
column of the wrong type or name is reported the same way by both.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from supervise.exchange.headers import ATTENDEES_FIELD, HeaderMap, table_named
from supervise.exchange.problems import Problem, Problems
from supervise.exchange.read import FORMAT, Sheet
from supervise.tables import TABLES, Column, Table

__all__ = [
    "SUFFIX",
    "FileColumns",
    "ParquetTable",
    "Rows",
    "arrow_type",
    "file_columns",
    "file_metadata",
    "is_parquet_folder",
    "json_cell",
    "metadata",
    "one_line",
    "parquet_files",
    "pseudonymised",
    "read_file",
    "sheets",
    "write",
]

#: The suffix of a Parquet file.
SUFFIX = ".parquet"
#: Metadata keys (bytes, as Parquet keeps them).
FORMAT_KEY = b"supervise.format"
TABLE_KEY = b"supervise.table"
SCHEMA_KEY = b"supervise.schema"
NATIONAL_ID_KEY = b"supervise.national_id"
_ROWS_PER_BATCH = 100_000

_ARROW = {"text": pa.string(), "integer": pa.int64(), "real": pa.float64(), "date": pa.date32()}
_WANTED = {
    "text": "text (a string column)",
    "integer": "whole numbers (an integer column)",
    "real": "numbers (an integer, floating-point or decimal column)",
    "date": "dates (a date column, or text such as 2024-07-01)",
}


def arrow_type(column: Column) -> pa.DataType:
    """The Parquet (Arrow) type a column is written as."""
    if column.places is not None:
        return pa.decimal128(18, column.places)
    return _ARROW[column.kind]


def _accepts(column: Column, kind: pa.DataType) -> bool:
    """Whether a file's column of type ``kind`` can hold ``column``'s values."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    text = bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))
    if column.kind == "text":
        return text
    if column.kind == "integer":
        return bool(pa.types.is_integer(kind))
    if column.kind == "real":
        return bool(
            pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
        )
    return bool(pa.types.is_date(kind)) or text  # dates


# -- writing --------------------------------------------------------------------------------


class Rows(Protocol):
    """What :func:`write` reads: each table's stored rows (personal data already masked or
    pseudonymised as asked) in key order."""

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        """The rows of ``table``, in its column order."""
        ...


def metadata(
    table: Table, exported_at: str, source: str | None, national_id: str | None
) -> dict[bytes, bytes]:
    """The key-value metadata of ``table``'s file."""
    schema = {
        "table": table.name,
        "zh": table.zh,
        "key": list(table.key),
        "columns": [
            {
                "name": c.name,
                "zh": c.zh,
                "kind": c.kind,
                "type": str(arrow_type(c)),
                "required": c.required,
            }
            for c in table.columns
        ],
    }
    found = {
        FORMAT_KEY: FORMAT.encode(),
        TABLE_KEY: table.name.encode(),
        SCHEMA_KEY: json.dumps(schema, ensure_ascii=False).encode(),
        b"supervise.exported_at": exported_at.encode(),
        b"supervise.source": (source or "").encode(),
    }
    if national_id is not None and "national_id" in table.names:
        found[NATIONAL_ID_KEY] = national_id.encode()
    return found


def write(folder: Path, tables: Rows, source: str | None, national_id: str) -> dict[str, int]:
    """Write every table into ``folder`` (created when missing), one file each, written
    aside and moved into place whole; returns the rows written per table. ``national_id``
    says how the people's numbers are written (``plain``, ``masked`` or the pseudonyms'
    scheme and key id)."""
    folder.mkdir(parents=True, exist_ok=True)
    exported_at = datetime.now(UTC).isoformat(timespec="seconds")
    written: dict[str, int] = {}
    for table in TABLES.values():
        schema = pa.schema(
            [pa.field(c.name, arrow_type(c), nullable=not c.required) for c in table.columns],
            metadata=metadata(table, exported_at, source, national_id),
        )
        path = folder / f"{table.name}{SUFFIX}"
        partial = path.with_name(path.name + ".partial")
        count = 0
        try:
            with pq.ParquetWriter(partial, schema, compression="zstd") as out:
                for batch in _batches(table, tables.rows(table), schema):
                    out.write_batch(batch)
                    count += batch.num_rows
            partial.replace(path)
        finally:
            if partial.exists():
                partial.unlink()
        written[table.name] = count
    return written


def _batches(
    table: Table, rows: Iterable[tuple[Any, ...]], schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    """Stored rows (dates as ISO text) as typed record batches."""
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _ROWS_PER_BATCH:
            yield _batch(table, batch, schema)
            batch = []
    if batch:
        yield _batch(table, batch, schema)


def _batch(table: Table, rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.RecordBatch:
    arrays = []
    for n, column in enumerate(table.columns):
        values = [row[n] for row in rows]
        if column.kind == "date":
            arrays.append(pa.array(values, pa.string()).cast(pa.date32()))
        elif column.places is not None:
            arrays.append(pa.array(values, pa.float64()).cast(arrow_type(column)))
        else:
            arrays.append(pa.array(values, arrow_type(column)))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# -- reading --------------------------------------------------------------------------------


class FileColumns(NamedTuple):
    """What a file's columns mean: ``names`` maps each table column the file holds to the
    file's own name for it (English or Chinese), ``types`` gives its Arrow type."""

    names: dict[str, str]
    types: dict[str, pa.DataType]


def is_parquet_folder(path: Path) -> bool:
    """Whether ``path`` is a folder holding Parquet files."""
    return path.is_dir() and any(p.suffix.lower() == SUFFIX for p in path.iterdir())


def parquet_files(folder: Path) -> list[Path]:
    """The Parquet files of a folder, by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == SUFFIX and p.is_file())


def file_columns(
    table: Table, schema: pa.Schema, source: str, problems: Problems
) -> FileColumns | None:
    """Resolve the columns of a file of ``table`` (whose Arrow schema is ``schema``); every
    unknown, repeated, missing or mistyped column is a problem, and then ``None``."""
    headers = HeaderMap(table)
    before = problems.total

    def fail(field: str | None, reason: str) -> None:
        problems.add(Problem(source, table.name, None, field, None, reason))

    names: dict[str, str] = {}
    types: dict[str, pa.DataType] = {}
    for position, field in enumerate(schema, start=1):
        name = headers.resolve(field.name)
        if name is None:
            fail(None, f"unknown column {field.name!r}; {headers.suggest(field.name)}")
        elif name in names:
            first = schema.get_field_index(names[name]) + 1
            fail(name, f"appears twice, in columns {first} and {position}")
        elif name == ATTENDEES_FIELD:
            fail(name, f"list attendees in session_attendees{SUFFIX}, a row per person")
        else:
            column = table.column(name)
            if not _accepts(column, field.type):
                fail(name, f"has type {field.type}; expected {_WANTED[column.kind]}")
            names[name], types[name] = field.name, field.type
    for column in table.columns:
        if column.required and column.name not in names:
            fail(column.name, "required column missing")
    return None if problems.total > before else FileColumns(names, types)


def file_metadata(
    schema: pa.Schema, source: str, table: Table, problems: Problems
) -> dict[bytes, bytes]:
    """The metadata of a file of ``table`` (whose Arrow schema is ``schema``); a format other
    than ``supervise/1`` or another table's name is a problem."""
    found = dict(schema.metadata or {})
    fmt = found.get(FORMAT_KEY)
    if fmt is not None and fmt != FORMAT.encode():
        reason = f"'supervise.format' must be {FORMAT!r}, not {fmt.decode(errors='replace')!r}"
        problems.add(Problem(source, table.name, None, None, None, reason))
    named = found.get(TABLE_KEY)
    if named is not None and table_named(named.decode(errors="replace")) != table.name:
        reason = f"its metadata names table {named.decode(errors='replace')!r}, not {table.name!r}"
        problems.add(Problem(source, table.name, None, None, None, reason))
    return found


def pseudonymised(found: Mapping[bytes, bytes]) -> str | None:
    """The scheme and key id of a people file's pseudonyms, or ``None`` for numbers."""
    note = found.get(NATIONAL_ID_KEY, b"").decode(errors="replace")
    return note if note.startswith("hmac-") else None


class ParquetTable(NamedTuple):
    """One Parquet file, as far as it could be read: its ``table`` (``None`` when its name
    names none), its ``columns`` (``None`` when they have problems, already reported), its
    key-value ``metadata`` and how many ``rows`` it holds."""

    path: Path
    source: str
    table: Table | None
    columns: FileColumns | None
    metadata: dict[bytes, bytes]
    rows: int


def read_file(
    path: Path, source: str, problems: Problems, *, pseudonyms: bool = False
) -> ParquetTable | None:
    """Open the Parquet file at ``path`` (``source`` in messages) and judge its metadata and
    columns; ``None`` when it cannot be read (a problem). National IDs written as pseudonyms
    are a problem unless ``pseudonyms`` (only a national roll-up can use them)."""
    name = table_named(path.stem)
    try:
        reader = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        reason = f"cannot read the Parquet file: {one_line(exc)}"
        problems.add(Problem(source, name, None, None, None, reason))
        return None
    if name is None:
        return ParquetTable(path, source, None, None, {}, reader.metadata.num_rows)
    table = TABLES[name]
    before = problems.total
    found = file_metadata(reader.schema_arrow, source, table, problems)
    scheme = pseudonymised(found)
    if scheme is not None and not pseudonyms:
        reason = (
            f"national IDs in this file are pseudonyms ({scheme}) for a national roll-up; "
            "a registry needs the numbers: export with --include-pii to import"
        )
        problems.add(Problem(source, name, None, "national_id", None, reason))
    columns = file_columns(table, reader.schema_arrow, source, problems)
    good = columns if problems.total == before else None
    return ParquetTable(path, source, table, good, found, reader.metadata.num_rows)


def sheets(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    """The sheets of a Parquet folder or file, for an import: typed cells read as a JSON
    document's are (dates as ISO text), row numbers counting from 1."""
    found = []
    for file in parquet_files(path) if path.is_dir() else [path]:
        read = read_file(file, file.name, problems)
        if read is None:
            continue
        if read.table is None:  # the import reports the unknown table, and lists the known ones
            found.append(Sheet(file.stem, file.name, "json", "row", (), iter(()), 0))
        elif read.columns is not None:
            headers = tuple(read.columns.names.values())
            rows = _rows(pq.ParquetFile(file), headers)
            stack.callback(rows.close)
            found.append(Sheet(file.stem, file.name, "json", "row", headers, rows, read.rows))
    return found


def _rows(reader: pq.ParquetFile, headers: Sequence[str]) -> Generator[tuple[int, list[Any]]]:
    number = 0
    batches = reader.iter_batches(batch_size=65_536, columns=list(headers))
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:
            # A damaged page: reported as a row that cannot be read (what the import does
            # for a damaged CSV), and the file is read no further.
            raise csv.Error(f"cannot read the Parquet file: {one_line(exc)}") from None
        if batch is None:
            return
        columns = [[json_cell(v) for v in column.to_pylist()] for column in batch.columns]
        for cells in zip(*columns, strict=True):
            number += 1
            yield number, list(cells)


def one_line(error: BaseException) -> str:
    """An error's message on one line (pyarrow's run over several)."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


def json_cell(value: Any) -> Any:
    """A Parquet value as a JSON document gives it (dates as ISO text, decimals as floats):
    how an import, and a roll-up's checks, hand Parquet cells to the model's rules."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
