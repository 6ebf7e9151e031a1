"""The two proof formats OB 3.0 allows, with maintained libraries doing the cryptography.

- Data Integrity, cryptosuite ``eddsa-rdfc-2022`` (W3C vc-di-eddsa): the credential is
  canonicalized to RDF (pyld, RDFC-1.0), hashed with SHA-256 together with the proof's own
  options, and the hash signed with Ed25519 (``cryptography``); the proof travels in the
  document under ``proof``.
- VC-JWT: the credential is the JWT payload (OB 3.0 section 8.2), with ``iss``, ``jti`` and
  ``nbf`` beside it, signed ``alg: EdDSA`` (PyJWT).
"""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

from supervise.credentials.errors import CredentialError
from supervise.credentials.jsonld import canonize
from supervise.credentials.keys import IssuerKey

__all__ = [
    "DATA_INTEGRITY",
    "PROOFS",
    "VC_JWT",
    "jwt_payload",
    "sign_data_integrity",
    "sign_jwt",
    "verify_data_integrity",
]

DATA_INTEGRITY = "eddsa-rdfc-2022"
VC_JWT = "vc-jwt"
#: The proof formats ``supervise credentials issue --proof`` offers.
PROOFS = (DATA_INTEGRITY, VC_JWT)


def sign_data_integrity(
    document: dict[str, Any], key: IssuerKey, verification_method: str, created: datetime
) -> dict[str, Any]:
    """A copy of ``document`` with an eddsa-rdfc-2022 ``DataIntegrityProof`` for the
    assertion purpose, signed by ``key`` and naming ``verification_method``."""
    import base58

    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": DATA_INTEGRITY,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, proof))
    signed = copy.deepcopy(document)
    signed["proof"] = {**proof, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}
    return signed


def verify_data_integrity(document: dict[str, Any], key: IssuerKey) -> bool:
    """Whether the document's one eddsa-rdfc-2022 proof is ``key``'s signature over it.
    The proof's shape is checked by the caller (:mod:`supervise.credentials.verify`)."""
    import base58

    proof = dict(document["proof"])
    value = proof.pop("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return len(signature) == 64 and key.verifies(signature, _hash_data(unsecured, proof))


def _hash_data(document: dict[str, Any], proof: dict[str, Any]) -> bytes:
    """vc-di-eddsa's hashData: SHA-256 of the canonical proof options (in the document's
    context) followed by SHA-256 of the canonical document."""
    options = {**proof, "@context": document["@context"]}
    return (
        hashlib.sha256(canonize(options).encode("utf-8")).digest()
        + hashlib.sha256(canonize(document).encode("utf-8")).digest()
    )


def jwt_payload(document: dict[str, Any]) -> dict[str, Any]:
    """The VC-JWT payload of a credential: the credential itself with the registered claims
    ``iss`` (issuer id), ``jti`` (credential id), ``nbf`` (validFrom) and ``exp``
    (validUntil, when set) beside it, and ``sub`` when the subject has an id."""
    payload = dict(document)
    issuer = document["issuer"]
    payload["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    payload["jti"] = document["id"]
    payload["nbf"] = int(_instant(document["validFrom"]).timestamp())
    if "validUntil" in document:
        payload["exp"] = int(_instant(document["validUntil"]).timestamp())
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and "id" in subject:
        payload["sub"] = subject["id"]
    return payload


def sign_jwt(document: dict[str, Any], key: IssuerKey, verification_method: str) -> str:
    """The credential as a compact VC-JWT signed ``EdDSA``, ``kid`` naming the key."""
    import jwt

    token: str = jwt.encode(
        jwt_payload(document),
        key.private,
        algorithm="EdDSA",
        headers={"kid": verification_method, "typ": "JWT"},
    )
    return token


def _instant(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise CredentialError(
            f"日期时间 {value!r} 格式不对", f"date-time {value!r} is not ISO 8601"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
