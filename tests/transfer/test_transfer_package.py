"""Transfer packages for the police: verifiable with our command, unzip -t and sha256sum -c; every
tampering named; hostile file names kept inside the folder; the printed index lists what is inside."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from case_builders import new_case
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from transfer_cases import INSPECTION_REPORT, ON_DISK_NAMES, POLICE_UNIT, PROCURATORATE, transferred_case

from enforcement_desk.core.errors import DomainError
from enforcement_desk.procedure.steps import advance
from enforcement_desk.transfer.package import PackageItem, build_package, safe_name, verify_package
from enforcement_desk.transfer.service import build_transfer_package, public_key, verify_transfer_package
from enforcement_desk.transfer.signing import public_key_pem

HOSTILE_NAMES = ("../../etc/passwd", "C:\\Windows\\win.ini", "现场 照片 1.jpg", "con.txt", "a:b?.mp4", "..",
                 "/abs/path.txt", "AUX", "名\n字.jpg", "  ")  # fmt: skip

pytestmark = pytest.mark.usefixtures("file_keyring")


def test_safe_names_cannot_leave_the_folder_and_stay_unique():
    used: set[str] = set()
    names = [safe_name(n, used) for n in (*HOSTILE_NAMES, "现场 照片 1.jpg")]
    assert all("/" not in n and "\\" not in n and ":" not in n and "\n" not in n for n in names)
    assert all(n not in ("", ".", "..") for n in names)
    assert names[2] == "现场 照片 1.jpg" and names[-1] == "现场 照片 1(2).jpg"
    assert names[3] == "_con.txt" and names[7] == "_AUX"
    assert len({n.lower() for n in names}) == len(names)


def test_safe_names_fit_file_system_limits_and_keep_their_suffix():
    used: set[str] = set()
    long_name = safe_name("执法记录仪" * 80 + ".mp4", used)
    assert long_name.endswith(".mp4") and len(long_name.encode()) <= 200 and len(long_name) <= 100
    again = safe_name("执法记录仪" * 80 + ".mp4", used)
    assert again != long_name and again.endswith("(2).mp4") and len(again.encode()) <= 200
    assert safe_name("con.tar.gz", used) == "_con.tar.gz"  # Windows reserves the name before any dot


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=300), min_size=1, max_size=8))
def test_any_user_file_name_becomes_one_safe_unique_component(names):
    used: set[str] = set()
    results = [safe_name(n, used) for n in names]
    for result in results:
        assert result and result not in (".", "..") and result == result.strip(" .")
        assert not any(ch in result for ch in '<>:"/\\|?*') and all(ord(ch) >= 32 for ch in result)
        assert result.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
        assert len(result) <= 100 and len(result.encode()) <= 200
        assert PurePosixPath("移送", "材料", result).parent == PurePosixPath("移送", "材料")
    assert len({r.lower() for r in results}) == len(results)


def _package_of(tmp_path: Path, names: tuple[str, ...]) -> Path:
    items = []
    for index, name in enumerate(names):
        source = tmp_path / f"f{index}"
        source.write_bytes(name.encode() * 10 + bytes([index]))
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        items.append(PackageItem(source, name, "证据", digest, source.stat().st_size))
    key = Ed25519PrivateKey.generate()
    target = tmp_path / "p.zip"
    build_package(
        target, "../移送", items, {}, key.sign, public_key_pem(key), lambda entries, sha: b"%PDF-1.4"
    )
    return target


def test_hostile_names_given_to_the_writer_stay_inside_the_folder_when_extracted(tmp_path):
    target = _package_of(tmp_path, HOSTILE_NAMES)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert all(n.startswith("移送/") and ".." not in n.split("/") and "\\" not in n for n in names)
        archive.extractall(tmp_path / "zip-out")
    report = verify_package(target)
    assert report.intact and not report.ok  # intact, but nothing vouches for the signing key
    subprocess.run(["unzip", "-q", str(target), "-d", str(tmp_path / "unzip-out")], check=True)
    for out in ("zip-out", "unzip-out"):
        files = [p for p in (tmp_path / out).rglob("*") if p.is_file()]
        assert len(files) == len(HOSTILE_NAMES) + 7
        assert all(p.resolve().is_relative_to((tmp_path / out / "移送").resolve()) for p in files)


@pytest.mark.slow
def test_the_package_verifies_with_our_command_unzip_and_sha256sum(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path, big=1024**3)  # a day of body-worn recorder video
    target = tmp_path / "out" / "移送.zip"
    target.parent.mkdir()
    manifest = build_transfer_package(office.ctx, office.officer, case_id, target)
    kinds = [f["kind"] for f in manifest["files"]]
    assert kinds.count("文书") >= 3 and kinds.count("证据") == len(ON_DISK_NAMES) + 2
    assert max(f["size"] for f in manifest["files"]) == 1024**3
    assert not list(target.parent.glob("*.part"))
    pem, print_fingerprint = public_key(office.ctx, office.officer)
    key_file = tmp_path / "agency.pem"
    key_file.write_bytes(pem)
    report = verify_transfer_package(target, key_file)  # as the police do, with the key printed for them
    assert report.ok, report.problems
    assert report.files_checked == len(manifest["files"]) and report.fingerprint == print_fingerprint
    tested = subprocess.run(["unzip", "-tq", str(target)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    extract = tmp_path / "extract"
    subprocess.run(["unzip", "-q", str(target), "-d", str(extract)], check=True)
    target.unlink()
    (folder,) = list(extract.iterdir())
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(manifest["files"]) + 3  # + manifest, index and 核对说明.txt


def test_the_manifest_names_agency_recipients_and_each_files_origin(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path)
    target = tmp_path / "移送.zip"
    manifest = build_transfer_package(office.ctx, office.officer, case_id, target)
    assert manifest["agency"]["name"] and manifest["case"]["party"] == "张某某"
    transfer = manifest["transfer"]
    assert (transfer["police_unit"], transfer["procuratorate"]) == (POLICE_UNIT, PROCURATORATE)
    assert transfer["approved_by"] == office.head2.name and transfer["reported_by"] == ["王强", "李娜"]
    assert (
        "涉嫌非法行医罪" in transfer["report_findings"] and transfer["reported_at"] <= transfer["approved_at"]
    )
    evidence = {f["name"]: f for f in manifest["files"] if f["kind"] == "证据"}
    assert set(evidence) == {*ON_DISK_NAMES, INSPECTION_REPORT}
    report = evidence[INSPECTION_REPORT]
    assert report["evidence_type"] == "鉴定意见" and report["pages"] == 2 and report["collected_by"] == "王强"
    with zipfile.ZipFile(target) as archive:
        folder = archive.namelist()[0].split("/")[0]
        for entry in manifest["files"]:
            data = archive.read(f"{folder}/{entry['path']}")
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
        assert json.loads(archive.read(f"{folder}/manifest.json")) == manifest


def test_the_index_pdf_lists_every_file_with_pages_and_hash_and_the_manifest_hash(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path)
    target = tmp_path / "移送.zip"
    manifest = build_transfer_package(office.ctx, office.officer, case_id, target)
    with zipfile.ZipFile(target) as archive:
        folder = archive.namelist()[0].split("/")[0]
        manifest_sha = hashlib.sha256(archive.read(f"{folder}/manifest.json")).hexdigest()
        reader = PdfReader(io.BytesIO(archive.read(f"{folder}/移送材料目录.pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    assert "移送材料目录" in flat and POLICE_UNIT in flat and PROCURATORATE in flat
    for entry in manifest["files"]:
        assert entry["sha256"] in flat, entry["name"]
        assert "".join(entry["path"].rsplit("/", 1)[-1].split()) in flat
    assert "原名：con.txt" in flat  # renamed for Windows; the receiver sees both names
    assert f"共{len(manifest['files'])}份材料" in flat and "PDF共5页" in flat  # 3 documents + 2-page report
    assert all(manifest_sha in "".join(page.extract_text().split()) for page in reader.pages)


def _rebuilt(tmp_path: Path, original: Path, name: str, change) -> Path:
    with zipfile.ZipFile(original) as archive:
        members = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in change(members).items():
            archive.writestr(member, data)
    return path


def test_every_kind_of_tampering_fails_with_its_reason(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path)
    original = tmp_path / "original.zip"
    build_transfer_package(office.ctx, office.officer, case_id, original)
    with zipfile.ZipFile(original) as archive:
        folder = archive.namelist()[0].split("/")[0]
        evidence = next(n for n in archive.namelist() if "/材料/" in n and n.endswith(".jpg"))
    inside = evidence.split("/", 1)[1]
    other_key = public_key_pem(Ed25519PrivateKey.generate())

    def flip(data: bytes) -> bytes:
        return data[:10] + bytes([data[10] ^ 1]) + data[11:]

    cases = {
        "changed byte": (lambda m: {**m, evidence: flip(m[evidence])}, f"文件内容与清单中的 SHA-256 不符：{inside}"),
        "missing file": (lambda m: {k: v for k, v in m.items() if k != evidence}, f"缺少文件：{inside}"),
        "extra file": (lambda m: {**m, f"{folder}/材料/补充.txt": b"x"}, "多出清单以外的文件：材料/补充.txt"),
        "tampered manifest": (
            lambda m: {**m, f"{folder}/manifest.json": m[f"{folder}/manifest.json"].replace("涉嫌".encode(), "不涉".encode())},
            "manifest.json 的签名无效",
        ),
        "replaced index": (lambda m: {**m, f"{folder}/移送材料目录.pdf": b"%PDF-1.4 other"}, "SHA256SUMS 中 移送材料目录.pdf 的哈希不符"),
        "rewritten sums": (
            lambda m: {**m, f"{folder}/SHA256SUMS": m[f"{folder}/SHA256SUMS"] + b"0" * 64 + b"  x\n"},
            "SHA256SUMS 的签名无效",
        ),
        "swapped key": (lambda m: {**m, f"{folder}/public_key.pem": other_key}, "manifest.json 的签名无效"),
        "broken manifest": (lambda m: {**m, f"{folder}/manifest.json": b"{"}, "manifest.json 无法解读"),
        "missing index": (lambda m: {k: v for k, v in m.items() if not k.endswith(".pdf") or "/材料/" in k}, "缺少 移送材料目录.pdf"),
        "inflated manifest": (lambda m: {**m, f"{folder}/manifest.json": b" " * (65 * 1024 * 1024)}, "manifest.json 大小异常"),
        "missing signature": (lambda m: {k: v for k, v in m.items() if not k.endswith("SHA256SUMS.sig")}, "缺少 SHA256SUMS.sig"),
    }  # fmt: skip
    for name, (change, reason) in cases.items():
        report = verify_transfer_package(_rebuilt(tmp_path, original, name.replace(" ", "_"), change))
        assert not report.ok and any(reason in p for p in report.problems), (name, report.problems)
    assert not verify_package(tmp_path / "changed_byte.zip").problems[1:], "one fault, one problem"


def test_a_package_signed_by_another_key_fails_against_the_agencys_printed_key(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path)
    original = tmp_path / "original.zip"
    build_transfer_package(office.ctx, office.officer, case_id, original)
    printed = tmp_path / "printed.pem"
    printed.write_bytes(public_key_pem(Ed25519PrivateKey.generate()))
    report = verify_transfer_package(original, printed)
    assert report.problems == ("包内公钥与移送机关提供的公钥不一致（可能被替换）",)


def test_corrupted_stored_bytes_duplicates_and_links_are_named(tmp_path):
    target = _package_of(tmp_path, ("a.jpg", "b.jpg"))
    data = bytearray(target.read_bytes())
    where = data.index(("a.jpg" * 10).encode())
    data[where] ^= 1  # bytes changed inside the archive, CRC now wrong
    corrupted = tmp_path / "corrupted.zip"
    corrupted.write_bytes(bytes(data))
    assert any("ZIP 校验失败" in p and "材料/a.jpg" in p for p in verify_package(corrupted).problems)

    with zipfile.ZipFile(target) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w") as archive:
        for name, payload in members:
            archive.writestr(name, payload)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("移送/材料/a.jpg", b"second copy")
        link = zipfile.ZipInfo("移送/材料/link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("移送/../../escape.txt", b"x")
    problems = verify_package(hostile).problems
    assert any("2 个同名文件“移送/材料/a.jpg”" in p for p in problems)
    assert any("“移送/材料/link”是符号链接" in p for p in problems)
    assert any("“移送/../../escape.txt”不安全" in p for p in problems)


def test_a_file_that_is_not_a_zip_is_named_as_such(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    assert verify_package(path).problems[0].startswith("不是有效的 ZIP 文件")


def test_a_package_needs_the_heads_approval_and_a_cancel_leaves_no_file(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    with pytest.raises(DomainError, match="批准移送公安机关"):
        build_transfer_package(office.ctx, office.officer, case_id, tmp_path / "x.zip")
    (tmp_path / "second").mkdir()
    case_id = transferred_case(office, tmp_path / "second")
    with pytest.raises(DomainError, match="本案承办人或负责人"):
        build_transfer_package(office.ctx, office.officer3, case_id, tmp_path / "z.zip")
    seen: list[int] = []
    with pytest.raises(DomainError, match="已取消"):
        build_transfer_package(office.ctx, office.officer, case_id, tmp_path / "y.zip",
                               progress=lambda done, total, name: seen.append(done), cancelled=lambda: bool(seen))  # fmt: skip
    assert seen and not (tmp_path / "y.zip").exists() and not (tmp_path / "y.zip.part").exists()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="本机没有 openssl")
def test_both_signatures_verify_with_openssl_alone_as_the_how_to_file_says(tmp_path):
    target = _package_of(tmp_path, ("现场 照片 1.jpg",))
    subprocess.run(["unzip", "-q", str(target), "-d", str(tmp_path / "out")], check=True)
    folder = tmp_path / "out" / "移送"
    how_to = (folder / "核对说明.txt").read_text(encoding="utf-8")
    for signed, signature in (("manifest.json", "manifest.sig"), ("SHA256SUMS", "SHA256SUMS.sig")):
        command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public_key.pem", "-rawin",
                   "-in", signed, "-sigfile", signature]  # fmt: skip
        assert " ".join(command) in how_to
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
        assert result.returncode == 0 and "Signature Verified Successfully" in result.stdout
    (folder / "manifest.json").write_bytes((folder / "manifest.json").read_bytes() + b" ")
    changed = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public_key.pem", "-rawin",
                              "-in", "manifest.json", "-sigfile", "manifest.sig"], cwd=folder, capture_output=True)  # fmt: skip
    assert changed.returncode != 0
