"""Revocation: a Bitstring Status List (W3C) per issuer, kept in the registry.

Every credential issued takes one bit, at a random free position (so the position says
nothing about when or to whom it was issued), in its issuer's list; revoking sets the bit.
The list travels as a signed ``BitstringStatusListCredential`` (a VC-JWT file) for verifiers
without the registry; ``supervise credentials verify --db`` reads the bits straight from it.
"""

from __future__ import annotations

import base64
import gzip
import io
import secrets
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import attrs

from supervise.credentials.errors import CredentialError
from supervise.credentials.jsonld import VC2

__all__ = [
    "LIST_SIZE",
    "AwardRecord",
    "awards",
    "decode_list",
    "encode_list",
    "is_revoked",
    "revoke",
    "status_entry",
    "status_list_credential",
]

#: Bits per list: the W3C minimum (16 KiB), large enough that a set bit hides in the crowd.
LIST_SIZE = 131072


@attrs.frozen(kw_only=True)
class AwardRecord:
    """A credential the registry issued: who, what, by whom, its status bit, and whether
    (and why) it was revoked."""

    id: str
    person_id: str
    kind: str
    achievement: str
    name: str
    issuer: str
    proof: str
    issued_at: str
    status_list: str
    status_index: int
    revoked_at: str | None
    revoked_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def ensure_list(conn: sqlite3.Connection, list_id: str, issuer: str) -> None:
    """Create the status list ``list_id`` of ``issuer`` unless it exists; a list belongs to
    one issuer, so naming another issuer's list is an error."""
    row = conn.execute(
        "SELECT issuer FROM credential_status_lists WHERE id = ?", (list_id,)
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO credential_status_lists (id, issuer, size, created_at) VALUES (?,?,?,?)",
            (list_id, issuer, LIST_SIZE, _now()),
        )
    elif row[0] != issuer:
        raise CredentialError(
            f"状态列表 {list_id} 属于签发方 {row[0]}，不是 {issuer}",
            f"status list {list_id} belongs to issuer {row[0]}, not {issuer}",
        )


def allocate(conn: sqlite3.Connection, list_id: str) -> int:
    """A random free bit of the list."""
    taken = {i for (i,) in conn.execute(_INDICES, (list_id,))}
    if len(taken) >= LIST_SIZE:
        raise CredentialError(f"状态列表 {list_id} 已满", f"status list {list_id} is full")
    while True:
        index = secrets.randbelow(LIST_SIZE)
        if index not in taken:
            return index


def record(conn: sqlite3.Connection, award: AwardRecord) -> None:
    """Store an issued credential."""
    values = attrs.astuple(award)
    conn.execute(f"INSERT INTO credential_awards VALUES ({', '.join('?' * len(values))})", values)


def awards(conn: sqlite3.Connection, person_id: str | None = None) -> list[AwardRecord]:
    """Credentials issued, oldest first (of one person when ``person_id`` is given)."""
    sql = "SELECT * FROM credential_awards"
    params: tuple[str, ...] = ()
    if person_id is not None:
        sql += " WHERE person_id = ?"
        params = (person_id,)
    rows = conn.execute(sql + " ORDER BY issued_at, id", params)
    return [AwardRecord(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]


def revoke(conn: sqlite3.Connection, credential_id: str, reason: str | None) -> AwardRecord:
    """Mark credential ``credential_id`` revoked now (revoking twice keeps the first time)."""
    row = conn.execute("SELECT * FROM credential_awards WHERE id = ?", (credential_id,)).fetchone()
    if row is None:
        raise CredentialError(
            f"登记库中没有签发过证书 {credential_id}",
            f"no credential {credential_id} was issued from this registry",
        )
    award = AwardRecord(**dict(zip(_COLUMNS, row, strict=True)))
    if award.revoked_at is None:
        award = attrs.evolve(award, revoked_at=_now(), revoked_reason=reason)
        conn.execute(
            "UPDATE credential_awards SET revoked_at = ?, revoked_reason = ? WHERE id = ?",
            (award.revoked_at, award.revoked_reason, award.id),
        )
    return award


def list_issuer(conn: sqlite3.Connection, list_id: str) -> str | None:
    """The issuer of status list ``list_id``, or ``None`` when the registry does not keep it."""
    row = conn.execute(
        "SELECT issuer FROM credential_status_lists WHERE id = ?", (list_id,)
    ).fetchone()
    return None if row is None else str(row[0])


def is_revoked(conn: sqlite3.Connection, list_id: str, index: int) -> bool:
    """Whether bit ``index`` of list ``list_id`` is set."""
    row = conn.execute(
        "SELECT 1 FROM credential_awards WHERE status_list = ? AND status_index = ? "
        "AND revoked_at IS NOT NULL",
        (list_id, index),
    ).fetchone()
    return row is not None


def revoked_indices(conn: sqlite3.Connection, list_id: str) -> list[int]:
    """The set bits of list ``list_id``."""
    return [
        i
        for (i,) in conn.execute(
            "SELECT status_index FROM credential_awards WHERE status_list = ? "
            "AND revoked_at IS NOT NULL ORDER BY status_index",
            (list_id,),
        )
    ]


def lists_of(conn: sqlite3.Connection, issuer: str) -> list[str]:
    """The status lists ``issuer`` keeps in the registry."""
    return [
        i
        for (i,) in conn.execute(
            "SELECT id FROM credential_status_lists WHERE issuer = ? ORDER BY id", (issuer,)
        )
    ]


def status_entry(list_id: str, index: int) -> dict[str, str]:
    """The ``credentialStatus`` of a credential holding bit ``index`` of the list."""
    return {
        "id": f"{list_id}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_id,
    }


def encode_list(indices: Iterable[int], size: int = LIST_SIZE) -> str:
    """``encodedList``: the bitstring (first bit = most significant bit of the first byte),
    GZIP-compressed, base64url without padding, multibase prefix ``u``."""
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_list(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (with or without the ``u`` prefix)."""
    text = encoded[1:] if encoded.startswith("u") else encoded
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:  # read capped: no bomb
            bits = stream.read(16 * 1024 * 1024 + 1)
    except (ValueError, OSError, EOFError):
        raise CredentialError(
            "状态列表编码无法解读", "the status list's encodedList is unreadable"
        ) from None
    if len(bits) > 16 * 1024 * 1024:
        raise CredentialError("状态列表过大", "the status list is too large")
    return bits


def bit_set(bits: bytes, index: int) -> bool:
    """Whether bit ``index`` of a decoded list is set (an index past its end is an error)."""
    if not 0 <= index < len(bits) * 8:
        raise CredentialError(
            f"状态位 {index} 超出列表长度", f"status index {index} is outside the list"
        )
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    list_id: str, issuer: str, indices: Iterable[int], valid_from: datetime
) -> dict[str, Any]:
    """The (unsigned) ``BitstringStatusListCredential`` of a list with ``indices`` set."""
    return {
        "@context": [VC2],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{list_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(indices),
        },
    }


_COLUMNS = tuple(a.name for a in attrs.fields(AwardRecord))
_INDICES = "SELECT status_index FROM credential_awards WHERE status_list = ?"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
