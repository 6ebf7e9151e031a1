"""Awards as W3C Verifiable Credentials 2.0: ``OpenBadgeCredential`` and ``ClrCredential``.

``@context`` is exactly VC 2.0 then OB 3.0.3 (then CLR 2.0.1 for a CLR), never a context of
our own. The subject carries no national ID and no phone number: it is identified by a
salted SHA-256 of the national ID (an ``IdentityObject`` with ``hashed: true``), which a
verifier shown the ID can recompute, and by the person's name.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from supervise.credentials.achievements import Award
from supervise.credentials.jsonld import CLR2, OB3, VC2
from supervise.model import Person

__all__ = [
    "CHINA",
    "badge_credential",
    "clr_credential",
    "identity_hash",
    "identity_objects",
    "issuer_profile",
]

#: Dates in credentials are midnight in China Standard Time (UTC+8), where awards are made.
CHINA = timezone(timedelta(hours=8))


def issuer_profile(issuer_id: str, name: str) -> dict[str, Any]:
    """The issuer as an OB 3.0 ``Profile``."""
    return {"id": issuer_id, "type": ["Profile"], "name": name}


def identity_hash(national_id: str, salt: str) -> str:
    """OB 3.0's IdentityHash of a national ID: ``sha256$`` and the hex SHA-256 of the
    number followed by the salt.

    >>> identity_hash("11010519491231002X", "a1b2")[:15]
    'sha256$b7e88a99'
    """
    return "sha256$" + hashlib.sha256((national_id + salt).encode("utf-8")).hexdigest()


def identity_objects(person: Person) -> list[dict[str, Any]]:
    """The subject's ``identifier``: the hashed national ID (a fresh random salt each time,
    so two credentials of one person cannot be linked by it) and the name in plain text."""
    assert person.national_id is not None  # callers skip people without one
    salt = secrets.token_hex(16)
    return [
        {
            "type": "IdentityObject",
            "hashed": True,
            "identityHash": identity_hash(person.national_id, salt),
            "identityType": "nationalIdentityNumber",
            "salt": salt,
        },
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": person.name,
            "identityType": "name",
        },
    ]


def badge_credential(
    award: Award, credential_id: str, issuer: dict[str, Any], status: dict[str, Any]
) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` of ``award``."""
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": identity_objects(award.person),
        "achievement": award.achievement,
    }
    if award.started_on is not None:
        subject["activityStartDate"] = instant(award.started_on)
    if award.ended_on is not None:
        subject["activityEndDate"] = instant(award.ended_on)
    if award.credits is not None:
        subject["creditsEarned"] = award.credits
    if award.results:
        subject["result"] = list(award.results)
    if award.narrative:
        subject["narrative"] = award.narrative
    return {
        "@context": [VC2, OB3],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.name,
        "issuer": issuer,
        "validFrom": instant(award.awarded_on),
        "awardedDate": instant(award.awarded_on),
        "credentialSubject": subject,
        "credentialStatus": status,
    }


def clr_credential(
    person: Person,
    members: Sequence[dict[str, Any]],
    credential_id: str,
    issuer: dict[str, Any],
    status: dict[str, Any],
    issued_on: date,
) -> dict[str, Any]:
    """The unsigned CLR 2.0 ``ClrCredential`` bundling one person's ``members``."""
    return {
        "@context": [VC2, OB3, CLR2],
        "id": credential_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"{person.name}的综合学习记录",
        "issuer": issuer,
        "validFrom": instant(issued_on),
        "awardedDate": instant(issued_on),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": identity_objects(person),
            "verifiableCredential": list(members),
        },
        "credentialStatus": status,
    }


def instant(day: date) -> str:
    """Midnight of ``day`` in China as an ISO date-time (``2024-11-30T00:00:00+08:00``)."""
    return datetime.combine(day, time(), CHINA).isoformat()
