"""Ed25519 keys of an issuing office, and the did:key that names them.

A key file is PEM (PKCS#8 private key, or a SubjectPublicKeyInfo public key) or a JWK
(``{"kty": "OKP", "crv": "Ed25519", "x": ..., "d": ...}``). The issuer of a credential signed
with it is, by default, the key's ``did:key``: self-certifying, so any verifier can check a
signature offline; whether that office is *trusted* is the verifier's call (``--trust``).

>>> key = new_key()
>>> key.did.startswith("did:key:z6Mk")
True
>>> IssuerKey.from_did(key.did).did == key.did
True
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import attrs

from supervise.credentials.errors import CredentialError

__all__ = ["IssuerKey", "load_key", "new_key", "write_key"]

# multicodec prefix of an Ed25519 public key (0xed, varint-encoded): did:key values start z6Mk
_ED25519_PUB = b"\xed\x01"


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        from supervise.errors import MissingExtra

        raise MissingExtra("credentials", "credentials", "cryptography") from None
    return ed25519


@attrs.frozen
class IssuerKey:
    """An Ed25519 public key, with its private half when the office holds it."""

    public: Any  # cryptography Ed25519PublicKey
    private: Any = None  # cryptography Ed25519PrivateKey, or None for a public key only

    @property
    def raw_public(self) -> bytes:
        """The 32 bytes of the public key."""
        from cryptography.hazmat.primitives import serialization

        raw: bytes = self.public.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return raw

    @property
    def did(self) -> str:
        """``did:key:z6Mk...``: the multibase (base58btc) multicodec form of the key."""
        import base58

        return "did:key:z" + base58.b58encode(_ED25519_PUB + self.raw_public).decode("ascii")

    @property
    def verification_method(self) -> str:
        """The did:key's one verification method: ``did:key:z6Mk...#z6Mk...``."""
        did = self.did
        return f"{did}#{did.removeprefix('did:key:')}"

    @classmethod
    def from_did(cls, did: str) -> IssuerKey:
        """The public key a ``did:key`` (or one of its verification method URLs) names."""
        import base58

        ed25519 = _crypto()
        value = did.split("#", 1)[0].removeprefix("did:key:")
        problem = CredentialError(
            f"{did!r} 不是 Ed25519 did:key", f"{did!r} is not an Ed25519 did:key"
        )
        if not did.startswith("did:key:z"):
            raise problem
        try:
            decoded = base58.b58decode(value[1:])
        except ValueError:
            raise problem from None
        if len(decoded) != 34 or not decoded.startswith(_ED25519_PUB):
            raise problem
        return cls(ed25519.Ed25519PublicKey.from_public_bytes(decoded[2:]))

    def sign(self, data: bytes) -> bytes:
        """An Ed25519 signature over ``data``; needs the private key."""
        if self.private is None:
            raise CredentialError(
                "签发需要私钥，此密钥文件只有公钥",
                "signing needs the private key; this file holds the public key only",
            )
        signature: bytes = self.private.sign(data)
        return signature

    def verifies(self, signature: bytes, data: bytes) -> bool:
        """Whether ``signature`` is this key's signature over ``data``."""
        from cryptography.exceptions import InvalidSignature

        try:
            self.public.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def pem(self, private: bool = False) -> bytes:
        """The key as PEM: the public key, or (``private=True``) the PKCS#8 private key."""
        from cryptography.hazmat.primitives import serialization

        if private:
            if self.private is None:
                raise CredentialError("没有私钥", "there is no private key")
            out: bytes = self.private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            return out
        public: bytes = self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return public

    def jwk(self, private: bool = False) -> dict[str, str]:
        """The key as a JWK (RFC 8037), with its did:key verification method as ``kid``."""
        out = {"kty": "OKP", "crv": "Ed25519", "x": _b64(self.raw_public)}
        if private:
            from cryptography.hazmat.primitives import serialization

            if self.private is None:
                raise CredentialError("没有私钥", "there is no private key")
            out["d"] = _b64(
                self.private.private_bytes(
                    serialization.Encoding.Raw,
                    serialization.PrivateFormat.Raw,
                    serialization.NoEncryption(),
                )
            )
        out["kid"] = self.verification_method
        return out


def new_key() -> IssuerKey:
    """A fresh Ed25519 key pair (from the operating system's random source)."""
    private = _crypto().Ed25519PrivateKey.generate()
    return IssuerKey(private.public_key(), private)


def write_key(key: IssuerKey, path: Path, fmt: str = "pem", overwrite: bool = False) -> None:
    """Write ``key``'s private key to ``path`` as ``pem`` or ``jwk``, readable by its owner
    only; an existing file is kept unless ``overwrite`` (a lost key cannot sign again)."""
    if fmt not in ("pem", "jwk"):
        raise ValueError(f"unknown key format {fmt!r}; expected pem or jwk")
    if path.exists() and not overwrite:
        raise CredentialError(
            f"{path} 已存在，未覆盖（覆盖会丢失原密钥）",
            f"{path} exists and was not replaced (replacing it would lose that key)",
        )
    body = key.pem(private=True) if fmt == "pem" else _json(key.jwk(private=True))
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    handle = os.open(path, flags, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(body)


def load_key(source: str | os.PathLike[str]) -> IssuerKey:
    """Read a key from a PEM or JWK file, or take a ``did:key`` string as a public key."""
    text = os.fspath(source)
    if text.startswith("did:key:"):
        return IssuerKey.from_did(text)
    path = Path(text)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CredentialError(
            f"无法读取密钥文件 {path}：{exc.strerror}",
            f"cannot read key file {path}: {exc.strerror}",
        ) from None
    try:
        if data.lstrip().startswith(b"{"):
            return _from_jwk(json.loads(data))
        return _from_pem(data)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise CredentialError(
            f"{path} 不是 Ed25519 密钥（PEM 或 JWK）", f"{path} is not an Ed25519 key (PEM or JWK)"
        ) from None


def _from_pem(data: bytes) -> IssuerKey:
    from cryptography.hazmat.primitives import serialization

    ed25519 = _crypto()
    if b"PRIVATE KEY" in data:
        private = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private, ed25519.Ed25519PrivateKey):
            raise ValueError("not Ed25519")
        return IssuerKey(private.public_key(), private)
    public = serialization.load_pem_public_key(data)
    if not isinstance(public, ed25519.Ed25519PublicKey):
        raise ValueError("not Ed25519")
    return IssuerKey(public)


def _from_jwk(jwk: dict[str, Any]) -> IssuerKey:
    ed25519 = _crypto()
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 JWK")
    if "d" in jwk:
        private = ed25519.Ed25519PrivateKey.from_private_bytes(_unb64(jwk["d"]))
        key = IssuerKey(private.public_key(), private)
        if key.raw_public != _unb64(jwk["x"]):
            raise ValueError("x does not match d")
        return key
    return IssuerKey(ed25519.Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"])))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(data: dict[str, str]) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")
