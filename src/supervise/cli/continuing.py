"""``supervise ce``: continuing education per registration cycle (继续教育)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from supervise.cli import cli
from supervise.cli._options import (
    as_of_option,
    db_option,
    emit_csv,
    emit_html,
    emit_json,
    format_option,
    lang_option,
    open_registry,
)
from supervise.present.continuing import CSV_COLUMNS, csv_rows


@cli.command(short_help="Who is short of continuing education this cycle (继续教育).")
@db_option()
@as_of_option
@click.option(
    "--within",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only those whose cycle ends within DAYS days.",
)
@click.option(
    "--requirement",
    "requirement_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file of the hours each level needs per cycle "
    "(default: assistant 72, intermediate and senior 90, every 3 years).",
)
@format_option("table", "json", "csv", "html")
@lang_option
def ce(
    db_path: Path,
    as_of: date,
    within: int | None,
    requirement_path: Path | None,
    fmt: str,
    lang: str,
) -> None:
    """Who is short of continuing education in the registration cycle containing the date,
    and by how much; with --within, only those whose cycle ends that soon.

    Cycles run from each person's registration (registered_on of the highest credential
    held, else its issue date). The table lists the most urgent first; JSON is the report's
    to_dict(); CSV has one row per person short; HTML is a page with the same table.

    \b
    Examples:
      supervise ce --db ningxia.db --as-of 2024-12-06
      supervise ce --db ningxia.db --as-of 2024-12-06 --within 180 --lang en
    """
    with open_registry(db_path) as registry:
        report = registry.continuing_education(as_of, within, requirement_path)
    if fmt == "json":
        emit_json(report.to_dict())
    elif fmt == "csv":
        emit_csv(csv_rows(report), CSV_COLUMNS)
    elif fmt == "html":
        title = "继续教育" if lang == "zh" else "Continuing education"
        emit_html(title, report.to_html(lang), lang)
    else:
        click.echo(report.to_text(lang))
