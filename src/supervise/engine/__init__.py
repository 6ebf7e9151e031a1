"""The columnar engine: DuckDB running the one definition of the semantics over a source.

An :class:`Engine` pairs a DuckDB connection with a source of tables (a registry file's
columnar copy, an in-memory registry, or records built in a notebook, see
:mod:`supervise.engine.sources`). The questions (:mod:`supervise.engine.progress`,
:mod:`supervise.engine.eligibility`, :mod:`supervise.engine.structure`) bind the tables they
read, run the statements of :mod:`supervise.semantics` and hand the columns to the result
objects. Intermediate tables (the tallies of one date) are kept while the data and the date
stay the same, so progress and eligibility on the same date share them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from supervise.engine.duck import MEMORY_LIMIT, connect
from supervise.engine.sources import RegistryFile, RegistryRows, Source, StaticRows

__all__ = ["Engine", "RegistryFile", "RegistryRows", "Source", "StaticRows"]

T = TypeVar("T")
_names = itertools.count()


class Engine:
    """DuckDB over one source of tables."""

    def __init__(
        self, source: Source, threads: int | None = None, memory: str = MEMORY_LIMIT
    ) -> None:
        self.source = source
        self.con = connect(threads, memory)
        self._kept: dict[Hashable, str] = {}

    def bind(self, tables: Sequence[str]) -> tuple[Any, ...]:
        """Show the current data of ``tables``; returns the state of that data."""
        return self.source.bind(self.con, tables)

    def keep(self, key: Hashable, sql: str) -> str:
        """The name of a temporary table holding the rows of ``sql``, computed once per
        ``key`` (which must say everything the rows depend on, the data's state included)."""
        name = self._kept.get(key)
        if name is None:
            name = f"kept_{next(_names)}"
            self.con.execute(f"CREATE TEMP TABLE {name} AS {sql}")
            self._remember(key, name)
        return name

    def _remember(self, key: Hashable, name: str) -> None:
        self._kept[key] = name
        while len(self._kept) > 16:  # what an interactive session asks again, not more
            old = self._kept.pop(next(iter(self._kept)))
            self.con.execute(f"DROP TABLE IF EXISTS {old}")

    def fetch(self, sql: str) -> pa.Table:
        """The rows of ``sql`` as an Arrow table."""
        # Read as a stream of batches: DuckDB then never holds the whole result beside the
        # Arrow copy (progress of 10^6 trainees peaked 100-170 MiB lower, no slower).
        return self.con.execute(sql).to_arrow_reader(1 << 20).read_all()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` as tuples (for small results)."""
        return self.con.sql(sql).fetchall()

    def answer(self, question: Callable[[], T]) -> T:
        """Run ``question``, once more if a file of the columnar copy was replaced by another
        process between reading its name and opening it."""
        try:
            return question()
        except duckdb.IOException as exc:
            if "parquet" not in str(exc).lower():
                raise
            return question()

    def close(self) -> None:
        self.con.close()
