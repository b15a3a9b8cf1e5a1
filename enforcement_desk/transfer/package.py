"""The case-transfer package: a ZIP the receiver can check with standard tools and with our verifier.

Layout inside the archive (one folder, named after the case):
    材料/   the documents and evidence files, each under a safe name
    manifest.json, manifest.sig (Ed25519), public_key.pem, SHA256SUMS (`sha256sum -c` format) and
    SHA256SUMS.sig, 移送材料目录.pdf (the index to print and sign)

The index PDF prints the manifest's hash, so it cannot be listed in the manifest; SHA256SUMS covers it
and is signed too, so nothing in the package escapes a signature.

Files are streamed in 1 MB chunks (constant memory for GBs of video), stored uncompressed with ZIP64
when needed, into a temporary file renamed only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from enforcement_desk.core.errors import DomainError
from enforcement_desk.transfer.signing import fingerprint, raw_public_key, verify_signature

CHUNK = 1024 * 1024
FORMAT = "enforcement-desk-transfer/1"
MATERIALS = "材料"
MANIFEST, MANIFEST_SIG, PUBLIC_KEY = "manifest.json", "manifest.sig", "public_key.pem"
SUMS, SUMS_SIG, INDEX, HOW_TO = "SHA256SUMS", "SHA256SUMS.sig", "移送材料目录.pdf", "核对说明.txt"
PACKAGE_FILES = (MANIFEST, MANIFEST_SIG, PUBLIC_KEY, SUMS, SUMS_SIG, INDEX, HOW_TO)
SUMMED_ONLY = frozenset({MANIFEST, INDEX, HOW_TO})  # in SHA256SUMS, not in the manifest
HOW_TO_TEXT = """移送材料包核对说明

本材料包的清单 manifest.json 和校验和文件 SHA256SUMS 均以移送机关的 Ed25519 私钥签名。
包内公钥 public_key.pem 的指纹：{fingerprint}
请与移送机关另行提供的公钥（或盖章的涉嫌犯罪案件移送书、移送材料目录上印的指纹）核对，
一致才可信；不能确认时请电话向移送机关核实。包内的公钥任何人都能替换成自己的，只凭它核对签名
不能证明材料来自移送机关。

一、核对全部文件：在本文件夹内运行
    sha256sum -c SHA256SUMS
  每行应显示 OK（Windows 可在 Git Bash 中运行，或用 PowerShell 的 Get-FileHash 逐个核对）。
二、核对签名（OpenSSL 3）：
    openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in manifest.json -sigfile manifest.sig
    openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig
  均应显示 Signature Verified Successfully。
三、装有执法案件办理桌面端的，可直接核对整个 ZIP 文件（三种方式任选其一确认签名人）：
    enforcement-desk transfer verify 材料包.zip --public-key 移送机关公钥.pem
    enforcement-desk transfer verify 材料包.zip --fingerprint "移送书上印的指纹"
    enforcement-desk transfer trust-key 移送机关公钥.pem --name 移送机关名称（只需一次），
    以后直接 enforcement-desk transfer verify 材料包.zip
  清单 manifest.json 中的 audit_head 是移送机关制作本材料包时审计记录链的末条序号和哈希，
  日后可据此核对移送机关的审计记录未被删改。
"""
MAX_NAME_CHARS, MAX_NAME_BYTES, MAX_SUFFIX_CHARS = 100, 200, 16
MAX_METADATA_BYTES = 64 * 1024 * 1024
_SUMS_LINE = re.compile(r"([0-9a-f]{64})  (.+)")
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
    """The user cancelled building the package; nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消，未生成移送材料包")


@dataclass(frozen=True)
class PackageItem:
    """A document or evidence file that goes into the package, with its hash, size and details."""

    source: Path
    name: str  # the user's file name; made safe before use
    kind: str  # 文书 | 证据
    sha256: str
    size: int
    details: dict = field(default_factory=dict)  # evidence type, collected by/at, description, pages


@dataclass(frozen=True)
class BuiltPackage:
    """A built package: its manifest, the manifest's SHA-256 (printed on the index) and its size."""

    manifest: dict
    manifest_sha256: str  # printed on every page of the index, recorded in the audit log
    size: int


def _shortened(stem: str, suffix: str) -> str:
    """Cut the stem so the whole name fits the limits of Windows paths and of Linux file names."""
    while stem and (
        len(stem) + len(suffix) > MAX_NAME_CHARS or len((stem + suffix).encode()) > MAX_NAME_BYTES
    ):
        stem = stem[:-1]
    return stem.rstrip(" .") or "文件"


def safe_name(name: str, used: set[str]) -> str:
    """One path component that cannot climb out of the folder, is valid on Windows, fits a file
    system's name limit, and is unique (ignoring case, as Windows does)."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "文件"
    if base.split(".")[0].upper() in _WINDOWS_RESERVED:  # Windows reserves CON.txt and CON.tar.gz alike
        base = f"_{base}"
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX_CHARS:
        stem, suffix = base, ""
    suffix = f".{suffix}" if suffix else ""
    stem = _shortened(stem, suffix + "(999)")  # room for the counter that keeps names unique
    candidate = stem + suffix
    counter = 2
    while candidate.lower() in used:
        candidate = f"{stem}({counter}){suffix}"
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
    index_pdf: Callable[[list[dict], str], bytes],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BuiltPackage:
    """Write the package. A failure or cancel leaves nothing under `target`."""
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
                info.file_size = item.size  # lets zipfile choose ZIP64 headers before the first byte
                digest = hashlib.sha256()
                with (
                    item.source.open("rb") as source,
                    archive.open(info, "w", force_zip64=item.size > zipfile.ZIP64_LIMIT) as out,
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
            manifest = {"format": FORMAT, **case_info, "files": entries,
                        "public_key_fingerprint": fingerprint(public_pem)}  # fmt: skip
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
            index = index_pdf(entries, manifest_sha256)
            sums_lines = [f"{e['sha256']}  {e['path']}" for e in entries]
            sums_lines.append(f"{manifest_sha256}  {MANIFEST}")
            sums_lines.append(f"{hashlib.sha256(index).hexdigest()}  {INDEX}")
            how_to = HOW_TO_TEXT.format(fingerprint=fingerprint(public_pem)).replace("\n", "\r\n").encode()
            sums_lines.append(f"{hashlib.sha256(how_to).hexdigest()}  {HOW_TO}")
            sums = ("\n".join(sums_lines) + "\n").encode()
            _write_bytes(archive, f"{folder}/{MANIFEST}", manifest_bytes)
            _write_bytes(archive, f"{folder}/{MANIFEST_SIG}", sign(manifest_bytes))
            _write_bytes(archive, f"{folder}/{PUBLIC_KEY}", public_pem)
            _write_bytes(archive, f"{folder}/{INDEX}", index)
            _write_bytes(archive, f"{folder}/{HOW_TO}", how_to)
            _write_bytes(archive, f"{folder}/{SUMS}", sums)
            _write_bytes(archive, f"{folder}/{SUMS_SIG}", sign(sums))
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        temp.replace(target)
        return BuiltPackage(manifest, manifest_sha256, target.stat().st_size)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


UNTRUSTED = (
    "签名有效，但签名人未经确认：指纹 {fingerprint}；"
    "请用 --public-key、--fingerprint 或 transfer trust-key 导入移送机关的公钥后再核验"
)


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of checking a package: files checked, problems, the signing key's fingerprint, and
    how that key is known to be the agency's (`signer`, empty when nobody vouched for it: any forger can
    re-sign a package with a key of their own, so a signature alone proves nothing)."""

    files_checked: int
    problems: tuple[str, ...]
    fingerprint: str
    signatures_valid: bool = False  # both signatures check with the key inside the package
    signer: str = ""  # e.g. 移送机关提供的公钥文件; "" when the key is not confirmed
    audit_head: dict | None = None  # the agency's audit chain head when it built the package

    @property
    def intact(self) -> bool:
        """True when the archive, its files and its signatures are as signed, whoever signed them."""
        return not self.problems

    @property
    def ok(self) -> bool:
        """True when the package is intact and signed with a key the receiver confirmed."""
        return self.intact and self.signatures_valid and bool(self.signer)

    @property
    def untrusted(self) -> str:
        """What to tell the receiver when the package checks in every other way but its signer is not
        confirmed (a package with problems fails for those)."""
        if self.problems or not self.signatures_valid or self.signer:
            return ""
        return UNTRUSTED.format(fingerprint=self.fingerprint)


@dataclass(frozen=True)
class Trust:
    """What vouches for the signing key: the agency's key file the receiver was given, the fingerprint
    printed on the 移送书 (normalized, see signing.normalized_fingerprint), and the keys the receiver
    imported earlier (name, PEM)."""

    public_pem: bytes | None = None
    fingerprint: str | None = None
    known: tuple[tuple[str, bytes], ...] = ()


def _signer(pem: bytes, trust: Trust, problems: list[str]) -> str:
    """How the package's key is confirmed ("" when it is not); a given key or fingerprint that differs
    from the package's is a problem, not merely "unconfirmed"."""
    raw = raw_public_key(pem)
    vouched = []
    if trust.public_pem is not None:
        expected = raw_public_key(trust.public_pem)
        if expected is None:
            problems.append("移送机关提供的公钥文件无法读取（应为 PEM 格式的 Ed25519 公钥）")
        elif raw != expected:
            problems.append("包内公钥与移送机关提供的公钥不一致（可能被替换）")
        else:
            vouched.append("移送机关提供的公钥文件")
    if trust.fingerprint is not None:
        if fingerprint(pem) != trust.fingerprint:
            problems.append(
                f"包内公钥的指纹 {fingerprint(pem)} 与移送机关提供的指纹 {trust.fingerprint} 不一致（可能被替换）"
            )
        else:
            vouched.append("移送机关提供的公钥指纹")
    if raw is not None:
        vouched += [
            f"本机信任的移送机关公钥（{name}）" for name, known in trust.known if raw_public_key(known) == raw
        ][:1]
    return "、".join(vouched)


def _audit_head(manifest: dict) -> dict | None:
    head = manifest.get("audit_head")
    if isinstance(head, dict) and isinstance(head.get("seq"), int) and isinstance(head.get("hash"), str):
        return {"seq": head["seq"], "hash": head["hash"]}
    return None


def _hash_member(archive: zipfile.ZipFile, name: str) -> str:
    """SHA-256 of a member; reading it to the end also makes zipfile check its CRC."""
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _unsafe_member(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or ":" in name or "\\" in name:
        return f"包内文件名“{name}”不安全（解压时可能写到文件夹之外）"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"包内“{name}”是符号链接（解压时可能指向文件夹之外）"
    return None


def _parse_sums(text: str, problems: list[str]) -> dict[str, str]:
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUMS_LINE.fullmatch(line)
        if match is None:
            problems.append(f"SHA256SUMS 第 {number} 行格式不正确（应为“哈希值  文件名”）")
            continue
        sums[match.group(2)] = match.group(1)
    return sums


def verify_package(path: Path, trust: Trust | None = None) -> VerifyReport:
    """Check the archive, both signatures, every file's hash and size, that nothing is missing or
    added, and whether `trust` vouches for the signing key. Needs nothing but the file and what the
    receiver was given: the receiver has no database."""
    trust = trust or Trust()
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return VerifyReport(0, (f"不是有效的 ZIP 文件：{exc}",), "")
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        for name, count in Counter(i.filename for i in infos).items():
            if count > 1:
                problems.append(f"包内有 {count} 个同名文件“{name}”（解压时后者会覆盖前者）")
        problems += [p for p in map(_unsafe_member, infos) if p]
        folders = {PurePosixPath(i.filename).parts[0] for i in infos}
        if len(folders) != 1:
            return VerifyReport(0, (*problems, "材料包应只有一个顶层文件夹"), "")
        folder = folders.pop()
        sizes = {i.filename[len(folder) + 1 :]: i.file_size for i in infos}

        def read(member: str) -> bytes | None:
            # A forged package could inflate a "manifest" to gigabytes; the real ones are small.
            if sizes.get(member, 0) > MAX_METADATA_BYTES:
                problems.append(f"{member} 大小异常（{sizes[member]} 字节），不是本系统生成的文件")
                return None
            try:
                return archive.read(f"{folder}/{member}")
            except KeyError:
                problems.append(f"缺少 {member}")
            except (zipfile.BadZipFile, zlib.error) as exc:
                problems.append(f"{member} 已损坏（ZIP 校验失败：{exc}）")
            return None

        manifest_bytes, signature, pem = read(MANIFEST), read(MANIFEST_SIG), read(PUBLIC_KEY)
        sums_bytes, sums_signature = read(SUMS), read(SUMS_SIG)
        if manifest_bytes is None or signature is None or pem is None:
            return VerifyReport(0, tuple(problems), "")
        signer = _signer(pem, trust, problems)
        signed = verify_signature(pem, signature, manifest_bytes)
        if not signed:
            problems.append("manifest.json 的签名无效：清单在签名后被改动")
        if sums_bytes is not None and sums_signature is not None:
            if not verify_signature(pem, sums_signature, sums_bytes):
                signed = False
                problems.append("SHA256SUMS 的签名无效：校验和文件在签名后被改动")
        else:
            signed = False  # a missing SHA256SUMS or its signature was named by read()
        signer = signer if signed else ""
        try:
            manifest = json.loads(manifest_bytes)
            listed = {e["path"]: e for e in manifest["files"]}
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"manifest.json 无法解读（{exc}）")
            return VerifyReport(0, tuple(problems), fingerprint(pem), signed, signer)
        present = set(sizes)
        for missing in sorted(set(listed) - present):
            problems.append(f"缺少文件：{missing}")
        for missing in sorted(SUMMED_ONLY - {MANIFEST} - present):  # manifest.json was read above
            problems.append(f"缺少 {missing}")
        for extra in sorted(present - set(listed) - set(PACKAGE_FILES)):
            problems.append(f"多出清单以外的文件：{extra}")
        checked = 0
        actual: dict[str, str] = {}
        for member in sorted((set(listed) & present) | (SUMMED_ONLY & present)):
            try:
                actual[member] = _hash_member(archive, f"{folder}/{member}")
            except (zipfile.BadZipFile, zlib.error) as exc:
                problems.append(f"文件已损坏（ZIP 校验失败）：{member}（{exc}）")
                continue
            entry = listed.get(member)
            if entry is None:
                continue
            checked += 1
            if actual[member] != entry["sha256"]:
                problems.append(f"文件内容与清单中的 SHA-256 不符：{member}")
            elif sizes[member] != entry.get("size"):
                problems.append(
                    f"文件大小与清单不符：{member}（清单 {entry.get('size')}，实际 {sizes[member]}）"
                )
        if sums_bytes is not None:
            sums = _parse_sums(sums_bytes.decode("utf-8", "replace"), problems)
            for member in sorted((set(listed) | SUMMED_ONLY) - set(sums)):
                problems.append(f"SHA256SUMS 未列出 {member}")
            for member, digest in sorted(sums.items()):
                if member not in listed and member not in SUMMED_ONLY:
                    problems.append(f"SHA256SUMS 列出了清单以外的文件：{member}")
                elif member in listed and listed[member]["sha256"] != digest:
                    problems.append(f"SHA256SUMS 与清单对 {member} 的哈希不一致")
                elif member in actual and actual[member] != digest and member not in listed:
                    problems.append(f"SHA256SUMS 中 {member} 的哈希不符")
        head = _audit_head(manifest) if isinstance(manifest, dict) else None
        return VerifyReport(checked, tuple(problems), fingerprint(pem), signed, signer, head)
