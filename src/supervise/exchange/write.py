"""Export a registry in the ``supervise/1`` format: a JSON document, a folder of CSV files (one
per table, plus ``session_attendees.csv``), a ZIP of that folder, an XLSX workbook (one
sheet per table), or a folder of Parquet files (one typed file per table, for national
roll-ups: :mod:`~supervise.exchange.parquet`).

Rows come straight from the store, which keeps exactly what :func:`supervise.convert.to_dict`
gives for a record (dates as ISO text, vocabularies as their English value), so the export is
the same as converting every record, without building a million objects. Personal data
(national ID and phone numbers) is masked unless ``include_pii`` is set; a masked export is
for reading, not for importing back (a masked number fails its checksum). A Parquet export
may instead carry each national ID as its pseudonym under a shared key
(``national_id_key``, :mod:`supervise.pseudonym`), phones left out. With
``headers="zh"`` the CSV and XLSX headers are the Chinese labels and vocabulary values their
Chinese labels too (``女``, ``高级社会工作师``), which import reads back as they were.

**Whole or not at all.** Every export is written beside its target under a hidden temporary
name (``.out.json.x7f3.partial``), created readable by its owner only, and moved into place
in one rename when complete; a failed export removes it. A CSV or Parquet folder also carries
a ``manifest.json`` (:mod:`~supervise.exchange.manifest`: tables, rows, SHA-256 per file)
that says ``complete`` only once every file is written, so a folder cut short, or changed
after export, is refused on import and by a national roll-up. An export holding personal
data (numbers, or their pseudonyms) stays readable by its owner only (mode 0600, folders
0700); others get the usual permissions of new files.

**Formulas.** CSV files are UTF-8 with a byte-order mark, so that Excel and WPS show the
Chinese correctly; text that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, their full-width forms, tab or carriage return) is written with a leading
apostrophe in CSV and XLSX, which import removes again
(:func:`~supervise.exchange.cells.guard_formula`). ``neutralise_formulas=False`` writes CSV
text as it is, for files read by programs rather than spreadsheets; the manifest records it,
so import then reads the apostrophes as data. XLSX always neutralises (a text cell starting
with ``=`` would be stored as a formula) and JSON and Parquet never do (no spreadsheet reads
them). XLSX
holds what spreadsheets hold: numbers to 16 significant digits, line ends as ``\\n``; JSON
and CSV carry every value exactly.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from supervise.errors import InvalidRecord, MissingExtra
from supervise.exchange import manifest, parquet
from supervise.exchange.cells import guard_formula
from supervise.exchange.headers import ATTENDEES_FIELD
from supervise.exchange.read import FORMAT
from supervise.model import Vocabulary
from supervise.pii import MASKS
from supervise.pseudonym import scheme_of
from supervise.store.protection import ProtectionKey, is_sealed, mask_of
from supervise.store.sql import q
from supervise.tables import ATTENDEES, TABLES, Table

if TYPE_CHECKING:
    from supervise.store import Store as Registry

__all__ = ["FORMATS", "export", "format_of"]

#: The formats :func:`export` writes.
FORMATS = ("json", "csv", "zip", "xlsx", "parquet")
_PRIVATE_FILE, _PRIVATE_FOLDER = 0o600, 0o700


def format_of(path: str | os.PathLike[str]) -> str:
    """The format a path's suffix asks for: ``.json``, ``.zip``, ``.xlsx``, else a CSV
    folder (a Parquet folder has no suffix of its own: ask for it by name)."""
    suffix = Path(path).suffix.lower()
    return {".json": "json", ".zip": "zip", ".xlsx": "xlsx"}.get(suffix, "csv")


def export(
    registry: Registry,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    include_pii: bool = False,
    headers: str = "en",
    source: str | None = None,
    neutralise_formulas: bool = True,
    national_id_key: ProtectionKey | None = None,
) -> dict[str, int]:
    """Write every table of ``registry`` to ``path`` in ``format`` (``json``, ``csv``,
    ``zip``, ``xlsx`` or ``parquet``; by default from the suffix of ``path``); returns the
    rows written per table.

    ``headers="zh"`` writes the Chinese labels as CSV and XLSX headers, and vocabulary values
    in Chinese (JSON and Parquet keys and values are always the English ones). ``source``
    names the exporting system (default: the registry's file name). ``neutralise_formulas=False``
    writes CSV text as it is (see the module's notes). ``national_id_key`` writes each
    national ID as its pseudonym under that key and leaves phones out (Parquet only, for a
    national roll-up: see :mod:`supervise.pseudonym`)."""
    fmt = format or format_of(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if headers not in ("en", "zh"):
        raise ValueError(f"headers must be 'en' or 'zh', not {headers!r}")
    if fmt in ("json", "parquet") and headers != "en":
        raise ValueError(
            f"{fmt.upper() if fmt == 'json' else 'Parquet'} keys are always the English field "
            "names; --headers zh is for CSV and XLSX"
        )
    if national_id_key is not None and (fmt != "parquet" or include_pii):
        raise ValueError(
            "a national ID key writes pseudonyms into a Parquet export for a national roll-up: "
            "use it with format 'parquet' and without include_pii"
        )
    if fmt == "xlsx" and not neutralise_formulas:
        raise ValueError(
            "XLSX always neutralises formulas (a cell starting with = would be a formula); "
            "write raw text to CSV or JSON"
        )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    origin = source or (Path(registry.path).name if registry.path else None)
    tables = _Tables(registry, include_pii, headers, national_id_key)
    neutralise = neutralise_formulas and fmt not in ("json", "parquet")
    details = _Details(origin, headers, neutralise)
    private = include_pii or national_id_key is not None
    with _aside(target, folder=fmt in ("csv", "parquet"), private=private) as partial:
        if fmt == "json":
            return _json(partial, tables, origin)
        if fmt == "parquet":
            note = _national_id_note(include_pii, national_id_key)
            return _parquet_folder(partial, tables, details, note)
        if fmt == "csv":
            return _csv_folder(partial, tables, details)
        if fmt == "zip":
            return _zip(partial, tables, details)
        return _xlsx(partial, tables)


# -- written aside, moved into place ---------------------------------------------------------


@contextmanager
def _aside(target: Path, *, folder: bool, private: bool) -> Iterator[Path]:
    """A hidden temporary file (or folder) beside ``target``, readable by its owner only,
    moved onto ``target`` when the block ends, removed when it raises."""
    prefix, suffix = f".{target.name}.", ".partial"
    if folder:
        partial = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=target.parent))
    else:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
        os.close(handle)
        partial = Path(name)
    try:
        yield partial
        _settle(partial, private)
        if folder:
            _move_folder(partial, target)
        else:
            os.replace(partial, target)
        _sync(target.parent)
    except BaseException:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)
        raise


def _settle(partial: Path, private: bool) -> None:
    """Flush ``partial`` to disk and give it its final permissions: owner only for
    personal data, else those of any new file (the umask's)."""
    files = sorted(partial.iterdir()) if partial.is_dir() else [partial]
    for file in files:
        _sync(file)
        file.chmod(_PRIVATE_FILE if private else 0o666 & ~_umask())
    if partial.is_dir():
        partial.chmod(_PRIVATE_FOLDER if private else 0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _sync(path: Path) -> None:
    """``fsync`` a file or folder, so a rename never lands before the data it names."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        handle = os.open(path, flags)
    except OSError:  # folders cannot be opened on some systems: nothing to flush there
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _move_folder(partial: Path, target: Path) -> None:
    """Move a finished folder onto ``target``: one rename when ``target`` is new; into an
    existing folder the manifest goes first and the tables after it, so a folder caught
    half-way has a manifest its files do not match, and is refused on import."""
    if not target.exists():
        os.rename(partial, target)
        return
    if not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    os.replace(partial / manifest.NAME, target / manifest.NAME)
    for file in sorted(partial.iterdir()):
        os.replace(file, target / file.name)
    partial.rmdir()


# -- rows ---------------------------------------------------------------------------------


class _Details:
    """What a manifest says besides the files: the exporting registry, headers, formulas."""

    def __init__(self, source: str | None, headers: str, neutralise: bool) -> None:
        self.source = source
        self.headers = headers
        self.neutralise = neutralise

    def manifest(self, files: list[manifest.FileEntry]) -> manifest.Manifest:
        formulas = manifest.NEUTRALISED if self.neutralise else manifest.RAW
        return manifest.Manifest(
            True, tuple(files), formulas, self.headers, manifest.now(), self.source
        )


class _Tables:
    """The stored rows of each table, masked as asked, in key order; with Chinese headers,
    vocabularies in Chinese."""

    def __init__(
        self,
        registry: Registry,
        include_pii: bool,
        headers: str,
        key: ProtectionKey | None = None,
    ) -> None:
        self.conn = registry.conn
        self.reveal = registry.reveal
        self.include_pii = include_pii
        self.headers = headers
        # Pseudonyms under ``key``: from a protected registry's stored hashes when ``key``
        # is its own, else from the numbers (opened with the registry's key).
        self.pseudonym = None if key is None else registry.pseudonymiser(key)

    def header(self, table: Table) -> list[str]:
        return [c.zh if self.headers == "zh" else c.name for c in table.columns]

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        names = ", ".join(q(c) for c in table.names)
        order = ", ".join(q(c) for c in table.key)
        cursor = self.conn.execute(f"SELECT {names} FROM {q(table.name)} ORDER BY {order}")
        changes = self._changes(table)
        if not changes:
            yield from cursor
            return
        for row in cursor:
            values = list(row)
            for index, change in changes:
                if values[index] is not None:
                    values[index] = change(values[index])
            yield tuple(values)

    def _changes(self, table: Table) -> list[tuple[int, Callable[[Any], Any]]]:
        changes: list[tuple[int, Callable[[Any], Any]]] = []
        for index, column in enumerate(table.columns):
            if column.pii and self.pseudonym is not None:  # for matching; no other PII
                changes.append((index, self.pseudonym if column.name == "national_id" else _none))
            elif column.pii and not self.include_pii:
                changes.append((index, _mask(column.name)))
            elif column.pii:  # a protected registry's numbers, opened with its key
                changes.append((index, functools.partial(self.reveal, column.name)))
            elif column.vocab is not None and self.headers == "zh":
                changes.append((index, _labels(column.vocab)))
            elif column.kind == "boolean":
                # SQLite keeps true and false as 1 and 0; files say true and false.
                changes.append((index, bool))
        return changes

    def attendees(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        sql = "SELECT session_id, person_id FROM session_attendees ORDER BY session_id, person_id"
        for session, person in self.conn.execute(sql):
            found.setdefault(session, []).append(person)
        return found


def _labels(vocab: type[Vocabulary]) -> Callable[[str], str]:
    """A vocabulary's stored value as its Chinese label (any other value as it is)."""
    labels = {member.value: member.zh for member in vocab}
    return lambda value: labels.get(value, value)


def _mask(column: str) -> Callable[[str], str]:
    mask = MASKS.get(column, _stars)

    def masked(value: str) -> str:
        # A sealed number (a protected registry) carries its mask: no key needed to mask it.
        return mask_of(value) if is_sealed(value) else mask(value)

    return masked


def _stars(value: str) -> str:
    return "*" * len(value)


def _none(value: str) -> None:
    return None


def _national_id_note(include_pii: bool, key: ProtectionKey | None) -> str:
    """How an export writes national IDs, as its Parquet metadata says."""
    if key is not None:
        return scheme_of(key)
    return "plain" if include_pii else "masked"


# -- JSON -------------------------------------------------------------------------------------


def _json(path: Path, tables: _Tables, source: str | None) -> dict[str, int]:
    """One document, written a row per line (diffable, and never held whole in memory)."""
    written: dict[str, int] = {}
    head = {"format": FORMAT, "exported_at": manifest.now(), "source": source}
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("{\n")
        out.writelines(
            f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in head.items()
        )
        models = [t for t in TABLES.values() if t is not ATTENDEES]
        attendees = tables.attendees()
        for n, table in enumerate(models):
            out.write(f"  {json.dumps(table.name)}: [")
            count = 0
            for row in tables.rows(table):
                item = dict(zip(table.names, row, strict=True))
                if table.name == "sessions":
                    item[ATTENDEES_FIELD] = attendees.get(item["id"], [])
                out.write(
                    ("\n    " if count == 0 else ",\n    ") + json.dumps(item, ensure_ascii=False)
                )
                count += 1
            out.write("\n  ]" if count else "]")
            out.write(",\n" if n < len(models) - 1 else "\n")
            written[table.name] = count
        out.write("}\n")
    return written


# -- CSV, as a folder or a ZIP -----------------------------------------------------------------


def _write_csv(out: IO[str], table: Table, tables: _Tables, neutralise: bool) -> int:
    writer = csv.writer(out)
    writer.writerow(tables.header(table))
    count = 0
    for row in tables.rows(table):
        if neutralise:
            row = tuple(guard_formula(v) if isinstance(v, str) else v for v in row)
        writer.writerow(row)
        count += 1
    return count


def _table_file(
    raw: IO[bytes], table: Table, tables: _Tables, neutralise: bool
) -> manifest.FileEntry:
    """Write ``table`` as CSV (UTF-8 with a byte-order mark) to ``raw``, hashing the bytes
    on their way out."""
    hashed = _Hashed(raw)
    buffered = io.BufferedWriter(hashed, buffer_size=1 << 16)
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")
    rows = _write_csv(text, table, tables, neutralise)
    text.flush()
    text.detach().flush()  # ``raw`` is closed by its owner
    return manifest.FileEntry(f"{table.name}.csv", table.name, rows, hashed.sha.hexdigest())


class _Hashed(io.RawIOBase):
    """A writable stream that passes bytes on to ``raw`` and hashes them (SHA-256)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self.raw = raw
        self.sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha.update(data)
        self.raw.write(data)
        return len(data)


def _csv_folder(folder: Path, tables: _Tables, details: _Details) -> dict[str, int]:
    """A CSV file per table; the manifest says ``complete`` only once all are written."""
    with _private(folder / manifest.NAME) as out:
        out.write(manifest.started())
    files = []
    for table in TABLES.values():
        with _private(folder / f"{table.name}.csv") as raw:
            files.append(_table_file(raw, table, tables, details.neutralise))
    with _private(folder / manifest.NAME) as out:
        out.write(details.manifest(files).to_json())
    return {entry.table: entry.rows for entry in files}


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _private(path: Path) -> IO[bytes]:
    """``path`` opened for writing, created readable by its owner only (until the export is
    complete and given its final permissions)."""
    return open(path, "wb", opener=lambda name, flags: os.open(name, flags, _PRIVATE_FILE))


def _zip(path: Path, tables: _Tables, details: _Details) -> dict[str, int]:
    """The CSV folder as a ZIP, the manifest its last member (a ZIP cut short has no
    directory at its end, so no reader takes it for whole)."""
    files = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES.values():
            with archive.open(f"{table.name}.csv", "w", force_zip64=True) as member:
                files.append(_table_file(member, table, tables, details.neutralise))
        archive.writestr(manifest.NAME, details.manifest(files).to_json())
    return {entry.table: entry.rows for entry in files}


# -- Parquet ----------------------------------------------------------------------------------


def _parquet_folder(
    folder: Path, tables: _Tables, details: _Details, national_id: str
) -> dict[str, int]:
    """A Parquet file per table (:mod:`~supervise.exchange.parquet`); the manifest says
    ``complete`` only once all are written, as a CSV folder's does."""
    with _private(folder / manifest.NAME) as out:
        out.write(manifest.started())
    exported_at = manifest.now()
    files = []
    for table in TABLES.values():
        name = f"{table.name}{parquet.SUFFIX}"
        with _private(folder / name) as raw:
            rows = parquet.write_table(
                raw, table, tables.rows(table), exported_at, details.source, national_id
            )
        sha = manifest.digest(_opener(folder / name))  # the bytes as they lie on disk
        files.append(manifest.FileEntry(name, table.name, rows, sha))
    written = attrs.evolve(details.manifest(files), exported_at=exported_at)
    with _private(folder / manifest.NAME) as out:
        out.write(written.to_json())
    return {entry.table: entry.rows for entry in files}


# -- XLSX -------------------------------------------------------------------------------------


def _xlsx(path: Path, tables: _Tables) -> dict[str, int]:
    try:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError:
        raise MissingExtra("XLSX files", "excel", "openpyxl") from None
    book = Workbook(write_only=True)
    try:
        written, unwritable = _sheets(book, tables, ILLEGAL_CHARACTERS_RE)
    except BaseException:
        with suppress(Exception):  # saving is how openpyxl closes its temporary sheets
            book.save(path)
        raise
    book.save(path)  # also when refusing: _aside removes the file
    if unwritable is not None:
        raise unwritable
    return written


def _sheets(
    book: Any, tables: _Tables, illegal: Any
) -> tuple[dict[str, int], InvalidRecord | None]:
    """Write a sheet per table; stop at the first value XLSX cannot hold."""
    written: dict[str, int] = {}
    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        sheet.append(tables.header(table))
        count = 0
        for row in tables.rows(table):
            cells = [_spreadsheet_text(v) if isinstance(v, str) else v for v in row]
            if any(isinstance(c, str) and illegal.search(c) for c in cells):
                written[table.name] = count
                return written, _unwritable(table, row)
            sheet.append(cells)
            count += 1
        written[table.name] = count
    return written, None


def _spreadsheet_text(text: str) -> str:
    """Text as an XLSX cell holds it: line ends as ``\\n`` (XML reads a lone carriage return
    as one), and a leading apostrophe when it would run as a formula."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return guard_formula(text)


def _unwritable(table: Table, row: tuple[Any, ...]) -> InvalidRecord:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    key = tuple(v for c, v in zip(table.names, row, strict=True) if c in table.key)
    record = f"{table.name} {(key[0] if len(key) == 1 else key)!r}"
    column, value = next(
        (c, v)
        for c, v in zip(table.names, row, strict=True)
        if isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v)
    )
    reason = "holds a control character that XLSX cannot store; export as JSON or CSV"
    return InvalidRecord(record, column, value, reason)
