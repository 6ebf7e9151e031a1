"""Options shared by the commands, so each means the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

import supervise
from supervise.store import Registry

F = TypeVar("F", bound=Callable[..., Any])


def db_option(*, must_exist: bool = True) -> Callable[[F], F]:
    """``--db PATH`` (or ``$SUPERVISE_DB``). Commands that only read require the file to
    exist, so a typo does not silently create an empty registry."""
    return click.option(
        "--db",
        "db_path",
        required=True,
        envvar="SUPERVISE_DB",
        type=click.Path(dir_okay=False, path_type=Path, exists=must_exist),
        help="SQLite file of the registry (env: SUPERVISE_DB).",
    )


def open_registry(path: Path) -> Registry:
    """Open the registry at ``path`` for a command."""
    return supervise.open(path)
