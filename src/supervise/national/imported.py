"""A province's export in CSV, JSON or XLSX: checked and read by the import itself.

These formats carry a province's few thousand rows, not a nation's millions, and their cells
are text to be read (dates in four spellings, Chinese labels, GB18030 files): the import
already reads them, by the model's rules. So such an export is imported into a registry in
memory, nothing written to disk, and its stored rows are handed to DuckDB as Arrow. Its
problems are the import's, each prefixed with the province's label.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import duckdb
import pyarrow as pa

from supervise.engine.columns import arrow_of_rows, typed_select
from supervise.errors import ImportFailed
from supervise.exchange import import_files
from supervise.exchange.problems import Problems
from supervise.lang import Text
from supervise.national.parquet import prefixed, quoted
from supervise.semantics import literal
from supervise.store import Store
from supervise.tables import TABLES, Table

__all__ = ["ImportedProvince"]


class ImportedProvince:
    """The CSV, JSON or XLSX export of one province, ``label``, at ``path``: its tables live
    in ``con`` as Arrow under names starting ``p<order>_``."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        label: str,
        order: int,
        path: Path,
        problems: Problems,
    ) -> None:
        self.con, self.label, self.order, self.path = con, label, order, path
        self.problems = problems
        self.warnings: list[Text] = []
        #: How the people's national IDs are written: an import holds only whole numbers.
        self.national_ids = "plain"
        self._rows: dict[str, pa.Table] = {}

    def select(self, table: Table) -> str:
        """The province's rows of ``table`` as the store keeps them, typed, with ``_p`` and
        ``_prefix`` (empty when the export lacks the table)."""
        columns = ", ".join(quoted(c.name) for c in table.columns)
        prefix = literal.text(self.label + ":")
        relation = f"p{self.order}_{table.name}"
        return f"SELECT {self.order} AS _p, {prefix} AS _prefix, {columns} FROM {relation}"

    def check(self) -> None:
        """Import the export into a registry in memory, and show its tables to DuckDB."""
        with Store() as store:
            try:
                report = import_files(store, [self.path])
            except ImportFailed as exc:
                for problem in exc.problems:
                    where = f"{self.label}: {problem.source}"
                    self.problems.add(attrs.evolve(problem, source=where))
                self.problems.total += exc.total - len(exc.problems)
            else:
                self.warnings.extend(prefixed(self.label, text) for text in report.warnings)
            for table in TABLES.values():
                self._show(store, table)

    def _show(self, store: Store, table: Table) -> None:
        cursor = store.conn.execute(f"SELECT * FROM {quoted(table.name)}")
        names = [d[0] for d in cursor.description]
        self._rows[table.name] = arrow_of_rows(table, cursor, names, personal=True)
        self.install(self.con, table)

    def install(self, con: duckdb.DuckDBPyConnection, only: Table | None = None) -> None:
        """Show the province's tables (or ``only`` that one) to ``con``."""
        for table in TABLES.values() if only is None else [only]:
            raw = f"p{self.order}_{table.name}_rows"
            con.register(raw, self._rows[table.name])
            select = typed_select(table, raw, personal=True)
            con.execute(f"CREATE OR REPLACE VIEW p{self.order}_{table.name} AS {select}")
