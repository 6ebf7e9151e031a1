"""``supervise eligible``: who qualifies under a policy, and what the others miss."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

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
from supervise.core.eligibility import EligibilityReport
from supervise.core.policy import load_policy
from supervise.lang import Catalogue, Text, localize
from supervise.model import Cohort, Enrollment
from supervise.present.eligibility import CSV_COLUMNS, csv_rows

F = TypeVar("F", bound=Callable[..., Any])

_T = Catalogue(
    __name__,
    {
        "registry": ("登记库", "the registry"),
        "no_person": ("{where}中没有人员 {person}", "no person {person} in {where}"),
    },
)


#: ``--policy-version``, for every command that reads a policy.
policy_version_option = click.option(
    "--policy-version",
    "version",
    metavar="VERSION",
    help="Use this version of the policy, whatever the date (default: the one in force).",
)


def assessment_options(policy_help: str) -> Callable[[F], F]:
    """The options of ``supervise eligible`` after where the records come from: the policy
    (``policy_help`` says how to name one), its version, the date, whom to assess, what
    to list and how. ``supervise national eligible`` takes the same."""
    options = [
        click.option(
            "--policy", "policy_ref", required=True, metavar="FILE_OR_NAME", help=policy_help
        ),
        policy_version_option,
        as_of_option,
        click.option("--cohort", "cohort_id", help="Assess only the trainees of this cohort."),
        click.option(
            "--person", "person_ids", multiple=True, help="Assess only this person (repeatable)."
        ),
        click.option(
            "--only",
            type=click.Choice(["eligible", "ineligible"]),
            help="List only those who qualify, or only those who do not.",
        ),
        format_option("table", "json", "csv", "html"),
        lang_option,
    ]

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


@cli.command(short_help="Who qualifies under a policy, and what the others miss.")
@db_option()
@assessment_options("Policy TOML file, or a built-in policy name (nx-expert-pool).")
def eligible(
    db_path: Path,
    policy_ref: str,
    version: str | None,
    as_of: date,
    cohort_id: str | None,
    person_ids: tuple[str, ...],
    only: str | None,
    fmt: str,
    lang: str,
) -> None:
    """Who qualifies under a policy on a date; for everyone else, what is missing.

    The policy's version in force on the date decides (--policy-version forces one). The
    table shows one row per person: ✓, or ✗ and the first missing thing. JSON is the
    report's to_dict() (every rule, its actual and required values, and messages in Chinese
    and English); CSV has one row per person and rule; HTML is a page listing everything
    each person misses.

    \b
    Examples:
      supervise eligible --db ningxia.db --policy nx-expert-pool \\
        --as-of 2024-12-06
      supervise eligible --db ningxia.db --policy my-policy.toml \\
        --person t2024-08 --lang en
      supervise eligible --db ningxia.db --policy nx-expert-pool \\
        --policy-version 2025.1 --as-of 2024-12-06
    """
    policy = load_policy(policy_ref)
    with open_registry(db_path) as registry:
        people: set[str] | None = set(person_ids) if person_ids else None
        if cohort_id is not None:
            registry.get(Cohort, cohort_id)  # a clear error for an unknown cohort
            trainees = {e.person_id for e in registry.find(Enrollment, cohort_id=cohort_id)}
            people = trainees if people is None else people & trainees
        report = registry.eligibility(policy, as_of, people, version=version)
    show_eligible(report, person_ids, only, fmt, lang, _T("registry"))


def show_eligible(
    report: EligibilityReport,
    person_ids: tuple[str, ...],
    only: str | None,
    fmt: str,
    lang: str,
    where: Text,
) -> None:
    """Write an eligibility report in ``fmt`` (the output of ``supervise eligible``); a
    person asked for by ``--person`` but missing from ``where`` is an error."""
    if person_ids:
        unknown = sorted(set(person_ids) - {p.person_id for p in report.people})
        if unknown:
            message = _T("no_person", person=repr(unknown[0]), where=where)
            raise click.ClickException(localize(message, lang))
    keep = None if only is None else only == "eligible"
    if fmt == "json":
        data = report.to_dict()
        data["people"] = [p for p in data["people"] if keep is None or p["eligible"] is keep]
        emit_json(data)
    elif fmt == "csv":
        rows = [r for r in csv_rows(report, lang) if keep is None or r["eligible"] is keep]
        emit_csv(rows, CSV_COLUMNS)
    elif fmt == "html":
        emit_html(report.policy_name, report.to_html(lang, only=keep), lang)
    else:
        click.echo(report.to_text(lang, only=keep))
