"""Availability: one user's save must not stop the others. Reading a case and signing in never wait for
another process's write lock; a save that cannot get it within the wait says so in Chinese (never a
traceback) and saves nothing; a document is rendered before its issuing transaction, not inside it, and
its number stays gap-free when another user takes the same kind of number meanwhile."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from case_builders import new_case
from conftest import PASSWORD
from pypdf import PdfReader
from sqlalchemy import func, select

from enforcement_desk.admin.auth import login
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DatabaseBusy, DomainError
from enforcement_desk.documents import pdf as pdf_module
from enforcement_desk.documents.service import issue_document
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.db import BUSY_TIMEOUT_ENV
from enforcement_desk.store.models import AuditEvent, DocumentRecord, DocumentSequence

# The 受理记录's numbers: one series per case (its 编号 is the case's 受理编号-受N).
ACCEPTANCE_SERIES = "编号:受:{}"
BUSY_MESSAGE = "数据库正忙：其他用户正在保存，请稍后重试（已等待 0.5 秒）"

# A second process that takes the SQLite write lock the way a writer does (BEGIN IMMEDIATE) and keeps it
# until the test closes its stdin.
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@contextmanager
def write_lock_held_by_another_process(database: Path) -> Iterator[None]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0


def terminal(office, tmp_path: Path, *args: str, user: str = "wang") -> subprocess.CompletedProcess:
    """`enforcement-desk` as its own process, with a short wait for the lock so the test is quick."""
    env = {
        **os.environ,
        "ENFORCEMENT_DESK_PASSWORD": PASSWORD,
        "ENFORCEMENT_DESK_TODAY": "2026-11-02",
        BUSY_TIMEOUT_ENV: "500",
    }
    return subprocess.run(
        [sys.executable, "-m", "enforcement_desk", "--db", office.ctx.db.url, "--evidence-dir",
         str(office.ctx.evidence_dir), "--user", user, *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def _count(office, query) -> int:
    with office.ctx.db.read() as session:
        return session.scalar(query)


def _documents(office) -> list:
    """(case_id, number, pdf_sha256) of every document record, in order of issue."""
    with office.ctx.db.read() as session:
        columns = (DocumentRecord.case_id, DocumentRecord.number, DocumentRecord.pdf_sha256)
        return list(session.execute(select(*columns).order_by(DocumentRecord.id)))


def test_a_case_opens_from_the_terminal_while_another_process_holds_the_write_lock(sqlite_office, tmp_path):
    office = sqlite_office
    case = new_case(office)
    with write_lock_held_by_another_process(office.ctx.db.sqlite_file):
        shown = terminal(office, tmp_path, "case", "show", case.case_no)
    # Signing in and reading wrote nothing, so neither waited for the lock.
    assert shown.returncode == 0, shown.stderr
    assert case.case_no in shown.stdout and "Traceback" not in shown.stderr


def test_a_save_meeting_the_lock_says_busy_in_chinese_and_takes_no_number(sqlite_office, tmp_path):
    office = sqlite_office
    case = new_case(office)
    with write_lock_held_by_another_process(office.ctx.db.sqlite_file):
        refused = terminal(office, tmp_path, "document", "issue", case.case_no, "case_acceptance")
    assert refused.returncode == 75
    assert BUSY_MESSAGE in refused.stderr
    assert "Traceback" not in refused.stderr and "locked" not in refused.stderr
    assert _documents(office) == []
    series = ACCEPTANCE_SERIES.format(case.id)
    assert _count(office, select(func.count()).where(DocumentSequence.series == series)) == 0
    issued = terminal(office, tmp_path, "document", "issue", case.case_no, "case_acceptance")  # lock released
    assert issued.returncode == 0, issued.stderr
    assert [number for _, number, _ in _documents(office)] == [f"{case.case_no}-受1"]  # no gap left


def test_sign_in_works_while_another_process_holds_the_write_lock_and_writes_nothing(
    sqlite_office, monkeypatch
):
    office = sqlite_office
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "500")
    ctx = AppContext.open(office.ctx.db.url, office.ctx.evidence_dir)
    try:
        events = _count(office, select(func.count()).select_from(AuditEvent))
        with write_lock_held_by_another_process(ctx.db.sqlite_file):
            assert login(ctx, "wang", PASSWORD).login == "wang"
            # A wrong password must be counted, so it does wait for the lock: and says so in Chinese.
            with pytest.raises(DatabaseBusy, match="数据库正忙"):
                login(ctx, "wang", "wrong-password")
        assert _count(office, select(func.count()).select_from(AuditEvent)) == events
        with pytest.raises(DomainError):
            login(ctx, "wang", "wrong-password")
        # A success after a failure clears the count: that one is written and audited.
        assert login(ctx, "wang", PASSWORD).login == "wang"
        with ctx.db.read() as session:
            actions = session.scalars(
                select(AuditEvent.action).where(AuditEvent.seq > events).order_by(AuditEvent.seq)
            ).all()
        assert actions == ["login_failed", "login"]
    finally:
        ctx.close()


def test_a_document_renders_with_no_write_lock_held(sqlite_office, monkeypatch):
    office = sqlite_office
    case = new_case(office)
    real_render, writable_while_rendering = pdf_module.render_pdf_counted, []

    def render_and_try_to_write(document, **kwargs):
        other = sqlite3.connect(office.ctx.db.sqlite_file, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the issuing transaction holds the lock
            other.execute("ROLLBACK")
            writable_while_rendering.append(True)
        except sqlite3.OperationalError:
            writable_while_rendering.append(False)
        finally:
            other.close()
        return real_render(document, **kwargs)

    monkeypatch.setattr(pdf_module, "render_pdf_counted", render_and_try_to_write)
    issued = issue_document(office.ctx, office.officer, case.id, "case_acceptance")
    assert writable_while_rendering == [True]
    assert issued.number == f"{case.case_no}-受1"


def test_a_number_taken_by_another_user_during_the_render_is_rendered_again_without_a_gap(
    sqlite_office, monkeypatch
):
    office = sqlite_office
    case = new_case(office)
    real_render, rendered_numbers = pdf_module.render_pdf_counted, []

    def render_while_a_colleague_issues(document, **kwargs):
        rendered_numbers.append(document.number)
        if len(rendered_numbers) == 1:  # the colleague issues another of the kind for the case meanwhile
            issue_document(office.ctx, office.officer2, case.id, "case_acceptance", another=True)
        return real_render(document, **kwargs)

    monkeypatch.setattr(pdf_module, "render_pdf_counted", render_while_a_colleague_issues)
    issued = issue_document(office.ctx, office.officer, case.id, "case_acceptance", another=True)
    first, second = f"{case.case_no}-受1", f"{case.case_no}-受2"
    assert rendered_numbers == [f"编号：{first}", f"编号：{first}", f"编号：{second}"]
    assert issued.number == second
    records = {number: sha for _, number, sha in _documents(office)}
    assert set(records) == {first, second}
    series = ACCEPTANCE_SERIES.format(case.id)
    assert _count(office, select(DocumentSequence.last_value).where(DocumentSequence.series == series)) == 2
    # The registered file is the one rendered with the number it got.
    with BlobStore(office.ctx.evidence_dir).open(records[second]) as handle:
        text = PdfReader(handle).pages[0].extract_text()
    assert second in text and first not in text


def _real_sqlite_busy_error(path: Path) -> sqlite3.OperationalError:
    holder, other = (
        sqlite3.connect(path, isolation_level=None),
        sqlite3.connect(path, isolation_level=None, timeout=0),
    )
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as busy:
            other.execute("BEGIN IMMEDIATE")
        return busy.value
    finally:
        holder.close()
        other.close()


def test_a_busy_database_met_outside_a_service_reads_the_same_and_exits_75(
    sqlite_office, monkeypatch, capsys
):
    from sqlalchemy.exc import OperationalError

    from enforcement_desk.cli import main as cli

    busy = OperationalError(
        "BEGIN IMMEDIATE", None, _real_sqlite_busy_error(sqlite_office.ctx.db.sqlite_file)
    )
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "500")

    def busy_at_start(*_args, **_kwargs):
        raise busy

    monkeypatch.setattr(cli, "run_command", busy_at_start)
    assert cli.main(["--db", sqlite_office.ctx.db.url, "--user", "wang", "case", "list"]) == 75
    err = capsys.readouterr().err
    assert BUSY_MESSAGE in err and "locked" not in err


def test_server_lock_and_statement_timeouts_read_as_busy_and_other_errors_stay_what_they_are():
    from psycopg import errors

    from enforcement_desk.store.db import busy_error

    assert "数据库正忙：其他用户正在保存" in str(busy_error(errors.LockNotAvailable("lock timeout")))
    assert "数据库正忙：其他用户正在保存" in str(busy_error(errors.DeadlockDetected("deadlock")))
    assert "仍未完成，已取消" in str(busy_error(errors.QueryCanceled("statement timeout")))
    assert "已被服务器结束" in str(busy_error(errors.IdleInTransactionSessionTimeout("idle")))
    assert busy_error(errors.UniqueViolation("duplicate key")) is None
    assert busy_error(sqlite3.OperationalError("no such table: cases")) is None
