"""``supervise national``: answers across many provinces' exports, without merging them.

Each subcommand takes ``--from PATH`` once per province export and the options and output
of the registry command of the same name (``tiers``, ``outcomes``, ``targets``,
``eligible``); ids are the provinces' own, prefixed with the export's name
(``ningxia:t2024-08``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from supervise.cli import LangGroup, cli
from supervise.cli._options import as_of_option, format_option, lang_option
from supervise.cli.eligible import assessment_options, policy_version_option, show_eligible
from supervise.cli.structure import show_outcomes, show_targets, show_tiers
from supervise.core.policy import load_policy
from supervise.core.targets import load_targets
from supervise.core.tiers import GROUPINGS
from supervise.lang import Catalogue, localize
from supervise.national import National
from supervise.pseudonym import load_key, new_key_file, scheme_of

F = TypeVar("F", bound=Callable[..., Any])

_T = Catalogue(
    __name__,
    {
        "warning": ("注意：{text}", "Warning: {text}"),
        "exports": ("各省的导出文件", "the provinces' exports"),
        "wrote": ("已写入 {path}（{size} KiB）", "Wrote {path} ({size} KiB)"),
        "key": (
            "已写入新密钥 {path}（{scheme}；仅所有者可读）。请与文件分开传给各省",
            "Wrote a new key to {path} ({scheme}; readable by its owner only). Pass it to "
            "the provinces apart from the files",
        ),
    },
)


def _exports(f: F) -> F:
    """``--from PATH`` (repeated) and ``--national-id-key FILE``."""
    f = click.option(
        "--national-id-key",
        "key_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="The shared key of the pseudonyms, to match numbers of some exports with "
        "pseudonyms of others.",
    )(f)
    return click.option(
        "--from",
        "paths",
        multiple=True,
        required=True,
        metavar="PATH",
        type=click.Path(exists=True, path_type=Path),
        help="A province's export (Parquet folder, CSV folder, ZIP, JSON, XLSX); repeat it.",
    )(f)


@contextmanager
def _national(paths: tuple[Path, ...], key_path: Path | None, lang: str) -> Iterator[National]:
    key = None if key_path is None else load_key(key_path)
    with National(paths, key) as national:
        for warning in national.warnings:
            click.echo(localize(_T("warning", text=warning), lang), err=True)
        yield national


@cli.group(cls=LangGroup, short_help="Answers across many provinces' exports (全国汇总).")
def national() -> None:
    """Answers across many provinces' exports, without merging them (全国汇总).

    Give each province's supervise/1 export with --from (Parquet folders are read in
    place, fastest; CSV, JSON and XLSX are read by the import). Every export is checked
    as an import would check it: one problem anywhere and nothing is answered. People
    with the same national ID (or pseudonym) are one person. Ids are the provinces' own,
    prefixed with the export's name: ningxia:t2024-08.

    \b
    Example:
      supervise national tiers --from exports/ningxia --from exports/anhui \\
        --by province
    """


@national.command(short_help="People by the highest credential held, across provinces.")
@_exports
@as_of_option
@click.option(
    "--by",
    type=click.Choice(list(GROUPINGS)),
    help="Group by region code prefix (province 2, prefecture 4, county 6 digits) or program.",
)
@format_option("table", "json", "csv", "html")
@lang_option
def tiers(
    paths: tuple[Path, ...], key_path: Path | None, as_of: date, by: str | None, fmt: str, lang: str
) -> None:
    """People by the highest credential held on a date, each person once
    (人才梯次).

    The output of `supervise tiers`, over every province given.

    \b
    Example:
      supervise national tiers --from exports/ningxia --from exports/anhui \\
        --as-of 2024-12-06 --by province
    """
    with _national(paths, key_path, lang) as rollup:
        result = rollup.tiers(as_of, by)
    show_tiers(result, fmt, lang)


@national.command(short_help="People trained, and per outcome kind, across provinces.")
@_exports
@click.option("--program", help="Only the cohorts of this program (e.g. ningxia:nx-sup-2024).")
@click.option("--cohort", help="Only this cohort (e.g. ningxia:nx-2024-b2).")
@as_of_option
@format_option("table", "json", "html")
@lang_option
def outcomes(
    paths: tuple[Path, ...],
    key_path: Path | None,
    program: str | None,
    cohort: str | None,
    as_of: date,
    fmt: str,
    lang: str,
) -> None:
    """What training produced in every province given, each person once.

    People trained, and per outcome kind (培养成效): the output of
    `supervise outcomes`.

    \b
    Example:
      supervise national outcomes --from exports/ningxia --from exports/anhui \\
        --as-of 2024-12-06
    """
    with _national(paths, key_path, lang) as rollup:
        result = rollup.outcomes(program, cohort, as_of)
    show_outcomes(result, fmt, lang)


@national.command(short_help="Whether national or regional targets will be reached.")
@_exports
@click.option(
    "--targets",
    "targets_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file of [[targets]] tables (region: a region code prefix, or national).",
)
@as_of_option
@format_option("table", "json", "csv", "html")
@lang_option
def targets(
    paths: tuple[Path, ...],
    key_path: Path | None,
    targets_path: Path,
    as_of: date,
    fmt: str,
    lang: str,
) -> None:
    """Whether each target will be reached by its deadline at the current pace, counting
    people of every province given (a target with a region counts people of that region).

    The output of `supervise targets`.

    \b
    Example:
      supervise national targets --from exports/sichuan --from exports/chongqing \\
        --targets chuanyu-targets.toml --as-of 2024-12-06
    """
    chosen = load_targets(targets_path)
    with _national(paths, key_path, lang) as rollup:
        statuses = [rollup.target_status(t, as_of) for t in chosen]
    show_targets(statuses, fmt, lang)


@national.command(short_help="Who qualifies under a policy, counting every province.")
@_exports
@assessment_options(
    "Policy TOML file, or a built-in policy name; programs named as ningxia:nx-sup-2024."
)
def eligible(
    paths: tuple[Path, ...],
    key_path: Path | None,
    policy_ref: str,
    version: str | None,
    as_of: date,
    cohort_id: str | None,
    person_ids: tuple[str, ...],
    only: str | None,
    fmt: str,
    lang: str,
) -> None:
    """Who qualifies under a policy on a date, counting what each person did in every
    province given; for everyone else, what is missing.

    The policy's version in force on the date decides (--policy-version forces one). The
    output of `supervise eligible`.

    \b
    Example:
      supervise national eligible --from exports/ningxia --from exports/anhui \\
        --policy national-pool.toml --as-of 2024-12-06 --only eligible
    """
    policy = load_policy(policy_ref)
    with _national(paths, key_path, lang) as rollup:
        people: set[str] | None = set(person_ids) if person_ids else None
        if cohort_id is not None:
            trainees = rollup.trainees_of(cohort_id)
            people = trainees if people is None else people & trainees
        report = rollup.eligibility(policy, as_of, people, version=version)
    show_eligible(report, person_ids, only, fmt, lang, _T("exports"))


@national.command(short_help="Write a self-contained HTML page of the national figures.")
@_exports
@as_of_option
@click.option(
    "--policy",
    "policy_ref",
    metavar="FILE_OR_NAME",
    help="Add who qualifies under this policy, by province.",
)
@policy_version_option
@click.option(
    "--targets",
    "targets_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add where these targets stand (TOML file of [[targets]]).",
)
@lang_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    help="HTML file to write ('-' for stdout).",
)
def report(
    paths: tuple[Path, ...],
    key_path: Path | None,
    as_of: date,
    policy_ref: str | None,
    version: str | None,
    targets_path: Path | None,
    lang: str,
    output: Path,
) -> None:
    """Write one self-contained HTML page of the national figures: the provinces and
    their records, people trained in more than one province, tiers by province, outcomes
    by province, and, when asked, targets and who qualifies by province.

    \b
    Example:
      supervise national report --from exports/ningxia --from exports/anhui \\
        --as-of 2024-12-06 --targets national-targets.toml -o national.html
    """
    from supervise.report.national import national_report

    policy = None if policy_ref is None else load_policy(policy_ref)
    chosen = [] if targets_path is None else load_targets(targets_path)
    with _national(paths, key_path, lang) as rollup:
        text = national_report(rollup, as_of, policy, chosen, lang, version)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    size = len(text.encode("utf-8")) // 1024
    click.echo(localize(_T("wrote", path=output, size=size), lang), err=True)


@national.command("key")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the key to (readable by its owner only; never overwritten).",
)
@lang_option
def key(output: Path, lang: str) -> None:
    """Write a new key for exports that carry pseudonyms of national IDs.

    Provinces that may not send national ID numbers export them as pseudonyms under a
    key they share (supervise export --format parquet --national-id-key FILE); the
    roll-up matches people by pseudonym. The key is the kind `supervise protect new-key`
    writes: a registry protected with it exports its pseudonyms without opening a number.
    Pass the key to provinces apart from the files, and keep it from anyone who holds
    the exports: with both, the numbers can be found.

    \b
    Example:
      supervise national key -o match.key
    """
    made = new_key_file(output)
    click.echo(localize(_T("key", path=output, scheme=scheme_of(made)), lang), err=True)
