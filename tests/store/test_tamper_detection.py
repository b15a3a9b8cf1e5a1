"""`enforcement-desk audit verify` names exactly what was changed behind the program's back: a byte in
a stored file, an evidence row, a void or a time correction, or an audit event."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from case_builders import new_case
from conftest import with_owner_rights
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import text

from enforcement_desk.admin.audit_check import check_chain, sqlite_chain_holds
from enforcement_desk.cli.main import main
from enforcement_desk.evidence.service import add_evidence, correct_capture_time, void_evidence
from enforcement_desk.procedure.steps import advance
from enforcement_desk.store.audit import append_event, verify_chain
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.db import Database
from enforcement_desk.store.migrate import upgrade

PASSWORD = "test-pass-123"  # the conftest office's password
# Migrations 0001 (evidence, audit_events) and 0008 (voids, time corrections) guard these with triggers.
APPEND_ONLY_TABLES = ("evidence", "evidence_voids", "evidence_time_corrections", "audit_events")


@pytest.fixture
def record(office, tmp_path, monkeypatch, file_keyring):
    """A filed case with two photos, one voided and one time-corrected."""
    case = new_case(office)
    advance(office.ctx, office.head, case.id, "file")
    items = []
    for name, colour in (("现场照片.jpg", "red"), ("输液室.jpg", "blue")):
        path = tmp_path / name
        Image.new("RGB", (32, 24), colour).save(path)
        items.append(add_evidence(office.ctx, office.officer, case.id, path, device="DSJ-0087"))
    void_evidence(office.ctx, office.officer, items[1].id, "拍摄对象错误")
    correct_capture_time(
        office.ctx, office.officer, items[0].id, datetime(2026, 10, 30, 8, 15), "记录仪时钟快"
    )
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    return office, case, items


def run_verify(office, capsys) -> tuple[int, list[str]]:
    """`enforcement-desk --db … --user admin --json audit verify`: its exit code and the problems it names."""
    url = office.ctx.db.engine.url.render_as_string(hide_password=False)
    capsys.readouterr()
    code = main(["--db", url, "--evidence-dir", str(office.ctx.evidence_dir), "--user", "admin", "--json",
                 "audit", "verify"])  # fmt: skip
    return code, json.loads(capsys.readouterr().out)["problems"]


def tamper(office, *statements: str) -> None:
    """Raw SQL with the append-only triggers out of the way, as an intruder with database access would."""
    with with_owner_rights(office.ctx.db).write() as session:
        for table in APPEND_ONLY_TABLES:
            if session.get_bind().dialect.name == "sqlite":
                for verb in ("update", "delete"):
                    session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
            else:
                session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in statements:
            session.execute(text(statement))


def test_an_untouched_record_passes_and_the_command_exits_zero(record, capsys):
    office, _, _ = record
    assert run_verify(office, capsys) == (0, [])


def test_a_changed_byte_in_a_stored_file_is_named_with_its_item_and_hash(record, capsys):
    office, _, items = record
    blob = BlobStore(office.ctx.evidence_dir).path_for(items[0].sha256)
    data = bytearray(blob.read_bytes())
    data[-1] ^= 0x01
    blob.write_bytes(bytes(data))
    code, problems = run_verify(office, capsys)
    assert code == 2
    assert problems == [
        f"证据 #{items[0].id}“现场照片.jpg” 的文件内容与登记的 SHA-256 不符（{items[0].sha256}），文件已被改动"
    ]


def test_a_missing_stored_file_is_named(record, capsys):
    office, _, items = record
    Path(BlobStore(office.ctx.evidence_dir).path_for(items[1].sha256)).unlink()
    code, problems = run_verify(office, capsys)
    assert (code, problems) == (
        2,
        [f"证据 #{items[1].id}“输液室.jpg” 的文件缺失（SHA-256 {items[1].sha256}）"],
    )


def test_an_evidence_row_moved_to_another_case_with_another_time_is_named(record, capsys):
    office, _, items = record
    other = new_case(office)
    tamper(
        office,
        f"UPDATE evidence SET case_id = {other.id}, captured_at = '2026-10-29 23:00:00' WHERE id = {items[0].id}",
    )
    code, problems = run_verify(office, capsys)
    assert code == 2 and len(problems) == 1
    assert problems[0].startswith(f"证据 #{items[0].id}“现场照片.jpg”的所属案件、拍摄时间与登记时的审计记录")
    assert problems[0].endswith("不符（记录被改动）")


def test_a_deleted_evidence_row_is_named(record, capsys):
    office, _, items = record
    tamper(
        office,
        f"DELETE FROM evidence_voids WHERE evidence_id = {items[1].id}",
        f"DELETE FROM evidence WHERE id = {items[1].id}",
    )
    code, problems = run_verify(office, capsys)
    assert code == 2
    assert any(p.startswith(f"证据 #{items[1].id}“输液室.jpg”的记录已不存在") for p in problems), problems


def test_a_deleted_void_that_would_bring_an_item_back_is_named(record, capsys):
    office, _, items = record
    tamper(office, f"DELETE FROM evidence_voids WHERE evidence_id = {items[1].id}")
    code, problems = run_verify(office, capsys)
    assert code == 2 and len(problems) == 1
    assert problems[0].startswith(f"证据 #{items[1].id} 的作废记录已不存在")


def test_an_edited_void_reason_is_named(record, capsys):
    office, _, items = record
    tamper(office, f"UPDATE evidence_voids SET reason = '误操作' WHERE evidence_id = {items[1].id}")
    code, problems = run_verify(office, capsys)
    assert code == 2 and len(problems) == 1
    assert problems[0].startswith(f"证据 #{items[1].id} 的作废理由与审计事件 #")


def test_an_edited_time_correction_is_named(record, capsys):
    office, _, items = record
    tamper(
        office,
        f"UPDATE evidence_time_corrections SET captured_at = '2026-10-30 07:00:00' WHERE evidence_id = {items[0].id}",
    )
    code, problems = run_verify(office, capsys)
    assert code == 2 and len(problems) == 1
    assert problems[0].startswith(f"证据 #{items[0].id} 的拍摄时间更正记录 #")


def test_an_edited_audit_event_is_named_by_its_sequence_number_and_nothing_after_it_is_trusted(
    record, capsys
):
    office, _, items = record
    with office.ctx.db.read() as session:
        seq = session.execute(
            text("SELECT seq FROM audit_events WHERE action = 'evidence_voided' AND entity_id = :id"),
            {"id": str(items[1].id)},
        ).scalar_one()
    tamper(
        office,
        f"UPDATE audit_events SET payload = replace(payload, '拍摄对象错误', '误操作') WHERE seq = {seq}",
        f"UPDATE evidence_voids SET reason = '误操作' WHERE evidence_id = {items[1].id}",
    )
    code, problems = run_verify(office, capsys)
    assert code == 2
    assert problems[0].startswith(f"审计事件 #{seq}（evidence_voided，") and "内容与其哈希不符" in problems[0]


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(st.text(max_size=40), min_size=1, max_size=6),
    numbers=st.lists(st.integers(min_value=-(2**53), max_value=2**53), max_size=3),
)
def test_the_quick_sqlite_chain_check_accepts_exactly_what_the_reference_check_accepts(
    tmp_path_factory, texts, numbers
):
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('chain') / 'audit.sqlite3'}")
    upgrade(db.engine)
    try:
        with db.write() as session:
            for index, value in enumerate(texts):
                append_event(
                    session, actor_id=None if index % 2 else 1, actor_login=value, action="settings_changed",
                    entity=value[:40], entity_id=value[:40], case_id=None if index % 3 else index,
                    payload={"text": value, "numbers": numbers, "nested": {"键": [value, None, True]}},
                )  # fmt: skip
        with db.read() as session:
            reference = verify_chain(session)
            assert reference.ok
            assert sqlite_chain_holds(session, None) == reference.events_checked == len(texts)
        # one changed character makes the quick check step aside for the reference, which names the event
        with db.write() as session:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
            session.execute(text("UPDATE audit_events SET actor_login = actor_login || 'x' WHERE seq = 1"))
        with db.read() as session:
            assert sqlite_chain_holds(session, None) is None
            assert check_chain(session).problems[0].seq == 1
    finally:
        db.dispose()
