"""Personal data at rest: national ID and phone numbers kept encrypted in the registry file.

A registry file holds every national ID and phone number of a province; copied, left on a
lost laptop or opened in a shared notebook, it gives them all away. A *protected* registry
keeps each of them sealed in its cell (a field-level encryption): anyone with the file alone
sees the mask (``640104********003X``, what every report shows anyway) and a keyed hash,
never the number. The key is a 32-byte secret kept apart from the file, in a key file
(``SUPERVISE_KEY_FILE``) or an environment variable (``SUPERVISE_KEY``).

A sealed cell is ``enc1:<mask>:<keyed hash>:<ciphertext>``:

- the **keyed hash** is HMAC-SHA256 over the number (for a national ID, the normalised
  18-character number: upper-case ``X``), with a key derived from the secret: it is what
  matching and uniqueness compare, so two cells are equal exactly when the numbers are, and
  nobody without the key can test a guessed number against it (a bare SHA-256 of an 18-digit
  number with a known structure falls to a search in hours);
- the **ciphertext** is AES-256-GCM-SIV (RFC 8452) of the number, with the first 12 bytes of
  the keyed hash as nonce and the column name as associated data. A nonce derived from the
  value makes the encryption deterministic, which the registry needs (re-importing a file
  changes nothing; a unique index still refuses a second person with the same number), and
  GCM-SIV is the mode built to stay safe when a nonce repeats: a repeated value shows only
  that it is repeated, which the keyed hash shows anyway.

The columnar engine never reads these columns, so every answer (progress, eligibility,
reports) is the same with or without the key. Reading people's numbers (a
:class:`~supervise.model.Person`, an export with ``include_pii``) and writing them need it.

>>> key = ProtectionKey(bytes(range(32)))
>>> cell = key.seal("national_id", "11010519491231002X")
>>> cell.startswith("enc1:110105********002X:"), key.unseal("national_id", cell)
(True, '11010519491231002X')
>>> mask_of(cell)
'110105********002X'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from supervise.errors import KeyRequired, MissingExtra, SuperviseError
from supervise.lang import Catalogue
from supervise.pii import MASKS

__all__ = [
    "KEY_ENV",
    "KEY_FILE_ENV",
    "KeyRequired",
    "ProtectionKey",
    "hash_of",
    "is_sealed",
    "mask_of",
    "national_id_hash",
]

#: The environment variable holding the key itself (the text of a key file).
KEY_ENV = "SUPERVISE_KEY"
#: The environment variable naming a key file.
KEY_FILE_ENV = "SUPERVISE_KEY_FILE"
#: What a protected registry's ``settings`` say of it (the scheme, for a later migration).
PROTECTION = "enc1: AES-256-GCM-SIV, HMAC-SHA256"
#: The columns a protected registry keeps sealed.
SEALED_COLUMNS = ("national_id", "phone")
_CELL = "enc1:"
_KEY_TEXT = "supervise-key-v1:"
_T = Catalogue(
    __name__,
    {
        "required": (
            "{where} 中的身份证号和手机号已加密保存；{what}需要密钥：设置 SUPERVISE_KEY_FILE"
            "（密钥文件）或 SUPERVISE_KEY，或传入 key=",
            "{where} keeps national ID and phone numbers encrypted; {what} needs its key: set "
            "SUPERVISE_KEY_FILE (a key file) or SUPERVISE_KEY, or pass key=",
        ),
        "wrong": (
            "这把密钥打不开 {where} 中加密的个人信息（密钥校验值不符）",
            "this key does not open the personal data encrypted in {where} (its check "
            "value differs)",
        ),
        "bad_key": (
            "密钥 {source} 无效：应为 supervise-key-v1: 加 32 字节的 base64",
            "the key {source} is not valid: expected supervise-key-v1: and 32 bytes of base64",
        ),
        "readable": (
            "密钥文件 {path} 其他用户也能读取：请先执行 chmod 600 {path}",
            "the key file {path} can be read by other users: chmod 600 {path} first",
        ),
        "no_key_file": (
            "无法读取密钥文件 {path}：{detail}",
            "cannot read the key file {path}: {detail}",
        ),
        "exists": ("{path} 已存在，不会覆盖", "{path} exists; it is not overwritten"),
        "damaged_cell": (
            "{column} 的加密值无法解开（已被改动，或属于另一把密钥）",
            "a sealed {column} value cannot be opened (it was altered, or sealed with another key)",
        ),
    },
)


def is_sealed(value: Any) -> bool:
    """Whether a stored value is a sealed cell."""
    return isinstance(value, str) and value.startswith(_CELL)


def mask_of(cell: str) -> str:
    """The mask a sealed cell carries (readable without the key)."""
    return cell.split(":", 2)[1]


def hash_of(cell: str) -> str:
    """The keyed hash a sealed cell carries (readable without the key): for a national ID,
    ``key.national_id_hash(number)`` under the registry's key, which is also the number's
    pseudonym under that key (:mod:`supervise.pseudonym`)."""
    return cell.split(":", 3)[2]


def national_id_hash(number: str, key: bytes) -> str:
    """HMAC-SHA256 of a national ID number in its normalised form (18 characters, upper-case
    ``X``) under ``key``, as 64 hex digits: the keyed hash two systems holding the same key
    can compare without revealing the number. A protected registry keeps it beside each
    sealed number, and an export's pseudonyms are made with it (:mod:`supervise.pseudonym`):
    under one :class:`ProtectionKey` both are the same value."""
    return hmac.new(key, number.strip().upper().encode("ascii"), hashlib.sha256).hexdigest()


class ProtectionKey:
    """The secret that opens a protected registry: 32 random bytes, from which the hash key
    and the encryption key are derived (HKDF-SHA256). ``repr`` never shows it."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != 32:
            raise SuperviseError(_T("bad_key", source=f"<{len(secret)} bytes>"))
        self._hash_key = _derive(secret, b"supervise national_id_hash v1")
        self._cipher_key = _derive(secret, b"supervise field encryption v1")
        self._secret = secret
        self._cipher: Any = None

    # -- where keys come from ---------------------------------------------------------------

    @classmethod
    def generate(cls) -> ProtectionKey:
        """A new random key."""
        return cls(secrets.token_bytes(32))

    @classmethod
    def from_text(cls, text: str, source: str = "SUPERVISE_KEY") -> ProtectionKey:
        """The key written as a key file holds it: ``supervise-key-v1:<base64>``."""
        body = text.strip()
        try:
            if not body.startswith(_KEY_TEXT):
                raise ValueError(body[:8])
            secret = base64.urlsafe_b64decode(body.removeprefix(_KEY_TEXT))
        except ValueError:
            raise SuperviseError(_T("bad_key", source=source)) from None
        if len(secret) != 32:
            raise SuperviseError(_T("bad_key", source=source))
        return cls(secret)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ProtectionKey:
        """The key in a key file, which must be readable by its owner only (on POSIX)."""
        where = os.fspath(path)
        try:
            mode = os.stat(where).st_mode
            if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise SuperviseError(_T("readable", path=where))
            text = Path(where).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise SuperviseError(_T("no_key_file", path=where, detail=str(exc))) from None
        return cls.from_text(text, where)

    @classmethod
    def from_environment(cls) -> ProtectionKey | None:
        """The key of ``SUPERVISE_KEY`` (its text), else of the file ``SUPERVISE_KEY_FILE``,
        else ``None``."""
        if os.environ.get(KEY_ENV):
            return cls.from_text(os.environ[KEY_ENV])
        if os.environ.get(KEY_FILE_ENV):
            return cls.from_file(os.environ[KEY_FILE_ENV])
        return None

    def text(self) -> str:
        """The key as a key file holds it."""
        return _KEY_TEXT + base64.urlsafe_b64encode(self._secret).decode("ascii")

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the key to a new file readable by its owner only (mode 0600)."""
        where = os.fspath(path)
        try:
            handle = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise SuperviseError(_T("exists", path=where)) from None
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(self.text() + "\n")

    def __repr__(self) -> str:
        return f"<ProtectionKey check {self.check()}>"

    # -- what it does -----------------------------------------------------------------------

    def check(self) -> str:
        """A value a registry keeps to tell its key from another (reveals nothing of it)."""
        return hmac.new(self._hash_key, b"supervise key check", hashlib.sha256).hexdigest()[:16]

    def national_id_hash(self, number: str) -> str:
        """The keyed hash of a national ID number (see :func:`national_id_hash`)."""
        return national_id_hash(number, self._hash_key)

    def _digest(self, column: str, value: str) -> str:
        if column == "national_id":
            return self.national_id_hash(value)
        return hmac.new(self._hash_key, f"{column}:{value}".encode(), hashlib.sha256).hexdigest()

    def seal(self, column: str, value: str) -> str:
        """The sealed cell of ``value`` in ``column`` (the same value, the same cell)."""
        digest = self._digest(column, value)
        nonce = bytes.fromhex(digest)[:12]
        sealed = self._aead().encrypt(nonce, value.encode("utf-8"), column.encode("ascii"))
        body = base64.urlsafe_b64encode(sealed).decode("ascii")
        return f"{_CELL}{MASKS[column](value)}:{digest}:{body}"

    def unseal(self, column: str, cell: str) -> str:
        """The value of a sealed cell; :class:`KeyRequired` when it does not open."""
        from cryptography.exceptions import InvalidTag

        try:
            _, _, digest, body = cell.split(":", 3)
            nonce = bytes.fromhex(digest)[:12]
            data = base64.urlsafe_b64decode(body)
            return str(self._aead().decrypt(nonce, data, column.encode("ascii")).decode("utf-8"))
        except (ValueError, InvalidTag):
            raise KeyRequired(_T("damaged_cell", column=column)) from None

    def _aead(self) -> Any:
        if self._cipher is None:
            try:
                from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
            except ImportError:
                raise MissingExtra(
                    "keeping personal data encrypted", "protect", "cryptography"
                ) from None
            self._cipher = AESGCMSIV(self._cipher_key)
        return self._cipher


def _derive(secret: bytes, info: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869) with no salt: one 32-byte key per purpose."""
    prk = hmac.new(b"\0" * 32, secret, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def required(where: str, what: str) -> KeyRequired:
    """The error for an operation on personal data of a protected registry without key."""
    return KeyRequired(_T("required", where=where, what=what))


def wrong_key(where: str) -> KeyRequired:
    """The error for a key that is not the registry's."""
    return KeyRequired(_T("wrong", where=where))


def key_of(key: ProtectionKey | str | os.PathLike[str] | None) -> ProtectionKey | None:
    """The key a caller gave: a :class:`ProtectionKey`, a key's text, the path of a key file,
    or ``None`` for the key of the environment (``SUPERVISE_KEY``, ``SUPERVISE_KEY_FILE``),
    if any."""
    if key is None:
        return ProtectionKey.from_environment()
    if isinstance(key, ProtectionKey):
        return key
    if isinstance(key, str) and key.strip().startswith(_KEY_TEXT):
        return ProtectionKey.from_text(key, "key=")
    return ProtectionKey.from_file(key)
