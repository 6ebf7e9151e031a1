"""A national (or regional) roll-up: answers across many provinces' exports, without merging.

:class:`National` opens the ``supervise/1`` exports of several provinces where they lie, checks
each as an import would (every problem listed; if there is one, nothing is answered), matches
people across provinces by national ID, and answers the registry's questions over all of them
through the one definition of the semantics, on the columnar engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import attrs
import duckdb
import pyarrow as pa

from supervise.core.eligibility import EligibilityReport
from supervise.core.outcomes import OutcomeTally
from supervise.core.policy import Policy, VersionedPolicy, deciding
from supervise.core.progress import DEFAULT_TOLERANCE, CohortProgress
from supervise.core.targets import Target, TargetStatus, history_dates, target_status, year_before
from supervise.core.tiers import TierCounts
from supervise.dates import parse_date
from supervise.engine import Engine
from supervise.engine.duck import connect
from supervise.engine.eligibility import eligibility
from supervise.engine.progress import cohorts_progress, tallied
from supervise.engine.structure import outcomes, target_count, tiers
from supervise.errors import ExportsRefused, NotFound
from supervise.exchange.parquet import is_parquet_folder
from supervise.exchange.problems import Problem, Problems
from supervise.lang import Catalogue, Text
from supervise.national.imported import ImportedProvince
from supervise.national.matching import MAP, Matches, match_people
from supervise.national.parquet import ParquetExports, ParquetProvince
from supervise.national.source import ProvincesSource
from supervise.pseudonym import ProtectionKey
from supervise.semantics import literal
from supervise.tables import TABLES

__all__ = ["MEMORY", "National", "ProvinceExport", "label_of", "open_exports"]

#: The working memory of a roll-up's answers (``SUPERVISE_MEMORY``, when set, decides
#: instead). A registry's 512 MB makes DuckDB spill the tallies of a million trainees to
#: disk: measured on 31 provinces, 10^6 trainees and 10^7 records, eligibility answered in
#: 20.0 s at 512 MB (peak RSS 1.2 GiB) and in 13.5 s at 1 GB (1.6 GiB).
MEMORY = "1GB"

_FILE_SUFFIXES = (".json", ".xlsx", ".xlsm", ".csv", ".zip", ".parquet")
_T = Catalogue(
    __name__,
    {
        "same_name": (
            "另一个导出 {other} 的名称相同：请为每个省的导出取各自的名称",
            "another export, {other}, has the same name: give each province's export its own name",
        ),
        "bad_label": (
            "省份标签（导出的名称）不能为空，也不能含有 ':'",
            "a province's label (its export's name) must be non-empty, with no ':'",
        ),
    },
)


@attrs.frozen
class ProvinceExport:
    """One province's export in a roll-up: its ``label`` (what its ids are prefixed with),
    ``path``, ``format`` (``parquet``, read in place, or ``import``: CSV, JSON or XLSX read
    by the import) and how its people's national IDs are written (``plain`` or the
    pseudonyms' scheme and key id)."""

    label: str
    path: Path
    format: str
    national_ids: str


def label_of(path: Path) -> str:
    """A province's label: the name of its export, without a format's suffix
    (``exports/ningxia`` and ``exports/ningxia.json`` are both ``ningxia``)."""
    return path.stem if path.is_file() or path.suffix.lower() in _FILE_SUFFIXES else path.name


def open_exports(
    paths: Iterable[str | os.PathLike[str]], key: ProtectionKey | None = None
) -> National:
    """Open the provinces' exports at ``paths`` for a roll-up (see :class:`National`)."""
    return National(paths, key)


class National:
    """Answers across the exports of several provinces, as one registry holding them all
    would give them, without importing them.

    Each path is one province's ``supervise/1`` export: a folder of Parquet files (read in
    place by DuckDB: the fast way at national scale), or a CSV folder, ZIP, JSON or XLSX
    file (read by the import, in memory). Its name, without a suffix, is the province's label:
    every id of the province becomes ``label:id`` (``ningxia:t2024-08``), since provinces
    choose their ids alone. People with the same national ID (or the same pseudonym, for
    exports written with pseudonyms: ``key`` is the shared key, needed only to match
    provinces that sent numbers with those that sent pseudonyms) are one person, known by
    the id of the first province given that holds them.

    Every export is checked as an import checks it; any problem in any of them raises
    :class:`~supervise.errors.ExportsRefused` listing every problem, and nothing is answered.

    >>> import tempfile, pathlib, supervise
    >>> from supervise.demo import ningxia
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with supervise.open() as registry:
    ...     _ = ningxia.build(registry)
    ...     _ = registry.export(folder / "ningxia", "parquet", include_pii=True)
    >>> with open_exports([folder / "ningxia"]) as national:
    ...     national.tiers("2024-12-06", by="province").groups["64"]["total"]
    74
    """

    def __init__(
        self, paths: Iterable[str | os.PathLike[str]], key: ProtectionKey | None = None
    ) -> None:
        self._source = ProvincesSource()
        # The checks run on a connection of their own, closed before any answer: closing it
        # gives back the memory they took (DuckDB's allocator keeps it otherwise).
        checks = connect()
        try:
            parts, people = self._open(checks, [Path(p) for p in paths], key)
        finally:
            checks.close()
        self.engine = Engine(self._source, memory=MEMORY)
        for part in parts:
            part.install(self.engine.con)
        self.engine.con.register(MAP, people)
        self._source.show(parts)

    def _open(
        self, con: duckdb.DuckDBPyConnection, paths: list[Path], key: ProtectionKey | None
    ) -> tuple[list[ParquetExports | ImportedProvince], pa.Table]:
        """Read and check every export (on ``con``) and match people; the parts that hold
        the provinces' rows, and the people mapped to another row's person."""
        if not paths:
            raise ValueError("a roll-up needs at least one province's export")
        problems = Problems()
        parquet = ParquetExports(con, problems)
        imported: list[ImportedProvince] = []
        provinces: list[ParquetProvince | ImportedProvince] = []
        seen: dict[str, Path] = {}
        for order, path in enumerate(paths):
            label = label_of(path)
            if not label or ":" in label or label in seen:
                reason = _T("same_name", other=seen[label]) if label in seen else _T("bad_label")
                problems.add(Problem(f"{label}: {path}", None, None, None, None, reason))
                continue
            seen[label] = path
            if is_parquet_folder(path):
                provinces.append(parquet.add(label, order, path))
            else:
                imported.append(ImportedProvince(con, label, order, path, problems))
                provinces.append(imported[-1])
        parquet.check()
        for province in imported:
            province.check()
        parts: list[ParquetExports | ImportedProvince] = [*imported]
        if parquet.provinces:
            parts.insert(0, parquet)
        self.matches = Matches(0, 0)
        if not problems:
            self.matches = match_people(con, provinces, parts, key, problems)
        if problems:
            raise ExportsRefused(problems.listed(), problems.total)
        #: What the checks noted but accepted, each in both languages, naming its province.
        self.warnings: list[Text] = [w for p in provinces for w in p.warnings]
        self.provinces = tuple(
            ProvinceExport(
                p.label,
                seen[p.label],
                "parquet" if isinstance(p, ParquetProvince) else "import",
                p.national_ids,
            )
            for p in provinces
        )
        self._parts = parts
        return parts, con.sql(f"SELECT * FROM {MAP}").to_arrow_table()

    def __enter__(self) -> National:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the engine."""
        self.engine.close()

    def __repr__(self) -> str:
        labels = ", ".join(p.label for p in self.provinces)
        return f"<National of {len(self.provinces)} provinces: {labels}>"

    # -- lookups ---------------------------------------------------------------------------

    def _check(self, table: str, kind: str, ids: Iterable[str]) -> None:
        """Raise :class:`~supervise.errors.NotFound` for an id the provinces lack."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return
        self.engine.bind((table,))
        found = {
            row[0]
            for row in self.engine.rows(
                f"SELECT id FROM {table} WHERE id IN {literal.texts(wanted)}"
            )
        }
        for item in wanted:
            if item not in found:
                raise NotFound(kind, item, record_zh=TABLES[table].zh)

    def cohorts_of(self, program: str) -> list[str]:
        """The ids of ``program``'s cohorts."""
        self._check("programs", "Program", [program])
        self.engine.bind(("cohorts",))
        sql = f"SELECT id FROM cohorts WHERE program_id = {literal.text(program)} ORDER BY id"
        return [row[0] for row in self.engine.rows(sql)]

    def trainees_of(self, cohort: str) -> set[str]:
        """The people enrolled in ``cohort``."""
        self._check("cohorts", "Cohort", [cohort])
        self.engine.bind(("enrollments",))
        sql = f"SELECT person_id FROM enrollments WHERE cohort_id = {literal.text(cohort)}"
        return {row[0] for row in self.engine.rows(sql)}

    # -- the questions -------------------------------------------------------------------------

    def tiers(self, as_of: date | str | None = None, by: str | None = None) -> TierCounts:
        """People by the highest credential held on ``as_of`` (each person once, wherever
        trained), optionally grouped ``by`` province, prefecture, county or program."""
        return tiers(self.engine, _day(as_of), by)

    def outcomes(
        self, program: str | None = None, cohort: str | None = None, as_of: date | str | None = None
    ) -> OutcomeTally:
        """People trained (completed) and per outcome kind, among the trainees of ``cohort``,
        of ``program``'s cohorts, or of every cohort of every province."""
        chosen: list[str] | None = None
        if cohort is not None:
            self._check("cohorts", "Cohort", [cohort])
            chosen = [cohort]
        elif program is not None:
            chosen = self.cohorts_of(program)
        return outcomes(self.engine, _day(as_of), chosen, program, cohort)

    def outcomes_by_province(self, as_of: date | str | None = None) -> dict[str, OutcomeTally]:
        """:meth:`outcomes` of each province's own cohorts, by province label (a person
        trained in two provinces counts in each)."""
        day = _day(as_of)
        self.engine.bind(("cohorts",))
        cohorts: dict[str, list[str]] = {p.label: [] for p in self.provinces}
        for (cohort,) in self.engine.rows("SELECT id FROM cohorts ORDER BY id"):
            cohorts[cohort.split(":", 1)[0]].append(cohort)
        return {label: outcomes(self.engine, day, ids) for label, ids in cohorts.items()}

    def target_status(self, target: Target, as_of: date | str | None = None) -> TargetStatus:
        """Where ``target`` (national, or of a region by its code) stands on ``as_of``."""
        day = _day(as_of)
        now = target_count(self.engine, target, day)
        before = target_count(self.engine, target, year_before(day))
        return target_status(target, now, before, day)

    def target_history(
        self, target: Target, start: date | str, end: date | str | None = None, step_months: int = 1
    ) -> list[tuple[date, int]]:
        """The count towards ``target`` on ``start``, every ``step_months`` months after it and
        on ``end`` (default today)."""
        days = history_dates(parse_date(start), _day(end), step_months)
        return [(day, target_count(self.engine, target, day)) for day in days]

    def eligibility(
        self,
        policy: Policy | VersionedPolicy | str | os.PathLike[str],
        as_of: date | str | None = None,
        people: Iterable[str] | None = None,
        cohort: str | None = None,
        version: str | None = None,
    ) -> EligibilityReport:
        """Who qualifies under ``policy`` on ``as_of``, counting what each person did in every
        province, and what everyone else is missing. As for a registry, the policy's version
        in force on ``as_of`` decides (:class:`~supervise.PolicyError` when none is), unless
        ``version`` names one."""
        day = _day(as_of)
        in_force = deciding(policy, day, version)
        if cohort is not None:
            self._check("cohorts", "Cohort", [cohort])
        return eligibility(self.engine, in_force, day, people, cohort)

    def cohorts_progress(
        self,
        cohort_ids: Iterable[str] | None = None,
        as_of: date | str | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> dict[str, CohortProgress]:
        """Progress of ``cohort_ids`` (default: every cohort of every province) on ``as_of``."""
        chosen = None if cohort_ids is None else list(dict.fromkeys(cohort_ids))
        if chosen is not None:
            self._check("cohorts", "Cohort", chosen)
        return cohorts_progress(self.engine, chosen, _day(as_of), tolerance)

    def completions(self, as_of: date | str | None = None) -> pa.Table:
        """Who completed which program where, by ``as_of``: one row per person and cohort
        completed (``person_id``, ``name``, ``province``, ``program_id``, ``cohort_id``), in
        person and cohort order."""
        day = _day(as_of)

        def ask() -> pa.Table:
            t = tallied(self.engine, day, DEFAULT_TOLERANCE)
            return self.engine.fetch(
                f"""SELECT r.person_id, r.name, split_part(r.cohort_id, ':', 1) AS province,
                    r.program_id, r.cohort_id
                FROM {t.roster} r
                WHERE r.trainee IN
                    (SELECT trainee FROM {t.phases} WHERE trainee_status = 'completed')
                ORDER BY r.person_id, r.cohort_id"""
            )

        return self.engine.answer(ask)

    def counts(self) -> dict[str, dict[str, int]]:
        """Rows per table in each province's export, as the roll-up reads them (exact repeats
        once), by province label."""
        found: dict[str, dict[str, int]] = {
            p.label: dict.fromkeys(TABLES, 0) for p in self.provinces
        }
        for name, table in TABLES.items():
            for part in self._parts:
                sql = f"SELECT _prefix, count(*) FROM ({part.select(table)}) GROUP BY ALL"
                for prefix, rows in self.engine.rows(sql):
                    found[prefix[:-1]][name] = rows
        return found


def _day(value: date | str | None) -> date:
    return date.today() if value is None else parse_date(value)
