"""The desk's sign-in under password guessing: the same words for every failure, then the lock with
the moment it ends, which the right password does not get past."""

from __future__ import annotations

from conftest import PASSWORD
from desk_driver import Desk

from enforcement_desk.admin.auth import SIGN_IN_REFUSED
from enforcement_desk.admin.desk.login_dialog import LoginDialog
from enforcement_desk.admin.users import unlock_user


def test_the_login_dialog_locks_after_five_failures_and_opens_once_unlocked(qtbot, sqlite_office):
    desk = Desk(qtbot, sqlite_office)
    dialog = LoginDialog(sqlite_office.ctx, "沂水县卫生健康综合监督执法局")
    qtbot.addWidget(dialog)
    dialog.open()

    def sign_in(login: str, password: str) -> str:
        desk.type_into(dialog.ui.loginEdit, login)
        desk.type_into(dialog.ui.passwordEdit, password)
        desk.confirm(dialog)
        return dialog.ui.errorLabel.text()

    assert sign_in("nobody", PASSWORD) == SIGN_IN_REFUSED
    for _ in range(4):
        assert sign_in("li", "wrong-pass") == SIGN_IN_REFUSED
    assert "已锁定至" in sign_in("li", "wrong-pass")
    refused = sign_in("li", PASSWORD)
    assert dialog.isVisible() and "已锁定至" in refused and "联系管理员解锁" in refused

    unlock_user(sqlite_office.ctx, sqlite_office.admin, "li")
    sign_in("li", PASSWORD)
    assert not dialog.isVisible() and dialog.actor.login == "li"
