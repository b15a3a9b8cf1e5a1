"""`migrate-to`: the embedded demo database and its evidence store moved to a PostgreSQL server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import fresh_postgres_url
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.admin.auth import login
from enforcement_desk.admin.demo import DEMO_PASSWORD, build_demo
from enforcement_desk.admin.migration_to_server import all_tables, migrate_to_server
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.core.stages import CaseSource
from enforcement_desk.evidence.service import add_evidence
from enforcement_desk.procedure.cases import CaseDraft, create_case, list_cases
from enforcement_desk.store.blobs import BlobStore
from enforcement_desk.store.models import AuditEvent, AuditHead, Case, CaseHandler, DocumentSequence, User

pytestmark = pytest.mark.postgres
TODAY = date(2026, 11, 20)


@pytest.fixture
def server_url():
    yield from fresh_postgres_url()


@pytest.fixture
def demo_office(tmp_path: Path):
    ctx = AppContext.open(f"sqlite:///{tmp_path / 'desk.sqlite3'}", tmp_path / "evidence")
    ctx.today_override = TODAY
    build_demo(ctx, cases_per_stage=1, today=TODAY)
    admin = login(ctx, "admin", DEMO_PASSWORD)
    officer = login(ctx, "wangqiang", DEMO_PASSWORD)
    with ctx.db.read() as session:
        case_id, handler_login = session.execute(
            select(Case.id, User.login)
            .join(CaseHandler, CaseHandler.case_id == Case.id)
            .join(User, User.id == CaseHandler.user_id)
            .where(Case.stage == "investigating")
            .order_by(Case.id)
            .limit(1)
        ).one()
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 demo photo of the clinic " * 200)
    add_evidence(ctx, login(ctx, handler_login, DEMO_PASSWORD), case_id, photo, description="诊室现场照片")
    yield ctx, admin, officer
    ctx.close()


def _counts(ctx: AppContext) -> dict[str, int]:
    with ctx.db.read() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in all_tables()}


def test_migrated_demo_database_matches_row_for_row_and_passes_audit_verify(
    demo_office, server_url, tmp_path
):
    ctx, admin, officer = demo_office
    before = _counts(ctx)
    with ctx.db.read() as session:
        source_events = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq)
        ).all()
    seen: list[str] = []
    report = migrate_to_server(
        ctx,
        admin,
        server_url,
        tmp_path / "server-evidence",
        progress=lambda what, done, total: seen.append(what),
    )
    assert report.ok, report.problems
    assert {t.table: t.target_rows for t in report.tables} == before
    assert "cases" in seen and "audit_events" in seen
    server = AppContext.open(server_url, tmp_path / "server-evidence")
    try:
        with server.db.read() as session:
            copied = session.execute(
                select(AuditEvent.seq, AuditEvent.hash, AuditEvent.action).order_by(AuditEvent.seq)
            ).all()
        # the copy keeps every event's seq and hash; the check and the migration are recorded after
        assert [(seq, digest) for seq, digest, _ in copied[: len(source_events)]] == source_events
        assert [e.action for e in copied[len(source_events) :]] == [
            "audit_verified",
            "migrated_from_embedded",
        ]
        server_admin = login(server, "admin", DEMO_PASSWORD)
        verification = verify_all(server, server_admin)
        assert verification.ok, verification.problems
        assert verification.blobs_checked >= 1
        assert BlobStore(tmp_path / "server-evidence").path_for(_one_blob(server)).is_file()
    finally:
        server.close()


def _one_blob(ctx: AppContext) -> str:
    from enforcement_desk.store.models import Evidence

    with ctx.db.read() as session:
        return session.scalar(select(Evidence.sha256).limit(1))


def test_work_continues_on_the_server_after_migration_without_id_or_number_collisions(
    demo_office, server_url, tmp_path
):
    ctx, admin, _ = demo_office
    migrate_to_server(ctx, admin, server_url, tmp_path / "server-evidence")
    server = AppContext.open(server_url, tmp_path / "server-evidence")
    server.today_override = TODAY
    try:
        officer = login(server, "wangqiang", DEMO_PASSWORD)
        with server.db.read() as session:
            highest_id = session.scalar(select(func.max(Case.id)))
            party_id = session.scalar(select(Case.party_id).limit(1))
            taken = session.scalar(
                select(DocumentSequence.last_value).where(DocumentSequence.series == "编号:案件受理")
            )
        other = login(server, "lina", DEMO_PASSWORD)
        created = create_case(
            server,
            officer,
            CaseDraft(
                CaseSource.INSPECTION,
                party_id,
                "公共场所未取得卫生许可证擅自营业",
                (officer.user_id, other.user_id),
                TODAY,
            ),
        )
        assert created.id == highest_id + 1
        assert created.case_no.endswith(f"{taken + 1:04d}")
        assert any(c.id == created.id for c in list_cases(server, officer))
        with server.db.read() as session:
            head = session.get(AuditHead, 1)
            assert head.last_seq == session.scalar(select(func.max(AuditEvent.seq)))
    finally:
        server.close()


def test_migration_refuses_a_server_database_that_already_holds_data(demo_office, server_url, tmp_path):
    ctx, admin, _ = demo_office
    migrate_to_server(ctx, admin, server_url, tmp_path / "first")
    server = AppContext.open(server_url, tmp_path / "first")
    cases_before = _counts(server)["cases"]
    with pytest.raises(DomainError, match="不是空的"):
        migrate_to_server(ctx, admin, server_url, tmp_path / "second")
    assert _counts(server)["cases"] == cases_before
    server.close()


def test_only_an_administrator_may_migrate_and_the_password_never_appears_in_the_report(
    demo_office, server_url, tmp_path
):
    ctx, admin, officer = demo_office
    with pytest.raises(DomainError, match="管理员"):
        migrate_to_server(ctx, officer, server_url, tmp_path / "ev")
    with_password = make_url(server_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    report = migrate_to_server(ctx, admin, with_password, tmp_path / "ev")
    assert "s3cret-pw" not in report.target and "***" in report.target
    with ctx.db.read() as session:
        payloads = session.scalars(select(AuditEvent.payload)).all()
    assert not any("s3cret-pw" in p for p in payloads)
