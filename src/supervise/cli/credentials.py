"""``supervise credentials``: issue, verify and revoke Open Badges 3.0 / CLR 2.0 credentials."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import click

from supervise.cli import EXIT_DATA, cli
from supervise.cli._options import (
    as_of_option,
    db_option,
    emit_json,
    format_option,
    lang_option,
    open_registry,
)
from supervise.model import OutcomeKind

_KINDS = [k.value for k in OutcomeKind]


@cli.group()
def credentials() -> None:
    """Open Badges 3.0 and CLR 2.0 credentials: issue, verify, revoke.

    A completion, a recognised phase or an outcome leaves the registry as a
    signed credential any office, or any Open Badges 3.0 verifier, can check offline.

    \b
    Example:
      supervise keys new -o nx-office.pem
      supervise credentials issue --db ningxia.db --key nx-office.pem \\
          --cohort nx-2024-b2 --as-of 2024-12-06 -o nx-2024-b2.zip
      supervise credentials verify nx-2024-b2.zip
    """


@credentials.command()
@db_option()
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path, exists=True),
    help="The office's private key (PEM or JWK, from `supervise keys new`).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder, or .zip file, to write the credentials to.",
)
@click.option("--cohort", "cohorts", multiple=True, help="Completions and recognitions in COHORT.")
@click.option("--person", "people", multiple=True, help="Everything PERSON earned.")
@click.option(
    "--outcome",
    "outcomes",
    multiple=True,
    type=click.Choice(_KINDS),
    metavar="KIND",
    help="Outcomes of KIND (of the cohort's or person's people, else everyone's): "
    + ", ".join(_KINDS)
    + ".",
)
@click.option(
    "--proof",
    type=click.Choice(["eddsa-rdfc-2022", "vc-jwt"]),
    default="eddsa-rdfc-2022",
    show_default=True,
    help="Data Integrity proof (JSON files) or VC-JWT (.jwt files).",
)
@click.option("--clr", is_flag=True, help="Add one CLR 2.0 ClrCredential per person.")
@click.option("--issuer-id", help="Issuer id: a URL the office controls (default: its did:key).")
@click.option("--issuer-name", help="Issuer name (default: the program's sponsor).")
@click.option("--base-url", help="Publish ids under this URL (default: urn:uuid ids).")
@as_of_option
@format_option("table", "json")
def issue(
    db_path: Path,
    key_path: Path,
    output: Path,
    cohorts: tuple[str, ...],
    people: tuple[str, ...],
    outcomes: tuple[str, ...],
    proof: str,
    clr: bool,
    issuer_id: str | None,
    issuer_name: str | None,
    base_url: str | None,
    as_of: date,
    fmt: str,
) -> None:
    """Issue signed credentials from the registry into a folder or ZIP.

    --cohort gives the completions (trainees completed as of --as-of) and recognitions
    of a cohort; --person everything a person earned (completions, recognitions,
    outcomes); --outcome KIND the outcomes of that kind. Options combine and repeat.
    Each credential is an Open Badges 3.0 OpenBadgeCredential holding no national ID or
    phone: the holder is named, and identified by a salted SHA-256 of the national ID.
    Each takes a bit in the issuer's revocation list; the signed list is written beside
    them as status-list.jwt.

    \b
    Example:
      supervise credentials issue --db ningxia.db --key nx-office.pem \\
          --cohort nx-2024-b2 --outcome expert_pool --as-of 2024-12-06 \\
          --clr -o out/
      supervise credentials issue --db ningxia.db --key nx-office.pem \\
          --person t2024-05 --proof vc-jwt -o t2024-05.zip
    """
    from supervise.credentials import issue as issue_credentials
    from supervise.credentials import load_key

    key = load_key(key_path)
    with open_registry(db_path) as registry:
        report = issue_credentials(
            registry,
            key,
            output,
            cohorts=cohorts,
            people=people,
            outcomes=outcomes,
            as_of=as_of,
            proof=proof,
            clr=clr,
            issuer_id=issuer_id,
            issuer_name=issuer_name,
            base_url=base_url,
        )
    if fmt == "json":
        emit_json(report.to_dict())
        return
    counts: dict[str, int] = {}
    for c in report.credentials:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    click.echo(f"issued {len(report.credentials)} credentials ({summary}) to {output}")
    click.echo(f"issuer {report.issuer}, proof {report.proof}")
    click.echo(f"status list {report.status_list} in status-list.jwt")
    for person_id, reason in report.skipped:
        click.echo(f"skipped {person_id}: {reason}", err=True)


@credentials.command()
@db_option(required=False, help="Registry to read revocations from (its own credentials).")
@click.option(
    "--trust",
    multiple=True,
    help="Accept only these issuers: a key file (PEM or JWK) or a did:key. Repeatable.",
)
@click.option(
    "--status-list",
    "status_lists",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path, exists=True),
    help="A signed status list file to read revocations from. Repeatable.",
)
@format_option("table", "json")
@lang_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
def verify(
    db_path: Path | None,
    trust: tuple[str, ...],
    status_lists: tuple[Path, ...],
    fmt: str,
    lang: str,
    files: tuple[Path, ...],
) -> None:
    """Verify credentials offline: signature, issuer, dates, revocation.

    FILES are credential files (JSON with a Data Integrity proof, or VC-JWT), folders or
    ZIPs of them; a status-list.jwt among them is used for revocation. Credentials of
    other issuers are accepted when their issuer is a did:key (or a key given with
    --trust). Prints what was checked; exits 0 only when every credential verifies,
    otherwise 1 with the reason for each that does not.

    \b
    Example:
      supervise credentials verify nx-2024-b2.zip
      supervise credentials verify --trust did:key:z6Mk... --lang en out/*.json
      supervise credentials verify --db ningxia.db out/t2024-05-clr.json
    """
    from supervise.credentials import load_key, load_status_list
    from supervise.credentials import verify_file as check

    keys = [load_key(t) for t in trust]
    with _expanded(files) as (paths, lists):
        known = [load_status_list(p, keys) for p in [*status_lists, *lists]]
        with ExitStack() as stack:
            registry = stack.enter_context(open_registry(db_path)) if db_path else None
            results = [
                attrs.evolve(
                    check(p, trust=keys, registry=registry, status_lists=known), source=label
                )
                for p, label in paths
            ]
    if not results:
        raise click.ClickException("no credential files found")
    if fmt == "json":
        emit_json([r.to_dict(lang) for r in results])
    else:
        _print(results, lang)
    if not all(r.ok for r in results):
        sys.exit(EXIT_DATA)


@credentials.command()
@db_option()
@click.option("--reason", help="Why it is revoked (kept in the registry).")
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path, exists=True),
    help="The office's key, to sign the updated status list written with -o.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the updated, signed status list here (needs --key).",
)
@click.argument("credential", nargs=-1, required=True)
def revoke(
    db_path: Path,
    reason: str | None,
    key_path: Path | None,
    output: Path | None,
    credential: tuple[str, ...],
) -> None:
    """Revoke credentials issued from the registry.

    CREDENTIAL is a credential id (urn:uuid:...) or a credential file. `verify --db`
    reports the revocation at once; other offices see it in the status list written
    with -o (send it to them, or publish it where the credentials say).

    \b
    Example:
      supervise credentials revoke --db ningxia.db --reason "录入错误" \\
          --key nx-office.pem -o status-list.jwt out/t2024-05-clr.json
    """
    from supervise.credentials import CredentialError, load_key, status_list_token
    from supervise.credentials import revoke as revoke_one

    if output is not None and key_path is None:
        raise click.UsageError("-o needs --key to sign the status list")
    ids = [_credential_id(c) for c in credential]
    with open_registry(db_path) as registry:
        revoked = [revoke_one(registry, i, reason) for i in ids]
        for award in revoked:
            click.echo(f"revoked {award.id} ({award.person_id}, {award.name})")
        if output is not None and key_path is not None:
            key = load_key(key_path)
            lists = {(a.status_list, a.issuer) for a in revoked}
            if len(lists) > 1:
                raise CredentialError(
                    "这些证书分属多个状态列表，请分别撤销",
                    "these credentials are in several status lists: revoke them separately",
                )
            ((list_id, issuer),) = lists
            if key.did != issuer and not issuer.startswith(("http:", "https:")):
                raise CredentialError(
                    f"此密钥不是签发方 {issuer} 的密钥",
                    f"this key is not the key of issuer {issuer}",
                )
            output.write_text(status_list_token(registry, key, list_id, issuer) + "\n")
            click.echo(f"wrote status list {list_id} to {output}")


@credentials.command("list", short_help="List the credentials issued, and which are revoked.")
@db_option()
@click.option("--person", "person_id", help="Only this person's credentials.")
@format_option("table", "json")
def list_(db_path: Path, person_id: str | None, fmt: str) -> None:
    """List the credentials issued from the registry, and which are revoked.

    \b
    Example:
      supervise credentials list --db ningxia.db --person t2024-05
    """
    from supervise._text import render
    from supervise.credentials import issued

    with open_registry(db_path) as registry:
        records = issued(registry, person_id)
    if fmt == "json":
        emit_json([r.to_dict() for r in records])
        return
    if not records:
        click.echo("no credentials issued")
        return
    rows = [["id", "person", "kind", "proof", "issued (UTC)", "revoked"]]
    for r in records:
        when = r.issued_at.replace("T", " ").removesuffix("+00:00")
        rows.append([r.id, r.person_id, r.kind, r.proof, when, r.revoked_at or ""])
    click.echo(render(rows))


def _credential_id(value: str) -> str:
    path = Path(value)
    if not path.is_file():
        return value
    from supervise.credentials import verify

    text = path.read_text(encoding="utf-8").strip()
    result = verify(text, source=value)
    found = (result.credential or {}).get("id")
    if not isinstance(found, str):
        raise click.ClickException(f"{value}: not a credential with an id")
    return found


@contextmanager
def _expanded(
    files: tuple[Path, ...],
) -> Iterator[tuple[list[tuple[Path, str]], list[Path]]]:
    """Credential files (with the name to show) and status list files among ``files``,
    folders and ZIPs opened."""
    with tempfile.TemporaryDirectory(prefix="supervise-verify-") as scratch:
        paths: list[tuple[Path, str]] = []
        lists: list[Path] = []
        for n, given in enumerate(files):
            if given.is_dir():
                found = sorted(p for p in given.iterdir() if p.suffix in (".json", ".jwt"))
                labels = [str(p) for p in found]
            elif given.suffix.lower() == ".zip":
                found = _unzip(given, Path(scratch) / str(n))
                labels = [f"{given}:{p.name}" for p in found]
            else:
                found, labels = [given], [str(given)]
            for p, label in zip(found, labels, strict=True):
                if p.name == "status-list.jwt" and given != p:
                    lists.append(p)
                else:
                    paths.append((p, label))
        yield paths, lists


def _unzip(archive: Path, into: Path) -> list[Path]:
    try:
        with zipfile.ZipFile(archive) as z:
            names = [n for n in z.namelist() if n.endswith((".json", ".jwt")) and "/" not in n]
            into.mkdir(parents=True)
            for name in names:
                (into / name).write_bytes(z.read(name))
    except zipfile.BadZipFile:
        raise click.ClickException(f"{archive} is not a ZIP file") from None
    return sorted(into / n for n in names)


def _print(results: list[Any], lang: str) -> None:
    zh = lang == "zh"
    mark = {True: "✓", False: "✗", None: "?"}
    for r in results:
        shown = r.source
        verdict = ("通过" if r.ok else "未通过") if zh else ("verified" if r.ok else "NOT verified")
        click.echo(f"{mark[r.ok]} {shown}: {verdict}")
        if r.name:
            click.echo(f"  {r.name}")
        for c in r.checks:
            click.echo(f"  {mark[c.ok]} {c.message(lang)}")
        for m in r.members:
            state = (
                ("通过" if m.ok else "未通过") if zh else ("verified" if m.ok else "NOT verified")
            )
            label = "所含证书" if zh else "bundled"
            click.echo(f"  {mark[m.ok]} {label} {m.name or m.source}: {state}")
            if not m.ok:
                click.echo(f"      {m.reason(lang)}")
        if not r.ok:
            click.echo(f"  → {r.reason(lang)}", err=True)
    good = sum(r.ok for r in results)
    if zh:
        click.echo(f"共 {len(results)} 个证书：{good} 个通过，{len(results) - good} 个未通过")
    else:
        click.echo(f"{len(results)} credentials: {good} verified, {len(results) - good} failed")
