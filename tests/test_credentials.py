"""Open Badges 3.0 / CLR 2.0 credentials: issued, verified, tampered with, revoked, and
checked against an independent implementation (openbadgeslib) in both directions."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from openbadgeslib.ob3 import (
    Achievement,
    Issuer,
    OB3LdpSigner,
    OB3LdpVerifier,
    OB3Signer,
    OB3VerificationError,
    OB3Verifier,
    OpenBadgeCredential,
    bundled_clr_contexts,
    verify_data_integrity_proof,
)

import supervise
from supervise.cli import cli
from supervise.credentials import (
    CredentialError,
    IssuerKey,
    issue,
    issued,
    load_key,
    load_status_list,
    new_key,
    revoke,
    verify,
    verify_file,
    write_key,
)
from supervise.credentials.jsonld import CLR2, CONTEXTS, OB3, VC2, load_context
from supervise.credentials.status import bit_set, decode_list, encode_list
from supervise.demo import ningxia
from supervise.model import Person
from supervise.registry import Registry
from supervise.store.schema import SCHEMA_VERSION
from tests.strategies import status_bits

AS_OF = date(2024, 12, 6)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The Ningxia registry in a file, an office key, and the second batch's completions,
    recognitions and expert-pool admissions issued in both proof formats, with CLRs."""
    folder = tmp_path_factory.mktemp("credentials")
    db = folder / "nx.db"
    registry = supervise.open(db)
    ningxia.build(registry)
    key = new_key()
    write_key(key, folder / "office.pem")
    common = {"cohorts": ["nx-2024-b2"], "outcomes": ["expert_pool"], "as_of": AS_OF, "clr": True}
    di = issue(registry, key, folder / "di", **common)
    jwt = issue(registry, key, folder / "jwt.zip", proof="vc-jwt", **common)
    yield {"registry": registry, "db": db, "key": key, "folder": folder, "di": di, "jwt": jwt}
    registry.close()


def files(world: dict[str, Any], kind: str, proof: str = "di") -> list[Path]:
    report = world[proof]
    return [Path(report.output) / c.file for c in report.credentials if c.kind == kind]


def jwt_text(world: dict[str, Any], kind: str) -> list[str]:
    report = world["jwt"]
    with zipfile.ZipFile(report.output) as z:
        return [z.read(c.file).decode() for c in report.credentials if c.kind == kind]


# -- what is issued ---------------------------------------------------------------------------


def test_the_ningxia_second_batch_yields_completions_recognitions_and_admissions(
    world: dict[str, Any],
) -> None:
    kinds = [c.kind for c in world["di"].credentials]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "completion": 31,
        "recognition": 2,
        "expert_pool": 5,
        "clr": 31,
    }
    assert world["di"].skipped == ()
    assert sorted(p.name for p in Path(world["di"].output).iterdir())[0] == "status-list.jwt"


def test_a_completion_is_an_open_badge_with_the_program_as_achievement(
    world: dict[str, Any],
) -> None:
    path = Path(world["di"].output) / "t2024-05-completion-nx-sup-2024.json"
    doc = json.loads(path.read_text())
    assert doc["@context"] == [VC2, OB3]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"].startswith("urn:uuid:")
    assert doc["issuer"] == {
        "id": world["key"].did,
        "type": ["Profile"],
        "name": "宁夏回族自治区民政厅",
    }
    assert doc["validFrom"] == "2024-11-30T00:00:00+08:00"
    subject = doc["credentialSubject"]
    assert subject["activityStartDate"] == "2024-07-01T00:00:00+08:00"
    assert subject["activityEndDate"] == "2024-11-30T00:00:00+08:00"
    assert subject["creditsEarned"] == 156.0
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == "宁夏第二批社会工作督导评估人才“小团队”培养项目结业"
    assert achievement["creditsAvailable"] == 156.0
    assert (
        "- 陪伴督导：24 学时、6 次督导（每次不少于 60 分钟）"
        in achievement["criteria"]["narrative"]
    )
    assert (
        "- accompanied supervision: 24 hours, 6 supervision sessions of 60+ minutes"
        in (achievement["criteria"]["narrative"])
    )
    assert achievement["alignment"][0]["targetCode"] == "nx-sup-2024"
    # t2024-05 studied theory in Sichuan: the completion records the phase as exempt
    assert [r["value"] for r in subject["result"]] == ["免修 exempt"] + ["已完成 complete"] * 4
    assert doc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert doc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert doc["proof"]["proofPurpose"] == "assertionMethod"


def test_a_recognition_names_the_phase_and_where_it_was_learnt(world: dict[str, Any]) -> None:
    path = Path(world["di"].output) / "t2024-05-recognition-nx-sup-2024-theory.json"
    subject = json.loads(path.read_text())["credentialSubject"]
    assert (
        subject["achievement"]["name"]
        == "理论学习（宁夏第二批社会工作督导评估人才“小团队”培养项目）"
    )
    assert subject["narrative"].startswith(
        "认定日期：2024-07-01；来源：四川省社会工作督导人才培训（川渝互认）；原因：已完成同等内容培训"
    )


def test_no_national_id_or_phone_appears_and_the_hash_can_be_checked(
    world: dict[str, Any],
) -> None:
    registry = world["registry"]
    people = registry.find(Person)
    texts = [p.read_text() for p in Path(world["di"].output).iterdir()]
    with zipfile.ZipFile(world["jwt"].output) as z:
        texts += [z.read(n).decode() for n in z.namelist()]
    for person in people:
        for text in texts:
            assert person.national_id not in text
            assert person.phone not in text
    doc = json.loads((Path(world["di"].output) / "t2024-05-clr.json").read_text())
    hashed, name = doc["credentialSubject"]["identifier"]
    person = registry.get(Person, "t2024-05")
    assert hashed["hashed"] is True
    assert hashed["identityType"] == "nationalIdentityNumber"
    digest = hashlib.sha256((person.national_id + hashed["salt"]).encode()).hexdigest()
    assert hashed["identityHash"] == f"sha256${digest}"
    assert name == {
        "type": "IdentityObject",
        "hashed": False,
        "identityHash": person.name,
        "identityType": "name",
    }


def test_the_bundled_contexts_are_the_published_bytes() -> None:
    assert {url: digest for url, (_, digest) in CONTEXTS.items()} == {
        VC2: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        OB3: "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
        CLR2: "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
            "87c06c81bc2317663bf288d740d94fddd2818c4342b186270ff6371dfaa63f93"
        ),
    }
    assert load_context(OB3)["@context"]["@protected"] is True


def test_an_unbundled_context_is_refused_not_fetched() -> None:
    with pytest.raises(CredentialError, match="is not bundled; contexts are never fetched"):
        load_context("https://example.org/context.json")


# -- interoperability: openbadgeslib verifies ours --------------------------------------------


@pytest.mark.parametrize("kind", ["completion", "recognition", "expert_pool"])
def test_openbadgeslib_verifies_our_data_integrity_credentials(
    world: dict[str, Any], kind: str
) -> None:
    path = files(world, kind)[0]
    credential = OB3LdpVerifier.for_issuer_did(world["key"].did).verify(path.read_text())
    assert credential.name == json.loads(path.read_text())["name"]


@pytest.mark.parametrize("kind", ["completion", "recognition", "expert_pool"])
def test_openbadgeslib_verifies_our_vc_jwt_credentials(world: dict[str, Any], kind: str) -> None:
    token = jwt_text(world, kind)[0].strip()
    credential = OB3Verifier.for_issuer_did(world["key"].did).verify(token)
    assert credential.issuer.id == world["key"].did


def test_openbadgeslib_verifies_our_clr(world: dict[str, Any]) -> None:
    doc = json.loads((Path(world["di"].output) / "t2024-05-clr.json").read_text())
    verify_data_integrity_proof(doc, world["key"].pem(), extra_contexts=bundled_clr_contexts())
    for member in doc["credentialSubject"]["verifiableCredential"]:
        OB3LdpVerifier.for_issuer_did(world["key"].did).verify(member)


@pytest.mark.parametrize("kind", ["completion", "recognition", "expert_pool", "clr"])
def test_supervise_verifies_its_own_credentials_in_both_formats(
    world: dict[str, Any], kind: str
) -> None:
    for proof in ("di", "jwt"):
        path = files(world, kind, proof)[0] if proof == "di" else None
        data = path.read_bytes() if path else jwt_text(world, kind)[0].encode()
        result = verify(data, trust=[world["key"]], registry=world["registry"])
        assert result.ok, result.reason("en")
        assert [c.name for c in result.checks][-4:] == ["issuer", "signature", "dates", "status"]
        assert result.checks[-1].en == "not revoked"


def test_a_clr_verifies_with_every_bundled_credential(world: dict[str, Any]) -> None:
    result = verify_file(Path(world["di"].output) / "t2024-05-clr.json", registry=world["registry"])
    assert result.ok
    assert [m.name for m in result.members] == [
        "宁夏第二批社会工作督导评估人才“小团队”培养项目结业（第二批）",
        "免修/互认：理论学习（宁夏第二批社会工作督导评估人才“小团队”培养项目）",
    ]
    assert all(m.ok for m in result.members)


# -- interoperability: supervise verifies openbadgeslib's -------------------------------------


def _their_credential(key: IssuerKey, name: str = "Community supervision") -> OpenBadgeCredential:
    return OpenBadgeCredential(
        issuer=Issuer(id=key.did, name="Fujian social work office"),
        recipient_id=None,
        achievement=Achievement(
            id="https://fj.example.org/achievements/1",
            name=name,
            description="Supervision practicum",
            criteria_narrative="60 hours of supervised practice",
        ),
        issuance_date=datetime(2024, 6, 1),
    )


def test_supervise_verifies_credentials_openbadgeslib_issues() -> None:
    theirs = new_key()
    document = OB3LdpSigner(theirs.pem(private=True)).sign(_their_credential(theirs))
    token = OB3Signer(theirs.pem(private=True), algorithm="EdDSA").sign(_their_credential(theirs))
    for data in (json.dumps(document), token):
        result = verify(data)
        assert result.ok, result.reason("en")
        assert result.issuer == theirs.did
        assert result.checks[-1].en == "no revocation status (cannot be revoked)"


def test_tampering_with_one_character_makes_both_refuse(world: dict[str, Any]) -> None:
    path = Path(world["di"].output) / "t2024-06-completion-nx-sup-2024.json"
    text = path.read_text()
    renamed = text.replace(
        "宁夏第二批社会工作督导评估人才“小团队”培养项目结业（第二批）",
        "宁夏第三批社会工作督导评估人才“小团队”培养项目结业（第二批）",
        1,
    )
    doc = json.loads(text)
    salt = doc["credentialSubject"]["identifier"][0]["salt"]
    resubject = text.replace(salt, ("0" if salt[0] != "0" else "1") + salt[1:])
    for forged in (renamed, resubject):
        assert forged != text
        result = verify(forged)
        assert not result.ok
        assert result.reason("en") == "invalid signature: altered, or not signed by this issuer"
        assert result.reason("zh") == "签名无效：内容已被改动或不是该签发方签署"
        with pytest.raises(OB3VerificationError, match="signature mismatch"):
            OB3LdpVerifier.for_issuer_did(world["key"].did).verify(forged)
    token = jwt_text(world, "completion")[0].strip()
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert not verify(f"{head}.{payload}.{flipped}").ok
    with pytest.raises(OB3VerificationError):
        OB3Verifier.for_issuer_did(world["key"].did).verify(f"{head}.{payload}.{flipped}")


def test_tampering_with_openbadgeslibs_credential_makes_supervise_refuse() -> None:
    theirs = new_key()
    document = OB3LdpSigner(theirs.pem(private=True)).sign(_their_credential(theirs))
    forged = json.dumps(document).replace("Community supervision", "Community supervisiom")
    result = verify(forged)
    assert result.reason("en") == "invalid signature: altered, or not signed by this issuer"


def test_a_member_the_proof_does_not_cover_is_refused(world: dict[str, Any]) -> None:
    doc = json.loads(files(world, "completion")[0].read_text())
    doc["validUntil_"] = "2020-01-01T00:00:00Z"  # a term no context defines: never signed
    result = verify(doc)
    assert result.reason("en") == (
        "the JSON is not what the proof signs: validUntil_ is not defined by the "
        "credential's contexts (not signed)"
    )


# -- trust -------------------------------------------------------------------------------------


def test_trust_accepts_only_the_listed_issuers(world: dict[str, Any]) -> None:
    path = files(world, "completion")[0]
    assert verify_file(path, trust=[world["key"]]).checks[3].en == (
        f"issuer {world['key'].did} (trusted)"
    )
    stranger = new_key()
    result = verify_file(path, trust=[stranger])
    assert result.reason("en") == f"the issuer {world['key'].did} is not trusted"
    assert result.reason("zh") == f"签发方 {world['key'].did} 不在信任列表中"


def test_a_url_issuer_needs_its_key_to_be_trusted(world: dict[str, Any], tmp_path: Path) -> None:
    registry = world["registry"]
    key = world["key"]
    report = issue(
        registry,
        key,
        tmp_path / "out",
        people=["t2024-07"],
        as_of=AS_OF,
        issuer_id="https://mzt.nx.gov.cn",
        issuer_name="宁夏回族自治区民政厅",
        base_url="https://mzt.nx.gov.cn/credentials",
    )
    path = tmp_path / "out" / report.credentials[0].file
    doc = json.loads(path.read_text())
    assert doc["id"].startswith("https://mzt.nx.gov.cn/credentials/credentials/")
    assert verify_file(path).reason("en") == (
        "the key of issuer https://mzt.nx.gov.cn cannot be known offline: pass it with --trust"
    )
    assert verify_file(path, trust=[key], registry=registry).ok


# -- revocation --------------------------------------------------------------------------------


def test_revocation_is_reported_from_the_registry_and_from_the_status_list(
    tmp_path: Path,
) -> None:
    db = tmp_path / "nx.db"
    with supervise.open(db) as registry:
        ningxia.build(registry)
    key_file = tmp_path / "office.pem"
    assert run("keys", "new", "-o", str(key_file))[0] == 0
    code, out, err = run(
        "credentials",
        "issue",
        "--db",
        str(db),
        "--key",
        str(key_file),
        "--person",
        "t2024-05",
        "--as-of",
        "2024-12-06",
        "-o",
        str(tmp_path / "out"),
    )
    assert (code, err) == (0, "")
    assert (
        out.splitlines()[0]
        == f"issued 2 credentials (1 completion, 1 recognition) to {tmp_path / 'out'}"
    )
    credential = tmp_path / "out" / "t2024-05-completion-nx-sup-2024.json"
    code, out, _ = run(
        "credentials",
        "revoke",
        "--db",
        str(db),
        "--reason",
        "录入错误",
        "--key",
        str(key_file),
        "-o",
        str(tmp_path / "list.jwt"),
        str(credential),
    )
    assert code == 0
    doc = json.loads(credential.read_text())
    index = doc["credentialStatus"]["statusListIndex"]
    list_id = doc["credentialStatus"]["statusListCredential"]
    message = f"revoked (bit {index} of status list {list_id})"
    code, out, err = run("credentials", "verify", "--db", str(db), "--lang", "en", str(credential))
    assert code == 1
    assert f"  ✗ {message}" in out.splitlines()
    assert err == f"  → {message}\n"
    code, out, _ = run(
        "credentials", "verify", "--status-list", str(tmp_path / "list.jwt"), str(credential)
    )
    assert code == 1
    assert f"  ✗ 已撤销（状态列表 {list_id} 第 {index} 位）" in out.splitlines()
    # the list written at issue time predates the revocation; the folder uses it
    code, out, _ = run("credentials", "verify", str(tmp_path / "out"))
    assert code == 0
    # openbadgeslib reads the same signed list (served offline) and refuses too
    served = (tmp_path / "list.jwt").read_bytes().strip()
    verifier = OB3LdpVerifier.for_issuer_did(load_key(key_file).did)
    with pytest.raises(OB3VerificationError, match=f"'revocation' is set at index {index}"):
        verifier.verify(credential.read_text(), check_status=True, download=lambda url: served)
    with supervise.open(db) as registry:
        (record,) = [r for r in issued(registry, "t2024-05") if r.revoked_at]
        assert record.revoked_reason == "录入错误"
        issuing, revoking = registry.history()[-2:]  # both in the audit trail
    assert issuing.operation == "issue credentials"
    assert (revoking.operation, revoking.detail) == ("revoke credential", record.id)
    assert [(c.table, c.change, c.after) for c in revoking.changes] == [
        ("credential_awards", "revoke", {"reason": "录入错误"})
    ]


def test_revoking_an_unknown_credential_is_an_error(world: dict[str, Any]) -> None:
    with pytest.raises(CredentialError, match="no credential urn:uuid:nope was issued from this"):
        revoke(world["registry"], "urn:uuid:nope")
    code, _, err = run("credentials", "revoke", "--db", str(world["db"]), "urn:uuid:nope")
    assert code == 1
    assert err == ("Error: 登记库中没有签发过证书 urn:uuid:nope\n")


def test_a_status_list_from_another_issuer_is_refused(
    world: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "x.jwt").write_text("not a list")
    with pytest.raises(CredentialError, match="neither a JSON credential nor a JWT"):
        load_status_list(tmp_path / "x.jwt")


@given(status_bits)
def test_a_status_list_sets_exactly_the_revoked_bits(bits: set[int]) -> None:
    decoded = decode_list(encode_list(bits))
    assert len(decoded) == 16384
    assert {i for i in range(131072) if bit_set(decoded, i)} == bits


# -- keys and the command line -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pem", "jwk"])
def test_keys_new_writes_a_key_that_loads_back(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"office.{fmt}"
    code, out, _ = run("keys", "new", "-o", str(path), "--format", fmt)
    assert code == 0
    did = out.splitlines()[1].removeprefix("did:key ")
    assert load_key(path).did == did
    assert path.stat().st_mode & 0o777 == 0o600
    assert run("keys", "show", str(path))[1].splitlines()[0] == f"did:key {did}"
    code, _, err = run("keys", "new", "-o", str(path))
    assert code == 1
    assert "已存在，未覆盖（覆盖会丢失原密钥）" in err


def test_a_file_that_is_not_a_key_is_named(tmp_path: Path, world: dict[str, Any]) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("hello")
    code, _, err = run(
        "credentials",
        "issue",
        "--db",
        str(world["db"]),
        "--key",
        str(bad),
        "--cohort",
        "nx-2024-b2",
        "-o",
        str(tmp_path / "o"),
    )
    assert code == 1
    assert err == f"Error: {bad} 不是 Ed25519 密钥（PEM 或 JWK）\n"


def test_issue_needs_a_choice_and_writes_nothing_without_one(
    world: dict[str, Any], tmp_path: Path
) -> None:
    code, _, err = run(
        "credentials",
        "issue",
        "--db",
        str(world["db"]),
        "--key",
        str(world["folder"] / "office.pem"),
        "-o",
        str(tmp_path / "o"),
    )
    assert code == 1
    assert err == "Error: 请指定 --cohort、--person 或 --outcome\n"
    assert not (tmp_path / "o").exists()


def test_verify_a_file_that_is_not_a_credential(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    code, out, err = run("credentials", "verify", "--lang", "en", str(path))
    assert code == 1
    assert out.splitlines()[1] == "  ✗ a credential must be a JSON object"
    assert err == "  → a credential must be a JSON object\n"


def test_verify_a_zip_prints_every_check_in_chinese(world: dict[str, Any]) -> None:
    code, out, err = run("credentials", "verify", world["jwt"].output)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "共 69 个证书：69 个通过，0 个未通过"
    assert "  ✓ 格式：VC-JWT（EdDSA）" in out.splitlines()


def test_revoke_output_needs_the_key(world: dict[str, Any]) -> None:
    code, _, err = run(
        "credentials", "revoke", "--db", str(world["db"]), "-o", "x.jwt", "urn:uuid:x"
    )
    assert code == 2
    assert "-o needs --key to sign the status list" in err


def test_the_schema_keeps_issued_credentials(registry: Registry) -> None:
    tables = {r[0] for r in registry.conn.execute("SELECT name FROM sqlite_master")}
    assert {"credential_awards", "credential_status_lists"} <= tables
    assert (
        len({r[0] for r in registry.conn.execute("SELECT version FROM schema_version")})
        == SCHEMA_VERSION
    )


@pytest.mark.parametrize(
    "command",
    [
        ("keys", "new"),
        ("keys", "show"),
        ("credentials", "issue"),
        ("credentials", "verify"),
        ("credentials", "revoke"),
        ("credentials", "list"),
    ],
)
def test_each_subcommand_help_has_an_example_and_fits_80_columns(command: tuple[str, str]) -> None:
    from supervise._text import width

    result = CliRunner().invoke(cli, [*command, "--help"], terminal_width=80)
    assert result.exit_code == 0
    assert f"    supervise {' '.join(command)} " in result.output
    assert max(width(line) for line in result.output.splitlines()) <= 80
