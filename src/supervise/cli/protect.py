"""``supervise protect``: keep national ID and phone numbers encrypted in the registry file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from supervise.cli import cli
from supervise.cli._options import (
    actor_option,
    db_option,
    key_file_option,
    lang_option,
    open_registry,
)
from supervise.lang import Catalogue, localize

if TYPE_CHECKING:
    from supervise.store.protection import ProtectionKey

_T = Catalogue(
    __name__,
    {
        "new_key": (
            "已写入新密钥 {path}（仅所有者可读）。请另行妥善保存一份：丢失密钥，"
            "加密的身份证号和手机号将无法恢复",
            "wrote a new key to {path} (readable by its owner only). Keep a copy somewhere "
            "safe: without it the encrypted national ID and phone numbers cannot be recovered",
        ),
        "on": (
            "{db}：已加密 {n} 人的身份证号和手机号；文件已重写，不留明文",
            "{db}: national ID and phone numbers of {n} people encrypted; the file was "
            "rewritten, no number left in clear",
        ),
        "already": ("{db} 已经加密，密钥相符", "{db} is already protected with this key"),
        "off": (
            "{db}：{n} 人的身份证号和手机号已恢复为明文",
            "{db}: national ID and phone numbers of {n} people are in clear again",
        ),
        "status_on": (
            "{db}：身份证号和手机号加密保存（{scheme}）；{key}",
            "{db}: national ID and phone numbers kept encrypted ({scheme}); {key}",
        ),
        "status_off": (
            "{db}：身份证号和手机号以明文保存（supervise protect on 可加密）",
            "{db}: national ID and phone numbers kept in clear (supervise protect on "
            "encrypts them)",
        ),
        "rekeyed": (
            "{db}：{n} 人的身份证号和手机号已改用新密钥 {key} 加密；文件已重写。"
            "旧密钥从此打不开本库，但仍能打开之前的备份：请一并替换或销毁",
            "{db}: national ID and phone numbers of {n} people sealed under the new key "
            "{key}; the file was rewritten. The old key no longer opens this registry, but "
            "still opens backups made before: replace or destroy them too",
        ),
        "same_key": ("{db} 已经使用这把密钥", "{db} is protected with this key already"),
        "key_ok": ("密钥相符", "the key given opens them"),
        "no_key": ("未提供密钥", "no key given"),
        "need_key": (
            "需要密钥：--key-file，或设置 SUPERVISE_KEY_FILE / SUPERVISE_KEY",
            "a key is needed: --key-file, or set SUPERVISE_KEY_FILE or SUPERVISE_KEY",
        ),
    },
)

_key_file = key_file_option


@cli.group(short_help="Keep national ID and phone numbers encrypted in the file.")
def protect() -> None:
    """Keep national ID and phone numbers encrypted in the registry file.

    A protected registry keeps each number sealed (AES-256-GCM-SIV, with an HMAC-SHA256
    keyed hash for matching): the file alone, copied or lost, shows masks only. Answers
    (progress, eligibility, reports) need no key; reading or writing the numbers (import
    and export of them, credentials) does: --key-file, or SUPERVISE_KEY_FILE.

    \b
    Example:
      supervise protect new-key -o office.key
      supervise protect on --db ningxia.db --key-file office.key
    """


@protect.command("new-key")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Key file to create (never overwritten).",
)
@lang_option
def new_key(output: Path, lang: str) -> None:
    """Write a new random key to a file readable by its owner only.

    \b
    Example:
      supervise protect new-key -o office.key
    """
    from supervise.store.protection import ProtectionKey

    ProtectionKey.generate().write(output)
    click.echo(localize(_T("new_key", path=output), lang))


def _key(key_file: Path | None, lang: str) -> ProtectionKey:
    from supervise.store.protection import ProtectionKey

    key = ProtectionKey.from_file(key_file) if key_file else ProtectionKey.from_environment()
    if key is None:
        raise click.UsageError(localize(_T("need_key"), lang))
    return key


@protect.command("on")
@db_option()
@_key_file
@actor_option
@lang_option
def on(db_path: Path, key_file: Path | None, actor: str | None, lang: str) -> None:
    """Encrypt every national ID and phone number of the registry.

    The file is then rewritten (VACUUM) so that no number is left in clear in it; backups
    and exports made before still hold them. Recorded in the audit trail.

    \b
    Example:
      supervise protect on --db ningxia.db --key-file office.key
    """
    key = _key(key_file, lang)
    with open_registry(db_path, writes=True, actor=actor) as registry:
        was = registry.protected
        n = registry.protect(key)
    said = _T("already", db=db_path) if was else _T("on", db=db_path, n=n)
    click.echo(localize(said, lang))


@protect.command("off")
@db_option()
@_key_file
@actor_option
@lang_option
def off(db_path: Path, key_file: Path | None, actor: str | None, lang: str) -> None:
    """Decrypt the national ID and phone numbers again (needs the key).

    \b
    Example:
      supervise protect off --db ningxia.db --key-file office.key
    """
    key = _key(key_file, lang)
    with open_registry(db_path, writes=True, actor=actor, key=key) as registry:
        n = registry.unprotect()
    click.echo(localize(_T("off", db=db_path, n=n), lang))


@protect.command("rekey")
@db_option()
@_key_file
@click.option(
    "--new-key-file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Key file of the new key (make one with supervise protect new-key).",
)
@actor_option
@lang_option
def rekey(
    db_path: Path, key_file: Path | None, new_key_file: Path, actor: str | None, lang: str
) -> None:
    """Seal the numbers under a new key (needs the current one too).

    For when someone who held the key leaves, or it may have been copied: every number is
    opened with the current key and sealed under the new one, in one transaction; the file
    is then rewritten (VACUUM). Backups made before still open with the old key. Recorded
    in the audit trail.

    \b
    Example:
      supervise protect new-key -o office-2025.key
      supervise protect rekey --db ningxia.db --key-file office.key \\
          --new-key-file office-2025.key
    """
    from supervise.store.protection import ProtectionKey

    key, new = _key(key_file, lang), ProtectionKey.from_file(new_key_file)
    with open_registry(db_path, writes=True, actor=actor, key=key) as registry:
        n = registry.rekey(new)
    said = _T("rekeyed", db=db_path, n=n, key=new_key_file) if n else _T("same_key", db=db_path)
    click.echo(localize(said, lang))


@protect.command("status")
@db_option()
@_key_file
@lang_option
def status(db_path: Path, key_file: Path | None, lang: str) -> None:
    """Say whether the registry keeps its numbers encrypted, and whether a key opens them.

    \b
    Example:
      supervise protect status --db ningxia.db --key-file office.key
    """
    from supervise.store.protection import PROTECTION, ProtectionKey

    key = ProtectionKey.from_file(key_file) if key_file else ProtectionKey.from_environment()
    with open_registry(db_path, key=key) as registry:
        protected = registry.protected
    if not protected:
        click.echo(localize(_T("status_off", db=db_path), lang))
        return
    said = _T("key_ok") if key is not None else _T("no_key")
    click.echo(localize(_T("status_on", db=db_path, scheme=PROTECTION, key=said), lang))
