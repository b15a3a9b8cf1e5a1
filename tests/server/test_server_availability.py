"""Availability on the shared PostgreSQL server: every session carries lock, statement and idle
timeouts, so one stuck session on the audit chain's head cannot freeze everyone: the others read on,
a save that needs the head is told in Chinese that the database is busy, and once the stuck session
has sat idle past its limit the server ends it and saves go through again."""

from __future__ import annotations

import time

import pytest
from case_builders import new_case
from conftest import PASSWORD
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from enforcement_desk.admin.auth import SIGN_IN_REFUSED, login
from enforcement_desk.context import AppContext
from enforcement_desk.core.errors import DatabaseBusy, DomainError
from enforcement_desk.procedure.cases import get_case
from enforcement_desk.store.db import BUSY_TIMEOUT_ENV, IDLE_IN_TRANSACTION_TIMEOUT_ENV, make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def server_ctx(office, monkeypatch):
    if office.ctx.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "500")
    monkeypatch.setenv(IDLE_IN_TRANSACTION_TIMEOUT_ENV, "2000")
    ctx = AppContext.open(office.ctx.db.url, office.ctx.evidence_dir)
    ctx.today_override = office.ctx.today_override
    yield ctx
    ctx.close()


def test_every_server_session_carries_the_timeouts(server_ctx):
    with server_ctx.db.read() as session:
        shown = {name: session.execute(text(f"SHOW {name}")).scalar_one() for name in
                 ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")}  # fmt: skip
    assert shown == {
        "lock_timeout": "500ms",
        "statement_timeout": "2min",
        "idle_in_transaction_session_timeout": "2s",
    }


def test_a_stuck_session_on_the_audit_head_is_busy_for_savers_and_then_ended_by_the_server(
    office, server_ctx
):
    case_id = new_case(office).id
    stuck_engine = make_engine(server_ctx.db.url)  # a session made like a desk's, left hanging
    stuck = stuck_engine.connect()
    try:
        stuck.begin()
        stuck.execute(text("SELECT last_seq FROM audit_head WHERE id = 1 FOR UPDATE"))
        # Reading is not held up by the row lock.
        assert get_case(server_ctx, office.officer, case_id).id == case_id
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match="数据库正忙：其他用户正在保存，请稍后重试"):
            login(server_ctx, "wang", "wrong-password")  # counted and audited: it needs the head
        assert time.monotonic() - started < 1.5  # the lock_timeout, not forever
        time.sleep(2.5)  # past the idle-in-transaction limit: the server ends the stuck session
        with pytest.raises(DomainError, match=SIGN_IN_REFUSED):  # counted now, not busy
            login(server_ctx, "wang", "wrong-password")
        assert login(server_ctx, "wang", PASSWORD).login == "wang"
        with pytest.raises(DBAPIError, match="idle-in-transaction timeout"):
            stuck.execute(text("SELECT 1"))
    finally:
        stuck.invalidate()
        stuck_engine.dispose()
