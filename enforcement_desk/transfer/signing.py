"""The agency's Ed25519 key for signing transfer manifests: private key in the OS keyring, public key
printable for the receiving police unit and prosecutor's office.

One agency, one key: the key is created on the first PC that builds a package; other PCs of the agency
import it from a passphrase-protected file exported there, so the receivers see one fingerprint.
"""

from __future__ import annotations

import hashlib
import re

import keyring
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from keyring.errors import KeyringError

from enforcement_desk.core.errors import DomainError
from enforcement_desk.store.credentials import keyring_status

KEYRING_SERVICE = "EnforcementDesk-transfer-key"
MIN_PASSPHRASE = 10


def _account(agency_id: int) -> str:
    return f"agency-{agency_id}"


def _require_keyring() -> None:
    if not keyring_status().available:
        raise DomainError(
            "本机没有可用的系统密钥环（keyring），无法保存本机关的移送签名私钥，因此不能制作移送材料包；"
            "请在有系统凭据管理器的电脑上制作（Windows 凭据管理器、macOS 钥匙串或 Linux Secret Service）"
        )


def _stored_key(agency_id: int) -> Ed25519PrivateKey | None:
    _require_keyring()
    try:
        stored = keyring.get_password(KEYRING_SERVICE, _account(agency_id))
    except KeyringError as exc:
        raise DomainError(f"无法读取系统密钥环中的移送签名私钥：{exc}") from None
    if not stored:
        return None
    key = serialization.load_pem_private_key(stored.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise DomainError(f"系统密钥环中“{KEYRING_SERVICE}”保存的不是 Ed25519 私钥，请删除后重新生成或导入")
    return key


def _store_key(agency_id: int, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        keyring.set_password(KEYRING_SERVICE, _account(agency_id), pem.decode())
    except KeyringError as exc:
        raise DomainError(f"无法把移送签名私钥保存到系统密钥环：{exc}") from None


def stored_signing_key(agency_id: int) -> Ed25519PrivateKey | None:
    """The agency's key on this PC if it has one; never creates one (a check must not mint a key)."""
    return _stored_key(agency_id)


def agency_signing_key(agency_id: int) -> Ed25519PrivateKey:
    """The agency's key on this PC, created on first use and kept in the OS keyring."""
    key = _stored_key(agency_id)
    if key is None:
        key = Ed25519PrivateKey.generate()
        _store_key(agency_id, key)
    return key


def export_signing_key(agency_id: int, passphrase: str) -> bytes:
    """The private key as encrypted PKCS#8 PEM, to carry to the agency's other PCs."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise DomainError(f"导出私钥的口令至少 {MIN_PASSPHRASE} 个字符")
    key = agency_signing_key(agency_id)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def import_signing_key(agency_id: int, exported: bytes, passphrase: str, *, replace: bool = False) -> bytes:
    """Store a key exported on another PC; returns its public key. An existing different key is kept
    unless `replace`: packages already sent were signed with it."""
    try:
        key = serialization.load_pem_private_key(exported, password=passphrase.encode())
    except (ValueError, TypeError):
        raise DomainError("无法读取导出的私钥：口令错误或文件不是本系统导出的私钥") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise DomainError("导入的不是 Ed25519 私钥")
    current = _stored_key(agency_id)
    if current is not None and public_key_pem(current) != public_key_pem(key) and not replace:
        raise DomainError(
            f"本机已有另一把移送签名私钥（指纹 {fingerprint(public_key_pem(current))}）；"
            "确需替换时请加 --replace，已移送的材料包仍须用原公钥核对"
        )
    _store_key(agency_id, key)
    return public_key_pem(key)


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The public key (of a private or public key) as PEM."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


FINGERPRINT_HEX = 32
_NOT_HEX = re.compile(r"[^0-9A-F]")


def fingerprint(pem: bytes) -> str:
    """SHA-256 of the public key, in groups of four, to read out over the phone or print. A key saved
    with other line ends or spacing has the fingerprint of the key, not of the file's bytes."""
    digest = hashlib.sha256((canonical_pem(pem) or pem).strip()).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, FINGERPRINT_HEX, 4))


def normalized_fingerprint(text: str) -> str:
    """A fingerprint as typed from the 移送书 or heard on the phone (spaces, colons, dashes or lower
    case), in the printed form; refuses anything that is not the 32 hexadecimal digits."""
    digits = re.sub(r"[\s:\-]", "", text or "").upper()
    if len(digits) != FINGERPRINT_HEX or _NOT_HEX.search(digits):
        raise DomainError(
            f"公钥指纹“{text}”格式不对：应为 {FINGERPRINT_HEX} 位十六进制数字（0-9、A-F），"
            "如移送书或 transfer public-key 印出的“1A2B 3C4D …”，共 8 组"
        )
    return " ".join(digits[i : i + 4] for i in range(0, FINGERPRINT_HEX, 4))


def agency_fingerprint(agency_id: int) -> str:
    """The fingerprint of the agency's key on this PC (created on first use, as for a package), or ""
    when this PC has no usable keyring: then no package can be signed here either."""
    try:
        return fingerprint(public_key_pem(agency_signing_key(agency_id)))
    except DomainError:
        return ""


def _load_public(pem: bytes) -> Ed25519PublicKey | None:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def canonical_pem(pem: bytes) -> bytes | None:
    """The Ed25519 public key in `pem` as this program writes it (LF line ends, nothing around it), or
    None when `pem` holds no such key."""
    key = _load_public(pem)
    return None if key is None else public_key_pem(key)


def raw_public_key(pem: bytes) -> bytes | None:
    """The 32 key bytes, so a PEM retyped or saved with Windows line ends still compares equal."""
    key = _load_public(pem)
    return (
        None if key is None else key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def verify_signature(pem: bytes, signature: bytes, message: bytes) -> bool:
    """True when `signature` is the PEM key's Ed25519 signature of `message`; False for a bad key too."""
    key = _load_public(pem)
    if key is None:
        return False
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
