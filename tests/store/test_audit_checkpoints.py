"""The audit chain anchored outside the database: every command that writes leaves a checkpoint of the
chain's head, signed with the agency key, in the user's data folder; `audit verify` then catches a cut
at the end (with audit_head reset) and a chain recomputed after a rewrite, which the hashes alone cannot."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from conftest import with_owner_rights
from sqlalchemy import text

from enforcement_desk.admin.audit_anchor import (
    anchor_after_writes,
    checkpoints_path,
    database_identity,
    local_entry,
)
from enforcement_desk.admin.audit_check import check_chain
from enforcement_desk.admin.backup import MANIFEST_NAME, make_backup, verify_backup
from enforcement_desk.cli.main import main
from enforcement_desk.context import AppContext
from enforcement_desk.core.identifiers import resident_id_check_char
from enforcement_desk.procedure.parties import PartyDraft, add_party
from enforcement_desk.store.audit import event_hash
from enforcement_desk.store.db import Database

PASSWORD = "test-pass-123"  # the conftest office's password


def person(number: int) -> PartyDraft:
    """A new natural-person party with a valid 身份证 number of its own."""
    first17 = f"37032319850315{number + 40:03d}"
    return PartyDraft("person", f"王某{number}", first17 + resident_id_check_char(first17), address="沂水县某村")


@pytest.fixture
def anchored(office, monkeypatch, capsys):
    """An office whose admin ran `audit verify` once from the terminal: this PC now holds a checkpoint."""
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    code, _ = verify(office.ctx, capsys)
    assert code == 0
    return office


def cli(ctx: AppContext, capsys, *args: str) -> tuple[int, str]:
    url = ctx.db.engine.url.render_as_string(hide_password=False)
    capsys.readouterr()
    code = main(["--db", url, "--evidence-dir", str(ctx.evidence_dir), "--user", "admin", *args])
    return code, capsys.readouterr().out


def verify(ctx: AppContext, capsys) -> tuple[int, dict]:
    code, out = cli(ctx, capsys, "--json", "audit", "verify")
    return code, json.loads(out)


def tamper(db: Database, *statements: str, params: dict | None = None) -> None:
    """Raw SQL with the append-only triggers out of the way, as someone with write access to the database."""
    with with_owner_rights(db).write() as session:
        if session.get_bind().dialect.name == "sqlite":
            for verb in ("update", "delete"):
                session.execute(text(f"DROP TRIGGER IF EXISTS audit_events_no_{verb}"))
        else:
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        for statement in statements:
            session.execute(text(statement), params or {})


def cut_tail(db: Database, count: int) -> None:
    tamper(
        db,
        f"DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - {count} FROM audit_events)",
        "UPDATE audit_head SET last_seq = (SELECT MAX(seq) FROM audit_events),"
        " last_hash = (SELECT hash FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events))",
    )


def last_seq(db: Database) -> int:
    with db.read() as session:
        return session.execute(text("SELECT MAX(seq) FROM audit_events")).scalar_one()


def rewrite_and_recompute(db: Database, seq: int) -> None:
    """Change event `seq`'s payload and recompute every hash from it on, and the head: the chain holds."""
    with db.read() as session:
        rows = session.execute(
            text(
                "SELECT seq, at, actor_id, actor_login, action, entity, entity_id, case_id, payload, prev_hash"
                " FROM audit_events WHERE seq >= :seq ORDER BY seq"
            ),
            {"seq": seq},
        ).all()
    statements, prev = [], rows[0].prev_hash
    for row in rows:
        payload = '{"rewritten":true}' if row.seq == seq else row.payload
        digest = event_hash(prev, row.seq, row.at, row.actor_id, row.actor_login, row.action, row.entity,
                            row.entity_id, row.case_id, payload)  # fmt: skip
        statements.append((row.seq, payload, prev, digest))
        prev = digest
    with with_owner_rights(db).write() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        else:
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        for row_seq, payload, prev_hash, digest in statements:
            session.execute(
                text("UPDATE audit_events SET payload = :p, prev_hash = :prev, hash = :h WHERE seq = :s"),
                {"p": payload, "prev": prev_hash, "h": digest, "s": row_seq},
            )
        session.execute(text("UPDATE audit_head SET last_seq = :s, last_hash = :h"), {"s": rows[-1].seq, "h": prev})


def chain_alone_holds(db: Database) -> bool:
    with db.read() as session:
        return check_chain(session).ok


def test_a_command_that_writes_leaves_a_signed_checkpoint_of_the_head_in_the_data_folder(anchored):
    db = anchored.ctx.db
    files = list(Path(checkpoints_path().parent).glob("audit_checkpoints.json"))
    assert files == [checkpoints_path()]
    data = json.loads(checkpoints_path().read_text(encoding="utf-8"))
    (entry,) = data["databases"].values()
    assert entry["latest"]["seq"] == last_seq(db)
    assert entry["latest"]["signature"]


def test_cutting_the_last_events_and_resetting_the_head_fails_verify_naming_the_first_missing_event(
    anchored, capsys
):
    db = anchored.ctx.db
    before = last_seq(db)
    cut_tail(db, 3)
    assert chain_alone_holds(db)  # the hashes alone no longer notice anything
    code, report = verify(anchored.ctx, capsys)
    assert code == 2
    cut = [p for p in report["problems"] if "审计链被截短" in p]
    assert len(cut) == 1
    # a plain sign-in writes nothing, so the check compares the cut chain itself
    assert f"链头为 #{before}，现在只到 #{before - 3}" in cut[0]
    assert f"第一个已不存在的事件为 #{before - 2}（原事件时间 " in cut[0]


def test_a_cut_stays_reported_after_later_commands_wrote(anchored, capsys):
    db = anchored.ctx.db
    cut_tail(db, 2)
    for _ in range(3):  # each run signs in and records its check: the checkpoint must not follow the cut
        assert verify(anchored.ctx, capsys)[0] == 2
    assert last_seq(db) > local_entry(only_database_id())[0].seq
    code, report = verify(anchored.ctx, capsys)
    assert code == 2 and any("审计链被改写" in p or "审计链被截短" in p for p in report["problems"])


def only_database_id() -> str:
    data = json.loads(checkpoints_path().read_text(encoding="utf-8"))
    (database_id,) = data["databases"]
    return database_id


def test_a_rewritten_event_with_all_hashes_recomputed_fails_verify_naming_it(anchored, capsys):
    db = anchored.ctx.db
    target = last_seq(db) - 4
    rewrite_and_recompute(db, target)
    assert chain_alone_holds(db)
    code, report = verify(anchored.ctx, capsys)
    assert code == 2
    rewritten = [p for p in report["problems"] if "审计链被改写" in p]
    assert len(rewritten) == 1
    assert f"第一个已被替换或改动的事件为 #{target}（" in rewritten[0]


def test_a_chain_extended_since_the_checkpoint_passes_and_the_checkpoint_moves_on(anchored, capsys):
    ctx = anchored.ctx
    old = local_entry(only_database_id())[0]
    for number in range(3):
        add_party(ctx, anchored.officer, person(number))
    code, report = verify(ctx, capsys)
    assert code == 0, report["problems"]
    (checked,) = report["checkpoints"]
    assert (checked["source"], checked["signature"], checked["problem"]) == ("本机", "有效", None)
    assert checked["checkpoint"]["seq"] == old.seq
    assert local_entry(only_database_id())[0].seq == last_seq(ctx.db) > old.seq


def test_the_plain_output_names_the_checkpoints_it_checked(anchored, capsys):
    code, out = cli(anchored.ctx, capsys, "audit", "verify")
    assert code == 0
    assert "审计检查点：本机 #" in out and "签名有效" in out


def test_a_forged_checkpoint_is_reported_as_such(anchored, capsys):
    path = checkpoints_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    (entry,) = data["databases"].values()
    entry["latest"]["seq"] -= 1  # moved back, as someone covering a cut would, without the agency key
    path.write_text(json.dumps(data), encoding="utf-8")
    code, report = verify(anchored.ctx, capsys)
    assert code == 2
    assert any("签名与本机关密钥不符（检查点被伪造或改动）" in p for p in report["problems"])
    assert report["checkpoints"][0]["signature"] == "无效"


def test_an_unsigned_checkpoint_is_reported_where_the_keyring_could_have_signed_it(anchored, capsys):
    path = checkpoints_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    (entry,) = data["databases"].values()
    entry["latest"]["signature"] = None
    path.write_text(json.dumps(data), encoding="utf-8")
    code, report = verify(anchored.ctx, capsys)
    assert code == 2
    assert any("没有签名，而本机可以签名" in p for p in report["problems"])


def test_a_copy_of_the_database_elsewhere_is_checked_against_the_same_checkpoint(
    sqlite_office, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    assert verify(sqlite_office.ctx, capsys)[0] == 0
    copy = tmp_path / "elsewhere" / "copy.sqlite3"
    copy.parent.mkdir()
    with closing(sqlite3.connect(sqlite_office.ctx.db.sqlite_file)) as live, closing(sqlite3.connect(copy)) as out:
        live.backup(out)  # the office is open: its last writes may still sit in the -wal file
    other = AppContext.open(f"sqlite:///{copy}", sqlite_office.ctx.evidence_dir)
    try:
        with other.db.read() as session:
            genesis = session.execute(text("SELECT hash FROM audit_events WHERE seq = 1")).scalar_one()
        assert database_identity(sqlite_office.admin.agency_id, genesis) == only_database_id()
        cut_tail(other.db, 5)
        code, report = verify(other, capsys)
        assert code == 2
        assert any("审计链被截短" in p for p in report["problems"])
    finally:
        other.close()


def test_nothing_is_anchored_when_nothing_was_written(sqlite_office):
    ctx = AppContext.open(sqlite_office.ctx.db.url, sqlite_office.ctx.evidence_dir)
    try:
        with ctx.db.read() as session:
            session.execute(text("SELECT COUNT(*) FROM audit_events"))
        assert anchor_after_writes(ctx.db) is None
        assert not checkpoints_path().exists()
        add_party(ctx, sqlite_office.officer, person(77))
        assert anchor_after_writes(ctx.db) is None
        assert local_entry(only_database_id())[0].seq == last_seq(ctx.db)
    finally:
        ctx.close()


def test_a_chain_deleted_entirely_and_restarted_fails_verify(anchored, capsys):
    tamper(anchored.ctx.db, "DELETE FROM audit_events", "UPDATE audit_head SET last_seq = 0, last_hash = :h",
           params={"h": "0" * 64})  # fmt: skip
    code, report = verify(anchored.ctx, capsys)
    assert code == 2 and any("没有任何审计事件" in p for p in report["problems"])
    for _ in range(2):  # the first check's own record began a new chain at #1, which is never anchored
        code, report = verify(anchored.ctx, capsys)
        assert code == 2
        assert any("审计链被整体替换" in p and "#1" in p for p in report["problems"])


def test_a_backup_carries_a_signed_checkpoint_of_the_head_and_backup_verify_reports_it(
    sqlite_office, tmp_path
):
    result = make_backup(sqlite_office.ctx, sqlite_office.admin, tmp_path / "backup")
    checkpoint = result.manifest.audit_checkpoint
    assert checkpoint["seq"] == result.manifest.audit_last_seq
    assert checkpoint["hash"] == result.manifest.audit_last_hash and checkpoint["signature"]
    report = verify_backup(tmp_path / "backup")
    assert report.ok, report.problems
    assert any(f"备份时的审计链头：#{checkpoint['seq']}" in n and "签名有效" in n for n in report.notes)

    manifest_path = tmp_path / "backup" / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["audit_checkpoint"]["seq"] += 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    forged = verify_backup(tmp_path / "backup")
    assert any("检查点签名与本机关密钥不符" in p for p in forged.problems)


def test_a_backup_kept_elsewhere_still_catches_a_cut_when_this_pcs_checkpoint_file_is_gone(
    sqlite_office, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    code, out = cli(sqlite_office.ctx, capsys, "backup", str(tmp_path / "offsite.zip"))
    assert code == 0, out
    backed_up = json.loads(zipfile.ZipFile(tmp_path / "offsite.zip").read(MANIFEST_NAME))["audit_checkpoint"]
    checkpoints_path().unlink()  # removed along with the cut, by the same hand
    cut_tail(sqlite_office.ctx.db, last_seq(sqlite_office.ctx.db) - backed_up["seq"] + 5)
    code, report = verify(sqlite_office.ctx, capsys)
    assert code == 0  # nothing on this PC remembers the head any more
    code, out = cli(sqlite_office.ctx, capsys, "audit", "verify", "--backup", str(tmp_path / "offsite.zip"))
    assert code == 2
    assert f"审计检查点：备份“offsite.zip” #{backed_up['seq']}" in out and "签名有效" in out
    assert "✗ 审计链被截短（末尾事件被删除）：备份“offsite.zip”检查点" in out
    assert f"第一个已被替换或改动的事件为 #{backed_up['seq'] - 4}（原事件时间 " in out


def test_an_administrators_restore_of_an_older_backup_is_accepted_and_named_not_reported_as_a_cut(
    sqlite_office, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)
    ctx = sqlite_office.ctx
    assert verify(ctx, capsys)[0] == 0
    code, out = cli(ctx, capsys, "backup", str(tmp_path / "monday.zip"))
    assert code == 0, out
    backed_up = json.loads(zipfile.ZipFile(tmp_path / "monday.zip").read(MANIFEST_NAME))["audit_last_seq"]
    for number in range(3):  # Tuesday's work, lost with the disk
        add_party(ctx, sqlite_office.officer, person(number))
    assert verify(ctx, capsys)[0] == 0
    seen = local_entry(only_database_id())[0].seq
    database = ctx.db.sqlite_file

    # restored to a new place, for a look: a copy of the same database, and it lacks Tuesday's events
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "monday.zip"), "--to", str(tmp_path / "look" / "desk.sqlite3")]) == 0
    look = AppContext.open(f"sqlite:///{tmp_path / 'look' / 'desk.sqlite3'}", tmp_path / "look" / "evidence")
    try:
        assert verify(look, capsys)[0] == 2
    finally:
        look.close()

    # restored over the database by its administrator: accepted, and the abandoned events are named
    capsys.readouterr()
    code = main(["--user", "admin", "restore", str(tmp_path / "monday.zip"), "--to", str(database),
                 "--to-evidence-dir", str(ctx.evidence_dir), "--replace"])  # fmt: skip
    assert code == 0, capsys.readouterr()
    ctx.db.dispose()
    code, report = verify(ctx, capsys)
    assert code == 0, report["problems"]
    assert any(f"#{backed_up + 1}–#{seen}随恢复放弃" in n and "由 admin" in n for n in report["notes"])
    # and a later cut is still a cut
    cut_tail(ctx.db, 2)
    assert verify(ctx, capsys)[0] == 2
