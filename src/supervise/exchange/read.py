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
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, suppress
from pathlib import Path, PurePosixPath
from typing import IO, Any

import attrs

from supervise.errors import MissingExtra, printable, reason_of, shown_in_both
from supervise.exchange import manifest
from supervise.exchange.cells import json_integer
from supervise.exchange.headers import table_named
from supervise.exchange.problems import Problem, Problems
from supervise.lang import Catalogue

__all__ = [
    "FORMAT",
    "MAX_ARCHIVE_SIZE",
    "MAX_MEMBER_SIZE",
    "ROW_ERRORS",
    "Sheet",
    "detect_encoding",
    "open_sheets",
]

#: The value of a JSON document's ``format`` key.
FORMAT = "supervise/1"
#: Keys of a JSON document that describe it rather than hold a table.
METADATA_KEYS = ("format", "exported_at", "source")
#: The most a member of a ZIP or XLSX file may expand to, and a JSON document may hold: about
#: ten million activity rows. A larger table belongs in a folder, which is read as a stream.
MAX_MEMBER_SIZE = 512 << 20
#: The most all the members of one ZIP or XLSX file may expand to together.
MAX_ARCHIVE_SIZE = 1 << 30

Rows = Iterator[tuple[int, Sequence[Any]]]
#: What iterating a sheet's rows may raise for a damaged file (a CSV field over the size
#: limit, a ZIP member whose data does not match its checksum or its declared size).
ROW_ERRORS = (csv.Error, zipfile.BadZipFile, zlib.error, EOFError)
_CHUNK = 1 << 20

_T = Catalogue(
    __name__,
    {
        "no_such_path": ("文件或文件夹不存在", "no such file or folder"),
        "no_csv_folder": ("此文件夹中没有 CSV 文件", "no CSV files in this folder"),
        "no_csv_zip": ("此 ZIP 中没有 CSV 文件", "no CSV files in this ZIP"),
        "old_xls": (
            "无法读取旧的 .xls 工作簿；请另存为 .xlsx",
            "old .xls workbooks cannot be read; save it as .xlsx",
        ),
        "unknown_kind": (
            "需要 CSV 或 Parquet 文件夹、CSV 的 .zip、.csv、.parquet、.xlsx 或 .json 文件",
            "expected a folder of CSV or Parquet files, a .zip of CSV files, "
            "a .csv, .parquet, .xlsx or .json file",
        ),
        "symlink": (
            "是符号链接，不会被跟随读取：请把文件本身复制到文件夹中",
            "is a symbolic link, which is not followed: copy the file itself into the folder",
        ),
        "zip_symlink": (
            "是 ZIP 中的符号链接，不会被读取",
            "is a symbolic link in the ZIP, which is not read",
        ),
        "encoding": (
            "无法读取文本：请把 CSV 保存为 UTF-8（或 GB18030）",
            "cannot read the text: save the CSV as UTF-8 (or GB18030)",
        ),
        "bad_csv": ("无法读取 CSV：{error}", "cannot read the CSV: {error}"),
        "empty": (
            "文件是空的：第一行必须是列名",
            "the file is empty: the first row must name the columns",
        ),
        "bad_zip": ("无法打开 ZIP：{error}", "cannot open the ZIP: {error}"),
        "bad_member": (
            "无法读取 ZIP 中的此文件：{error}",
            "cannot read this member of the ZIP: {error}",
        ),
        "member_too_large": (
            "解压后有 {size}，超过上限 {limit}：拒绝读取（可能是 ZIP 炸弹；大表请直接发送文件夹）",
            "expands to {size}, over the limit of {limit}: refused (a ZIP bomb? send a large "
            "table as a folder instead)",
        ),
        "archive_too_large": (
            "全部解压后有 {size}，超过上限 {limit}：拒绝读取（可能是 ZIP 炸弹）",
            "expands to {size} in all, over the limit of {limit}: refused (a ZIP bomb?)",
        ),
        "json_too_large": (
            "有 {size}，超过 JSON 文档的上限 {limit}：请改用 CSV 文件夹",
            "holds {size}, over the limit of {limit} for a JSON document: send a CSV folder "
            "instead",
        ),
        "bad_workbook": ("无法打开工作簿：{error}", "cannot open the workbook: {error}"),
        "json_encoding": (
            "无法读取文本：JSON 必须是 UTF-8",
            "cannot read the text: JSON must be UTF-8",
        ),
        "bad_json": ("不是有效的 JSON：{error}", "not valid JSON: {error}"),
        "too_deep": (
            "嵌套超过 {depth} 层（JSON 的第 {line} 行）：交换文件中的值不会嵌套这么深",
            "is nested more than {depth} levels deep (line {line} of the JSON): no value of an "
            "exchange file nests that deep",
        ),
        "not_object": (
            "必须是每个表一个键的 JSON 对象，而不是 {kind}",
            "must be a JSON object with a key per table, not {kind}",
        ),
        "format": ("'format' 必须是 {expected}", "'format' must be {expected}"),
        "format_got": (
            "'format' 必须是 {expected}，而不是 {got}",
            "'format' must be {expected}, not {got}",
        ),
        "duplicate_table": (
            "键 {key} 在文档中出现了 {count} 次：后出现的列表会取代前面的，数据会丢失",
            "the key {key} appears {count} times in the document: a later list would replace "
            "the earlier one and lose its rows",
        ),
        "duplicate_key": (
            "键 {key} 在此对象中出现了 {count} 次：只能保留一个值",
            "the key {key} appears {count} times in this object: only one value could be kept",
        ),
        "not_list": ("必须是对象的列表，而不是 {kind}", "must be a list of objects, not {kind}"),
        "not_item": ("必须是对象，而不是 {kind}", "must be an object, not {kind}"),
    },
)


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


def _fail(problems: Problems, source: str, reason: str, table: str | None = None) -> list[Sheet]:
    problems.add(Problem(source, table, None, None, None, reason))
    return []


def _open(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    suffix = path.suffix.lower()
    name = printable(str(path))
    if not path.exists():
        return _fail(problems, name, _T("no_such_path"))
    if suffix == ".parquet" or (path.is_dir() and any(path.glob("*.parquet"))):
        from supervise.exchange import parquet  # pyarrow's Parquet reader loads only if needed

        return parquet.sheets(path, stack, problems)
    if path.is_dir():
        return _folder(path, stack, problems)
    if suffix == ".csv":
        where = printable(path.name)
        return _csv_file(path.name, where, _opener(path), "guarded", stack, problems)
    if suffix == ".zip":
        return _zip(path, stack, problems)
    if suffix in (".xlsx", ".xlsm"):
        return _workbook(path, stack, problems)
    if suffix == ".json":
        return _json(path, problems)
    if suffix == ".xls":
        return _fail(problems, name, _T("old_xls"))
    return _fail(problems, name, _T("unknown_kind"))


# -- CSV ------------------------------------------------------------------------------------


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _folder(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    """The CSV files of a folder. Symbolic links are not followed (a link named
    ``people.csv`` could point anywhere, and the report would show what it found there);
    a manifest, when there is one, must match the files exactly."""
    files: dict[str, Callable[[], IO[bytes]]] = {}
    refused = False
    for entry in sorted(path.iterdir()):
        listed = entry.suffix.lower() == ".csv" or entry.name == manifest.NAME
        if listed and entry.is_symlink():
            refused = True
            _fail(problems, printable(entry.name), _T("symlink"))
        elif entry.suffix.lower() == ".csv" and entry.is_file():
            files[entry.name] = _opener(entry)
    if refused:
        return []
    mode = _checked(path / manifest.NAME, files, printable, problems)
    if mode is None:
        return []
    if not files:
        return _fail(problems, printable(str(path)), _T("no_csv_folder"))
    return [
        sheet
        for name, opener in files.items()
        for sheet in _csv_file(name, printable(name), opener, mode, stack, problems)
    ]


def _checked(
    at: Path | Callable[[], IO[bytes]] | None,
    files: dict[str, Callable[[], IO[bytes]]],
    shown: Callable[[str], str],
    problems: Problems,
) -> str | None:
    """The cell mode of the CSV ``files`` under the manifest at ``at`` (a path, an opener, or
    ``None`` for none): ``guarded`` unless the manifest says formulas were written raw.
    ``None`` when the files are not what the manifest lists (each problem reported)."""
    if isinstance(at, Path):
        at = _opener(at) if at.is_file() else None
    if at is None:
        return "guarded"  # no manifest: written by hand, or by an older version
    try:
        with at() as stream:
            found = manifest.Manifest.parse(stream.read(_CHUNK))
    except manifest.ManifestError as exc:
        _fail(problems, manifest.NAME, reason_of(exc))
        return None
    wrong = list(manifest.check(found, files))
    for name, reason in wrong:
        _fail(problems, shown(name), reason)
    if wrong:
        return None
    return "text" if found.formulas == manifest.RAW else "guarded"


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
    mode: str,
    stack: ExitStack,
    problems: Problems,
) -> list[Sheet]:
    """The sheet of CSV file ``name`` (its stem names the table), ``source`` in messages,
    its cells read in ``mode`` (``text``, or ``guarded`` to undo neutralised formulas)."""
    chunks = _Chunks(opener)
    try:
        encoding = detect_encoding(chunks)
        if encoding is None:
            return _fail(problems, source, _T("encoding"))
        lines = sum(chunk.count(b"\n") for chunk in chunks)
    except ROW_ERRORS as exc:  # a ZIP member that does not decompress
        return _fail(problems, source, _T("bad_member", error=str(exc)))
    text = stack.enter_context(io.TextIOWrapper(opener(), encoding=encoding, newline=""))
    rows: Rows = enumerate(csv.reader(text), start=1)
    try:
        header = next(((n, cells) for n, cells in rows if any(c.strip() for c in cells)), None)
    except ROW_ERRORS as exc:
        return _fail(problems, source, _T("bad_csv", error=str(exc)))
    if header is None:
        return _fail(problems, source, _T("empty"))
    stem = PurePosixPath(name).stem
    return [Sheet(stem, source, mode, "row", tuple(header[1]), rows, lines, header[0])]


def _zip(path: Path, stack: ExitStack, problems: Problems) -> list[Sheet]:
    """The CSV members of a ZIP, each read as a stream (never whole into memory), after the
    sizes their headers declare are checked against the limits: Python's ``zipfile`` stops at
    the declared size, so a member cannot expand further than it says."""
    where = printable(path.name)
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return _fail(problems, where, _T("bad_zip", error=str(exc)))
    links = [m for m in infos if _is_symlink(m) and _listed(m)]
    for member in links:
        _fail(problems, f"{where}: {printable(member.filename)}", _T("zip_symlink"))
    members = [m for m in infos if _is_table_file(m) and not _is_symlink(m)]
    if links or _too_large(where, [m for m in infos if not m.is_dir()], problems):
        return []
    files = {_member_name(m): _member_opener(archive, m) for m in members}
    at_top = [m for m in infos if m.filename == manifest.NAME and not _is_symlink(m)]
    shown = lambda name: f"{where}: {printable(name)}"  # noqa: E731
    mode = _checked(_member_opener(archive, at_top[0]) if at_top else None, files, shown, problems)
    if mode is None:
        return []
    if not members:
        return _fail(problems, where, _T("no_csv_zip"))
    sheets = []
    for name, opener in files.items():
        source = f"{where}: {printable(name)}"
        sheets.extend(_csv_file(name, source, opener, mode, stack, problems))
    return sheets


def _member_opener(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(member)


def _too_large(where: str, members: list[zipfile.ZipInfo], problems: Problems) -> bool:
    """Whether a member, or all of them, would expand past the limits (each reported)."""
    found = False
    for member in members:
        if member.file_size > MAX_MEMBER_SIZE:
            found = True
            source = f"{where}: {printable(member.filename)}"
            size, limit = _size(member.file_size), _size(MAX_MEMBER_SIZE)
            _fail(problems, source, _T("member_too_large", size=size, limit=limit))
    total = sum(m.file_size for m in members)
    if not found and total > MAX_ARCHIVE_SIZE:
        found = True
        size, limit = _size(total), _size(MAX_ARCHIVE_SIZE)
        _fail(problems, where, _T("archive_too_large", size=size, limit=limit))
    return found


def _size(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MiB"


def _is_symlink(member: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(member.external_attr >> 16)


def _listed(member: zipfile.ZipInfo) -> bool:
    name = PurePosixPath(member.filename)
    return name.suffix.lower() == ".csv" or member.filename == manifest.NAME


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
    where = printable(path.name)
    try:  # an XLSX file is a ZIP: its members are held to the same limits
        with zipfile.ZipFile(path) as archive:
            if _too_large(where, [m for m in archive.infolist() if not m.is_dir()], problems):
                return []
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        error = f"{type(exc).__name__}: {exc}"
        return _fail(problems, where, _T("bad_workbook", error=error))
    stack.callback(book.close)
    sheets = []
    for sheet in book.worksheets:
        source = f"{where}: {printable(sheet.title)}"
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


class _Repeated(dict[str, Any]):
    """A JSON object in which some key appears more than once: ``repeated`` counts them."""

    repeated: dict[str, int]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: a dict, which remembers keys given more than once (plain
    ``json`` keeps the last value and says nothing)."""
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    repeated = _Repeated(found)
    counts: dict[str, int] = {}
    for key, _ in pairs:
        counts[key] = counts.get(key, 0) + 1
    repeated.repeated = {key: n for key, n in counts.items() if n > 1}
    return repeated


def load_json(text: str) -> Any:
    """A JSON document as the importer reads it: objects with repeated keys marked, and
    numbers of more digits than any stored value as :class:`~supervise.exchange.cells.BigNumber`.
    Raises ``ValueError`` for text that is not JSON, ``RecursionError`` for nesting deeper than
    Python's stack."""
    return json.loads(text, object_pairs_hook=_object, parse_int=json_integer)


def _json(path: Path, problems: Problems) -> list[Sheet]:
    where = printable(path.name)
    if path.stat().st_size > MAX_MEMBER_SIZE:
        size, limit = _size(path.stat().st_size), _size(MAX_MEMBER_SIZE)
        return _fail(problems, where, _T("json_too_large", size=size, limit=limit))
    try:
        text = path.read_bytes().decode("utf-8-sig")
        document = load_json(text)
    except UnicodeDecodeError:
        return _fail(problems, where, _T("json_encoding"))
    except RecursionError:
        return _too_deep(where, text, problems)
    except ValueError as exc:  # JSONDecodeError, and numbers Python will not read
        return _fail(problems, where, _T("bad_json", error=str(exc)[:200]))
    if not isinstance(document, dict):
        kind = type(document).__name__
        return _fail(problems, where, _T("not_object", kind=kind))
    if document.get("format") != FORMAT:
        got = document.get("format")
        expected = repr(FORMAT)
        if got is None:
            _fail(problems, where, _T("format", expected=expected))
        else:
            _fail(problems, where, _T("format_got", expected=expected, got=shown_in_both(got)))
    for key, count in getattr(document, "repeated", {}).items():
        reason = _T("duplicate_table", key=shown_in_both(key), count=count)
        _fail(problems, where, reason, table_named(key))
    sheets = []
    for key, items in document.items():
        if key in METADATA_KEYS:
            continue
        source = f"{where}: {printable(key)}"
        if not isinstance(items, list):
            reason = _T("not_list", kind=type(items).__name__)
            problems.add(Problem(source, table_named(key), None, None, None, reason))
            continue
        sheets.append(_json_sheet(key, source, items, problems))
    return sheets


#: How deep a JSON value may nest before the report names where (Python's own limit on
#: recursion stops the parser near a thousand).
_DEPTH = 64
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _too_deep(where: str, text: str, problems: Problems) -> list[Sheet]:
    """Report a document too deeply nested for Python's parser at its table and item, found
    by scanning for brackets outside strings (a regular expression, not the recursive
    parser). Nothing of such a document is read."""
    depth, line, key, item, last = 0, 1, None, 0, None
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark == "\n":
            line += 1
        elif mark[0] == '"':
            if depth == 1:
                last = mark
        elif mark in "[{":
            depth += 1
            if depth == 2:
                key, item = last, 0
            elif depth == 3:
                item += 1
            if depth > _DEPTH:
                break
        else:
            depth -= 1
    table = None if key is None else _json_string(key)
    source = where if table is None else f"{where}: {printable(table)}"
    reason = _T("too_deep", depth=_DEPTH, line=line)
    problems.add(
        Problem(source, table_named(table or ""), item or None, None, None, reason, "item")
    )
    return []


def _json_string(token: str) -> str | None:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


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
                for repeated, count in getattr(item, "repeated", {}).items():
                    reason = _T("duplicate_key", key=shown_in_both(repeated), count=count)
                    problems.add(Problem(source, table, number, None, None, reason, "item"))
                yield number, [item.get(name) for name in names]
            else:
                reason = _T("not_item", kind=type(item).__name__)
                problems.add(Problem(source, table, number, None, None, reason, "item"))

    return Sheet(key, source, "json", "item", names, rows(), len(items))
