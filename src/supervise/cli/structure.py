"""``supervise tiers``, ``supervise outcomes`` and ``supervise targets``: the talent structure."""

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
from supervise.core.outcomes import OutcomeTally
from supervise.core.targets import TargetStatus, load_targets
from supervise.core.tiers import GROUPINGS, LEVELS, TierCounts
from supervise.present.structure import targets_html, targets_text


@cli.command(short_help="People by the highest credential held (人才梯次).")
@db_option()
@as_of_option
@click.option(
    "--by",
    type=click.Choice(list(GROUPINGS)),
    help="Group by region code prefix (province 2, prefecture 4, county 6 digits) or program.",
)
@format_option("table", "json", "csv", "html")
@lang_option
def tiers(db_path: Path, as_of: date, by: str | None, fmt: str, lang: str) -> None:
    """People by the highest credential held on a date (人才梯次).

    \b
    Tiers: none, assistant (助理社会工作师), intermediate (社会工作师),
    senior (高级社会工作师); the structure 初、中、高级人才梯次结构.

    JSON is the result's to_dict(); CSV one row per group; HTML a page with the table.

    \b
    Example:
      supervise tiers --db ningxia.db --as-of 2024-12-06 --by county
    """
    with open_registry(db_path) as registry:
        result = registry.tiers(as_of, by)
    show_tiers(result, fmt, lang)


def show_tiers(result: TierCounts, fmt: str, lang: str) -> None:
    """Write tier counts in ``fmt`` (the output of ``supervise tiers``)."""
    if fmt == "json":
        emit_json(result.to_dict())
    elif fmt == "csv":
        emit_csv(
            ({"group": g, **counts} for g, counts in result.groups.items()),
            ("group", *LEVELS, "total"),
        )
    elif fmt == "html":
        emit_html("人才梯次结构" if lang == "zh" else "talent tiers", result.to_html(lang), lang)
    else:
        click.echo(result.to_text(lang))


@cli.command(short_help="People trained, and per outcome kind (培养成效).")
@db_option()
@click.option("--program", help="Only the cohorts of this program.")
@click.option("--cohort", help="Only this cohort.")
@as_of_option
@format_option("table", "json", "html")
@lang_option
def outcomes(
    db_path: Path, program: str | None, cohort: str | None, as_of: date, fmt: str, lang: str
) -> None:
    """What training produced (培养成效): people trained, and per outcome kind.

    Reproduces tables such as Ningxia's: of 60 trained, 18 admitted to the expert pool,
    5 drafting local standards, 3 through the senior review. JSON is the result's
    to_dict(); HTML a page with the table.

    \b
    Example:
      supervise outcomes --db ningxia.db --as-of 2024-12-06
    """
    with open_registry(db_path) as registry:
        result = registry.outcomes(program, cohort, as_of)
    show_outcomes(result, fmt, lang)


def show_outcomes(result: OutcomeTally, fmt: str, lang: str) -> None:
    """Write an outcome tally in ``fmt`` (the output of ``supervise outcomes``)."""
    if fmt == "json":
        emit_json(result.to_dict())
    elif fmt == "html":
        emit_html("培养成效" if lang == "zh" else "outcomes", result.to_html(lang), lang)
    else:
        click.echo(result.to_text(lang))


@cli.command(short_help="Whether each target will be reached at the current pace.")
@db_option()
@click.option(
    "--targets",
    "targets_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file of [[targets]] tables.",
)
@as_of_option
@format_option("table", "json", "csv", "html")
@lang_option
def targets(db_path: Path, targets_path: Path, as_of: date, fmt: str, lang: str) -> None:
    """Whether each target will be reached by its deadline at the current pace.

    For each target in the TOML file (for instance 100 supervisors by 2027-12-31): the count
    now, what remains, the pace needed and the pace of the last 12 months, and the date
    that pace reaches the goal. JSON and CSV have one entry per target.

    \b
    Example:
      supervise targets --db ningxia.db --targets examples/ningxia-targets.toml \\
        --as-of 2024-12-06
    """
    chosen = load_targets(targets_path)
    with open_registry(db_path) as registry:
        statuses = [registry.target_status(t, as_of) for t in chosen]
    show_targets(statuses, fmt, lang)


def show_targets(statuses: list[TargetStatus], fmt: str, lang: str) -> None:
    """Write target statuses in ``fmt`` (the output of ``supervise targets``)."""
    rows = [s.to_dict() for s in statuses]
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        emit_csv(rows, list(rows[0]))
    elif fmt == "html":
        emit_html("目标进展" if lang == "zh" else "targets", targets_html(statuses, lang), lang)
    else:
        click.echo(targets_text(statuses, lang))
