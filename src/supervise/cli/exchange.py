"""``supervise import``, ``supervise validate`` and ``supervise export``: exchange files in the
``supervise/1`` format (see docs/exchange.md)."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TextIO

import click

from supervise.cli import cli
from supervise.cli._options import (
    actor_option,
    db_option,
    emit_json,
    format_option,
    key_file_option,
    lang_option,
    open_registry,
)
from supervise.errors import ImportFailed
from supervise.exchange import ImportReport, StepCallback, import_files
from supervise.exchange.write import FORMATS, format_of
from supervise.lang import Catalogue, localize
from supervise.tables import TABLES

_T = Catalogue(
    __name__,
    {
        "exported": (
            "已导出 {rows} 行（{tables} 个表）到 {output}（{format}）",
            "exported {rows} rows of {tables} tables to {output} ({format})",
        ),
        "parquet_headers": (
            "Parquet 的列名总是英文；--headers zh 请与 csv 或 xlsx 一起使用",
            "Parquet column names are always English; use it with csv or xlsx",
        ),
        "pseudonyms": (
            "假名用于提交全国汇总的 Parquet 导出：请与 --format parquet 一起使用，"
            "且不加 --include-pii",
            "pseudonyms are for Parquet exports to a national roll-up: use it with "
            "--format parquet and without --include-pii",
        ),
    },
)

#: Imports with fewer rows than this finish before a progress bar would help.
_BAR_FROM_ROWS = 20_000

_paths = click.argument(
    "paths",
    metavar="PATH...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
)


@cli.command("import")
@_paths
@db_option(must_exist=False)
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing.")
@actor_option
@key_file_option
@format_option("table", "json")
@lang_option
def import_(
    paths: tuple[Path, ...],
    db_path: Path,
    dry_run: bool,
    actor: str | None,
    key_file: Path | None,
    fmt: str,
    lang: str,
) -> None:
    """Import exchange files into --db (created when missing).

    PATH is a folder of CSV files (one per table: people.csv, activities.csv, ...), a ZIP
    of them, one CSV, an XLSX workbook (a sheet per table) or a JSON document. Headers may
    be English field names or Chinese labels; CSV may be UTF-8 or GB18030. Several PATHs
    are imported together, as one.

    All or nothing: any problem and nothing is written; every problem is listed on
    stderr (file, row, field, value, reason) and the exit status is 1; with --format json
    the same report is also printed on stdout as JSON. A refused import (or a dry run)
    into a new --db leaves no file behind. Importing the same files again changes
    nothing. A person with a new id but a known national ID number is matched to the
    known person and reported.

    While it writes, other commands keep reading what was there before (and say an import
    is under way); another writer waits up to 30 s, then gives up naming this import. The
    import is recorded in the audit trail (supervise history) under --actor.

    \b
    Example:
      supervise import examples/exchange/anhui-sanqu-2024 --db ningxia.db
    """
    with (
        _new_registry_kept(db_path, keep=not dry_run),
        _refusal(fmt, lang),
        open_registry(db_path, writes=True, actor=actor, key=key_file) as registry,
        _step_bars() as on_step,
        _readable(),
    ):
        report = import_files(registry, paths, dry_run=dry_run, on_step=on_step)
    _show(report, fmt, lang)


@cli.command()
@_paths
@db_option(
    required=False,
    help="Also check references against this registry, which is left as it is (env: SUPERVISE_DB).",
)
@format_option("table", "json")
@lang_option
def validate(paths: tuple[Path, ...], db_path: Path | None, fmt: str, lang: str) -> None:
    """Check exchange files without writing anything.

    Without --db the files must be complete in themselves (every reference resolves
    within them); with --db references may also point into that registry, and the
    summary counts what an import would insert and update. Exit status 1 lists every
    problem on stderr, as `supervise import` would (and on stdout as JSON with --format
    json).

    \b
    Example:
      supervise validate examples/exchange/anhui-sanqu-2024
      supervise validate new-batch.xlsx --db ningxia.db
    """
    with (
        _refusal(fmt, lang),
        open_registry(db_path) as registry,
        _step_bars() as on_step,
        _readable(),
    ):
        report = import_files(registry, paths, dry_run=True, on_step=on_step)
    _show(report, fmt, lang)


@cli.command()
@db_option()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="File (.json, .zip, .xlsx) or folder (CSV) to write.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="json, csv (a folder, a file per table), zip (that folder zipped), xlsx or parquet "
    "(a folder, a typed file per table); default: from the suffix of -o.",
)
@click.option("--include-pii", is_flag=True, help="Write national ID and phone numbers unmasked.")
@key_file_option
@click.option(
    "--national-id-key",
    "national_id_key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Write national IDs as pseudonyms under this shared key file (Parquet, for a "
    "national roll-up; see supervise national key), phones left out.",
)
@click.option(
    "--headers",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Column headers and vocabulary values of CSV and XLSX: English or Chinese.",
)
@click.option(
    "--raw-text",
    is_flag=True,
    help="CSV and ZIP: write text that would start a spreadsheet formula (=, +, -, @, ...) "
    "as it is, without the apostrophe that stops Excel and WPS running it; for files "
    "read by programs, not spreadsheets.",
)
@lang_option
def export(
    db_path: Path,
    output: Path,
    fmt: str | None,
    include_pii: bool,
    key_file: Path | None,
    national_id_key: Path | None,
    headers: str,
    raw_text: bool,
    lang: str,
) -> None:
    """Export every record of --db in the supervise/1 format.

    National ID and phone numbers are masked (640104********003X) unless --include-pii;
    a masked file is for reading, not for importing elsewhere. Dates are ISO 8601. The
    export is written aside and moved into place whole; an export with personal data is
    readable by its owner only. A CSV folder, ZIP or Parquet folder carries manifest.json
    (tables, rows, SHA-256 per file), so import refuses one that is incomplete or changed.
    For a national roll-up, export Parquet with --include-pii, or with --national-id-key
    to send pseudonyms of the national IDs instead of the numbers (phones left out); a
    protected registry whose own key is that key sends the keyed hashes it keeps, opening
    no number.

    \b
    Example:
      supervise export --db ningxia.db -o ningxia.json
      supervise export --db ningxia.db --format csv -o ningxia-csv --headers zh
      supervise export --db ningxia.db --format parquet -o ningxia \\
        --national-id-key match.key
    """
    chosen = fmt or format_of(output)
    if chosen == "json" and headers == "zh":
        raise click.BadParameter(
            "JSON keys are always English; use it with csv or xlsx", param_hint="--headers"
        )
    if chosen == "parquet" and headers == "zh":
        raise click.BadParameter(localize(_T("parquet_headers"), lang), param_hint="--headers")
    if chosen == "xlsx" and raw_text:
        raise click.BadParameter(
            "XLSX always neutralises formulas; use it with csv, zip or json",
            param_hint="--raw-text",
        )
    if national_id_key is not None and (chosen != "parquet" or include_pii):
        raise click.BadParameter(localize(_T("pseudonyms"), lang), param_hint="--national-id-key")
    from supervise.pseudonym import load_key

    shared = None if national_id_key is None else load_key(national_id_key)
    with open_registry(db_path, key=key_file) as registry, _readable():
        written = registry.export(
            output,
            chosen,
            include_pii=include_pii,
            headers=headers,
            neutralise_formulas=not raw_text,
            national_id_key=shared,
        )
    tables = sum(1 for n in written.values() if n)
    said = _T("exported", rows=sum(written.values()), tables=tables, output=output, format=chosen)
    click.echo(localize(said, lang))


def _show(report: ImportReport, fmt: str, lang: str) -> None:
    if fmt == "json":
        emit_json(report.to_dict(lang))
    else:
        click.echo(report.to_text(lang))


@contextmanager
def _refusal(fmt: str, lang: str) -> Iterator[None]:
    """A refused import still answers a request for JSON: the report goes to stdout (the
    problems also to stderr, and the exit status is 1)."""
    try:
        yield
    except ImportFailed as refused:
        if fmt == "json":
            emit_json(refused.to_dict(lang))
        raise


@contextmanager
def _new_registry_kept(path: Path, *, keep: bool) -> Iterator[None]:
    """When ``path`` is not there yet, remove the registry the block creates unless the
    block succeeds and ``keep`` (a dry run, a refused or interrupted import leave nothing)."""
    if path.exists():
        yield
        return
    try:
        yield
    except BaseException:
        _remove_if_empty(path)
        raise
    if not keep:
        _remove_if_empty(path)


def _remove_if_empty(path: Path) -> None:
    """Remove the registry at ``path`` and its journal files, if it holds no record (no
    other process wrote to it meanwhile)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            empty = all(
                conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == 0 for name in TABLES
            )
        finally:
            conn.close()
    except sqlite3.Error:
        return  # not a registry we made: leave it
    if empty:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()


@contextmanager
def _readable() -> Iterator[None]:
    """A file that cannot be read or written is the user's problem, not an internal error."""
    try:
        yield
    except OSError as exc:
        raise click.ClickException(
            f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        ) from None


@contextmanager
def _step_bars(file: TextIO | None = None) -> Iterator[StepCallback | None]:
    """A progress callback that draws click's progress bar on a terminal (stderr), or
    ``None`` when stderr is not a terminal: piped and logged runs stay quiet."""
    stream = file or sys.stderr
    if not stream.isatty():
        yield None
        return
    bars = _Bars(stream)
    try:
        yield bars.update
    finally:
        bars.close()


class _Bars:
    """One click progress bar per stage of an import (checking, writing)."""

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.stage = ""
        self.bar: Any = None
        self.shown = 0

    def update(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.shown = stage, 0
            if total >= _BAR_FROM_ROWS:
                self.bar = click.progressbar(length=total, label=f"{stage:8}", file=self.file)
                self.bar.__enter__()
        if self.bar is not None:
            self.bar.length = max(self.bar.length, total)
            self.bar.update(done - self.shown)
            self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
