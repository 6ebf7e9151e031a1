"""``supervise backup``: a consistent copy of a live registry."""

from __future__ import annotations

from pathlib import Path

import click

from supervise.cli import cli
from supervise.cli._options import db_option, open_registry


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
