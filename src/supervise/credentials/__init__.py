"""Credentials that travel: Open Badges 3.0 and CLR 2.0, signed, verifiable offline.

Program completions, phase recognitions (免修/互认) and outcomes (培养成效) of a registry become
W3C Verifiable Credentials 2.0 (``OpenBadgeCredential``, and a ``ClrCredential`` bundling one
person's), signed with an office's Ed25519 key as a Data Integrity proof (eddsa-rdfc-2022)
or a VC-JWT, revocable through a Bitstring Status List kept in the registry. Any Open Badges
3.0 verifier can check them; :func:`verify` checks those of other issuers too.

Needs the ``credentials`` extra (``pip install 'supervise[credentials]'``).

>>> import supervise
>>> from supervise.credentials import new_key, issue, verify_file
>>> registry = supervise.open()
>>> from supervise.demo import ningxia
>>> _ = ningxia.build(registry)
>>> key = new_key()
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "nx.zip"
>>> report = issue(registry, key, out, people=["t2024-05"], as_of="2024-12-06")
>>> [c.kind for c in report.credentials]
['completion', 'recognition']
"""

from supervise.credentials.errors import CredentialError
from supervise.credentials.issue import (
    Issued,
    IssueReport,
    issue,
    issued,
    revoke,
    status_list_token,
)
from supervise.credentials.keys import IssuerKey, load_key, new_key, write_key
from supervise.credentials.proofs import DATA_INTEGRITY, PROOFS, VC_JWT
from supervise.credentials.status import AwardRecord
from supervise.credentials.verify import (
    Check,
    StatusList,
    Verification,
    load_status_list,
    verify,
    verify_file,
)

__all__ = [
    "DATA_INTEGRITY",
    "PROOFS",
    "VC_JWT",
    "AwardRecord",
    "Check",
    "CredentialError",
    "IssueReport",
    "Issued",
    "IssuerKey",
    "StatusList",
    "Verification",
    "issue",
    "issued",
    "load_key",
    "load_status_list",
    "new_key",
    "revoke",
    "status_list_token",
    "verify",
    "verify_file",
    "write_key",
]
