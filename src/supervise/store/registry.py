"""The registry: every record of a province (or a notebook) in one SQLite database.

>>> import supervise
>>> from supervise.model import Program
>>> registry = supervise.open()                 # in memory; supervise.open("cohorts.db") for a file
>>> registry.add(Program(id="nx-sup-2024", name="宁夏社会工作督导人才培养项目"))
{'programs': 1}
>>> registry.get(Program, "nx-sup-2024").name
'宁夏社会工作督导人才培养项目'
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import sqlite_utils

from supervise.convert import from_dict, to_dict
from supervise.core.eligibility import EligibilityReport, Population, eligibility
from supervise.core.outcomes import OutcomeTally, outcome_tally
from supervise.core.policy import Policy, load_policy
from supervise.core.progress import DEFAULT_TOLERANCE, CohortProgress
from supervise.core.rules import Measure
from supervise.core.snapshot import CohortSnapshot
from supervise.core.targets import (
    Target,
    TargetStatus,
    count,
    history_dates,
    target_status,
    year_before,
)
from supervise.core.tiers import TierCounts, tiers
from supervise.dates import parse_date
from supervise.errors import (
    IntegrityError,
    InvalidRecord,
    NotFound,
    SuperviseError,
)
from supervise.model import (
    MODELS,
    Activity,
    Cohort,
    Deliverable,
    Enrollment,
    Exemption,
    MentorRole,
    Outcome,
    Pairing,
    Person,
    PhaseSpec,
    Program,
    Session,
    record_label,
)
from supervise.pii import mask_national_id, trusted_load
from supervise.store.attendees import replace_attendees, stored_attendees
from supervise.store.integrity import check_references
from supervise.store.population import population
from supervise.store.progress import cohorts_progress
from supervise.store.provenance import ImportRecord, list_imports
from supervise.store.schema import SCHEMA_VERSION, check_version, migrate
from supervise.store.sql import q, references, select_in, upsert_sql
from supervise.tables import ATTENDEES, TABLES, table_of

if TYPE_CHECKING:
    from supervise.exchange import ImportReport, Progress

__all__ = ["Registry", "open"]

T = TypeVar("T")
_BUSY_TIMEOUT_SECONDS = 30.0
_savepoints = itertools.count()


def open(path: str | os.PathLike[str] | None = None) -> Registry:
    """Open the registry stored at ``path`` (created when missing), or an empty in-memory
    registry when ``path`` is ``None``. An older database is migrated; one written by a
    newer `supervise` raises :class:`~supervise.errors.SchemaVersionError`."""
    return Registry(path)


class Registry:
    """A SQLite-backed store of model records with enforced references.

    Every write runs in one transaction: it lands whole or not at all. Writing a record
    whose key exists replaces it (upsert); writing the same record again changes nothing.
    File databases use WAL, so readers see a consistent snapshot while a write is under way.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path: str | None = None if path is None else os.fspath(path)
        where = self.path or ":memory:"
        try:
            conn = sqlite3.connect(
                where, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA foreign_keys = ON")
            self.conn = conn
            self.db = sqlite_utils.Database(conn, execute_plugins=False)
            check_version(conn, where)  # before WAL: refuse a newer file without touching it
            if self.path is not None:
                self.db.enable_wal()
                conn.execute("PRAGMA synchronous = NORMAL")
            with self.transaction():
                self.migrated_from = migrate(conn, where)
        except sqlite3.DatabaseError as exc:
            raise SuperviseError(f"cannot open {where!r} as a registry: {exc}") from None
        self._references = references(conn)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self.conn.close()

    def backup(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write a consistent copy of the registry to ``path`` with SQLite's online backup
        API, while other connections may keep reading and writing. The copy is written to
        a temporary file next to ``path`` and moved into place, so ``path`` never holds half
        a copy. Refuses to replace an existing file unless ``overwrite`` is true."""
        target = os.fspath(path)
        if os.path.exists(target) and not overwrite:
            raise SuperviseError(f"{target!r} exists; pass overwrite=True to replace it")
        folder = os.path.dirname(os.path.abspath(target))
        handle, partial = tempfile.mkstemp(prefix=".backup-", suffix=".db", dir=folder)
        os.close(handle)
        try:
            copy = sqlite3.connect(partial)
            try:
                self.conn.backup(copy)
            finally:
                copy.close()
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as exc:
            raise SuperviseError(f"cannot back up to {target!r}: {exc}") from None
        finally:
            if os.path.exists(partial):
                os.remove(partial)

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{n} {name}" for name, n in self.counts().items() if name in _SUMMARY_TABLES
        )
        return f"<Registry {self.path or ':memory:'} schema v{SCHEMA_VERSION}: {counts}>"

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one write transaction (a savepoint when nested).

        ``BEGIN IMMEDIATE`` takes the write lock at once, so two processes writing the same
        file queue (up to 30 s) instead of failing half-way."""
        if _in_transaction(self.conn):
            name = f"supervise_{next(_savepoints)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if _in_transaction(self.conn):
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if _in_transaction(self.conn):
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------------

    def add(self, *records: Any) -> dict[str, int]:
        """Write model records (objects, or iterables of them) in one transaction.

        Returns the number of rows inserted or changed per table; rows already stored with
        the same values are not counted. Raises :class:`~supervise.errors.IntegrityError`,
        naming the record and field, when a record refers to a missing one (a pairing whose
        mentor has no role in the cohort, an activity for a phase its program lacks) and
        writes nothing then.
        """
        batch = _group(records)
        rows = {name: [to_dict(r) for r in items] for name, items in batch.items()}
        if Session.__table__ in rows:
            rows[ATTENDEES.name] = [
                {"session_id": s["id"], "person_id": p}
                for s in rows[Session.__table__]
                for p in s.pop("attendees")
            ]
        problems = check_references(self.conn, self._references, rows)
        if problems:
            first = problems[0]
            record = (
                record_label(batch[first.table][first.index])
                if first.table in batch
                else first.table
            )
            raise IntegrityError(record, first.field, first.value, first.reason, len(problems) - 1)
        self._check_national_ids(batch.get(Person.__table__, []))
        changed: dict[str, int] = {}
        try:
            with self.transaction():
                for name in TABLES:
                    if name in rows and name != ATTENDEES.name:
                        changed[name] = self._upsert(name, rows[name])
                if Session.__table__ in batch:
                    changed[ATTENDEES.name] = replace_attendees(
                        self.conn, {s.id: s.attendees for s in batch[Session.__table__]}
                    )
        except sqlite3.IntegrityError as exc:  # a backstop: the checks above should catch it
            raise IntegrityError("registry", "?", None, str(exc)) from None
        return {name: n for name, n in changed.items() if n or name != ATTENDEES.name}

    def _upsert(self, name: str, rows: list[dict[str, Any]]) -> int:
        table = TABLES[name]
        sql = upsert_sql(table, table.names)
        before = self.conn.total_changes
        self.conn.executemany(sql, [tuple(row[c] for c in table.names) for row in rows])
        return self.conn.total_changes - before

    def _check_national_ids(self, people: list[Person]) -> None:
        """A national ID already held by another person id is the same person: refuse.
        One query per few hundred people, not one per person."""
        numbers = {p.national_id: p for p in people if p.national_id is not None}
        owners = list(
            select_in(self.conn, "people", ("national_id", "id"), "national_id", list(numbers))
        )
        for number, owner in owners:
            person = numbers[number]
            if owner != person.id:
                raise IntegrityError(
                    record_label(person),
                    "national_id",
                    mask_national_id(number),
                    f"the same national ID is already registered to person {owner!r}",
                )

    # -- exchange ----------------------------------------------------------------------------

    def import_file(
        self,
        path: str | os.PathLike[str],
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import an exchange file in the ``supervise/1`` format: a JSON document, a folder or
        ZIP of CSV files, a single CSV or an XLSX workbook (English or Chinese headers).

        All or nothing: any problem raises :class:`~supervise.errors.ImportFailed` listing
        every problem, and nothing is written. Rows are upserted by key, so importing the same
        file again changes nothing; a person with a new id but a known national ID number is
        matched to the known person. With ``dry_run`` nothing is written either way.
        ``progress(stage, done, total)``, if given, is called as rows are checked and
        written. See :mod:`supervise.exchange` and docs/exchange.md."""
        from supervise.exchange import import_files

        return import_files(self, [path], dry_run=dry_run, progress=progress)

    def imports(self) -> list[ImportRecord]:
        """Every import that wrote to this registry, oldest first: source, SHA-256 of the
        content, time (UTC) and rows per table. Imports that changed nothing, dry runs and
        refused files leave no record."""
        return list_imports(self.conn)

    def export(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,
        include_pii: bool = False,
        headers: str = "en",
        neutralise_formulas: bool = True,
    ) -> dict[str, int]:
        """Write every record to ``path`` in the ``supervise/1`` format: ``json``, ``csv`` (a
        folder of files with a manifest), ``zip`` (that folder zipped) or ``xlsx``, by default
        from the suffix of ``path``, atomically. National ID and phone numbers are masked
        unless ``include_pii``; ``headers="zh"`` writes Chinese column labels and vocabulary
        values in CSV and XLSX; ``neutralise_formulas=False`` writes CSV text that would start
        a spreadsheet formula as it is, for programs rather than spreadsheets. Returns the
        rows written per table. See :mod:`supervise.exchange.write`."""
        from supervise.exchange.write import export

        return export(
            self,
            path,
            format,
            include_pii=include_pii,
            headers=headers,
            neutralise_formulas=neutralise_formulas,
        )

    # -- reading -----------------------------------------------------------------------------

    def get(self, cls: type[T], *key: Any) -> T:
        """The record of model class ``cls`` with key ``key`` (``get(Person, "p1")``,
        ``get(Enrollment, "p1", "c1")``); raises :class:`~supervise.errors.NotFound`."""
        table = table_of(cls)
        if len(key) != len(table.key):
            raise TypeError(
                f"{cls.__name__} is keyed by {', '.join(table.key)}; got {len(key)} values"
            )
        found = self.find(cls, **dict(zip(table.key, key, strict=True)))
        if not found:
            raise NotFound(cls.__name__, key[0] if len(key) == 1 else key)
        return found[0]

    def find(self, cls: type[T], **where: Any) -> list[T]:
        """Records of ``cls`` whose columns equal the given values, in key order:
        ``find(Activity, cohort_id="c1", person_id="p1")``."""
        table = table_of(cls)
        for column in where:
            if column not in table.names:
                raise TypeError(
                    f"{cls.__name__} has no field {column!r}; fields: {', '.join(table.names)}"
                )
        condition = " AND ".join(f"{q(c)} IS ?" for c in where) or "1"
        params = [_plain(v) for v in where.values()]
        order = ", ".join(q(c) for c in _ORDER.get(table.name, table.key))
        sql = f"SELECT * FROM {q(table.name)} WHERE {condition} ORDER BY {order}"
        return self._select(cls, sql, params)

    def _select(self, cls: type[T], sql: str, params: Any) -> list[T]:
        """Run ``sql`` (selecting every column of ``cls``'s table) and build the records."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
        if cls is Session:
            attendees = stored_attendees(self.conn, [row["id"] for row in rows])
            for row in rows:
                row["attendees"] = sorted(attendees.get(row["id"], ()))
        with trusted_load():  # stored IDs were checked, and warned about, on write
            return [from_dict(cls, row) for row in rows]

    # -- progress ----------------------------------------------------------------------------

    def snapshot(self, cohort_id: str, *, records: bool = True) -> CohortSnapshot:
        """Everything about cohort ``cohort_id`` as model objects, for the pure functions
        (``supervise.progress(registry.snapshot("c1"), as_of)``). With ``records=False``
        the activities, sessions and deliverables are left out (tallies come from SQL)."""
        cohort = self.get(Cohort, cohort_id)
        enrollments = self.find(Enrollment, cohort_id=cohort_id)
        mentors = self.find(MentorRole, cohort_id=cohort_id)
        involved = {e.person_id for e in enrollments} | {m.person_id for m in mentors}
        return CohortSnapshot(
            program=self.get(Program, cohort.program_id),
            phases=self.find(PhaseSpec, program_id=cohort.program_id),
            cohort=cohort,
            enrollments=enrollments,
            names=dict(self.conn.execute(_NAMES_IN_COHORT, {"cohort": cohort_id}).fetchall()),
            mentors=mentors,
            pairings=self.find(Pairing, cohort_id=cohort_id),
            activities=self.find(Activity, cohort_id=cohort_id) if records else (),
            sessions=self.find(Session, cohort_id=cohort_id) if records else (),
            deliverables=self.find(Deliverable, cohort_id=cohort_id) if records else (),
            exemptions=self.find(Exemption, cohort_id=cohort_id),
            outcomes=[o for o in self._outcomes_in(cohort_id) if o.person_id in involved],
        )

    def cohort_progress(
        self, cohort_id: str, as_of: date | str | None = None, tolerance: float = DEFAULT_TOLERANCE
    ) -> CohortProgress:
        """How far along cohort ``cohort_id`` is on ``as_of`` (default: today).

        Gives the same answer as ``supervise.progress(self.snapshot(cohort_id), as_of)``, with
        the records tallied by SQLite instead of Python."""
        day = date.today() if as_of is None else parse_date(as_of)
        cohort = self.get(Cohort, cohort_id)
        return cohorts_progress(self.conn, [cohort], self.find(PhaseSpec), day, tolerance)[
            cohort.id
        ]

    def cohorts_progress(
        self,
        cohort_ids: Iterable[str] | None = None,
        as_of: date | str | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> dict[str, CohortProgress]:
        """Progress of several cohorts (default: every cohort) on ``as_of``, by cohort id.

        Reads each kind of fact once for all of them, which is much faster than calling
        :meth:`cohort_progress` per cohort across a province."""
        day = date.today() if as_of is None else parse_date(as_of)
        if cohort_ids is None:
            chosen = self.find(Cohort)
        else:
            chosen = [self.get(Cohort, c) for c in dict.fromkeys(cohort_ids)]
        if not chosen:
            return {}
        return cohorts_progress(self.conn, chosen, self.find(PhaseSpec), day, tolerance)

    # -- eligibility -------------------------------------------------------------------------

    def eligibility(
        self,
        policy: Policy | str | os.PathLike[str],
        as_of: date | str | None = None,
        people: Iterable[str] | None = None,
    ) -> EligibilityReport:
        """Who qualifies under ``policy`` (a :class:`~supervise.Policy`, a policy file, or a
        built-in name such as ``"nx-expert-pool"``) on ``as_of`` (default today), and what
        everyone else is missing. Everyone in the registry is assessed unless ``people``
        narrows it. Same answers as ``supervise.eligibility`` over the same records."""
        chosen = policy if isinstance(policy, Policy) else load_policy(policy)
        return eligibility(chosen, self.population(as_of, people, chosen.measures()))

    def population(
        self,
        as_of: date | str | None = None,
        people: Iterable[str] | None = None,
        measures: Iterable[Measure] = (),
    ) -> Population:
        """Facts per person as of ``as_of`` (default today), with the ``measures`` a policy
        reads (``policy.measures()``), computed with SQL aggregates. The same as
        ``Population.from_records`` over the registry's records."""
        day = date.today() if as_of is None else parse_date(as_of)
        return population(self.conn, self.find(PhaseSpec), day, measures, people)

    # -- talent structure --------------------------------------------------------------------

    def tiers(self, as_of: date | str | None = None, by: str | None = None) -> TierCounts:
        """People by the highest credential held on ``as_of`` (none, assistant, intermediate,
        senior), optionally grouped ``by`` province, prefecture, county or program."""
        population = self.population(as_of)
        return tiers(population.views, population.as_of, by)

    def outcomes(
        self, program: str | None = None, cohort: str | None = None, as_of: date | str | None = None
    ) -> OutcomeTally:
        """How many trainees of ``cohort``, of ``program``'s cohorts, or of every cohort were
        trained (completed) by ``as_of``, and people per outcome kind among them."""
        day = date.today() if as_of is None else parse_date(as_of)
        if cohort is not None:
            chosen = [self.get(Cohort, cohort)]
        elif program is not None:
            self.get(Program, program)
            chosen = self.find(Cohort, program_id=program)
        else:
            chosen = self.find(Cohort)
        progresses = self.cohorts_progress([c.id for c in chosen], day).values() if chosen else []
        return outcome_tally(progresses, self.find(Outcome), day, program, cohort)

    def target_status(self, target: Target, as_of: date | str | None = None) -> TargetStatus:
        """Where ``target`` stands on ``as_of`` (default today) and whether the pace of the
        last 12 months reaches it by its deadline."""
        day = date.today() if as_of is None else parse_date(as_of)
        now = count(target, self.population(day).views)
        before = count(target, self.population(year_before(day)).views)
        return target_status(target, now, before, day)

    def target_history(
        self,
        target: Target,
        start: date | str,
        end: date | str | None = None,
        step_months: int = 1,
    ) -> list[tuple[date, int]]:
        """The count towards ``target`` on ``start``, every ``step_months`` months after it
        and on ``end`` (default today): the line of a burn-up chart."""
        last = date.today() if end is None else parse_date(end)
        days = history_dates(parse_date(start), last, step_months)
        return [(day, count(target, self.population(day).views)) for day in days]

    def _outcomes_in(self, cohort_id: str) -> list[Outcome]:
        return self._select(Outcome, _OUTCOMES_IN_COHORT, {"cohort": cohort_id})

    def phase_records(self, cohort_id: str) -> list[dict[str, Any]]:
        """How many records each phase of a cohort holds, in phase order: ``phase``, ``name``,
        ``activities``, ``hours``, ``sessions``, ``deliverables``, ``exemptions``."""
        cohort = self.get(Cohort, cohort_id)
        rows = self.conn.execute(
            _PHASE_RECORDS, {"cohort": cohort.id, "program": cohort.program_id}
        )
        names = ("phase", "name", "activities", "hours", "sessions", "deliverables", "exemptions")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def counts(self) -> dict[str, int]:
        """The number of rows in every table."""
        return {
            name: self.conn.execute(f"SELECT count(*) FROM {q(name)}").fetchone()[0]
            for name in TABLES
        }


_PHASE_RECORDS = """
SELECT p.key, p.name,
    (SELECT count(*) FROM activities a WHERE a.cohort_id = :cohort AND a.phase = p.key),
    (SELECT coalesce(sum(a.hours), 0.0) FROM activities a
        WHERE a.cohort_id = :cohort AND a.phase = p.key),
    (SELECT count(*) FROM sessions s WHERE s.cohort_id = :cohort AND s.phase = p.key),
    (SELECT count(*) FROM deliverables d WHERE d.cohort_id = :cohort AND d.phase = p.key),
    (SELECT count(*) FROM exemptions e WHERE e.cohort_id = :cohort AND e.phase = p.key)
FROM phases p WHERE p.program_id = :program ORDER BY p."order"
"""
_NAMES_IN_COHORT = """
SELECT id, name FROM people WHERE id IN (
    SELECT person_id FROM enrollments WHERE cohort_id = :cohort
    UNION SELECT person_id FROM mentors WHERE cohort_id = :cohort
) ORDER BY id
"""
_OUTCOMES_IN_COHORT = """
SELECT * FROM outcomes WHERE person_id IN (
    SELECT person_id FROM enrollments WHERE cohort_id = :cohort
    UNION SELECT person_id FROM mentors WHERE cohort_id = :cohort
) ORDER BY person_id, kind, "on"
"""
_SUMMARY_TABLES = ("programs", "cohorts", "people", "enrollments")
# Reading order where the key's order is not the natural one: phases in program order.
_ORDER = {"phases": ("program_id", "order", "key")}


def _in_transaction(conn: sqlite3.Connection) -> bool:
    # A function, not the attribute, so the type checker does not assume it is unchanged.
    return conn.in_transaction


def _plain(value: Any) -> Any:
    """A query parameter as stored: dates as ISO text, vocabularies as their value."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def _group(records: Iterable[Any]) -> dict[str, list[Any]]:
    """Model objects by table, flattening nested iterables; two different records with the
    same key in one write are an error (which one should win?)."""
    by_key: dict[str, dict[tuple[Any, ...], Any]] = {}
    for record in _flatten(records):
        cls = type(record)
        if cls not in MODELS:
            raise TypeError(f"cannot add {cls.__name__} {record!r}: not a supervise model object")
        key = tuple(getattr(record, k) for k in cls.__key__)
        seen = by_key.setdefault(cls.__table__, {})
        if key in seen and seen[key] != record:
            raise InvalidRecord(
                record_label(record),
                ", ".join(cls.__key__),
                key,
                "two different records with this key in one write",
            )
        seen[key] = record
    return {name: list(by_key[name].values()) for name in TABLES if name in by_key}


def _flatten(records: Iterable[Any]) -> Iterator[Any]:
    for item in records:
        if isinstance(item, Mapping | str | bytes):
            raise TypeError(f"cannot add {type(item).__name__}: pass model objects")
        if hasattr(item, "__attrs_attrs__"):
            yield item
        elif isinstance(item, Iterable):
            yield from _flatten(item)
        else:
            raise TypeError(f"cannot add {type(item).__name__}: pass model objects")
