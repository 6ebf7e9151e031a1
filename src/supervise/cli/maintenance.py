"""``supervise backup`` (a consistent copy of a live registry) and ``supervise imports``
(what was imported, when, from what)."""

from __future__ import annotations

from pathlib import Path

import click

from supervise._text import render
from supervise.cli import cli
from supervise.cli._options import db_option, emit_json, format_option, open_registry


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
