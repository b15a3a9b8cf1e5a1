"""Training databases (issue #19): only the demo's and `init --training`'s databases take a pinned business
date (ENFORCEMENT_DESK_TODAY); a real office database refuses it before anything is done. The mark is set
at creation, no setting changes it, and every document of a training database says 培训用，非正式文书."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from case_builders import new_case
from conftest import PASSWORD, TEST_AGENCY, make_office
from docx import Document
from pypdf import PdfReader
from sqlalchemy import func, select, text

from enforcement_desk.admin.agency_settings import get_settings, update_settings
from enforcement_desk.admin.demo import build_demo
from enforcement_desk.admin.setup import AdminDraft, AgencyDraft, initialize
from enforcement_desk.admin.training import is_training_database
from enforcement_desk.cli import main as cli
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.documents.case_file import build_case_file
from enforcement_desk.documents.content import TRAINING_MARK
from enforcement_desk.documents.service import (
    document_kinds_for_case,
    issue_document,
    preview_document,
)
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import AuditEvent, Case, Party

REFUSAL = "业务日期只能在培训数据库中指定（ENFORCEMENT_DESK_TODAY）"


@pytest.fixture
def real_office(tmp_path: Path):
    """The same office as the `sqlite_office` fixture, but a real database (made by a plain init)."""
    office = make_office(f"sqlite:///{tmp_path / 'real.sqlite3'}", tmp_path / "real-evidence", training=False)
    yield office
    office.ctx.close()


def _audit_count(office) -> int:
    with office.ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def _terminal(office, monkeypatch, capsys):
    monkeypatch.setenv("ENFORCEMENT_DESK_PASSWORD", PASSWORD)

    def run(*args: str, today: str | None = None) -> tuple[int, str, str]:
        if today is None:
            monkeypatch.delenv("ENFORCEMENT_DESK_TODAY", raising=False)
        else:
            monkeypatch.setenv("ENFORCEMENT_DESK_TODAY", today)
        url = str(office.ctx.db.engine.url)
        code = cli.main(["--db", url, "--evidence-dir", str(office.ctx.evidence_dir), "--user", "wang", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


PARTY = ("party", "add", "--kind", "person", "--name", "孙某某", "--id-number", "370323199001010012", "--address", "沂水县某村")


def test_a_pinned_date_on_a_real_database_is_refused_before_anything_is_done(real_office, monkeypatch, capsys):
    run = _terminal(real_office, monkeypatch, capsys)
    before = _audit_count(real_office)
    code, out, err = run("--json", *PARTY, today="2025-06-01")
    assert code == 1 and out == ""
    assert REFUSAL in err and "本数据库为正式数据库" in err and "Traceback" not in err
    with real_office.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Party).where(Party.name == "孙某某")) == 0
    assert _audit_count(real_office) == before
    code, _, err = run("deadlines", today="2026-11-02")  # not even a read: the date on screen would be false
    assert code == 1 and REFUSAL in err
    code, out, err = run("--json", *PARTY)  # the real day: as always
    assert code == 0, err
    assert not is_training_database(real_office.ctx)


def test_a_pinned_date_on_a_training_database_is_the_business_date(sqlite_office, monkeypatch, capsys):
    run = _terminal(sqlite_office, monkeypatch, capsys)
    assert is_training_database(sqlite_office.ctx)
    code, out, err = run(
        "--json", "case", "create", "--source", "inspection", "--party", str(sqlite_office.person_party_id),
        "--cause", "未取得医疗机构执业许可证擅自执业", "--handlers", "wang,li", "--discovered-on", "2025-05-30",
        today="2025-06-01",
    )  # fmt: skip
    assert code == 0, err
    case = json.loads(out)
    with sqlite_office.ctx.db.read() as session:
        assert str(session.get(Case, case["id"]).accepted_on) == "2025-06-01"
    code, _, err = run("deadlines", today="2025-13-01")
    assert code == 1 and "ENFORCEMENT_DESK_TODAY 应为日期" in err and "2025-13-01" in err


def _desk(home: Path, *args: str, today: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENFORCEMENT_DESK_HOME": str(home), "ENFORCEMENT_DESK_PASSWORD": PASSWORD}
    env.pop("ENFORCEMENT_DESK_TODAY", None)
    if today:
        env["ENFORCEMENT_DESK_TODAY"] = today
    return subprocess.run(
        [sys.executable, "-m", "enforcement_desk", *args], capture_output=True, text=True, env=env, timeout=300
    )


INIT = ("init", "--agency", TEST_AGENCY["name"], "--short-name", "沂", "--admin-login", "admin", "--admin-name", "管理员")


def test_init_makes_a_real_database_and_init_training_a_training_one_from_a_terminal(tmp_path):
    real, training = f"sqlite:///{tmp_path / 'real.sqlite3'}", f"sqlite:///{tmp_path / 'training.sqlite3'}"
    refused = _desk(tmp_path, "--db", real, *INIT, today="2025-06-01")  # a real database is not made on a pinned day
    assert refused.returncode == 1 and REFUSAL in refused.stderr and "正式数据库的初始化也不能指定" in refused.stderr
    done = _desk(tmp_path, "--db", real, *INIT)
    assert done.returncode == 0, done.stderr
    assert "培训" not in done.stdout
    pinned = _desk(tmp_path, "--db", real, "--user", "admin", "deadlines", today="2025-06-01")
    assert pinned.returncode == 1 and REFUSAL in pinned.stderr and "本数据库为正式数据库" in pinned.stderr
    # Neither `init --training` nor `demo` turns the real database into a training one.
    again = _desk(tmp_path, "--db", real, *INIT, "--training", today="2025-06-01")
    assert again.returncode == 1 and "不能重复初始化" in again.stderr
    demo = _desk(tmp_path, "--db", real, "demo", today="2025-06-01")
    assert demo.returncode == 1 and "已有数据" in demo.stderr
    assert _desk(tmp_path, "--db", real, "--user", "admin", "deadlines", today="2025-06-01").returncode == 1

    made = _desk(tmp_path, "--db", training, *INIT, "--training", today="2025-06-01")
    assert made.returncode == 0, made.stderr
    assert "培训数据库" in made.stdout
    pinned = _desk(tmp_path, "--db", training, "--user", "admin", "deadlines", today="2025-06-01")
    assert pinned.returncode == 0, pinned.stderr
    for url, expected in ((real, False), (training, True)):
        ctx = AppContext.open(url, tmp_path / "evidence")
        try:
            assert is_training_database(ctx) is expected
        finally:
            ctx.close()


def test_the_mark_is_set_at_creation_and_no_setting_changes_it(sqlite_office, real_office):
    for office, expected in ((sqlite_office, True), (real_office, False)):
        version = get_settings(office.ctx, office.admin).version
        for key in ("training", "training_database"):
            with pytest.raises(DomainError, match="未知的设置项"):
                update_settings(office.ctx, office.admin, {key: not expected})
        update_settings(office.ctx, office.admin, {"defence_working_days": 2}, note="其他设置照常保存")
        assert get_settings(office.ctx, office.admin).version == version + 1
        assert is_training_database(office.ctx) is expected
    with pytest.raises(DomainError, match="不能重复初始化"):
        initialize(real_office.ctx, AgencyDraft(**TEST_AGENCY), AdminDraft("admin2", "管理员", PASSWORD), training=True)
    with pytest.raises(DomainError, match="已有数据"):
        build_demo(real_office.ctx)
    with real_office.ctx.db.engine.begin() as conn, pytest.raises(Exception, match="(?i)audit"):
        conn.execute(text("UPDATE audit_events SET payload = '{\"training\":true}' WHERE seq = 1"))
    assert not is_training_database(real_office.ctx)


def test_an_empty_or_foreign_database_is_not_a_training_one(tmp_path):
    ctx = AppContext.open(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path / "evidence")
    try:
        assert not is_training_database(ctx)
    finally:
        ctx.close()


def _issued(office) -> tuple[bytes, bytes, bytes]:
    """A document issued for a new case: its PDF and DOCX as stored, and a draft preview."""
    case = new_case(office)
    kind = next(k.key for k in document_kinds_for_case(office.ctx, office.officer, case.id) if k.issuable)
    view = issue_document(office.ctx, office.officer, case.id, kind)
    store = BlobStore(office.ctx.evidence_dir)
    with store.open(view.pdf_sha256) as pdf, store.open(view.docx_sha256) as docx:
        return pdf.read(), docx.read(), preview_document(office.ctx, office.officer, case.id, kind)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text().replace(" ", "") for page in PdfReader(io.BytesIO(pdf)).pages]


def _docx_margins(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    section = document.sections[0]
    return "\n".join(p.text for p in [*section.header.paragraphs, *section.footer.paragraphs])


def test_documents_of_a_training_database_carry_the_mark_and_a_real_ones_do_not(sqlite_office, real_office, tmp_path):
    pdf, docx, preview = _issued(sqlite_office)
    for pages in (_pages(pdf), _pages(preview)):
        assert pages and all(page.count(TRAINING_MARK) == 2 for page in pages), pages  # head and foot of each
    assert TRAINING_MARK in _docx_margins(docx)
    case_file = build_case_file(
        sqlite_office.ctx, sqlite_office.officer, _case_with_document(sqlite_office), tmp_path / "training.pdf"
    )
    assert all(TRAINING_MARK in page for page in _pages(case_file.read_bytes()))

    pdf, docx, preview = _issued(real_office)
    for pages in (_pages(pdf), _pages(preview)):
        assert pages and not any("培训" in page for page in pages)
    assert "培训" not in _docx_margins(docx)
    assert "第" in _docx_margins(docx)  # the footer's page number is still there
    case_file = build_case_file(
        real_office.ctx, real_office.officer, _case_with_document(real_office), tmp_path / "real.pdf"
    )
    assert not any("培训" in page for page in _pages(case_file.read_bytes()))


def _case_with_document(office) -> int:
    with office.ctx.db.read() as session:
        from enforcement_desk.store.models import DocumentRecord

        return session.scalar(select(DocumentRecord.case_id).order_by(DocumentRecord.id).limit(1))
