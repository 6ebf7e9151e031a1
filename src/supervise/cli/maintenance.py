"""``supervise backup`` (a consistent copy of a live registry), ``supervise imports`` (what
was imported, when, from what) and ``supervise history`` (the audit trail)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from supervise._text import render
from supervise.cli import cli
from supervise.cli._options import (
    date_option,
    db_option,
    emit_csv,
    emit_json,
    format_option,
    lang_option,
    open_registry,
)


@cli.command()
@db_option()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the copy to.",
)
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
def backup(db_path: Path, output: Path, overwrite: bool) -> None:
    """Copy the registry to a file, consistently.

    Uses SQLite's online backup API, so the copy is one consistent state of the registry
    even while others are writing to it.

    \b
    Example:
      supervise backup --db ningxia.db -o ningxia-2024-12-06.db
    """
    with open_registry(db_path) as registry:
        registry.backup(output, overwrite=overwrite)
    click.echo(f"backed up {db_path} to {output}")


@cli.command()
@db_option()
@format_option("table", "json")
def imports(db_path: Path, fmt: str) -> None:
    """List the imports that wrote to the registry (provenance).

    One line per import: when (UTC), the rows it inserted and updated, the SHA-256 of
    what was read and the paths. Imports that changed nothing are not recorded.

    \b
    Example:
      supervise imports --db ningxia.db
    """
    with open_registry(db_path) as registry:
        records = registry.imports()
    if fmt == "json":
        emit_json([r.to_dict() for r in records])
        return
    if not records:
        click.echo("no imports recorded")
        return
    rows = [["id", "imported (UTC)", "inserted", "updated", "sha256", "source"]]
    for r in records:
        inserted = sum(c.get("inserted", 0) for c in r.tables.values())
        updated = sum(c.get("updated", 0) for c in r.tables.values())
        when = r.imported_at.replace("T", " ").removesuffix("+00:00")
        rows.append([str(r.id), when, str(inserted), str(updated), r.sha256[:12], r.source])
    click.echo(render(rows, align="rlrrll", limits=[0, 0, 0, 0, 0, 24]))


@cli.command(short_help="The audit trail: who changed what, when.")
@db_option()
@click.option("--table", help="Only writes that changed a record of this table (with --key).")
@click.option(
    "--key",
    "keys",
    multiple=True,
    help="The record's key; repeat it for each part of a composite key, in order "
    "(--table enrollments --key t2024-01 --key nx-2024-b2).",
)
@click.option("--person", help="Only writes that changed a record of this person (by id).")
@date_option("--since", "Only writes made on or after this date (UTC).")
@date_option("--until", "Only writes made on or before this date (UTC).")
@format_option("table", "json", "csv")
@lang_option
def history(
    db_path: Path,
    table: str | None,
    keys: tuple[str, ...],
    person: str | None,
    since: date | None,
    until: date | None,
    fmt: str,
    lang: str,
) -> None:
    """List the writes recorded in the registry's audit trail, oldest first.

    Each write shows when (UTC), who (--actor of the command that wrote, else the system
    user), the operation (add, import, migrate, protect, ...), the rows it inserted,
    updated and deleted per table, and the records it changed with their values before
    and after (national ID and phone numbers masked). An import lists the rows it
    updated or removed; the rows it inserted are counted.

    \b
    Examples:
      supervise history --db ningxia.db --since 2024-12-01
      supervise history --db ningxia.db --table people --key t2024-08
      supervise history --db ningxia.db --person t2024-08 --format json
    """
    if keys and table is None:
        raise click.BadParameter("give the record's table too", param_hint="--key")
    with open_registry(db_path) as registry:
        writes = registry.history(
            table=table, key=keys or None, person=person, since=since, until=until
        )
    if fmt == "json":
        emit_json([w.to_dict() for w in writes])
    elif fmt == "csv":
        from supervise.present.history import CSV_COLUMNS, csv_rows

        emit_csv(csv_rows(writes), CSV_COLUMNS)
    else:
        from supervise.present.history import history_text

        click.echo(history_text(writes, lang))
