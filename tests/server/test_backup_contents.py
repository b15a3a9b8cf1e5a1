"""What a backup holds beyond the database — the agency's edited templates and the desk settings —
the signature over its manifest, and a damaged backup refused in Chinese."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from enforcement_desk.admin.backup import (
    DATABASE_NAME,
    DESK_SETTINGS_NAME,
    MANIFEST_NAME,
    TEMPLATES_NAME,
    make_backup,
    restore_backup,
    verify_backup,
)
from enforcement_desk.admin.backup_seal import SEAL_NAME
from enforcement_desk.admin.desk.desk_settings import desk_settings
from enforcement_desk.cli.main import main
from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.service import agency_templates_dir
from enforcement_desk.paths import templates_dir
from enforcement_desk.store.blobs import sha256_of
from enforcement_desk.transfer.signing import fingerprint, public_key_pem

EDITED_WORDING = "本局已依法对你单位作出如下处罚（本机关修改的措辞）"


def _edit_a_template() -> Path:
    shipped = sorted(templates_dir().glob("*.toml"))[0]
    edited = agency_templates_dir() / shipped.name
    edited.parent.mkdir(parents=True, exist_ok=True)
    edited.write_text(shipped.read_text(encoding="utf-8") + f"\n# {EDITED_WORDING}\n", encoding="utf-8")
    return edited


def _set_desk_settings(**values: str) -> None:
    settings = desk_settings()
    for key, value in values.items():
        settings.setValue(key.replace("__", "/"), value)
    settings.sync()


def test_backup_holds_the_edited_templates_and_desk_settings_and_restore_puts_them_back(
    sqlite_office, tmp_path
):
    edited = _edit_a_template()
    _set_desk_settings(caselist__columns="编号,当事人,案由", database__url="sqlite:////old/place.db")

    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup.zip")

    assert f"{TEMPLATES_NAME}/{edited.name}" in result.manifest.files
    assert DESK_SETTINGS_NAME in result.manifest.files
    with zipfile.ZipFile(result.path) as archive:
        assert EDITED_WORDING in archive.read(f"{TEMPLATES_NAME}/{edited.name}").decode("utf-8")
        assert SEAL_NAME in archive.namelist()

    # the PC is lost: another template and other settings now stand where the backup is restored
    edited.write_text("# 被误改的模板\n", encoding="utf-8")
    _set_desk_settings(caselist__columns="只剩一列", database__url="sqlite:////new/place.db")

    report = restore_backup(
        result.path, tmp_path / "restored" / "desk.db", tmp_path / "restored" / "evidence"
    )

    assert report.ok, report.problems
    assert EDITED_WORDING in edited.read_text(encoding="utf-8")
    assert any("已恢复本机关文书模板 1 个" in note for note in report.notes)
    settings = desk_settings()
    assert settings.value("caselist/columns") == "编号,当事人,案由"
    assert settings.value("database/url") == "sqlite:////new/place.db"  # where this PC opens its database
    kept_aside = list(edited.parent.parent.glob(f"{edited.parent.name}.恢复前-*/{edited.name}"))
    assert kept_aside and kept_aside[0].read_text(encoding="utf-8") == "# 被误改的模板\n"


def test_the_manifest_is_signed_with_this_agencys_key(sqlite_office, tmp_path):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup")

    report = verify_backup(result.path)

    assert report.ok, report.problems
    seal = json.loads((result.path / SEAL_NAME).read_text(encoding="utf-8"))
    assert any(f"签名者为本机关（公钥指纹 {seal['fingerprint']}）" in note for note in report.notes)


def test_a_manifest_changed_after_signing_fails_verification_and_restore(sqlite_office, tmp_path):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup")
    manifest = json.loads((result.path / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["created_at"] = "2020-01-01T00:00:00"  # an older date, so an old backup looks recent enough
    (result.path / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    report = verify_backup(result.path)

    assert any("备份清单的签名无效" in p for p in report.problems), report.problems
    with pytest.raises(DomainError, match="备份本身未通过校验") as refused:
        restore_backup(result.path, tmp_path / "r.db", tmp_path / "r-evidence")
    assert any("签名无效" in d for d in refused.value.details)


def test_a_template_changed_in_the_backup_fails_verification(sqlite_office, tmp_path):
    edited = _edit_a_template()
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup")
    (result.path / TEMPLATES_NAME / edited.name).write_text("# 换成别的措辞\n", encoding="utf-8")
    (result.path / TEMPLATES_NAME / "extra.toml").write_text("# 塞进来的模板\n", encoding="utf-8")

    problems = verify_backup(result.path).problems

    assert any(f"{TEMPLATES_NAME}/{edited.name} 已被改动" in p for p in problems), problems
    assert any(f"{TEMPLATES_NAME}/extra.toml 不在备份清单中" in p for p in problems), problems


def test_a_backup_signed_by_another_key_is_named_as_not_this_agencys(sqlite_office, tmp_path):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup")
    other = Ed25519PrivateKey.generate()
    seal_path = result.path / SEAL_NAME
    seal = json.loads(seal_path.read_text(encoding="utf-8"))
    manifest = (result.path / MANIFEST_NAME).read_bytes()
    pem = public_key_pem(other)
    seal.update(
        public_key=pem.decode(),
        fingerprint=fingerprint(pem),
        signature=base64.b64encode(other.sign(b"enforcement-desk backup manifest\n" + manifest)).decode(),
    )
    seal_path.write_text(json.dumps(seal), encoding="utf-8")

    problems = verify_backup(result.path).problems

    assert any("备份不是本机关签名的" in p and fingerprint(pem) in p for p in problems), problems


def test_an_unsigned_backup_says_so(sqlite_office, tmp_path):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup")
    (result.path / SEAL_NAME).unlink()

    report = verify_backup(result.path)

    assert any("备份清单未签名" in note for note in report.notes), report.notes


def _corrupt_database_member(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(DATABASE_NAME)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 64, start + min(info.compress_size, 4096) - 64, 97):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_corrupt_or_truncated_zip_is_refused_in_chinese(sqlite_office, tmp_path):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup.zip")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(result.path.read_bytes()[: result.path.stat().st_size // 2])
    _corrupt_database_member(result.path)

    for damaged in (result.path, truncated):
        with pytest.raises(DomainError, match="已损坏或不完整"):
            verify_backup(damaged)
        with pytest.raises(DomainError, match="已损坏或不完整"):
            restore_backup(damaged, tmp_path / f"{damaged.stem}.db", tmp_path / f"{damaged.stem}-evidence")
        assert not (tmp_path / f"{damaged.stem}.db").exists()


def test_backup_verify_on_a_corrupt_zip_prints_a_message_not_a_traceback(sqlite_office, tmp_path, capsys):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup.zip")
    _corrupt_database_member(result.path)

    code = main(["backup-verify", str(result.path)])

    out, err = capsys.readouterr()
    assert code != 0
    assert "已损坏或不完整" in out + err
    assert "Traceback" not in out + err and "zlib" not in out + err.split("技术信息")[0]


def test_a_crafted_file_name_in_an_unsigned_manifest_cannot_write_outside_the_templates(
    sqlite_office, tmp_path
):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup")
    (result.path / SEAL_NAME).unlink()
    escape_name = f"{TEMPLATES_NAME}/../../escaped.toml"
    (result.path / "escaped.toml").write_text("# 越界\n", encoding="utf-8")
    manifest = json.loads((result.path / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"][escape_name] = sha256_of(result.path / "escaped.toml")
    (result.path / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(DomainError, match="备份本身未通过校验") as refused:
        restore_backup(result.path, tmp_path / "r" / "desk.db", tmp_path / "r" / "evidence")

    assert any("不合规" in d for d in refused.value.details)
    assert not (agency_templates_dir().parent.parent / "escaped.toml").exists()
