"""The receiver's own list of transfer-signing keys it has confirmed (a police unit or procuratorate
has no database): `transfer trust-key` imports an agency's public key once, after its fingerprint was
checked against the 移送书 or on the phone, and `transfer verify` then accepts that agency's packages
without --public-key or --fingerprint.

Kept as one JSON file in the user's data folder (enforcement_desk.paths.user_data_dir), written to a
temporary file and renamed, so a crash never leaves half a list.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from enforcement_desk.core.errors import DomainError
from enforcement_desk.paths import user_data_dir
from enforcement_desk.transfer.signing import canonical_pem, fingerprint, raw_public_key

STORE_NAME = "transfer_trusted_keys.json"
STORE_FORMAT = "enforcement-desk-trusted-keys/1"
MAX_KEY_FILE = 64 * 1024
UNNAMED = "（未填写机关名称）"


@dataclass(frozen=True)
class TrustedKey:
    """An agency's public key the receiver confirmed: its name as the receiver typed it, the printed
    fingerprint, the PEM and when it was imported."""

    name: str
    fingerprint: str
    pem: str
    added_at: str


def store_path() -> Path:
    """The receiver's list of trusted keys, in the user's data folder."""
    return user_data_dir() / STORE_NAME


def _read(path: Path) -> list[TrustedKey]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != STORE_FORMAT:
            raise ValueError(f"格式标记为“{data.get('format')}”")
        keys = [TrustedKey(**entry) for entry in data["keys"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DomainError(
            f"本机的移送公钥信任库 {path} 无法读取（{exc}）；请检查该文件，或删除后用 transfer trust-key 重新导入"
        ) from None
    for key in keys:
        if raw_public_key(key.pem.encode()) is None:
            raise DomainError(
                f"本机的移送公钥信任库 {path} 中“{key.name}”的公钥已损坏；请删除该文件后重新导入"
            )
    return keys


def _write(path: Path, keys: list[TrustedKey]) -> None:
    text = json.dumps(
        {"format": STORE_FORMAT, "keys": [asdict(k) for k in keys]}, ensure_ascii=False, indent=1
    )
    temp = path.with_name(path.name + ".part")
    with temp.open("w", encoding="utf-8") as out:
        out.write(text + "\n")
        out.flush()
        os.fsync(out.fileno())
    temp.replace(path)


def trusted_keys() -> list[TrustedKey]:
    """The keys this receiver has confirmed, in the order they were imported."""
    return _read(store_path())


def read_public_key_file(file: Path) -> bytes:
    """An agency's public key file (PEM, Ed25519) as given on a disc or by e-mail; refuses anything else."""
    file = Path(file)
    try:
        if file.stat().st_size > MAX_KEY_FILE:
            raise DomainError(f"“{file}”不是公钥文件（{file.stat().st_size} 字节，过大）")
        data = file.read_bytes()
    except OSError as exc:
        raise DomainError(f"无法读取公钥文件“{file}”：{exc.strerror or exc}") from None
    if raw_public_key(data) is None:
        raise DomainError(
            f"“{file}”不是 Ed25519 公钥（PEM 格式）；请使用移送机关用 transfer public-key 导出的公钥文件"
        )
    return data


def trust_key(file: Path, name: str | None = None, *, now: datetime | None = None) -> tuple[TrustedKey, bool]:
    """Add the agency's public key in `file` to this receiver's trusted keys. Returns the entry and
    whether it is new; a key already trusted keeps its place and takes the new name when one is given."""
    pem = canonical_pem(read_public_key_file(file))
    assert pem is not None  # read_public_key_file refused anything else
    name = (name or "").strip()
    path = store_path()
    keys = _read(path)
    raw = raw_public_key(pem)
    for index, key in enumerate(keys):
        if raw_public_key(key.pem.encode()) == raw:
            if name and name != key.name:
                keys[index] = TrustedKey(name, key.fingerprint, key.pem, key.added_at)
                _write(path, keys)
            return keys[index], False
    entry = TrustedKey(
        name or UNNAMED, fingerprint(pem), pem.decode(), (now or datetime.now()).isoformat(timespec="seconds")
    )
    _write(path, [*keys, entry])
    return entry, True
