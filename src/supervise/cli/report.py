"""``supervise report``: one self-contained HTML file about a cohort, a program or a province."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from supervise.cli import cli
from supervise.cli._options import as_of_option, db_option, lang_option, open_registry
from supervise.core.policy import load_policy
from supervise.core.targets import load_targets
from supervise.lang import Catalogue, localize

_T = Catalogue(__name__, {"wrote": ("已写入 {path}（{size} KiB）", "Wrote {path} ({size} KiB)")})


@cli.command(short_help="Write a self-contained HTML report: a cohort, a program, a province.")
@db_option()
@click.option("--cohort", "cohort_id", help="Report on this cohort, e.g. nx-2024-b2.")
@click.option(
    "--program", "program_id", help="Report on this program and all its cohorts, e.g. nx-sup-2024."
)
@click.option(
    "--province",
    help="Report on every program of a province: a region code (64) or a name (宁夏).",
)
@as_of_option
@click.option(
    "--policy",
    "policy_ref",
    metavar="FILE_OR_NAME",
    help="Add who qualifies under this policy (TOML file or built-in name, e.g. "
    "nx-expert-pool); without it the eligibility section is left out.",
)
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add these targets (TOML file of [[targets]]) with their burn-up charts "
    "(program and province reports).",
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
    cohort_id: str | None,
    program_id: str | None,
    province: str | None,
    as_of: date,
    policy_ref: str | None,
    targets_path: Path | None,
    lang: str,
    charts: bool | None,
    output: Path,
) -> None:
    """Write one self-contained HTML report, to send or print: about a cohort (--cohort),
    a program and all its cohorts (--program), or every program of a province
    (--province).

    A cohort report: summary, charts (progress heatmap, phase statuses), the progress
    table, who is behind and why, progress by team, mentor load, outcomes, placements and,
    with --policy, eligibility. A program or province report: progress by cohort (with
    charts), progress by team, who qualifies (--policy), outcomes as the published tables
    lay them out, talent tiers, targets with burn-up charts (--targets) and placements.
    Charts are embedded as PNG and the CSS is inline: the file makes no network requests.
    National ID numbers and phone numbers never appear.

    \b
    Examples:
      supervise report --db ningxia.db --cohort nx-2024-b2 --as-of 2024-10-15 \\
        --policy nx-expert-pool -o report.html
      supervise report --db ningxia.db --province 64 --as-of 2024-12-06 \\
        --targets examples/ningxia-targets.toml -o ningxia.html
    """
    given = [name for name, value in _scopes(cohort_id, program_id, province) if value]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --cohort, --program, --province")
    if targets_path is not None and cohort_id is not None:
        raise click.UsageError("--targets goes with --program or --province")
    policy = None if policy_ref is None else load_policy(policy_ref)
    targets = None if targets_path is None else load_targets(targets_path)
    with open_registry(db_path) as registry:
        if cohort_id is not None:
            from supervise.report.page import cohort_report

            text = cohort_report(registry, cohort_id, as_of, policy, lang, charts)
        else:
            from supervise.report import department

            if program_id is not None:
                scope = department.program_scope(registry, program_id, lang)
            else:
                scope = department.province_scope(registry, province or "", lang)
            text = department.department_report(
                registry, scope, as_of, policy, targets, lang, charts
            )
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    size = len(text.encode("utf-8")) // 1024
    click.echo(localize(_T("wrote", path=output, size=size), lang), err=True)


def _scopes(
    cohort_id: str | None, program_id: str | None, province: str | None
) -> list[tuple[str, str | None]]:
    return [("--cohort", cohort_id), ("--program", program_id), ("--province", province)]
