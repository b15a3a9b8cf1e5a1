"""Starting the desk: first run on an empty database, the demo, signing in, the idle lock."""

from __future__ import annotations

from pathlib import Path

from desk_driver import Desk

from enforcement_desk.admin.desk.first_run_dialog import FirstRunDialog
from enforcement_desk.admin.desk.login_dialog import LoginDialog
from enforcement_desk.admin.setup import is_initialized
from enforcement_desk.context import AppContext
from enforcement_desk.desk.app import prepare_database


def test_the_first_run_creates_the_agency_and_refuses_bad_input_in_chinese(qtbot, tmp_path: Path):
    ctx = AppContext.open(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path / "evidence")
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    desk = Desk(qtbot, None)
    ui = dialog.ui
    desk.type_into(ui.agencyNameEdit, "沂水县卫生健康局")
    desk.type_into(ui.shortNameEdit, "沂")
    desk.type_into(ui.usccEdit, "12371323MB2853161X")
    desk.type_into(ui.adminPasswordEdit, "admin-pass-1")
    desk.type_into(ui.adminPassword2Edit, "admin-pass-1")
    desk.confirm(dialog)
    assert dialog.isVisible() and "校验位不符" in ui.errorLabel.text()
    desk.type_into(ui.usccEdit, "12371323MB2853161H")
    desk.confirm(dialog)
    assert not dialog.isVisible(), ui.errorLabel.text()
    assert is_initialized(ctx) and dialog.admin.login == "admin"

    login = LoginDialog(ctx, "沂水县卫生健康局")
    qtbot.addWidget(login)
    login.open()
    desk.type_into(login.ui.loginEdit, "admin")
    desk.type_into(login.ui.passwordEdit, "wrong-pass")
    desk.confirm(login)
    assert login.isVisible() and "密码" in login.ui.errorLabel.text()
    desk.type_into(login.ui.passwordEdit, "admin-pass-1")
    desk.confirm(login)
    assert not login.isVisible() and login.actor.login == "admin"
    ctx.close()


def test_the_demo_database_is_built_in_the_background_on_first_start(qtbot, tmp_path: Path):
    ctx = AppContext.open(f"sqlite:///{tmp_path / 'demo.sqlite3'}", tmp_path / "evidence")
    assert prepare_database(ctx, demo=True)
    assert is_initialized(ctx)
    ctx.close()


def test_the_idle_lock_hides_the_desk_until_the_password_is_given_again(qtbot, sqlite_office):
    desk = Desk(qtbot, sqlite_office)
    window = desk.window(sqlite_office.officer)
    window.lock()
    assert not window.centralWidget().isVisible()
    lock = window.lock_dialog
    assert lock.ui.loginEdit.text() == "wang" and lock.ui.loginEdit.isReadOnly()
    desk.type_into(lock.ui.passwordEdit, "test-pass-123")
    desk.confirm(lock)
    assert window.centralWidget().isVisible() and not window.locked


def test_a_cancelled_demo_is_stopped_between_cases_and_its_unfinished_database_removed(qtbot):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    from enforcement_desk.desk.app import demo_database_url, discard_unfinished_demo

    url = demo_database_url()  # under ENFORCEMENT_DESK_HOME, a folder of this test's own
    folder = Path(url.removeprefix("sqlite:///")).parent
    ctx = AppContext.open(url)
    labels: list[str] = []

    def cancel_once_it_reports_a_case() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QProgressDialog) and "演示案件" in w.labelText()]  # fmt: skip
        if not dialogs:
            QTimer.singleShot(10, cancel_once_it_reports_a_case)
            return
        labels.append(dialogs[0].labelText())
        qtbot.mouseClick(dialogs[0].findChild(QPushButton), Qt.MouseButton.LeftButton)  # 取消

    QTimer.singleShot(0, cancel_once_it_reports_a_case)
    assert prepare_database(ctx, demo=True) is False
    assert labels and labels[0].startswith("正在生成演示案件")
    ctx.close()
    discard_unfinished_demo(url, None)
    assert not folder.exists()
