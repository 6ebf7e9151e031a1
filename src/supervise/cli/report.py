"""``supervise report``: one self-contained HTML file about a cohort."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from supervise.cli import cli
from supervise.cli._options import as_of_option, db_option, lang_option, open_registry
from supervise.core.policy import load_policy
from supervise.report.page import cohort_report


@cli.command(short_help="Write a self-contained HTML report about a cohort.")
@db_option()
@click.option("--cohort", "cohort_id", required=True, help="Cohort id, e.g. nx-2024-b2.")
@as_of_option
@click.option(
    "--policy",
    "policy_ref",
    metavar="FILE_OR_NAME",
    help="Add who qualifies under this policy (TOML file or built-in name, e.g. "
    "nx-expert-pool); without it the eligibility section is left out.",
)
@lang_option
@click.option(
    "--charts/--no-charts",
    default=None,
    help="Require the charts (needs supervise[plot]) or leave them out "
    "(default: included when matplotlib is installed).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    help="HTML file to write ('-' for stdout).",
)
def report(
    db_path: Path,
    cohort_id: str,
    as_of: date,
    policy_ref: str | None,
    lang: str,
    charts: bool | None,
    output: Path,
) -> None:
    """Write one self-contained HTML report about a cohort, to send or print.

    Sections: summary, charts (progress heatmap, phase statuses), the progress table, who
    is behind and why, mentor load, outcomes, and, with --policy, eligibility. Charts are
    embedded as PNG and the CSS is inline: the file makes no network requests. National ID
    numbers and phone numbers never appear.

    \b
    Example:
      supervise report --db ningxia.db --cohort nx-2024-b2 --as-of 2024-10-15 \\
        --policy nx-expert-pool -o report.html
    """
    policy = None if policy_ref is None else load_policy(policy_ref)
    with open_registry(db_path) as registry:
        text = cohort_report(registry, cohort_id, as_of, policy, lang, charts)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output} ({len(text.encode('utf-8')) // 1024} KiB)", err=True)
