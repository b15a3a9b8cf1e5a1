"""The case-transfer package: a ZIP the receiver can check with standard tools and with our verifier.

Layout inside the archive (one folder, named after the case):
    材料/   the documents and evidence files, each under a safe name
    manifest.json, manifest.sig (Ed25519), public_key.pem, SHA256SUMS (`sha256sum -c` format),
    移送材料目录.pdf (the index to print and sign)

Files are streamed in 1 MB chunks (constant memory for GBs of video), stored uncompressed with ZIP64
when needed, into a temporary file renamed only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from enforcement_desk.core.errors import DomainError
from enforcement_desk.transfer.signing import fingerprint, verify_signature

CHUNK = 1024 * 1024
MATERIALS = "材料"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


class PackageCancelled(DomainError):
    def __init__(self) -> None:
        super().__init__("已取消，未生成移送材料包")


@dataclass(frozen=True)
class PackageItem:
    source: Path
    name: str  # the user's file name; made safe before use
    kind: str  # 文书 | 证据
    sha256: str
    size: int
    details: dict = field(default_factory=dict)  # evidence type, collected by/at, description, pages


def safe_name(name: str, used: set[str]) -> str:
    """One path component that cannot climb out of the folder, is valid on Windows, and is unique."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "文件"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    candidate = f"{stem}.{suffix}" if suffix else stem
    counter = 2
    while candidate.lower() in used:
        candidate = f"{stem}({counter}).{suffix}" if suffix else f"{stem}({counter})"
        counter += 1
    used.add(candidate.lower())
    return candidate


def _write_bytes(archive: zipfile.ZipFile, arcname: str, data: bytes) -> None:
    info = zipfile.ZipInfo(arcname, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_package(
    target: Path,
    folder: str,
    items: Iterable[PackageItem],
    case_info: dict,
    sign: Callable[[bytes], bytes],
    public_pem: bytes,
    index_pdf: Callable[[list[dict]], bytes],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict:
    """Write the package; returns the manifest. A failure or cancel leaves nothing under `target`."""
    items = list(items)
    folder = safe_name(folder, set())
    target = Path(target)
    temp = target.with_name(target.name + ".part")
    total = sum(i.size for i in items) or 1
    done = 0
    used: set[str] = set()
    entries = []
    try:
        with zipfile.ZipFile(temp, "w", allowZip64=True) as archive:
            for item in items:
                path = f"{MATERIALS}/{safe_name(item.name, used)}"
                info = zipfile.ZipInfo(f"{folder}/{path}", date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_STORED  # video and PDFs do not compress; storing is fastest
                digest = hashlib.sha256()
                with (
                    item.source.open("rb") as source,
                    archive.open(info, "w", force_zip64=item.size > 2**31) as out,
                ):
                    while chunk := source.read(CHUNK):
                        if cancelled is not None and cancelled():
                            raise PackageCancelled()
                        digest.update(chunk)
                        out.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, total, item.name)
                if digest.hexdigest() != item.sha256:
                    raise DomainError(f"“{item.name}”的内容与登记的 SHA-256 不符，请先运行 audit verify 检查")
                entries.append({"path": path, "name": item.name, "kind": item.kind, "sha256": item.sha256,
                                "size": item.size, **item.details})  # fmt: skip
            manifest = {"format": "enforcement-desk-transfer/1", **case_info, "files": entries,
                        "public_key_fingerprint": fingerprint(public_pem)}  # fmt: skip
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            index = index_pdf(entries)
            sums_lines = [f"{e['sha256']}  {e['path']}" for e in entries]
            sums_lines.append(f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json")
            sums_lines.append(f"{hashlib.sha256(index).hexdigest()}  移送材料目录.pdf")
            _write_bytes(archive, f"{folder}/manifest.json", manifest_bytes)
            _write_bytes(archive, f"{folder}/manifest.sig", sign(manifest_bytes))
            _write_bytes(archive, f"{folder}/public_key.pem", public_pem)
            _write_bytes(archive, f"{folder}/移送材料目录.pdf", index)
            _write_bytes(archive, f"{folder}/SHA256SUMS", ("\n".join(sums_lines) + "\n").encode())
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        temp.replace(target)
        return manifest
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class VerifyReport:
    files_checked: int
    problems: tuple[str, ...]
    fingerprint: str

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash_member(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_package(path: Path, expected_public_pem: bytes | None = None) -> VerifyReport:
    """Check the archive, the signature, every file's hash and that nothing is missing or added."""
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return VerifyReport(0, (f"不是有效的 ZIP 文件：{exc}",), "")
    with archive:
        names = archive.namelist()
        for name in names:
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts or ":" in name or "\\" in name:
                problems.append(f"包内文件名“{name}”不安全（可能写到文件夹之外）")
        folders = {PurePosixPath(n).parts[0] for n in names}
        if len(folders) != 1:
            return VerifyReport(0, (*problems, "材料包应只有一个顶层文件夹"), "")
        folder = folders.pop()

        def read(member: str) -> bytes | None:
            try:
                return archive.read(f"{folder}/{member}")
            except KeyError:
                problems.append(f"缺少 {member}")
                return None

        manifest_bytes, signature, pem = read("manifest.json"), read("manifest.sig"), read("public_key.pem")
        if manifest_bytes is None or signature is None or pem is None:
            return VerifyReport(0, tuple(problems), "")
        if expected_public_pem is not None and pem.strip() != expected_public_pem.strip():
            problems.append("包内公钥与移送机关提供的公钥不一致（可能被替换）")
        if not verify_signature(pem, signature, manifest_bytes):
            problems.append("manifest.json 的签名无效：清单在签名后被改动")
        manifest = json.loads(manifest_bytes)
        listed = {e["path"]: e for e in manifest.get("files", [])}
        extras = {"manifest.json", "manifest.sig", "public_key.pem", "SHA256SUMS", "移送材料目录.pdf"}
        present = {n[len(folder) + 1 :] for n in names if not n.endswith("/")}
        for missing in sorted(set(listed) - present):
            problems.append(f"缺少文件：{missing}")
        for extra in sorted(present - set(listed) - extras):
            problems.append(f"多出清单以外的文件：{extra}")
        checked = 0
        for member, entry in sorted(listed.items()):
            if member not in present:
                continue
            checked += 1
            if _hash_member(archive, f"{folder}/{member}") != entry["sha256"]:
                problems.append(f"文件内容与清单中的 SHA-256 不符：{member}")
        sums = read("SHA256SUMS")
        if sums is not None:
            for line in sums.decode().splitlines():
                digest, _, member = line.partition("  ")
                if member in ("manifest.json", "移送材料目录.pdf") and member in present:
                    if _hash_member(archive, f"{folder}/{member}") != digest:
                        problems.append(f"SHA256SUMS 中 {member} 的哈希不符")
                elif member in listed and listed[member]["sha256"] != digest:
                    problems.append(f"SHA256SUMS 与清单对 {member} 的哈希不一致")
        bad_crc = archive.testzip()
        if bad_crc:
            problems.append(f"ZIP 校验（CRC）失败：{bad_crc}")
        return VerifyReport(checked, tuple(problems), fingerprint(pem))
