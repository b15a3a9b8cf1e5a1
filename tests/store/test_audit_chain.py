"""The audit chain: append-only in the database, and any edit behind the program's back is found."""

from __future__ import annotations

import pytest
from conftest import with_owner_rights
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from enforcement_desk.admin.audit_check import verify_all
from enforcement_desk.store.audit import verify_chain


def test_audit_events_refuse_update_and_delete(office):
    for statement in (
        "UPDATE audit_events SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 1",
    ):
        with pytest.raises(DBAPIError, match="append-only"), with_owner_rights(office.ctx.db).write() as session:
            session.execute(text(statement))
    with office.ctx.db.read() as session:
        assert verify_chain(session).ok


def _drop_triggers(session, dialect: str) -> None:
    if dialect == "sqlite":
        session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(text("DROP TRIGGER audit_events_no_delete"))
    else:
        session.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))


def test_an_edited_event_is_named_by_audit_verify(office):
    dialect = office.ctx.db.engine.dialect.name
    with with_owner_rights(office.ctx.db).write() as session:
        _drop_triggers(session, dialect)
        session.execute(text('UPDATE audit_events SET payload = \'{"login":"intruder"}\' WHERE seq = 3'))
    report = verify_all(office.ctx, office.admin)
    assert not report.ok
    assert "审计事件 #3" in report.problems[0] and "内容与其哈希不符" in report.problems[0]


def test_a_deleted_event_in_the_middle_or_at_the_end_is_found(office):
    dialect = office.ctx.db.engine.dialect.name
    with with_owner_rights(office.ctx.db).write() as session:
        _drop_triggers(session, dialect)
        last = session.execute(text("SELECT max(seq) FROM audit_events")).scalar()
        session.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": last})
    with office.ctx.db.read() as session:
        report = verify_chain(session)
    assert not report.ok and "末尾事件被删除" in report.problems[0].message
    with with_owner_rights(office.ctx.db).write() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    with office.ctx.db.read() as session:
        report = verify_chain(session)
    assert report.problems[0].seq == 3 and "不连续" in report.problems[0].message
