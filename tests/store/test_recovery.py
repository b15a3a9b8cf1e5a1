"""Recovery after killed work: an import killed mid-copy or before its commit, a backup killed while it
stages; `evidence gc` clears what they left (never a file a row still names), and importing the genuine
bytes repairs a stored file that went missing or was damaged."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from case_builders import new_case
from sqlalchemy import select

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.evidence.leftovers import (
    REGISTRY_FOLDER,
    collect_leftovers,
    find_leftovers,
    register_backup,
)
from enforcement_desk.evidence.service import add_evidence, repair_evidence_file, void_evidence
from enforcement_desk.paths import user_data_dir
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.blobs import TEMP_PREFIX, BlobStore
from enforcement_desk.store.models import AuditEvent, Evidence

TWO_HOURS_AGO = time.time() - 2 * 3600


def filed_case(office) -> int:
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    return case.id


def age(path: Path, when: float = TWO_HOURS_AGO) -> None:
    os.utime(path, (when, when))


def events(office, action: str) -> list[dict]:
    with office.ctx.db.read() as session:
        payloads = session.scalars(
            select(AuditEvent.payload).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
        return [json.loads(p) for p in payloads]


def run_until(script: str, args: list[str], marker: Path, ready) -> subprocess.Popen:
    """Start a child and return once `ready(marker text)` holds, still running, so it can be killed."""
    process = subprocess.Popen([sys.executable, "-c", script, *args])
    deadline = time.monotonic() + 60
    while True:
        text = marker.read_text().strip() if marker.exists() else ""
        if ready(text):
            return process
        assert time.monotonic() < deadline and process.poll() is None, "the child never got going"
        time.sleep(0.02)


SLOW_IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from enforcement_desk.admin.auth import login
    from enforcement_desk.context import AppContext
    from enforcement_desk.evidence.service import add_evidence

    url, evidence, case_id, source, marker = sys.argv[1:]
    ctx = AppContext.open(url, Path(evidence))
    actor = login(ctx, "wang", "test-pass-123")

    def progress(done, total):
        Path(marker).write_text(str(done))
        time.sleep(0.01)

    add_evidence(ctx, actor, int(case_id), Path(source), progress=progress)
    """
)


def test_an_import_killed_mid_copy_leaves_a_temporary_that_gc_reports_and_removes_with_an_audit_event(
    sqlite_office, tmp_path
):
    office = sqlite_office
    case_id = filed_case(office)
    source = tmp_path / "recorder.mp4"
    source.write_bytes(os.urandom(24 * 1024 * 1024))
    marker = tmp_path / "progress"
    url, store_dir = str(office.ctx.db.engine.url), str(office.ctx.evidence_dir)
    child = run_until(
        SLOW_IMPORT, [url, store_dir, str(case_id), str(source), str(marker)], marker,
        lambda text: text.isdigit() and int(text) > 4 * 1024 * 1024,
    )  # fmt: skip
    running = find_leftovers(office.ctx)
    assert running.items == (), "a temporary a live import holds is not a leftover"
    child.send_signal(signal.SIGKILL)
    child.wait()

    store = BlobStore(office.ctx.evidence_dir)
    [temporary] = store.stray_temporaries()
    found = find_leftovers(office.ctx)
    assert [(i.kind, i.path) for i in found.items] == [("temporary", temporary)]
    assert found.lines() == [f"中断的导入或复制留下的临时文件：1 个，共 {found.items[0].size / 2**20:.1f} MB"]
    assert verify_all(office.ctx, office.admin).ok  # a leftover is a note, not a fault in the record
    assert any("中断的导入" in note for note in verify_all(office.ctx, office.admin).notes)

    dry = collect_leftovers(office.ctx, office.admin)
    assert not dry.applied and temporary.exists() and events(office, "evidence_leftovers_removed") == []
    done = collect_leftovers(office.ctx, office.admin, apply=True)
    assert done.applied and [i.path for i in done.items] == [temporary] and not temporary.exists()
    [event] = events(office, "evidence_leftovers_removed")
    assert (
        event["removed"][0]["path"] == str(temporary) and event["removed"][0]["size"] == found.items[0].size
    )
    assert verify_all(office.ctx, office.admin).ok


KILLED_BEFORE_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from enforcement_desk.evidence import service as evidence
    from enforcement_desk.admin.auth import login
    from enforcement_desk.context import AppContext

    url, store, case_id, source = sys.argv[1:]
    ctx = AppContext.open(url, Path(store))
    actor = login(ctx, "wang", "test-pass-123")

    def die_inside_the_transaction(session, **event):
        session.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    evidence.record_evidence_event = die_inside_the_transaction
    evidence.add_evidence(ctx, actor, int(case_id), Path(source))
    """
)


def test_a_blob_left_without_its_row_is_an_orphan_only_after_the_grace_period_and_gc_removes_it(
    sqlite_office, tmp_path
):
    office = sqlite_office
    case_id = filed_case(office)
    kept = add_evidence(office.ctx, office.officer, case_id, _file(tmp_path / "kept.jpg", b"kept photo"))
    source = _file(tmp_path / "clip.mp4", os.urandom(2 * 1024 * 1024))
    url, store_dir = str(office.ctx.db.engine.url), str(office.ctx.evidence_dir)
    child = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_COMMIT, url, store_dir, str(case_id), str(source)]
    )
    assert child.returncode == -signal.SIGKILL
    store = BlobStore(office.ctx.evidence_dir)
    orphan = hashlib.sha256(source.read_bytes()).hexdigest()
    assert store.verify(orphan)
    assert find_leftovers(office.ctx).items == (), "just written: perhaps an import about to commit"

    for blob in store.blob_files():
        age(blob.path)  # the kill was two hours ago; the kept item's file is just as old
    [found] = find_leftovers(office.ctx).items
    assert (found.kind, found.sha256, found.size) == ("orphan", orphan, 2 * 1024 * 1024)
    assert collect_leftovers(office.ctx, office.admin).items == (found,) and store.exists(orphan)

    removed = collect_leftovers(office.ctx, office.admin, apply=True)
    assert [i.sha256 for i in removed.items] == [orphan]
    assert not store.exists(orphan) and store.verify(kept.sha256)
    [event] = events(office, "evidence_leftovers_removed")
    assert [(r["kind"], r["sha256"], r["size"]) for r in event["removed"]] == [
        ("orphan", orphan, 2 * 1024 * 1024)
    ]
    assert event["bytes"] == 2 * 1024 * 1024
    assert collect_leftovers(office.ctx, office.admin, apply=True).items == ()
    assert len(events(office, "evidence_leftovers_removed")) == 1, "nothing removed, nothing recorded"
    assert verify_all(office.ctx, office.admin).ok


def test_nothing_a_row_names_is_ever_removed_however_old(office, tmp_path):
    from enforcement_desk.documents.service import issue_document

    case_id = filed_case(office)
    items = [
        add_evidence(office.ctx, office.officer, case_id, _file(tmp_path / f"{n}.jpg", os.urandom(5000)))
        for n in range(3)
    ]
    void_evidence(office.ctx, office.officer, items[1].id, "拍错对象")
    document = issue_document(office.ctx, office.officer, case_id, "filing_report")
    store = BlobStore(office.ctx.evidence_dir)
    names = {i.sha256 for i in items} | {document.pdf_sha256}
    assert names <= {b.sha256 for b in store.blob_files()}
    for blob in store.blob_files():
        age(blob.path, time.time() - 400 * 24 * 3600)
    assert collect_leftovers(office.ctx, office.admin, apply=True).items == ()
    assert all(store.verify(sha) for sha in names)
    assert verify_all(office.ctx, office.admin).ok


def test_an_old_orphan_reused_by_a_new_import_is_no_longer_an_orphan(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = filed_case(office)
    source = _file(tmp_path / "clip.mp4", os.urandom(100_000))
    store = BlobStore(office.ctx.evidence_dir)
    stored = store.put_file(source)  # as a killed import left it
    age(stored.path)
    assert [i.sha256 for i in find_leftovers(office.ctx).items] == [stored.sha256]
    again = store.put_file(source)  # an import of the same file, its row not yet committed
    assert again.already_present
    assert find_leftovers(office.ctx).items == ()
    assert collect_leftovers(office.ctx, office.admin, apply=True).items == () and store.exists(stored.sha256)
    add_evidence(office.ctx, office.officer, case_id, source)
    assert verify_all(office.ctx, office.admin).ok


def test_an_import_whose_file_was_cleared_before_its_commit_stores_it_again(office, tmp_path, monkeypatch):
    case_id = filed_case(office)
    source = _file(tmp_path / "clip.mp4", os.urandom(50_000))
    original = BlobStore.put_file
    calls = []

    def cleared_after_the_first_copy(self, path, **options):
        stored = original(self, path, **options)
        calls.append(stored.sha256)
        if len(calls) == 1:
            stored.path.unlink()  # what `evidence gc` does to an old orphan between the copy and the commit
        return stored

    monkeypatch.setattr(BlobStore, "put_file", cleared_after_the_first_copy)
    item = add_evidence(office.ctx, office.officer, case_id, source)
    assert len(calls) == 2 and BlobStore(office.ctx.evidence_dir).verify(item.sha256)
    with office.ctx.db.read() as session:
        assert session.scalars(select(Evidence.sha256)).all() == [item.sha256]
    assert verify_all(office.ctx, office.admin).ok


def test_reimporting_the_genuine_file_repairs_a_damaged_blob_and_records_it(office, tmp_path):
    case_id = filed_case(office)
    source = _file(tmp_path / "现场照片.jpg", os.urandom(200_000))
    item = add_evidence(office.ctx, office.officer, case_id, source)
    store = BlobStore(office.ctx.evidence_dir)
    data = bytearray(store.path_for(item.sha256).read_bytes())
    data[1000] ^= 0x01  # same size, one bit changed: a size check alone would not see it
    store.path_for(item.sha256).write_bytes(bytes(data))
    report = verify_all(office.ctx, office.admin)
    assert not report.ok and any("文件已被改动" in p for p in report.problems)
    assert any("evidence repair" in note for note in report.notes)

    again = add_evidence(office.ctx, office.officer, case_id, source)
    assert again.sha256 == item.sha256 and store.verify(item.sha256)
    [event] = events(office, "evidence_file_repaired")
    assert (event["summary"], event["sha256"], event["was"]) == ("证据文件已修复", item.sha256, "damaged")
    assert store.stray_temporaries() == []
    assert verify_all(office.ctx, office.admin).ok


def test_repair_puts_back_a_missing_file_even_for_a_closed_case_and_refuses_other_files(
    sqlite_office, tmp_path
):
    office = sqlite_office
    case_id = filed_case(office)
    source = _file(tmp_path / "询问录像.mp4", os.urandom(300_000))
    item = add_evidence(office.ctx, office.officer, case_id, source)
    store = BlobStore(office.ctx.evidence_dir)
    with pytest.raises(DomainError, match="完好.*无需修复"):
        repair_evidence_file(office.ctx, office.admin, source)
    store.path_for(item.sha256).unlink()
    assert any("文件缺失" in p for p in verify_all(office.ctx, office.admin).problems)
    stranger = _file(tmp_path / "别的文件.mp4", b"not the evidence")
    with pytest.raises(DomainError, match="不相同.*无法用它修复"):
        repair_evidence_file(office.ctx, office.admin, stranger)
    with pytest.raises(PermissionDenied):
        repair_evidence_file(office.ctx, office.reviewer, source)
    assert not store.exists(hashlib.sha256(b"not the evidence").hexdigest())

    assert repair_evidence_file(office.ctx, office.admin, source) == "文件缺失"
    assert store.verify(item.sha256)
    [event] = events(office, "evidence_file_repaired")
    assert (event["was"], event["source_name"]) == ("missing", "询问录像.mp4")
    assert verify_all(office.ctx, office.admin).ok


SLOW_BACKUP = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from enforcement_desk.admin.auth import login
    from enforcement_desk.context import AppContext
    from enforcement_desk.admin.backup import make_backup

    url, evidence, destination, marker = sys.argv[1:]
    ctx = AppContext.open(url, Path(evidence))
    actor = login(ctx, "admin", "test-pass-123")

    def progress(what, done, total):
        Path(marker).write_text(what)
        if what == "evidence":
            time.sleep(0.5)

    make_backup(ctx, actor, Path(destination), progress=progress)
    """
)


def test_a_killed_zip_backup_leaves_its_staging_folder_which_gc_finds_through_the_registry_and_removes(
    sqlite_office, tmp_path
):
    office = sqlite_office
    case_id = filed_case(office)
    for n in range(6):
        add_evidence(office.ctx, office.officer, case_id, _file(tmp_path / f"{n}.jpg", os.urandom(20_000)))
    backups = tmp_path / "U盘"
    backups.mkdir()
    marker = tmp_path / "backup-progress"
    url, store_dir = str(office.ctx.db.engine.url), str(office.ctx.evidence_dir)
    child = run_until(
        SLOW_BACKUP, [url, store_dir, str(backups / "备份.zip"), str(marker)], marker, lambda text: text == "evidence"
    )  # fmt: skip
    [staging] = backups.glob(".ed-backup-*")
    assert find_leftovers(office.ctx).items == (), "a backup still running is not a leftover"
    child.send_signal(signal.SIGKILL)
    child.wait()

    assert staging.is_dir() and not (backups / "备份.zip").exists()
    [found] = find_leftovers(office.ctx).items
    assert (found.kind, found.path) == ("backup", staging) and found.size > 0
    removed = collect_leftovers(office.ctx, office.admin, apply=True)
    assert [i.path for i in removed.items] == [staging] and not staging.exists()
    assert list((user_data_dir() / REGISTRY_FOLDER).iterdir()) == []
    [event] = events(office, "evidence_leftovers_removed")
    assert event["removed"][0]["kind"] == "backup" and event["removed"][0]["path"] == str(staging)


KILLED_WHILE_ZIPPING = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from enforcement_desk.evidence.leftovers import register_backup

    staging, destination = Path(sys.argv[1]), Path(sys.argv[2])
    staging.mkdir()
    register_backup(staging, destination)
    destination.with_name(f".{destination.name}.partial").write_bytes(b"PK half a zip")
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_partial_zip_of_a_killed_backup_is_removed_and_a_running_backups_files_are_left_alone(
    sqlite_office, tmp_path
):
    office = sqlite_office
    staging, destination = tmp_path / ".ed-backup-x", tmp_path / "备份.zip"
    child = subprocess.run([sys.executable, "-c", KILLED_WHILE_ZIPPING, str(staging), str(destination)])
    assert child.returncode == -signal.SIGKILL
    partial = tmp_path / ".备份.zip.partial"
    running_staging = tmp_path / ".ed-backup-running"
    running_staging.mkdir()
    (running_staging / "database.sqlite3").write_bytes(b"being written")
    running = register_backup(running_staging, tmp_path / "另一个备份.zip")
    try:
        found = find_leftovers(office.ctx).items
        assert sorted((i.kind, i.path.name) for i in found) == [
            ("backup", ".ed-backup-x"),
            ("backup", partial.name),
        ]
        with pytest.raises(PermissionDenied):
            collect_leftovers(office.ctx, office.head, apply=True)
        assert staging.exists() and partial.exists()
        collect_leftovers(office.ctx, office.admin, apply=True)
        assert not staging.exists() and not partial.exists() and running_staging.is_dir()
    finally:
        running.release()
    assert list((user_data_dir() / REGISTRY_FOLDER).iterdir()) == []


def test_an_abandoned_copy_partial_inside_the_store_is_a_leftover_only_when_old(sqlite_office):
    office = sqlite_office
    store = BlobStore(office.ctx.evidence_dir)
    store.put_bytes(b"something stored")
    sha = hashlib.sha256(b"restored").hexdigest()
    folder = store.blob_dir / sha[:2]
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{TEMP_PREFIX}{sha}"  # what a killed restore's copy_blob_store leaves
    partial.write_bytes(b"resto")
    assert find_leftovers(office.ctx).items == ()
    age(partial)
    assert [i.path for i in collect_leftovers(office.ctx, office.admin, apply=True).items] == [partial]
    assert not partial.exists()


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_damaged_or_foreign_registry_note_never_removes_anything(sqlite_office, tmp_path, monkeypatch):
    office = sqlite_office
    monkeypatch.chdir(tmp_path)  # an empty "staging" must not come to mean the working folder
    (tmp_path / "keep.txt").write_text("the user's own file")
    someones_folder = tmp_path / "我的文档"
    someones_folder.mkdir()
    (someones_folder / "报告.docx").write_bytes(b"not a backup")
    notes = user_data_dir() / REGISTRY_FOLDER
    notes.mkdir(parents=True, exist_ok=True)
    (notes / "1-garbage.json").write_bytes(b"\xff not json")
    (notes / "2-empty.json").write_text("{}")
    (notes / "3-list.json").write_text("[1, 2]")
    foreign = {
        "staging": str(someones_folder),
        "destination": str(someones_folder),
        "partial": str(tmp_path / "keep.txt"),
    }
    (notes / "4-foreign.json").write_text(json.dumps(foreign, ensure_ascii=False))
    assert find_leftovers(office.ctx).items == ()
    assert collect_leftovers(office.ctx, office.admin, apply=True).items == ()
    assert (tmp_path / "keep.txt").exists() and (someones_folder / "报告.docx").exists()
    assert list(notes.iterdir()) == [], "notes naming nothing removable are dropped by the clearing"


def test_a_killed_folder_backup_without_its_manifest_is_removed_but_a_finished_one_is_kept(
    sqlite_office, tmp_path
):
    from enforcement_desk.admin.backup import make_backup

    office = sqlite_office
    case_id = filed_case(office)
    for n in range(4):
        add_evidence(office.ctx, office.officer, case_id, _file(tmp_path / f"{n}.jpg", os.urandom(20_000)))
    finished = make_backup(office.ctx, office.admin, tmp_path / "完整备份").path
    unfinished = tmp_path / "中断的备份"
    marker = tmp_path / "backup-progress"
    url, store_dir = str(office.ctx.db.engine.url), str(office.ctx.evidence_dir)
    child = run_until(
        SLOW_BACKUP, [url, store_dir, str(unfinished), str(marker)], marker, lambda text: text == "evidence"
    )
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert (unfinished / "database.sqlite3").is_file() and not (unfinished / "manifest.json").exists()

    [found] = find_leftovers(office.ctx).items
    assert (found.kind, found.path) == ("backup", unfinished)
    collect_leftovers(office.ctx, office.admin, apply=True)
    assert not unfinished.exists() and (finished / "manifest.json").is_file()
