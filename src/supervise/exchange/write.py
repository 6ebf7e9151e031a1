"""Export a registry in the ``supervise/1`` format: a JSON document, a folder of CSV files (one
per table, plus ``session_attendees.csv``) or an XLSX workbook (one sheet per table).

Rows come straight from the store, which keeps exactly what :func:`supervise.convert.to_dict`
gives for a record (dates as ISO text, vocabularies as their English value), so the export is
the same as converting every record, without building a million objects. Personal data
(national ID and phone numbers) is masked unless ``include_pii`` is set; a masked export is
for reading, not for importing back (a masked number fails its checksum).

CSV files are UTF-8 with a byte-order mark, so that Excel and WPS show the Chinese correctly.
In XLSX, text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) is written with a leading apostrophe, which import removes
again (:func:`~supervise.exchange.cells.guard_formula`); dates are ISO text in every format.
XLSX holds what spreadsheets hold: numbers to 16 significant digits, line ends as ``\n``, no
control characters (an export with one raises :class:`~supervise.errors.InvalidRecord`);
JSON and CSV carry every value exactly.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supervise.errors import InvalidRecord, MissingExtra
from supervise.exchange.cells import guard_formula
from supervise.exchange.headers import ATTENDEES_FIELD
from supervise.exchange.read import FORMAT
from supervise.pii import MASKS
from supervise.store.sql import q
from supervise.tables import ATTENDEES, TABLES, Table

if TYPE_CHECKING:
    from supervise.store import Store as Registry

__all__ = ["FORMATS", "export", "format_of"]

#: The formats :func:`export` writes.
FORMATS = ("json", "csv", "xlsx")


def format_of(path: str | os.PathLike[str]) -> str:
    """The format a path's suffix asks for: ``.json``, ``.xlsx``, else a CSV folder."""
    suffix = Path(path).suffix.lower()
    return {".json": "json", ".xlsx": "xlsx"}.get(suffix, "csv")


def export(
    registry: Registry,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    include_pii: bool = False,
    headers: str = "en",
    source: str | None = None,
) -> dict[str, int]:
    """Write every table of ``registry`` to ``path`` in ``format`` (``json``, ``csv`` or
    ``xlsx``; by default from the suffix of ``path``); returns the rows written per table.

    ``headers="zh"`` writes the Chinese labels as CSV and XLSX headers (JSON keys are always the
    English names). ``source`` names the exporting system in JSON (default: the registry's
    file name)."""
    fmt = format or format_of(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if headers not in ("en", "zh"):
        raise ValueError(f"headers must be 'en' or 'zh', not {headers!r}")
    if fmt == "json" and headers != "en":
        raise ValueError(
            "JSON keys are always the English field names; --headers zh is for CSV and XLSX"
        )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tables = _Tables(registry, include_pii)
    if fmt == "json":
        origin = source or (Path(registry.path).name if registry.path else None)
        return _json(target, tables, origin)
    if fmt == "csv":
        return _csv(target, tables, headers)
    return _xlsx(target, tables, headers)


class _Tables:
    """The stored rows of each table, masked as asked, in key order."""

    def __init__(self, registry: Registry, include_pii: bool) -> None:
        self.conn = registry.conn
        self.include_pii = include_pii

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        names = ", ".join(q(c) for c in table.names)
        order = ", ".join(q(c) for c in table.key)
        cursor = self.conn.execute(f"SELECT {names} FROM {q(table.name)} ORDER BY {order}")
        masks: list[tuple[int, Callable[[Any], Any]]] = (
            []
            if self.include_pii
            else [(i, _mask(c.name)) for i, c in enumerate(table.columns) if c.pii]
        )
        # SQLite keeps true and false as 1 and 0; files say true and false.
        masks += [(i, bool) for i, c in enumerate(table.columns) if c.kind == "boolean"]
        if not masks:
            yield from cursor
            return
        for row in cursor:
            values = list(row)
            for index, mask in masks:
                if values[index] is not None:
                    values[index] = mask(values[index])
            yield tuple(values)

    def attendees(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        sql = "SELECT session_id, person_id FROM session_attendees ORDER BY session_id, person_id"
        for session, person in self.conn.execute(sql):
            found.setdefault(session, []).append(person)
        return found


def _mask(column: str) -> Callable[[str], str]:
    return MASKS.get(column, lambda value: "*" * len(value))


def _json(path: Path, tables: _Tables, source: str | None) -> dict[str, int]:
    """One document, written a row per line (diffable, and never held whole in memory)."""
    written: dict[str, int] = {}
    head = {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
    }
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
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
    partial.replace(path)
    return written


def _header(table: Table, headers: str) -> list[str]:
    return [c.zh if headers == "zh" else c.name for c in table.columns]


def _csv(path: Path, tables: _Tables, headers: str) -> dict[str, int]:
    path.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in TABLES.values():
        count = 0
        with (path / f"{table.name}.csv").open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(_header(table, headers))
            for row in tables.rows(table):
                writer.writerow(row)
                count += 1
        written[table.name] = count
    return written


def _xlsx(path: Path, tables: _Tables, headers: str) -> dict[str, int]:
    try:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError:
        raise MissingExtra("XLSX files", "excel", "openpyxl") from None
    book = Workbook(write_only=True)
    written: dict[str, int] = {}
    unwritable: InvalidRecord | None = None
    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        sheet.append(_header(table, headers))
        count = 0
        for row in tables.rows(table):
            cells = [_spreadsheet_text(v) if isinstance(v, str) else v for v in row]
            if any(isinstance(c, str) and ILLEGAL_CHARACTERS_RE.search(c) for c in cells):
                unwritable = _unwritable(table, row)
                break
            sheet.append(cells)
            count += 1
        written[table.name] = count
        if unwritable is not None:
            break
    partial = path.with_name(path.name + ".partial")
    book.save(partial)  # also when refusing: saving is how openpyxl closes its sheets
    if unwritable is not None:
        partial.unlink()
        raise unwritable
    partial.replace(path)
    return written


def _spreadsheet_text(text: str) -> str:
    """Text as an XLSX cell holds it: line ends as ``\n`` (XML reads a lone carriage return
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
