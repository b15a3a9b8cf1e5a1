"""Sign-in (and re-sign-in after the idle lock)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from enforcement_desk.admin.auth import login
from enforcement_desk.context import Actor, AppContext
from enforcement_desk.core.errors import DomainError
from enforcement_desk.desk.forms_compiled.ui_login import Ui_LoginDialog


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
        try:
            self.actor = login(self.ctx, user, password)
        except DomainError as exc:
            self.ui.errorLabel.setText(exc.message)
            self.ui.passwordEdit.selectAll()
            self.ui.passwordEdit.setFocus()
            return
        super().accept()
