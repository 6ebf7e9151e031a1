"""Pseudonyms of national ID numbers: keyed hashes that still match across provinces.

A national roll-up must count a person trained in two provinces once, which needs something
both provinces' exports share: the national ID number. Provinces that may not send the number
itself export its *pseudonym* under a key they share: the keyed hash of the number,
:func:`supervise.store.protection.national_id_hash` (HMAC-SHA256 of the normalised number),
keyed with the hash key that HKDF-SHA256 derives from the key's 32 secret bytes (info
``supervise national_id_hash v1``). Equal numbers give equal pseudonyms under one key, so the
national office matches people without ever seeing a number.

The key is the very kind of key that protects a registry's personal data at rest
(:class:`~supervise.store.protection.ProtectionKey`, a ``supervise-key-v1:`` key file), and
the pseudonym is the very keyed hash a registry protected with that key keeps beside each
sealed number: one function, one derivation. So a protected registry exports pseudonyms under
its own key without opening a single number (the stored hash *is* the pseudonym); under any
other key it must open each number with its own key and hash it again, since a keyed hash
cannot be re-keyed.

What it protects against, and what not (docs/explanation/privacy.md says more):

- A file that leaks without the key gives no national ID away. A plain hash would: there are
  only about 10^10 plausible numbers (region, birth date, sequence), which a laptop hashes in
  hours; HMAC with a secret 256-bit key cannot be computed, so cannot be tried, without it.
- Whoever holds the key can try every plausible number and so recover them: keep the key
  with the offices that match people, pass it apart from the files (never in the same
  e-mail), and replace it when someone who held it leaves. A province that protects its
  registry with the shared key gives every holder of the key the means to open that
  registry file too: see docs/explanation/privacy.md before choosing to.
- Names, region codes and records stay in the export: a pseudonym hides the number, not the
  person. Linking a person across provinces is the purpose, not a leak.
- Under a different key nobody matches: the key's check value (a fingerprint that reveals
  nothing about the key) is written beside the pseudonyms, and a roll-up refuses exports made
  with different keys instead of silently counting their people twice.

>>> key = ProtectionKey(bytes(range(32)))
>>> scheme_of(key)
'hmac-sha256 fe6983adffbd4177'
>>> pseudonym("11010519491231002X", key) == pseudonym("11010519491231002x", key)
True
>>> pseudonym("11010519491231002X", key) == key.national_id_hash("11010519491231002X")
True
"""

from __future__ import annotations

import os

from supervise.store.protection import ProtectionKey

__all__ = ["SCHEME", "ProtectionKey", "load_key", "new_key_file", "pseudonym", "scheme_of"]

#: How pseudonyms are made, as exports name it in their metadata (followed by the key's
#: check value).
SCHEME = "hmac-sha256"


def pseudonym(national_id: str, key: ProtectionKey) -> str:
    """The pseudonym of a national ID number under ``key`` (64 hex digits); a lower-case
    ``x`` check digit is read as ``X``, as the model stores it."""
    return key.national_id_hash(national_id)


def scheme_of(key: ProtectionKey) -> str:
    """What an export's metadata says of pseudonyms made under ``key``:
    ``hmac-sha256 <check value>``."""
    return f"{SCHEME} {key.check()}"


def load_key(path: str | os.PathLike[str]) -> ProtectionKey:
    """The key in the key file at ``path`` (readable by its owner only, as
    :func:`new_key_file` and ``supervise protect new-key`` write it)."""
    return ProtectionKey.from_file(path)


def new_key_file(path: str | os.PathLike[str]) -> ProtectionKey:
    """Write a new random key to ``path`` (readable by its owner only) and return it.
    Refuses to overwrite an existing file: a key in use must not be lost."""
    key = ProtectionKey.generate()
    key.write(path)
    return key
