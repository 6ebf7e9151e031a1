"""``supervise import``, ``supervise validate`` and ``supervise export``: exchange files in the
``supervise/1`` format (see docs/exchange.md)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

import supervise
from supervise.cli import cli
from supervise.cli._options import db_option, emit_json, format_option, open_registry
from supervise.exchange import ImportReport, Progress, import_files
from supervise.exchange.write import FORMATS, format_of
from supervise.pseudonym import MatchingKey

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
@format_option("table", "json")
def import_(paths: tuple[Path, ...], db_path: Path, dry_run: bool, fmt: str) -> None:
    """Import exchange files into --db (created when missing).

    PATH is a folder of CSV files (one per table: people.csv, activities.csv, ...), a ZIP
    of them, one CSV, an XLSX workbook (a sheet per table) or a JSON document. Headers may
    be English field names or Chinese labels; CSV may be UTF-8 or GB18030. Several PATHs
    are imported together, as one.

    All or nothing: any problem and nothing is written; every problem is listed on
    stderr (file, row, field, value, reason) and the exit status is 1. Importing the same
    files again changes nothing. A person with a new id but a known national ID number is
    matched to the known person and reported.

    \b
    Example:
      supervise import examples/exchange/anhui-sanqu-2024 --db ningxia.db
    """
    with open_registry(db_path) as registry, _progress() as progress, _readable():
        report = import_files(registry, paths, dry_run=dry_run, progress=progress)
    _show(report, fmt)


@cli.command()
@_paths
@db_option(
    required=False,
    help="Also check references against this registry, which is left as it is (env: SUPERVISE_DB).",
)
@format_option("table", "json")
def validate(paths: tuple[Path, ...], db_path: Path | None, fmt: str) -> None:
    """Check exchange files without writing anything.

    Without --db the files must be complete in themselves (every reference resolves
    within them); with --db references may also point into that registry, and the
    summary counts what an import would insert and update. Exit status 1 lists every
    problem on stderr, as `supervise import` would.

    \b
    Example:
      supervise validate examples/exchange/anhui-sanqu-2024
      supervise validate new-batch.xlsx --db ningxia.db
    """
    registry = open_registry(db_path) if db_path is not None else supervise.open()
    with registry, _progress() as progress, _readable():
        report = import_files(registry, paths, dry_run=True, progress=progress)
    _show(report, fmt)


@cli.command()
@db_option()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="File (.json, .xlsx) or folder (CSV) to write.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="json, csv (a folder, a file per table), xlsx or parquet (a folder, a typed file "
    "per table); default: from the suffix of -o.",
)
@click.option("--include-pii", is_flag=True, help="Write national ID and phone numbers unmasked.")
@click.option(
    "--national-id-key",
    "key_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Write national IDs as pseudonyms under this matching key (Parquet, for a "
    "national roll-up; see supervise national key).",
)
@click.option(
    "--headers",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Column headers of CSV and XLSX: English names or Chinese labels.",
)
def export(
    db_path: Path,
    output: Path,
    fmt: str | None,
    include_pii: bool,
    key_path: Path | None,
    headers: str,
) -> None:
    """Export every record of --db in the supervise/1 format.

    National ID and phone numbers are masked (640104********003X) unless --include-pii;
    a masked file is for reading, not for importing elsewhere. Dates are ISO 8601.
    For a national roll-up, export Parquet with --include-pii, or with --national-id-key
    to send pseudonyms of the national IDs instead of the numbers (phones left out).

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
    if key_path is not None and (chosen != "parquet" or include_pii):
        raise click.BadParameter(
            "pseudonyms are for Parquet exports to a national roll-up: use it with "
            "--format parquet and without --include-pii",
            param_hint="--national-id-key",
        )
    key = None if key_path is None else MatchingKey.load(key_path)
    with open_registry(db_path) as registry, _readable():
        written = registry.export(
            output, chosen, include_pii=include_pii, headers=headers, national_id_key=key
        )
    tables = sum(1 for n in written.values() if n)
    click.echo(f"exported {sum(written.values())} rows of {tables} tables to {output} ({chosen})")


def _show(report: ImportReport, fmt: str) -> None:
    if fmt == "json":
        emit_json(report.to_dict())
    else:
        click.echo(report.to_text())


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
def _progress(file: TextIO | None = None) -> Iterator[Progress | None]:
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
