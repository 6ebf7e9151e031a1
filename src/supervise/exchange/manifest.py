"""The manifest of an exported CSV folder (or ZIP): what a complete export holds.

``manifest.json`` lists each file of the export with its table, its number of rows and the
SHA-256 of its bytes, and says whether text that a spreadsheet would run as a formula was
neutralised (see :mod:`~supervise.exchange.cells`). Export writes a manifest saying
``"complete": false`` before the first table and the full manifest after the last, so a
folder left by an export that did not finish, a file cut short, edited, removed or added
afterwards, is refused on import instead of being taken as complete. A folder without a
manifest (written by hand, or by an older version) is read as it is.

>>> text = started()
>>> Manifest.parse(text).complete
False
>>> entry = FileEntry("people.csv", "people", 2, "0" * 64)
>>> Manifest.parse(Manifest(True, (entry,), "neutralised", "zh").to_json()).files[0].rows
2
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import IO, Any

import attrs

from supervise.lang import Catalogue, Text

__all__ = ["NAME", "FileEntry", "Manifest", "ManifestError", "check", "digest", "started"]

#: The manifest's file name, in the folder or at the top of the ZIP.
NAME = "manifest.json"
#: What the manifest's ``manifest`` key holds: the version of its layout.
VERSION = 1
#: ``formulas``: how text that starts a formula was written.
NEUTRALISED, RAW = "neutralised", "raw"
_FORMAT = "supervise/1"

_T = Catalogue(
    __name__,
    {
        "unreadable": ("无法读取清单 {name}：{error}", "cannot read the manifest {name}: {error}"),
        "incomplete": (
            "写出此导出的程序没有完成（清单标记为未完成）：文件夹不完整，不能导入",
            "the export that wrote this did not finish (its manifest says incomplete): the "
            "files are not whole and cannot be imported",
        ),
        "missing": (
            "清单列出了此文件（{table}，{rows} 行），但它不存在：导出不完整",
            "is listed in the manifest ({table}, {rows} rows) but missing: the export is not whole",
        ),
        "changed": (
            "导出后被改动过：SHA-256 与清单不符（清单记录 {rows} 行）",
            "was changed after export: its SHA-256 differs from the manifest's (which lists "
            "{rows} rows)",
        ),
        "unlisted": (
            "不在清单中：导出后被加入了文件夹",
            "is not in the manifest: it was added after export",
        ),
    },
)


class ManifestError(ValueError):
    """A manifest that cannot be read; the message (a :class:`~supervise.lang.Text`) says
    why."""


@attrs.frozen
class FileEntry:
    """One file of an export: its ``name``, ``table``, data ``rows`` (the header not counted)
    and the ``sha256`` of its bytes."""

    name: str
    table: str
    rows: int
    sha256: str


@attrs.frozen
class Manifest:
    """What an export wrote: whether it is ``complete``, its ``files``, how ``formulas``
    were written (``neutralised`` or ``raw``), the ``headers`` (``en`` or ``zh``), and when
    and from which registry (``exported_at``, ``source``)."""

    complete: bool
    files: tuple[FileEntry, ...] = ()
    formulas: str = NEUTRALISED
    headers: str = "en"
    exported_at: str | None = None
    source: str | None = None

    def to_json(self) -> bytes:
        """The manifest as written: UTF-8 JSON, a file per line."""
        head = {
            "format": _FORMAT,
            "manifest": VERSION,
            "complete": self.complete,
            "exported_at": self.exported_at,
            "source": self.source,
            "headers": self.headers,
            "formulas": self.formulas,
        }
        lines = [
            f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()
        ]
        files = ",\n".join(
            "    " + json.dumps(attrs.asdict(entry), ensure_ascii=False) for entry in self.files
        )
        body = "\n".join(lines) + f'\n  "files": [\n{files}\n  ]\n'
        return ("{\n" + body + "}\n").encode("utf-8")

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        """Read a manifest; raises :class:`ManifestError` for anything but one."""
        try:
            document = json.loads(data.decode("utf-8"))
            if not isinstance(document, dict) or document.get("format") != _FORMAT:
                raise ValueError(f"not a {_FORMAT} manifest")
            complete = document["complete"]
            if complete is not True:
                return cls(False)
            formulas = document.get("formulas", NEUTRALISED)
            if formulas not in (NEUTRALISED, RAW):
                raise ValueError(f"formulas must be {NEUTRALISED!r} or {RAW!r}")
            files = tuple(_entry(item) for item in document["files"])
            return cls(
                True,
                files,
                formulas,
                str(document.get("headers", "en")),
                _optional_text(document.get("exported_at")),
                _optional_text(document.get("source")),
            )
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            error = exc.args[0] if exc.args else type(exc).__name__
            raise ManifestError(_T("unreadable", name=NAME, error=str(error)[:200])) from None


def _entry(item: Any) -> FileEntry:
    if not isinstance(item, dict):
        raise TypeError("each file must be an object")
    name, table, rows, sha256 = (item[k] for k in ("name", "table", "rows", "sha256"))
    if not all(isinstance(v, str) for v in (name, table, sha256)):
        raise TypeError("name, table and sha256 must be text")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise TypeError("rows must be a whole number")
    return FileEntry(name, table, rows, sha256)


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def started() -> bytes:
    """The manifest an export writes first: ``complete`` false until the last table is
    written and the full manifest replaces it."""
    return Manifest(False).to_json()


def now() -> str:
    """The time of an export, as manifests and JSON documents give it (UTC)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def digest(opener: Callable[[], IO[bytes]]) -> str:
    """The SHA-256 of what ``opener()`` reads, read a megabyte at a time."""
    sha = hashlib.sha256()
    with opener() as stream:
        while block := stream.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def check(
    manifest: Manifest, files: Mapping[str, Callable[[], IO[bytes]]]
) -> Iterable[tuple[str, Text]]:
    """What is wrong with ``files`` (name to opener, the CSV files found) against
    ``manifest``: (file name, reason) for each file missing, changed or added. An incomplete
    manifest is one reason for the manifest itself."""
    if not manifest.complete:
        yield NAME, _T("incomplete")
        return
    listed = {entry.name: entry for entry in manifest.files}
    for entry in manifest.files:
        opener = files.get(entry.name)
        if opener is None:
            yield entry.name, _T("missing", table=entry.table, rows=entry.rows)
        elif digest(opener) != entry.sha256:
            yield entry.name, _T("changed", rows=entry.rows)
    for name in files:
        if name not in listed:
            yield name, _T("unlisted")
