"""`enforcement-desk evidence gc` and `evidence repair` from a terminal: a dry run lists, --apply removes
and records, only an administrator may clear, `audit verify` mentions the leftovers, and the genuine file
repairs a damaged one."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time

import pytest
from case_builders import new_case
from sqlalchemy import func, select

from enforcement_desk.cli.main import main
from enforcement_desk.evidence.service import add_evidence
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.blobs import TEMP_PREFIX, BlobStore
from enforcement_desk.store.models import AuditEvent

PASSWORD = "test-pass-123"
TWO_HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture
def desk(sqlite_office, monkeypatch, capsys):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    office = sqlite_office
    url = str(office.ctx.db.engine.url)

    def run(user: str, *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--db", url, "--evidence-dir", str(office.ctx.evidence_dir), "--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return office, run


@pytest.fixture
def leftovers(desk, tmp_path):
    """A kept item of evidence, an orphan blob two hours old and a dead importer's temporary."""
    office, _ = desk
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    kept_file = tmp_path / "kept.jpg"
    kept_file.write_bytes(os.urandom(4000))
    kept = add_evidence(office.ctx, office.officer, case.id, kept_file)
    store = BlobStore(office.ctx.evidence_dir)
    orphan = store.put_bytes(os.urandom(3 * 1024))
    temporary = store.blob_dir / f"{TEMP_PREFIX}deadbeef"
    temporary.write_bytes(b"half a video")
    for path in (orphan.path, store.path_for(kept.sha256)):
        os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return kept, orphan, temporary


def removal_events(office) -> list[dict]:
    with office.ctx.db.read() as session:
        rows = session.scalars(
            select(AuditEvent.payload).where(AuditEvent.action == "evidence_leftovers_removed")
        )
        return [json.loads(r) for r in rows]


def test_a_dry_run_lists_in_chinese_and_removes_nothing_then_apply_removes_and_records(desk, leftovers):
    office, run = desk
    kept, orphan, temporary = leftovers
    code, out, err = run("admin", "evidence", "gc")
    assert code == 0, err
    assert "没有任何记录引用的证据文件" in out and str(orphan.path) in out
    assert "中断的导入或复制留下的临时文件" in out and str(temporary) in out
    assert "以上 2 个" in out and "未删除任何文件" in out and "evidence gc --apply" in out
    assert orphan.path.exists() and temporary.exists() and removal_events(office) == []

    code, out, err = run("admin", "evidence", "gc", "--apply")
    assert code == 0, err
    assert "已删除 2 个" in out and "已记入审计" in out
    assert not orphan.path.exists() and not temporary.exists()
    assert BlobStore(office.ctx.evidence_dir).verify(kept.sha256)
    [event] = removal_events(office)
    assert {(r["kind"], r["path"]) for r in event["removed"]} == {
        ("orphan", str(orphan.path)),
        ("temporary", str(temporary)),
    }
    assert next(r for r in event["removed"] if r["kind"] == "orphan")["sha256"] == orphan.sha256

    code, out, _ = run("admin", "evidence", "gc", "--apply")
    assert code == 0 and "没有需要清理的遗留文件" in out and len(removal_events(office)) == 1


def test_json_output_names_each_leftover(desk, leftovers):
    _, run = desk
    _, orphan, temporary = leftovers
    code, out, err = run("admin", "--json", "evidence", "gc")
    assert code == 0, err
    report = json.loads(out)
    assert report["applied"] is False
    assert {(i["kind"], i["path"], i["sha256"]) for i in report["items"]} == {
        ("orphan", str(orphan.path), orphan.sha256),
        ("temporary", str(temporary), ""),
    }


def test_only_an_administrator_clears_the_store(desk, leftovers):
    office, run = desk
    _, orphan, _ = leftovers
    for login in ("wang", "chen", "zhou"):
        code, _, err = run(login, "evidence", "gc", "--apply")
        assert code == 1 and "须由管理员" in err and "Traceback" not in err, err
    assert orphan.path.exists() and removal_events(office) == []


def test_audit_verify_mentions_the_leftovers_without_failing(desk, leftovers):
    _, run = desk
    code, out, err = run("zhou", "audit", "verify")
    assert code == 0, err
    assert "· 没有任何记录引用的证据文件：1 个" in out
    assert "evidence gc" in out and "校验通过" in out
    run("admin", "evidence", "gc", "--apply")
    code, out, _ = run("zhou", "audit", "verify")
    assert code == 0 and "·" not in out


def test_evidence_repair_puts_the_genuine_bytes_back_and_refuses_a_stranger(desk, tmp_path):
    office, run = desk
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    source = tmp_path / "DSJ0087_20261030081000.MP4"
    source.write_bytes(os.urandom(100_000))
    item = add_evidence(office.ctx, office.officer, case.id, source)
    stored = BlobStore(office.ctx.evidence_dir).path_for(item.sha256)
    stored.write_bytes(b"overwritten by a disk fault")
    code, out, _ = run("zhou", "audit", "verify")
    assert code == 2 and "文件已被改动" in out and "evidence repair" in out

    stranger = tmp_path / "other.MP4"
    stranger.write_bytes(b"something else")
    code, _, err = run("wang", "evidence", "repair", str(stranger))
    assert code == 1 and "无法用它修复" in err and "Traceback" not in err
    code, out, err = run("wang", "evidence", "repair", str(source))
    assert code == 0, err
    assert "证据文件已修复" in out and "文件内容与 SHA-256 不符" in out
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == item.sha256
    with office.ctx.db.read() as session:
        repaired = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "evidence_file_repaired")
        )
    assert repaired == 1
    assert run("zhou", "audit", "verify")[0] == 0


def test_gc_runs_as_a_separate_process_with_progress_kept_off_stdout(desk, leftovers):
    office, _ = desk
    _, orphan, _ = leftovers
    result = subprocess.run(
        [
            sys.executable, "-m", "enforcement_desk", "--db", str(office.ctx.db.engine.url),
            "--evidence-dir", str(office.ctx.evidence_dir), "--user", "admin", "evidence", "gc", "--apply",
        ],
        capture_output=True, text=True, env={**os.environ, "ENFORCEMENT_DESK_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "已删除 2 个" in result.stdout and "Traceback" not in result.stderr
    assert not orphan.path.exists() and len(removal_events(office)) == 1
