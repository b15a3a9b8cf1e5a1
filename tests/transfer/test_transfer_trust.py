"""The receiver trusts a package only when its signing key is confirmed: the agency's key file, the
fingerprint printed on the 移送书, or a key imported earlier into the receiver's own trust store. A
package re-signed with anyone else's key checks against its own embedded key and still fails. The
package's SHA256SUMS checks with the real `sha256sum -c`, and its manifest carries the audit chain head."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyring.backends import fail
from pypdf import PdfReader
from sqlalchemy import select
from transfer_cases import transferred_case

from enforcement_desk.cli import main as cli
from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.service import export_document, issue_document, list_documents
from enforcement_desk.store.models import AuditEvent, AuditHead
from enforcement_desk.transfer.service import build_transfer_package, public_key, verify_transfer_package
from enforcement_desk.transfer.signing import public_key_pem
from enforcement_desk.transfer.trust import store_path, trust_key, trusted_keys

pytestmark = pytest.mark.usefixtures("file_keyring")
UNTRUSTED = "签名有效，但签名人未经确认：指纹 "
HOW_TO_TRUST = "请用 --public-key、--fingerprint 或 transfer trust-key 导入移送机关的公钥后再核验"


@pytest.fixture
def police(tmp_path, monkeypatch):
    """The receiving police unit's PC: its own data folder, no database, no sign-in."""
    home = tmp_path / "police-pc"
    home.mkdir()
    monkeypatch.setenv("ENFORCEMENT_DESK_HOME", str(home))
    monkeypatch.delenv("ENFORCEMENT_DESK_PASSWORD", raising=False)
    return home


@pytest.fixture
def built(sqlite_office, tmp_path):
    """A package built by the agency, and the agency's public key file and printed fingerprint."""
    case_id = transferred_case(sqlite_office, tmp_path)
    target = tmp_path / "移送.zip"
    manifest = build_transfer_package(sqlite_office.ctx, sqlite_office.officer, case_id, target)
    pem, printed = public_key(sqlite_office.ctx, sqlite_office.head)
    key_file = tmp_path / "沂水县卫生健康综合监督执法局.pem"
    key_file.write_bytes(pem)
    return target, key_file, printed, manifest, case_id


def _desk(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _resigned(original: Path, target: Path) -> Path:
    """What a forger does: change the manifest, fix SHA256SUMS, sign both with a key of their own and put
    that key in the package. Every check against the package's own key passes."""
    with zipfile.ZipFile(original) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    folder = next(iter(members)).split("/")[0]
    manifest = json.loads(members[f"{folder}/manifest.json"])
    manifest["transfer"]["reason"] = "经核查不涉嫌犯罪"
    manifest_bytes = json.dumps(manifest, ensure_ascii=False).encode()
    sums = [
        f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json" if line.endswith("  manifest.json") else line
        for line in members[f"{folder}/SHA256SUMS"].decode().splitlines()
    ]
    sums_bytes = ("\n".join(sums) + "\n").encode()
    forger = Ed25519PrivateKey.generate()
    members.update({
        f"{folder}/manifest.json": manifest_bytes, f"{folder}/manifest.sig": forger.sign(manifest_bytes),
        f"{folder}/SHA256SUMS": sums_bytes, f"{folder}/SHA256SUMS.sig": forger.sign(sums_bytes),
        f"{folder}/public_key.pem": public_key_pem(forger),
    })  # fmt: skip
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def test_without_a_trusted_key_verify_refuses_in_chinese_and_with_the_key_file_it_passes(built, police, capsys):
    target, key_file, printed, manifest, _ = built
    code, out = _desk(capsys, "transfer", "verify", str(target))
    assert code != 0
    assert f"{UNTRUSTED}{printed}；{HOW_TO_TRUST}" in out and "核对通过" not in out
    assert not list(police.iterdir()), "verify writes nothing to the receiver's folder"

    report = verify_transfer_package(target)
    assert report.intact and report.signatures_valid and not report.ok and report.signer == ""

    code, out = _desk(capsys, "transfer", "verify", str(target), "--public-key", str(key_file))
    assert code == 0, out
    assert "核对通过" in out and "签名人已确认：移送机关提供的公钥文件" in out and UNTRUSTED not in out
    code, out = _desk(capsys, "--json", "transfer", "verify", str(target), "--public-key", str(key_file))
    result = json.loads(out)
    assert code == 0 and result["ok"] and result["files_checked"] == len(manifest["files"])


def test_the_printed_fingerprint_confirms_the_signer_and_a_wrong_one_fails(built, police, capsys):
    target, _, printed, _, _ = built
    as_typed = printed.replace(" ", "").lower()  # read off the 移送书 and typed without the spaces
    code, out = _desk(capsys, "transfer", "verify", str(target), "--fingerprint", as_typed)
    assert code == 0, out
    assert "签名人已确认：移送机关提供的公钥指纹" in out

    wrong = ("0000" if not printed.startswith("0000") else "1111") + printed[4:]
    code, out = _desk(capsys, "transfer", "verify", str(target), "--fingerprint", wrong)
    assert code == 1 and "核对通过" not in out
    assert f"问题：包内公钥的指纹 {printed} 与移送机关提供的指纹 {wrong} 不一致（可能被替换）" in out

    code, out = _desk(capsys, "transfer", "verify", str(target), "--fingerprint", printed[:-2])
    assert code == 1 and "公钥指纹“" in out and "应为 32 位十六进制数字" in out


def test_a_key_imported_into_the_trust_store_confirms_later_packages_without_options(built, police, capsys):
    target, key_file, printed, _, _ = built
    code, out = _desk(capsys, "transfer", "trusted-keys")
    assert code == 0 and "还没有移送机关的公钥" in out

    windows_copy = key_file.with_name("agency-crlf.pem")
    windows_copy.write_bytes(key_file.read_bytes().replace(b"\n", b"\r\n"))  # saved on a Windows PC
    code, out = _desk(capsys, "transfer", "trust-key", str(windows_copy), "--name", "沂水县卫生健康综合监督执法局")
    assert code == 0 and f"已导入：沂水县卫生健康综合监督执法局　公钥指纹：{printed}" in out
    assert store_path().parent == police

    code, out = _desk(capsys, "transfer", "verify", str(target))
    assert code == 0, out
    assert "签名人已确认：本机信任的移送机关公钥（沂水县卫生健康综合监督执法局）" in out

    code, out = _desk(capsys, "--json", "transfer", "trusted-keys")
    assert [(k["name"], k["fingerprint"]) for k in json.loads(out)] == [("沂水县卫生健康综合监督执法局", printed)]
    entry, added = trust_key(key_file, "沂水县卫健执法局")  # the same key again: renamed, not duplicated
    assert not added and [k.name for k in trusted_keys()] == ["沂水县卫健执法局"]

    code, out = _desk(capsys, "transfer", "trust-key", str(target))
    assert code == 1 and "不是公钥文件" in out
    not_a_key = police / "note.pem"
    not_a_key.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    code, out = _desk(capsys, "transfer", "trust-key", str(not_a_key))
    assert code == 1 and "不是 Ed25519 公钥" in out
    assert len(trusted_keys()) == 1


def test_a_damaged_trust_store_is_named_not_taken_as_empty(built, police, capsys):
    target, key_file, _, _, _ = built
    trust_key(key_file, "沂水县卫生健康综合监督执法局")
    store_path().write_text("{not json", encoding="utf-8")
    code, out = _desk(capsys, "transfer", "verify", str(target))
    assert code == 1 and "移送公钥信任库" in out and "无法读取" in out
    assert _desk(capsys, "transfer", "verify", str(target), "--public-key", str(key_file))[0] == 0  # not needed
    with pytest.raises(DomainError, match="信任库"):
        trust_key(key_file)


def test_a_package_re_signed_with_another_key_fails_though_its_own_key_verifies(built, police, tmp_path, capsys):
    target, key_file, printed, _, _ = built
    forged = _resigned(target, tmp_path / "forged.zip")
    alone = verify_transfer_package(forged)  # by the package's own key the forgery is flawless
    assert alone.intact and alone.signatures_valid and alone.fingerprint != printed
    assert not alone.ok and alone.untrusted.startswith(f"{UNTRUSTED}{alone.fingerprint}")

    code, out = _desk(capsys, "transfer", "verify", str(forged))
    assert code == 1 and f"{UNTRUSTED}{alone.fingerprint}" in out and "核对通过" not in out
    code, out = _desk(capsys, "transfer", "verify", str(forged), "--public-key", str(key_file))
    assert code == 1 and "问题：包内公钥与移送机关提供的公钥不一致（可能被替换）" in out
    code, out = _desk(capsys, "transfer", "verify", str(forged), "--fingerprint", printed)
    assert code == 1 and "不一致（可能被替换）" in out

    trust_key(key_file, "沂水县卫生健康综合监督执法局")  # the receiver trusts the real agency's key
    code, out = _desk(capsys, "transfer", "verify", str(forged))
    assert code == 1 and f"{UNTRUSTED}{alone.fingerprint}" in out
    assert _desk(capsys, "transfer", "verify", str(target))[0] == 0  # the genuine package still passes


def test_sha256sums_checks_with_the_real_sha256sum_and_the_manifest_holds_the_audit_head(
    built, sqlite_office, police, tmp_path, capsys
):
    target, key_file, _, manifest, _ = built
    extract = tmp_path / "unzipped"
    subprocess.run(["unzip", "-q", str(target), "-d", str(extract)], check=True)
    (sums,) = list(extract.rglob("SHA256SUMS"))
    checked = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=sums.parent, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = sums.read_text().splitlines()
    assert len(listed) == len(manifest["files"]) + 3  # + manifest.json, the index PDF and 核对说明.txt
    (sums.parent / listed[0].split("  ", 1)[1]).write_bytes(b"changed")
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=sums.parent, capture_output=True).returncode

    head = manifest["audit_head"]
    with sqlite_office.ctx.db.read() as session:
        now_seq = session.scalar(select(AuditHead.last_seq))
        event_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == head["seq"]))
    assert 0 < head["seq"] < now_seq and head["hash"] == event_hash  # the build's own event came after
    code, out = _desk(capsys, "transfer", "verify", str(target), "--public-key", str(key_file))
    assert code == 0 and f"移送机关制作材料包时的审计记录链头：第 {head['seq']} 条，哈希 {head['hash']}" in out


def test_the_transfer_letter_prints_the_agencys_key_fingerprint(built, sqlite_office, tmp_path):
    _, _, printed, _, case_id = built
    office = sqlite_office
    letter = next(d for d in list_documents(office.ctx, office.officer, case_id) if d.kind == "crime_transfer")
    pdf = export_document(office.ctx, office.officer, letter.id, tmp_path / "移送书.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert f"本机关电子签名公钥指纹：\n{printed}" in text or f"本机关电子签名公钥指纹：{printed}" in text.replace("\n", "")


def test_a_pc_without_a_keyring_issues_the_letter_without_a_fingerprint(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = transferred_case(office, tmp_path)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        issued = issue_document(office.ctx, office.officer, case_id, "crime_transfer")
        pdf = export_document(office.ctx, office.officer, issued.id, tmp_path / "移送书.pdf")
    finally:
        keyring.set_keyring(previous)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "涉嫌犯罪案件移送书" in text and "公钥指纹" not in text
