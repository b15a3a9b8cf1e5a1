"""Backup of the running embedded database with its evidence store, and restoring it elsewhere."""

from __future__ import annotations

import json
import sqlite3
import threading
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from case_builders import new_case
from sqlalchemy import func, select

from enforcement_desk.admin.auth import login
from enforcement_desk.admin.backup import (
    DATABASE_NAME,
    MANIFEST_NAME,
    make_backup,
    restore_backup,
    verify_backup,
)
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.evidence.service import add_evidence
from enforcement_desk.procedure.parties import PartyDraft, add_party
from enforcement_desk.store.audit import verify_chain
from enforcement_desk.store.blobs import sha256_of
from enforcement_desk.store.models import AuditEvent, Party

PASSWORD = "test-pass-123"


def _with_evidence(office, tmp_path: Path) -> str:
    case = new_case(office)
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8 photo of a treatment room " * 500)
    return add_evidence(office.ctx, office.officer, case.id, photo, description="现场照片").sha256


def _keep_writing(office, stop: threading.Event, written: list[int], errors: list[BaseException]) -> None:
    n = 0
    try:
        while not stop.is_set():
            n += 1
            add_party(
                office.ctx,
                office.officer2,
                PartyDraft(
                    "organisation",
                    f"沂水县测试宾馆{n}号店",
                    legal_representative="刘某",
                    address="沂水县长安路 1 号",
                ),
            )
            written.append(n)
    except BaseException as exc:  # surfaced by the test thread below
        errors.append(exc)


@pytest.mark.parametrize("archive", ["folder", "zip"])
def test_backup_taken_while_an_officer_keeps_saving_restores_to_a_consistent_verified_copy(
    sqlite_office, tmp_path, archive
):
    office = sqlite_office
    sha = _with_evidence(office, tmp_path)
    stop, written, errors = threading.Event(), [], []
    writer = threading.Thread(target=_keep_writing, args=(office, stop, written, errors))
    writer.start()
    try:
        for _ in range(1000):  # the writer is really running before the backup starts
            if len(written) >= 5 or errors:
                break
            stop.wait(0.01)
        assert not errors, errors
        destination = tmp_path / ("backup.zip" if archive == "zip" else "backup")
        result = make_backup(office.ctx, office.admin, destination)
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert not errors, errors
    assert during >= 5
    assert result.manifest.blobs >= 1
    if archive == "zip":
        with zipfile.ZipFile(destination) as zf:
            names = set(zf.namelist())
        assert {MANIFEST_NAME, DATABASE_NAME, f"evidence_store/blobs/{sha[:2]}/{sha}"} <= names
    assert verify_backup(destination).ok

    restored_db = tmp_path / "restored" / "desk.sqlite3"
    report = restore_backup(destination, restored_db, tmp_path / "restored" / "evidence")
    assert report.ok, report.problems
    assert report.blobs_checked >= 1
    restored = AppContext.open(f"sqlite:///{restored_db}", tmp_path / "restored" / "evidence")
    try:
        with restored.db.read() as session:
            parties = session.scalar(select(func.count()).select_from(Party))
            events = session.scalar(select(func.count()).select_from(AuditEvent))
            assert verify_chain(session).ok
        assert parties == result.manifest.tables["parties"]
        assert events == result.manifest.audit_last_seq
        # the snapshot holds a whole number of the writer's transactions: each party with its event
        assert 2 + 5 <= parties <= 2 + len(written)
        assert login(restored, "wang", PASSWORD).login == "wang"
    finally:
        restored.close()
    with office.ctx.db.read() as session:
        last = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(5)).all()
    assert "backup_made" in last


def test_restore_refuses_to_overwrite_an_existing_database_without_an_administrators_confirmation(
    sqlite_office, tmp_path
):
    office = sqlite_office
    backup = make_backup(office.ctx, office.admin, tmp_path / "backup").path
    add_party(
        office.ctx,
        office.officer,
        PartyDraft(
            "organisation", "备份之后登记的公司", legal_representative="孙某", address="沂水县长安路 2 号"
        ),
    )
    live = office.ctx.db.sqlite_file
    with pytest.raises(DomainError, match="已有数据库"):
        restore_backup(backup, live, office.ctx.evidence_dir)
    with pytest.raises(DomainError, match="管理员"):
        restore_backup(backup, live, office.ctx.evidence_dir, replacing_as=office.officer)
    with office.ctx.db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(Party).where(Party.name == "备份之后登记的公司"))
            == 1
        )

    report = restore_backup(backup, live, office.ctx.evidence_dir, replacing_as=office.admin)
    assert report.ok, report.problems
    # the running app's own engine sees the restored content at once, and the restore is on record
    with office.ctx.db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(Party).where(Party.name == "备份之后登记的公司"))
            == 0
        )
        assert verify_chain(session).ok
        last = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert last == "restored_from_backup"


def test_a_tampered_backup_is_refused_before_anything_is_restored(sqlite_office, tmp_path):
    office = sqlite_office
    _with_evidence(office, tmp_path)
    folder = make_backup(office.ctx, office.admin, tmp_path / "backup").path
    target = tmp_path / "restored" / "desk.sqlite3"
    with closing(sqlite3.connect(folder / DATABASE_NAME)) as connection:
        # someone who knows the schema drops the append-only guard and rewrites history
        connection.execute("DROP TRIGGER audit_events_no_update")
        connection.execute("UPDATE audit_events SET actor_login = 'someone' WHERE seq = 3")
        connection.commit()
    with pytest.raises(DomainError, match="未通过校验") as refused:
        restore_backup(folder, target, tmp_path / "restored" / "evidence")
    assert any("SHA-256 与清单不符" in d for d in refused.value.details)
    # even with the manifest's file hash forged to match, the audit chain gives the edit away
    manifest_path = folder / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["database_sha256"] = sha256_of(folder / DATABASE_NAME)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DomainError, match="未通过校验") as refused:
        restore_backup(folder, target, tmp_path / "restored" / "evidence")
    assert any("#3" in d and "哈希不符" in d for d in refused.value.details)
    assert not target.exists()


def test_a_missing_evidence_file_fails_backup_verification(sqlite_office, tmp_path):
    office = sqlite_office
    sha = _with_evidence(office, tmp_path)
    folder = make_backup(office.ctx, office.admin, tmp_path / "backup").path
    (folder / "evidence_store" / "blobs" / sha[:2] / sha).unlink()
    report = verify_backup(folder)
    assert not report.ok
    assert any("文件缺失" in p for p in report.problems)


def test_backup_is_for_administrators_and_never_overwrites_an_earlier_backup(sqlite_office, tmp_path):
    office = sqlite_office
    with pytest.raises(DomainError, match="管理员"):
        make_backup(office.ctx, office.officer, tmp_path / "b1")
    make_backup(office.ctx, office.admin, tmp_path / "b1")
    with pytest.raises(DomainError, match="不会覆盖"):
        make_backup(office.ctx, office.admin, tmp_path / "b1")
