"""Migration 0016 on an office in use: the lockout columns go and come back with the users in place;
after the upgrade every user starts unlocked with no failures counted, and signs in."""

from __future__ import annotations

from conftest import PASSWORD, migrate_with_owner_rights
from sqlalchemy import inspect, select

from enforcement_desk.admin.auth import login
from enforcement_desk.store.migrate import is_current
from enforcement_desk.store.models import User


def _user_columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("users")}


def test_0016_adds_the_lockout_columns_to_the_users_an_office_has(office):
    engine = office.ctx.db.engine
    migrate_with_owner_rights(office.ctx.db, "downgrade", "0015_transfer_and_service")
    columns = _user_columns(engine)
    assert "login" in columns and not {"failed_logins", "locked_until"} & columns
    assert not is_current(engine)

    migrate_with_owner_rights(office.ctx.db, "upgrade", "heads")
    assert {"failed_logins", "locked_until"} <= _user_columns(engine) and is_current(engine)
    with office.ctx.db.read() as session:
        users = session.execute(select(User.failed_logins, User.locked_until)).all()
    assert len(users) == 7 and set(users) == {(0, None)}
    assert login(office.ctx, "wang", PASSWORD).login == "wang"
