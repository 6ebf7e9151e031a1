"""The registry: the store of a province's records, with the questions it answers and the
exchange files it reads and writes.

:class:`Registry` is the door most callers need. It is a :class:`~supervise.store.Store`
(SQLite, the system of record) whose questions run on the columnar engine
(:mod:`supervise.engine`, the one definition of :mod:`supervise.semantics`) and whose
imports and exports go through :mod:`supervise.exchange`; each of those parts works without
this module, which only puts them behind one object.

>>> import supervise
>>> from supervise.demo import ningxia
>>> registry = supervise.open()          # in memory; supervise.open("cohorts.db") for a file
>>> _ = ningxia.build(registry)
>>> registry.cohort_progress(ningxia.SECOND_BATCH, "2024-10-15").behind
('t2024-08', 't2024-13')
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from supervise.core.continuing import EducationReport, load_requirement
from supervise.core.eligibility import EligibilityReport
from supervise.core.outcomes import OutcomeTally
from supervise.core.placements import Placements
from supervise.core.policy import Policy, VersionedPolicy, deciding
from supervise.core.progress import DEFAULT_TOLERANCE, CohortProgress
from supervise.core.targets import Target, TargetStatus, history_dates, target_status, year_before
from supervise.core.tiers import TierCounts
from supervise.dates import parse_date
from supervise.engine import Engine, RegistryFile, RegistryRows
from supervise.engine.continuing import continuing_education
from supervise.engine.eligibility import eligibility
from supervise.engine.progress import cohorts_progress
from supervise.engine.structure import outcomes, placements, target_count, tiers
from supervise.model import Cohort, Program, RecordState
from supervise.semantics.continuing import DEFAULT_REQUIREMENT, CycleRequirement
from supervise.store import Store
from supervise.store.protection import ProtectionKey
from supervise.store.signoff import (
    SignOff,
    SignOffResult,
    list_sign_offs,
    parse_record,
    sign_off,
)
from supervise.store.store import BUSY_TIMEOUT_SECONDS
from supervise.tables import TABLES

if TYPE_CHECKING:
    from supervise.exchange import ImportReport, StepCallback

__all__ = ["Registry", "open"]


def open(
    path: str | os.PathLike[str] | None = None,
    *,
    actor: str | None = None,
    timeout: float = BUSY_TIMEOUT_SECONDS,
    key: ProtectionKey | str | os.PathLike[str] | None = None,
) -> Registry:
    """Open the registry stored at ``path`` (created when missing), or an empty in-memory
    registry when ``path`` is ``None``. An older database is migrated; one written by a
    newer `supervise` raises :class:`~supervise.errors.SchemaVersionError`.

    ``actor`` names who writes through this registry in its audit trail (default: the
    operating system's user); a write may name someone else. A write waits up to
    ``timeout`` seconds for another process's write to finish, then raises
    :class:`~supervise.errors.RegistryBusy`; reading never waits.

    ``key`` opens the national ID and phone numbers of a protected registry (see
    :meth:`~supervise.store.Store.protect`): a
    :class:`~supervise.store.protection.ProtectionKey`, a key file's path, or by default the
    key of ``SUPERVISE_KEY`` or ``SUPERVISE_KEY_FILE``. Every answer works without it."""
    return Registry(path, actor=actor, timeout=timeout, key=key)


class Registry(Store):
    """Every record of a province (or a notebook), and the answers to the questions asked of
    them: progress, eligibility, tiers, outcomes and targets, computed by the columnar engine
    over a copy of the store that every committed write brings up to date."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        actor: str | None = None,
        timeout: float = BUSY_TIMEOUT_SECONDS,
        key: ProtectionKey | str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(path, actor=actor, timeout=timeout, key=key)
        self._engine: Engine | None = None

    def close(self) -> None:
        """Close the engine (if one was opened) and the database connection."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        super().close()

    @property
    def engine(self) -> Engine:
        """The columnar engine over this registry (created on first use)."""
        if self._engine is None:
            if self.path is None:
                self._engine = Engine(RegistryRows(self.conn))
            else:
                self._engine = Engine(RegistryFile(self.conn, self.path))
        return self._engine

    # -- progress ----------------------------------------------------------------------------

    def cohort_progress(
        self, cohort_id: str, as_of: date | str | None = None, tolerance: float = DEFAULT_TOLERANCE
    ) -> CohortProgress:
        """How far along cohort ``cohort_id`` is on ``as_of`` (default: today).

        Gives the same answer as ``supervise.progress(self.snapshot(cohort_id), as_of)``: both
        run the one definition of :mod:`supervise.semantics` on the columnar engine."""
        day = date.today() if as_of is None else parse_date(as_of)
        cohort = self.get(Cohort, cohort_id)
        return cohorts_progress(self.engine, [cohort.id], day, tolerance)[cohort.id]

    def cohorts_progress(
        self,
        cohort_ids: Iterable[str] | None = None,
        as_of: date | str | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> dict[str, CohortProgress]:
        """Progress of several cohorts (default: every cohort) on ``as_of``, by cohort id.

        One run for all of them: the figures stay columns until a trainee is read."""
        day = date.today() if as_of is None else parse_date(as_of)
        if cohort_ids is None:
            return cohorts_progress(self.engine, None, day, tolerance)
        chosen = [self.get(Cohort, c).id for c in dict.fromkeys(cohort_ids)]
        if not chosen:
            return {}
        found = cohorts_progress(self.engine, chosen, day, tolerance)
        return {c: found[c] for c in chosen}

    # -- eligibility -------------------------------------------------------------------------

    def eligibility(
        self,
        policy: Policy | VersionedPolicy | str | os.PathLike[str],
        as_of: date | str | None = None,
        people: Iterable[str] | None = None,
        cohort: str | None = None,
        version: str | None = None,
    ) -> EligibilityReport:
        """Who qualifies under ``policy`` (a :class:`~supervise.Policy`, a versioned one, a
        policy file, or a built-in name such as ``"nx-expert-pool"``) on ``as_of`` (default
        today), and what everyone else is missing. The version in force on ``as_of`` decides
        (:class:`~supervise.PolicyError` when none is), unless ``version`` names one.
        Everyone in the registry is assessed unless ``people`` or ``cohort`` (its trainees)
        narrows it. Same answers as ``supervise.eligibility`` over the same records."""
        day = date.today() if as_of is None else parse_date(as_of)
        in_force = deciding(policy, day, version)
        if cohort is not None:
            self.get(Cohort, cohort)
        return eligibility(self.engine, in_force, day, people, cohort)

    # -- continuing education ----------------------------------------------------------------

    def continuing_education(
        self,
        as_of: date | str | None = None,
        within: int | None = None,
        requirement: CycleRequirement | str | os.PathLike[str] | None = None,
    ) -> EducationReport:
        """Continuing education (继续教育) on ``as_of`` (default today) of everyone holding a
        credential: the registration cycle containing the date, hours done and required
        (``requirement``: a :class:`CycleRequirement` or a TOML file; by default 72 hours for
        assistant, 90 for intermediate and senior per three-year cycle). ``within`` (days)
        makes the report list as due only those short whose cycle ends that soon."""
        day = date.today() if as_of is None else parse_date(as_of)
        if requirement is None:
            chosen = DEFAULT_REQUIREMENT
        elif isinstance(requirement, CycleRequirement):
            chosen = requirement
        else:
            chosen = load_requirement(requirement)
        return continuing_education(self.engine, day, chosen, within)

    # -- sign-off ----------------------------------------------------------------------------

    def confirm(
        self,
        records: Iterable[tuple[str, str] | str] | None = None,
        *,
        by: str,
        on: date | str | None = None,
        trainee: str | None = None,
        all_pending: bool = False,
        dry_run: bool = False,
    ) -> SignOffResult:
        """Confirm records (审核确认) as mentor ``by`` on ``on`` (default today): the
        ``records`` named (``("activities", "a17")``, ``"activities:a17"`` or a bare id),
        every record awaiting sign-off of ``trainee`` in the cohorts ``by`` mentors, or
        ``all_pending`` records ``by`` leads or whose trainee ``by`` is paired with. Each
        change is kept in the registry's sign-off log (:meth:`sign_offs`). ``by`` must be a
        mentor of each record's cohort. With ``dry_run`` nothing is written."""
        return self._sign(RecordState.CONFIRMED, records, by, on, trainee, all_pending, dry_run)

    def reject(
        self,
        records: Iterable[tuple[str, str] | str] | None = None,
        *,
        by: str,
        on: date | str | None = None,
        trainee: str | None = None,
        all_pending: bool = False,
        dry_run: bool = False,
    ) -> SignOffResult:
        """Reject records: as :meth:`confirm`, but rejected records never count."""
        return self._sign(RecordState.REJECTED, records, by, on, trainee, all_pending, dry_run)

    def _sign(
        self,
        state: RecordState,
        records: Iterable[tuple[str, str] | str] | None,
        by: str,
        on: date | str | None,
        trainee: str | None,
        all_pending: bool,
        dry_run: bool,
    ) -> SignOffResult:
        day = date.today() if on is None else parse_date(on)
        named = (
            None
            if records is None
            else [parse_record(r, self) if isinstance(r, str) else r for r in records]
        )
        return sign_off(
            self,
            state,
            by,
            day,
            records=named,
            trainee=trainee,
            all_pending=all_pending,
            dry_run=dry_run,
        )

    def sign_offs(
        self, record: tuple[str, str] | str | None = None, by: str | None = None
    ) -> list[SignOff]:
        """The sign-off log, oldest first: every confirmation and rejection, of one
        ``record`` or by one signer (``by``), or all."""
        named = parse_record(record, self) if isinstance(record, str) else record
        return list_sign_offs(self, named, by)

    # -- talent structure --------------------------------------------------------------------

    def tiers(self, as_of: date | str | None = None, by: str | None = None) -> TierCounts:
        """People by the highest credential held on ``as_of`` (none, assistant, intermediate,
        senior), optionally grouped ``by`` province, prefecture, county or program."""
        day = date.today() if as_of is None else parse_date(as_of)
        return tiers(self.engine, day, by)

    def outcomes(
        self, program: str | None = None, cohort: str | None = None, as_of: date | str | None = None
    ) -> OutcomeTally:
        """How many trainees of ``cohort``, of ``program``'s cohorts, or of every cohort were
        trained (completed) by ``as_of``, and people per outcome kind among them."""
        day = date.today() if as_of is None else parse_date(as_of)
        chosen = self._chosen_cohorts(program, cohort)
        return outcomes(self.engine, day, chosen, program, cohort)

    def placements(
        self, program: str | None = None, cohort: str | None = None, as_of: date | str | None = None
    ) -> Placements:
        """The placements (实习安排) of ``cohort``, of ``program``'s cohorts, or of every
        cohort begun by ``as_of`` (default today): who is posted to which station, and
        whether in post on the date."""
        day = date.today() if as_of is None else parse_date(as_of)
        chosen = self._chosen_cohorts(program, cohort)
        return placements(self.engine, day, chosen, program, cohort)

    def _chosen_cohorts(self, program: str | None, cohort: str | None) -> list[str] | None:
        """``[cohort]``, ``program``'s cohorts, or ``None`` for all (unknown ids raise
        :class:`~supervise.errors.NotFound`)."""
        if cohort is not None:
            return [self.get(Cohort, cohort).id]
        if program is not None:
            self.get(Program, program)
            return [c.id for c in self.find(Cohort, program_id=program)]
        return None

    def target_status(self, target: Target, as_of: date | str | None = None) -> TargetStatus:
        """Where ``target`` stands on ``as_of`` (default today) and whether the pace of the
        last 12 months reaches it by its deadline."""
        day = date.today() if as_of is None else parse_date(as_of)
        now = target_count(self.engine, target, day)
        before = target_count(self.engine, target, year_before(day))
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
        return [(day, target_count(self.engine, target, day)) for day in days]

    # -- exchange ----------------------------------------------------------------------------

    def import_file(
        self,
        path: str | os.PathLike[str],
        *,
        dry_run: bool = False,
        on_step: StepCallback | None = None,
        actor: str | None = None,
    ) -> ImportReport:
        """Import an exchange file in the ``supervise/1`` format: a JSON document, a folder or
        ZIP of CSV files, a single CSV or an XLSX workbook (English or Chinese headers).

        All or nothing: any problem raises :class:`~supervise.errors.ImportFailed` listing
        every problem, and nothing is written. Rows are upserted by key, so importing the same
        file again changes nothing; a person with a new id but a known national ID number is
        matched to the known person. With ``dry_run`` nothing is written either way.
        ``on_step(stage, done, total)``, if given, is called as rows are checked and
        written. ``actor`` names who imports, in the audit trail (default: the registry's).
        A damaged registry file is refused (:class:`~supervise.errors.CorruptRegistry`).
        See :mod:`supervise.exchange` and docs/exchange.md."""
        from supervise.exchange import import_files  # the formats load only when used

        report = import_files(self, [path], dry_run=dry_run, on_step=on_step, actor=actor)
        if report.changed and not dry_run and self.path is not None:
            # Bring the columnar copy up to date now, while the import's data is fresh in the
            # page cache, rather than at the first question after it.
            self.engine.bind(tuple(TABLES))
        return report

    def export(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,
        include_pii: bool = False,
        headers: str = "en",
        neutralise_formulas: bool = True,
        national_id_key: ProtectionKey | None = None,
    ) -> dict[str, int]:
        """Write every record to ``path`` in the ``supervise/1`` format: ``json``, ``csv`` (a
        folder of files with a manifest), ``zip`` (that folder zipped), ``xlsx`` or
        ``parquet`` (a folder of typed files with a manifest, for national roll-ups), by
        default from the suffix of ``path``, atomically. National ID and phone numbers are
        masked unless ``include_pii``; with a ``national_id_key`` (Parquet only) national IDs
        are written as their pseudonyms under that key (:mod:`supervise.pseudonym`) and
        phones left out. ``headers="zh"`` writes Chinese column labels and vocabulary values
        in CSV and XLSX; ``neutralise_formulas=False`` writes CSV text that would start a
        spreadsheet formula as it is, for programs rather than spreadsheets. Returns the rows
        written per table. See :mod:`supervise.exchange.write`."""
        from supervise.exchange.write import export

        with self.reading():
            return export(
                self,
                path,
                format,
                include_pii=include_pii,
                headers=headers,
                neutralise_formulas=neutralise_formulas,
                national_id_key=national_id_key,
            )
