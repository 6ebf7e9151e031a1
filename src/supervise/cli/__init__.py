"""The ``supervise`` command line: a thin shell over the Python API.

Errors about data go to stderr as one line starting ``Error:``, with exit status 1; usage
errors exit with 2 (click's convention); anything unexpected exits with 3 and no traceback
unless ``SUPERVISE_DEBUG=1`` is set. Results go to stdout, and only results: ``--format json``
output is JSON and nothing else.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from supervise.errors import SuperviseError

__all__ = ["cli", "main"]

#: Exit status for a problem with the data or the registry (bad file, unknown cohort, ...).
EXIT_DATA = 1
#: Exit status for an unexpected internal error.
EXIT_INTERNAL = 3


class _Group(click.Group):
    """Turns library errors into one-line messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SuperviseError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # output piped into `head`: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_DATA)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("SUPERVISE_DEBUG"):
                raise
            click.echo(
                f"Error: internal error {type(exc).__name__}: {exc} "
                "(run with SUPERVISE_DEBUG=1 for the traceback, and please report it)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


@click.group(
    cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80}
)
@click.version_option(package_name="supervise")
def cli() -> None:
    """Track supervisor training programs: progress, eligibility, exchange.

    Every command takes --db PATH (or the SUPERVISE_DB environment variable): the SQLite
    file holding the registry. Results go to stdout, errors to stderr. Exit status: 0 ok,
    1 data error, 2 usage error, 3 internal error. `supervise COMMAND --help` shows each
    command with an example.

    \b
    Example:
      supervise demo --db ningxia.db
      supervise progress --db ningxia.db --cohort nx-2024-b2 --as-of 2024-10-15
    """


def main() -> None:
    """Entry point of the ``supervise`` script."""
    cli(prog_name="supervise")


from supervise.cli import (  # noqa: E402,F401  (registers the commands)
    credentials,
    demo,
    eligible,
    exchange,
    keys,
    maintenance,
    progress,
    report,
    signoff,
    structure,
)
