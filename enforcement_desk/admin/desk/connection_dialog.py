"""Connecting this PC to the office's shared PostgreSQL server.

Usage: `dialog = ConnectionDialog(parent); if dialog.exec(): url = dialog.database_url()`.
`database_url()` carries the password for the engine: hand it to AppContext.open, never to a log or
a label (`display_url()` is the masked form). The connection test and the schema check run off
the GUI thread: an unreachable server takes seconds to time out.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from enforcement_desk.admin.server_connection import (
    ConnectionCheck,
    ServerAccount,
    check_connection,
    ensure_server_schema,
    get_password,
    keyring_status,
    masked_url,
    parse_account,
    server_url,
    store_password,
    url_parts,
)
from enforcement_desk.core.errors import DomainError
from enforcement_desk.desk.forms_compiled.ui_connection_dialog import Ui_ConnectionDialog
from enforcement_desk.desk.messages import error_text, say
from enforcement_desk.desk.workers import BackgroundJob, JobControl


class ConnectionDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, initial_url: str | None = None):
        super().__init__(parent)
        self.ui = Ui_ConnectionDialog()
        self.ui.setupUi(self)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("连接")
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.testButton.clicked.connect(self.test_connection)
        self.ui.userEdit.editingFinished.connect(self._fill_remembered_password)
        self._url: str | None = None
        self.last_check: ConnectionCheck | None = None
        self.job: BackgroundJob | None = None
        status = keyring_status()
        self.keyring_available = status.available
        self.ui.keyringLabel.setText(status.message)
        self.ui.rememberCheck.setEnabled(status.available)
        self.ui.rememberCheck.setChecked(status.available)
        if initial_url:
            self._fill_from(initial_url)

    # ---- what the caller reads -----------------------------------------------------------------

    def database_url(self) -> str:
        """The URL to open (password included) once the dialog was accepted."""
        if self._url is None:
            raise DomainError("尚未连接服务器")
        return self._url

    def display_url(self) -> str:
        return masked_url(self._url) if self._url else ""

    # ---- the form ------------------------------------------------------------------------------

    def _fill_from(self, url: str) -> None:
        parsed = url_parts(url)
        self.ui.hostEdit.setText(parsed.host)
        self.ui.portSpin.setValue(parsed.port)
        self.ui.databaseEdit.setText(parsed.database)
        self.ui.userEdit.setText(parsed.user)
        if parsed.password:
            self.ui.passwordEdit.setText(parsed.password)
        else:
            self._fill_remembered_password()

    def account(self) -> ServerAccount:
        return parse_account(
            self.ui.hostEdit.text(),
            self.ui.portSpin.value(),
            self.ui.databaseEdit.text(),
            self.ui.userEdit.text(),
        )

    def _fill_remembered_password(self) -> None:
        if self.ui.passwordEdit.text() or not self.keyring_available:
            return
        try:
            remembered = get_password(self.account())
        except DomainError:
            return
        if remembered:
            self.ui.passwordEdit.setText(remembered)
            self.ui.keyringLabel.setText("已从系统密钥环读取记住的密码")

    def _typed_url(self) -> str:
        self._fill_remembered_password()
        if not self.ui.passwordEdit.text():
            raise DomainError(
                "请输入密码" + ("" if self.keyring_available else "（本机无法记住密码，每次都需输入）")
            )
        return server_url(self.account(), self.ui.passwordEdit.text())

    def _show(self, text: str, ok: bool) -> None:
        say(self.ui.statusLabel, text, ok)

    def _busy(self, busy: bool) -> None:
        self.ui.testButton.setEnabled(not busy)
        self.ui.buttonBox.setEnabled(not busy)

    def _run(self, job, done) -> None:
        self._busy(True)
        self._show("正在连接服务器…", True)

        def finished(result) -> None:
            self.job = None
            self._busy(False)
            done(result)

        def failed(exc: BaseException) -> None:
            self.job = None
            self._busy(False)
            self._show(error_text(exc), False)

        # No progress dialog: the status line says it is connecting, and the buttons wait.
        self.job = BackgroundJob(self, "连接服务器", job, finished, failed, cancellable=False, show_after_ms=None)
        self.job.start()

    # ---- actions -------------------------------------------------------------------------------

    def test_connection(self) -> None:
        try:
            url = self._typed_url()
        except DomainError as exc:
            self._show(error_text(exc), False)
            return

        def shown(check: ConnectionCheck) -> None:
            self.last_check = check
            self._show(check.message, True)

        self._run(lambda _control: check_connection(url), shown)

    def accept(self) -> None:
        try:
            url = self._typed_url()
        except DomainError as exc:
            self._show(error_text(exc), False)
            return
        remember = self.ui.rememberCheck.isChecked() and self.keyring_available
        account = self.account()

        def connect(_control: JobControl) -> ConnectionCheck:
            check = check_connection(url)
            if check.schema != "current":
                ensure_server_schema(url)
            return check

        def connected(check: ConnectionCheck) -> None:
            self.last_check = check
            if remember:
                try:
                    store_password(account, self.ui.passwordEdit.text())
                except DomainError as exc:
                    self._show(f"已连接，但{error_text(exc)}", False)
                    return
            self._url = url
            QDialog.accept(self)

        self._run(connect, connected)
