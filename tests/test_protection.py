"""Personal data at rest: a protected registry keeps national ID and phone numbers encrypted,
answers every question without the key, and opens the numbers only with it."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

import supervise
from supervise import IntegrityError, Person
from supervise.cli import cli
from supervise.demo import ningxia
from supervise.store.protection import (
    KeyRequired,
    ProtectionKey,
    _derive,
    is_sealed,
    national_id_hash,
)

ROOT = Path(__file__).parent.parent
ANHUI = ROOT / "examples" / "exchange" / "anhui-sanqu-2024"
SECRET = bytes(range(32))


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "nx.db"
    with supervise.open(path) as registry:
        ningxia.build(registry)
    return path


@pytest.fixture(scope="module")
def numbers(plain: Path) -> dict[str, tuple[str | None, str | None]]:
    with supervise.open(plain) as registry:
        return {p.id: (p.national_id, p.phone) for p in registry.find(Person)}


@pytest.fixture
def key() -> ProtectionKey:
    return ProtectionKey(SECRET)


@pytest.fixture
def protected(plain: Path, tmp_path: Path, key: ProtectionKey) -> Path:
    path = tmp_path / "nx.db"
    with supervise.open(plain) as registry:
        registry.backup(path)
    with supervise.open(path) as registry:
        assert registry.protect(key) == 78
    return path


def raw(folder: Path) -> bytes:
    """Every byte of every file in ``folder`` and below (the registry, its journal files
    and its columnar copy)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_the_file_alone_holds_no_number_in_clear(
    protected: Path, numbers: dict[str, tuple[str | None, str | None]]
) -> None:
    with supervise.open(protected) as registry:  # a question: the columnar copy is written
        registry.tiers(ningxia.REPORTED_ON)
    data = raw(protected.parent)
    found = [n for pair in numbers.values() for n in pair if n and n.encode() in data]
    assert found == []
    assert data.count(b"enc1:640") > 50  # sealed cells, with their masks


def test_protecting_leaves_nothing_behind_in_the_old_pages(
    plain: Path,
    tmp_path: Path,
    key: ProtectionKey,
    numbers: dict[str, tuple[str | None, str | None]],
) -> None:
    """The control: before protecting, the numbers are in the file."""
    path = tmp_path / "copy.db"
    with supervise.open(plain) as registry:
        registry.backup(path)
    national, _ = next(v for v in numbers.values() if v[0])
    assert national is not None
    assert national.encode() in raw(tmp_path)
    with supervise.open(path) as registry:
        registry.protect(key)
    assert national.encode() not in raw(tmp_path)


def test_every_answer_is_the_same_without_the_key(plain: Path, protected: Path) -> None:
    with supervise.open(plain) as before, supervise.open(protected) as after:
        assert after.protected
        assert not before.protected
        for registry in (before, after):
            assert registry.cohort_progress(ningxia.SECOND_BATCH, ningxia.REPORTED_ON)
        assert (
            before.cohort_progress(ningxia.SECOND_BATCH, ningxia.REPORTED_ON).to_dict()
            == after.cohort_progress(ningxia.SECOND_BATCH, ningxia.REPORTED_ON).to_dict()
        )
        assert (
            before.eligibility("nx-expert-pool", ningxia.REPORTED_ON).to_dict()
            == after.eligibility("nx-expert-pool", ningxia.REPORTED_ON).to_dict()
        )


def test_people_are_read_with_the_key_and_refused_without(
    protected: Path, key: ProtectionKey, numbers: dict[str, tuple[str | None, str | None]]
) -> None:
    with supervise.open(protected, key=key) as registry:
        assert {p.id: (p.national_id, p.phone) for p in registry.find(Person)} == numbers
    with supervise.open(protected) as registry, pytest.raises(KeyRequired) as info:
        registry.find(Person)
    assert str(info.value) == (
        f"{protected} keeps national ID and phone numbers encrypted; reading national ID "
        "and phone numbers needs its key: set SUPERVISE_KEY_FILE (a key file) or "
        "SUPERVISE_KEY, or pass key="
    )
    assert info.value.message("zh") == (
        f"{protected} 中的身份证号和手机号已加密保存；读取身份证号和手机号需要密钥：设置 "
        "SUPERVISE_KEY_FILE（密钥文件）或 SUPERVISE_KEY，或传入 key="
    )


def test_writing_numbers_needs_the_key_and_keeps_them_unique(
    protected: Path, key: ProtectionKey, numbers: dict[str, tuple[str | None, str | None]]
) -> None:
    taken = next(n for n, _ in numbers.values() if n)
    with supervise.open(protected) as registry:
        with pytest.raises(KeyRequired, match="writing national ID and phone numbers"):
            registry.add(Person(id="new", name="新人", phone="13812345678"))
        assert registry.add(Person(id="new", name="新人")) == {"people": 1}
    with supervise.open(protected, key=key) as registry:
        with pytest.raises(IntegrityError) as info:
            registry.add(Person(id="again", name="重复", national_id=taken))
        assert taken[:6] + "********" + taken[-4:] in str(info.value)
        assert taken not in str(info.value)
        registry.add(Person(id="new", name="新人", phone="13812345678"))
        (stored,) = registry.conn.execute("SELECT phone FROM people WHERE id = 'new'").fetchone()
        assert is_sealed(stored)
        assert registry.get(Person, "new").phone == "13812345678"


def test_a_wrong_key_is_refused(protected: Path) -> None:
    with pytest.raises(KeyRequired) as info:
        supervise.open(protected, key=ProtectionKey(bytes(32)))
    assert str(info.value) == (
        f"this key does not open the personal data encrypted in {protected} (its check "
        "value differs)"
    )


def test_import_matches_people_by_number_and_changes_nothing_the_second_time(
    protected: Path, key: ProtectionKey
) -> None:
    with supervise.open(protected, key=key) as registry:
        report = registry.import_file(ANHUI)
        assert [(m.file_id, m.registry_id) for m in report.matches] == [("ah-m05", "m2024-1")]
        assert not registry.import_file(ANHUI).changed
        assert registry.get(Person, "ah-2024-01").national_id is not None
    with supervise.open(protected) as registry, pytest.raises(KeyRequired):
        registry.import_file(ANHUI)


def test_exports_mask_without_the_key_and_need_it_for_the_numbers(
    protected: Path,
    tmp_path: Path,
    key: ProtectionKey,
    numbers: dict[str, tuple[str | None, str | None]],
) -> None:
    with supervise.open(protected) as registry:
        registry.export(tmp_path / "masked.json")
        with pytest.raises(KeyRequired):
            registry.export(tmp_path / "full.json", include_pii=True)
    assert not (tmp_path / "full.json").exists()
    masked = {
        p["id"]: p["national_id"]
        for p in json.loads((tmp_path / "masked.json").read_text())["people"]
    }
    assert masked == {
        pid: None if n is None else n[:6] + "********" + n[-4:] for pid, (n, _) in numbers.items()
    }
    with supervise.open(protected, key=key) as registry:
        registry.export(tmp_path / "full.json", include_pii=True)
    full = json.loads((tmp_path / "full.json").read_text())["people"]
    assert {p["id"]: (p["national_id"], p["phone"]) for p in full} == numbers


def test_the_audit_trail_keeps_masks_not_ciphertext(protected: Path, key: ProtectionKey) -> None:
    with supervise.open(protected, key=key, actor="王会计") as registry:
        registry.add(Person(id="new", name="新人", national_id="11010519491231002X"))
        protect, added = registry.history()[-2:]
    assert (protect.operation, protect.counts, protect.changes) == (
        "protect",
        {"people": {"updated": 78}},
        (),
    )
    assert added.changes[0].after is not None
    assert added.changes[0].after["national_id"] == "110105********002X"


def test_unprotecting_gives_the_numbers_back(
    protected: Path, key: ProtectionKey, numbers: dict[str, tuple[str | None, str | None]]
) -> None:
    with supervise.open(protected, key=key) as registry:
        assert registry.unprotect() == 78
    with supervise.open(protected) as registry:
        assert not registry.protected
        assert {p.id: (p.national_id, p.phone) for p in registry.find(Person)} == numbers


def test_a_new_key_seals_every_number_again_and_the_old_one_no_longer_opens_them(
    protected: Path, key: ProtectionKey, numbers: dict[str, tuple[str | None, str | None]]
) -> None:
    new = ProtectionKey(bytes(range(100, 132)))
    with sqlite3.connect(protected) as conn:
        sealed = [
            c for row in conn.execute("SELECT national_id, phone FROM people") for c in row if c
        ]
    conn.close()
    assert len(sealed) > 78
    assert all(is_sealed(c) for c in sealed)
    with supervise.open(protected, key=key, actor="王会计") as registry:
        assert registry.rekey(new) == 78
        assert registry.rekey(new) == 0  # the key it has already
        entry = registry.history()[-1]
    assert (entry.operation, entry.actor, entry.counts, entry.changes) == (
        "rekey",
        "王会计",
        {"people": {"updated": 78}},
        (),
    )
    with supervise.open(protected, key=new) as registry:
        assert {p.id: (p.national_id, p.phone) for p in registry.find(Person)} == numbers
    with pytest.raises(KeyRequired, match="this key does not open"):
        supervise.open(protected, key=key)
    # No ciphertext made under the old key is left in the file or its journal (a cell is
    # its mask, a keyed hash and the ciphertext).
    after = raw(protected.parent)
    assert [c for c in sealed if c.split(":")[3].encode() in after] == []


def test_changing_the_key_needs_a_protected_registry_and_its_key(
    plain: Path, protected: Path, key: ProtectionKey
) -> None:
    with supervise.open(plain) as registry, pytest.raises(supervise.SuperviseError) as info:
        registry.rekey(key)
    assert info.value.message("en") == (
        f"{plain} keeps national ID and phone numbers in clear: there is no key to change "
        "(to encrypt them: supervise protect on)"
    )
    assert info.value.message("zh") == (
        f"{plain} 中的身份证号和手机号未加密，无需换密钥（加密：supervise protect on）"
    )
    with supervise.open(protected) as registry, pytest.raises(KeyRequired) as required:
        registry.rekey(ProtectionKey(bytes(32)))
    assert str(required.value) == (
        f"{protected} keeps national ID and phone numbers encrypted; sealing the personal "
        "data under a new key needs its key: set SUPERVISE_KEY_FILE (a key file) or "
        "SUPERVISE_KEY, or pass key="
    )


def test_protecting_again_with_the_same_key_does_nothing(
    protected: Path, key: ProtectionKey
) -> None:
    with supervise.open(protected) as registry:
        assert registry.protect(key) == 0
        with pytest.raises(KeyRequired, match="this key does not open"):
            registry.protect(ProtectionKey(bytes(32)))


def test_an_in_memory_registry_can_be_protected(key: ProtectionKey) -> None:
    with supervise.open() as registry:
        registry.add(Person(id="p1", name="甲", national_id="11010519491231002X"))
        registry.protect(key)
        assert registry.get(Person, "p1").national_id == "11010519491231002X"


# -- keys -------------------------------------------------------------------------------------


def test_the_keyed_hash_is_hmac_sha256_of_the_normalised_number(key: ProtectionKey) -> None:
    hash_key = _derive(SECRET, b"supervise national_id_hash v1")
    expected = hmac.new(hash_key, b"11010519491231002X", hashlib.sha256).hexdigest()
    assert key.national_id_hash("11010519491231002x") == expected
    assert national_id_hash(" 11010519491231002x ", hash_key) == expected


def test_the_key_derivation_is_hkdf_sha256() -> None:
    for info in (b"supervise national_id_hash v1", b"supervise field encryption v1"):
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info)
        assert _derive(SECRET, info) == hkdf.derive(SECRET)


def test_sealing_is_deterministic_and_bound_to_its_column(key: ProtectionKey) -> None:
    cell = key.seal("phone", "13812345678")
    assert cell == key.seal("phone", "13812345678")
    assert cell.startswith("enc1:138****5678:")
    with pytest.raises(KeyRequired, match="a sealed national_id value cannot be opened"):
        key.unseal("national_id", cell)
    assert "13812345678" not in repr(key)
    assert SECRET.hex() not in repr(key)


def test_key_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "office.key"
    key = ProtectionKey.generate()
    key.write(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ProtectionKey.from_file(path).check() == key.check()
    with pytest.raises(supervise.SuperviseError, match="exists; it is not overwritten"):
        key.write(path)
    os.chmod(path, 0o640)
    with pytest.raises(supervise.SuperviseError) as info:
        ProtectionKey.from_file(path)
    assert str(info.value) == (
        f"the key file {path} can be read by other users: chmod 600 {path} first"
    )
    with pytest.raises(supervise.SuperviseError, match="is not valid: expected supervise-key-v1:"):
        ProtectionKey.from_text("not a key")
    monkeypatch.setenv("SUPERVISE_KEY", key.text())
    found = ProtectionKey.from_environment()
    assert found is not None
    assert found.check() == key.check()


# -- the command ------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_protect_commands(plain: Path, tmp_path: Path) -> None:
    db, key = tmp_path / "nx.db", tmp_path / "office.key"
    with supervise.open(plain) as registry:
        registry.backup(db)
    code, out, _ = run("protect", "new-key", "-o", str(key), "--lang", "en")
    assert (code, out.split(" (")[0]) == (0, f"wrote a new key to {key}")
    assert run("protect", "status", "--db", str(db), "--lang", "en")[1] == (
        f"{db}: national ID and phone numbers kept in clear (supervise protect on encrypts them)\n"
    )
    code, out, _ = run("protect", "on", "--db", str(db), "--key-file", str(key))
    assert (code, out) == (0, f"{db}：已加密 78 人的身份证号和手机号；文件已重写，不留明文\n")
    code, out, _ = run("protect", "status", "--db", str(db), "--key-file", str(key), "--lang", "en")
    assert out == (
        f"{db}: national ID and phone numbers kept encrypted (enc1: AES-256-GCM-SIV, "
        "HMAC-SHA256); the key given opens them\n"
    )
    code, _, err = run("export", "--db", str(db), "-o", str(tmp_path / "x.json"), "--include-pii")
    assert code == 1
    assert "中的身份证号和手机号已加密保存" in err
    code, _, _ = run(
        "export",
        "--db",
        str(db),
        "-o",
        str(tmp_path / "x.json"),
        "--include-pii",
        "--key-file",
        str(key),
    )
    assert code == 0
    code, out, _ = run("protect", "off", "--db", str(db), "--key-file", str(key), "--lang", "en")
    assert (code, out) == (
        0,
        f"{db}: national ID and phone numbers of 78 people are in clear again\n",
    )
    code, out, _ = run("protect", "on", "--db", str(db), "--key-file", str(key), "--lang", "en")
    new = tmp_path / "office-2025.key"
    assert run("protect", "new-key", "-o", str(new))[0] == 0
    code, out, _ = run(
        "protect", "rekey", "--db", str(db), "--key-file", str(key), "--new-key-file", str(new),
        "--lang", "en",
    )  # fmt: skip
    assert (code, out) == (
        0,
        f"{db}: national ID and phone numbers of 78 people sealed under the new key {new}; "
        "the file was rewritten. The old key no longer opens this registry, but still opens "
        "backups made before: replace or destroy them too\n",
    )
    code, out, _ = run(
        "protect", "rekey", "--db", str(db), "--key-file", str(new), "--new-key-file", str(new)
    )  # fmt: skip
    assert (code, out) == (0, f"{db} 已经使用这把密钥\n")
    code, _, err = run(
        "protect", "rekey", "--db", str(db), "--key-file", str(key), "--new-key-file", str(new),
        "--lang", "en",
    )  # fmt: skip
    assert (code, err) == (
        1,
        f"Error: this key does not open the personal data encrypted in {db} (its check value "
        "differs)\n",
    )
    code, _, err = run("protect", "rekey", "--db", str(db), "--key-file", str(new))
    assert code == 2
    assert "--new-key-file" in err
    code, _, err = run("protect", "on", "--db", str(db))
    assert (code, err.splitlines()[-1]) == (
        2,
        "Error: 需要密钥：--key-file，或设置 SUPERVISE_KEY_FILE / SUPERVISE_KEY",
    )
    code, _, err = run("protect", "off", "--db", str(db), "--lang", "en")
    assert (code, err.splitlines()[-1]) == (
        2,
        "Error: a key is needed: --key-file, or set SUPERVISE_KEY_FILE or SUPERVISE_KEY",
    )
