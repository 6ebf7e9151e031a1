"""Matching keys: national ID numbers replaced by keyed hashes that still match across provinces.

A national roll-up must count a person trained in two provinces once, which needs something
both provinces' exports share: the national ID number. Provinces that may not send the number
itself export it as its *pseudonym* under a matching key they share: HMAC-SHA256 of the
number, keyed with 32 secret random bytes. Equal numbers give equal pseudonyms under one key,
so the national office matches people without ever seeing a number.

What it protects against, and what not (docs/explanation/privacy.md says more):

- A file that leaks without the key gives no national ID away. A plain hash would: there are
  only about 10^10 plausible numbers (region, birth date, sequence), which a laptop hashes in
  hours; HMAC with a secret 256-bit key cannot be computed, so cannot be tried, without it.
- Whoever holds the key can try every plausible number and so recover them: keep the key
  with the offices that match people, pass it apart from the files (never in the same
  e-mail), and replace it when someone who held it leaves.
- Names, region codes and records stay in the export: a pseudonym hides the number, not the
  person. Linking a person across provinces is the purpose, not a leak.
- Under a different key nobody matches: the key's id (a fingerprint that reveals nothing about
  the key) is written beside the pseudonyms, and a roll-up refuses exports made with different
  keys instead of silently counting their people twice.

>>> key = MatchingKey(bytes(range(32)))
>>> key.key_id
'e2d12361'
>>> key.pseudonym("11010519491231002X") == key.pseudonym("11010519491231002x")
True
>>> len(key.pseudonym("11010519491231002X"))
64
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import attrs

from supervise.errors import SuperviseError

__all__ = ["KEY_BYTES", "SCHEME", "MatchingKey", "MatchingKeyError", "new_key_file"]

#: Bytes of a matching key (256 bits).
KEY_BYTES = 32
#: How pseudonyms are made, as exports name it in their metadata.
SCHEME = "hmac-sha256"
_KEY_ID_MESSAGE = b"supervise matching key id"


class MatchingKeyError(SuperviseError, ValueError):
    """A matching key file cannot be used; the message names the file and why."""


@attrs.frozen(repr=False)
class MatchingKey:
    """A secret key that turns national ID numbers into pseudonyms (HMAC-SHA256, hex)."""

    secret: bytes = attrs.field()

    @secret.validator
    def _check(self, _attribute: attrs.Attribute[bytes], value: bytes) -> None:
        if not isinstance(value, bytes) or len(value) != KEY_BYTES:
            raise MatchingKeyError(f"a matching key is {KEY_BYTES} bytes")

    def __repr__(self) -> str:  # never the secret
        return f"MatchingKey(key_id={self.key_id!r})"

    @property
    def key_id(self) -> str:
        """A short fingerprint that names the key without revealing it (8 hex digits)."""
        return hmac.new(self.secret, _KEY_ID_MESSAGE, hashlib.sha256).hexdigest()[:8]

    def pseudonym(self, national_id: str) -> str:
        """The pseudonym of a national ID number (64 hex digits); a lower-case ``x`` check
        digit is read as ``X``, as the model stores it."""
        number = national_id.strip().upper().encode("ascii", "replace")
        return hmac.new(self.secret, number, hashlib.sha256).hexdigest()

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MatchingKey:
        """The key in ``path``: 64 hex digits (what :func:`new_key_file` writes)."""
        where = str(path)
        try:
            text = Path(path).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise MatchingKeyError(f"no matching key file {where!r}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MatchingKeyError(f"cannot read the matching key file {where!r}: {exc}") from None
        try:
            secret = bytes.fromhex(text)
        except ValueError:
            secret = b""
        if len(secret) != KEY_BYTES:
            raise MatchingKeyError(
                f"{where}: a matching key file holds {2 * KEY_BYTES} hex digits "
                "(make one with `supervise national key`)"
            )
        return cls(secret)


def new_key_file(path: str | os.PathLike[str]) -> MatchingKey:
    """Write a new random matching key to ``path`` (readable by its owner only) and return it.
    Refuses to overwrite an existing file: a key in use must not be lost."""
    key = MatchingKey(secrets.token_bytes(KEY_BYTES))
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise MatchingKeyError(
            f"{str(path)!r} exists already; a matching key is never overwritten"
        ) from None
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(key.secret.hex() + "\n")
    return key
