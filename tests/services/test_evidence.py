"""Evidence: streamed into the store, immutable rows, voiding, time corrections, tamper detection."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest
from case_builders import new_case
from conftest import with_owner_rights
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.core.errors import DomainError
from enforcement_desk.evidence.service import (
    add_evidence,
    correct_capture_time,
    import_files,
    list_evidence,
    scan_folder,
    void_evidence,
)
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import Evidence


def photo(path: Path, taken: str = "2026:10:30 09:15:00", colour: str = "red") -> Path:
    image = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = taken
    image.save(path, exif=exif)
    return path


def filed_case(office) -> int:
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    return case.id


def test_a_photo_is_stored_by_its_hash_with_the_exif_time_and_identical_content_is_kept_once(
    office, tmp_path
):
    case_id = filed_case(office)
    first = photo(tmp_path / "IMG_0001.JPG")
    copy = tmp_path / "copy of IMG_0001.JPG"
    copy.write_bytes(first.read_bytes())
    item = add_evidence(
        office.ctx, office.officer, case_id, first, description="门诊部输液室", device="DSJ-0087"
    )
    again = add_evidence(office.ctx, office.officer, case_id, copy)
    assert item.sha256 == hashlib.sha256(first.read_bytes()).hexdigest() == again.sha256
    assert item.captured_at == datetime(2026, 10, 30, 9, 15) and item.capture_source == "exif"
    assert item.evidence_type == "视听资料" and item.collected_by == "王强"
    store = BlobStore(office.ctx.evidence_dir)
    assert [p.name for p in (store.blob_dir / item.sha256[:2]).iterdir()] == [item.sha256]
    assert [e.id for e in list_evidence(office.ctx, office.officer2, case_id)] == [item.id, again.id]


def test_only_handlers_register_evidence_and_kinds_are_the_statutory_ones(office, tmp_path):
    case_id = filed_case(office)
    file = photo(tmp_path / "a.jpg")
    with pytest.raises(DomainError, match="只有本案承办人"):
        add_evidence(office.ctx, office.officer3, case_id, file)
    with pytest.raises(DomainError, match="不是法定种类"):
        add_evidence(office.ctx, office.officer, case_id, file, evidence_type="照片")
    with pytest.raises(DomainError, match="不存在"):
        add_evidence(office.ctx, office.officer, case_id, tmp_path / "missing.jpg")


def test_voiding_keeps_the_item_visible_and_a_time_correction_keeps_the_original(office, tmp_path):
    case_id = filed_case(office)
    item = add_evidence(office.ctx, office.officer, case_id, photo(tmp_path / "b.jpg"))
    corrected = correct_capture_time(
        office.ctx, office.officer, item.id, datetime(2026, 10, 30, 8, 15), "记录仪时钟快一小时"
    )
    assert corrected.captured_at == datetime(2026, 10, 30, 8, 15) and corrected.capture_source == "manual"
    assert corrected.original_captured_at == datetime(2026, 10, 30, 9, 15)
    again = correct_capture_time(
        office.ctx, office.officer2, item.id, datetime(2026, 10, 30, 8, 14), "与执法记录仪视频核对"
    )
    assert again.captured_at == datetime(2026, 10, 30, 8, 14)
    assert [(c.captured_at.minute, c.corrected_by) for c in again.corrections] == [(15, "王强"), (14, "李娜")]
    with pytest.raises(DomainError, match="作废理由"):
        void_evidence(office.ctx, office.officer, item.id, " ")
    voided = void_evidence(office.ctx, office.officer, item.id, "拍摄对象错误，非本案现场")
    assert voided.voided and voided.void_reason == "拍摄对象错误，非本案现场" and voided.voided_by == "王强"
    with pytest.raises(DomainError, match="已作废"):
        void_evidence(office.ctx, office.officer, item.id, "再次作废")
    with pytest.raises(DomainError, match="已作废，不能再更正"):
        correct_capture_time(office.ctx, office.officer, item.id, datetime(2026, 10, 30, 8, 0), "再次核对")
    listed = list_evidence(office.ctx, office.officer, case_id)
    assert [(e.voided, e.original_captured_at, len(e.corrections)) for e in listed] == [
        (True, datetime(2026, 10, 30, 9, 15), 2)
    ]


def test_a_changed_byte_in_a_stored_file_is_named_by_audit_verify(office, tmp_path):
    case_id = filed_case(office)
    item = add_evidence(office.ctx, office.officer, case_id, photo(tmp_path / "现场照片.jpg"))
    assert verify_all(office.ctx, office.admin).ok
    blob = BlobStore(office.ctx.evidence_dir).path_for(item.sha256)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))
    problems = verify_all(office.ctx, office.admin).problems
    assert problems == (
        f"证据 #{item.id}“现场照片.jpg” 的文件内容与登记的 SHA-256 不符（{item.sha256}），文件已被改动",
    )


def test_a_row_edited_behind_the_programs_back_is_named_by_audit_verify(office, tmp_path):
    case_id = filed_case(office)
    item = add_evidence(office.ctx, office.officer, case_id, photo(tmp_path / "c.jpg"))
    other = add_evidence(office.ctx, office.officer, case_id, photo(tmp_path / "d.jpg", colour="blue"))
    with with_owner_rights(office.ctx.db).write() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            session.execute(text("DROP TRIGGER evidence_no_update"))
        else:
            session.execute(text("ALTER TABLE evidence DISABLE TRIGGER USER"))
        session.execute(
            text(
                f"UPDATE evidence SET sha256 = '{other.sha256}', original_name = 'e.jpg' WHERE id = {item.id}"
            )
        )
    problems = verify_all(office.ctx, office.admin).problems
    assert any(
        p.startswith(f"证据 #{item.id}“e.jpg”的SHA-256、文件名与登记时的审计记录") for p in problems
    ), problems


def test_the_database_refuses_to_change_or_delete_evidence(office, tmp_path):
    case_id = filed_case(office)
    item = add_evidence(office.ctx, office.officer, case_id, photo(tmp_path / "f.jpg"))
    for statement in (
        f"UPDATE evidence SET description = 'x' WHERE id = {item.id}",
        f"DELETE FROM evidence WHERE id = {item.id}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), with_owner_rights(office.ctx.db).write() as session:
            session.execute(text(statement))


CORRECTION_TABLES = ("evidence_voids", "evidence_time_corrections")


def _voided_and_corrected(office, tmp_path) -> tuple[int, int]:
    """A filed case with one item time-corrected and another voided: (corrected id, voided id)."""
    case_id = filed_case(office)
    kept = add_evidence(office.ctx, office.officer, case_id, photo(tmp_path / "g.jpg"))
    wrong = add_evidence(office.ctx, office.officer, case_id, photo(tmp_path / "h.jpg", colour="green"))
    correct_capture_time(office.ctx, office.officer, kept.id, datetime(2026, 10, 30, 8, 15), "记录仪时钟快")
    void_evidence(office.ctx, office.officer, wrong.id, "拍摄对象错误")
    return kept.id, wrong.id


def _correction_rows(office) -> dict[str, list[tuple]]:
    with office.ctx.db.engine.connect() as connection:
        return {
            table: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in CORRECTION_TABLES
        }


def test_the_database_refuses_to_change_or_delete_voids_and_time_corrections(office, tmp_path):
    """As evidence itself: a raw connection, with no program in the way, cannot edit or remove them."""
    kept, wrong = _voided_and_corrected(office, tmp_path)
    before = _correction_rows(office)
    assert [len(rows) for rows in before.values()] == [1, 1]
    for statement in (
        f"UPDATE evidence_voids SET reason = '误操作' WHERE evidence_id = {wrong}",
        f"DELETE FROM evidence_voids WHERE evidence_id = {wrong}",
        "UPDATE evidence_time_corrections SET captured_at = '2026-10-30 07:00:00'"
        f" WHERE evidence_id = {kept}",
        f"DELETE FROM evidence_time_corrections WHERE evidence_id = {kept}",
    ):
        table = statement.split()[2 if statement.startswith("DELETE") else 1]
        refused = pytest.raises(DBAPIError, match=f"{table} is append-only")
        with refused, with_owner_rights(office.ctx.db).engine.begin() as connection:
            connection.execute(text(statement))
    assert _correction_rows(office) == before
    assert verify_all(office.ctx, office.admin).ok


def test_voiding_and_correcting_still_work_beside_the_append_only_guard(office, tmp_path):
    kept, wrong = _voided_and_corrected(office, tmp_path)
    with pytest.raises(DBAPIError, match="append-only"), with_owner_rights(office.ctx.db).engine.begin() as connection:
        connection.execute(text(f"DELETE FROM evidence_time_corrections WHERE evidence_id = {kept}"))
    again = correct_capture_time(
        office.ctx, office.officer2, kept, datetime(2026, 10, 30, 8, 14), "与视频核对"
    )
    assert again.captured_at == datetime(2026, 10, 30, 8, 14)
    assert [c.captured_at.minute for c in again.corrections] == [15, 14]
    voided = void_evidence(office.ctx, office.officer, kept, "与询问笔录不符")
    assert voided.voided and voided.void_reason == "与询问笔录不符"
    listed = {e.id: e for e in list_evidence(office.ctx, office.officer, voided.case_id)}
    assert listed[wrong].voided and listed[wrong].void_reason == "拍摄对象错误"
    assert [len(rows) for rows in _correction_rows(office).values()] == [2, 2]
    assert verify_all(office.ctx, office.admin).ok


def test_a_recorder_card_is_scanned_in_time_order_and_an_import_can_be_cancelled(office, tmp_path):
    case_id = filed_case(office)
    card = tmp_path / "DCIM"
    card.mkdir()
    photo(card / "late.jpg", "2026:10:30 10:00:00")
    photo(card / "early.jpg", "2026:10:30 08:00:00", colour="green")
    (card / "clip.mp4").write_bytes(os.urandom(4096))
    os.utime(card / "clip.mp4", (datetime(2026, 10, 30, 9, 0).timestamp(),) * 2)
    files = scan_folder(card)
    assert [f.path.name for f in files] == ["early.jpg", "clip.mp4", "late.jpg"]
    assert [f.capture_source for f in files] == ["exif", "file", "exif"]
    calls = []
    imported = import_files(office.ctx, office.officer, case_id, files, device="DSJ-0087",
                            progress=lambda d, t, label: calls.append(label), cancelled=lambda: len(calls) >= 1)  # fmt: skip
    assert [e.original_name for e in imported] == ["early.jpg"]
    assert all(e.device == "DSJ-0087" for e in imported)


KILLED_IMPORT = textwrap.dedent(
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


def test_a_killed_import_leaves_no_half_file_and_no_row_and_the_next_import_succeeds(sqlite_office, tmp_path):
    office = sqlite_office
    case_id = filed_case(office)
    source = tmp_path / "recorder.mp4"
    with source.open("wb") as out:
        for _ in range(64):
            out.write(os.urandom(1024 * 1024))
    marker = tmp_path / "progress"
    script = tmp_path / "killed_import.py"
    script.write_text(KILLED_IMPORT)
    url = str(office.ctx.db.engine.url)
    process = subprocess.Popen(
        [
            sys.executable,
            str(script),
            url,
            str(office.ctx.evidence_dir),
            str(case_id),
            str(source),
            str(marker),
        ]
    )
    deadline = time.monotonic() + 60

    def bytes_done() -> int:
        # The child rewrites the marker in place: a read may catch it truncated, so one read, digits or 0.
        text = marker.read_text().strip() if marker.exists() else ""
        return int(text) if text.isdigit() else 0

    while bytes_done() <= 8 * 1024 * 1024:
        assert time.monotonic() < deadline and process.poll() is None, "import never got going"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    store = BlobStore(office.ctx.evidence_dir)
    expected = hashlib.sha256(source.read_bytes()).hexdigest()
    assert not store.exists(expected)
    with office.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    item = add_evidence(office.ctx, office.officer, case_id, source)
    assert item.sha256 == expected and store.verify(expected)
    assert store.stray_temporaries() == []
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
        session.flush()  # the evidence row is written, the transaction not yet committed
        os.kill(os.getpid(), signal.SIGKILL)

    evidence.record_evidence_event = die_inside_the_transaction
    evidence.add_evidence(ctx, actor, int(case_id), Path(source))
    """
)


def test_a_process_killed_after_the_file_is_stored_but_before_the_commit_leaves_no_row(
    sqlite_office, tmp_path
):
    office = sqlite_office
    case_id = filed_case(office)
    source = tmp_path / "20261030_091500.mp4"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    script = tmp_path / "killed_before_commit.py"
    script.write_text(KILLED_BEFORE_COMMIT)
    url = str(office.ctx.db.engine.url)
    child = subprocess.run(
        [sys.executable, str(script), url, str(office.ctx.evidence_dir), str(case_id), str(source)]
    )
    assert child.returncode == -signal.SIGKILL
    expected = hashlib.sha256(source.read_bytes()).hexdigest()
    store = BlobStore(office.ctx.evidence_dir)
    assert store.verify(expected)  # a complete file nobody points to yet: harmless
    with office.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    item = add_evidence(office.ctx, office.officer, case_id, source)
    assert item.sha256 == expected and item.captured_at == datetime(2026, 10, 30, 9, 15)
    assert verify_all(office.ctx, office.admin).ok
