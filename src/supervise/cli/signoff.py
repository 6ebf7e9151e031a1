"""``supervise confirm``: sign-off of records by a mentor of their cohort (审核确认)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from supervise._text import render
from supervise.cli import cli
from supervise.cli._options import (
    db_option,
    emit_json,
    format_option,
    lang_option,
    open_registry,
)
from supervise.dates import DateParseError, parse_date
from supervise.errors import SuperviseError
from supervise.lang import Catalogue, localize

_T = Catalogue(
    __name__,
    {
        "no_log": ("无审核记录", "no sign-offs recorded"),
        "record": ("记录", "record"),
        "state": ("状态", "state"),
        "by": ("确认人", "by"),
        "on": ("日期", "on"),
        "recorded": ("登记时间 (UTC)", "recorded (UTC)"),
    },
)


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command(short_help="Confirm or reject records as a mentor of their cohort (审核确认).")
@db_option()
@click.option("--by", "mentor", metavar="MENTOR", help="Person id of the mentor signing off.")
@click.option(
    "--record",
    "records",
    multiple=True,
    metavar="[TABLE:]ID",
    help="A record: activities:ID, sessions:ID, deliverables:ID, or an id found in one of "
    "them (repeatable).",
)
@click.option("--trainee", help="Every record awaiting sign-off of this trainee.")
@click.option(
    "--all-pending",
    is_flag=True,
    help="Every record awaiting sign-off that the mentor leads or whose trainee they guide.",
)
@click.option("--reject", is_flag=True, help="Reject instead of confirm: it will never count.")
@click.option("--on", "on", callback=_day, help="Date of the sign-off (default: today).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--log", "show_log", is_flag=True, help="List the sign-off log instead.")
@format_option("table", "json")
@lang_option
def confirm(
    db_path: Path,
    mentor: str | None,
    records: tuple[str, ...],
    trainee: str | None,
    all_pending: bool,
    reject: bool,
    on: date | None,
    dry_run: bool,
    show_log: bool,
    fmt: str,
    lang: str,
) -> None:
    """Confirm (or with --reject, reject) records awaiting a mentor's sign-off: named
    records, every pending record of one trainee, or every pending record of one mentor.

    The mentor (--by) must be a mentor of each record's cohort. Rejected records never
    count; submitted ones count only in programs whose pending_counts is true. Every
    change is kept in the registry's sign-off log (--log lists it, optionally for
    --record or --by).

    \b
    Examples:
      supervise confirm --db ningxia.db --by m2024-2 --all-pending --dry-run
      supervise confirm --db ningxia.db --by m2024-2 --trainee t2024-05
      supervise confirm --db ningxia.db --by m2024-4 --reject \\
        --record activities:nx-2024-b2-a-t2024-14-acco-late
      supervise confirm --db ningxia.db --log
    """
    with open_registry(db_path) as registry:
        if show_log:
            if len(records) > 1 or trainee or all_pending or reject or dry_run:
                raise click.UsageError("--log takes at most one --record, and --by")
            entries = registry.sign_offs(records[0] if records else None, mentor)
            if fmt == "json":
                emit_json([e.to_dict() for e in entries])
            elif not entries:
                click.echo(localize(_T("no_log"), lang))
            else:
                head = [localize(_T(k), lang) for k in ("record", "state", "by", "on", "recorded")]
                rows = [head] + [
                    [
                        f"{e.table}:{e.record_id}",
                        f"{e.previous_state.value} → {e.state.value}",
                        e.signed_by,
                        str(e.signed_on),
                        e.recorded_at.replace("T", " ").removesuffix("+00:00"),
                    ]
                    for e in entries
                ]
                click.echo(render(rows, gap=1))
            return
        if mentor is None:
            raise click.UsageError("--by MENTOR is required to sign off")
        if sum((bool(records), trainee is not None, all_pending)) != 1:
            raise click.UsageError(
                "choose the records one way: --record, --trainee or --all-pending"
            )
        sign = registry.reject if reject else registry.confirm
        try:
            result = sign(
                list(records) if records else None,
                by=mentor,
                on=on,
                trainee=trainee,
                all_pending=all_pending,
                dry_run=dry_run,
            )
        except ValueError as exc:
            if isinstance(exc, SuperviseError):
                raise
            # A record named wrongly (an unknown table, an id in two tables): a usage error.
            reason = exc.args[0] if exc.args else str(exc)
            raise click.UsageError(localize(reason, lang)) from None

    if fmt == "json":
        emit_json(result.to_dict())
    else:
        click.echo(result.to_text(lang))
