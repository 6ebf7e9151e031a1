"""Options shared by the commands, so each means the same everywhere."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

import supervise
from supervise.dates import DateParseError, parse_date
from supervise.registry import Registry

F = TypeVar("F", bound=Callable[..., Any])


def db_option(
    *, must_exist: bool = True, required: bool = True, help: str = ""
) -> Callable[[F], F]:
    """``--db PATH`` (or ``$SUPERVISE_DB``). Commands that only read require the file to
    exist, so a typo does not silently create an empty registry."""
    return click.option(
        "--db",
        "db_path",
        required=required,
        envvar="SUPERVISE_DB",
        type=click.Path(dir_okay=False, path_type=Path, exists=must_exist),
        help=help or "SQLite file of the registry (env: SUPERVISE_DB).",
    )


def open_registry(path: Path) -> Registry:
    """Open the registry at ``path`` for a command."""
    return supervise.open(path)


def as_of_option(f: F) -> F:
    """``--as-of DATE`` (default: today), in any form ``parse_date`` reads."""
    return click.option(
        "--as-of",
        "as_of",
        callback=_parse_as_of,
        help="Date to report as of (default: today): 2024-10-15, 2024.10.15, 2024年10月15日.",
    )(f)


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise click.BadParameter(str(exc)) from None


def format_option(*formats: str) -> Callable[[F], F]:
    """``--format`` with the first of ``formats`` as default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=formats[0],
        show_default=True,
        help="Output format.",
    )


def lang_option(f: F) -> F:
    """``--lang zh|en`` for labels and messages."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of labels and messages.",
    )(f)


def emit_json(data: Any) -> None:
    """Write ``data`` as JSON (UTF-8, Chinese unescaped) and nothing else to stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def emit_html(title: str, fragment: str, lang: str) -> None:
    """Write ``fragment`` as a complete, self-contained HTML page to stdout."""
    from supervise.present.html import Markup, page

    click.echo(page(title, [Markup(fragment)], lang), nl=False)


def emit_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Write ``rows`` as CSV with a header row to stdout."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)
