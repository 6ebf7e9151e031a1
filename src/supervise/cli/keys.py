"""``supervise keys``: the Ed25519 keys an office signs credentials with."""

from __future__ import annotations

from pathlib import Path

import click

from supervise.cli import cli


@cli.group()
def keys() -> None:
    """Signing keys of an issuing office (Ed25519).

    \b
    Example:
      supervise keys new -o nx-office.pem
    """


@keys.command("new")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the private key to (readable by its owner only).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pem", "jwk"]),
    default="pem",
    show_default=True,
    help="PEM (PKCS#8) or JWK (RFC 8037).",
)
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists (loses that key).")
def new(output: Path, fmt: str, overwrite: bool) -> None:
    """Write a new Ed25519 key for an issuing office, and print its did:key.

    The did:key is the office's public identity: credentials signed with the key name it
    as their issuer, and other offices pass it to `supervise credentials verify --trust`.
    Keep the key file secret and backed up: whoever holds it can issue in the office's
    name, and a lost key cannot revoke through a new status list.

    \b
    Example:
      supervise keys new -o nx-office.pem
      supervise keys new -o nx-office.jwk --format jwk
    """
    from supervise.credentials import new_key, write_key

    key = new_key()
    write_key(key, output, fmt, overwrite=overwrite)
    click.echo(f"wrote {output} ({fmt.upper()}, Ed25519)")
    click.echo(f"did:key {key.did}")


@keys.command("show")
@click.argument("keyfile", type=click.Path(dir_okay=False, path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the public key (PEM) to this file, to send to other offices.",
)
def show(keyfile: Path, output: Path | None) -> None:
    """Print a key file's did:key and its public key (PEM), never the private key.

    \b
    Example:
      supervise keys show nx-office.pem -o nx-office-public.pem
    """
    from supervise.credentials import load_key

    key = load_key(keyfile)
    click.echo(f"did:key {key.did}")
    click.echo(key.pem().decode("ascii"), nl=False)
    if output is not None:
        output.write_bytes(key.pem())
