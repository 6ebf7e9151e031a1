"""``supervise/1`` as Parquet: a folder with one typed file per table.

``supervise export --format parquet`` writes ``<table>.parquet`` for every table
(``session_attendees.parquet`` included), its columns typed as the columnar engine reads them:
text as strings, whole numbers as 64-bit integers, numbers as doubles, numbers kept to a fixed
number of places (activity hours) as ``DECIMAL(18, 6)``, dates as ``DATE``, flags as
booleans; and a ``manifest.json`` as a CSV folder's (:mod:`~supervise.exchange.manifest`:
each file's table, rows and SHA-256, ``complete`` only once every file is written). Each
file's key-value metadata says what it holds:

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
(:mod:`supervise.national`). Both find a folder's files with :func:`folder_files` (symbolic
links refused, the manifest checked when there is one) and judge a file's columns with
:func:`file_columns`, so a folder cut short or a column of the wrong type or name is
reported the same way by both.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from supervise.errors import printable, reason_of, shown_in_both
from supervise.exchange import manifest
from supervise.exchange.headers import ATTENDEES_FIELD, HeaderMap, table_named
from supervise.exchange.problems import Problem, Problems
from supervise.exchange.read import FORMAT, Sheet
from supervise.lang import Catalogue, Text
from supervise.tables import TABLES, Column, Table

__all__ = [
    "SUFFIX",
    "FileColumns",
    "ParquetTable",
    "arrow_type",
    "file_columns",
    "file_metadata",
    "folder_files",
    "is_parquet_folder",
    "json_cell",
    "metadata",
    "one_line",
    "parquet_files",
    "pseudonymised",
    "read_file",
    "sheets",
    "unreadable",
    "write_table",
]

#: The suffix of a Parquet file.
SUFFIX = ".parquet"
#: Metadata keys (bytes, as Parquet keeps them).
FORMAT_KEY = b"supervise.format"
TABLE_KEY = b"supervise.table"
SCHEMA_KEY = b"supervise.schema"
NATIONAL_ID_KEY = b"supervise.national_id"
_ROWS_PER_BATCH = 100_000

_ARROW = {
    "text": pa.string(),
    "integer": pa.int64(),
    "real": pa.float64(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
}
_T = Catalogue(
    __name__,
    {
        "want_text": ("文本（字符串列）", "text (a string column)"),
        "want_integer": ("整数（整数列）", "whole numbers (an integer column)"),
        "want_real": (
            "数值（整数、浮点数或小数列）",
            "numbers (an integer, floating-point or decimal column)",
        ),
        "want_date": (
            "日期（日期列，或 2024-07-01 这样的文本）",
            "dates (a date column, or text such as 2024-07-01)",
        ),
        "want_boolean": ("是/否（布尔列）", "true or false (a boolean column)"),
        "unknown_column": ("未知的列 {column}；{hint}", "unknown column {column}; {hint}"),
        "twice": (
            "出现了两次：第 {first} 列和第 {second} 列",
            "appears twice, in columns {first} and {second}",
        ),
        "attendees": (
            "请在 session_attendees{suffix} 中列出参加人员，每人一行",
            "list attendees in session_attendees{suffix}, a row per person",
        ),
        "wrong_type": ("类型为 {kind}；需要{wanted}", "has type {kind}; expected {wanted}"),
        "missing_column": ("缺少必填列", "required column missing"),
        "format": (
            "'supervise.format' 必须是 {expected}，而不是 {got}",
            "'supervise.format' must be {expected}, not {got}",
        ),
        "other_table": (
            "其元数据指明的表是 {named}，而不是 {table}",
            "its metadata names table {named}, not {table}",
        ),
        "unreadable": ("无法读取 Parquet 文件：{error}", "cannot read the Parquet file: {error}"),
        "pseudonyms": (
            "此文件中的身份证号是供全国汇总用的假名（{scheme}）；登记库需要号码本身："
            "导入请用 --include-pii 导出",
            "national IDs in this file are pseudonyms ({scheme}) for a national roll-up; a "
            "registry needs the numbers: export with --include-pii to import",
        ),
        "symlink": (
            "是符号链接，不会被跟随读取：请把文件本身复制到文件夹中",
            "is a symbolic link, which is not followed: copy the file itself into the folder",
        ),
    },
)


def _wanted(column: Column) -> Text:
    return _T(f"want_{column.kind}")


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
    if column.kind == "boolean":
        return bool(pa.types.is_boolean(kind))
    if column.kind == "integer":
        return bool(pa.types.is_integer(kind))
    if column.kind == "real":
        return bool(
            pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
        )
    return bool(pa.types.is_date(kind)) or text  # dates


# -- writing --------------------------------------------------------------------------------


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


def write_table(
    out: IO[bytes],
    table: Table,
    rows: Iterable[tuple[Any, ...]],
    exported_at: str,
    source: str | None,
    national_id: str,
) -> int:
    """Write ``table``'s stored ``rows`` (in key order, personal data already masked or
    pseudonymised as asked) as a Parquet file to ``out``; returns the rows written.
    ``national_id`` says how the people's numbers are written (``plain``, ``masked`` or the
    pseudonyms' scheme and key check). The export writes each file into a folder of its own
    and moves the folder into place whole (:mod:`~supervise.exchange.write`)."""
    schema = pa.schema(
        [pa.field(c.name, arrow_type(c), nullable=not c.required) for c in table.columns],
        metadata=metadata(table, exported_at, source, national_id),
    )
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in _batches(table, rows, schema):
            writer.write_batch(batch)
            count += batch.num_rows
    return count


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
        elif column.kind == "boolean":  # SQLite keeps true and false as 1 and 0
            arrays.append(pa.array([None if v is None else bool(v) for v in values], pa.bool_()))
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
    """The Parquet files of a folder, by name (symbolic links too: see
    :func:`folder_files`)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() == SUFFIX and (p.is_file() or p.is_symlink())
    )


def folder_files(
    folder: Path, problems: Problems, shown: Callable[[str], str] = printable
) -> list[Path] | None:
    """The Parquet files of ``folder`` to read, or ``None`` when the folder is refused
    (each problem reported, a file named by ``shown(name)``): a symbolic link is not
    followed (it could point anywhere), and a manifest, when there is one, must list exactly
    the files there are, each as it was written (a folder an export did not finish, a file
    cut short, changed, removed or added afterwards). A folder without a manifest (written
    by another program, or by hand) is read as it is."""
    files = parquet_files(folder)
    refused = False
    for path in [*files, folder / manifest.NAME]:
        if path.is_symlink():
            problems.add(Problem(shown(path.name), None, None, None, None, _T("symlink")))
            refused = True
    if refused:
        return None
    listed = folder / manifest.NAME
    if not listed.is_file():
        return files
    try:
        found = manifest.Manifest.parse(listed.read_bytes())
    except manifest.ManifestError as exc:
        problems.add(Problem(shown(manifest.NAME), None, None, None, None, reason_of(exc)))
        return None
    openers = {p.name: (lambda p=p: p.open("rb")) for p in files}
    wrong = list(manifest.check(found, openers))
    for name, reason in wrong:
        problems.add(Problem(shown(name), table_named(Path(name).stem), None, None, None, reason))
    return None if wrong else files


def file_columns(
    table: Table, schema: pa.Schema, source: str, problems: Problems
) -> FileColumns | None:
    """Resolve the columns of a file of ``table`` (whose Arrow schema is ``schema``); every
    unknown, repeated, missing or mistyped column is a problem, and then ``None``."""
    headers = HeaderMap(table)
    before = problems.total

    def fail(field: str | None, reason: Text) -> None:
        problems.add(Problem(source, table.name, None, field, None, reason))

    names: dict[str, str] = {}
    types: dict[str, pa.DataType] = {}
    for position, field in enumerate(schema, start=1):
        name = headers.resolve(field.name)
        if name is None:
            hint = headers.suggest(field.name)
            fail(None, _T("unknown_column", column=shown_in_both(field.name), hint=hint))
        elif name in names:
            first = schema.get_field_index(names[name]) + 1
            fail(name, _T("twice", first=first, second=position))
        elif name == ATTENDEES_FIELD:
            fail(name, _T("attendees", suffix=SUFFIX))
        else:
            column = table.column(name)
            if not _accepts(column, field.type):
                fail(name, _T("wrong_type", kind=str(field.type), wanted=_wanted(column)))
            names[name], types[name] = field.name, field.type
    for column in table.columns:
        if column.required and column.name not in names:
            fail(column.name, _T("missing_column"))
    return None if problems.total > before else FileColumns(names, types)


def file_metadata(
    schema: pa.Schema, source: str, table: Table, problems: Problems
) -> dict[bytes, bytes]:
    """The metadata of a file of ``table`` (whose Arrow schema is ``schema``); a format other
    than ``supervise/1`` or another table's name is a problem."""
    found = dict(schema.metadata or {})
    fmt = found.get(FORMAT_KEY)
    if fmt is not None and fmt != FORMAT.encode():
        got = shown_in_both(fmt.decode(errors="replace"))
        reason = _T("format", expected=repr(FORMAT), got=got)
        problems.add(Problem(source, table.name, None, None, None, reason))
    named = found.get(TABLE_KEY)
    if named is not None and table_named(named.decode(errors="replace")) != table.name:
        named_shown = shown_in_both(named.decode(errors="replace"))
        reason = _T("other_table", named=named_shown, table=repr(table.name))
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
        problems.add(Problem(source, name, None, None, None, unreadable(exc)))
        return None
    if name is None:
        return ParquetTable(path, source, None, None, {}, reader.metadata.num_rows)
    table = TABLES[name]
    before = problems.total
    found = file_metadata(reader.schema_arrow, source, table, problems)
    scheme = pseudonymised(found)
    if scheme is not None and not pseudonyms:
        reason = _T("pseudonyms", scheme=scheme)
        problems.add(Problem(source, name, None, "national_id", None, reason))
    columns = file_columns(table, reader.schema_arrow, source, problems)
    good = columns if problems.total == before else None
    return ParquetTable(path, source, table, good, found, reader.metadata.num_rows)


def sheets(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    """The sheets of a Parquet folder or file, for an import: typed cells read as a JSON
    document's are (dates as ISO text), row numbers counting from 1."""
    found: list[Sheet] = []
    files = folder_files(path, problems) if path.is_dir() else [path]
    for file in files or ():
        read = read_file(file, printable(file.name), problems)
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
            raise csv.Error(unreadable(exc)) from None
        if batch is None:
            return
        columns = [[json_cell(v) for v in column.to_pylist()] for column in batch.columns]
        for cells in zip(*columns, strict=True):
            number += 1
            yield number, list(cells)


def unreadable(error: BaseException) -> Text:
    """Why a Parquet file cannot be read: what pyarrow said, on one line."""
    return _T("unreadable", error=one_line(error))


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
