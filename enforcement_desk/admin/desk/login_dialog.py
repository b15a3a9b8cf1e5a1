"""Sign-in (and re-sign-in after the idle lock)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from enforcement_desk.admin.auth import login
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.desk.forms_compiled.ui_login import Ui_LoginDialog
from enforcement_desk.desk.messages import error_text
from enforcement_desk.desk.operations import Changes, run_write


class LoginDialog(QDialog):
    def __init__(
        self, ctx: AppContext, agency_name: str, parent: QWidget | None = None, *, locked_login: str = ""
    ):
        super().__init__(parent)
        self.ui = Ui_LoginDialog()
        self.ui.setupUi(self)
        self.ctx = ctx
        self.actor: Actor | None = None
        if locked_login:
            self.setWindowTitle("已锁定 · 请重新输入密码")
            self.ui.agencyLabel.setText(
                f"{agency_name}\n长时间未操作，界面已锁定。请 {locked_login} 重新输入密码。"
            )
            self.ui.loginEdit.setText(locked_login)
            self.ui.loginEdit.setReadOnly(True)
            self.ui.passwordEdit.setFocus()
        else:
            self.ui.agencyLabel.setText(agency_name)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "退出" if not locked_login else "关闭程序"
        )
        self.ui.buttonBox.accepted.connect(self.accept)
        self.ui.buttonBox.rejected.connect(self.reject)

    def accept(self) -> None:
        user, password = self.ui.loginEdit.text().strip(), self.ui.passwordEdit.text()
        if not user or not password:
            self.ui.errorLabel.setText("请输入登录名和密码")
            return
        ctx = self.ctx
        # Off the screen thread: the password hash takes a noticeable moment by design. A sign-in
        # changes nothing the views show.
        run_write(self, "登录", lambda: login(ctx, user, password), changes=Changes(), on_done=self._signed_in,
                  on_refused=self._refused)  # fmt: skip

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self.ui.errorLabel.setText(error_text(exc))
        self.ui.passwordEdit.selectAll()
        self.ui.passwordEdit.setFocus()
