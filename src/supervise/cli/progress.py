"""``supervise progress``: how far along a cohort is."""

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
from supervise.core.progress import DEFAULT_TOLERANCE, CohortProgress
from supervise.present.progress import CSV_COLUMNS, csv_rows


@cli.command(short_help="How far along a cohort is, trainee by trainee, phase by phase.")
@db_option()
@click.option("--cohort", "cohort_id", required=True, help="Cohort id, e.g. nx-2024-b2.")
@as_of_option
@click.option(
    "--tolerance",
    type=click.FloatRange(0, 1),
    default=DEFAULT_TOLERANCE,
    show_default=True,
    help="How far below the expected share a phase may fall before a trainee is behind.",
)
@click.option(
    "--by-team",
    is_flag=True,
    help="One row per team (Enrollment.team): trainees, withdrawn, completed, overdue, "
    "behind, and per phase how many have it done.",
)
@format_option("table", "json", "csv", "html")
@lang_option
def progress(
    db_path: Path,
    cohort_id: str,
    as_of: date,
    tolerance: float,
    by_team: bool,
    fmt: str,
    lang: str,
) -> None:
    """How far along a cohort is: each trainee in each phase, who is behind, mentor load and
    outcomes, as of a date.

    The table marks each phase ✓ complete, ≈ exempt, ! overdue, ▸ in progress or
    · not started, with the share of its requirements met. JSON is the result's to_dict();
    CSV has one row per trainee and phase; HTML is a page with the coloured table
    (supervise report writes the full cohort report).

    With --by-team, one row per team instead (JSON: the teams' to_dict(); CSV: one row
    per team).

    \b
    Examples:
      supervise progress --db ningxia.db --cohort nx-2024-b2 --as-of 2024-10-15
      supervise progress --db ningxia.db --cohort ah-sanqu-2024-1 --by-team
    """
    with open_registry(db_path) as registry:
        result = registry.cohort_progress(cohort_id, as_of, tolerance)
    if by_team:
        _teams(result, fmt, lang)
        return
    if fmt == "json":
        emit_json(result.to_dict())
    elif fmt == "csv":
        emit_csv(csv_rows(result), CSV_COLUMNS)
    elif fmt == "html":
        emit_html(f"{result.cohort_name} ({result.cohort_id})", result.to_html(lang), lang)
    else:
        click.echo(result.to_text(lang))


def _teams(result: CohortProgress, fmt: str, lang: str) -> None:
    teams = result.by_team()
    if fmt == "json":
        emit_json(teams.to_dict())
    elif fmt == "csv":
        keys = [key for key, _ in teams.phases]
        columns = ["team", "enrolled", "withdrawn", "completed", "overdue", "behind", *keys]
        emit_csv(
            (
                {
                    "team": t.team,
                    "enrolled": t.enrolled,
                    "withdrawn": t.withdrawn,
                    "completed": t.completed,
                    "overdue": len(t.overdue),
                    "behind": len(t.behind),
                    **t.phases_done,
                }
                for t in teams.teams
            ),
            columns,
        )
    elif fmt == "html":
        emit_html(f"{teams.cohort_name} ({teams.cohort_id})", teams.to_html(lang), lang)
    else:
        click.echo(teams.to_text(lang))
