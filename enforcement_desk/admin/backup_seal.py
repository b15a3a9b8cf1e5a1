"""The signature over a backup's manifest, made with the agency key (transfer.signing).

The manifest holds the database's SHA-256, the row counts and the SHA-256 of every template and
settings file in the backup, so one signature over its bytes vouches for all of them: a backup
altered after it was made, or made by another agency's program, is told apart from this agency's own.
The public key rides along in the seal so a signature can be checked on a PC without the private
key; whose key it is, is then decided against the agency key in this PC's keyring.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from enforcement_desk.core.errors import DomainError

SEAL_NAME = "manifest.sig"
SEAL_FORMAT = 1
_CONTEXT = b"enforcement-desk backup manifest\n"  # a signature made for something else never fits here


@dataclass(frozen=True)
class Findings:
    """What checking a seal found: lines to tell the user and problems that fail the backup."""

    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def _keyring_usable() -> bool:
    from enforcement_desk.store.credentials import keyring_status

    return keyring_status().available


def seal_manifest(folder: Path, manifest_bytes: bytes, agency_id: int) -> bool:
    """Write the seal beside the manifest; False (no seal) when this PC cannot use the agency key."""
    if not _keyring_usable():
        return False
    from enforcement_desk.transfer.signing import agency_signing_key, fingerprint, public_key_pem

    try:
        key = agency_signing_key(agency_id)
    except DomainError:
        return False
    pem = public_key_pem(key)
    seal = {
        "format": SEAL_FORMAT,
        "agency_id": agency_id,
        "public_key": pem.decode(),
        "fingerprint": fingerprint(pem),
        "signature": base64.b64encode(key.sign(_CONTEXT + manifest_bytes)).decode(),
    }
    (folder / SEAL_NAME).write_text(json.dumps(seal, ensure_ascii=False, indent=2), encoding="utf-8")
    return True


def _read_seal(path: Path) -> tuple[int, bytes, str, bytes]:
    try:
        seal = json.loads(path.read_text(encoding="utf-8"))
        if seal.get("format") != SEAL_FORMAT:
            raise DomainError(f"备份签名文件的格式版本 {seal.get('format')} 本程序不认识")
        return (
            int(seal["agency_id"]),
            seal["public_key"].encode(),
            str(seal.get("fingerprint", "")),
            base64.b64decode(seal["signature"], validate=True),
        )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise DomainError(f"备份签名文件 {SEAL_NAME} 已损坏，无法读取") from None


def check_seal(folder: Path, manifest_bytes: bytes, what: str = "备份中") -> Findings:
    """The seal of the backup in `folder` against its manifest and against this agency's key."""
    from enforcement_desk.transfer.signing import (
        fingerprint,
        public_key_pem,
        stored_signing_key,
        verify_signature,
    )

    path = folder / SEAL_NAME
    if not path.is_file():
        return Findings(
            notes=(
                "⚠ 备份清单未签名（制作备份的电脑没有可用的系统密钥环，或为旧版本程序制作）："
                "无法证明备份出自本机关且制作后未被改动",
            )
        )
    try:
        agency_id, pem, _, signature = _read_seal(path)
    except DomainError as exc:
        return Findings(problems=(f"{what}{exc.message}",))
    if not verify_signature(pem, signature, _CONTEXT + manifest_bytes):
        return Findings(problems=(f"{what}备份清单的签名无效：清单在签名后被改动，或签名是伪造的",))
    signer = fingerprint(pem)
    if not _keyring_usable():
        return Findings(
            notes=(
                f"备份清单签名有效，签名者公钥指纹 {signer}；本机没有可用的系统密钥环，"
                "无法确认签名者是否为本机关，请与本机关公钥指纹核对",
            )
        )
    try:
        own = stored_signing_key(agency_id)
    except DomainError as exc:
        return Findings(
            notes=(f"备份清单签名有效，签名者公钥指纹 {signer}；无法读取本机关密钥：{exc.message}",)
        )
    if own is None:
        return Findings(
            notes=(
                f"备份清单签名有效，签名者公钥指纹 {signer}；本机尚无本机关的签名密钥，无法确认签名者，"
                "请与本机关公钥指纹核对（或先导入本机关密钥）",
            )
        )
    own_fingerprint = fingerprint(public_key_pem(own))
    if own_fingerprint != signer:
        return Findings(
            problems=(
                f"{what}备份不是本机关签名的：签名者公钥指纹 {signer}，本机关公钥指纹 {own_fingerprint}"
                "（备份来自其他机关或其他密钥，不能作为本机关的备份恢复）",
            )
        )
    return Findings(notes=(f"备份清单签名有效，签名者为本机关（公钥指纹 {signer}）",))
