"""Password guessing is throttled: five failed sign-ins in a row lock an account for fifteen minutes of
wall-clock time (agency settings), the right password included; a success resets the count; an
administrator can unlock; every failure reads the same, whether the login is unknown, the account
disabled or the password wrong; locks and unlocks are in the audit trail."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from conftest import PASSWORD
from sqlalchemy import select, update

from enforcement_desk.admin.agency_settings import update_settings
from enforcement_desk.admin.auth import SIGN_IN_REFUSED, login
from enforcement_desk.admin.users import list_users, set_active, unlock_user
from enforcement_desk.core.errors import DomainError, PermissionDenied
from enforcement_desk.store.models import AuditEvent, User

LOCKED = "该账户因多次登录失败已锁定至"


def _refusal(ctx, name: str, password: str) -> str:
    with pytest.raises(DomainError) as refused:
        login(ctx, name, password)
    return str(refused.value)


def _user(ctx, name: str):
    """The user's lockout state: (failed_logins, locked_until)."""
    with ctx.db.read() as session:
        return session.execute(select(User.failed_logins, User.locked_until).where(User.login == name)).one()


def _events(ctx, *actions: str) -> list[AuditEvent]:
    with ctx.db.read() as session:
        events = list(
            session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.seq))
        )
        session.expunge_all()  # kept as read: the read session's rollback would expire them
        return events


def _run_out_lock(ctx, name: str) -> None:
    """The wall clock moves past the lock: its end is put one second in the past."""
    with ctx.db.write() as session:
        session.execute(
            update(User).where(User.login == name).values(locked_until=datetime.now() - timedelta(seconds=1))
        )


def test_five_failures_lock_the_account_and_the_right_password_is_refused_meanwhile(office):
    ctx = office.ctx
    for _ in range(4):
        assert _refusal(ctx, "li", "wrong-pass") == SIGN_IN_REFUSED
    before = datetime.now()
    fifth = _refusal(ctx, "li", "wrong-pass")
    assert fifth.startswith(LOCKED) and "联系管理员解锁" in fifth
    locked_until = _user(ctx, "li").locked_until
    # 15 minutes by default, rounded up to the whole minute the message names
    assert before + timedelta(minutes=15) <= locked_until <= datetime.now() + timedelta(minutes=16)
    assert locked_until.strftime("%H:%M") in fifth
    assert _refusal(ctx, "li", PASSWORD) == fifth  # the right password: refused, the same words
    assert _refusal(ctx, "li", "another-guess") == fifth
    [locked] = _events(ctx, "user_locked")
    assert locked.actor_login == "li" and json.loads(locked.payload)["failures"] == 5
    failures = [
        json.loads(e.payload)["reason"] for e in _events(ctx, "login_failed") if e.actor_login == "li"
    ]
    assert failures == ["wrong_password"] * 5 + ["locked"] * 2
    assert login(ctx, "wang", PASSWORD).login == "wang"  # other accounts are not affected


def test_the_lock_runs_out_and_a_success_resets_the_count(office):
    ctx = office.ctx
    for _ in range(5):
        _refusal(ctx, "li", "wrong-pass")
    _run_out_lock(ctx, "li")
    assert login(ctx, "li", PASSWORD).login == "li"
    row = _user(ctx, "li")
    assert row.failed_logins == 0 and row.locked_until is None
    for _ in range(4):
        assert _refusal(ctx, "li", "wrong-pass") == SIGN_IN_REFUSED
    assert login(ctx, "li", PASSWORD).login == "li"  # four failures, then a success: counted afresh
    for _ in range(4):
        assert _refusal(ctx, "li", "wrong-pass") == SIGN_IN_REFUSED
    assert _refusal(ctx, "li", "wrong-pass").startswith(LOCKED)


def test_unknown_login_disabled_account_and_wrong_password_read_the_same(office):
    ctx = office.ctx
    set_active(ctx, office.admin, office.officer3.user_id, False)  # zhao
    answers = {
        "unknown login": _refusal(ctx, "nobody", PASSWORD),
        "disabled, right password": _refusal(ctx, "zhao", PASSWORD),
        "disabled, wrong password": _refusal(ctx, "zhao", "wrong-pass"),
        "wrong password": _refusal(ctx, "li", "wrong-pass"),
        "padded login": _refusal(ctx, " li ", "wrong-pass"),
    }
    assert set(answers.values()) == {SIGN_IN_REFUSED}, answers
    reasons = [(e.actor_login, json.loads(e.payload)["reason"]) for e in _events(ctx, "login_failed")]
    assert reasons == [("nobody", "unknown_login"), ("zhao", "inactive"), ("zhao", "inactive"),
                       ("li", "wrong_password"), ("li", "wrong_password")]  # fmt: skip


def test_a_disabled_account_locks_like_any_other(office):
    """Otherwise five tries would tell a disabled account from an active one."""
    ctx = office.ctx
    set_active(ctx, office.admin, office.officer3.user_id, False)
    for _ in range(4):
        _refusal(ctx, "zhao", PASSWORD)
    assert _refusal(ctx, "zhao", "wrong-pass").startswith(LOCKED)


def test_the_administrator_unlocks_and_others_cannot(office):
    ctx = office.ctx
    for _ in range(5):
        _refusal(ctx, "li", "wrong-pass")
    for actor in (office.officer, office.reviewer, office.head):
        with pytest.raises(PermissionDenied):
            unlock_user(ctx, actor, "li")
    assert _refusal(ctx, "li", PASSWORD).startswith(LOCKED)  # still locked: nothing was changed
    assert not _events(ctx, "user_unlocked")
    li = next(u for u in list_users(ctx, office.admin) if u.login == "li")
    assert li.locked_at(datetime.now())

    view = unlock_user(ctx, office.admin, "li")
    assert view.locked_until is None and not view.locked_at(datetime.now())
    [unlocked] = _events(ctx, "user_unlocked")
    assert unlocked.actor_login == "admin" and unlocked.entity_id == str(view.id)
    assert json.loads(unlocked.payload)["before"]["locked_until"]
    assert login(ctx, "li", PASSWORD).login == "li"

    with pytest.raises(DomainError, match="未被锁定"):
        unlock_user(ctx, office.admin, "li")
    with pytest.raises(DomainError, match="不存在"):
        unlock_user(ctx, office.admin, "nobody")
    assert len(_events(ctx, "user_unlocked")) == 1


def test_the_agency_sets_the_number_of_failures_and_the_length_of_the_lock(office):
    ctx = office.ctx
    update_settings(ctx, office.admin, {"login_max_failures": "3", "login_lock_minutes": "60"}, note="加强")
    for _ in range(2):
        assert _refusal(ctx, "li", "wrong-pass") == SIGN_IN_REFUSED
    before = datetime.now()
    assert _refusal(ctx, "li", "wrong-pass").startswith(LOCKED)
    assert _user(ctx, "li").locked_until >= before + timedelta(minutes=60)
    for bad in ({"login_max_failures": 0}, {"login_lock_minutes": 0}, {"login_max_failures": "五"}):
        with pytest.raises(DomainError, match="登录"):
            update_settings(ctx, office.admin, bad)


def test_attempts_at_the_same_moment_are_all_counted_and_lock_once(office):
    """Eight guesses at once: five are counted, the fifth locks, the other three meet the lock."""
    ctx = office.ctx
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: _refusal(ctx, "li", f"wrong-{i}"), range(8)))
    assert sum(a == SIGN_IN_REFUSED for a in answers) == 4
    assert sum(a.startswith(LOCKED) for a in answers) == 4
    assert len(_events(ctx, "user_locked")) == 1
    reasons = sorted(json.loads(e.payload)["reason"] for e in _events(ctx, "login_failed"))
    assert reasons == ["locked"] * 3 + ["wrong_password"] * 5
    assert _refusal(ctx, "li", PASSWORD).startswith(LOCKED)
