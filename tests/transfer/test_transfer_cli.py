"""The transfer commands from a terminal: report, package, verify (as the receiver: no database),
receipt, status and the printed public key."""

from __future__ import annotations

import json
import zipfile

import pytest
from transfer_cases import POLICE_UNIT, TRANSFER_REASON, investigating_case

from enforcement_desk.cli import main as cli
from enforcement_desk.procedure.steps import advance

PASSWORD = (
    "test-pass-123"  # the office fixture's users (tests/conftest.py); `conftest` is not importable by name
)


@pytest.fixture
def run(sqlite_office, sqlite_url, tmp_path, monkeypatch, capsys, file_keyring):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", "2026-11-02")
    evidence = str(sqlite_office.ctx.evidence_dir)

    def invoke(*args: str, user: str | None = None, expect: int = 0):
        login = ["--user", user] if user else []
        code = cli.main(["--db", sqlite_url, "--evidence-dir", evidence, "--json", *login, *args])
        out, err = capsys.readouterr()
        assert code == expect, err or out
        return json.loads(out) if out.strip() else err

    return invoke


def test_report_package_verify_receipt_and_status_from_the_terminal(run, sqlite_office, tmp_path):
    office = sqlite_office
    case_id = investigating_case(office, tmp_path)
    reported = run("transfer", "report", str(case_id), "--officers", "wang,li", "--findings", "涉嫌非法行医罪",
                   user="wang")  # fmt: skip
    assert reported["decision"] == "待审批" and reported["report"]["officers"] == ["王强", "李娜"]
    advance(office.ctx, office.head2, case_id, "transfer_police",
            {"reason": TRANSFER_REASON, "police_unit": POLICE_UNIT, "procuratorate": "沂水县人民检察院"})  # fmt: skip
    package = tmp_path / "移送.zip"
    manifest = run("transfer", "package", str(case_id), "-o", str(package), user="wang")
    key_file = tmp_path / "公钥.pem"
    printed = run("transfer", "public-key", "--out", str(key_file), user="chen")
    assert printed["fingerprint"] == manifest["public_key_fingerprint"]

    verified = run("transfer", "verify", str(package), "--public-key", str(key_file))  # no login, no database
    assert verified["ok"] and verified["files_checked"] == len(manifest["files"])

    with zipfile.ZipFile(package) as archive, zipfile.ZipFile(tmp_path / "extra.zip", "w") as changed:
        for info in archive.infolist():
            changed.writestr(info.filename, archive.read(info))
        changed.writestr(f"{archive.namelist()[0].split('/')[0]}/材料/说明.txt", "后加的文件")
    refused = run("transfer", "verify", str(tmp_path / "extra.zip"), expect=1)
    assert not refused["ok"] and refused["problems"] == ["多出清单以外的文件：材料/说明.txt"]

    scan = tmp_path / "回执.pdf"
    scan.write_bytes(b"%PDF-1.4 receipt")
    approved_at = run("transfer", "status", str(case_id), user="wang")["decided_at"]
    received_at = approved_at[:16].replace("T", " ")  # received in the minute of the approval
    status = run("transfer", "receipt", str(case_id), "--scan", str(scan), "--receiver", "孙警官",
                 "--received-at", received_at, user="wang")  # fmt: skip
    assert status["receipt"]["receiving_unit"] == POLICE_UNIT and status["receipt"]["on_time"]
    assert status["receipt"]["received_at"].startswith(received_at.replace(" ", "T"))
    assert run("transfer", "status", str(case_id), user="chen")["packages_built"] == 1


def test_verify_in_text_names_the_problem_and_exits_non_zero(run, tmp_path, capsys):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK not really")
    code = cli.main(["transfer", "verify", str(broken)])
    out = capsys.readouterr().out
    assert code == 1 and "问题：不是有效的 ZIP 文件" in out


def test_the_key_goes_to_another_pc_by_export_and_import_with_a_passphrase(run, tmp_path, monkeypatch):
    monkeypatch.setenv("ENFORCEMENT_DESK_KEY_PASSPHRASE", "沂水卫监-2026-移送")
    exported = tmp_path / "签名私钥.pem"
    fingerprint = run("transfer", "key-export", "--out", str(exported), user="chen")["fingerprint"]
    assert b"ENCRYPTED PRIVATE KEY" in exported.read_bytes()
    assert run("transfer", "key-import", str(exported), user="liu")["fingerprint"] == fingerprint
    refused = run("transfer", "key-export", "--out", str(tmp_path / "x.pem"), user="wang", expect=1)
    assert "须由负责人、管理员办理" in refused
