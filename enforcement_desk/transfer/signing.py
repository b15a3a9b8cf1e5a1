"""The agency's Ed25519 key for signing transfer manifests: private key in the OS keyring, public key
printable for the receiving police unit and prosecutor's office."""

from __future__ import annotations

import hashlib

import keyring
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from enforcement_desk.core.errors import DomainError
from enforcement_desk.store.credentials import keyring_status

KEYRING_SERVICE = "EnforcementDesk-transfer-key"


def _account(agency_id: int) -> str:
    return f"agency-{agency_id}"


def agency_signing_key(agency_id: int) -> Ed25519PrivateKey:
    """The agency's key on this PC, created on first use and kept in the OS keyring."""
    status = keyring_status()
    if not status.available:
        raise DomainError(
            "本机没有可用的系统密钥环，无法保存本机关的移送签名密钥；请在有凭据管理器的电脑上制作移送材料包"
        )
    stored = keyring.get_password(KEYRING_SERVICE, _account(agency_id))
    if stored:
        key = serialization.load_pem_private_key(stored.encode(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    keyring.set_password(KEYRING_SERVICE, _account(agency_id), pem.decode())
    return key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(pem: bytes) -> str:
    """SHA-256 of the public key, in groups of four, to read out over the phone or print."""
    digest = hashlib.sha256(pem.strip()).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def verify_signature(pem: bytes, signature: bytes, message: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        return False
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
