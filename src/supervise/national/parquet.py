"""Provinces' Parquet exports, read in place by DuckDB and checked as an import checks them.

Nothing is copied. Each table becomes two views over the files of every province at once:

- ``pq_<table>_raw``: the files' rows as they are, with each row's province (``_p``), the
  prefix its ids take nationally (``_prefix``), its file (``_file``) and row number (``_row``,
  from 1);
- ``pq_<table>``: the rows as the store would keep them: typed, a Chinese label turned into
  its value, an empty optional cell into the field's default, a refused cell into NULL, and
  ``_bad_cell`` set on a row with a refused cell.

The checks are an import's, with the same messages (a property test holds the two to each
other): each cell by its column's rule (:mod:`~supervise.national.cells`: identifiers free of
control and formatting characters included), rules spanning fields on the rows that might
break them, keys, references within each province (who signs a record off must be a mentor
of its cohort), phases known to the cohort's program (given by key, or by the name of one of
its phases), attendees of every session, enrolled in its cohort, and records not dated before
their cohort starts (:mod:`~supervise.exchange.checks`). Each check is one grouped query over
every province's files, however many provinces and rows there are; Python sees only the
values and rows in question.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import cattrs
import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from supervise.convert import from_dict
from supervise.engine.columns import sql_type
from supervise.errors import InvalidRecord, printable, reason_of, shown_in_both
from supervise.exchange import checks
from supervise.exchange.headers import ATTENDEES_FIELD, normalise
from supervise.exchange.parquet import (
    ParquetTable,
    arrow_type,
    folder_files,
    json_cell,
    one_line,
    read_file,
    unreadable,
)
from supervise.exchange.problems import (
    Problem,
    Problems,
    at_row,
    cell_shown,
    error_leaves,
    repeated_rows,
)
from supervise.lang import Catalogue, Text
from supervise.national.cells import (
    JUDGED_WHOLE,
    PSEUDONYM_PATTERN,
    Verdicts,
    default_of,
    judge,
    screen,
)
from supervise.semantics import literal
from supervise.store.integrity import describe_missing
from supervise.store.sql import Reference, references
from supervise.tables import ATTENDEES, TABLES, Column, Table

__all__ = ["ORDERED", "ParquetExports", "ParquetProvince", "prefixed", "quoted"]

#: The rules spanning fields, by table: each pair must be in order (the first not after the
#: second), as the model's ``check_order`` says. A test holds this to the model.
ORDERED: dict[str, tuple[tuple[str, str], ...]] = {
    "programs": (("starts_on", "ends_on"),),
    "phases": (("starts_on", "due_on"),),
    "cohorts": (("starts_on", "ends_on"),),
    "enrollments": (("enrolled_on", "left_on"),),
    "pairings": (("starts_on", "ends_on"),),
    "placements": (("starts_on", "ends_on"),),
    "credentials": (("issued_on", "expires_on"),),
}
_PHASED = checks.PHASE_TABLES
# The messages an import gives for the same problems (exchange.load, exchange.gather and
# exchange.columns word them; the property tests hold the two to each other).
_T = Catalogue(
    __name__,
    {
        "needs_attendees": (
            "新的督导记录需要参加人员（session_attendees 表中的行；JSON 中为列表）",
            "a new session needs attendees (rows of session_attendees; in JSON a list)",
        ),
        "masked": (
            "此导出中的身份证号已打码，其人员无法与其他省份匹配：请用 --include-pii 导出，"
            "或用 --national-id-key 导出假名",
            "national IDs in this export are masked, so its people cannot be matched with "
            "other provinces': export with --include-pii, or with --national-id-key for "
            "pseudonyms",
        ),
        "unknown_table": (
            "未知的表 {name}；可用的表：{listed}",
            "unknown table {name}; expected one of {listed}",
        ),
        "other_columns": (
            "与本表的第一个文件列不同（此处：{layout}；第一个文件：{first}）；同一表的各文件须有相同的列",
            "has other columns ({layout}) than the first file of this table ({first}); give "
            "every file of one table the same columns",
        ),
        "missing": ("缺少必填值", "required value missing"),
        "same_key": ("与{where}的键相同而其他值不同", "{where} has the same key and other values"),
        "same_keys": (
            "与{where}的键（{names}）相同而其他值不同",
            "{where} has the same key ({names}) and other values",
        ),
        "same_key_by_name": (
            "按环节名称读取后，与{where}的键相同而其他值不同",
            "read by its phase name, has the key of {where} and other values",
        ),
        "unreadable_files": (
            "无法读取 Parquet 文件：{error}",
            "cannot read the Parquet files: {error}",
        ),
        "not_pseudonym": (
            "必须是 64 位十六进制数字的假名，如文件所述（{scheme}）",
            "must be a pseudonym of 64 hex digits, as the file says ({scheme})",
        ),
    },
)


def quoted(name: str) -> str:
    """An SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@functools.cache
def schema_references() -> dict[str, list[Reference]]:
    """The schema's foreign keys, read from an empty store (where they are written)."""
    from supervise.store import Store

    with Store() as store:
        return references(store.conn)


@attrs.define
class ParquetProvince:
    """One province's Parquet export: ``label``, ``order`` (its place among the provinces
    given), ``folder``, how its national IDs are written, and its readable files by table."""

    label: str
    order: int
    folder: Path
    national_ids: str = "plain"
    files: dict[str, list[ParquetTable]] = attrs.Factory(dict)
    warnings: list[Text] = attrs.Factory(list)


@attrs.define
class _Table:
    """One table across the provinces: the columns their files hold, the views' names, the
    verdicts on its cells, and the rows set aside by the checks, as (province, file, row)."""

    table: Table
    layout: tuple[str, ...]
    raw: str
    view: str
    sources: dict[tuple[int, int], str]
    types: dict[str, str] = attrs.Factory(dict)
    verdicts: dict[str, Verdicts] = attrs.Factory(dict)
    wrong: set[tuple[int, int, int]] = attrs.Factory(set)  # rows breaking a rule across fields
    dropped: set[tuple[int, int, int]] = attrs.Factory(set)  # rows whose key an earlier row has
    unphased: set[tuple[int, int, int]] = attrs.Factory(set)  # phase unknown to the program
    renamed: bool = False  # some phase given by its name, read as its key
    repeats: dict[int, int] = attrs.Factory(dict)  # exact repeats, by province


class ParquetExports:
    """The Parquet exports of several provinces, in ``con``: their views, and the checks."""

    def __init__(self, con: duckdb.DuckDBPyConnection, problems: Problems) -> None:
        self.con = con
        self.problems = problems
        self.provinces: list[ParquetProvince] = []
        self.tables: dict[str, _Table] = {}
        # What the answers read, to show again to another connection (see install).
        self._shown: dict[str, pa.Table | str] = {}

    def install(self, con: duckdb.DuckDBPyConnection) -> None:
        """Show the views of the checked exports to ``con``: the answers run on a connection
        of their own, so that the memory the checks took is given back first."""
        for name, shown in self._shown.items():
            if isinstance(shown, str):
                con.execute(f"CREATE OR REPLACE VIEW {name} AS {shown}")
            else:
                con.register(name, shown)

    def _view(self, name: str, select: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {select}")
        self._shown[name] = select

    def _register(self, name: str, data: pa.Table) -> None:
        self.con.register(name, data)
        self._shown[name] = data

    def add(self, label: str, order: int, folder: Path) -> ParquetProvince:
        """Read the files of a province's export (their metadata and columns)."""
        province = ParquetProvince(label, order, folder)
        self._files(province)
        self.provinces.append(province)
        return province

    # -- what the rest of the roll-up reads ----------------------------------------------------

    def select(self, table: Table) -> str:
        """Every province's rows of ``table`` as the store keeps them, with ``_p`` and
        ``_prefix``; exact repeats counted once."""
        found = self.tables[table.name]
        columns = ", ".join(quoted(c.name) for c in table.columns)
        distinct = "DISTINCT " if found.repeats else ""
        return f"SELECT {distinct}_p, _prefix, {columns} FROM {found.view}"

    # -- checking ------------------------------------------------------------------------------

    def check(self) -> None:
        """Build the views and run every check; problems go to ``problems``. A file whose
        footer reads but whose pages do not (damaged, cut short) is a problem too."""
        if not self.provinces:
            return
        try:
            self._check()
        except (duckdb.Error, pa.ArrowException, OSError) as exc:
            self._unreadable(exc)
            return
        for province in self.provinces:
            province.warnings.extend(
                prefixed(province.label, repeated_rows(name, n))
                for name, t in self.tables.items()
                if (n := t.repeats.get(province.order, 0))
            )

    def _check(self) -> None:
        for table in TABLES.values():
            self.tables[table.name] = self._views(table)
        for found in self.tables.values():
            self._whole_records(found)
        for found in self.tables.values():
            self._keys(found)
        for name in _PHASED:
            self._phases(self.tables[name])
        self._attendees()
        for found in self.tables.values():
            self._references(found)
        self._dates()
        self._enrolled_attendees()

    def _unreadable(self, error: BaseException) -> None:
        """Name the files that cannot be read through, reading each whole (only now, on the
        way to refusing the exports)."""
        found = False
        for province in self.provinces:
            for files in province.files.values():
                for read in files:
                    try:
                        for _ in pq.ParquetFile(read.path).iter_batches(batch_size=1 << 16):
                            pass
                    except (pa.ArrowException, OSError) as exc:
                        table = read.table.name if read.table else None
                        problem = Problem(read.source, table, None, None, None, unreadable(exc))
                        self.problems.add(problem)
                        found = True
        if not found:  # a file DuckDB reads but pyarrow does not, or the other way round
            reason = _T("unreadable_files", error=one_line(error))
            self.problems.add(Problem("parquet", None, None, None, None, reason))

    def _files(self, province: ParquetProvince) -> None:
        """The readable files of each table, their columns judged; the rest are problems."""
        listed = Text(
            ", ".join(f"{t.name} ({t.zh})" for t in TABLES.values()),
            "、".join(f"{t.zh}（{t.name}）" for t in TABLES.values()),
        )

        def shown(name: str) -> str:
            return f"{province.label}: {printable(name)}"

        for path in folder_files(province.folder, self.problems, shown) or ():
            source = shown(path.name)
            read = read_file(path, source, self.problems, pseudonyms=True)
            if read is None:
                continue
            if read.table is None:
                reason = _T("unknown_table", name=shown_in_both(path.stem), listed=listed)
                self.problems.add(Problem(source, None, None, None, None, reason))
                continue
            if read.table.name == "people":
                note = read.metadata.get(b"supervise.national_id", b"plain")
                province.national_ids = note.decode(errors="replace")
                if province.national_ids == "masked":
                    problem = Problem(source, "people", None, "national_id", None, _T("masked"))
                    self.problems.add(problem)
            if read.columns is None:
                continue
            siblings = province.files.setdefault(read.table.name, [])
            if siblings and not self._same_columns(siblings[0], read):
                continue
            siblings.append(read)

    def _same_columns(self, first: ParquetTable, other: ParquetTable) -> bool:
        assert first.table is not None
        assert first.columns is not None
        assert other.columns is not None
        if set(first.columns.names) == set(other.columns.names):
            return True
        table = first.table
        these = [c for c in table.names if c in other.columns.names]
        before = [c for c in table.names if c in first.columns.names]
        reason = _T("other_columns", layout=", ".join(these), first=", ".join(before))
        self.problems.add(Problem(other.source, table.name, None, None, None, reason))
        return False

    # -- views and cells -----------------------------------------------------------------------

    def _views(self, table: Table) -> _Table:
        held = {
            c
            for p in self.provinces
            for read in p.files.get(table.name, [])
            for c in read.columns.names  # type: ignore[union-attr]
        }
        sources = {
            (p.order, n): read.source
            for p in self.provinces
            for n, read in enumerate(p.files.get(table.name, []))
        }
        layout = tuple(c for c in table.names if c in held)
        raw, view = f"pq_{table.name}_raw", f"pq_{table.name}"
        found = _Table(table, layout, raw, view, sources)
        self._view(raw, self._raw_select(table))
        found.types = {n: t for n, t, *_ in self.con.sql(f"DESCRIBE {raw}").fetchall()}
        self._judge(found)
        self._view(view, self._stored_select(found))
        return found

    def _raw_select(self, table: Table) -> str:
        """Every row of every province's files of ``table``, with its province, prefix, file
        and row. Files whose columns are named and typed alike are read by one scan (DuckDB
        then reads them in parallel, within bounded memory), the rest one by one."""
        groups: dict[tuple[Any, ...], list[tuple[ParquetProvince, int, ParquetTable]]] = {}
        for province in self.provinces:
            for number, read in enumerate(province.files.get(table.name, [])):
                columns = read.columns
                assert columns is not None
                shape = tuple(
                    sorted((n, f, str(columns.types[n])) for n, f in columns.names.items())
                )
                groups.setdefault(shape, []).append((province, number, read))
        parts = [self._group_select(table, n, files) for n, files in enumerate(groups.values())]
        if not parts:
            nulls = ", ".join(
                f"CAST(NULL AS {_raw_type(c)}) AS {quoted(c.name)}" for c in table.columns
            )
            return f"SELECT 0 AS _p, '' AS _prefix, 0 AS _file, 0 AS _row, {nulls} WHERE false"
        return "\nUNION ALL ".join(parts)

    def _group_select(
        self, table: Table, group: int, files: list[tuple[ParquetProvince, int, ParquetTable]]
    ) -> str:
        names = files[0][2].columns.names  # type: ignore[union-attr]
        cells = ", ".join(
            f"t.{quoted(names[c.name])} AS {quoted(c.name)}"
            if c.name in names
            else f"CAST(NULL AS {_raw_type(c)}) AS {quoted(c.name)}"
            for c in table.columns
        )
        paths = "[" + ", ".join(literal.text(str(read.path)) for _, _, read in files) + "]"
        index = f"pq_{table.name}_files_{group}"
        self._register(
            index,
            pa.table(
                {
                    "i": list(range(len(files))),
                    "p": [province.order for province, _, _ in files],
                    "prefix": [province.label + ":" for province, _, _ in files],
                    "f": [number for _, number, _ in files],
                }
            ),
        )
        return (
            f"SELECT f.p AS _p, f.prefix AS _prefix, f.f AS _file, "
            f"t.file_row_number + 1 AS _row, {cells} "
            f"FROM read_parquet({paths}, file_row_number = true) t "
            f"JOIN {index} f ON f.i = t.file_index"
        )

    def _judge(self, found: _Table) -> None:
        """Judge the table's cells: one pass picks the rows a screen picks or with an empty
        required cell (usually none), one more gives the distinct values of the columns that
        are judged whole; the model judges what was picked; each refused cell is a problem."""
        table = found.table
        columns = [table.column(name) for name in found.layout]
        if not columns:
            return
        hashed = {p.order for p in self.provinces if p.national_ids.startswith("hmac-")}
        kinds = {c.name: found.types[c.name] for c in columns}
        whole = [c for c in columns if screen(table, c, kinds[c.name]) == JUDGED_WHOLE]
        screened = [c for c in columns if c not in whole]
        conditions = {c.name: self._condition(found, c, hashed) for c in screened}
        # Each condition alone, ORed: DuckDB evaluates an expression several times slower on
        # rows another condition has already picked.
        picks = [f"({conditions[c.name]})" for c in screened]
        picks += [f"{quoted(c.name)} IS NULL" for c in columns if c.required]
        flags = [f"coalesce({conditions[c.name]}, false) AS f_{n}" for n, c in enumerate(screened)]
        cells = ", ".join(quoted(c.name) for c in columns)
        rows = self.con.sql(
            f"SELECT _p, _file, _row, {cells}{''.join(', ' + f for f in flags)} "
            f"FROM {found.raw} WHERE {' OR '.join(picks) or 'false'} ORDER BY _p, _file, _row"
        ).fetchall()
        picked: dict[str, dict[Any, None]] = {c.name: {} for c in columns}
        for row in rows:
            for n, column in enumerate(screened):
                value = row[3 + columns.index(column)]
                if row[3 + len(columns) + n] and value is not None:
                    picked[column.name][value] = None
        if whole:
            lists = ", ".join(f"list(DISTINCT {quoted(c.name)})" for c in whole)
            (distincts,) = self.con.sql(f"SELECT {lists} FROM {found.raw}").fetchall()
            for column, distinct in zip(whole, distincts, strict=True):
                picked[column.name] = dict.fromkeys(v for v in distinct or () if v is not None)
        for column in columns:
            if column.name == "national_id" and hashed:
                verdicts = self._judge_pseudonyms(found, column, list(picked[column.name]))
            else:
                verdicts = judge(table, column, list(picked[column.name]))
            found.verdicts[column.name] = verdicts
        for province, file, number, *values in rows:
            for column, value in zip(columns, values, strict=False):
                self._report_cell(found, column, province, file, number, value)
        for column in whole:
            if found.verdicts[column.name].bad:
                c = quoted(column.name)
                bad = self._values(found, column, "bad")
                for province, file, number, value in self.con.sql(
                    f"SELECT _p, _file, _row, {c} FROM {found.raw} "
                    f"WHERE {c} IN (SELECT raw FROM {bad}) ORDER BY _p, _file, _row"
                ).fetchall():
                    if not column.required or value is not None:  # NULLs: reported above
                        self._report_cell(found, column, province, file, number, value)

    def _report_cell(
        self, found: _Table, column: Column, province: int, file: int, row: int, value: Any
    ) -> None:
        """A problem for the cell, if the model refused its value or it is empty but required."""
        reason: str
        if value is None:
            if not column.required:
                return
            reason, shown = _T("missing"), None
        elif value in found.verdicts[column.name].bad:
            reason, shown = found.verdicts[column.name].bad[value]
        else:
            return
        source = found.sources[province, file]
        self.problems.add(Problem(source, found.table.name, row, column.name, shown, reason))

    def _condition(self, found: _Table, column: Column, hashed: set[int]) -> str:
        c = quoted(column.name)
        if column.pii and any(p.national_ids == "masked" for p in self.provinces):
            masked = [p.order for p in self.provinces if p.national_ids == "masked"]
            # A masked export's numbers are one problem for the file, not one per row.
            skip = f"_p NOT IN ({', '.join(map(str, masked))})"
        else:
            skip = "true"
        kind = found.types[column.name]
        if column.name == "national_id" and hashed:
            listed = ", ".join(map(str, sorted(hashed)))
            plain = screen(found.table, column, kind)
            pseudonym = f"NOT regexp_full_match({c}, '{PSEUDONYM_PATTERN}')"
            return f"CASE WHEN _p IN ({listed}) THEN {pseudonym} ELSE {plain} END AND {skip}"
        # The screen before anything else: DuckDB evaluates an expression several times
        # slower on the rows an earlier condition has picked.
        return f"({screen(found.table, column, kind)}) AND {skip}"

    def _judge_pseudonyms(self, found: _Table, column: Column, values: Sequence[Any]) -> Verdicts:
        """Numbers of provinces that wrote numbers are judged by the model; a pseudonym must
        look like one."""
        hashed = [p for p in self.provinces if p.national_ids.startswith("hmac-")]
        listed = ", ".join(str(p.order) for p in hashed)
        if not values:
            return Verdicts({}, {})
        self.con.register("pq_picked", pa.table({"v": pa.array(values, pa.string())}))
        odd = {
            row[0]
            for row in self.con.sql(
                f"SELECT DISTINCT national_id FROM {found.raw} "
                f"WHERE _p IN ({listed}) AND national_id IN (SELECT v FROM pq_picked)"
            ).fetchall()
        }
        others = [v for v in values if v not in odd]
        verdicts = judge(found.table, column, others)
        reason = _T("not_pseudonym", scheme=hashed[0].national_ids)
        verdicts.bad.update({v: (reason, f"{v[:8]}…") for v in odd})
        return verdicts

    def _values(self, found: _Table, column: Column, what: str) -> str:
        """A registered relation of a column's refused values (``raw``) or of its values
        stored in another form (``raw``, ``stored``)."""
        verdicts = found.verdicts[column.name]
        name = f"pq_{found.table.name}_{column.name}_{what}"
        if what == "bad":
            data = {"raw": list(verdicts.bad)}
        else:
            data = {"raw": list(verdicts.stored), "stored": list(verdicts.stored.values())}
        self._register(name, pa.table(data))
        return name

    def _stored_select(self, found: _Table) -> str:
        """The rows as the store keeps them; refused cells NULL, ``_bad_cell`` marking them."""
        table = found.table
        joins, cells, bad = [], [], []
        if table.name in _PHASED:  # phases given by name, read as keys (filled by _phases)
            names = f"pq_{table.name}_phase_names"
            self._register(names, _NO_NAMES)
            joins.append(
                f"LEFT JOIN {names} pn ON pn.p = t._p AND pn.c = t.cohort_id AND pn.given = t.phase"
            )
        for n, column in enumerate(table.columns):
            c = f"t.{quoted(column.name)}"
            verdicts = found.verdicts.get(column.name, Verdicts({}, {}))
            value = c
            if verdicts.stored:
                mapping = self._values(found, column, "map")
                joins.append(f"LEFT JOIN {mapping} m{n} ON m{n}.raw = {c}")
                value = f"coalesce(m{n}.stored, {c})"
            value = f"CAST({value} AS {sql_type(column)})"
            default = default_of(table, column)
            if default is not None:
                value = f"CASE WHEN {c} IS NULL THEN {_literal(default)} ELSE {value} END"
            if verdicts.bad:
                refused = f"{c} IN (SELECT raw FROM {self._values(found, column, 'bad')})"
                bad.append(refused)
                value = f"CASE WHEN {refused} THEN NULL ELSE {value} END"
            if column.required and column.name in found.layout:
                bad.append(f"{c} IS NULL")
            if column.name == "phase" and table.name in _PHASED:
                value = f"coalesce(pn.key, {value})"
            cells.append(f"{value} AS {quoted(column.name)}")
        flag = " OR ".join(bad) or "false"
        given = ", t.phase AS _phase_given" if table.name in _PHASED else ""
        return (
            f"SELECT t._p, t._prefix, t._file, t._row, {', '.join(cells)}{given}, "
            f"coalesce({flag}, false) AS _bad_cell FROM {found.raw} t {' '.join(joins)}"
        )

    # -- rules across fields -------------------------------------------------------------------

    def _whole_records(self, found: _Table) -> None:
        """Rules spanning fields: on the rows the ordered pairs pick (every row of a model
        whose rules :data:`ORDERED` does not describe); only rows whose cells passed."""
        model = found.table.model
        if model is None or "__attrs_post_init__" not in vars(model) or not found.layout:
            return
        pairs = ORDERED.get(found.table.name)
        if pairs is None:
            condition = "true"
        else:
            held = [(a, b) for a, b in pairs if a in found.layout and b in found.layout]
            condition = " OR ".join(f"{quoted(a)} > {quoted(b)}" for a, b in held) or "false"
        columns = ", ".join(quoted(c) for c in found.layout)
        rows = self.con.sql(
            f"SELECT _p, _file, _row, {columns} FROM {found.view} "
            f"WHERE NOT _bad_cell AND ({condition}) ORDER BY _p, _file, _row"
        ).fetchall()
        for province, file, row, *values in rows:
            record = dict(zip(found.layout, map(json_cell, values), strict=True))
            try:
                from_dict(model, record)
            except (InvalidRecord, cattrs.BaseValidationError) as exc:
                found.wrong.add((province, file, row))
                source = found.sources[province, file]
                for error in error_leaves(exc):
                    field = getattr(error, "field", None)
                    shown = cell_shown(field or "", record.get(field or ""))
                    reason = error.reason if isinstance(error, InvalidRecord) else reason_of(error)
                    self.problems.add(Problem(source, found.table.name, row, field, shown, reason))

    # -- keys ----------------------------------------------------------------------------------

    def _good(self, found: _Table, *, kept: bool = False) -> str:
        """The rows whose cells and rules across fields passed; with ``kept``, only those an
        import keeps (not rows whose key an earlier row has, nor rows whose phase their
        cohort's program lacks)."""
        out = set(found.wrong)
        if kept:
            out |= found.dropped | found.unphased
        if not out:
            return f"SELECT * FROM {found.view} WHERE NOT _bad_cell"
        name = f"pq_{found.table.name}_out"
        p, f, r = (list(x) for x in zip(*sorted(out), strict=True))
        self.con.register(name, pa.table({"p": p, "f": f, "r": r}))
        return (
            f"SELECT * FROM {found.view} v WHERE NOT _bad_cell AND NOT EXISTS "
            f"(SELECT 1 FROM {name} w WHERE w.p = v._p AND w.f = v._file AND w.r = v._row)"
        )

    def _read(self, found: _Table, columns: Sequence[str]) -> str:
        """Each province's last value of ``columns`` per ``found``'s first column among them
        (a key), as an import reads parents it may not keep: from the rows it keeps, then
        from rows with a refused cell (whose refused cells are empty), the last one winning;
        rows repeating a key are not read, nor rows where one of ``columns`` is empty.
        Columns ``_p``, then ``columns``."""
        if not set(columns) <= set(found.layout):
            nulls = ", ".join(f"NULL AS {quoted(c)}" for c in columns)
            return f"SELECT NULL::BIGINT AS _p, {nulls} WHERE false"
        kept = self._dropped_relation(found)
        partial = self._wrong_relation(found)
        *keys, value = columns
        order = (
            f"(CASE WHEN _bad_cell OR EXISTS (SELECT 1 FROM {partial} w WHERE w.p = v._p "
            "AND w.f = v._file AND w.r = v._row) THEN 1 ELSE 0 END) * 1099511627776 "
            "+ _file * 4294967296 + _row"
        )
        listed = ", ".join(quoted(k) for k in keys)
        filled = " AND ".join(f"{quoted(c)} IS NOT NULL" for c in columns)
        return (
            f"SELECT _p, {listed}, arg_max({quoted(value)}, {order}) AS {quoted(value)} "
            f"FROM {found.view} v WHERE {filled} AND NOT EXISTS (SELECT 1 FROM {kept} d "
            "WHERE d.p = v._p AND d.f = v._file AND d.r = v._row) GROUP BY ALL"
        )

    def _dropped_relation(self, found: _Table) -> str:
        return self._rows_relation(f"pq_{found.table.name}_dropped", found.dropped)

    def _wrong_relation(self, found: _Table) -> str:
        return self._rows_relation(f"pq_{found.table.name}_wrong", found.wrong)

    def _rows_relation(self, name: str, rows: set[tuple[int, int, int]]) -> str:
        """A registered relation ``name`` of (``p``, ``f``, ``r``): province, file, row."""
        ordered = sorted(rows)
        self.con.register(
            name,
            pa.table(
                {
                    "p": pa.array([x[0] for x in ordered], pa.int64()),
                    "f": pa.array([x[1] for x in ordered], pa.int64()),
                    "r": pa.array([x[2] for x in ordered], pa.int64()),
                }
            ),
        )
        return name

    def _keys(self, found: _Table) -> None:
        """Rows of a province sharing a key must be equal: a repeat counts once, another
        row is a problem. A file whose keys only grow, as an export writes them (in key
        order), has no two rows of one key: that is proved by reading its key columns once,
        and only the other provinces' rows are grouped by key."""
        table = found.table
        if not found.layout or not all(k in found.layout for k in table.key):
            return
        unproved = [str(p.order) for p in self.provinces if not self._proved_unique(p, found)]
        if not unproved:
            return
        key = ", ".join(quoted(k) for k in table.key)
        good = f"SELECT * FROM ({self._good(found)}) WHERE _p IN ({', '.join(unproved)})"
        shared = f"SELECT _p, {key} FROM ({good}) GROUP BY ALL HAVING count(*) > 1"
        columns = ", ".join(f"g.{quoted(c)}" for c in found.layout)
        match = " AND ".join(
            [
                "g._p = s._p",
                *(f"g.{quoted(k)} IS NOT DISTINCT FROM s.{quoted(k)}" for k in table.key),
            ]
        )
        rows = self.con.sql(
            f"SELECT g._p, g._file, g._row, {columns} FROM ({good}) g "
            f"WHERE EXISTS (SELECT 1 FROM ({shared}) s WHERE {match}) "
            "ORDER BY g._p, g._file, g._row"
        ).fetchall()
        at = [found.layout.index(k) for k in table.key]
        first: dict[Any, tuple[int, int, tuple[Any, ...]]] = {}
        for province, file, row, *values in rows:
            stored = tuple(map(json_cell, values))
            value = stored[at[0]] if len(at) == 1 else tuple(stored[i] for i in at)
            earlier = first.setdefault((province, value), (file, row, stored))
            if earlier[:2] == (file, row):
                continue
            found.dropped.add((province, file, row))
            if earlier[2] == stored:
                found.repeats[province] = found.repeats.get(province, 0) + 1
                continue
            source, before = found.sources[province, file], found.sources[province, earlier[0]]
            where = at_row("row", earlier[1])
            if before != source:
                where = Text(f"{before} {where.en}", f"{before} {where.zh}")
            if len(at) == 1:
                field: str | None = table.key[0]
                reason = _T("same_key", where=where)
            else:
                field = None
                reason = _T("same_keys", where=where, names=", ".join(table.key))
            self.problems.add(Problem(source, table.name, row, field, value, reason))

    def _proved_unique(self, province: ParquetProvince, found: _Table) -> bool:
        """Whether the province's rows of the table certainly have distinct keys: its one
        file holds them in strictly increasing key order, as the store writes them, and no
        key value is stored in another form than the file's."""
        files = province.files.get(found.table.name, [])
        if not files:
            return True
        if len(files) > 1 or any(found.verdicts[k].stored for k in found.table.key):
            return False
        names = files[0].columns.names  # type: ignore[union-attr]
        return keys_increase(files[0].path, [names[k] for k in found.table.key])

    def _attendees(self) -> None:
        """Every session needs at least one attendee (a row of session_attendees)."""
        sessions, attendees = self.tables["sessions"], self.tables[ATTENDEES.name]
        if "id" not in sessions.layout:
            return
        listed = (
            self._good(attendees, kept=True)
            if "session_id" in attendees.layout
            else "SELECT NULL AS _p, NULL AS session_id WHERE false"
        )
        rows = self.con.sql(
            f"SELECT s._p, s._file, s._row FROM ({self._good(sessions, kept=True)}) s "
            f"LEFT JOIN (SELECT DISTINCT _p, session_id FROM ({listed})) a "
            "ON a._p = s._p AND a.session_id = s.id "
            "WHERE a.session_id IS NULL ORDER BY s._p, s._file, s._row"
        ).fetchall()
        for province, file, row in rows:
            source = sessions.sources[province, file]
            reason = _T("needs_attendees")
            self.problems.add(Problem(source, "sessions", row, ATTENDEES_FIELD, None, reason))

    # -- references ----------------------------------------------------------------------------

    def _references(self, found: _Table) -> None:
        """Every reference to a record the province's export does not hold: all of a
        table's references in one pass over it."""
        refs = [
            ref
            for ref in schema_references().get(found.table.name, ())
            if all(c in found.layout for c in ref.columns)
        ]
        if not refs:
            return
        columns = list(dict.fromkeys(c for ref in refs for c in ref.columns))
        marks = []
        for n, ref in enumerate(refs):
            pairs = zip(ref.columns, ref.parent_columns, strict=True)
            same = " AND ".join(
                ["p._p = c._p", *(f"c.{quoted(a)} = p.{quoted(b)}" for a, b in pairs)]
            )
            absent = " OR ".join(f"c.{quoted(a)} IS NULL" for a in ref.columns)
            parent = self.tables[ref.parent].view
            marks.append(f"({absent} OR EXISTS (SELECT 1 FROM {parent} p WHERE {same})) AS ok{n}")
        listed = ", ".join(f"c.{quoted(c)}" for c in columns)
        every = " AND ".join(f"ok{n}" for n in range(len(refs)))
        rows = self.con.sql(
            f"SELECT * FROM (SELECT c._p, c._file, c._row, {listed}, {', '.join(marks)} "
            f"FROM {found.view} c) WHERE NOT ({every}) ORDER BY _p, _file, _row"
        ).fetchall()
        for province, file, row, *values in rows:
            if (province, file, row) in found.dropped:
                continue
            cells = dict(zip(columns, values, strict=False))
            for n, ref in enumerate(refs):
                if values[len(columns) + n]:
                    continue
                field, value, reason = describe_missing(ref, tuple(cells[c] for c in ref.columns))
                source = found.sources[province, file]
                self.problems.add(Problem(source, found.table.name, row, field, value, reason))

    # -- phases ------------------------------------------------------------------------------

    def _phases(self, found: _Table) -> None:
        """A record's phase must be a phase of its cohort's program, by key or by the name of
        exactly one of its phases (then read as its key, as an import reads it)."""
        if not {"cohort_id", "phase"} <= set(found.layout):
            return
        program_of = self._cohort_values("program_id")
        phases = self._phase_catalogue()
        names: dict[tuple[int, str], dict[str, list[str]]] = {}
        # The few (cohort, phase) pairs first; rows only for a pair given by name or wrong.
        pairs = self.con.sql(
            f"SELECT DISTINCT _p, cohort_id, phase FROM {found.view} "
            "WHERE cohort_id IS NOT NULL AND phase IS NOT NULL"
        ).fetchall()
        wrong: dict[tuple[int, str, str], Text] = {}
        renamed: dict[tuple[int, str, str], str] = {}
        for province, cohort, phase in pairs:
            program = program_of.get((province, cohort))
            if program is None:
                continue  # a missing cohort is reported by its reference
            keys = phases.get((province, program), {})
            if phase in keys:
                continue
            by_name = names.get((province, program))
            if by_name is None:
                by_name = names[province, program] = {}
                for key, name in keys.items():
                    by_name.setdefault(normalise(name), []).append(key)
            found_keys = by_name.get(normalise(phase), [])
            if len(found_keys) == 1:
                renamed[province, cohort, phase] = found_keys[0]
            elif found_keys:
                wrong[province, cohort, phase] = checks.ambiguous_phase(program, phase, found_keys)
            else:
                wrong[province, cohort, phase] = checks.unknown_phase(cohort, program, phase, keys)
        if wrong:
            self._unknown_phases(found, wrong)
        if renamed:
            self._rename_phases(found, renamed)

    def _unknown_phases(self, found: _Table, wrong: dict[tuple[int, str, str], Text]) -> None:
        p, c, k = (list(x) for x in zip(*wrong, strict=True))
        name = f"pq_{found.table.name}_wrong_phases"
        self.con.register(name, pa.table({"p": p, "c": c, "k": k}))
        rows = self.con.sql(
            f"SELECT _p, _file, _row, cohort_id, phase FROM {found.view} t "
            f"WHERE EXISTS (SELECT 1 FROM {name} w "
            "WHERE w.p = t._p AND w.c = t.cohort_id AND w.k = t.phase) ORDER BY _p, _file, _row"
        ).fetchall()
        for province, file, row, cohort, phase in rows:
            if (province, file, row) in found.dropped:
                continue
            found.unphased.add((province, file, row))
            source = found.sources[province, file]
            reason = wrong[province, cohort, phase]
            self.problems.add(Problem(source, found.table.name, row, "phase", phase, reason))

    def _rename_phases(self, found: _Table, renamed: dict[tuple[int, str, str], str]) -> None:
        """Read phases given by name as their keys (the view reads the names from now on); a
        row whose key then equals an earlier row's is a repeat, or a problem when its other
        values differ."""
        p, c, given = (list(x) for x in zip(*renamed, strict=True))
        names = f"pq_{found.table.name}_phase_names"
        self._register(
            names, pa.table({"p": p, "c": c, "given": given, "key": list(renamed.values())})
        )
        found.renamed = True
        table = found.table
        if "phase" not in table.key:
            return
        # Keys with the phase as given are unique (checked): only a renamed row may now
        # share its key with another, the rows an import keeps in order, renamed ones last.
        key = ", ".join(quoted(k) for k in table.key)
        columns = ", ".join(quoted(c) for c in found.layout)
        good = self._good(found, kept=True)
        rows = self.con.sql(
            f"SELECT _p, _file, _row, _phase_given, {columns} FROM ({good}) g "
            f"WHERE ({'_p, ' + key}) IN (SELECT _p, {key} FROM ({good}) GROUP BY ALL "
            "HAVING count(*) > 1) "
            "ORDER BY _phase_given IS DISTINCT FROM phase, _p, _file, _row"
        ).fetchall()
        at = [found.layout.index(k) for k in table.key]
        first: dict[Any, tuple[int, int, tuple[Any, ...]]] = {}
        for province, file, row, phase_given, *values in rows:
            stored = tuple(map(json_cell, values))
            value = tuple(stored[i] for i in at)
            earlier = first.setdefault((province, value), (file, row, stored))
            if earlier[:2] == (file, row):
                continue
            found.dropped.add((province, file, row))
            if earlier[2] == stored:
                found.repeats[province] = found.repeats.get(province, 0) + 1
                continue
            source = found.sources[province, file]
            before = found.sources[province, earlier[0]]
            at_first = at_row("row", earlier[1])
            where = Text(f"{before} {at_first.en}", f"{before} {at_first.zh}")
            reason = _T("same_key_by_name", where=where)
            self.problems.add(Problem(source, table.name, row, "phase", phase_given, reason))

    def _cohort_values(self, column: str) -> dict[tuple[int, str], Any]:
        """Each cohort's ``column``, by province and cohort id, as an import reads it."""
        cohorts = self.tables["cohorts"]
        return {
            (province, cohort): value
            for province, cohort, value in self.con.sql(
                self._read(cohorts, ["id", column])
            ).fetchall()
        }

    def _phase_catalogue(self) -> dict[tuple[int, str], dict[str, str]]:
        """Each program's phases (key: name, in the order an import meets them), by province
        and program id."""
        phases = self.tables["phases"]
        found: dict[tuple[int, str], dict[str, str]] = {}
        if not {"program_id", "key", "name"} <= set(phases.layout):
            return found
        partial = self._wrong_relation(phases)
        kept = self._dropped_relation(phases)
        rows = self.con.sql(
            f"SELECT _p, program_id, key, name FROM {phases.view} v "
            "WHERE program_id IS NOT NULL AND key IS NOT NULL AND name IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {kept} d WHERE d.p = v._p AND d.f = v._file "
            "AND d.r = v._row) "
            f"ORDER BY _p, _bad_cell OR EXISTS (SELECT 1 FROM {partial} w WHERE w.p = v._p "
            "AND w.f = v._file AND w.r = v._row), _file, _row"
        ).fetchall()
        for province, program, key, name in rows:
            found.setdefault((province, program), {})[key] = name
        return found

    # -- dates and attendance ------------------------------------------------------------------

    def _dates(self) -> None:
        """Records dated before their cohort starts are problems; before their trainee's
        enrolment, a warning per file (as an import says both)."""
        starts = self._read(self.tables["cohorts"], ["id", "starts_on"])
        enrolled = self._read(self.tables["enrollments"], ["person_id", "cohort_id", "enrolled_on"])
        for table, column in checks.DATED:
            found = self.tables[table]
            if not {"cohort_id", column} <= set(found.layout):
                continue
            day = quoted(column)
            person = "person_id" in found.layout
            since = "e.enrolled_on" if person else "NULL::DATE"
            join = (
                f"LEFT JOIN ({enrolled}) e ON e._p = r._p AND e.person_id = r.person_id "
                "AND e.cohort_id = r.cohort_id"
                if person
                else ""
            )
            rows = self.con.sql(
                f"SELECT r._p, r._file, r._row, r.cohort_id, r.{day}, s.starts_on, {since} "
                f"FROM ({self._good(found, kept=True)}) r "
                f"LEFT JOIN ({starts}) s ON s._p = r._p AND s.id = r.cohort_id {join} "
                f"WHERE r.{day} < s.starts_on OR r.{day} < {since} "
                "ORDER BY r._p, r._file, r._row"
            ).fetchall()
            early: dict[tuple[int, int], list[int]] = {}
            for province, file, row, cohort, on, start, enrolment in rows:
                source = found.sources[province, file]
                if start is not None and on < start:
                    reason = checks.before_cohort(cohort, start.isoformat())
                    problem = Problem(source, table, row, column, on.isoformat(), reason)
                    self.problems.add(problem)
                elif enrolment is not None and on < enrolment:
                    early.setdefault((province, file), []).append(row)
            for (province, file), numbers in early.items():
                text = checks.before_enrolment(found.sources[province, file], "row", numbers)
                self._warn(province, text)

    def _enrolled_attendees(self) -> None:
        """An attendee must be enrolled in the session's cohort (a problem); attending
        before the enrolment is a warning per file."""
        attendees, sessions = self.tables[ATTENDEES.name], self.tables["sessions"]
        if not {"session_id", "person_id"} <= set(attendees.layout):
            return
        if not {"id", "cohort_id", "on"} <= set(sessions.layout):
            return
        enrolled = self._read(self.tables["enrollments"], ["person_id", "cohort_id", "enrolled_on"])
        rows = self.con.sql(
            f"SELECT a._p, a._file, a._row, a.session_id, a.person_id, s.cohort_id, s.on, "
            f"e.enrolled_on FROM ({self._good(attendees, kept=True)}) a "
            f"JOIN ({self._good(sessions, kept=True)}) s ON s._p = a._p AND s.id = a.session_id "
            f"LEFT JOIN ({enrolled}) e ON e._p = a._p AND e.person_id = a.person_id "
            "AND e.cohort_id = s.cohort_id "
            "WHERE e.enrolled_on IS NULL OR s.on < e.enrolled_on "
            "ORDER BY a._p, a._file, a._row"
        ).fetchall()
        early: dict[tuple[int, int], list[int]] = {}
        for province, file, row, session, person, cohort, _on, enrolment in rows:
            source = attendees.sources[province, file]
            if enrolment is None:
                reason = checks.not_enrolled(person, cohort, session)
                problem = Problem(source, ATTENDEES.name, row, "person_id", person, reason)
                self.problems.add(problem)
            else:
                early.setdefault((province, file), []).append(row)
        for (province, file), numbers in early.items():
            text = checks.attended_before(attendees.sources[province, file], "row", numbers)
            self._warn(province, text)

    def _warn(self, order: int, text: Text) -> None:
        """A warning about the province ``order``'s files (their names say which)."""
        for province in self.provinces:
            if province.order == order:
                province.warnings.append(text)


def keys_increase(path: Path, columns: list[str]) -> bool:
    """Whether the rows of the Parquet file at ``path`` are in strictly increasing order of
    ``columns`` (compared as the store orders them: text by code point), with no empty key."""
    previous: tuple[Any, ...] | None = None
    for batch in pq.ParquetFile(path).iter_batches(batch_size=1 << 20, columns=columns):
        arrays = [_decoded(a) for a in batch.columns]
        if batch.num_rows == 0:
            continue
        if any(a.null_count for a in arrays):
            return False
        rows = batch.num_rows
        later = [a.slice(1) for a in arrays]
        earlier = [a.slice(0, rows - 1) for a in arrays]
        if rows > 1 and not pc.all(_greater(later, earlier)).as_py():
            return False
        first = tuple(a[0].as_py() for a in arrays)
        if previous is not None and not first > previous:
            return False
        previous = tuple(a[rows - 1].as_py() for a in arrays)
    return True


def _decoded(array: pa.Array) -> pa.Array:
    return array.dictionary_decode() if pa.types.is_dictionary(array.type) else array


def _greater(later: list[pa.Array], earlier: list[pa.Array]) -> pa.Array:
    """Row by row, whether ``later``'s key is greater than ``earlier``'s (lexicographic)."""
    result = pc.greater(later[-1], earlier[-1])
    for a, b in zip(reversed(later[:-1]), reversed(earlier[:-1]), strict=True):
        result = pc.or_(pc.greater(a, b), pc.and_(pc.equal(a, b), result))
    return result


def _raw_type(column: Column) -> str:
    """The SQL type of a column a file leaves out (its cells are all empty)."""
    kind = arrow_type(column)
    if pa.types.is_decimal(kind):
        return f"DECIMAL({kind.precision}, {kind.scale})"
    return {
        "text": "VARCHAR",
        "integer": "BIGINT",
        "real": "DOUBLE",
        "date": "DATE",
        "boolean": "BOOLEAN",
    }[column.kind]


_NO_NAMES = pa.table(
    {
        "p": pa.array([], pa.int64()),
        "c": pa.array([], pa.string()),
        "given": pa.array([], pa.string()),
        "key": pa.array([], pa.string()),
    }
)


def prefixed(label: str, text: Text | str) -> Text:
    """``text`` of the province ``label``, in both languages: ``ningxia: ...``."""
    if isinstance(text, Text):
        return Text(f"{label}: {text.en}", f"{label}: {text.zh}")
    return Text(f"{label}: {text}", f"{label}: {text}")


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return literal.text(value)
    return literal.number(value)
