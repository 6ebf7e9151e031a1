"""Open exchange files and hand out their tables as sheets of rows.

A path is a folder of CSV files (one per table, named after it), a ``.zip`` of such files, a
single ``.csv`` file, an ``.xlsx`` workbook (one sheet per table) or a ``.json`` document.
Rows stream from the file, so a million-row CSV is never held as text. Problems with the files
themselves (unreadable, undecodable, not JSON) are reported, not raised, so that one import
reports everything at once.

CSV encodings are detected, never asked for: UTF-8 (with or without a byte-order mark), else
GB18030 (what Chinese editions of Excel and WPS write, a superset of GBK and GB2312).

>>> detect_encoding([b"\\xef\\xbb\\xbfid,name\\n"]), detect_encoding(["姓名".encode("gb18030")])
('utf-8-sig', 'gb18030')
>>> detect_encoding(["姓名".encode("utf-16")]) is None
True
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, suppress
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

import attrs

from supervise.errors import MissingExtra
from supervise.exchange.headers import table_named
from supervise.exchange.problems import Problem, Problems

__all__ = ["FORMAT", "ROW_ERRORS", "Sheet", "detect_encoding", "open_sheets"]

#: The value of a JSON document's ``format`` key.
FORMAT = "supervise/1"
#: Keys of a JSON document that describe it rather than hold a table.
METADATA_KEYS = ("format", "exported_at", "source")

Rows = Iterator[tuple[int, Sequence[Any]]]
#: What iterating a sheet's rows may raise for a damaged file (a CSV field over the size limit).
ROW_ERRORS = (csv.Error,)
_CHUNK = 1 << 20


@attrs.frozen
class Sheet:
    """One table's rows from one file: ``name`` as the file calls the table (file name, sheet
    name or JSON key), ``source`` for messages, ``mode`` of its cells (``text``, ``excel`` or
    ``json``, see :mod:`~supervise.exchange.cells`), ``unit`` of its row numbers (``row`` or
    ``item``), ``headers``, the ``rows`` as (row number, cells), a ``size`` estimate and the
    ``header_row`` (``None`` in JSON)."""

    name: str
    source: str
    mode: str
    unit: str
    headers: tuple[Any, ...]
    rows: Rows
    size: int
    header_row: int | None = None


def open_sheets(paths: Sequence[Path], stack: ExitStack, problems: Problems) -> list[Sheet]:
    """The sheets of every path, opened on ``stack`` (close it when done with the rows).

    Problems with the files go to ``problems``; such a file contributes no sheets."""
    sheets: list[Sheet] = []
    for path in paths:
        sheets.extend(_open(Path(path), stack, problems))
    return sheets


def _open(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    def fail(reason: str) -> list[Sheet]:
        problems.add(Problem(str(path), None, None, None, None, reason))
        return []

    suffix = path.suffix.lower()
    if not path.exists():
        return fail("no such file or folder")
    if suffix == ".parquet" or (path.is_dir() and any(path.glob("*.parquet"))):
        from supervise.exchange import parquet  # pyarrow's Parquet reader loads only if needed

        return parquet.sheets(path, stack, problems)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        if not files:
            return fail("no CSV files in this folder")
        return [s for f in files for s in _csv_file(f.name, f.name, _opener(f), stack, problems)]
    if suffix == ".csv":
        return _csv_file(path.name, path.name, _opener(path), stack, problems)
    if suffix == ".zip":
        return _zip(path, stack, problems)
    if suffix in (".xlsx", ".xlsm"):
        return _workbook(path, stack, problems)
    if suffix == ".json":
        return _json(path, problems)
    if suffix == ".xls":
        return fail("old .xls workbooks cannot be read; save it as .xlsx")
    return fail(
        "expected a folder of CSV or Parquet files, a .zip of CSV files, "
        "a .csv, .parquet, .xlsx or .json file"
    )


# -- CSV ------------------------------------------------------------------------------------


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def detect_encoding(chunks: Iterable[bytes]) -> str | None:
    """``utf-8-sig`` (UTF-8, with or without a byte-order mark) or ``gb18030``: the first that
    decodes every chunk (``chunks`` is iterated once per try), or ``None`` for neither (UTF-16,
    binary data)."""
    for encoding in _ENCODINGS:
        if _decodes(chunks, encoding):
            return encoding
    return None


_ENCODINGS = ("utf-8-sig", "gb18030")


def _decodes(chunks: Iterable[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class _Chunks:
    """The bytes of a file in chunks, read afresh on each iteration."""

    def __init__(self, opener: Callable[[], IO[bytes]]) -> None:
        self.opener = opener

    def __iter__(self) -> Iterator[bytes]:
        with self.opener() as raw:
            while chunk := raw.read(_CHUNK):
                yield chunk


def _csv_file(
    name: str,
    source: str,
    opener: Callable[[], IO[bytes]],
    stack: ExitStack,
    problems: Problems,
) -> list[Sheet]:
    """The sheet of CSV file ``name`` (its stem names the table), ``source`` in messages."""

    def fail(reason: str) -> list[Sheet]:
        problems.add(Problem(source, None, None, None, None, reason))
        return []

    chunks = _Chunks(opener)
    encoding = detect_encoding(chunks)
    if encoding is None:
        return fail("cannot read the text: save the CSV as UTF-8 (or GB18030)")
    lines = sum(chunk.count(b"\n") for chunk in chunks)
    text = stack.enter_context(io.TextIOWrapper(opener(), encoding=encoding, newline=""))
    rows: Rows = enumerate(csv.reader(text), start=1)
    try:
        header = next(((n, cells) for n, cells in rows if any(c.strip() for c in cells)), None)
    except ROW_ERRORS as exc:
        return fail(f"cannot read the CSV: {exc}")
    if header is None:
        return fail("the file is empty: the first row must name the columns")
    stem = PurePosixPath(name).stem
    return [Sheet(stem, source, "text", "row", tuple(header[1]), rows, lines, header[0])]


def _zip(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
        members = [m for m in archive.infolist() if _is_table_file(m)]
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(Problem(path.name, None, None, None, None, f"cannot open the ZIP: {exc}"))
        return []
    if not members:
        problems.add(Problem(path.name, None, None, None, None, "no CSV files in this ZIP"))
        return []
    sheets = []
    for member in members:
        data = archive.read(member)
        name = _member_name(member)
        opener = partial(io.BytesIO, data)
        sheets.extend(_csv_file(name, f"{path.name}: {name}", opener, stack, problems))
    return sheets


def _is_table_file(member: zipfile.ZipInfo) -> bool:
    name = PurePosixPath(member.filename)
    return (
        not member.is_dir()
        and name.suffix.lower() == ".csv"
        and not name.name.startswith(".")
        and "__MACOSX" not in name.parts
    )


def _member_name(member: zipfile.ZipInfo) -> str:
    """The member's file name; ZIPs made on Chinese Windows store names in GBK without
    saying so (Python then reads them as cp437)."""
    name = member.filename
    if not member.flag_bits & 0x800:
        with suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return PurePosixPath(name).name


# -- XLSX -----------------------------------------------------------------------------------


def _workbook(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtra("XLSX files", "excel", "openpyxl") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        reason = f"cannot open the workbook: {type(exc).__name__}: {exc}"
        problems.add(Problem(path.name, None, None, None, None, reason))
        return []
    stack.callback(book.close)
    sheets = []
    for sheet in book.worksheets:
        source = f"{path.name}: {sheet.title}"
        rows: Rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        header = next(((n, cells) for n, cells in rows if any(_filled(c) for c in cells)), None)
        if header is None:
            continue  # a blank sheet (Excel's "Sheet2"): nothing to read, nothing lost
        size = max((sheet.max_row or 0) - header[0], 0)
        headers = tuple(header[1])
        sheets.append(Sheet(sheet.title, source, "excel", "row", headers, rows, size, header[0]))
    return sheets


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


# -- JSON -----------------------------------------------------------------------------------


def _json(path: Path, problems: Problems) -> list[Sheet]:
    def fail(reason: str) -> None:
        problems.add(Problem(path.name, None, None, None, None, reason))

    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        fail("cannot read the text: JSON must be UTF-8")
        return []
    except json.JSONDecodeError as exc:
        fail(f"not valid JSON: {exc}")
        return []
    if not isinstance(document, dict):
        fail(f"must be a JSON object with a key per table, not {type(document).__name__}")
        return []
    if document.get("format") != FORMAT:
        got = document.get("format")
        fail(f"'format' must be {FORMAT!r}" + ("" if got is None else f", not {got!r}"))
    sheets = []
    for key, items in document.items():
        if key in METADATA_KEYS:
            continue
        source = f"{path.name}: {key}"
        if not isinstance(items, list):
            reason = f"must be a list of objects, not {type(items).__name__}"
            problems.add(Problem(source, table_named(key), None, None, None, reason))
            continue
        sheets.append(_json_sheet(key, source, items, problems))
    return sheets


def _json_sheet(key: str, source: str, items: list[Any], problems: Problems) -> Sheet:
    headers: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):
            headers.update(dict.fromkeys(item))
    names = tuple(headers)
    table = table_named(key)

    def rows() -> Rows:
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                yield number, [item.get(name) for name in names]
            else:
                reason = f"must be an object, not {type(item).__name__}"
                problems.add(Problem(source, table, number, None, None, reason, "item"))

    return Sheet(key, source, "json", "item", names, rows(), len(items))
