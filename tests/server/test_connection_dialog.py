"""The connection dialog: typed account, remembered password, a test that does not freeze the GUI."""

from __future__ import annotations

import keyring
import pytest
from conftest import fresh_empty_postgres_url
from keyring.backends import fail
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from sqlalchemy.engine import make_url

from enforcement_desk.admin.desk.connection_dialog import ConnectionDialog
from enforcement_desk.admin.server_connection import check_connection
from enforcement_desk.store.credentials import ServerAccount, get_password


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _fill(dialog: ConnectionDialog, host: str, port: int, database: str, user: str, password: str) -> None:
    dialog.ui.hostEdit.setText(host)
    dialog.ui.portSpin.setValue(port)
    dialog.ui.databaseEdit.setText(database)
    dialog.ui.userEdit.setText(user)
    dialog.ui.passwordEdit.setText(password)


def test_without_a_keyring_the_dialog_says_so_and_cannot_remember(qtbot, no_keyring):
    dialog = ConnectionDialog()
    qtbot.addWidget(dialog)
    assert not dialog.ui.rememberCheck.isEnabled()
    assert "没有可用的系统密钥环" in dialog.ui.keyringLabel.text()
    _fill(dialog, "db.office.local", 5432, "enforcement", "wang", "")
    dialog.ui.testButton.click()
    assert "请输入密码" in dialog.ui.statusLabel.text() and "每次都需输入" in dialog.ui.statusLabel.text()


def test_an_unreachable_server_is_reported_without_freezing_the_dialog(qtbot, no_keyring):
    dialog = ConnectionDialog()
    qtbot.addWidget(dialog)
    _fill(dialog, "127.0.0.1", 1, "enforcement", "wang", "secret-pw")
    dialog.ui.testButton.click()
    assert not dialog.ui.testButton.isEnabled()  # the test runs in the background
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert "服务器无法访问" in dialog.ui.statusLabel.text()
    assert "secret-pw" not in dialog.ui.statusLabel.text()
    assert dialog.result() != QDialog.DialogCode.Accepted


@pytest.fixture
def server_url():
    yield from fresh_empty_postgres_url()


@pytest.mark.postgres
def test_connecting_creates_the_schema_remembers_the_password_and_hands_back_the_url(
    qtbot, file_keyring, server_url
):
    url = server_url
    parsed = make_url(url)
    dialog = ConnectionDialog()
    qtbot.addWidget(dialog)
    _fill(dialog, parsed.host, parsed.port, parsed.database, parsed.username, "typed-pw")
    dialog.ui.testButton.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert "首次使用时将建立数据表" in dialog.ui.statusLabel.text()
    assert dialog.ui.rememberCheck.isChecked()
    dialog.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert check_connection(dialog.database_url()).schema == "current"
    assert "typed-pw" not in dialog.display_url()
    account = ServerAccount(parsed.host, parsed.database, parsed.username, parsed.port)
    assert get_password(account) == "typed-pw"

    again = ConnectionDialog(initial_url=url)  # next start: the password comes from the keyring
    qtbot.addWidget(again)
    assert again.ui.passwordEdit.text() == "typed-pw"
