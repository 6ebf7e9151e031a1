"""Import exchange files into a registry: all or nothing, with every problem reported.

An import reads every table of every file (parents first), checks each row with the model's
rules, matches people by national ID number, checks every reference against the files and the
registry, and only then writes, upserting each table with ``executemany`` in the same
transaction that did the checking. One problem anywhere and nothing is written:
:class:`~supervise.errors.ImportFailed` lists the problems.

Upserts write only the columns the files give, so a file without an optional column leaves that
column of stored rows alone, and they only touch rows whose values differ, so importing the same
file twice changes nothing the second time.

>>> import supervise, json, pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "programs.csv").write_text("项目编号,项目名称\\nah-2024,安徽三区计划\\n")
>>> registry = supervise.open()
>>> report = import_files(registry, [folder])
>>> report.tables["programs"]
TableCounts(inserted=1, updated=0, unchanged=0, removed=0)
>>> import_files(registry, [folder]).changed
False
"""

from __future__ import annotations

import operator
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supervise.errors import ImportFailed, printable, reason_of, shown_in_both
from supervise.exchange.checks import check_dates, location_notes, resolve_phases
from supervise.exchange.gather import Gathered, gather
from supervise.exchange.headers import ATTENDEES_FIELD, table_named
from supervise.exchange.match import match_people, person_columns
from supervise.exchange.problems import Problem, Problems, repeated_rows
from supervise.exchange.read import Sheet, open_sheets
from supervise.exchange.report import ImportReport, PersonMatch, TableCounts
from supervise.lang import Catalogue, Text
from supervise.store.attendees import replace_attendees, stored_attendees
from supervise.store.busy import announce
from supervise.store.integrity import check_references
from supervise.store.provenance import content_hash, file_names, record_import
from supervise.store.sql import Reference, insert_sql, q, references, select_in, upsert_sql
from supervise.tables import ATTENDEES, TABLES

if TYPE_CHECKING:
    from supervise.store import Store as Registry

__all__ = ["StepCallback", "import_files"]

#: ``on_step(stage, done, total)``: ``stage`` is ``"checking"`` (rows read) or ``"writing"``
#: (rows written); ``total`` is an estimate while checking.
StepCallback = Callable[[str, int, int], None]

_BATCH = 20_000  # rows per executemany call
_T = Catalogue(
    __name__,
    {
        "unknown_table": (
            "未知的表 {name}；可用的表：{listed}",
            "unknown table {name}; expected one of {listed}",
        ),
        "needs_attendees": (
            "新的督导记录需要参加人员（session_attendees 表中的行；JSON 中为列表）",
            "a new session needs attendees (rows of session_attendees; in JSON a list)",
        ),
        "refused": ("登记库拒绝了这些行：{error}", "the registry refused the rows: {error}"),
    },
)
#: SQLite's page cache during an import (``PRAGMA cache_size``; negative: KiB): 64 MiB keeps
#: the indexes of a million-row table in memory while they grow, twice as fast as the default.
CACHE_SIZE = -65536


class _DryRun(Exception):
    """Raised inside the transaction of a dry run to roll it back, carrying the report."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report


def import_files(
    registry: Registry,
    paths: Iterable[str | os.PathLike[str]],
    *,
    dry_run: bool = False,
    on_step: StepCallback | None = None,
    actor: str | None = None,
) -> ImportReport:
    """Import the exchange files at ``paths`` into ``registry`` as one batch, in one
    transaction. With ``dry_run`` everything is checked and counted, then rolled back.

    The registry file is checked first (``PRAGMA quick_check``): a damaged file raises
    :class:`~supervise.errors.CorruptRegistry` and nothing is written. While the import
    holds the write lock it leaves a note beside the file (:mod:`supervise.store.busy`)
    naming itself, ``actor`` (default: the registry's) and its progress, for the other
    processes that wait or read meanwhile.

    Raises :class:`~supervise.errors.ImportFailed` listing every problem; then nothing is
    written. Raises :class:`~supervise.errors.MissingExtra` for an XLSX file without openpyxl.
    """
    files = [Path(p) for p in paths]
    conn = registry.conn
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
    who = actor or registry.actor
    try:
        with (
            registry.transaction(
                operation="import", actor=who, detail=file_names(files), verify=True
            ) as write,
            announce(registry.path, "import", [str(f) for f in files], who) as note,
        ):
            # The trail counts the rows an import inserts rather than listing each (a
            # million activity rows would double the file); updates and removals are listed.
            write.list_rows(False)
            told = _both(None if note is None else note.progress, on_step)
            report = _Import(conn, files, told, registry.seal).run(dry_run)
            write.counts = {n: {"inserted": c.inserted} for n, c in report.tables.items()}
            registry.changed(
                *(n for n, c in report.tables.items() if c.inserted or c.updated or c.removed)
            )
            if dry_run:
                raise _DryRun(report)
            # Provenance lands with the data, in the same transaction. An import that changed
            # nothing leaves no record, so re-importing a file leaves the registry as it was.
            if report.changed:
                tables = {name: counts.to_dict() for name, counts in report.tables.items()}
                record_import(conn, file_names(files), content_hash(files), tables)
    except _DryRun as rolled_back:
        return rolled_back.report
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
    return report


def _both(first: StepCallback | None, second: StepCallback | None) -> StepCallback | None:
    """One step callback that calls both, in order (either may be missing)."""
    if first is None or second is None:
        return first or second

    def both(stage: str, done: int, total: int) -> None:
        first(stage, done, total)
        second(stage, done, total)

    return both


class _Import:
    def __init__(
        self,
        conn: sqlite3.Connection,
        files: Sequence[Path],
        on_step: StepCallback | None,
        seal: Seal,
    ) -> None:
        self.seal = seal
        self.conn = conn
        self.files = files
        self.source = printable(", ".join(str(f) for f in files))
        self.on_step = on_step
        self.problems = Problems()
        self.refs = references(conn)

    def run(self, dry_run: bool) -> ImportReport:
        with ExitStack() as stack:
            sheets = open_sheets(self.files, stack, self.problems)
            gathered, matches = self.gather(sheets)
        resolve_phases(self.conn, gathered, self.problems)
        _check_new_sessions(self.conn, gathered, self.problems)
        _check_references(self.conn, self.refs, gathered, self.problems)
        dates = check_dates(self.conn, gathered, self.problems)
        if self.problems:
            raise ImportFailed(self.source, self.problems.listed(), self.problems.total)
        notes = location_notes(self.conn, gathered.get("people"), self.seal)  # before writing
        if "people" in gathered:
            _seal_people(gathered["people"], self.seal)
        counts = self.write(gathered)
        warnings = [*self.problems.warnings, *notes, *dates, *_repeats(gathered)]
        return ImportReport(self.source, dry_run, counts, tuple(matches), tuple(warnings))

    def gather(self, sheets: list[Sheet]) -> tuple[dict[str, Gathered], list[PersonMatch]]:
        """Every table's rows, parents first; people are matched before their references."""
        by_table: dict[str, list[tuple[int, Sheet]]] = {}
        for number, sheet in enumerate(sheets):
            name = table_named(sheet.name)
            if name is None:
                listed = Text(
                    ", ".join(f"{t.name} ({t.zh})" for t in TABLES.values()),
                    "、".join(f"{t.zh}（{t.name}）" for t in TABLES.values()),
                )
                reason = _T("unknown_table", name=shown_in_both(sheet.name), listed=listed)
                self.problems.add(Problem(sheet.source, None, None, None, None, reason))
            else:
                by_table.setdefault(name, []).append((number, sheet))
        tick = self.ticker("checking", sum(s.size for s in sheets))
        person = person_columns(self.refs)
        attendees = Gathered(ATTENDEES)
        gathered: dict[str, Gathered] = {}
        ids: dict[str, str] = {}
        matches: list[PersonMatch] = []
        for name, table in TABLES.items():
            for number, sheet in by_table.get(name, ()):
                into = (
                    attendees if table is ATTENDEES else gathered.setdefault(name, Gathered(table))
                )
                gather(
                    into,
                    sheet,
                    number,
                    self.problems,
                    people=ids,
                    person_columns=person[name],
                    attendees=attendees,
                    tick=tick,
                )
            if name == "people" and name in gathered:
                ids, matches = match_people(self.conn, gathered[name], self.problems, self.seal)
        if attendees.columns is not None:
            gathered[ATTENDEES.name] = attendees
        return gathered, matches

    def ticker(self, stage: str, total: int) -> Callable[[int], None] | None:
        if self.on_step is None:
            return None
        report, done = self.on_step, 0

        def tick(rows: int) -> None:
            nonlocal done
            done += rows
            report(stage, done, max(total, done))

        return tick

    def write(self, gathered: Mapping[str, Gathered]) -> dict[str, TableCounts]:
        """Upsert every table, parents first; a refusal by SQLite (which the checks should
        have foreseen) is still reported as a problem, and nothing is written."""
        tick = self.ticker("writing", sum(len(g.rows) for g in gathered.values()))
        counts: dict[str, TableCounts] = {}
        for name in TABLES:
            into = gathered.get(name)
            if into is None or into.columns is None:
                continue
            try:
                if name == ATTENDEES.name:
                    counts[name] = _write_attendees(self.conn, into)
                else:
                    counts[name] = _upsert(self.conn, into, tick)
            except sqlite3.IntegrityError as exc:
                sources = sorted({source for source, _ in into.sources.values()})
                reason = _T("refused", error=reason_of(exc))
                problem = Problem(", ".join(sources), name, None, None, None, reason)
                raise ImportFailed(self.source, [problem], 1) from None
        return counts


def _upsert(
    conn: sqlite3.Connection, into: Gathered, tick: Callable[[int], None] | None
) -> TableCounts:
    table, columns = into.table, into.columns or ()
    count = f"SELECT count(*) FROM {q(table.name)}"
    before, changes = conn.execute(count).fetchone()[0], 0
    # Into an empty table every row is new (keys are unique within the import): insert.
    sql = (upsert_sql if before else insert_sql)(table, columns)
    values = (entry[2] for entry in into.rows.values())
    while batch := list(islice(values, _BATCH)):
        # rowcount counts the rows the statement changed, not the audit trail's own entries
        changes += max(conn.executemany(sql, batch).rowcount, 0)
        if tick is not None:
            tick(len(batch))
    inserted = conn.execute(count).fetchone()[0] - before
    updated = changes - inserted
    return TableCounts(inserted, updated, len(into.rows) - inserted - updated)


def _write_attendees(conn: sqlite3.Connection, into: Gathered) -> TableCounts:
    """Each session in the import gets exactly the attendees the import lists for it."""
    wanted: dict[str, set[str]] = {}
    for session, person in into.rows:
        wanted.setdefault(session, set()).add(person)
    stored = stored_attendees(conn, list(wanted))
    none: frozenset[str] = frozenset()
    counts = TableCounts(
        inserted=sum(len(people - stored.get(s, none)) for s, people in wanted.items()),
        unchanged=sum(len(people & stored.get(s, none)) for s, people in wanted.items()),
        removed=sum(len(stored.get(s, none) - people) for s, people in wanted.items()),
    )
    replace_attendees(conn, {s: frozenset(p) for s, p in wanted.items()}, stored)
    return counts


#: ``seal(column, value)``: a value as the registry stores it (a protected registry keeps
#: national ID and phone numbers encrypted; see :meth:`supervise.store.Store.seal`).
Seal = Callable[[str, Any], Any]


def _seal_people(people: Gathered, seal: Seal) -> None:
    """The people's national ID and phone numbers as the registry stores them."""
    layout = people.columns or ()
    at = [(n, c) for n, c in enumerate(layout) if c in ("national_id", "phone")]
    if not at:
        return
    for key, (sheet, row, values) in list(people.rows.items()):
        changed = list(values)
        for n, column in at:
            changed[n] = seal(column, changed[n])
        people.rows[key] = (sheet, row, tuple(changed))


def _repeats(gathered: Mapping[str, Gathered]) -> list[Text]:
    return [repeated_rows(name, into.repeats) for name, into in gathered.items() if into.repeats]


# -- checks across tables -------------------------------------------------------------------


def _check_new_sessions(
    conn: sqlite3.Connection, gathered: Mapping[str, Gathered], problems: Problems
) -> None:
    """A session new to the registry needs at least one attendee in the import."""
    sessions = gathered.get("sessions")
    if sessions is None or not sessions.rows:
        return
    attended = {session for session, _ in gathered.get(ATTENDEES.name, Gathered(ATTENDEES)).rows}
    lacking = [sid for sid in sessions.rows if sid not in attended]
    stored = {row[0] for row in select_in(conn, "sessions", ("id",), "id", lacking)}
    for sid in lacking:
        if sid not in stored:
            source, unit, row = sessions.where(sessions.rows[sid])
            reason = _T("needs_attendees")
            problems.add(Problem(source, "sessions", row, ATTENDEES_FIELD, None, reason, unit))


def _check_references(
    conn: sqlite3.Connection,
    refs: Mapping[str, list[Reference]],
    gathered: Mapping[str, Gathered],
    problems: Problems,
) -> None:
    """Every reference to a record neither in the import nor in the registry, and every phase
    unknown to its cohort's program, for each row (bad rows included).

    :func:`~supervise.store.integrity.check_references` runs once per foreign key and once for
    the phases of each table, on the distinct values of the columns that check reads (a
    hundred thousand trainees, not a million activity rows); each finding is then traced back
    to the rows that hold those values."""
    for name, into in gathered.items():
        entries = list(into.entries())
        rows = [entry[2] for entry in entries]
        for columns, context in _reference_checks(refs, name, into.columns or ()):
            get = _getter(into.columns or (), columns)
            distinct = list(dict.fromkeys(map(get, rows)))
            batch = {name: _as_rows(columns, distinct)}
            for parent, parent_columns in context:
                if parent in gathered and parent != name:
                    batch[parent] = _rows_of(gathered[parent], parent_columns)
            found = check_references(conn, refs, batch, only=(name,))
            if not found:
                continue
            bad: dict[Any, list[Any]] = {}
            for finding in found:
                bad.setdefault(distinct[finding.index], []).append(finding)
            for entry, values in zip(entries, map(get, rows), strict=True):
                for finding in bad.get(values, ()):
                    source, unit, row = into.where(entry)
                    problems.add(
                        Problem(
                            source, name, row, finding.field, finding.value, finding.reason, unit
                        )
                    )


def _reference_checks(
    refs: Mapping[str, list[Reference]], table: str, layout: Sequence[str]
) -> Iterator[tuple[tuple[str, ...], list[tuple[str, tuple[str, ...]]]]]:
    """The checks a table's rows need: the columns each reads, and the parent tables (with
    the columns of theirs it reads) whose rows in the import count as existing records."""
    # Phases are checked, and read by name, by checks.resolve_phases.
    for ref in refs.get(table, ()):
        if all(c in layout for c in ref.columns):
            yield ref.columns, [(ref.parent, ref.parent_columns)]


def _getter(layout: Sequence[str], columns: Sequence[str]) -> Callable[[tuple[Any, ...]], Any]:
    """Gets ``columns`` from a row in ``layout``: a value for one column, else a tuple."""
    return operator.itemgetter(*(layout.index(c) for c in columns))


def _as_rows(columns: Sequence[str], values: list[Any]) -> list[dict[str, Any]]:
    if len(columns) == 1:
        return [{columns[0]: value} for value in values]
    return [dict(zip(columns, value, strict=True)) for value in values]


def _rows_of(into: Gathered, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The import's rows of a parent table, as the check reads them (distinct)."""
    layout = into.columns or ()
    if not all(c in layout for c in columns):
        return []  # a required column missing: already a problem
    get = _getter(layout, columns)
    return _as_rows(columns, list(dict.fromkeys(map(get, (e[2] for e in into.entries())))))
