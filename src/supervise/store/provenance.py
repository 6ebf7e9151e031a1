"""Provenance: a record of every import that wrote to the registry.

Each import that writes adds one row to the ``imports`` table in the same transaction as its
data, so the record and the rows it describes land together or not at all: what was read (the
names of the files and folders, without the folders they were in, and the SHA-256 of their
content), when (UTC), and the rows per table. Folder names stay out because offices name
folders after people (``/home/wangli/…``, ``王丽的资料/``); the hash identifies the content.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

__all__ = ["ImportRecord", "content_hash", "file_names", "list_imports", "record_import"]


def file_names(paths: Iterable[str | os.PathLike[str]]) -> str:
    """What provenance keeps of the paths an import read: their last parts, comma-separated.

    >>> file_names(["/home/wangli/2024/anhui.zip", "D:\\\\王丽\\\\batch"])
    'anhui.zip, batch'
    """
    names = []
    for path in paths:
        text = os.fspath(path).rstrip("/\\")
        names.append(text.replace("\\", "/").rsplit("/", 1)[-1] or text)
    return ", ".join(names)


@attrs.frozen(kw_only=True)
class ImportRecord:
    """One import: its ``id``, ``source`` (the names of the files read, without their
    folders), ``sha256`` of the content,
    ``imported_at`` (UTC, ISO 8601) and ``tables`` (counts per table: inserted, updated,
    unchanged, removed)."""

    id: int
    source: str
    sha256: str
    imported_at: str
    tables: Mapping[str, Mapping[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "sha256": self.sha256,
            "imported_at": self.imported_at,
            "tables": {t: dict(c) for t, c in self.tables.items()},
        }


def content_hash(paths: Iterable[str | os.PathLike[str]]) -> str:
    """SHA-256 over the content of ``paths``: a file's bytes; a folder's files in name order,
    each preceded by its relative name, so renaming or editing any file changes the hash."""
    digest = hashlib.sha256()
    for path in map(Path, paths):
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if path.is_dir():
                digest.update(file.relative_to(path).as_posix().encode() + b"\0")
            with file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def record_import(
    conn: sqlite3.Connection,
    source: str,
    sha256: str,
    tables: Mapping[str, Mapping[str, int]],
) -> int:
    """Add a row for an import inside the caller's transaction; returns its id."""
    cursor = conn.execute(
        "INSERT INTO imports (source, sha256, imported_at, tables) VALUES (?, ?, ?, ?)",
        (
            source,
            sha256,
            datetime.now(UTC).isoformat(timespec="seconds"),
            json.dumps(tables, ensure_ascii=False, sort_keys=True),
        ),
    )
    return int(cursor.lastrowid or 0)


def list_imports(conn: sqlite3.Connection) -> list[ImportRecord]:
    """Every recorded import, oldest first."""
    return [
        ImportRecord(id=i, source=s, sha256=h, imported_at=t, tables=json.loads(counts))
        for i, s, h, t, counts in conn.execute(
            "SELECT id, source, sha256, imported_at, tables FROM imports ORDER BY id"
        )
    ]
