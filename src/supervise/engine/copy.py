"""The columnar copy of a registry file: one Parquet file per table, kept in step with SQLite.

SQLite stays the system of record. Next to ``cohorts.db`` lives ``cohorts.db-columns/``,
holding ``<table>-<token>.parquet`` for the token that the registry's ``generations`` table
gives the table now. Every committed write that changes a table gives it a new token, so a
file whose name carries the current token is exactly the committed table; a missing one is
written, from the file itself, by DuckDB's SQLite reader. Several processes may do this at
once: each writes aside and moves the file into place whole, and a file is only ever labelled
with a token read both before and after it was written.

The copy holds no national ID or phone number (no answer needs them), so it never spreads
personal data further than the registry itself keeps it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from supervise.engine.columns import ENGINE_TABLES, typed_select
from supervise.engine.duck import connect, load_sqlite_reader
from supervise.errors import CorruptRegistry

__all__ = ["ColumnarCopy", "tokens"]

# Clustered by cohort: a question about one cohort reads a few row groups, not the table.
_ORDER = {
    "activities": "cohort_id, person_id",
    "sessions": "cohort_id",
    "deliverables": "cohort_id, person_id",
    "enrollments": "cohort_id, person_id",
    "pairings": "cohort_id",
    "exemptions": "cohort_id",
    "placements": "cohort_id",
}


def tokens(conn: sqlite3.Connection) -> dict[str, str]:
    """The current generation token of every table (one read, so a consistent set)."""
    return dict(conn.execute("SELECT name, token FROM generations").fetchall())


class ColumnarCopy:
    """The Parquet files of one registry file's tables."""

    def __init__(self, database: str) -> None:
        self.database = os.path.abspath(database)
        folder = Path(self.database + "-columns")
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-")  # noqa: SIM115
            probe.close()
        except OSError:  # a registry on read-only media: keep this process's copy aside
            folder = Path(tempfile.mkdtemp(prefix="supervise-columns-"))
        self.folder = folder

    def files(self, conn: sqlite3.Connection, tables: Iterable[str]) -> dict[str, str]:
        """The current Parquet file of each of ``tables``, writing those that are missing.

        ``conn`` is the registry's own connection (outside any write transaction), used to
        read the tokens."""
        wanted = list(dict.fromkeys(tables))
        while True:
            current = tokens(conn)
            paths = {name: self._path(name, current.get(name, "none")) for name in wanted}
            missing = [name for name in wanted if not os.path.exists(paths[name])]
            if not missing or self._write(conn, missing, current, paths):
                return {name: str(path) for name, path in paths.items()}
            # A write landed while copying: start again from the new tokens.

    def _path(self, table: str, token: str) -> Path:
        return self.folder / f"{table}-{token}.parquet"

    def _write(
        self,
        conn: sqlite3.Connection,
        missing: list[str],
        current: Mapping[str, str],
        paths: Mapping[str, Path],
    ) -> bool:
        """Write the files of ``missing``; False when a token moved meanwhile."""
        duck = connect()
        try:
            load_sqlite_reader(duck)
            duck.execute(f"ATTACH {_literal(self.database)} AS registry (TYPE sqlite, READ_ONLY)")
            for name in missing:
                try:
                    self._write_one(duck, name, paths[name])
                except duckdb.Error as exc:  # SQLite's words, passed on by the reader
                    if "malformed" in str(exc) or "not a database" in str(exc):
                        raise CorruptRegistry(self.database, _sqlite_words(exc)) from None
                    raise
                if tokens(conn).get(name, "none") != current.get(name, "none"):
                    os.remove(paths[name])
                    return False
                self._prune(name, paths[name])
        finally:
            duck.close()
        return True

    def _write_one(self, duck: duckdb.DuckDBPyConnection, name: str, path: Path) -> None:
        select = typed_select(ENGINE_TABLES[name], f'registry."{name}"')
        if name in _ORDER:
            select += f" ORDER BY {_ORDER[name]}"
        handle, partial = tempfile.mkstemp(prefix=f".{name}-", suffix=".parquet", dir=self.folder)
        os.close(handle)
        try:
            duck.execute(
                f"COPY ({select}) TO {_literal(partial)} (FORMAT parquet, COMPRESSION zstd)"
            )
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.remove(partial)

    def _prune(self, name: str, keep: Path) -> None:
        """Remove the files of tokens no longer current. A process that read an old token a
        moment ago and finds its file gone asks again (see :class:`~supervise.engine.Engine`);
        one that has the file open keeps reading it."""
        for old in self.folder.glob(f"{name}-*.parquet"):
            if old != keep:
                with contextlib.suppress(OSError):  # gone, or still open elsewhere (Windows)
                    old.unlink()


def _sqlite_words(exc: duckdb.Error) -> str:
    """What SQLite said, without DuckDB's wrapping (``Error: database disk image is ...``)."""
    text = str(exc).strip().splitlines()[0]
    return text.split(": ", 1)[1] if text.startswith("Error: ") else text


def _literal(text: str) -> str:
    """A SQL string literal (for paths: DuckDB takes no parameters in ATTACH or COPY)."""
    return "'" + text.replace("'", "''") + "'"
