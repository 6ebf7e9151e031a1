"""Verification: is this credential what it says, from whom it says, and still in force?

Every file gets the same checks, each recorded with a message in Chinese and English:

1. ``format``: a JSON document with a Data Integrity proof, or a compact VC-JWT;
2. ``type``: a VerifiableCredential that is an OpenBadgeCredential (AchievementCredential)
   or a ClrCredential, with VC 2.0 as its first context and only bundled contexts;
3. ``form`` (Data Integrity): the JSON is exactly what the proof signs (see
   :func:`~supervise.credentials.jsonld.compacted_form_problem`);
4. ``issuer``: the signing key belongs to the issuer (a did:key is its own key) and, when
   trusted issuers are given, is one of them;
5. ``signature``: Ed25519 over the canonical RDF (eddsa-rdfc-2022) or the JWT (EdDSA only,
   whatever the header says), and the JWT claims agree with the credential;
6. ``dates``: ``validFrom`` reached, ``validUntil`` not passed;
7. ``status``: the revocation bit, from the registry or a signed status list file;
8. ``members`` (CLR): every bundled credential verifies too.

A credential verifies when no check failed; a check that could not be made (revocation
without a registry or list) is reported as such.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from supervise.credentials import status
from supervise.credentials.errors import CredentialError
from supervise.credentials.jsonld import CONTEXTS, VC2, compacted_form_problem
from supervise.credentials.keys import IssuerKey
from supervise.credentials.proofs import DATA_INTEGRITY, VC_JWT, verify_data_integrity

__all__ = ["Check", "StatusList", "Verification", "load_status_list", "verify", "verify_file"]

#: Clock difference tolerated between issuer and verifier.
SKEW = timedelta(minutes=5)
_BADGE_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


@attrs.frozen
class Check:
    """One thing checked: ``ok`` True (passed), False (failed) or None (could not check)."""

    name: str
    ok: bool | None
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "message": self.message(lang)}


@attrs.frozen(kw_only=True)
class Verification:
    """The result of verifying one credential: its checks in order, what it is, and the
    results of the credentials a CLR bundles."""

    source: str
    proof: str | None
    credential: dict[str, Any] | None
    checks: tuple[Check, ...]
    members: tuple[Verification, ...] = ()

    @property
    def ok(self) -> bool:
        """No check failed, and every bundled credential verifies."""
        return all(c.ok is not False for c in self.checks) and all(m.ok for m in self.members)

    @property
    def name(self) -> str | None:
        value = (self.credential or {}).get("name")
        return value if isinstance(value, str) else None

    @property
    def issuer(self) -> str | None:
        return _issuer_id(self.credential) if self.credential else None

    def reason(self, lang: str = "zh") -> str | None:
        """The first failed check's message (or a failing member's), ``None`` when ok."""
        for check in self.checks:
            if check.ok is False:
                return check.message(lang)
        for member in self.members:
            if not member.ok:
                inner = member.reason(lang)
                return (
                    f"所含证书未通过：{inner}"
                    if lang == "zh"
                    else f"a bundled credential fails: {inner}"
                )
        return None

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "proof": self.proof,
            "id": (self.credential or {}).get("id"),
            "name": self.name,
            "issuer": self.issuer,
            "checks": [c.to_dict(lang) for c in self.checks],
            "members": [m.to_dict(lang) for m in self.members],
        }


@attrs.frozen(kw_only=True)
class StatusList:
    """A status list credential read from a file: its id, issuer and bits."""

    id: str
    issuer: str
    bits: bytes
    valid_until: datetime | None = None


def verify_file(
    path: str | Path,
    *,
    trust: Sequence[IssuerKey] = (),
    registry: Any = None,
    status_lists: Sequence[StatusList] = (),
    now: datetime | None = None,
) -> Verification:
    """Verify the credential in the file ``path`` (JSON or a compact JWT)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _refused(
            str(path),
            "format",
            f"无法读取文件：{exc.strerror}",
            f"cannot read the file: {exc.strerror}",
        )
    return verify(
        data, source=str(path), trust=trust, registry=registry, status_lists=status_lists, now=now
    )


def verify(
    data: bytes | str | dict[str, Any],
    *,
    source: str = "",
    trust: Sequence[IssuerKey] = (),
    registry: Any = None,
    status_lists: Sequence[StatusList] = (),
    now: datetime | None = None,
) -> Verification:
    """Verify one credential: a document with a Data Integrity proof (as a dict or JSON
    text) or a compact VC-JWT. ``trust`` lists the issuers' keys to accept (empty: any
    issuer whose key is its did:key); ``registry`` and ``status_lists`` answer revocation."""
    return _Verifier(trust, registry, status_lists, now or datetime.now(UTC)).run(data, source)


def load_status_list(path: str | Path, trust: Sequence[IssuerKey] = ()) -> StatusList:
    """Read and verify a status list credential file (VC-JWT or Data Integrity JSON) signed
    by its issuer; :class:`CredentialError` when it is not one or its signature fails."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CredentialError(
            f"无法读取状态列表 {path}：{exc.strerror}",
            f"cannot read status list {path}: {exc.strerror}",
        ) from None
    result = _Verifier(trust, None, (), datetime.now(UTC), status_list=True).run(data, str(path))
    if not result.ok or result.credential is None:
        reason_zh, reason_en = result.reason("zh"), result.reason("en")
        raise CredentialError(
            f"状态列表 {path} 无效：{reason_zh}", f"status list {path} is not valid: {reason_en}"
        )
    subject = result.credential.get("credentialSubject", {})
    if not isinstance(subject, dict) or subject.get("statusPurpose") != "revocation":
        raise CredentialError(f"{path} 不是撤销状态列表", f"{path} is not a revocation status list")
    until = result.credential.get("validUntil")
    return StatusList(
        id=str(result.credential.get("id")),
        issuer=str(result.issuer),
        bits=status.decode_list(str(subject.get("encodedList", ""))),
        valid_until=_instant(until) if isinstance(until, str) else None,
    )


class _Verifier:
    def __init__(
        self,
        trust: Sequence[IssuerKey],
        registry: Any,
        status_lists: Sequence[StatusList],
        now: datetime,
        status_list: bool = False,
    ) -> None:
        self.trust = list(trust)
        self.registry = registry
        self.status_lists = list(status_lists)
        self.now = now
        self.status_list = status_list
        self.checks: list[Check] = []

    def ok(self, name: str, zh: str, en: str) -> None:
        self.checks.append(Check(name, True, zh, en))

    def fail(self, name: str, zh: str, en: str) -> None:
        self.checks.append(Check(name, False, zh, en))

    def run(self, data: bytes | str | dict[str, Any], source: str) -> Verification:
        try:
            proof, document, token = _parse(data)
        except CredentialError as exc:
            return _refused(source, "format", exc.zh, exc.en)
        self.ok("format", f"格式：{_PROOF_ZH[proof]}", f"format: {_PROOF_EN[proof]}")
        members: tuple[Verification, ...] = ()
        if self._shape(document) and (proof == VC_JWT or self._form(document)):
            keys = self._issuer(document, proof, token)
            if keys and self._signature(document, proof, token, keys):
                self._dates(document)
                if not self.status_list:
                    self._status(document)
                    members = self._members(document, proof, source)
        return Verification(
            source=source,
            proof=proof,
            credential=document,
            checks=tuple(self.checks),
            members=members,
        )

    # -- the checks ------------------------------------------------------------------------

    def _shape(self, document: dict[str, Any]) -> bool:
        types = document.get("type")
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        wanted = (
            {"BitstringStatusListCredential"}
            if self.status_list
            else _BADGE_TYPES | {"ClrCredential"}
        )
        if "VerifiableCredential" not in types or not wanted & set(types):
            self.fail(
                "type",
                f"不是开放徽章 3.0 或 CLR 2.0 证书（type={types}）",
                f"not an Open Badges 3.0 or CLR 2.0 credential (type={types})",
            )
            return False
        contexts = document.get("@context")
        if not isinstance(contexts, list) or not contexts or contexts[0] != VC2:
            self.fail(
                "type",
                "@context 第一项必须是 VC 2.0 上下文",
                "@context must start with the VC 2.0 context",
            )
            return False
        unknown = [c for c in contexts if not isinstance(c, str) or c not in CONTEXTS]
        if unknown:
            self.fail(
                "type",
                f"@context 含有未内置的上下文 {unknown[0]}（不联网获取）",
                f"@context names a context that is not bundled: {unknown[0]} (never fetched)",
            )
            return False
        kind = next(t for t in types if t in wanted)
        self.ok("type", f"类型：{kind}", f"type: {kind}")
        return True

    def _form(self, document: dict[str, Any]) -> bool:
        try:
            problem = compacted_form_problem(document)
        except CredentialError as exc:
            problem = exc.en
        if problem:
            self.fail(
                "form",
                f"JSON 与签名所覆盖的内容不一致：{problem}",
                f"the JSON is not what the proof signs: {problem}",
            )
            return False
        self.ok("form", "JSON 与签名覆盖的内容一致", "the JSON is exactly what the proof signs")
        return True

    def _issuer(self, document: dict[str, Any], proof: str, token: str | None) -> list[IssuerKey]:
        issuer = _issuer_id(document)
        if not issuer:
            self.fail("issuer", "缺少签发方", "the issuer is missing")
            return []
        method = _method(document, proof, token)
        try:
            named = IssuerKey.from_did(method) if method and method.startswith("did:key:") else None
        except CredentialError as exc:
            self.fail("issuer", exc.zh, exc.en)
            return []
        if issuer.startswith("did:key:") and (named is None or named.did != issuer):
            self.fail(
                "issuer",
                f"签名密钥 {method} 不属于签发方 {issuer}",
                f"the signing key {method} does not belong to the issuer {issuer}",
            )
            return []
        if self.trust:
            candidates = [
                t for t in self.trust if named is None or t.raw_public == named.raw_public
            ]
            if issuer.startswith("did:key:"):
                candidates = [t for t in candidates if t.did == issuer]
            if not candidates:
                self.fail(
                    "issuer",
                    f"签发方 {issuer} 不在信任列表中",
                    f"the issuer {issuer} is not trusted",
                )
                return []
            self.ok("issuer", f"签发方 {issuer}（受信任）", f"issuer {issuer} (trusted)")
            return candidates
        if named is None or not issuer.startswith("did:key:"):
            # a key named by the proof says nothing about who holds a URL issuer's name
            self.fail(
                "issuer",
                f"无法离线确定签发方 {issuer} 的公钥：请用 --trust 给出其密钥",
                f"the key of issuer {issuer} cannot be known offline: pass it with --trust",
            )
            return []
        self.ok(
            "issuer",
            f"签发方 {issuer}（did:key 自证身份；未指定信任列表）",
            f"issuer {issuer} (a self-certifying did:key; no trust list given)",
        )
        return [named]

    def _signature(
        self, document: dict[str, Any], proof: str, token: str | None, keys: list[IssuerKey]
    ) -> bool:
        if proof == DATA_INTEGRITY:
            good = _proof_shape(document.get("proof")) and any(
                verify_data_integrity(document, key) for key in keys
            )
        else:
            good = any(_jwt_valid(token or "", key, document) for key in keys)
        if not good:
            self.fail(
                "signature",
                "签名无效：内容已被改动或不是该签发方签署",
                "invalid signature: altered, or not signed by this issuer",
            )
            return False
        if proof == VC_JWT:
            problem = _claims_problem(document)
            if problem:
                self.fail(
                    "signature",
                    f"JWT 声明与证书不符：{problem}",
                    f"the JWT claims disagree with the credential: {problem}",
                )
                return False
        self.ok("signature", "签名有效（Ed25519）", "signature valid (Ed25519)")
        return True

    def _dates(self, document: dict[str, Any]) -> None:
        try:
            start = _instant(document.get("validFrom"))
            end = document.get("validUntil")
            until = None if end is None else _instant(end)
        except CredentialError as exc:
            self.fail("dates", exc.zh, exc.en)
            return
        if start > self.now + SKEW:
            self.fail(
                "dates",
                f"尚未生效（生效时间 {start.isoformat()}）",
                f"not valid yet (valid from {start.isoformat()})",
            )
        elif until is not None and until < self.now - SKEW:
            self.fail(
                "dates",
                f"已过期（有效期至 {until.isoformat()}）",
                f"expired (valid until {until.isoformat()})",
            )
        else:
            tail_zh = f"，有效期至 {until.isoformat()}" if until else "，长期有效"
            tail_en = f", until {until.isoformat()}" if until else ", no end date"
            self.ok(
                "dates",
                f"有效期：自 {start.isoformat()}{tail_zh}",
                f"valid from {start.isoformat()}{tail_en}",
            )

    def _status(self, document: dict[str, Any]) -> None:
        entries = document.get("credentialStatus")
        if entries is None:
            self.ok(
                "status", "未设撤销状态（不可撤销）", "no revocation status (cannot be revoked)"
            )
            return
        for entry in entries if isinstance(entries, list) else [entries]:
            self._entry(entry, _issuer_id(document) or "")

    def _entry(self, entry: Any, issuer: str) -> None:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            self.fail("status", "不支持的撤销状态类型", "unsupported credentialStatus type")
            return
        purpose = entry.get("statusPurpose")
        list_id = entry.get("statusListCredential")
        try:
            index = int(entry.get("statusListIndex", ""))
        except ValueError:
            self.fail("status", "状态位编号无效", "the status list index is not a number")
            return
        if purpose not in ("revocation", "suspension") or not isinstance(list_id, str):
            self.fail("status", "撤销状态条目不完整", "the credentialStatus entry is incomplete")
            return
        try:
            revoked = self._lookup(list_id, index, issuer)
        except CredentialError as exc:
            self.fail("status", exc.zh, exc.en)
            return
        if revoked is None:
            self.checks.append(
                Check(
                    "status",
                    None,
                    f"未检查撤销状态：没有状态列表 {list_id}（用 --db 或 --status-list 提供）",
                    f"revocation not checked: status list {list_id} not at hand "
                    "(give --db or --status-list)",
                )
            )
        elif revoked:
            self.fail(
                "status",
                f"已撤销（状态列表 {list_id} 第 {index} 位）",
                f"revoked (bit {index} of status list {list_id})",
            )
        else:
            self.ok("status", "未撤销", "not revoked")

    def _lookup(self, list_id: str, index: int, issuer: str) -> bool | None:
        if self.registry is not None:
            owner = status.list_issuer(self.registry.conn, list_id)
            if owner is not None:
                if owner != issuer:
                    raise CredentialError(
                        f"状态列表 {list_id} 属于 {owner}，而证书签发方是 {issuer}",
                        f"status list {list_id} belongs to {owner}, "
                        f"the credential's issuer is {issuer}",
                    )
                return status.is_revoked(self.registry.conn, list_id, index)
        for found in self.status_lists:
            if found.id == list_id and found.issuer == issuer:
                if found.valid_until is not None and found.valid_until < self.now - SKEW:
                    raise CredentialError(
                        f"状态列表 {list_id} 已过期", f"status list {list_id} has expired"
                    )
                return status.bit_set(found.bits, index)
        return None

    def _members(
        self, document: dict[str, Any], proof: str, source: str
    ) -> tuple[Verification, ...]:
        if "ClrCredential" not in _types(document):
            return ()
        subject = document.get("credentialSubject")
        members = subject.get("verifiableCredential", []) if isinstance(subject, dict) else []
        results = []
        for n, member in enumerate(members if isinstance(members, list) else [members], 1):
            where = f"{source}#{n}"
            if proof == VC_JWT and isinstance(member, dict) and "proof" not in member:
                # covered by the CLR's own signature: check what it says, not a proof it lacks
                inner = _Verifier(self.trust, self.registry, self.status_lists, self.now)
                inner.ok("signature", "由 CLR 的签名覆盖", "covered by the CLR's signature")
                if inner._shape(member):
                    inner._dates(member)
                    inner._status(member)
                results.append(
                    Verification(
                        source=where, proof=proof, credential=member, checks=tuple(inner.checks)
                    )
                )
            else:
                sub = _Verifier(self.trust, self.registry, self.status_lists, self.now)
                results.append(sub.run(member if isinstance(member, dict) else str(member), where))
        return tuple(results)


_PROOF_ZH = {DATA_INTEGRITY: "数据完整性证明 eddsa-rdfc-2022", VC_JWT: "VC-JWT（EdDSA）"}
_PROOF_EN = {DATA_INTEGRITY: "Data Integrity proof eddsa-rdfc-2022", VC_JWT: "VC-JWT (EdDSA)"}


def _refused(source: str, name: str, zh: str, en: str) -> Verification:
    return Verification(
        source=source, proof=None, credential=None, checks=(Check(name, False, zh, en),)
    )


def _parse(data: bytes | str | dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
    """(proof format, credential, JWT text or None); the JWT payload is read unverified
    here, and verified before anything in it is trusted."""
    if isinstance(data, dict):
        document: Any = data
    else:
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            raise CredentialError("文件不是 UTF-8 文本", "the file is not UTF-8 text") from None
        text = text.strip()
        if text.count(".") == 2 and not text.startswith("{"):
            return VC_JWT, _jwt_payload(text), text
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            raise CredentialError(
                "既不是 JSON 证书也不是 JWT", "neither a JSON credential nor a JWT"
            ) from None
    if not isinstance(document, dict):
        raise CredentialError("证书必须是 JSON 对象", "a credential must be a JSON object")
    if not isinstance(document.get("proof"), dict):
        raise CredentialError(
            "没有（唯一的）数据完整性证明 proof", "there is no (single) Data Integrity proof"
        )
    return DATA_INTEGRITY, document, None


def _jwt_payload(token: str) -> dict[str, Any]:
    import jwt

    try:
        payload = jwt.decode(token, options={"verify_signature": False})
    except (jwt.InvalidTokenError, ValueError):
        raise CredentialError("JWT 无法解读", "the JWT cannot be decoded") from None
    if not isinstance(payload, dict):
        raise CredentialError("JWT 载荷不是对象", "the JWT payload is not an object")
    return payload


def _method(document: dict[str, Any], proof: str, token: str | None) -> str | None:
    if proof == DATA_INTEGRITY:
        value = document["proof"].get("verificationMethod")
        return value if isinstance(value, str) else None
    import jwt

    try:
        kid = jwt.get_unverified_header(token or "").get("kid")
    except jwt.InvalidTokenError:
        return None
    if isinstance(kid, str) and kid.startswith("did:"):
        return kid
    issuer = _issuer_id(document)
    return issuer if issuer and issuer.startswith("did:key:") else None


def _proof_shape(proof: Any) -> bool:
    return (
        isinstance(proof, dict)
        and proof.get("type") == "DataIntegrityProof"
        and proof.get("cryptosuite") == DATA_INTEGRITY
        and proof.get("proofPurpose") == "assertionMethod"
    )


def _jwt_valid(token: str, key: IssuerKey, document: dict[str, Any]) -> bool:
    import jwt

    try:
        payload = jwt.decode(
            token,
            key.public,
            algorithms=["EdDSA"],  # pinned: the header cannot choose "none" or HMAC
            options={"verify_exp": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.InvalidTokenError:
        return False
    return bool(payload == document)


def _claims_problem(document: dict[str, Any]) -> str | None:
    issuer = _issuer_id(document)
    if document.get("iss") != issuer:
        return "iss is not the issuer's id"
    if document.get("jti") != document.get("id"):
        return "jti is not the credential's id"
    if "nbf" not in document:
        return "nbf is missing"
    return None


def _issuer_id(document: dict[str, Any] | None) -> str | None:
    issuer = (document or {}).get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _types(document: dict[str, Any]) -> list[str]:
    types = document.get("type")
    return [types] if isinstance(types, str) else types if isinstance(types, list) else []


def _instant(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise CredentialError(
            f"日期时间 {value!r} 格式不对", f"date-time {value!r} is not ISO 8601"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
