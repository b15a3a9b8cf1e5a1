"""Transfer packages for the police: verifiable with our command, unzip -t and sha256sum -c; every
tampering named; hostile file names kept inside the folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from case_builders import new_case

from enforcement_desk.core.errors import DomainError
from enforcement_desk.services.cases import get_case, update_case
from enforcement_desk.services.evidence import add_evidence
from enforcement_desk.services.procedure import advance
from enforcement_desk.services.transfer import build_transfer_package, public_key, verify_transfer_package
from enforcement_desk.transfer.package import safe_name

HOSTILE_NAMES = ("../../etc/passwd", "C:\\Windows\\win.ini", "现场 照片 1.jpg", "con.txt", "a:b?.mp4", "..")
ON_DISK_NAMES = ("现场 照片 1.jpg", "con.txt", "a:b?.mp4", "询问录音.wav")


pytestmark = pytest.mark.usefixtures("file_keyring")


def transferred_case(office, tmp_path: Path, big: int = 0) -> int:  # noqa: ANN001
    ctx = office.ctx
    case_id = new_case(office).id
    advance(ctx, office.head, case_id, "file")
    update_case(ctx, office.officer, case_id, get_case(ctx, office.officer, case_id).version,
                facts="当事人未取得医生执业资格行医，造成就诊人重度损害。")  # fmt: skip
    for index, name in enumerate(ON_DISK_NAMES):
        source = tmp_path / f"source{index}"
        source.write_bytes(f"证据内容 {index}".encode() * 100)
        stored = tmp_path / "named" / str(index)
        stored.mkdir(parents=True)
        path = stored / (name.replace("/", "_").replace("\\", "_").replace(":", "_") or "x")
        shutil.copy(source, path)
        item = add_evidence(ctx, office.officer, case_id, path)
        assert item.original_name
    if big:
        video = tmp_path / "执法记录仪 0001.mp4"
        with video.open("wb") as out:
            chunk = os.urandom(8 * 1024 * 1024)
            for _ in range(big // len(chunk)):
                out.write(chunk)
        add_evidence(ctx, office.officer, case_id, video)
    advance(ctx, office.head2, case_id, "transfer_police", {"reason": "涉嫌非法行医罪（刑法第三百三十六条）"})
    return case_id


def test_safe_names_cannot_leave_the_folder_and_stay_unique():
    used: set[str] = set()
    names = [safe_name(n, used) for n in (*HOSTILE_NAMES, "现场 照片 1.jpg")]
    assert all("/" not in n and "\\" not in n and n != ".." and ":" not in n for n in names)
    assert names[2] == "现场 照片 1.jpg" and names[-1] == "现场 照片 1(2).jpg"
    assert names[3] == "_con.txt"


def test_hostile_names_given_to_the_writer_stay_inside_the_folder(tmp_path):
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from enforcement_desk.transfer.package import PackageItem, build_package, verify_package
    from enforcement_desk.transfer.signing import public_key_pem

    items = []
    for index, name in enumerate(HOSTILE_NAMES):
        source = tmp_path / f"f{index}"
        source.write_bytes(name.encode() * 10)
        items.append(
            PackageItem(
                source, name, "证据", hashlib.sha256(source.read_bytes()).hexdigest(), source.stat().st_size
            )
        )
    key = Ed25519PrivateKey.generate()
    target = tmp_path / "p.zip"
    build_package(
        target, "../移送", items, {}, key.sign, public_key_pem(key), lambda entries: b"%PDF-1.4 index"
    )
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert all(
        n.startswith("移送/") and ".." not in n.split("/") and "\\" not in n and ":" not in n for n in names
    )
    assert verify_package(target).ok


def test_the_package_verifies_with_our_command_unzip_and_sha256sum(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path, big=1024**3)  # a day of body-worn recorder video
    target = tmp_path / "out" / "移送.zip"
    target.parent.mkdir()
    manifest = build_transfer_package(office.ctx, office.officer, case_id, target)
    kinds = [f["kind"] for f in manifest["files"]]
    assert kinds.count("文书") >= 3 and kinds.count("证据") == len(ON_DISK_NAMES) + 1
    assert not list(target.parent.glob("*.part"))
    report = verify_transfer_package(target)
    assert report.ok, report.problems
    pem, print_fingerprint = public_key(office.ctx, office.officer)
    key_file = tmp_path / "agency.pem"
    key_file.write_bytes(pem)
    assert verify_transfer_package(target, key_file).ok and report.fingerprint == print_fingerprint
    assert subprocess.run(["unzip", "-tq", str(target)], capture_output=True).returncode == 0
    extract = tmp_path / "extract"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(extract)
    (folder,) = list(extract.iterdir())
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert all(p.resolve().is_relative_to(folder.resolve()) for p in folder.rglob("*"))


def test_every_kind_of_tampering_fails_with_its_reason(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path)
    original = tmp_path / "original.zip"
    build_transfer_package(office.ctx, office.officer, case_id, original)
    with zipfile.ZipFile(original) as archive:
        members = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    folder = next(iter(members)).split("/")[0]
    evidence = next(n for n in members if "/材料/" in n and n.endswith(".jpg"))

    def rebuilt(name: str, change) -> Path:  # noqa: ANN001
        path = tmp_path / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for member, data in change(dict(members)).items():
                archive.writestr(member, data)
        return path

    def flip(data: bytes) -> bytes:
        return data[:10] + bytes([data[10] ^ 1]) + data[11:]

    cases = {
        "changed byte": (lambda m: {**m, evidence: flip(m[evidence])}, f"文件内容与清单中的 SHA-256 不符：{evidence.split('/', 1)[1]}"),
        "missing file": (lambda m: {k: v for k, v in m.items() if k != evidence}, f"缺少文件：{evidence.split('/', 1)[1]}"),
        "extra file": (lambda m: {**m, f"{folder}/材料/补充.txt": b"x"}, "多出清单以外的文件：材料/补充.txt"),
        "tampered manifest": (
            lambda m: {**m, f"{folder}/manifest.json": m[f"{folder}/manifest.json"].replace("涉嫌".encode(), "不涉".encode())},
            "manifest.json 的签名无效",
        ),
    }  # fmt: skip
    for name, (change, reason) in cases.items():
        report = verify_transfer_package(rebuilt(name.replace(" ", "_"), change))
        assert not report.ok and any(reason in p for p in report.problems), (name, report.problems)


def test_a_package_needs_the_heads_approval_and_a_cancel_leaves_no_file(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    with pytest.raises(DomainError, match="批准移送公安机关"):
        build_transfer_package(office.ctx, office.officer, case_id, tmp_path / "x.zip")
    (tmp_path / "second").mkdir()
    case_id = transferred_case(office, tmp_path / "second")
    with pytest.raises(DomainError, match="已取消"):
        build_transfer_package(
            office.ctx, office.officer, case_id, tmp_path / "y.zip", cancelled=lambda: True
        )
    assert not (tmp_path / "y.zip").exists() and not (tmp_path / "y.zip.part").exists()


def test_a_heads_refusal_to_transfer_is_recorded_with_its_reason_and_the_case_goes_on(sqlite_office):
    office = sqlite_office
    case_id = new_case(office).id
    advance(office.ctx, office.head, case_id, "file")
    with pytest.raises(DomainError, match="理由"):
        advance(office.ctx, office.head2, case_id, "refuse_transfer")
    with pytest.raises(DomainError, match="负责人"):
        advance(office.ctx, office.officer3, case_id, "refuse_transfer", {"reason": "x"})
    case = advance(office.ctx, office.head2, case_id, "refuse_transfer", {"reason": "现有证据不足以证明涉嫌犯罪"})
    assert case.stage.value == "investigating"
    assert case.history[-1].action == "refuse_transfer" and case.history[-1].note == "现有证据不足以证明涉嫌犯罪"
