"""Issuing: awards read from a registry, signed, recorded with a status bit, written out.

Nothing is half-done: the awards are recorded and the files written in one registry
transaction, so a failure leaves neither rows nor a partial folder or ZIP.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs

from supervise.credentials import achievements, status
from supervise.credentials.achievements import Award, AwardIds
from supervise.credentials.documents import badge_credential, clr_credential, issuer_profile
from supervise.credentials.errors import CredentialError
from supervise.credentials.keys import IssuerKey
from supervise.credentials.proofs import DATA_INTEGRITY, PROOFS, sign_data_integrity, sign_jwt
from supervise.dates import parse_date
from supervise.model import Enrollment, OutcomeKind, Person
from supervise.registry import Registry

__all__ = [
    "STATUS_LIST_FILE",
    "IssueReport",
    "Issued",
    "issue",
    "issued",
    "revoke",
    "status_list_token",
]

#: The name of the signed status list written beside the credentials.
STATUS_LIST_FILE = "status-list.jwt"


@attrs.frozen(kw_only=True)
class Issued:
    """One credential written: its id, holder, kind, name and file."""

    id: str
    person_id: str
    kind: str
    name: str
    file: str

    def to_dict(self) -> dict[str, str]:
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class IssueReport:
    """What ``issue`` wrote: the credentials, who was skipped and why, and where."""

    issuer: str
    proof: str
    output: str
    status_list: str
    credentials: tuple[Issued, ...]
    skipped: tuple[tuple[str, str], ...]  # (person id, reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "proof": self.proof,
            "output": self.output,
            "status_list": self.status_list,
            "credentials": [c.to_dict() for c in self.credentials],
            "skipped": [{"person_id": p, "reason": r} for p, r in self.skipped],
        }


def issue(
    registry: Registry,
    key: IssuerKey,
    output: str | os.PathLike[str],
    *,
    cohorts: Sequence[str] = (),
    people: Sequence[str] = (),
    outcomes: Sequence[OutcomeKind | str] = (),
    as_of: date | str | None = None,
    proof: str = DATA_INTEGRITY,
    clr: bool = False,
    issuer_id: str | None = None,
    issuer_name: str | None = None,
    base_url: str | None = None,
) -> IssueReport:
    """Issue, sign and write the credentials chosen by ``cohorts`` (completions and
    recognitions in them), ``people`` (everything they earned) and ``outcomes`` (outcome
    kinds, of those people or cohorts when given, else of everyone), as of ``as_of``
    (default today). ``output`` is a folder or a ``.zip``; ``clr`` adds one
    ``ClrCredential`` per person. The issuer is ``key``'s did:key unless ``issuer_id``
    names a URL the office controls; its name defaults to the program's sponsor."""
    if proof not in PROOFS:
        raise ValueError(f"unknown proof format {proof!r}; expected one of {', '.join(PROOFS)}")
    if not (cohorts or people or outcomes):
        raise CredentialError(
            "请指定 --cohort、--person 或 --outcome", "choose --cohort, --person or --outcome"
        )
    day = date.today() if as_of is None else parse_date(as_of)
    issuer = issuer_id or key.did
    ids = AwardIds(issuer=issuer, base_url=base_url)
    awards = _gather(registry, ids, cohorts, people, [OutcomeKind.parse(k) for k in outcomes], day)
    chosen, skipped = _with_national_id(awards)
    if not chosen:
        raise CredentialError("没有可签发的证书", "there is nothing to issue")
    profile = issuer_profile(issuer, issuer_name or _sponsor(chosen))
    signer = _Signer(key, proof, datetime.now(UTC))
    files: dict[str, str] = {}
    written: list[Issued] = []
    list_id = ids.status_list()
    with registry.transaction(operation="issue credentials"):
        registry.changed("credential_status_lists", "credential_awards")  # no table of records
        status.ensure_list(registry.conn, list_id, issuer)
        members: dict[str, list[dict[str, Any]]] = {}
        for award in chosen:
            credential_id = ids.credential()
            entry = status.status_entry(list_id, status.allocate(registry.conn, list_id))
            document = badge_credential(award, credential_id, profile, entry)
            signed, text = signer.sign(document)
            members.setdefault(award.person.id, []).append(signed)
            name = _unique(f"{award.slug}{signer.suffix}", files)
            files[name] = text
            written.append(_record(registry, award.person, award.kind, document, signer, name))
        if clr:
            for person in {a.person.id: a.person for a in chosen}.values():
                credential_id = ids.credential()
                entry = status.status_entry(list_id, status.allocate(registry.conn, list_id))
                document = clr_credential(
                    person, members[person.id], credential_id, profile, entry, day
                )
                _, text = signer.sign(document)
                name = _unique(f"{person.id}-clr{signer.suffix}", files)
                files[name] = text
                written.append(_record(registry, person, "clr", document, signer, name))
        files[STATUS_LIST_FILE] = status_list_token(registry, key, list_id, issuer)
        _write(Path(output), files)
    return IssueReport(
        issuer=issuer,
        proof=proof,
        output=os.fspath(output),
        status_list=list_id,
        credentials=tuple(written),
        skipped=tuple(skipped),
    )


def status_list_token(registry: Registry, key: IssuerKey, list_id: str, issuer: str) -> str:
    """The status list ``list_id`` as it stands, as a VC-JWT signed by ``key``."""
    document = status.status_list_credential(
        list_id, issuer, status.revoked_indices(registry.conn, list_id), datetime.now(UTC)
    )
    return sign_jwt(document, key, key.verification_method)


class _Signer:
    """Signs in the chosen format; ``sign`` returns the document a CLR embeds (the signed
    document for Data Integrity, the plain one for VC-JWT, whose CLR signature covers it)
    and the text of the file."""

    def __init__(self, key: IssuerKey, proof: str, now: datetime) -> None:
        self.key = key
        self.proof = proof
        self.now = now
        self.suffix = ".json" if proof == DATA_INTEGRITY else ".jwt"

    def sign(self, document: dict[str, Any]) -> tuple[dict[str, Any], str]:
        method = self.key.verification_method
        if self.proof == DATA_INTEGRITY:
            signed = sign_data_integrity(document, self.key, method, self.now)
            return signed, json.dumps(signed, ensure_ascii=False, indent=2) + "\n"
        return document, sign_jwt(document, self.key, method) + "\n"


def _gather(
    registry: Registry,
    ids: AwardIds,
    cohorts: Sequence[str],
    people: Sequence[str],
    kinds: list[OutcomeKind],
    day: date,
) -> list[Award]:
    for person_id in people:
        registry.get(Person, person_id)  # NotFound names a mistyped id
    if people:
        scope: list[str] | None = list(people)
        chosen_cohorts = list(cohorts) or [
            c for p in people for c in achievements.cohorts_of(registry, p)
        ]
    else:
        scope = None
        chosen_cohorts = list(cohorts)
    awards = achievements.completions(registry, ids, chosen_cohorts, day)
    if scope is not None:
        awards = [a for a in awards if a.person.id in scope]
    awards += achievements.recognitions(registry, ids, chosen_cohorts, scope)
    if people and not kinds:
        kinds = list(OutcomeKind)  # a person's credentials: every outcome they have
    if cohorts and scope is None:
        scope = [e.person_id for c in cohorts for e in registry.find(Enrollment, cohort_id=c)]
    found = achievements.outcomes(registry, ids, kinds, scope)
    awards += [o for o in found if o.awarded_on <= day]
    return [a for a in awards if a.awarded_on <= day]


def _with_national_id(awards: Iterable[Award]) -> tuple[list[Award], list[tuple[str, str]]]:
    chosen, skipped = [], {}
    for award in awards:
        if award.person.national_id is None:
            skipped[award.person.id] = "no national ID to identify the holder (无身份证号)"
        else:
            chosen.append(award)
    return chosen, sorted(skipped.items())


def _sponsor(awards: list[Award]) -> str:
    for award in awards:
        if award.program is not None and award.program.sponsor:
            return award.program.sponsor
    raise CredentialError(
        "项目没有主办单位，请用 --issuer-name 给出签发机构名称",
        "the program has no sponsor: give the issuing office's name with --issuer-name",
    )


def _record(
    registry: Registry,
    person: Person,
    kind: str,
    document: dict[str, Any],
    signer: _Signer,
    file: str,
) -> Issued:
    entry = document["credentialStatus"]
    subject = document["credentialSubject"]
    achievement = subject.get("achievement", {}).get("id", document["id"])
    status.record(
        registry.conn,
        status.AwardRecord(
            id=document["id"],
            person_id=person.id,
            kind=kind,
            achievement=achievement,
            name=document["name"],
            issuer=document["issuer"]["id"],
            proof=signer.proof,
            issued_at=signer.now.isoformat(timespec="seconds"),
            status_list=entry["statusListCredential"],
            status_index=int(entry["statusListIndex"]),
            revoked_at=None,
            revoked_reason=None,
        ),
    )
    return Issued(
        id=document["id"], person_id=person.id, kind=kind, name=document["name"], file=file
    )


def _unique(name: str, taken: dict[str, str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    n = 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}{dot}{suffix}"
    return name


def _write(output: Path, files: dict[str, str]) -> None:
    """Write ``files`` into the folder or ZIP ``output``, atomically: first into a temporary
    neighbour, then moved into place, so a failure leaves nothing behind."""
    parent = output.resolve().parent
    if not parent.is_dir():
        raise CredentialError(f"目录 {parent} 不存在", f"folder {parent} does not exist")
    if output.suffix.lower() == ".zip":
        handle, partial = tempfile.mkstemp(prefix=".credentials-", suffix=".zip", dir=parent)
        os.close(handle)
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, text in files.items():
                    archive.writestr(name, text)
            os.replace(partial, output)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        return
    if output.exists() and not output.is_dir():
        raise CredentialError(f"{output} 不是目录", f"{output} is not a folder")
    clash = [n for n in files if n != STATUS_LIST_FILE and (output / n).exists()]
    if clash:
        raise CredentialError(f"{output / clash[0]} 已存在", f"{output / clash[0]} exists")
    staging = Path(tempfile.mkdtemp(prefix=".credentials-", dir=parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        output.mkdir(exist_ok=True)
        for name in files:
            os.replace(staging / name, output / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def issued(registry: Registry, person_id: str | None = None) -> list[status.AwardRecord]:
    """The credentials ``registry`` issued, oldest first (one person's when given)."""
    return status.awards(registry.conn, person_id)


def revoke(registry: Registry, credential_id: str, reason: str | None = None) -> status.AwardRecord:
    """Revoke the credential ``credential_id`` issued from ``registry``: its status bit is set
    (``verify --db`` reports it at once; others see it in the next status list file)."""
    with registry.transaction(operation="revoke credential", detail=credential_id):
        registry.changed("credential_awards")  # no table of records
        registry.audit("credential_awards", [credential_id], "revoke", after={"reason": reason})
        return status.revoke(registry.conn, credential_id, reason)
