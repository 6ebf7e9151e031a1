"""The ``supervise`` command line: a thin shell over the Python API.

Errors about data go to stderr as one line starting ``Error:``, with exit status 1; usage
errors exit with 2 (click's convention); anything unexpected exits with 3 and no traceback
unless ``SUPERVISE_DEBUG=1`` is set. Results go to stdout, and only results: ``--format json``
output is JSON and nothing else.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from supervise.cli._options import DB_KEY, chosen_lang, lang_parameter
from supervise.errors import SuperviseError

__all__ = ["COMMANDS", "LangGroup", "all_commands", "cli", "main"]

#: Exit status for a problem with the data or the registry (bad file, unknown cohort, ...).
EXIT_DATA = 1
#: Exit status for an unexpected internal error.
EXIT_INTERNAL = 3


#: Each command by the module that defines it: a command imports only what it needs, so
#: `supervise progress` does not pay for the exchange formats or the credentials.
COMMANDS = {
    "backup": "maintenance",
    "ce": "continuing",
    "confirm": "signoff",
    "credentials": "credentials",
    "demo": "demo",
    "eligible": "eligible",
    "export": "exchange",
    "history": "maintenance",
    "import": "exchange",
    "imports": "maintenance",
    "keys": "keys",
    "national": "national",
    "outcomes": "structure",
    "progress": "progress",
    "protect": "protect",
    "report": "report",
    "targets": "structure",
    "tiers": "structure",
    "validate": "exchange",
}


class LangGroup(click.Group):
    """A group that gives every command added to it ``--lang`` (for the language of its
    errors), when the command does not read it itself: ``supervise national`` is one."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any(param.name == "lang" for param in cmd.params):
            cmd.params.append(lang_parameter())
        super().add_command(cmd, name)


class _Group(LangGroup):
    """Loads commands when they are asked for, gives every command ``--lang``, and turns
    library errors into messages in that language instead of tracebacks."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"supervise.cli.{COMMANDS[cmd_name]}")  # registers it
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        # Every message is masked on its way out: one that repeats what somebody typed (a
        # national ID number given as a person id) must not print it in full.
        from supervise.pii import mask_lookalikes

        try:
            return super().invoke(ctx)
        except SuperviseError as exc:
            raise click.ClickException(mask_lookalikes(exc.message(chosen_lang(ctx)))) from None
        except BrokenPipeError:  # output piped into `head`: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_DATA)
        except click.ClickException as exc:
            if type(exc) is click.ClickException:  # a command's own message about data
                raise click.ClickException(mask_lookalikes(exc.message)) from None
            raise
        except (click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            damage = _damage(exc, ctx)
            if damage is not None:
                raise click.ClickException(damage.message(chosen_lang(ctx))) from None
            if os.environ.get("SUPERVISE_DEBUG"):
                raise
            click.echo(
                f"Error: internal error {type(exc).__name__}: {mask_lookalikes(str(exc))} "
                "(run with SUPERVISE_DEBUG=1 for the traceback, and please report it)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


def _damage(exc: Exception, ctx: click.Context) -> SuperviseError | None:
    """A damaged registry that a read outside the store's care met (SQLite or DuckDB said
    "malformed"), as the error the store raises for it, naming the command's ``--db``."""
    if "malformed" not in str(exc) or not type(exc).__module__.startswith(("sqlite3", "duckdb")):
        return None
    from supervise.errors import CorruptRegistry

    path = str(ctx.meta.get(DB_KEY, "?"))
    return CorruptRegistry(path, str(exc).removeprefix("Error: ").strip())


@click.group(
    cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80}
)
@click.version_option(package_name="supervise")
def cli() -> None:
    """Track supervisor training programs: progress, eligibility, exchange.

    Every command takes --db PATH (or the SUPERVISE_DB environment variable): the SQLite
    file holding the registry, and --lang zh|en (or SUPERVISE_LANG; default: the locale,
    else Chinese). Results go to stdout, errors to stderr. Exit status: 0 ok,
    1 data error, 2 usage error, 3 internal error. `supervise COMMAND --help` shows each
    command with an example.

    \b
    Example:
      supervise demo --db ningxia.db
      supervise progress --db ningxia.db --cohort nx-2024-b2 --as-of 2024-10-15
    """


def all_commands() -> dict[str, click.Command]:
    """Every command, loaded, by name (for the docs and the tests of every command)."""
    for module in sorted(set(COMMANDS.values())):
        importlib.import_module(f"supervise.cli.{module}")
    return dict(sorted(cli.commands.items()))


def main() -> None:
    """Entry point of the ``supervise`` script."""
    cli(prog_name="supervise")
