"""Options shared by the commands, so each means the same everywhere."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

import supervise
from supervise.dates import DateParseError, parse_date
from supervise.errors import NotFound
from supervise.lang import LANGS, Catalogue, localize, resolve
from supervise.model import Cohort

if TYPE_CHECKING:
    from supervise.registry import Registry
    from supervise.store.protection import ProtectionKey

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
        callback=_remember_db,
        help=help or "SQLite file of the registry (env: SUPERVISE_DB).",
    )


#: Where the command's ``--db`` is kept (``ctx.meta``), for messages printed after it ends.
DB_KEY = "supervise.db"


def _remember_db(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        ctx.meta[DB_KEY] = value
    return value


@contextmanager
def open_registry(
    path: Path | None,
    *,
    writes: bool = False,
    actor: str | None = None,
    key: ProtectionKey | Path | None = None,
) -> Iterator[Registry]:
    """The registry at ``path`` (in memory for ``None``) for the length of a command. An
    unknown cohort id met inside the block is reported with the cohorts there are. When
    another process is importing into it, stderr says so: a reader's answers are those of
    before the import, a writer waits for it (``writes``). ``actor`` names who writes;
    ``key`` opens the personal data of a protected registry (default: the environment's)."""
    with supervise.open(path, actor=actor, key=key) as registry:
        _tell_write_under_way(registry, writes)
        try:
            yield registry
        except NotFound as exc:
            if exc.record != Cohort.__name__ or exc.known is not None:
                raise
            cohorts = registry.find(Cohort)
            listed = [f"{c.id} ({c.name})" for c in cohorts[:LISTED_COHORTS]]
            raise NotFound(
                exc.record, exc.key, known=listed, total=len(cohorts), record_zh="批次"
            ) from None


def _tell_write_under_way(registry: Registry, writes: bool) -> None:
    from supervise.store.busy import under_way

    note = under_way(registry.path)
    if note is not None:
        said = _T(
            "writer" if writes else "reader", path=path_shown(registry), writer=note.describe()
        )
        click.echo(localize(said, chosen_lang(click.get_current_context(silent=True))), err=True)


def path_shown(registry: Registry) -> str:
    """The registry's file as messages name it."""
    return registry.path or ":memory:"


_T = Catalogue(
    __name__,
    {
        "reader": (
            "注意：{path} 正在{writer}；以下结果是其开始前已提交的数据",
            "note: {path} is busy with {writer}; these answers are what was committed "
            "before it started",
        ),
        "writer": (
            "注意：{path} 正在{writer}；本命令将等待其完成后再写入",
            "note: {path} is busy with {writer}; this command waits for it to finish "
            "before writing",
        ),
    },
)

#: How many cohorts an unknown-cohort message lists before it only counts the rest.
LISTED_COHORTS = 12


def actor_option(f: F) -> F:
    """``--actor NAME``: who writes, for the audit trail (default: the operating system's
    user)."""
    return click.option(
        "--actor",
        envvar="SUPERVISE_ACTOR",
        help="Who is writing, recorded in the audit trail (env: SUPERVISE_ACTOR; "
        "default: the system user name).",
    )(f)


def key_file_option(f: F) -> F:
    """``--key-file PATH``: the key of a protected registry (default: the environment's)."""
    return click.option(
        "--key-file",
        type=click.Path(dir_okay=False, path_type=Path, exists=True),
        help="Key of a registry that keeps national ID and phone numbers encrypted "
        "(default: $SUPERVISE_KEY_FILE, or the key in $SUPERVISE_KEY).",
    )(f)


def as_of_option(f: F) -> F:
    """``--as-of DATE`` (default: today), in any form ``parse_date`` reads."""
    return click.option(
        "--as-of",
        "as_of",
        callback=_parse_as_of,
        help="Date to report as of (default: today): 2024-10-15, 2024.10.15, 2024年10月15日.",
    )(f)


def date_option(name: str, help: str) -> Callable[[F], F]:
    """An optional date option (``--since``), read like ``--as-of``."""
    return click.option(name, callback=_parse_optional_date, help=help)


def _parse_optional_date(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> date | None:
    return None if value is None else _parse_as_of(ctx, param, value)


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


#: Where the language chosen for a command is kept (``ctx.meta``, shared by every context of
#: one command line), for messages printed after the command ends (errors).
LANG_KEY = "supervise.lang"
_LANG_HELP = "Language of messages and labels (default: $SUPERVISE_LANG, else the locale, else zh)."


def _lang_settings() -> dict[str, Any]:
    return {
        "type": click.Choice(LANGS),
        "default": None,
        "callback": _resolve_lang,
        "help": _LANG_HELP,
    }


def lang_parameter() -> click.Option:
    """``--lang zh|en`` for a command that does not read it itself: the command line adds
    it to every command that lacks it (see ``supervise.cli``), for the language of errors."""
    return click.Option(["--lang"], expose_value=False, **_lang_settings())


def lang_option(f: F) -> F:
    """``--lang zh|en``: the language of labels and messages, passed to the command as
    ``lang`` and resolved by :func:`supervise.lang.resolve` when not given."""
    return click.option("--lang", **_lang_settings())(f)


def _resolve_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    try:
        lang = resolve(value)
    except ValueError as exc:  # a SUPERVISE_LANG that is neither zh nor en
        raise click.BadParameter(str(exc)) from None
    ctx.meta[LANG_KEY] = lang
    return lang


def chosen_lang(ctx: click.Context | None) -> str:
    """The language of the command under way (its ``--lang``, else the setting, else zh)."""
    if ctx is not None and LANG_KEY in ctx.meta:
        return str(ctx.meta[LANG_KEY])
    try:
        return resolve()
    except ValueError:
        return "zh"


def emit_json(data: Any) -> None:
    """Write ``data`` as JSON (UTF-8, Chinese unescaped) and nothing else to stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def emit_html(title: str, fragment: str, lang: str) -> None:
    """Write ``fragment`` as a complete, self-contained HTML page to stdout."""
    from markupsafe import Markup

    from supervise.present.html import page

    click.echo(page(title, [Markup(fragment)], lang), nl=False)


def emit_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Write ``rows`` as CSV with a header row to stdout."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)
