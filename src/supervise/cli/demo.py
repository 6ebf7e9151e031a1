"""``supervise demo``: build the Ningxia example registry and summarise it."""

from __future__ import annotations

from pathlib import Path

import click

from supervise._text import render
from supervise.cli import cli
from supervise.cli._options import actor_option, db_option, open_registry
from supervise.demo import ningxia
from supervise.model import Cohort, Enrollment, MentorRole, Program


@cli.command(short_help="Build the Ningxia example registry and summarise it.")
@db_option(must_exist=False)
@actor_option
def demo(db_path: Path, actor: str | None) -> None:
    """Build the Ningxia supervisor program example into --db and summarise it.

    Writes both batches (2022 and 2024), their mentors, township-station placements and
    records; running it again changes nothing.

    \b
    Example:
      supervise demo --db ningxia.db
    """
    with open_registry(db_path, writes=True, actor=actor) as registry:
        written = ningxia.build(registry)
        total = sum(written.values())
        counts = registry.counts()
        held = ", ".join(
            f"{counts[t]} {t}" for t in ("programs", "cohorts", "people", "enrollments")
        )
        click.echo(
            f"Ningxia example in {db_path}: {total} rows written\nThe registry holds {held}."
        )
        for cohort in registry.find(Cohort):
            program = registry.get(Program, cohort.program_id)
            trainees = len(registry.find(Enrollment, cohort_id=cohort.id))
            mentors = len(registry.find(MentorRole, cohort_id=cohort.id))
            click.echo(
                f"\n{program.name}\n{cohort.name} ({cohort.id}), "
                f"{cohort.starts_on} – {cohort.ends_on}: {trainees} trainees, {mentors} mentors"
            )
            rows = [["phase", "环节", "activities", "hours", "sessions", "deliverables", "exempt"]]
            for r in registry.phase_records(cohort.id):
                rows.append(
                    [
                        r["phase"],
                        r["name"],
                        str(r["activities"]),
                        f"{r['hours']:g}",
                        str(r["sessions"]),
                        str(r["deliverables"]),
                        str(r["exemptions"]),
                    ]
                )
            click.echo(render(rows, align="llrrrrr", gap=1))
